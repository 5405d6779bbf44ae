// The `elfbox` command: run and inspect Linux ELF binaries. Built by scripts/build.mjs into
// packages/cli/dist/main.js.
import { RunError, run, backendNames, resolveBackend } from './index.js';
import type { Arch, CpuBackend } from '@elfbox/cpu';
import { openSync, readSync, closeSync } from 'node:fs';

export const USAGE = `elfbox: run Linux ELF binaries (x86-64, aarch64) on an emulated CPU

Usage:
  elfbox run [options] PROG [ARGS...]   run PROG with guest stdio = host stdio
  elfbox inspect [--root DIR] PROG [ARGS...]
                                        show headers, segments, interpreter, needed
                                        libraries and the initial stack + auxv
  elfbox --help                         this text

Run options:
  --cpu NAME        CPU backend: ts (default; the TypeScript CPU of PROG's arch) or unicorn
  --strace          print every system call to stderr, the way strace does
  --env K=V         set a guest environment variable (repeatable)
  --unset-env K     remove a variable from the guest environment (repeatable)
  --root DIR        the guest's / is DIR (interpreter and libraries are looked up there)
  --mount HOST:GUEST[:ro]
                    mount host directory HOST at guest path GUEST, read-only with :ro (repeatable)
  --tmpfs GUEST     an empty in-memory file system at GUEST, e.g. /tmp (repeatable)
  --memfs SRC       the guest's / is an in-memory file system seeded from directory or .tar SRC
  --sysroot DIR     libraries of a foreign-arch program come from DIR (qemu's -L; default for
                    aarch64: /usr/aarch64-linux-gnu when its interpreter is not installed)
  --no-vdso         no vDSO (AT_SYSINFO_EHDR): libc makes real system calls for the clocks
  --no-aslr         fixed addresses (stack, mmap base, PIE base, brk) instead of randomised ones
  --seed N          reproducible run: every address, random byte (AT_RANDOM, getrandom) and thread interleaving from N
  --memory LIMIT    cap guest memory (bytes, or with K/M/G): beyond it mmap and brk fail with ENOMEM
  --net MODE        guest networking: host (default), loopback (127.0.0.0/8 and ::1 only), none
  --hostname NAME   the guest's hostname (uname nodename; default elfbox)
  --stats           after the run, print guest instructions, time and MIPS to stderr
  --lockstep unicorn
                    run the chosen CPU and Unicorn side by side on identical state and stop
                    at the first instruction where they disagree, with a report

The guest gets the host environment by default (as qemu-user does). elfbox exits with the
guest's exit status, or 128+N when signal N ended it.
`;

export interface ParsedArgs {
  cmd: 'run' | 'inspect' | 'help';
  cpu?: string;
  lockstep?: string;
  stats?: boolean;
  strace: boolean;
  env: Array<[string, string]>;
  unset: string[];
  root?: string;
  mounts?: Array<{ host: string; guest: string; ro: boolean }>;
  tmpfs?: string[];
  memfs?: string;
  aslr?: boolean;
  vdso?: boolean;
  sysroot?: string;
  seed?: number;
  memory?: number;
  net?: 'host' | 'loopback' | 'none';
  hostname?: string;
  prog?: string;
  args: string[];
}

export class UsageError extends Error {}

/** Options come before PROG; everything after PROG belongs to the guest. */
export function parseArgs(argv: string[]): ParsedArgs {
  const out: ParsedArgs = { cmd: 'help', strace: false, env: [], unset: [], args: [] };
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return out;
  const cmd = argv[0];
  if (cmd !== 'run' && cmd !== 'inspect') throw new UsageError(`unknown command '${cmd}' (try elfbox --help)`);
  out.cmd = cmd;
  let i = 1;
  const value = (opt: string): string => {
    const v = argv[++i];
    if (v === undefined) throw new UsageError(`${opt} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('--')) break;
    const eq = a.indexOf('=');
    const name = eq > 0 && !a.startsWith('--env') && !a.startsWith('--unset-env') ? a.slice(0, eq) : a;
    const inline = eq > 0 && name !== a ? a.slice(eq + 1) : undefined;
    const take = () => inline ?? value(name);
    switch (name) {
      case '--help': out.cmd = 'help'; return out;
      case '--cpu': out.cpu = take(); break;
      case '--lockstep': out.lockstep = take(); break;
      case '--stats': out.stats = true; break;
      case '--root': out.root = take(); break;
      case '--sysroot': out.sysroot = take(); break;
      case '--tmpfs': (out.tmpfs ??= []).push(take()); break;
      case '--memfs': out.memfs = take(); break;
      case '--mount': {
        const m = /^([^:]+):(\/[^:]*)(?::(ro|rw))?$/.exec(take());
        if (!m) throw new UsageError('--mount needs HOST:GUEST[:ro] with an absolute GUEST path');
        (out.mounts ??= []).push({ host: m[1], guest: m[2], ro: m[3] === 'ro' });
        break;
      }
      case '--no-aslr': out.aslr = false; break;
      case '--no-vdso': out.vdso = false; break;
      case '--seed': {
        const v = take();
        if (!/^\d+$/.test(v) || Number(v) > 0xffffffff) throw new UsageError(`--seed needs an integer 0..4294967295, got '${v}'`);
        out.seed = Number(v);
        break;
      }
      case '--memory': {
        const v = take();
        const m = /^(\d+)([KMGT]?)i?B?$/i.exec(v);
        if (!m || Number(m[1]) === 0) throw new UsageError(`--memory needs a size like 512M or 2G, got '${v}'`);
        out.memory = Number(m[1]) * 1024 ** ' KMGT'.indexOf(m[2].toUpperCase() || ' ');
        break;
      }
      case '--net': {
        const v = take();
        if (v !== 'host' && v !== 'loopback' && v !== 'none') throw new UsageError(`--net takes host, loopback or none, got '${v}'`);
        out.net = v;
        break;
      }
      case '--hostname': out.hostname = take(); break;
      case '--strace': out.strace = true; break;
      case '--env': {
        const kv = value(a);
        const k = kv.indexOf('=');
        if (k <= 0) throw new UsageError(`--env needs K=V, got '${kv}'`);
        out.env.push([kv.slice(0, k), kv.slice(k + 1)]);
        break;
      }
      case '--unset-env': out.unset.push(value(a)); break;
      default: throw new UsageError(`unknown option ${a}`);
    }
  }
  if (out.cmd === 'inspect' && (out.strace || out.env.length || out.unset.length)) throw new UsageError('inspect takes only --root and --cpu');
  out.prog = argv[i];
  if (out.prog === undefined) throw new UsageError(`${out.cmd}: no program given`);
  out.args = argv.slice(i + 1);
  return out;
}

export function guestEnv(host: NodeJS.ProcessEnv, p: ParsedArgs): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(host)) if (v !== undefined) env[k] = v;
  for (const k of p.unset) delete env[k];
  for (const [k, v] of p.env) env[k] = v;
  return env;
}

export async function main(argv: string[]): Promise<number> {
  let p: ParsedArgs;
  try {
    p = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) { process.stderr.write(`elfbox: ${e.message}\n`); return 2; }
    throw e;
  }
  if (p.cmd === 'help') { process.stdout.write(USAGE); return 0; }
  const prog = p.prog!;
  try {
    if (p.cmd === 'inspect') {
      const { inspect } = await import('./inspect.js');
      process.stdout.write(await inspect({ path: prog, argv: [prog, ...p.args], envp: [], root: p.root, cpu: p.cpu }));
      return 0;
    }
    const cpu = p.cpu ?? 'ts';
    if (!backendNames().includes(cpu)) { process.stderr.write(`elfbox: unknown CPU backend '${cpu}' (known: ${backendNames().join(', ')})\n`); return 2; }
    let backend: CpuBackend | undefined;
    if (p.lockstep !== undefined) {
      if (p.lockstep !== 'unicorn') { process.stderr.write(`elfbox: --lockstep takes 'unicorn' (the only oracle), got '${p.lockstep}'\n`); return 2; }
      backend = await lockstepBackendFor(prog, cpu);
    }
    const r = await run({
      path: prog, argv: [prog, ...p.args], env: guestEnv(process.env, p), cpu, backend, root: p.root, mounts: p.mounts, tmpfs: p.tmpfs, memfs: p.memfs, strace: p.strace, aslr: p.aslr, seed: p.seed, memory: p.memory, net: p.net, hostname: p.hostname, sysroot: p.sysroot, vdso: p.vdso,
      stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, forwardSignals: true,
    });
    if (p.stats) process.stderr.write(statsLine(r.instructions, r.elapsedMs ?? 0, r.status) + '\n');
    return r.status;
  } catch (e) {
    if (e instanceof RunError) { process.stderr.write(`elfbox: ${e.message}\n`); return 127; }
    throw e;
  }
}

/** The --stats line: instructions (when the backend counts them), wall time, MIPS. */
export function statsLine(instructions: number | undefined, ms: number, status: number): string {
  const t = `${ms.toFixed(1)} ms`;
  if (instructions === undefined) return `elfbox: exit status ${status}; ${t}; this CPU backend does not count instructions`;
  const mips = ms > 0 ? instructions / ms / 1000 : 0;
  return `elfbox: exit status ${status}; ${instructions} guest instructions in ${t} (${mips.toFixed(1)} MIPS)`;
}

/** e_machine of an ELF file, or undefined when it is not one (run() then reports why). */
function elfArch(path: string): Arch | undefined {
  const b = new Uint8Array(20);
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (readSync(fd, b, 0, 20, 0) < 20) return undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  const m = b[18] | (b[19] << 8);
  return m === 62 ? 'x86_64' : m === 183 ? 'aarch64' : undefined;
}

/** The --cpu backend for PROG's arch, checked instruction block by block against Unicorn. */
async function lockstepBackendFor(prog: string, cpu: string): Promise<CpuBackend | undefined> {
  const arch = elfArch(prog);
  if (arch === undefined) return undefined;
  const primary = await resolveBackend(cpu, arch);
  const uc = await import('@elfbox/cpu-unicorn');
  const why = uc.unicornUnavailableReason();
  if (why !== undefined) throw new RunError('BACKEND_UNAVAILABLE', `--lockstep unicorn: ${why}`);
  let disasm: (bytes: Uint8Array, pc: number) => string;
  if (arch === 'x86_64') disasm = (await import('@elfbox/cpu-x86_64')).disasm;
  else {
    const a64 = (await import('@elfbox/cpu-aarch64')).disasm;
    disasm = (bytes, pc) => a64(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true), pc);
  }
  return uc.lockstepBackend(primary, { disasm });
}

/** Runs the command line and exits the host process with elfbox's status. */
export function runCli(argv: string[]): void {
  main(argv).then(
    (code) => { process.exitCode = code; setImmediate(() => process.exit(code)); },
    (e) => { process.stderr.write(`elfbox: internal error: ${e instanceof Error ? e.stack : String(e)}\n`); process.exit(70); },
  );
}

const isMain = typeof process !== 'undefined' && process.argv[1] !== undefined && /(^|[\\/])main\.(js|ts)$/.test(process.argv[1]);
if (isMain) runCli(process.argv.slice(2));
