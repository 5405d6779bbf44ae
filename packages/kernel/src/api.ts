// The library API: run(opts) loads an ELF into a fresh Kernel and runs it to its exit.
// Every run builds its own Kernel, mm, Cpu and stdio objects; the only module-level state is
// the backend registry (configuration, not run state), so runs never interfere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { sigStackSizes } from '@elfbox/abi';
import type { Arch, CpuBackend } from '@elfbox/cpu';
import { ElfError, loadElf, parseElf, type ElfFile, type LoadResult } from '@elfbox/elf';
import { SysError } from './errors.js';
import { BufferInput, CaptureOutput, StreamInput, StreamOutput, type HostInput, type HostOutput } from './files/stdio.js';
import { Kernel } from './kernel.js';
import { quoteBuffer } from './strace.js';
import { MM, STACK_SIZE, defaultMemoryLimit } from './mm.js';
import { layoutRandom, seededBytes } from './mm/random.js';
import { autoSysroot, sysrootMounts } from './sysroot.js';
import { describeImages } from './mm/images.js';

/** The host path of a guest path (undefined when it does not resolve). */
function hostOf(kernel: Kernel, guest: string): string | undefined {
  try { const r = kernel.vfs.resolve('/', guest, true); return r.exists ? r.host : undefined; } catch { return undefined; }
}

/** The mounts of the run's sysroot (explicit, or automatic for a foreign-arch dynamic program). */
function sysrootFor(opts: RunOptions, root: string): Array<{ host: string; guest: string; ro: boolean }> {
  if (opts.sysroot === false) return [];
  if (opts.sysroot) return sysrootMounts(path.resolve(opts.sysroot));
  let bytes = opts.bytes;
  if (!bytes && opts.path !== undefined) { try { bytes = new Uint8Array(fs.readFileSync(opts.path)); } catch { return []; } }
  const dir = bytes ? autoSysroot(bytes, root) : undefined;
  return dir ? sysrootMounts(dir) : [];
}
import type { SignalDelivery } from './signals.js';

export interface RunOptions {
  /** Host path of the program (read from the host, like qemu-user's argument). */
  path?: string;
  /** The program's bytes instead of a path. */
  bytes?: Uint8Array;
  /** argv; default [path] (or ['a.out'] for bytes). */
  argv?: string[];
  /** The environment; default empty. */
  env?: Record<string, string> | string[];
  stdin?: Readable | Uint8Array | string;
  /** A stream, or 'capture' to get the bytes in the result; default the host's process.stdout. */
  stdout?: Writable | 'capture';
  stderr?: Writable | 'capture';
  /** Backend name: 'ts' (the TypeScript CPU of the ELF's arch), 'unicorn', 'x86_64', 'aarch64'. Default 'ts'. */
  cpu?: string;
  /** A backend object, bypassing the registry. */
  backend?: CpuBackend;
  /** Host directory the guest sees as / (interpreter and every path resolve in it). Default '/'. */
  root?: string;
  /** Host directories mounted at guest paths, read-write or read-only (`--mount HOST:GUEST[:ro]`). */
  mounts?: Array<{ host: string; guest: string; ro: boolean }>;
  /** Guest paths that get an empty in-memory file system (tmpfs). */
  tmpfs?: string[];
  /** The guest's / in memory, seeded from a host directory or a .tar file. */
  memfs?: string;
  /** true: strace lines to the guest's stderr; a stream: lines to it. */
  strace?: boolean | Writable;
  /** The guest's initial working directory (a guest path). Default: the host cwd when root is '/', else '/'. */
  cwd?: string;
  /** Guest instructions per scheduling slice. */
  budget?: number;
  /** Where elfbox's own warnings go (default the guest's stderr). */
  onWarning?: (line: string) => void;
  /** Signal handler delivery (the signals issue plugs in here). */
  delivery?: SignalDelivery;
  /**
   * Forward the host process's SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to the guest's
   * first process (the CLI does: Ctrl-C ends the guest with SIGINT, status 130, as it would end a
   * native program). A guest blocked with nothing else to wake it (pause()) then waits for them.
   */
  forwardSignals?: boolean;
  /** Deterministic randomness (AT_RANDOM, getrandom) for reproducible runs. */
  random?: (out: Uint8Array) => void;
  /** Address space layout randomisation (default true, as Linux); false gives the fixed layout of mm.ts. */
  aslr?: boolean;
  /** Makes every address and random byte reproducible: the layout, AT_RANDOM and getrandom come from this seed. */
  seed?: number;
  /** Cap on the guest's accessible mapped memory in bytes: beyond it mmap/brk give ENOMEM (default: 4 GiB, or half the host's RAM when less). */
  memory?: number;
  /** Network policy: 'host' (default), 'loopback' (127.0.0.0/8 and ::1 only), 'none'. */
  net?: 'host' | 'loopback' | 'none';
  /** The guest's hostname (uname nodename; default 'elfbox'). */
  hostname?: string;
  /** The guest's user and group ids (default: the host user's). */
  uid?: number;
  gid?: number;
  /**
   * Libraries for a foreign-arch program (qemu's -L): DIR's lib directories are mounted over
   * /lib, /usr/lib... Default: /usr/aarch64-linux-gnu for an aarch64 program whose interpreter
   * is missing (sysroot.ts); false turns the automatic one off.
   */
  sysroot?: string | false;
  /** Map a vDSO and pass AT_SYSINFO_EHDR (default true). */
  vdso?: boolean;
}

export interface RunResult {
  /** The exit code, or 128 + signal when a signal ended the process (as a shell reports it). */
  status: number;
  /** The signal that ended the process, if one did. */
  signal?: number;
  /** true when the default action of that signal dumps core. */
  core?: boolean;
  stdout?: Uint8Array;
  stderr?: Uint8Array;
  /** Guest instructions retired, when the CPU backend counts them (the TypeScript CPUs do). */
  instructions?: number;
  /** Wall time of the run in milliseconds, from program load to exit. */
  elapsedMs?: number;
}

export type RunErrorCode = 'ENOENT' | 'EACCES' | 'ENOEXEC' | 'EMACHINE' | 'NOINTERP' | 'NOBACKEND' | 'BACKEND_UNAVAILABLE';

/** A run that could not start: a one-line message for the CLI. */
export class RunError extends Error {
  constructor(readonly code: RunErrorCode, message: string) {
    super(message);
    this.name = 'RunError';
  }
}

// ---- backends ----------------------------------------------------------------------------------

const backends = new Map<string, CpuBackend>();
const loaders = new Map<string, () => Promise<CpuBackend>>();

export function registerBackend(b: CpuBackend): void {
  backends.set(b.name, b);
}

/** Registers a backend that is imported only when a run asks for it (native code stays unloaded). */
export function registerBackendLoader(name: string, load: () => Promise<CpuBackend>): void {
  loaders.set(name, load);
}

export function backendNames(): string[] {
  return [...new Set(['ts', ...backends.keys(), ...loaders.keys()])];
}

export async function resolveBackend(name: string, arch: Arch): Promise<CpuBackend> {
  const real = name === 'ts' ? arch : name;
  let b = backends.get(real);
  if (!b) {
    const load = loaders.get(real);
    if (!load) {
      throw new RunError('NOBACKEND', name === 'ts'
        ? `no TypeScript CPU for ${arch} is registered`
        : `unknown CPU backend '${name}' (known: ${backendNames().join(', ')})`);
    }
    try {
      b = await load();
    } catch (e) {
      if (e instanceof RunError) throw e;
      throw new RunError('BACKEND_UNAVAILABLE', `CPU backend '${real}' could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!b) throw new RunError('BACKEND_UNAVAILABLE', `CPU backend '${real}' is not available yet`);
    backends.set(real, b);
  }
  if (!b.arches.includes(arch)) throw new RunError('EMACHINE', `CPU backend '${b.name}' does not run ${arch} code`);
  return b;
}

// ---- program preparation ----------------------------------------------------------------------

export interface Program {
  exe: ElfFile;
  /** The guest's /proc/self/exe. */
  exePath: string;
  interp?: ElfFile;
  interpPath?: string;
}

function readHost(p: string, what: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(p));
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new RunError('ENOENT', `${what}: No such file or directory`);
    if (code === 'EACCES') throw new RunError('EACCES', `${what}: Permission denied`);
    if (code === 'EISDIR') throw new RunError('EACCES', `${what}: Is a directory`);
    throw new RunError('ENOENT', `${what}: ${(e as Error).message}`);
  }
}

function parse(bytes: Uint8Array, what: string): ElfFile {
  try {
    return parseElf(bytes);
  } catch (e) {
    if (e instanceof ElfError) {
      if (e.code === 'BAD_MACHINE') throw new RunError('EMACHINE', `${what}: unsupported machine (${e.message.replace(/^BAD_MACHINE: /, '')})`);
      if (e.code === 'BAD_CLASS') throw new RunError('EMACHINE', `${what}: unsupported machine (not a 64-bit ELF; elfbox runs x86-64 and aarch64 programs)`);
      if (e.code === 'BAD_MAGIC' || e.code === 'TRUNCATED') throw new RunError('ENOEXEC', `${what}: not an ELF executable`);
      throw new RunError('ENOEXEC', `${what}: cannot execute: ${e.message}`);
    }
    throw e;
  }
}

/** Reads and parses the program and its interpreter (looked up under the root). */
export function prepareProgram(opts: Pick<RunOptions, 'path' | 'bytes' | 'root'>, kernel?: Kernel): Program {
  const what = opts.path ?? 'program';
  const bytes = opts.bytes ?? (opts.path !== undefined ? readHost(opts.path, opts.path) : undefined);
  if (!bytes) throw new RunError('ENOENT', 'no program given (path or bytes)');
  const exe = parse(bytes, what);
  const root = path.resolve(opts.root ?? '/');
  // A program given as bytes has no path: Linux shows a memfd's name for such an exe.
  let exePath = opts.path !== undefined ? path.resolve(opts.path) : '/memfd:elfbox (deleted)';
  if (root !== '/' && opts.path !== undefined) {
    exePath = exePath === root ? '/' : exePath.startsWith(root + '/') ? exePath.slice(root.length) : exePath;
  }
  if (!exe.interp) return { exe, exePath };
  let hostInterp = path.join(root, exe.interp);
  if (kernel) {
    try {
      const r = kernel.vfs.resolve('/', exe.interp, true);
      if (r.exists) hostInterp = r.host;
    } catch (e) {
      if (!(e instanceof SysError)) throw e;
    }
  }
  let ib: Uint8Array;
  try {
    ib = new Uint8Array(fs.readFileSync(hostInterp));
  } catch {
    throw new RunError('NOINTERP', `${what}: interpreter ${exe.interp} not found${root !== '/' ? ` under ${root}` : ''} (a dynamically linked program needs its libc: install it, or give --root)`);
  }
  const interp = parse(ib, exe.interp);
  if (interp.machine !== exe.machine) throw new RunError('NOINTERP', `${what}: interpreter ${exe.interp} is for ${interp.machine}, the program for ${exe.machine}`);
  return { exe, exePath, interp, interpPath: exe.interp };
}

function envList(env: RunOptions['env']): string[] {
  if (!env) return [];
  if (Array.isArray(env)) return env;
  return Object.entries(env).map(([k, v]) => `${k}=${v}`);
}

/** Loads a program into mm the way execve does; used by run() and `elfbox inspect`. */
export function loadProgram(mm: MM, prog: Program, argv: string[], envp: string[], execfn: string, backend: Pick<CpuBackend, 'hwcap'> | undefined, creds: { uid: number; gid: number }, random: Uint8Array): LoadResult {
  const arch = prog.exe.machine;
  const hw = backend?.hwcap(arch) ?? { hwcap: 0n, hwcap2: 0n, platform: arch };
  const sysinfoEhdr = mm.vdso ? mm.mapVdso(arch) : undefined;
  const res = loadElf(mm, {
    sysinfoEhdr,
    exe: prog.exe, exePath: prog.exePath, interp: prog.interp, interpPath: prog.interpPath,
    argv, envp, execfn, random, hwcap: hw.hwcap, hwcap2: hw.hwcap2, platform: hw.platform,
    uid: creds.uid, euid: creds.uid, gid: creds.gid, egid: creds.gid, secure: false, clktck: 100,
    minsigstksz: sigStackSizes(arch).MINSIGSTKSZ, stackTop: mm.stackTop, stackSize: STACK_SIZE,
    exeBase: prog.exe.type === 'dyn' ? mm.pieBase : undefined,
  });
  mm.setBrk(res.brk);
  return res;
}

function inputOf(s: RunOptions['stdin']): HostInput {
  if (s === undefined) return new BufferInput(new Uint8Array(0));
  if (typeof s === 'string') return new BufferInput(new TextEncoder().encode(s));
  if (s instanceof Uint8Array) return new BufferInput(s);
  if (s instanceof Readable || typeof (s as Readable).on === 'function') return new StreamInput(s as Readable);
  throw new TypeError('run: stdin must be a Readable, a Uint8Array or a string');
}

function outputOf(s: RunOptions['stdout'], dflt: Writable): HostOutput {
  if (s === 'capture') return new CaptureOutput();
  return new StreamOutput(s ?? dflt);
}

export async function run(opts: RunOptions): Promise<RunResult> {
  const stdin = inputOf(opts.stdin);
  const stdout = outputOf(opts.stdout, process.stdout);
  const stderr = outputOf(opts.stderr, process.stderr);
  const enc = new TextEncoder();
  let strace: ((line: string) => void) | undefined;
  if (opts.strace === true) strace = (l) => { stderr.write(enc.encode(l + '\n')); };
  else if (opts.strace) { const w = opts.strace; strace = (l) => { w.write(l + '\n'); }; }

  const root = path.resolve(opts.root ?? '/');
  const kernel = new Kernel({
    root, mounts: [...(opts.mounts ?? []), ...sysrootFor(opts, root)], tmpfs: opts.tmpfs, memfs: opts.memfs, io: { stdin, stdout, stderr }, strace, budget: opts.budget, diag: opts.onWarning, delivery: opts.delivery, random: opts.random ?? (opts.seed !== undefined ? seededBytes(opts.seed) : undefined), seed: opts.seed,
    net: opts.net, hostname: opts.hostname, uid: opts.uid, gid: opts.gid,
  });
  try {
    const prog = prepareProgram(opts, kernel);
    const arch = prog.exe.machine;
    const backend = opts.backend ?? (await resolveBackend(opts.cpu ?? 'ts', arch));
    if (!backend.arches.includes(arch)) throw new RunError('EMACHINE', `CPU backend '${backend.name}' does not run ${arch} code`);
    if (!opts.backend) kernel.backendResolver = (a) => resolveBackend(opts.cpu ?? 'ts', a); // execve of the other arch
    const argv = opts.argv ?? [opts.path ?? 'a.out'];
    const envp = envList(opts.env);
    const mm = new MM();
    mm.limit = opts.memory ?? defaultMemoryLimit(); // without --memory: the guest's MemTotal or half the host's RAM (mm.ts)
    if (opts.vdso === false) mm.vdso = false;
    if (opts.aslr !== false) mm.randomize(layoutRandom(opts.seed));
    const random = new Uint8Array(16);
    kernel.random(random);
    let res: LoadResult;
    try {
      res = loadProgram(mm, prog, argv, envp, opts.path ?? argv[0] ?? '', backend, kernel.creds, random);
    } catch (e) {
      if (e instanceof ElfError) throw new RunError('ENOEXEC', `${opts.path ?? 'program'}: cannot load: ${e.message}`);
      throw e;
    }
    describeImages(mm, [
      { elf: prog.exe, bias: res.exeBase, name: prog.exePath, hostPath: opts.path, root },
      ...(prog.interp ? [{ elf: prog.interp, bias: res.interpBase, name: prog.interpPath!, hostPath: hostOf(kernel, prog.interpPath!), root }] : []),
    ]);
    const tg = kernel.createProcess(arch, mm, backend);
    tg.exePath = prog.exePath;
    tg.auxv = res.auxv;
    tg.argv = argv;
    tg.envp = envp;
    tg.fs.cwd = opts.cwd ?? (root === '/' ? process.cwd() : '/');
    kernel.installStdio(tg);
    kernel.setEntry(tg.leader!, res.entry, res.sp);
    if (strace) {
      // strace's first line: the execve that started the program (argv/envp live on the new stack)
      const argvStr = argv.map((a) => quoteBuffer(enc.encode(a))).join(', ');
      const envAddr = res.sp + 8 * (argv.length + 2);
      strace(`execve(${quoteBuffer(enc.encode(opts.path ?? argv[0] ?? ''), undefined, 4096)}, [${argvStr}], 0x${envAddr.toString(16)} /* ${envp.length} var${envp.length === 1 ? '' : 's'} */) = 0`);
    }
    const forwarded: Array<[NodeJS.Signals, () => void]> = [];
    if (opts.forwardSignals) {
      const fwd = [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1], ['SIGQUIT', 3], ['SIGUSR1', 10], ['SIGUSR2', 12]] as const;
      // a guest in pause() waits for these (unless it ignores them all) instead of being reported as a deadlock
      kernel.hostSignals = () => fwd.some(([, signo]) => tg.sighand.actions[signo].handler !== 1n /* SIG_IGN */);
      for (const [name, signo] of fwd) {
        const h = () => kernel.sendSignal(tg, { signo, code: 0x80 /* SI_KERNEL */ });
        process.on(name, h);
        forwarded.push([name, h]);
      }
    }
    let status;
    const t0 = performance.now();
    try {
      status = await kernel.run(tg);
    } finally {
      for (const [name, h] of forwarded) process.off(name, h);
    }
    // The run is over and nothing can look at the first image's memory any more: its host buffer
    // goes back to the pool (AddressSpace.release), so many runs in one Node process do not pile
    // up 4 GiB mappings (which makes child_process spawns fail with ENOMEM).
    mm.mem.release();
    const out: RunResult = 'code' in status ? { status: status.code } : { status: 128 + status.signal, signal: status.signal, core: status.core };
    out.elapsedMs = performance.now() - t0;
    if (kernel.instructions > 0) out.instructions = kernel.instructions;
    if (stdout instanceof CaptureOutput) out.stdout = stdout.bytes();
    if (stderr instanceof CaptureOutput) out.stderr = stderr.bytes();
    return out;
  } finally {
    stdin.close();
    stdout.close?.();
    stderr.close?.();
  }
}
