// Struct layouts as the kernel sees them (what a syscall reads or writes), per arch.
// Each definition follows the member order of the UAPI header named beside it (linux-libc-dev
// for x86-64, linux-libc-dev-arm64-cross for aarch64); where the kernel does not export a
// struct to userspace, glibc's definition (identical ABI) is named instead. Field names are the
// C member designators, so scripts/gen-struct-offsets.mjs can hand them to offsetof() and
// structs.test.ts can compare every offset and size with what gcc computed.
//
// Both arches are LP64 little-endian: long and pointers are 8 bytes (pointers are u64 here).
// Layouts that differ between the arches: stat, epoll_event (packed on x86-64), and the signal
// frame pieces (sigcontext, ucontext, fpstate / fpsimd_context), which exist per arch.

import { type AbiArch, type Member, type StructLayout, array, bytes, pad, struct, union } from './layout.js';

// <linux/time.h>, <linux/time_types.h>
const timespec = struct('timespec', [['tv_sec', 'i64'], ['tv_nsec', 'i64']]);
const timeval = struct('timeval', [['tv_sec', 'i64'], ['tv_usec', 'i64']]);
// glibc <sys/time.h> (not in the UAPI headers)
const timezone = struct('timezone', [['tz_minuteswest', 'i32'], ['tz_dsttime', 'i32']]);
const itimerspec = struct('itimerspec', [['it_interval', timespec], ['it_value', timespec]]);
const itimerval = struct('itimerval', [['it_interval', timeval], ['it_value', timeval]]);

// <linux/uio.h>
const iovec = struct('iovec', [['iov_base', 'u64'], ['iov_len', 'u64']]);

// <linux/utsname.h> struct new_utsname (what uname(2) fills)
const utsname = struct('utsname', [
  ['sysname', bytes(65)], ['nodename', bytes(65)], ['release', bytes(65)],
  ['version', bytes(65)], ['machine', bytes(65)], ['domainname', bytes(65)],
]);

// <linux/resource.h>
const rlimit = struct('rlimit', [['rlim_cur', 'u64'], ['rlim_max', 'u64']]);
const rusage = struct('rusage', [
  ['ru_utime', timeval], ['ru_stime', timeval],
  ...(['ru_maxrss', 'ru_ixrss', 'ru_idrss', 'ru_isrss', 'ru_minflt', 'ru_majflt', 'ru_nswap', 'ru_inblock',
    'ru_oublock', 'ru_msgsnd', 'ru_msgrcv', 'ru_nsignals', 'ru_nvcsw', 'ru_nivcsw'] as const).map((n) => [n, 'i64'] as const),
]);

// <linux/times.h>
const tms = struct('tms', [['tms_utime', 'i64'], ['tms_stime', 'i64'], ['tms_cutime', 'i64'], ['tms_cstime', 'i64']]);

// <asm/signal.h>: the kernel's sigset_t is one unsigned long on both arches (64 signals).
const sigset = struct('sigset', [['sig', 'u64']]);
// The kernel's struct sigaction (rt_sigaction's argument): handler, flags, restorer, mask.
// glibc's userspace struct sigaction puts the mask second; this is not that struct.
const sigaction = struct('sigaction', [['sa_handler', 'u64'], ['sa_flags', 'u64'], ['sa_restorer', 'u64'], ['sa_mask', 'u64']]);
const stack_t = struct('stack_t', [['ss_sp', 'u64'], ['ss_flags', 'i32'], ['ss_size', 'u64']]);

// <asm-generic/siginfo.h>: si_signo, si_errno, si_code, then a union at offset 16; 128 bytes.
// Union members are named by the header's si_* macros (several share an offset).
const siginfo = struct('siginfo', [
  union(
    [
      ['si_signo', 'i32'], ['si_errno', 'i32'], ['si_code', 'i32'],
      union(
        [['si_pid', 'i32'], ['si_uid', 'u32']], // _kill
        [['si_tid', 'i32'], ['si_overrun', 'i32'], ['si_value', 'u64'], ['si_sys_private', 'i32']], // _timer
        [['si_pid', 'i32'], ['si_uid', 'u32'], ['si_int', 'i32']], // _rt (si_value.sival_int)
        [['si_pid', 'i32'], ['si_uid', 'u32'], ['si_ptr', 'u64']], // _rt (si_value.sival_ptr)
        [['si_pid', 'i32'], ['si_uid', 'u32'], ['si_status', 'i32'], ['si_utime', 'i64'], ['si_stime', 'i64']], // _sigchld
        [['si_addr', 'u64'], ['si_trapno', 'i32']], // _sigfault
        [['si_addr', 'u64'], ['si_addr_lsb', 'i16']],
        [['si_addr', 'u64'], pad(8, 8), ['si_lower', 'u64'], ['si_upper', 'u64']],
        [['si_addr', 'u64'], pad(8, 8), ['si_pkey', 'u32']],
        [['si_addr', 'u64'], ['si_perf_data', 'u64'], ['si_perf_type', 'u32'], ['si_perf_flags', 'u32']],
        [['si_band', 'i64'], ['si_fd', 'i32']], // _sigpoll
        [['si_call_addr', 'u64'], ['si_syscall', 'i32'], ['si_arch', 'u32']], // _sigsys
      ),
    ],
    [pad(128, 4)],
  ),
]);

// <linux/sysinfo.h> (the trailing char _f[] is empty on 64-bit)
const sysinfo = struct('sysinfo', [
  ['uptime', 'i64'], ['loads', array('u64', 3)],
  ['totalram', 'u64'], ['freeram', 'u64'], ['sharedram', 'u64'], ['bufferram', 'u64'],
  ['totalswap', 'u64'], ['freeswap', 'u64'], ['procs', 'u16'], ['pad', 'u16'],
  ['totalhigh', 'u64'], ['freehigh', 'u64'], ['mem_unit', 'u32'],
]);

// The kernel's struct linux_dirent64 (getdents64) is not in the UAPI headers; glibc's struct
// dirent64 has the same header. d_name is a flexible array: size 0 here; a record is
// d_reclen bytes, the name starting at fields.d_name.offset (19).
const dirent64 = struct('dirent64', [['d_ino', 'u64'], ['d_off', 'i64'], ['d_reclen', 'u16'], ['d_type', 'u8'], ['d_name', bytes(0)]]);

// <asm-generic/poll.h>
const pollfd = struct('pollfd', [['fd', 'i32'], ['events', 'i16'], ['revents', 'i16']]);

// <linux/socket.h>, <linux/in.h>, <linux/in6.h>, <linux/un.h>; glibc <sys/socket.h> for
// sockaddr, msghdr, cmsghdr, linger, ucred (same ABI as the kernel's user_msghdr etc.).
const sockaddr = struct('sockaddr', [['sa_family', 'u16'], ['sa_data', bytes(14)]]);
const sockaddr_in = struct('sockaddr_in', [['sin_family', 'u16'], ['sin_port', 'u16be'], ['sin_addr', bytes(4)], pad(8)], { align: 4 });
const sockaddr_in6 = struct('sockaddr_in6', [
  ['sin6_family', 'u16'], ['sin6_port', 'u16be'], ['sin6_flowinfo', 'u32be'], ['sin6_addr', bytes(16)], ['sin6_scope_id', 'u32'],
]);
const sockaddr_un = struct('sockaddr_un', [['sun_family', 'u16'], ['sun_path', bytes(108)]]);
const msghdr = struct('msghdr', [
  ['msg_name', 'u64'], ['msg_namelen', 'u32'], ['msg_iov', 'u64'], ['msg_iovlen', 'u64'],
  ['msg_control', 'u64'], ['msg_controllen', 'u64'], ['msg_flags', 'i32'],
]);
const cmsghdr = struct('cmsghdr', [['cmsg_len', 'u64'], ['cmsg_level', 'i32'], ['cmsg_type', 'i32']]);
const linger = struct('linger', [['l_onoff', 'i32'], ['l_linger', 'i32']]);
const ucred = struct('ucred', [['pid', 'i32'], ['uid', 'u32'], ['gid', 'u32']]);

// <asm-generic/termios.h>, <asm-generic/termbits.h>: the kernel's termios (NCCS 19, no speed
// fields; glibc's struct termios is a different, 60-byte struct).
const winsize = struct('winsize', [['ws_row', 'u16'], ['ws_col', 'u16'], ['ws_xpixel', 'u16'], ['ws_ypixel', 'u16']]);
const termios = struct('termios', [
  ['c_iflag', 'u32'], ['c_oflag', 'u32'], ['c_cflag', 'u32'], ['c_lflag', 'u32'], ['c_line', 'u8'], ['c_cc', bytes(19)],
]);

// <asm-generic/fcntl.h>
const flock = struct('flock', [['l_type', 'i16'], ['l_whence', 'i16'], ['l_start', 'i64'], ['l_len', 'i64'], ['l_pid', 'i32']]);

// <linux/futex.h>
const robust_list_head = struct('robust_list_head', [['list.next', 'u64'], ['futex_offset', 'i64'], ['list_op_pending', 'u64']]);

// <linux/sched.h>, <linux/sched/types.h>
const clone_args = struct('clone_args', (['flags', 'pidfd', 'child_tid', 'parent_tid', 'exit_signal', 'stack', 'stack_size', 'tls',
  'set_tid', 'set_tid_size', 'cgroup'] as const).map((n) => [n, 'u64'] as const));
const sched_param = struct('sched_param', [['sched_priority', 'i32']]);

// <linux/rseq.h> (linux-libc-dev 6.1: the 32-byte, 32-aligned original struct)
const rseq = struct('rseq', [['cpu_id_start', 'u32'], ['cpu_id', 'u32'], ['rseq_cs', 'u64'], ['flags', 'u32']], { align: 32 });

// <linux/openat2.h>
const open_how = struct('open_how', [['flags', 'u64'], ['mode', 'u64'], ['resolve', 'u64']]);

// <linux/stat.h>
const statx_timestamp = struct('statx_timestamp', [['tv_sec', 'i64'], ['tv_nsec', 'u32'], ['__reserved', 'i32']]);
const statx = struct('statx', [
  ['stx_mask', 'u32'], ['stx_blksize', 'u32'], ['stx_attributes', 'u64'],
  ['stx_nlink', 'u32'], ['stx_uid', 'u32'], ['stx_gid', 'u32'], ['stx_mode', 'u16'], pad(2, 2),
  ['stx_ino', 'u64'], ['stx_size', 'u64'], ['stx_blocks', 'u64'], ['stx_attributes_mask', 'u64'],
  ['stx_atime', statx_timestamp], ['stx_btime', statx_timestamp], ['stx_ctime', statx_timestamp], ['stx_mtime', statx_timestamp],
  ['stx_rdev_major', 'u32'], ['stx_rdev_minor', 'u32'], ['stx_dev_major', 'u32'], ['stx_dev_minor', 'u32'],
  ['stx_mnt_id', 'u64'], ['stx_dio_mem_align', 'u32'], ['stx_dio_offset_align', 'u32'],
  pad(96, 8), // __spare3[12]
]);

// struct stat: x86-64 has its own (<asm/stat.h>, 144 bytes, st_nlink before st_mode);
// aarch64 uses the asm-generic one (128 bytes, 32-bit st_nlink and st_blksize).
const statTimes: Member[] = [
  ['st_atime', 'i64'], ['st_atime_nsec', 'u64'], ['st_mtime', 'i64'], ['st_mtime_nsec', 'u64'],
  ['st_ctime', 'i64'], ['st_ctime_nsec', 'u64'],
];
const stat_x86_64 = struct('stat', [
  ['st_dev', 'u64'], ['st_ino', 'u64'], ['st_nlink', 'u64'], ['st_mode', 'u32'], ['st_uid', 'u32'], ['st_gid', 'u32'],
  pad(4, 4), // __pad0
  ['st_rdev', 'u64'], ['st_size', 'i64'], ['st_blksize', 'i64'], ['st_blocks', 'i64'],
  // x86-64 declares the times unsigned long; values are the same bits
  ['st_atime', 'u64'], ['st_atime_nsec', 'u64'], ['st_mtime', 'u64'], ['st_mtime_nsec', 'u64'],
  ['st_ctime', 'u64'], ['st_ctime_nsec', 'u64'],
  pad(24, 8), // __unused[3]
]);
const stat_aarch64 = struct('stat', [
  ['st_dev', 'u64'], ['st_ino', 'u64'], ['st_mode', 'u32'], ['st_nlink', 'u32'], ['st_uid', 'u32'], ['st_gid', 'u32'],
  ['st_rdev', 'u64'], pad(8, 8), // __pad1
  ['st_size', 'i64'], ['st_blksize', 'i32'], pad(4, 4), // __pad2
  ['st_blocks', 'i64'], ...statTimes,
  pad(8, 4), // __unused4, __unused5
]);

// <linux/eventpoll.h>: packed on x86-64 (12 bytes), naturally aligned elsewhere (16 bytes).
const epoll_event_x86_64 = struct('epoll_event', [['events', 'u32'], ['data', 'u64']], { packed: true });
const epoll_event_aarch64 = struct('epoll_event', [['events', 'u32'], ['data', 'u64']]);

// Signal frame pieces: <asm/sigcontext.h>, <asm/ucontext.h>. Entirely arch-specific.
// x86-64: ucontext = flags, link, stack, sigcontext (general registers), sigmask; the FPU state
// (struct _fpstate_64, 512 bytes, FXSAVE format) lives elsewhere on the frame, pointed to by
// sigcontext.fpstate.
const fpx_sw_bytes = struct('_fpx_sw_bytes', [['magic1', 'u32'], ['extended_size', 'u32'], ['xfeatures', 'u64'], ['xstate_size', 'u32'], pad(28, 4)]);
const fpstate_x86_64 = struct('fpstate', [
  ['cwd', 'u16'], ['swd', 'u16'], ['twd', 'u16'], ['fop', 'u16'], ['rip', 'u64'], ['rdp', 'u64'],
  ['mxcsr', 'u32'], ['mxcsr_mask', 'u32'], ['st_space', bytes(128, 4)], ['xmm_space', bytes(256, 4)],
  pad(48, 4), // reserved2[12]
  union([['sw_reserved', fpx_sw_bytes]], [pad(48, 4)]),
]);
const sigcontext_x86_64 = struct('sigcontext', [
  ...(['r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rdi', 'rsi', 'rbp', 'rbx', 'rdx', 'rax', 'rcx', 'rsp', 'rip',
    'eflags'] as const).map((n) => [n, 'u64'] as const),
  ['cs', 'u16'], ['gs', 'u16'], ['fs', 'u16'], ['ss', 'u16'],
  ['err', 'u64'], ['trapno', 'u64'], ['oldmask', 'u64'], ['cr2', 'u64'], ['fpstate', 'u64'],
  pad(64, 8), // reserved1[8]
]);
const ucontext_x86_64 = struct('ucontext', [
  ['uc_flags', 'u64'], ['uc_link', 'u64'], ['uc_stack', stack_t], ['uc_mcontext', sigcontext_x86_64], ['uc_sigmask', 'u64'],
]);
// aarch64: sigcontext holds x0-x30, sp, pc, pstate and a 4 KiB area of tagged records
// (_aarch64_ctx headers: fpsimd_context, esr_context, ...); ucontext pads the mask to 128 bytes.
const aarch64_ctx = struct('_aarch64_ctx', [['magic', 'u32'], ['size', 'u32']]);
const fpsimd_context = struct('fpsimd_context', [['head', aarch64_ctx], ['fpsr', 'u32'], ['fpcr', 'u32'], ['vregs', bytes(512, 16)]]);
const esr_context = struct('esr_context', [['head', aarch64_ctx], ['esr', 'u64']]);
const sigcontext_aarch64 = struct('sigcontext', [
  ['fault_address', 'u64'], ['regs', array('u64', 31)], ['sp', 'u64'], ['pc', 'u64'], ['pstate', 'u64'],
  ['__reserved', bytes(4096, 16)],
]);
const ucontext_aarch64 = struct('ucontext', [
  ['uc_flags', 'u64'], ['uc_link', 'u64'], ['uc_stack', stack_t], ['uc_sigmask', 'u64'],
  pad(120), // __unused: glibc's sigset_t is 1024 bits
  ['uc_mcontext', sigcontext_aarch64],
]);

const common = {
  timespec, timeval, timezone, itimerspec, itimerval, iovec, utsname, rlimit, rusage, tms,
  sigset, sigaction, stack_t, siginfo, sysinfo, dirent64, pollfd,
  sockaddr, sockaddr_in, sockaddr_in6, sockaddr_un, msghdr, cmsghdr, linger, ucred,
  winsize, termios, flock, robust_list_head, clone_args, sched_param, rseq, open_how,
  statx_timestamp, statx,
};

/** Layouts both arches have (same names; stat, epoll_event, sigcontext and ucontext differ in content). */
export type StructLayouts = typeof common & { stat: StructLayout; epoll_event: StructLayout; sigcontext: StructLayout; ucontext: StructLayout };
export type StructLayoutsX86_64 = StructLayouts & { fpstate: StructLayout };
export type StructLayoutsAarch64 = StructLayouts & { fpsimd_context: StructLayout; esr_context: StructLayout; _aarch64_ctx: StructLayout };

const LAYOUTS = {
  x86_64: Object.freeze({
    ...common, stat: stat_x86_64, epoll_event: epoll_event_x86_64,
    sigcontext: sigcontext_x86_64, ucontext: ucontext_x86_64, fpstate: fpstate_x86_64,
  }) as StructLayoutsX86_64,
  aarch64: Object.freeze({
    ...common, stat: stat_aarch64, epoll_event: epoll_event_aarch64,
    sigcontext: sigcontext_aarch64, ucontext: ucontext_aarch64, fpsimd_context, esr_context, _aarch64_ctx: aarch64_ctx,
  }) as StructLayoutsAarch64,
};

/** Every struct layout for `arch`. Throws TypeError for an unknown arch. */
export function structLayouts(arch: 'x86_64'): StructLayoutsX86_64;
export function structLayouts(arch: 'aarch64'): StructLayoutsAarch64;
export function structLayouts(arch: AbiArch): StructLayouts;
export function structLayouts(arch: AbiArch): StructLayouts {
  const l = LAYOUTS[arch];
  if (!l) throw new TypeError(`structLayouts: unknown arch ${String(arch)}`);
  return l;
}
