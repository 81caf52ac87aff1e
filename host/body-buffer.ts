// A request or response body as the filter manager holds it between filters.
export class BodyBuffer {
  // `bytes` is a view of the start of `backing`; appends fill the spare capacity, which doubles
  // when it runs out, so a body arriving in many frames is copied O(n) times, not O(n²) (the
  // host's own cost would otherwise hide the plugins' in large-body benchmarks). A buffer made from
  // an array has no spare capacity, so the array itself is never written.
  private backing: Uint8Array;

  constructor(public bytes: Uint8Array = new Uint8Array(0)) {
    this.backing = bytes;
  }

  get length(): number {
    return this.bytes.length;
  }

  append(more: Uint8Array): void {
    if (more.length === 0) return;
    const length = this.bytes.length;
    const needed = length + more.length;
    // A view handed out earlier keeps its bytes: only the unused tail of the backing is written.
    if (needed > this.backing.length) {
      const grown = new Uint8Array(Math.max(needed, 2 * length, 4096));
      grown.set(this.bytes);
      this.backing = grown;
    }
    this.backing.set(more, length);
    this.bytes = this.backing.subarray(0, needed);
  }

  // proxy_set_buffer_bytes with Envoy's Buffer::copyFrom rules (details sheet §3.3):
  // start 0 drains `length` bytes then prepends; start >= size appends; anything between is refused.
  write(start: number, length: number, data: Uint8Array): boolean {
    const size = this.bytes.length;
    if (start === 0) {
      const drained = Math.min(length, size);
      const rest = this.bytes.subarray(drained);
      const next = new Uint8Array(data.length + rest.length);
      next.set(data);
      next.set(rest, data.length);
      this.bytes = this.backing = next;
      return true;
    }
    if (start >= size) {
      this.append(data);
      return true;
    }
    return false;
  }
}
