import { describe, expect, it } from 'vitest';
import { AddressSpace, MemoryFault, PERM_R, PERM_W, PERM_X, PERM_CODE, PAGE_SIZE } from './memory.js';

describe('AddressSpace', () => {
  it('maps zero-filled pages and reads back writes, low and high', () => {
    const m = new AddressSpace();
    m.map(0x10000, 0x2000, PERM_R | PERM_W);
    m.writeU64(0x10ff8 + 4, 0x1122334455667788n); // crosses a page boundary
    expect(m.readU64(0x10ffc)).toBe(0x1122334455667788n);
    const hi = 0x7f0000000000;
    m.map(hi, 0x3000, PERM_R | PERM_W);
    m.write(hi + PAGE_SIZE - 3, Uint8Array.of(1, 2, 3, 4, 5, 6));
    expect([...m.read(hi + PAGE_SIZE - 3, 6)]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(m.readU8(hi + 0x2fff)).toBe(0);
  });

  it('reports unmapped and protection faults with the faulting address', () => {
    const m = new AddressSpace();
    m.map(0x20000, 0x1000, PERM_R);
    expect(() => m.writeU32(0x20010, 1)).toThrowError(MemoryFault);
    try { m.writeU32(0x20010, 1); } catch (e) { expect((e as MemoryFault).mapped).toBe(true); expect((e as MemoryFault).addr).toBe(0x20010); }
    try { m.read(0x20ff0, 0x20); } catch (e) { expect((e as MemoryFault).mapped).toBe(false); expect((e as MemoryFault).addr).toBe(0x21000); }
    m.protect(0x20000, 0x1000, PERM_R | PERM_W);
    m.writeU32(0x20010, 7);
    expect(m.readU32(0x20010)).toBe(7);
    m.unmap(0x20000, 0x1000);
    expect(m.isMapped(0x20000)).toBe(false);
    expect(() => m.readU8(0x20000)).toThrowError(/unmapped/);
  });

  it('calls code-write listeners once per marked page and clears the mark', () => {
    const m = new AddressSpace();
    m.map(0x30000, 0x2000, PERM_R | PERM_W | PERM_X);
    const seen: number[] = [];
    m.codeWriteListeners.push((p) => seen.push(p));
    m.markCode(0x31000);
    expect(m.pagePerm(0x31000) & PERM_CODE).toBeTruthy();
    m.writeU8(0x30000, 1);
    expect(seen).toEqual([]);
    m.writeU8(0x31005, 1);
    m.writeU8(0x31006, 1);
    expect(seen).toEqual([0x31]);
  });

  it('lists regions and clones contents for fork', () => {
    const m = new AddressSpace();
    m.map(0x40000, 0x3000, PERM_R | PERM_W);
    m.protect(0x41000, 0x1000, PERM_R);
    m.writeU32(0x40000, 0xdeadbeef);
    expect([...m.regions()]).toEqual([
      { start: 0x40000, end: 0x41000, perm: 3 },
      { start: 0x41000, end: 0x42000, perm: 1 },
      { start: 0x42000, end: 0x43000, perm: 3 },
    ]);
    const c = m.clone();
    c.writeU32(0x40000, 1);
    expect(m.readU32(0x40000)).toBe(0xdeadbeef);
    expect(c.readU32(0x40000)).toBe(1);
    expect(c.pagePerm(0x41000) & 7).toBe(PERM_R);
  });

  it('reads C strings and stops at unmapped memory', () => {
    const m = new AddressSpace();
    m.map(0x50000, 0x1000, PERM_R | PERM_W);
    m.write(0x50ffc, new TextEncoder().encode('abc\0'));
    expect(new TextDecoder().decode(m.readCString(0x50ffc)!)).toBe('abc');
    m.write(0x50ffc, new TextEncoder().encode('abcd'));
    expect(() => m.readCString(0x50ffc)).toThrowError(MemoryFault);
  });
});

describe('AddressSpace host memory', () => {
  it('re-mapping a used page zero-fills it; a large fresh mapping costs no resident memory', () => {
    const m = new AddressSpace();
    m.map(0x60000, 0x1000, PERM_R | PERM_W);
    m.writeU32(0x60010, 0xffffffff);
    m.unmap(0x60000, 0x1000);
    m.map(0x60000, 0x1000, PERM_R | PERM_W);
    expect(m.readU32(0x60010)).toBe(0);
    const before = process.memoryUsage().rss;
    m.map(0x10000000, 0x40000000, PERM_R | PERM_W); // 1 GiB
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(m.readU8(0x10000000 + 0x3fffffff)).toBe(0);
  });
});

describe('AddressSpace.release', () => {
  it('recycles the host buffer: the next space gets it zeroed, the released one faults', () => {
    const a = new AddressSpace();
    a.map(0x70000, 0x2000, PERM_R | PERM_W);
    a.writeU32(0x70004, 0xabcdef01);
    a.writeU32(0x71ff0, 0x12345678);
    const buf = a.buffer;
    a.release();
    expect(() => a.readU32(0x70004)).toThrowError(MemoryFault);
    const b = new AddressSpace();
    expect(b.buffer).toBe(buf); // the same host memory, reused
    b.map(0x70000, 0x2000, PERM_R | PERM_W);
    expect(b.readU32(0x70004)).toBe(0);
    expect(b.readU32(0x71ff0)).toBe(0);
    expect(b.u8.subarray(0x70000, 0x72000).every((x) => x === 0)).toBe(true);
    b.release();
  });
});
