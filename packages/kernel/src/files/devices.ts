// Character devices the kernel serves itself: /dev/null, /dev/zero, /dev/full, /dev/random,
// /dev/urandom (Linux's major/minor numbers: 1,3 1,5 1,7 1,8 1,9).
import { Errno, SysError } from '../errors.js';
import { FileDescription, S_IFCHR, makedev, synthStat, type StatInfo, type XattrStore } from './file.js';

abstract class CharDevice extends FileDescription {
  protected abstract readonly minor: number;
  override pread(len: number): Uint8Array { return this.read(len) as Uint8Array; }
  override pwrite(data: Uint8Array): number { return this.write(data) as number; }
  override seek(): number { return 0; }
  override xattrs(): XattrStore | null | undefined { return null; }
  override stat(): StatInfo { return synthStat(S_IFCHR | 0o666, 100 + this.minor, { rdev: makedev(1, this.minor), dev: 5n }); }
}

/** /dev/null: reads end at once, writes vanish. */
export class DevNull extends CharDevice {
  protected readonly minor = 3;
  override read(): Uint8Array { return new Uint8Array(0); }
  override write(data: Uint8Array): number { return data.length; }
}

/** /dev/zero: endless zero bytes. */
export class DevZero extends CharDevice {
  protected readonly minor = 5;
  override read(len: number): Uint8Array { return new Uint8Array(Math.min(len, 1 << 20)); }
  override write(data: Uint8Array): number { return data.length; }
}

/** /dev/full: reads like /dev/zero, writes fail with ENOSPC. */
export class DevFull extends CharDevice {
  protected readonly minor = 7;
  override read(len: number): Uint8Array { return new Uint8Array(Math.min(len, 1 << 20)); }
  override write(): number { throw new SysError(Errno.ENOSPC); }
}

/** /dev/random and /dev/urandom: the run's random source (host CSPRNG unless the run fixed one). */
export class DevRandom extends CharDevice {
  constructor(flags: number, path: string, protected readonly minor: number, private readonly fill: (out: Uint8Array) => void) {
    super(flags, path);
  }
  override read(len: number): Uint8Array {
    const out = new Uint8Array(Math.min(len, 1 << 20));
    this.fill(out);
    return out;
  }
  override write(data: Uint8Array): number { return data.length; }
}
