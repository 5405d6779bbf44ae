// A thread group's file descriptor table: fd -> (description, FD_CLOEXEC). Tasks created with
// CLONE_FILES share one table; fork copies it (descriptions are shared and ref-counted).
import { Errno, SysError } from '../errors.js';
import type { FileDescription } from './file.js';
import { releasePosixLocks } from './locks.js';

interface Slot {
  file: FileDescription;
  cloexec: boolean;
}

export class FdTable {
  private slots = new Map<number, Slot>();
  /** RLIMIT_NOFILE soft limit. */
  limit = 1024;

  get(fd: number): FileDescription {
    const s = Number.isInteger(fd) ? this.slots.get(fd) : undefined;
    if (!s) throw new SysError(Errno.EBADF);
    return s.file;
  }

  has(fd: number): boolean {
    return this.slots.has(fd);
  }

  getCloexec(fd: number): boolean {
    this.get(fd);
    return this.slots.get(fd)!.cloexec;
  }

  setCloexec(fd: number, on: boolean): void {
    this.get(fd);
    this.slots.get(fd)!.cloexec = on;
  }

  /** Installs file at the lowest free fd >= min (the table takes over the caller's reference). */
  add(file: FileDescription, cloexec = false, min = 0): number {
    let fd = min;
    while (this.slots.has(fd)) fd++;
    if (fd >= this.limit) { file.unref(); throw new SysError(Errno.EMFILE); }
    this.slots.set(fd, { file, cloexec });
    return fd;
  }

  /** dup2/dup3: installs at exactly fd, closing what was there. */
  setAt(fd: number, file: FileDescription, cloexec = false): void {
    if (fd < 0 || fd >= this.limit) { file.unref(); throw new SysError(Errno.EBADF); }
    const old = this.slots.get(fd);
    this.slots.set(fd, { file, cloexec });
    if (old) { releasePosixLocks(this, old.file); old.file.unref(); }
  }

  close(fd: number): void {
    const s = this.slots.get(fd);
    if (!s) throw new SysError(Errno.EBADF);
    this.slots.delete(fd);
    // closing any fd of a file drops the process's POSIX locks on it (files/locks.ts)
    releasePosixLocks(this, s.file);
    s.file.unref();
  }

  /** execve: drops every FD_CLOEXEC descriptor. */
  closeOnExec(): void {
    for (const [fd, s] of [...this.slots]) if (s.cloexec) this.close(fd);
  }

  closeAll(): void {
    for (const fd of [...this.slots.keys()]) this.close(fd);
  }

  /** fork without CLONE_FILES: same descriptions, one more reference each. */
  clone(): FdTable {
    const t = new FdTable();
    t.limit = this.limit;
    for (const [fd, s] of this.slots) t.slots.set(fd, { file: s.file.ref(), cloexec: s.cloexec });
    return t;
  }

  entries(): Array<[number, FileDescription]> {
    return [...this.slots].sort((a, b) => a[0] - b[0]).map(([fd, s]) => [fd, s.file]);
  }
}
