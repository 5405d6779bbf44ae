// End to end: static musl and glibc programs built from test/c, run by run() on the real CPU
// backends (Unicorn, and the TypeScript x86-64 CPU), compared with what Linux prints.
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '@elfbox/cpu';
import { run, type RunOptions } from '../src/api.js';
import { buildAll, type Toolchain } from './bins.js';

/** Temp directories made by these tests, removed afterwards. */
const temps: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); temps.push(d); return d; };
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

let bin: (tc: Toolchain, name: string) => string | undefined = () => undefined;
const backends: Record<string, CpuBackend | undefined> = {};
const dec = new TextDecoder();

beforeAll(async () => {
  bin = buildAll();
  const u = await import('@elfbox/cpu-unicorn');
  if (u.isUnicornAvailable()) backends.unicorn = u.backend;
  backends.x86_64 = (await import('@elfbox/cpu-x86_64')).backend;
});

/** The (toolchain, backend) pairs expected to run these programs today. */
const MATRIX: Array<[Toolchain, string]> = [
  ['musl-x86_64', 'unicorn'], ['glibc-x86_64', 'unicorn'], ['glibc-aarch64', 'unicorn'],
  ['musl-x86_64', 'x86_64'], ['glibc-x86_64', 'x86_64'], ['glibc-x86_64-dyn', 'x86_64'],
];

async function runIt(tc: Toolchain, be: string, name: string, o: Partial<RunOptions> = {}) {
  const path = bin(tc, name);
  const backend = backends[be];
  if (!path || !backend) return undefined;
  const strace: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => strace.push(...c.toString().split('\n').filter(Boolean)));
  const r = await run({ path, backend, stdout: 'capture', stderr: 'capture', strace: sink, ...o });
  return { ...r, out: dec.decode(r.stdout), err: dec.decode(r.stderr), strace };
}

describe.each(MATRIX)('%s on %s', (tc, be) => {
  it('hello, world: output, status 0, strace lines', async (ctx) => {
    const r = await runIt(tc, be, 'hello');
    if (!r) return ctx.skip();
    expect(r.out).toBe('hello, world\n');
    expect(r.status).toBe(0);
    expect(r.err).toBe('');
    const w = r.strace.find((l) => l.startsWith('write(1,') || l.startsWith('writev(1,'));
    if (tc.endsWith('-dyn')) expect(r.strace.some((l) => /^openat\(AT_FDCWD, ".*libc\.so\.6", O_RDONLY\|O_CLOEXEC\) += 3$/.test(l))).toBe(true);
    expect(w).toMatch(tc.startsWith('musl')
      ? /^writev\(1, \[\{iov_base="hello, world", iov_len=12\}, \{iov_base="\\n", iov_len=1\}\], 2\) = 13$/
      : /^write\(1, "hello, world\\n", 13\) {10}= 13$/);
    expect(r.strace.slice(-2)).toEqual(['exit_group(0)                           = ?', '+++ exited with 0 +++']);
    expect(r.strace[0]).toMatch(/^execve\(".*hello-.*", \[".*"(\.\.\.)?\], 0x[0-9a-f]+ \/\* 0 vars \*\/\) = 0$/);
  });

  it('probe: argv, env, files, mmap, malloc, clocks, exit status', async (ctx) => {
    const d = tempDir('elfbox-e2e-');
    writeFileSync(join(d, 'data.txt'), 'some text\n');
    const r = await runIt(tc, be, 'probe', { argv: ['probe', join(d, 'data.txt'), '7'], env: { ELFBOX_T: 'yes' } });
    if (!r) return ctx.skip();
    const exe = bin(tc, 'probe')!;
    const arch = tc.endsWith('aarch64') ? 'aarch64' : 'x86_64';
    expect(r.out).toBe([
      `argc=3 argv1=${join(d, 'data.txt')}`, 'env ELFBOX_T=yes', `uname Linux ${arch}`, `exe=${exe}`,
      'read 10 bytes, size 10, regular 1: some text', 'open missing: -1 errno=2', 'mmap ok ac', 'clock ok 1', 'getcwd ok 1', 'pid>0 1', '',
    ].join('\n'));
    expect(r.status).toBe(7);
    expect(r.strace.some((l) => /^open(at)?\(.*"\/nonexistent\/file", O_RDONLY(\|O_LARGEFILE)?\) = -1 ENOENT \(No such file or directory\)$/.test(l))).toBe(true);
  });

  it('stdin from a stream, read until EOF', async (ctx) => {
    const pt = new PassThrough();
    const p = runIt(tc, be, 'probe', { argv: ['probe', '-'], stdin: pt });
    pt.write('line one\n');
    setTimeout(() => { pt.write('line two\n'); pt.end(); }, 30);
    const r = await p;
    if (!r) return ctx.skip();
    expect(r.out).toBe('line one\nline two\ncopied 18 bytes\n');
    expect(r.status).toBe(0);
  });

  it('abort() ends with SIGABRT (status 134), a null write with SIGSEGV (139)', async (ctx) => {
    const a = await runIt(tc, be, 'probe', { argv: ['probe', 'abort'] });
    if (!a) return ctx.skip();
    expect([a.status, a.signal]).toEqual([134, 6]);
    expect(a.strace.at(-1)).toBe('+++ killed by SIGABRT (core dumped) +++');
    const s = await runIt(tc, be, 'probe', { argv: ['probe', 'segv'] });
    expect([s!.status, s!.signal]).toEqual([139, 11]);
    expect(s!.strace.at(-2)).toBe('--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---');
  });
});

describe('run() options', () => {
  it('runs a program given as bytes; /proc/self/exe names a memfd', async (ctx) => {
    const p = bin('musl-x86_64', 'probe');
    if (!p || !backends.x86_64) return ctx.skip();
    const r = await run({ bytes: readFileSync(p), argv: ['probe', '/none'], backend: backends.x86_64, stdout: 'capture', stderr: 'capture' });
    expect(r.status).toBe(0);
    expect(dec.decode(r.stdout)).toContain('exe=/memfd:elfbox (deleted)\n');
  });

  it('the root option confines the program: files resolve inside it', async (ctx) => {
    const p = bin('musl-x86_64', 'probe');
    if (!p || !backends.x86_64) return ctx.skip();
    const d = tempDir('elfbox-root-');
    writeFileSync(join(d, 'inside.txt'), 'inside\n');
    const r = await run({ path: p, root: d, argv: ['probe', '/inside.txt'], backend: backends.x86_64, stdout: 'capture', stderr: 'capture' });
    expect(dec.decode(r.stdout)).toContain('read 7 bytes, size 7, regular 1: inside\n');
    expect(dec.decode(r.stdout)).toContain('getcwd ok 1');
  });
});

describe('several runs in one process', () => {
  it('run concurrently without sharing state', async (ctx) => {
    const tc: Toolchain = 'musl-x86_64';
    if (!bin(tc, 'probe') || !backends.x86_64) return ctx.skip();
    const rs = await Promise.all([1, 2, 3].map((i) => runIt(tc, 'x86_64', 'probe', { argv: ['probe', `/missing-${i}`, String(i)] })));
    rs.forEach((r, i) => {
      expect(r!.status).toBe(i + 1);
      expect(r!.out).toContain(`argv1=/missing-${i + 1}\n`);
      expect(r!.out).toContain('open failed: No such file or directory\n');
    });
  });
});
