// The RequestAuthentication beside each plugin that reads a token: Istio verifies a token only
// where its JWT rule looks (Authorization: Bearer and the access_token parameter when no location
// is given), so the rule names every place the plugin reads one and no token reaches it unverified.
import { gatewayLabels, metadata, type RenderOptions, type Resource } from './options.ts';

export interface TokenSource {
  header?: string;
  prefix?: string;
  cookie?: string;
  query?: string;
}

const DEFAULT_TOKEN_SOURCES: TokenSource[] = [{ header: 'authorization', prefix: 'Bearer ' }];
export const DEFAULT_ISSUER = 'https://idp.example.com';
export const DEFAULT_JWKS_URI = 'https://idp.example.com/.well-known/jwks.json';

// Where a plugin configuration reads tokens (the plugins' default when unset); with
// payload_in_metadata jwt-tenant reads jwt_authn's verified payload, no token.
export function tokenSourcesOf(config: Record<string, any>): TokenSource[] {
  if (config.payload_in_metadata) return [];
  return (config.token_sources as TokenSource[] | undefined) ?? DEFAULT_TOKEN_SOURCES;
}

export function requestAuthentication(plugin: string, config: Record<string, any>, options: RenderOptions): Resource[] {
  const sources = tokenSourcesOf(config);
  if (sources.length === 0) return [];
  const unique = <T>(items: T[]) => [...new Map(items.map((item) => [JSON.stringify(item), item])).values()];
  const fromHeaders = unique(
    sources
      .filter((s) => s.header !== undefined)
      .map((s) => ({ name: s.header!, ...(s.prefix ? { prefix: s.prefix } : {}) })),
  );
  const fromParams = unique(sources.flatMap((s) => (s.query !== undefined ? [s.query] : [])));
  const fromCookies = unique(sources.flatMap((s) => (s.cookie !== undefined ? [s.cookie] : [])));
  return [
    {
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: metadata(`${plugin}-tokens`, options),
      spec: {
        selector: { matchLabels: gatewayLabels(options) },
        jwtRules: [
          {
            issuer: options.issuer ?? DEFAULT_ISSUER,
            jwksUri: options.jwksUri ?? DEFAULT_JWKS_URI,
            ...(fromHeaders.length > 0 ? { fromHeaders } : {}),
            ...(fromParams.length > 0 ? { fromParams } : {}),
            ...(fromCookies.length > 0 ? { fromCookies } : {}),
            // The filters read the token after Istio verified it: it must stay in the request.
            forwardOriginalToken: true,
          },
        ],
      },
    },
  ];
}
