// The host's clocks. Tests pin them; by default they follow the machine's real time.
export interface Clock {
  // System time in nanoseconds since the epoch (proxy_get_current_time_nanoseconds, WASI realtime).
  now(): bigint;
  // Monotonic nanoseconds (WASI monotonic clock).
  monotonic(): bigint;
}

export const systemClock: Clock = {
  now: () => BigInt(Date.now()) * 1_000_000n,
  monotonic: () => process.hrtime.bigint(),
};

export function fixedClock(epochSeconds: number): Clock & { advance(seconds: number): void } {
  let nanos = BigInt(Math.round(epochSeconds * 1e9));
  return {
    now: () => nanos,
    monotonic: () => nanos,
    advance(seconds: number) {
      nanos += BigInt(Math.round(seconds * 1e9));
    },
  };
}
