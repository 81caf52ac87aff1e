// AssemblyScript's abort, routed here by asconfig.json ("use": "abort=proxyAbort"): Envoy provides
// no env.abort. The message goes to proxy_log at critical level; the `unreachable` that asc emits
// after every abort call (and the one here) is what traps, which Envoy treats as a VM failure.
import { proxy_log } from "./imports";

const PREFIX = "abort: ";

// @ts-expect-error: a decorator tsc does not know
@global
export function proxyAbort(message: string | null, fileName: string | null, lineNumber: u32, columnNumber: u32): void {
  // Built without allocation: the heap may be what failed.
  const scratch = memory.data(512);
  let length: usize = 0;
  length = append(scratch, length, PREFIX);
  length = append(scratch, length, message !== null ? message : "(no message)");
  length = append(scratch, length, " at ");
  length = append(scratch, length, fileName !== null ? fileName : "?");
  length = append(scratch, length, ":");
  length = appendNumber(scratch, length, lineNumber);
  length = append(scratch, length, ":");
  length = appendNumber(scratch, length, columnNumber);
  proxy_log(5, scratch, length);
  unreachable();
}

// ASCII-folds UTF-16 into the scratch block, up to its end.
function append(scratch: usize, length: usize, text: string): usize {
  const count = <usize>text.length;
  for (let i: usize = 0; i < count && length < 512; i++) {
    const c = <u32>load<u16>(changetype<usize>(text) + (i << 1));
    store<u8>(scratch + length++, <u8>(c < 0x80 ? c : 0x3f));
  }
  return length;
}

function appendNumber(scratch: usize, length: usize, value: u32): usize {
  let divisor: u32 = 1;
  while (value / divisor >= 10) divisor *= 10;
  while (divisor > 0 && length < 512) {
    store<u8>(scratch + length++, <u8>(0x30 + ((value / divisor) % 10)));
    divisor /= 10;
  }
  return length;
}
