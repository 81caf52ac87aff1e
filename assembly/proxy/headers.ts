// Header maps of the current stream. Absent headers and maps the host cannot give in this phase
// are ordinary answers (null / false), never exceptions. The *Bytes variants take names encoded
// once at configure time, so the request path does no string conversion for them.
import { HeaderMapType, LogLevel, WasmResult } from "./enums";
import { log } from "./log";
import {
  proxy_add_header_map_value,
  proxy_get_header_map_pairs,
  proxy_get_header_map_size,
  proxy_get_header_map_value,
  proxy_remove_header_map_value,
  proxy_replace_header_map_value,
  proxy_set_header_map_pairs,
} from "./imports";
import { clearOutWords, HostBlock, outPointer, outSize, takeHostBlock } from "./memory";
import { deserializePairs, HeaderPair, serializePairs } from "./pairs";

// A value the runtime will write: visible ASCII and space only. CR, LF and NUL would split or end
// the header in Envoy's codecs (RFC 9110 §5.5); other control and non-ASCII bytes are refused too,
// so no caller can write a value a route table cannot match byte for byte.
export function headerValueAllowed(start: usize, length: usize): bool {
  for (let i: usize = 0; i < length; i++) {
    const c = load<u8>(start + i);
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

function refuseValue(name: ArrayBuffer): bool {
  log(
    LogLevel.Warn,
    "refused to write header " + String.UTF8.decode(name) + ": its value has a byte outside visible ASCII and space",
  );
  return false;
}

// Removes every value of the name from a request map (the runtime's owned-header strip).
export function removeRequestHeader(name: ArrayBuffer, mapType: HeaderMapType = HeaderMapType.RequestHeaders): void {
  proxy_remove_header_map_value(mapType, changetype<usize>(name), name.byteLength);
}

export class HeaderMap {
  constructor(public readonly mapType: HeaderMapType) {}

  // The first value of `name` (Envoy returns only the first of repeated values), or null.
  getBytes(name: ArrayBuffer): ArrayBuffer | null {
    clearOutWords();
    const result = proxy_get_header_map_value(
      this.mapType,
      changetype<usize>(name),
      name.byteLength,
      outPointer,
      outSize,
    );
    if (result != WasmResult.Ok) return null;
    return takeHostBlock();
  }

  // The first value of `name` into a reused block, without a managed copy; false when absent.
  getInto(name: ArrayBuffer, block: HostBlock): bool {
    clearOutWords();
    if (
      proxy_get_header_map_value(this.mapType, changetype<usize>(name), name.byteLength, outPointer, outSize) !=
      WasmResult.Ok
    ) {
      block.release();
      return false;
    }
    block.take();
    return true;
  }

  get(name: string): string | null {
    const value = this.getBytes(String.UTF8.encode(name));
    return value === null ? null : String.UTF8.decode(value);
  }

  addBytes(name: ArrayBuffer, value: ArrayBuffer): bool {
    if (!headerValueAllowed(changetype<usize>(value), value.byteLength)) return refuseValue(name);
    return (
      proxy_add_header_map_value(
        this.mapType,
        changetype<usize>(name),
        name.byteLength,
        changetype<usize>(value),
        value.byteLength,
      ) == WasmResult.Ok
    );
  }

  add(name: string, value: string): bool {
    return this.addBytes(String.UTF8.encode(name), String.UTF8.encode(value));
  }

  // Sets the name to exactly this one value.
  replaceBytes(name: ArrayBuffer, value: ArrayBuffer): bool {
    return this.replaceRaw(name, changetype<usize>(value), value.byteLength);
  }

  // The value given as raw bytes [start, start + length), for callers that hold it inside a larger buffer.
  replaceRaw(name: ArrayBuffer, start: usize, length: i32): bool {
    if (!headerValueAllowed(start, <usize>length)) return refuseValue(name);
    return (
      proxy_replace_header_map_value(this.mapType, changetype<usize>(name), name.byteLength, start, <usize>length) ==
      WasmResult.Ok
    );
  }

  replace(name: string, value: string): bool {
    return this.replaceBytes(String.UTF8.encode(name), String.UTF8.encode(value));
  }

  // Removes every value of the name.
  removeBytes(name: ArrayBuffer): bool {
    return proxy_remove_header_map_value(this.mapType, changetype<usize>(name), name.byteLength) == WasmResult.Ok;
  }

  remove(name: string): bool {
    return this.removeBytes(String.UTF8.encode(name));
  }

  // The serialized map as the host gives it (for scanners that read it without decoding).
  pairsBytes(): ArrayBuffer {
    clearOutWords();
    if (proxy_get_header_map_pairs(this.mapType, outPointer, outSize) != WasmResult.Ok) return new ArrayBuffer(0);
    return takeHostBlock();
  }

  // The serialized map into a reused block, without a managed copy; empty when unavailable.
  pairsInto(block: HostBlock): void {
    clearOutWords();
    if (proxy_get_header_map_pairs(this.mapType, outPointer, outSize) != WasmResult.Ok) clearOutWords();
    block.take();
  }

  pairs(): Array<HeaderPair> {
    return deserializePairs(this.pairsBytes());
  }

  setPairs(pairs: Array<HeaderPair>): bool {
    for (let i = 0; i < pairs.length; i++) {
      const value = String.UTF8.encode(pairs[i].value);
      if (!headerValueAllowed(changetype<usize>(value), value.byteLength))
        return refuseValue(String.UTF8.encode(pairs[i].name));
    }
    const bytes = serializePairs(pairs);
    return proxy_set_header_map_pairs(this.mapType, changetype<usize>(bytes), bytes.byteLength) == WasmResult.Ok;
  }

  // Envoy answers the sum of name and value lengths; -1 when the map is not available.
  size(): i64 {
    if (proxy_get_header_map_size(this.mapType, outPointer) != WasmResult.Ok) return -1;
    return <i64>load<u32>(outPointer);
  }
}

export class HeaderMaps {
  readonly request: HeaderMap = new HeaderMap(HeaderMapType.RequestHeaders);
  readonly requestTrailers: HeaderMap = new HeaderMap(HeaderMapType.RequestTrailers);
  readonly response: HeaderMap = new HeaderMap(HeaderMapType.ResponseHeaders);
  readonly responseTrailers: HeaderMap = new HeaderMap(HeaderMapType.ResponseTrailers);
}
