// Reads the parts of a Wasm binary that Node's WebAssembly API does not expose without flags:
// function signatures of imports and exports, and import kinds. Envoy (cpp-host v8.cc) checks
// these exactly, so the host needs them to reject what Envoy rejects.

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

export interface Signature {
  params: ValueType[];
  results: ValueType[];
}

export interface Limits {
  initial: number;
  maximum?: number;
}

export interface ImportEntry {
  module: string;
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global';
  signature?: Signature;
  limits?: Limits;
}

export interface ExportEntry {
  name: string;
  kind: 'function' | 'table' | 'memory' | 'global';
  signature?: Signature;
}

export interface ModuleShape {
  imports: ImportEntry[];
  exports: ExportEntry[];
  hasStartSection: boolean;
}

const VALUE_TYPES: Record<number, ValueType> = {
  0x7f: 'i32',
  0x7e: 'i64',
  0x7d: 'f32',
  0x7c: 'f64',
  0x7b: 'v128',
  0x70: 'funcref',
  0x6f: 'externref',
};
const KINDS = ['function', 'table', 'memory', 'global'] as const;

export class BinaryFormatError extends Error {}

export function signatureText(signature: Signature): string {
  return `(${signature.params.join(',')})->(${signature.results.join(',')})`;
}

export function readModuleShape(bytes: Uint8Array): ModuleShape {
  const reader = new Reader(bytes);
  if (reader.u32le() !== 0x6d736100) throw new BinaryFormatError('not a WebAssembly binary (bad magic number)');
  if (reader.u32le() !== 1) throw new BinaryFormatError('unsupported WebAssembly binary version');

  const types: Signature[] = [];
  const imports: ImportEntry[] = [];
  const functionTypes: number[] = [];
  const rawExports: { name: string; kind: number; index: number }[] = [];
  let hasStartSection = false;

  while (!reader.done()) {
    const id = reader.byte();
    const size = reader.leb();
    const end = reader.offset + size;
    switch (id) {
      case 1: {
        for (let count = reader.leb(), i = 0; i < count; i++) {
          if (reader.byte() !== 0x60) throw new BinaryFormatError('type section holds a non-function type');
          const params = reader.vector(() => reader.valueType());
          types.push({ params, results: reader.vector(() => reader.valueType()) });
        }
        break;
      }
      case 2: {
        for (let count = reader.leb(), i = 0; i < count; i++) {
          const module = reader.name();
          const name = reader.name();
          const kind = reader.byte();
          if (kind === 0) {
            const typeIndex = reader.leb();
            functionTypes.push(typeIndex);
            imports.push({ module, name, kind: 'function', signature: types[typeIndex] });
          } else if (kind === 1) {
            reader.byte();
            imports.push({ module, name, kind: 'table', limits: reader.limits() });
          } else if (kind === 2) {
            imports.push({ module, name, kind: 'memory', limits: reader.limits() });
          } else if (kind === 3) {
            reader.valueType();
            reader.byte();
            imports.push({ module, name, kind: 'global' });
          } else {
            throw new BinaryFormatError(`unknown import kind ${kind}`);
          }
        }
        break;
      }
      case 3: {
        for (let count = reader.leb(), i = 0; i < count; i++) functionTypes.push(reader.leb());
        break;
      }
      case 7: {
        for (let count = reader.leb(), i = 0; i < count; i++) {
          rawExports.push({ name: reader.name(), kind: reader.byte(), index: reader.leb() });
        }
        break;
      }
      case 8:
        hasStartSection = true;
        break;
      default:
        break;
    }
    reader.offset = end;
  }
  if (reader.offset !== bytes.length) throw new BinaryFormatError('truncated section');

  const exports: ExportEntry[] = rawExports.map(({ name, kind, index }) => {
    const kindName = KINDS[kind];
    if (kindName === undefined) throw new BinaryFormatError(`unknown export kind ${kind}`);
    return kindName === 'function'
      ? { name, kind: kindName, signature: types[functionTypes[index]] }
      : { name, kind: kindName };
  });
  return { imports, exports, hasStartSection };
}

class Reader {
  offset = 0;
  constructor(private readonly bytes: Uint8Array) {}

  done(): boolean {
    return this.offset >= this.bytes.length;
  }

  byte(): number {
    if (this.offset >= this.bytes.length) throw new BinaryFormatError('unexpected end of module');
    return this.bytes[this.offset++];
  }

  u32le(): number {
    const value = this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24);
    return value >>> 0;
  }

  leb(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new BinaryFormatError('LEB128 value too long');
    }
  }

  name(): string {
    const length = this.leb();
    const start = this.offset;
    this.offset += length;
    if (this.offset > this.bytes.length) throw new BinaryFormatError('unexpected end of module');
    return new TextDecoder().decode(this.bytes.subarray(start, this.offset));
  }

  valueType(): ValueType {
    const code = this.byte();
    const type = VALUE_TYPES[code];
    if (type === undefined) throw new BinaryFormatError(`unknown value type 0x${code.toString(16)}`);
    return type;
  }

  vector<T>(read: () => T): T[] {
    const out: T[] = [];
    for (let count = this.leb(), i = 0; i < count; i++) out.push(read());
    return out;
  }

  limits(): Limits {
    const flags = this.byte();
    const initial = this.leb();
    return flags & 1 ? { initial, maximum: this.leb() } : { initial };
  }
}
