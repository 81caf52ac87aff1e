import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import YAML from 'yaml';
import type { CalloutAnswer, HeaderList, HttpProtocol, HttpRequest, UnderscoresAction } from '../host/index.ts';
import { headerNameProblem, headerValueProblem } from '../host/header-validation.ts';
import { utf8ToBytes } from '../host/header-map.ts';
import { CliError } from './errors.ts';
import requestSchema from './request.schema.json' with { type: 'json' };

interface RequestFile {
  method?: string;
  path?: string;
  authority?: string;
  scheme?: string;
  protocol?: HttpProtocol;
  headers?: [string, string][];
  body?: string | string[];
  trailers?: [string, string][];
  source?: string;
  metadata?: Record<string, Record<string, unknown>>;
  upstream_response?: {
    status?: number;
    headers?: [string, string][];
    body?: string | string[];
    trailers?: [string, string][];
  };
  callouts?: CalloutEntry[];
  advance_ms?: number;
  request_id?: string;
  connection_manager?: {
    use_remote_address?: boolean;
    xff_num_trusted_hops?: number;
    skip_xff_append?: boolean;
    preserve_external_request_id?: boolean;
    headers_with_underscores_action?: UnderscoresAction;
    internal_address_config?: { cidr_ranges?: string[] };
  };
}

type CalloutEntry = Omit<CalloutAnswer, 'grpc'> & {
  grpc?: {
    expect?: { service?: string; method?: string; metadata?: HeaderList };
    messages?: (string | { base64: string })[];
    initial_metadata?: HeaderList;
    trailing_metadata?: HeaderList;
    status?: number;
    message?: string;
  };
};

const validate = new Ajv2020.default({ allErrors: true }).compile<RequestFile>(requestSchema);

// Reads FILE (JSON or YAML) and checks it against request.schema.json.
export function readRequestFile(path: string): HttpRequest {
  const parsed = parseDocument(readText(path), path);
  if (!validate(parsed)) {
    const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
    throw new CliError(`invalid request file ${path}: ${problems}`);
  }
  for (const [field, list] of [
    ['headers', parsed.headers],
    ['trailers', parsed.trailers],
    ['upstream_response/headers', parsed.upstream_response?.headers],
  ] as const) {
    (list ?? []).forEach(([name, value], index) => {
      const problem = headerNameProblem(utf8ToBytes(name)) ?? headerValueProblem(utf8ToBytes(value));
      if (problem !== null)
        throw new CliError(
          `invalid request file ${path}: /${field}/${index} ${JSON.stringify(name)}: ${problem}; Envoy's codecs refuse such a header`,
        );
    });
  }
  return {
    method: parsed.method,
    path: parsed.path,
    authority: parsed.authority,
    scheme: parsed.scheme,
    headers: parsed.headers,
    body: parsed.body,
    trailers: parsed.trailers,
    stream: { sourceAddress: parsed.source, filterMetadata: parsed.metadata, protocol: parsed.protocol },
    upstreamResponse: parsed.upstream_response,
    callouts: parsed.callouts?.map(calloutAnswer),
    advanceMilliseconds: parsed.advance_ms,
    requestId: parsed.request_id,
    connectionManager: connectionManager(parsed.connection_manager),
  };
}

function connectionManager(settings: RequestFile['connection_manager']): HttpRequest['connectionManager'] {
  if (settings === undefined) return undefined;
  const internal = settings.internal_address_config;
  return {
    useRemoteAddress: settings.use_remote_address,
    xffNumTrustedHops: settings.xff_num_trusted_hops,
    skipXffAppend: settings.skip_xff_append,
    preserveExternalRequestId: settings.preserve_external_request_id,
    headersWithUnderscoresAction: settings.headers_with_underscores_action,
    internalAddresses: internal === undefined ? undefined : { cidrRanges: internal.cidr_ranges },
  };
}

// The file's snake_case gRPC answer as the host takes it; base64 messages become bytes.
function calloutAnswer({ grpc, ...http }: CalloutEntry): CalloutAnswer {
  if (grpc === undefined) return http;
  const messages = grpc.messages?.map((m) =>
    typeof m === 'string' ? m : new Uint8Array(Buffer.from(m.base64, 'base64')),
  );
  return {
    ...http,
    grpc: {
      expect: grpc.expect,
      messages,
      initialMetadata: grpc.initial_metadata,
      trailingMetadata: grpc.trailing_metadata,
      status: grpc.status,
      message: grpc.message,
    },
  };
}

export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

export function parseDocument(text: string, path: string): unknown {
  try {
    return /\.ya?ml$/i.test(path) ? YAML.parse(text) : JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`,
    );
  }
}
