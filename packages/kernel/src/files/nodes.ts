// The trees the kernel serves itself instead of the host's: /proc, /dev and /sys, generated from
// kernel state when opened (convention 10). They are real directories (getdents lists them,
// stat describes them). Vfs asks here before the host: undefined = not ours (use the host),
// null = ours but absent (ENOENT). The host's /proc, /dev and /sys are never shown.
import { randomUUID } from 'node:crypto';
import { Errno, SysError } from '../errors.js';
import type { Kernel } from '../kernel.js';
import type { Task, ThreadGroup } from '../task.js';
import { DevFull, DevNull, DevRandom, DevZero } from './devices.js';
import { S_IFDIR, S_IFLNK, S_IFREG, makedev, synthStat, type DirEntry, type FileDescription, type StatInfo } from './file.js';
import { GeneratedFile, HostDir, HostFile } from './host.js';
import * as P from './procfs.js';
import type { SpecialNode } from './vfs.js';

const enc = new TextEncoder();
const DT_DIR = 4, DT_REG = 8, DT_LNK = 10, DT_CHR = 2;
const PROC_DEV = makedev(0, 20), SYS_DEV = makedev(0, 21), DEV_DEV = makedev(0, 5);

/** A stable inode number for a generated path. */
function inoOf(p: string): number {
  let h = 2166136261;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p.charCodeAt(i), 16777619) >>> 0;
  return (h % 0x3fff_ffff) + 2;
}

/** The wall-clock time (ns) this module was loaded: the mount time the kernel's trees show. */
const MOUNT_NS = BigInt(Date.now()) * 1_000_000n;

/**
 * A generated directory: st_nlink is 2 + its subdirectories, as Linux counts, and its times are
 * the mount time (not "now" at every stat). /dev is 0755 like devtmpfs; /proc and /sys are 0555.
 */
function dirNode(p: string, dev: bigint, list: () => DirEntry[], mode = 0o555): SpecialNode {
  return {
    kind: 'dir',
    stat: () => synthStat(S_IFDIR | mode, inoOf(p), {
      dev, nlink: 2 + list().filter((e) => e.type === DT_DIR).length, atimeNs: MOUNT_NS, mtimeNs: MOUNT_NS, ctimeNs: MOUNT_NS,
    }),
    list,
  };
}

function fileNode(p: string, dev: bigint, gen: () => Uint8Array | string, mode = 0o444): SpecialNode {
  const ino = inoOf(p);
  const bytes = () => { const v = gen(); return typeof v === 'string' ? enc.encode(v) : v; };
  return {
    kind: 'file',
    open: (flags, g) => new GeneratedFile(flags, g, bytes(), ino, dev, mode),
    stat: () => synthStat(S_IFREG | mode, ino, { dev }),
  };
}

const linkNode = (target: () => string): SpecialNode => ({ kind: 'link', target });

function device(p: string, make: (flags: number, path: string) => FileDescription): SpecialNode {
  return { kind: 'file', open: make, stat: () => make(0, p).stat() };
}

const ent = (name: string, type: number, ino = inoOf(name)): DirEntry => ({ ino: BigInt(ino), type, name });

// ---- /dev ------------------------------------------------------------------------------------

const DEV_CHARS: Record<string, (k: Kernel) => (flags: number, path: string) => FileDescription> = {
  null: () => (f, g) => new DevNull(f, g),
  zero: () => (f, g) => new DevZero(f, g),
  full: () => (f, g) => new DevFull(f, g),
  random: (k) => (f, g) => new DevRandom(f, g, 8, k.random),
  urandom: (k) => (f, g) => new DevRandom(f, g, 9, k.random),
};
const DEV_LINKS: Record<string, string> = { stdin: '/proc/self/fd/0', stdout: '/proc/self/fd/1', stderr: '/proc/self/fd/2', fd: '/proc/self/fd' };

/** The controlling terminal: the first of fds 0-2 that is a host terminal (ENXIO if none). */
function ttyNode(k: Kernel): SpecialNode {
  const find = () => {
    const tg = k.current?.tg;
    for (const fd of [0, 1, 2]) if (tg?.fds.has(fd) && tg.fds.get(fd).isTty()) return tg.fds.get(fd);
    return undefined;
  };
  return {
    kind: 'file',
    open: () => {
      const f = find();
      if (!f) throw new SysError(Errno.ENXIO);
      return f.ref();
    },
    stat: () => synthStat(0o020000 | 0o666, 110, { rdev: makedev(5, 0), dev: DEV_DEV }),
  };
}

function devNode(k: Kernel, p: string): SpecialNode | undefined | null {
  if (p === '/dev') {
    return dirNode(p, DEV_DEV, () => [
      ...Object.keys(DEV_CHARS).map((n) => ent(n, DT_CHR, 100)), ent('tty', DT_CHR, 110),
      ...Object.keys(DEV_LINKS).map((n) => ent(n, DT_LNK)), ent('shm', DT_DIR), ent('pts', DT_DIR),
    ], 0o755);
  }
  const name = p.slice(5);
  if (DEV_CHARS[name]) return device(p, DEV_CHARS[name](k));
  if (DEV_LINKS[name]) return linkNode(() => DEV_LINKS[name]);
  if (name === 'tty') return ttyNode(k);
  if (name === 'shm' || name === 'pts') return dirNode(p, DEV_DEV, () => [], name === 'shm' ? 0o1777 : 0o755);
  return null;
}

// ---- /sys ------------------------------------------------------------------------------------

const SYS_TREE: Record<string, string[] | string> = {
  '/sys': ['devices'],
  '/sys/devices': ['system'],
  '/sys/devices/system': ['cpu'],
  '/sys/devices/system/cpu': ['online', 'possible', 'present', 'cpu0'],
  '/sys/devices/system/cpu/cpu0': [],
  '/sys/devices/system/cpu/online': '0\n',
  '/sys/devices/system/cpu/possible': '0\n',
  '/sys/devices/system/cpu/present': '0\n',
};

function sysNode(p: string): SpecialNode | null {
  const n = SYS_TREE[p];
  if (n === undefined) return null;
  if (typeof n === 'string') return fileNode(p, SYS_DEV, () => n);
  return dirNode(p, SYS_DEV, () => n.map((c) => ent(c, typeof SYS_TREE[`${p}/${c}`] === 'string' ? DT_REG : DT_DIR, inoOf(`${p}/${c}`))));
}

// ---- /proc -----------------------------------------------------------------------------------

type Gen = (k: Kernel, tg: ThreadGroup, t?: Task) => Uint8Array | string;
/** Files of /proc/<pid>/ and /proc/<pid>/task/<tid>/. */
const PID_FILES: Record<string, Gen> = {
  maps: (_k, tg) => tg.mm.formatMaps(),
  smaps: (_k, tg) => P.procSmaps(tg),
  status: (k, tg, t) => P.procStatus(k, tg, t),
  stat: (k, tg, t) => P.procStat(k, tg, t),
  statm: (_k, tg) => P.procStatm(tg),
  cmdline: (_k, tg) => P.procCmdline(tg),
  environ: (_k, tg) => P.procEnviron(tg),
  auxv: (_k, tg) => P.procAuxv(tg),
  comm: (_k, tg, t) => P.procComm(tg, t),
  limits: (_k, tg) => P.procLimits(tg),
  mounts: (k) => P.procMounts(k.vfs.mounts),
  mountinfo: (k) => P.procMountinfo(k.vfs.mounts),
};
const PID_LINKS: Record<string, (tg: ThreadGroup) => string> = { exe: (tg) => tg.exePath, cwd: (tg) => tg.fs.cwd, root: () => '/' };
const PID_DIRS = ['fd', 'fdinfo', 'task'];

const sysKernel = (k: Kernel): Record<string, () => string> => ({
  ostype: () => 'Linux\n',
  osrelease: () => P.OSRELEASE + '\n',
  version: () => P.OSVERSION + '\n',
  hostname: () => k.hostname + '\n',
  domainname: () => '(none)\n',
  pid_max: () => '4194304\n',
  ngroups_max: () => '65536\n',
});

const bootIds = new WeakMap<Kernel, string>();

const PROC_TOP: Record<string, (k: Kernel) => string> = {
  cpuinfo: (k) => P.procCpuinfo(k.current?.tg ?? [...k.groups.values()][0]),
  meminfo: () => P.procMeminfo(),
  stat: (k) => P.procGlobalStat(k),
  uptime: (k) => P.procUptime(k),
  loadavg: (k) => P.procLoadavg(k),
  version: () => P.procVersion(),
  filesystems: () => P.procFilesystems(),
};

function pidDir(k: Kernel, base: string, tg: ThreadGroup, t: Task | undefined, rest: string): SpecialNode | null {
  const p = rest === '' ? base : `${base}/${rest}`;
  if (rest === '') {
    return dirNode(p, PROC_DEV, () => [
      ...Object.keys(PID_FILES).map((n) => ent(n, DT_REG, inoOf(`${base}/${n}`))),
      ...Object.keys(PID_LINKS).map((n) => ent(n, DT_LNK, inoOf(`${base}/${n}`))),
      ...(t ? ['fd', 'fdinfo'] : PID_DIRS).map((n) => ent(n, DT_DIR, inoOf(`${base}/${n}`))),
    ]);
  }
  if (PID_FILES[rest]) return fileNode(p, PROC_DEV, () => PID_FILES[rest](k, tg, t));
  if (PID_LINKS[rest]) return linkNode(() => PID_LINKS[rest](tg));
  const fds = () => tg.fds.entries().map(([fd]) => fd);
  if (rest === 'fd') {
    return { kind: 'dir', list: () => fds().map((fd) => ent(String(fd), DT_LNK, inoOf(`${p}/${fd}`))), stat: () => synthStat(S_IFDIR | 0o500, inoOf(p), { dev: PROC_DEV, uid: k.creds.uid, gid: k.creds.gid }) };
  }
  if (rest === 'fdinfo') return dirNode(p, PROC_DEV, () => fds().map((fd) => ent(String(fd), DT_REG, inoOf(`${p}/${fd}`))));
  let m = /^fd\/(\d+)$/.exec(rest);
  if (m) {
    const fd = Number(m[1]);
    if (!tg.fds.has(fd)) return null;
    // A magic link: opening it gives the same description for objects without a path (pipes,
    // stdio, sockets); files and directories are reopened by their path, as Linux does.
    return {
      kind: 'link', target: () => tg.fds.get(fd).path,
      file: () => { const f = tg.fds.get(fd); return f instanceof HostFile || f instanceof HostDir ? undefined : f; },
    };
  }
  m = /^fdinfo\/(\d+)$/.exec(rest);
  if (m) {
    const fd = Number(m[1]);
    if (!tg.fds.has(fd)) return null;
    return fileNode(p, PROC_DEV, () => {
      const f = tg.fds.get(fd);
      const pos = (f as unknown as { pos?: number }).pos ?? 0;
      return `pos:\t${pos}\nflags:\t0${(f.flags | (tg.fds.getCloexec(fd) ? 0o2000000 : 0)).toString(8)}\nmnt_id:\t1\nino:\t${f.stat().ino}\n`;
    });
  }
  if (!t && (rest === 'task' || rest.startsWith('task/'))) {
    if (rest === 'task') return dirNode(p, PROC_DEV, () => [...tg.tasks].filter((x) => !x.exited).map((x) => ent(String(x.tid), DT_DIR, inoOf(`${p}/${x.tid}`))));
    const tm = /^task\/(\d+)(?:\/(.*))?$/.exec(rest);
    if (!tm) return null;
    const task = [...tg.tasks].find((x) => x.tid === Number(tm[1]) && !x.exited);
    if (!task) return null;
    return pidDir(k, `${base}/task/${task.tid}`, tg, task, tm[2] ?? '');
  }
  return null;
}

function procNode(k: Kernel, p: string): SpecialNode | null {
  const cur = k.current;
  if (p === '/proc') {
    return dirNode(p, PROC_DEV, () => [
      ...[...k.groups.values()].filter((g) => g.alive).map((g) => ent(String(g.pid), DT_DIR, inoOf(`/proc/${g.pid}`))),
      ent('self', DT_LNK), ent('thread-self', DT_LNK), ent('mounts', DT_LNK), ent('sys', DT_DIR),
      ...Object.keys(PROC_TOP).map((n) => ent(n, DT_REG, inoOf(`/proc/${n}`))),
    ]);
  }
  const rest = p.slice(6);
  if (rest === 'self') return cur ? linkNode(() => String(cur.tg.pid)) : null;
  if (rest === 'thread-self') return cur ? linkNode(() => `${cur.tg.pid}/task/${cur.tid}`) : null;
  if (rest === 'mounts') return linkNode(() => 'self/mounts');
  if (PROC_TOP[rest]) return fileNode(p, PROC_DEV, () => PROC_TOP[rest](k));
  if (rest === 'sys' || rest === 'sys/kernel' || rest === 'sys/kernel/random') {
    const sk = sysKernel(k);
    const list = rest === 'sys' ? [ent('kernel', DT_DIR)] : rest === 'sys/kernel'
      ? [...Object.keys(sk).map((n) => ent(n, DT_REG, inoOf(`/proc/sys/kernel/${n}`))), ent('random', DT_DIR)]
      : [ent('boot_id', DT_REG), ent('uuid', DT_REG)];
    return dirNode(p, PROC_DEV, () => list);
  }
  if (rest.startsWith('sys/kernel/')) {
    const name = rest.slice(11);
    const sk = sysKernel(k);
    if (sk[name]) return fileNode(p, PROC_DEV, sk[name], name === 'hostname' ? 0o644 : 0o444);
    if (name === 'random/boot_id') {
      return fileNode(p, PROC_DEV, () => { let b = bootIds.get(k); if (!b) bootIds.set(k, (b = randomUUID())); return b + '\n'; });
    }
    if (name === 'random/uuid') return fileNode(p, PROC_DEV, () => randomUUID() + '\n');
    return null;
  }
  const m = /^(\d+)(?:\/(.*))?$/.exec(rest);
  if (!m) return null;
  const id = Number(m[1]);
  const tg = k.groups.get(id) ?? k.tasks.get(id)?.tg;
  if (!tg) return null;
  return pidDir(k, `/proc/${id}`, tg, undefined, m[2] ?? '');
}

export function kernelNode(k: Kernel, p: string): SpecialNode | undefined | null {
  if (p === '/dev' || p.startsWith('/dev/')) return devNode(k, p);
  if (p === '/sys' || p.startsWith('/sys/')) return sysNode(p);
  if (p === '/proc' || p.startsWith('/proc/')) return procNode(k, p);
  return undefined;
}

export type { StatInfo };
export { S_IFLNK };
