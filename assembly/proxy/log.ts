// Logging gated by the host's level. The level is cached: refreshed in onConfigure and at most
// once per stream, so a disabled level costs a comparison, not a host call, and the pattern
// `if (logEnabled(LogLevel.Debug)) log(LogLevel.Debug, "x=" + x)` builds no string when it is off.
import { LogLevel } from "./enums";
import { proxy_get_log_level, proxy_log } from "./imports";
import { outPointer } from "./memory";

let cachedLevel: u32 = <u32>LogLevel.Info;
let cachedForStream: u32 = 0;
let streamGeneration: u32 = 1;

export function refreshLogLevel(): void {
  if (proxy_get_log_level(outPointer) == 0) cachedLevel = load<u32>(outPointer);
  cachedForStream = streamGeneration;
}

// Called when a stream context is created: the next level check in that stream refreshes.
export function newLogGeneration(): void {
  streamGeneration++;
}

export function logEnabled(level: LogLevel): bool {
  if (cachedForStream != streamGeneration) refreshLogLevel();
  return <u32>level >= cachedLevel;
}

export function log(level: LogLevel, message: string): void {
  if (!logEnabled(level)) return;
  const bytes = String.UTF8.encode(message);
  proxy_log(<u32>level, changetype<usize>(bytes), <usize>bytes.byteLength);
}

export function logTrace(message: string): void {
  log(LogLevel.Trace, message);
}
export function logDebug(message: string): void {
  log(LogLevel.Debug, message);
}
export function logInfo(message: string): void {
  log(LogLevel.Info, message);
}
export function logWarn(message: string): void {
  log(LogLevel.Warn, message);
}
export function logError(message: string): void {
  log(LogLevel.Error, message);
}
export function logCritical(message: string): void {
  log(LogLevel.Critical, message);
}
