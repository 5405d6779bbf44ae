// Shared machinery of the tier-2 and tier-3 whole-program tests (programs.test.ts, busybox.test.ts):
// - which elfbox CPU backends are usable here (a missing one is a skip with a reason),
// - running a guest program natively (x86-64) or under qemu-aarch64 for the expected output,
// - running it through elfbox's library API run() in a child process (bundled with esbuild) that
//   is killed on a timeout, so a CPU stuck in a loop fails one case instead of hanging the suite,
// - describing the first difference between two outputs precisely.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const TESTS = join(ROOT, 'tests');
export const CACHE = join(TESTS, '.cache');

export type Arch = 'x86_64' | 'aarch64';
export type BackendName = 'ts' | 'unicorn';
export const BACKENDS: readonly BackendName[] = ['ts', 'unicorn'];

/**
 * The environment every guest gets, natively and under elfbox. GLIBC_TUNABLES turns off glibc's
 * AVX/FMA code paths on the host: libm's FMA variants round differently in the last bit
 * (measured: pow over our ranges), and elfbox's CPUs don't advertise FMA, so without it the
 * native output would depend on the host CPU rather than on the program.
 */
export const GUEST_ENV: Record<string, string> = {
  PATH: '/usr/bin:/bin',
  LC_ALL: 'C',
  HOME: '/tmp',
  GLIBC_TUNABLES: 'glibc.cpu.hwcaps=-AVX,-AVX2,-FMA,-FMA4,-AVX512F',
};

// ---- backends -------------------------------------------------------------------------------

export type Availability = { kind: 'ok' } | { kind: 'skip'; reason: string } | { kind: 'fail'; reason: string };

const availCache = new Map<string, Promise<Availability>>();

/** Whether `cpu` can run `arch` here: skip (with a reason) when its package is empty or libunicorn is missing. */
export function backendAvailability(cpu: BackendName, arch: Arch): Promise<Availability> {
  const key = `${cpu}/${arch}`;
  let p = availCache.get(key);
  if (!p) {
    p = probe(cpu, arch);
    availCache.set(key, p);
  }
  return p;
}

async function probe(cpu: BackendName, arch: Arch): Promise<Availability> {
  const pkg = cpu === 'unicorn' ? '@elfbox/cpu-unicorn' : arch === 'x86_64' ? '@elfbox/cpu-x86_64' : '@elfbox/cpu-aarch64';
  let mod: Record<string, unknown>;
  try {
    mod = (await import(/* @vite-ignore */ pkg)) as Record<string, unknown>;
  } catch (e) {
    return { kind: 'fail', reason: `${pkg} failed to import: ${(e as Error).message}` };
  }
  if (cpu === 'unicorn') {
    if (typeof mod.isUnicornAvailable !== 'function') {
      return { kind: 'skip', reason: `${pkg} does not export isUnicornAvailable() / a backend yet` };
    }
    if (!(mod.isUnicornAvailable as () => boolean)()) {
      const why = typeof mod.unicornUnavailableReason === 'function' ? String((mod.unicornUnavailableReason as () => unknown)()) : 'not loadable';
      return { kind: 'skip', reason: `libunicorn is not available: ${why}` };
    }
    return { kind: 'ok' };
  }
  const factory = arch === 'x86_64' ? 'createX86Cpu' : 'createA64Cpu';
  if (typeof mod[factory] !== 'function' && typeof mod.backend !== 'object') {
    return { kind: 'skip', reason: `the TypeScript ${arch} CPU (${pkg}) exports neither ${factory} nor a backend yet` };
  }
  return { kind: 'ok' };
}

// ---- running natively ------------------------------------------------------------------------

export interface RunOutput {
  status: number;
  signal?: number | string;
  stdout: Buffer;
  stderr: Buffer;
}

/** Runs the program on the host (x86-64) or under qemu-aarch64, with GUEST_ENV. */
export function runNative(arch: Arch, path: string, argv: string[], stdinFile?: string, timeoutMs = 60_000): RunOutput {
  const input = stdinFile !== undefined ? readFileSync(stdinFile) : Buffer.alloc(0);
  const [cmd, args, argv0] =
    arch === 'x86_64' ? [path, argv.slice(1), argv[0]] : ['qemu-aarch64', ['-0', argv[0], path, ...argv.slice(1)], undefined];
  const r = spawnSync(cmd, args, { env: GUEST_ENV, input, timeout: timeoutMs, maxBuffer: 256 << 20, argv0 });
  if (r.error) throw new Error(`native run of ${path} failed: ${r.error.message}`);
  return { status: r.status ?? -1, signal: r.signal ?? undefined, stdout: r.stdout, stderr: r.stderr };
}

// ---- running under elfbox ---------------------------------------------------------------------

let bundleSeq = 0;

/** Bundles tests/lib/child.ts with every @elfbox package (fresh: sources change under us). */
export async function bundleChild(tag: string): Promise<string> {
  const { build } = await import('esbuild');
  const alias: Record<string, string> = {};
  for (const p of readdirSync(join(ROOT, 'packages'))) alias[`@elfbox/${p}`] = join(ROOT, 'packages', p, 'src', 'index.ts');
  // Self-test hook for this harness: ELFBOX_TEST_STUB_CLI=tests/lib/stub-cli.ts stands in for
  // @elfbox/cli with a run() that executes the program natively / under qemu (see tests/README.md).
  if (process.env.ELFBOX_TEST_STUB_CLI) alias['@elfbox/cli'] = join(ROOT, process.env.ELFBOX_TEST_STUB_CLI);
  const outfile = join(CACHE, 'child', `${tag}-${process.pid}-${bundleSeq++}.mjs`);
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(TESTS, 'lib', 'child.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    alias,
    external: ['koffi'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'silent',
  });
  return outfile;
}

export interface ElfboxRun {
  /** Set when the case could not produce a run result (no run(), run threw, timeout, child crash). */
  error?: string;
  result?: RunOutput;
  via?: string;
}

/** Runs one guest program through run() in a child process; kills it after timeoutMs. */
export function runElfbox(
  bundle: string,
  req: { path: string; argv: string[]; cpu: BackendName; stdinFile?: string; env?: Record<string, string> },
  timeoutMs: number,
): Promise<ElfboxRun> {
  const dir = join(CACHE, 'child', 'io');
  mkdirSync(dir, { recursive: true });
  const id = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const reqFile = join(dir, `${id}.req.json`);
  const resFile = join(dir, `${id}.res.json`);
  writeFileSync(reqFile, JSON.stringify({ path: req.path, argv: req.argv, env: req.env ?? GUEST_ENV, stdinFile: req.stdinFile, cpu: req.cpu, root: '/' }));
  return new Promise((resolve) => {
    // NODE_PATH lets cpu-unicorn's createRequire('koffi') find koffi from the bundle's location.
    const env = { ...process.env, NODE_PATH: join(ROOT, 'packages', 'cpu-unicorn', 'node_modules') };
    const child = spawn(process.execPath, ['--max-old-space-size=4096', bundle, reqFile, resFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const keep = (d: Buffer) => {
      if (log.length < 20_000) log += d.toString('utf8');
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    let settled = false;
    child.on('error', (e) => {
      // spawn itself failed (EAGAIN / ENOMEM on a loaded machine): no 'close' may follow
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ error: `could not start the elfbox child process: ${e.message}` });
    });
    child.on('close', (code, sig) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      let res: Record<string, unknown> | undefined;
      try {
        if (existsSync(resFile)) res = JSON.parse(readFileSync(resFile, 'utf8')) as Record<string, unknown>;
      } catch {
        res = undefined;
      }
      rmSync(reqFile, { force: true });
      rmSync(resFile, { force: true });
      const tail = log ? `\n--- elfbox process output ---\n${log.slice(-4000)}` : '';
      if (timedOut) return resolve({ error: `elfbox did not finish within ${timeoutMs / 1000} s (killed)${tail}` });
      if (!res) return resolve({ error: `the elfbox child process died (exit ${code}, signal ${sig}) without a result${tail}` });
      if (typeof res.error === 'string') return resolve({ error: res.error + tail, via: res.via as string | undefined });
      resolve({
        via: res.via as string,
        result: {
          status: res.status as number,
          signal: res.signal as number | undefined,
          stdout: Buffer.from(res.stdout as string, 'base64'),
          stderr: Buffer.from(res.stderr as string, 'base64'),
        },
      });
    });
  });
}

// ---- comparing --------------------------------------------------------------------------------

const show = (b: Buffer, max = 300): string => {
  const s = JSON.stringify(b.toString('latin1'));
  return s.length > max ? s.slice(0, max) + '...' : s;
};

/** null when identical, else a precise description of the first difference. */
export function describeDifference(expected: Buffer, got: Buffer): string | null {
  if (expected.equals(got)) return null;
  let i = 0;
  const n = Math.min(expected.length, got.length);
  while (i < n && expected[i] === got[i]) i++;
  const lineNo = expected.subarray(0, i).toString('latin1').split('\n').length;
  const lineStart = expected.lastIndexOf(10, i - 1) + 1;
  const eEnd = expected.indexOf(10, i);
  const gEnd = got.indexOf(10, i);
  const eLine = expected.subarray(lineStart, eEnd < 0 ? expected.length : eEnd);
  const gLine = got.subarray(lineStart, gEnd < 0 ? got.length : gEnd);
  return (
    `output differs at byte ${i} (line ${lineNo}); expected ${expected.length} bytes, got ${got.length}\n` +
    `  expected line: ${show(eLine)}\n` +
    `  got line:      ${show(gLine)}`
  );
}

/** Builds the failure text for a case whose status or output differ (or null when they match). */
export function compareRuns(native: RunOutput, emu: RunOutput): string | null {
  const problems: string[] = [];
  if (native.signal !== undefined && native.signal !== null && emu.signal === undefined) {
    problems.push(`native run was killed by ${native.signal}; elfbox exited with status ${emu.status}`);
  } else if (emu.status !== native.status) {
    problems.push(`exit status: expected ${native.status}, got ${emu.status}${emu.signal !== undefined ? ` (signal ${emu.signal})` : ''}`);
  }
  const d = describeDifference(native.stdout, emu.stdout);
  if (d) problems.push('stdout ' + d);
  if (problems.length === 0) return null;
  if (emu.stderr.length) problems.push(`elfbox stderr (first 2000 bytes): ${show(emu.stderr, 2000)}`);
  return problems.join('\n');
}
