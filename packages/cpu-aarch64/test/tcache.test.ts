// The translation cache (packages/cpu tcache.ts) on aarch64: a program's blocks come from the file
// of an earlier run (source, then V8's code cache) with the same output and instruction count; an
// entry is reused only while every guest word it was made from is unchanged (superblocks follow
// jumps, so a block's words are several spans) and under the same FPCR rounding mode.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressSpace, PERM_R, PERM_W, PERM_X, TranslationCache, setSharedCache } from '@elfbox/cpu';
import { A64Cpu } from '../src/index.js';
import { asmBytes as asm, HAVE_CROSS, buildC, runElf, runQemu } from './harness.js';

const dirs: string[] = [];
const old = setSharedCache(undefined, 'a64');
afterAll(() => { setSharedCache(old, 'a64'); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/** A fresh cache over dir (as a new process would see it), made the shared one; runs the program. */
function runWith(dir: string | null, exe: string, args: string[], bundles = false) {
  const c = new TranslationCache(dir, 'test', 'a64', { bundles });
  setSharedCache(c, 'a64');
  const r = runElf(exe, args);
  c.flush(true); // as at process exit (bundles are written then)
  return { c, r, n: (r.cpu as A64Cpu).translations };
}

const CODE = 0x10000;
/** Runs code at CODE on a new Cpu (to its brk); fpcr: the FPCR to start with. */
function runCode(code: Uint8Array, fpcr = 0, regs: Record<number, bigint> = {}): A64Cpu {
  const mem = new AddressSpace();
  mem.map(CODE, 0x10000, PERM_R | PERM_X);
  mem.map(0x40000, 0x10000, PERM_R | PERM_W);
  mem.poke(CODE, code);
  const cpu = new A64Cpu(mem, { syscall: () => false });
  const st = cpu.getState();
  if (st.arch !== 'aarch64') throw new Error('arch');
  st.fpcr = fpcr;
  st.pc = BigInt(CODE);
  for (const [i, v] of Object.entries(regs)) st.x[Number(i)] = v;
  cpu.setState(st);
  expect(cpu.run(10000)).toMatchObject({ kind: 'breakpoint' });
  return cpu;
}

describe.skipIf(!HAVE_CROSS)('aarch64 translation cache', () => {
  const exe = buildC(readFileSync(join(import.meta.dirname, 'programs', 'sort.c'), 'utf8'), ['-O2']);
  const ref = runQemu(exe, ['a1', 'b2']).stdout.toString();

  it('second run: every block from the file (source); third: from V8 code cache; same output and count', () => {
    const dir = mkdtempSync(join(tmpdir(), 'a64-tc-')); dirs.push(dir);
    const a = runWith(dir, exe, ['a1', 'b2']);
    expect(a.r.stdout.toString()).toBe(ref);
    expect(a.n).toBeGreaterThan(100);
    // loops translated cold are stored twice (as asked for cold, and as the superblock)
    expect(a.c.stores).toBeGreaterThanOrEqual(a.n);
    expect(a.c.hits).toBe(0);
    const b = runWith(dir, exe, ['a1', 'b2']);
    expect(b.r.stdout.toString()).toBe(ref);
    expect(b.c.stores).toBe(0);
    expect(b.c.hits).toBe(b.n);
    expect(b.c.cdHits).toBe(0);
    // blocks that became hot in the first run start hot: no cold translation to replace
    expect(b.n).toBeLessThan(a.n);
    const c = runWith(dir, exe, ['a1', 'b2']);
    expect(c.r.stdout.toString()).toBe(ref);
    expect(c.c.stores).toBe(0);
    expect(c.c.cdHits).toBeGreaterThan(0);
    expect(c.c.cdRejected).toBe(0);
    expect(c.r.cpu.getState()).toBeDefined();
    expect((c.r.cpu as A64Cpu).instructions).toBe((a.r.cpu as A64Cpu).instructions);
    // Another arch's cache in the same directory is another file.
    expect(a.c.path).toMatch(/\/a64-test-v8-.*\.bin$/);
  });

  it('bundles: the first run writes one with every block it used; the next loads all of them from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'a64-tc-')); dirs.push(dir);
    const a = runWith(dir, exe, ['a1', 'b2'], true);
    expect(a.r.stdout.toString()).toBe(ref);
    expect(a.c.bundleStores).toBe(1);
    const b = runWith(dir, exe, ['a1', 'b2'], true);
    expect(b.r.stdout.toString()).toBe(ref);
    expect(b.c.stores).toBe(0);
    expect(b.c.bundleLoads).toBe(1);
    expect(b.c.bundleMembers).toBeGreaterThanOrEqual(b.n);
    expect(b.c.hits).toBe(b.n);
    expect(b.c.diskHits).toBe(0); // no block from its own record
    expect(b.c.cdHits).toBe(1); // one script, from V8's code cache
    expect(b.c.bundleStores).toBe(0); // nothing new to bundle
    expect((b.r.cpu as A64Cpu).instructions).toBe((a.r.cpu as A64Cpu).instructions);
    // A bundle whose checksum fails is not used: its blocks come from their records.
    const file = a.c.path, buf = readFileSync(file);
    let o = 0;
    while (buf.readUInt32LE(o) !== 0x32424245) o += 12 + buf.readUInt32LE(o + 4);
    buf[o + 12 + 8 + 40] ^= 1;
    writeFileSync(file, buf);
    const c = runWith(dir, exe, ['a1', 'b2'], true);
    expect(c.r.stdout.toString()).toBe(ref);
    expect(c.c.bundleLoads).toBe(0);
    expect(c.c.badRecords).toBe(1);
    expect(c.c.diskHits).toBe(c.n);
  });

  it('a superblock is reused only while the words of every span are the same', () => {
    const c = new TranslationCache(null, 'test', 'a64');
    setSharedCache(c, 'a64');
    // One block: two instructions here, then the unconditional branch's target.
    const src = (imm: number) => `mov x0, #1\nb 1f\n.skip 64\n1: add x0, x0, #${imm}\nbrk #0`;
    const a = asm(src(2)), b = asm(src(5));
    expect(runCode(a).getReg(0)).toBe(3n);
    expect(c.hits).toBe(0);
    expect(runCode(b).getReg(0)).toBe(6n); // differs only after the branch: a miss
    expect(c.hits).toBe(0);
    expect(runCode(a).getReg(0)).toBe(3n);
    expect(c.hits).toBe(1);
  });

  it('the FPCR rounding mode is part of the key', () => {
    const c = new TranslationCache(null, 'test', 'a64');
    setSharedCache(c, 'a64');
    // 1 + 2^-60 rounds to 1 to nearest, to the next double up under round towards +infinity (RP).
    const code = asm('fmov d1, x1\nfmov d2, x2\nfadd d0, d1, d2\nfmov x0, d0\nbrk #0');
    const regs = { 1: 0x3ff0000000000000n, 2: 0x3c30000000000000n };
    expect(runCode(code, 0, regs).getReg(0)).toBe(0x3ff0000000000000n);
    expect(runCode(code, 1 << 22, regs).getReg(0)).toBe(0x3ff0000000000001n);
    expect(runCode(code, 0, regs).getReg(0)).toBe(0x3ff0000000000000n);
    expect(c.hits).toBe(1);
  });
});
