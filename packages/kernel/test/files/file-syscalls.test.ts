// File syscalls through the real dispatcher with a FakeCpu (no guest code): pipes, dup*, fcntl,
// the namespace calls on host passthrough, getdents64, /proc /dev /sys trees, poll/select,
// eventfd, and their strace lines.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errno } from '@elfbox/abi';
import { cloneState } from '@elfbox/cpu';
import { SCRATCH, harness as baseHarness, type Harness } from '../harness.js';
import { BASE_PC, type FakeCpu, type Step } from '../fake-cpu.js';

const S = SCRATCH;
/** The guest runs as the host user (as `elfbox run` does by default): the temp trees are the host user's. */
const harness = (o: Parameters<typeof baseHarness>[0] = {}) => baseHarness({ uid: process.getuid?.(), gid: process.getgid?.(), ...o });
const dec = new TextDecoder();
const enc = new TextEncoder();
const E = (e: number) => BigInt(-e);
const sys = (name: string, ...args: Array<number | bigint>): Step => (cpu: FakeCpu) => (cpu.syscall(name, ...args) ? 'syscall-done' : { kind: 'yield' });
const check = (f: (cpu: FakeCpu) => void): Step => (cpu) => { f(cpu); };

function tree(): string {
  const d = mkdtempSync(join(tmpdir(), 'elfbox-files-'));
  writeFileSync(join(d, 'f'), 'hello\n');
  mkdirSync(join(d, 'dir'));
  writeFileSync(join(d, 'dir', 'a'), 'A');
  return d;
}

function call(h: Harness, name: string, ...args: Array<number | bigint>): bigint {
  h.cpu.syscall(name, ...args);
  return h.cpu.ret;
}

/** getdents64 over fd: the names, in order. */
function listFd(h: Harness, fd: number): string[] {
  const names: string[] = [];
  for (;;) {
    const n = Number(call(h, 'getdents64', fd, S + 0x4000, 0x2000));
    if (n <= 0) { expect(n).toBe(0); return names; }
    for (let off = 0; off < n;) {
      const reclen = h.tg.mm.mem.readU16(S + 0x4000 + off + 16);
      const name = h.tg.mm.mem.readCString(S + 0x4000 + off + 19, 256)!;
      names.push(dec.decode(name));
      off += reclen;
    }
  }
}

describe('pipes', () => {
  it('pipe2: write then read, EOF after the writer closes, strace shows the fds', () => {
    const h = harness();
    expect(call(h, 'pipe2', S, 0o2000000)).toBe(0n);
    expect(h.strace.at(-1)).toBe('pipe2([3, 4], O_CLOEXEC) = 0');
    const [r, w] = [h.tg.mm.mem.readU32(S), h.tg.mm.mem.readU32(S + 4)];
    expect(h.tg.fds.getCloexec(r)).toBe(true);
    h.tg.mm.mem.write(S + 0x100, enc.encode('ping'));
    expect(call(h, 'write', w, S + 0x100, 4)).toBe(4n);
    expect(call(h, 'read', r, S + 0x200, 100)).toBe(4n);
    expect(dec.decode(h.tg.mm.mem.read(S + 0x200, 4))).toBe('ping');
    expect(call(h, 'write', r, S, 1)).toBe(E(Errno.EBADF));
    expect(call(h, 'read', w, S, 1)).toBe(E(Errno.EBADF));
    expect(call(h, 'lseek', r, 0, 0)).toBe(E(Errno.ESPIPE));
    expect(call(h, 'fstat', r, S + 0x300)).toBe(0n);
    expect(h.strace.at(-1)).toBe('fstat(3, {st_mode=S_IFIFO|0600, st_size=0, ...}) = 0');
    expect(call(h, 'close', w)).toBe(0n);
    expect(call(h, 'read', r, S + 0x200, 100)).toBe(0n);
  });

  it('O_NONBLOCK: EAGAIN on empty read and full pipe; PIPE_BUF writes are all or nothing', () => {
    const h = harness();
    call(h, 'pipe2', S, 0o4000);
    const [r, w] = [h.tg.mm.mem.readU32(S), h.tg.mm.mem.readU32(S + 4)];
    expect(call(h, 'read', r, S + 0x100, 10)).toBe(E(Errno.EAGAIN));
    expect(call(h, 'fcntl', w, 1032 /* F_GETPIPE_SZ */)).toBe(65536n);
    let total = 0n;
    for (let i = 0; i < 20; i++) { const n = call(h, 'write', w, S + 0x1000, 0x4000); if (n < 0n) { expect(n).toBe(E(Errno.EAGAIN)); break; } total += n; }
    expect(total).toBe(65536n);
    // free 100 bytes: a 4096-byte (atomic) write still can't go in; a 50-byte one can
    call(h, 'read', r, S + 0x100, 100);
    expect(call(h, 'write', w, S, 4096)).toBe(E(Errno.EAGAIN));
    expect(call(h, 'write', w, S, 50)).toBe(50n);
    h.tg.mm.mem.writeU32(S + 0x40, 0);
    expect(call(h, 'ioctl', r, 0x541b /* FIONREAD */, S + 0x40)).toBe(0n);
    expect(h.tg.mm.mem.readU32(S + 0x40)).toBe(65536 - 100 + 50);
  });

  it('EPIPE and SIGPIPE when the reader is gone', async () => {
    const h = baseHarness({ script: [sys('pipe', S), check((c) => c.syscall('close', c.mem.readU32(S))), sys('write', 4, S, 1), sys('exit_group', 0)] });
    const st = await h.kernel.run(h.tg);
    expect(st).toEqual({ signal: 13, core: false });
    expect(h.strace.some((l) => /^write\(4, ".*", 1\) = -1 EPIPE \(Broken pipe\)$/.test(l))).toBe(true);
    expect(h.strace).toContain('--- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=' + h.tg.pid + ', si_uid=1000} ---');
  });

  it('a blocking read waits for another task to write; a big write completes across reads', async () => {
    const log: string[] = [];
    const script: Step[] = [];
    script[0] = sys('pipe', S);
    script[1] = sys('read', 3, S + 0x100, 64); // blocks until the writer runs
    script[2] = check((c) => log.push(`read ${c.ret} ${dec.decode(c.mem.read(S + 0x100, Number(c.ret)))}`));
    script[3] = sys('write', 4, S + 0x1000, 40000); // bigger than the (4 KiB) pipe: waits for the reader
    script[4] = check((c) => log.push(`wrote ${c.ret}`));
    script[5] = sys('exit_group', 0);
    script[10] = check((c) => c.mem.write(S + 0x180, enc.encode('hello')));
    script[11] = sys('fcntl', 4, 1031 /* F_SETPIPE_SZ */, 4096);
    script[12] = sys('write', 4, S + 0x180, 5);
    script[13] = check((c) => { c.mem.writeU64(S + 0x40, 0n); c.mem.writeU64(S + 0x48, 5_000_000n); });
    script[14] = sys('nanosleep', S + 0x40, 0); // let the reader take 'hello'
    script[15] = sys('read', 3, S + 0xa000, 0x1000); // loop reading until 40000 bytes
    script[16] = (c) => { reads++; got += Number(c.ret); if (got < 40000) c.pc = BASE_PC + 60; };
    script[17] = sys('exit', 0);
    let got = 0, reads = 0;
    const h = harness({ script, strace: false });
    const st = cloneState(h.cpu.getState());
    if (st.arch !== 'x86_64') throw new Error('arch');
    st.rip = BigInt(BASE_PC + 40);
    h.kernel.addTask(h.tg, st);
    expect(await h.kernel.run(h.tg)).toEqual({ code: 0 });
    expect(log).toContain('read 5 hello');
    expect(log).toContain('wrote 40000');
    expect(got).toBeGreaterThanOrEqual(40000 - 4096); // the last pipeful may be unread when main exits
    expect(reads).toBeGreaterThanOrEqual(9); // at most 4 KiB per read: the writer waited several times
  });
});

describe('fd table calls', () => {
  it('dup, dup2, dup3, fcntl DUPFD/GETFD/SETFD/GETFL/SETFL share one description', () => {
    const root = tree();
    const h = harness({ root });
    const fd = Number(call(h, 'openat', -100, h.str('/f'), 0o2002 /* O_RDWR|O_APPEND */, 0));
    expect(fd).toBe(3);
    expect(call(h, 'dup', fd)).toBe(4n);
    expect(call(h, 'dup2', fd, 10)).toBe(10n);
    expect(call(h, 'dup2', fd, fd)).toBe(BigInt(fd));
    expect(call(h, 'dup2', 99, 5)).toBe(E(Errno.EBADF));
    expect(call(h, 'dup3', fd, fd, 0)).toBe(E(Errno.EINVAL));
    expect(call(h, 'dup3', fd, 11, 0o2000000)).toBe(11n);
    expect(call(h, 'fcntl', 11, 1)).toBe(1n);
    expect(call(h, 'fcntl', 10, 1)).toBe(0n);
    expect(call(h, 'fcntl', fd, 1030 /* F_DUPFD_CLOEXEC */, 20)).toBe(20n);
    expect(call(h, 'fcntl', 20, 1)).toBe(1n);
    expect(call(h, 'fcntl', 20, 2, 0)).toBe(0n);
    expect(call(h, 'fcntl', 20, 1)).toBe(0n);
    expect(Number(call(h, 'fcntl', fd, 3)) & 0o2003).toBe(0o2002);
    expect(call(h, 'fcntl', fd, 4, 0o4000)).toBe(0n); // SETFL: O_NONBLOCK on, O_APPEND off
    expect(Number(call(h, 'fcntl', 4, 3)) & 0o6003).toBe(0o4002); // the dup sees it
    // shared offset
    call(h, 'read', fd, S, 2);
    expect(call(h, 'lseek', 4, 0, 1)).toBe(2n);
    expect(call(h, 'fcntl', fd, 0, -1)).toBe(E(Errno.EINVAL));
    expect(call(h, 'fcntl', 77, 1)).toBe(E(Errno.EBADF));
    expect(call(h, 'ioctl', fd, 0x5451 /* FIOCLEX */)).toBe(0n);
    expect(call(h, 'fcntl', fd, 1)).toBe(1n);
    expect(h.strace).toContain('dup2(3, 10) = 10');
  });
});

describe('namespace calls on host passthrough', () => {
  it('mkdir, rename, link, symlink, readlink, chmod, truncate, unlink, rmdir with Linux errors', () => {
    const root = tree();
    const h = harness({ root });
    h.tg.fs.umask = 0o022;
    expect(call(h, 'mkdir', h.str('/new'), 0o777)).toBe(0n);
    expect(statSync(join(root, 'new')).mode & 0o777).toBe(0o755);
    expect(call(h, 'mkdir', h.str('/new'), 0o777)).toBe(E(Errno.EEXIST));
    expect(call(h, 'mkdir', h.str('/nope/x'), 0o777)).toBe(E(Errno.ENOENT));
    expect(call(h, 'mkdir', h.str('/f/x'), 0o777)).toBe(E(Errno.ENOTDIR));
    expect(call(h, 'mkdirat', -100, h.str('new/sub'), 0o700)).toBe(0n);
    expect(h.strace.at(-1)).toBe('mkdirat(AT_FDCWD, "new/sub", 0700) = 0');
    expect(call(h, 'rename', h.str('/f'), h.str('/new/g', 0x100))).toBe(0n);
    expect(readFileSync(join(root, 'new/g'), 'utf8')).toBe('hello\n');
    expect(call(h, 'rename', h.str('/missing'), h.str('/x', 0x100))).toBe(E(Errno.ENOENT));
    expect(call(h, 'rename', h.str('/new'), h.str('/new/sub/in', 0x100))).toBe(E(Errno.EINVAL));
    expect(call(h, 'rename', h.str('/dir'), h.str('/new/g', 0x100))).toBe(E(Errno.ENOTDIR));
    expect(call(h, 'link', h.str('/new/g'), h.str('/hard', 0x100))).toBe(0n);
    expect(statSync(join(root, 'hard')).nlink).toBe(2);
    expect(call(h, 'link', h.str('/dir'), h.str('/dl', 0x100))).toBe(E(Errno.EPERM));
    expect(call(h, 'symlink', h.str('new/g'), h.str('/sl', 0x100))).toBe(0n);
    expect(readlinkSync(join(root, 'sl'))).toBe('new/g');
    expect(call(h, 'symlink', h.str('x'), h.str('/sl', 0x100))).toBe(E(Errno.EEXIST));
    expect(call(h, 'readlink', h.str('/sl'), S + 0x200, 100)).toBe(5n);
    expect(call(h, 'chmod', h.str('/sl'), 0o600)).toBe(0n); // follows to new/g
    expect(statSync(join(root, 'new/g')).mode & 0o777).toBe(0o600);
    expect(call(h, 'truncate', h.str('/hard'), 3)).toBe(0n);
    expect(readFileSync(join(root, 'new/g'), 'utf8')).toBe('hel');
    expect(call(h, 'truncate', h.str('/dir'), 3)).toBe(E(Errno.EISDIR));
    expect(call(h, 'truncate', h.str('/hard'), -1)).toBe(E(Errno.EINVAL));
    expect(call(h, 'unlink', h.str('/dir'))).toBe(E(Errno.EISDIR));
    expect(call(h, 'rmdir', h.str('/new'))).toBe(E(Errno.ENOTEMPTY));
    expect(call(h, 'rmdir', h.str('/new/.'))).toBe(E(Errno.EINVAL));
    expect(call(h, 'rmdir', h.str('/hard'))).toBe(E(Errno.ENOTDIR));
    expect(call(h, 'unlinkat', -100, h.str('new/sub'), 0x200)).toBe(0n);
    expect(call(h, 'unlinkat', -100, h.str('sl'), 0)).toBe(0n);
    expect(existsSync(join(root, 'sl'))).toBe(false);
    expect(existsSync(join(root, 'new/g'))).toBe(true);
    expect(call(h, 'unlink', h.str('/proc/self/maps'))).toBe(E(Errno.EPERM));
    expect(call(h, 'mkdir', h.str('/proc/x'), 0o777)).toBe(E(Errno.ENOENT));
    expect(call(h, 'unlink', 0x10)).toBe(E(Errno.EFAULT));
  });

  it('renameat2 NOREPLACE and EXCHANGE; utimensat; ftruncate; fsync; statfs', () => {
    const root = tree();
    writeFileSync(join(root, 'b'), 'B');
    const h = harness({ root });
    expect(call(h, 'renameat2', -100, h.str('/f'), -100, h.str('/b', 0x100), 1)).toBe(E(Errno.EEXIST));
    expect(call(h, 'renameat2', -100, h.str('/f'), -100, h.str('/b', 0x100), 2)).toBe(0n);
    expect(readFileSync(join(root, 'b'), 'utf8')).toBe('hello\n');
    expect(readFileSync(join(root, 'f'), 'utf8')).toBe('B');
    expect(call(h, 'renameat2', -100, h.str('/f'), -100, h.str('/zz', 0x100), 2)).toBe(E(Errno.ENOENT));
    // utimensat: atime set, mtime UTIME_OMIT
    h.tg.mm.mem.writeU64(S, 1_000_000n); h.tg.mm.mem.writeU64(S + 8, 5n);
    h.tg.mm.mem.writeU64(S + 16, 0n); h.tg.mm.mem.writeU64(S + 24, BigInt((1 << 30) - 2));
    const before = statSync(join(root, 'b')).mtimeMs;
    expect(call(h, 'utimensat', -100, h.str('/b', 0x100), S, 0)).toBe(0n);
    expect(statSync(join(root, 'b')).atimeMs).toBe(1_000_000_000);
    expect(Math.abs(statSync(join(root, 'b')).mtimeMs - before)).toBeLessThan(0.01); // kept (to the host's microsecond precision)
    h.tg.mm.mem.writeU64(S + 8, 2_000_000_000n);
    expect(call(h, 'utimensat', -100, h.str('/b', 0x100), S, 0)).toBe(E(Errno.EINVAL));
    const fd = Number(call(h, 'open', h.str('/b'), 2, 0));
    expect(call(h, 'ftruncate', fd, 2)).toBe(0n);
    expect(readFileSync(join(root, 'b'), 'utf8')).toBe('he');
    expect(call(h, 'fsync', fd)).toBe(0n);
    expect(call(h, 'fallocate', fd, 0, 0, 10)).toBe(0n);
    expect(statSync(join(root, 'b')).size).toBe(10);
    const ro = Number(call(h, 'open', h.str('/b'), 0, 0));
    expect(call(h, 'ftruncate', ro, 0)).toBe(E(Errno.EINVAL));
    expect(call(h, 'fsync', 1)).toBe(E(Errno.EINVAL));
    expect(call(h, 'statfs', h.str('/proc'), S + 0x400)).toBe(0n);
    expect(h.tg.mm.mem.readU64(S + 0x400)).toBe(0x9fa0n);
    expect(call(h, 'statfs', h.str('/'), S + 0x400)).toBe(0n);
    expect(h.tg.mm.mem.readU64(S + 0x408)).toBeGreaterThan(0n);
  });

  it('O_CREAT|O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, O_PATH and O_TMPFILE', () => {
    const root = tree();
    const h = harness({ root });
    expect(call(h, 'openat', -100, h.str('/f'), 0o301 /* O_WRONLY|O_CREAT|O_EXCL */, 0o644)).toBe(E(Errno.EEXIST));
    const fd = Number(call(h, 'openat', -100, h.str('/f'), 0o2001 /* O_WRONLY|O_APPEND */, 0));
    h.tg.mm.mem.write(S, enc.encode('xy'));
    call(h, 'lseek', fd, 0, 0);
    call(h, 'write', fd, S, 2);
    expect(readFileSync(join(root, 'f'), 'utf8')).toBe('hello\nxy');
    call(h, 'openat', -100, h.str('/f'), 0o1001 /* O_TRUNC */, 0);
    expect(readFileSync(join(root, 'f'), 'utf8')).toBe('');
    expect(call(h, 'openat', -100, h.str('/f'), 0o200000 /* O_DIRECTORY */, 0)).toBe(E(Errno.ENOTDIR));
    call(h, 'symlink', h.str('f'), h.str('/l', 0x100));
    expect(call(h, 'openat', -100, h.str('/l'), 0o400000 /* O_NOFOLLOW */, 0)).toBe(E(Errno.ELOOP));
    const p = Number(call(h, 'openat', -100, h.str('/dir'), 0o10000000 /* O_PATH */, 0));
    expect(call(h, 'read', p, S, 1)).toBe(E(Errno.EBADF));
    expect(call(h, 'fstat', p, S + 0x100)).toBe(0n);
    expect(call(h, 'openat', p, h.str('a'), 0, 0)).toBeGreaterThan(0n); // an O_PATH dirfd works for *at()
    const t = Number(call(h, 'openat', -100, h.str('/dir'), 0o20200002 /* O_TMPFILE|O_RDWR */, 0o600));
    expect(t).toBeGreaterThan(0);
    expect(call(h, 'write', t, S, 2)).toBe(2n);
    expect(call(h, 'pread64', t, S + 0x200, 2, 0)).toBe(2n);
    expect(listFd(h, Number(call(h, 'open', h.str('/dir'), 0o200000, 0))).sort()).toEqual(['.', '..', 'a']);
  });

  it('getdents64 lists a host directory; /proc, /proc/self, /proc/self/fd, /dev and /sys are real directories', () => {
    const root = tree();
    const h = harness({ root });
    const ls = (p: string) => listFd(h, Number(call(h, 'openat', -100, h.str(p), 0o200000, 0)));
    expect(ls('/').sort()).toEqual(['.', '..', 'dir', 'f']);
    expect(ls('/proc')).toEqual(expect.arrayContaining([String(h.tg.pid), 'self', 'cpuinfo', 'meminfo', 'sys', 'uptime', 'version']));
    expect(ls('/proc/self')).toEqual(expect.arrayContaining(['maps', 'status', 'stat', 'cmdline', 'environ', 'auxv', 'exe', 'cwd', 'root', 'fd', 'fdinfo', 'task', 'mounts', 'limits', 'comm']));
    expect(ls('/proc/self/fd').filter((n) => n[0] !== '.').slice(0, 4)).toEqual(['0', '1', '2', '3']);
    expect(ls('/dev')).toEqual(expect.arrayContaining(['null', 'zero', 'full', 'random', 'urandom', 'tty', 'stdin', 'stdout', 'stderr', 'fd', 'shm']));
    expect(ls('/sys/devices/system/cpu')).toEqual(expect.arrayContaining(['online', 'possible', 'present']));
    expect(ls(`/proc/self/task`)).toEqual(['.', '..', String(h.tg.pid)]);
    expect(call(h, 'stat', h.str('/proc/self/fd'), S + 0x100)).toBe(0n);
    expect(h.strace.at(-1)).toBe('stat("/proc/self/fd", {st_mode=S_IFDIR|0500, st_size=0, ...}) = 0');
    expect(call(h, 'getdents64', 1, S, 100)).toBe(E(Errno.ENOTDIR));
  });

  it('/proc files are generated from kernel state', () => {
    const h = baseHarness();
    const read = (p: string) => {
      const fd = Number(call(h, 'open', h.str(p), 0, 0));
      expect(fd).toBeGreaterThan(0);
      const n = Number(call(h, 'read', fd, S + 0x1000, 0x8000));
      call(h, 'close', fd);
      return dec.decode(h.tg.mm.mem.read(S + 0x1000, n));
    };
    expect(read('/proc/self/status')).toMatch(new RegExp(`^Name:\\tprog\\n[^]*\\nPid:\\t${h.tg.pid}\\n[^]*Uid:\\t1000\\t1000`));
    expect(read('/proc/self/stat')).toMatch(new RegExp(`^${h.tg.pid} \\(prog\\) R `));
    expect(read('/proc/self/maps')).toBe(h.tg.mm.formatMaps());
    expect(read('/proc/self/mounts')).toContain('proc /proc proc');
    expect(read('/proc/sys/kernel/ostype')).toBe('Linux\n');
    expect(read('/proc/sys/kernel/hostname')).toBe('elfbox\n');
    expect(read('/proc/sys/kernel/random/boot_id')).toMatch(/^[0-9a-f-]{36}\n$/);
    expect(read('/proc/meminfo')).toMatch(/^MemTotal: +\d+ kB\n/);
    expect(read('/proc/cpuinfo')).toMatch(/^processor\t: 0\n/);
    expect(read('/sys/devices/system/cpu/online')).toBe('0\n');
    expect(read('/proc/self/limits')).toContain('Max open files            1024');
    expect(read('/proc/thread-self/comm')).toBe('prog\n');
    expect(read('/proc/self/fdinfo/1')).toMatch(/^pos:\t0\nflags:\t01\n/);
    expect(call(h, 'readlink', h.str('/proc/self/root'), S, 100)).toBe(1n);
    expect(call(h, 'readlink', h.str('/dev/stdin'), S, 100)).toBe(15n);
    expect(call(h, 'open', h.str('/proc/self/maps'), 1, 0)).toBeGreaterThan(0n); // opened, but writes fail
    expect(call(h, 'write', Number(h.cpu.ret), S, 1)).toBe(E(Errno.EBADF));
    expect(call(h, 'open', h.str('/dev/tty'), 2, 0)).toBe(E(Errno.ENXIO)); // captured stdio is no terminal
  });

  it('/proc/self/fd/N of a pipe opens the same pipe', () => {
    const h = harness();
    call(h, 'pipe', S);
    const w2 = Number(call(h, 'open', h.str('/proc/self/fd/4'), 1, 0));
    h.tg.mm.mem.write(S + 0x100, enc.encode('via fd'));
    expect(call(h, 'write', w2, S + 0x100, 6)).toBe(6n);
    expect(call(h, 'read', 3, S + 0x200, 100)).toBe(6n);
    expect(call(h, 'readlink', h.str('/proc/self/fd/3'), S + 0x300, 100)).toBeGreaterThan(6n);
    expect(dec.decode(h.tg.mm.mem.read(S + 0x300, 6))).toBe('pipe:[');
  });
});

describe('poll, select, eventfd', () => {
  it('poll reports pipe readiness, POLLHUP, POLLNVAL; timeout 0 returns 0', () => {
    const h = harness();
    call(h, 'pipe', S);
    const pfd = (i: number, fd: number, ev: number) => { h.tg.mm.mem.writeU32(S + 0x100 + i * 8, fd); h.tg.mm.mem.writeU16(S + 0x104 + i * 8, ev); h.tg.mm.mem.writeU16(S + 0x106 + i * 8, 0xffff); };
    const rev = (i: number) => h.tg.mm.mem.readU16(S + 0x106 + i * 8);
    pfd(0, 3, 1); pfd(1, 4, 4); pfd(2, 99, 1); pfd(3, -1, 1);
    expect(call(h, 'poll', S + 0x100, 4, 0)).toBe(2n);
    expect([rev(0), rev(1), rev(2), rev(3)]).toEqual([0, 4, 0x20, 0]);
    call(h, 'write', 4, S, 3);
    pfd(0, 3, 1);
    expect(call(h, 'poll', S + 0x100, 1, 0)).toBe(1n);
    expect(rev(0)).toBe(1);
    call(h, 'close', 4);
    call(h, 'read', 3, S, 3);
    expect(call(h, 'poll', S + 0x100, 1, 0)).toBe(1n);
    expect(rev(0)).toBe(0x10);
    expect(call(h, 'poll', 0x10, 1, 0)).toBe(E(Errno.EFAULT));
  });

  it('select and pselect6 with fd_sets; EBADF for a closed fd in a set', () => {
    const h = harness();
    call(h, 'pipe', S); // 3, 4
    const zero = () => h.tg.mm.mem.write(S + 0x200, new Uint8Array(32));
    zero();
    h.tg.mm.mem.writeU64(S + 0x200, (1n << 3n)); // readfds {3}
    h.tg.mm.mem.writeU64(S + 0x208, (1n << 4n)); // writefds {4}
    expect(call(h, 'select', 5, S + 0x200, S + 0x208, 0, 0)).toBe(1n);
    expect(h.tg.mm.mem.readU64(S + 0x200)).toBe(0n);
    expect(h.tg.mm.mem.readU64(S + 0x208)).toBe(1n << 4n);
    call(h, 'write', 4, S, 1);
    h.tg.mm.mem.writeU64(S + 0x200, (1n << 3n));
    h.tg.mm.mem.writeU64(S + 0x300, 0n); h.tg.mm.mem.writeU64(S + 0x308, 0n); // timespec 0
    expect(call(h, 'pselect6', 4, S + 0x200, 0, 0, S + 0x300, 0)).toBe(1n);
    h.tg.mm.mem.writeU64(S + 0x200, (1n << 9n));
    expect(call(h, 'select', 10, S + 0x200, 0, 0, 0)).toBe(E(Errno.EBADF));
  });

  it('poll with a timeout waits; a pipe write from another task wakes it', async () => {
    const log: string[] = [];
    const script: Step[] = [];
    script[0] = sys('pipe', S);
    script[1] = check((c) => { c.mem.writeU32(S + 0x100, 3); c.mem.writeU16(S + 0x104, 1); });
    script[2] = sys('poll', S + 0x100, 1, 5000);
    script[3] = check((c) => log.push(`poll ${c.ret} rev=${c.mem.readU16(S + 0x106)}`));
    script[4] = check((c) => { c.mem.writeU32(S + 0x100, 3); c.mem.writeU16(S + 0x104, 1); c.mem.writeU32(S + 0x108, 0); });
    script[5] = sys('read', 3, S + 0x400, 10);
    script[6] = sys('poll', S + 0x100, 1, 20); // empty again: times out
    script[7] = check((c) => log.push(`poll ${c.ret}`));
    script[8] = sys('exit_group', 0);
    script[10] = sys('sched_yield');
    script[11] = sys('write', 4, S, 2);
    script[12] = sys('exit', 0);
    const h = harness({ script, strace: false });
    const st = cloneState(h.cpu.getState());
    if (st.arch !== 'x86_64') throw new Error('arch');
    st.rip = BigInt(BASE_PC + 40);
    h.kernel.addTask(h.tg, st);
    expect(await h.kernel.run(h.tg)).toEqual({ code: 0 });
    expect(log).toEqual(['poll 1 rev=1', 'poll 0']);
  });

  it('eventfd2: counter, semaphore mode, EAGAIN, EINVAL for short buffers', () => {
    const h = harness();
    const fd = Number(call(h, 'eventfd2', 3, 0o4000 | 1 /* NONBLOCK|SEMAPHORE */));
    expect(h.strace.at(-1)).toBe(`eventfd2(3, 0x801) = ${fd}`);
    expect(call(h, 'read', fd, S, 8)).toBe(8n);
    expect(h.tg.mm.mem.readU64(S)).toBe(1n);
    call(h, 'read', fd, S, 8); call(h, 'read', fd, S, 8);
    expect(call(h, 'read', fd, S, 8)).toBe(E(Errno.EAGAIN));
    expect(call(h, 'read', fd, S, 4)).toBe(E(Errno.EINVAL));
    h.tg.mm.mem.writeU64(S, 5n);
    expect(call(h, 'write', fd, S, 8)).toBe(8n);
    const e2 = Number(call(h, 'eventfd2', 0, 0));
    h.tg.mm.mem.writeU64(S, 7n);
    call(h, 'write', e2, S, 8); call(h, 'write', e2, S, 8);
    expect(call(h, 'read', e2, S + 8, 8)).toBe(8n);
    expect(h.tg.mm.mem.readU64(S + 8)).toBe(14n);
    h.tg.mm.mem.writeU64(S, 0xffff_ffff_ffff_ffffn);
    expect(call(h, 'write', e2, S, 8)).toBe(E(Errno.EINVAL));
    expect(call(h, 'eventfd2', 0, 0x40)).toBe(E(Errno.EINVAL));
  });
});

describe('lstat and link counts', () => {
  it('lstat of a symlink vs stat of its target', () => {
    const root = tree();
    const h = harness({ root });
    call(h, 'symlink', h.str('/f'), h.str('/ln', 0x100));
    expect(lstatSync(join(root, 'ln')).isSymbolicLink()).toBe(true);
    call(h, 'lstat', h.str('/ln'), S + 0x200);
    expect(h.strace.at(-1)).toBe('lstat("/ln", {st_mode=S_IFLNK|0777, st_size=2, ...}) = 0');
    call(h, 'stat', h.str('/ln'), S + 0x200);
    expect(h.strace.at(-1)).toBe('stat("/ln", {st_mode=S_IFREG|0644, st_size=6, ...}) = 0');
  });
});

describe('mounts', () => {
  it('a host directory at a guest path: read-write and read-only, EXDEV across, EBUSY on the mount point, /proc/mounts', () => {
    const root = tree();
    const rw = mkdtempSync(join(tmpdir(), 'elfbox-mnt-rw-'));
    const ro = mkdtempSync(join(tmpdir(), 'elfbox-mnt-ro-'));
    writeFileSync(join(ro, 'r'), 'read only\n');
    const h = harness({ root });
    h.kernel.vfs.addMount({ host: rw, guest: '/data', ro: false });
    h.kernel.vfs.addMount({ host: ro, guest: '/dir/ro', ro: true });
    const fd = Number(call(h, 'open', h.str('/data/new'), 0o101, 0o644));
    expect(fd).toBeGreaterThan(0);
    h.tg.mm.mem.write(S, enc.encode('mounted'));
    call(h, 'write', fd, S, 7);
    expect(readFileSync(join(rw, 'new'), 'utf8')).toBe('mounted');
    expect(call(h, 'open', h.str('/dir/ro/r'), 0, 0)).toBeGreaterThan(0n);
    expect(call(h, 'read', Number(h.cpu.ret), S + 0x100, 100)).toBe(10n);
    expect(call(h, 'open', h.str('/dir/ro/r'), 1, 0)).toBe(E(Errno.EROFS));
    expect(call(h, 'open', h.str('/dir/ro/x'), 0o101, 0o644)).toBe(E(Errno.EROFS));
    expect(call(h, 'unlink', h.str('/dir/ro/r'))).toBe(E(Errno.EROFS));
    expect(call(h, 'mkdir', h.str('/dir/ro/d'), 0o755)).toBe(E(Errno.EROFS));
    expect(call(h, 'chmod', h.str('/dir/ro/r'), 0o600)).toBe(E(Errno.EROFS));
    expect(call(h, 'rename', h.str('/data/new'), h.str('/moved', 0x100))).toBe(E(Errno.EXDEV));
    expect(call(h, 'link', h.str('/data/new'), h.str('/hl', 0x100))).toBe(E(Errno.EXDEV));
    expect(call(h, 'rmdir', h.str('/data'))).toBe(E(Errno.EBUSY));
    // '..' from the mount goes back to the guest parent, never to the host's
    expect(call(h, 'open', h.str('/data/../f'), 0, 0)).toBeGreaterThan(0n);
    expect(call(h, 'read', Number(h.cpu.ret), S + 0x100, 100)).toBe(6n);
    const m = Number(call(h, 'open', h.str('/proc/self/mounts'), 0, 0));
    const n = Number(call(h, 'read', m, S + 0x1000, 4096));
    const text = dec.decode(h.tg.mm.mem.read(S + 0x1000, n));
    expect(text).toContain(`${rw} /data ext4 rw`);
    expect(text).toContain(`${ro} /dir/ro ext4 ro`);
  });
});

describe('in-memory file system (tmpfs, --memfs)', () => {
  it('Linux semantics: inodes kept across rename, hard link counts, symlinks, sparse files, O_APPEND, unlink while open', async () => {
    const { MemFs } = await import('../../src/files/memfs.js');
    const h = harness({ root: tree() });
    h.kernel.vfs.addMount({ guest: '/tmp', host: '', ro: false, mem: new MemFs(0, 0, 0o1777) });
    const statOf = (p: string) => { expect(call(h, 'lstat', h.str(p), S + 0x3000)).toBe(0n); const m = h.tg.mm.mem; return { ino: m.readU64(S + 0x3008), nlink: m.readU64(S + 0x3010), mode: m.readU32(S + 0x3018), size: m.readU64(S + 0x3030) }; };
    expect(call(h, 'mkdir', h.str('/tmp/d'), 0o750)).toBe(0n);
    expect(statOf('/tmp/d').mode).toBe(0o40750 & ~0o022 | 0o40000);
    const fd = Number(call(h, 'open', h.str('/tmp/d/f'), 0o102, 0o640));
    h.tg.mm.mem.write(S, enc.encode('abc'));
    expect(call(h, 'pwrite64', fd, S, 3, 10000)).toBe(3n); // sparse: a hole before
    const st = statOf('/tmp/d/f');
    expect(st.size).toBe(10003n);
    expect(call(h, 'pread64', fd, S + 0x100, 4, 9998)).toBe(4n);
    expect([...h.tg.mm.mem.read(S + 0x100, 4)]).toEqual([0, 0, 0x61, 0x62]);
    expect(call(h, 'lseek', fd, 0, 4 /* SEEK_HOLE */)).toBe(10003n);
    expect(call(h, 'link', h.str('/tmp/d/f'), h.str('/tmp/hard', 0x100))).toBe(0n);
    expect(statOf('/tmp/hard').nlink).toBe(2n);
    expect(call(h, 'rename', h.str('/tmp/d/f'), h.str('/tmp/moved', 0x100))).toBe(0n);
    expect(statOf('/tmp/moved').ino).toBe(st.ino);
    expect(call(h, 'symlink', h.str('d/../moved'), h.str('/tmp/sl', 0x100))).toBe(0n);
    expect(statOf('/tmp/sl').mode & 0o170000).toBe(0o120000);
    expect(call(h, 'stat', h.str('/tmp/sl'), S + 0x3000)).toBe(0n);
    expect(h.tg.mm.mem.readU64(S + 0x3008)).toBe(st.ino);
    const ap = Number(call(h, 'open', h.str('/tmp/moved'), 0o2001, 0));
    h.tg.mm.mem.write(S, enc.encode('Z'));
    call(h, 'write', ap, S, 1);
    expect(statOf('/tmp/hard').size).toBe(10004n);
    expect(call(h, 'unlink', h.str('/tmp/moved'))).toBe(0n);
    expect(call(h, 'unlink', h.str('/tmp/hard'))).toBe(0n);
    expect(call(h, 'pread64', fd, S + 0x100, 1, 10003)).toBe(1n); // still readable through the open fd
    expect(call(h, 'fstat', fd, S + 0x3000)).toBe(0n);
    expect(h.tg.mm.mem.readU64(S + 0x3010)).toBe(0n);
    expect(call(h, 'rmdir', h.str('/tmp'))).toBe(E(Errno.EBUSY));
    expect(call(h, 'rmdir', h.str('/tmp/d'))).toBe(0n);
    expect(call(h, 'rename', h.str('/tmp/sl'), h.str('/sl', 0x100))).toBe(E(Errno.EXDEV));
    call(h, 'mkdir', h.str('/tmp/x'), 0o755); call(h, 'mkdir', h.str('/tmp/x/y'), 0o755);
    expect(call(h, 'rmdir', h.str('/tmp/x'))).toBe(E(Errno.ENOTEMPTY));
    expect(call(h, 'open', h.str('/tmp/x/nope/f'), 0o101, 0o644)).toBe(E(Errno.ENOENT));
    expect(call(h, 'open', h.str('/tmp/sl/f'), 0o101, 0o644)).toBe(E(Errno.ENOENT)); // dangling: d is gone
    call(h, 'open', h.str('/tmp/reg'), 0o101, 0o644);
    expect(call(h, 'open', h.str('/tmp/reg/f'), 0o101, 0o644)).toBe(E(Errno.ENOTDIR));
    expect(listFd(h, Number(call(h, 'open', h.str('/tmp'), 0o200000, 0))).sort()).toEqual(['.', '..', 'reg', 'sl', 'x']);
    expect(call(h, 'statfs', h.str('/tmp'), S + 0x400)).toBe(0n);
    expect(h.tg.mm.mem.readU64(S + 0x400)).toBe(0x01021994n);
    // '..' at the mount's root leads to the guest's /
    expect(call(h, 'open', h.str('/tmp/../f'), 0, 0)).toBeGreaterThan(0n);
  });

  it('--memfs: the root seeded from a tar file made by the host tar', async () => {
    const { MemFs, seedFromTar } = await import('../../src/files/memfs.js');
    const src = tree();
    symlinkSync('f', join(src, 'lnk'));
    const tarPath = join(mkdtempSync(join(tmpdir(), 'elfbox-tar-')), 't.tar');
    execFileSync('tar', ['cf', tarPath, '-C', src, '.']);
    const m = new MemFs(0, 0, 0o755);
    seedFromTar(m, readFileSync(tarPath));
    const h = harness();
    h.kernel.vfs.addMount({ guest: '/', host: '', ro: false, mem: m });
    expect(listFd(h, Number(call(h, 'open', h.str('/'), 0o200000, 0))).sort()).toEqual(['.', '..', 'dir', 'f', 'lnk']);
    const fd = Number(call(h, 'open', h.str('/lnk'), 0, 0));
    expect(call(h, 'read', fd, S, 100)).toBe(6n);
    expect(dec.decode(h.tg.mm.mem.read(S, 6))).toBe('hello\n');
    expect(call(h, 'open', h.str('/dir/a'), 0, 0)).toBeGreaterThan(0n);
    // /proc and /dev still come from the kernel
    expect(call(h, 'open', h.str('/proc/self/status'), 0, 0)).toBeGreaterThan(0n);
    expect(call(h, 'open', h.str('/dev/null'), 1, 0)).toBeGreaterThan(0n);
  });
});

describe('epoll', () => {
  it('create1/ctl/wait over pipes and eventfd: ready events with data, ONESHOT, errors, strace', () => {
    const h = harness();
    const ep = Number(call(h, 'epoll_create1', 0o2000000));
    expect(h.tg.fds.getCloexec(ep)).toBe(true);
    call(h, 'pipe', S); // fds ep+1, ep+2
    const [r, w] = [h.tg.mm.mem.readU32(S), h.tg.mm.mem.readU32(S + 4)];
    const ev = (events: number, data: bigint) => { h.tg.mm.mem.writeU32(S + 0x100, events); h.tg.mm.mem.writeU64(S + 0x104, data); return S + 0x100; }; // packed on x86-64
    expect(call(h, 'epoll_ctl', ep, 1, r, ev(1, 0x1111n))).toBe(0n);
    expect(call(h, 'epoll_ctl', ep, 1, r, ev(1, 0x1111n))).toBe(E(Errno.EEXIST));
    expect(call(h, 'epoll_ctl', ep, 3, w, ev(4, 0n))).toBe(E(Errno.ENOENT));
    expect(call(h, 'epoll_ctl', ep, 1, ep, ev(1, 0n))).toBe(E(Errno.EINVAL));
    expect(call(h, 'epoll_ctl', r, 1, w, ev(1, 0n))).toBe(E(Errno.EINVAL));
    expect(call(h, 'epoll_wait', ep, S + 0x200, 8, 0)).toBe(0n);
    h.tg.mm.mem.write(S + 0x300, enc.encode('x'));
    call(h, 'write', w, S + 0x300, 1);
    expect(call(h, 'epoll_wait', ep, S + 0x200, 8, 0)).toBe(1n);
    expect(h.tg.mm.mem.readU32(S + 0x200)).toBe(1);
    expect(h.tg.mm.mem.readU64(S + 0x204)).toBe(0x1111n);
    expect(call(h, 'epoll_wait', ep, S + 0x200, 8, 0)).toBe(1n); // level-triggered: still readable
    const efd = Number(call(h, 'eventfd2', 1, 0));
    expect(call(h, 'epoll_ctl', ep, 1, efd, ev(1 | (1 << 30), 0x2222n))).toBe(0n); // ONESHOT
    expect(call(h, 'epoll_wait', ep, S + 0x200, 8, 0)).toBe(2n);
    expect(call(h, 'epoll_wait', ep, S + 0x200, 8, 0)).toBe(1n); // the oneshot entry is disarmed
    expect(call(h, 'epoll_ctl', ep, 3, efd, ev(1, 0x3333n))).toBe(0n); // MOD re-arms
    expect(call(h, 'epoll_wait', ep, S + 0x200, 1, 0)).toBe(1n); // maxevents 1
    expect(call(h, 'epoll_ctl', ep, 2, r, 0)).toBe(0n);
    call(h, 'close', efd);
    expect(call(h, 'epoll_wait', ep, S + 0x200, 8, 0)).toBe(0n); // a closed fd leaves the set
    expect(call(h, 'epoll_wait', ep, S + 0x200, 0, 0)).toBe(E(Errno.EINVAL));
    expect(call(h, 'epoll_wait', ep, 0x10, 8, 0)).toBe(E(Errno.EFAULT));
    const f = Number(call(h, 'open', h.str('/proc/self/maps'), 0, 0));
    expect(call(h, 'epoll_ctl', ep, 1, f, ev(1, 0n))).toBe(E(Errno.EPERM));
    // strace's rendering: the events written (none), and the pointer when the call failed
    expect(h.strace).toContain(`epoll_wait(${ep}, [], 8, 0) = 0`);
    expect(h.strace).toContain(`epoll_wait(${ep}, 0x10, 8, 0) = -1 EFAULT (Bad address)`);
    expect(h.strace).toContain(`epoll_ctl(${ep}, EPOLL_CTL_ADD, ${f}, {events=EPOLLIN, data={u32=0, u64=0}}) = -1 EPERM (Operation not permitted)`);
  });

  it('epoll_wait blocks until another task writes to a watched pipe', async () => {
    const log: string[] = [];
    const script: Step[] = [];
    script[0] = sys('epoll_create1', 0); // 3
    script[1] = sys('pipe', S); // 4, 5
    script[2] = check((c) => { c.mem.writeU32(S + 0x100, 1); c.mem.writeU64(S + 0x104, 42n); });
    script[3] = sys('epoll_ctl', 3, 1, 4, S + 0x100);
    script[4] = sys('epoll_wait', 3, S + 0x200, 4, -1);
    script[5] = check((c) => log.push(`woke ${c.ret} data=${c.mem.readU64(S + 0x204)}`));
    script[6] = sys('exit_group', 0);
    script[10] = sys('sched_yield');
    script[11] = sys('write', 5, S, 1);
    script[12] = sys('exit', 0);
    const h = harness({ script, strace: false });
    const st = cloneState(h.cpu.getState());
    if (st.arch !== 'x86_64') throw new Error('arch');
    st.rip = BigInt(BASE_PC + 40);
    h.kernel.addTask(h.tg, st);
    expect(await h.kernel.run(h.tg)).toEqual({ code: 0 });
    expect(log).toEqual(['woke 1 data=42']);
  });
});

describe('record locks', () => {
  it('OFD locks conflict between descriptions, POSIX locks between processes; GETLK reports the holder; close/exit release', async () => {
    const { MM } = await import('../../src/mm.js');
    const { fakeBackend } = await import('../fake-cpu.js');
    const { PERM_R, PERM_W } = await import('@elfbox/cpu');
    const root = tree();
    const h = harness({ root });
    const flock = (addr: number, type: number, start: number, len: number) => {
      const m = h.tg.mm.mem; m.write(addr, new Uint8Array(32));
      m.writeU16(addr, type); m.writeU16(addr + 2, 0); m.writeU64(addr + 8, BigInt(start)); m.writeU64(addr + 16, BigInt(len));
      return addr;
    };
    const a = Number(call(h, 'open', h.str('/f'), 2, 0)), b = Number(call(h, 'open', h.str('/f'), 2, 0));
    expect(call(h, 'fcntl', a, 37 /* F_OFD_SETLK */, flock(S, 1, 0, 10))).toBe(0n);
    expect(call(h, 'fcntl', b, 37, flock(S, 1, 5, 1))).toBe(E(Errno.EAGAIN));
    expect(call(h, 'fcntl', b, 37, flock(S, 0, 10, 5))).toBe(0n); // beyond the range: fine
    expect(call(h, 'fcntl', b, 36 /* F_OFD_GETLK */, flock(S, 0, 0, 0))).toBe(0n);
    expect([h.tg.mm.mem.readU16(S), Number(h.tg.mm.mem.readU64(S + 8)), Number(h.tg.mm.mem.readU64(S + 16)), h.tg.mm.mem.readU32(S + 24) | 0]).toEqual([1, 0, 10, -1]);
    call(h, 'close', a);
    expect(call(h, 'fcntl', b, 37, flock(S, 1, 0, 0))).toBe(0n); // a's lock went with its description
    call(h, 'fcntl', b, 37, flock(S, 2, 0, 0));
    // POSIX locks: the same process never conflicts with itself; another process does
    expect(call(h, 'fcntl', b, 6 /* F_SETLK */, flock(S, 1, 0, 100))).toBe(0n);
    expect(call(h, 'fcntl', b, 6, flock(S, 0, 50, 10))).toBe(0n); // replaces part of its own lock
    const mm2 = new MM();
    mm2.mapFixed(SCRATCH, 0x10000, PERM_R | PERM_W, '');
    const be = fakeBackend([]);
    const tg2 = h.kernel.createProcess('x86_64', mm2, be);
    h.kernel.installStdio(tg2);
    h.kernel.switchTo(tg2.leader!);
    const cpu2 = be.cpus[0];
    const m2 = mm2.mem;
    m2.write(S + 0x8000, enc.encode('/f\0'));
    const c = Number((cpu2.syscall('open', S + 0x8000, 2, 0), cpu2.ret));
    const fl2 = (type: number, start: number, len: number) => { m2.write(S, new Uint8Array(32)); m2.writeU16(S, type); m2.writeU64(S + 8, BigInt(start)); m2.writeU64(S + 16, BigInt(len)); return S; };
    cpu2.syscall('fcntl', c, 6, fl2(0, 55, 1));
    expect(cpu2.ret).toBe(0n); // read lock over the other's read lock
    cpu2.syscall('fcntl', c, 6, fl2(1, 0, 1));
    expect(cpu2.ret).toBe(E(Errno.EAGAIN));
    cpu2.syscall('fcntl', c, 5 /* F_GETLK */, fl2(1, 0, 1));
    expect([m2.readU16(S), m2.readU32(S + 24)]).toEqual([1, h.tg.pid]);
    cpu2.syscall('fcntl', c, 6, fl2(3, 0, 1));
    expect(cpu2.ret).toBe(E(Errno.EINVAL));
    h.kernel.exitGroup(h.tg, { code: 0 }); // the first process's locks go with it
    cpu2.syscall('fcntl', c, 6, fl2(1, 0, 0));
    expect(cpu2.ret).toBe(0n);
  });
});

describe('flock', () => {
  it('exclusive and shared locks between descriptions; LOCK_NB gives EWOULDBLOCK; unlock and close release', () => {
    const h = harness({ root: tree() });
    const a = Number(call(h, 'open', h.str('/f'), 0, 0)), b = Number(call(h, 'open', h.str('/f'), 0, 0));
    expect(call(h, 'flock', a, 2 | 4)).toBe(0n);
    expect(call(h, 'flock', b, 1 | 4)).toBe(E(Errno.EAGAIN));
    expect(call(h, 'flock', a, 8)).toBe(0n);
    expect(call(h, 'flock', b, 1 | 4)).toBe(0n);
    expect(call(h, 'flock', a, 1 | 4)).toBe(0n); // shared + shared
    expect(call(h, 'flock', a, 2 | 4)).toBe(E(Errno.EAGAIN));
    call(h, 'close', b);
    expect(call(h, 'flock', a, 2 | 4)).toBe(0n); // upgrade once b is gone
    expect(call(h, 'flock', a, 3)).toBe(E(Errno.EINVAL));
  });
});

describe('lock waits', () => {
  it('F_OFD_SETLKW waits until the holder unlocks (two tasks)', async () => {
    const root = tree();
    const log: string[] = [];
    const fl = (c: FakeCpu, addr: number, type: number) => { c.mem.write(addr, new Uint8Array(32)); c.mem.writeU16(addr, type); };
    const script: Step[] = [];
    script[0] = check((c) => { c.mem.write(S + 0x8000, enc.encode('/f\0')); fl(c, S, 1); fl(c, S + 0x40, 1); fl(c, S + 0x80, 2); });
    script[1] = sys('open', S + 0x8000, 2, 0); // 3
    script[2] = sys('open', S + 0x8000, 2, 0); // 4
    script[3] = sys('fcntl', 3, 37, S); // lock via fd 3
    script[4] = sys('fcntl', 4, 38 /* F_OFD_SETLKW */, S + 0x40); // waits for the thread to unlock
    script[5] = check((c) => log.push(`main locked ${c.ret}`));
    script[6] = sys('exit_group', 0);
    script[10] = check(() => log.push('thread unlocks'));
    script[11] = sys('fcntl', 3, 37, S + 0x80);
    script[12] = sys('exit', 0);
    const h = harness({ root, script, strace: false });
    const st = cloneState(h.cpu.getState());
    if (st.arch !== 'x86_64') throw new Error('arch');
    st.rip = BigInt(BASE_PC + 40);
    const t = h.kernel.addTask(h.tg, st);
    t.block = undefined;
    expect(await h.kernel.run(h.tg)).toEqual({ code: 0 });
    expect(log).toEqual(['thread unlocks', 'main locked 0']);
  });
});
