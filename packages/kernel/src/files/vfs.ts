// Path resolution done by the kernel, component by component, against a root directory on the
// host (`--root DIR` confines the guest: absolute symlinks and '..' never leave it). A few nodes
// are the kernel's own (/dev/null, /proc/self/...): the kernel hands Vfs a lookup for them, so
// the host's /proc (the Node process's) is never shown to the guest.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Errno, SysError, host } from '../errors.js';
import { FileDescription, S_IFDIR, S_IFLNK, S_IFREG, statFromHost, synthStat, type DirEntry, type StatInfo, type XattrStore } from './file.js';
import { HostDir, HostFile, PathHandle, SpecialDir, setTimes } from './host.js';
import { MemDir, MemFile, MemFs, seedFromDir, seedFromTar } from './memfs.js';

/** A node the kernel serves itself. */
export type SpecialNode =
  /** file: a "magic" link (/proc/self/fd/N) that opens this description instead of following. */
  | { kind: 'link'; target: () => string; file?: () => FileDescription | undefined }
  | { kind: 'file'; open: (flags: number, guestPath: string) => FileDescription; stat: () => StatInfo }
  | { kind: 'dir'; stat: () => StatInfo; list?: () => DirEntry[] };

export interface OpenRequest {
  access: 0 | 1 | 2;
  create: boolean;
  excl: boolean;
  trunc: boolean;
  append: boolean;
  directory: boolean;
  nofollow: boolean;
  /** O_PATH: a handle for *at() calls and fstat only. */
  pathOnly: boolean;
  /** Creation mode, already masked by umask. */
  mode: number;
  /** The guest's flags as given (kept on the description for fcntl F_GETFL). */
  rawFlags: number;
}

export interface Resolved {
  /** Canonical guest path (no symlinks in it except possibly the last component). */
  guest: string;
  host: string;
  exists: boolean;
  special?: SpecialNode;
  isDir: boolean;
  isLink: boolean;
  /** Set when the path lies on an in-memory file system: the fs and the components below it. */
  mem?: { fs: MemFs; rel: string[] };
}

const MAX_LINKS = 40;

/** The identity a path operation is checked against: fsuid, fsgid, supplementary groups, capabilities. */
export interface Cred {
  uid: number;
  gid: number;
  groups: number[];
  caps: bigint;
}

const CAP_CHOWN = 1n << 0n, CAP_DAC_OVERRIDE = 1n << 1n, CAP_DAC_READ_SEARCH = 1n << 2n, CAP_FOWNER = 1n << 3n;

/**
 * Linux's generic_permission: want is a mask of 4 (read), 2 (write), 1 (execute / search). The
 * owner, else the group (fsgid or a supplementary group), else the other class decides; then
 * CAP_DAC_READ_SEARCH passes reads and directory searches, CAP_DAC_OVERRIDE everything except
 * executing a file that has no x bit at all.
 */
/** chmod's rule: the owner or CAP_FOWNER (EPERM otherwise). */
export function checkChmod(st: { uid: number }, cred: Cred | undefined): void {
  if (cred && !(cred.caps & CAP_FOWNER) && st.uid !== cred.uid) throw new SysError(Errno.EPERM);
}

/**
 * chown's rule (Linux's chown_ok): a new owner needs CAP_CHOWN; the owner may change the group to
 * one of its own (fsgid or a supplementary group); anything else needs CAP_CHOWN (EPERM).
 */
export function checkChown(st: { uid: number; gid: number }, uid: number, gid: number, cred: Cred | undefined): void {
  if (!cred || cred.caps & CAP_CHOWN) return;
  if (uid !== -1 && uid !== st.uid) throw new SysError(Errno.EPERM);
  if (gid !== -1 && gid !== st.gid && (st.uid !== cred.uid || (gid !== cred.gid && !cred.groups.includes(gid)))) throw new SysError(Errno.EPERM);
}

export function permits(st: { mode: number; uid: number; gid: number }, want: number, cred: Cred): boolean {
  const m = st.mode;
  const bits = cred.uid === st.uid ? (m >> 6) & 7 : cred.gid === st.gid || cred.groups.includes(st.gid) ? (m >> 3) & 7 : m & 7;
  if ((bits & want) === want) return true;
  if ((m & 0o170000) === S_IFDIR) {
    if (!(want & 2) && cred.caps & CAP_DAC_READ_SEARCH) return true;
    return (cred.caps & CAP_DAC_OVERRIDE) !== 0n;
  }
  if (want === 4 && cred.caps & CAP_DAC_READ_SEARCH) return true;
  if (!(want & 1) || m & 0o111) return (cred.caps & CAP_DAC_OVERRIDE) !== 0n;
  return false;
}
const split = (p: string) => p.split('/').filter((c) => c !== '' && c !== '.');

/** A host directory mounted at a guest path (`--mount HOST:GUEST[:ro]`). */
export interface Mount {
  guest: string;
  /** The host directory ('' for an in-memory file system). */
  host: string;
  ro: boolean;
  /** An in-memory file system (tmpfs, --memfs) instead of a host directory. */
  mem?: MemFs;
}

export class Vfs {
  readonly root: string;
  /** Extra mounts, longest guest path first; the root mount is implicit. */
  readonly mounts: Mount[] = [];

  constructor(root: string, private readonly specials: (guestPath: string) => SpecialNode | undefined | null, mounts: Mount[] = []) {
    this.root = path.resolve(root);
    for (const m of mounts) this.addMount(m);
  }

  /** Adds a host directory at a guest path (the guest path must be absolute, the host a directory). */
  addMount(m: Mount): void {
    const guest = '/' + split(m.guest).filter((c) => c !== '..').join('/');
    if ((guest === '/' && !m.mem) || this.specials(guest) !== undefined) throw new SysError(Errno.EINVAL, `cannot mount over ${guest}`);
    if (m.mem) {
      this.mounts.push({ guest, host: '', ro: m.ro, mem: m.mem });
    } else {
      const hostDir = path.resolve(m.host);
      if (!host(() => fs.statSync(hostDir)).isDirectory()) throw new SysError(Errno.ENOTDIR, hostDir);
      this.mounts.push({ guest, host: hostDir, ro: m.ro });
    }
    this.mounts.sort((a, b) => b.guest.length - a.guest.length);
  }

  /** The mount a canonical guest path lies on (undefined: the root). */
  mountOf(guest: string): Mount | undefined {
    return this.mounts.find((m) => guest === m.guest || guest.startsWith(m.guest === '/' ? '/' : m.guest + '/'));
  }

  /** Owner of files created on in-memory file systems (when no cred is set). */
  owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

  /**
   * The guest identity of the syscall being served (set by the syscall layer around the calls
   * that check permissions: open, access, stat, chdir). When set, resolution needs search (x)
   * permission on every directory it looks into, open needs r/w on the file (w also for O_TRUNC)
   * or w+x on the directory it creates in, access tests the bits asked; EACCES otherwise. The
   * kernel's own trees (/proc, /dev, /sys) are not checked. Unset: only the host decides.
   */
  cred?: Cred;

  private get checking(): Cred | undefined {
    const c = this.cred;
    return c && (c.caps & (CAP_DAC_OVERRIDE | CAP_DAC_READ_SEARCH)) !== (CAP_DAC_OVERRIDE | CAP_DAC_READ_SEARCH) ? c : undefined;
  }

  /** Mode and owner of a resolved, existing node. */
  private statOf(r: Resolved): StatInfo {
    if (r.mem) return r.mem.fs.stat(r.mem.fs.get(r.mem.rel));
    if (r.special) return r.special.kind === 'link' ? synthStat(S_IFLNK | 0o777, 1) : r.special.stat();
    return statFromHost(host(() => fs.statSync(r.host, { bigint: true })));
  }

  /** The directory holding a resolved node (its canonical guest path's parent). */
  private parentOf(r: Resolved): Resolved {
    return this.resolve('/', r.guest.slice(0, r.guest.lastIndexOf('/')) || '/', true);
  }

  /** Linux's may_create: w+x on the directory a name is added to (EACCES). */
  private mayCreate(r: Resolved): void {
    const cred = this.checking;
    if (!cred) return;
    const d = this.parentOf(r);
    if (!d.special && !permits(this.statOf(d), 3, cred)) throw new SysError(Errno.EACCES);
  }

  /** Linux's may_delete: w+x on the directory (EACCES), and in a sticky directory the file's or the directory's owner, or CAP_FOWNER (EPERM). */
  private mayDelete(r: Resolved): void {
    const cred = this.checking;
    if (!cred) return;
    const d = this.parentOf(r);
    if (d.special) return;
    const ds = this.statOf(d);
    if (!permits(ds, 3, cred)) throw new SysError(Errno.EACCES);
    if (ds.mode & 0o1000 && cred.uid !== ds.uid && !(cred.caps & CAP_FOWNER)) {
      const fs_ = r.mem ? this.statOf(r) : statFromHost(host(() => fs.lstatSync(r.host, { bigint: true })));
      if (cred.uid !== fs_.uid) throw new SysError(Errno.EPERM);
    }
  }

  /** A node the guest created belongs to its fsuid/fsgid, when the host may give it away (a root host). */
  private giveAway(hostPath: string, isLink: boolean): void {
    const c = this.cred;
    if (!c || process.getuid?.() !== 0 || (c.uid === 0 && c.gid === 0)) return;
    try { (isLink ? fs.lchownSync : fs.chownSync)(hostPath, c.uid, c.gid); } catch { /* keep the host's */ }
  }

  /** EACCES unless cred may search the directory at the canonical guest components `done`. */
  private search(done: string[], cred: Cred): void {
    const d = this.dirNode(done);
    if (this.specials(d.guest)) return;
    const mem = d.mem;
    let st: { mode: number; uid: number; gid: number };
    if (mem) {
      const n = mem.fs.lookup(mem.rel);
      if (!n) return;
      st = n;
    } else {
      try { st = fs.statSync(d.host); } catch { return; }
    }
    if (!permits(st, 1, cred)) throw new SysError(Errno.EACCES);
  }

  private memAt(guest: string): { fs: MemFs; rel: string[] } | undefined {
    const m = this.mountOf(guest);
    return m?.mem ? { fs: m.mem, rel: split(guest.slice(m.guest === '/' ? 0 : m.guest.length)) } : undefined;
  }

  /** The host path for a canonical guest path. */
  hostPath(guest: string): string {
    const m = this.mountOf(guest);
    if (m) return m.mem ? `memfs:${guest}` : m.host + guest.slice(m.guest.length);
    return this.root === '/' ? guest : guest === '/' ? this.root : this.root + guest;
  }

  /** EROFS when a canonical guest path lies on a read-only mount. */
  private writable(guest: string): void {
    if (this.mountOf(guest)?.ro) throw new SysError(Errno.EROFS);
  }

  /** A host path back to a guest path, when it lies under the root. */
  guestPath(hostAbs: string): string | undefined {
    const h = path.resolve(hostAbs);
    if (this.root === '/') return h;
    if (h === this.root) return '/';
    return h.startsWith(this.root + '/') ? h.slice(this.root.length) : undefined;
  }

  /**
   * Resolves a guest path relative to the guest directory `start`. follow: whether a final
   * symlink is followed. A missing last component is allowed (exists = false); a missing
   * middle one is ENOENT, a non-directory in the middle ENOTDIR. magic: whether a final
   * /proc/<pid>/fd/N link stands for its open description (open) or, false, is followed by the
   * path it names (chmod, chown, utimes on the file, as Linux does through the link's dentry).
   */
  resolve(start: string, p: string, follow: boolean, magic = true): Resolved {
    if (p === '') throw new SysError(Errno.ENOENT);
    if (p.length > 4095) throw new SysError(Errno.ENAMETOOLONG);
    const trailingSlash = p.endsWith('/');
    let done = p.startsWith('/') ? [] : split(start);
    let todo = split(p);
    let links = 0;
    // "." or "" components only: the start directory itself.
    let last: Resolved = this.dirNode(done);
    if (done.length) {
      const sp = this.specials(last.guest);
      if (sp) last = { ...last, special: sp };
    }
    const cred = this.checking;
    while (todo.length) {
      const c = todo.shift()!;
      if (c === '..') { done.pop(); last = this.dirNode(done); continue; }
      if (c.length > 255) throw new SysError(Errno.ENAMETOOLONG);
      if (cred) this.search(done, cred);
      const isLast = todo.length === 0;
      const guest = '/' + [...done, c].join('/');
      const special = this.specials(guest);
      if (special === null) throw new SysError(Errno.ENOENT);
      if (special) {
        if (special.kind === 'link' && (!isLast || follow || trailingSlash)) {
          const desc = isLast && special.file?.();
          const t = special.target();
          if (desc && (magic || !t.startsWith('/'))) {
            return { guest, host: this.hostPath(guest), exists: true, isDir: false, isLink: false,
              special: { kind: 'file', open: () => desc.ref(), stat: () => desc.stat() } };
          }
          if (++links > MAX_LINKS) throw new SysError(Errno.ELOOP);
          todo = [...split(t), ...todo];
          if (t.startsWith('/')) done = [];
          continue;
        }
        done.push(c);
        last = { guest, host: this.hostPath(guest), exists: true, special, isDir: special.kind === 'dir', isLink: special.kind === 'link' };
        continue;
      }
      const hp = this.hostPath(guest);
      const mem = this.memAt(guest);
      if (mem) {
        const n = mem.fs.lookup(mem.rel);
        if (!n) {
          if (isLast) return { guest, host: hp, exists: false, isDir: false, isLink: false, mem };
          throw new SysError(Errno.ENOENT);
        }
        if (n.isLink && (!isLast || follow || trailingSlash)) {
          if (++links > MAX_LINKS) throw new SysError(Errno.ELOOP);
          const t = n.target!;
          todo = [...split(t), ...todo];
          if (t.startsWith('/')) done = [];
          continue;
        }
        if (!isLast && !n.isDir) throw new SysError(Errno.ENOTDIR);
        done.push(c);
        last = { guest, host: hp, exists: true, isDir: n.isDir, isLink: n.isLink, mem };
        continue;
      }
      let st: fs.Stats;
      try {
        st = fs.lstatSync(hp);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code === 'ENOENT' && isLast) return { guest, host: hp, exists: false, isDir: false, isLink: false };
        throw new SysError(code === 'ENOTDIR' ? Errno.ENOTDIR : code === 'EACCES' ? Errno.EACCES : Errno.ENOENT);
      }
      if (st.isSymbolicLink() && (!isLast || follow || trailingSlash)) {
        if (++links > MAX_LINKS) throw new SysError(Errno.ELOOP);
        const t = host(() => fs.readlinkSync(hp));
        todo = [...split(t), ...todo];
        if (t.startsWith('/')) done = [];
        continue;
      }
      if (!isLast && !st.isDirectory()) throw new SysError(Errno.ENOTDIR);
      done.push(c);
      last = { guest, host: hp, exists: true, isDir: st.isDirectory(), isLink: st.isSymbolicLink() };
    }
    if (trailingSlash && last.exists && !last.isDir) throw new SysError(Errno.ENOTDIR);
    return last;
  }

  private dirNode(done: string[]): Resolved {
    const guest = '/' + done.join('/');
    return { guest, host: this.hostPath(guest), exists: true, isDir: true, isLink: false, mem: this.memAt(guest) };
  }

  open(start: string, p: string, req: OpenRequest): FileDescription {
    const r = this.resolve(start, p, !req.nofollow && !(req.create && req.excl));
    if (r.exists && req.create && req.excl) throw new SysError(Errno.EEXIST);
    if (r.special) {
      if (r.special.kind === 'file') {
        if (req.directory) throw new SysError(Errno.ENOTDIR);
        return r.special.open(req.rawFlags, r.guest);
      }
      if (r.special.kind === 'link') {
        if (req.pathOnly) return new PathHandle(req.rawFlags, r.guest, () => this.stat('/', r.guest, false));
        throw new SysError(Errno.ELOOP);
      }
      if (req.access !== 0 || req.create) throw new SysError(Errno.EISDIR);
      const sp = r.special;
      return new SpecialDir(req.rawFlags, r.guest, sp.stat, sp.list ?? (() => []));
    }
    if (!req.pathOnly && (req.access !== 0 || req.create || req.trunc) && !(r.exists && r.isDir && req.access === 0)) {
      if (r.exists || req.create) this.writable(r.guest);
    }
    const cred = this.checking;
    if (cred && !req.pathOnly) {
      if (r.exists && !r.isLink) {
        const want = [4, 2, 6][req.access] | (req.trunc ? 2 : 0);
        if (!permits(this.statOf(r), want, cred)) throw new SysError(Errno.EACCES);
      } else if (!r.exists && req.create) {
        const parent = this.resolve('/', r.guest.slice(0, r.guest.lastIndexOf('/')) || '/', true);
        if (!parent.special && !permits(this.statOf(parent), 3, cred)) throw new SysError(Errno.EACCES);
      }
    }
    if (r.mem && !req.pathOnly) return this.openMem(r, r.mem, req);
    if (r.exists && req.pathOnly) {
      if (req.directory && !r.isDir) throw new SysError(Errno.ENOTDIR);
      const g = r.guest;
      return new PathHandle(req.rawFlags, g, () => this.stat('/', g, false));
    }
    if (!r.exists) {
      if (!req.create) throw new SysError(Errno.ENOENT);
      if (req.directory) throw new SysError(Errno.EISDIR);
    } else if (r.isLink) {
      if (req.pathOnly) return new PathHandle(req.rawFlags, r.guest, () => this.stat('/', r.guest, false));
      throw new SysError(Errno.ELOOP); // O_NOFOLLOW on a symlink
    } else if (r.isDir) {
      if (req.access !== 0 || req.create) throw new SysError(Errno.EISDIR);
      host(() => fs.accessSync(r.host, fs.constants.R_OK | fs.constants.X_OK));
      return new HostDir(req.rawFlags, r.guest, r.host);
    } else if (req.directory) {
      throw new SysError(Errno.ENOTDIR);
    }
    const C = fs.constants;
    let nf = req.access === 0 ? C.O_RDONLY : req.access === 1 ? C.O_WRONLY : C.O_RDWR;
    if (req.create) nf |= C.O_CREAT;
    if (req.excl) nf |= C.O_EXCL;
    if (req.trunc && req.access !== 0) nf |= C.O_TRUNC;
    if (req.append) nf |= C.O_APPEND;
    if (req.pathOnly) nf = C.O_RDONLY;
    const fd = host(() => fs.openSync(r.host, nf, req.mode));
    // a file the guest created belongs to its fsuid/fsgid, when the host may give it away
    if (!r.exists && this.cred && process.getuid?.() === 0 && (this.cred.uid !== 0 || this.cred.gid !== 0)) {
      try { fs.fchownSync(fd, this.cred.uid, this.cred.gid); } catch { /* keep the host's */ }
    }
    return new HostFile(req.rawFlags, r.guest, r.host, fd, req.append);
  }

  private openMem(r: Resolved, mem: { fs: MemFs; rel: string[] }, req: OpenRequest): FileDescription {
    let n = r.exists ? mem.fs.get(mem.rel) : undefined;
    if (!n) {
      if (!req.create) throw new SysError(Errno.ENOENT);
      if (req.directory) throw new SysError(Errno.EISDIR);
      n = mem.fs.create(mem.rel, S_IFREG | (req.mode & 0o7777), this.cred?.uid ?? this.owner.uid, this.cred?.gid ?? this.owner.gid);
    } else if (n.isLink) {
      throw new SysError(Errno.ELOOP);
    } else if ((n.mode & 0o170000) === 0o140000) {
      throw new SysError(Errno.ENXIO); // a socket inode (AF_UNIX bind): open() is ENXIO, as on Linux
    } else if (n.isDir) {
      if (req.access !== 0 || req.create) throw new SysError(Errno.EISDIR);
      return new MemDir(req.rawFlags, r.guest, mem.fs, n);
    } else if (req.directory) {
      throw new SysError(Errno.ENOTDIR);
    }
    if (req.trunc && req.access !== 0) n.truncate(0);
    return new MemFile(req.rawFlags, r.guest, mem.fs, n);
  }

  stat(start: string, p: string, follow: boolean): StatInfo {
    const r = this.resolve(start, p, follow);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (r.mem) return r.mem.fs.stat(r.mem.fs.get(r.mem.rel));
    if (r.special) {
      if (r.special.kind === 'link') return synthStat(S_IFLNK | 0o777, 1, { size: BigInt(r.special.target().length) });
      return r.special.stat();
    }
    return statFromHost(host(() => (follow ? fs.statSync : fs.lstatSync)(r.host, { bigint: true })));
  }

  readlink(start: string, p: string): string {
    const r = this.resolve(start, p, false);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (r.special) {
      if (r.special.kind !== 'link') throw new SysError(Errno.EINVAL);
      return r.special.target();
    }
    if (!r.isLink) throw new SysError(Errno.EINVAL);
    if (r.mem) return r.mem.fs.get(r.mem.rel).target!;
    return host(() => fs.readlinkSync(r.host));
  }

  /** access(2) with mode R_OK=4 W_OK=2 X_OK=1 (F_OK=0). */
  access(start: string, p: string, mode: number, follow = true): void {
    const r = this.resolve(start, p, follow);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (r.special) {
      if (mode & 2 && r.special.kind !== 'file') throw new SysError(Errno.EACCES);
      return;
    }
    if (mode & 2) this.writable(r.guest);
    const cred = this.checking;
    if (cred && mode & 7 && !permits(this.statOf(r), mode & 7, cred)) throw new SysError(Errno.EACCES);
    if (r.mem) return;
    host(() => fs.accessSync(r.host, mode & 7));
  }

  /**
   * The extended attributes of a path (getxattr, setxattr, listxattr, removexattr and their l*
   * forms): in-memory files keep a store; host files and the kernel's own nodes answer null (no
   * attributes the kernel can reach: reads find nothing, writes are EOPNOTSUPP). forWrite: EROFS
   * on a read-only mount first, as Linux's mnt_want_write.
   */
  xattrsOf(start: string, p: string, follow: boolean, forWrite: boolean): { store: XattrStore | null; mode: number } {
    const r = this.resolve(start, p, follow);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (forWrite) this.writable(r.guest);
    if (r.mem) {
      const n = r.mem.fs.get(r.mem.rel);
      return { store: n.xattrs, mode: n.mode };
    }
    return { store: null, mode: this.stat(start, p, follow).mode };
  }

  /** Checks that a guest path names a directory (chdir). Returns its canonical path. */
  directory(start: string, p: string): string {
    const r = this.resolve(start, p, true);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (!r.isDir) throw new SysError(Errno.ENOTDIR);
    return r.guest;
  }
  /** O_TMPFILE: an unnamed regular file in directory p (created under a hidden name and unlinked at once). */
  openTmpfile(start: string, p: string, req: OpenRequest): FileDescription {
    const r = this.resolve(start, p, true);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (!r.isDir) throw new SysError(Errno.ENOTDIR);
    if (r.special) throw new SysError(Errno.EOPNOTSUPP);
    this.writable(r.guest);
    if (r.mem) {
      const rel = [...r.mem.rel, `.tmpfile-${Math.random().toString(36).slice(2)}`];
      const n = r.mem.fs.create(rel, S_IFREG | (req.mode & 0o7777), this.owner.uid, this.owner.gid);
      r.mem.fs.unlink(rel);
      return new MemFile(req.rawFlags, `${r.guest === '/' ? '' : r.guest}/#${n.ino} (deleted)`, r.mem.fs, n);
    }
    const name = `${r.host === '/' ? '' : r.host}/.elfbox-tmpfile-${process.pid}-${Math.random().toString(36).slice(2)}`;
    const fd = host(() => fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, req.mode));
    try { fs.unlinkSync(name); } catch { /* gone already */ }
    return new HostFile(req.rawFlags, `${r.guest === '/' ? '' : r.guest}/#${fd} (deleted)`, name, fd, req.append);
  }

  // ---- namespace operations (host passthrough, resolved by the kernel) ----------------------

  /** Resolves the parent of a path's last component (never following it); rejects specials. */
  private entry(start: string, p: string, what: 'create' | 'remove' | 'any'): Resolved {
    const r = this.resolve(start, p, false);
    if (r.special) throw new SysError(what === 'create' ? (r.exists ? Errno.EEXIST : Errno.EACCES) : Errno.EPERM);
    if (r.guest !== '/' && this.specials(r.guest.slice(0, r.guest.lastIndexOf('/')) || '/')) throw new SysError(Errno.EACCES);
    if (r.exists && this.mounts.some((m) => m.guest === r.guest)) throw new SysError(Errno.EBUSY); // a mount point
    this.writable(r.guest);
    return r;
  }

  mkdir(start: string, p: string, mode: number): void {
    const last = lastComponent(p);
    const r = this.entry(start, p, 'create');
    if (r.exists || last === '.' || last === '..' || r.guest === '/') throw new SysError(Errno.EEXIST);
    this.mayCreate(r);
    if (r.mem) { r.mem.fs.mkdir(r.mem.rel, mode, this.cred?.uid ?? this.owner.uid, this.cred?.gid ?? this.owner.gid); return; }
    host(() => fs.mkdirSync(r.host, { mode }));
    this.giveAway(r.host, false);
  }

  rmdir(start: string, p: string): void {
    const last = lastComponent(p);
    if (last === '.') throw new SysError(Errno.EINVAL);
    if (last === '..') throw new SysError(Errno.ENOTEMPTY);
    const r = this.entry(start, p, 'remove');
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (r.guest === '/') throw new SysError(Errno.EBUSY);
    if (!r.isDir) throw new SysError(Errno.ENOTDIR);
    this.mayDelete(r);
    if (r.mem) { r.mem.fs.rmdir(r.mem.rel); return; }
    host(() => fs.rmdirSync(r.host));
  }

  unlink(start: string, p: string): void {
    const r = this.entry(start, p, 'remove');
    if (!r.exists) throw new SysError(Errno.ENOENT);
    this.mayDelete(r);
    if (r.isDir) throw new SysError(Errno.EISDIR);
    if (r.mem) { r.mem.fs.unlink(r.mem.rel); return; }
    host(() => fs.unlinkSync(r.host));
  }

  /** renameat2: flags RENAME_NOREPLACE (1), RENAME_EXCHANGE (2). */
  rename(s1: string, p1: string, s2: string, p2: string, flags = 0): void {
    const l1 = lastComponent(p1), l2 = lastComponent(p2);
    if (l1 === '.' || l1 === '..' || l2 === '.' || l2 === '..') throw new SysError(Errno.EBUSY);
    const a = this.entry(s1, p1, 'remove');
    const b = this.entry(s2, p2, 'create');
    if (!a.exists) throw new SysError(Errno.ENOENT);
    if (a.guest === '/' || b.guest === '/') throw new SysError(Errno.EBUSY);
    this.mayDelete(a);
    if (b.exists) this.mayDelete(b);
    else this.mayCreate(b);
    if (this.mountOf(a.guest) !== this.mountOf(b.guest)) throw new SysError(Errno.EXDEV);
    if (a.isDir && (b.guest + '/').startsWith(a.guest + '/') && a.guest !== b.guest) throw new SysError(Errno.EINVAL);
    if (a.mem && b.mem) { a.mem.fs.rename(a.mem.rel, b.mem.rel, flags); return; }
    if (a.isDir && (b.guest + '/').startsWith(a.guest + '/') && a.guest !== b.guest) throw new SysError(Errno.EINVAL);
    if (flags & 2) {
      if (flags & 1) throw new SysError(Errno.EINVAL);
      if (!b.exists) throw new SysError(Errno.ENOENT);
      if (a.guest === b.guest) return;
      const tmp = `${a.host}.elfbox-xchg-${process.pid}-${Date.now()}`;
      host(() => fs.renameSync(a.host, tmp));
      host(() => fs.renameSync(b.host, a.host));
      host(() => fs.renameSync(tmp, b.host));
      return;
    }
    if (flags & 1 && b.exists) throw new SysError(Errno.EEXIST);
    if (b.exists && a.guest !== b.guest) {
      if (a.isDir && !b.isDir) throw new SysError(Errno.ENOTDIR);
      if (!a.isDir && b.isDir) throw new SysError(Errno.EISDIR);
    }
    host(() => fs.renameSync(a.host, b.host));
  }

  link(s1: string, p1: string, s2: string, p2: string, follow: boolean): void {
    const a = this.resolve(s1, p1, follow);
    if (a.special) throw new SysError(Errno.EXDEV);
    if (!a.exists) throw new SysError(Errno.ENOENT);
    if (a.isDir) throw new SysError(Errno.EPERM);
    const b = this.entry(s2, p2, 'create');
    if (b.exists) throw new SysError(Errno.EEXIST);
    if (this.mountOf(a.guest) !== this.mountOf(b.guest)) throw new SysError(Errno.EXDEV);
    this.mayCreate(b);
    if (a.mem && b.mem) { a.mem.fs.link(a.mem.rel, b.mem.rel); return; }
    host(() => fs.linkSync(a.host, b.host));
  }

  /** The target is stored as given; the kernel interprets it inside the root when followed. */
  symlink(target: string, start: string, p: string): void {
    if (target === '') throw new SysError(Errno.ENOENT);
    const b = this.entry(start, p, 'create');
    if (b.exists) throw new SysError(Errno.EEXIST);
    this.mayCreate(b);
    if (b.mem) { b.mem.fs.symlink(b.mem.rel, target, this.cred?.uid ?? this.owner.uid, this.cred?.gid ?? this.owner.gid); return; }
    host(() => fs.symlinkSync(target, b.host));
    this.giveAway(b.host, true);
  }

  /** A host path for metadata changes (chmod, chown, utimens, truncate); specials are EPERM. */
  private target(start: string, p: string, follow: boolean): Resolved {
    const r = this.resolve(start, p, follow, false);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (r.special) throw new SysError(Errno.EPERM);
    this.writable(r.guest);
    return r;
  }

  /** chmod needs the file's owner or CAP_FOWNER (EPERM). */
  chmod(start: string, p: string, mode: number, follow = true): void {
    const r = this.target(start, p, follow);
    if (r.isLink) throw new SysError(Errno.EOPNOTSUPP);
    if (this.cred) checkChmod(this.statOf(r), this.cred);
    if (r.mem) { const n = r.mem.fs.get(r.mem.rel); n.mode = (n.mode & ~0o7777) | (mode & 0o7777); return; }
    host(() => fs.chmodSync(r.host, mode & 0o7777));
  }

  /** chown (checkChown's rule). */
  chown(start: string, p: string, uid: number, gid: number, follow = true): void {
    const r = this.target(start, p, follow);
    if (this.cred && !(this.cred.caps & CAP_CHOWN)) {
      checkChown(r.mem ? this.statOf(r) : statFromHost(host(() => fs.lstatSync(r.host, { bigint: true }))), uid, gid, this.cred);
    }
    if (r.mem) { const n = r.mem.fs.get(r.mem.rel); if (uid !== -1) n.uid = uid; if (gid !== -1) n.gid = gid; return; }
    const st = host(() => fs.lstatSync(r.host));
    const u = uid === -1 ? st.uid : uid, g = gid === -1 ? st.gid : gid;
    host(() => (r.isLink ? fs.lchownSync : fs.chownSync)(r.host, u, g));
  }

  /**
   * Times in ns since the epoch; undefined = leave as is (UTIME_OMIT). explicit: times the caller
   * chose (the owner or CAP_FOWNER only: EPERM), else "now" (also whoever may write: EACCES).
   */
  utimens(start: string, p: string, atimeNs: bigint | undefined, mtimeNs: bigint | undefined, follow = true, explicit = true): void {
    const r = this.target(start, p, follow);
    const cred = this.cred;
    if (cred && !(cred.caps & CAP_FOWNER)) {
      const st = r.mem ? this.statOf(r) : statFromHost(host(() => (follow ? fs.statSync : fs.lstatSync)(r.host, { bigint: true })));
      if (st.uid !== cred.uid) {
        if (explicit) throw new SysError(Errno.EPERM);
        if (!permits(st, 2, cred)) throw new SysError(Errno.EACCES);
      }
    }
    if (r.mem) { const n = r.mem.fs.get(r.mem.rel); if (atimeNs !== undefined) n.atimeNs = atimeNs; if (mtimeNs !== undefined) n.mtimeNs = mtimeNs; return; }
    setTimes(r.host, r.isLink, atimeNs, mtimeNs);
  }

  truncate(start: string, p: string, len: number): void {
    const r = this.target(start, p, true);
    if (r.isDir) throw new SysError(Errno.EISDIR);
    const cred = this.checking;
    if (cred && !permits(this.statOf(r), 2, cred)) throw new SysError(Errno.EACCES);
    if (r.mem) { r.mem.fs.get(r.mem.rel).truncate(len); return; }
    host(() => fs.accessSync(r.host, fs.constants.W_OK));
    host(() => fs.truncateSync(r.host, len));
  }

  /** statfs of the file system holding a path (the host's, for passthrough). */
  statfs(start: string, p: string): fs.StatsFs | 'proc' | 'dev' | 'sys' | 'tmpfs' {
    const r = this.resolve(start, p, true);
    if (!r.exists) throw new SysError(Errno.ENOENT);
    if (r.mem) return 'tmpfs';
    if (r.special || this.specials(r.guest.split('/').slice(0, 2).join('/'))) {
      const top = r.guest.split('/')[1];
      return top === 'proc' ? 'proc' : top === 'sys' ? 'sys' : 'dev';
    }
    return host(() => fs.statfsSync(r.host));
  }
}

/** The last component of a path as written ('' for '/'). */
export function lastComponent(p: string): string {
  const parts = p.split('/').filter((c) => c !== '');
  return parts.length ? parts[parts.length - 1] : '';
}

export const DIR_STAT_MODE = S_IFDIR | 0o555;

/** Adds the in-memory mounts a run asked for: tmpfs at each guest path, and a memfs root. */
export function setupMemoryMounts(vfs: Vfs, tmpfs: string[] = [], memfs?: string): void {
  if (memfs !== undefined) {
    const m = new MemFs(vfs.owner.uid, vfs.owner.gid, 0o755);
    const st = host(() => fs.statSync(memfs));
    if (st.isDirectory()) seedFromDir(m, memfs);
    else seedFromTar(m, host(() => fs.readFileSync(memfs)));
    vfs.addMount({ guest: '/', host: '', ro: false, mem: m });
  }
  for (const g of tmpfs) vfs.addMount({ guest: g, host: '', ro: false, mem: new MemFs(0, 0, 0o1777) });
}
