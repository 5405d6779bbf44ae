// Linux flag and constant values as the kernel defines them (UAPI headers), keyed by their C
// names. Values that differ between x86-64 and aarch64 are only reachable through a per-arch
// function (openFlags(arch)); every object exported directly has the same values on both
// arches, and structs.test.ts checks each value against both compilers' headers.

import type { AbiArch } from './layout.js';

// ---------------------------------------------------------------------------------------------
// open(2) flags: <asm-generic/fcntl.h>, with arm64's <asm/fcntl.h> overrides

const OPEN_COMMON = {
  O_ACCMODE: 0o3,
  O_RDONLY: 0o0,
  O_WRONLY: 0o1,
  O_RDWR: 0o2,
  O_CREAT: 0o100,
  O_EXCL: 0o200,
  O_NOCTTY: 0o400,
  O_TRUNC: 0o1000,
  O_APPEND: 0o2000,
  O_NONBLOCK: 0o4000,
  O_NDELAY: 0o4000,
  O_DSYNC: 0o10000,
  FASYNC: 0o20000,
  O_NOATIME: 0o1000000,
  O_CLOEXEC: 0o2000000,
  __O_SYNC: 0o4000000,
  O_SYNC: 0o4000000 | 0o10000,
  O_PATH: 0o10000000,
  __O_TMPFILE: 0o20000000,
} as const;

const OPEN_X86_64 = Object.freeze({
  ...OPEN_COMMON,
  O_DIRECT: 0o40000,
  /** The kernel ORs this into every open on 64-bit; glibc defines O_LARGEFILE as 0 there. */
  O_LARGEFILE: 0o100000,
  O_DIRECTORY: 0o200000,
  O_NOFOLLOW: 0o400000,
  O_TMPFILE: 0o20000000 | 0o200000,
});

const OPEN_AARCH64 = Object.freeze({
  ...OPEN_COMMON,
  O_DIRECTORY: 0o40000,
  O_NOFOLLOW: 0o100000,
  O_DIRECT: 0o200000,
  O_LARGEFILE: 0o400000,
  O_TMPFILE: 0o20000000 | 0o40000,
});

export type OpenFlags = Readonly<Record<keyof typeof OPEN_X86_64, number>>;

/** open(2) flags for `arch`: O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE (and O_TMPFILE) differ. */
export function openFlags(arch: AbiArch): OpenFlags {
  if (arch === 'x86_64') return OPEN_X86_64;
  if (arch === 'aarch64') return OPEN_AARCH64;
  throw new TypeError(`openFlags: unknown arch ${String(arch)}`);
}

// ---------------------------------------------------------------------------------------------
// *at() flags: <linux/fcntl.h>

export const AT = {
  AT_FDCWD: -100,
  AT_SYMLINK_NOFOLLOW: 0x100,
  AT_EACCESS: 0x200,
  AT_REMOVEDIR: 0x200,
  AT_SYMLINK_FOLLOW: 0x400,
  AT_NO_AUTOMOUNT: 0x800,
  AT_EMPTY_PATH: 0x1000,
  AT_STATX_SYNC_TYPE: 0x6000,
  AT_STATX_SYNC_AS_STAT: 0x0000,
  AT_STATX_FORCE_SYNC: 0x2000,
  AT_STATX_DONT_SYNC: 0x4000,
  AT_RECURSIVE: 0x8000,
} as const;

/** statx(2) mask bits and attributes: <linux/stat.h>. */
export const STATX = {
  STATX_TYPE: 0x1,
  STATX_MODE: 0x2,
  STATX_NLINK: 0x4,
  STATX_UID: 0x8,
  STATX_GID: 0x10,
  STATX_ATIME: 0x20,
  STATX_MTIME: 0x40,
  STATX_CTIME: 0x80,
  STATX_INO: 0x100,
  STATX_SIZE: 0x200,
  STATX_BLOCKS: 0x400,
  STATX_BASIC_STATS: 0x7ff,
  STATX_BTIME: 0x800,
  STATX_MNT_ID: 0x1000,
  STATX_DIOALIGN: 0x2000,
  STATX__RESERVED: 0x80000000,
  STATX_ATTR_COMPRESSED: 0x4,
  STATX_ATTR_IMMUTABLE: 0x10,
  STATX_ATTR_APPEND: 0x20,
  STATX_ATTR_NODUMP: 0x40,
  STATX_ATTR_ENCRYPTED: 0x800,
  STATX_ATTR_AUTOMOUNT: 0x1000,
  STATX_ATTR_MOUNT_ROOT: 0x2000,
  STATX_ATTR_VERITY: 0x100000,
  STATX_ATTR_DAX: 0x200000,
} as const;

// ---------------------------------------------------------------------------------------------
// mmap family: <asm-generic/mman-common.h>, <linux/mman.h>

export const PROT = {
  PROT_NONE: 0x0,
  PROT_READ: 0x1,
  PROT_WRITE: 0x2,
  PROT_EXEC: 0x4,
  PROT_SEM: 0x8,
  PROT_GROWSDOWN: 0x01000000,
  PROT_GROWSUP: 0x02000000,
  /** aarch64 only (<asm/mman.h>): branch target identification. */
  PROT_BTI: 0x10,
  /** aarch64 only (<asm/mman.h>): memory tagging. */
  PROT_MTE: 0x20,
} as const;

export const MAP = {
  MAP_SHARED: 0x01,
  MAP_PRIVATE: 0x02,
  MAP_SHARED_VALIDATE: 0x03,
  MAP_TYPE: 0x0f,
  MAP_FIXED: 0x10,
  MAP_ANONYMOUS: 0x20,
  /** x86-64 only (<asm/mman.h>). */
  MAP_32BIT: 0x40,
  MAP_GROWSDOWN: 0x0100,
  MAP_DENYWRITE: 0x0800,
  MAP_EXECUTABLE: 0x1000,
  MAP_LOCKED: 0x2000,
  MAP_NORESERVE: 0x4000,
  MAP_POPULATE: 0x8000,
  MAP_NONBLOCK: 0x10000,
  MAP_STACK: 0x20000,
  MAP_HUGETLB: 0x40000,
  MAP_SYNC: 0x80000,
  MAP_FIXED_NOREPLACE: 0x100000,
  MAP_UNINITIALIZED: 0x4000000,
  MAP_FAILED: -1,
} as const;

export const MREMAP = {
  MREMAP_MAYMOVE: 1,
  MREMAP_FIXED: 2,
  MREMAP_DONTUNMAP: 4,
} as const;

export const MADV = {
  MADV_NORMAL: 0,
  MADV_RANDOM: 1,
  MADV_SEQUENTIAL: 2,
  MADV_WILLNEED: 3,
  MADV_DONTNEED: 4,
  MADV_FREE: 8,
  MADV_REMOVE: 9,
  MADV_DONTFORK: 10,
  MADV_DOFORK: 11,
  MADV_MERGEABLE: 12,
  MADV_UNMERGEABLE: 13,
  MADV_HUGEPAGE: 14,
  MADV_NOHUGEPAGE: 15,
  MADV_DONTDUMP: 16,
  MADV_DODUMP: 17,
  MADV_WIPEONFORK: 18,
  MADV_KEEPONFORK: 19,
  MADV_COLD: 20,
  MADV_PAGEOUT: 21,
  MADV_POPULATE_READ: 22,
  MADV_POPULATE_WRITE: 23,
  MADV_DONTNEED_LOCKED: 24,
  MADV_HWPOISON: 100,
} as const;

/** msync(2) flags and mlockall(2) flags. */
export const MS = {
  MS_ASYNC: 1,
  MS_INVALIDATE: 2,
  MS_SYNC: 4,
  MCL_CURRENT: 1,
  MCL_FUTURE: 2,
  MCL_ONFAULT: 4,
} as const;

// ---------------------------------------------------------------------------------------------
// clone(2): <linux/sched.h>. CSIGNAL is the low byte (the exit signal in clone's flags).

export const CLONE = {
  CSIGNAL: 0x000000ff,
  CLONE_NEWTIME: 0x00000080,
  CLONE_VM: 0x00000100,
  CLONE_FS: 0x00000200,
  CLONE_FILES: 0x00000400,
  CLONE_SIGHAND: 0x00000800,
  CLONE_PIDFD: 0x00001000,
  CLONE_PTRACE: 0x00002000,
  CLONE_VFORK: 0x00004000,
  CLONE_PARENT: 0x00008000,
  CLONE_THREAD: 0x00010000,
  CLONE_NEWNS: 0x00020000,
  CLONE_SYSVSEM: 0x00040000,
  CLONE_SETTLS: 0x00080000,
  CLONE_PARENT_SETTID: 0x00100000,
  CLONE_CHILD_CLEARTID: 0x00200000,
  CLONE_DETACHED: 0x00400000,
  CLONE_UNTRACED: 0x00800000,
  CLONE_CHILD_SETTID: 0x01000000,
  CLONE_NEWCGROUP: 0x02000000,
  CLONE_NEWUTS: 0x04000000,
  CLONE_NEWIPC: 0x08000000,
  CLONE_NEWUSER: 0x10000000,
  CLONE_NEWPID: 0x20000000,
  CLONE_NEWNET: 0x40000000,
  CLONE_IO: 0x80000000,
  /** clone3 only (a 64-bit flag). */
  CLONE_CLEAR_SIGHAND: 0x100000000n,
  CLONE_INTO_CGROUP: 0x200000000n,
} as const;

// ---------------------------------------------------------------------------------------------
// futex(2): <linux/futex.h>

export const FUTEX = {
  FUTEX_WAIT: 0,
  FUTEX_WAKE: 1,
  FUTEX_FD: 2,
  FUTEX_REQUEUE: 3,
  FUTEX_CMP_REQUEUE: 4,
  FUTEX_WAKE_OP: 5,
  FUTEX_LOCK_PI: 6,
  FUTEX_UNLOCK_PI: 7,
  FUTEX_TRYLOCK_PI: 8,
  FUTEX_WAIT_BITSET: 9,
  FUTEX_WAKE_BITSET: 10,
  FUTEX_WAIT_REQUEUE_PI: 11,
  FUTEX_CMP_REQUEUE_PI: 12,
  FUTEX_LOCK_PI2: 13,
  FUTEX_PRIVATE_FLAG: 128,
  FUTEX_CLOCK_REALTIME: 256,
  FUTEX_CMD_MASK: ~(128 | 256),
  FUTEX_WAIT_PRIVATE: 0 | 128,
  FUTEX_WAKE_PRIVATE: 1 | 128,
  FUTEX_REQUEUE_PRIVATE: 3 | 128,
  FUTEX_CMP_REQUEUE_PRIVATE: 4 | 128,
  FUTEX_WAKE_OP_PRIVATE: 5 | 128,
  FUTEX_LOCK_PI_PRIVATE: 6 | 128,
  FUTEX_UNLOCK_PI_PRIVATE: 7 | 128,
  FUTEX_TRYLOCK_PI_PRIVATE: 8 | 128,
  FUTEX_WAIT_BITSET_PRIVATE: 9 | 128,
  FUTEX_WAKE_BITSET_PRIVATE: 10 | 128,
  FUTEX_BITSET_MATCH_ANY: 0xffffffff,
  FUTEX_WAITERS: 0x80000000,
  FUTEX_OWNER_DIED: 0x40000000,
  FUTEX_TID_MASK: 0x3fffffff,
  FUTEX_OP_SET: 0,
  FUTEX_OP_ADD: 1,
  FUTEX_OP_OR: 2,
  FUTEX_OP_ANDN: 3,
  FUTEX_OP_XOR: 4,
  FUTEX_OP_OPARG_SHIFT: 8,
  FUTEX_OP_CMP_EQ: 0,
  FUTEX_OP_CMP_NE: 1,
  FUTEX_OP_CMP_LT: 2,
  FUTEX_OP_CMP_LE: 3,
  FUTEX_OP_CMP_GT: 4,
  FUTEX_OP_CMP_GE: 5,
  ROBUST_LIST_LIMIT: 2048,
} as const;

// ---------------------------------------------------------------------------------------------
// fcntl(2), flock(2): <asm-generic/fcntl.h>, <linux/fcntl.h>

export const FCNTL = {
  F_DUPFD: 0,
  F_GETFD: 1,
  F_SETFD: 2,
  F_GETFL: 3,
  F_SETFL: 4,
  F_GETLK: 5,
  F_SETLK: 6,
  F_SETLKW: 7,
  F_SETOWN: 8,
  F_GETOWN: 9,
  F_SETSIG: 10,
  F_GETSIG: 11,
  F_SETOWN_EX: 15,
  F_GETOWN_EX: 16,
  F_GETOWNER_UIDS: 17,
  F_OFD_GETLK: 36,
  F_OFD_SETLK: 37,
  F_OFD_SETLKW: 38,
  F_SETLEASE: 1024,
  F_GETLEASE: 1025,
  F_NOTIFY: 1026,
  F_DUPFD_CLOEXEC: 1030,
  F_SETPIPE_SZ: 1031,
  F_GETPIPE_SZ: 1032,
  F_ADD_SEALS: 1033,
  F_GET_SEALS: 1034,
  F_GET_RW_HINT: 1035,
  F_SET_RW_HINT: 1036,
  F_GET_FILE_RW_HINT: 1037,
  F_SET_FILE_RW_HINT: 1038,
  F_SEAL_SEAL: 0x0001,
  F_SEAL_SHRINK: 0x0002,
  F_SEAL_GROW: 0x0004,
  F_SEAL_WRITE: 0x0008,
  F_SEAL_FUTURE_WRITE: 0x0010,
  F_RDLCK: 0,
  F_WRLCK: 1,
  F_UNLCK: 2,
  FD_CLOEXEC: 1,
  LOCK_SH: 1,
  LOCK_EX: 2,
  LOCK_NB: 4,
  LOCK_UN: 8,
} as const;

/** lseek(2) whence: <linux/fs.h>. */
export const SEEK = {
  SEEK_SET: 0,
  SEEK_CUR: 1,
  SEEK_END: 2,
  SEEK_DATA: 3,
  SEEK_HOLE: 4,
  SEEK_MAX: 4,
} as const;

// ---------------------------------------------------------------------------------------------
// Signals: sigaction flags and sigprocmask how (<asm-generic/signal-defs.h>, <asm/signal.h>)

export const SA = {
  SA_NOCLDSTOP: 0x00000001,
  SA_NOCLDWAIT: 0x00000002,
  SA_SIGINFO: 0x00000004,
  SA_UNSUPPORTED: 0x00000400,
  SA_EXPOSE_TAGBITS: 0x00000800,
  /** Both x86-64 and arm64 define SA_RESTORER (libc passes its own sigreturn trampoline). */
  SA_RESTORER: 0x04000000,
  SA_ONSTACK: 0x08000000,
  SA_RESTART: 0x10000000,
  SA_NODEFER: 0x40000000,
  SA_RESETHAND: 0x80000000,
  SA_NOMASK: 0x40000000,
  SA_ONESHOT: 0x80000000,
  SIG_DFL: 0,
  SIG_IGN: 1,
  SIG_ERR: -1,
} as const;

export const SIG_HOW = {
  SIG_BLOCK: 0,
  SIG_UNBLOCK: 1,
  SIG_SETMASK: 2,
} as const;

// ---------------------------------------------------------------------------------------------
// ioctl requests: <asm-generic/ioctls.h> (shared by x86-64 and arm64)

export const IOCTL = {
  TCGETS: 0x5401,
  TCSETS: 0x5402,
  TCSETSW: 0x5403,
  TCSETSF: 0x5404,
  TCGETA: 0x5405,
  TCSETA: 0x5406,
  TCSETAW: 0x5407,
  TCSETAF: 0x5408,
  TCSBRK: 0x5409,
  TCXONC: 0x540a,
  TCFLSH: 0x540b,
  TIOCEXCL: 0x540c,
  TIOCNXCL: 0x540d,
  TIOCSCTTY: 0x540e,
  TIOCGPGRP: 0x540f,
  TIOCSPGRP: 0x5410,
  TIOCOUTQ: 0x5411,
  TIOCSTI: 0x5412,
  TIOCGWINSZ: 0x5413,
  TIOCSWINSZ: 0x5414,
  TIOCMGET: 0x5415,
  TIOCMBIS: 0x5416,
  TIOCMBIC: 0x5417,
  TIOCMSET: 0x5418,
  TIOCGSOFTCAR: 0x5419,
  TIOCSSOFTCAR: 0x541a,
  FIONREAD: 0x541b,
  TIOCINQ: 0x541b,
  TIOCLINUX: 0x541c,
  TIOCCONS: 0x541d,
  TIOCGSERIAL: 0x541e,
  TIOCSSERIAL: 0x541f,
  TIOCPKT: 0x5420,
  FIONBIO: 0x5421,
  TIOCNOTTY: 0x5422,
  TIOCSETD: 0x5423,
  TIOCGETD: 0x5424,
  TCSBRKP: 0x5425,
  TIOCSBRK: 0x5427,
  TIOCCBRK: 0x5428,
  TIOCGSID: 0x5429,
  TCGETS2: 0x802c542a,
  TCSETS2: 0x402c542b,
  TCSETSW2: 0x402c542c,
  TCSETSF2: 0x402c542d,
  TIOCGRS485: 0x542e,
  TIOCSRS485: 0x542f,
  TIOCGPTN: 0x80045430,
  TIOCSPTLCK: 0x40045431,
  TIOCGDEV: 0x80045432,
  TIOCSIG: 0x40045436,
  TIOCVHANGUP: 0x5437,
  TIOCGPKT: 0x80045438,
  TIOCGPTLCK: 0x80045439,
  TIOCGEXCL: 0x80045440,
  TIOCGPTPEER: 0x5441,
  FIONCLEX: 0x5450,
  FIOCLEX: 0x5451,
  FIOASYNC: 0x5452,
  TIOCSERCONFIG: 0x5453,
  TIOCSERGWILD: 0x5454,
  TIOCSERSWILD: 0x5455,
  TIOCGLCKTRMIOS: 0x5456,
  TIOCSLCKTRMIOS: 0x5457,
  TIOCSERGSTRUCT: 0x5458,
  TIOCSERGETLSR: 0x5459,
  TIOCSERGETMULTI: 0x545a,
  TIOCSERSETMULTI: 0x545b,
  TIOCMIWAIT: 0x545c,
  TIOCGICOUNT: 0x545d,
  FIOQSIZE: 0x5460,
} as const;

// ---------------------------------------------------------------------------------------------
// File types and mode bits: <linux/stat.h>

export const S_IF = {
  S_IFMT: 0o170000,
  S_IFSOCK: 0o140000,
  S_IFLNK: 0o120000,
  S_IFREG: 0o100000,
  S_IFBLK: 0o060000,
  S_IFDIR: 0o040000,
  S_IFCHR: 0o020000,
  S_IFIFO: 0o010000,
  S_ISUID: 0o4000,
  S_ISGID: 0o2000,
  S_ISVTX: 0o1000,
  S_IRWXU: 0o700,
  S_IRUSR: 0o400,
  S_IWUSR: 0o200,
  S_IXUSR: 0o100,
  S_IRWXG: 0o070,
  S_IRGRP: 0o040,
  S_IWGRP: 0o020,
  S_IXGRP: 0o010,
  S_IRWXO: 0o007,
  S_IROTH: 0o004,
  S_IWOTH: 0o002,
  S_IXOTH: 0o001,
} as const;

/** d_type values in dirent64 (glibc <dirent.h>; the kernel's fs_types). */
export const DT = {
  DT_UNKNOWN: 0,
  DT_FIFO: 1,
  DT_CHR: 2,
  DT_DIR: 4,
  DT_BLK: 6,
  DT_REG: 8,
  DT_LNK: 10,
  DT_SOCK: 12,
  DT_WHT: 14,
} as const;

// ---------------------------------------------------------------------------------------------
// poll / epoll: <asm-generic/poll.h>, <linux/eventpoll.h>

export const POLL = {
  POLLIN: 0x0001,
  POLLPRI: 0x0002,
  POLLOUT: 0x0004,
  POLLERR: 0x0008,
  POLLHUP: 0x0010,
  POLLNVAL: 0x0020,
  POLLRDNORM: 0x0040,
  POLLRDBAND: 0x0080,
  POLLWRNORM: 0x0100,
  POLLWRBAND: 0x0200,
  POLLMSG: 0x0400,
  POLLREMOVE: 0x1000,
  POLLRDHUP: 0x2000,
} as const;

export const EPOLL = {
  EPOLL_CLOEXEC: 0o2000000,
  EPOLL_CTL_ADD: 1,
  EPOLL_CTL_DEL: 2,
  EPOLL_CTL_MOD: 3,
  EPOLLIN: 0x00000001,
  EPOLLPRI: 0x00000002,
  EPOLLOUT: 0x00000004,
  EPOLLERR: 0x00000008,
  EPOLLHUP: 0x00000010,
  EPOLLNVAL: 0x00000020,
  EPOLLRDNORM: 0x00000040,
  EPOLLRDBAND: 0x00000080,
  EPOLLWRNORM: 0x00000100,
  EPOLLWRBAND: 0x00000200,
  EPOLLMSG: 0x00000400,
  EPOLLRDHUP: 0x00002000,
  EPOLLEXCLUSIVE: 0x10000000,
  EPOLLWAKEUP: 0x20000000,
  EPOLLONESHOT: 0x40000000,
  EPOLLET: 0x80000000,
} as const;

/** eventfd(2), timerfd, signalfd, inotify, pipe2 flags that follow O_* values. */
export const FD_FLAGS = {
  EFD_SEMAPHORE: 1,
  EFD_CLOEXEC: 0o2000000,
  EFD_NONBLOCK: 0o4000,
  TFD_TIMER_ABSTIME: 1,
  TFD_TIMER_CANCEL_ON_SET: 2,
  TFD_CLOEXEC: 0o2000000,
  TFD_NONBLOCK: 0o4000,
  SFD_CLOEXEC: 0o2000000,
  SFD_NONBLOCK: 0o4000,
} as const;

// ---------------------------------------------------------------------------------------------
// Clocks and timers: <linux/time.h>

export const CLOCK = {
  CLOCK_REALTIME: 0,
  CLOCK_MONOTONIC: 1,
  CLOCK_PROCESS_CPUTIME_ID: 2,
  CLOCK_THREAD_CPUTIME_ID: 3,
  CLOCK_MONOTONIC_RAW: 4,
  CLOCK_REALTIME_COARSE: 5,
  CLOCK_MONOTONIC_COARSE: 6,
  CLOCK_BOOTTIME: 7,
  CLOCK_REALTIME_ALARM: 8,
  CLOCK_BOOTTIME_ALARM: 9,
  CLOCK_SGI_CYCLE: 10,
  CLOCK_TAI: 11,
} as const;

export const TIMER = {
  TIMER_ABSTIME: 0x01,
  ITIMER_REAL: 0,
  ITIMER_VIRTUAL: 1,
  ITIMER_PROF: 2,
} as const;

// ---------------------------------------------------------------------------------------------
// Resource limits: <asm-generic/resource.h>

export const RLIMIT = {
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
  RLIM_NLIMITS: 16,
  RLIM_INFINITY: 0xffffffffffffffffn,
  RUSAGE_SELF: 0,
  RUSAGE_CHILDREN: -1,
  RUSAGE_BOTH: -2,
  RUSAGE_THREAD: 1,
  PRIO_PROCESS: 0,
  PRIO_PGRP: 1,
  PRIO_USER: 2,
} as const;

/** getrandom(2) flags: <linux/random.h>. */
export const GRND = {
  GRND_NONBLOCK: 0x0001,
  GRND_RANDOM: 0x0002,
  GRND_INSECURE: 0x0004,
} as const;

/** arch_prctl(2) codes (x86-64 only syscall): <asm/prctl.h>. */
export const ARCH_PRCTL = {
  ARCH_SET_GS: 0x1001,
  ARCH_SET_FS: 0x1002,
  ARCH_GET_FS: 0x1003,
  ARCH_GET_GS: 0x1004,
  ARCH_GET_CPUID: 0x1011,
  ARCH_SET_CPUID: 0x1012,
} as const;

/** prctl(2) options: <linux/prctl.h>. */
export const PR = {
  PR_SET_PDEATHSIG: 1,
  PR_GET_PDEATHSIG: 2,
  PR_GET_DUMPABLE: 3,
  PR_SET_DUMPABLE: 4,
  PR_GET_UNALIGN: 5,
  PR_SET_UNALIGN: 6,
  PR_GET_KEEPCAPS: 7,
  PR_SET_KEEPCAPS: 8,
  PR_GET_FPEMU: 9,
  PR_SET_FPEMU: 10,
  PR_GET_FPEXC: 11,
  PR_SET_FPEXC: 12,
  PR_GET_TIMING: 13,
  PR_SET_TIMING: 14,
  PR_SET_NAME: 15,
  PR_GET_NAME: 16,
  PR_GET_ENDIAN: 19,
  PR_SET_ENDIAN: 20,
  PR_GET_SECCOMP: 21,
  PR_SET_SECCOMP: 22,
  PR_CAPBSET_READ: 23,
  PR_CAPBSET_DROP: 24,
  PR_GET_TSC: 25,
  PR_SET_TSC: 26,
  PR_GET_SECUREBITS: 27,
  PR_SET_SECUREBITS: 28,
  PR_SET_TIMERSLACK: 29,
  PR_GET_TIMERSLACK: 30,
  PR_TASK_PERF_EVENTS_DISABLE: 31,
  PR_TASK_PERF_EVENTS_ENABLE: 32,
  PR_MCE_KILL: 33,
  PR_MCE_KILL_GET: 34,
  PR_SET_MM: 35,
  PR_SET_PTRACER: 0x59616d61,
  PR_SET_CHILD_SUBREAPER: 36,
  PR_GET_CHILD_SUBREAPER: 37,
  PR_SET_NO_NEW_PRIVS: 38,
  PR_GET_NO_NEW_PRIVS: 39,
  PR_GET_TID_ADDRESS: 40,
  PR_SET_THP_DISABLE: 41,
  PR_GET_THP_DISABLE: 42,
  PR_MPX_ENABLE_MANAGEMENT: 43,
  PR_MPX_DISABLE_MANAGEMENT: 44,
  PR_SET_FP_MODE: 45,
  PR_GET_FP_MODE: 46,
  PR_CAP_AMBIENT: 47,
  PR_SVE_SET_VL: 50,
  PR_SVE_GET_VL: 51,
  PR_GET_SPECULATION_CTRL: 52,
  PR_SET_SPECULATION_CTRL: 53,
  PR_PAC_RESET_KEYS: 54,
  PR_SET_TAGGED_ADDR_CTRL: 55,
  PR_GET_TAGGED_ADDR_CTRL: 56,
  PR_SET_IO_FLUSHER: 57,
  PR_GET_IO_FLUSHER: 58,
  PR_SET_SYSCALL_USER_DISPATCH: 59,
  PR_PAC_SET_ENABLED_KEYS: 60,
  PR_PAC_GET_ENABLED_KEYS: 61,
  PR_SCHED_CORE: 62,
  PR_SME_SET_VL: 63,
  PR_SME_GET_VL: 64,
  PR_SET_VMA: 0x53564d41,
} as const;

/** wait4/waitid options and idtype: <linux/wait.h>. */
export const WAIT = {
  WNOHANG: 0x00000001,
  WUNTRACED: 0x00000002,
  WSTOPPED: 0x00000002,
  WEXITED: 0x00000004,
  WCONTINUED: 0x00000008,
  WNOWAIT: 0x01000000,
  __WNOTHREAD: 0x20000000,
  __WALL: 0x40000000,
  __WCLONE: 0x80000000,
  P_ALL: 0,
  P_PID: 1,
  P_PGID: 2,
  P_PIDFD: 3,
} as const;

// ---------------------------------------------------------------------------------------------
// Sockets: glibc <sys/socket.h>, <netinet/in.h>, <netinet/tcp.h> (the kernel's values; the UAPI
// headers do not export AF_*), <asm-generic/socket.h> for SOL_SOCKET/SO_*.

export const SOCK = {
  AF_UNSPEC: 0,
  AF_UNIX: 1,
  AF_LOCAL: 1,
  AF_INET: 2,
  AF_INET6: 10,
  AF_NETLINK: 16,
  AF_PACKET: 17,
  AF_ALG: 38,
  AF_VSOCK: 40,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_RDM: 4,
  SOCK_SEQPACKET: 5,
  SOCK_PACKET: 10,
  SOCK_NONBLOCK: 0o4000,
  SOCK_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SOL_IP: 0,
  SOL_TCP: 6,
  SOL_IPV6: 41,
  SO_DEBUG: 1,
  SO_REUSEADDR: 2,
  SO_TYPE: 3,
  SO_ERROR: 4,
  SO_DONTROUTE: 5,
  SO_BROADCAST: 6,
  SO_SNDBUF: 7,
  SO_RCVBUF: 8,
  SO_KEEPALIVE: 9,
  SO_OOBINLINE: 10,
  SO_NO_CHECK: 11,
  SO_PRIORITY: 12,
  SO_LINGER: 13,
  SO_BSDCOMPAT: 14,
  SO_REUSEPORT: 15,
  SO_PASSCRED: 16,
  SO_PEERCRED: 17,
  SO_RCVLOWAT: 18,
  SO_SNDLOWAT: 19,
  /** SO_RCVTIMEO_OLD: the 64-bit timeval form every LP64 libc uses. */
  SO_RCVTIMEO: 20,
  SO_SNDTIMEO: 21,
  SO_BINDTODEVICE: 25,
  SO_ATTACH_FILTER: 26,
  SO_DETACH_FILTER: 27,
  SO_PEERNAME: 28,
  SO_TIMESTAMP: 29,
  SO_ACCEPTCONN: 30,
  SO_PEERSEC: 31,
  SO_SNDBUFFORCE: 32,
  SO_RCVBUFFORCE: 33,
  SO_PASSSEC: 34,
  SO_MARK: 36,
  SO_PROTOCOL: 38,
  SO_DOMAIN: 39,
  SO_RXQ_OVFL: 40,
  SO_PEEK_OFF: 42,
  SO_BUSY_POLL: 46,
  SO_INCOMING_CPU: 49,
  SO_PEERGROUPS: 59,
  IPPROTO_IP: 0,
  IPPROTO_ICMP: 1,
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_IPV6: 41,
  IPPROTO_ICMPV6: 58,
  IPPROTO_RAW: 255,
  TCP_NODELAY: 1,
  TCP_MAXSEG: 2,
  TCP_CORK: 3,
  TCP_KEEPIDLE: 4,
  TCP_KEEPINTVL: 5,
  TCP_KEEPCNT: 6,
  TCP_INFO: 11,
  TCP_QUICKACK: 12,
  TCP_CONGESTION: 13,
  IP_TOS: 1,
  IP_TTL: 2,
  IP_HDRINCL: 3,
  IP_OPTIONS: 4,
  IP_RECVERR: 11,
  IP_MULTICAST_IF: 32,
  IP_MULTICAST_TTL: 33,
  IP_MULTICAST_LOOP: 34,
  IP_ADD_MEMBERSHIP: 35,
  IP_DROP_MEMBERSHIP: 36,
  IPV6_UNICAST_HOPS: 16,
  IPV6_MULTICAST_IF: 17,
  IPV6_MULTICAST_HOPS: 18,
  IPV6_MULTICAST_LOOP: 19,
  IPV6_V6ONLY: 26,
  MSG_OOB: 0x1,
  MSG_PEEK: 0x2,
  MSG_DONTROUTE: 0x4,
  MSG_CTRUNC: 0x8,
  MSG_PROXY: 0x10,
  MSG_TRUNC: 0x20,
  MSG_DONTWAIT: 0x40,
  MSG_EOR: 0x80,
  MSG_WAITALL: 0x100,
  MSG_FIN: 0x200,
  MSG_SYN: 0x400,
  MSG_CONFIRM: 0x800,
  MSG_RST: 0x1000,
  MSG_ERRQUEUE: 0x2000,
  MSG_NOSIGNAL: 0x4000,
  MSG_MORE: 0x8000,
  MSG_WAITFORONE: 0x10000,
  MSG_BATCH: 0x40000,
  MSG_ZEROCOPY: 0x4000000,
  MSG_FASTOPEN: 0x20000000,
  MSG_CMSG_CLOEXEC: 0x40000000,
  SCM_RIGHTS: 1,
  SCM_CREDENTIALS: 2,
  SCM_TIMESTAMP: 29,
  SHUT_RD: 0,
  SHUT_WR: 1,
  SHUT_RDWR: 2,
  SOMAXCONN: 4096,
  INADDR_ANY: 0,
  INADDR_LOOPBACK: 0x7f000001,
} as const;

// ---------------------------------------------------------------------------------------------
// Terminal: <asm-generic/termbits.h> (the kernel's termios bits; shared by x86-64 and arm64)

export const TERMIOS = {
  // c_cc indices
  VINTR: 0, VQUIT: 1, VERASE: 2, VKILL: 3, VEOF: 4, VTIME: 5, VMIN: 6, VSWTC: 7, VSTART: 8, VSTOP: 9,
  VSUSP: 10, VEOL: 11, VREPRINT: 12, VDISCARD: 13, VWERASE: 14, VLNEXT: 15, VEOL2: 16,
  // c_iflag
  IGNBRK: 0o1, BRKINT: 0o2, IGNPAR: 0o4, PARMRK: 0o10, INPCK: 0o20, ISTRIP: 0o40, INLCR: 0o100, IGNCR: 0o200,
  ICRNL: 0o400, IUCLC: 0o1000, IXON: 0o2000, IXANY: 0o4000, IXOFF: 0o10000, IMAXBEL: 0o20000, IUTF8: 0o40000,
  // c_oflag
  OPOST: 0o1, OLCUC: 0o2, ONLCR: 0o4, OCRNL: 0o10, ONOCR: 0o20, ONLRET: 0o40, OFILL: 0o100, OFDEL: 0o200,
  // c_cflag
  CBAUD: 0o10017, B0: 0o0, B9600: 0o15, B19200: 0o16, B38400: 0o17, CSIZE: 0o60, CS5: 0o0, CS6: 0o20, CS7: 0o40,
  CS8: 0o60, CSTOPB: 0o100, CREAD: 0o200, PARENB: 0o400, PARODD: 0o1000, HUPCL: 0o2000, CLOCAL: 0o4000,
  CBAUDEX: 0o10000, B115200: 0o10002, CRTSCTS: 0o20000000000,
  // c_lflag
  ISIG: 0o1, ICANON: 0o2, XCASE: 0o4, ECHO: 0o10, ECHOE: 0o20, ECHOK: 0o40, ECHONL: 0o100, NOFLSH: 0o200,
  TOSTOP: 0o400, ECHOCTL: 0o1000, ECHOPRT: 0o2000, ECHOKE: 0o4000, FLUSHO: 0o10000, PENDIN: 0o40000,
  IEXTEN: 0o100000, EXTPROC: 0o200000,
  // tcsetattr / tcflush / tcflow actions
  TCSANOW: 0, TCSADRAIN: 1, TCSAFLUSH: 2, TCIFLUSH: 0, TCOFLUSH: 1, TCIOFLUSH: 2, TCOOFF: 0, TCOON: 1, TCIOFF: 2, TCION: 3,
} as const;
