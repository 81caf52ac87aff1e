// A POSIX ustar archive holding one regular file, byte-for-byte reproducible: fixed mode, owner
// and mtime, so that the same module always gives the same layer digest.
const BLOCK = 512;

export function singleFileTar(name: string, content: Uint8Array, mtimeSeconds = 0): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name longer than 100 bytes: ${name}`);
  const header = Buffer.alloc(BLOCK, 0);
  header.write(name, 0, 'utf8');
  writeOctal(header, 100, 8, 0o644); // mode
  writeOctal(header, 108, 8, 0); // uid
  writeOctal(header, 116, 8, 0); // gid
  writeOctal(header, 124, 12, content.length);
  writeOctal(header, 136, 12, mtimeSeconds);
  header.fill(0x20, 148, 156); // checksum field counts as spaces while summing
  header.write('0', 156, 'ascii'); // typeflag: regular file
  header.write('ustar\u0000', 257, 'ascii');
  header.write('00', 263, 'ascii');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  header.write(`${checksum.toString(8).padStart(6, '0')}\u0000 `, 148, 'ascii');
  const padding = (BLOCK - (content.length % BLOCK)) % BLOCK;
  // Two zero blocks end the archive.
  return Buffer.concat([header, content, Buffer.alloc(padding + 2 * BLOCK, 0)]);
}

function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(`${value.toString(8).padStart(width - 1, '0')}\u0000`, offset, 'ascii');
}
