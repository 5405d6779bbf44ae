// Handlers through the real dispatcher, driven by a FakeCpu (no guest code runs).
import { mkdtempSync, writeFileSync, mkdirSync, symlinkSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Errno, structLayouts, decodeStruct } from '@elfbox/abi';
import { SCRATCH, harness } from './harness.js';
import { KERNEL_BUG_STATUS } from '../src/errors.js';
import { SYSCALL_DEFS } from '../src/syscalls/table.js';

/** Temp directories made by these tests, removed afterwards. */
const temps: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(join(tmpdir(), prefix)); temps.push(d); return d; };
afterAll(() => { for (const d of temps) rmSync(d, { recursive: true, force: true }); });

const S = SCRATCH;
const dec = new TextDecoder();

function tmpTree(): string {
  const d = tempDir('elfbox-k-');
  writeFileSync(join(d, 'hello.txt'), 'hello file\n');
  mkdirSync(join(d, 'sub'));
  writeFileSync(join(d, 'sub', 'a'), 'A');
  symlinkSync('/hello.txt', join(d, 'abs-link'));
  symlinkSync('../../../../..', join(d, 'sub', 'up'));
  return d;
}

/** Tests on host temp trees run the guest as the host user (as `elfbox run` does): permissions are checked with the guest identity. */
const HOST_USER = { uid: process.getuid?.(), gid: process.getgid?.() };

describe('read/write family', () => {
  it('write and writev reach the stdout stream; strace shows the call', () => {
    const h = harness();
    h.tg.mm.mem.write(S, new TextEncoder().encode('hello, world\n'));
    expect(h.cpu.syscall('write', 1, S, 13)).toBe(true);
    expect(h.cpu.ret).toBe(13n);
    // iovec [{S, 5}, {S+5, 8}]
    h.tg.mm.mem.writeU64(S + 0x100, BigInt(S)); h.tg.mm.mem.writeU64(S + 0x108, 5n);
    h.tg.mm.mem.writeU64(S + 0x110, BigInt(S + 5)); h.tg.mm.mem.writeU64(S + 0x118, 8n);
    h.cpu.syscall('writev', 1, S + 0x100, 2);
    expect(h.cpu.ret).toBe(13n);
    expect(h.out()).toBe('hello, world\nhello, world\n');
    expect(h.strace[0]).toBe('write(1, "hello, world\\n", 13) = 13');
    expect(h.strace[1]).toBe('writev(1, [{iov_base="hello", iov_len=5}, {iov_base=", world\\n", iov_len=8}], 2) = 13');
  });

  it('read from a buffer stdin, then EOF', () => {
    const h = harness({ stdin: 'abc' });
    h.cpu.syscall('read', 0, S, 100);
    expect(h.cpu.ret).toBe(3n);
    expect(dec.decode(h.tg.mm.mem.read(S, 3))).toBe('abc');
    h.cpu.syscall('read', 0, S, 100);
    expect(h.cpu.ret).toBe(0n);
    expect(h.strace[0]).toBe('read(0, "abc", 100) = 3');
  });

  it('bad fds, bad pointers and wrong directions give EBADF / EFAULT', () => {
    const h = harness();
    h.cpu.syscall('write', 7, S, 1);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EBADF));
    h.cpu.syscall('write', 1, 0x10, 4);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EFAULT));
    h.cpu.syscall('read', 0, 0xdead0000, 4);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EFAULT));
    h.cpu.syscall('read', 1, S, 4); // stdout is write-only
    expect(h.cpu.ret).toBe(BigInt(-Errno.EBADF));
    h.cpu.syscall('lseek', 1, 0, 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ESPIPE));
    expect(h.strace[1]).toBe('write(1, 0x10, 4) = -1 EFAULT (Bad address)');
  });
});

describe('files', () => {
  it('openat/read/lseek/pread64/fstat/close on a host file under --root', () => {
    const root = tmpTree();
    const h = harness({ root, ...HOST_USER });
    h.cpu.syscall('openat', -100, h.str('/hello.txt'), 0o2000000, 0);
    const fd = Number(h.cpu.ret);
    expect(fd).toBe(3);
    expect(h.strace.at(-1)).toBe('openat(AT_FDCWD, "/hello.txt", O_RDONLY|O_CLOEXEC) = 3');
    h.cpu.syscall('read', fd, S, 5);
    expect(dec.decode(h.tg.mm.mem.read(S, 5))).toBe('hello');
    h.cpu.syscall('lseek', fd, -2, 2);
    expect(h.cpu.ret).toBe(9n);
    h.cpu.syscall('pread64', fd, S, 4, 6);
    expect(dec.decode(h.tg.mm.mem.read(S, 4))).toBe('file');
    h.cpu.syscall('fstat', fd, S + 0x1000);
    const st = decodeStruct(structLayouts('x86_64').stat, new DataView(h.tg.mm.mem.buffer), S + 0x1000);
    expect(st.st_size).toBe(11n);
    expect((st.st_mode as number) & 0o170000).toBe(0o100000);
    expect(h.strace.at(-1)).toMatch(/^fstat\(3, \{st_mode=S_IFREG\|0\d{3}, st_size=11, \.\.\.\}\) = 0$/);
    expect(h.tg.fds.getCloexec(fd)).toBe(true);
    h.cpu.syscall('close', fd);
    expect(h.cpu.ret).toBe(0n);
    h.cpu.syscall('close', fd);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EBADF));
  });

  it('the root confines: absolute symlinks and .. stay inside', () => {
    const root = tmpTree();
    const h = harness({ root, ...HOST_USER });
    h.cpu.syscall('open', h.str('/abs-link'), 0, 0);
    expect(h.cpu.ret).toBe(3n);
    h.cpu.syscall('read', 3, S, 32);
    expect(dec.decode(h.tg.mm.mem.read(S, Number(h.cpu.ret)))).toBe('hello file\n');
    // sub/up -> ../../../../.. resolves to the guest root, never above it
    h.cpu.syscall('open', h.str('/sub/up/hello.txt'), 0, 0);
    expect(h.cpu.ret).toBe(4n);
    h.cpu.syscall('open', h.str('/../../../etc/passwd'), 0, 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOENT));
    h.cpu.syscall('open', h.str('/hello.txt/x'), 0, 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOTDIR));
    h.cpu.syscall('open', h.str('/missing'), 0, 0);
    expect(h.strace.at(-1)).toBe('open("/missing", O_RDONLY) = -1 ENOENT (No such file or directory)');
  });

  it('O_CREAT creates under the root with the umask applied; O_EXCL fails on an existing file', () => {
    const root = tmpTree();
    const h = harness({ root, ...HOST_USER });
    h.cpu.syscall('openat', -100, h.str('new.txt'), 0o101 | 0o1000, 0o666);
    const fd = Number(h.cpu.ret);
    expect(fd).toBeGreaterThanOrEqual(3);
    expect(h.strace.at(-1)).toBe(`openat(AT_FDCWD, "new.txt", O_WRONLY|O_CREAT|O_TRUNC, 0666) = ${fd}`);
    h.tg.mm.mem.write(S, new TextEncoder().encode('xyz'));
    h.cpu.syscall('write', fd, S, 3);
    expect(readFileSync(join(root, 'new.txt'), 'utf8')).toBe('xyz');
    h.cpu.syscall('openat', -100, h.str('new.txt'), 0o301, 0o666);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EEXIST));
  });

  it('readlink(/proc/self/exe), getcwd, chdir, access, getdents64', () => {
    const root = tmpTree();
    const h = harness({ root, ...HOST_USER });
    h.cpu.syscall('readlink', h.str('/proc/self/exe'), S, 256);
    expect(dec.decode(h.tg.mm.mem.read(S, Number(h.cpu.ret)))).toBe('/usr/bin/prog');
    h.cpu.syscall('readlink', h.str('/proc/self/exe'), S, 4);
    expect(h.cpu.ret).toBe(4n);
    h.cpu.syscall('chdir', h.str('sub'));
    expect(h.cpu.ret).toBe(0n);
    h.cpu.syscall('getcwd', S, 64);
    expect(h.cpu.ret).toBe(5n);
    expect(dec.decode(h.tg.mm.mem.readCString(S)!)).toBe('/sub');
    h.cpu.syscall('getcwd', S, 2);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ERANGE));
    h.cpu.syscall('access', h.str('a'), 4);
    expect(h.cpu.ret).toBe(0n);
    h.cpu.syscall('access', h.str('nope'), 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOENT));
    h.cpu.syscall('open', h.str('/'), 0o200000, 0); // O_DIRECTORY on x86-64
    const dfd = Number(h.cpu.ret);
    h.cpu.syscall('getdents64', dfd, S, 4096);
    const n = Number(h.cpu.ret);
    const names: string[] = [];
    for (let off = 0; off < n;) {
      const reclen = h.tg.mm.mem.readU16(S + off + 16);
      names.push(dec.decode(h.tg.mm.mem.readCString(S + off + 19)!));
      off += reclen;
    }
    expect(names.sort()).toEqual(['.', '..', 'abs-link', 'hello.txt', 'sub']);
    h.cpu.syscall('getdents64', dfd, S, 4096);
    expect(h.cpu.ret).toBe(0n);
  });

  it('/dev/null and dup/dup2/dup3/fcntl', () => {
    const h = harness();
    h.cpu.syscall('open', h.str('/dev/null'), 2, 0);
    const fd = Number(h.cpu.ret);
    h.cpu.syscall('write', fd, S, 10);
    expect(h.cpu.ret).toBe(10n);
    h.cpu.syscall('read', fd, S, 10);
    expect(h.cpu.ret).toBe(0n);
    h.cpu.syscall('dup', 1);
    const d = Number(h.cpu.ret);
    expect(d).toBe(fd + 1);
    h.cpu.syscall('dup3', 1, 10, 0o2000000);
    expect(h.cpu.ret).toBe(10n);
    h.cpu.syscall('fcntl', 10, 1);
    expect(h.cpu.ret).toBe(1n);
    h.cpu.syscall('fcntl', 1, 1030, 20); // F_DUPFD_CLOEXEC
    expect(h.cpu.ret).toBe(20n);
    h.tg.mm.mem.write(S, new TextEncoder().encode('via dup\n'));
    h.cpu.syscall('write', 20, S, 8);
    expect(h.out()).toBe('via dup\n');
    h.cpu.syscall('dup3', 3, 3, 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
  });

  it('ioctl TCGETS / TIOCGWINSZ on a non-terminal stream is ENOTTY', () => {
    const h = harness();
    h.cpu.syscall('ioctl', 1, 0x5401, S);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOTTY));
    h.cpu.syscall('ioctl', 1, 0x5413, S);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOTTY));
    expect(h.strace.at(-1)).toBe(`ioctl(1, TIOCGWINSZ, ${'0x' + S.toString(16)}) = -1 ENOTTY (Inappropriate ioctl for device)`);
  });
});

describe('memory', () => {
  it('brk grows and shrinks; mmap/munmap/mprotect through mm', () => {
    const h = harness();
    h.cpu.syscall('brk', 0);
    expect(h.cpu.ret).toBe(0x100000n);
    h.cpu.syscall('brk', 0x100000 + 0x2500);
    expect(h.cpu.ret).toBe(0x102500n);
    h.tg.mm.mem.writeU32(0x102400, 7);
    h.cpu.syscall('mmap', 0, 0x3000, 3, 0x22, -1, 0);
    const a = Number(h.cpu.ret);
    expect(a % 4096).toBe(0);
    expect(h.strace.at(-1)).toBe(`mmap(NULL, 12288, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x${a.toString(16)}`);
    h.cpu.syscall('mprotect', a + 0x1000, 0x1000, 1);
    expect(h.cpu.ret).toBe(0n);
    expect(() => h.tg.mm.mem.writeU8(a + 0x1000, 1)).toThrow();
    h.cpu.syscall('munmap', a, 0x1000);
    expect(h.tg.mm.mem.isMapped(a)).toBe(false);
    h.cpu.syscall('mmap', 0, 0, 3, 0x22, -1, 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
    h.cpu.syscall('mmap', 0, 4096, 3, 0x20, -1, 0); // neither shared nor private
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
  });

  it('a file mapping copies the file bytes', () => {
    const root = tmpTree();
    const h = harness({ root, ...HOST_USER });
    h.cpu.syscall('open', h.str('/hello.txt'), 0, 0);
    h.cpu.syscall('mmap', 0, 4096, 1, 2, 3, 0);
    const a = Number(h.cpu.ret);
    expect(dec.decode(h.tg.mm.mem.read(a, 11))).toBe('hello file\n');
    expect(h.tg.mm.mem.readU8(a + 11)).toBe(0);
    expect(h.tg.mm.formatMaps()).toContain('/hello.txt');
  });
});

describe('signals, ids, time, info', () => {
  it('rt_sigaction stores and returns dispositions; SIGKILL cannot be caught', () => {
    const h = harness();
    const L = structLayouts('x86_64').sigaction;
    h.tg.mm.mem.writeU64(S + L.fields.sa_handler.offset, 0x401000n);
    h.tg.mm.mem.writeU64(S + L.fields.sa_flags.offset, 0x14000004n);
    h.tg.mm.mem.writeU64(S + L.fields.sa_mask.offset, 1n << 1n);
    h.cpu.syscall('rt_sigaction', 10, S, 0, 8);
    expect(h.cpu.ret).toBe(0n);
    h.cpu.syscall('rt_sigaction', 10, 0, S + 0x100, 8);
    expect(h.tg.mm.mem.readU64(S + 0x100)).toBe(0x401000n);
    expect(h.tg.mm.mem.readU64(S + 0x100 + L.fields.sa_flags.offset)).toBe(0x14000004n);
    h.cpu.syscall('rt_sigaction', 9, S, 0, 8);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
    h.cpu.syscall('rt_sigaction', 10, S, 0, 4);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
  });

  it('rt_sigprocmask blocks, unblocks and never blocks SIGKILL', () => {
    const h = harness();
    h.tg.mm.mem.writeU64(S, (1n << 9n) | (1n << 8n) | (1n << 1n)); // SIGINT(2) SIGKILL(9) SIGUSR1(10)
    h.cpu.syscall('rt_sigprocmask', 0, S, 0, 8);
    expect(h.tg.leader!.sigmask).toBe((1n << 9n) | (1n << 1n));
    h.tg.mm.mem.writeU64(S, 1n << 1n);
    h.cpu.syscall('rt_sigprocmask', 1, S, S + 8, 8);
    expect(h.tg.mm.mem.readU64(S + 8)).toBe((1n << 9n) | (1n << 1n));
    expect(h.tg.leader!.sigmask).toBe(1n << 9n);
    h.cpu.syscall('rt_sigprocmask', 7, S, 0, 8);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
    expect(h.strace.at(-3)).toBe(`rt_sigprocmask(SIG_BLOCK, [INT KILL USR1], NULL, 8) = 0`);
  });

  it('ids, uname, getrandom, clocks, rlimits, affinity, set_tid_address, arch_prctl', () => {
    const h = harness();
    h.cpu.syscall('getpid'); expect(h.cpu.ret).toBe(BigInt(h.tg.pid));
    h.cpu.syscall('gettid'); expect(h.cpu.ret).toBe(BigInt(h.tg.pid));
    h.cpu.syscall('getppid'); expect(h.cpu.ret).toBe(0n); // the first process is pid 1, its parent is outside the guest
    h.cpu.syscall('getuid'); expect(h.cpu.ret).toBe(1000n);
    h.cpu.syscall('getegid'); expect(h.cpu.ret).toBe(1000n);
    h.cpu.syscall('uname', S);
    const u = decodeStruct(structLayouts('x86_64').utsname, new DataView(h.tg.mm.mem.buffer), S);
    const cstr = (b: unknown) => dec.decode((b as Uint8Array).subarray(0, (b as Uint8Array).indexOf(0)));
    expect(cstr(u.sysname)).toBe('Linux');
    expect(cstr(u.machine)).toBe('x86_64');
    h.cpu.syscall('getrandom', S, 64, 1);
    expect(h.cpu.ret).toBe(64n);
    expect(h.tg.mm.mem.read(S, 64).some((b) => b !== 0)).toBe(true);
    h.cpu.syscall('getrandom', S, 8, 0x80);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
    h.cpu.syscall('clock_gettime', 1, S);
    const t1 = h.tg.mm.mem.readU64(S) * 1_000_000_000n + h.tg.mm.mem.readU64(S + 8);
    h.cpu.syscall('clock_gettime', 1, S);
    const t2 = h.tg.mm.mem.readU64(S) * 1_000_000_000n + h.tg.mm.mem.readU64(S + 8);
    expect(t2 >= t1 && t1 > 0n).toBe(true);
    h.cpu.syscall('clock_gettime', 99, S);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
    h.cpu.syscall('gettimeofday', S, 0);
    expect(Number(h.tg.mm.mem.readU64(S))).toBeGreaterThan(1_600_000_000);
    h.cpu.syscall('prlimit64', 0, 3, 0, S);
    expect(h.tg.mm.mem.readU64(S)).toBe(8n * 1024n * 1024n);
    expect(h.tg.mm.mem.readU64(S + 8)).toBe(0xffffffffffffffffn);
    h.tg.mm.mem.writeU64(S, 64n); h.tg.mm.mem.writeU64(S + 8, 128n);
    h.cpu.syscall('prlimit64', 0, 7, S, 0);
    expect(h.tg.fds.limit).toBe(64);
    h.cpu.syscall('sched_getaffinity', 0, 128, S);
    expect(h.cpu.ret).toBe(8n);
    expect(h.tg.mm.mem.readU64(S)).toBe(1n);
    h.cpu.syscall('set_tid_address', S + 0x40);
    expect(h.cpu.ret).toBe(BigInt(h.tg.pid));
    h.cpu.syscall('arch_prctl', 0x1002, 0x12345000);
    expect(h.cpu.getTls()).toBe(0x12345000n);
    h.cpu.syscall('arch_prctl', 0x1003, S);
    expect(h.tg.mm.mem.readU64(S)).toBe(0x12345000n);
    expect(h.strace.at(-2)).toBe('arch_prctl(ARCH_SET_FS, 0x12345000) = 0');
    h.cpu.syscall('arch_prctl', 0x9999, 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINVAL));
  });

  it('futex: WAIT with a wrong value is EAGAIN, WAKE with no waiters wakes 0', () => {
    const h = harness();
    h.tg.mm.mem.writeU32(S, 5);
    h.cpu.syscall('futex', S, 0x80, 4, 0, 0, 0);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EAGAIN));
    h.cpu.syscall('futex', S, 0x81, 1, 0, 0, 0);
    expect(h.cpu.ret).toBe(0n);
    expect(h.strace.at(-1)).toBe(`futex(${'0x' + S.toString(16)}, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) = 0`);
  });
});

describe('the dispatcher', () => {
  it('an unknown syscall is ENOSYS with one warning per name', () => {
    const h = harness();
    h.cpu.syscall('io_setup', 1, S);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOSYS));
    h.cpu.syscall('io_setup', 1, S);
    h.cpu.syscall('rseq', 0, 32, 0, 0); // explicitly unsupported: silent
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOSYS));
    expect(h.err()).toBe('elfbox: unsupported syscall io_setup (x86_64 206): returning ENOSYS\n');
    h.cpu.setReg(0, 5000n);
    expect(h.cpu.entry.syscall(h.cpu)).toBe(true);
    expect(h.cpu.ret).toBe(BigInt(-Errno.ENOSYS));
    expect(h.err()).toContain('unknown syscall number 5000');
  });

  it('a handler that throws a non-SysError ends the process with a kernel-bug message; the host survives', () => {
    const h = harness();
    const def = SYSCALL_DEFS.find((d) => d.name === 'getpid')!;
    const saved = def.handler;
    (def as { handler?: unknown }).handler = () => { throw new TypeError('boom'); };
    try {
      expect(h.cpu.syscall('getpid')).toBe(false);
    } finally {
      (def as { handler?: unknown }).handler = saved;
    }
    expect(h.err()).toMatch(/^elfbox: kernel bug in getpid: TypeError: boom/);
    expect(h.tg.exit).toEqual({ code: KERNEL_BUG_STATUS });
  });

  it('exit_group ends the group; strace prints = ? then the exit line', () => {
    const h = harness();
    expect(h.cpu.syscall('exit_group', 3)).toBe(false);
    expect(h.tg.exit).toEqual({ code: 3 });
    expect(h.strace.slice(-2)).toEqual(['exit_group(3) = ?', '+++ exited with 3 +++']);
  });

  it('handlerFor binds a number to its handler', () => {
    const h = harness();
    const f = h.cpu.entry.handlerFor!(39)!; // getpid on x86-64
    expect(f(h.cpu)).toBe(true);
    expect(h.cpu.ret).toBe(BigInt(h.tg.pid));
  });
});
