import { WasmResult } from './abi.ts';

interface Entry {
  value: Uint8Array;
  cas: number;
}

// Envoy's shared data (proxy-wasm-cpp-host shared_data.cc): one key-value table per vm_id for the
// whole process, every write stamped with a new CAS from one counter that starts at 1 and skips 0.
const tables = new Map<string, Map<string, Entry>>();
let lastCas = 0;

function nextCas(): number {
  lastCas = (lastCas + 1) >>> 0;
  if (lastCas === 0) lastCas = 1;
  return lastCas;
}

export function getSharedData(vmId: string, key: string): Entry | undefined {
  return tables.get(vmId)?.get(key);
}

// A write with a non-zero CAS that is not the entry's current one is refused (CasMismatch).
export function setSharedData(vmId: string, key: string, value: Uint8Array, cas: number): number {
  let table = tables.get(vmId);
  if (table === undefined) tables.set(vmId, (table = new Map()));
  const entry = table.get(key);
  if (entry !== undefined && cas !== 0 && cas !== entry.cas) return WasmResult.CasMismatch;
  table.set(key, { value, cas: nextCas() });
  return WasmResult.Ok;
}
