// --strace renders clone and clone3 as strace does (named arguments chosen by the flags, flag
// names in strace's order, the exit signal, parent_tid=[tid] read back after the call, clone3's
// struct and `=> {parent_tid=[tid]}`). Compared with the real strace of the same binary run
// natively (`strace -e trace=clone,clone3`, no -f so lines are never split), addresses and tids
// replaced by placeholders. aarch64 (glibc forks with clone(flags, stack, ptid, tls, ctid), its
// own argument order) must print what x86-64 prints.
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { build, type Arch } from '../signals/build.js';
import { loadBackends, runUnder } from '../signals/runner.js';

beforeAll(loadBackends);

const haveStrace = spawnSync('strace', ['-V'], { stdio: 'ignore' }).status === 0 && process.arch === 'x64';

const norm = (lines: string[]): string[] => lines.map((l) => l
  .replace(/0x[0-9a-f]+/g, 'ADDR').replace(/\[\d+\]/g, '[TID]').replace(/\s+= (\d+)$/, ' = TID'));

function nativeCloneLines(path: string): string[] {
  const r = spawnSync('strace', ['-e', 'trace=clone,clone3', path], { encoding: 'utf8', timeout: 30_000 });
  return norm(r.stderr.split('\n').filter((l) => /^clone3?\(/.test(l)));
}

const CASES: Array<[string, 'signals' | 'threads', 'glibc' | 'musl', string]> = [
  ['pimutex', 'threads', 'musl', 'musl threads: clone with CLONE_SETTLS, PARENT_SETTID, CHILD_CLEARTID'],
  ['pimutex', 'threads', 'glibc', 'glibc threads: clone3'],
  ['sigfd', 'signals', 'glibc', 'glibc fork: clone(child_stack=NULL, flags=...|SIGCHLD, child_tidptr=...)'],
];

describe.each(CASES)('%s (%s, %s)', (name, dir, libc, what) => {
  it(`x86-64: the same clone lines as strace (${what})`, async (ctx) => {
    const path = build(dir, name, 'x86_64', libc);
    if (!path || !haveStrace) return ctx.skip();
    const expected = nativeCloneLines(path);
    const r = await runUnder(path, 'x86_64', 'ts', { strace: true });
    if (!r) return ctx.skip();
    expect(expected.length).toBeGreaterThan(0);
    expect(norm(r.strace.replace(/^\[pid +\d+\] /gm, '').split('\n').filter((l) => /^clone3?\(/.test(l)))).toEqual(expected);
  }, 60_000);
});

describe('aarch64 argument order', () => {
  it('glibc fork on aarch64 prints what x86-64 strace prints', async (ctx) => {
    const a64 = build('signals', 'sigfd', 'aarch64' as Arch);
    const x86 = build('signals', 'sigfd', 'x86_64');
    if (!a64 || !x86 || !haveStrace) return ctx.skip();
    const expected = nativeCloneLines(x86);
    const r = await runUnder(a64, 'aarch64', 'ts', { strace: true });
    if (!r) return ctx.skip();
    expect(norm(r.strace.replace(/^\[pid +\d+\] /gm, '').split('\n').filter((l) => /^clone3?\(/.test(l)))).toEqual(expected);
  }, 60_000);
});
