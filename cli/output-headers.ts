// The request headers a plugin writes under a configuration (outputs only: not the headers its
// rules or sources read), with the schema's defaults: what route tables may match and hash on.
export function outputHeaders(plugin: string, config: Record<string, any>): string[] {
  switch (plugin) {
    case 'jwt-tenant':
      return [config.tenant?.header ?? 'x-tenant-id', ...(config.claims_to_headers ?? []).map((c: { header: string }) => c.header)];
    case 'feature-alias':
      return [config.headers?.alias ?? 'x-feature', config.headers?.version ?? 'x-version', config.headers?.rule].filter((h) => h !== undefined);
    case 'body-keys':
      return (config.keys as { header: string; derived?: { header: string } }[]).flatMap((k) => [k.header, ...(k.derived ? [k.derived.header] : [])]);
    default:
      throw new Error(`no output headers known for ${plugin}`);
  }
}
