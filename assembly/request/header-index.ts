// The first value of each configured header name, found in one pass over the serialized map
// proxy_get_header_map_pairs returns. Plugins register the names they read at configure time
// (slotOf) and ask by slot per request, so 50 header rules cost one host call and one walk over
// the request's headers instead of 50 scans. Values stay inside the host's block: no copies.
import { HeaderMap, HostBlock } from "../proxy";
import { i32At, u32At, usizeAt } from "../codecs/unchecked";
import { bytesEqual } from "../codecs/bytes";

const FNV_OFFSET: u32 = 2166136261;
const FNV_PRIME: u32 = 16777619;
const MIN_TABLE: i32 = 8;

function hashBytes(start: usize, length: usize): u32 {
  let hash = FNV_OFFSET;
  for (let i: usize = 0; i < length; i++) hash = (hash ^ (<u32>load<u8>(start + i))) * FNV_PRIME;
  return hash;
}

export class HeaderIndex {
  private names: Array<ArrayBuffer> = [];
  private hashes: StaticArray<u32> = new StaticArray<u32>(0);
  // Open addressing over hashes: slot + 1, or 0 for an empty cell. At most half full.
  private table: StaticArray<i32> = new StaticArray<i32>(MIN_TABLE);
  private mask: u32 = <u32>MIN_TABLE - 1;
  // Name lengths any configured name has (bit n for length n, 64 and longer share bit 63): most
  // request headers are skipped on their length alone, before any hashing.
  private lengths: u64 = 0;
  private starts: StaticArray<usize> = new StaticArray<usize>(0);
  private sizes: StaticArray<i32> = new StaticArray<i32>(0);
  private marks: StaticArray<u32> = new StaticArray<u32>(0);
  // A slot holds a value for this request when its mark equals the generation.
  private generation: u32 = 1;
  private readonly block: HostBlock = new HostBlock();
  // Whether the last load read every pair of a map the host gave: only then does an absent slot
  // mean the request lacks that header (a refused call or a map that does not parse says nothing).
  complete: bool = false;

  // The slot for a lower-case header name, the same slot for the same name. Configure time only.
  slotOf(name: ArrayBuffer): i32 {
    const hash = hashBytes(changetype<usize>(name), name.byteLength);
    for (let i = 0; i < this.names.length; i++) {
      if (this.hashes[i] == hash && bytesEqual(changetype<usize>(name), name.byteLength, this.names[i])) return i;
    }
    this.names.push(name);
    this.rebuild();
    return this.names.length - 1;
  }

  private rebuild(): void {
    const count = this.names.length;
    let size = MIN_TABLE;
    while (size < count * 2) size <<= 1;
    this.table = new StaticArray<i32>(size);
    this.mask = <u32>size - 1;
    this.hashes = new StaticArray<u32>(count);
    this.starts = new StaticArray<usize>(count);
    this.sizes = new StaticArray<i32>(count);
    this.marks = new StaticArray<u32>(count);
    this.lengths = 0;
    for (let slot = 0; slot < count; slot++) {
      const name = this.names[slot];
      const hash = hashBytes(changetype<usize>(name), name.byteLength);
      this.hashes[slot] = hash;
      this.lengths |= lengthBit(<usize>name.byteLength);
      let cell = hash & this.mask;
      while (this.table[cell] != 0) cell = (cell + 1) & this.mask;
      this.table[cell] = slot + 1;
    }
  }

  // Reads the map and records the first value of every configured name. A map that does not
  // parse (counts or lengths past its end) is taken up to the last whole pair.
  load(map: HeaderMap): void {
    this.generation++;
    if (this.generation == 0) {
      // After 2^32 requests: old marks could match again, so they are cleared once.
      for (let i = 0; i < this.marks.length; i++) unchecked((this.marks[i] = 0));
      this.generation = 1;
    }
    this.complete = false;
    if (this.names.length == 0) return;
    const block = this.block;
    map.pairsInto(block);
    const base = block.pointer;
    const size = block.size;
    if (size < 4) return;
    const count = <usize>load<u32>(base);
    if (count > (size - 4) >> 3) return;
    let offset: usize = 4 + count * 8;
    const lengths = this.lengths;
    for (let i: usize = 0; i < count; i++) {
      const nameLength = <usize>load<u32>(base + 4 + i * 8);
      const valueLength = <usize>load<u32>(base + 8 + i * 8);
      if (nameLength > size || valueLength > size || offset + nameLength + valueLength + 2 > size) return;
      const name = base + offset;
      offset += nameLength + valueLength + 2;
      if ((lengths & lengthBit(nameLength)) == 0) continue;
      this.record(name, nameLength, name + nameLength + 1, valueLength);
    }
    this.complete = true;
  }

  private record(name: usize, nameLength: usize, value: usize, valueLength: usize): void {
    const hash = hashBytes(name, nameLength);
    const mask = this.mask;
    let cell = hash & mask;
    while (true) {
      const entry = i32At(this.table, <i32>cell);
      if (entry == 0) return;
      const slot = entry - 1;
      if (u32At(this.hashes, slot) == hash) {
        if (bytesEqual(name, <i32>nameLength, unchecked(this.names[slot]))) {
          // Repeated names: the first value counts, as proxy_get_header_map_value answers.
          if (unchecked(this.marks[slot]) == this.generation) return;
          unchecked((this.marks[slot] = this.generation));
          unchecked((this.starts[slot] = value));
          unchecked((this.sizes[slot] = <i32>valueLength));
          return;
        }
      }
      cell = (cell + 1) & mask;
    }
  }

  // Whether the request has the slot's header; start and length are valid only then.
  @inline has(slot: i32): bool {
    return u32At(this.marks, slot) == this.generation;
  }


  @inline start(slot: i32): usize {
    return usizeAt(this.starts, slot);
  }


  @inline length(slot: i32): i32 {
    return i32At(this.sizes, slot);
  }
}

function lengthBit(length: usize): u64 {
  const shift = <u64>(length < 63 ? length : 63);
  return (<u64>1) << shift;
}
