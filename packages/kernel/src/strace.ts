// `--strace`: formats one syscall the way strace prints it, from the table's argument formats
// (convention 11): `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`. Strings are
// escaped like strace and cut at 32 bytes with "..." after the quote; paths are printed whole.
import { ARCH_PRCTL, AT, CLOCK, CLONE, FUTEX, GRND, IOCTL, MAP, PROT, RLIMIT, SEEK, SIG_HOW, openFlags, structLayouts } from '@elfbox/abi';
import type { AddressSpace, Arch } from '@elfbox/cpu';
import { errnoMessage, errnoName } from './errors.js';
import { S_IFMT } from './files/file.js';
import { signalName } from './signals.js';
import type { ArgFormat, SyscallDef } from './syscalls/types.js';

export const STRACE_STRLEN = 32;

export interface StraceEnv {
  mem: AddressSpace;
  arch: Arch;
  /** Pad the call to strace's return-value column (40), as strace does; default true. */
  align?: boolean;
  /** strace -f's `[pid N] ` (pidPrefix): part of the line, so the return column counts it. */
  prefix?: string;
}

/**
 * strace -f prints `[pid %5u] ` before every line while it traces more than one task (its
 * nprocs: threads count, a process stops counting at its `+++ exited` line, not when reaped).
 */
export function pidPrefix(tid: number, traced: number): string {
  return traced > 1 ? `[pid ${String(tid).padStart(5)}] ` : '';
}

/** strace's default -a: "= ret" starts at this column when the call is shorter. */
export const STRACE_COLUMN = 40;

/** Escapes bytes the way strace's string_quote does (C escapes, octal for the rest). */
export function escapeBytes(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x22) s += '\\"';
    else if (c === 0x5c) s += '\\\\';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else if (c === 9) s += '\\t';
    else if (c === 10) s += '\\n';
    else if (c === 11) s += '\\v';
    else if (c === 12) s += '\\f';
    else if (c === 13) s += '\\r';
    else {
      const next = b[i + 1];
      const digits = i + 1 < b.length && next >= 0x30 && next <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8);
      s += '\\' + digits;
    }
  }
  return s;
}

/** A quoted string of the first `max` bytes of b (of `total` available), with "..." when cut. */
export function quoteBuffer(b: Uint8Array, total = b.length, max = STRACE_STRLEN): string {
  const cut = total > max;
  return `"${escapeBytes(b.subarray(0, Math.min(b.length, max)))}"${cut ? '...' : ''}`;
}

export function hex(v: bigint | number): string {
  const u = BigInt.asUintN(64, BigInt(v));
  return u === 0n ? '0' : '0x' + u.toString(16);
}

export function ptr(v: bigint): string {
  return v === 0n ? 'NULL' : hex(v);
}

/** Flags as NAME|NAME|0x..., from a name -> bit table. zero: what 0 prints as. */
export function flagNames(v: number | bigint, table: ReadonlyArray<[string, number]>, zero = '0'): string {
  let rest = BigInt.asUintN(64, BigInt(v));
  if (rest === 0n) return zero;
  const out: string[] = [];
  for (const [name, bit] of table) {
    const b = BigInt(bit);
    if (b !== 0n && (rest & b) === b) { out.push(name); rest &= ~b; }
  }
  if (rest) out.push(hex(rest));
  return out.join('|');
}

function table(obj: Record<string, unknown>, prefix: string, skip: string[] = []): Array<[string, number]> {
  return Object.entries(obj)
    .filter(([k, v]) => k.startsWith(prefix) && typeof v === 'number' && !skip.includes(k))
    .map(([k, v]) => [k, v as number] as [string, number]);
}

function valueName(obj: Record<string, unknown>, prefix: string, v: number): string | undefined {
  for (const [k, x] of Object.entries(obj)) if (k.startsWith(prefix) && x === v) return k;
  return undefined;
}

const OPEN_SKIP = ['O_ACCMODE', 'O_RDONLY', 'O_WRONLY', 'O_RDWR', 'O_NDELAY', 'O_SYNC', 'O_TMPFILE', 'O_LARGEFILE'];

export function openFlagNames(v: number, arch: Arch): string {
  const f = openFlags(arch) as unknown as Record<string, number>;
  const acc = ['O_RDONLY', 'O_WRONLY', 'O_RDWR', '0x3'][v & 3];
  const t = table(f, 'O_', OPEN_SKIP).concat(table(f, '__O_'), [['O_LARGEFILE', f.O_LARGEFILE]]).sort((a, b) => a[1] - b[1]);
  const rest = flagNames(v & ~3, t, '');
  return rest ? `${acc}|${rest}` : acc;
}

const MAP_TYPES: Record<number, string> = { 1: 'MAP_SHARED', 2: 'MAP_PRIVATE', 3: 'MAP_SHARED_VALIDATE' };

export function mapFlagNames(v: number): string {
  const type = MAP_TYPES[v & 0xf] ?? hex(v & 0xf);
  const t = table(MAP as unknown as Record<string, unknown>, 'MAP_', ['MAP_SHARED', 'MAP_PRIVATE', 'MAP_SHARED_VALIDATE', 'MAP_TYPE', 'MAP_FAILED']);
  const rest = flagNames(v & ~0xf, t, '');
  return rest ? `${type}|${rest}` : type;
}

export function protNames(v: number): string {
  return flagNames(v, table(PROT as unknown as Record<string, unknown>, 'PROT_', ['PROT_NONE']), 'PROT_NONE');
}

function modeOctal(m: number): string {
  return '0' + (m & 0o7777).toString(8).padStart(3, '0');
}

const FILE_TYPES: Record<number, string> = {
  0o140000: 'S_IFSOCK', 0o120000: 'S_IFLNK', 0o100000: 'S_IFREG', 0o060000: 'S_IFBLK', 0o040000: 'S_IFDIR', 0o020000: 'S_IFCHR', 0o010000: 'S_IFIFO',
};

export function statMode(m: number): string {
  return `${FILE_TYPES[m & S_IFMT] ?? hex(m & S_IFMT)}|${modeOctal(m)}`;
}

function sigset(env: StraceEnv, p: bigint): string {
  if (p === 0n) return 'NULL';
  let v: bigint;
  try { v = env.mem.readU64(Number(p)); } catch { return hex(p); }
  return sigsetValue(v);
}

/** A signal mask value as strace prints it: [USR1 TERM], or ~[...] when more than half are set. */
export function sigsetValue(v: bigint): string {
  const on: number[] = [];
  for (let s = 1; s <= 64; s++) if (v & (1n << BigInt(s - 1))) on.push(s);
  const name = (s: number) => signalName(s).replace(/^SIG/, '');
  if (on.length > 32) {
    const off: number[] = [];
    for (let s = 1; s <= 64; s++) if (!(v & (1n << BigInt(s - 1)))) off.push(s);
    return `~[${off.map(name).join(' ')}]`;
  }
  return `[${on.map(name).join(' ')}]`;
}

function cstr(env: StraceEnv, p: bigint, max?: number): string {
  if (p === 0n) return 'NULL';
  try {
    const b = env.mem.readCString(Number(p), 4096);
    if (!b) return hex(p);
    return max === undefined ? `"${escapeBytes(b)}"` : quoteBuffer(b, b.length, max);
  } catch {
    return hex(p);
  }
}

function buf(env: StraceEnv, p: bigint, len: number): string {
  if (p === 0n) return 'NULL';
  try {
    return quoteBuffer(env.mem.read(Number(p), Math.min(len, STRACE_STRLEN)), len);
  } catch {
    return hex(p);
  }
}

function iov(env: StraceEnv, p: bigint, count: number, limit: number | undefined): string {
  if (p === 0n) return 'NULL';
  try {
    const items: string[] = [];
    let left = limit ?? Infinity;
    for (let i = 0; i < Math.min(count, 1024); i++) {
      const base = env.mem.readU64(Number(p) + i * 16);
      const len = Number(env.mem.readU64(Number(p) + i * 16 + 8));
      const show = Math.max(0, Math.min(len, left));
      left -= show;
      items.push(`{iov_base=${limit !== undefined && show === 0 && len > 0 ? hex(base) : buf(env, base, show)}, iov_len=${len}}`);
    }
    return `[${items.join(', ')}]`;
  } catch {
    return hex(p);
  }
}

function statStruct(env: StraceEnv, p: bigint): string {
  // Decoded from the arch's struct stat: st_mode and either st_rdev (devices) or st_size.
  try {
    const a = Number(p);
    const f = structLayouts(env.arch).stat.fields;
    const mode = env.mem.readU32(a + f.st_mode.offset);
    const t = mode & S_IFMT;
    if (t === 0o020000 || t === 0o060000) {
      const rdev = env.mem.readU64(a + f.st_rdev.offset);
      const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
      const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
      return `{st_mode=${statMode(mode)}, st_rdev=makedev(${hex(major)}, ${minor}), ...}`;
    }
    const size = env.mem.readU64(a + f.st_size.offset);
    return `{st_mode=${statMode(mode)}, st_size=${BigInt.asIntN(64, size)}, ...}`;
  } catch {
    return hex(p);
  }
}

function timespec(env: StraceEnv, p: bigint): string {
  if (p === 0n) return 'NULL';
  try {
    const sec = BigInt.asIntN(64, env.mem.readU64(Number(p)));
    const nsec = BigInt.asIntN(64, env.mem.readU64(Number(p) + 8));
    return `{tv_sec=${sec}, tv_nsec=${nsec}}`;
  } catch {
    return hex(p);
  }
}

function rlim(v: bigint): string {
  if (v === 0xffffffffffffffffn) return 'RLIM64_INFINITY';
  return v > 0n && v % 1024n === 0n ? `${v / 1024n}*1024` : v.toString();
}

function rlimitStruct(env: StraceEnv, p: bigint): string {
  if (p === 0n) return 'NULL';
  try {
    return `{rlim_cur=${rlim(env.mem.readU64(Number(p)))}, rlim_max=${rlim(env.mem.readU64(Number(p) + 8))}}`;
  } catch {
    return hex(p);
  }
}

function named(obj: Record<string, unknown>, prefix: string, v: number): string {
  return valueName(obj, prefix, v) ?? String(v);
}

/** Formats one argument. ret is the call's result (for output buffers), undefined before it returns. */
export function formatArg(fmt: ArgFormat, args: bigint[], i: number, ret: bigint | undefined, env: StraceEnv): string {
  const v = args[i];
  const i32 = Number(BigInt.asIntN(32, v));
  const failed = ret !== undefined && ret < 0n && ret > -4096n;
  const colon = fmt.indexOf(':');
  if (colon >= 0) {
    const kind = fmt.slice(0, colon);
    const lenArg = args[Number(fmt.slice(colon + 1))];
    if (kind === 'ibuf') return buf(env, v, Number(lenArg));
    if (kind === 'obuf') return failed || ret === undefined ? ptr(v) : buf(env, v, Number(ret));
    if (kind === 'iov') return iov(env, v, Number(lenArg), undefined);
    if (kind === 'oiov') return failed || ret === undefined ? ptr(v) : iov(env, v, Number(lenArg), Number(ret));
  }
  switch (fmt) {
    case 'int': case 'fd': return String(i32);
    case 'dirfd': return i32 === AT.AT_FDCWD ? 'AT_FDCWD' : String(i32);
    case 'uint': return String(Number(BigInt.asUintN(32, v)));
    case 'size': return BigInt.asUintN(64, v).toString();
    case 'hex': return hex(v);
    case 'ptr': return ptr(v);
    case 'octal': return modeOctal(i32);
    case 'mode': return modeOctal(i32);
    case 'path': case 'string': return cstr(env, v);
    case 'oflags': return openFlagNames(i32, env.arch);
    case 'prot': return protNames(i32);
    case 'mapflags': return mapFlagNames(i32);
    case 'signal': return i32 === 0 ? '0' : signalName(i32);
    case 'sighow': return named(SIG_HOW as unknown as Record<string, unknown>, 'SIG_', i32);
    case 'sigset': return sigset(env, v);
    case 'sigreturn': return `{mask=${sigsetValue(v)}}`;
    case 'whence': return named(SEEK as unknown as Record<string, unknown>, 'SEEK_', i32);
    case 'atflags': return flagNames(i32, table(AT as unknown as Record<string, unknown>, 'AT_', ['AT_FDCWD', 'AT_REMOVEDIR', 'AT_STATX_SYNC_TYPE', 'AT_STATX_SYNC_AS_STAT', 'AT_RECURSIVE']));
    case 'accessmode': return i32 === 0 ? 'F_OK' : flagNames(i32, [['R_OK', 4], ['W_OK', 2], ['X_OK', 1]]);
    case 'clock': return named(CLOCK as unknown as Record<string, unknown>, 'CLOCK_', i32);
    case 'futexop': {
      const cmd = i32 & ~(128 | 256);
      let s = valueName(FUTEX as unknown as Record<string, unknown>, 'FUTEX_', cmd) ?? String(cmd);
      if (i32 & 128) s += '_PRIVATE';
      if (i32 & 256) s += '|FUTEX_CLOCK_REALTIME';
      return s;
    }
    case 'archprctl': return named(ARCH_PRCTL as unknown as Record<string, unknown>, 'ARCH_', i32);
    case 'ioctl': return valueName(IOCTL as unknown as Record<string, unknown>, '', Number(BigInt.asUintN(32, v))) ?? hex(BigInt.asUintN(32, v));
    case 'rlimit': return named(RLIMIT as unknown as Record<string, unknown>, 'RLIMIT_', i32);
    case 'grndflags': return flagNames(i32, table(GRND as unknown as Record<string, unknown>, 'GRND_'));
    case 'stat': return failed || ret === undefined ? ptr(v) : statStruct(env, v);
    case 'itimespec': return timespec(env, v);
    case 'irlimit': return rlimitStruct(env, v);
    case 'orlimit': return failed || ret === undefined ? ptr(v) : rlimitStruct(env, v);
    case 'randbuf': {
      if (failed || ret === undefined || v === 0n) return ptr(v);
      try {
        const n = Number(ret);
        const b = env.mem.read(Number(v), Math.min(n, STRACE_STRLEN));
        return `"${[...b].map((x) => '\\x' + x.toString(16).padStart(2, '0')).join('')}"${n > STRACE_STRLEN ? '...' : ''}`;
      } catch {
        return hex(v);
      }
    }
    case 'otimespec': return failed || ret === undefined ? ptr(v) : timespec(env, v);
    case 'fdflags': {
      if (i32 === 0) return '0';
      const f = openFlagNames(i32 & ~3, env.arch);
      return f.startsWith('O_RDONLY|') ? f.slice(9) : f;
    }
    case 'sfdflags': {
      const known = i32 & (0o2000000 | 0o4000);
      return known === 0 && i32 !== 0 ? `${hex(BigInt.asUintN(32, v))} /* SFD_??? */` : flagNames(i32 >>> 0, [['SFD_CLOEXEC', 0o2000000], ['SFD_NONBLOCK', 0o4000]]);
    }
    case 'pipefds': {
      if (failed || ret === undefined) return ptr(v);
      try { return `[${env.mem.readU32(Number(v)) | 0}, ${env.mem.readU32(Number(v) + 4) | 0}]`; } catch { return hex(v); }
    }
  }
  return hex(v);
}

export function formatReturn(def: SyscallDef | undefined, ret: bigint | undefined): string {
  if (ret === undefined) return '?';
  const s = BigInt.asIntN(64, ret);
  if (s < 0n && s > -4096n) {
    const e = Number(-s);
    return `-1 ${errnoName(e)} (${errnoMessage(e)})`;
  }
  if (def?.ret === 'hex') return hex(s);
  return s.toString();
}

// ---- clone / clone3, printed as strace does: named arguments, shown by what the flags use ----

const CLONE_TABLE: Array<[string, number]> = Object.entries(CLONE)
  .filter(([k, v]) => k.startsWith('CLONE_') && k !== 'CLONE_DETACHED' && typeof v === 'number')
  .map(([k, v]) => [k, v as number] as [string, number])
  .sort((a, b) => a[1] - b[1]);
const CLONE3_TABLE: Array<[string, number]> = [...CLONE_TABLE, ['CLONE_CLEAR_SIGHAND', 2 ** 32], ['CLONE_INTO_CGROUP', 2 ** 33]];

function cloneFlagNames(flags: bigint, withSignal: boolean): string {
  const sig = withSignal ? Number(flags & 0xffn) : 0;
  const rest = withSignal ? flags & ~0xffn : flags;
  const table = withSignal ? CLONE_TABLE.filter(([k]) => k !== 'CLONE_NEWTIME') : CLONE3_TABLE;
  const parts = rest ? [flagNames(rest, table)] : [];
  if (sig) parts.push(signalName(sig));
  return parts.length ? parts.join('|') : '0';
}

/** The tid the kernel wrote at a CLONE_PARENT_SETTID pointer: `[1234]`. */
function tidAt(env: StraceEnv, p: bigint, failed: boolean): string {
  if (failed || p === 0n) return ptr(p);
  try { return `[${env.mem.readU32(Number(p))}]`; } catch { return hex(p); }
}

/** clone(child_stack=..., flags=..., parent_tid=[tid], tls=..., child_tidptr=...): x86-64 passes (flags, stack, ptid, ctid, tls), aarch64 (flags, stack, ptid, tls, ctid). */
export function formatCloneArgs(args: bigint[], ret: bigint | undefined, env: StraceEnv): string {
  const flags = BigInt.asUintN(64, args[0]);
  const [ctid, tls] = env.arch === 'aarch64' ? [args[4], args[3]] : [args[3], args[4]];
  const failed = ret === undefined || (ret < 0n && ret > -4096n);
  const out = [`child_stack=${ptr(args[1])}`, `flags=${cloneFlagNames(flags, true)}`];
  const f = Number(flags & 0xffffffffn);
  if (f & CLONE.CLONE_PARENT_SETTID) out.push(`parent_tid=${tidAt(env, args[2], failed)}`);
  else if (f & CLONE.CLONE_PIDFD) out.push(`pidfd=${ptr(args[2])}`);
  if (f & CLONE.CLONE_SETTLS) out.push(`tls=${ptr(tls)}`);
  if (f & (CLONE.CLONE_CHILD_SETTID | CLONE.CLONE_CHILD_CLEARTID)) out.push(`child_tidptr=${ptr(ctid)}`);
  return out.join(', ');
}

/** clone3({flags=..., child_tid=..., parent_tid=..., exit_signal=..., stack=..., stack_size=..., tls=...} => {parent_tid=[tid]}, size). */
export function formatClone3Args(args: bigint[], ret: bigint | undefined, env: StraceEnv): string {
  const p = Number(args[0]), size = BigInt.asUintN(64, args[1]);
  const failed = ret === undefined || (ret < 0n && ret > -4096n);
  let body: string;
  let after = '';
  try {
    const rd = (o: number) => env.mem.readU64(p + o);
    const flags = rd(0), pidfd = rd(8), childTid = rd(16), parentTid = rd(24), exitSignal = rd(32), stack = rd(40), stackSize = rd(48), tls = rd(56);
    const f = Number(flags & 0xffffffffn);
    const out = [`flags=${cloneFlagNames(flags, false)}`];
    if (f & CLONE.CLONE_PIDFD) out.push(`pidfd=${ptr(pidfd)}`);
    if (f & (CLONE.CLONE_CHILD_SETTID | CLONE.CLONE_CHILD_CLEARTID)) out.push(`child_tid=${ptr(childTid)}`);
    if (f & CLONE.CLONE_PARENT_SETTID) out.push(`parent_tid=${ptr(parentTid)}`);
    out.push(`exit_signal=${exitSignal === 0n ? '0' : signalName(Number(exitSignal))}`, `stack=${ptr(stack)}`, `stack_size=${hex(stackSize)}`);
    if (f & CLONE.CLONE_SETTLS) out.push(`tls=${ptr(tls)}`);
    body = `{${out.join(', ')}}`;
    if (!failed && (f & CLONE.CLONE_PARENT_SETTID)) after = ` => {parent_tid=${tidAt(env, parentTid, false)}}`;
  } catch {
    body = ptr(args[0]);
  }
  return `${body}${after}, ${size}`;
}

/**
 * What a handler recorded for its strace line (poll, select: arrays and sets are shown as the
 * call saw them at entry, before it overwrote them): argument texts that replace the table's
 * formats, and a suffix after the return value (`([{fd=3, revents=POLLIN}])`, `(Timeout)`),
 * computed when the line is printed. Keyed by the call's argument array.
 */
export interface StraceNote {
  /** A text, or a function of the return value for what the call writes (epoll_wait's events). */
  args?: Array<string | ((ret: bigint | undefined) => string) | undefined>;
  suffix?: (ret: bigint) => string;
}
export const straceNotes = new WeakMap<bigint[], StraceNote>();

/** One strace line: name(args) = ret. ret undefined prints `= ?` (exit, exit_group). */
export function formatSyscall(def: SyscallDef, args: bigint[], ret: bigint | undefined, env: StraceEnv): string {
  if (def.name === 'clone' || def.name === 'clone3') {
    const call = `${env.prefix ?? ''}${def.name}(${def.name === 'clone' ? formatCloneArgs(args, ret, env) : formatClone3Args(args, ret, env)})`;
    return `${env.align === false ? call : call.padEnd(STRACE_COLUMN - 1)} = ${formatReturn(def, ret)}`;
  }
  let fmts = def.args;
  const fi = fmts.indexOf('oflags');
  if (fi >= 0 && fmts[fi + 1] === 'mode') {
    // strace shows the mode only when the flags can create a file
    const O = openFlags(env.arch);
    if (!(Number(BigInt.asUintN(32, args[fi])) & (O.O_CREAT | O.__O_TMPFILE))) fmts = fmts.slice(0, fi + 1);
  }
  const note = straceNotes.get(args);
  const a = fmts.map((f, i) => {
    const n = note?.args?.[i];
    return typeof n === 'function' ? n(ret) : n ?? formatArg(f, args, i, ret, env);
  });
  const call = `${env.prefix ?? ''}${def.name}(${a.join(', ')})`;
  const suffix = note?.suffix && ret !== undefined ? note.suffix(ret) : '';
  return `${env.align === false ? call : call.padEnd(STRACE_COLUMN - 1)} = ${formatReturn(def, ret)}${suffix}`;
}
