// Files C programs (test/c/files) built static with glibc for x86-64 and aarch64, run natively /
// under qemu-aarch64 and under elfbox: the programs check Linux's guarantees themselves and print
// only what must hold, so the expected lines are exact and native Linux must print them too.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { build, elfboxRun, nativeRun, type Arch } from './cprog.js';

const ARCHES: Arch[] = ['x86_64', 'aarch64'];

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'elfbox-cfiles-'));
}

/** Runs name natively and under elfbox with a fresh scratch dir each; both must print `want`. */
async function both(name: string, arch: Arch, want: string, args: (dir: string) => string[] = (d) => [d], skipNative = false) {
  const bin = build(name, arch);
  if (!bin) return;
  const nd = scratch(), gd = scratch();
  try {
    const nat = skipNative ? undefined : nativeRun(bin, arch, args(nd));
    if (nat) expect(nat.out, `native ${name}`).toBe(want);
    const r = await elfboxRun(bin, arch, args(gd));
    expect(r.out + r.err, `elfbox ${name} ${arch}`).toBe(want);
    expect(r.status).toBe(0);
  } finally {
    rmSync(nd, { recursive: true, force: true });
    rmSync(gd, { recursive: true, force: true });
  }
}

describe('getdents positions while the directory changes (dirstable.c)', () => {
  const want = [
    'A: calls>1=1 dot+dotdot=2 dups=0 throughout-missing=0 once=1',
    'B: ten-read=10 still-there-in-order=8 order_ok=1',
    'B: after-removed-entry-resumes-at-next=1',
    'C: rewind-lists-all=1 dups=0',
    '',
  ].join('\n');
  for (const arch of ARCHES) it(arch, async () => { await both('dirstable', arch, want); }, 60_000);
});

describe('ppoll/pselect6/epoll_pwait signal masks, select/pselect6/ppoll time left (pollsig.c)', () => {
  const want = [
    'ppoll mask: r=-1 errno=EINTR hits=1 blocked-after=1',
    'pselect6 mask: r=-1 errno=EINTR hits=1 blocked-after=1',
    'epoll_pwait mask: r=-1 errno=EINTR hits=1 blocked-after=1',
    'glibc ppoll: r=-1 hits=1 blocked-after=1',
    'glibc pselect: r=-1 hits=1 blocked-after=1',
    'ppoll keeps blocked: r=0 hits=0',
    'after unblock: hits=1',
    'signal during masked ppoll: r=1 revents=0x1 hits-after=1',
    'ppoll timeout: r=0 left=0.000000000',
    'pselect6 timeout: r=0 left=0.000000000 set=0',
    'select timeout: r=0 left=0.000000',
    'select usec>1e6 ready: r=1 normalized=1 below=1',
    'glibc select timeout: r=0 left=0.000000',
    'ppoll bad ts: r=-1 einval=1',
    '',
  ].join('\n');
  // qemu-aarch64 runs the handler of a signal that came during a masked ppoll later than Linux
  // does (hits-after=0 there), so aarch64 is held to the x86-64 native lines.
  for (const arch of ARCHES) it(arch, async () => { await both('pollsig', arch, want, () => [], arch === 'aarch64'); }, 60_000);
});

describe('sendfile / copy_file_range: > 1 MiB per call, offsets (sendfile.c)', () => {
  const want = [
    'sendfile all: n=3158073 pos=3158073',
    'same content: 1',
    'sendfile off: n=2500000 off=2500100 pos=7',
    'sendfile near eof: n=10 off=3158073',
    'sendfile at eof: n=0 off=3158073',
    'sendfile negative off: n=-1 einval=1',
    'dst2 size=2500010',
    'sendfile pipe: n=65536 pos-matches=1',
    'sendfile full pipe: n=-1 eagain=1',
    'copy_file_range: n=3158073 in=3158073 out=3158073',
    'same content: 1',
    '',
  ].join('\n');
  it('x86_64', async () => { await both('sendfile', 'x86_64', want); }, 60_000);
});

describe('record locks between processes (locks.c)', () => {
  const want = [
    'parent setlk: 0',
    'child getlk: locked-by-parent',
    'child setlk: EAGAIN',
    "child getlk after parent's close: unlocked",
    'parent ofd setlk: 0',
    'child ofd getlk: locked-ofd',
    'parent lock byte 0: 0',
    'deadlock: EDEADLK on exactly one side=1 child-status-ok=1',
    '',
  ].join('\n');
  for (const arch of ARCHES) it(arch, async () => { await both('locks', arch, want); }, 60_000);
});

describe('xattrs (xattr.c): host files have none; tmpfs keeps them', () => {
  const bin = () => build('xattr', 'x86_64');
  it('host directory: the answers Linux gives for a file without attributes', async () => {
    await both('xattr', 'x86_64', [
      'getxattr dir user.x: ENODATA', 'lgetxattr security.selinux: ENODATA', 'getxattr acl: ENODATA', 'listxattr: 0',
      'llistxattr link size: 0', 'unknown namespace: EOPNOTSUPP', 'bare prefix: EINVAL', 'empty name: ERANGE',
      'missing file: ENOENT', 'fgetxattr pipe: ENODATA', 'flistxattr pipe: 0', 'fgetxattr bad fd: EBADF', '',
    ].join('\n'), (d) => ['host', d]);
  }, 60_000);
  it('--tmpfs: set/get/list/remove as Linux tmpfs (native: /dev/shm)', async () => {
    const b = bin();
    if (!b) return;
    const want = [
      'set user.color: ok', 'create existing: EEXIST', 'replace missing: ENODATA', 'replace: ok', 'set trusted (root): ok',
      'set empty value: ok', 'bad flags: EINVAL', 'user. on a symlink: EPERM', 'get size: 5', 'get small buffer: ERANGE',
      'get through link: 5 green', 'get empty: 0', 'list size: 28', 'list small buffer: ERANGE',
      'list: n=28 [trusted.t user.color user.e]', 'fsetxattr: ok', 'flist: n=36 [trusted.t user.color user.e user.fd]',
      'fremovexattr: ok', 'remove: ok', 'remove again: ENODATA', 'get removed: ENODATA', 'set on dir: ok',
      'dir list: n=7 [user.d]', 'value too big: E2BIG', '',
    ].join('\n');
    if (process.getuid?.() === 0 && existsSync('/dev/shm')) {
      const nd = mkdtempSync('/dev/shm/elfbox-xattr-');
      try { expect(nativeRun(b, 'x86_64', ['mem', nd])?.out).toBe(want); } finally { rmSync(nd, { recursive: true, force: true }); }
    }
    const r = await elfboxRun(b, 'x86_64', ['mem', '/xt'], { tmpfs: ['/xt'] });
    expect(r.out + r.err).toBe(want);
  }, 60_000);
});

describe("Debian's dynamic /bin/ls -la (coreutils: lgetxattr/getxattr for SELinux labels and ACLs)", () => {
  it('prints what it prints natively for a tree on the host', async () => {
    if (!existsSync('/bin/ls') || process.arch !== 'x64') return;
    const top = scratch();
    // a tree one level down, so `..` is our scratch directory and not /tmp, which others change meanwhile
    const d = join(top, 't');
    try {
      mkdirSync(d);
      mkdirSync(join(d, 'sub'));
      writeFileSync(join(d, 'f'), 'hello\n');
      symlinkSync('f', join(d, 'lnk'));
      const nat = spawnSync('/bin/ls', ['-la', '--time-style=+T', d], { encoding: 'utf8', env: {} });
      const { backend } = await import('@elfbox/cpu-x86_64');
      const r = await elfboxRun('/bin/ls', 'x86_64', ['-la', '--time-style=+T', d], { backend });
      expect(r.err).toBe('');
      expect(r.out).toBe(nat.stdout);
      expect(r.status).toBe(0);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('permission checks with the guest identity (perms.c, run as root, then uid 1000 / gid 2000)', () => {
  const want = [
    'root: open f600 rw=ok access R=ok X(no x bit)=EACCES X dir=ok open priv/inner=ok',
    'user: open f600 ro=EACCES access F=ok R=EACCES W=EACCES',
    'user: f604 ro=ok wo=EACCES access R=ok W=EACCES',
    'user: group g040 ro=ok; owner class own004 ro=EACCES',
    'user: x700 access X=EACCES',
    'user: through priv/: open=EACCES stat=EACCES access=EACCES; priv itself stat=ok',
    'user: create in shut/=EACCES in open/=ok',
    'user: new file owner uid=1000 gid=2000',
    'user: O_PATH of f600=ok; truncate open f604=EACCES',
    'user: mkdir in shut/=EACCES in open/=ok; symlink in shut/=EACCES in open/=ok',
    'user: new dir owner uid=1000 gid=2000',
    'user: unlink f604 (dir not writable)=EACCES; unlink missing=ENOENT; rmdir shut=EACCES',
    "user: sticky: unlink root's file=EPERM rename it=EPERM; own file: create=ok unlink=ok",
    'user: rename open/new into shut/=EACCES within open/=ok; link into shut/=EACCES',
    'user: chmod not-owner=EPERM own=ok; chown own to 0=EPERM; chgrp own to 2000=ok to 0=EPERM; chgrp f604=EPERM',
    'user: truncate f604=EACCES own=ok',
    'user: fchmod not-owner=EPERM own=ok; fchown own group=ok owner=EPERM',
    'user: utimensat now on r-only=EACCES on writable=ok; explicit on not-owned=EPERM own=ok',
    '',
  ].join('\n');
  // The program starts as root and chowns its files: the host must be root (natively and for elfbox's host files).
  const root = process.getuid?.() === 0;
  for (const arch of ARCHES) it.skipIf(!root)(arch, async () => { await both('perms', arch, want); }, 60_000);
});

describe('strace rendering of poll/ppoll/select/pselect6/epoll_* (stracepoll.c) against real strace', () => {
  it('x86_64', async () => {
    const bin = build('stracepoll', 'x86_64');
    if (!bin || spawnSync('strace', ['-V'], { stdio: 'ignore' }).status !== 0) return;
    const d = scratch();
    try {
      const out = join(d, 'trace');
      const nat = spawnSync('strace', ['-e', 'trace=poll,ppoll,select,pselect6,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait', '-o', out, bin], { encoding: 'utf8' });
      expect(nat.status).toBe(0);
      // the time left differs from run to run: compare its shape
      const norm = (s: string) => s.split('\n').filter((l) => /^(poll|ppoll|select|pselect6|epoll_\w+)\(/.test(l))
        .map((l) => l.replace(/left \{tv_sec=\d+, tv_(n|u)sec=\d+\}/g, 'left {tv_sec=N, tv_$1sec=N}'));
      const want = norm(readFileSync(out, 'utf8'));
      expect(want.length).toBe(16);
      const r = await elfboxRun(bin, 'x86_64', [], { strace: true });
      expect(norm(r.strace)).toEqual(want);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('close_range flags and posix_fadvise errors (closerange.c)', () => {
  const want = [
    'close 11-12: r=0 open=1001',
    'cloexec 13-14: r=0 open=11 cloexec=110',
    'unshare 14-max: r=0 open=100',
    'first>last: r=-1 errno=Invalid argument',
    'bad flags: r=-1 errno=Invalid argument',
    'nothing open: r=0',
    'fadvise file: 0',
    'fadvise bad advice: Invalid argument',
    'fadvise negative len: Invalid argument',
    'fadvise pipe: Illegal seek',
    'fadvise bad fd: Bad file descriptor',
    '',
  ].join('\n');
  for (const arch of ARCHES) it(arch, async () => { await both('closerange', arch, want, () => []); }, 60_000);
});
