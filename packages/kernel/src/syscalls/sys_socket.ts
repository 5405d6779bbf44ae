// socket, socketpair, bind, listen, accept, accept4, connect, getsockname, getpeername,
// setsockopt, getsockopt, sendto, recvfrom, sendmsg, recvmsg, shutdown. The socket objects are
// in src/net/: AF_UNIX in the kernel (unix.ts), AF_INET/AF_INET6 over Node (inet.ts).
import { Block, type SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { FileDescription, WriteResult } from '../files/file.js';
import { SI } from '../signals.js';
import { AF_INET, AF_INET6, AF_UNIX, decodeSockAddr, encodeSockAddr, type SockAddr } from '../net/addr.js';
import { TcpSocket, UdpSocket, type NetPolicy } from '../net/inet.js';
import { MSG_CTRUNC, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_TRUNC, O_NONBLOCK, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM, Socket, type Later, type RecvResult } from '../net/socket.js';
import { UNIX_BUF, UnixSocket, unixRegistry } from '../net/unix.js';
import { bindPath, lookupPath } from '../net/unixpath.js';
import type { Call } from './types.js';

const SOCK_NONBLOCK = 0o4000, SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1, IPPROTO_IP = 0, IPPROTO_TCP = 6, IPPROTO_UDP = 17, IPPROTO_IPV6 = 41;
const SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
const SIGPIPE = 13;
const MSG_OOB = 0x1, MSG_WAITFORONE = 0x10000, MSG_CMSG_CLOEXEC = 0x40000000;
/** UIO_MAXIOV: the most messages one sendmmsg/recvmmsg handles. */
const UIO_MAXIOV = 1024;
const dec = new TextDecoder('latin1');

/** The run's network policy (KernelOptions.net; 'host' when not set). */
function policy(c: Call): NetPolicy {
  return c.kernel.netPolicy;
}

function creds(c: Call) {
  return { pid: c.tg.pid, uid: c.kernel.creds.uid, gid: c.kernel.creds.gid };
}

/** The credentials of whichever task of this kernel is running (the sender of a write()). */
function whoFor(c: Call): () => { pid: number; uid: number; gid: number } {
  const k = c.kernel, fallback = c.tg;
  return () => ({ pid: (k.current?.tg ?? fallback).pid, uid: k.creds.uid, gid: k.creds.gid });
}

function socketOf(c: Call, i: number): Socket {
  const f = c.tg.fds.get(c.i32(i));
  if (!(f instanceof Socket)) throw new SysError(Errno.ENOTSOCK);
  return f;
}

function newSocket(c: Call, domain: number, type: number, protocol: number): Socket {
  const base = type & 0xf, flags = type & SOCK_NONBLOCK;
  if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) throw new SysError(Errno.EINVAL);
  if (domain === AF_UNIX) {
    if (base !== SOCK_STREAM && base !== SOCK_DGRAM && base !== SOCK_SEQPACKET) throw new SysError(Errno.ESOCKTNOSUPPORT);
    if (protocol !== 0) throw new SysError(Errno.EPROTONOSUPPORT);
    const u = new UnixSocket(base, flags, unixRegistry(c.kernel), creds(c));
    u.who = whoFor(c);
    return u;
  }
  if (domain === AF_INET || domain === AF_INET6) {
    if (base === SOCK_STREAM) {
      if (protocol !== 0 && protocol !== IPPROTO_TCP) throw new SysError(Errno.EPROTONOSUPPORT);
      return new TcpSocket(domain, flags, policy(c));
    }
    if (base === SOCK_DGRAM) {
      if (protocol !== 0 && protocol !== IPPROTO_UDP) throw new SysError(Errno.EPROTONOSUPPORT);
      return new UdpSocket(domain, flags, policy(c));
    }
    if (base === 3) throw new SysError(Errno.EPERM); // SOCK_RAW needs CAP_NET_RAW
    throw new SysError(Errno.ESOCKTNOSUPPORT);
  }
  throw new SysError(Errno.EAFNOSUPPORT);
}

export function sys_socket(c: Call): SyscallResult {
  const type = c.i32(1);
  const s = newSocket(c, c.i32(0), type, c.i32(2));
  return c.tg.fds.add(s, (type & SOCK_CLOEXEC) !== 0);
}

export function sys_socketpair(c: Call): SyscallResult {
  const domain = c.i32(0), type = c.i32(1), protocol = c.i32(2), sv = c.num(3);
  if (domain !== AF_UNIX) {
    if (domain === AF_INET || domain === AF_INET6) throw new SysError(Errno.EOPNOTSUPP);
    throw new SysError(Errno.EAFNOSUPPORT);
  }
  if (type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) throw new SysError(Errno.EINVAL);
  const base = type & 0xf;
  if (base !== SOCK_STREAM && base !== SOCK_DGRAM && base !== SOCK_SEQPACKET) throw new SysError(Errno.ESOCKTNOSUPPORT);
  if (protocol !== 0) throw new SysError(Errno.EPROTONOSUPPORT);
  c.mem.check(sv, 8, 'w');
  const [a, b] = UnixSocket.pair(base, type & SOCK_NONBLOCK, unixRegistry(c.kernel), creds(c));
  a.who = b.who = whoFor(c);
  const cloexec = (type & SOCK_CLOEXEC) !== 0;
  const fa = c.tg.fds.add(a, cloexec);
  let fb: number;
  try { fb = c.tg.fds.add(b, cloexec); } catch (e) { c.tg.fds.close(fa); throw e; }
  c.mem.writeU32(sv, fa);
  c.mem.writeU32(sv + 4, fb);
  return 0;
}

/**
 * Reads a sockaddr argument; for AF_UNIX also the registry key: '@' + the abstract name, or for a
 * path name (lookup, i.e. connect/sendto) the key of the socket inode found there (ENOENT,
 * ECONNREFUSED). bind makes its path key itself (bindPath).
 */
function readAddr(c: Call, addr: number, len: number, lookup = true): { a: SockAddr | { family: 0 }; key?: string } {
  if (len < 0 || len > 128) throw new SysError(Errno.EINVAL);
  const a = decodeSockAddr(c.read(addr, len));
  if (a.family !== AF_UNIX) return { a };
  if (!a.name.length) return { a };
  if (a.name[0] === 0) return { a, key: '@' + dec.decode(a.name) };
  if (!lookup) return { a };
  return { a, key: lookupPath(c.kernel.vfs, c.tg.fs.cwd, new TextDecoder().decode(a.name)) };
}

/** Writes an address to (addr, *lenp) as Linux does: truncated to *lenp, *lenp = the full length. */
function writeAddr(c: Call, addr: number, lenp: number, a: SockAddr): void {
  if (!addr) return;
  const len = c.mem.readU32(lenp) | 0;
  if (len < 0) throw new SysError(Errno.EINVAL);
  const b = encodeSockAddr(a);
  c.write(addr, b.subarray(0, Math.min(len, b.length)));
  c.mem.writeU32(lenp, b.length);
}

export function sys_bind(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const r = readAddr(c, c.num(1), c.i32(2), false);
  const a = r.a;
  let key = r.key;
  if (a.family !== s.domain) throw new SysError(s.domain === AF_UNIX ? Errno.EINVAL : Errno.EAFNOSUPPORT);
  if (a.family === AF_UNIX && a.name.length && a.name[0] !== 0) {
    const vfs = c.kernel.vfs, p = new TextDecoder().decode(a.name);
    const owner = { uid: vfs.cred?.uid ?? vfs.owner.uid, gid: vfs.cred?.gid ?? vfs.owner.gid };
    // As Linux: the node is made first (an existing name is EADDRINUSE even for a bound socket),
    // then a socket that already has a name gives EINVAL and the new node goes again.
    key = bindPath(vfs, c.tg.fs.cwd, p, 0o777 & ~c.tg.fs.umask, owner);
    if (s instanceof UnixSocket && s.name) { vfs.unlink(c.tg.fs.cwd, p); throw new SysError(Errno.EINVAL); }
  }
  return s.bind(a as SockAddr, key) as SyscallResult;
}

export function sys_listen(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  if (s.type === SOCK_DGRAM) throw new SysError(Errno.EOPNOTSUPP);
  return s.listen(c.i32(1)) as SyscallResult;
}

function acceptImpl(c: Call, flags: number): SyscallResult {
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) throw new SysError(Errno.EINVAL);
  const s = socketOf(c, 0);
  if (s.type === SOCK_DGRAM) throw new SysError(Errno.EOPNOTSUPP);
  const addr = c.num(1), lenp = c.num(2);
  const done = (n: Socket): number => {
    n.flags = (n.flags & ~O_NONBLOCK) | (flags & SOCK_NONBLOCK);
    let peer: SockAddr | undefined;
    try { peer = n.peerName(); } catch { peer = { family: AF_UNIX, name: new Uint8Array(0) }; }
    if (addr) writeAddr(c, addr, lenp, peer);
    return c.tg.fds.add(n, (flags & SOCK_CLOEXEC) !== 0);
  };
  return then(s.accept(s.nonblock), done);
}

/** Maps a value that may still be waited for. */
function then<T>(r: Later<T>, f: (v: T) => SyscallResult): SyscallResult {
  if (r instanceof Block) return (r as Block<Later<T>>).then((v) => then(v as Later<T>, f) as never) as unknown as SyscallResult;
  return f(r);
}

export const sys_accept = (c: Call): SyscallResult => acceptImpl(c, 0);
export const sys_accept4 = (c: Call): SyscallResult => acceptImpl(c, c.i32(3));

export function sys_connect(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const { a, key } = readAddr(c, c.num(1), c.i32(2));
  if (a.family === 0 && s.type !== SOCK_DGRAM) throw new SysError(s.domain === AF_UNIX ? Errno.EINVAL : Errno.EAFNOSUPPORT);
  return s.connect(a as SockAddr, key) as SyscallResult;
}

export function sys_getsockname(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  c.mem.check(c.num(2), 4, 'w');
  writeAddr(c, c.num(1), c.num(2), s.localName());
  return 0;
}

export function sys_getpeername(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  c.mem.check(c.num(2), 4, 'w');
  writeAddr(c, c.num(1), c.num(2), s.peerName());
  return 0;
}

export function sys_shutdown(c: Call): SyscallResult {
  socketOf(c, 0).shutdown(c.i32(1));
  return 0;
}

/** A send's count; EPIPE also raises SIGPIPE unless MSG_NOSIGNAL. */
function sent(c: Call, flags: number, attempt: () => WriteResult): SyscallResult {
  let r: WriteResult;
  try {
    r = attempt();
  } catch (e) {
    if (e instanceof SysError && e.errno === Errno.EPIPE && !(flags & MSG_NOSIGNAL)) {
      c.kernel.sendSignal(c.tg, { signo: SIGPIPE, code: SI.SI_USER, pid: c.tg.pid, uid: c.kernel.creds.uid }, c.task);
    }
    throw e;
  }
  if (!(r instanceof Block)) return r;
  const b = r;
  return new Block((t) => sent(c, flags, () => b.resume(t)), { promise: b.promise, deadline: b.deadline, restart: b.restart, what: b.what, source: b });
}

/**
 * MSG_OOB: TCP's urgent byte cannot be marked through Node, so a TCP send with MSG_OOB sends the
 * bytes in band (what a peer with SO_OOBINLINE sees); the other socket types refuse it as Linux
 * does (AF_UNIX as on a kernel without CONFIG_AF_UNIX_OOB).
 */
function checkOobSend(s: Socket, flags: number): void {
  if ((flags & MSG_OOB) && !(s instanceof TcpSocket)) throw new SysError(Errno.EOPNOTSUPP);
}

/**
 * recv with MSG_OOB: no urgent byte is ever pending here, so the stream sockets (TCP, AF_UNIX
 * stream) give EINVAL as Linux does with none; datagram and seqpacket sockets EOPNOTSUPP.
 */
function checkOobRecv(s: Socket, flags: number): void {
  if (!(flags & MSG_OOB)) return;
  throw new SysError(s.type === SOCK_STREAM ? Errno.EINVAL : Errno.EOPNOTSUPP);
}

function sendImpl(c: Call, s: Socket, data: Uint8Array, flags: number, to?: { a: SockAddr | { family: 0 }; key?: string }, rights?: FileDescription[], cr?: { pid: number; uid: number; gid: number }): SyscallResult {
  checkOobSend(s, flags);
  const block = !s.nonblock && !(flags & MSG_DONTWAIT);
  let dest: SockAddr | undefined;
  if (to && to.a.family !== 0) {
    if (s.type !== SOCK_DGRAM && s.domain !== AF_UNIX) {
      // sendto on a connected TCP socket ignores the address (Linux: EISCONN only when not connected...)
      dest = undefined;
    } else dest = to.a as SockAddr;
  }
  return sent(c, flags, () => s.send(data, { flags, block, to: dest, toKey: to?.key, rights, creds: cr ?? (s.domain === AF_UNIX ? creds(c) : undefined) }));
}

export function sys_sendto(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const len = Math.min(c.num(2), 0x7fff_f000);
  const data = len ? c.read(c.num(1), len) : new Uint8Array(0);
  const to = c.num(4) ? readAddr(c, c.num(4), c.i32(5)) : undefined;
  return sendImpl(c, s, data, c.i32(3), to);
}

function recvInto(c: Call, r: RecvResult, buf: number, addr: number, lenp: number, flags: number): number {
  if (r.data.length) c.write(buf, r.data);
  if (addr && r.from) writeAddr(c, addr, lenp, r.from);
  else if (addr) c.mem.writeU32(lenp, 0);
  return flags & MSG_TRUNC ? r.full : r.data.length;
}

export function sys_recvfrom(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const buf = c.num(1), len = Math.min(c.num(2), 0x7fff_f000), flags = c.i32(3), addr = c.num(4), lenp = c.num(5);
  if (len) c.mem.check(buf, len, 'w');
  checkOobRecv(s, flags);
  const block = !s.nonblock && !(flags & MSG_DONTWAIT);
  return then(s.recv(len, flags, block), (r) => recvInto(c, r, buf, addr, lenp, flags));
}

interface MsgHdr { name: number; namelen: number; iov: Array<[number, number]>; control: number; controllen: number }

function readMsgHdr(c: Call, p: number): MsgHdr {
  const m = c.mem;
  const iovlen = m.readU64Num(p + 24);
  if (iovlen > 1024) throw new SysError(Errno.EMSGSIZE);
  const iovp = m.readU64Num(p + 16);
  const iov: Array<[number, number]> = [];
  for (let i = 0; i < iovlen; i++) iov.push([m.readU64Num(iovp + i * 16), m.readU64Num(iovp + i * 16 + 8)]);
  return { name: m.readU64Num(p), namelen: m.readU32(p + 8), iov, control: m.readU64Num(p + 32), controllen: m.readU64Num(p + 40) };
}

export function sys_sendmsg(c: Call): SyscallResult {
  return sendMsgAt(c, socketOf(c, 0), c.num(1), c.i32(2));
}

/** sendmsg of the msghdr at hp (sendmsg, and each message of sendmmsg). */
function sendMsgAt(c: Call, s: Socket, hp: number, flags: number): SyscallResult {
  const h = readMsgHdr(c, hp);
  const parts = h.iov.map(([b, l]) => (l ? c.read(b, l) : new Uint8Array(0)));
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { data.set(p, off); off += p.length; }
  let rights: FileDescription[] | undefined, cr: { pid: number; uid: number; gid: number } | undefined;
  // Control messages: SCM_RIGHTS and SCM_CREDENTIALS on AF_UNIX.
  let p = h.control;
  const end = h.control + h.controllen;
  while (h.controllen && p + 16 <= end) {
    const clen = c.mem.readU64Num(p), level = c.mem.readU32(p + 8) | 0, type = c.mem.readU32(p + 12) | 0;
    if (clen < 16 || p + clen > end) throw new SysError(Errno.EINVAL);
    if (level !== SOL_SOCKET || s.domain !== AF_UNIX) throw new SysError(Errno.EINVAL);
    if (type === SCM_RIGHTS) {
      const n = Math.floor((clen - 16) / 4);
      if (n > 253) throw new SysError(Errno.EINVAL);
      rights = rights ?? [];
      for (let i = 0; i < n; i++) rights.push(c.tg.fds.get(c.mem.readU32(p + 16 + i * 4) | 0));
    } else if (type === SCM_CREDENTIALS) {
      if (clen < 28) throw new SysError(Errno.EINVAL);
      const pid = c.mem.readU32(p + 16) | 0, uid = c.mem.readU32(p + 20), gid = c.mem.readU32(p + 24);
      // another pid needs CAP_SYS_ADMIN, another uid/gid CAP_SETUID/CAP_SETGID: uid 0 here
      const root = c.kernel.creds.uid === 0;
      if ((pid !== c.tg.pid && !root) || (uid !== c.kernel.creds.uid && !root) || (gid !== c.kernel.creds.gid && !root)) throw new SysError(Errno.EPERM);
      cr = { pid, uid, gid };
    } else throw new SysError(Errno.EINVAL);
    p += (clen + 7) & ~7;
  }
  const to = h.name ? readAddr(c, h.name, h.namelen) : undefined;
  const held = rights?.map((f) => f.ref());
  try {
    return sendImpl(c, s, data, flags, to, held, cr);
  } catch (e) {
    for (const f of held ?? []) f.unref();
    throw e;
  }
}

export function sys_recvmsg(c: Call): SyscallResult {
  return recvMsgAt(c, socketOf(c, 0), c.num(1), c.i32(2));
}

/** recvmsg into the msghdr at hp (recvmsg, and each message of recvmmsg). */
function recvMsgAt(c: Call, s: Socket, hp: number, flags: number): SyscallResult {
  const h = readMsgHdr(c, hp);
  checkOobRecv(s, flags);
  const total = h.iov.reduce((n, [, l]) => n + l, 0);
  const block = !s.nonblock && !(flags & MSG_DONTWAIT);
  return then(s.recv(Math.min(total, 0x7fff_f000), flags, block), (r) => {
    let off = 0;
    for (const [b, l] of h.iov) {
      const k = Math.min(l, r.data.length - off);
      if (k > 0) c.write(b, r.data.subarray(off, off + k));
      off += k;
    }
    let oflags = r.full > r.data.length ? MSG_TRUNC : 0;
    // control messages
    let used = 0;
    const ctl: Uint8Array[] = [];
    const room = h.control ? h.controllen : 0;
    if (r.rights?.length) {
      const need = 16 + 4 * r.rights.length;
      const fit = Math.max(0, Math.min(r.rights.length, Math.floor((room - used - 16) / 4)));
      if (fit < r.rights.length) oflags |= MSG_CTRUNC;
      if (fit > 0) {
        const b = new Uint8Array((16 + fit * 4 + 7) & ~7);
        const dv = new DataView(b.buffer);
        dv.setBigUint64(0, BigInt(16 + fit * 4), true);
        dv.setInt32(8, SOL_SOCKET, true);
        dv.setInt32(12, SCM_RIGHTS, true);
        for (let i = 0; i < fit; i++) dv.setInt32(16 + i * 4, c.tg.fds.add(r.rights[i].ref(), (flags & MSG_CMSG_CLOEXEC) !== 0), true);
        ctl.push(b);
        used += b.length;
      }
      for (const f of r.rights) f.unref();
      void need;
    }
    if (r.creds && s.opts.get('1:16')) {
      if (room - used >= 28) {
        const b = new Uint8Array(32);
        const dv = new DataView(b.buffer);
        dv.setBigUint64(0, 28n, true);
        dv.setInt32(8, SOL_SOCKET, true);
        dv.setInt32(12, SCM_CREDENTIALS, true);
        dv.setInt32(16, r.creds.pid, true);
        dv.setUint32(20, r.creds.uid, true);
        dv.setUint32(24, r.creds.gid, true);
        ctl.push(b);
        used += 32;
      } else oflags |= MSG_CTRUNC;
    }
    let cp = h.control;
    for (const b of ctl) { c.write(cp, b.subarray(0, Math.min(b.length, h.control + room - cp))); cp += b.length; }
    c.mem.writeU64(hp + 40, BigInt(Math.min(used, room)));
    if (h.name && r.from) {
      const b = encodeSockAddr(r.from);
      c.write(h.name, b.subarray(0, Math.min(b.length, h.namelen)));
      c.mem.writeU32(hp + 8, b.length);
    } else if (h.name) c.mem.writeU32(hp + 8, 0);
    c.mem.writeU32(hp + 48, oflags);
    return flags & MSG_TRUNC ? r.full : r.data.length;
  });
}

// ---- sendmmsg / recvmmsg ---------------------------------------------------------------------

/** struct mmsghdr: a msghdr (56 bytes) and the unsigned msg_len, padded to 64 (both arches). */
const MMSG_SIZE = 64, MMSG_LEN = 56;

/**
 * Runs r (a value or a Block) and maps its outcome: ok(value) on success, err(error) when it
 * throws a SysError (now or when the wait resumes).
 */
function settle(r: () => SyscallResult, ok: (v: number) => SyscallResult, err: (e: SysError) => SyscallResult): SyscallResult {
  let v: SyscallResult;
  try { v = r(); } catch (e) { if (e instanceof SysError) return err(e); throw e; }
  if (v instanceof Block) {
    const b = v;
    return new Block((t) => settle(() => b.resume(t) as SyscallResult, ok, err), { promise: b.promise, deadline: b.deadline, restart: b.restart, what: b.what, source: b });
  }
  return ok(Number(v));
}

/**
 * sendmmsg: sendmsg for each message in turn, msg_len written back; an error after the first
 * message ends the call with the count so far (Linux drops that error).
 */
export function sys_sendmmsg(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const vec = c.num(1), vlen = Math.min(c.num(2) >>> 0, UIO_MAXIOV), flags = c.i32(3);
  if (vlen) c.mem.check(vec, vlen * MMSG_SIZE, 'w');
  const step = (i: number): SyscallResult => {
    if (i >= vlen) return i;
    return settle(() => sendMsgAt(c, s, vec + i * MMSG_SIZE, flags), (n) => { c.mem.writeU32(vec + i * MMSG_SIZE + MMSG_LEN, n); return step(i + 1); }, (e) => { if (i === 0) throw e; return i; });
  };
  return step(0);
}

/**
 * recvmmsg: recvmsg for each message; MSG_WAITFORONE makes every receive after the first
 * non-blocking; the timeout (checked after each message, as Linux does) ends the call early.
 */
export function sys_recvmmsg(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const vec = c.num(1), vlen = Math.min(c.num(2) >>> 0, UIO_MAXIOV), flags = c.i32(3), tsp = c.num(4);
  let deadline: number | undefined;
  if (tsp) {
    const sec = c.mem.readU64(tsp), nsec = c.mem.readU64(tsp + 8);
    if (sec < 0n || (sec >> 63n) !== 0n || nsec >= 1_000_000_000n) throw new SysError(Errno.EINVAL);
    deadline = performance.now() + Number(sec) * 1000 + Number(nsec) / 1e6;
  }
  if (vlen) c.mem.check(vec, vlen * MMSG_SIZE, 'w');
  const step = (i: number): SyscallResult => {
    if (i >= vlen) return i;
    if (i > 0 && deadline !== undefined && performance.now() >= deadline) return i;
    const f = i > 0 && (flags & MSG_WAITFORONE) ? flags | MSG_DONTWAIT : flags;
    return settle(() => recvMsgAt(c, s, vec + i * MMSG_SIZE, f & ~MSG_WAITFORONE), (n) => { c.mem.writeU32(vec + i * MMSG_SIZE + MMSG_LEN, n); return step(i + 1); }, (e) => { if (i === 0) throw e; return i; });
  };
  return step(0);
}

// ---- options -------------------------------------------------------------------------------

const SO = { REUSEADDR: 2, TYPE: 3, ERROR: 4, SNDBUF: 7, RCVBUF: 8, KEEPALIVE: 9, LINGER: 13, PASSCRED: 16, PEERCRED: 17, RCVTIMEO: 20, SNDTIMEO: 21, ACCEPTCONN: 30, PROTOCOL: 38, DOMAIN: 39 };
const TCP_NODELAY = 1, TCP_INFO = 11;

export function sys_setsockopt(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const level = c.i32(1), name = c.i32(2), val = c.num(3), len = c.i32(4);
  if (len < 0) throw new SysError(Errno.EINVAL);
  if (level !== SOL_SOCKET && level !== IPPROTO_TCP && level !== IPPROTO_IP && level !== IPPROTO_IPV6 && level !== IPPROTO_UDP) throw new SysError(Errno.ENOPROTOOPT);
  if ((level === IPPROTO_TCP) && !(s instanceof TcpSocket)) throw new SysError(Errno.EOPNOTSUPP);
  if ((level === IPPROTO_IP || level === IPPROTO_IPV6 || level === IPPROTO_TCP || level === IPPROTO_UDP) && s.domain === AF_UNIX) throw new SysError(Errno.EOPNOTSUPP);
  if (level === SOL_SOCKET && (name === SO.RCVTIMEO || name === SO.SNDTIMEO)) {
    if (len < 16) throw new SysError(Errno.EINVAL);
    const sec = c.mem.readU64Num(val), usec = c.mem.readU64Num(val + 8);
    if (usec >= 1_000_000) throw new SysError(Errno.EDOM);
    const ms = sec * 1000 + Math.ceil(usec / 1000);
    if (name === SO.RCVTIMEO) s.rcvTimeoMs = ms; else s.sndTimeoMs = ms;
    return 0;
  }
  if (level === SOL_SOCKET && name === SO.LINGER) {
    if (len < 8) throw new SysError(Errno.EINVAL);
    s.lingerOn = c.mem.readU32(val) | 0;
    s.lingerSecs = c.mem.readU32(val + 4) | 0;
    return 0;
  }
  if (len < 4) throw new SysError(Errno.EINVAL);
  let v = c.mem.readU32(val) | 0;
  if (level === SOL_SOCKET && (name === SO.TYPE || name === SO.ERROR || name === SO.PEERCRED || name === SO.ACCEPTCONN || name === SO.PROTOCOL || name === SO.DOMAIN)) throw new SysError(Errno.ENOPROTOOPT);
  if (level === SOL_SOCKET && (name === SO.SNDBUF || name === SO.RCVBUF)) v = Math.max(name === SO.SNDBUF ? 4608 : 2304, Math.min(v, 212992) * 2);
  if (level === IPPROTO_IPV6 && name === 26 && s instanceof TcpSocket && s.listening) throw new SysError(Errno.EINVAL);
  s.opts.set(`${level}:${name}`, v);
  if (s instanceof TcpSocket) {
    if (level === IPPROTO_TCP && name === TCP_NODELAY) s.setNoDelay(v !== 0);
    if (level === SOL_SOCKET && name === SO.KEEPALIVE) s.setKeepAlive(v !== 0);
  }
  return 0;
}

export function sys_getsockopt(c: Call): SyscallResult {
  const s = socketOf(c, 0);
  const level = c.i32(1), name = c.i32(2), val = c.num(3), lenp = c.num(4);
  const len = c.mem.readU32(lenp) | 0;
  if (len < 0) throw new SysError(Errno.EINVAL);
  const out = (b: Uint8Array) => {
    const n = Math.min(len, b.length);
    if (n) c.write(val, b.subarray(0, n));
    c.mem.writeU32(lenp, n);
    return 0;
  };
  const int = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setInt32(0, v, true); return out(b); };
  if (level === SOL_SOCKET) {
    switch (name) {
      case SO.TYPE: return int(s.type);
      case SO.DOMAIN: return int(s.domain);
      case SO.PROTOCOL: return int(s.protocol);
      case SO.ACCEPTCONN: return int(s.listening ? 1 : 0);
      case SO.ERROR: { const e = s.pendingError; s.pendingError = 0; return int(e); }
      // defaults: net.core.[rw]mem_default; TCP's from tcp_rmem / tcp_wmem (131072 / 16384)
      case SO.SNDBUF: case SO.RCVBUF: return int(s.opts.get(`1:${name}`) ?? (s instanceof TcpSocket ? (name === SO.RCVBUF ? 131072 : 16384) : UNIX_BUF));
      case SO.LINGER: { const b = new Uint8Array(8); const dv = new DataView(b.buffer); dv.setInt32(0, s.lingerOn, true); dv.setInt32(4, s.lingerSecs, true); return out(b); }
      case SO.RCVTIMEO: case SO.SNDTIMEO: {
        const ms = name === SO.RCVTIMEO ? s.rcvTimeoMs : s.sndTimeoMs;
        const b = new Uint8Array(16); const dv = new DataView(b.buffer);
        dv.setBigUint64(0, BigInt(Math.floor(ms / 1000)), true); dv.setBigUint64(8, BigInt((ms % 1000) * 1000), true);
        return out(b);
      }
      case SO.PEERCRED: {
        const pc = s instanceof UnixSocket ? s.peerCreds : undefined;
        const b = new Uint8Array(12); const dv = new DataView(b.buffer);
        dv.setInt32(0, pc?.pid ?? 0, true); dv.setInt32(4, pc?.uid ?? -1, true); dv.setInt32(8, pc?.gid ?? -1, true);
        return out(b);
      }
      default: return int(s.opts.get(`1:${name}`) ?? 0);
    }
  }
  if (s.domain === AF_UNIX) throw new SysError(Errno.EOPNOTSUPP);
  if (level === IPPROTO_TCP || level === IPPROTO_IP || level === IPPROTO_IPV6 || level === IPPROTO_UDP) {
    if (level === IPPROTO_TCP && !(s instanceof TcpSocket)) throw new SysError(Errno.EOPNOTSUPP);
    if (level === IPPROTO_IP && name === 2) return int(s.opts.get('0:2') ?? 64); // IP_TTL
    if (level === IPPROTO_TCP && name === 2) return int(s.opts.get('6:2') ?? 536); // TCP_MAXSEG
    if (level === IPPROTO_TCP && name === TCP_INFO) {
      // struct tcp_info as Linux 6.x returns it (232 bytes); only tcpi_state is known here.
      const b = new Uint8Array(232);
      b[0] = (s as TcpSocket).tcpState();
      return out(b);
    }
    return int(s.opts.get(`${level}:${name}`) ?? 0);
  }
  throw new SysError(Errno.ENOPROTOOPT);
}
