import { deserializePairs, HeaderPair, propertyPath, serializePairs } from "../pairs";

describe("header pairs serialization", () => {
  it("lays out count, lengths, then NUL-terminated names and values", () => {
    const bytes = Uint8Array.wrap(serializePairs([new HeaderPair("a", "1"), new HeaderPair("b", "22")]));
    const expected: u8[] = [
      2, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0x61, 0, 0x31, 0, 0x62, 0, 0x32, 0x32, 0,
    ];
    expect(bytes.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(bytes[i]).toBe(expected[i]);
  });

  it("round-trips repeated names, empty values and UTF-8", () => {
    const pairs = deserializePairs(
      serializePairs([new HeaderPair("cookie", "a=1"), new HeaderPair("cookie", ""), new HeaderPair("x-name", "Zoë")]),
    );
    expect(pairs.length).toBe(3);
    expect(pairs[0].name).toBe("cookie");
    expect(pairs[1].value).toBe("");
    expect(pairs[2].value).toBe("Zoë");
  });

  it("reads an empty buffer as an empty map", () => {
    expect(deserializePairs(new ArrayBuffer(0)).length).toBe(0);
  });

  it("stops at lengths that run past the end instead of trapping", () => {
    const bytes = serializePairs([new HeaderPair("a", "1")]);
    store<u32>(changetype<usize>(bytes) + 8, 1000);
    expect(deserializePairs(bytes).length).toBe(0);
  });
});

describe("property paths", () => {
  it("joins segments with NUL bytes", () => {
    const path = Uint8Array.wrap(propertyPath(["request", "path"]));
    expect(path.length).toBe(12);
    expect(path[7]).toBe(0);
    expect(String.UTF8.decode(path.buffer.slice(8))).toBe("path");
  });
});
