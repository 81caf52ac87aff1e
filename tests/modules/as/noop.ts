// The benchmark baseline: a plugin on the runtime layer that does nothing per request.
export * from "../../../assembly/proxy/exports";
import { Context, FilterHeadersStatus, RootContext, registerRootContext } from "../../../assembly/proxy";

class NoopStream extends Context {
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    return FilterHeadersStatus.Continue;
  }
}

class NoopRoot extends RootContext {
  createContext(contextId: u32): Context {
    return new NoopStream(contextId, this);
  }
}

registerRootContext((contextId: u32): RootContext => new NoopRoot(contextId), "noop");
