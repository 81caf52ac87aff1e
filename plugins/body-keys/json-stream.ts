import { decimalText } from "../../assembly/codecs/decimal";
// Finds values by JSON Pointer in a JSON document that arrives in chunks, without a tree and
// without keeping the document: a resumable tokenizer that tracks, per nesting level, which
// pointers the current path still matches, and captures a value only when its path is a target.
// Linear in the bytes fed, bounded memory (depth, key and value sizes are capped), correct across
// chunk boundaries, and it stops being fed once every pointer is found. Inside a container no
// pointer goes through (most of a large body) a lean loop only checks the grammar and tracks depth,
// skipping string contents 16 bytes at a time.

export const STREAM_MAX_DEPTH: i32 = 64;
export const STREAM_MAX_KEY: i32 = 256;
export const STREAM_MAX_TARGETS: i32 = 32;

export enum StreamError {
  None = 0,
  Malformed = 1,
  TooDeep = 2,
}

// Tokenizer states.
const VALUE: i32 = 0; // a value is expected
const AFTER_VALUE: i32 = 1; // , or the closing bracket is expected
const KEY_OR_END: i32 = 2; // after {: a key or }
const KEY: i32 = 3; // after , in an object: a key
const COLON: i32 = 4; // after a key
const STRING: i32 = 5; // inside a string value
const KEY_STRING: i32 = 6; // inside a key
const NUMBER: i32 = 7;
const LITERAL: i32 = 8;
const VALUE_OR_END: i32 = 9; // after [: a value or ]
const DONE: i32 = 10;

export class JsonPointerStream {
  // Targets: pointer segments as UTF-8 bytes, decoded from "/a/0/b".
  private targets: Array<Array<ArrayBuffer>> = [];
  // Per depth: bit i set when the path so far still matches target i.
  private masks: StaticArray<u32> = new StaticArray<u32>(STREAM_MAX_DEPTH + 1);
  // Per depth: 1 for an object, 2 for an array; and the next array index.
  private kinds: StaticArray<u8> = new StaticArray<u8>(STREAM_MAX_DEPTH + 1);
  private indices: StaticArray<i32> = new StaticArray<i32>(STREAM_MAX_DEPTH + 1);
  private depth: i32 = 0;
  private state: i32 = VALUE;
  // The key being read (unescaped), or -1 when it is longer than any target can match.
  private key: StaticArray<u8> = new StaticArray<u8>(STREAM_MAX_KEY);
  private keyLength: i32 = 0;
  private escape: i32 = 0; // 0 none, 1 after '\', 2..5 inside \uXXXX
  private unicode: u32 = 0;
  private highSurrogate: u32 = 0;
  private literal: string = "";
  private literalAt: i32 = 0;
  // The value being captured, for target `capturing` (-1: none).
  private capturing: i32 = -1;
  private captured: StaticArray<u8>;
  private capturedLength: i32 = 0;
  private capturedOverflow: bool = false;
  // true, false or null: a value no key is spelt as, so never given out as the text "null".
  private capturedLiteral: bool = false;
  // Results per target: strings (unescaped) and numbers (as written).
  readonly values: Array<ArrayBuffer | null> = [];
  // Present but unusable: longer than maxValueLength, an object or array, or true, false or null.
  readonly invalid: Array<bool> = [];
  found: i32 = 0;
  error: StreamError = StreamError.None;
  // Set once there is nothing more to read: every target found, an error, or the document ended.
  private stopped: bool = false;
  private readonly targetCount: i32;
  bytesRead: i64 = 0;

  constructor(
    pointers: Array<Array<ArrayBuffer>>,
    readonly maxValueLength: i32,
  ) {
    this.targets = pointers;
    this.targetCount = pointers.length;
    this.captured = new StaticArray<u8>(maxValueLength);
    for (let i = 0; i < pointers.length; i++) {
      this.values.push(null);
      this.invalid.push(false);
    }
    this.reset();
  }

  reset(): void {
    this.depth = 0;
    this.state = VALUE;
    this.masks[0] = this.targets.length >= 32 ? 0xffffffff : ((<u32>1) << (<u32>this.targets.length)) - 1;
    this.capturing = -1;
    this.escape = 0;
    this.found = 0;
    this.error = StreamError.None;
    this.stopped = this.targetCount == 0;
    this.bytesRead = 0;
    for (let i = 0; i < this.values.length; i++) {
      this.values[i] = null;
      this.invalid[i] = false;
    }
  }

  get complete(): bool {
    return this.found == this.targetCount;
  }

  get failed(): bool {
    return this.error != StreamError.None;
  }

  // Feeds bytes [start, start + length). Returns false once it can stop: every target found, or
  // the document is malformed or too deep.
  feed(start: usize, length: i32): bool {
    let i = 0;
    while (i < length && !this.stopped) {
      // No pointer goes through this container: nothing in it is kept, only its grammar checked.
      if (this.masks[this.depth] == 0 && this.depth > 0 && this.capturing < 0) {
        i = this.skim(start, length, i);
        continue;
      }
      // Inside a string nobody captures, skip plain bytes 16 at a time.
      if (this.state == STRING && this.capturing < 0 && this.escape == 0) {
        const skipped = skipPlain(start + <usize>i, length - i);
        i += skipped;
        this.bytesRead += skipped;
        if (i >= length) break;
      }
      this.step(<u32>load<u8>(start + <usize>i));
      this.bytesRead++;
      i++;
    }
    return !this.stopped;
  }

  // The tokenizer for a container whose mask is 0 (and every container inside it), with its state
  // in locals: the same transitions and errors as step(), minus everything that only serves a match.
  // Returns where it stopped: the end of the bytes, an error, or the close of the container it
  // started in (the level above may hold a target).
  private skim(start: usize, length: i32, from: i32): i32 {
    const floor = this.depth;
    const kinds = this.kinds;
    const masks = this.masks;
    let depth = floor;
    let state = this.state;
    let escape = this.escape;
    let literalAt = this.literalAt;
    let error = StreamError.None;
    let i = from;
    while (i < length) {
      if (state == STRING || state == KEY_STRING) {
        if (escape == 0) {
          i += skipPlain(start + <usize>i, length - i);
          if (i >= length) break;
          const c = <u32>load<u8>(start + <usize>i);
          i++;
          if (c == 0x22) state = state == KEY_STRING ? COLON : AFTER_VALUE;
          else if (c == 0x5c) escape = 1;
          else {
            error = StreamError.Malformed;
            break;
          }
          continue;
        }
        const c = <u32>load<u8>(start + <usize>i);
        i++;
        if (escape == 1) {
          if (c == 0x75) escape = 2;
          else if (c == 0x22 || c == 0x5c || c == 0x2f || c == 0x62 || c == 0x66 || c == 0x6e || c == 0x72 || c == 0x74)
            escape = 0;
          else {
            error = StreamError.Malformed;
            break;
          }
          continue;
        }
        if (c - 0x30 >= 10 && (c | 0x20) - 0x61 >= 6) {
          error = StreamError.Malformed;
          break;
        }
        escape = escape == 5 ? 0 : escape + 1;
        continue;
      }
      const c = <u32>load<u8>(start + <usize>i);
      if (state == NUMBER) {
        if (c - 0x30 < 10 || c == 0x2e || c == 0x65 || c == 0x45 || c == 0x2b || c == 0x2d) {
          i++;
          continue;
        }
        // The number ends; this byte is read again after it.
        state = AFTER_VALUE;
        continue;
      }
      i++;
      if (c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09) {
        if (state != LITERAL) continue;
      }
      if (state == AFTER_VALUE) {
        if (c == 0x2c) {
          if (kinds[depth] == 2) state = VALUE;
          else state = KEY;
          continue;
        }
        if (c != 0x7d && c != 0x5d) {
          error = StreamError.Malformed;
          break;
        }
      } else if (state == KEY || state == KEY_OR_END) {
        if (c == 0x22) {
          state = KEY_STRING;
          continue;
        }
        if (state == KEY || c != 0x7d) {
          error = StreamError.Malformed;
          break;
        }
      } else if (state == COLON) {
        if (c != 0x3a) {
          error = StreamError.Malformed;
          break;
        }
        state = VALUE;
        continue;
      } else if (state == LITERAL) {
        const literal = this.literal;
        if (c != <u32>literal.charCodeAt(literalAt)) {
          error = StreamError.Malformed;
          break;
        }
        literalAt++;
        if (literalAt == literal.length) state = AFTER_VALUE;
        continue;
      } else if (state == VALUE_OR_END && c == 0x5d) {
        // Closes below.
      } else {
        // VALUE or VALUE_OR_END: a value starts.
        if (c == 0x22) state = STRING;
        else if (c == 0x2d || c - 0x30 < 10) state = NUMBER;
        else if (c == 0x7b || c == 0x5b) {
          if (depth + 1 > STREAM_MAX_DEPTH) {
            error = StreamError.TooDeep;
            break;
          }
          depth++;
          masks[depth] = 0;
          kinds[depth] = c == 0x7b ? 1 : 2;
          this.indices[depth] = 0;
          state = c == 0x7b ? KEY_OR_END : VALUE_OR_END;
        } else if (c == 0x74 || c == 0x66 || c == 0x6e) {
          this.literal = c == 0x74 ? "true" : c == 0x66 ? "false" : "null";
          literalAt = 1;
          state = LITERAL;
        } else {
          error = StreamError.Malformed;
          break;
        }
        continue;
      }
      // A closing bracket, in a state that allows one.
      if ((c == 0x7d && kinds[depth] != 1) || (c == 0x5d && kinds[depth] != 2)) {
        error = StreamError.Malformed;
        break;
      }
      depth--;
      state = depth == 0 ? DONE : AFTER_VALUE;
      if (depth < floor) break;
    }
    this.depth = depth;
    this.state = state;
    this.escape = escape;
    this.literalAt = literalAt;
    this.bytesRead += i - from;
    if (error != StreamError.None) this.fail(error);
    else if (state == DONE) this.stopped = true;
    return i;
  }

  private fail(error: StreamError): void {
    if (this.error == StreamError.None) this.error = error;
    this.stopped = true;
  }

  // The targets matching a child of the current level under this key (object) or index (array).
  private childMask(keyStart: usize, keyLength: i32): u32 {
    const mask = this.masks[this.depth];
    if (mask == 0) return 0;
    let out: u32 = 0;
    // Children of the container at depth d are segment d - 1 of a pointer.
    const level = this.depth - 1;
    for (let t = 0; t < this.targets.length; t++) {
      if (((mask >> (<u32>t)) & 1) == 0) continue;
      const path = this.targets[t];
      if (level >= path.length) continue;
      const segment = path[level];
      if (
        segment.byteLength == keyLength &&
        memory.compare(changetype<usize>(segment), keyStart, <usize>keyLength) == 0
      )
        out |= (<u32>1) << (<u32>t);
    }
    return out;
  }

  private indexMask(index: i32): u32 {
    // Most arrays hold nothing a pointer names: no index text to build for them.
    if (this.masks[this.depth] == 0) return 0;
    const text = decimalText(index);
    const bytes = String.UTF8.encode(text);
    return this.childMask(changetype<usize>(bytes), bytes.byteLength);
  }

  // The target (not yet found) that ends at the value about to start, or -1.
  private targetEndingHere(mask: u32): i32 {
    if (mask == 0) return -1;
    for (let t = 0; t < this.targets.length; t++) {
      if (
        ((mask >> (<u32>t)) & 1) != 0 &&
        this.targets[t].length == this.depth &&
        this.values[t] === null &&
        !this.invalid[t]
      )
        return t;
    }
    return -1;
  }

  // A scalar value starts with `mask`: if a target ends here, capture it.
  private beginValue(mask: u32): void {
    this.capturing = this.targetEndingHere(mask);
    this.capturedLength = 0;
    this.capturedOverflow = false;
  }

  private keep(c: u32): void {
    if (this.capturing < 0) return;
    if (this.capturedLength >= this.maxValueLength) {
      this.capturedOverflow = true;
      return;
    }
    this.captured[this.capturedLength++] = <u8>c;
  }

  private keepCodePoint(cp: u32): void {
    if (cp < 0x80) this.keep(cp);
    else if (cp < 0x800) {
      this.keep(0xc0 | (cp >> 6));
      this.keep(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.keep(0xe0 | (cp >> 12));
      this.keep(0x80 | ((cp >> 6) & 0x3f));
      this.keep(0x80 | (cp & 0x3f));
    } else {
      this.keep(0xf0 | (cp >> 18));
      this.keep(0x80 | ((cp >> 12) & 0x3f));
      this.keep(0x80 | ((cp >> 6) & 0x3f));
      this.keep(0x80 | (cp & 0x3f));
    }
  }

  private endValue(): void {
    const t = this.capturing;
    if (t >= 0) {
      this.capturing = -1;
      if (this.capturedOverflow || this.capturedLiteral) this.invalid[t] = true;
      else {
        const out = new ArrayBuffer(this.capturedLength);
        memory.copy(changetype<usize>(out), changetype<usize>(this.captured), <usize>this.capturedLength);
        this.values[t] = out;
      }
      this.found++;
      if (this.found == this.targetCount) this.stopped = true;
    }
    this.state = this.depth == 0 ? DONE : AFTER_VALUE;
    if (this.state == DONE) this.stopped = true;
  }

  private isSpace(c: u32): bool {
    return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
  }

  // The mask for the value about to start in the current container.
  private valueMask(): u32 {
    if (this.depth == 0) return this.masks[0];
    if (this.kinds[this.depth] == 2) return this.indexMask(this.indices[this.depth]);
    return this.keyLength < 0 ? 0 : this.childMask(changetype<usize>(this.key), this.keyLength);
  }

  private startValue(c: u32): void {
    const mask = this.valueMask();
    // Bit masks are kept per depth; the value's own mask sits at depth + 1.
    if (c == 0x7b || c == 0x5b) {
      // A pointer to an object or array names no single value.
      const ending = this.targetEndingHere(mask);
      if (ending >= 0) {
        this.invalid[ending] = true;
        this.found++;
        if (this.found == this.targetCount) this.stopped = true;
      }
      if (this.depth + 1 > STREAM_MAX_DEPTH) {
        this.fail(StreamError.TooDeep);
        return;
      }
      this.depth++;
      this.masks[this.depth] = mask;
      this.kinds[this.depth] = c == 0x7b ? 1 : 2;
      this.indices[this.depth] = 0;
      this.capturing = -1;
      this.state = c == 0x7b ? KEY_OR_END : VALUE_OR_END;
      return;
    }
    this.beginValue(mask);
    this.capturedLiteral = false;
    if (c == 0x22) {
      this.escape = 0;
      this.highSurrogate = 0;
      this.state = STRING;
    } else if (c == 0x2d || c - 0x30 < 10) {
      this.keep(c);
      this.state = NUMBER;
    } else if (c == 0x74 || c == 0x66 || c == 0x6e) {
      this.capturedLiteral = true;
      this.literal = c == 0x74 ? "true" : c == 0x66 ? "false" : "null";
      this.literalAt = 1;
      this.keep(c);
      this.state = LITERAL;
    } else {
      this.fail(StreamError.Malformed);
    }
  }

  private closeContainer(c: u32): void {
    const kind = this.kinds[this.depth];
    if ((c == 0x7d && kind != 1) || (c == 0x5d && kind != 2)) {
      this.fail(StreamError.Malformed);
      return;
    }
    this.depth--;
    this.state = this.depth == 0 ? DONE : AFTER_VALUE;
    if (this.state == DONE) this.stopped = true;
  }

  private step(c: u32): void {
    switch (this.state) {
      case VALUE:
      case VALUE_OR_END: {
        if (this.isSpace(c)) return;
        if (this.state == VALUE_OR_END && c == 0x5d) {
          this.closeContainer(c);
          return;
        }
        this.startValue(c);
        return;
      }
      case AFTER_VALUE: {
        if (this.isSpace(c)) return;
        if (c == 0x2c) {
          if (this.kinds[this.depth] == 2) {
            this.indices[this.depth]++;
            this.state = VALUE;
          } else {
            this.state = KEY;
          }
          return;
        }
        if (c == 0x7d || c == 0x5d) {
          this.closeContainer(c);
          return;
        }
        this.fail(StreamError.Malformed);
        return;
      }
      case KEY_OR_END:
      case KEY: {
        if (this.isSpace(c)) return;
        if (this.state == KEY_OR_END && c == 0x7d) {
          this.closeContainer(c);
          return;
        }
        if (c != 0x22) {
          this.fail(StreamError.Malformed);
          return;
        }
        this.keyLength = 0;
        this.escape = 0;
        this.highSurrogate = 0;
        this.state = KEY_STRING;
        return;
      }
      case COLON: {
        if (this.isSpace(c)) return;
        if (c != 0x3a) {
          this.fail(StreamError.Malformed);
          return;
        }
        this.state = VALUE;
        return;
      }
      case STRING:
      case KEY_STRING: {
        this.stringByte(c);
        return;
      }
      case NUMBER: {
        if (c - 0x30 < 10 || c == 0x2e || c == 0x65 || c == 0x45 || c == 0x2b || c == 0x2d) {
          this.keep(c);
          return;
        }
        this.endValue();
        this.step(c);
        return;
      }
      case LITERAL: {
        if (this.literalAt < this.literal.length && c == <u32>this.literal.charCodeAt(this.literalAt)) {
          this.keep(c);
          this.literalAt++;
          if (this.literalAt == this.literal.length) this.endValue();
          return;
        }
        this.fail(StreamError.Malformed);
        return;
      }
      default:
        return;
    }
  }

  private stringChar(cp: u32): void {
    if (this.state == STRING) {
      this.keepCodePoint(cp);
      return;
    }
    if (this.keyLength < 0) return;
    const before = this.capturing;
    // Keys are collected in `key` with the same UTF-8 encoding.
    this.capturing = -1;
    if (cp < 0x80) this.keyByte(cp);
    else if (cp < 0x800) {
      this.keyByte(0xc0 | (cp >> 6));
      this.keyByte(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      this.keyByte(0xe0 | (cp >> 12));
      this.keyByte(0x80 | ((cp >> 6) & 0x3f));
      this.keyByte(0x80 | (cp & 0x3f));
    } else {
      this.keyByte(0xf0 | (cp >> 18));
      this.keyByte(0x80 | ((cp >> 12) & 0x3f));
      this.keyByte(0x80 | ((cp >> 6) & 0x3f));
      this.keyByte(0x80 | (cp & 0x3f));
    }
    this.capturing = before;
  }

  private keyByte(b: u32): void {
    if (this.keyLength < 0) return;
    if (this.keyLength >= STREAM_MAX_KEY) {
      this.keyLength = -1;
      return;
    }
    this.key[this.keyLength++] = <u8>b;
  }

  // One byte inside a string or key: escapes (including \uXXXX pairs) are decoded.
  private stringByte(c: u32): void {
    if (this.escape == 1) {
      this.escape = 0;
      let decoded: u32;
      if (c == 0x22 || c == 0x5c || c == 0x2f) decoded = c;
      else if (c == 0x62) decoded = 0x08;
      else if (c == 0x66) decoded = 0x0c;
      else if (c == 0x6e) decoded = 0x0a;
      else if (c == 0x72) decoded = 0x0d;
      else if (c == 0x74) decoded = 0x09;
      else if (c == 0x75) {
        this.escape = 2;
        this.unicode = 0;
        return;
      } else {
        this.fail(StreamError.Malformed);
        return;
      }
      this.stringChar(decoded);
      return;
    }
    if (this.escape >= 2) {
      const lower = c | 0x20;
      let digit: u32;
      if (c - 0x30 < 10) digit = c - 0x30;
      else if (lower - 0x61 < 6) digit = lower - 0x61 + 10;
      else {
        this.fail(StreamError.Malformed);
        return;
      }
      this.unicode = (this.unicode << 4) | digit;
      this.escape++;
      if (this.escape < 6) return;
      this.escape = 0;
      const cp = this.unicode;
      if (cp >= 0xd800 && cp < 0xdc00) {
        this.highSurrogate = cp;
        return;
      }
      if (cp >= 0xdc00 && cp < 0xe000 && this.highSurrogate != 0) {
        this.stringChar(0x10000 + ((this.highSurrogate - 0xd800) << 10) + (cp - 0xdc00));
        this.highSurrogate = 0;
        return;
      }
      this.highSurrogate = 0;
      this.stringChar(cp >= 0xd800 && cp < 0xe000 ? 0xfffd : cp);
      return;
    }
    if (c == 0x5c) {
      this.escape = 1;
      return;
    }
    if (c == 0x22) {
      if (this.state == KEY_STRING) this.state = COLON;
      else this.endValue();
      return;
    }
    if (c < 0x20) {
      this.fail(StreamError.Malformed);
      return;
    }
    // Raw UTF-8 bytes pass through unchanged.
    if (this.state == STRING) this.keep(c);
    else this.keyByte(c);
  }

  // At the end of the body: a number at top level ends here; anything else unfinished is malformed.
  finish(): void {
    if (this.state == NUMBER && this.depth == 0) this.endValue();
    if (this.state != DONE && !this.complete) this.fail(StreamError.Malformed);
  }
}

// The number of bytes from `p` before a quote, a backslash or a control byte (at most `length`).
function skipPlain(p: usize, length: i32): i32 {
  const quote = i8x16.splat(0x22);
  const backslash = i8x16.splat(0x5c);
  const space = i8x16.splat(0x20);
  let i = 0;
  while (i + 16 <= length) {
    const chunk = v128.load(p + <usize>i);
    const mask = i8x16.bitmask(
      v128.or(v128.or(i8x16.eq(chunk, quote), i8x16.eq(chunk, backslash)), i8x16.lt_u(chunk, space)),
    );
    if (mask != 0) return i + <i32>ctz(mask);
    i += 16;
  }
  while (i < length) {
    const c = load<u8>(p + <usize>i);
    if (c == 0x22 || c == 0x5c || c < 0x20) return i;
    i++;
  }
  return i;
}
