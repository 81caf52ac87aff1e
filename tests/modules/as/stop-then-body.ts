// Holds the request headers (StopIteration) and decides a header from the body: at end of stream
// it writes x-from-body with the body length; until then it asks the host to buffer.
export * from "../../../assembly/proxy/exports";
import {
  Context,
  FilterDataStatus,
  FilterHeadersStatus,
  RootContext,
  registerRootContext,
  stream_context,
} from "../../../assembly/proxy";

class HoldStream extends Context {
  onRequestHeaders(headerCount: u32, endOfStream: bool): FilterHeadersStatus {
    return endOfStream ? FilterHeadersStatus.Continue : FilterHeadersStatus.StopIteration;
  }

  onRequestBody(bodyBufferLength: usize, endOfStream: bool): FilterDataStatus {
    if (!endOfStream) return FilterDataStatus.StopIterationAndBuffer;
    stream_context.headers.request.replace("x-from-body", bodyBufferLength.toString());
    return FilterDataStatus.Continue;
  }
}

class HoldRoot extends RootContext {
  createContext(contextId: u32): Context {
    return new HoldStream(contextId, this);
  }
}

registerRootContext((contextId: u32): RootContext => new HoldRoot(contextId), "stop-then-body");
