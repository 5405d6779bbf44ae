// open/openat/close, access/faccessat, readlink/readlinkat, getcwd/chdir, dup*, fcntl, ioctl,
// getdents64, umask.
import { AT, FCNTL, openFlags } from '@elfbox/abi';
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { checkChmod, checkChown, type Cred, type OpenRequest } from '../files/vfs.js';
import { credsOf } from './sys_info.js';
import { PipeEnd, makePipe } from '../files/pipe.js';
import { F_RDLCK, F_UNLCK, F_WRLCK, lockTable } from '../files/locks.js';
import type { DirEntry, FileDescription } from '../files/file.js';
import { IOCTL_FIOCLEX, IOCTL_FIONBIO, IOCTL_FIONCLEX, isJobIoctl, ttyJobIoctl } from '../files/tty.js';
import type { Call } from './types.js';
import { dirStart, fileOf, layouts } from './util.js';

const enc = new TextEncoder();

/**
 * The guest identity permission checks use (files/vfs.ts permits): fsuid/fsgid (the effective
 * ids: setfsuid does not change them here) and the effective capabilities; with real = true,
 * access(2)'s: the real ids, and the permitted capabilities only when the real uid is 0.
 */
export function guestCred(c: Call, real = false): Cred {
  const cr = credsOf(c);
  if (real) return { uid: cr.ruid, gid: cr.rgid, groups: cr.groups, caps: cr.ruid === 0 ? cr.capPrm : 0n };
  return { uid: cr.euid, gid: cr.egid, groups: cr.groups, caps: cr.capEff };
}

/** Runs a Vfs operation checked against the calling process's identity (Vfs.cred). */
export function asGuest<T>(c: Call, fn: () => T, real = false): T {
  const vfs = c.kernel.vfs;
  const prev = vfs.cred;
  vfs.cred = guestCred(c, real);
  try {
    return fn();
  } finally {
    vfs.cred = prev;
  }
}

/** A handler whose Vfs calls are checked against the caller's identity (namespace and metadata calls). */
const guestOp = (h: (c: Call) => SyscallResult) => (c: Call): SyscallResult => asGuest(c, () => h(c));

function openAt(c: Call, dirfdArg: number | undefined, pathArg: number, flagsArg: number, modeArg: number): SyscallResult {
  const path = c.str(pathArg);
  const flags = c.i32(flagsArg) >>> 0;
  const O = openFlags(c.tg.arch.arch);
  const start = dirfdArg === undefined ? (path.startsWith('/') ? '/' : c.tg.fs.cwd) : dirStart(c, dirfdArg, path);
  const tmpfile = (flags & O.__O_TMPFILE) === O.__O_TMPFILE;
  const req: OpenRequest = {
    access: (flags & 3) as 0 | 1 | 2,
    create: (flags & O.O_CREAT) !== 0,
    excl: (flags & O.O_EXCL) !== 0,
    trunc: (flags & O.O_TRUNC) !== 0,
    append: (flags & O.O_APPEND) !== 0,
    directory: (flags & O.O_DIRECTORY) !== 0,
    nofollow: (flags & O.O_NOFOLLOW) !== 0,
    pathOnly: (flags & O.O_PATH) !== 0,
    mode: c.u32(modeArg) & 0o7777 & ~c.tg.fs.umask,
    rawFlags: (flags & ~(O.O_CREAT | O.O_EXCL | O.O_NOCTTY | O.O_TRUNC | O.O_CLOEXEC)) | O.O_LARGEFILE,
  };
  if ((flags & 3) === 3) throw new SysError(Errno.EINVAL);
  if (tmpfile) {
    if (req.access === 0) throw new SysError(Errno.EINVAL);
    return c.tg.fds.add(c.kernel.vfs.openTmpfile(start, path, { ...req, rawFlags: req.rawFlags & ~O.__O_TMPFILE }), (flags & O.O_CLOEXEC) !== 0);
  }
  const file = asGuest(c, () => c.kernel.vfs.open(start, path, req));
  return c.tg.fds.add(file, (flags & O.O_CLOEXEC) !== 0);
}

export const sys_open = (c: Call) => openAt(c, undefined, 0, 1, 2);
export const sys_openat = (c: Call) => openAt(c, 0, 1, 2, 3);
export const sys_creat = (c: Call): SyscallResult => {
  const path = c.str(0);
  const O = openFlags(c.tg.arch.arch);
  const file = asGuest(c, () => c.kernel.vfs.open(c.tg.fs.cwd, path, {
    access: 1, create: true, excl: false, trunc: true, append: false, directory: false, nofollow: false, pathOnly: false,
    mode: c.u32(1) & 0o7777 & ~c.tg.fs.umask, rawFlags: 1 | O.O_LARGEFILE,
  }));
  return c.tg.fds.add(file);
};

export function sys_close(c: Call): SyscallResult {
  c.tg.fds.close(c.i32(0));
  return 0;
}

const CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4;

/** close_range(first, last, flags): closes (or, CLOEXEC, marks) every open fd in [first, last]. */
export function sys_close_range(c: Call): SyscallResult {
  const first = c.u32(0), last = c.u32(1), flags = c.u32(2);
  if (flags & ~(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last) throw new SysError(Errno.EINVAL);
  if (flags & CLOSE_RANGE_UNSHARE) {
    const shared = [...c.kernel.groups.values()].some((g) => g !== c.tg && g.alive && g.fds === c.tg.fds);
    if (shared) c.tg.fds = c.tg.fds.clone();
  }
  for (const [fd] of c.tg.fds.entries()) {
    if (fd < first || fd > last) continue;
    if (flags & CLOSE_RANGE_CLOEXEC) c.tg.fds.setCloexec(fd, true);
    else c.tg.fds.close(fd);
  }
  return 0;
}

/** fadvise64 (posix_fadvise): advice only, so nothing to do once the arguments are valid. */
export function sys_fadvise64(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const len = c.i64(2), advice = c.i32(3);
  if (f instanceof PipeEnd) throw new SysError(Errno.ESPIPE);
  if (len < 0n || advice < 0 || advice > 5) throw new SysError(Errno.EINVAL);
  return 0;
}

function accessAt(c: Call, dirfdArg: number | undefined, pathArg: number, modeArg: number, flags: number): SyscallResult {
  const path = c.str(pathArg);
  const mode = c.i32(modeArg);
  if (mode & ~7) throw new SysError(Errno.EINVAL);
  if (flags & ~(AT.AT_EACCESS | AT.AT_SYMLINK_NOFOLLOW | AT.AT_EMPTY_PATH)) throw new SysError(Errno.EINVAL);
  const start = dirfdArg === undefined ? c.tg.fs.cwd : dirStart(c, dirfdArg, path);
  if (path === '' && flags & AT.AT_EMPTY_PATH) return 0;
  // access(2) and faccessat check with the real ids; faccessat2's AT_EACCESS with the effective ones
  asGuest(c, () => c.kernel.vfs.access(start, path, mode, !(flags & AT.AT_SYMLINK_NOFOLLOW)), !(flags & AT.AT_EACCESS));
  return 0;
}

export const sys_access = (c: Call) => accessAt(c, undefined, 0, 1, 0);
export const sys_faccessat = (c: Call) => accessAt(c, 0, 1, 2, 0);
export const sys_faccessat2 = (c: Call) => accessAt(c, 0, 1, 2, c.i32(3));

function readlinkAt(c: Call, dirfdArg: number | undefined, pathArg: number, bufArg: number, sizeArg: number): SyscallResult {
  const path = c.str(pathArg);
  const size = c.i32(sizeArg);
  if (size <= 0) throw new SysError(Errno.EINVAL);
  const start = dirfdArg === undefined ? c.tg.fs.cwd : dirStart(c, dirfdArg, path);
  const target = enc.encode(c.kernel.vfs.readlink(start, path));
  const out = target.subarray(0, Math.min(size, target.length));
  c.write(c.num(bufArg), out);
  return out.length;
}

export const sys_readlink = (c: Call) => readlinkAt(c, undefined, 0, 1, 2);
export const sys_readlinkat = (c: Call) => readlinkAt(c, 0, 1, 2, 3);

export function sys_getcwd(c: Call): SyscallResult {
  const cwd = enc.encode(c.tg.fs.cwd + '\0');
  const size = c.num(1);
  if (size === 0 && c.num(0) !== 0) throw new SysError(Errno.EINVAL);
  if (cwd.length > size) throw new SysError(Errno.ERANGE);
  c.write(c.num(0), cwd);
  return cwd.length;
}

export function sys_chdir(c: Call): SyscallResult {
  const p = c.str(0);
  c.tg.fs.cwd = asGuest(c, () => c.kernel.vfs.directory(c.tg.fs.cwd, p));
  return 0;
}

export function sys_fchdir(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  c.tg.fs.cwd = c.kernel.vfs.directory('/', f.path);
  return 0;
}

export function sys_dup(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  return c.tg.fds.add(f.ref());
}

export function sys_dup2(c: Call): SyscallResult {
  const oldfd = c.i32(0), newfd = c.i32(1);
  const f = c.tg.fds.get(oldfd);
  if (oldfd === newfd) return newfd;
  c.tg.fds.setAt(newfd, f.ref());
  return newfd;
}

export function sys_dup3(c: Call): SyscallResult {
  const oldfd = c.i32(0), newfd = c.i32(1), flags = c.i32(2);
  const O = openFlags(c.tg.arch.arch);
  if (flags & ~O.O_CLOEXEC) throw new SysError(Errno.EINVAL);
  if (oldfd === newfd) throw new SysError(Errno.EINVAL);
  const f = c.tg.fds.get(oldfd);
  c.tg.fds.setAt(newfd, f.ref(), (flags & O.O_CLOEXEC) !== 0);
  return newfd;
}

export function sys_fcntl(c: Call): SyscallResult {
  const fd = c.i32(0), cmd = c.i32(1);
  const fds = c.tg.fds;
  const f = fds.get(fd);
  const O = openFlags(c.tg.arch.arch);
  switch (cmd) {
    case FCNTL.F_DUPFD:
    case FCNTL.F_DUPFD_CLOEXEC: {
      const min = c.i32(2);
      if (min < 0 || min >= fds.limit) throw new SysError(Errno.EINVAL);
      return fds.add(f.ref(), cmd === FCNTL.F_DUPFD_CLOEXEC, min);
    }
    case FCNTL.F_GETFD: return fds.getCloexec(fd) ? FCNTL.FD_CLOEXEC : 0;
    case FCNTL.F_SETFD: fds.setCloexec(fd, (c.i32(2) & FCNTL.FD_CLOEXEC) !== 0); return 0;
    case FCNTL.F_GETFL: return f.flags;
    case FCNTL.F_SETFL: {
      const settable = O.O_APPEND | O.O_NONBLOCK | O.O_DIRECT | O.O_NOATIME | O.FASYNC;
      f.flags = (f.flags & ~settable) | (c.i32(2) & settable);
      return 0;
    }
    case FCNTL.F_GETLK: case FCNTL.F_SETLK: case FCNTL.F_SETLKW:
    case FCNTL.F_OFD_GETLK: case FCNTL.F_OFD_SETLK: case FCNTL.F_OFD_SETLKW:
      return recordLock(c, f, cmd);
    case FCNTL.F_GETPIPE_SZ:
    case FCNTL.F_SETPIPE_SZ: {
      if (!(f instanceof PipeEnd)) throw new SysError(Errno.EBADF);
      if (cmd === FCNTL.F_SETPIPE_SZ) {
        const want = c.i32(2);
        if (want < 0 || want > 1 << 20) throw new SysError(want < 0 ? Errno.EINVAL : Errno.EPERM);
        let sz = 4096;
        while (sz < want) sz *= 2;
        if (sz < f.pipe.size) throw new SysError(Errno.EBUSY);
        f.pipe.capacity = sz;
      }
      return f.pipe.capacity;
    }
    default: throw new SysError(Errno.EINVAL);
  }
}

export function sys_ioctl(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const req = c.u32(1);
  if (f.pathOnly) throw new SysError(Errno.EBADF);
  // Requests on the descriptor itself, answered for every file type.
  if (req === IOCTL_FIOCLEX || req === IOCTL_FIONCLEX) { c.tg.fds.setCloexec(c.i32(0), req === IOCTL_FIOCLEX); return 0; }
  if (req === IOCTL_FIONBIO) {
    const on = c.mem.readU32(c.num(2)) !== 0;
    f.flags = on ? f.flags | 0o4000 : f.flags & ~0o4000;
    return 0;
  }
  // the controlling terminal's job control: tcgetpgrp / tcsetpgrp, TIOCSCTTY, TIOCNOTTY, SIGTTOU (files/tty.ts)
  if (isJobIoctl(req) && f.isTty()) {
    const r = ttyJobIoctl(c, req);
    if (r !== undefined) return r;
  }
  return f.ioctl(req, c.u64(2), {
    writeBytes: (addr, data) => c.write(Number(addr), data),
    readBytes: (addr, len) => c.read(Number(addr), len),
  });
}

/**
 * getdents / getdents64: packs records until the buffer is full. d_off is the entry's position
 * cookie (DirectoryDescription): stable while the directory changes, usable with lseek.
 * rec(entry, off, name) writes one record at `at` and returns nothing; reclen is computed by size().
 */
function getdentsImpl(c: Call, size: (nameLen: number) => number, rec: (dv: DataView, out: Uint8Array, at: number, e: DirEntry, off: number, name: Uint8Array, reclen: number) => void): SyscallResult {
  const f = fileOf(c, 0);
  const addr = c.num(1);
  const cap = Math.min(c.u32(2), 1 << 20);
  const entries = f.getdents(f.dirPos);
  const out = new Uint8Array(cap);
  const dv = new DataView(out.buffer);
  let used = 0;
  for (const ce of entries) {
    const name = enc.encode(ce.name);
    const reclen = size(name.length);
    if (used + reclen > out.length) {
      if (used === 0) throw new SysError(Errno.EINVAL);
      break;
    }
    rec(dv, out, used, ce.entry(), ce.off, name, reclen);
    used += reclen;
    f.dirPos = ce.off;
  }
  if (used) c.write(addr, out.subarray(0, used));
  return used;
}

export function sys_getdents64(c: Call): SyscallResult {
  const F = layouts(c).dirent64.fields;
  const nameOff = F.d_name.offset;
  return getdentsImpl(c, (n) => Math.ceil((nameOff + n + 1) / 8) * 8, (dv, out, at, e, off, name, reclen) => {
    dv.setBigUint64(at + F.d_ino.offset, e.ino, true);
    dv.setBigInt64(at + F.d_off.offset, BigInt(off), true);
    dv.setUint16(at + F.d_reclen.offset, reclen, true);
    dv.setUint8(at + F.d_type.offset, e.type);
    out.set(name, at + nameOff);
  });
}

export function sys_umask(c: Call): SyscallResult {
  const old = c.tg.fs.umask;
  c.tg.fs.umask = c.u32(0) & 0o777;
  return old;
}

// ---- namespace operations: mkdir, rmdir, unlink, rename, link, symlink -----------------------

/** The start directory and path of an *at() argument pair (dirfd at argument d, path at d+1). */
function at(c: Call, d: number | undefined, pathArg: number): [string, string] {
  const path = c.str(pathArg);
  if (d === undefined) return [c.tg.fs.cwd, path];
  return [dirStart(c, d, path), path];
}

const mode12 = (c: Call, n: number) => c.u32(n) & 0o7777 & ~c.tg.fs.umask;

export const sys_mkdir = guestOp((c: Call): SyscallResult => { c.kernel.vfs.mkdir(...at(c, undefined, 0), mode12(c, 1) & 0o1777); return 0; });
export const sys_mkdirat = guestOp((c: Call): SyscallResult => { c.kernel.vfs.mkdir(...at(c, 0, 1), mode12(c, 2) & 0o1777); return 0; });
export const sys_rmdir = guestOp((c: Call): SyscallResult => { c.kernel.vfs.rmdir(...at(c, undefined, 0)); return 0; });
export const sys_unlink = guestOp((c: Call): SyscallResult => { c.kernel.vfs.unlink(...at(c, undefined, 0)); return 0; });

export const sys_unlinkat = guestOp(unlinkatImpl);
function unlinkatImpl(c: Call): SyscallResult {
  const flags = c.i32(2);
  if (flags & ~AT.AT_REMOVEDIR) throw new SysError(Errno.EINVAL);
  const [s, p] = at(c, 0, 1);
  if (flags & AT.AT_REMOVEDIR) c.kernel.vfs.rmdir(s, p);
  else c.kernel.vfs.unlink(s, p);
  return 0;
}

export const sys_rename = guestOp((c: Call): SyscallResult => { c.kernel.vfs.rename(...at(c, undefined, 0), ...at(c, undefined, 1)); return 0; });
export const sys_renameat = guestOp((c: Call): SyscallResult => { c.kernel.vfs.rename(...at(c, 0, 1), ...at(c, 2, 3)); return 0; });
export const sys_renameat2 = guestOp(renameat2Impl);
function renameat2Impl(c: Call): SyscallResult {
  const flags = c.u32(4);
  if (flags & ~7 || (flags & 1 && flags & 2)) throw new SysError(Errno.EINVAL);
  if (flags & 4) throw new SysError(Errno.EINVAL); // RENAME_WHITEOUT needs an overlay file system
  c.kernel.vfs.rename(...at(c, 0, 1), ...at(c, 2, 3), flags);
  return 0;
}

export const sys_link = guestOp((c: Call): SyscallResult => { c.kernel.vfs.link(...at(c, undefined, 0), ...at(c, undefined, 1), false); return 0; });
export const sys_linkat = guestOp(linkatImpl);
function linkatImpl(c: Call): SyscallResult {
  const flags = c.i32(4);
  if (flags & ~(AT.AT_SYMLINK_FOLLOW | AT.AT_EMPTY_PATH)) throw new SysError(Errno.EINVAL);
  const oldPath = c.str(1);
  if (oldPath === '' && flags & AT.AT_EMPTY_PATH) throw new SysError(Errno.ENOENT); // needs CAP_DAC_READ_SEARCH
  c.kernel.vfs.link(dirStart(c, 0, oldPath), oldPath, ...at(c, 2, 3), (flags & AT.AT_SYMLINK_FOLLOW) !== 0);
  return 0;
}

export const sys_symlink = guestOp((c: Call): SyscallResult => { c.kernel.vfs.symlink(c.str(0), ...at(c, undefined, 1)); return 0; });
export const sys_symlinkat = guestOp((c: Call): SyscallResult => { c.kernel.vfs.symlink(c.str(0), ...at(c, 1, 2)); return 0; });

// ---- metadata: chmod, chown, utimes, truncate ------------------------------------------------

export const sys_chmod = guestOp((c: Call): SyscallResult => { c.kernel.vfs.chmod(...at(c, undefined, 0), c.u32(1)); return 0; });
/** The open file's owner or CAP_FOWNER may fchmod it; fchown follows chown's rule (EPERM). */
export const sys_fchmod = (c: Call): SyscallResult => { const f = fileOf(c, 0); if (!f.pathOnly) checkChmod(f.stat(), guestCred(c)); f.setMode(c.u32(1)); return 0; };

function fchmodatImpl(c: Call, flags: number): SyscallResult {
  if (flags & ~(AT.AT_SYMLINK_NOFOLLOW | AT.AT_EMPTY_PATH)) throw new SysError(Errno.EINVAL);
  const path = c.str(1);
  if (path === '' && flags & AT.AT_EMPTY_PATH) { emptyPathFile(c, 0).setMode(c.u32(2)); return 0; }
  c.kernel.vfs.chmod(dirStart(c, 0, path), path, c.u32(2), !(flags & AT.AT_SYMLINK_NOFOLLOW));
  return 0;
}
export const sys_fchmodat = guestOp((c: Call): SyscallResult => fchmodatImpl(c, 0));
export const sys_fchmodat2 = guestOp((c: Call): SyscallResult => fchmodatImpl(c, c.i32(3)));

/** The file an AT_EMPTY_PATH call names: the dirfd itself (the cwd for AT_FDCWD). */
function emptyPathFile(c: Call, dirfdArg: number) {
  const fd = c.i32(dirfdArg);
  if (fd === AT.AT_FDCWD) return c.kernel.vfs.open('/', c.tg.fs.cwd, { access: 0, create: false, excl: false, trunc: false, append: false, directory: true, nofollow: false, pathOnly: false, mode: 0, rawFlags: 0 });
  return c.tg.fds.get(fd);
}

export const sys_chown = guestOp((c: Call): SyscallResult => { c.kernel.vfs.chown(...at(c, undefined, 0), c.i32(1), c.i32(2), true); return 0; });
export const sys_lchown = guestOp((c: Call): SyscallResult => { c.kernel.vfs.chown(...at(c, undefined, 0), c.i32(1), c.i32(2), false); return 0; });
export const sys_fchown = (c: Call): SyscallResult => { const f = fileOf(c, 0); if (!f.pathOnly) checkChown(f.stat(), c.i32(1), c.i32(2), guestCred(c)); f.setOwner(c.i32(1), c.i32(2)); return 0; };
export const sys_fchownat = guestOp(fchownatImpl);
function fchownatImpl(c: Call): SyscallResult {
  const flags = c.i32(4);
  if (flags & ~(AT.AT_SYMLINK_NOFOLLOW | AT.AT_EMPTY_PATH)) throw new SysError(Errno.EINVAL);
  const path = c.str(1);
  if (path === '' && flags & AT.AT_EMPTY_PATH) { emptyPathFile(c, 0).setOwner(c.i32(2), c.i32(3)); return 0; }
  if (path === '') throw new SysError(Errno.ENOENT);
  c.kernel.vfs.chown(dirStart(c, 0, path), path, c.i32(2), c.i32(3), !(flags & AT.AT_SYMLINK_NOFOLLOW));
  return 0;
}

const UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;
const nowNs = () => BigInt(Date.now()) * 1_000_000n;

/** Reads two {sec, nsec} (or {sec, usec} when micro) pairs; NULL means "now" for both. */
/** The two times of utimensat/utimes (ns; undefined = UTIME_OMIT), and whether any was chosen by the caller (not "now"). */
function readTimes(c: Call, addr: number, micro: boolean): [bigint | undefined, bigint | undefined, boolean] {
  if (addr === 0) return [nowNs(), nowNs(), false];
  const out: Array<bigint | undefined> = [];
  let explicit = false;
  for (let i = 0; i < 2; i++) {
    const sec = BigInt.asIntN(64, c.mem.readU64(addr + i * 16));
    const frac = BigInt.asIntN(64, c.mem.readU64(addr + i * 16 + 8));
    if (!micro && frac === BigInt(UTIME_NOW)) { out.push(nowNs()); continue; }
    if (!micro && frac === BigInt(UTIME_OMIT)) { out.push(undefined); continue; }
    if (frac < 0n || frac >= (micro ? 1_000_000n : 1_000_000_000n)) throw new SysError(Errno.EINVAL);
    out.push(sec * 1_000_000_000n + (micro ? frac * 1000n : frac));
    explicit = true;
  }
  return [out[0], out[1], explicit];
}

export const sys_utimensat = guestOp(utimensatImpl);
function utimensatImpl(c: Call): SyscallResult {
  const flags = c.i32(3);
  if (flags & ~(AT.AT_SYMLINK_NOFOLLOW | AT.AT_EMPTY_PATH)) throw new SysError(Errno.EINVAL);
  const [a, m, explicit] = readTimes(c, c.num(2), false);
  if (c.num(1) === 0 || (flags & AT.AT_EMPTY_PATH && c.str(1) === '')) {
    // futimens: utimensat(fd, NULL, times, 0)
    if (c.i32(0) === AT.AT_FDCWD && c.num(1) === 0) throw new SysError(Errno.EFAULT);
    if (a === undefined && m === undefined) { emptyPathFile(c, 0); return 0; }
    emptyPathFile(c, 0).setTimes(a, m);
    return 0;
  }
  const path = c.str(1);
  if (a === undefined && m === undefined) { c.kernel.vfs.stat(dirStart(c, 0, path), path, !(flags & AT.AT_SYMLINK_NOFOLLOW)); return 0; }
  c.kernel.vfs.utimens(dirStart(c, 0, path), path, a, m, !(flags & AT.AT_SYMLINK_NOFOLLOW), explicit);
  return 0;
}

export const sys_utimes = guestOp(utimesImpl);
function utimesImpl(c: Call): SyscallResult {
  const [a, m, explicit] = readTimes(c, c.num(1), true);
  c.kernel.vfs.utimens(...at(c, undefined, 0), a, m, true, explicit);
  return 0;
}

export const sys_futimesat = guestOp(futimesatImpl);
function futimesatImpl(c: Call): SyscallResult {
  const [a, m, explicit] = readTimes(c, c.num(2), true);
  c.kernel.vfs.utimens(...at(c, 0, 1), a, m, true, explicit);
  return 0;
}

export const sys_utime = guestOp(utimeImpl);
function utimeImpl(c: Call): SyscallResult {
  const addr = c.num(1);
  let a: bigint = nowNs(), m: bigint = nowNs();
  if (addr !== 0) {
    a = BigInt.asIntN(64, c.mem.readU64(addr)) * 1_000_000_000n;
    m = BigInt.asIntN(64, c.mem.readU64(addr + 8)) * 1_000_000_000n;
  }
  c.kernel.vfs.utimens(...at(c, undefined, 0), a, m, true, addr !== 0);
  return 0;
}

export const sys_truncate = guestOp(truncateImpl);
function truncateImpl(c: Call): SyscallResult {
  const len = c.snum(1);
  if (len < 0 || !Number.isSafeInteger(len)) throw new SysError(Errno.EINVAL);
  c.kernel.vfs.truncate(...at(c, undefined, 0), len);
  return 0;
}

export function sys_ftruncate(c: Call): SyscallResult {
  const len = c.snum(1);
  if (len < 0 || !Number.isSafeInteger(len)) throw new SysError(Errno.EINVAL);
  const f = fileOf(c, 0);
  if (f.pathOnly) throw new SysError(Errno.EBADF);
  if (!f.writable) throw new SysError(Errno.EINVAL);
  f.truncate(len);
  return 0;
}

export function sys_fallocate(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const mode = c.i32(1), off = c.snum(2), len = c.snum(3);
  if (off < 0 || len <= 0 || !Number.isSafeInteger(off + len)) throw new SysError(Errno.EINVAL);
  if (!f.writable) throw new SysError(Errno.EBADF);
  if (mode & ~1) throw new SysError(Errno.EOPNOTSUPP); // only 0 and FALLOC_FL_KEEP_SIZE
  if (mode & 1) { f.stat(); return 0; }
  f.allocate(off, len);
  return 0;
}

export const sys_fsync = (c: Call): SyscallResult => { fileOf(c, 0).sync(); return 0; };
export const sys_fdatasync = sys_fsync;
export const sys_sync = (): SyscallResult => 0;
export const sys_syncfs = (c: Call): SyscallResult => { fileOf(c, 0); return 0; };

// ---- pipes -----------------------------------------------------------------------------------

function pipeImpl(c: Call, flags: number): SyscallResult {
  const O = openFlags(c.tg.arch.arch);
  if (flags & ~(O.O_CLOEXEC | O.O_NONBLOCK | O.O_DIRECT)) throw new SysError(Errno.EINVAL);
  const addr = c.num(0);
  c.mem.check(addr, 8, 'w');
  const [r, w] = makePipe(flags & (O.O_NONBLOCK | O.O_DIRECT));
  const cloexec = (flags & O.O_CLOEXEC) !== 0;
  const rfd = c.tg.fds.add(r, cloexec);
  let wfd: number;
  try { wfd = c.tg.fds.add(w, cloexec); } catch (e) { c.tg.fds.close(rfd); throw e; }
  const b = new Uint8Array(8);
  new DataView(b.buffer).setInt32(0, rfd, true);
  new DataView(b.buffer).setInt32(4, wfd, true);
  c.write(addr, b);
  return 0;
}

export const sys_pipe = (c: Call): SyscallResult => pipeImpl(c, 0);
export const sys_pipe2 = (c: Call): SyscallResult => pipeImpl(c, c.i32(1));

/** getdents (the old linux_dirent: ino, off, reclen, name, then d_type in the record's last byte). */
export function sys_getdents(c: Call): SyscallResult {
  return getdentsImpl(c, (n) => Math.ceil((18 + n + 2) / 8) * 8, (dv, out, at, e, off, name, reclen) => {
    dv.setBigUint64(at, e.ino, true);
    dv.setBigInt64(at + 8, BigInt(off), true);
    dv.setUint16(at + 16, reclen, true);
    out.set(name, at + 18);
    out[at + reclen - 1] = e.type;
  });
}

/** openat2(dirfd, path, struct open_how *, size): flags and mode from open_how; RESOLVE_* flags are checked. */
export function sys_openat2(c: Call): SyscallResult {
  const size = c.num(3);
  if (size < 24) throw new SysError(Errno.EINVAL);
  const how = c.read(c.num(2), 24);
  const dv = new DataView(how.buffer, how.byteOffset, 24);
  const flags = dv.getBigUint64(0, true), mode = dv.getBigUint64(8, true), resolve = dv.getBigUint64(16, true);
  if (flags >> 32n || mode & ~0o7777n) throw new SysError(Errno.EINVAL);
  if (resolve & ~0x1fn) throw new SysError(Errno.EINVAL);
  const O = openFlags(c.tg.arch.arch);
  if (mode && !(Number(flags) & (O.O_CREAT | O.__O_TMPFILE))) throw new SysError(Errno.EINVAL);
  const fake = new (Object.getPrototypeOf(c).constructor)(c.kernel, c.task, c.cpu, c.nr, [c.args[0], c.args[1], flags, mode]) as Call;
  return openAt(fake, 0, 1, 2, 3);
}

/** flock(2): whole-file locks owned by the open description, independent of fcntl's locks. */
export function sys_flock(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const raw = c.i32(1);
  const op = raw & ~4; // LOCK_NB
  if (op !== 1 && op !== 2 && op !== 8) throw new SysError(Errno.EINVAL);
  if (f.pathOnly) throw new SysError(Errno.EBADF);
  const st = f.stat();
  const type = op === 1 ? F_RDLCK : op === 2 ? F_WRLCK : F_UNLCK;
  return lockTable(c.kernel).set(`flock:${st.dev}:${st.ino}`, { owner: f, type, start: 0, end: Infinity, pid: c.tg.pid, gone: () => f.refsDropped }, (raw & 4) === 0);
}

/** fcntl record locks: decode struct flock, then the kernel's lock table (files/locks.ts). */
function recordLock(c: Call, f: FileDescription, cmd: number): SyscallResult {
  const L = layouts(c).flock;
  const addr = c.num(2);
  const b = c.read(addr, L.size);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const type = dv.getInt16(L.fields.l_type.offset, true), whence = dv.getInt16(L.fields.l_whence.offset, true);
  const start = Number(dv.getBigInt64(L.fields.l_start.offset, true)), len = Number(dv.getBigInt64(L.fields.l_len.offset, true));
  const ofd = cmd === FCNTL.F_OFD_GETLK || cmd === FCNTL.F_OFD_SETLK || cmd === FCNTL.F_OFD_SETLKW;
  if (ofd && dv.getInt32(L.fields.l_pid.offset, true) !== 0) throw new SysError(Errno.EINVAL);
  if (type !== F_RDLCK && type !== F_WRLCK && type !== F_UNLCK) throw new SysError(Errno.EINVAL);
  if (f.pathOnly) throw new SysError(Errno.EBADF);
  const base = whence === 0 ? 0 : whence === 1 ? ((f as unknown as { pos?: number }).pos ?? 0) : whence === 2 ? Number(f.stat().size) : NaN;
  if (Number.isNaN(base)) throw new SysError(Errno.EINVAL);
  let s = base + start, e = len === 0 ? Infinity : s + len - 1;
  if (len < 0) { e = s - 1; s += len; }
  if (s < 0 || !Number.isSafeInteger(s)) throw new SysError(Errno.EINVAL);
  const st = f.stat();
  const key = `${st.dev}:${st.ino}`;
  const table = lockTable(c.kernel);
  const tg = c.tg;
  // POSIX locks belong to the fd table (Linux's files_struct): fork's copy is another owner
  const owner: object = ofd ? f : tg.fds;
  if (cmd === FCNTL.F_GETLK || cmd === FCNTL.F_OFD_GETLK) {
    if (type === F_UNLCK) throw new SysError(Errno.EINVAL);
    const x = table.conflict(key, owner, type, s, e);
    const out = new Uint8Array(L.size);
    const o = new DataView(out.buffer);
    o.setInt16(L.fields.l_type.offset, x ? x.type : F_UNLCK, true);
    if (x) {
      o.setBigInt64(L.fields.l_start.offset, BigInt(x.start), true);
      o.setBigInt64(L.fields.l_len.offset, x.end === Infinity ? 0n : BigInt(x.end - x.start + 1), true);
      o.setInt32(L.fields.l_pid.offset, x.pid, true);
      c.write(addr, out);
    } else {
      c.write(addr + L.fields.l_type.offset, out.subarray(L.fields.l_type.offset, L.fields.l_type.offset + 2));
    }
    return 0;
  }
  if (type === F_RDLCK && !f.readable) throw new SysError(Errno.EBADF);
  if (type === F_WRLCK && !f.writable) throw new SysError(Errno.EBADF);
  const wait = cmd === FCNTL.F_SETLKW || cmd === FCNTL.F_OFD_SETLKW;
  return table.set(key, { owner, type, start: s, end: e, pid: ofd ? -1 : tg.pid, gone: ofd ? () => f.refsDropped : () => !tg.alive, posix: !ofd }, wait);
}
