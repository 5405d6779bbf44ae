// The content of /proc files, generated from kernel state when a file is opened (convention 10).
// Each generator takes the thread group (or the kernel) and returns the file's text as Linux
// formats it. mm owns the maps format (MM.formatMaps).
import type { Kernel } from '../kernel.js';
import type { ThreadGroup, Task } from '../task.js';
import { formatSmaps } from '../mm/smaps.js';

const enc = new TextEncoder();
const nulJoin = (xs: string[]) => enc.encode(xs.map((x) => x + '\0').join(''));
export const OSRELEASE = '6.1.0-elfbox';
export const OSVERSION = '#1 SMP elfbox';
const PAGE = 4096;

function commOf(tg: ThreadGroup, t?: Task): string {
  const c = (t ?? tg.leader)?.comm;
  return c ? new TextDecoder().decode(c) : tg.exePath.split('/').pop()!.slice(0, 15);
}

function vmTotals(tg: ThreadGroup): { size: number; stack: number; data: number; exe: number } {
  let size = 0, stack = 0, data = 0, exe = 0;
  for (const v of tg.mm.vmas) {
    const n = v.end - v.start;
    size += n;
    if (v.kind === 'stack') stack += n;
    else if (v.kind === 'heap' || (v.kind === 'anon')) data += n;
    else if (v.prot & 4) exe += n;
  }
  return { size, stack, data, exe };
}

function state(tg: ThreadGroup, t?: Task): string {
  const x = t ?? tg.leader;
  if (!tg.alive) return 'Z (zombie)';
  if (tg.stopped !== undefined) return 'T (stopped)'; // job control (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU)
  return x?.block ? 'S (sleeping)' : 'R (running)';
}

const hexMask = (v: bigint) => v.toString(16).padStart(16, '0');

export function procStatus(k: Kernel, tg: ThreadGroup, t?: Task): string {
  const vm = vmTotals(tg);
  const kb = (n: number) => `${String(Math.ceil(n / 1024)).padStart(8)} kB`;
  const u = k.creds.uid, g = k.creds.gid;
  const task = t ?? tg.leader;
  const sigPend = (task?.pending ?? []).reduce((a, s) => a | (1n << BigInt(s.signo - 1)), 0n);
  const shdPend = tg.pending.reduce((a, s) => a | (1n << BigInt(s.signo - 1)), 0n);
  let ign = 0n, cgt = 0n;
  tg.sighand.actions.forEach((a, i) => { if (i === 0) return; if (a.handler === 1n) ign |= 1n << BigInt(i - 1); else if (a.handler > 1n) cgt |= 1n << BigInt(i - 1); });
  return [
    `Name:\t${commOf(tg, t)}`, 'Umask:\t' + tg.fs.umask.toString(8).padStart(4, '0'), `State:\t${state(tg, t)}`,
    `Tgid:\t${tg.pid}`, 'Ngid:\t0', `Pid:\t${task?.tid ?? tg.pid}`, `PPid:\t${tg.parent?.pid ?? 0}`, 'TracerPid:\t0',
    `Uid:\t${u}\t${u}\t${u}\t${u}`, `Gid:\t${g}\t${g}\t${g}\t${g}`, `FDSize:\t${Math.max(64, tg.fds.entries().length)}`, `Groups:\t${g}`,
    `NStgid:\t${tg.pid}`, `NSpid:\t${task?.tid ?? tg.pid}`, `NSpgid:\t${tg.pgid || tg.pid}`, `NSsid:\t${tg.sid || tg.pid}`,
    `VmPeak:\t${kb(vm.size)}`, `VmSize:\t${kb(vm.size)}`, 'VmLck:\t       0 kB', 'VmPin:\t       0 kB',
    `VmHWM:\t${kb(vm.size)}`, `VmRSS:\t${kb(vm.size)}`, `RssAnon:\t${kb(vm.data + vm.stack)}`, `RssFile:\t${kb(vm.exe)}`, 'RssShmem:\t       0 kB',
    `VmData:\t${kb(vm.data)}`, `VmStk:\t${kb(vm.stack)}`, `VmExe:\t${kb(vm.exe)}`, 'VmLib:\t       0 kB', 'VmPTE:\t       0 kB', 'VmSwap:\t       0 kB',
    `Threads:\t${[...tg.tasks].filter((x) => !x.exited).length}`, 'SigQ:\t0/63448',
    `SigPnd:\t${hexMask(sigPend)}`, `ShdPnd:\t${hexMask(shdPend)}`, `SigBlk:\t${hexMask(task?.sigmask ?? 0n)}`,
    `SigIgn:\t${hexMask(ign)}`, `SigCgt:\t${hexMask(cgt)}`,
    'CapInh:\t0000000000000000', `CapPrm:\t${u === 0 ? '000001ffffffffff' : '0000000000000000'}`, `CapEff:\t${u === 0 ? '000001ffffffffff' : '0000000000000000'}`,
    'CapBnd:\t000001ffffffffff', 'CapAmb:\t0000000000000000', 'NoNewPrivs:\t0', 'Seccomp:\t0',
    'Cpus_allowed:\t1', 'Cpus_allowed_list:\t0', 'voluntary_ctxt_switches:\t0', 'nonvoluntary_ctxt_switches:\t0', '',
  ].join('\n');
}

export function procStat(k: Kernel, tg: ThreadGroup, t?: Task): string {
  const vm = vmTotals(tg);
  const task = t ?? tg.leader;
  const st = state(tg, t)[0];
  const f = [
    task?.tid ?? tg.pid, `(${commOf(tg, t)})`, st, tg.parent?.pid ?? 0, tg.pgid || tg.pid, tg.sid || tg.pid, 0, -1, 0x400000,
    0, 0, 0, 0, 0, 0, 0, 0, 20, 0, [...tg.tasks].filter((x) => !x.exited).length, 0,
    Math.floor((k.bootMs - k.bootMs) / 10), vm.size, Math.ceil(vm.size / PAGE), '18446744073709551615',
    0, 0, 0x7fff0000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 0, 0, 0, tg.mm.brkStart, tg.mm.brkCur, 0, 0, 0, 0, 0,
  ];
  return f.join(' ') + '\n';
}

export function procStatm(tg: ThreadGroup): string {
  const vm = vmTotals(tg);
  const p = (n: number) => Math.ceil(n / PAGE);
  return `${p(vm.size)} ${p(vm.size)} ${p(vm.exe)} ${p(vm.exe)} 0 ${p(vm.data + vm.stack)} 0\n`;
}

/** /proc/<pid>/smaps: each maps line followed by its sizes (the mm counts the pages, mm/smaps.ts). */
export function procSmaps(tg: ThreadGroup): string {
  return formatSmaps(tg.mm);
}

export function procLimits(tg: ThreadGroup): string {
  const rows: Array<[string, number, string]> = [
    ['Max cpu time', 0, 'seconds'], ['Max file size', 1, 'bytes'], ['Max data size', 2, 'bytes'], ['Max stack size', 3, 'bytes'],
    ['Max core file size', 4, 'bytes'], ['Max resident set', 5, 'bytes'], ['Max processes', 6, 'processes'], ['Max open files', 7, 'files'],
    ['Max locked memory', 8, 'bytes'], ['Max address space', 9, 'bytes'], ['Max file locks', 10, 'locks'], ['Max pending signals', 11, 'signals'],
    ['Max msgqueue size', 12, 'bytes'], ['Max nice priority', 13, ''], ['Max realtime priority', 14, ''], ['Max realtime timeout', 15, 'us'],
  ];
  const defaults: Record<number, [string, string]> = { 3: ['8388608', 'unlimited'], 4: ['0', 'unlimited'], 7: [String(tg.fds.limit), '1048576'], 13: ['0', '0'], 14: ['0', '0'] };
  const v = (x: bigint) => (x >= 0xffff_ffff_ffff_ffffn ? 'unlimited' : String(x));
  let s = 'Limit                     Soft Limit           Hard Limit           Units     \n';
  for (const [name, r, unit] of rows) {
    const l = tg.rlimits.get(r);
    const [soft, hard] = l ? [v(l[0]), v(l[1])] : defaults[r] ?? ['unlimited', 'unlimited'];
    s += `${name.padEnd(26)}${soft.padEnd(21)}${hard.padEnd(21)}${unit.padEnd(10)}\n`;
  }
  return s;
}

export function procAuxv(tg: ThreadGroup): Uint8Array {
  const out = new Uint8Array((tg.auxv.length + (tg.auxv.at(-1)?.[0] === 0 ? 0 : 1)) * 16);
  const dv = new DataView(out.buffer);
  tg.auxv.forEach(([t, v], i) => { dv.setBigUint64(i * 16, BigInt(t), true); dv.setBigUint64(i * 16 + 8, v, true); });
  return out;
}

export const procCmdline = (tg: ThreadGroup) => nulJoin(tg.argv);
export const procEnviron = (tg: ThreadGroup) => nulJoin(tg.envp);
export const procComm = (tg: ThreadGroup, t?: Task) => commOf(tg, t) + '\n';

/** The mount table (one line per mount; the host passthrough root, then the kernel's own). */
export function procMounts(mounts: ReadonlyArray<{ guest: string; host: string; ro: boolean }> = []): string {
  return [
    '/ / ext4 rw,relatime 0 0',
    ...[...mounts].reverse().map((m) => `${m.host || 'tmpfs'} ${m.guest} ${m.host ? 'ext4' : 'tmpfs'} ${m.ro ? 'ro' : 'rw'},relatime 0 0`),
    'proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0',
    'sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0',
    'devtmpfs /dev devtmpfs rw,nosuid,relatime,mode=755 0 0',
    '',
  ].join('\n');
}

export function procMountinfo(mounts: ReadonlyArray<{ guest: string; host: string; ro: boolean }> = []): string {
  return [
    '1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/root rw',
    ...[...mounts].reverse().map((m, i) => `${10 + i} 1 8:1 ${m.host} ${m.guest} ${m.ro ? 'ro' : 'rw'},relatime shared:${10 + i} - ext4 /dev/root ${m.ro ? 'ro' : 'rw'}`),
    '2 1 0:20 / /proc rw,nosuid,nodev,noexec,relatime shared:2 - proc proc rw',
    '3 1 0:21 / /sys ro,nosuid,nodev,noexec,relatime shared:3 - sysfs sysfs ro',
    '4 1 0:5 / /dev rw,nosuid,relatime shared:4 - devtmpfs devtmpfs rw,mode=755',
    '',
  ].join('\n');
}

const X86_EDX_FLAGS = ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'pae', 'mce', 'cx8', 'apic', '', 'sep', 'mtrr', 'pge', 'mca', 'cmov',
  'pat', 'pse36', 'pn', 'clflush', '', 'dts', 'acpi', 'mmx', 'fxsr', 'sse', 'sse2', 'ss', 'ht', 'tm', 'ia64', 'pbe'];
const A64_HWCAPS = ['fp', 'asimd', 'evtstrm', 'aes', 'pmull', 'sha1', 'sha2', 'crc32', 'atomics', 'fphp', 'asimdhp', 'cpuid', 'asimdrdm',
  'jscvt', 'fcma', 'lrcpc', 'dcpop', 'sha3', 'sm3', 'sm4', 'asimddp', 'sha512', 'sve', 'asimdfhm', 'dit', 'uscat', 'ilrcpc', 'flagm', 'ssbs',
  'sb', 'paca', 'pacg'];

/** /proc/cpuinfo for one CPU, with the features the process's AT_HWCAP advertises. */
export function procCpuinfo(tg: ThreadGroup | undefined): string {
  const hw = tg?.auxv.find(([t]) => t === 16)?.[1] ?? 0n;
  const bits = (names: string[]) => names.filter((n, i) => n && (hw >> BigInt(i)) & 1n);
  if (tg?.arch.arch === 'aarch64') {
    return ['processor\t: 0', 'BogoMIPS\t: 50.00', `Features\t: ${bits(A64_HWCAPS).join(' ')}`, 'CPU implementer\t: 0x00', 'CPU architecture: 8',
      'CPU variant\t: 0x0', 'CPU part\t: 0x000', 'CPU revision\t: 0', '', ''].join('\n');
  }
  return ['processor\t: 0', 'vendor_id\t: GenuineIntel', 'cpu family\t: 6', 'model\t\t: 0', 'model name\t: elfbox x86-64 CPU',
    'stepping\t: 0', 'cpu MHz\t\t: 1000.000', 'cache size\t: 0 KB', 'physical id\t: 0', 'siblings\t: 1', 'core id\t\t: 0', 'cpu cores\t: 1',
    'apicid\t\t: 0', 'initial apicid\t: 0', 'fpu\t\t: yes', 'fpu_exception\t: yes', 'cpuid level\t: 1', 'wp\t\t: yes',
    `flags\t\t: ${bits(X86_EDX_FLAGS).join(' ')}`, 'bogomips\t: 2000.00', 'clflush size\t: 64', 'cache_alignment\t: 64',
    'address sizes\t: 48 bits physical, 48 bits virtual', 'power management:', '', ''].join('\n');
}

export function procMeminfo(): string {
  const totalKb = 4 * 1024 * 1024, freeKb = 3 * 1024 * 1024;
  const rows: Array<[string, number]> = [['MemTotal', totalKb], ['MemFree', freeKb], ['MemAvailable', freeKb], ['Buffers', 0], ['Cached', 0],
    ['SwapCached', 0], ['Active', 0], ['Inactive', 0], ['SwapTotal', 0], ['SwapFree', 0], ['Dirty', 0], ['Writeback', 0], ['AnonPages', 0],
    ['Mapped', 0], ['Shmem', 0], ['Slab', 0], ['CommitLimit', totalKb], ['Committed_AS', 0], ['VmallocTotal', 34359738367], ['HugePages_Total', 0],
    ['HugePages_Free', 0], ['Hugepagesize', 2048]];
  return rows.map(([n, v]) => n.startsWith('HugePages_') ? `${(n + ':').padEnd(16)}${String(v).padStart(7)}` : `${(n + ':').padEnd(16)}${String(v).padStart(8)} kB`).join('\n') + '\n';
}

export function procGlobalStat(k: Kernel): string {
  const bootSec = Math.floor(Date.now() / 1000 - (performance.now() - k.bootMs) / 1000);
  return ['cpu  0 0 0 0 0 0 0 0 0 0', 'cpu0 0 0 0 0 0 0 0 0 0 0', 'intr 0', 'ctxt 0', `btime ${bootSec}`,
    `processes ${k.groups.size}`, `procs_running 1`, 'procs_blocked 0', 'softirq 0 0 0 0 0 0 0 0 0 0 0', ''].join('\n');
}

export function procUptime(k: Kernel): string {
  const s = (performance.now() - k.bootMs) / 1000;
  return `${s.toFixed(2)} ${s.toFixed(2)}\n`;
}

export const procLoadavg = (k: Kernel) => `0.00 0.00 0.00 1/${k.tasks.size} ${Math.max(...k.tasks.keys(), 1)}\n`;
export const procVersion = () => `Linux version ${OSRELEASE} (elfbox) ${OSVERSION}\n`;
export const procFilesystems = () => 'nodev\tsysfs\nnodev\tproc\nnodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tpipefs\n\text4\n';
