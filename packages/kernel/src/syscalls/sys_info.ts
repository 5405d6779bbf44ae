// uname, sysinfo, getrandom, credentials (getuid ...).
import { GRND } from '@elfbox/abi';
import { randomFillSync } from 'node:crypto';
import { totalmem, freemem } from 'node:os';
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { Call } from './types.js';
import { putStruct } from './util.js';
import { monotonicNs } from './sys_time.js';

const enc = new TextEncoder();

/** What uname reports: a Linux 6.1 kernel named elfbox, machine = the guest's arch. */
export const UTS = { sysname: 'Linux', nodename: 'elfbox', release: '6.1.0-elfbox', version: '#1 SMP elfbox', domainname: '(none)' };

export function sys_uname(c: Call): SyscallResult {
  const f = (s: string) => enc.encode(s).subarray(0, 64);
  putStruct(c, 'utsname', c.num(0), {
    sysname: f(UTS.sysname), nodename: f(c.kernel.hostname), release: f(UTS.release), version: f(UTS.version),
    machine: f(c.tg.arch.arch), domainname: f(UTS.domainname),
  });
  return 0;
}

export function sys_sysinfo(c: Call): SyscallResult {
  putStruct(c, 'sysinfo', c.num(0), {
    uptime: monotonicNs() / 1_000_000_000n,
    totalram: BigInt(totalmem()), freeram: BigInt(freemem()),
    procs: c.kernel.tasks.size, mem_unit: 1,
  });
  return 0;
}

export function sys_getrandom(c: Call): SyscallResult {
  const addr = c.num(0), len = Math.min(c.num(1), 0x01ff_ffff), flags = c.u32(2);
  if (flags & ~(GRND.GRND_NONBLOCK | GRND.GRND_RANDOM | GRND.GRND_INSECURE)) throw new SysError(Errno.EINVAL);
  if ((flags & GRND.GRND_INSECURE) && (flags & GRND.GRND_RANDOM)) throw new SysError(Errno.EINVAL);
  if (len === 0) return 0;
  const out = new Uint8Array(len);
  c.kernel.random(out);
  c.write(addr, out);
  return len;
}

export const sys_getuid = (c: Call): SyscallResult => c.kernel.creds.uid;
export const sys_geteuid = (c: Call): SyscallResult => c.kernel.creds.uid;
export const sys_getgid = (c: Call): SyscallResult => c.kernel.creds.gid;
export const sys_getegid = (c: Call): SyscallResult => c.kernel.creds.gid;

export function sys_getresuid(c: Call): SyscallResult {
  for (const i of [0, 1, 2]) c.mem.writeU32(c.num(i), c.kernel.creds.uid);
  return 0;
}

export function sys_getresgid(c: Call): SyscallResult {
  for (const i of [0, 1, 2]) c.mem.writeU32(c.num(i), c.kernel.creds.gid);
  return 0;
}

export function sys_getgroups(c: Call): SyscallResult {
  const n = c.i32(0);
  if (n < 0) throw new SysError(Errno.EINVAL);
  if (n === 0) return 1;
  c.mem.writeU32(c.num(1), c.kernel.creds.gid);
  return 1;
}

export { randomFillSync };
