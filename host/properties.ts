import { WasmResult } from './abi.ts';
import { encodePairs } from './pairs.ts';

// A property as Envoy's CEL layer holds it before serializeValue turns it into bytes.
export type PropertyValue =
  | { type: 'string'; value: string }
  | { type: 'bytes'; value: Uint8Array }
  | { type: 'int'; value: bigint }
  | { type: 'uint'; value: bigint }
  | { type: 'double'; value: number }
  | { type: 'bool'; value: boolean }
  | { type: 'timestamp'; nanos: bigint }
  | { type: 'duration'; nanos: bigint }
  | { type: 'map'; entries: [string, PropertyValue][] }
  | { type: 'list'; items: PropertyValue[] }
  | { type: 'message'; entries: [string, PropertyValue][] }
  | { type: 'null' };

export const str = (value: string): PropertyValue => ({ type: 'string', value });
export const int = (value: number | bigint): PropertyValue => ({ type: 'int', value: BigInt(value) });
export const uint = (value: number | bigint): PropertyValue => ({ type: 'uint', value: BigInt(value) });
export const bool = (value: boolean): PropertyValue => ({ type: 'bool', value });
export const map = (entries: [string, PropertyValue][]): PropertyValue => ({ type: 'map', entries });

// google.protobuf.Struct/Value as CEL sees them: numbers are doubles, objects maps, arrays lists.
export function fromJson(value: unknown): PropertyValue {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'string') return str(value);
  if (typeof value === 'number') return { type: 'double', value };
  if (typeof value === 'boolean') return bool(value);
  if (Array.isArray(value)) return { type: 'list', items: value.map(fromJson) };
  return map(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, fromJson(v)]));
}

// Walks the remaining path segments: map keys, message fields, list indices in decimal.
export function walk(value: PropertyValue | undefined, segments: string[]): PropertyValue | undefined {
  let node = value;
  for (const segment of segments) {
    if (node === undefined) return undefined;
    if (node.type === 'map' || node.type === 'message') {
      node = node.entries.find(([key]) => key === segment)?.[1];
    } else if (node.type === 'list' && /^(0|[1-9][0-9]*)$/.test(segment)) {
      node = node.items[Number(segment)];
    } else {
      return undefined;
    }
  }
  return node;
}

const utf8 = new TextEncoder();

// Envoy context.cc serializeValue: strings raw, integers 8-byte little-endian, doubles 8-byte IEEE,
// booleans one byte, timestamps and durations as int64 nanoseconds, maps as pairs with values
// serialized recursively, lists as pairs with each element in the name and an empty value.
export function serialize(value: PropertyValue): Uint8Array | number {
  switch (value.type) {
    case 'string':
      return utf8.encode(value.value);
    case 'bytes':
      return value.value;
    case 'int':
    case 'timestamp':
    case 'duration': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigInt64(0, value.type === 'int' ? value.value : value.nanos, true);
      return out;
    }
    case 'uint': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, value.value, true);
      return out;
    }
    case 'double': {
      const out = new Uint8Array(8);
      new DataView(out.buffer).setFloat64(0, value.value, true);
      return out;
    }
    case 'bool':
      return Uint8Array.of(value.value ? 1 : 0);
    case 'map': {
      const pairs: [Uint8Array, Uint8Array][] = [];
      for (const [key, entry] of value.entries) {
        const bytes = serialize(entry);
        if (typeof bytes === 'number') return bytes;
        pairs.push([utf8.encode(key), bytes]);
      }
      return encodePairs(pairs);
    }
    case 'list': {
      const pairs: [Uint8Array, Uint8Array][] = [];
      for (const item of value.items) {
        const bytes = serialize(item);
        if (typeof bytes === 'number') return bytes;
        pairs.push([bytes, new Uint8Array(0)]);
      }
      return encodePairs(pairs);
    }
    // Whole protobuf messages (the top-level `metadata`) are protobuf-encoded by Envoy; this host
    // does not encode protobuf, so it says so instead of returning bytes Envoy would not send.
    case 'message':
    case 'null':
      return WasmResult.SerializationFailure;
  }
}
