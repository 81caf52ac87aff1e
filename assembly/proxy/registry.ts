// Root context factories by root id, and the live contexts by context id.
import { Context, RootContext } from "./context";
import { getPropertyString } from "./properties";

export type RootContextFactory = (contextId: u32) => RootContext;

class Registration {
  constructor(
    public rootId: string,
    public factory: RootContextFactory,
  ) {}
}

const registrations = new Array<Registration>();
export const rootContexts = new Map<u32, RootContext>();
export const streamContexts = new Map<u32, Context>();

// Called at top level of a plugin's entry file (no host calls happen there).
export function registerRootContext(factory: RootContextFactory, rootId: string): void {
  registrations.push(new Registration(rootId, factory));
}

// The factory for the plugin_root_id Envoy configured; with one registration, that one whatever
// the root id, so a plugin works under any root_id a deployment chooses.
export function createRootContext(contextId: u32): RootContext {
  if (registrations.length == 1) return registrations[0].factory(contextId);
  const rootId = getPropertyString(["plugin_root_id"]);
  for (let i = 0; i < registrations.length; i++) {
    if (rootId !== null && registrations[i].rootId == rootId) return registrations[i].factory(contextId);
  }
  return registrations.length > 0 ? registrations[0].factory(contextId) : new RootContext(contextId);
}
