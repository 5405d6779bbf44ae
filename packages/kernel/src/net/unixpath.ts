// AF_UNIX names in the file system. bind() makes a socket inode (S_IFSOCK, mode 0777 & ~umask)
// at the path, as Linux's mknod does; the name's identity is that inode, so the registry key of
// a path-bound socket is 'ino:<dev>:<ino>'. connect()/sendto() resolve the path (following
// symlinks), give ENOENT when it is missing and ECONNREFUSED when it is not a socket or no socket
// is bound to that inode (a stale socket file). unlink() removes the name like any file; the
// socket keeps working for existing connections but cannot be reached by name again.
//
// On an in-memory file system the inode is a MemFs node. On a host directory Node cannot mknod a
// socket, but it can bind one: a net.Server listens on a temporary name beside the target (the
// bind is synchronous), the socket inode is hard-linked to the target name (EEXIST: EADDRINUSE),
// and closing the server unlinks the temporary name. No host listener stays behind; the inode
// is only a name, as the guest's bind made it.
import * as fs from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Errno, SysError, hostErrno } from '../errors.js';
import { S_IFMT, S_IFSOCK } from '../files/file.js';
import type { Vfs } from '../files/vfs.js';

let tmpSeq = 0;

function inodeKey(dev: bigint | number, ino: bigint | number): string {
  return `ino:${dev}:${ino}`;
}

/** Creates a socket inode at hostPath (mode bits `mode`); EADDRINUSE when the name exists. */
function hostSocketNode(hostPath: string, mode: number): void {
  try { fs.lstatSync(hostPath); throw new SysError(Errno.EADDRINUSE); } catch (e) { if (e instanceof SysError) throw e; }
  const dir = path.dirname(hostPath);
  // sun_path holds 107 bytes: a long directory gets its temporary name in the temp dir
  // (hard-linkable when it is on the same file system).
  let tmp = path.join(dir, `.elfbox-sock-${process.pid}-${tmpSeq++}`);
  if (Buffer.byteLength(tmp) > 100) tmp = path.join(tmpdir(), `.elfbox-sock-${process.pid}-${tmpSeq++}`);
  const srv = net.createServer();
  srv.on('error', () => { /* reported through lstat below */ });
  try {
    srv.listen(tmp);
    let st: fs.Stats;
    try { st = fs.lstatSync(tmp); } catch { throw new SysError(fs.existsSync(dir) ? Errno.EACCES : Errno.ENOENT); }
    if (!st.isSocket()) throw new SysError(Errno.EACCES);
    fs.chmodSync(tmp, mode & 0o7777);
    try {
      fs.linkSync(tmp, hostPath);
    } catch (e) {
      const n = hostErrno(e);
      throw new SysError(n === Errno.EEXIST ? Errno.EADDRINUSE : n === Errno.EIO ? Errno.EACCES : n);
    }
  } finally {
    srv.close();
    try { fs.unlinkSync(tmp); } catch { /* close already removed it */ }
  }
}

/**
 * bind() to a path name: makes the socket inode at p (relative to the guest directory start) and
 * returns its registry key. EADDRINUSE when the name exists (even a dangling symlink), EROFS on a
 * read-only mount, ENOENT/ENOTDIR/EACCES from the path's directories.
 */
export function bindPath(vfs: Vfs, start: string, p: string, mode: number, owner: { uid: number; gid: number }): string {
  const r = vfs.resolve(start, p, false);
  if (r.exists) throw new SysError(Errno.EADDRINUSE);
  if (r.special) throw new SysError(Errno.EACCES);
  if (vfs.mountOf(r.guest)?.ro) throw new SysError(Errno.EROFS);
  if (r.mem) {
    const n = r.mem.fs.create(r.mem.rel, S_IFSOCK | (mode & 0o7777), owner.uid, owner.gid);
    return inodeKey(r.mem.fs.dev, n.ino);
  }
  hostSocketNode(r.host, mode);
  const st = vfs.stat('/', r.guest, false);
  return inodeKey(st.dev, st.ino);
}

/**
 * connect()/sendto() to a path name: the registry key of the socket inode there. ENOENT when the
 * name is missing, ECONNREFUSED when it is not a socket.
 */
export function lookupPath(vfs: Vfs, start: string, p: string): string {
  const st = vfs.stat(start, p, true);
  if ((st.mode & S_IFMT) !== S_IFSOCK) throw new SysError(Errno.ECONNREFUSED);
  return inodeKey(st.dev, st.ino);
}
