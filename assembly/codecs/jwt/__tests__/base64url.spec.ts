import { decode, encode } from "as-base64/assembly";
import { decodeBase64Url } from "../base64url";

// as-base64 is the reference: every input it encodes must decode to the same bytes here.
function toBase64Url(standard: string, keepPadding: bool): string {
  let out = standard.replaceAll("+", "-").replaceAll("/", "_");
  if (!keepPadding) while (out.endsWith("=")) out = out.substring(0, out.length - 1);
  return out;
}

function decodeText(text: string): Uint8Array | null {
  const bytes = String.UTF8.encode(text);
  return decodeBase64Url(changetype<usize>(bytes), bytes.byteLength);
}

describe("decodeBase64Url", () => {
  it("agrees with as-base64 for every length 0..64, padded and unpadded", () => {
    for (let length = 0; length <= 64; length++) {
      const input = new Uint8Array(length);
      for (let i = 0; i < length; i++) input[i] = <u8>((i * 73 + length * 31) & 0xff);
      const standard = encode(input);
      expect(decode(standard).length).toBe(length);
      for (let pad = 0; pad < 2; pad++) {
        const decoded = decodeText(toBase64Url(standard, pad == 1));
        expect(decoded).not.toBeNull();
        expect(decoded!.length).toBe(length);
        for (let i = 0; i < length; i++) expect(decoded![i]).toBe(input[i]);
      }
    }
  });

  it("rejects bytes outside the base64url alphabet and misplaced padding", () => {
    expect(decodeText("ab+c")).toBeNull();
    expect(decodeText("ab/c")).toBeNull();
    expect(decodeText("ab c")).toBeNull();
    expect(decodeText("a=bc")).toBeNull();
    expect(decodeText("abc==")).toBeNull();
    expect(decodeText("abcde")).toBeNull();
    expect(decodeText("ÿÿÿÿ")).toBeNull();
  });

  it("agrees with as-base64 on every byte value, in blocks long enough for the 16-character path", () => {
    const input = new Uint8Array(768);
    for (let i = 0; i < input.length; i++) input[i] = <u8>((i * 7) ^ (i >> 8));
    const decoded = decodeText(toBase64Url(encode(input), false));
    expect(decoded).not.toBeNull();
    expect(decoded!.length).toBe(input.length);
    for (let i = 0; i < input.length; i++) expect(decoded![i]).toBe(input[i]);
  });

  it("rejects a byte outside the alphabet at any position of a long segment", () => {
    // The neighbours of every alphabet range, and bytes past ASCII.
    const outside: u8[] = [
      0x00, 0x2b, 0x2c, 0x2e, 0x2f, 0x3a, 0x3d, 0x40, 0x5b, 0x5e, 0x60, 0x7b, 0x7f, 0x80, 0xad, 0xdf, 0xff,
    ];
    const valid = String.UTF8.encode("AZaz09-_QWERTYuiopASDFghjkl-_zxcvbnm0123456789ABCD");
    for (let position = 0; position < valid.byteLength; position++) {
      for (let k = 0; k < outside.length; k++) {
        const bytes = valid.slice(0);
        store<u8>(changetype<usize>(bytes) + <usize>position, outside[k]);
        expect(decodeBase64Url(changetype<usize>(bytes), bytes.byteLength)).toBeNull();
      }
    }
    expect(decodeBase64Url(changetype<usize>(valid), valid.byteLength)).not.toBeNull();
  });
});
