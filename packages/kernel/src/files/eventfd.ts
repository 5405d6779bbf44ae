// eventfd(2): a 64-bit counter. read returns the counter (or 1 in EFD_SEMAPHORE mode) and
// resets it (or decrements it), waiting while it is 0; write adds, waiting while the sum would
// exceed 2^64-2. Both need exactly 8 bytes (EINVAL otherwise).
import { Errno, SysError } from '../errors.js';
import { FileDescription, POLLERR, POLLIN, POLLOUT, POLLRDNORM, POLLWRNORM, synthStat, type ReadResult, type StatInfo, type WriteResult } from './file.js';
import { WaitQueue, readinessBlock } from './waitqueue.js';

export const EFD_SEMAPHORE = 1;
const O_NONBLOCK = 0o4000;
const MAX = 0xffff_ffff_ffff_fffen;

export class EventFd extends FileDescription {
  private readonly queue = new WaitQueue();
  constructor(public count: bigint, readonly semaphore: boolean, flags: number) {
    super(flags | 2, 'anon_inode:[eventfd]');
  }

  private get nonblock(): boolean { return (this.flags & O_NONBLOCK) !== 0; }

  override read(len: number): ReadResult {
    if (len < 8) throw new SysError(Errno.EINVAL);
    if (this.count === 0n) {
      if (this.nonblock) throw new SysError(Errno.EAGAIN);
      return readinessBlock([this], () => this.read(len), { what: 'read eventfd' });
    }
    const v = this.semaphore ? 1n : this.count;
    this.count -= v;
    this.queue.notify();
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, v, true);
    return out;
  }

  override write(data: Uint8Array): WriteResult {
    if (data.length < 8) throw new SysError(Errno.EINVAL);
    const v = new DataView(data.buffer, data.byteOffset, 8).getBigUint64(0, true);
    if (v === 0xffff_ffff_ffff_ffffn) throw new SysError(Errno.EINVAL);
    if (v === 0n) return 8;
    if (this.count + v > MAX) {
      if (this.nonblock) throw new SysError(Errno.EAGAIN);
      return readinessBlock([this], () => this.write(data), { what: 'write eventfd' });
    }
    this.count += v;
    this.queue.notify();
    return 8;
  }

  override poll(): number {
    let r = 0;
    if (this.count > 0n) r |= POLLIN | POLLRDNORM;
    if (this.count === MAX + 1n) r |= POLLERR;
    if (this.count < MAX) r |= POLLOUT | POLLWRNORM;
    return r;
  }

  override watch(wake: () => void): () => void { return this.queue.watch(wake); }

  override stat(): StatInfo { return synthStat(0o600, 1, { dev: makedevAnon() }); }
}

function makedevAnon(): bigint { return 14n; }
