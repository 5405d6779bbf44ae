// The initial stack compared with the real thing. stackdump.c prints the structure of its own
// initial stack relative to the top of [stack]; we run it natively (x86-64, under `setarch -R`
// so the kernel's arch_align_stack adds no random offset) and under qemu-aarch64, then build the
// stack for the same binary, argv and envp with loadElf and print the same facts by walking
// our guest memory. Addresses differ; the layout relative to the top must not.
//
// x86-64: compared line for line with Linux (every offset, the auxv type order, padding).
// aarch64: qemu-user is not Linux. What qemu-aarch64 (7.2, Debian 12) does differently, checked below
// so a change shows up: it hands the guest its environment in reverse order; it does not align
// down to 16 below the argv strings before the platform string; it aligns the 16 random bytes
// down to 16; and its auxv has its own order without AT_SYSINFO_EHDR, AT_MINSIGSTKSZ or AT_RSEQ_*.
// The string area (execfn, envp and argv strings, the end marker) and the tables' shape (argc,
// argv, envp, auxv contiguous, sp 16-byte aligned) match Linux, and are compared exactly.
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressSpace } from '@elfbox/cpu';
import { loadElf, parseElf, type LoadOptions } from '../src/index.js';
import { baseOptions, buildC, freshMemory, have, read } from './helpers.js';

const SRC = fileURLToPath(new URL('./stackdump.c', import.meta.url));

/** The same facts stackdump.c prints, read out of our guest memory. */
function dumpOurs(mem: AddressSpace, sp: number, top: number): string[] {
  const out: string[] = [];
  const str = (a: number): string => new TextDecoder().decode(mem.readCString(a)!);
  out.push(`sp_mod16 ${sp % 16}`, `sp top-${top - sp}`);
  const argc = Number(mem.readU64(sp));
  out.push(`argc ${argc}`);
  let p = sp + 8;
  for (let i = 0; i < argc; i++, p += 8) { const a = mem.readU64Num(p); out.push(`argv ${i} top-${top - a} ${str(a)}`); }
  expect(mem.readU64(p)).toBe(0n);
  p += 8;
  let i = 0;
  for (; mem.readU64(p) !== 0n; p += 8, i++) { const a = mem.readU64Num(p); out.push(`envp ${i} top-${top - a} ${str(a)}`); }
  p += 8;
  const strings: string[] = [];
  for (;; p += 16) {
    const t = mem.readU64Num(p), v = mem.readU64Num(p + 8);
    out.push(v >= sp && v < top ? `auxv ${t} top-${top - v}` : `auxv ${t} ${v}`);
    if (t === 31 || t === 15) strings.push(`string ${t} ${str(v)}`);
    if (t === 0) break;
  }
  out.push(`auxv_end top-${top - (p + 16)}`);
  out.push(`end_marker ${mem.readU64(top - 8).toString(16)}`);
  return [...out, ...strings];
}

/** Auxv values that are not stack addresses differ between runs and machines: keep only the type. */
const normalise = (lines: string[]): string[] => lines.map((l) => l.replace(/^(auxv \d+) \d+$/, '$1 *'));

const parseEnv = (lines: string[]): string[] => lines.filter((l) => l.startsWith('envp ')).map((l) => l.split(' ').slice(3).join(' '));

function runOurs(path: string, over: Partial<LoadOptions>): string[] {
  const exe = parseElf(read(path));
  const { mem, lm } = freshMemory();
  const opts = baseOptions(exe, { exePath: path, execfn: path, ...over });
  const r = loadElf(lm, opts);
  return dumpOurs(mem, r.sp, opts.stackTop);
}

// argv / envp sets chosen so the padding below the strings and above the auxv takes different sizes
const CASES: Array<{ argv: string[]; env: Record<string, string> }> = [
  { argv: ['x', 'yy'], env: { A: '1', BB: 'hello' } },
  { argv: [], env: {} },
  { argv: ['a'], env: { LONGER_NAME: 'some value with spaces', Z: '' } },
  { argv: ['1', '22', '333', '4444', '55555'], env: { P: 'q' } },
  { argv: ['é ü', 'tail'], env: { X: '0123456789abcdef', Y: '0123456789abcde', W: '01234567' } },
];

describe('initial stack against the real thing', () => {
  it.skipIf(!have('gcc') || !have('setarch'))('x86-64: identical to Linux for each case', () => {
    const path = buildC('gcc', [SRC], 'stackdump-x86_64', ['-static', '-O1']);
    for (const c of CASES) {
      const native = execFileSync('setarch', ['-R', path, ...c.argv], { env: c.env, encoding: 'utf8' }).trim().split('\n');
      expect(native[0]).not.toMatch(/^error/);
      const envp = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
      expect(parseEnv(native)).toEqual(envp);
      // the optional entries follow the host kernel: the vDSO (AT_SYSINFO_EHDR), AT_RSEQ_* (Linux 6.3+)
      const val = (t: number): number | undefined => {
        const l = native.find((x) => x.startsWith(`auxv ${t} `));
        return l === undefined ? undefined : Number(l.split(' ')[2]);
      };
      const ours = runOurs(path, {
        argv: [path, ...c.argv], envp, platform: 'x86_64',
        sysinfoEhdr: val(33) === undefined ? undefined : 0x7ffff7fc1000, rseqFeatureSize: val(27), rseqAlign: val(28),
      });
      expect(normalise(ours)).toEqual(normalise(native));
    }
  });

  it.skipIf(!have('aarch64-linux-gnu-gcc') || !have('qemu-aarch64'))('aarch64: string area and table shape match qemu-aarch64; its deviations are the known ones', () => {
    const path = buildC('aarch64-linux-gnu-gcc', [SRC], 'stackdump-aarch64', ['-static', '-O1']);
    for (const c of CASES) {
      const q = execFileSync('qemu-aarch64', [path, ...c.argv], { env: c.env, encoding: 'utf8' }).trim().split('\n');
      expect(q[0]).not.toMatch(/^error/);
      const envp = Object.entries(c.env).map(([k, v]) => `${k}=${v}`);
      // qemu deviation 1: the environment arrives reversed
      expect(parseEnv(q)).toEqual([...envp].reverse());
      const ours = runOurs(path, { argv: [path, ...c.argv], envp: parseEnv(q), platform: 'aarch64' });
      // the string area: every argv/envp string at the same distance from the top, same execfn
      const strs = (ls: string[]): string[] => ls.filter((l) => /^(argv|envp|argc|string|end_marker|sp_mod16) /.test(l));
      expect(strs(ours)).toEqual(strs(q));
      const get = (ls: string[], t: number): number => Number(ls.find((l) => l.startsWith(`auxv ${t} top-`))!.split('-')[1]);
      expect(get(ours, 31)).toBe(get(q, 31)); // AT_EXECFN
      // qemu deviation 2: the platform string sits right below the argv strings, Linux first aligns down to 16
      const low = Math.max(...q.filter((l) => l.startsWith('argv ')).map((l) => Number(l.split(' ')[2].slice(4))));
      expect(get(ours, 15)).toBe(Math.ceil(low / 16) * 16 + 8);
      expect(get(q, 15)).toBeLessThan(get(ours, 15) + 1);
      // qemu deviation 3: its random bytes are 16-byte aligned; ours sit right below the platform string
      expect(get(q, 25) % 16).toBe(0);
      expect(get(ours, 25)).toBe(get(ours, 15) + 16);
      // qemu deviation 4: auxv order and membership
      const types = (ls: string[]): number[] => ls.filter((l) => l.startsWith('auxv ')).map((l) => Number(l.split(' ')[1]));
      expect(types(q)).toEqual([3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14, 16, 17, 25, 23, 31, 26, 15, 0]);
      expect(types(ours)).toEqual([51, 16, 6, 17, 3, 4, 5, 7, 8, 9, 11, 12, 13, 14, 23, 25, 26, 31, 15, 0]);
      // the same table shape: argc, argv, envp and auxv contiguous, sp aligned, auxv ends below the random bytes
      for (const ls of [q, ours]) {
        const sp = Number(ls.find((l) => l.startsWith('sp top-'))!.split('-')[1]);
        const end = Number(ls.find((l) => l.startsWith('auxv_end'))!.split('-')[1]);
        expect(sp - end).toBe((1 + c.argv.length + 2 + envp.length + 1 + types(ls).length * 2) * 8);
        expect(end).toBeGreaterThanOrEqual(get(ls, 25));
        expect(end - get(ls, 25)).toBeLessThan(16);
      }
    }
  });
});
