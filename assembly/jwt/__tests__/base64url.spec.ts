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
});
