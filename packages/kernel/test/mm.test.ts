import { describe, expect, it } from 'vitest';
import { PERM_R, PERM_W, PERM_X } from '@elfbox/cpu';
import { Errno } from '@elfbox/abi';
import { MM, MMAP_TOP, PIE_BASE, STACK_SIZE, STACK_TOP } from '../src/mm.js';
import { SysError } from '../src/errors.js';

const errno = (f: () => unknown): number | undefined => {
  try { f(); } catch (e) { if (e instanceof SysError) return e.errno; throw e; }
  return undefined;
};
const RW = PERM_R | PERM_W;

describe('MM', () => {
  it('keeps the documented layout below 2 GiB', () => {
    expect(STACK_TOP).toBeLessThanOrEqual(0x8000_0000);
    expect(STACK_TOP - STACK_SIZE).toBeGreaterThan(MMAP_TOP);
    expect(PIE_BASE).toBeLessThan(MMAP_TOP);
  });

  it('mmap places anonymous memory top-down below MMAP_TOP, skipping used ranges', () => {
    const mm = new MM();
    const a = mm.mmap({ addr: 0, len: 0x3000, prot: RW, fixed: false });
    expect(a).toBe(MMAP_TOP - 0x3000);
    const b = mm.mmap({ addr: 0, len: 0x1000, prot: PERM_R, fixed: false });
    expect(b).toBe(a - 0x1000);
    mm.munmap(a + 0x2000, 0x1000);
    const c = mm.mmap({ addr: 0, len: 0x1000, prot: RW, fixed: false });
    expect(c).toBe(MMAP_TOP - 0x1000); // the gap at the top
    mm.munmap(a, 0x1000);
    expect(mm.mmap({ addr: 0, len: 0x2000, prot: RW, fixed: false })).toBe(b - 0x2000); // a 1-page gap is too small
    expect(mm.mem.pagePerm(b) & 7).toBe(PERM_R);
  });

  it('honours a free hint, replaces with MAP_FIXED, refuses with FIXED_NOREPLACE', () => {
    const mm = new MM();
    expect(mm.mmap({ addr: 0x1000_0000, len: 0x2000, prot: RW, fixed: false })).toBe(0x1000_0000);
    mm.mem.writeU32(0x1000_0000, 0xabcd);
    expect(mm.mmap({ addr: 0x1000_0000, len: 0x1000, prot: RW, fixed: false })).not.toBe(0x1000_0000);
    expect(mm.mmap({ addr: 0x1000_0000, len: 0x1000, prot: PERM_R, fixed: true })).toBe(0x1000_0000);
    expect(mm.mem.readU32(0x1000_0000)).toBe(0); // fresh zero page
    expect(errno(() => mm.mmap({ addr: 0x1000_0000, len: 0x1000, prot: RW, fixed: false, noReplace: true }))).toBe(Errno.EEXIST);
    expect(errno(() => mm.mmap({ addr: 0x1000_0001, len: 0x1000, prot: RW, fixed: true }))).toBe(Errno.EINVAL);
    // a MAP_FIXED mapping above 4 GiB lands in the slow-path page map
    expect(mm.mmap({ addr: 0x7f00_0000_0000, len: 0x1000, prot: RW, fixed: true })).toBe(0x7f00_0000_0000);
    mm.mem.writeU8(0x7f00_0000_0010, 9);
    expect(mm.mem.readU8(0x7f00_0000_0010)).toBe(9);
  });

  it('munmap and mprotect split VMAs on sub-ranges', () => {
    const mm = new MM();
    const a = mm.mmap({ addr: 0x2000_0000, len: 0x5000, prot: RW, fixed: true });
    mm.mprotect(a + 0x1000, 0x2000, PERM_R);
    expect(mm.vmas.map((v) => [v.start - a, v.end - a, v.prot])).toEqual([[0, 0x1000, RW], [0x1000, 0x3000, PERM_R], [0x3000, 0x5000, RW]]);
    mm.munmap(a + 0x2000, 0x2000);
    expect(mm.vmas.map((v) => [v.start - a, v.end - a, v.prot])).toEqual([[0, 0x1000, RW], [0x1000, 0x2000, PERM_R], [0x4000, 0x5000, RW]]);
    expect(mm.mem.isMapped(a + 0x2000)).toBe(false);
    expect(errno(() => mm.mprotect(a, 0x5000, PERM_R))).toBe(Errno.ENOMEM); // a hole
    mm.mprotect(a + 0x1000, 0x1000, RW);
    expect(mm.vmas.map((v) => [v.start - a, v.end - a])).toEqual([[0, 0x2000], [0x4000, 0x5000]]); // merged again
    expect(errno(() => mm.munmap(a + 1, 10))).toBe(Errno.EINVAL);
  });

  it('brk grows into a [heap] VMA, shrinks, and refuses to run into a mapping', () => {
    const mm = new MM();
    mm.setBrk(0x60_0000);
    expect(mm.brk(0)).toBe(0x60_0000);
    expect(mm.brk(0x60_1800)).toBe(0x60_1800);
    mm.mem.writeU8(0x60_17ff, 1);
    expect(mm.brk(0x60_9000)).toBe(0x60_9000);
    expect(mm.vmas.filter((v) => v.name === '[heap]').map((v) => [v.start, v.end])).toEqual([[0x60_0000, 0x60_9000]]);
    expect(mm.brk(0x60_1000)).toBe(0x60_1000);
    expect(mm.mem.isMapped(0x60_1000)).toBe(false);
    mm.mmap({ addr: 0x61_0000, len: 0x1000, prot: RW, fixed: true });
    expect(mm.brk(0x62_0000)).toBe(0x60_1000);
  });

  it('mremap grows in place when free and moves (copying) when not', () => {
    const mm = new MM();
    const a = mm.mmap({ addr: 0x3000_0000, len: 0x1000, prot: RW, fixed: true });
    mm.mem.writeU32(a, 0x1234);
    expect(mm.mremap(a, 0x1000, 0x3000, false)).toBe(a);
    mm.mmap({ addr: a + 0x3000, len: 0x1000, prot: RW, fixed: true });
    expect(errno(() => mm.mremap(a, 0x3000, 0x5000, false))).toBe(Errno.ENOMEM);
    const b = mm.mremap(a, 0x3000, 0x5000, true);
    expect(b).not.toBe(a);
    expect(mm.mem.readU32(b)).toBe(0x1234);
    expect(mm.mem.isMapped(a)).toBe(false);
    expect(mm.mremap(b, 0x5000, 0x1000, false)).toBe(b);
    expect(mm.mem.isMapped(b + 0x1000)).toBe(false);
  });

  it('file mappings copy bytes and show the name, offset and inode in /proc/self/maps', () => {
    const mm = new MM();
    const data = new Uint8Array(0x1800).map((_, i) => i & 0xff);
    const file = { name: '/lib/libx.so', dev: 0x801, ino: 4242, readAt: (off: number, len: number) => data.slice(off, off + len) };
    const a = mm.mmap({ addr: 0, len: 0x2000, prot: PERM_R | PERM_X, fixed: false, file, offset: 0x1000 });
    expect(mm.mem.readU8(a + 5)).toBe(5);
    expect(mm.mem.readU8(a + 0x800)).toBe(0); // past EOF
    mm.mapFixed(0x40_0000, 0x1000, PERM_R | PERM_X, '/usr/bin/prog');
    mm.mapFixed(STACK_TOP - STACK_SIZE, STACK_SIZE, RW, '[stack]');
    const maps = mm.formatMaps().split('\n');
    expect(maps[0]).toBe('00400000-00401000 r-xp 00000000 00:00 0                                  /usr/bin/prog');
    expect(maps[1]).toBe(`${a.toString(16).padStart(8, '0')}-${(a + 0x2000).toString(16)} r-xp 00001000 08:01 4242                               /lib/libx.so`);
    expect(maps[2]).toMatch(/^7f7f0000-7fff0000 rw-p 00000000 00:00 0 {34}\[stack\]$/);
  });

  it('findFree honours alignment and reports ENOMEM when nothing fits', () => {
    const mm = new MM();
    const a = mm.findFree(0x5000, 0x10_0000);
    expect(a % 0x10_0000).toBe(0);
    expect(a + 0x5000).toBeLessThanOrEqual(MMAP_TOP);
    expect(errno(() => mm.findFree(0x1_0000_0000))).toBe(Errno.ENOMEM);
  });
});
