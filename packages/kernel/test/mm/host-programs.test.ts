// Host programs linked against the host's glibc (the done-when list), run under elfbox on
// the TypeScript x86-64 CPU: output identical to the same program run natively. (sort, sha256sum
// and perl are in mm-programs.test.ts; the aarch64 counterparts in sysroot.test.ts.)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '@elfbox/cpu';
import { run } from '../../src/api.js';
import { makeTree, treeOf } from './trees.js';

const dec = new TextDecoder();
let backend: CpuBackend;
let work = '';

beforeAll(async () => {
  backend = (await import('@elfbox/cpu-x86_64')).backend;
  work = mkdtempSync(join(tmpdir(), 'elfbox-hostprog-'));
  makeTree(join(work, 'tree'));
});

async function elfbox(argv: string[]) {
  const r = await run({ path: argv[0], argv, backend, stdout: 'capture', stderr: 'capture' });
  return { status: r.status, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

function native(argv: string[]) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

/** /dev, /proc and /sys are the kernel's own under elfbox; /tmp's link count moves while others work. */
const notVirtual = (s: string) => s.split('\n').filter((l) => !/ (dev|proc|sys|tmp)$/.test(l)).join('\n');

describe.runIf(existsSync('/usr/bin/ls'))('host programs, dynamically linked, as native', () => {
  it('ls -la /', async () => {
    const want = native(['/usr/bin/ls', '-la', '/']);
    const got = await elfbox(['/usr/bin/ls', '-la', '/']);
    expect(got.err).toBe('');
    expect(notVirtual(got.out)).toBe(notVirtual(want.out));
    expect(got.out.split('\n').length).toBe(want.out.split('\n').length);
    expect(got.status).toBe(0);
  }, 60_000);

  it('find with -printf', async () => {
    const argv = ['/usr/bin/find', join(work, 'tree'), '-printf', '%P %s %y %m\\n'];
    const want = native(argv);
    expect(want.out.split('\n').length).toBeGreaterThan(5);
    const got = await elfbox(argv);
    expect(got.out).toBe(want.out);
    expect(got.status).toBe(0);
  }, 60_000);

  it('tar -czf (tar runs gzip) and tar -xzf: the same archive listing and the same tree back', async () => {
    const tgz = join(work, 'e.tgz'), ntgz = join(work, 'n.tgz');
    expect((await elfbox(['/usr/bin/tar', '-czf', tgz, '-C', join(work, 'tree'), '.'])).status).toBe(0);
    expect(native(['/usr/bin/tar', '-czf', ntgz, '-C', join(work, 'tree'), '.']).status).toBe(0);
    expect(native(['/usr/bin/tar', '-tzvf', tgz]).out).toBe(native(['/usr/bin/tar', '-tzvf', ntgz]).out);
    const listed = await elfbox(['/usr/bin/tar', '-tzvf', ntgz]);
    expect(listed.out).toBe(native(['/usr/bin/tar', '-tzvf', ntgz]).out);
    // (as root, tar restores directory modes with chmod("/proc/self/fd/N") on an O_PATH fd: the
    // magic link must lead chmod to the directory it names)
    const out = join(work, 'x');
    mkdirSync(out);
    const x = await elfbox(['/usr/bin/tar', '-xzf', ntgz, '-C', out]);
    expect(x.err).toBe('');
    expect(x.status).toBe(0);
    expect(treeOf(out)).toEqual(treeOf(join(work, 'tree')));
  }, 120_000);

  it('gzip -c and gzip -dc round trips with the host gzip', async () => {
    const src = join(work, 'tree', 'c', 'n.txt');
    const z = await run({ path: '/usr/bin/gzip', argv: ['gzip', '-c', '-9', src], backend, stdout: 'capture' });
    expect(z.status).toBe(0);
    expect(spawnSync('gunzip', ['-c'], { input: z.stdout }).stdout.toString('latin1')).toBe(readFileSync(src, 'latin1'));
    const nz = spawnSync('gzip', ['-c', src]).stdout;
    const d = await run({ path: '/usr/bin/gzip', argv: ['gzip', '-dc'], stdin: new Uint8Array(nz), backend, stdout: 'capture' });
    expect(dec.decode(d.stdout)).toBe(readFileSync(src, 'utf8'));
  }, 60_000);

  it.runIf(existsSync('/usr/bin/sqlite3'))('sqlite3 :memory: with a few statements', async () => {
    const argv = ['/usr/bin/sqlite3', ':memory:', "create table t(a, b); insert into t values (1, 'x'), (2, 'y'), (3, null); " +
      "select a * 10, upper(b) from t order by a desc; select count(*), sum(a), group_concat(b, '+') from t; select sqlite_version() = sqlite_version();"];
    const want = native(argv);
    expect(want.out).toContain('20|Y');
    const got = await elfbox(argv);
    expect(got.out).toBe(want.out);
    expect(got.status).toBe(0);
  }, 60_000);

  it.runIf(existsSync('/usr/bin/python3'))('python3 -c json + hashlib', async () => {
    const argv = ['/usr/bin/python3', '-c', 'import json,hashlib; print(json.dumps({"a": hashlib.sha256(b"x").hexdigest()}))'];
    const want = native(argv);
    expect(want.out).toContain('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
    const got = await elfbox(argv);
    expect(got.err).toBe('');
    expect(got.out).toBe(want.out);
    expect(got.status).toBe(0);
  }, 180_000);
});
