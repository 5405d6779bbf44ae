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
  strace: boolean;
  env: Array<[string, string]>;
  unset: string[];
  root?: string;
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
      case '--root': out.root = take(); break;
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
      path: prog, argv: [prog, ...p.args], env: guestEnv(process.env, p), cpu, backend, root: p.root, strace: p.strace,
      stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, forwardSignals: true,
    });
    return r.status;
  } catch (e) {
    if (e instanceof RunError) { process.stderr.write(`elfbox: ${e.message}\n`); return 127; }
    throw e;
  }
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

const isMain = typeof process !== 'undefined' && process.argv[1] !== undefined && /(^|[\\/])main\.(js|ts)$/.test(process.argv[1]);
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; setImmediate(() => process.exit(code)); },
    (e) => { process.stderr.write(`elfbox: internal error: ${e instanceof Error ? e.stack : String(e)}\n`); process.exit(70); },
  );
}
