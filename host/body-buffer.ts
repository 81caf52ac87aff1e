// A request or response body as the filter manager holds it between filters.
export class BodyBuffer {
  constructor(public bytes: Uint8Array = new Uint8Array(0)) {}

  get length(): number {
    return this.bytes.length;
  }

  append(more: Uint8Array): void {
    if (more.length === 0) return;
    const joined = new Uint8Array(this.bytes.length + more.length);
    joined.set(this.bytes);
    joined.set(more, this.bytes.length);
    this.bytes = joined;
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
      this.bytes = next;
      return true;
    }
    if (start >= size) {
      this.append(data);
      return true;
    }
    return false;
  }
}
