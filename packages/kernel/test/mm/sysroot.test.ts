// aarch64 programs from Debian arm64 packages in a sysroot (scripts/make-sysroot-arm64.sh builds
// it; skipped when it has not been built): output identical to qemu-aarch64 -L with the same
// sysroot (sort, sha256sum, find, perl, sqlite3, ls -la, tar and gzip, python3; ls -la / itself cannot be
// compared: qemu-user -L shows the sysroot's / there). The host's cross libraries
// serve as the automatic sysroot for our own dynamic build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '@elfbox/cpu';
import { run } from '../../src/api.js';
import { makeTree, treeOf } from './trees.js';

const SYSROOT = process.env.ELFBOX_SYSROOT_ARM64 ?? join(tmpdir(), 'elfbox-sysroot-arm64');
const ready = existsSync(join(SYSROOT, '.done')) && spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status === 0;
const dec = new TextDecoder();
let backend: CpuBackend;
let data = '';
let tree = '';
const arg = (a: string) => (a === 'DATA' ? data : a === 'TREE' ? tree : a);
const want: Record<string, string> = {};
const PROGS: Array<[string, string[]]> = [['usr/bin/sort', ['DATA']], ['usr/bin/sha256sum', ['DATA']], ['usr/bin/find', [SYSROOT + '/usr/share/doc/gzip']],
  ['usr/bin/perl', ['-e', 'print join(",", map { $_*$_ } 1..10), "\\n"']],
  ['usr/bin/sqlite3', [':memory:', "create table t(a, b); insert into t values (1, 'x'), (2, 'y'); select a * 10, upper(b) from t order by a desc; select count(*), sum(a) from t;"]],
  ['bin/ls', ['-la', 'TREE']]];

beforeAll(async () => {
  backend = (await import('@elfbox/cpu-aarch64')).backend;
  data = join(mkdtempSync(join(tmpdir(), 'elfbox-sysroot-')), 'data.txt');
  tree = join(data, '..', 'tree');
  makeTree(tree);
  writeFileSync(data, 'pear\napple\nfig\nbanana\n');
  if (!ready) return;
  for (const [p, args] of PROGS) {
    want[p] = spawnSync('qemu-aarch64', ['-L', SYSROOT, join(SYSROOT, p), ...args.map(arg)], { encoding: 'utf8' }).stdout;
  }
});

describe.runIf(ready)('Debian arm64 programs in a sysroot', () => {
  it.each(PROGS)('%s gives the output qemu-aarch64 -L gives', async (p, args) => {
    expect(want[p].length).toBeGreaterThan(5);
    const path = join(SYSROOT, p);
    const r = await run({ path, argv: [path, ...args.map(arg)], backend, sysroot: SYSROOT, stdout: 'capture', stderr: 'capture' });
    expect(dec.decode(r.stdout)).toBe(want[p]);
    expect(r.status).toBe(0);
  }, 60_000);

  // python3 from the sysroot (the script adds Debian's python3.X-minimal and libpython3.X-stdlib):
  // about 45 s of CPU on the TypeScript aarch64 CPU, the slowest test here
  const python = ['usr/bin/python3.11', 'usr/bin/python3.13'].find((p) => existsSync(join(SYSROOT, p)));
  it.runIf(python)('python3 -c json + hashlib gives what qemu-aarch64 -L gives', async () => {
    const path = join(SYSROOT, python!);
    const args = ['-c', 'import json,hashlib; print(json.dumps({"a": hashlib.sha256(b"x").hexdigest()}))'];
    const want = spawnSync('qemu-aarch64', ['-L', SYSROOT, path, ...args], { encoding: 'utf8' }).stdout;
    expect(want).toContain('2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881');
    const r = await run({ path, argv: [path, ...args], backend, sysroot: SYSROOT, stdout: 'capture', stderr: 'capture' });
    expect(dec.decode(r.stderr)).toBe('');
    expect(dec.decode(r.stdout)).toBe(want);
    expect(r.status).toBe(0);
  }, 300_000);

  it('tar and gzip round trips give the archive, the compressed bytes and the tree qemu-aarch64 -L gives', async () => {
    // (not tar -z: tar would exec gzip by PATH, and qemu-user can only exec host binaries)
    const work = mkdtempSync(join(tmpdir(), 'elfbox-sysroot-tar-'));
    makeTree(join(work, 'tree'));
    const tar = join(SYSROOT, 'bin/tar'), gzip = join(SYSROOT, 'bin/gzip');
    const qemu = (argv: string[]) => spawnSync('qemu-aarch64', ['-L', SYSROOT, ...argv], { maxBuffer: 1 << 24 });
    const ours = (argv: string[], stdin?: Uint8Array) => run({ path: argv[0], argv, stdin, backend, sysroot: SYSROOT, stdout: 'capture', stderr: 'capture' });
    expect(qemu([tar, '-cf', join(work, 'q.tar'), '-C', join(work, 'tree'), '.']).status).toBe(0);
    expect((await ours([tar, '-cf', join(work, 'e.tar'), '-C', join(work, 'tree'), '.'])).status).toBe(0);
    const list = (f: string) => qemu([tar, '-tvf', f]).stdout.toString();
    expect(list(join(work, 'e.tar'))).toBe(list(join(work, 'q.tar')));
    expect(dec.decode((await ours([tar, '-tvf', join(work, 'q.tar')])).stdout)).toBe(list(join(work, 'q.tar')));
    const z = await ours([gzip, '-c', '-9', join(work, 'e.tar')]);
    expect(z.status).toBe(0);
    expect(Buffer.from(z.stdout!).equals(qemu([gzip, '-c', '-9', join(work, 'e.tar')]).stdout)).toBe(true);
    const back = await ours([gzip, '-dc'], z.stdout);
    expect(Buffer.from(back.stdout!).equals(readFileSync(join(work, 'e.tar')))).toBe(true);
    mkdirSync(join(work, 'x'));
    const x = await ours([tar, '--no-same-permissions', '--no-same-owner', '-xf', join(work, 'e.tar'), '-C', join(work, 'x')]);
    expect(dec.decode(x.stderr)).toBe('');
    expect(x.status).toBe(0);
    expect(treeOf(join(work, 'x'))).toEqual(treeOf(join(work, 'tree')));
  }, 120_000);
});
