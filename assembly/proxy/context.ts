// The shape users of proxy-runtime know: a RootContext per plugin that reads its configuration
// once, and a Context per HTTP stream with the filter callbacks. Defaults continue.
import { BufferType, FilterDataStatus, FilterHeadersStatus, FilterTrailersStatus } from "./enums";
import { getBufferBytes } from "./buffers";
import { HeaderMaps } from "./headers";

export class RootContext {
  // Every request header this plugin may write, lower-case, set in onConfigure. The runtime
  // removes each client copy before onRequestHeaders runs, whatever the plugin decides later or
  // waits for (body, trailers), so a client value can never reach upstream under an owned name.
  ownedRequestHeaders: Array<ArrayBuffer> = [];

  constructor(public readonly contextId: u32) {}

  onVmStart(vmConfigurationSize: u32): bool {
    return true;
  }

  onConfigure(configurationSize: u32): bool {
    return true;
  }

  // The plugin configuration, readable only during onConfigure. Empty configuration is "".
  getConfigurationBytes(configurationSize: u32): ArrayBuffer {
    return configurationSize == 0
      ? new ArrayBuffer(0)
      : getBufferBytes(BufferType.PluginConfiguration, 0, configurationSize);
  }

  getConfiguration(configurationSize: u32): string {
    return String.UTF8.decode(this.getConfigurationBytes(configurationSize));
  }

  createContext(contextId: u32): Context {
    return new Context(contextId, this);
  }

  onTick(): void {}

  onDone(): bool {
    return true;
  }

  onDelete(): void {}
}

export class Context {
  constructor(
    public readonly contextId: u32,
    public readonly root: RootContext,
  ) {}

  // Called before the owned request headers are removed: the one place to read a header that is
  // both a configured source and an owned output (body-keys reading x-cart-id from the portal).
  readOwnedSources(headerCount: u32): void {}

  // Whether the request may carry root.ownedRequestHeaders[index]; the runtime removes only those.
  // Yes unless overridden, and overridden only from a complete read of the request's header map
  // made in readOwnedSources: absent names then cost no removal call.
  mayCarryOwnedHeader(index: i32): bool {
    return true;
  }

  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }

  onRequestBody(bodyBufferLength: usize, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }

  onRequestTrailers(trailerCount: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }

  onResponseHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }

  onResponseBody(bodyBufferLength: usize, endOfStream: bool): FilterDataStatus {
    return FilterDataStatus.Continue;
  }

  onResponseTrailers(trailerCount: u32): FilterTrailersStatus {
    return FilterTrailersStatus.Continue;
  }

  onLog(): void {}

  onDone(): bool {
    return true;
  }

  onDelete(): void {}
}

// The current stream's header maps: stream_context.headers.request.get("x-tenant-id").
export class StreamContext {
  readonly headers: HeaderMaps = new HeaderMaps();
}

export const stream_context = new StreamContext();
