// The runtime layer's public API for plugin code.
export * from "./enums";
export { RootContext, Context, stream_context } from "./context";
export { registerRootContext } from "./registry";
export { HeaderMap } from "./headers";
export { HeaderPair, serializePairs, deserializePairs, propertyPath } from "./pairs";
export { getBufferBytes, getBufferBytesInto, getBufferLength, setBufferBytes } from "./buffers";
export { getProperty, getPropertyBytes, getPropertyString, getPropertyU64, setProperty } from "./properties";
export { sendLocalResponse, continueRequest, continueResponse, closeRequest, GRPC_STATUS_NONE } from "./stream-control";
export { Counter, Gauge, Histogram } from "./metrics";
export { log, logEnabled, logTrace, logDebug, logInfo, logWarn, logError, logCritical } from "./log";
export { currentTimeNanoseconds } from "./clock";
export { HostBlock } from "./memory";
