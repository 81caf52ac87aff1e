import { randomFillSync } from 'node:crypto';
import { WasiErrno } from '../abi.ts';
import { hostFunction, type HostFunctionTable } from './define.ts';
import type { WasmVm } from '../vm.ts';

// The WASI surface cpp-host registers under both wasi_snapshot_preview1 and wasi_unstable
// (exports.h FOR_ALL_WASI_FUNCTIONS; details sheet §5.1).
export function wasiCalls(vm: WasmVm): HostFunctionTable {
  const environ = () => Object.entries(vm?.env.environment ?? {}).map(([k, v]) => Buffer.from(`${k}=${v}\0`));
  return {
    fd_write: hostFunction('iiii', 'i', (fd: number, iovs: number, iovsLength: number, writtenOut: number) => {
      if (fd !== 1 && fd !== 2) return WasiErrno.Badf;
      const parts: Uint8Array[] = [];
      for (let i = 0; i < iovsLength >>> 0; i++) {
        const entry = vm.read(iovs + i * 8, 8);
        if (entry === null) return WasiErrno.Fault;
        const view = new DataView(entry.buffer, entry.byteOffset, 8);
        const data = vm.read(view.getUint32(0, true), view.getUint32(4, true));
        if (data === null) return WasiErrno.Fault;
        parts.push(data.slice());
      }
      const text = Buffer.concat(parts).toString('utf8');
      // fd 1 is logged at info, fd 2 at error, one trailing newline removed.
      vm.env.logs.write(fd === 1 ? 2 : 4, vm.context()?.logPrefix ?? '', text.endsWith('\n') ? text.slice(0, -1) : text);
      return vm.writeU32(writtenOut, Buffer.concat(parts).length) ? WasiErrno.Success : WasiErrno.Fault;
    }),
    fd_read: hostFunction('iiii', 'i', () => WasiErrno.Nosys),
    fd_seek: hostFunction('iIii', 'i', () => WasiErrno.Success),
    fd_close: hostFunction('i', 'i', () => WasiErrno.Success),
    fd_fdstat_get: hostFunction('ii', 'i', (fd: number, out: number) => {
      if (fd !== 1 && fd !== 2) return WasiErrno.Badf;
      const stat = new Uint8Array(24);
      stat[0] = 2; // character device
      new DataView(stat.buffer).setBigUint64(8, 64n, true); // rights: FD_WRITE
      return vm.writeBytes(out, stat) ? WasiErrno.Success : WasiErrno.Fault;
    }),
    fd_fdstat_set_flags: hostFunction('ii', 'i', () => WasiErrno.Notsup),
    fd_prestat_get: hostFunction('ii', 'i', () => WasiErrno.Badf),
    fd_prestat_dir_name: hostFunction('iii', 'i', () => WasiErrno.Nosys),
    path_open: hostFunction('iiiiiIIii', 'i', () => WasiErrno.Noent),
    environ_sizes_get: hostFunction('ii', 'i', (countOut: number, sizeOut: number) => {
      const entries = environ();
      return vm.writeU32(countOut, entries.length) && vm.writeU32(sizeOut, entries.reduce((n, e) => n + e.length, 0)) ? WasiErrno.Success : WasiErrno.Fault;
    }),
    environ_get: hostFunction('ii', 'i', (pointers: number, buffer: number) => {
      let offset = buffer >>> 0;
      for (const [i, entry] of environ().entries()) {
        if (!vm.writeU32(pointers + i * 4, offset) || !vm.writeBytes(offset, entry)) return WasiErrno.Fault;
        offset += entry.length;
      }
      return WasiErrno.Success;
    }),
    args_sizes_get: hostFunction('ii', 'i', (countOut: number, sizeOut: number) =>
      vm.writeU32(countOut, 0) && vm.writeU32(sizeOut, 0) ? WasiErrno.Success : WasiErrno.Fault,
    ),
    args_get: hostFunction('ii', 'i', () => WasiErrno.Success),
    clock_time_get: hostFunction('iIi', 'i', (id: number, _precision: bigint, out: number) => {
      if (id !== 0 && id !== 1) return WasiErrno.Notsup;
      const time = id === 0 ? vm.env.clock.now() : vm.env.clock.monotonic();
      return vm.writeU64(out, time) ? WasiErrno.Success : WasiErrno.Fault;
    }),
    clock_res_get: hostFunction('ii', 'i', (_id: number, out: number) => (vm.writeU64(out, 1n) ? WasiErrno.Success : WasiErrno.Fault)),
    random_get: hostFunction('ii', 'i', (pointer: number, length: number) => {
      if (length >>> 0 > 65536) return WasiErrno.Inval;
      const target = vm.read(pointer, length);
      if (target === null) return WasiErrno.Fault;
      randomFillSync(target);
      return WasiErrno.Success;
    }),
    // Envoy's proc_exit only logs at trace level and returns; it neither exits nor traps.
    proc_exit: hostFunction('i', '', (code: number) => {
      vm.env.logs.write(0, vm.context()?.logPrefix ?? '', `wasi proc_exit(${code})`);
    }),
    sched_yield: hostFunction('', 'i', () => WasiErrno.Success),
    poll_oneoff: hostFunction('iiii', 'i', (_in: number, _out: number, _count: number, eventsOut: number) =>
      vm.writeU32(eventsOut, 0) ? WasiErrno.Success : WasiErrno.Fault,
    ),
  };
}
