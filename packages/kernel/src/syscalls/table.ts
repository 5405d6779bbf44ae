// The syscall definitions (convention 2): one list shared by both arches, naming the handler,
// its support level, a note, and how strace prints the arguments. Per-arch tables are built from
// @elfbox/abi's generated numbers: a name the list does not define is 'enosys' (unknown: the
// dispatcher warns once per name per run).
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from '@elfbox/abi';
import type { Arch } from '@elfbox/cpu';
import type { ArgFormat, Handler, RetFormat, SupportLevel, SyscallDef } from './types.js';
import * as rw from './sys_read_write.js';
import * as file from './sys_file.js';
import * as stat from './sys_stat.js';
import * as mmap from './sys_mmap.js';
import * as sig from './sys_signal.js';
import * as thread from './sys_thread.js';
import * as time from './sys_time.js';
import * as info from './sys_info.js';
import * as poll from './sys_poll.js';
import * as proc from './sys_process.js';
import * as sock from './sys_socket.js';
import { ttyRead, ttyWrite } from '../files/tty.js'; // SIGTTIN / SIGTTOU for background groups

function def(name: string, handler: Handler | undefined, level: SupportLevel, args: ArgFormat[], note?: string, ret?: RetFormat): SyscallDef {
  return { name, handler, level, args, note, ret };
}
const full = (name: string, handler: Handler, args: ArgFormat[], ret?: RetFormat) => def(name, handler, 'full', args, undefined, ret);
const partial = (name: string, handler: Handler, args: ArgFormat[], note: string, ret?: RetFormat) => def(name, handler, 'partial', args, note, ret);
const enosys = (name: string, args: ArgFormat[], note: string) => def(name, undefined, 'enosys', args, note);

export const SYSCALL_DEFS: readonly SyscallDef[] = [
  // sys_read_write.ts
  full('read', ttyRead(rw.sys_read), ['fd', 'obuf:2', 'size']),
  full('write', ttyWrite(rw.sys_write), ['fd', 'ibuf:2', 'size']),
  full('readv', ttyRead(rw.sys_readv), ['fd', 'oiov:2', 'int']),
  full('writev', ttyWrite(rw.sys_writev), ['fd', 'iov:2', 'int']),
  full('pread64', rw.sys_pread64, ['fd', 'obuf:2', 'size', 'int']),
  full('pwrite64', rw.sys_pwrite64, ['fd', 'ibuf:2', 'size', 'int']),
  full('lseek', rw.sys_lseek, ['fd', 'int', 'whence']),
  full('preadv', rw.sys_preadv, ['fd', 'oiov:2', 'int', 'int']),
  full('pwritev', rw.sys_pwritev, ['fd', 'iov:2', 'int', 'int']),
  partial('preadv2', rw.sys_preadv2, ['fd', 'oiov:2', 'int', 'int', 'int', 'hex'], 'RWF_* flags accepted and ignored'),
  partial('pwritev2', rw.sys_pwritev2, ['fd', 'iov:2', 'int', 'int', 'int', 'hex'], 'RWF_* flags accepted and ignored'),
  full('sendfile', rw.sys_sendfile, ['fd', 'fd', 'ptr', 'size']),
  partial('copy_file_range', rw.sys_copy_file_range, ['fd', 'ptr', 'fd', 'ptr', 'size', 'hex'], 'regular files only (a copy through the kernel, no reflink)'),
  // sys_file.ts
  full('open', file.sys_open, ['path', 'oflags', 'mode']),
  full('openat', file.sys_openat, ['dirfd', 'path', 'oflags', 'mode']),
  partial('creat', file.sys_creat, ['path', 'mode'], 'as open(O_WRONLY|O_CREAT|O_TRUNC)'),
  full('close', file.sys_close, ['fd']),
  full('close_range', file.sys_close_range, ['uint', 'uint', 'hex']),
  partial('fadvise64', file.sys_fadvise64, ['fd', 'int', 'int', 'int'], 'arguments checked (EBADF, ESPIPE, EINVAL); the advice itself changes nothing'),
  full('access', file.sys_access, ['path', 'accessmode']),
  full('faccessat', file.sys_faccessat, ['dirfd', 'path', 'accessmode']),
  full('faccessat2', file.sys_faccessat2, ['dirfd', 'path', 'accessmode', 'atflags']),
  full('readlink', file.sys_readlink, ['path', 'obuf:2', 'size']),
  full('readlinkat', file.sys_readlinkat, ['dirfd', 'path', 'obuf:3', 'size']),
  full('getcwd', file.sys_getcwd, ['ptr', 'size']),
  full('chdir', file.sys_chdir, ['path']),
  full('fchdir', file.sys_fchdir, ['fd']),
  full('dup', file.sys_dup, ['fd']),
  full('dup2', file.sys_dup2, ['fd', 'fd']),
  full('dup3', file.sys_dup3, ['fd', 'fd', 'fdflags']),
  partial('fcntl', file.sys_fcntl, ['fd', 'int', 'hex'], 'F_DUPFD*, F_GETFD/SETFD, F_GETFL/SETFL, F_GET/SETPIPE_SZ, record and OFD locks'),
  partial('ioctl', file.sys_ioctl, ['fd', 'ioctl', 'hex'], 'TCGETS/TCSETS*/TIOCGWINSZ/TIOCSWINSZ on stdio terminals; TIOCGPGRP/TIOCSPGRP/TIOCGSID/TIOCSCTTY/TIOCNOTTY of the controlling terminal (SIGTTOU for background groups); FIONREAD on pipes, FIONBIO/FIOCLEX/FIONCLEX on any fd; ENOTTY otherwise'),
  full('getdents64', file.sys_getdents64, ['fd', 'ptr', 'uint']),
  full('umask', file.sys_umask, ['octal']),
  full('getdents', file.sys_getdents, ['fd', 'ptr', 'uint']),
  full('openat2', file.sys_openat2, ['dirfd', 'path', 'ptr', 'size']),
  full('mkdir', file.sys_mkdir, ['path', 'octal']),
  full('mkdirat', file.sys_mkdirat, ['dirfd', 'path', 'octal']),
  full('rmdir', file.sys_rmdir, ['path']),
  full('unlink', file.sys_unlink, ['path']),
  full('unlinkat', file.sys_unlinkat, ['dirfd', 'path', 'atflags']),
  full('rename', file.sys_rename, ['path', 'path']),
  full('renameat', file.sys_renameat, ['dirfd', 'path', 'dirfd', 'path']),
  partial('renameat2', file.sys_renameat2, ['dirfd', 'path', 'dirfd', 'path', 'hex'], 'NOREPLACE and EXCHANGE (by three host renames); no WHITEOUT'),
  full('link', file.sys_link, ['path', 'path']),
  partial('linkat', file.sys_linkat, ['dirfd', 'path', 'dirfd', 'path', 'atflags'], 'AT_EMPTY_PATH is ENOENT (needs CAP_DAC_READ_SEARCH)'),
  full('symlink', file.sys_symlink, ['path', 'path']),
  full('symlinkat', file.sys_symlinkat, ['path', 'dirfd', 'path']),
  full('chmod', file.sys_chmod, ['path', 'octal']),
  full('fchmod', file.sys_fchmod, ['fd', 'octal']),
  full('fchmodat', file.sys_fchmodat, ['dirfd', 'path', 'octal']),
  full('chown', file.sys_chown, ['path', 'int', 'int']),
  full('fchown', file.sys_fchown, ['fd', 'int', 'int']),
  full('lchown', file.sys_lchown, ['path', 'int', 'int']),
  full('fchownat', file.sys_fchownat, ['dirfd', 'path', 'int', 'int', 'atflags']),
  partial('utimensat', file.sys_utimensat, ['dirfd', 'path', 'ptr', 'atflags'], 'host times at microsecond precision'),
  full('utimes', file.sys_utimes, ['path', 'ptr']),
  full('futimesat', file.sys_futimesat, ['dirfd', 'path', 'ptr']),
  full('utime', file.sys_utime, ['path', 'ptr']),
  full('truncate', file.sys_truncate, ['path', 'int']),
  full('ftruncate', file.sys_ftruncate, ['fd', 'int']),
  partial('fallocate', file.sys_fallocate, ['fd', 'int', 'int', 'int'], 'mode 0 and FALLOC_FL_KEEP_SIZE; no hole punching'),
  full('fsync', file.sys_fsync, ['fd']),
  full('fdatasync', file.sys_fdatasync, ['fd']),
  partial('sync', file.sys_sync, [], 'no-op: host writes are synchronous'),
  partial('syncfs', file.sys_syncfs, ['fd'], 'no-op: host writes are synchronous'),
  full('pipe', file.sys_pipe, ['pipefds']),
  full('pipe2', file.sys_pipe2, ['pipefds', 'fdflags']),
  full('flock', file.sys_flock, ['fd', 'int']),
  // sys_poll.ts
  full('poll', poll.sys_poll, ['ptr', 'uint', 'int']),
  full('ppoll', poll.sys_ppoll, ['ptr', 'uint', 'itimespec', 'sigset', 'size']),
  full('select', poll.sys_select, ['int', 'ptr', 'ptr', 'ptr', 'ptr']),
  full('pselect6', poll.sys_pselect6, ['int', 'ptr', 'ptr', 'ptr', 'itimespec', 'ptr']),
  full('eventfd', poll.sys_eventfd, ['uint']),
  full('eventfd2', poll.sys_eventfd2, ['uint', 'hex']),
  partial('epoll_create', poll.sys_epoll_create, ['int'], 'level- and edge-triggered (EPOLLET) entries'),
  partial('epoll_create1', poll.sys_epoll_create1, ['hex'], 'level- and edge-triggered (EPOLLET) entries'),
  partial('epoll_ctl', poll.sys_epoll_ctl, ['fd', 'int', 'fd', 'ptr'], 'EPOLLET and EPOLLONESHOT honoured; EPOLLEXCLUSIVE, EPOLLWAKEUP accepted'),
  full('epoll_wait', poll.sys_epoll_wait, ['fd', 'ptr', 'int', 'int']),
  full('epoll_pwait', poll.sys_epoll_pwait, ['fd', 'ptr', 'int', 'int', 'sigset', 'size']),
  full('epoll_pwait2', poll.sys_epoll_pwait2, ['fd', 'ptr', 'int', 'itimespec', 'sigset', 'size']),
  // sys_stat.ts
  full('fstat', stat.sys_fstat, ['fd', 'stat']),
  full('stat', stat.sys_stat, ['path', 'stat']),
  full('lstat', stat.sys_lstat, ['path', 'stat']),
  full('newfstatat', stat.sys_newfstatat, ['dirfd', 'path', 'stat', 'atflags']),
  partial('statx', stat.sys_statx, ['dirfd', 'path', 'atflags', 'hex', 'ptr'], 'basic stats and btime; no mount id or attributes'),
  full('statfs', stat.sys_statfs, ['path', 'ptr']),
  full('fstatfs', stat.sys_fstatfs, ['fd', 'ptr']),
  partial('getxattr', stat.sys_getxattr, ['path', 'string', 'ptr', 'size'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('lgetxattr', stat.sys_lgetxattr, ['path', 'string', 'ptr', 'size'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('fgetxattr', stat.sys_fgetxattr, ['fd', 'string', 'ptr', 'size'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('setxattr', stat.sys_setxattr, ['path', 'string', 'ibuf:3', 'size', 'hex'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('lsetxattr', stat.sys_lsetxattr, ['path', 'string', 'ibuf:3', 'size', 'hex'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('fsetxattr', stat.sys_fsetxattr, ['fd', 'string', 'ibuf:3', 'size', 'hex'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('listxattr', stat.sys_listxattr, ['path', 'ptr', 'size'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('llistxattr', stat.sys_llistxattr, ['path', 'ptr', 'size'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('flistxattr', stat.sys_flistxattr, ['fd', 'ptr', 'size'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('removexattr', stat.sys_removexattr, ['path', 'string'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('lremovexattr', stat.sys_lremovexattr, ['path', 'string'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  partial('fremovexattr', stat.sys_fremovexattr, ['fd', 'string'], 'in-memory files keep user., trusted. and security. attributes; host files show none (ENODATA, empty lists; writes EOPNOTSUPP)'),
  // sys_mmap.ts
  full('brk', mmap.sys_brk, ['ptr'], 'hex'),
  partial('mmap', mmap.sys_mmap, ['ptr', 'size', 'prot', 'mapflags', 'fd', 'hex'], 'MAP_SHARED writes reach the file and other mappings at the next syscall or access; SIGBUS past EOF; MAP_GROWSDOWN grows; MAP_HUGETLB/LOCKED/POPULATE only accepted', 'hex'),
  full('munmap', mmap.sys_munmap, ['ptr', 'size']),
  full('mprotect', mmap.sys_mprotect, ['ptr', 'size', 'prot']),
  full('mremap', mmap.sys_mremap, ['ptr', 'size', 'size', 'hex', 'ptr'], 'hex'),
  partial('madvise', mmap.sys_madvise, ['ptr', 'size', 'int'], 'DONTNEED/FREE zero private anonymous pages and reload private file pages; other advice accepted'),
  full('msync', mmap.sys_msync, ['ptr', 'size', 'int']),
  partial('mincore', mmap.sys_mincore, ['ptr', 'size', 'ptr'], 'every mapped page is resident'),
  partial('mlock', mmap.sys_mlock, ['ptr', 'size'], 'accepted: nothing is ever swapped'),
  partial('mlock2', mmap.sys_mlock2, ['ptr', 'size', 'hex'], 'accepted: nothing is ever swapped'),
  partial('munlock', mmap.sys_munlock, ['ptr', 'size'], 'accepted: nothing is ever swapped'),
  partial('mlockall', mmap.sys_mlockall, ['hex'], 'accepted: nothing is ever swapped'),
  partial('munlockall', mmap.sys_munlockall, [], 'accepted: nothing is ever swapped'),
  // sys_signal.ts
  full('rt_sigaction', sig.sys_rt_sigaction, ['signal', 'ptr', 'ptr', 'size']),
  full('rt_sigprocmask', sig.sys_rt_sigprocmask, ['sighow', 'sigset', 'ptr', 'size']),
  full('rt_sigpending', sig.sys_rt_sigpending, ['ptr', 'size']),
  full('sigaltstack', sig.sys_sigaltstack, ['ptr', 'ptr']),
  full('kill', proc.sys_kill, ['int', 'signal']),
  full('tgkill', sig.sys_tgkill, ['int', 'int', 'signal']),
  full('tkill', sig.sys_tkill, ['int', 'signal']),
  full('rt_sigreturn', sig.sys_rt_sigreturn, ['sigreturn']),
  full('rt_sigsuspend', sig.sys_rt_sigsuspend, ['sigset', 'size']),
  full('pause', sig.sys_pause, []),
  full('rt_sigtimedwait', sig.sys_rt_sigtimedwait, ['sigset', 'ptr', 'itimespec', 'size']),
  full('signalfd', sig.sys_signalfd, ['fd', 'sigset', 'size']),
  full('signalfd4', sig.sys_signalfd4, ['fd', 'sigset', 'size', 'sfdflags']),
  full('rt_sigqueueinfo', sig.sys_rt_sigqueueinfo, ['int', 'signal', 'ptr']),
  full('rt_tgsigqueueinfo', sig.sys_rt_tgsigqueueinfo, ['int', 'int', 'signal', 'ptr']),
  full('alarm', sig.sys_alarm, ['uint']),
  partial('setitimer', sig.sys_setitimer, ['int', 'ptr', 'ptr'], 'ITIMER_VIRTUAL and ITIMER_PROF count wall time'),
  partial('getitimer', sig.sys_getitimer, ['int', 'ptr'], 'ITIMER_VIRTUAL and ITIMER_PROF count wall time'),
  // sys_thread.ts
  full('exit', thread.sys_exit, ['int'], 'none'),
  full('exit_group', thread.sys_exit_group, ['int'], 'none'),
  full('set_tid_address', thread.sys_set_tid_address, ['ptr']),
  full('set_robust_list', thread.sys_set_robust_list, ['ptr', 'size']),
  full('get_robust_list', thread.sys_get_robust_list, ['int', 'ptr', 'ptr']),
  enosys('rseq', ['ptr', 'hex', 'hex', 'hex'], 'not supported: libc falls back'),
  full('getpid', thread.sys_getpid, []),
  full('gettid', thread.sys_gettid, []),
  full('getppid', proc.sys_getppid, []),
  partial('arch_prctl', thread.sys_arch_prctl, ['archprctl', 'hex'], 'ARCH_SET/GET_FS, ARCH_SET/GET_GS'),
  partial('futex', thread.sys_futex, ['ptr', 'futexop', 'uint', 'itimespec', 'ptr', 'hex'], 'WAIT, WAKE, REQUEUE, CMP_REQUEUE, WAKE_OP, *_BITSET, LOCK_PI, LOCK_PI2, TRYLOCK_PI, UNLOCK_PI; no WAIT_REQUEUE_PI / CMP_REQUEUE_PI'),
  full('sched_yield', thread.sys_sched_yield, []),
  partial('sched_getaffinity', thread.sys_sched_getaffinity, ['int', 'size', 'ptr'], 'one CPU'),
  partial('sched_setaffinity', thread.sys_sched_setaffinity, ['int', 'size', 'ptr'], 'a set with CPU 0 is accepted, no effect'),
  partial('clone', thread.sys_clone, ['hex', 'ptr', 'ptr', 'ptr', 'ptr'], 'threads (CLONE_THREAD); process clones go to the processes code'),
  partial('clone3', thread.sys_clone3, ['ptr', 'size'], 'threads (CLONE_THREAD); no set_tid; process clones go to the processes code'),
  partial('sched_getscheduler', thread.sys_sched_getscheduler, ['int'], 'stores the policy; one scheduler runs every task'),
  partial('sched_setscheduler', thread.sys_sched_setscheduler, ['int', 'int', 'ptr'], 'real-time policies EPERM unless uid 0; stored only'),
  full('sched_getparam', thread.sys_sched_getparam, ['int', 'ptr']),
  full('sched_setparam', thread.sys_sched_setparam, ['int', 'ptr']),
  full('sched_get_priority_max', thread.sys_sched_get_priority_max, ['int']),
  full('sched_get_priority_min', thread.sys_sched_get_priority_min, ['int']),
  partial('getpriority', thread.sys_getpriority, ['int', 'int'], 'nice values stored, not used by the scheduler'),
  partial('setpriority', thread.sys_setpriority, ['int', 'int', 'int'], 'nice values stored, not used by the scheduler'),
  partial('getcpu', thread.sys_getcpu, ['ptr', 'ptr', 'ptr'], 'always CPU 0, node 0'),
  full('prlimit64', thread.sys_prlimit64, ['int', 'rlimit', 'irlimit', 'orlimit']),
  full('getrlimit', thread.sys_getrlimit, ['rlimit', 'orlimit']),
  full('setrlimit', thread.sys_setrlimit, ['rlimit', 'irlimit']),
  partial('prctl', proc.sys_prctl, ['int', 'hex', 'hex', 'hex', 'hex'], 'PR_SET/GET_NAME, PDEATHSIG, CHILD_SUBREAPER and a few queries'),
  // sys_process.ts
  full('fork', proc.sys_fork, []),
  full('vfork', proc.sys_vfork, []),
  partial('execve', proc.sys_execve, ['path', 'ptr', 'ptr'], '#! scripts, dynamic programs, either arch; the other threads end at once'),
  partial('execveat', proc.sys_execveat, ['dirfd', 'path', 'ptr', 'ptr', 'atflags'], 'as execve; AT_EMPTY_PATH runs the fd\'s path'),
  full('wait4', proc.sys_wait4, ['int', 'ptr', 'hex', 'ptr']),
  full('waitid', proc.sys_waitid, ['int', 'int', 'ptr', 'hex', 'ptr']),
  full('getpgid', proc.sys_getpgid, ['int']),
  full('getpgrp', proc.sys_getpgrp, []),
  full('getsid', proc.sys_getsid, ['int']),
  full('setpgid', proc.sys_setpgid, ['int', 'int']),
  full('setsid', proc.sys_setsid, []),
  partial('pidfd_open', proc.sys_pidfd_open, ['int', 'hex'], 'PIDFD_NONBLOCK; no PIDFD_THREAD'),
  full('pidfd_send_signal', proc.sys_pidfd_send_signal, ['fd', 'signal', 'ptr', 'hex']),
  full('pidfd_getfd', proc.sys_pidfd_getfd, ['fd', 'fd', 'hex']),
  // sys_time.ts
  full('clock_gettime', time.sys_clock_gettime, ['clock', 'otimespec']),
  full('clock_getres', time.sys_clock_getres, ['clock', 'otimespec']),
  full('gettimeofday', time.sys_gettimeofday, ['ptr', 'ptr']),
  full('time', time.sys_time, ['ptr']),
  full('nanosleep', time.sys_nanosleep, ['itimespec', 'ptr']),
  full('clock_nanosleep', time.sys_clock_nanosleep, ['clock', 'int', 'itimespec', 'ptr']),
  partial('times', time.sys_times, ['ptr'], 'user time is guest CPU time (own and waited-for children); system time 0'),
  partial('getrusage', time.sys_getrusage, ['int', 'ptr'], 'ru_utime: guest CPU time of the process, thread or waited-for children; ru_stime 0; ru_maxrss of the Node process'),
  // sys_info.ts
  full('uname', info.sys_uname, ['ptr']),
  partial('sysinfo', info.sys_sysinfo, ['ptr'], 'the figures of /proc/meminfo and /proc/uptime; load averages 0'),
  full('getrandom', info.sys_getrandom, ['randbuf', 'size', 'grndflags']),
  full('getuid', info.sys_getuid, []),
  full('geteuid', info.sys_geteuid, []),
  full('getgid', info.sys_getgid, []),
  full('getegid', info.sys_getegid, []),
  full('getresuid', info.sys_getresuid, ['ptr', 'ptr', 'ptr']),
  full('getresgid', info.sys_getresgid, ['ptr', 'ptr', 'ptr']),
  full('getgroups', info.sys_getgroups, ['int', 'ptr']),
  full('setgroups', info.sys_setgroups, ['int', 'ptr']),
  partial('setuid', info.sys_setuid, ['int'], 'per-process real/effective/saved ids; file permission checks use the host user\'s rights'),
  partial('setgid', info.sys_setgid, ['int'], 'as setuid'),
  partial('setreuid', info.sys_setreuid, ['int', 'int'], 'as setuid'),
  partial('setregid', info.sys_setregid, ['int', 'int'], 'as setuid'),
  partial('setresuid', info.sys_setresuid, ['int', 'int', 'int'], 'as setuid'),
  partial('setresgid', info.sys_setresgid, ['int', 'int', 'int'], 'as setuid'),
  partial('setfsuid', info.sys_setfsuid, ['int'], 'returns the effective uid; no change'),
  partial('setfsgid', info.sys_setfsgid, ['int'], 'returns the effective gid; no change'),
  partial('capget', info.sys_capget, ['ptr', 'ptr'], 'all capabilities for uid 0, none otherwise; v1/v2/v3 headers'),
  partial('capset', info.sys_capset, ['ptr', 'ptr'], 'stored; may only drop capabilities'),
  partial('sethostname', info.sys_sethostname, ['ptr', 'int'], 'the guest\'s own UTS name (needs CAP_SYS_ADMIN in the guest: uid 0)'),
  partial('setdomainname', info.sys_setdomainname, ['ptr', 'int'], 'as sethostname'),
  // sys_socket.ts (objects in src/net/)
  partial('socket', sock.sys_socket, ['int', 'hex', 'int'], 'AF_UNIX (stream, dgram, seqpacket) in the kernel; AF_INET/AF_INET6 TCP and UDP over the host; SOCK_RAW EPERM; other families EAFNOSUPPORT'),
  partial('socketpair', sock.sys_socketpair, ['int', 'hex', 'int', 'ptr'], 'AF_UNIX only (as Linux)'),
  partial('bind', sock.sys_bind, ['fd', 'ptr', 'int'], 'TCP: bind probes the host port and reserves it among guest sockets, listen opens the host listener; AF_UNIX path names are socket inodes in the guest file system'),
  full('listen', sock.sys_listen, ['fd', 'int']),
  full('accept', sock.sys_accept, ['fd', 'ptr', 'ptr']),
  full('accept4', sock.sys_accept4, ['fd', 'ptr', 'ptr', 'fdflags']),
  full('connect', sock.sys_connect, ['fd', 'ptr', 'int']),
  full('getsockname', sock.sys_getsockname, ['fd', 'ptr', 'ptr']),
  full('getpeername', sock.sys_getpeername, ['fd', 'ptr', 'ptr']),
  partial('sendto', sock.sys_sendto, ['fd', 'ibuf:2', 'size', 'hex', 'ptr', 'int'], 'MSG_DONTWAIT, MSG_NOSIGNAL; MSG_OOB: TCP sends in band, others EOPNOTSUPP; MSG_MORE ignored'),
  partial('recvfrom', sock.sys_recvfrom, ['fd', 'obuf:2', 'size', 'hex', 'ptr', 'ptr'], 'MSG_PEEK, MSG_DONTWAIT, MSG_WAITALL, MSG_TRUNC; MSG_OOB: no urgent data (EINVAL on streams, else EOPNOTSUPP)'),
  partial('sendmsg', sock.sys_sendmsg, ['fd', 'ptr', 'hex'], 'SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX'),
  partial('recvmsg', sock.sys_recvmsg, ['fd', 'ptr', 'hex'], 'SCM_RIGHTS (MSG_CMSG_CLOEXEC), SCM_CREDENTIALS with SO_PASSCRED, MSG_TRUNC/MSG_CTRUNC'),
  full('shutdown', sock.sys_shutdown, ['fd', 'int']),
  partial('setsockopt', sock.sys_setsockopt, ['fd', 'int', 'int', 'ptr', 'int'], 'SOL_SOCKET/IP/IPV6/TCP/UDP integer options stored; TCP_NODELAY, SO_KEEPALIVE, SO_LINGER (0: reset on close), SO_RCVTIMEO/SO_SNDTIMEO, IPV6_V6ONLY act'),
  partial('getsockopt', sock.sys_getsockopt, ['fd', 'int', 'int', 'ptr', 'ptr'], 'SO_TYPE/DOMAIN/PROTOCOL/ERROR/ACCEPTCONN/LINGER/RCVTIMEO/SNDTIMEO/PEERCRED, TCP_INFO (tcpi_state only), stored values otherwise'),
  partial('sendmmsg', sock.sys_sendmmsg, ['fd', 'ptr', 'int', 'hex'], 'sendmsg per message (at most UIO_MAXIOV); an error after the first message returns the count'),
  partial('recvmmsg', sock.sys_recvmmsg, ['fd', 'ptr', 'int', 'hex', 'ptr'], 'recvmsg per message; MSG_WAITFORONE; the timeout is checked after each message (as Linux)'),
];

export interface SyscallTable {
  readonly arch: Arch;
  /** Indexed by syscall number; undefined for numbers the arch does not have. */
  readonly byNr: ReadonlyArray<SyscallDef | undefined>;
  readonly byName: ReadonlyMap<string, SyscallDef>;
  /** Every number of the arch with its definition, in number order. */
  readonly entries: ReadonlyArray<[number, SyscallDef]>;
}

const DEFS_BY_NAME = new Map(SYSCALL_DEFS.map((d) => [d.name, d]));

function build(arch: Arch): SyscallTable {
  const numbers: Record<string, number> = arch === 'x86_64' ? SYSCALLS_X86_64 : SYSCALLS_AARCH64;
  const byNr: Array<SyscallDef | undefined> = [];
  const byName = new Map<string, SyscallDef>();
  const entries: Array<[number, SyscallDef]> = [];
  for (const [name, nr] of Object.entries(numbers).sort((a, b) => a[1] - b[1])) {
    const d = DEFS_BY_NAME.get(name) ?? { name, level: 'enosys' as const, args: ['hex', 'hex', 'hex', 'hex', 'hex', 'hex'] as ArgFormat[], note: undefined };
    byNr[nr] = d;
    byName.set(name, d);
    entries.push([nr, d]);
  }
  return Object.freeze({ arch, byNr, byName, entries });
}

const TABLES = new Map<Arch, SyscallTable>();

/** The (immutable) table of an arch. */
export function syscallTable(arch: Arch): SyscallTable {
  let t = TABLES.get(arch);
  if (!t) TABLES.set(arch, (t = build(arch)));
  return t;
}

/** Names in SYSCALL_DEFS that neither arch has (a typo in the list). */
export function unknownDefNames(): string[] {
  return SYSCALL_DEFS.map((d) => d.name).filter((n) => !(n in SYSCALLS_X86_64) && !(n in SYSCALLS_AARCH64));
}
