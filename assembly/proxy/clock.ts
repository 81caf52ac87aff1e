import { proxy_get_current_time_nanoseconds } from "./imports";
import { outPointer } from "./memory";

// The host's system time in nanoseconds since the epoch.
export function currentTimeNanoseconds(): u64 {
  proxy_get_current_time_nanoseconds(outPointer);
  return load<u64>(outPointer);
}
