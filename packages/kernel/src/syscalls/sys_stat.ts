// fstat, stat, lstat, newfstatat (fstatat on aarch64), statx, statfs; the *xattr family.
import { AT, STATX } from '@elfbox/abi';
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { StatInfo, XattrStore } from '../files/file.js';
import { credsOf } from './sys_info.js';
import { asGuest } from './sys_file.js';
import type { Call } from './types.js';
import { dirStart, putStruct, statValues } from './util.js';

function putStat(c: Call, addr: number, st: StatInfo): SyscallResult {
  putStruct(c, 'stat', addr, statValues(st));
  return 0;
}

export const sys_fstat = (c: Call): SyscallResult => putStat(c, c.num(1), c.tg.fds.get(c.i32(0)).stat());
export const sys_stat = (c: Call): SyscallResult => putStat(c, c.num(1), asGuest(c, () => c.kernel.vfs.stat(c.tg.fs.cwd, c.str(0), true)));
export const sys_lstat = (c: Call): SyscallResult => putStat(c, c.num(1), asGuest(c, () => c.kernel.vfs.stat(c.tg.fs.cwd, c.str(0), false)));

/** The file an *at() stat call names: dirfd + path, or the dirfd itself with AT_EMPTY_PATH. */
function statAt(c: Call, dirfdArg: number, path: string, flags: number): StatInfo {
  if (path === '') {
    if (!(flags & AT.AT_EMPTY_PATH)) throw new SysError(Errno.ENOENT);
    const fd = c.i32(dirfdArg);
    if (fd === AT.AT_FDCWD) return c.kernel.vfs.stat(c.tg.fs.cwd, '.', true);
    return c.tg.fds.get(fd).stat();
  }
  return asGuest(c, () => c.kernel.vfs.stat(dirStart(c, dirfdArg, path), path, !(flags & AT.AT_SYMLINK_NOFOLLOW)));
}

export function sys_newfstatat(c: Call): SyscallResult {
  const flags = c.i32(3);
  if (flags & ~(AT.AT_SYMLINK_NOFOLLOW | AT.AT_EMPTY_PATH | AT.AT_NO_AUTOMOUNT)) throw new SysError(Errno.EINVAL);
  const path = c.str(1);
  return putStat(c, c.num(2), statAt(c, 0, path, flags));
}

export function sys_statx(c: Call): SyscallResult {
  const flags = c.i32(2);
  if (flags & ~(AT.AT_SYMLINK_NOFOLLOW | AT.AT_EMPTY_PATH | AT.AT_NO_AUTOMOUNT | AT.AT_STATX_SYNC_TYPE)) throw new SysError(Errno.EINVAL);
  if (c.u32(3) & STATX.STATX__RESERVED) throw new SysError(Errno.EINVAL);
  const path = c.str(1);
  const st = statAt(c, 0, path, flags);
  const ts = (ns: bigint) => [ns / 1_000_000_000n, Number(ns % 1_000_000_000n)] as const;
  const [as, an] = ts(st.atimeNs), [ms, mn] = ts(st.mtimeNs), [cs, cn] = ts(st.ctimeNs), [bs, bn] = ts(st.btimeNs ?? st.ctimeNs);
  const major = (d: bigint) => Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
  const minor = (d: bigint) => Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
  putStruct(c, 'statx', c.num(4), {
    stx_mask: STATX.STATX_BASIC_STATS | (st.btimeNs !== undefined ? STATX.STATX_BTIME : 0),
    stx_blksize: st.blksize, stx_nlink: st.nlink, stx_uid: st.uid, stx_gid: st.gid, stx_mode: st.mode,
    stx_ino: st.ino, stx_size: st.size, stx_blocks: st.blocks,
    'stx_atime.tv_sec': as, 'stx_atime.tv_nsec': an, 'stx_btime.tv_sec': bs, 'stx_btime.tv_nsec': bn,
    'stx_ctime.tv_sec': cs, 'stx_ctime.tv_nsec': cn, 'stx_mtime.tv_sec': ms, 'stx_mtime.tv_nsec': mn,
    stx_rdev_major: major(st.rdev), stx_rdev_minor: minor(st.rdev), stx_dev_major: major(st.dev), stx_dev_minor: minor(st.dev),
  });
  return 0;
}

// ---- statfs, fstatfs ---------------------------------------------------------------------------

const FS_MAGIC = { proc: 0x9fa0, sys: 0x62656572, dev: 0x01021994 /* tmpfs */, ext4: 0xef53, pipe: 0x50495045 } as const;

/** struct statfs (120 bytes, the same on x86-64 and aarch64): 64-bit words, f_fsid as two ints. */
function encodeStatfs(type: number, bsize: number, blocks: bigint, bfree: bigint, bavail: bigint, files: bigint, ffree: bigint, flags: number): Uint8Array {
  const b = new Uint8Array(120);
  const dv = new DataView(b.buffer);
  const w = [BigInt(type), BigInt(bsize), blocks, bfree, bavail, files, ffree];
  w.forEach((v, i) => dv.setBigUint64(i * 8, v, true));
  // f_fsid at 56 (zero), f_namelen at 64, f_frsize at 72, f_flags at 80, spare after.
  dv.setBigUint64(64, 255n, true);
  dv.setBigUint64(72, BigInt(bsize), true);
  dv.setBigUint64(80, BigInt(flags), true);
  return b;
}

function statfsOf(r: ReturnType<import('../files/vfs.js').Vfs['statfs']>): Uint8Array {
  const ST_RDONLY = 1, ST_NOSUID = 2, ST_NODEV = 4, ST_NOEXEC = 8, ST_RELATIME = 0x400;
  if (r === 'proc') return encodeStatfs(FS_MAGIC.proc, 4096, 0n, 0n, 0n, 0n, 0n, ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RELATIME);
  if (r === 'sys') return encodeStatfs(FS_MAGIC.sys, 4096, 0n, 0n, 0n, 0n, 0n, ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC | ST_RELATIME);
  if (r === 'dev') return encodeStatfs(FS_MAGIC.dev, 4096, 0n, 0n, 0n, 0n, 0n, ST_NOSUID | ST_RELATIME);
  if (r === 'tmpfs') return encodeStatfs(FS_MAGIC.dev, 4096, 262144n, 262144n, 262144n, 1048576n, 1048576n, ST_NOSUID | ST_NODEV | ST_RELATIME);
  const n = (v: number | bigint) => BigInt(v);
  return encodeStatfs(Number(r.type) || FS_MAGIC.ext4, Number(r.bsize), n(r.blocks), n(r.bfree), n(r.bavail), n(r.files), n(r.ffree), ST_RELATIME);
}

export function sys_statfs(c: Call): SyscallResult {
  const path = c.str(0);
  const addr = c.num(1);
  c.write(addr, statfsOf(c.kernel.vfs.statfs(c.tg.fs.cwd, path)));
  return 0;
}

export function sys_fstatfs(c: Call): SyscallResult {
  const f = c.tg.fds.get(c.i32(0));
  const addr = c.num(1);
  const st = f.stat();
  let r: ReturnType<import('../files/vfs.js').Vfs['statfs']>;
  if (f.path.startsWith('/')) {
    try { r = c.kernel.vfs.statfs('/', f.path); } catch { r = 'dev'; }
  } else {
    c.write(addr, encodeStatfs(FS_MAGIC.pipe, 4096, 0n, 0n, 0n, 0n, 0n, 0));
    return 0;
  }
  void st;
  c.write(addr, statfsOf(r));
  return 0;
}

// ---- extended attributes ----------------------------------------------------------------------
// getxattr/setxattr/listxattr/removexattr, their l* (no final symlink) and f* (an fd) forms.
// In-memory files (tmpfs, --memfs) keep user., trusted. and security. attributes; host files and
// the kernel's /proc, /dev, /sys nodes have none the kernel can reach (Node has no xattr API):
// reads answer ENODATA, listings are empty, writes EOPNOTSUPP. Pipes, sockets and eventfds
// have none either (user.* there: ENODATA to read, EPERM to write, as Linux).

const XATTR_SIZE_MAX = 65536, XATTR_LIST_MAX = 65536, XATTR_NAME_MAX = 255;
const XATTR_CREATE = 1, XATTR_REPLACE = 2;
const CAP_SYS_ADMIN = 1n << 21n;

interface XattrTarget { store: XattrStore | null | undefined; mode: number }

/** An attribute name: 1..255 bytes (ERANGE otherwise), kept as latin1 so any byte survives. */
function xattrName(c: Call, n: number): string {
  const addr = c.num(n);
  if (!Number.isFinite(addr)) throw new SysError(Errno.EFAULT);
  const b = c.mem.readCString(addr, XATTR_NAME_MAX + 1);
  if (b === null || b.length === 0) throw new SysError(Errno.ERANGE);
  return Buffer.from(b).toString('latin1');
}

/** The name's namespace; EOPNOTSUPP for one Linux's file systems have no handler for, EINVAL for a bare prefix. */
function xattrNamespace(name: string): 'user' | 'trusted' | 'security' | 'acl' {
  for (const p of ['user', 'trusted', 'security'] as const) {
    if (name.startsWith(p + '.')) {
      if (name.length === p.length + 1) throw new SysError(Errno.EINVAL);
      return p;
    }
  }
  if (name === 'system.posix_acl_access' || name === 'system.posix_acl_default') return 'acl';
  throw new SysError(Errno.EOPNOTSUPP);
}

const regularOrDir = (mode: number) => (mode & 0o170000) === 0o100000 || (mode & 0o170000) === 0o040000;
const sysAdmin = (c: Call) => (credsOf(c).capEff & CAP_SYS_ADMIN) !== 0n;

function pathTarget(c: Call, follow: boolean, forWrite: boolean): XattrTarget {
  return c.kernel.vfs.xattrsOf(c.tg.fs.cwd, c.str(0), follow, forWrite);
}

function fdTarget(c: Call): XattrTarget {
  const f = c.tg.fds.get(c.i32(0));
  const store = f.xattrs();
  return { store, mode: f.stat().mode };
}

function getxattrImpl(c: Call, t: XattrTarget): SyscallResult {
  const name = xattrName(c, 1);
  const ns = xattrNamespace(name);
  const size = Math.min(c.num(3), XATTR_SIZE_MAX);
  // user.* exists only on regular files and directories; trusted.* is invisible without CAP_SYS_ADMIN
  if ((ns === 'user' && !regularOrDir(t.mode)) || (ns === 'trusted' && !sysAdmin(c))) throw new SysError(Errno.ENODATA);
  const v = t.store?.get(name);
  if (!v) throw new SysError(Errno.ENODATA);
  if (size === 0) return v.length;
  if (v.length > size) throw new SysError(Errno.ERANGE);
  c.write(c.num(2), v);
  return v.length;
}

export const sys_getxattr = (c: Call): SyscallResult => getxattrImpl(c, pathTarget(c, true, false));
export const sys_lgetxattr = (c: Call): SyscallResult => getxattrImpl(c, pathTarget(c, false, false));
export const sys_fgetxattr = (c: Call): SyscallResult => getxattrImpl(c, fdTarget(c));

/** setxattr: flags, name and value are checked before the file is looked up, as Linux's setxattr_copy. */
function setxattrImpl(c: Call, target: () => XattrTarget): SyscallResult {
  const flags = c.i32(4);
  if (flags & ~(XATTR_CREATE | XATTR_REPLACE)) throw new SysError(Errno.EINVAL);
  const name = xattrName(c, 1);
  const size = c.num(3);
  if (size > XATTR_SIZE_MAX) throw new SysError(Errno.E2BIG);
  const value = size ? c.read(c.num(2), size).slice() : new Uint8Array(0);
  const t = target();
  const ns = xattrNamespace(name);
  if ((ns === 'user' && !regularOrDir(t.mode)) || (ns === 'trusted' && !sysAdmin(c))) throw new SysError(Errno.EPERM);
  if (!t.store || ns === 'acl') throw new SysError(Errno.EOPNOTSUPP);
  const exists = t.store.has(name);
  if (flags & XATTR_CREATE && exists) throw new SysError(Errno.EEXIST);
  if (flags & XATTR_REPLACE && !exists) throw new SysError(Errno.ENODATA);
  t.store.set(name, value);
  return 0;
}

export const sys_setxattr = (c: Call): SyscallResult => setxattrImpl(c, () => pathTarget(c, true, true));
export const sys_lsetxattr = (c: Call): SyscallResult => setxattrImpl(c, () => pathTarget(c, false, true));
export const sys_fsetxattr = (c: Call): SyscallResult => setxattrImpl(c, () => fdTarget(c));

function listxattrImpl(c: Call, t: XattrTarget): SyscallResult {
  const size = Math.min(c.num(2), XATTR_LIST_MAX);
  const names = t.store ? [...t.store.keys()].filter((n) => !n.startsWith('trusted.') || sysAdmin(c)) : [];
  const bytes = Buffer.from(names.map((n) => n + '\0').join(''), 'latin1');
  if (size === 0) return bytes.length;
  if (bytes.length > size) throw new SysError(Errno.ERANGE);
  if (bytes.length) c.write(c.num(1), new Uint8Array(bytes));
  return bytes.length;
}

export const sys_listxattr = (c: Call): SyscallResult => listxattrImpl(c, pathTarget(c, true, false));
export const sys_llistxattr = (c: Call): SyscallResult => listxattrImpl(c, pathTarget(c, false, false));
export const sys_flistxattr = (c: Call): SyscallResult => listxattrImpl(c, fdTarget(c));

function removexattrImpl(c: Call, t: XattrTarget): SyscallResult {
  const name = xattrName(c, 1);
  const ns = xattrNamespace(name);
  if ((ns === 'user' && !regularOrDir(t.mode)) || (ns === 'trusted' && !sysAdmin(c))) throw new SysError(Errno.EPERM);
  if (!t.store?.has(name)) throw new SysError(Errno.ENODATA);
  t.store.delete(name);
  return 0;
}

export const sys_removexattr = (c: Call): SyscallResult => removexattrImpl(c, pathTarget(c, true, true));
export const sys_lremovexattr = (c: Call): SyscallResult => removexattrImpl(c, pathTarget(c, false, true));
export const sys_fremovexattr = (c: Call): SyscallResult => removexattrImpl(c, fdTarget(c));
