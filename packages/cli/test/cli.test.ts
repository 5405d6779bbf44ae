// The built `elfbox` command (packages/cli/dist/main.js), spawned as a user would run it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** Temp directories made by these tests, removed afterwards. */
const temps: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); temps.push(d); return d; };
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
let tool = '';
let dynTool = '';

beforeAll(() => {
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed: ${b.stderr}`);
  const dir = tempDir('elfbox-cli-');
  const src = fileURLToPath(new URL('./c/tool.c', import.meta.url));
  if (spawnSync('musl-gcc', ['-static', '-O1', '-o', join(dir, 'tool'), src]).status === 0) tool = join(dir, 'tool');
  if (spawnSync('gcc', ['-O1', '-o', join(dir, 'tool-dyn'), src]).status === 0) dynTool = join(dir, 'tool-dyn');
});

function elfbox(args: string[], env: Record<string, string> = {}, input?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, input, timeout: 60_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('elfbox', () => {
  it('--help prints usage and exits 0; no arguments too', () => {
    const r = elfbox(['--help']);
    expect(r.status).toBe(0);
    expect(r.out).toContain('elfbox run [options] PROG [ARGS...]');
    expect(r.out).toContain('--unset-env K');
    expect(elfbox([]).status).toBe(0);
  });

  it('run: guest output, arguments after PROG, exit status passed through', (ctx) => {
    if (!tool) return ctx.skip();
    const r = elfbox(['run', tool, 'say', 'hi there', 'exit', '9']);
    expect(r.out).toBe('hi there\n');
    expect(r.err).toBe('');
    expect(r.status).toBe(9);
  });

  it('run: a signal death exits 128+N', (ctx) => {
    if (!tool) return ctx.skip();
    const r = elfbox(['run', tool, 'say', 'before', 'kill', '15']);
    expect(r.out).toBe('before\n');
    expect(r.status).toBe(128 + 15);
  });

  it('run: Ctrl-C (SIGINT to elfbox) ends the guest with SIGINT: exit 130', async (ctx) => {
    if (!tool) return ctx.skip();
    const child = spawn(process.execPath, [MAIN, 'run', tool, 'say', 'sleeping', 'sleep', '20', 'say', 'not reached'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('sleeping')) setTimeout(() => child.kill('SIGINT'), 100); });
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    expect(code).toBe(130);
    expect(out).toBe('sleeping\n');
  });

  it('run: host env by default, --env sets, --unset-env removes', (ctx) => {
    if (!tool) return ctx.skip();
    const r = elfbox(['run', '--env', 'B=2', '--unset-env', 'C', tool, 'env', 'A', 'env', 'B', 'env', 'C'], { A: 'from-host', C: 'gone' });
    expect(r.out).toBe('A=from-host\nB=2\nC=(unset)\n');
  });

  it('run --strace prints syscalls to stderr; --cpu unicorn runs the same program', (ctx) => {
    if (!tool) return ctx.skip();
    const r = elfbox(['run', '--strace', tool, 'say', 'x']);
    expect(r.out).toBe('x\n');
    expect(r.err).toMatch(/^writev\(1, \[\{iov_base="x", iov_len=1\}, \{iov_base="\\n", iov_len=1\}\], 2\) = 2$/m);
    expect(r.err.trimEnd().split('\n').at(-1)).toBe('+++ exited with 0 +++');
    const u = elfbox(['run', '--cpu', 'unicorn', tool, 'say', 'y', 'exit', '3']);
    if (u.err.includes('apt-get install libunicorn2')) return;
    expect([u.out, u.status]).toEqual(['y\n', 3]);
  });

  it('one-line errors: no such file, not an ELF, unknown backend, missing interpreter', (ctx) => {
    const d = tempDir('elfbox-cli-');
    const nf = elfbox(['run', join(d, 'missing')]);
    expect([nf.status, nf.err]).toEqual([127, `elfbox: ${join(d, 'missing')}: No such file or directory\n`]);
    writeFileSync(join(d, 'script.sh'), '#!/bin/sh\necho hi\n');
    const ne = elfbox(['run', join(d, 'script.sh')]);
    expect([ne.status, ne.err]).toEqual([127, `elfbox: ${join(d, 'script.sh')}: not an ELF executable\n`]);
    if (tool) {
      const arm32 = readFileSync(tool);
      arm32[18] = 40; arm32[19] = 0; // e_machine = EM_ARM
      writeFileSync(join(d, 'arm'), arm32);
      const um = elfbox(['run', join(d, 'arm')]);
      expect(um.status).toBe(127);
      expect(um.err.startsWith(`elfbox: ${join(d, 'arm')}: unsupported machine (`)).toBe(true);
      expect(um.err.split('\n')).toHaveLength(2); // one line
    }
    const ub = elfbox(['run', '--cpu', 'z80', join(d, 'script.sh')]);
    expect(ub.status).toBe(2);
    expect(ub.err).toBe(`elfbox: unknown CPU backend 'z80' (known: ts, x86_64, aarch64, unicorn)\n`);
    const bad = elfbox(['run', '--bogus', 'x']);
    expect([bad.status, bad.err]).toEqual([2, 'elfbox: unknown option --bogus\n']);
    if (!dynTool || !existsSync('/lib64/ld-linux-x86-64.so.2')) return ctx.skip();
    const ni = elfbox(['run', '--root', d, dynTool]);
    expect(ni.status).toBe(127);
    expect(ni.err.split('\n').length).toBe(2);
    expect(ni.err).toContain('interpreter /lib64/ld-linux-x86-64.so.2 not found under');
  });

  it('inspect shows headers, segments, auxv and the stack diagram without running', (ctx) => {
    if (!tool) return ctx.skip();
    const r = elfbox(['inspect', tool, 'a1']);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`${tool}: ELF64 x86_64 ET_EXEC`);
    expect(r.out).toContain('interpreter: (none: statically linked)');
    expect(r.out).toMatch(/^ {2}LOAD +0x0 +0x400000/m);
    expect(r.out).toMatch(/^ {2}AT_PAGESZ +0x1000$/m);
    expect(r.out).toContain('argv[1] string "a1"');
    expect(r.out).toMatch(/\| argc = 2 \(8 B\) +\| {2}<- sp$/m);
    const lines = r.out.split('\n').filter((l) => /^ +0x[0-9a-f]+ \|/.test(l)).map((l) => parseInt(l.trim().split(' ')[0], 16));
    expect(lines.length).toBeGreaterThan(10);
    expect([...lines].sort((a, b) => b - a)).toEqual(lines); // high addresses on top
  });
});

describe('elfbox run --lockstep', () => {
  const unicorn = existsSync('/usr/lib/x86_64-linux-gnu/libunicorn.so.2');
  it.skipIf(!unicorn)('runs the TypeScript CPU checked against Unicorn to the same output (x86-64 and aarch64)', () => {
    for (const prog of ['examples/bin/x86_64/hello-musl', 'examples/bin/aarch64/hello-nolibc']) {
      const r = elfbox(['run', '--lockstep', 'unicorn', join(ROOT, prog)]);
      expect(r.err).toBe('');
      expect(r.out).toBe('hello, world\n');
      expect(r.status).toBe(0);
    }
  });
  it('rejects an oracle other than unicorn', () => {
    const r = elfbox(['run', '--lockstep', 'qemu', join(ROOT, 'examples/bin/x86_64/hello-musl')]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/--lockstep takes 'unicorn'/);
  });
});

describe('elfbox run --stats', () => {
  it('prints the guest instruction count the TypeScript CPU retired, after the guest output', () => {
    const r = elfbox(['run', '--stats', join(ROOT, 'examples/bin/x86_64/hello-musl')]);
    expect(r.status).toBe(0);
    expect(r.out).toBe('hello, world\n');
    const m = /^elfbox: exit status 0; (\d+) guest instructions in [\d.]+ ms \([\d.]+ MIPS\)$/m.exec(r.err);
    expect(m).not.toBeNull();
    // musl's static hello runs about a thousand instructions: a count of 0 or millions is wrong
    expect(Number(m![1])).toBeGreaterThan(200);
    expect(Number(m![1])).toBeLessThan(100_000);
  });
});

describe('the linked bin (pnpm exec elfbox)', () => {
  it('packages/cli/bin/elfbox.js runs a program and passes its exit status on', () => {
    const bin = join(ROOT, 'packages/cli/bin/elfbox.js');
    const r = spawnSync(process.execPath, [bin, 'run', join(ROOT, 'examples/bin/x86_64/hello-musl')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toBe('hello, world\n');
    expect(r.status).toBe(0);
    const bad = spawnSync(process.execPath, [bin, 'run', join(ROOT, 'README.md')], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(127);
    expect(bad.stderr).toMatch(/^elfbox: .*README\.md/);
  });
});
