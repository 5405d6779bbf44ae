// Memory management end to end: test/c/mm programs built at test time, run under elfbox on the
// TypeScript CPUs, their output compared with the same program run natively (x86-64); the
// aarch64 build must print the same lines (they never print addresses). Also: faults as
// SIGSEGV with the right si_code, --memory, ASLR and seeds, host dynamically linked programs.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '@elfbox/cpu';
import { run, type RunOptions } from '../../src/api.js';
import { defaultMemoryLimit } from '../../src/mm.js';

const SRC = fileURLToPath(new URL('../c/mm/', import.meta.url));
const dec = new TextDecoder();
const have = (cc: string) => spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0;

function build(name: string, cc: string, flags: string[]): string | undefined {
  if (!have(cc)) return undefined;
  const src = readFileSync(SRC + name + '.c');
  const h = createHash('sha256').update(src).update(cc + flags.join(' ')).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), 'elfbox-mm-bins');
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-${cc}-${h}`);
  if (!existsSync(out)) {
    const r = spawnSync(cc, [...flags, '-o', out + '.tmp', SRC + name + '.c'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cc} ${name}.c: ${r.stderr}`);
    renameSync(out + '.tmp', out);
  }
  return out;
}

const bins: Record<string, string | undefined> = {};
const backends: Record<string, CpuBackend> = {};
let work = '';

beforeAll(async () => {
  bins.x86 = build('mmtest', 'musl-gcc', ['-static', '-O1']);
  bins.a64 = build('mmtest', 'aarch64-linux-gnu-gcc', ['-static', '-O1']);
  bins.addr = build('addr', 'gcc', ['-O1', '-fPIE', '-pie']);
  bins.vdso = build('vdso', 'gcc', ['-O1']);
  bins.vdsoA64 = build('vdso', 'aarch64-linux-gnu-gcc', ['-O1']);
  backends.x86_64 = (await import('@elfbox/cpu-x86_64')).backend;
  backends.aarch64 = (await import('@elfbox/cpu-aarch64')).backend;
  work = mkdtempSync(join(tmpdir(), 'elfbox-mm-'));
  // Native runs first: once a few 4 GiB guest buffers exist, fork() from this process may fail.
  writeFileSync(join(work, 'data.txt'), 'pear\napple\nfig\nbanana\n');
  if (bins.x86) for (const cmd of CMDS) nativeOut[cmd] = native(bins.x86, [cmd, join(work, `native-${cmd}.dat`)]);
  for (const [prog, args] of PROGS) {
    if (existsSync(prog)) nativeOut[prog] = spawnSync(prog, args.map((a) => (a === 'DATA' ? join(work, 'data.txt') : a)), { encoding: 'utf8' }).stdout;
  }
});

const CMDS = ['shared', 'private', 'anon', 'remap', 'sigbus', 'bigalloc', 'grow', 'stack', 'smaps'];
const nativeOut: Record<string, string> = {};
const PROGS: Array<[string, string[]]> = [
  ['/usr/bin/sort', ['DATA']],
  ['/usr/bin/sha256sum', ['DATA']],
  ['/usr/bin/perl', ['-e', 'print join(",", map { $_*$_ } 1..10), "\\n"']],
];

async function elfbox(path: string, args: string[], o: Partial<RunOptions> = {}) {
  const lines: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => lines.push(...c.toString().split('\n').filter(Boolean)));
  const arch = readFileSync(path)[18] === 0xb7 ? 'aarch64' : 'x86_64';
  const r = await run({ path, argv: [path, ...args], backend: backends[arch], stdout: 'capture', stderr: 'capture', strace: sink, ...o });
  return { status: r.status, out: dec.decode(r.stdout), err: dec.decode(r.stderr), strace: lines };
}

function native(path: string, args: string[]): string {
  const r = spawnSync(path, args, { encoding: 'utf8' });
  return r.stdout;
}

describe.each(CMDS)('mmtest %s', (cmd) => {
  it('x86-64 and aarch64 print what native Linux prints', async (ctx) => {
    if (!bins.x86) return ctx.skip();
    const want = nativeOut[cmd];
    expect(want.split('\n').length).toBeGreaterThan(2);
    const x = await elfbox(bins.x86, [cmd, join(work, `x86-${cmd}.dat`)]);
    expect(x.err).toBe('');
    expect(x.out).toBe(want);
    expect(x.status).toBe(0);
    if (!bins.a64) return;
    const a = await elfbox(bins.a64, [cmd, join(work, `a64-${cmd}.dat`)]);
    expect(a.out).toBe(want);
    expect(a.status).toBe(0);
  }, 60_000);
});

describe('faults on protected and unmapped pages', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['faultw', 'SEGV_ACCERR', /write/],
    ['faultx', 'SEGV_ACCERR', /exec/],
    ['faultunmapped', 'SEGV_MAPERR', /unmapped/],
  ];
  it.each(cases)('%s: SIGSEGV with %s and si_addr, status 139', async (cmd, code) => {
    for (const b of [bins.x86, bins.a64]) {
      if (!b) continue;
      const r = await elfbox(b, [cmd]);
      expect(r.status).toBe(139);
      const sig = r.strace.find((l) => l.startsWith('--- SIGSEGV'));
      expect(sig).toMatch(new RegExp(`^--- SIGSEGV \\{si_signo=SIGSEGV, si_code=${code}, si_addr=0x[0-9a-f]+\\} ---$`));
      // si_addr is in the page the program mmapped (the mmap line's return value)
      const mm = r.strace.filter((l) => l.startsWith('mmap(NULL, ')).pop()!;
      const base = parseInt(/= (0x[0-9a-f]+)$/.exec(mm)![1], 16);
      const addr = parseInt(/si_addr=(0x[0-9a-f]+)/.exec(sig!)![1], 16);
      expect(addr - base).toBe(cmd === 'faultunmapped' ? 4096 + 8 : 0);
    }
  }, 60_000);
});

describe('default memory cap', () => {
  it('is the RAM the guest is told it has, or half the host RAM when less, at least 64 MiB', () => {
    expect(defaultMemoryLimit(24 * 2 ** 30)).toBe(4 * 2 ** 30);
    expect(defaultMemoryLimit(6 * 2 ** 30)).toBe(3 * 2 ** 30);
    expect(defaultMemoryLimit(2 ** 20)).toBe(64 * 2 ** 20);
    expect(defaultMemoryLimit(3 * 2 ** 30 + 12345) % 4096).toBe(0);
  });
});

describe('--memory', () => {
  it('ENOMEM reaches the guest beyond the limit', async (ctx) => {
    if (!bins.x86) return ctx.skip();
    const r = await elfbox(bins.x86, ['limit'], { memory: 100 * 1024 * 1024 });
    expect(r.out).toMatch(/^mmap failed after (64|80) MiB: ENOMEM\nmalloc 64 MiB: NULL\n$/);
    expect(r.strace.some((l) => /^mmap\(NULL, 16777216, .* = -1 ENOMEM/.test(l))).toBe(true);
    const free = await elfbox(bins.x86, ['limit']);
    expect(free.out).toBe('malloc 64 MiB: ok\n');
  }, 60_000);
});

describe('address space layout', () => {
  it('random by default, fixed with aslr: false, reproducible with a seed', async (ctx) => {
    if (!bins.addr) return ctx.skip();
    const a = (await elfbox(bins.addr, [])).out, b = (await elfbox(bins.addr, [])).out;
    expect(a).toMatch(/^stack 0x[0-9a-f]+ mmap 0x[0-9a-f]+ main 0x[0-9a-f]+ brk 0x[0-9a-f]+ rnd [0-9a-f]{4}\n$/);
    const addrs = (s: string) => s.replace(/ rnd .*/, '');
    expect(addrs(a)).not.toBe(addrs(b));
    const f1 = (await elfbox(bins.addr, [], { aslr: false })).out, f2 = (await elfbox(bins.addr, [], { aslr: false })).out;
    expect(addrs(f1)).toBe(addrs(f2));
    expect(f1).toMatch(/^stack 0x7ffe[0-9a-f]{4} mmap 0x7ef[0-9a-f]{5} main 0x55555169 /);
    const s1 = (await elfbox(bins.addr, [], { seed: 42 })).out, s2 = (await elfbox(bins.addr, [], { seed: 42 })).out;
    const s3 = (await elfbox(bins.addr, [], { seed: 43 })).out;
    expect(s1).toBe(s2); // addresses and AT_RANDOM bytes
    expect(addrs(s1)).not.toBe(addrs(s3));
    expect(addrs(s1)).not.toBe(addrs(f1));
  }, 60_000);
});

describe('host programs linked against the host glibc', () => {
  it.each(PROGS)('%s gives the native output', async (prog, args) => {
    if (!existsSync(prog)) return;
    const argv = args.map((a) => (a === 'DATA' ? join(work, 'data.txt') : a));
    const want = nativeOut[prog];
    expect(want.length).toBeGreaterThan(10);
    const r = await run({ path: prog, argv: [prog, ...argv], backend: backends.x86_64, stdout: 'capture', stderr: 'capture' });
    expect(dec.decode(r.stdout)).toBe(want);
    expect(r.status).toBe(0);
  }, 60_000);
});

describe('vDSO clocks in user space', () => {
  it('agree with the system calls, stay monotonic across both, and make no system call (both arches)', async (ctx) => {
    if (!bins.vdso) return ctx.skip();
    const want = spawnSync(bins.vdso, ['check'], { encoding: 'utf8' }).stdout;
    expect(want).toContain('monotonic across vdso and system calls: yes');
    for (const b of [bins.vdso, bins.vdsoA64]) {
      if (!b || (b === bins.vdsoA64 && !existsSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1'))) continue;
      const r = await elfbox(b, ['check']);
      expect(r.out).toBe(want);
      expect(r.status).toBe(0);
      // the program's own 2000 clock_gettime system calls and the bad clock id's fallback: no others
      expect(r.strace.filter((l) => l.startsWith('clock_gettime(')).length).toBe(2001);
    }
    // Unicorn has no counter the kernel can read: the fine clocks make the system call (mode 0)
    const u = await import('@elfbox/cpu-unicorn');
    if (!u.isUnicornAvailable()) return;
    const r = await elfbox(bins.vdso, ['check'], { backend: u.backend });
    expect(r.out).toBe(want);
    expect(r.strace.filter((l) => l.startsWith('clock_gettime(')).length).toBeGreaterThan(2001);
  }, 120_000);
});

describe('vDSO', () => {
  it('glibc (x86-64, and aarch64 from the automatic sysroot) finds and registers it; vdso: false removes it', async (ctx) => {
    if (!bins.vdso) return ctx.skip();
    for (const [b, sym] of [[bins.vdso, '__vdso_clock_gettime'], [bins.vdsoA64, '__kernel_clock_gettime']] as const) {
      if (!b || (b === bins.vdsoA64 && !existsSync('/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1'))) continue;
      const r = await elfbox(b, []);
      expect(r.out).toBe(`${sym} found: yes\nvdso clock_gettime: 0, agrees with libc: yes\ndl_iterate_phdr: linux-vdso.so.1\n`);
      expect(r.status).toBe(0);
      const off = await elfbox(b, [], { vdso: false });
      expect(off.out).toBe(`${sym} found: no\n`);
    }
  }, 60_000);
});
