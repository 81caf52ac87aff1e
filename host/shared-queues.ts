import { WasmResult } from './abi.ts';

interface SharedQueue {
  items: Uint8Array[];
  // Runs proxy_on_queue_ready on the VM that registered the queue.
  ready: (token: number) => void;
}

// Envoy's shared queues (proxy-wasm-cpp-host shared_queue.cc): named per vm_id for the process, a
// token per queue from one counter, re-registering a name keeps its token.
const tokensByName = new Map<string, number>();
const queues = new Map<number, SharedQueue>();
let lastToken = 0;
// on_queue_ready is posted, not run inside the enqueue: it runs once the outermost VM call returns.
const notices: (() => void)[] = [];

export function registerQueue(vmId: string, name: string, ready: (token: number) => void): number {
  const key = `${vmId}\0${name}`;
  let token = tokensByName.get(key);
  if (token === undefined) {
    token = ++lastToken;
    tokensByName.set(key, token);
    queues.set(token, { items: [], ready });
  } else {
    queues.get(token)!.ready = ready;
  }
  return token;
}

export function resolveQueue(vmId: string, name: string): number | undefined {
  return tokensByName.get(`${vmId}\0${name}`);
}

export function enqueue(token: number, data: Uint8Array): number {
  const queue = queues.get(token);
  if (queue === undefined) return WasmResult.NotFound;
  queue.items.push(data);
  notices.push(() => queue.ready(token));
  return WasmResult.Ok;
}

export function dequeue(token: number): Uint8Array | number {
  const queue = queues.get(token);
  if (queue === undefined) return WasmResult.NotFound;
  return queue.items.shift() ?? WasmResult.Empty;
}

export function queueNoticesWaiting(): boolean {
  return notices.length !== 0;
}

export function runQueueNotices(): void {
  while (notices.length !== 0) notices.shift()!();
}
