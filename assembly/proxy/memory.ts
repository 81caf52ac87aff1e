// Runtime choice: asconfig.json builds with AssemblyScript's minimal runtime, which collects only
// when told to; collector.ts says when. Stub never frees: in `npm run bench:runtimes` it grew from
// 32 MiB to 512 MiB over 100,000 streams.
//
// The memory handshake: the host calls proxy_on_memory_allocate whenever it hands data in, and
// writes the block's pointer and size to two out-words. Blocks come from the unmanaged heap, so an
// allocation in the middle of a host call (the host re-enters the module) cannot disturb the GC;
// the runtime copies each block into a managed ArrayBuffer and hands it back at once.
import { noteHostBytes } from "./collector";

// Two out-words (pointer, size) reused by every host call that returns data. Single-threaded:
// no host call that uses them nests inside another.
export const outPointer: usize = memory.data(8);
export const outSize: usize = outPointer + 4;

// Blocks handed back are kept for the next allocation instead of going back to the heap: the
// same few values (a token, the header pairs) come in on every request, and a kept block saves
// the allocator's search, split and merge on both sides of each host call. Each block carries its
// capacity in a word before the bytes the host sees.
const KEPT_BLOCKS: i32 = 4;
// Larger blocks go back to the heap at once, so that one huge value is not held for good.
const MAX_KEPT_CAPACITY: usize = 65536;
const CAPACITY_WORD: usize = sizeof<usize>();
const keptBlocks = memory.data(KEPT_BLOCKS * <i32>sizeof<usize>());
let keptCount: i32 = 0;

// A block of the caller's that the next allocation for the host may use, so that the host writes
// straight into it: no copy, and no managed buffer left behind per read.
let offeredBlock: usize = 0;
let offeredCapacity: usize = 0;

export function allocateForHost(size: usize): usize {
  if (offeredBlock != 0 && size <= offeredCapacity) {
    const block = offeredBlock;
    offeredBlock = 0;
    return block;
  }
  for (let i = 0; i < keptCount; i++) {
    const slot = keptBlocks + ((<usize>i) << alignof<usize>());
    const block = load<usize>(slot);
    if (load<usize>(block - CAPACITY_WORD) < size) continue;
    keptCount--;
    store<usize>(slot, load<usize>(keptBlocks + ((<usize>keptCount) << alignof<usize>())));
    return block;
  }
  // Rounded up so that a value a few bytes longer than last time still fits.
  const capacity = (size + 63) & ~(<usize>63);
  const base = heap.alloc(capacity + CAPACITY_WORD);
  store<usize>(base, capacity);
  return base + CAPACITY_WORD;
}

// Returns a block from allocateForHost: kept when there is room, else freed.
export function releaseHostBlock(block: usize): void {
  if (keptCount < KEPT_BLOCKS && load<usize>(block - CAPACITY_WORD) <= MAX_KEPT_CAPACITY) {
    store<usize>(keptBlocks + ((<usize>keptCount) << alignof<usize>()), block);
    keptCount++;
    return;
  }
  heap.free(block - CAPACITY_WORD);
}

// Takes the block the host wrote to the out-words: a managed copy, the block freed.
// (0, 0) is the host's empty answer and allocates nothing on its side.
export function takeHostBlock(): ArrayBuffer {
  const pointer = load<usize>(outPointer);
  const size = load<u32>(outSize);
  if (pointer == 0 || size == 0) {
    if (pointer != 0) releaseHostBlock(pointer);
    return new ArrayBuffer(0);
  }
  const buffer = new ArrayBuffer(<i32>size);
  memory.copy(changetype<usize>(buffer), pointer, size);
  releaseHostBlock(pointer);
  noteHostBytes(size);
  return buffer;
}

export function offerBlock(block: usize, capacity: usize): void {
  offeredBlock = block;
  offeredCapacity = capacity;
}

// Takes the block the host wrote after offerBlock: its length when the host wrote into the
// offered block; otherwise what fits copied there, the host's block released. The offer ends here.
export function takeHostBlockInto(block: usize, capacity: usize): usize {
  offeredBlock = 0;
  const pointer = load<usize>(outPointer);
  let size = <usize>load<u32>(outSize);
  if (pointer == 0) return 0;
  if (size > capacity) size = capacity;
  if (pointer != block) {
    memory.copy(block, pointer, size);
    releaseHostBlock(pointer);
  }
  return size;
}

export function clearOutWords(): void {
  store<usize>(outPointer, 0);
  store<u32>(outSize, 0);
}

// A block the host wrote, kept where it is (no managed copy) until the next take or release.
// For data read once per request and dropped: one reused HostBlock replaces an ArrayBuffer per
// request.
export class HostBlock {
  pointer: usize = 0;
  size: usize = 0;

  // Frees the previous block and takes the one in the out-words.
  take(): void {
    this.release();
    this.pointer = load<usize>(outPointer);
    this.size = <usize>load<u32>(outSize);
    if (this.size == 0) this.release();
  }

  release(): void {
    if (this.pointer != 0) releaseHostBlock(this.pointer);
    this.pointer = 0;
    this.size = 0;
  }
}
