// read, write, readv, writev, pread64, pwrite64, lseek.
import { Block, type SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { ReadResult, WriteResult } from '../files/file.js';
import { SI } from '../signals.js';
import type { Call } from './types.js';

const SIGPIPE = 13;
import { MAX_RW_COUNT, fileOf, readIovecs } from './util.js';

/** Copies a read's bytes to guest memory at addr, now or when the read's Block completes. */
function readInto(c: Call, addr: number, r: ReadResult): SyscallResult {
  const put = (b: Uint8Array) => { if (b.length) c.write(addr, b); return b.length; };
  return r instanceof Block ? r.then(put) : put(r);
}

/**
 * A write's count, now or when its Block completes. EPIPE (the reader is gone) also sends
 * SIGPIPE to the writer, as Linux does.
 */
function written(c: Call, attempt: () => WriteResult): SyscallResult {
  let r: WriteResult;
  try {
    r = attempt();
  } catch (e) {
    if (e instanceof SysError && e.errno === Errno.EPIPE) c.kernel.sendSignal(c.tg, { signo: SIGPIPE, code: SI.SI_USER, pid: c.tg.pid, uid: c.kernel.creds.uid }, c.task);
    throw e;
  }
  if (!(r instanceof Block)) return r;
  const b = r;
  return new Block((t) => written(c, () => b.resume(t)), { promise: b.promise, deadline: b.deadline, restart: b.restart, what: b.what, source: b });
}

function checkBuf(c: Call, addr: number, len: number, access: 'r' | 'w'): void {
  if (len === 0) return;
  if (!Number.isFinite(addr) || !Number.isFinite(len)) throw new SysError(Errno.EFAULT);
  c.mem.check(addr, len, access);
}

export function sys_read(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const addr = c.num(1);
  const len = Math.min(c.num(2), MAX_RW_COUNT);
  if (!f.readable) throw new SysError(Errno.EBADF);
  checkBuf(c, addr, len, 'w');
  return readInto(c, addr, f.read(len));
}

export function sys_write(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const len = Math.min(c.num(2), MAX_RW_COUNT);
  if (!f.writable) throw new SysError(Errno.EBADF);
  const data = len ? c.read(c.num(1), len) : new Uint8Array(0);
  return written(c, () => f.write(data));
}

export function sys_pread64(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const addr = c.num(1);
  const len = Math.min(c.num(2), MAX_RW_COUNT);
  const off = c.snum(3);
  if (off < 0) throw new SysError(Errno.EINVAL);
  if (!f.readable) throw new SysError(Errno.EBADF);
  checkBuf(c, addr, len, 'w');
  const r = f.pread(len, off);
  if (r.length) c.write(addr, r);
  return r.length;
}

export function sys_pwrite64(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const len = Math.min(c.num(2), MAX_RW_COUNT);
  const off = c.snum(3);
  if (off < 0) throw new SysError(Errno.EINVAL);
  if (!f.writable) throw new SysError(Errno.EBADF);
  const data = len ? c.read(c.num(1), len) : new Uint8Array(0);
  return written(c, () => f.pwrite(data, off));
}

/** readv: one read for the total length, scattered over the vectors. */
export function sys_readv(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const iov = readIovecs(c, c.num(1), c.i32(2));
  if (!f.readable) throw new SysError(Errno.EBADF);
  for (const [b, l] of iov) checkBuf(c, b, l, 'w');
  const total = Math.min(iov.reduce((a, [, l]) => a + l, 0), MAX_RW_COUNT);
  return scatter(c, iov, f.read(total));
}

function scatter(c: Call, iov: Array<[number, number]>, r: ReadResult): SyscallResult {
  if (r instanceof Block) return r.then((b) => scatter(c, iov, b));
  let off = 0;
  for (const [b, l] of iov) {
    if (off >= r.length) break;
    const n = Math.min(l, r.length - off);
    c.write(b, r.subarray(off, off + n));
    off += n;
  }
  return r.length;
}

/** writev: gathers the vectors and writes them in one call (atomic for pipes and stdio). */
export function sys_writev(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const iov = readIovecs(c, c.num(1), c.i32(2));
  if (!f.writable) throw new SysError(Errno.EBADF);
  const parts = iov.map(([b, l]) => (l ? c.read(b, l) : new Uint8Array(0)));
  const total = parts.reduce((a, p) => a + p.length, 0);
  const data = new Uint8Array(Math.min(total, MAX_RW_COUNT));
  let off = 0;
  for (const p of parts) {
    if (off >= data.length) break;
    data.set(p.subarray(0, data.length - off), off);
    off += p.length;
  }
  return written(c, () => f.write(data));
}

export function sys_lseek(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const off = c.snum(1);
  if (!Number.isFinite(off)) throw new SysError(Errno.EINVAL);
  return f.seek(off, c.i32(2));
}

// ---- positioned vectors, sendfile, copy_file_range ---------------------------------------------

function posOffset(c: Call, n: number): number {
  const off = c.snum(n);
  if (off < 0 || !Number.isSafeInteger(off)) throw new SysError(Errno.EINVAL);
  return off;
}

/** preadv(fd, iov, iovcnt, pos_l, pos_h): the offset is one 64-bit argument on 64-bit arches. */
export function sys_preadv(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const iov = readIovecs(c, c.num(1), c.i32(2));
  const off = posOffset(c, 3);
  if (!f.readable) throw new SysError(Errno.EBADF);
  for (const [b, l] of iov) checkBuf(c, b, l, 'w');
  const total = Math.min(iov.reduce((a, [, l]) => a + l, 0), MAX_RW_COUNT);
  return scatter(c, iov, f.pread(total, off));
}

export function sys_pwritev(c: Call): SyscallResult {
  const f = fileOf(c, 0);
  const iov = readIovecs(c, c.num(1), c.i32(2));
  const off = posOffset(c, 3);
  if (!f.writable) throw new SysError(Errno.EBADF);
  const parts = iov.map(([b, l]) => (l ? c.read(b, l) : new Uint8Array(0)));
  const data = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { data.set(p, o); o += p.length; }
  return written(c, () => f.pwrite(data, off));
}

/** preadv2/pwritev2: offset -1 means the file position; RWF_* flags other than 0 are EOPNOTSUPP. */
export function sys_preadv2(c: Call): SyscallResult {
  if (c.i32(5) & ~0x1f) throw new SysError(Errno.EOPNOTSUPP);
  if (c.snum(3) === -1) return sys_readv(c);
  return sys_preadv(c);
}
export function sys_pwritev2(c: Call): SyscallResult {
  if (c.i32(5) & ~0x1f) throw new SysError(Errno.EOPNOTSUPP);
  if (c.snum(3) === -1) return sys_writev(c);
  return sys_pwritev(c);
}

/** sendfile and copy_file_range move file data in chunks of this size (host memory per step). */
const COPY_CHUNK = 1 << 20;

/**
 * sendfile(out, in, *offset, count): up to MAX_RW_COUNT (0x7ffff000) bytes per call, as Linux.
 * With an offset pointer the input is read from *offset, which is advanced by the bytes sent,
 * and the input's file position is left alone; without one the input is read from its position,
 * which moves by the bytes sent (not by what was read but could not be written). A regular (or
 * otherwise seekable) input is copied chunk by chunk; a pipe or socket input, one read. Once
 * some bytes went out, a later error ends the call with that count.
 */
export function sys_sendfile(c: Call): SyscallResult {
  const out = fileOf(c, 0), inp = fileOf(c, 1);
  const offAddr = c.num(2);
  const count = Math.min(c.num(3), MAX_RW_COUNT);
  if (!inp.readable || !out.writable) throw new SysError(Errno.EBADF);
  if ((out.flags & 0o2000) !== 0) throw new SysError(Errno.EINVAL); // O_APPEND
  let off: number | undefined;
  if (offAddr !== 0) {
    off = Number(BigInt.asIntN(64, c.mem.readU64(offAddr)));
    if (off < 0) throw new SysError(Errno.EINVAL);
    c.mem.check(offAddr, 8, 'w');
  }
  const type = inp.stat().mode & 0o170000;
  if (type !== 0o100000 && type !== 0o060000) {
    // a pipe or socket: one read, sent whole (an offset is ESPIPE there)
    if (off !== undefined) throw new SysError(Errno.ESPIPE);
    const r = inp.read(Math.min(count, COPY_CHUNK));
    const go = (b: Uint8Array): SyscallResult => written(c, () => out.write(b));
    return r instanceof Block ? r.then((b) => go(b) as number) : go(r);
  }
  const start = off ?? inp.seek(0, 1 /* SEEK_CUR */);
  const finish = (sent: number): number => {
    if (offAddr !== 0) c.mem.writeU64(offAddr, BigInt(start + sent));
    else inp.seek(start + sent, 0 /* SEEK_SET */);
    return sent;
  };
  let sent = 0;
  while (sent < count) {
    const data = inp.pread(Math.min(count - sent, COPY_CHUNK), start + sent);
    if (!data.length) break;
    let w: SyscallResult;
    try {
      w = sent === 0 ? written(c, () => out.write(data)) : (out.write(data) as SyscallResult);
    } catch (e) {
      if (sent > 0) break;
      throw e;
    }
    if (w instanceof Block) {
      const before = sent;
      return (w as Block<SyscallResult>).then((v) => finish(before + Number(v)));
    }
    const n = Number(w);
    sent += n;
    if (n < data.length) break;
  }
  return finish(sent);
}

/** copy_file_range(fd_in, *off_in, fd_out, *off_out, len, flags): regular files, up to MAX_RW_COUNT per call. */
export function sys_copy_file_range(c: Call): SyscallResult {
  const inp = fileOf(c, 0), out = fileOf(c, 2);
  const offIn = c.num(1), offOut = c.num(3);
  const len = Math.min(c.num(4), MAX_RW_COUNT);
  if (c.u32(5) !== 0) throw new SysError(Errno.EINVAL);
  if (!inp.readable || !out.writable) throw new SysError(Errno.EBADF);
  if ((out.flags & 0o2000) !== 0) throw new SysError(Errno.EBADF);
  const ti = inp.stat().mode & 0o170000, to = out.stat().mode & 0o170000;
  if (ti === 0o040000 || to === 0o040000) throw new SysError(Errno.EISDIR);
  if (ti !== 0o100000 || to !== 0o100000) throw new SysError(Errno.EINVAL);
  const inPos = offIn ? Number(c.mem.readU64(offIn)) : inp.seek(0, 1);
  const outPos = offOut ? Number(c.mem.readU64(offOut)) : out.seek(0, 1);
  let done = 0;
  while (done < len) {
    const data = inp.pread(Math.min(len - done, COPY_CHUNK), inPos + done);
    if (!data.length) break;
    let n: number;
    try {
      n = out.pwrite(data, outPos + done);
    } catch (e) {
      if (done > 0) break;
      throw e;
    }
    done += n;
    if (n < data.length) break;
  }
  if (offIn) c.mem.writeU64(offIn, BigInt(inPos + done)); else inp.seek(inPos + done, 0);
  if (offOut) c.mem.writeU64(offOut, BigInt(outPos + done)); else out.seek(outPos + done, 0);
  return done;
}
