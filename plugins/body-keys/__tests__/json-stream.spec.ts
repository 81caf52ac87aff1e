import { JsonPointerStream, StreamError } from "../json-stream";
import { parseJsonPointer } from "../../../assembly/codecs/json/pointer";

function stream(pointers: string[], maxValue: i32 = 64): JsonPointerStream {
  const parsed = new Array<Array<ArrayBuffer>>();
  for (let i = 0; i < pointers.length; i++) parsed.push(parseJsonPointer(pointers[i])!);
  return new JsonPointerStream(parsed, maxValue);
}

// Feeds `text` split at `cut` (and the rest), then finishes.
function run(s: JsonPointerStream, text: string, cut: i32 = -1): JsonPointerStream {
  const bytes = String.UTF8.encode(text);
  const base = changetype<usize>(bytes);
  const n = bytes.byteLength;
  const at = cut < 0 || cut > n ? n : cut;
  if (s.feed(base, at)) s.feed(base + <usize>at, n - at);
  s.finish();
  return s;
}

function value(s: JsonPointerStream, i: i32): string | null {
  const v = s.values[i];
  return v === null ? null : String.UTF8.decode(v);
}

const BODY =
  '{"customer":{"id":"c-9"},"items":[{"sku":"a"},{"sku":"b\\u00e9"}],"cart":{"id":"ams-7f3a","n":42},"note":"x"}';

describe("JsonPointerStream", () => {
  it("finds nested values, array elements and numbers", () => {
    const s = run(stream(["/cart/id", "/items/1/sku", "/cart/n"]), BODY);
    expect(s.error).toBe(StreamError.None);
    expect(value(s, 0)).toBe("ams-7f3a");
    expect(value(s, 1)).toBe("bé");
    expect(value(s, 2)).toBe("42");
  });

  it("gives the same answer for a split at every byte position", () => {
    const n = String.UTF8.encode(BODY).byteLength;
    for (let cut = 0; cut <= n; cut++) {
      const s = run(stream(["/cart/id", "/items/1/sku"]), BODY, cut);
      expect(value(s, 0)).toBe("ams-7f3a");
      expect(value(s, 1)).toBe("bé");
    }
  });

  it("stops reading once every value is found", () => {
    const s = stream(["/cart/id"]);
    const bytes = String.UTF8.encode('{"cart":{"id":"c1"},"rest":[' + "1,".repeat(1000) + "1]}");
    expect(s.feed(changetype<usize>(bytes), bytes.byteLength)).toBe(false);
    expect(s.complete).toBe(true);
    expect(s.bytesRead < 40).toBe(true);
  });

  it("matches keys written with escapes and names with / and ~", () => {
    const s = run(stream(["/a~1b/c~0d"]), '{"a\\/b":{"c~d":"yes"}}');
    expect(value(s, 0)).toBe("yes");
  });

  it("takes the first occurrence of a repeated key", () => {
    expect(value(run(stream(["/id"]), '{"id":"one","id":"two"}'), 0)).toBe("one");
  });

  it("reports a value that is too long, or an object, as invalid", () => {
    const s = run(stream(["/id", "/obj"], 4), '{"id":"toolong","obj":{"a":1}}');
    expect(s.invalid[0]).toBe(true);
    expect(s.invalid[1]).toBe(true);
    expect(s.values[0]).toBeNull();
  });

  it("reports true, false and null as invalid, never as their text", () => {
    const s = run(stream(["/a", "/b", "/c", "/d"]), '{"a":null,"b":true,"c":false,"d":"null"}');
    expect(s.error).toBe(StreamError.None);
    expect(s.invalid[0]).toBe(true);
    expect(s.invalid[1]).toBe(true);
    expect(s.invalid[2]).toBe(true);
    expect(s.values[0]).toBeNull();
    expect(value(s, 3)).toBe("null");
  });

  it("rejects malformed and truncated documents, and bounds depth", () => {
    expect(run(stream(["/x"]), '{"a":}').error).toBe(StreamError.Malformed);
    expect(run(stream(["/x"]), '{"a":"unterminated').error).toBe(StreamError.Malformed);
    expect(run(stream(["/x"]), '{"a":tru}').error).toBe(StreamError.Malformed);
    expect(run(stream(["/x"]), "[".repeat(100)).error).toBe(StreamError.TooDeep);
  });

  it("checks the grammar inside containers no pointer goes through, split at every byte", () => {
    const good =
      '{"items":[{"t":"a\\"b\\u00e9\\\\ \\n","n":-1.5e3,"x":[true,false,null,{},[]]},"' +
      "p".repeat(40) +
      '"],"cart":{"id":"x"}}';
    const bad = [
      '{"items":[{"a":tru}],"cart":{"id":"x"}}',
      '{"items":[{"a":"\\q"}],"cart":{"id":"x"}}',
      '{"items":[{"a" 1}],"cart":{"id":"x"}}',
      '{"items":[{"a":1]],"cart":{"id":"x"}}',
      '{"items":["\\u12g4"],"cart":{"id":"x"}}',
    ];
    const n = String.UTF8.encode(good).byteLength;
    for (let cut = 0; cut <= n; cut++) {
      const s = run(stream(["/cart/id"]), good, cut);
      expect(s.error).toBe(StreamError.None);
      expect(value(s, 0)).toBe("x");
    }
    for (let b = 0; b < bad.length; b++) {
      const m = String.UTF8.encode(bad[b]).byteLength;
      for (let cut = 0; cut <= m; cut++) {
        const s = run(stream(["/cart/id"]), bad[b], cut);
        expect(s.error).toBe(StreamError.Malformed);
        expect(value(s, 0)).toBeNull();
      }
    }
    expect(run(stream(["/x"]), '{"a":' + "[".repeat(100)).error).toBe(StreamError.TooDeep);
  });

  it("answers null for what is absent", () => {
    const s = run(stream(["/cart/missing", "/items/9/sku"]), BODY);
    expect(s.error).toBe(StreamError.None);
    expect(value(s, 0)).toBeNull();
    expect(value(s, 1)).toBeNull();
  });
});
