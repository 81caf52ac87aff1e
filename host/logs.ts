import { LOG_LEVEL_NAMES, type LogLevelName } from './abi.ts';

export interface LogRecord {
  level: LogLevelName;
  // Envoy's "wasm log<prefix>: <message>" prefix parts: plugin name, root id, vm id (empty parts omitted).
  prefix: string;
  message: string;
}

// Collects what Envoy's `wasm` logger would print, filtered by its level as Envoy filters it.
export class LogSink {
  readonly records: LogRecord[] = [];

  levelNumber: number;

  constructor(level: LogLevelName = 'info') {
    this.levelNumber = LOG_LEVEL_NAMES.indexOf(level);
  }

  get level(): LogLevelName {
    return LOG_LEVEL_NAMES[this.levelNumber];
  }

  set level(level: LogLevelName) {
    this.levelNumber = LOG_LEVEL_NAMES.indexOf(level);
  }

  write(levelNumber: number, prefix: string, message: string): void {
    if (levelNumber < this.levelNumber) return;
    this.records.push({ level: LOG_LEVEL_NAMES[Math.min(levelNumber, 5)], prefix, message });
  }

  since(mark: number): LogRecord[] {
    return this.records.slice(mark);
  }

  // Keeps a long benchmark or fuzz run from holding every line it produced.
  trim(keep = 1000): void {
    if (this.records.length > keep * 2) this.records.splice(0, this.records.length - keep);
  }
}

export function formatLogRecord(record: LogRecord): string {
  return `[${record.level}] wasm log${record.prefix}: ${record.message}`;
}
