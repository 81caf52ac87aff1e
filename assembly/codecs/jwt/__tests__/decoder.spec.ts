import { decodeJwtString, JwtError } from "../decoder";
import { JsonSpan, spanText } from "../../json/scan";

// {"alg":"RS256","typ":"JWT"} . {"sub":"u-1","tenant":"acme","https://example.com/tenant":"t-9","org":{"id":"o-1"}} . sig
const TOKEN =
  "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTEiLCJ0ZW5hbnQiOiJhY21lIiwiaHR0cHM6Ly9leGFtcGxlLmNvbS90ZW5hbnQiOiJ0LTkiLCJvcmciOnsiaWQiOiJvLTEifX0.c2ln";

function claim(token: string, path: string[]): string | null {
  const jwt = decodeJwtString(token);
  const segments = new Array<ArrayBuffer>();
  for (let i = 0; i < path.length; i++) segments.push(String.UTF8.encode(path[i]));
  const span = new JsonSpan();
  return jwt.claim(segments, span) ? spanText(span) : null;
}

describe("decodeJwt", () => {
  it("decodes header and payload and reads claims by path", () => {
    const jwt = decodeJwtString(TOKEN);
    expect(jwt.error).toBe(JwtError.None);
    expect(claim(TOKEN, ["tenant"])).toBe("acme");
    expect(claim(TOKEN, ["https://example.com/tenant"])).toBe("t-9");
    expect(claim(TOKEN, ["org", "id"])).toBe("o-1");
  });

  it("accepts base64url with padding", () => {
    // {"a":"b"} is eyJhIjoiYiJ9 (no padding needed); {"a":1} is eyJhIjoxfQ==
    expect(decodeJwtString("eyJhIjoiYiJ9.eyJhIjoxfQ==.x").error).toBe(JwtError.None);
    expect(decodeJwtString("eyJhIjoiYiJ9.eyJhIjoxfQ.x").error).toBe(JwtError.None);
  });

  it("rejects malformed tokens with a reason and never traps", () => {
    expect(decodeJwtString("").error).toBe(JwtError.Empty);
    expect(decodeJwtString("abc").error).toBe(JwtError.SegmentCount);
    expect(decodeJwtString("a.b.c.d").error).toBe(JwtError.SegmentCount);
    expect(decodeJwtString("eyJhIjoiYiJ9.@@@.x").error).toBe(JwtError.PayloadBase64);
    expect(decodeJwtString("eyJhIjoiYiJ9.eyJhIjox=fQ.x").error).toBe(JwtError.PayloadBase64);
    expect(decodeJwtString("eyJhIjoiYiJ9.a.x").error).toBe(JwtError.PayloadBase64);
    expect(decodeJwtString("ÿÿ.eyJhIjoxfQ.x").error).toBe(JwtError.HeaderBase64);
    // payload "[1]" (WzFd) is JSON but not an object
    expect(decodeJwtString("eyJhIjoiYiJ9.WzFd.x").error).toBe(JwtError.PayloadNotObject);
    // payload "{" (ew) is not JSON
    expect(decodeJwtString("eyJhIjoiYiJ9.ew.x").error).toBe(JwtError.PayloadNotObject);
  });

  it("rejects payloads nested deeper than the bound", () => {
    // {"a":[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]} : 18 levels
    const deep = "eyJhIjpbW1tbW1tbW1tbW1tbW1tbWzFdXV1dXV1dXV1dXV1dXV1dXX0";
    expect(decodeJwtString("eyJhIjoiYiJ9." + deep + ".x").error).toBe(JwtError.TooDeep);
  });
});

describe("segments across the 16-byte fast path", () => {
  it("counts dots at every offset", () => {
    for (let pad = 0; pad < 40; pad++) {
      const signature = "s".repeat(pad);
      expect(decodeJwtString("eyJhIjoiYiJ9.eyJhIjoxfQ." + signature).error).toBe(JwtError.None);
      expect(decodeJwtString("eyJhIjoiYiJ9.eyJhIjoxfQ." + signature + ".x").error).toBe(JwtError.SegmentCount);
    }
  });
});
