// What Envoy's codecs accept in a header name or value, on byte strings (one char per byte).
// Names: RFC 9110 tokens (Envoy HeaderUtility::headerNameIsValid, kGenericHeaderNameCharTable).
// Values: nghttp2_check_header_value, which Envoy's headerValueIsValid calls: HTAB, SP to '~' and
// obs-text (0x80-0xFF); never NUL, CR, LF, another control byte or DEL.

const TOKEN = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~") TOKEN[c.charCodeAt(0)] = 1;
for (let c = 0x30; c <= 0x39; c++) TOKEN[c] = 1;
for (let c = 0x41; c <= 0x5a; c++) TOKEN[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) TOKEN[c] = 1;

const FIELD_VALUE = new Uint8Array(256);
FIELD_VALUE[0x09] = 1;
for (let c = 0x20; c <= 0x7e; c++) FIELD_VALUE[c] = 1;
for (let c = 0x80; c <= 0xff; c++) FIELD_VALUE[c] = 1;

// Why Envoy refuses this regular (not pseudo) header name, or null.
export function headerNameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c > 0xff || TOKEN[c] === 0)
      return `the name has ${describeByte(c)} at byte ${i}, outside RFC 9110 token characters`;
  }
  return null;
}

// Why Envoy refuses this header value, or null.
export function headerValueProblem(value: string): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff || FIELD_VALUE[c] === 0) return `the value has ${describeByte(c)} at byte ${i}`;
  }
  return null;
}

// A name a plugin writes: a pseudo-header is checked after its colon (HTTP/2 rules, as Envoy's
// headerNameIsValid does for names starting with ':').
export function writtenNameProblem(name: string): string | null {
  return name.charCodeAt(0) === 0x3a ? headerNameProblem(name.slice(1)) : headerNameProblem(name);
}

// Why a request line part (:path, :authority) cannot reach a filter: Envoy's HTTP/1 parser refuses
// a request target or host with spaces or control bytes.
export function requestTargetProblem(text: string): string | null {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return `it has ${describeByte(c)} at byte ${i}`;
  }
  return null;
}

// A pseudo-header or a method: a token, as Envoy's requestHeadersValid checks :method.
export function tokenProblem(text: string): string | null {
  return headerNameProblem(text);
}

// Envoy's HTTP/1 codec strips leading and trailing SP and HTAB from every value
// (http1/codec_impl.cc: ltrim in onHeaderValue, rtrim in completeCurrentHeader).
export function trimOptionalWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isOws(value.charCodeAt(start))) start++;
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  return start === 0 && end === value.length ? value : value.slice(start, end);
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function describeByte(c: number): string {
  switch (c) {
    case 0x00:
      return 'NUL';
    case 0x0a:
      return 'LF';
    case 0x0d:
      return 'CR';
    case 0x20:
      return 'a space';
    case 0x09:
      return 'a tab';
    default:
      return c >= 0x21 && c <= 0x7e ? `"${String.fromCharCode(c)}"` : `byte 0x${c.toString(16).padStart(2, '0')}`;
  }
}
