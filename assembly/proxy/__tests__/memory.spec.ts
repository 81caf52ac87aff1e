import { allocateForHost, releaseHostBlock } from "../memory";

// Blocks handed back are reused for allocations they can hold, and a kept block is never handed
// out twice.
describe("blocks for the host", () => {
  it("reuses a released block for a value that fits, and not one that does not", () => {
    const first = allocateForHost(1000);
    releaseHostBlock(first);
    expect(allocateForHost(1020)).toBe(first);
    releaseHostBlock(first);
    const larger = allocateForHost(5000);
    expect(larger).not.toBe(first);
    expect(allocateForHost(10)).toBe(first);
    releaseHostBlock(first);
    releaseHostBlock(larger);
  });

  it("hands each kept block out once until it comes back", () => {
    const blocks = new Array<usize>();
    for (let i = 0; i < 6; i++) blocks.push(allocateForHost(100));
    for (let i = 0; i < 6; i++) releaseHostBlock(blocks[i]);
    const again = new Array<usize>();
    for (let i = 0; i < 6; i++) {
      const block = allocateForHost(100);
      expect(again.includes(block)).toBe(false);
      again.push(block);
      // Each block is writable over its whole size without touching another.
      memory.fill(block, <u8>i, 100);
    }
    for (let i = 0; i < 6; i++) expect(load<u8>(again[i] + 99)).toBe(<u8>i);
    for (let i = 0; i < 6; i++) releaseHostBlock(again[i]);
  });
});
