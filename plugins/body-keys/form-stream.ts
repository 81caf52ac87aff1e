// Finds fields of an application/x-www-form-urlencoded body that arrives in chunks: a small state
// machine over "name=value&...", holding only the current name and value (both bounded).
import { percentDecode } from "../../assembly/codecs/query";

const MAX_NAME: i32 = 256;

export class FormFieldStream {
  private name: StaticArray<u8> = new StaticArray<u8>(MAX_NAME);
  private nameLength: i32 = 0;
  private value: StaticArray<u8>;
  private valueLength: i32 = 0;
  private inValue: bool = false;
  private capturing: i32 = -1;
  private overflow: bool = false;
  readonly values: Array<ArrayBuffer | null> = [];
  readonly invalid: Array<bool> = [];
  found: i32 = 0;
  bytesRead: i64 = 0;

  // Field names compared after percent-decoding; values are capped at maxValueLength (encoded).
  constructor(private names: Array<ArrayBuffer>, readonly maxValueLength: i32) {
    this.value = new StaticArray<u8>(maxValueLength * 3);
    for (let i = 0; i < names.length; i++) {
      this.values.push(null);
      this.invalid.push(false);
    }
  }

  get complete(): bool {
    return this.found == this.names.length;
  }

  feed(start: usize, length: i32): bool {
    for (let i = 0; i < length; i++) {
      if (this.complete) return false;
      this.step(<u32>load<u8>(start + <usize>i));
      this.bytesRead++;
    }
    return !this.complete;
  }

  finish(): void {
    if (this.inValue || this.nameLength > 0) this.endField();
  }

  private step(c: u32): void {
    if (c == 0x26) {
      this.endField();
      return;
    }
    if (!this.inValue) {
      if (c == 0x3d) {
        this.inValue = true;
        this.capturing = this.matchName();
        this.valueLength = 0;
        this.overflow = false;
        return;
      }
      if (this.nameLength < MAX_NAME) this.name[this.nameLength++] = <u8>c;
      else this.nameLength = MAX_NAME + 1;
      return;
    }
    if (this.capturing < 0) return;
    if (this.valueLength >= this.value.length) {
      this.overflow = true;
      return;
    }
    this.value[this.valueLength++] = <u8>c;
  }

  private matchName(): i32 {
    if (this.nameLength > MAX_NAME) return -1;
    const decoded = percentDecode(changetype<usize>(this.name), this.nameLength);
    for (let i = 0; i < this.names.length; i++) {
      const wanted = this.names[i];
      if (this.values[i] !== null || this.invalid[i]) continue;
      if (wanted.byteLength == decoded.byteLength && memory.compare(changetype<usize>(wanted), changetype<usize>(decoded), <usize>decoded.byteLength) == 0) return i;
    }
    return -1;
  }

  private endField(): void {
    const i = this.capturing;
    if (i >= 0) {
      const decoded = percentDecode(changetype<usize>(this.value), this.valueLength);
      if (this.overflow || decoded.byteLength > this.maxValueLength) this.invalid[i] = true;
      else this.values[i] = decoded;
      this.found++;
    }
    this.capturing = -1;
    this.inValue = false;
    this.nameLength = 0;
    this.valueLength = 0;
  }
}
