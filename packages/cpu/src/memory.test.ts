import { describe, expect, it } from 'vitest';
import { AddressSpace, MemoryFault, PERM_R, PERM_W, PERM_X, PERM_CODE, PERM_COW, PERM_MAPPED, PAGE_SIZE } from './memory.js';

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

describe('AddressSpace.execView', () => {
  it('is a view of executable pages below 4 GiB only', () => {
    const m = new AddressSpace();
    m.map(0x10000, 2 * PAGE_SIZE, PERM_R | PERM_X);
    m.map(0x12000, PAGE_SIZE, PERM_R);
    m.poke(0x10ffe, Uint8Array.of(1, 2, 3, 4));
    expect(Array.from(m.execView(0x10ffe, 4)!)).toEqual([1, 2, 3, 4]); // across two X pages
    expect(m.execView(0x11ffe, 4)).toBeNull(); // into a page without X
    expect(m.execView(0x20000, 4)).toBeNull(); // unmapped
    m.map(0x7f0000000000, PAGE_SIZE, PERM_R | PERM_X);
    expect(m.execView(0x7f0000000000, 4)).toBeNull(); // above 4 GiB: read through the CPU's fetch
    expect(m.execView(0x10000, 0)).toBeNull();
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

describe('AddressSpace.fork (copy-on-write)', () => {
  const RW = PERM_R | PERM_W;
  /** A space with n pages at 0x100000 holding page i's bytes = i + 1 (and a marker word). */
  function parentWith(n: number): AddressSpace {
    const m = new AddressSpace();
    m.map(0x100000, n * PAGE_SIZE, RW);
    for (let i = 0; i < n; i++) { m.u8.fill(i + 1, 0x100000 + i * PAGE_SIZE, 0x100000 + (i + 1) * PAGE_SIZE); }
    return m;
  }
  const at = (i: number) => 0x100000 + i * PAGE_SIZE;

  it('copies no page at fork; each side sees only its own writes afterwards', () => {
    const p = parentWith(8);
    const c = p.fork();
    expect(c.pendingPages).toBe(8);
    expect(c.u8[at(3)]).toBe(0); // nothing copied into the child's buffer yet
    expect(c.pagePerm(at(3))).toBe(PERM_MAPPED); // every CPU fast path refuses it
    expect(c.protection(at(3))).toBe(RW | PERM_MAPPED);
    expect([...c.regions()]).toEqual([{ start: at(0), end: at(8), perm: RW }]);
    expect(p.pagePerm(at(3)) & PERM_COW).toBe(PERM_COW);
    expect(p.enginePerm(at(3))).toBe(PERM_R); // an engine mapping the buffer must not write it
    p.writeU8(at(3) + 5, 0xaa); // parent first: the child gets the old page
    expect(p.pagePerm(at(3)) & PERM_COW).toBe(0);
    expect(c.pendingPages).toBe(7);
    expect(c.readU8(at(3) + 5)).toBe(4);
    c.writeU8(at(4), 0xbb); // child first: copied in, then written
    expect(p.readU8(at(4))).toBe(5);
    expect(c.readU8(at(4))).toBe(0xbb);
    expect(c.readU8(at(4) + 1)).toBe(5);
    expect(p.readU8(at(3) + 5)).toBe(0xaa);
    for (let i = 0; i < 8; i++) if (i !== 4) expect(c.readU8(at(i) + 5)).toBe(i + 1);
    expect(c.pendingPages).toBe(0);
  });

  it('nested forks: a grandchild copies through a child that has not copied the page either', () => {
    const a = parentWith(4);
    const b = a.fork();
    const c = b.fork();
    a.writeU8(at(0), 0x11); // b and then c see the old page
    b.writeU8(at(1), 0x22);
    c.writeU8(at(2), 0x33);
    expect([a.readU8(at(0)), a.readU8(at(1)), a.readU8(at(2)), a.readU8(at(3))]).toEqual([0x11, 2, 3, 4]);
    expect([b.readU8(at(0)), b.readU8(at(1)), b.readU8(at(2)), b.readU8(at(3))]).toEqual([1, 0x22, 3, 4]);
    expect([c.readU8(at(0)), c.readU8(at(1)), c.readU8(at(2)), c.readU8(at(3))]).toEqual([1, 2, 0x33, 4]);
    // page 3 never written: c read it through b (which copied it from a) and b keeps it shared with c
    a.writeU8(at(3), 0x44);
    b.writeU8(at(3), 0x45);
    expect([a.readU8(at(3)), b.readU8(at(3)), c.readU8(at(3))]).toEqual([0x44, 0x45, 4]);
  });

  it('a middle fork replacing or overwriting a page it never copied still leaves its own fork the old bytes', () => {
    const a = parentWith(3);
    const b = a.fork();
    const c = b.fork();
    b.zero(at(0), PAGE_SIZE); // a whole-page kernel write in b
    b.unmap(at(1), PAGE_SIZE);
    b.map(at(2), PAGE_SIZE, RW);
    expect([b.readU8(at(0)), b.readU8(at(2))]).toEqual([0, 0]);
    expect([c.readU8(at(0)), c.readU8(at(1)), c.readU8(at(2))]).toEqual([1, 2, 3]);
  });

  it('a child that exits stops receiving copies; the parent writes freely', () => {
    const p = parentWith(4);
    const c = p.fork();
    expect(c.readU8(at(0))).toBe(1);
    c.retire();
    expect(c.pendingPages).toBe(0);
    p.writeU8(at(1), 9);
    expect(p.pagePerm(at(1)) & PERM_COW).toBe(0);
    expect(p.readU8(at(1))).toBe(9);
  });

  it('a parent that exits or is released leaves the child its pages', () => {
    const p = parentWith(4);
    const c = p.fork();
    p.retire(); // exit or exec: still the source of c's pages
    expect(c.readU8(at(2))).toBe(3);
    const p2 = parentWith(3);
    const c2 = p2.fork();
    p2.release(); // the buffer goes back to the pool: c2 copies everything first
    expect(c2.pendingPages).toBe(0);
    const reuse = new AddressSpace(); // probably p2's buffer, zeroed
    reuse.map(0x100000, 3 * PAGE_SIZE, RW);
    reuse.u8.fill(0xee, at(0), at(3));
    expect([c2.readU8(at(0)), c2.readU8(at(1)), c2.readU8(at(2))]).toEqual([1, 2, 3]);
    reuse.release();
    c2.release();
  });

  it('munmap, mprotect and map over shared pages keep the old bytes for the child; mprotect of a pending page keeps its bytes', () => {
    const p = parentWith(4);
    const c = p.fork();
    p.unmap(at(0), PAGE_SIZE);
    p.protect(at(1), PAGE_SIZE, PERM_R);
    expect(p.pagePerm(at(1)) & PERM_COW).toBe(PERM_COW); // still shared: protection is not contents
    p.map(at(2), PAGE_SIZE, RW);
    expect(p.readU8(at(2))).toBe(0);
    c.protect(at(3), PAGE_SIZE, PERM_R);
    expect(c.protection(at(3))).toBe(PERM_R | PERM_MAPPED);
    expect(() => c.writeU8(at(3), 1)).toThrowError(MemoryFault);
    expect([c.readU8(at(0)), c.readU8(at(1)), c.readU8(at(2)), c.readU8(at(3))]).toEqual([1, 2, 3, 4]);
    expect(c.pagePerm(at(1)) & 7).toBe(RW);
    c.unmap(at(1), PAGE_SIZE); // and the child unmapping: the parent's page is no longer shared with it
    p.protect(at(1), PAGE_SIZE, RW);
    p.writeU8(at(1), 7);
    expect(p.readU8(at(1))).toBe(7);
  });

  it('kernel writes: a partial poke copies the page in first, a whole-page one does not need to', () => {
    const p = parentWith(2);
    const c = p.fork();
    c.poke(at(0) + 10, Uint8Array.of(0xcc));
    expect([c.readU8(at(0) + 9), c.readU8(at(0) + 10), c.readU8(at(0) + 11)]).toEqual([1, 0xcc, 1]);
    c.zero(at(1), PAGE_SIZE);
    expect(c.readU8(at(1) + 100)).toBe(0);
    expect(p.readU8(at(0) + 10)).toBe(1);
    expect(p.readU8(at(1) + 100)).toBe(2);
  });

  it('code pages: the parent rewriting code after fork invalidates its translations; the child keeps the old code', () => {
    const p = new AddressSpace();
    p.map(0x200000, PAGE_SIZE, PERM_R | PERM_W | PERM_X);
    p.write(0x200000, Uint8Array.of(0x90, 0xc3));
    p.markCode(0x200000);
    const seen: number[] = [];
    p.codeWriteListeners.push((pg) => seen.push(pg));
    const c = p.fork();
    expect(c.pagePerm(0x200000) & PERM_X).toBe(0); // a fetch faults; the kernel resolves it (resolveLazy)
    expect(c.resolveLazy(0x200000, 'x')).toBe(true);
    expect(c.pagePerm(0x200000) & (PERM_X | PERM_CODE)).toBe(PERM_X);
    expect(c.resolveLazy(0x200000, 'x')).toBe(false); // nothing left to resolve: a real fault
    p.writeU8(0x200000, 0xcc);
    expect(seen).toEqual([0x200]);
    expect(c.u8[0x200000]).toBe(0x90);
    expect(p.u8[0x200000]).toBe(0xcc);
  });

  it('pages above 4 GiB are copied at fork and stay independent', () => {
    const p = new AddressSpace();
    const hi = 0x7f0000000000;
    p.map(hi, PAGE_SIZE, RW);
    p.writeU32(hi + 8, 0x1234);
    const c = p.fork();
    p.writeU32(hi + 8, 0x5678);
    c.writeU32(hi + 12, 1);
    expect(c.readU32(hi + 8)).toBe(0x1234);
    expect(p.readU32(hi + 12)).toBe(0);
  });

  it('with a granule, a fault resolves the aligned granule and the listeners hear one range per space', () => {
    const p = parentWith(8);
    p.lazyGranule = 4;
    const c = p.fork();
    c.lazyGranule = 4;
    const heard: Array<[string, number, number]> = [];
    p.sharingListeners.push((a, l) => heard.push(['p', a, l]));
    c.sharingListeners.push((a, l) => heard.push(['c', a, l]));
    expect(c.readU8(at(5))).toBe(6);
    expect(c.pendingPages).toBe(4); // pages 4-7 came in together
    expect(heard).toEqual([['c', at(4), 4 * PAGE_SIZE]]);
    heard.length = 0;
    p.writeU8(at(1), 0); // pages 0-3 go to the child, then the parent's lose PERM_COW
    expect(c.pendingPages).toBe(0);
    expect(heard).toEqual([['c', at(0), 4 * PAGE_SIZE], ['p', at(0), 4 * PAGE_SIZE]]);
    expect(p.enginePerm(at(2))).toBe(RW);
    expect(c.readU8(at(1))).toBe(2);
  });
});
