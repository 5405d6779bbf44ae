import { describe, expect, it } from 'vitest';
import { AddressSpace, PERM_R, PERM_W } from '@elfbox/cpu';
import { escapeBytes, formatSyscall, mapFlagNames, openFlagNames, protNames, quoteBuffer } from '../src/strace.js';
import { syscallTable } from '../src/syscalls/table.js';

const enc = new TextEncoder();
const mem = new AddressSpace();
mem.map(0x10000, 0x4000, PERM_R | PERM_W);
const put = (addr: number, s: string | Uint8Array) => { mem.write(addr, typeof s === 'string' ? enc.encode(s) : s); return BigInt(addr); };
const X = { mem, arch: 'x86_64' as const, align: false };
const A = { mem, arch: 'aarch64' as const, align: false };
const line = (arch: 'x86_64' | 'aarch64', name: string, args: bigint[], ret?: bigint) => formatSyscall(syscallTable(arch).byName.get(name)!, args, ret, arch === 'x86_64' ? X : A);

describe('strace formatting', () => {
  it('escapes like strace: C escapes, octal, quotes and backslashes', () => {
    expect(escapeBytes(enc.encode('a"b\\c\n\t\r'))).toBe('a\\"b\\\\c\\n\\t\\r');
    expect(escapeBytes(Uint8Array.of(0x7f, 0x45, 0, 1, 0x31, 0xff))).toBe('\\177E\\0\\0011\\377');
  });

  it('cuts strings at 32 bytes with ... after the quote', () => {
    const b = enc.encode('root:x:0:0:root:/root:/bin/bash\nmore');
    expect(quoteBuffer(b)).toBe('"root:x:0:0:root:/root:/bin/bash\\n"...');
    expect(quoteBuffer(enc.encode('short'))).toBe('"short"');
  });

  it('openat with AT_FDCWD, a path and named flags', () => {
    const p = put(0x10000, '/etc/passwd\0');
    expect(line('x86_64', 'openat', [BigInt.asUintN(64, -100n), p, 0o2000000n, 0n], 3n)).toBe('openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3');
    expect(line('x86_64', 'openat', [BigInt.asUintN(64, -100n), p, 0o1101n, 0o644n], 4n)).toBe('openat(AT_FDCWD, "/etc/passwd", O_WRONLY|O_CREAT|O_TRUNC, 0644) = 4');
    // O_DIRECTORY differs: 0o200000 on x86-64, 0o40000 on aarch64
    expect(line('x86_64', 'openat', [3n, p, 0o200000n, 0n], 5n)).toBe('openat(3, "/etc/passwd", O_RDONLY|O_DIRECTORY) = 5');
    expect(line('aarch64', 'openat', [3n, p, 0o40000n, 0n], 5n)).toBe('openat(3, "/etc/passwd", O_RDONLY|O_DIRECTORY) = 5');
  });

  it('read shows the bytes read (cut), errors show name and message', () => {
    const b = put(0x11000, 'root:x:0:0:root:/root:/bin/bash\nbin:x:1:1');
    expect(line('x86_64', 'read', [3n, b, 4096n], 1234n)).toBe('read(3, "root:x:0:0:root:/root:/bin/bash\\n"..., 4096) = 1234');
    expect(line('x86_64', 'read', [3n, b, 4096n], -2n)).toBe('read(3, 0x11000, 4096) = -1 ENOENT (No such file or directory)');
    expect(line('x86_64', 'write', [1n, b, 4n], 4n)).toBe('write(1, "root", 4) = 4');
  });

  it('mmap prints prot and flags by name and returns hex', () => {
    expect(line('x86_64', 'mmap', [0n, 8192n, 3n, 0x22n, BigInt.asUintN(64, -1n), 0n], 0x7f000000n)).toBe('mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f000000');
    expect(protNames(0)).toBe('PROT_NONE');
    expect(protNames(5)).toBe('PROT_READ|PROT_EXEC');
    expect(mapFlagNames(0x812)).toBe('MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE');
    expect(openFlagNames(0o2 | 0o2000 | 0o4000, 'x86_64')).toBe('O_RDWR|O_APPEND|O_NONBLOCK');
    expect(line('x86_64', 'brk', [0n], 0x4ac000n)).toBe('brk(NULL) = 0x4ac000');
  });

  it('pads short calls so "=" sits in column 40, as strace does', () => {
    const def = syscallTable('x86_64').byName.get('exit_group')!;
    expect(formatSyscall(def, [0n], undefined, { mem, arch: 'x86_64' })).toBe('exit_group(0)                           = ?');
    const long = formatSyscall(syscallTable('x86_64').byName.get('openat')!, [BigInt.asUintN(64, -100n), put(0x13400, '/etc/passwd\0'), 0n, 0n], 3n, { mem, arch: 'x86_64' });
    expect(long).toBe('openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3');
  });

  it('rlimits and getrandom print as strace does', () => {
    mem.writeU64(0x12100, 8n * 1024n * 1024n); mem.writeU64(0x12108, 0xffffffffffffffffn);
    expect(line('x86_64', 'prlimit64', [0n, 3n, 0n, 0x12100n], 0n)).toBe('prlimit64(0, RLIMIT_STACK, NULL, {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}) = 0');
    put(0x12200, Uint8Array.of(0xb7, 0x0c, 0x11, 0xee));
    expect(line('x86_64', 'getrandom', [0x12200n, 4n, 1n], 4n)).toBe('getrandom("\\xb7\\x0c\\x11\\xee", 4, GRND_NONBLOCK) = 4');
  });

  it('signals, sigsets, clocks, exit', () => {
    put(0x12000, Uint8Array.of(0, 0x40, 0, 0, 0, 0, 0, 0)); // bit 14 -> SIGALRM? no: bit n-1 = signal n: bit 14 = SIGTERM(15)
    expect(line('x86_64', 'rt_sigprocmask', [0n, 0x12000n, 0n, 8n], 0n)).toBe('rt_sigprocmask(SIG_BLOCK, [TERM], NULL, 8) = 0');
    expect(line('x86_64', 'rt_sigaction', [11n, 0n, 0x12000n, 8n], 0n)).toBe('rt_sigaction(SIGSEGV, NULL, 0x12000, 8) = 0');
    mem.writeU64(0x12010, 5n); mem.writeU64(0x12018, 123n);
    expect(line('x86_64', 'clock_gettime', [1n, 0x12010n], 0n)).toBe('clock_gettime(CLOCK_MONOTONIC, {tv_sec=5, tv_nsec=123}) = 0');
    expect(line('x86_64', 'clock_gettime', [99n, 0x12010n], -22n)).toBe('clock_gettime(99, 0x12010) = -1 EINVAL (Invalid argument)');
    const p = put(0x13000, '/usr/bin/true\0');
    put(0x13100, '/usr/bin/true');
    expect(line('x86_64', 'readlink', [p, 0x13100n, 4096n], 13n)).toBe('readlink("/usr/bin/true", "/usr/bin/true", 4096) = 13');
    expect(line('x86_64', 'exit_group', [0n], undefined)).toBe('exit_group(0) = ?');
    expect(line('aarch64', 'exit_group', [1n], undefined)).toBe('exit_group(1) = ?');
  });
});
