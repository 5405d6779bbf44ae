// The host's stdio streams as file descriptions. Input comes from a buffer or a Node Readable
// (awaited through a Block: the only async edge), output goes to a Node Writable or a capture
// buffer. A stream backed by a host fd (process.stdout ...) answers fstat/isatty from that fd.
import { fstatSync } from 'node:fs';
import { isatty } from 'node:tty';
import type { Readable, Writable } from 'node:stream';
import { Block } from '../block.js';
import { Errno, SysError } from '../errors.js';
import { FileDescription, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, S_IFIFO, synthStat, statFromHost, type IoctlIo, type ReadResult, type StatInfo, type WriteResult } from './file.js';
import { IOCTL_FIONREAD, IOCTL_TCGETS, IOCTL_TCSETS, IOCTL_TCSETSF, IOCTL_TCSETSW, IOCTL_TIOCGWINSZ, IOCTL_TIOCSWINSZ, encodeWinsize, defaultTermios } from './tty.js';

/** Where guest input comes from. read() returns null when nothing is available yet. */
export interface HostInput {
  read(max: number): Uint8Array | null;
  /** Resolves when read() may return something (data or end of input). */
  readable(): Promise<void>;
  /** Whether read() would return something now (data or end of input); for poll/select. */
  ready?(): boolean;
  readonly fd?: number;
  close(): void;
}

export interface HostOutput {
  /** Takes the bytes now; returns a promise when the guest should wait before writing more. */
  write(data: Uint8Array): Promise<void> | undefined;
  readonly fd?: number;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
  /** The run is over: release listeners. */
  close?(): void;
}

export class BufferInput implements HostInput {
  private off = 0;
  constructor(private readonly data: Uint8Array) {}
  read(max: number): Uint8Array {
    const out = this.data.slice(this.off, this.off + max);
    this.off += out.length;
    return out;
  }
  readable(): Promise<void> { return Promise.resolve(); }
  ready(): boolean { return true; }
  close(): void {}
}

/** A Node Readable, read in flowing mode only after the guest first reads; paused when buffered enough. */
export class StreamInput implements HostInput {
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private attached = false;
  private waiters: Array<() => void> = [];
  readonly fd?: number;
  private readonly onData = (c: Buffer | string) => {
    const b = typeof c === 'string' ? new TextEncoder().encode(c) : new Uint8Array(c.buffer, c.byteOffset, c.length);
    this.chunks.push(b);
    this.buffered += b.length;
    if (this.buffered > 1 << 16) this.stream.pause();
    this.notify();
  };
  private readonly onEnd = () => { this.ended = true; this.notify(); };

  constructor(private readonly stream: Readable) {
    const fd = (stream as unknown as { fd?: unknown }).fd;
    if (typeof fd === 'number') this.fd = fd;
  }

  private attach(): void {
    if (this.attached) return;
    this.attached = true;
    this.stream.on('data', this.onData);
    this.stream.on('end', this.onEnd);
    this.stream.on('error', this.onEnd);
    this.stream.resume();
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  read(max: number): Uint8Array | null {
    this.attach();
    if (this.chunks.length === 0) return this.ended ? new Uint8Array(0) : null;
    const out = new Uint8Array(Math.min(max, this.buffered));
    let n = 0;
    while (n < out.length) {
      const c = this.chunks[0];
      const take = Math.min(c.length, out.length - n);
      out.set(c.subarray(0, take), n);
      n += take;
      if (take === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(take);
    }
    this.buffered -= n;
    if (this.buffered < 1 << 14 && !this.ended) this.stream.resume();
    return out;
  }

  ready(): boolean {
    this.attach();
    return this.chunks.length > 0 || this.ended;
  }

  readable(): Promise<void> {
    this.attach();
    if (this.chunks.length || this.ended) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  close(): void {
    if (!this.attached) return;
    this.stream.off('data', this.onData);
    this.stream.off('end', this.onEnd);
    this.stream.off('error', this.onEnd);
    this.stream.pause();
    this.notify();
  }
}

export class CaptureOutput implements HostOutput {
  private chunks: Uint8Array[] = [];
  write(data: Uint8Array): undefined {
    this.chunks.push(data.slice());
    return undefined;
  }
  close(): void {}
  bytes(): Uint8Array {
    const n = this.chunks.reduce((a, c) => a + c.length, 0);
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }
}

export class StreamOutput implements HostOutput {
  readonly fd?: number;
  /** Set when the stream failed (EPIPE: the reader went away); later writes fail with EPIPE. */
  private failed?: Error;
  private drain?: Promise<void>;
  private readonly onError = (e: Error) => { this.failed = e; };

  constructor(private readonly stream: Writable) {
    const fd = (stream as unknown as { fd?: unknown }).fd;
    if (typeof fd === 'number') this.fd = fd;
    stream.on('error', this.onError);
  }
  get isTTY(): boolean { return !!(this.stream as unknown as { isTTY?: boolean }).isTTY; }
  get columns(): number | undefined { return (this.stream as unknown as { columns?: number }).columns; }
  get rows(): number | undefined { return (this.stream as unknown as { rows?: number }).rows; }

  write(data: Uint8Array): Promise<void> | undefined {
    if (this.failed || this.stream.destroyed || this.stream.writableEnded) throw new SysError(Errno.EPIPE);
    const ok = this.stream.write(Buffer.from(data));
    if (ok) return undefined;
    if (!this.drain) {
      this.drain = new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done); this.stream.off('close', done); this.stream.off('error', done);
          this.drain = undefined;
          resolve();
        };
        this.stream.on('drain', done); this.stream.on('close', done); this.stream.on('error', done);
      });
    }
    return this.drain;
  }

  /** Stops listening for errors (the run is over). */
  close(): void {
    this.stream.off('error', this.onError);
  }
}

/** fd 0/1/2 of the first process: one of the host's stdio streams. */
export class StdioFile extends FileDescription {
  private drain?: Promise<void>;
  private drained = true;
  constructor(flags: number, path: string, readonly input?: HostInput, readonly output?: HostOutput, private readonly ino = 1) {
    super(flags, path);
  }

  override read(len: number): ReadResult {
    if (!this.input) throw new SysError(Errno.EBADF);
    const got = this.input.read(len);
    if (got) return got;
    if (this.flags & 0o4000 /* O_NONBLOCK */) throw new SysError(Errno.EAGAIN);
    return new Block<ReadResult>(() => this.read(len), { promise: this.input.readable(), what: `read ${this.path}` });
  }

  override write(data: Uint8Array): WriteResult {
    if (!this.output) throw new SysError(Errno.EBADF);
    if (!this.drained && this.drain) {
      const p = this.drain;
      return new Block<WriteResult>(() => this.write(data), { promise: p, what: `write ${this.path}` });
    }
    if (data.length === 0) return 0;
    const p = this.output.write(data);
    if (p) {
      this.drained = false;
      this.drain = p.then(() => { this.drained = true; });
    }
    return data.length;
  }

  private hostFd(): number | undefined {
    return this.input?.fd ?? this.output?.fd;
  }

  override isTty(): boolean {
    const fd = this.hostFd();
    if (this.output?.isTTY) return true;
    return fd !== undefined && isatty(fd);
  }

  override winsize(): { rows: number; cols: number } | undefined {
    if (!this.isTty()) return undefined;
    return { rows: this.output?.rows ?? 24, cols: this.output?.columns ?? 80 };
  }

  override stat(): StatInfo {
    const fd = this.hostFd();
    if (fd !== undefined) {
      try { return statFromHost(fstatSync(fd, { bigint: true })); } catch { /* fall through */ }
    }
    return synthStat(S_IFIFO | 0o600, this.ino, { dev: 13n });
  }

  override poll(): number {
    let r = 0;
    if (this.input && (this.input.ready?.() ?? true)) r |= POLLIN | POLLRDNORM;
    if (this.output && this.drained) r |= POLLOUT | POLLWRNORM;
    return r;
  }

  override get hostDriven(): boolean { return true; }

  override watch(wake: () => void): () => void {
    let live = true;
    const fire = () => { if (live) { live = false; wake(); } };
    if (this.input) void this.input.readable().then(fire);
    if (this.output && !this.drained && this.drain) void this.drain.then(fire);
    return () => { live = false; };
  }

  private termios?: Uint8Array;

  override ioctl(req: number, arg: bigint, io: IoctlIo): number {
    if (req === IOCTL_TCGETS) {
      if (!this.isTty()) throw new SysError(Errno.ENOTTY);
      io.writeBytes(arg, this.termios ?? defaultTermios());
      return 0;
    }
    if (req === IOCTL_TCSETS || req === IOCTL_TCSETSW || req === IOCTL_TCSETSF) {
      if (!this.isTty()) throw new SysError(Errno.ENOTTY);
      this.termios = io.readBytes(arg, 36).slice();
      return 0;
    }
    if (req === IOCTL_TIOCSWINSZ) {
      if (!this.isTty()) throw new SysError(Errno.ENOTTY);
      io.readBytes(arg, 8);
      return 0;
    }
    if (req === IOCTL_FIONREAD && this.input) {
      const b = new Uint8Array(4);
      io.writeBytes(arg, b);
      return 0;
    }
    if (req === IOCTL_TIOCGWINSZ) {
      const ws = this.winsize();
      if (!ws) throw new SysError(Errno.ENOTTY);
      io.writeBytes(arg, encodeWinsize(ws.rows, ws.cols));
      return 0;
    }
    return super.ioctl(req, arg, io);
  }
}
