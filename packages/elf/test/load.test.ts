// Loader behaviour on hand-made files: what lands where, with which permissions and names.
import { describe, expect, it } from 'vitest';
import { AddressSpace, PERM_R, PERM_W, PERM_X } from '@elfbox/cpu';
import { AUX, LoaderMemoryError, loadElf, parseElf, simpleLoaderMemory } from '../src/index.js';
import { baseOptions, freshMemory, makeElf, type PH } from './helpers.js';

/** A file whose every byte is distinct-ish (i * 7 + 3) after the headers, so copies are checkable. */
function patterned(phs: PH[], size: number, o: { type?: number; entry?: number; machine?: number } = {}): Uint8Array {
  const b = makeElf({ phs, size, ...o });
  for (let i = 0x200; i < size; i++) b[i] = (i * 7 + 3) & 0xff;
  return b;
}
const perm = (mem: AddressSpace, a: number): number => mem.pagePerm(a) & (PERM_R | PERM_W | PERM_X);

describe('loadElf segments', () => {
  const bytes = patterned([
    { type: 1, flags: 5, offset: 0, vaddr: 0x400000, filesz: 0x1234 },
    { type: 1, flags: 6, offset: 0x1e10, vaddr: 0x402e10, filesz: 0x100, memsz: 0x3000 },
    { type: 0x6474e551, flags: 6 },
  ], 0x2000);
  const f = parseElf(bytes);
  const { mem, lm } = freshMemory();
  const r = loadElf(lm, baseOptions(f, { exePath: '/bin/t' }));

  it('maps each PT_LOAD page range with its permissions', () => {
    expect(perm(mem, 0x400000)).toBe(PERM_R | PERM_X);
    expect(perm(mem, 0x401000)).toBe(PERM_R | PERM_X);
    expect(mem.isMapped(0x3ff000)).toBe(false);
    for (let a = 0x402000; a < 0x406000; a += 0x1000) expect(perm(mem, a)).toBe(PERM_R | PERM_W);
    expect(mem.isMapped(0x406000)).toBe(false);
  });
  it('copies whole file pages, as mmap does (bytes before p_vaddr and after p_filesz in the same page)', () => {
    expect(Array.from(mem.u8.subarray(0x400000, 0x402000))).toEqual(Array.from(bytes.subarray(0, 0x2000)));
    // data page: file bytes 0x1000..0x1f10 appear at 0x402000..0x402f10
    expect(Array.from(mem.u8.subarray(0x402000, 0x402f10))).toEqual(Array.from(bytes.subarray(0x1000, 0x1f10)));
  });
  it('zeroes the bss: the rest of the partial page and the extra pages', () => {
    expect(bytes[0x1f10]).not.toBe(0);
    expect(mem.u8.subarray(0x402f10, 0x406000).every((x) => x === 0)).toBe(true);
  });
  it('zeroes to the end of the page even when p_memsz ends inside it (padzero)', () => {
    const b = patterned([
      { type: 1, flags: 5, offset: 0, vaddr: 0x400000, filesz: 0x1234 },
      { type: 1, flags: 6, offset: 0x1e10, vaddr: 0x402e10, filesz: 0x100, memsz: 0x180 },
    ], 0x2000);
    const m = freshMemory();
    loadElf(m.lm, baseOptions(parseElf(b), { exePath: '/bin/t' }));
    expect(b[0x1f10 + 0x100]).not.toBe(0); // file bytes follow p_memsz in the same page
    expect(m.mem.u8.subarray(0x402f10, 0x403000).every((x) => x === 0)).toBe(true);
    expect(Array.from(m.mem.u8.subarray(0x402e10, 0x402f10))).toEqual(Array.from(b.subarray(0x1e10, 0x1f10)));
  });
  it('names file-backed pages by path and bss pages anonymous', () => {
    expect(lm.maps.filter((m) => m.name !== '[stack]').map((m) => [m.start, m.end, m.perm, m.name])).toEqual([
      [0x400000, 0x402000, PERM_R | PERM_X, '/bin/t'],
      [0x402000, 0x403000, PERM_R | PERM_W, '/bin/t'],
      [0x403000, 0x406000, PERM_R | PERM_W, ''],
    ]);
  });
  it('brk, phdr (from the PT_LOAD holding e_phoff), entry, steps', () => {
    expect(r.brk).toBe(0x406000);
    expect(r.phdr).toBe(0x400040);
    expect(r.entry).toBe(0x400078);
    expect(r.exeBase).toBe(0);
    expect(r.interpBase).toBe(0);
    expect(r.steps.map((s) => s.name)).toEqual([
      'parse', 'stack-exec', 'map-stack', 'load-base', 'map-segment', 'copy', 'map-segment', 'map-segment', 'copy', 'bss',
      'phdr', 'brk', 'push-strings', 'push-platform', 'push-random', 'auxv', 'push-tables', 'start',
    ]);
  });
  it('the stack is RW, not executable, named [stack]', () => {
    expect(perm(mem, r.sp)).toBe(PERM_R | PERM_W);
    expect(lm.maps.find((m) => m.name === '[stack]')).toEqual({ start: 0xbffff000 - 0x100000, end: 0xbffff000, perm: PERM_R | PERM_W, name: '[stack]' });
  });
});

describe('loadElf details', () => {
  it('a page shared by two segments gets both permissions and keeps the first one\'s bytes', () => {
    const bytes = patterned([
      { type: 1, flags: 5, offset: 0, vaddr: 0x400000, filesz: 0x1800 },
      { type: 1, flags: 6, offset: 0x1800, vaddr: 0x401800, filesz: 0x100, memsz: 0x200 },
    ], 0x2000);
    const { mem, lm } = freshMemory();
    loadElf(lm, baseOptions(parseElf(bytes)));
    expect(perm(mem, 0x401000)).toBe(PERM_R | PERM_W | PERM_X);
    expect(Array.from(mem.u8.subarray(0x400000, 0x401900))).toEqual(Array.from(bytes.subarray(0, 0x1900)));
    expect(mem.u8.subarray(0x401900, 0x401a00).every((x) => x === 0)).toBe(true);
  });

  it('ET_DYN: the given base is the load bias; without one, findFree with the largest p_align', () => {
    const bytes = patterned([
      { type: 6, flags: 4, offset: 64, vaddr: 64, filesz: 112 },
      { type: 1, flags: 5, offset: 0, vaddr: 0, filesz: 0x1000, align: 0x200000 },
      { type: 1, flags: 6, offset: 0x1000, vaddr: 0x201000, filesz: 0x10, memsz: 0x10, align: 0x200000 },
    ], 0x1010, { type: 3, entry: 0x123 });
    const f = parseElf(bytes);
    expect(f.maxAlign).toBe(0x200000);
    const a = freshMemory();
    const r1 = loadElf(a.lm, baseOptions(f, { exeBase: 0x10000000 }));
    expect(r1.exeBase).toBe(0x10000000);
    expect(r1.entry).toBe(0x10000123);
    expect(r1.phdr).toBe(0x10000040);
    expect(new Map(r1.auxv).get(AUX.AT_PHDR)).toBe(0x10000040n);
    expect(a.mem.readU32(0x10201000)).toBe(new DataView(bytes.buffer).getUint32(0x1000, true));
    const b = freshMemory();
    const r2 = loadElf(b.lm, baseOptions(f));
    expect(r2.exeBase % 0x200000).toBe(0);
    expect(r2.exeBase).toBeGreaterThan(0);
    expect(r2.brk).toBe(r2.exeBase + 0x202000);
  });

  it('AT_PHDR falls back to PT_PHDR when no PT_LOAD holds e_phoff, and is the bias alone when neither exists', () => {
    // the PT_LOAD starts at file offset 0x1000, past the program headers at 64
    const withPhdr = makeElf({ phs: [{ type: 6, flags: 4, offset: 64, vaddr: 0x500040, filesz: 112 }, { type: 1, flags: 5, offset: 0x1000, vaddr: 0x401000, filesz: 0x100 }], size: 0x1100 });
    const r1 = loadElf(freshMemory().lm, baseOptions(parseElf(withPhdr)));
    expect(r1.phdr).toBe(0x500040);
    expect(r1.steps.find((s) => s.name === 'phdr')!.detail).toContain('PT_PHDR');
    const without = makeElf({ phs: [{ type: 1, flags: 5, offset: 0x1000, vaddr: 0x401000, filesz: 0x100 }], size: 0x1100 });
    expect(loadElf(freshMemory().lm, baseOptions(parseElf(without))).phdr).toBe(0);
  });

  it('PT_GNU_STACK with PF_X makes the stack executable', () => {
    const f = parseElf(makeElf({ phs: [{ type: 1, flags: 5, vaddr: 0x400000, filesz: 0x100 }, { type: 0x6474e551, flags: 7 }], size: 0x100 }));
    expect(f.stackExec).toBe(true);
    const { mem, lm } = freshMemory();
    const r = loadElf(lm, baseOptions(f));
    expect(perm(mem, r.sp)).toBe(PERM_R | PERM_W | PERM_X);
    expect(r.stackExec).toBe(true);
  });

  it('without PT_GNU_STACK the stack is not executable (64-bit Linux default)', () => {
    const f = parseElf(makeElf({ phs: [{ type: 1, flags: 5, vaddr: 0x400000, filesz: 0x100 }], size: 0x100 }));
    expect(f.hasGnuStack).toBe(false);
    const { mem, lm } = freshMemory();
    const r = loadElf(lm, baseOptions(f));
    expect(perm(mem, r.sp)).toBe(PERM_R | PERM_W);
  });

  it('interpreter: mapped at its own base, pc is its entry, AT_BASE and AT_ENTRY set', () => {
    const p = new TextEncoder().encode('/lib/ld.so\0');
    const exe = parseElf(makeElf({ type: 3, entry: 0x50, phs: [{ type: 1, flags: 5, vaddr: 0, filesz: 0x300 }, { type: 3, flags: 4, offset: 0x200, vaddr: 0x200, filesz: p.length }], extra: [[0x200, p]], size: 0x300 }));
    const ld = parseElf(makeElf({ type: 3, entry: 0x90, phs: [{ type: 1, flags: 5, vaddr: 0, filesz: 0x100 }], size: 0x100 }));
    const { lm } = freshMemory();
    const r = loadElf(lm, baseOptions(exe, { interp: ld, exeBase: 0x555555554000, interpBase: 0x7ffff7fc3000, stackTop: 0x7ffffffff000 }));
    expect(r.entry).toBe(0x7ffff7fc3090);
    const aux = new Map(r.auxv);
    expect(aux.get(AUX.AT_BASE)).toBe(0x7ffff7fc3000n);
    expect(aux.get(AUX.AT_ENTRY)).toBe(0x555555554050n);
    expect(lm.maps.some((m) => m.start === 0x7ffff7fc3000 && m.name === '/lib/ld.so')).toBe(true);
    expect(r.sp).toBeLessThan(0x7ffffffff000);
    expect(r.sp % 16).toBe(0);
  });
});

describe('simpleLoaderMemory', () => {
  it('findFree goes top-down around existing mappings and honours alignment', () => {
    const mem = new AddressSpace();
    const lm = simpleLoaderMemory(mem, { mmapTop: 0x40000000 });
    expect(lm.findFree(0x3000, 0x1000)).toBe(0x3fffd000);
    mem.map(0x3ff00000, 0x100000, 3);
    expect(lm.findFree(0x3000, 0x1000)).toBe(0x3fefd000);
    expect(lm.findFree(0x3000, 0x200000)).toBe(0x3fe00000);
    expect(lm.findFree(0x200000, 0x200000)).toBe(0x3fc00000);
  });
  it('refuses with a LoaderMemoryError (ENOMEM / EINVAL)', () => {
    const lm = simpleLoaderMemory(new AddressSpace(), { maxMappedBytes: 0x10000 });
    expect(() => lm.mapFixed(0x10000, 0x20000, 3, 'x')).toThrow(LoaderMemoryError);
    try { lm.mapFixed(0x10001, 0x1000, 3, 'x'); } catch (e) { expect((e as LoaderMemoryError).errno).toBe(22); }
    expect(() => simpleLoaderMemory(new AddressSpace(), { mmapTop: 0x20000, mmapBottom: 0x10000 }).findFree(0x20000, 0x1000)).toThrow(LoaderMemoryError);
  });
});
