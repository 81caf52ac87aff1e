import type { GuestMemory } from '../guest-memory.ts';
import type { HostCallTarget } from './target.ts';

// A host call's implementation; its Wasm signature lives in abi-host-calls.ts.
export type HostImpl = (...args: any[]) => number | void;

export type HostCallTable = Record<string, HostImpl>;
export type HostCallGroup = (host: HostCallTarget) => HostCallTable;

const decoder = new TextDecoder('utf-8', { fatal: false });

export function readText(memory: GuestMemory, pointer: number, length: number): string | null {
  const bytes = memory.read(pointer, length);
  return bytes === null ? null : decoder.decode(bytes);
}
