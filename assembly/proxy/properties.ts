// Properties (request.*, source.address, plugin_name, metadata, ...). A property the host does
// not have is null, not an error.
import { WasmResult } from "./enums";
import { proxy_get_property, proxy_set_property } from "./imports";
import { clearOutWords, outPointer, outSize, takeHostBlock } from "./memory";
import { propertyPath } from "./pairs";

// Reads a property by its path given pre-joined with NUL separators (see propertyPath).
export function getPropertyBytes(path: ArrayBuffer): ArrayBuffer | null {
  clearOutWords();
  if (proxy_get_property(changetype<usize>(path), path.byteLength, outPointer, outSize) != WasmResult.Ok) return null;
  return takeHostBlock();
}

export function getProperty(path: Array<string>): ArrayBuffer | null {
  return getPropertyBytes(propertyPath(path));
}

export function getPropertyString(path: Array<string>): string | null {
  const value = getProperty(path);
  return value === null ? null : String.UTF8.decode(value);
}

// Integers are 8 bytes, little-endian (Envoy serializeValue); u64.MAX_VALUE when absent or not 8 bytes.
export function getPropertyU64(path: Array<string>): u64 {
  const value = getProperty(path);
  if (value === null || value.byteLength != 8) return u64.MAX_VALUE;
  return load<u64>(changetype<usize>(value));
}

export function setProperty(path: string, value: ArrayBuffer): bool {
  const name = String.UTF8.encode(path);
  return (
    proxy_set_property(changetype<usize>(name), name.byteLength, changetype<usize>(value), value.byteLength) ==
    WasmResult.Ok
  );
}
