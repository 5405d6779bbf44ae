// One errno vocabulary: Linux numbers from @elfbox/abi (never the host's os.constants.errno).
// Deep code throws SysError; the syscall dispatcher alone turns it into -errno.
import { Errno, ERRNO_NAMES, ERRNO_MESSAGES } from '@elfbox/abi';

export { Errno };

export class SysError extends Error {
  constructor(readonly errno: number, detail?: string) {
    super(`${ERRNO_NAMES[errno] ?? `errno ${errno}`}${detail ? `: ${detail}` : ''}`);
    this.name = 'SysError';
  }
}

/** Throws SysError(errno) when cond is false. */
export function check(cond: unknown, errno: number, detail?: string): asserts cond {
  if (!cond) throw new SysError(errno, detail);
}

export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `E${errno}`;
}

export function errnoMessage(errno: number): string {
  return ERRNO_MESSAGES[errno] ?? `Unknown error ${errno}`;
}

/** Maps a Node fs error (err.code is a POSIX name like 'ENOENT') to the Linux errno number. */
export function hostErrno(e: unknown): number {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && code in Errno) return (Errno as Record<string, number>)[code];
  return Errno.EIO;
}

/** Runs a host fs call, turning a host error into SysError with the Linux errno. */
export function host<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SysError) throw e;
    if (typeof (e as { code?: unknown })?.code === 'string') throw new SysError(hostErrno(e));
    throw e;
  }
}

/** The exit status a process gets when a handler throws something that is not a SysError. */
export const KERNEL_BUG_STATUS = 70; // EX_SOFTWARE from sysexits.h
