// Every ElfError code has a test: a hand-made file (or option) with exactly that defect.
import { describe, expect, it } from 'vitest';
import { ElfError, loadElf, parseElf, type ElfErrorCode } from '../src/index.js';
import { baseOptions, freshMemory, makeElf, tinyExec, type PH } from './helpers.js';

const LOAD = (o: Partial<PH> = {}): PH => ({ type: 1, flags: 5, offset: 0, vaddr: 0x400000, filesz: 0x100, memsz: 0x100, ...o });

function code(f: () => unknown): ElfErrorCode | string {
  try { f(); } catch (e) {
    if (e instanceof ElfError) return e.code;
    return `not an ElfError: ${String(e)}`;
  }
  return 'no error';
}
const parseCode = (b: Uint8Array): string => code(() => parseElf(b));
const patch = (b: Uint8Array, f: (dv: DataView, b: Uint8Array) => void): Uint8Array => {
  const c = b.slice();
  f(new DataView(c.buffer), c);
  return c;
};

describe('parse errors', () => {
  const good = tinyExec();
  it('the tiny file is valid', () => { expect(parseElf(good).loads.length).toBe(1); });
  it('TRUNCATED', () => {
    expect(parseCode(good.subarray(0, 3))).toBe('TRUNCATED');
    expect(parseCode(good.subarray(0, 40))).toBe('TRUNCATED');
    expect(parseCode(new Uint8Array(0))).toBe('TRUNCATED');
  });
  it('BAD_MAGIC', () => { expect(parseCode(patch(good, (_, b) => { b[1] = 0x46; }))).toBe('BAD_MAGIC'); });
  it('BAD_CLASS (ELFCLASS32)', () => { expect(parseCode(patch(good, (_, b) => { b[4] = 1; }))).toBe('BAD_CLASS'); });
  it('BAD_ENDIAN (big-endian)', () => { expect(parseCode(patch(good, (_, b) => { b[5] = 2; }))).toBe('BAD_ENDIAN'); });
  it('BAD_VERSION (ident and e_version)', () => {
    expect(parseCode(patch(good, (_, b) => { b[6] = 0; }))).toBe('BAD_VERSION');
    expect(parseCode(patch(good, (dv) => dv.setUint32(20, 2, true)))).toBe('BAD_VERSION');
  });
  it('BAD_TYPE (ET_REL, ET_CORE)', () => {
    expect(parseCode(patch(good, (dv) => dv.setUint16(16, 1, true)))).toBe('BAD_TYPE');
    expect(parseCode(patch(good, (dv) => dv.setUint16(16, 4, true)))).toBe('BAD_TYPE');
  });
  it('BAD_MACHINE (i386, RISC-V)', () => {
    expect(parseCode(patch(good, (dv) => dv.setUint16(18, 3, true)))).toBe('BAD_MACHINE');
    expect(parseCode(patch(good, (dv) => dv.setUint16(18, 243, true)))).toBe('BAD_MACHINE');
  });
  it('BAD_EHSIZE', () => { expect(parseCode(patch(good, (dv) => dv.setUint16(52, 52, true)))).toBe('BAD_EHSIZE'); });
  it('BAD_PHENTSIZE', () => { expect(parseCode(patch(good, (dv) => dv.setUint16(54, 32, true)))).toBe('BAD_PHENTSIZE'); });
  it('BAD_PHNUM (zero, more than a page of headers)', () => {
    expect(parseCode(patch(good, (dv) => dv.setUint16(56, 0, true)))).toBe('BAD_PHNUM');
    expect(parseCode(patch(good, (dv) => dv.setUint16(56, 74, true)))).toBe('BAD_PHNUM');
    expect(parseCode(patch(good, (dv) => dv.setUint16(56, 0xffff, true)))).toBe('BAD_PHNUM');
  });
  it('PHDRS_OUT_OF_FILE', () => {
    expect(parseCode(patch(good, (dv) => dv.setUint16(56, 5, true)))).toBe('PHDRS_OUT_OF_FILE');
    expect(parseCode(patch(good, (dv) => dv.setBigUint64(32, 0xffffffffffffff00n, true)))).toBe('PHDRS_OUT_OF_FILE');
  });
  it('NO_LOAD', () => { expect(parseCode(makeElf({ phs: [{ type: 0x6474e551, flags: 6 }] }))).toBe('NO_LOAD'); });
  it('LOAD_ORDER (overlapping, unsorted)', () => {
    expect(parseCode(makeElf({ phs: [LOAD(), LOAD({ vaddr: 0x4000f0, offset: 0xf0, filesz: 0x10 })], size: 0x100 }))).toBe('LOAD_ORDER');
    expect(parseCode(makeElf({ phs: [LOAD({ vaddr: 0x500000 }), LOAD({ vaddr: 0x400000 })], size: 0x100 }))).toBe('LOAD_ORDER');
  });
  it('FILESZ_GT_MEMSZ', () => { expect(parseCode(makeElf({ phs: [LOAD({ memsz: 0x80 })], size: 0x100 }))).toBe('FILESZ_GT_MEMSZ'); });
  it('SEGMENT_PAST_EOF', () => {
    expect(parseCode(makeElf({ phs: [LOAD({ filesz: 0x200, memsz: 0x200 })], size: 0x100 }))).toBe('SEGMENT_PAST_EOF');
    expect(parseCode(makeElf({ phs: [LOAD({ offset: 2 ** 52, vaddr: 0x400000 + 0 })], size: 0x100 }))).toBe('SEGMENT_PAST_EOF');
  });
  it('MISALIGNED (p_vaddr vs p_offset modulo the page)', () => {
    expect(parseCode(makeElf({ phs: [LOAD({ vaddr: 0x400010 })], size: 0x100 }))).toBe('MISALIGNED');
  });
  it('ABSURD_SIZE (segment bigger than the address space, image span beyond the limit)', () => {
    expect(parseCode(makeElf({ phs: [LOAD({ memsz: 2 ** 50 })], size: 0x100 }))).toBe('ABSURD_SIZE');
    expect(parseCode(makeElf({ phs: [LOAD(), LOAD({ vaddr: 0x7000_0000_0000, offset: 0, filesz: 0 })], size: 0x100 }))).toBe('ABSURD_SIZE');
    expect(code(() => parseElf(makeElf({ phs: [LOAD({ memsz: 0x200000 })], size: 0x100 }), { maxImageSpan: 0x100000 }))).toBe('ABSURD_SIZE');
  });
  it('ADDRESS_OVERFLOW (past 2^47 on x86-64, 2^48 on aarch64, entry too)', () => {
    expect(parseCode(makeElf({ phs: [LOAD({ vaddr: 2 ** 47 - 0x1000, memsz: 0x2000 })], size: 0x100 }))).toBe('ADDRESS_OVERFLOW');
    expect(parseCode(makeElf({ phs: [LOAD({ vaddr: 2 ** 47 - 0x1000, memsz: 0x1000 })], size: 0x100 }))).toBe('ADDRESS_OVERFLOW');
    // the same segment fits under aarch64's 48-bit limit
    expect(parseCode(makeElf({ machine: 183, entry: 2 ** 47 - 0x1000, phs: [LOAD({ vaddr: 2 ** 47 - 0x1000, memsz: 0x1000 })], size: 0x100 }))).toBe('no error');
    expect(parseCode(makeElf({ machine: 183, phs: [LOAD({ vaddr: 2 ** 48 - 0x1000, memsz: 0x2000 })], size: 0x100 }))).toBe('ADDRESS_OVERFLOW');
    expect(parseCode(makeElf({ entry: 2 ** 60, phs: [LOAD()], size: 0x100 }))).toBe('ADDRESS_OVERFLOW');
    expect(parseCode(makeElf({ phs: [LOAD({ vaddr: 2 ** 63 })], size: 0x100 }))).toBe('ADDRESS_OVERFLOW');
  });
  const path = (s: string, nul = true): Uint8Array => new TextEncoder().encode(s + (nul ? '\0' : ''));
  const withInterp = (p: Uint8Array, filesz = p.length, offset = 0x200, size?: number): Uint8Array =>
    makeElf({ phs: [LOAD(), { type: 3, flags: 4, offset, filesz, align: 1 }], extra: [[0x200, p]], size });
  it('a good PT_INTERP parses', () => { expect(parseElf(withInterp(path('/lib/ld.so'))).interp).toBe('/lib/ld.so'); });
  it('BAD_INTERP (not NUL-terminated, empty, too long, outside the file)', () => {
    expect(parseCode(withInterp(path('/lib/ld.so', false)))).toBe('BAD_INTERP');
    expect(parseCode(withInterp(path('')))).toBe('BAD_INTERP');
    expect(parseCode(withInterp(path('\0\0')))).toBe('BAD_INTERP');
    expect(parseCode(withInterp(path('/' + 'x'.repeat(5000))))).toBe('BAD_INTERP');
    expect(parseCode(withInterp(path('/lib/ld.so'), 11, 0x200, 0x205))).toBe('BAD_INTERP');
  });
  it('MULTIPLE_INTERP', () => {
    const p = path('/lib/ld.so');
    const b = makeElf({ phs: [LOAD(), { type: 3, offset: 0x200, filesz: p.length }, { type: 3, offset: 0x200, filesz: p.length }], extra: [[0x200, p]] });
    expect(parseCode(b)).toBe('MULTIPLE_INTERP');
  });
  it('every error carries the errno execve would give', () => {
    try { parseElf(new Uint8Array(10)); } catch (e) { expect((e as ElfError).errno).toBe(8); expect((e as Error).message).toMatch(/BAD_MAGIC: not an ELF/); }
  });
});

describe('load errors', () => {
  const exe = parseElf(tinyExec());
  it('INTERP_MISSING', () => {
    const p = new TextEncoder().encode('/lib/ld.so\0');
    const f = parseElf(makeElf({ phs: [LOAD(), { type: 3, offset: 0x200, filesz: p.length }], extra: [[0x200, p]] }));
    expect(code(() => loadElf(freshMemory().lm, baseOptions(f)))).toBe('INTERP_MISSING');
  });
  it('INTERP_MISMATCH (aarch64 interpreter for an x86-64 program)', () => {
    const p = new TextEncoder().encode('/lib/ld.so\0');
    const f = parseElf(makeElf({ phs: [LOAD(), { type: 3, offset: 0x200, filesz: p.length }], extra: [[0x200, p]] }));
    const interp = parseElf(makeElf({ machine: 183, type: 3, entry: 0x10, phs: [LOAD({ vaddr: 0 })], size: 0x100 }));
    const e = (() => { try { loadElf(freshMemory().lm, baseOptions(f, { interp })); } catch (x) { return x as ElfError; } })();
    expect(e?.code).toBe('INTERP_MISMATCH');
    expect(e?.errno).toBe(80);
  });
  it('NO_SPACE (the image lands on an existing mapping, the stack does)', () => {
    const { mem, lm } = freshMemory();
    mem.map(0x400000, 0x1000, 3);
    expect(code(() => loadElf(lm, baseOptions(exe)))).toBe('NO_SPACE');
    const m2 = freshMemory();
    m2.mem.map(0xbfffe000, 0x1000, 3);
    expect(code(() => loadElf(m2.lm, baseOptions(exe)))).toBe('NO_SPACE');
  });
  it('ADDRESS_OVERFLOW when an ET_DYN base pushes the image past the address space', () => {
    const dyn = parseElf(makeElf({ type: 3, entry: 0x10, phs: [LOAD({ vaddr: 0, memsz: 0x3000 })], size: 0x100 }));
    expect(code(() => loadElf(freshMemory().lm, baseOptions(dyn, { exeBase: 2 ** 47 - 0x2000 })))).toBe('ADDRESS_OVERFLOW');
  });
  it('ARGS_TOO_BIG', () => {
    expect(code(() => loadElf(freshMemory().lm, baseOptions(exe, { envp: Array(2000).fill('A=' + 'b'.repeat(200)) })))).toBe('ARGS_TOO_BIG');
  });
  it('BAD_OPTIONS (random size, stack top, stack size, base, non-ElfFile)', () => {
    expect(code(() => loadElf(freshMemory().lm, baseOptions(exe, { random: new Uint8Array(8) })))).toBe('BAD_OPTIONS');
    expect(code(() => loadElf(freshMemory().lm, baseOptions(exe, { stackTop: 0x12345 })))).toBe('BAD_OPTIONS');
    expect(code(() => loadElf(freshMemory().lm, baseOptions(exe, { stackSize: 100 })))).toBe('BAD_OPTIONS');
    const dyn = parseElf(makeElf({ type: 3, entry: 0x10, phs: [LOAD({ vaddr: 0 })], size: 0x100 }));
    expect(code(() => loadElf(freshMemory().lm, baseOptions(dyn, { exeBase: 0x1234 })))).toBe('BAD_OPTIONS');
    expect(code(() => loadElf(freshMemory().lm, baseOptions({} as never)))).toBe('BAD_OPTIONS');
  });
});
