// An in-memory file system (tmpfs, --memfs) of our own. Why not the memfs npm package: it
// models Node's fs API, not Linux's inode semantics; we need inode numbers that stay with the
// file across renames, hard links counted in st_nlink, symlinks stored verbatim (resolved by
// the kernel's Vfs, never by the file system), mode/uid/gid, O_APPEND at the inode's end, sparse
// growth by pwrite/truncate, and errnos as Linux gives them. Paths given here are canonical
// (the Vfs resolved every symlink and '..' before): a list of components below the mount.
import * as nfs from 'node:fs';
import { Errno, SysError } from '../errors.js';
import {
  DirectoryDescription, FileDescription, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG, makedev, type DirEntry, type StatInfo, type XattrStore,
} from './file.js';

const now = () => BigInt(Date.now()) * 1_000_000n;

export class MemInode {
  nlink = 1;
  atimeNs = now();
  mtimeNs = this.atimeNs;
  ctimeNs = this.atimeNs;
  data = new Uint8Array(0);
  size = 0;
  readonly entries?: Map<string, MemInode>;
  parent?: MemInode;
  target?: string;
  /** Extended attributes (user., trusted., security.), made at the first set. */
  xattrs = new Map<string, Uint8Array>();
  constructor(readonly ino: number, public mode: number, public uid: number, public gid: number) {
    if ((mode & S_IFMT) === S_IFDIR) { this.entries = new Map(); this.nlink = 2; }
  }
  get isDir(): boolean { return (this.mode & S_IFMT) === S_IFDIR; }
  get isLink(): boolean { return (this.mode & S_IFMT) === S_IFLNK; }

  write(src: Uint8Array, off: number): void {
    const end = off + src.length;
    if (end > this.data.length) {
      const grown = new Uint8Array(Math.max(end, this.data.length * 2, 64));
      grown.set(this.data.subarray(0, this.size));
      this.data = grown;
    }
    this.data.set(src, off);
    if (end > this.size) this.size = end;
    this.mtimeNs = this.ctimeNs = now();
  }

  truncate(len: number): void {
    if (len < this.size) this.data.fill(0, len, this.size);
    if (len > this.data.length) { const g = new Uint8Array(len); g.set(this.data.subarray(0, this.size)); this.data = g; }
    this.size = len;
    this.mtimeNs = this.ctimeNs = now();
  }
}

export class MemFs {
  private nextIno = 2;
  readonly dev: bigint;
  readonly root: MemInode;
  private static nextMinor = 40;

  constructor(uid = 0, gid = 0, mode = 0o1777) {
    this.dev = makedev(0, MemFs.nextMinor++);
    this.root = new MemInode(1, S_IFDIR | mode, uid, gid);
    this.root.parent = this.root;
  }

  private newInode(mode: number, uid: number, gid: number): MemInode { return new MemInode(this.nextIno++, mode, uid, gid); }

  /** The inode at rel (components), or undefined when the last one is missing. */
  lookup(rel: string[]): MemInode | undefined {
    let n = this.root;
    for (let i = 0; i < rel.length; i++) {
      if (!n.isDir) throw new SysError(Errno.ENOTDIR);
      const next = n.entries!.get(rel[i]);
      if (!next) { if (i === rel.length - 1) return undefined; throw new SysError(Errno.ENOENT); }
      n = next;
    }
    return n;
  }

  get(rel: string[]): MemInode {
    const n = this.lookup(rel);
    if (!n) throw new SysError(Errno.ENOENT);
    return n;
  }

  private parentOf(rel: string[]): [MemInode, string] {
    if (!rel.length) throw new SysError(Errno.EBUSY);
    const dir = this.get(rel.slice(0, -1));
    if (!dir.isDir) throw new SysError(Errno.ENOTDIR);
    return [dir, rel[rel.length - 1]];
  }

  stat(n: MemInode): StatInfo {
    return {
      dev: this.dev, ino: BigInt(n.ino), mode: n.mode, nlink: n.nlink, uid: n.uid, gid: n.gid, rdev: 0n,
      size: BigInt(n.isDir ? 40 + 20 * n.entries!.size : n.isLink ? n.target!.length : n.size), blksize: 4096,
      blocks: BigInt(Math.ceil(n.size / 4096) * 8), atimeNs: n.atimeNs, mtimeNs: n.mtimeNs, ctimeNs: n.ctimeNs, btimeNs: n.ctimeNs,
    };
  }

  create(rel: string[], mode: number, uid: number, gid: number): MemInode {
    const [dir, name] = this.parentOf(rel);
    if (dir.entries!.has(name)) throw new SysError(Errno.EEXIST);
    const n = this.newInode(mode, uid, gid);
    this.attach(dir, name, n);
    return n;
  }

  private attach(dir: MemInode, name: string, n: MemInode): void {
    dir.entries!.set(name, n);
    if (n.isDir) { n.parent = dir; dir.nlink++; }
    dir.mtimeNs = dir.ctimeNs = now();
  }

  private detach(dir: MemInode, name: string): MemInode {
    const n = dir.entries!.get(name)!;
    dir.entries!.delete(name);
    if (n.isDir) dir.nlink--;
    n.nlink--;
    n.ctimeNs = dir.mtimeNs = dir.ctimeNs = now();
    return n;
  }

  mkdir(rel: string[], mode: number, uid: number, gid: number): void { this.create(rel, S_IFDIR | (mode & 0o7777), uid, gid); }

  symlink(rel: string[], target: string, uid: number, gid: number): void {
    const n = this.create(rel, S_IFLNK | 0o777, uid, gid);
    n.target = target;
  }

  link(from: string[], to: string[]): void {
    const n = this.get(from);
    if (n.isDir) throw new SysError(Errno.EPERM);
    const [dir, name] = this.parentOf(to);
    if (dir.entries!.has(name)) throw new SysError(Errno.EEXIST);
    dir.entries!.set(name, n);
    n.nlink++;
    n.ctimeNs = now();
  }

  unlink(rel: string[]): void {
    const [dir, name] = this.parentOf(rel);
    const n = dir.entries!.get(name);
    if (!n) throw new SysError(Errno.ENOENT);
    if (n.isDir) throw new SysError(Errno.EISDIR);
    this.detach(dir, name);
  }

  rmdir(rel: string[]): void {
    const [dir, name] = this.parentOf(rel);
    const n = dir.entries!.get(name);
    if (!n) throw new SysError(Errno.ENOENT);
    if (!n.isDir) throw new SysError(Errno.ENOTDIR);
    if (n.entries!.size) throw new SysError(Errno.ENOTEMPTY);
    this.detach(dir, name);
    n.nlink = 0;
  }

  rename(from: string[], to: string[], flags: number): void {
    const [fd, fname] = this.parentOf(from);
    const [td, tname] = this.parentOf(to);
    const a = fd.entries!.get(fname);
    if (!a) throw new SysError(Errno.ENOENT);
    const b = td.entries!.get(tname);
    if (a === b) return;
    if (flags & 2) {
      if (!b) throw new SysError(Errno.ENOENT);
      fd.entries!.set(fname, b); td.entries!.set(tname, a);
      if (a.isDir) { a.parent = td; }
      if (b.isDir) { b.parent = fd; }
      if (a.isDir !== b.isDir) { if (a.isDir) { fd.nlink--; td.nlink++; } else { td.nlink--; fd.nlink++; } }
      return;
    }
    if (b) {
      if (flags & 1) throw new SysError(Errno.EEXIST);
      if (a.isDir && !b.isDir) throw new SysError(Errno.ENOTDIR);
      if (!a.isDir && b.isDir) throw new SysError(Errno.EISDIR);
      if (b.isDir && b.entries!.size) throw new SysError(Errno.ENOTEMPTY);
      this.detach(td, tname);
    }
    fd.entries!.delete(fname);
    if (a.isDir) fd.nlink--;
    this.attach(td, tname, a);
    a.ctimeNs = now();
  }

  list(n: MemInode): DirEntry[] {
    const dt = (x: MemInode) => (x.isDir ? 4 : x.isLink ? 10 : 8);
    return [
      { ino: BigInt(n.ino), type: 4, name: '.' }, { ino: BigInt(n.parent?.ino ?? n.ino), type: 4, name: '..' },
      ...[...n.entries!].map(([name, x]) => ({ ino: BigInt(x.ino), type: dt(x), name })),
    ];
  }
}

/** An open regular file of a MemFs (the inode is shared with other opens and hard links). */
export class MemFile extends FileDescription {
  override xattrs(): XattrStore | null | undefined { return this.node.xattrs; }
  pos = 0;
  constructor(flags: number, path: string, readonly fs: MemFs, readonly node: MemInode) { super(flags, path); }
  private get append(): boolean { return (this.flags & 0o2000) !== 0; }
  override read(len: number): Uint8Array { const b = this.pread(len, this.pos); this.pos += b.length; return b; }
  override write(data: Uint8Array): number {
    if (!this.writable) throw new SysError(Errno.EBADF);
    if (this.append) this.pos = this.node.size;
    const n = this.pwrite(data, this.pos);
    this.pos += n;
    return n;
  }
  override pread(len: number, off: number): Uint8Array {
    if (!this.readable) throw new SysError(Errno.EBADF);
    this.node.atimeNs = now();
    return this.node.data.slice(Math.min(off, this.node.size), Math.min(off + len, this.node.size));
  }
  override pwrite(data: Uint8Array, off: number): number {
    if (!this.writable) throw new SysError(Errno.EBADF);
    if (data.length) this.node.write(data, off);
    return data.length;
  }
  override seek(off: number, whence: number): number {
    const size = this.node.size;
    let p: number;
    if (whence === 0) p = off; else if (whence === 1) p = this.pos + off; else if (whence === 2) p = size + off;
    else if (whence === 3 || whence === 4) { if (off >= size || off < 0) throw new SysError(Errno.ENXIO); p = whence === 3 ? off : size; }
    else throw new SysError(Errno.EINVAL);
    if (p < 0 || !Number.isSafeInteger(p)) throw new SysError(Errno.EINVAL);
    return (this.pos = p);
  }
  override stat(): StatInfo { return this.fs.stat(this.node); }
  override get isDirectory(): boolean { return false; }
  override truncate(len: number): void { this.node.truncate(len); }
  override sync(): void {}
  override allocate(off: number, len: number): void { if (off + len > this.node.size) this.node.truncate(off + len); }
  override setMode(mode: number): void { this.node.mode = (this.node.mode & S_IFMT) | (mode & 0o7777); this.node.ctimeNs = now(); }
  override setOwner(uid: number, gid: number): void { if (uid !== -1) this.node.uid = uid; if (gid !== -1) this.node.gid = gid; }
  override setTimes(a: bigint | undefined, m: bigint | undefined): void { if (a !== undefined) this.node.atimeNs = a; if (m !== undefined) this.node.mtimeNs = m; }
  override mappable() {
    return { name: this.path, dev: Number(this.fs.dev), ino: this.node.ino, readAt: (off: number, len: number) => this.node.data.slice(Math.min(off, this.node.size), Math.min(off + len, this.node.size)) };
  }
}

/** An open directory of a MemFs (getdents positions: DirectoryDescription). */
export class MemDir extends DirectoryDescription {
  constructor(flags: number, path: string, readonly fs: MemFs, readonly node: MemInode) { super(flags, path); }
  protected override list(): DirEntry[] { return this.fs.list(this.node); }
  override xattrs(): XattrStore | null | undefined { return this.node.xattrs; }
  override stat(): StatInfo { return this.fs.stat(this.node); }
  override get isDirectory(): boolean { return true; }
  override sync(): void {}
  override setMode(mode: number): void { this.node.mode = (this.node.mode & S_IFMT) | (mode & 0o7777); }
  override setOwner(uid: number, gid: number): void { if (uid !== -1) this.node.uid = uid; if (gid !== -1) this.node.gid = gid; }
  override setTimes(a: bigint | undefined, m: bigint | undefined): void { if (a !== undefined) this.node.atimeNs = a; if (m !== undefined) this.node.mtimeNs = m; }
}

export { S_IFREG };

/** Copies a host directory tree (files, directories, symlinks, modes) into fs at rel. */
export function seedFromDir(mfs: MemFs, hostDir: string, rel: string[] = []): void {
  for (const d of nfs.readdirSync(hostDir, { withFileTypes: true })) {
    const hp = `${hostDir}/${d.name}`;
    const st = nfs.lstatSync(hp);
    const r = [...rel, d.name];
    if (st.isSymbolicLink()) mfs.symlink(r, nfs.readlinkSync(hp), st.uid, st.gid);
    else if (st.isDirectory()) { mfs.mkdir(r, st.mode & 0o7777, st.uid, st.gid); seedFromDir(mfs, hp, r); }
    else if (st.isFile()) {
      const n = mfs.create(r, S_IFREG | (st.mode & 0o7777), st.uid, st.gid);
      n.write(nfs.readFileSync(hp), 0);
      n.mtimeNs = BigInt(Math.round(st.mtimeMs * 1e6));
    }
  }
}

/** Unpacks a ustar/GNU tar archive into fs (regular files, directories, symlinks, hard links). */
export function seedFromTar(mfs: MemFs, tar: Uint8Array): void {
  const dec = new TextDecoder();
  const field = (b: Uint8Array, off: number, len: number) => { const s = b.subarray(off, off + len); const z = s.indexOf(0); return dec.decode(z < 0 ? s : s.subarray(0, z)); };
  const octal = (b: Uint8Array, off: number, len: number) => parseInt(field(b, off, len).trim() || '0', 8);
  let longName: string | undefined;
  for (let off = 0; off + 512 <= tar.length;) {
    const h = tar.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156] || 0x30);
    const prefix = field(h, 345, 155);
    let name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    longName = undefined;
    const body = tar.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') { longName = field(body, 0, body.length); continue; }
    name = name.replace(/^\.?\/+/, '');
    const rel = name.split('/').filter((c) => c && c !== '.');
    if (!rel.length || rel.includes('..')) continue;
    const mode = octal(h, 100, 8) & 0o7777, uid = octal(h, 108, 8), gid = octal(h, 116, 8);
    for (let i = 1; i < rel.length; i++) if (!mfs.lookup(rel.slice(0, i))) mfs.mkdir(rel.slice(0, i), 0o755, uid, gid);
    if (mfs.lookup(rel) && type !== '5') mfs.unlink(rel);
    if (type === '5') { if (!mfs.lookup(rel)) mfs.mkdir(rel, mode, uid, gid); }
    else if (type === '2') mfs.symlink(rel, field(h, 157, 100), uid, gid);
    else if (type === '1') mfs.link(field(h, 157, 100).split('/').filter((c) => c && c !== '.'), rel);
    else if (type === '0' || type === '\0' || type === '7') {
      const n = mfs.create(rel, S_IFREG | mode, uid, gid);
      n.write(body, 0);
      n.mtimeNs = BigInt(octal(h, 136, 12)) * 1_000_000_000n;
    }
  }
}
