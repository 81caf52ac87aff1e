// When the minimal runtime collects garbage. It has no write barrier in each store and no shadow
// stack (about a third of each module's code under the incremental runtime), so it never collects
// by itself and cannot see managed references held in locals: a collection may only run between
// callbacks, when nothing of the module is on the Wasm stack.

// Streams that end between collections: the garbage between two is what that many requests leave.
const STREAMS_PER_COLLECTION: i32 = 64;
// Host data copied into managed buffers between collections (a body read in slices is the bulk).
const HOST_BYTES_PER_COLLECTION: usize = 256 * 1024;

let streamsSinceCollection: i32 = 0;
let hostBytesSinceCollection: usize = 0;
let pagesAtCollection: i32 = 0;

export function collectGarbage(): void {
  __collect();
  streamsSinceCollection = 0;
  hostBytesSinceCollection = 0;
  pagesAtCollection = memory.size();
}

export function noteHostBytes(bytes: usize): void {
  hostBytesSinceCollection += bytes;
}

// At the end of a body callback or a tick: when enough host data came in, or the heap had to grow,
// since the last collection. Growing means the garbage filled the heap; collecting then keeps the
// next growth for live data.
export function collectIfDue(): void {
  if (hostBytesSinceCollection > HOST_BYTES_PER_COLLECTION || memory.size() != pagesAtCollection) collectGarbage();
}

// At the end of a stream: also every so many streams.
export function collectAfterStream(): void {
  streamsSinceCollection++;
  if (streamsSinceCollection >= STREAMS_PER_COLLECTION) collectGarbage();
  else collectIfDue();
}
