// Host-backed files: regular files and directories under the run's root, plus /dev/null and
// generated (read-only, seekable) files such as /proc/self/maps. Host file I/O is synchronous
// (local disk); only stdio and future sockets/pipes wait through a Block.
import * as fs from 'node:fs';
import { Errno, SysError, host } from '../errors.js';
import type { MappableFile } from '../mm.js';
import { DirectoryDescription, FileDescription, S_IFDIR, S_IFREG, makedev, statFromHost, synthStat, type DirCursorEntry, type DirEntry, type StatInfo, type XattrStore } from './file.js';

export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;

const DT: Record<string, number> = { fifo: 1, chr: 2, dir: 4, blk: 6, reg: 8, lnk: 10, sock: 12 };
function direntType(d: fs.Dirent): number {
  if (d.isFIFO()) return DT.fifo;
  if (d.isCharacterDevice()) return DT.chr;
  if (d.isDirectory()) return DT.dir;
  if (d.isBlockDevice()) return DT.blk;
  if (d.isFile()) return DT.reg;
  if (d.isSymbolicLink()) return DT.lnk;
  if (d.isSocket()) return DT.sock;
  return 0;
}

function newPos(cur: number, size: number, off: number, whence: number): number {
  let base: number;
  if (whence === SEEK_SET) base = 0;
  else if (whence === SEEK_CUR) base = cur;
  else if (whence === SEEK_END) base = size;
  else if (whence === SEEK_DATA) { if (off >= size) throw new SysError(Errno.ENXIO); return off; }
  else if (whence === SEEK_HOLE) { if (off >= size) throw new SysError(Errno.ENXIO); return size; }
  else throw new SysError(Errno.EINVAL);
  const p = base + off;
  if (p < 0 || !Number.isSafeInteger(p)) throw new SysError(Errno.EINVAL);
  return p;
}

/** A regular file (or device node) opened on the host. The file position is the guest's. */
export class HostFile extends FileDescription {
  override xattrs(): XattrStore | null | undefined { return null; }
  pos = 0;
  constructor(flags: number, path: string, readonly hostPath: string, readonly fd: number, private readonly append: boolean) {
    super(flags, path);
  }

  override read(len: number): Uint8Array {
    if (!this.readable) throw new SysError(Errno.EBADF);
    const out = this.pread(len, this.pos);
    this.pos += out.length;
    return out;
  }

  override write(data: Uint8Array): number {
    if (!this.writable) throw new SysError(Errno.EBADF);
    if (this.append) this.pos = Number(host(() => fs.fstatSync(this.fd)).size);
    const n = this.pwrite(data, this.pos);
    this.pos += n;
    return n;
  }

  override pread(len: number, off: number): Uint8Array {
    if (!this.readable) throw new SysError(Errno.EBADF);
    const buf = new Uint8Array(Math.min(len, 1 << 24));
    const n = host(() => fs.readSync(this.fd, buf, 0, buf.length, off));
    return buf.subarray(0, n);
  }

  override pwrite(data: Uint8Array, off: number): number {
    if (!this.writable) throw new SysError(Errno.EBADF);
    return host(() => fs.writeSync(this.fd, data, 0, data.length, off));
  }

  override seek(off: number, whence: number): number {
    const size = Number(host(() => fs.fstatSync(this.fd)).size);
    this.pos = newPos(this.pos, size, off, whence);
    return this.pos;
  }

  override stat(): StatInfo {
    return statFromHost(host(() => fs.fstatSync(this.fd, { bigint: true })));
  }

  override get isDirectory(): boolean { return false; }
  override truncate(len: number): void {
    if (!this.writable) throw new SysError(Errno.EINVAL);
    host(() => fs.ftruncateSync(this.fd, len));
  }
  override sync(): void { host(() => fs.fsyncSync(this.fd)); }
  override allocate(off: number, len: number): void {
    if (!this.writable) throw new SysError(Errno.EBADF);
    const size = Number(host(() => fs.fstatSync(this.fd)).size);
    if (off + len > size) host(() => fs.ftruncateSync(this.fd, off + len));
  }
  override setMode(mode: number): void { host(() => fs.fchmodSync(this.fd, mode & 0o7777)); }
  override setOwner(uid: number, gid: number): void {
    const st = host(() => fs.fstatSync(this.fd));
    host(() => fs.fchownSync(this.fd, uid === -1 ? st.uid : uid, gid === -1 ? st.gid : gid));
  }
  override setTimes(a: bigint | undefined, m: bigint | undefined): void { setTimes(this.hostPath, false, a, m); }

  override mappable(): MappableFile {
    const st = this.stat();
    return {
      name: this.path, dev: Number(st.dev), ino: Number(st.ino),
      readAt: (off, len) => {
        const buf = new Uint8Array(len);
        const n = host(() => fs.readSync(this.fd, buf, 0, len, off));
        return buf.subarray(0, n);
      },
    };
  }

  protected override release(): void {
    try { fs.closeSync(this.fd); } catch { /* already gone */ }
  }
}

/** A host directory: getdents lists it (with . and ..), read() is EISDIR. */
export class HostDir extends DirectoryDescription {
  constructor(flags: number, path: string, readonly hostPath: string) {
    super(flags, path);
  }

  override write(): number { throw new SysError(Errno.EBADF); }

  /** The last listing and the directory's state it was made from (see list()). */
  private cache?: { key: string; entries: DirEntry[] };

  /**
   * The entries as they are now. getdents lists at every call (positions stay valid while the
   * directory changes), so a listing is reused while the directory's mtime, ctime, size and link
   * count are unchanged, but only when its mtime was already 100 ms old at listing time: a change
   * in the same clock tick as an earlier one can leave the mtime equal (the "racy git" problem).
   */
  protected override list(): DirEntry[] {
    const self = host(() => fs.statSync(this.hostPath, { bigint: true }));
    const key = `${self.mtimeNs}:${self.ctimeNs}:${self.size}:${self.nlink}:${self.ino}`;
    if (this.cache?.key === key) return this.cache.entries;
    const listedAt = BigInt(Date.now()) * 1_000_000n;
    const entries = this.listNow(self);
    this.cache = listedAt - self.mtimeNs > 100_000_000n && listedAt - self.ctimeNs > 100_000_000n ? { key, entries } : undefined;
    return entries;
  }

  private listNow(self: fs.BigIntStats): DirEntry[] {
    let parentIno = self.ino;
    // The guest's / is its own parent (the host directory above the root is never shown).
    if (this.path !== '/') try { parentIno = fs.statSync(this.hostPath + '/..', { bigint: true }).ino; } catch { /* keep self */ }
    const out: DirEntry[] = [{ ino: self.ino, type: DT.dir, name: '.' }, { ino: parentIno, type: DT.dir, name: '..' }];
    // opendir/readdir keep the host's order (readdirSync would sort the names).
    const dir = host(() => fs.opendirSync(this.hostPath));
    try {
      // st_ino is looked up in complete(), only for the entries a getdents call returns
      for (let d = dir.readSync(); d; d = dir.readSync()) out.push({ ino: -1n, type: direntType(d), name: d.name });
    } finally {
      dir.closeSync();
    }
    return out;
  }

  protected override complete(e: DirEntry): DirEntry {
    if (e.ino !== -1n) return e;
    let ino = 0n;
    try { ino = fs.lstatSync(`${this.hostPath}/${e.name}`, { bigint: true }).ino; } catch { /* raced away */ }
    return { ...e, ino };
  }

  override stat(): StatInfo {
    return statFromHost(host(() => fs.statSync(this.hostPath, { bigint: true })));
  }

  override get isDirectory(): boolean { return true; }
  override sync(): void {}
  override truncate(): void { throw new SysError(Errno.EISDIR); }
  override setMode(mode: number): void { host(() => fs.chmodSync(this.hostPath, mode & 0o7777)); }
  override setOwner(uid: number, gid: number): void {
    const st = host(() => fs.statSync(this.hostPath));
    host(() => fs.chownSync(this.hostPath, uid === -1 ? st.uid : uid, gid === -1 ? st.gid : gid));
  }
  override setTimes(a: bigint | undefined, m: bigint | undefined): void { setTimes(this.hostPath, false, a, m); }
}

/** A directory the kernel generates (/proc, /proc/<pid>/fd, /dev, /sys ...): listed when first read. */
export class SpecialDir extends DirectoryDescription {
  constructor(flags: number, path: string, private readonly statFn: () => StatInfo, private readonly entries: () => DirEntry[]) {
    super(flags, path);
  }
  protected override list(): DirEntry[] {
    const ino = this.statFn().ino;
    return [{ ino, type: 4, name: '.' }, { ino: 1n, type: 4, name: '..' }, ...this.entries()];
  }
  override stat(): StatInfo { return this.statFn(); }
  override get isDirectory(): boolean { return true; }
  override sync(): void {}
}

/** An O_PATH descriptor (or an O_PATH|O_NOFOLLOW handle on a symlink): fstat and *at() only. */
export class PathHandle extends FileDescription {
  constructor(flags: number, path: string, private readonly statFn: () => StatInfo) {
    super(flags, path);
  }
  override get pathOnly(): boolean { return true; }
  override xattrs(): XattrStore | null | undefined { throw new SysError(Errno.EBADF); }
  override read(): Uint8Array { throw new SysError(Errno.EBADF); }
  override write(): number { throw new SysError(Errno.EBADF); }
  override pread(): Uint8Array { throw new SysError(Errno.EBADF); }
  override pwrite(): number { throw new SysError(Errno.EBADF); }
  override seek(): number { throw new SysError(Errno.EBADF); }
  override ioctl(): number { throw new SysError(Errno.EBADF); }
  override getdents(): DirCursorEntry[] { throw new SysError(Errno.EBADF); }
  override truncate(): void { throw new SysError(Errno.EBADF); }
  override sync(): void { throw new SysError(Errno.EBADF); }
  override setMode(): void { throw new SysError(Errno.EBADF); }
  override setOwner(): void { throw new SysError(Errno.EBADF); }
  override setTimes(): void { throw new SysError(Errno.EBADF); }
  override poll(): number { return 0x20; }
  override stat(): StatInfo { return this.statFn(); }
  override get isDirectory(): boolean { return (this.statFn().mode & 0o170000) === S_IFDIR; }
}

/** Read-only content generated when the file is opened (/proc files): seekable, pread-able. */
export class GeneratedFile extends FileDescription {
  pos = 0;
  override xattrs(): XattrStore | null | undefined { return null; }
  constructor(flags: number, path: string, private readonly content: Uint8Array, private readonly ino = 1,
    private readonly dev = makedev(0, 20), private readonly mode = 0o444) {
    super(flags, path);
  }
  override read(len: number): Uint8Array {
    const out = this.content.slice(this.pos, this.pos + len);
    this.pos += out.length;
    return out;
  }
  override pread(len: number, off: number): Uint8Array { return this.content.slice(off, off + len); }
  override write(): number { throw new SysError(Errno.EBADF); }
  override seek(off: number, whence: number): number {
    this.pos = newPos(this.pos, this.content.length, off, whence);
    return this.pos;
  }
  override stat(): StatInfo { return synthStat(S_IFREG | this.mode, this.ino, { dev: this.dev }); }
}

/** Sets a host file's times (ns), keeping the ones that are undefined. */
export function setTimes(hostPath: string, isLink: boolean, atimeNs: bigint | undefined, mtimeNs: bigint | undefined): void {
  const st = host(() => fs.lstatSync(hostPath, { bigint: true }));
  const a = atimeNs ?? st.atimeNs, m = mtimeNs ?? st.mtimeNs;
  const sec = (ns: bigint) => Number(ns / 1000n) / 1e6;
  host(() => (isLink ? fs.lutimesSync : fs.utimesSync)(hostPath, sec(a), sec(m)));
}

