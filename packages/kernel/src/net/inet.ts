// AF_INET / AF_INET6 sockets mapped to the host through Node: TCP over `net`, UDP over `dgram`.
// Node's sockets are asynchronous; here they only fill queues and notify the socket's WaitQueue
// (host-driven readiness), and the guest's calls read those queues or park on a Block.
//
// TCP: Node cannot bind without listening, so bind() probes: it listens on the host address to
// get the port (the port the host picked for port 0, or EADDRINUSE / EADDRNOTAVAIL / EACCES) and
// closes again, keeping the port reserved among guest sockets (the `reserved` table, with Linux's
// SO_REUSEADDR / SO_REUSEPORT rules). Only listen() opens the host listener, with the guest's
// backlog, so a connection before listen() is refused as on Linux. A bound socket that connects
// connects from its port.
import * as net from 'node:net';
import * as dgram from 'node:dgram';
import { Block } from '../block.js';
import { Errno, SysError, hostErrno } from '../errors.js';
import { POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDHUP, POLLRDNORM, POLLWRNORM, type WriteResult } from '../files/file.js';
import { readinessBlock } from '../files/waitqueue.js';
import { AF_INET, AF_INET6, fromNode, isAnyAddr, isLoopback, type SockAddr } from './addr.js';
import { MSG_PEEK, MSG_WAITALL, SHUT_RD, SHUT_WR, SOCK_DGRAM, Socket, type Later, type RecvResult, type SendOpts } from './socket.js';

export type NetPolicy = 'host' | 'loopback' | 'none';

/** Receive queue size at which the host socket is paused (the guest reads slower than the peer sends). */
const RX_HIGH = 1 << 20;
/** Bytes Node may hold unsent before a send waits (like a full socket send buffer). */
const TX_HIGH = 1 << 18;

function hostError(e: unknown): number {
  const n = hostErrno(e);
  return n === Errno.EIO ? Errno.ECONNRESET : n;
}

/** Checks an address against the run's policy; returns the host address to use. */
function policyHost(policy: NetPolicy, a: SockAddr, forBind: boolean): string {
  if (a.family !== AF_INET && a.family !== AF_INET6) throw new SysError(Errno.EAFNOSUPPORT);
  if (policy === 'none') throw new SysError(forBind ? Errno.EADDRNOTAVAIL : Errno.ENETUNREACH);
  if (policy === 'loopback' && !isLoopback(a)) {
    if (forBind && isAnyAddr(a)) return a.family === AF_INET ? '127.0.0.1' : '::1';
    throw new SysError(forBind ? Errno.EADDRNOTAVAIL : Errno.ENETUNREACH);
  }
  return a.host;
}

function waitFor<T>(s: Socket, ready: () => boolean, then: () => T, what: string, deadlineMs = 0): Block<T> {
  const again = (timedOut: boolean): T | Block<T> => {
    if (ready()) return then();
    if (timedOut) throw new SysError(Errno.EAGAIN);
    return readinessBlock([s], again, { what, deadline: deadlineMs ? performance.now() + deadlineMs : undefined }) as unknown as T;
  };
  return readinessBlock([s], again, { what, deadline: deadlineMs ? performance.now() + deadlineMs : undefined }) as Block<T>;
}

/** A guest TCP socket holding a bound port (bind without a host listener yet). */
interface Reservation { sock: TcpSocket; host: string; port: number; family: number }
const reserved: Reservation[] = [];

/**
 * Whether binding (or listening) s on host:port conflicts with another guest socket (Linux's
 * inet_csk_bind_conflict, simplified): the same port on overlapping addresses, unless both set
 * SO_REUSEADDR and the other is not listening, or both set SO_REUSEPORT.
 */
function bindConflict(s: TcpSocket, family: number, host: string, port: number): boolean {
  const any = (h: string) => h === '0.0.0.0' || h === '::';
  for (const r of reserved) {
    if (r.sock === s || r.port !== port) continue;
    if (r.family !== family && !any(r.host) && !any(host)) continue;
    if (r.host !== host && !any(r.host) && !any(host)) continue;
    const reuseAddr = s.opts.get('1:2') && r.sock.opts.get('1:2') && !r.sock.listening;
    const reusePort = s.opts.get('1:15') && r.sock.opts.get('1:15');
    if (!reuseAddr && !reusePort) return true;
  }
  return false;
}

export class TcpSocket extends Socket {
  private server?: net.Server;
  private sock?: net.Socket;
  private state: 'new' | 'binding' | 'bound' | 'connecting' | 'connected' | 'failed' = 'new';
  private bindError = 0;
  private incoming: net.Socket[] = [];
  private rx: Buffer[] = [];
  private rxBytes = 0;
  private eof = false;
  private hostClosed = false;
  private everConnected = false;
  private resetSeen = false;
  /** The bound address (port filled in once the host picked it). */
  private bindAddr?: SockAddr;
  /** The host address bind and listen use (the policy may turn "any" into loopback). */
  private bindHost = '';
  /** listen() is starting the host listener. */
  private starting = false;
  private backlog = 0;
  /** The guest closed the socket (a bind probe finishing later must not reserve the port). */
  private closedDown = false;

  constructor(domain: number, flags: number, readonly policy: NetPolicy) {
    super(domain, 1, 6, flags);
  }

  override get hostDriven(): boolean { return true; }

  private anyAddr(): SockAddr {
    return this.domain === AF_INET ? { family: AF_INET, host: '0.0.0.0', port: 0 } : { family: AF_INET6, host: '::', port: 0, flowinfo: 0, scope: 0 };
  }

  private get v6only(): boolean { return this.domain === AF_INET6 && this.opts.get('41:26') === 1; }

  private unreserve(): void {
    const i = reserved.findIndex((r) => r.sock === this);
    if (i >= 0) reserved.splice(i, 1);
  }

  bind(addr: SockAddr): Later<number> {
    if (addr.family !== this.domain) throw new SysError(this.domain === AF_INET ? Errno.EAFNOSUPPORT : Errno.EINVAL);
    if (this.state !== 'new' || this.bindAddr) throw new SysError(Errno.EINVAL);
    const host = policyHost(this.policy, addr, true);
    const port = (addr as { port: number }).port;
    if (port && bindConflict(this, this.domain, host, port)) throw new SysError(Errno.EADDRINUSE);
    this.state = 'binding';
    this.bindError = 0;
    // The probe: listen to learn the port (or the host's refusal), then close at once.
    const probe = net.createServer();
    const fail = (e: Error) => { this.bindError = hostError(e); this.state = 'new'; this.queue.notify(); };
    probe.once('error', fail);
    probe.listen({ host, port, exclusive: true, ipv6Only: this.v6only }, () => {
      probe.off('error', fail);
      const a = probe.address() as net.AddressInfo;
      probe.close(() => {
        if (this.closedDown) return;
        if (!port && bindConflict(this, this.domain, host, a.port)) { this.bindError = Errno.EADDRINUSE; this.state = 'new'; this.queue.notify(); return; }
        this.bindHost = host;
        this.bindAddr = { ...addr, port: a.port } as SockAddr;
        reserved.push({ sock: this, host, port: a.port, family: this.domain });
        this.state = 'bound';
        this.queue.notify();
      });
    });
    return waitFor(this, () => this.state !== 'binding', () => {
      if (this.state === 'new') { const e = this.bindError || Errno.EADDRINUSE; this.bindError = 0; throw new SysError(e === Errno.EADDRNOTAVAIL || e === Errno.EADDRINUSE || e === Errno.EACCES ? e : Errno.EADDRNOTAVAIL); }
      return 0;
    }, `bind ${this.path}`);
  }

  listen(backlog: number): Later<number> {
    if (this.state === 'connected' || this.state === 'connecting') throw new SysError(Errno.EINVAL);
    // Linux clamps to net.core.somaxconn (4096); the accept queue holds backlog + 1.
    this.backlog = Math.max(0, Math.min(backlog < 0 ? 4096 : backlog, 4096));
    if (this.listening) return 0;
    if (this.state === 'new') {
      const b = this.bind(this.anyAddr());
      return b instanceof Block ? b.then(() => this.listen(backlog)) : this.listen(backlog);
    }
    if (this.starting) return waitFor(this, () => !this.starting, () => this.listenResult(), `listen ${this.path}`);
    if (this.state !== 'bound' || !this.bindAddr) throw new SysError(Errno.EINVAL);
    if (bindConflict(this, this.domain, this.bindHost, (this.bindAddr as { port: number }).port)) throw new SysError(Errno.EADDRINUSE);
    const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
    this.server = srv;
    this.starting = true;
    this.bindError = 0;
    srv.on('connection', (s) => { this.incoming.push(s); s.on('error', () => {}); this.queue.notify(); });
    srv.once('error', (e) => { this.bindError = hostError(e); this.server = undefined; this.starting = false; this.queue.notify(); });
    srv.listen({ host: this.bindHost, port: (this.bindAddr as { port: number }).port, exclusive: true, ipv6Only: this.v6only, backlog: this.backlog }, () => {
      this.starting = false;
      this.listening = true;
      this.queue.notify();
    });
    return waitFor(this, () => !this.starting, () => this.listenResult(), `listen ${this.path}`);
  }

  private listenResult(): number {
    if (this.listening) return 0;
    const e = this.bindError || Errno.EADDRINUSE;
    this.bindError = 0;
    throw new SysError(e === Errno.EACCES ? e : Errno.EADDRINUSE);
  }

  accept(nonblock: boolean): Later<Socket> {
    if (!this.listening) throw new SysError(Errno.EINVAL);
    const s = this.incoming.shift();
    if (s) {
      const t = new TcpSocket(this.domain, 0, this.policy);
      t.attach(s);
      s.resume();
      return t;
    }
    if (nonblock) throw new SysError(Errno.EAGAIN);
    return readinessBlock([this], () => this.accept(nonblock), { what: `accept ${this.path}` });
  }

  /** Takes over a connected host socket. */
  private attach(s: net.Socket): void {
    this.sock = s;
    this.state = 'connected';
    this.everConnected = true;
    if (this.opts.get('6:1')) s.setNoDelay(true);
    s.on('data', (d: Buffer) => {
      this.rx.push(d);
      this.rxBytes += d.length;
      if (this.rxBytes > RX_HIGH) s.pause();
      this.queue.notify();
    });
    s.on('end', () => { this.eof = true; this.queue.notify(); });
    s.on('drain', () => this.queue.notify());
    s.on('error', (e) => { this.pendingError = hostError(e); if (this.pendingError === Errno.ECONNRESET) this.resetSeen = true; this.queue.notify(); });
    s.on('close', () => { this.hostClosed = true; this.eof = true; this.queue.notify(); });
  }

  connect(addr: SockAddr): Later<number> {
    if (this.listening) throw new SysError(Errno.EISCONN);
    if (this.state === 'connected') throw new SysError(Errno.EISCONN);
    if (this.state === 'connecting') throw new SysError(Errno.EALREADY);
    if (this.state === 'failed') {
      this.state = 'new';
      const e = this.pendingError;
      this.pendingError = 0;
      if (e) throw new SysError(e);
    }
    if (addr.family !== this.domain) throw new SysError(addr.family === 0 as number ? Errno.EAFNOSUPPORT : Errno.EAFNOSUPPORT);
    const host = policyHost(this.policy, addr, false);
    let localPort: number | undefined, localAddress: string | undefined;
    if (this.state === 'bound' && this.bindAddr) {
      localPort = (this.bindAddr as { port: number }).port;
      localAddress = this.bindHost;
      this.unreserve();
      this.bindAddr = undefined;
    }
    const s = net.connect({ host, port: (addr as { port: number }).port, localPort, localAddress: localAddress === '0.0.0.0' || localAddress === '::' ? undefined : localAddress, allowHalfOpen: true, noDelay: this.opts.get('6:1') === 1 });
    this.sock = s;
    this.state = 'connecting';
    const onErr = (e: Error) => { this.state = 'failed'; this.pendingError = hostError(e); this.queue.notify(); };
    s.once('error', onErr);
    s.once('connect', () => { s.off('error', onErr); this.attach(s); this.queue.notify(); });
    if (this.nonblock) throw new SysError(Errno.EINPROGRESS);
    return waitFor(this, () => this.state !== 'connecting', () => {
      if (this.state === 'failed') { this.state = 'new'; const e = this.pendingError; this.pendingError = 0; throw new SysError(e || Errno.ECONNREFUSED); }
      return 0;
    }, `connect ${this.path}`);
  }

  send(data: Uint8Array, o: SendOpts): WriteResult {
    if (this.state !== 'connected' || !this.sock) throw new SysError(this.state === 'connecting' ? Errno.EAGAIN : Errno.EPIPE);
    if (this.pendingError) { const e = this.pendingError; this.pendingError = 0; throw new SysError(e); }
    if (this.shutWr || this.hostClosed || this.resetSeen || this.sock.writableEnded) throw new SysError(Errno.EPIPE);
    if (!data.length) return 0;
    if (this.sock.writableLength >= TX_HIGH) {
      if (!o.block) throw new SysError(Errno.EAGAIN);
      return readinessBlock([this], () => this.send(data, o), { what: `send ${this.path}`, deadline: this.sndTimeoMs ? performance.now() + this.sndTimeoMs : undefined });
    }
    this.sock.write(Buffer.from(data));
    return data.length;
  }

  recv(len: number, flags: number, block: boolean): Later<RecvResult> {
    if (this.listening || (this.state !== 'connected' && !this.everConnected)) throw new SysError(Errno.ENOTCONN);
    if (this.rxBytes === 0) {
      if (this.pendingError) { const e = this.pendingError; this.pendingError = 0; throw new SysError(e); }
      if (this.eof || this.shutRd) return { data: new Uint8Array(0), full: 0 };
      if (!block) throw new SysError(Errno.EAGAIN);
      return readinessBlock([this], (timedOut) => {
        if (timedOut && this.rxBytes === 0 && !this.eof) throw new SysError(Errno.EAGAIN);
        return this.recv(len, flags, block);
      }, { what: `recv ${this.path}`, deadline: this.rcvTimeoMs ? performance.now() + this.rcvTimeoMs : undefined });
    }
    const n = Math.min(len, this.rxBytes);
    const out = new Uint8Array(n);
    let got = 0, i = 0;
    while (got < n) {
      const c = this.rx[i];
      const k = Math.min(c.length, n - got);
      out.set(c.subarray(0, k), got);
      got += k;
      if (!(flags & MSG_PEEK)) {
        if (k === c.length) { this.rx.shift(); } else { this.rx[0] = c.subarray(k); }
      } else i++;
    }
    if (!(flags & MSG_PEEK)) {
      this.rxBytes -= n;
      if (this.rxBytes < RX_HIGH / 2 && this.sock?.isPaused()) this.sock.resume();
    }
    if ((flags & MSG_WAITALL) && !(flags & MSG_PEEK) && block && n < len && !this.eof) {
      const rest = this.recv(len - n, flags, block);
      const join = (r: RecvResult): RecvResult => {
        const all = new Uint8Array(n + r.data.length);
        all.set(out); all.set(r.data, n);
        return { data: all, full: all.length };
      };
      return rest instanceof Block ? rest.then(join) : join(rest);
    }
    return { data: out, full: n };
  }

  available(): number { return this.rxBytes; }

  localName(): SockAddr {
    const fam = this.domain;
    if (this.sock && this.sock.localPort !== undefined) return fromNode(fam, this.sock.localAddress, this.sock.localPort);
    if (this.bindAddr) return this.bindAddr;
    return this.anyAddr();
  }

  peerName(): SockAddr {
    if (this.state !== 'connected' || !this.sock || this.sock.remotePort === undefined) throw new SysError(Errno.ENOTCONN);
    return fromNode(this.domain, this.sock.remoteAddress, this.sock.remotePort);
  }

  shutdown(how: number): void {
    if (how < 0 || how > 2) throw new SysError(Errno.EINVAL);
    if (this.state !== 'connected' || !this.sock) throw new SysError(Errno.ENOTCONN);
    if (how !== SHUT_WR) this.shutRd = true;
    if (how !== SHUT_RD && !this.shutWr) { this.shutWr = true; this.sock.end(); }
    this.queue.notify();
  }

  /** TCP_INFO's tcpi_state (include/net/tcp_states.h), from what the host socket shows. */
  tcpState(): number {
    if (this.listening) return 10; // LISTEN
    if (this.state === 'connecting') return 2; // SYN_SENT
    if (this.state !== 'connected' || this.hostClosed || this.resetSeen) return 7; // CLOSE
    if (this.eof && !this.shutWr) return 8; // CLOSE_WAIT
    if (this.shutWr && !this.eof) return 5; // FIN_WAIT2
    if (this.shutWr && this.eof) return 7;
    return 1; // ESTABLISHED
  }

  setNoDelay(on: boolean): void { this.sock?.setNoDelay(on); }
  setKeepAlive(on: boolean): void { this.sock?.setKeepAlive(on); }

  override poll(): number {
    if (this.listening) return this.incoming.length ? POLLIN | POLLRDNORM : 0;
    if (this.state === 'binding' || this.state === 'connecting') return 0;
    if (this.state === 'failed') return POLLOUT | POLLWRNORM | POLLERR | POLLHUP;
    if (this.state !== 'connected') return POLLOUT | POLLWRNORM | POLLHUP;
    let r = 0;
    if (this.rxBytes || this.eof || this.shutRd) r |= POLLIN | POLLRDNORM;
    if (this.eof || this.shutRd) r |= POLLRDHUP;
    if (this.pendingError) r |= POLLERR;
    if (this.hostClosed || (this.eof && this.shutWr)) r |= POLLHUP;
    if (!this.shutWr && this.sock && this.sock.writableLength < TX_HIGH) r |= POLLOUT | POLLWRNORM;
    if (this.hostClosed && !this.shutWr) r |= POLLOUT | POLLWRNORM;
    return r;
  }

  protected override release(): void {
    this.closedDown = true;
    this.unreserve();
    this.server?.close();
    for (const s of this.incoming.splice(0)) s.destroy();
    const s = this.sock;
    if (s) {
      if (this.lingerOn && this.lingerSecs === 0) s.resetAndDestroy();
      else if (this.rxBytes > 0 && !this.eof) s.resetAndDestroy(); // unread data: Linux sends RST
      else { s.end(); s.resume(); setTimeout(() => s.destroy(), 5000).unref(); }
    }
    this.rx = [];
    this.rxBytes = 0;
  }
}

/** An address string as fromNode would give it back (so a connected peer compares with a datagram's source). */
function normHost(family: number, host: string): string {
  return (fromNode(family, host, 0) as { host: string }).host;
}

export class UdpSocket extends Socket {
  private sock: dgram.Socket;
  private state: 'new' | 'binding' | 'bound' = 'new';
  private bindError = 0;
  private rx: Array<{ data: Uint8Array; from: SockAddr }> = [];
  private peer?: SockAddr;
  private peerHost?: string;

  constructor(domain: number, flags: number, readonly policy: NetPolicy) {
    super(domain, SOCK_DGRAM, 17, flags);
    this.sock = dgram.createSocket({ type: domain === AF_INET ? 'udp4' : 'udp6', reuseAddr: false });
    this.sock.on('message', (msg, rinfo) => {
      if (this.rx.length >= 1024) return; // a full receive queue drops, as Linux does
      const from = fromNode(this.domain, rinfo.address, rinfo.port);
      // A connected socket only takes datagrams from its peer (Linux drops the rest on arrival).
      const p = this.peer as { host: string; port: number } | undefined;
      if (p && (p.port !== (from as { port: number }).port || normHost(this.domain, p.host) !== (from as { host: string }).host)) return;
      this.rx.push({ data: new Uint8Array(msg), from });
      this.queue.notify();
    });
    this.sock.on('error', (e) => { this.bindError = hostError(e); if (this.state === 'binding') this.state = 'new'; this.queue.notify(); });
  }

  override get hostDriven(): boolean { return true; }

  bind(addr: SockAddr): Later<number> {
    if (addr.family !== this.domain) throw new SysError(Errno.EAFNOSUPPORT);
    if (this.state !== 'new') throw new SysError(Errno.EINVAL);
    const host = policyHost(this.policy, addr, true);
    this.state = 'binding';
    this.bindError = 0;
    this.sock.bind({ address: host, port: (addr as { port: number }).port, exclusive: true }, () => { this.state = 'bound'; this.queue.notify(); });
    return waitFor(this, () => this.state !== 'binding', () => {
      if (this.state === 'new') throw new SysError(this.bindError || Errno.EADDRINUSE);
      return 0;
    }, `bind ${this.path}`);
  }

  private ensureBound(then: () => number): Later<number> {
    if (this.state === 'bound') return then();
    if (this.state === 'new') {
      const any: SockAddr = this.domain === AF_INET ? { family: AF_INET, host: this.policy === 'loopback' ? '127.0.0.1' : '0.0.0.0', port: 0 } : { family: AF_INET6, host: this.policy === 'loopback' ? '::1' : '::', port: 0, flowinfo: 0, scope: 0 };
      const b = this.bind(any);
      return b instanceof Block ? b.then(then) : then();
    }
    return waitFor(this, () => this.state !== 'binding', then, `bind ${this.path}`);
  }

  listen(): number { throw new SysError(Errno.EOPNOTSUPP); }
  accept(): Socket { throw new SysError(Errno.EOPNOTSUPP); }

  connect(addr: SockAddr): Later<number> {
    if ((addr.family as number) === 0) { this.peer = undefined; return 0; }
    if (addr.family !== this.domain) throw new SysError(Errno.EAFNOSUPPORT);
    this.peerHost = policyHost(this.policy, addr, false);
    this.peer = addr;
    return this.ensureBound(() => 0);
  }

  send(data: Uint8Array, o: SendOpts): WriteResult {
    if (this.shutWr) throw new SysError(Errno.EPIPE);
    const to = o.to ?? this.peer;
    if (!to) throw new SysError(Errno.EDESTADDRREQ);
    if (to.family !== this.domain) throw new SysError(Errno.EAFNOSUPPORT);
    const host = o.to ? policyHost(this.policy, to, false) : this.peerHost!;
    if (data.length > 65507) throw new SysError(Errno.EMSGSIZE);
    const r = this.ensureBound(() => {
      this.sock.send(Buffer.from(data), (to as { port: number }).port, host);
      return data.length;
    });
    return r;
  }

  recv(len: number, flags: number, block: boolean): Later<RecvResult> {
    const m = this.rx[0];
    if (!m) {
      if (this.shutRd) return { data: new Uint8Array(0), full: 0 };
      if (!block) throw new SysError(Errno.EAGAIN);
      return readinessBlock([this], (timedOut) => {
        if (timedOut && !this.rx.length) throw new SysError(Errno.EAGAIN);
        return this.recv(len, flags, block);
      }, { what: `recvfrom ${this.path}`, deadline: this.rcvTimeoMs ? performance.now() + this.rcvTimeoMs : undefined });
    }
    if (!(flags & MSG_PEEK)) this.rx.shift();
    return { data: m.data.subarray(0, len), full: m.data.length, from: m.from };
  }

  available(): number { return this.rx[0]?.data.length ?? 0; }

  localName(): SockAddr {
    if (this.state === 'bound') { const a = this.sock.address(); return fromNode(this.domain, a.address, a.port); }
    return this.domain === AF_INET ? { family: AF_INET, host: '0.0.0.0', port: 0 } : { family: AF_INET6, host: '::', port: 0, flowinfo: 0, scope: 0 };
  }

  peerName(): SockAddr {
    if (!this.peer) throw new SysError(Errno.ENOTCONN);
    return this.peer;
  }

  shutdown(how: number): void {
    if (how < 0 || how > 2) throw new SysError(Errno.EINVAL);
    if (!this.peer) throw new SysError(Errno.ENOTCONN);
    if (how !== SHUT_WR) this.shutRd = true;
    if (how !== SHUT_RD) this.shutWr = true;
    this.queue.notify();
  }

  override poll(): number {
    let r = POLLOUT | POLLWRNORM;
    if (this.rx.length || this.shutRd) r |= POLLIN | POLLRDNORM;
    return r;
  }

  protected override release(): void {
    try { this.sock.close(); } catch { /* not bound */ }
    this.rx = [];
  }
}
