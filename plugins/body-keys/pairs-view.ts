// Looks up headers in the serialized map proxy_get_header_map_pairs returns, without decoding
// it: one host call gives every header, and each lookup is a scan of the size table.
// body-keys only, beside request/header-index.ts: merging the two awaits `npm run bench -- --only body-keys`.
import { HeaderMap } from "../../assembly/proxy";

export class PairsView {
  buffer: ArrayBuffer = new ArrayBuffer(0);
  // The value found by the last find(): [valueStart, valueStart + valueLength).
  valueStart: usize = 0;
  valueLength: i32 = 0;

  load(map: HeaderMap): void {
    this.buffer = map.pairsBytes();
  }

  // The first value of `name` (lower-case bytes, as the host serializes names).
  find(name: ArrayBuffer): bool {
    const base = changetype<usize>(this.buffer);
    const size = <usize>this.buffer.byteLength;
    if (size < 4) return false;
    const count = <usize>load<u32>(base);
    let offset: usize = 4 + count * 8;
    if (offset > size) return false;
    const wanted = <u32>name.byteLength;
    for (let i: usize = 0; i < count; i++) {
      const nameLength = load<u32>(base + 4 + i * 8);
      const valueLength = load<u32>(base + 8 + i * 8);
      if (offset + <usize>nameLength + <usize>valueLength + 2 > size) return false;
      if (nameLength == wanted && memory.compare(base + offset, changetype<usize>(name), <usize>wanted) == 0) {
        this.valueStart = base + offset + <usize>nameLength + 1;
        this.valueLength = <i32>valueLength;
        return true;
      }
      offset += <usize>nameLength + <usize>valueLength + 2;
    }
    return false;
  }

  // The found value as a new buffer.
  copyValue(): ArrayBuffer {
    const out = new ArrayBuffer(this.valueLength);
    memory.copy(changetype<usize>(out), this.valueStart, <usize>this.valueLength);
    return out;
  }
}
