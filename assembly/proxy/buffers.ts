// Body and configuration buffers.
import { BufferType, WasmResult } from "./enums";
import { proxy_get_buffer_bytes, proxy_get_buffer_status, proxy_set_buffer_bytes } from "./imports";
import { clearOutWords, offerBlock, outPointer, outSize, takeHostBlock, takeHostBlockInto } from "./memory";

// Up to `length` bytes from `start`; empty when the buffer is absent or the range is past its end.
export function getBufferBytes(bufferType: BufferType, start: u32, length: u32): ArrayBuffer {
  clearOutWords();
  if (proxy_get_buffer_bytes(bufferType, start, length, outPointer, outSize) != WasmResult.Ok)
    return new ArrayBuffer(0);
  return takeHostBlock();
}

// Up to `capacity` bytes from `start`, read into the caller's block (the host writes them there):
// the count read, 0 when the buffer is absent or the range is past its end.
export function getBufferBytesInto(bufferType: BufferType, start: u32, block: usize, capacity: u32): i32 {
  clearOutWords();
  offerBlock(block, capacity);
  const result = proxy_get_buffer_bytes(bufferType, start, capacity, outPointer, outSize);
  const size = takeHostBlockInto(block, capacity);
  return result == WasmResult.Ok ? <i32>size : 0;
}

// The buffer's length, or -1 when the host has no such buffer now.
export function getBufferLength(bufferType: BufferType): i64 {
  if (proxy_get_buffer_status(bufferType, outPointer, outSize) != WasmResult.Ok) return -1;
  return <i64>load<u32>(outPointer);
}

// Envoy's rules: start 0 replaces the first `length` bytes (0xffffffff: all), start at or past
// the end appends; anything in between is refused.
export function setBufferBytes(bufferType: BufferType, start: u32, length: u32, data: ArrayBuffer): bool {
  return proxy_set_buffer_bytes(bufferType, start, length, changetype<usize>(data), data.byteLength) == WasmResult.Ok;
}
