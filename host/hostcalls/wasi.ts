import { randomFillSync } from 'node:crypto';
import { WasiErrno } from '../abi.ts';
import type { HostCallTable } from './define.ts';
import type { HostCallTarget } from './target.ts';

// The WASI surface cpp-host registers under both wasi_snapshot_preview1 and wasi_unstable
// (exports.h FOR_ALL_WASI_FUNCTIONS; details sheet §5.1).
export function wasiCalls(host: HostCallTarget): HostCallTable {
  const memory = host.memory;
  const environ = () => Object.entries(host.env.environment).map(([k, v]) => Buffer.from(`${k}=${v}\0`));
  return {
    fd_write: (fd: number, iovs: number, iovsLength: number, writtenOut: number) => {
      if (fd !== 1 && fd !== 2) return WasiErrno.Badf;
      const parts: Uint8Array[] = [];
      for (let i = 0; i < iovsLength >>> 0; i++) {
        const entry = memory.read(iovs + i * 8, 8);
        if (entry === null) return WasiErrno.Fault;
        const view = new DataView(entry.buffer, entry.byteOffset, 8);
        const data = memory.read(view.getUint32(0, true), view.getUint32(4, true));
        if (data === null) return WasiErrno.Fault;
        parts.push(data.slice());
      }
      const text = Buffer.concat(parts).toString('utf8');
      // fd 1 is logged at info, fd 2 at error, one trailing newline removed.
      const line = text.endsWith('\n') ? text.slice(0, -1) : text;
      host.env.logs.write(fd === 1 ? 2 : 4, host.context()?.logPrefix ?? '', line);
      return memory.writeU32(writtenOut, Buffer.concat(parts).length) ? WasiErrno.Success : WasiErrno.Fault;
    },
    fd_read: () => WasiErrno.Nosys,
    fd_seek: () => WasiErrno.Success,
    fd_close: () => WasiErrno.Success,
    fd_fdstat_get: (fd: number, out: number) => {
      if (fd !== 1 && fd !== 2) return WasiErrno.Badf;
      const stat = new Uint8Array(24);
      stat[0] = 2; // character device
      new DataView(stat.buffer).setBigUint64(8, 64n, true); // rights: FD_WRITE
      return memory.writeBytes(out, stat) ? WasiErrno.Success : WasiErrno.Fault;
    },
    fd_fdstat_set_flags: () => WasiErrno.Notsup,
    fd_prestat_get: () => WasiErrno.Badf,
    fd_prestat_dir_name: () => WasiErrno.Nosys,
    path_open: () => WasiErrno.Noent,
    environ_sizes_get: (countOut: number, sizeOut: number) => {
      const entries = environ();
      const size = entries.reduce((n, e) => n + e.length, 0);
      const written = memory.writeU32(countOut, entries.length) && memory.writeU32(sizeOut, size);
      return written ? WasiErrno.Success : WasiErrno.Fault;
    },
    environ_get: (pointers: number, buffer: number) => {
      let offset = buffer >>> 0;
      for (const [i, entry] of environ().entries()) {
        const written = memory.writeU32(pointers + i * 4, offset) && memory.writeBytes(offset, entry);
        if (!written) return WasiErrno.Fault;
        offset += entry.length;
      }
      return WasiErrno.Success;
    },
    args_sizes_get: (countOut: number, sizeOut: number) =>
      memory.writeU32(countOut, 0) && memory.writeU32(sizeOut, 0) ? WasiErrno.Success : WasiErrno.Fault,
    args_get: () => WasiErrno.Success,
    clock_time_get: (id: number, _precision: bigint, out: number) => {
      if (id !== 0 && id !== 1) return WasiErrno.Notsup;
      const time = id === 0 ? host.env.clock.now() : host.env.clock.monotonic();
      return memory.writeU64(out, time) ? WasiErrno.Success : WasiErrno.Fault;
    },
    clock_res_get: (_id: number, out: number) => (memory.writeU64(out, 1n) ? WasiErrno.Success : WasiErrno.Fault),
    random_get: (pointer: number, length: number) => {
      if (length >>> 0 > 65536) return WasiErrno.Inval;
      const target = memory.read(pointer, length);
      if (target === null) return WasiErrno.Fault;
      randomFillSync(target);
      return WasiErrno.Success;
    },
    // Envoy's proc_exit only logs at trace level and returns; it neither exits nor traps.
    proc_exit: (code: number) => {
      host.env.logs.write(0, host.context()?.logPrefix ?? '', `wasi proc_exit(${code})`);
    },
    sched_yield: () => WasiErrno.Success,
    poll_oneoff: (_in: number, _out: number, _count: number, eventsOut: number) =>
      memory.writeU32(eventsOut, 0) ? WasiErrno.Success : WasiErrno.Fault,
  };
}
