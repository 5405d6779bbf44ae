// Polymorphic file descriptions (convention 9). The base class answers what Linux answers for
// an object that does not support an operation; subclasses override what they support.
import type { Stats, BigIntStats } from 'node:fs';
import { Errno, SysError } from '../errors.js';
import type { Block } from '../block.js';
import type { MappableFile } from '../mm.js';

/** File status as the kernel keeps it; sys_stat encodes it per arch. Times in ns since the epoch. */
export interface StatInfo {
  dev: bigint;
  ino: bigint;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: bigint;
  size: bigint;
  blksize: number;
  blocks: bigint;
  atimeNs: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
  btimeNs?: bigint;
}

export const S_IFMT = 0o170000;
export const S_IFSOCK = 0o140000;
export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFBLK = 0o060000;
export const S_IFDIR = 0o040000;
export const S_IFCHR = 0o020000;
export const S_IFIFO = 0o010000;

/** Linux's encoding of a device number (new_encode_dev / huge_encode_dev). */
export function makedev(major: number, minor: number): bigint {
  return BigInt((minor & 0xff) | ((major & 0xfff) << 8)) | (BigInt(minor & ~0xff) << 12n) | (BigInt(major & ~0xfff) << 32n);
}

export function statFromHost(s: Stats | BigIntStats): StatInfo {
  const b = (v: number | bigint) => BigInt(v);
  const ns = (ms: number | bigint, nsv?: bigint) => nsv ?? BigInt(Math.round(Number(ms) * 1e6));
  const bs = s as BigIntStats;
  return {
    dev: b(s.dev), ino: b(s.ino), mode: Number(s.mode), nlink: Number(s.nlink), uid: Number(s.uid), gid: Number(s.gid),
    rdev: b(s.rdev), size: b(s.size), blksize: Number(s.blksize), blocks: b(s.blocks),
    atimeNs: ns(s.atimeMs, bs.atimeNs), mtimeNs: ns(s.mtimeMs, bs.mtimeNs), ctimeNs: ns(s.ctimeMs, bs.ctimeNs),
    btimeNs: ns(s.birthtimeMs, bs.birthtimeNs),
  };
}

/** A synthetic status (pipes, /dev/null, generated files). */
export function synthStat(mode: number, ino: number, extra: Partial<StatInfo> = {}): StatInfo {
  const now = BigInt(Date.now()) * 1_000_000n;
  return {
    dev: makedev(0, 14), ino: BigInt(ino), mode, nlink: 1, uid: 0, gid: 0, rdev: 0n, size: 0n, blksize: 4096,
    blocks: 0n, atimeNs: now, mtimeNs: now, ctimeNs: now, ...extra,
  };
}

/** poll(2) event bits (same on both arches). */
export const POLLIN = 0x1, POLLPRI = 0x2, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
export const POLLRDNORM = 0x40, POLLRDBAND = 0x80, POLLWRNORM = 0x100, POLLWRBAND = 0x200, POLLRDHUP = 0x2000;
/** What Linux reports for a file without a poll method (regular files, directories). */
export const DEFAULT_POLLMASK = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;

/** Extended attributes of one inode: name -> value. */
export type XattrStore = Map<string, Uint8Array>;

/** A directory entry as getdents64 returns it. */
export interface DirEntry {
  ino: bigint;
  type: number; // DT_*
  name: string;
}

/** A directory entry with its position cookie (d_off: where reading continues after it). */
export interface DirCursorEntry {
  /** The entry, completed on demand (a host directory looks up st_ino only for entries it returns). */
  entry: () => DirEntry;
  name: string;
  off: number;
}

/** What read()/write() return: a count or bytes, or a Block when the call must wait. */
export type ReadResult = Uint8Array | Block<ReadResult>;
export type WriteResult = number | Block<WriteResult>;

export abstract class FileDescription {
  /** File status flags (O_APPEND, O_NONBLOCK ...) as the guest set them, plus the access mode. */
  flags: number;
  /** The guest path it was opened by (for /proc/self/fd and strace), or a label like 'pipe:[3]'. */
  path: string;
  private refs = 1;

  constructor(flags: number, path: string) {
    this.flags = flags;
    this.path = path;
  }

  /** Access mode checks (O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2). */
  get readable(): boolean { return (this.flags & 3) !== 1; }
  get writable(): boolean { return (this.flags & 3) !== 0; }

  read(_len: number): ReadResult { throw new SysError(Errno.EINVAL); }
  write(_data: Uint8Array): WriteResult { throw new SysError(Errno.EINVAL); }
  pread(_len: number, _off: number): Uint8Array { throw new SysError(Errno.ESPIPE); }
  pwrite(_data: Uint8Array, _off: number): number { throw new SysError(Errno.ESPIPE); }
  seek(_off: number, _whence: number): number { throw new SysError(Errno.ESPIPE); }
  /** ioctl: returns the result; request-specific argument handling is done by the subclass. */
  ioctl(_req: number, _arg: bigint, _io: IoctlIo): number { throw new SysError(Errno.ENOTTY); }
  /**
   * getdents: the entries after directory position pos (a cookie: the d_off of the last entry
   * returned, 0 at the start), in order, each with its own cookie.
   */
  getdents(_pos: number): DirCursorEntry[] { throw new SysError(Errno.ENOTDIR); }
  /** Where getdents continues: the cookie of the last entry returned (lseek on a directory sets it). */
  dirPos = 0;
  abstract stat(): StatInfo;
  /** ftruncate: EINVAL unless the file is a regular file open for writing. */
  truncate(_len: number): void { throw new SysError(Errno.EINVAL); }
  /** fsync/fdatasync: EINVAL for objects that cannot be synced (pipes, sockets). */
  sync(): void { throw new SysError(Errno.EINVAL); }
  /** fallocate (mode 0 only). */
  allocate(_off: number, _len: number): void { throw new SysError(Errno.ENODEV); }
  /** fchmod / fchown / futimens on the open file. Default: EPERM (kernel objects are root's). */
  setMode(_mode: number): void { throw new SysError(Errno.EPERM); }
  setOwner(_uid: number, _gid: number): void { throw new SysError(Errno.EPERM); }
  setTimes(_atimeNs: bigint | undefined, _mtimeNs: bigint | undefined): void { throw new SysError(Errno.EPERM); }
  /** An O_PATH handle: only fstat, *at() and close work on it (read/write/ioctl... are EBADF). */
  get pathOnly(): boolean { return false; }
  /** A directory a *at() call can start from. */
  get isDirectory(): boolean { return (this.stat().mode & S_IFMT) === S_IFDIR; }
  /**
   * Extended attributes (f*xattr, and the path calls through Vfs.xattrsOf): a store (in-memory
   * files), null (a file that has none the kernel can reach: host files, whose attributes Node
   * cannot read, and generated /proc, /dev files: reads find nothing, writes are EOPNOTSUPP), or
   * undefined (objects of pseudo file systems: pipes, sockets, eventfd; the same answers).
   */
  xattrs(): XattrStore | null | undefined { return undefined; }
  /** For mmap of a file: the bytes source. Default: ENODEV (pipes, ttys). */
  mappable(): MappableFile { throw new SysError(Errno.ENODEV); }
  isTty(): boolean { return false; }
  /** Terminal size, when this is a terminal the host can measure. */
  winsize(): { rows: number; cols: number } | undefined { return undefined; }

  /**
   * Readiness (the interface poll/select/epoll use; pipes, eventfd, stdio and sockets implement
   * it): the POLL* bits that are true now. The caller masks with the events it asked for;
   * POLLERR, POLLHUP and POLLNVAL are reported whether asked or not. Default: always ready.
   */
  poll(_events: number): number { return DEFAULT_POLLMASK; }
  /**
   * Calls wake once, the next time readiness may have changed (data arrived, space freed, the
   * other end closed). Returns a function that cancels the registration. Default: never changes.
   * Implement it with a WaitQueue (files/waitqueue.ts) for in-kernel objects, or a host
   * promise's then() for host-driven ones.
   */
  watch(_wake: () => void): () => void { return () => {}; }
  /**
   * True when readiness can change because of the host (stdio, sockets), not only because of
   * another guest task: a wait on it must also wake the run loop's host wait.
   */
  get hostDriven(): boolean { return false; }

  /** True once the last reference was dropped (OFD locks of a closed description vanish). */
  get refsDropped(): boolean { return this.refs <= 0; }
  ref(): this { this.refs++; return this; }
  /** Drops one reference (fd close, dup'd copies); releases host resources at the last one. */
  unref(): void {
    if (--this.refs === 0) this.release();
  }
  protected release(): void {}
}

/** Guest memory access for ioctl arguments, so descriptions stay free of Cpu/AddressSpace. */
export interface IoctlIo {
  writeBytes(addr: bigint, data: Uint8Array): void;
  readBytes(addr: bigint, len: number): Uint8Array;
}

/**
 * An open directory: read is EISDIR; getdents and lseek work with position cookies that stay
 * valid while the directory changes (Linux's guarantee for telldir/seekdir and for getdents
 * across calls). A pass starts at position 0: every name present then gets a cookie (the first
 * time this description sees it, larger than every cookie handed out before; '.' is 1, '..' 2)
 * and keeps it for as long as the name exists, across rewinds. Every getdents call lists the
 * directory afresh and returns the names with a cookie above the position, in cookie order. So
 * an entry that exists throughout is returned exactly once; one removed meanwhile is gone; one
 * added during a pass shows up from the next pass on (POSIX leaves it open; a reader that
 * creates files as it reads still ends); lseek(fd, d_off) resumes right after that entry,
 * removed or not, even after a rewind.
 */
export abstract class DirectoryDescription extends FileDescription {
  private cookies = new Map<string, number>();
  private nextCookie = 3;
  private last?: { list: DirEntry[]; sorted: DirCursorEntry[]; complete: boolean };
  /** The entries, '.' and '..' included, as they are now (ino may be left unset: see complete()). */
  protected abstract list(): DirEntry[];
  /** Fills in what list() left out of an entry about to be returned (host directories: st_ino). */
  protected complete(e: DirEntry): DirEntry { return e; }
  override read(): Uint8Array { throw new SysError(Errno.EISDIR); }
  override pread(): Uint8Array { throw new SysError(Errno.EISDIR); }
  override xattrs(): XattrStore | null | undefined { return null; }
  override seek(off: number, whence: number): number {
    if (whence !== 0 /* SEEK_SET */ && whence !== 1 /* SEEK_CUR */) throw new SysError(Errno.EINVAL);
    const p = whence === 0 ? off : this.dirPos + off;
    if (p < 0 || !Number.isSafeInteger(p)) throw new SysError(Errno.EINVAL);
    this.dirPos = p;
    return p;
  }
  override getdents(pos: number): DirCursorEntry[] {
    const now = this.list();
    // the same listing as last time (a host directory that did not change), every name with a cookie: reuse the order
    if (now !== this.last?.list || !this.last.complete) {
      const seen = new Set<string>();
      const sorted: DirCursorEntry[] = [];
      // new names are admitted at the start of a pass (or at the first listing of this description)
      const admit = pos === 0 || this.nextCookie === 3;
      let complete = true;
      for (const e of now) {
        seen.add(e.name);
        let off = e.name === '.' ? 1 : e.name === '..' ? 2 : this.cookies.get(e.name);
        if (off === undefined) {
          if (!admit) { complete = false; continue; }
          off = this.nextCookie++;
          this.cookies.set(e.name, off);
        }
        sorted.push({ entry: () => this.complete(e), name: e.name, off });
      }
      // names that are gone lose their cookie (a name that comes back is a new entry)
      for (const name of this.cookies.keys()) if (!seen.has(name)) this.cookies.delete(name);
      sorted.sort((a, b) => a.off - b.off);
      this.last = { list: now, sorted, complete };
    }
    const sorted = this.last.sorted;
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (sorted[mid].off > pos) hi = mid; else lo = mid + 1; }
    return sorted.slice(lo);
  }

}
