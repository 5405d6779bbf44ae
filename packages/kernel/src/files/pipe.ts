// Pipes (pipe, pipe2): a 64 KiB ring of bytes shared by a read end and a write end. Linux's
// semantics: a read of an empty pipe waits while a writer exists, returns 0 (end of file) when
// none is left; a write of at most PIPE_BUF (4096) bytes is atomic (all or wait); a larger
// write may be split and, when blocking, waits until everything is written; a write with no
// reader left is EPIPE (sys_write adds the SIGPIPE). O_NONBLOCK turns waits into EAGAIN.
import { Errno, SysError } from '../errors.js';
import {
  FileDescription, POLLERR, POLLHUP, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, S_IFIFO, makedev, synthStat,
  type IoctlIo, type ReadResult, type StatInfo, type WriteResult,
} from './file.js';
import { IOCTL_FIONREAD } from './tty.js';
import { WaitQueue, readinessBlock } from './waitqueue.js';

export const PIPE_BUF = 4096;
export const PIPE_DEF_SIZE = 65536;
const O_NONBLOCK = 0o4000; // same on x86-64 and aarch64
let nextPipeIno = 1000;

export class Pipe {
  readonly ino = nextPipeIno++;
  capacity = PIPE_DEF_SIZE;
  private chunks: Uint8Array[] = [];
  size = 0;
  readers = 0;
  writers = 0;
  readonly queue = new WaitQueue();
  readonly createdNs = BigInt(Date.now()) * 1_000_000n;

  take(max: number): Uint8Array {
    const out = new Uint8Array(Math.min(max, this.size));
    let n = 0;
    while (n < out.length) {
      const c = this.chunks[0];
      const k = Math.min(c.length, out.length - n);
      out.set(c.subarray(0, k), n);
      n += k;
      if (k === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(k);
    }
    this.size -= n;
    return out;
  }

  put(data: Uint8Array): void {
    if (!data.length) return;
    this.chunks.push(data.slice());
    this.size += data.length;
  }

  get space(): number { return Math.max(0, this.capacity - this.size); }
}

/** One end of a pipe. Both ends are FileDescriptions; dup/fork share them by reference count. */
export class PipeEnd extends FileDescription {
  constructor(readonly pipe: Pipe, readonly end: 'r' | 'w', flags: number) {
    super(flags, `pipe:[${pipe.ino}]`);
    if (end === 'r') pipe.readers++;
    else pipe.writers++;
  }

  private get nonblock(): boolean { return (this.flags & O_NONBLOCK) !== 0; }

  override read(len: number): ReadResult {
    if (this.end !== 'r') throw new SysError(Errno.EBADF);
    const p = this.pipe;
    if (len === 0) return new Uint8Array(0);
    if (p.size > 0) {
      const out = p.take(len);
      p.queue.notify();
      return out;
    }
    if (p.writers === 0) return new Uint8Array(0);
    if (this.nonblock) throw new SysError(Errno.EAGAIN);
    return readinessBlock([this], () => this.read(len), { what: `read ${this.path}` });
  }

  override write(data: Uint8Array): WriteResult {
    if (this.end !== 'w') throw new SysError(Errno.EBADF);
    return this.writeFrom(data, 0);
  }

  /** Writes data[done..]; done bytes went in already (a blocking write larger than the pipe). */
  private writeFrom(data: Uint8Array, done: number): WriteResult {
    const p = this.pipe;
    if (p.readers === 0) {
      if (done > 0) return done;
      throw new SysError(Errno.EPIPE);
    }
    const left = data.length - done;
    if (left === 0) return done;
    const atomic = data.length <= PIPE_BUF;
    const space = p.space;
    if ((atomic && space >= left) || (!atomic && space > 0)) {
      const n = Math.min(space, left);
      p.put(data.subarray(done, done + n));
      p.queue.notify();
      done += n;
      if (done === data.length || this.nonblock) return done;
    } else if (this.nonblock) {
      if (done > 0) return done;
      throw new SysError(Errno.EAGAIN);
    }
    return readinessBlock([this], () => this.writeFrom(data, done), { what: `write ${this.path}` });
  }

  override poll(): number {
    const p = this.pipe;
    if (this.end === 'r') {
      let r = p.size > 0 ? POLLIN | POLLRDNORM : 0;
      if (p.writers === 0) r |= POLLHUP;
      return r;
    }
    if (p.readers === 0) return POLLERR | POLLOUT | POLLWRNORM; // Linux reports EPOLLERR | writable
    return p.space >= PIPE_BUF ? POLLOUT | POLLWRNORM : 0;
  }

  override watch(wake: () => void): () => void {
    return this.pipe.queue.watch(wake);
  }

  override ioctl(req: number, arg: bigint, io: IoctlIo): number {
    if (req === IOCTL_FIONREAD) {
      const b = new Uint8Array(4);
      new DataView(b.buffer).setInt32(0, this.pipe.size, true);
      io.writeBytes(arg, b);
      return 0;
    }
    return super.ioctl(req, arg, io);
  }

  override stat(): StatInfo {
    const t = this.pipe.createdNs;
    return synthStat(S_IFIFO | 0o600, this.pipe.ino, { dev: makedev(0, 13), atimeNs: t, mtimeNs: t, ctimeNs: t, blksize: 4096 });
  }

  protected override release(): void {
    if (this.end === 'r') this.pipe.readers--;
    else this.pipe.writers--;
    this.pipe.queue.notify();
  }
}

/** A new pipe: [read end, write end], with the given file status flags (O_NONBLOCK ...). */
export function makePipe(flags: number): [PipeEnd, PipeEnd] {
  const p = new Pipe();
  return [new PipeEnd(p, 'r', flags & ~3), new PipeEnd(p, 'w', (flags & ~3) | 1)];
}
