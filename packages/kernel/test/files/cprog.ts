// Builds the files C programs (test/c/files/*.c) static with glibc for x86-64 and aarch64 into a
// cache dir under the OS temp dir (keyed by the source's contents), and runs them natively
// (x86-64), under qemu-aarch64, or under elfbox. Nothing built here is committed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { CpuBackend } from '@elfbox/cpu';
import { run, type RunOptions } from '../../src/api.js';

export type Arch = 'x86_64' | 'aarch64';
const CC: Record<Arch, string> = { x86_64: 'gcc', aarch64: 'aarch64-linux-gnu-gcc' };
const have = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
const dec = new TextDecoder();

/** test/c/files/<name>.c built static for arch, or undefined without the compiler. */
export function build(name: string, arch: Arch): string | undefined {
  if (!have(CC[arch])) return undefined;
  const src = fileURLToPath(new URL(`../c/files/${name}.c`, import.meta.url));
  const h = createHash('sha256').update(readFileSync(src)).update(arch).digest('hex').slice(0, 12);
  const outDir = join(tmpdir(), 'elfbox-kernel-files-bins');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${name}-${arch}-${h}`);
  if (existsSync(out)) return out;
  const r = spawnSync(CC[arch], ['-static', '-O1', '-o', out + '.tmp', src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${CC[arch]} ${name}.c failed: ${r.stderr}`);
  renameSync(out + '.tmp', out);
  return out;
}

/** stdout and status on Linux: native for x86-64, qemu-aarch64 for aarch64 (undefined when unavailable). */
export function nativeRun(path: string, arch: Arch, args: string[] = []): { out: string; status: number } | undefined {
  if (arch === 'x86_64' && process.arch !== 'x64') return undefined;
  if (arch === 'aarch64' && !have('qemu-aarch64')) return undefined;
  const r = arch === 'x86_64' ? spawnSync(path, args, { encoding: 'utf8', timeout: 30_000 }) : spawnSync('qemu-aarch64', [path, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status === null) return undefined;
  return { out: r.stdout, status: r.status };
}

let backends: Record<string, CpuBackend> | undefined;

/** Unicorn for static programs when the library is there (faster start), else the TypeScript CPU of the arch. */
async function backendFor(arch: Arch): Promise<CpuBackend> {
  if (!backends) {
    backends = {};
    const u = await import('@elfbox/cpu-unicorn');
    if (u.isUnicornAvailable()) backends.unicorn = u.backend;
    backends.x86_64 = (await import('@elfbox/cpu-x86_64')).backend;
    backends.aarch64 = (await import('@elfbox/cpu-aarch64')).backend;
  }
  return backends.unicorn ?? backends[arch];
}

export async function elfboxRun(path: string, arch: Arch, args: string[] = [], extra: Partial<RunOptions> & { strace?: boolean } = {}) {
  let strace = '';
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => { strace += c.toString(); });
  const { strace: st, ...rest } = extra;
  const r = await run({ path, argv: [path, ...args], backend: await backendFor(arch), stdout: 'capture', stderr: 'capture', env: {}, strace: st ? sink : undefined, ...rest });
  await new Promise((res) => setImmediate(res));
  return { out: dec.decode(r.stdout), err: dec.decode(r.stderr), status: r.status, strace };
}
