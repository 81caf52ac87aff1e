// The module's ABI surface. A plugin's entry file re-exports this module:
//   export * from "./exports";
import "./abort";
import { Context, RootContext } from "./context";
import { HeaderMapType } from "./enums";
import { removeRequestHeader } from "./headers";
import { newLogGeneration, refreshLogLevel } from "./log";
import { collectAfterStream, collectGarbage, collectIfDue } from "./collector";
import { allocateForHost } from "./memory";
import { createRootContext, rootContexts, streamContexts } from "./registry";

export function proxy_abi_version_0_2_1(): void {}

export function proxy_on_memory_allocate(size: usize): usize {
  return allocateForHost(size);
}

export function proxy_on_context_create(contextId: u32, parentContextId: u32): void {
  if (parentContextId == 0) {
    rootContexts.set(contextId, createRootContext(contextId));
    return;
  }
  newLogGeneration();
  const root = rootContexts.has(parentContextId) ? rootContexts.get(parentContextId) : new RootContext(parentContextId);
  streamContexts.set(contextId, root.createContext(contextId));
}

function root(contextId: u32): RootContext {
  return rootContexts.has(contextId) ? rootContexts.get(contextId) : new RootContext(contextId);
}

function stream(contextId: u32): Context | null {
  return streamContexts.has(contextId) ? streamContexts.get(contextId) : null;
}

export function proxy_on_vm_start(rootContextId: u32, vmConfigurationSize: u32): bool {
  return root(rootContextId).onVmStart(vmConfigurationSize);
}

// Reading a configuration leaves its JSON tree and text behind: collected before any request.
export function proxy_on_configure(rootContextId: u32, configurationSize: u32): bool {
  refreshLogLevel();
  const accepted = root(rootContextId).onConfigure(configurationSize);
  collectGarbage();
  return accepted;
}

// A VM with timers and no traffic ends no streams: its ticks' garbage is collected here.
export function proxy_on_tick(rootContextId: u32): void {
  root(rootContextId).onTick();
  collectIfDue();
}

// Owned headers go first: client copies are gone before the plugin decides or waits for anything.
export function proxy_on_request_headers(contextId: u32, headerCount: u32, endOfStream: bool): u32 {
  const context = stream(contextId);
  if (context === null) return 0;
  const owned = context.root.ownedRequestHeaders;
  if (owned.length > 0) {
    context.readOwnedSources(headerCount);
    for (let i = 0; i < owned.length; i++) if (context.mayCarryOwnedHeader(i)) removeRequestHeader(owned[i]);
  }
  return <u32>context.onRequestHeaders(headerCount, endOfStream);
}

// A body is read in slices, a callback at a time: its garbage is collected as it goes.
export function proxy_on_request_body(contextId: u32, bodyBufferLength: u32, endOfStream: bool): u32 {
  const context = stream(contextId);
  if (context === null) return 0;
  const status = <u32>context.onRequestBody(bodyBufferLength, endOfStream);
  collectIfDue();
  return status;
}

// Trailers reach upstream too, so no client trailer may carry an owned name either.
export function proxy_on_request_trailers(contextId: u32, trailerCount: u32): u32 {
  const context = stream(contextId);
  if (context === null) return 0;
  const owned = context.root.ownedRequestHeaders;
  for (let i = 0; i < owned.length; i++) removeRequestHeader(owned[i], HeaderMapType.RequestTrailers);
  return <u32>context.onRequestTrailers(trailerCount);
}

export function proxy_on_response_headers(contextId: u32, headerCount: u32, endOfStream: bool): u32 {
  const context = stream(contextId);
  return context === null ? 0 : <u32>context.onResponseHeaders(headerCount, endOfStream);
}

export function proxy_on_response_body(contextId: u32, bodyBufferLength: u32, endOfStream: bool): u32 {
  const context = stream(contextId);
  if (context === null) return 0;
  const status = <u32>context.onResponseBody(bodyBufferLength, endOfStream);
  collectIfDue();
  return status;
}

export function proxy_on_response_trailers(contextId: u32, trailerCount: u32): u32 {
  const context = stream(contextId);
  return context === null ? 0 : <u32>context.onResponseTrailers(trailerCount);
}

export function proxy_on_log(contextId: u32): void {
  const context = stream(contextId);
  if (context !== null) context.onLog();
}

// For streams Envoy ignores the result; for a root context false means "wait for proxy_done".
export function proxy_on_done(contextId: u32): bool {
  const context = stream(contextId);
  if (context !== null) return context.onDone();
  return rootContexts.has(contextId) ? rootContexts.get(contextId).onDone() : true;
}

export function proxy_on_delete(contextId: u32): void {
  const context = stream(contextId);
  if (context !== null) {
    context.onDelete();
    streamContexts.delete(contextId);
    collectAfterStream();
    return;
  }
  if (rootContexts.has(contextId)) {
    rootContexts.get(contextId).onDelete();
    rootContexts.delete(contextId);
  }
}
