import { bytesEqual, copyBytes, lowerAscii, sameBytes, utf8 } from "../bytes";

function at(buffer: ArrayBuffer): usize {
  return changetype<usize>(buffer);
}

describe("byte helpers", () => {
  it("lowerAscii lowers A-Z only", () => {
    expect(lowerAscii(0x41)).toBe(0x61);
    expect(lowerAscii(0x5a)).toBe(0x7a);
    expect(lowerAscii(0x40)).toBe(0x40);
    expect(lowerAscii(0x5b)).toBe(0x5b);
    expect(lowerAscii(0x61)).toBe(0x61);
  });

  it("bytesEqual needs the same length and bytes", () => {
    const value = utf8("cart");
    expect(bytesEqual(at(value), 4, utf8("cart"))).toBe(true);
    expect(bytesEqual(at(value), 3, utf8("cart"))).toBe(false);
    expect(bytesEqual(at(value), 4, utf8("Cart"))).toBe(false);
  });

  it("copyBytes copies a range into a buffer of its own", () => {
    const value = utf8("x-tenant-id");
    const copy = copyBytes(at(value) + 2, 6);
    expect(String.UTF8.decode(copy)).toBe("tenant");
    store<u8>(at(value) + 2, 0x54);
    expect(String.UTF8.decode(copy)).toBe("tenant");
  });

  it("sameBytes finds a difference in the 16-byte blocks and in the tail, at any alignment", () => {
    const a = utf8("Bearer 0123456789abcdef0123456789abcdefXYZ");
    const b = utf8("0123456789abcdef0123456789abcdefXYZ");
    expect(sameBytes(at(a) + 7, at(b), b.byteLength)).toBe(true);
    for (let i = 0; i < b.byteLength; i++) {
      const saved = load<u8>(at(b) + <usize>i);
      store<u8>(at(b) + <usize>i, saved ^ 1);
      expect(sameBytes(at(a) + 7, at(b), b.byteLength)).toBe(false);
      store<u8>(at(b) + <usize>i, saved);
    }
  });
});
