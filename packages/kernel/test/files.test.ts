import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Errno } from '@elfbox/abi';
import { SysError } from '../src/errors.js';
import { FdTable } from '../src/files/fdtable.js';
import { DevFull, DevNull, DevZero } from '../src/files/devices.js';
import { GeneratedFile } from '../src/files/host.js';
import { Vfs, type OpenRequest } from '../src/files/vfs.js';
import { harness } from './harness.js';

/** Temp directories made by these tests, removed afterwards. */
const temps: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); temps.push(d); return d; };
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

const errno = (f: () => unknown): number | undefined => {
  try { f(); } catch (e) { if (e instanceof SysError) return e.errno; throw e; }
  return undefined;
};
const RO: OpenRequest = { access: 0, create: false, excl: false, trunc: false, append: false, directory: false, nofollow: false, pathOnly: false, mode: 0, rawFlags: 0 };

function tree(): string {
  const d = tempDir('elfbox-vfs-');
  writeFileSync(join(d, 'f'), 'data');
  mkdirSync(join(d, 'dir'));
  symlinkSync('loop2', join(d, 'loop1'));
  symlinkSync('loop1', join(d, 'loop2'));
  symlinkSync('f', join(d, 'rel-link'));
  symlinkSync('/dir', join(d, 'dir-link'));
  return d;
}

describe('Vfs', () => {
  it('resolves relative paths, symlinks and .. against the root', () => {
    const d = tree();
    const v = new Vfs(d, () => undefined);
    expect(v.resolve('/dir', '../f', true)).toMatchObject({ guest: '/f', host: join(d, 'f'), exists: true, isDir: false });
    expect(v.resolve('/', 'dir-link/../f', true).guest).toBe('/f');
    expect(v.resolve('/', 'rel-link', true).guest).toBe('/f');
    expect(v.resolve('/', 'rel-link', false)).toMatchObject({ guest: '/rel-link', isLink: true });
    expect(v.resolve('/', 'nope', true)).toMatchObject({ exists: false, guest: '/nope' });
    expect(v.guestPath(join(d, 'dir'))).toBe('/dir');
    expect(v.guestPath('/elsewhere')).toBeUndefined();
  });

  it('reports ELOOP, ENOTDIR, ENOENT, ENAMETOOLONG as Linux does', () => {
    const d = tree();
    const v = new Vfs(d, () => undefined);
    expect(errno(() => v.resolve('/', 'loop1', true))).toBe(Errno.ELOOP);
    expect(errno(() => v.resolve('/', 'f/', true))).toBe(Errno.ENOTDIR);
    expect(errno(() => v.resolve('/', 'f/x', true))).toBe(Errno.ENOTDIR);
    expect(errno(() => v.resolve('/', 'a/b', true))).toBe(Errno.ENOENT);
    expect(errno(() => v.resolve('/', '', true))).toBe(Errno.ENOENT);
    expect(errno(() => v.resolve('/', 'x'.repeat(300), true))).toBe(Errno.ENAMETOOLONG);
    expect(errno(() => v.open('/', 'rel-link', { ...RO, nofollow: true }))).toBe(Errno.ELOOP);
    expect(errno(() => v.open('/', 'f', { ...RO, directory: true }))).toBe(Errno.ENOTDIR);
    expect(errno(() => v.open('/', 'dir', { ...RO, access: 1 }))).toBe(Errno.EISDIR);
    expect(errno(() => v.readlink('/', 'f'))).toBe(Errno.EINVAL);
    expect(v.readlink('/', 'rel-link')).toBe('f');
  });

  it('serves the kernel\'s own nodes; the host /proc is never visible', () => {
    const h = harness();
    const v = h.kernel.vfs;
    expect(v.readlink('/', '/proc/self/exe')).toBe('/usr/bin/prog');
    expect(v.readlink('/', `/proc/${h.tg.pid}/exe`)).toBe('/usr/bin/prog');
    expect(v.stat('/', '/proc/self/status', true).mode).toBe(0o100444);
    expect(errno(() => v.stat('/', '/proc/9999/exe', false))).toBe(Errno.ENOENT);
    expect(errno(() => v.stat('/', '/proc/kcore', true))).toBe(Errno.ENOENT);
    expect(errno(() => v.stat('/', '/proc/self/nonesuch', true))).toBe(Errno.ENOENT);
    const maps = v.open('/', '/proc/self/maps', RO);
    expect(maps).toBeInstanceOf(GeneratedFile);
    expect(new TextDecoder().decode(maps.read(4096) as Uint8Array)).toBe(h.tg.mm.formatMaps());
    expect(v.open('/', '/dev/null', RO)).toBeInstanceOf(DevNull);
    expect(v.readlink('/', '/proc/self')).toBe(String(h.tg.pid));
    expect(v.readlink('/', '/proc/self/fd/1')).toBe('/dev/stdout');
    expect(errno(() => v.readlink('/', '/proc/self/fd/9'))).toBe(Errno.ENOENT);
    h.tg.argv = ['prog', 'a b'];
    const cmd = v.open('/', '/proc/self/cmdline', RO).read(100) as Uint8Array;
    expect(new TextDecoder().decode(cmd)).toBe('prog\0a b\0');
    h.tg.auxv = [[6, 4096n], [0, 0n]];
    const aux = v.open('/', '/proc/self/auxv', RO).read(100) as Uint8Array;
    expect([...new BigUint64Array(aux.buffer.slice(0, 32))]).toEqual([6n, 4096n, 0n, 0n]);
  });

  it('/dev/zero, /dev/full and /dev/urandom behave like the Linux devices', () => {
    const h = harness();
    const v = h.kernel.vfs;
    const z = v.open('/', '/dev/zero', RO);
    expect(z).toBeInstanceOf(DevZero);
    expect([...(z.read(5) as Uint8Array)]).toEqual([0, 0, 0, 0, 0]);
    const f = v.open('/', '/dev/full', { ...RO, access: 1 });
    expect(f).toBeInstanceOf(DevFull);
    expect(errno(() => f.write(Uint8Array.of(1)))).toBe(Errno.ENOSPC);
    const u = v.open('/', '/dev/urandom', RO).read(32) as Uint8Array;
    expect(u.length).toBe(32);
    expect(u.some((b) => b !== 0)).toBe(true);
    expect(Number(v.stat('/', '/dev/urandom', true).rdev)).toBe((1 << 8) | 9);
  });
});

describe('FdTable', () => {
  it('allocates the lowest free fd, honours the limit, closes on exec, shares descriptions on clone', () => {
    const t = new FdTable();
    const a = new DevNull(0, '/dev/null');
    expect(t.add(a)).toBe(0);
    expect(t.add(a.ref(), true)).toBe(1);
    expect(t.add(a.ref(), false, 10)).toBe(10);
    t.close(0);
    expect(t.add(a.ref())).toBe(0);
    const c = t.clone();
    t.closeOnExec();
    expect(t.has(1)).toBe(false);
    expect(c.has(1)).toBe(true);
    expect(c.getCloexec(1)).toBe(true);
    expect(errno(() => t.get(1))).toBe(Errno.EBADF);
    expect(errno(() => t.close(99))).toBe(Errno.EBADF);
    t.limit = 11;
    expect(errno(() => t.add(a.ref(), false, 11))).toBe(Errno.EMFILE);
    t.setAt(5, a.ref());
    expect(t.entries().map(([fd]) => fd)).toEqual([0, 5, 10]);
  });
});
