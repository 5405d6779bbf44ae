// Builds the signals and threads C programs (test/c/signals, test/c/threads) into a cache dir
// under the OS temp dir, keyed by the sources' contents; and runs them natively (x86-64) or
// under qemu-aarch64 to get the output Linux gives. Nothing built here is committed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Arch = 'x86_64' | 'aarch64';
const CC: Record<Arch, string> = { x86_64: 'gcc', aarch64: 'aarch64-linux-gnu-gcc' };
const have = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Path of test/c/<dir>/<name>.c built static for arch, with glibc (default) or musl (musl-gcc,
 * x86-64 only), or undefined without the compiler.
 */
export function build(dir: 'signals' | 'threads', name: string, arch: Arch, libc: 'glibc' | 'musl' = 'glibc'): string | undefined {
  const cc = libc === 'musl' ? (arch === 'x86_64' ? 'musl-gcc' : '') : CC[arch];
  if (!cc || !have(cc)) return undefined;
  const src = fileURLToPath(new URL(`../c/${dir}/${name}.c`, import.meta.url));
  const h = createHash('sha256').update(readFileSync(src)).update(arch).update(libc).digest('hex').slice(0, 12);
  const outDir = join(tmpdir(), 'elfbox-kernel-sigthr-bins');
  mkdirSync(outDir, { recursive: true });
  const out = join(outDir, `${name}-${arch}-${libc === 'musl' ? 'musl-' : ''}${h}`);
  if (existsSync(out)) return out;
  const r = spawnSync(cc, ['-static', '-O1', '-pthread', '-o', out + '.tmp', src], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cc} ${name}.c failed: ${r.stderr}`);
  renameSync(out + '.tmp', out);
  return out;
}

/** stdout and exit status of a Linux run: native for x86-64, qemu-aarch64 for aarch64 (undefined when unavailable). */
export function nativeRun(path: string, arch: Arch): { out: string; status: number } | undefined {
  const cmd = arch === 'x86_64' ? path : 'qemu-aarch64';
  if (arch === 'aarch64' && !have('qemu-aarch64')) return undefined;
  if (arch === 'x86_64' && process.arch !== 'x64') return undefined;
  const r = spawnSync(cmd, arch === 'x86_64' ? [] : [path], { encoding: 'utf8', timeout: 20_000 });
  if (r.status === null) return undefined;
  return { out: r.stdout, status: r.status };
}
