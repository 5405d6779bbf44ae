// File syscalls through the real dispatcher with a FakeCpu (no guest code): pipes, dup*, fcntl,
// the namespace calls on host passthrough, getdents64, /proc /dev /sys trees, poll/select,
// eventfd, and their strace lines.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Errno } from '@elfbox/abi';
import { cloneState } from '@elfbox/cpu';
import { SCRATCH, harness, type Harness } from '../harness.js';
import { BASE_PC, type FakeCpu, type Step } from '../fake-cpu.js';

const S = SCRATCH;
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
    const h = harness({ script: [sys('pipe', S), check((c) => c.syscall('close', c.mem.readU32(S))), sys('write', 4, S, 1), sys('exit_group', 0)] });
    const st = await h.kernel.run(h.tg);
    expect(st).toEqual({ signal: 13, core: false });
    expect(h.strace).toContain('write(4, "\\0", 1) = -1 EPIPE (Broken pipe)');
  });

  it('a blocking read waits for another task to write; a big write completes across reads', async () => {
    const log: string[] = [];
    const script: Step[] = [];
    script[0] = sys('pipe', S);
    script[1] = sys('read', 3, S + 0x100, 64); // blocks until the writer runs
    script[2] = check((c) => log.push(`read ${c.ret} ${dec.decode(c.mem.read(S + 0x100, Number(c.ret)))}`));
    script[3] = sys('write', 4, S + 0x1000, 100000); // bigger than the pipe: waits for the reader
    script[4] = check((c) => log.push(`wrote ${c.ret}`));
    script[5] = sys('exit_group', 0);
    script[10] = check((c) => c.mem.write(S + 0x180, enc.encode('hello')));
    script[11] = sys('write', 4, S + 0x180, 5);
    script[12] = sys('read', 3, S + 0x8000, 0x8000); // loop reading until 100000 bytes
    script[13] = (c) => { const n = Number(c.ret); got += n; if (got < 100000) { c.pc = BASE_PC + 48; } };
    script[14] = check(() => log.push(`got ${got}`));
    script[15] = sys('exit', 0);
    let got = 0;
    const h = harness({ script, strace: false });
    const st = cloneState(h.cpu.getState());
    if (st.arch !== 'x86_64') throw new Error('arch');
    st.rip = BigInt(BASE_PC + 40);
    h.kernel.addTask(h.tg, st);
    expect(await h.kernel.run(h.tg)).toEqual({ code: 0 });
    expect(log).toContain('read 5 hello');
    expect(log).toContain('wrote 100000');
    expect(got).toBe(100000);
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
    expect(call(h, 'fchmodat', -100, h.str('/sl'), 0o644, 0x100)).toBe(E(Errno.EINVAL)); // fchmodat has no flags argument
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
    expect(call(h, 'mkdir', h.str('/proc/x'), 0o777)).toBe(E(Errno.EACCES));
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
    expect(statSync(join(root, 'b')).mtimeMs).toBe(before);
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
    expect(ls('/proc/self/fd').filter((n) => n[0] !== '.')).toEqual(['0', '1', '2', '3']);
    expect(ls('/dev')).toEqual(expect.arrayContaining(['null', 'zero', 'full', 'random', 'urandom', 'tty', 'stdin', 'stdout', 'stderr', 'fd', 'shm']));
    expect(ls('/sys/devices/system/cpu')).toEqual(expect.arrayContaining(['online', 'possible', 'present']));
    expect(ls(`/proc/self/task`)).toEqual(['.', '..', String(h.tg.pid)]);
    expect(call(h, 'stat', h.str('/proc/self/fd'), S + 0x100)).toBe(0n);
    expect(h.strace.at(-1)).toBe('stat("/proc/self/fd", {st_mode=S_IFDIR|0500, st_size=0, ...}) = 0');
    expect(call(h, 'getdents64', 1, S, 100)).toBe(E(Errno.ENOTDIR));
  });

  it('/proc files are generated from kernel state', () => {
    const h = harness();
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
