// Byte-for-byte initial stacks for a known input on both arches. The expected images are laid
// out by hand below (offsets worked out from the rules of fs/exec.c and create_elf_tables, see
// the comments), not by calling the loader's own layout code.
import { describe, expect, it } from 'vitest';
import { AUX, ElfError, loadElf, parseElf, formatStack } from '../src/index.js';
import { baseOptions, freshMemory, RANDOM16, tinyExec } from './helpers.js';

const T = 0x80000000;

/** An expected image of [sp, T): 64-bit words at sp-relative offsets and strings at T-relative offsets. */
function image(sp: number, words: Array<number | bigint>, strings: Array<[number, string]>): Uint8Array {
  const b = new Uint8Array(T - sp);
  const dv = new DataView(b.buffer);
  words.forEach((w, i) => dv.setBigUint64(i * 8, BigInt(w), true));
  for (const [below, s] of strings) b.set(new TextEncoder().encode(s + '\0'), T - below - sp);
  return b;
}

describe('initial stack, byte for byte', () => {
  it('x86-64: argv ["/a", "bc"], envp ["X=1"], execfn "/a", platform "x86_64"', () => {
    const exe = parseElf(tinyExec(62));
    const { mem, lm } = freshMemory();
    const r = loadElf(lm, baseOptions(exe, {
      argv: ['/a', 'bc'], envp: ['X=1'], execfn: '/a', exePath: '/a', stackTop: T, stackSize: 0x10000,
    }));
    // From the top: 8 zero bytes [T-8,T); execfn "/a\0" at T-11; envp[0] "X=1\0" at T-15;
    // argv[1] "bc\0" at T-18; argv[0] "/a\0" at T-21; align down to T-32; "x86_64\0" at T-39;
    // random bytes at T-55. 20 auxv pairs (320 bytes) + 6 words (argc, 2 argv, NULL, 1 envp, NULL)
    // = 368 bytes: T-55-368 = T-423, aligned down to 16: sp = T-432. auxv ends at T-64; 9 bytes
    // of padding up to the random bytes.
    expect(r.sp).toBe(T - 432);
    const expected = image(T - 432, [
      2, T - 21, T - 18, 0, T - 15, 0,
      AUX.AT_MINSIGSTKSZ, 3376, AUX.AT_HWCAP, 0x178bfbff, AUX.AT_PAGESZ, 4096, AUX.AT_CLKTCK, 100,
      AUX.AT_PHDR, 0x400040, AUX.AT_PHENT, 56, AUX.AT_PHNUM, 2, AUX.AT_BASE, 0, AUX.AT_FLAGS, 0,
      AUX.AT_ENTRY, 0x400078, AUX.AT_UID, 1000, AUX.AT_EUID, 1000, AUX.AT_GID, 1000, AUX.AT_EGID, 1000,
      AUX.AT_SECURE, 0, AUX.AT_RANDOM, T - 55, AUX.AT_HWCAP2, 2, AUX.AT_EXECFN, T - 11, AUX.AT_PLATFORM, T - 39,
      0, 0,
    ], [[11, '/a'], [15, 'X=1'], [18, 'bc'], [21, '/a'], [39, 'x86_64']]);
    expected.set(RANDOM16, T - 55 - (T - 432));
    expect(Array.from(mem.read(r.sp, T - r.sp))).toEqual(Array.from(expected));
    expect(r.randomAddr).toBe(T - 55);
    expect(r.execfnAddr).toBe(T - 11);
    const labels = r.stack.map((s) => s.label);
    expect(labels).toContain(`argv[0] -> 0x${(T - 21).toString(16)} "/a"`);
    expect(labels).toContain('auxv AT_PHDR = 0x400040');
    expect(labels).toContain('auxv AT_PAGESZ = 4096');
    expect(labels).toContain('padding (9 bytes, sp 16-byte aligned)');
    expect(labels).toContain('padding (11 bytes, align 16)');
    // the items tile [sp, T) exactly
    let at = r.sp;
    for (const it of r.stack) { expect(it.addr).toBe(at); at += it.size; }
    expect(at).toBe(T);
    expect(formatStack(r.stack, T).split('\n')[0]).toContain('end marker');
  });

  it('aarch64: same input with AT_SYSINFO_EHDR, platform "aarch64"', () => {
    const exe = parseElf(tinyExec(183));
    const { mem, lm } = freshMemory();
    const r = loadElf(lm, baseOptions(exe, {
      argv: ['/a', 'bc'], envp: ['X=1'], execfn: '/a', exePath: '/a', stackTop: T, stackSize: 0x10000,
      sysinfoEhdr: 0x7fff0000, hwcap: 0xefffn, hwcap2: 0x3n, minsigstksz: 5120,
    }));
    // Strings as on x86-64 down to T-21, aligned to T-32; "aarch64\0" (8 bytes) at T-40; random at
    // T-56. 21 auxv pairs (336) + 6 words (48) = 384: T-56-384 = T-440, aligned down: sp = T-448.
    // auxv ends at T-64, 8 bytes of padding.
    expect(r.sp).toBe(T - 448);
    const expected = image(T - 448, [
      2, T - 21, T - 18, 0, T - 15, 0,
      AUX.AT_SYSINFO_EHDR, 0x7fff0000, AUX.AT_MINSIGSTKSZ, 5120, AUX.AT_HWCAP, 0xefff, AUX.AT_PAGESZ, 4096,
      AUX.AT_CLKTCK, 100, AUX.AT_PHDR, 0x400040, AUX.AT_PHENT, 56, AUX.AT_PHNUM, 2, AUX.AT_BASE, 0,
      AUX.AT_FLAGS, 0, AUX.AT_ENTRY, 0x400078, AUX.AT_UID, 1000, AUX.AT_EUID, 1000, AUX.AT_GID, 1000,
      AUX.AT_EGID, 1000, AUX.AT_SECURE, 0, AUX.AT_RANDOM, T - 56, AUX.AT_HWCAP2, 3, AUX.AT_EXECFN, T - 11,
      AUX.AT_PLATFORM, T - 40, 0, 0,
    ], [[11, '/a'], [15, 'X=1'], [18, 'bc'], [21, '/a'], [40, 'aarch64']]);
    expected.set(RANDOM16, T - 56 - (T - 448));
    expect(Array.from(mem.read(r.sp, T - r.sp))).toEqual(Array.from(expected));
  });

  it('optional entries go where Linux puts them: HWCAP3/4 after HWCAP2, RSEQ after PLATFORM', () => {
    const exe = parseElf(tinyExec(183));
    const { lm } = freshMemory();
    const r = loadElf(lm, baseOptions(exe, { hwcap3: 5n, hwcap4: 6n, rseqFeatureSize: 28, rseqAlign: 32, platform: '' }));
    expect(r.auxv.map(([t]) => t)).toEqual([
      AUX.AT_MINSIGSTKSZ, AUX.AT_HWCAP, AUX.AT_PAGESZ, AUX.AT_CLKTCK, AUX.AT_PHDR, AUX.AT_PHENT, AUX.AT_PHNUM,
      AUX.AT_BASE, AUX.AT_FLAGS, AUX.AT_ENTRY, AUX.AT_UID, AUX.AT_EUID, AUX.AT_GID, AUX.AT_EGID, AUX.AT_SECURE,
      AUX.AT_RANDOM, AUX.AT_HWCAP2, AUX.AT_HWCAP3, AUX.AT_HWCAP4, AUX.AT_EXECFN, AUX.AT_RSEQ_FEATURE_SIZE,
      AUX.AT_RSEQ_ALIGN, AUX.AT_NULL,
    ]);
  });

  it('an empty argv gets argv[0] = "" as Linux does since 5.18', () => {
    const exe = parseElf(tinyExec());
    const { mem, lm } = freshMemory();
    const r = loadElf(lm, baseOptions(exe, { argv: [], execfn: '/p', stackTop: T, stackSize: 0x10000 }));
    expect(mem.readU64(r.sp)).toBe(1n);
    const a0 = mem.readU64Num(r.sp + 8);
    expect(a0).toBe(T - 8 - 3 - 1); // below execfn "/p\0"
    expect(mem.readU8(a0)).toBe(0);
  });

  it('the auxv numbers are the Linux ones', () => {
    expect([AUX.AT_PHDR, AUX.AT_ENTRY, AUX.AT_PLATFORM, AUX.AT_HWCAP, AUX.AT_SECURE, AUX.AT_RANDOM, AUX.AT_HWCAP2, AUX.AT_EXECFN, AUX.AT_SYSINFO_EHDR, AUX.AT_MINSIGSTKSZ])
      .toEqual([3, 9, 15, 16, 23, 25, 26, 31, 33, 51]);
  });

  it('too much argv for the stack is ARGS_TOO_BIG (E2BIG); a NUL inside a string is BAD_OPTIONS', () => {
    const exe = parseElf(tinyExec());
    const big = () => loadElf(freshMemory().lm, baseOptions(exe, { argv: Array(200).fill('x'.repeat(100)), stackSize: 0x10000 }));
    expect(big).toThrow(ElfError);
    try { big(); } catch (e) { expect((e as ElfError).code).toBe('ARGS_TOO_BIG'); expect((e as ElfError).errno).toBe(7); }
    const long = () => loadElf(freshMemory().lm, baseOptions(exe, { argv: ['y'.repeat(32 * 4096)] }));
    expect(long).toThrow(/ARGS_TOO_BIG/);
    expect(() => loadElf(freshMemory().lm, baseOptions(exe, { envp: ['A=\0'] }))).toThrow(/BAD_OPTIONS/);
  });
});
