// Element reads for the request path's hot loops: no bounds check and no call. AssemblyScript's
// incremental runtime gives every function a shadow-stack prologue, and that keeps even one-line
// getters (Array#length, StaticArray#__uget) from being inlined by Binaryen; @inline functions
// are inlined by the compiler itself, before that. Callers guarantee the index is in range.

@inline export function i32At(array: StaticArray<i32>, index: i32): i32 {
  return load<i32>(changetype<usize>(array) + ((<usize>index) << 2));
}


@inline export function u32At(array: StaticArray<u32>, index: i32): u32 {
  return load<u32>(changetype<usize>(array) + ((<usize>index) << 2));
}


@inline export function usizeAt(array: StaticArray<usize>, index: i32): usize {
  return load<usize>(changetype<usize>(array) + ((<usize>index) << alignof<usize>()));
}


@inline export function refAt<T>(array: StaticArray<T>, index: i32): T {
  return changetype<T>(load<usize>(changetype<usize>(array) + ((<usize>index) << alignof<usize>())));
}
