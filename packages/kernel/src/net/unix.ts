// AF_UNIX sockets, entirely inside the kernel: stream, datagram and seqpacket; socketpair;
// names in the abstract namespace (a leading NUL, keyed '@' + name) or bound to guest paths (a
// socket inode in the file system, keyed by that inode: unixpath.ts), in a per-kernel registry;
// SCM_RIGHTS and SCM_CREDENTIALS travel with the bytes.
import { Block } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM, type FileDescription, type WriteResult } from '../files/file.js';
import { readinessBlock } from '../files/waitqueue.js';
import { AF_UNIX, type SockAddr } from './addr.js';
import {
  MSG_PEEK, MSG_WAITALL, SHUT_RD, SHUT_WR, SOCK_DGRAM, SOCK_STREAM, Socket,
  type Later, type RecvResult, type SendOpts, type SockMsg,
} from './socket.js';

/** Default SO_RCVBUF / SO_SNDBUF of an AF_UNIX socket (net.core.*mem_default). */
export const UNIX_BUF = 212992;
/** net.unix.max_dgram_qlen. */
const MAX_DGRAM_QLEN = 512;

/** The names bound in one kernel: key -> socket. */
export type UnixRegistry = Map<string, UnixSocket>;
const registries = new WeakMap<object, UnixRegistry>();
export function unixRegistry(kernel: object): UnixRegistry {
  let r = registries.get(kernel);
  if (!r) registries.set(kernel, (r = new Map()));
  return r;
}

type Creds = { pid: number; uid: number; gid: number };

export class UnixSocket extends Socket {
  peer?: UnixSocket;
  /** The peer closed (stream/seqpacket: end of file, then EPIPE on send). */
  peerGone = false;
  /** The peer shut down its sending side. */
  peerShutWr = false;
  /** Datagram default destination (connect). */
  dgramPeer?: UnixSocket;
  private rx: SockMsg[] = [];
  private rxBytes = 0;
  private backlog: UnixSocket[] = [];
  private backlogMax = 0;
  name?: Uint8Array;
  private key?: string;
  /** The creator's credentials (SO_PEERCRED of its peer), and the peer's. */
  peerCreds?: Creds;

  constructor(type: number, flags: number, readonly registry: UnixRegistry, readonly creds: Creds) {
    super(AF_UNIX, type, 0, flags);
  }

  get connOriented(): boolean { return this.type !== SOCK_DGRAM; }

  static pair(type: number, flags: number, registry: UnixRegistry, creds: Creds): [UnixSocket, UnixSocket] {
    const a = new UnixSocket(type, flags, registry, creds), b = new UnixSocket(type, flags, registry, creds);
    if (type === SOCK_DGRAM) { a.dgramPeer = b; b.dgramPeer = a; }
    a.peer = b; b.peer = a;
    a.peerCreds = creds; b.peerCreds = creds;
    return [a, b];
  }

  override get hostDriven(): boolean { return false; }

  bind(addr: SockAddr, key?: string): number {
    if (addr.family !== AF_UNIX) throw new SysError(Errno.EINVAL);
    if (this.name) throw new SysError(Errno.EINVAL);
    let name = addr.name;
    if (!name.length) {
      // autobind: a 5-hex-digit abstract name
      let k: string;
      do { k = Math.floor(Math.random() * 0xfffff).toString(16).padStart(5, '0'); } while (this.registry.has('@\0' + k));
      name = new Uint8Array([0, ...new TextEncoder().encode(k)]);
      key = '@\0' + k;
    }
    if (!key) throw new SysError(Errno.EINVAL);
    // A path key names an inode bind just created: an entry left under it belongs to a socket
    // whose name was unlinked (its inode number reused), which no longer owns it.
    if (this.registry.has(key) && !key.startsWith('ino:')) throw new SysError(Errno.EADDRINUSE);
    this.registry.set(key, this);
    this.name = name;
    this.key = key;
    return 0;
  }

  listen(backlog: number): number {
    if (!this.connOriented) throw new SysError(Errno.EOPNOTSUPP);
    if (this.peer) throw new SysError(Errno.EINVAL);
    if (!this.name) this.bind({ family: AF_UNIX, name: new Uint8Array(0) });
    this.listening = true;
    this.backlogMax = Math.max(1, Math.min(backlog, 4096));
    this.queue.notify();
    return 0;
  }

  accept(nonblock: boolean): Later<UnixSocket> {
    if (!this.listening) throw new SysError(Errno.EINVAL);
    const s = this.backlog.shift();
    if (s) { this.queue.notify(); return s; }
    if (nonblock) throw new SysError(Errno.EAGAIN);
    return readinessBlock([this], () => this.accept(nonblock), { what: `accept ${this.path}` });
  }

  /** The socket bound to key (a missing path name was already ENOENT; a name without a socket is refused). */
  private lookup(key: string | undefined, _abstract: boolean): UnixSocket {
    const t = key ? this.registry.get(key) : undefined;
    if (!t) throw new SysError(Errno.ECONNREFUSED);
    return t;
  }

  connect(addr: SockAddr, key?: string): Later<number> {
    if (!this.connOriented) {
      if ((addr.family as number) === 0) { this.dgramPeer = undefined; return 0; }
      if (addr.family !== AF_UNIX) throw new SysError(Errno.EINVAL);
      const t = this.lookup(key, addr.name[0] === 0);
      if (t.type !== this.type) throw new SysError(Errno.EPROTOTYPE);
      this.dgramPeer = t;
      return 0;
    }
    if (addr.family !== AF_UNIX) throw new SysError(Errno.EINVAL);
    if (this.listening) throw new SysError(Errno.EINVAL);
    if (this.peer) throw new SysError(Errno.EISCONN);
    const l = this.lookup(key, addr.name[0] === 0);
    if (l.type !== this.type) throw new SysError(Errno.EPROTOTYPE);
    if (!l.listening) throw new SysError(Errno.ECONNREFUSED);
    if (l.backlog.length >= l.backlogMax) {
      if (this.nonblock) throw new SysError(Errno.EAGAIN);
      return readinessBlock([l], () => this.connect(addr, key), { what: `connect ${this.path}` });
    }
    const srv = new UnixSocket(this.type, 0, this.registry, l.creds);
    srv.name = l.name;
    srv.who = l.who;
    srv.peer = this; this.peer = srv;
    srv.peerCreds = this.creds; this.peerCreds = l.creds;
    l.backlog.push(srv);
    l.queue.notify();
    this.queue.notify();
    return 0;
  }

  /** Room in this socket's receive queue for n more bytes. */
  private roomFor(n: number): boolean {
    if (this.type === SOCK_DGRAM) return this.rx.length < MAX_DGRAM_QLEN && this.rxBytes + n <= UNIX_BUF;
    return this.rxBytes < UNIX_BUF;
  }

  private deliver(m: SockMsg): void {
    this.rx.push(m);
    this.rxBytes += m.data.length;
    this.queue.notify();
  }

  /** The calling task's credentials (set by the syscall layer), for write() and send() without SCM_CREDENTIALS. */
  who?: () => Creds;

  send(data: Uint8Array, o: SendOpts): WriteResult {
    if (this.shutWr) throw new SysError(Errno.EPIPE);
    if (!o.creds && this.who) o = { ...o, creds: this.who() };
    if (this.type === SOCK_DGRAM) return this.sendDgram(data, o);
    if (o.to && !this.peer) throw new SysError(Errno.EOPNOTSUPP);
    if (!this.peer) throw new SysError(this.peerGone ? Errno.EPIPE : Errno.ENOTCONN);
    if (this.peerGone || this.peer.shutRd) throw new SysError(Errno.EPIPE);
    if (this.type !== SOCK_STREAM) {
      if (data.length > UNIX_BUF) throw new SysError(Errno.EMSGSIZE);
      return this.sendMsgTo(this.peer, data, o, true);
    }
    return this.sendStream(data, 0, o);
  }

  private sendStream(data: Uint8Array, done: number, o: SendOpts): WriteResult {
    const p = this.peer;
    if (!p || this.peerGone || p.shutRd) { if (done) return done; throw new SysError(Errno.EPIPE); }
    if (p.roomFor(1)) {
      const n = Math.min(data.length - done, Math.max(UNIX_BUF - p.rxBytes, 1));
      p.deliver({ data: data.slice(done, done + n), rights: done === 0 ? o.rights : undefined, creds: done === 0 ? o.creds : undefined });
      this.queue.notify();
      done += n;
      if (done === data.length || !o.block) return done;
    } else if (!o.block) {
      if (done) return done;
      throw new SysError(Errno.EAGAIN);
    }
    return readinessBlock([this, p], () => this.sendStream(data, done, o), { what: `send ${this.path}` });
  }

  private sendMsgTo(t: UnixSocket, data: Uint8Array, o: SendOpts, conn: boolean): WriteResult {
    if (conn && (this.peerGone || t.shutRd)) throw new SysError(Errno.EPIPE);
    if (t.roomFor(data.length)) {
      t.deliver({ data: data.slice(), rights: o.rights, creds: o.creds, from: this.name ? { family: AF_UNIX, name: this.name } : undefined });
      return data.length;
    }
    if (!o.block) throw new SysError(Errno.EAGAIN);
    return readinessBlock([this, t], () => this.sendMsgTo(t, data, o, conn), { what: `send ${this.path}` });
  }

  private sendDgram(data: Uint8Array, o: SendOpts): WriteResult {
    let t: UnixSocket | undefined;
    if (o.to) {
      if (o.to.family !== AF_UNIX) throw new SysError(Errno.EINVAL);
      t = this.lookup(o.toKey, o.to.name[0] === 0);
      if (t.type !== SOCK_DGRAM) throw new SysError(Errno.EPROTOTYPE);
    } else {
      t = this.dgramPeer;
      if (!t) throw new SysError(Errno.ENOTCONN);
      if (t.closed) throw new SysError(Errno.ECONNREFUSED);
    }
    if (data.length > UNIX_BUF) throw new SysError(Errno.EMSGSIZE);
    return this.sendMsgTo(t, data, o, false);
  }

  closed = false;

  recv(len: number, flags: number, block: boolean): Later<RecvResult> {
    if (this.connOriented && !this.peer && !this.peerGone) throw new SysError(this.listening ? Errno.EINVAL : Errno.ENOTCONN);
    if (!this.rx.length) {
      if (this.shutRd || this.peerGone || this.peerShutWr) return { data: new Uint8Array(0), full: 0 };
      if (!block) throw new SysError(Errno.EAGAIN);
      return readinessBlock([this], () => this.recv(len, flags, block), { what: `recv ${this.path}`, deadline: this.rcvTimeoMs ? performance.now() + this.rcvTimeoMs : undefined });
    }
    const peek = (flags & MSG_PEEK) !== 0;
    if (this.type !== SOCK_STREAM) {
      const m = this.rx[0];
      if (!peek) { this.rx.shift(); this.rxBytes -= m.data.length; this.notifyWriters(); }
      return { data: m.data.subarray(0, len), full: m.data.length, rights: peek ? undefined : m.rights, creds: m.creds, from: m.from };
    }
    const parts: Uint8Array[] = [];
    let got = 0, i = 0;
    let rights: FileDescription[] | undefined, creds: Creds | undefined;
    while (got < len && i < this.rx.length) {
      const m = this.rx[i];
      if (i > 0 && m.rights) break; // a message with fds starts a new read
      if (i === 0) { rights = m.rights; creds = m.creds; }
      const k = Math.min(m.data.length, len - got);
      parts.push(m.data.subarray(0, k));
      got += k;
      if (!peek) {
        if (k === m.data.length) { this.rx.shift(); i--; } else { this.rx[0] = { data: m.data.subarray(k) }; }
        this.rxBytes -= k;
      }
      i++;
      if (rights) break;
    }
    const data = new Uint8Array(got);
    let off = 0;
    for (const p of parts) { data.set(p, off); off += p.length; }
    if (!peek) this.notifyWriters();
    if ((flags & MSG_WAITALL) && !peek && block && got < len && !this.peerGone && !this.peerShutWr && !this.shutRd) {
      const rest = this.recv(len - got, flags, block);
      const join = (r: RecvResult): RecvResult => {
        const all = new Uint8Array(got + r.data.length);
        all.set(data); all.set(r.data, got);
        return { data: all, full: all.length, rights: rights ?? r.rights, creds };
      };
      return rest instanceof Block ? rest.then(join) : join(rest);
    }
    return { data, full: got, rights, creds };
  }

  /**
   * Space was freed in this socket's receive queue: wake the writers. A stream/seqpacket writer
   * is the peer (its own queue); datagram senders wait on the receiver's queue. The reader's own
   * queue is not notified for streams, so an edge-triggered epoll on it sees no false edge.
   */
  private notifyWriters(): void {
    if (this.type === SOCK_DGRAM || !this.peer) this.queue.notify();
    this.peer?.queue.notify();
  }

  available(): number {
    if (this.type === SOCK_STREAM) return this.rxBytes;
    return this.rx[0]?.data.length ?? 0;
  }

  localName(): SockAddr {
    return { family: AF_UNIX, name: this.name ?? new Uint8Array(0) };
  }

  peerName(): SockAddr {
    const p = this.connOriented ? this.peer : this.dgramPeer;
    if (!p) throw new SysError(Errno.ENOTCONN);
    return { family: AF_UNIX, name: p.name ?? new Uint8Array(0) };
  }

  shutdown(how: number): void {
    if (how < 0 || how > 2) throw new SysError(Errno.EINVAL);
    if (this.connOriented && !this.peer) throw new SysError(Errno.ENOTCONN);
    if (how !== SHUT_WR) this.shutRd = true;
    if (how !== SHUT_RD) {
      this.shutWr = true;
      if (this.peer) this.peer.peerShutWr = true;
    }
    this.notifyWriters();
  }

  override poll(): number {
    if (this.listening) return this.backlog.length ? POLLIN | POLLRDNORM : 0;
    let r = 0;
    if (this.rx.length) r |= POLLIN | POLLRDNORM;
    if (this.type === SOCK_DGRAM) {
      const t = this.dgramPeer;
      if (!t || t.roomFor(1)) r |= POLLOUT | POLLWRNORM;
      if (this.shutRd) r |= POLLIN | POLLRDNORM | POLLRDHUP;
      return r;
    }
    if (!this.peer && !this.peerGone) return r | POLLOUT | POLLWRNORM | POLLHUP;
    if (this.shutRd || this.peerShutWr || this.peerGone) r |= POLLIN | POLLRDNORM | POLLRDHUP;
    if (this.peerGone || (this.shutWr && (this.shutRd || this.peerShutWr))) r |= POLLHUP;
    if (this.peerGone && this.shutWr === false && this.pendingError) r |= POLLERR;
    if (!this.shutWr && !this.peerGone && this.peer && this.peer.roomFor(1)) r |= POLLOUT | POLLWRNORM;
    if (this.peerGone && !this.shutWr) r |= POLLOUT | POLLWRNORM;
    return r;
  }

  protected override release(): void {
    this.closed = true;
    if (this.key && this.registry.get(this.key) === this) this.registry.delete(this.key);
    for (const s of this.backlog.splice(0)) s.unref();
    for (const m of this.rx.splice(0)) for (const f of m.rights ?? []) f.unref();
    this.rxBytes = 0;
    const p = this.peer;
    if (p) { p.peerGone = true; p.peer = undefined; p.queue.notify(); }
    this.peer = undefined;
    this.queue.notify();
  }
}
