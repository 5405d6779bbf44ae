// uname, sysinfo, getrandom, credentials (getuid ...).
import { GRND } from '@elfbox/abi';
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { procMeminfo, procUptime } from '../files/procfs.js';
import type { SyscallResult } from '../block.js';
import { Errno, SysError } from '../errors.js';
import type { Call } from './types.js';
import { putStruct } from './util.js';

const enc = new TextEncoder();

/** What uname reports: a Linux 6.1 kernel named elfbox, machine = the guest's arch. */
export const UTS = { sysname: 'Linux', nodename: 'elfbox', release: '6.1.0-elfbox', version: '#1 SMP elfbox', domainname: '(none)' };

/** The guest's NIS domain name per kernel (setdomainname). */
const domains = new WeakMap<object, string>();

export function sys_uname(c: Call): SyscallResult {
  const f = (s: string) => enc.encode(s).subarray(0, 64);
  putStruct(c, 'utsname', c.num(0), {
    sysname: f(UTS.sysname), nodename: f(c.kernel.hostname), release: f(UTS.release), version: f(UTS.version),
    machine: f(c.tg.arch.arch), domainname: f(domains.get(c.kernel) ?? UTS.domainname),
  });
  return 0;
}

function setUtsName(c: Call, set: (name: string) => void): SyscallResult {
  const len = c.i32(1);
  if (len < 0 || len > 64) throw new SysError(Errno.EINVAL);
  if ((credsOf(c).capEff & (1n << 21n)) === 0n) throw new SysError(Errno.EPERM); // CAP_SYS_ADMIN
  const b = c.read(c.num(0), len);
  const z = b.indexOf(0);
  set(new TextDecoder().decode(z >= 0 ? b.subarray(0, z) : b));
  return 0;
}

export const sys_sethostname = (c: Call): SyscallResult => setUtsName(c, (n) => { c.kernel.hostname = n; });
export const sys_setdomainname = (c: Call): SyscallResult => setUtsName(c, (n) => { domains.set(c.kernel, n); });

/** sysinfo: the same figures as /proc/meminfo (MemTotal, MemFree ...) and /proc/uptime. */
export function sys_sysinfo(c: Call): SyscallResult {
  const info = procMeminfo();
  const kb = (name: string) => BigInt(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(info)?.[1] ?? '0') * 1024n;
  const up = Math.floor(parseFloat(procUptime(c.kernel)));
  putStruct(c, 'sysinfo', c.num(0), {
    uptime: BigInt(up),
    totalram: kb('MemTotal'), freeram: kb('MemFree'), sharedram: kb('Shmem'), bufferram: kb('Buffers'),
    totalswap: kb('SwapTotal'), freeswap: kb('SwapFree'),
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

// ---- credentials ---------------------------------------------------------------------------
// Each process has real, effective and saved ids, supplementary groups and capability sets;
// they start as the run's guest identity (KernelOptions uid/gid) and a child takes its parent's
// at its first credential call.

export interface Creds {
  ruid: number; euid: number; suid: number; rgid: number; egid: number; sgid: number;
  groups: number[];
  /** Capability sets (bit n = capability n): effective, permitted, inheritable. */
  capEff: bigint; capPrm: bigint; capInh: bigint;
}

const ALL_CAPS = (1n << 41n) - 1n; // CAP_LAST_CAP = 40 (CAP_CHECKPOINT_RESTORE)
const credTable = new WeakMap<object, Creds>();

type TgLike = { parent?: TgLike } & object;

/** The host user's supplementary groups when the guest runs as the host user, else none. */
function defaultGroups(base: { uid: number; gid: number }): number[] {
  if (base.uid !== process.getuid?.() || base.gid !== process.getgid?.()) return [];
  try {
    // the kernel's list (Node's getgroups may add the egid)
    const m = /^Groups:[ \t]*([^\n]*)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return m[1].trim() ? m[1].trim().split(/\s+/).map(Number) : [];
  } catch { /* not Linux */ }
  return process.getgroups?.() ?? [];
  return [];
}

export function credsOf(c: Call): Creds {
  return credsOfGroup(c.tg as unknown as TgLike, c.kernel.creds);
}

export function credsOfGroup(tg: TgLike, base: { uid: number; gid: number }): Creds {
  let cr = credTable.get(tg);
  if (cr) return cr;
  let p = tg.parent;
  while (p && !credTable.has(p)) p = p.parent;
  const from = p ? credTable.get(p)! : undefined;
  const caps = base.uid === 0 ? ALL_CAPS : 0n;
  cr = from ? { ...from, groups: [...from.groups] } : {
    ruid: base.uid, euid: base.uid, suid: base.uid, rgid: base.gid, egid: base.gid, sgid: base.gid, groups: defaultGroups(base),
    capEff: caps, capPrm: caps, capInh: 0n,
  };
  credTable.set(tg, cr);
  return cr;
}

const U32 = 0xffff_ffff;
/** An id argument: -1 (0xffffffff) means "unchanged". */
const idArg = (c: Call, i: number): number | undefined => { const v = c.u32(i); return v === U32 ? undefined : v; };

export const sys_getuid = (c: Call): SyscallResult => credsOf(c).ruid;
export const sys_geteuid = (c: Call): SyscallResult => credsOf(c).euid;
export const sys_getgid = (c: Call): SyscallResult => credsOf(c).rgid;
export const sys_getegid = (c: Call): SyscallResult => credsOf(c).egid;

export function sys_getresuid(c: Call): SyscallResult {
  const cr = credsOf(c);
  [cr.ruid, cr.euid, cr.suid].forEach((v, i) => c.mem.writeU32(c.num(i), v));
  return 0;
}

export function sys_getresgid(c: Call): SyscallResult {
  const cr = credsOf(c);
  [cr.rgid, cr.egid, cr.sgid].forEach((v, i) => c.mem.writeU32(c.num(i), v));
  return 0;
}

/** Linux's rule when a process changes ids: leaving uid 0 drops the capabilities. */
function afterUidChange(cr: Creds, wasRoot: boolean): void {
  if (wasRoot && cr.ruid !== 0 && cr.euid !== 0 && cr.suid !== 0) { cr.capEff = 0n; cr.capPrm = 0n; }
  else if (wasRoot && cr.euid !== 0) cr.capEff = 0n;
  else if (!wasRoot && cr.euid === 0) cr.capEff = cr.capPrm;
}

function setres(c: Call, kind: 'uid' | 'gid', r?: number, e?: number, s?: number): SyscallResult {
  const cr = credsOf(c);
  const priv = kind === 'uid' ? (cr.capEff & (1n << 7n)) !== 0n : (cr.capEff & (1n << 6n)) !== 0n; // CAP_SETUID / CAP_SETGID
  const cur = kind === 'uid' ? [cr.ruid, cr.euid, cr.suid] : [cr.rgid, cr.egid, cr.sgid];
  for (const v of [r, e, s]) if (v !== undefined && !priv && !cur.includes(v)) throw new SysError(Errno.EPERM);
  return applyRaw(cr, kind, r, e, s);
}

export const sys_setresuid = (c: Call): SyscallResult => setres(c, 'uid', idArg(c, 0), idArg(c, 1), idArg(c, 2));
export const sys_setresgid = (c: Call): SyscallResult => setres(c, 'gid', idArg(c, 0), idArg(c, 1), idArg(c, 2));

function setre(c: Call, kind: 'uid' | 'gid'): SyscallResult {
  const cr = credsOf(c);
  const r = idArg(c, 0), e = idArg(c, 1);
  const [cr_, ce, cs] = kind === 'uid' ? [cr.ruid, cr.euid, cr.suid] : [cr.rgid, cr.egid, cr.sgid];
  const priv = (cr.capEff & (1n << (kind === 'uid' ? 7n : 6n))) !== 0n;
  if (!priv) {
    if (r !== undefined && r !== cr_ && r !== ce) throw new SysError(Errno.EPERM);
    if (e !== undefined && e !== cr_ && e !== ce && e !== cs) throw new SysError(Errno.EPERM);
  }
  // the saved id follows the new effective id when the real id is set or the effective differs from the old real
  const s = r !== undefined || (e !== undefined && e !== cr_) ? (e ?? ce) : undefined;
  return applyRaw(cr, kind, r, e, s);
}

/** Sets ids already checked by the caller. */
function applyRaw(cr: Creds, kind: 'uid' | 'gid', r?: number, e?: number, s?: number): number {
  const wasRoot = cr.ruid === 0 || cr.euid === 0 || cr.suid === 0;
  if (kind === 'uid') {
    if (r !== undefined) cr.ruid = r;
    if (e !== undefined) cr.euid = e;
    if (s !== undefined) cr.suid = s;
    afterUidChange(cr, wasRoot);
  } else {
    if (r !== undefined) cr.rgid = r;
    if (e !== undefined) cr.egid = e;
    if (s !== undefined) cr.sgid = s;
  }
  return 0;
}

export const sys_setreuid = (c: Call): SyscallResult => setre(c, 'uid');
export const sys_setregid = (c: Call): SyscallResult => setre(c, 'gid');

function setOne(c: Call, kind: 'uid' | 'gid'): SyscallResult {
  const cr = credsOf(c);
  const v = c.u32(0);
  if (v === U32) throw new SysError(Errno.EINVAL);
  const priv = (cr.capEff & (1n << (kind === 'uid' ? 7n : 6n))) !== 0n;
  if (priv) return applyRaw(cr, kind, v, v, v);
  const [r, , s] = kind === 'uid' ? [cr.ruid, cr.euid, cr.suid] : [cr.rgid, cr.egid, cr.sgid];
  if (v !== r && v !== s) throw new SysError(Errno.EPERM);
  return applyRaw(cr, kind, undefined, v, undefined);
}

export const sys_setuid = (c: Call): SyscallResult => setOne(c, 'uid');
export const sys_setgid = (c: Call): SyscallResult => setOne(c, 'gid');
export const sys_setfsuid = (c: Call): SyscallResult => credsOf(c).euid;
export const sys_setfsgid = (c: Call): SyscallResult => credsOf(c).egid;

export function sys_getgroups(c: Call): SyscallResult {
  const n = c.i32(0);
  const g = credsOf(c).groups;
  if (n < 0) throw new SysError(Errno.EINVAL);
  if (n === 0) return g.length;
  if (n < g.length) throw new SysError(Errno.EINVAL);
  g.forEach((v, i) => c.mem.writeU32(c.num(1) + i * 4, v));
  return g.length;
}

export function sys_setgroups(c: Call): SyscallResult {
  const n = c.i32(0);
  const cr = credsOf(c);
  if (n < 0 || n > 65536) throw new SysError(Errno.EINVAL);
  if ((cr.capEff & (1n << 6n)) === 0n) throw new SysError(Errno.EPERM);
  const g: number[] = [];
  for (let i = 0; i < n; i++) g.push(c.mem.readU32(c.num(1) + i * 4));
  cr.groups = g;
  return 0;
}

const CAP_V1 = 0x19980330, CAP_V2 = 0x20071026, CAP_V3 = 0x20080522;

function capHeader(c: Call): { words: number; pid: number } {
  const hp = c.num(0);
  const version = c.mem.readU32(hp), pid = c.mem.readU32(hp + 4) | 0;
  if (version !== CAP_V1 && version !== CAP_V2 && version !== CAP_V3) {
    c.mem.writeU32(hp, CAP_V3);
    throw new SysError(Errno.EINVAL);
  }
  if (pid < 0) throw new SysError(Errno.EINVAL);
  return { words: version === CAP_V1 ? 1 : 2, pid };
}

export function sys_capget(c: Call): SyscallResult {
  const { words, pid } = capHeader(c);
  if (pid !== 0 && pid !== c.tg.pid && !c.kernel.groups.has(pid)) throw new SysError(Errno.ESRCH);
  const dp = c.num(1);
  if (!dp) return 0;
  const tg = pid && pid !== c.tg.pid ? c.kernel.groups.get(pid)! : c.tg;
  const cr = credsOfGroup(tg as unknown as TgLike, c.kernel.creds);
  for (let w = 0; w < words; w++) {
    const part = (v: bigint) => Number((v >> BigInt(32 * w)) & 0xffff_ffffn);
    c.mem.writeU32(dp + w * 12, part(cr.capEff));
    c.mem.writeU32(dp + w * 12 + 4, part(cr.capPrm));
    c.mem.writeU32(dp + w * 12 + 8, part(cr.capInh));
  }
  return 0;
}

export function sys_capset(c: Call): SyscallResult {
  const { words, pid } = capHeader(c);
  if (pid !== 0 && pid !== c.tg.pid) throw new SysError(Errno.EPERM);
  const dp = c.num(1);
  let eff = 0n, prm = 0n, inh = 0n;
  for (let w = 0; w < words; w++) {
    const sh = BigInt(32 * w);
    eff |= BigInt(c.mem.readU32(dp + w * 12)) << sh;
    prm |= BigInt(c.mem.readU32(dp + w * 12 + 4)) << sh;
    inh |= BigInt(c.mem.readU32(dp + w * 12 + 8)) << sh;
  }
  const cr = credsOf(c);
  if (prm & ~cr.capPrm) throw new SysError(Errno.EPERM);
  if (eff & ~prm) throw new SysError(Errno.EPERM);
  if (inh & ~(cr.capInh | cr.capPrm)) throw new SysError(Errno.EPERM);
  cr.capEff = eff; cr.capPrm = prm; cr.capInh = inh;
  return 0;
}

export { randomFillSync };
