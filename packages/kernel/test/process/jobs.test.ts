// Job control, orphaned process groups, pidfds and strace -f: test/process/c/jobs.c (built at
// test time: musl x86-64, glibc aarch64) run natively and under elfbox, outputs compared. The
// aarch64 build under elfbox must print what x86-64 prints natively (qemu-aarch64 has no clone3
// and cannot exec). The terminal mode runs under a pseudo-terminal made by python3's pty module,
// natively and through the elfbox CLI (bundled from the sources here by esbuild), so the program
// is a session leader with a controlling terminal in both. Host dynamic programs that fork and
// exec (make, python3's subprocess, bash) must print what they print natively.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '@elfbox/cpu';
import { registerBackend, run } from '../../src/api.js';
import { BUSYBOX_SCRIPT } from './script.js';
import { buildProc } from './build.js';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const dec = new TextDecoder();

let x86: string | undefined;
let a64: string | undefined;
const native: Record<string, { out: string; status: number | null }> = {};
let nativeStrace: string[] | undefined;
const havePty = spawnSync('python3', ['-c', 'import pty'], { stdio: 'ignore' }).status === 0;
let nativeTty: string | undefined;

const nativeRun = (argv: string[], input = '') => {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', input, timeout: 30_000 });
  if (r.error) throw r.error;
  return { out: r.stdout + r.stderr, status: r.status };
};

/** python3's pty.spawn: the command runs as a session leader whose controlling terminal is the pty. */
const underPty = (argv: string[]) => {
  const r = spawnSync('python3', ['-c', 'import pty,sys; pty.spawn(sys.argv[1:])', ...argv], { encoding: 'utf8', input: '', timeout: 60_000 });
  if (r.error) throw r.error;
  return r.stdout;
};

async function elfbox(path: string, argv: string[], extra: Record<string, unknown> = {}) {
  const r = await run({ path, argv: [path, ...argv], stdout: 'capture', stderr: 'capture', cpu: 'ts', env: {}, ...extra });
  return { out: dec.decode(r.stdout) + dec.decode(r.stderr), status: r.status };
}

/** strace -f lines that do not depend on pids or timing: write/exit_group calls, signals, exits, attaches. */
const straceShape = (text: string): string[] => text.split('\n')
  .filter((l) => /^(\[pid +\d+\] )?((write|exit_group)\(|\+\+\+|---)|^strace: Process \d+ attached/.test(l))
  .map((l) => l.replace(/\[pid +\d+\]/, '[pid N]').replace(/Process \d+/, 'Process N').replace(/si_pid=\d+/, 'si_pid=N').replace(/\s+= /, ' = '));

const HOST_CASES: Array<[string, string[], boolean]> = [
  ['make -f', ['/usr/bin/make', '-s', '-f', 'MAKEFILE'], false],
  ['bash loop of pipelines', ['/usr/bin/bash', '-c', 'for i in 1 2 3; do echo $i | cat; done'], false],
  ['python3 subprocess.run', ['/usr/bin/python3', '-c', "import subprocess; print(subprocess.run(['echo','hi'],capture_output=True).stdout)"], true],
];
let hostDir = '';
const hostArgv = (argv: string[]) => argv.map((a) => (a === 'MAKEFILE' ? join(hostDir, 'Makefile') : a));
const hostNative: Record<string, SpawnSyncReturns<string>> = {};

beforeAll(async () => {
  x86 = buildProc('jobs', 'musl-gcc', ['-static', '-O1'], 'musl-x86_64');
  a64 = buildProc('jobs', 'aarch64-linux-gnu-gcc', ['-static', '-O1'], 'glibc-aarch64');
  if (x86) {
    for (const m of ['orphan', 'pidfd']) native[m] = nativeRun([x86, m]);
    native.notty = nativeRun([x86, 'notty'], 'hi\n');
    if (spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0 && process.arch === 'x64') {
      const r = spawnSync('strace', ['-f', '-e', 'trace=write,exit_group', x86, 'strace'], { encoding: 'utf8' });
      nativeStrace = straceShape(r.stderr);
    }
    if (havePty) nativeTty = underPty([x86, 'tty']);
  }
  // native runs first: a big worker's spawn can fail with ENOMEM under heuristic overcommit
  hostDir = mkdtempSync(join(tmpdir(), 'elfbox-jobs-host-'));
  writeFileSync(join(hostDir, 'Makefile'), 'all: a b\n\techo done $$(echo sub)\na:\n\t@printf "%s\\n" A | cat\nb: a\n\tfalse || echo "b after a"\n');
  for (const [name, argv0] of HOST_CASES) {
    if (!existsSync(argv0[0])) continue;
    const argv = hostArgv(argv0);
    // stdin not a socket (node's pipes are socketpairs: bash would then read ~/.bashrc, as under rshd)
    hostNative[name] = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  }
  registerBackend((await import('@elfbox/cpu-x86_64')).backend);
  registerBackend((await import('@elfbox/cpu-aarch64')).backend);
}, 120_000);

describe('orphaned process groups, pidfds, terminals without a tty: elfbox == native', () => {
  for (const m of ['orphan', 'pidfd', 'notty']) {
    it(`${m} (x86-64)`, async (ctx) => {
      if (!x86) return ctx.skip();
      const r = await elfbox(x86, [m], m === 'notty' ? { stdin: 'hi\n' } : {});
      expect(r.out).toBe(native[m].out);
      expect(r.status).toBe(native[m].status);
    }, 60_000);
    it(`${m} (aarch64 under elfbox == x86-64 native)`, async (ctx) => {
      if (!x86 || !a64) return ctx.skip();
      const r = await elfbox(a64, [m], m === 'notty' ? { stdin: 'hi\n' } : {});
      expect(r.out).toBe(native[m].out);
      expect(r.status).toBe(native[m].status);
    }, 60_000);
  }
});

describe('strace -f: [pid N] once a second task exists', () => {
  it('the write/exit_group/signal/exit lines of a fork and wait, as real strace -f prints them', async (ctx) => {
    if (!x86 || !nativeStrace) return ctx.skip();
    let text = '';
    const sink = new Writable({ write(c, _e, done) { text += String(c); done(); } });
    const r = await elfbox(x86, ['strace'], { strace: sink });
    expect(r.out).toBe('child\nparent\n');
    expect(nativeStrace.some((l) => l.startsWith('[pid N] '))).toBe(true);
    expect(straceShape(text)).toEqual(nativeStrace);
    // the padding counts the prefix: "= " at column 40 from the line's start
    const line = text.split('\n').find((l) => /^\[pid +\d+\] exit_group\(3\)/.test(l))!;
    expect(line).toMatch(/^\[pid {5}2\] exit_group\(3\) {15}= \?$/);
  }, 60_000);
});

describe('the controlling terminal under a pseudo-terminal (python3 pty)', () => {
  let main = '';
  beforeAll(async () => {
    if (!havePty || !x86) return;
    // the CLI bundled from these sources (packages/cli/dist may be stale while others work)
    const out = mkdtempSync(join(tmpdir(), 'elfbox-jobs-cli-'));
    const alias: Record<string, string> = {};
    for (const p of ['abi', 'elf', 'cpu', 'cpu-x86_64', 'cpu-aarch64', 'cpu-unicorn', 'kernel', 'cli']) alias[`@elfbox/${p}`] = join(ROOT, 'packages', p, 'src/index.ts');
    const { build: esbuild } = await import('esbuild');
    await esbuild({
      entryPoints: { main: join(ROOT, 'packages/cli/src/main.ts') }, outdir: out, bundle: true, splitting: true, platform: 'node',
      format: 'esm', target: 'node20', alias, external: ['koffi'], logLevel: 'error',
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
    main = join(out, 'main.js');
  }, 120_000);

  for (const [arch, bin] of [['x86-64', () => x86], ['aarch64', () => a64]] as const) {
    it(`tcgetpgrp/tcsetpgrp, SIGTTIN, SIGTTOU with TOSTOP, TIOCSCTTY/TIOCNOTTY (${arch} == native x86-64)`, async (ctx) => {
      if (!main || !nativeTty || !bin()) return ctx.skip();
      const got = underPty([process.execPath, main, 'run', '--cpu', 'ts', bin()!, 'tty']);
      expect(nativeTty.split('\n').length).toBeGreaterThan(20);
      expect(got).toBe(nativeTty);
    }, 180_000);
  }
});

// The busybox script (process.test.ts runs it on x86-64 against native busybox): arm64
// busybox sh under elfbox against the same busybox under qemu-aarch64.
const BUSYBOX_A64 = join(ROOT, 'tests/.cache/busybox-arm64/bin/busybox');

describe('arm64 busybox sh: elfbox == qemu-aarch64 (tests/fetch-busybox-arm64.sh)', () => {
  it("pipelines, subshells, $(...), a here-document, a background job and wait, xargs, find -exec, loops; sh -c 'exit 3'", async (ctx) => {
    if (!existsSync(BUSYBOX_A64) || spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status !== 0) return ctx.skip();
    const d = mkdtempSync(join(tmpdir(), 'elfbox-jobs-bb-'));
    writeFileSync(join(d, 'f1'), 'x');
    writeFileSync(join(d, 's.sh'), BUSYBOX_SCRIPT);
    const env = { PATH: '/usr/bin:/bin', D: d };
    const q = spawnSync('qemu-aarch64', [BUSYBOX_A64, 'sh', join(d, 's.sh')], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
    const q3 = spawnSync('qemu-aarch64', [BUSYBOX_A64, 'sh', '-c', 'exit 3'], { stdio: 'ignore' });
    expect(q.stdout).toContain('found ');
    const r = await run({ path: BUSYBOX_A64, argv: ['sh', join(d, 's.sh')], env, stdout: 'capture', stderr: 'capture', cpu: 'ts' });
    expect(dec.decode(r.stdout)).toBe(q.stdout);
    expect(dec.decode(r.stderr)).toBe(q.stderr);
    expect(r.status).toBe(q.status);
    const r3 = await run({ path: BUSYBOX_A64, argv: ['sh', '-c', 'exit 3'], cpu: 'ts' });
    expect(r3.status).toBe(3);
    expect(q3.status).toBe(3);
  }, 120_000);
});

describe('host dynamic programs that fork and exec: output as native', () => {
  let backend: CpuBackend;
  beforeAll(async () => {
    const u = await import('@elfbox/cpu-unicorn');
    // python3 starts 5x faster on Unicorn; the others run on the TypeScript CPU
    backend = u.isUnicornAvailable() ? u.backend : (await import('@elfbox/cpu-x86_64')).backend;
  });
  for (const [name, argv0, unicorn] of HOST_CASES) {
    it(name, async (ctx) => {
      const want = hostNative[name];
      if (!want) return ctx.skip();
      if (want.error) throw want.error;
      const argv = hostArgv(argv0);
      const r = await run({ path: argv[0], argv, env: { PATH: '/usr/bin:/bin' }, stdout: 'capture', stderr: 'capture',
        ...(unicorn ? { backend } : { cpu: 'ts' }) });
      expect(dec.decode(r.stdout)).toBe(want.stdout);
      expect(want.stdout.length).toBeGreaterThan(0);
      // no elfbox warning either (an unsupported syscall would print one)
      expect(dec.decode(r.stderr)).toBe(want.stderr);
      expect(r.status).toBe(want.status);
    }, 240_000);
  }
});
