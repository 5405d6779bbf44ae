// Builds the test programs in test/c with the installed cross compilers into a cache directory
// (keyed by the sources' contents). A compiler that is missing leaves its binaries out; tests
// skip what is not there. Nothing built here is committed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('./c/', import.meta.url));

export const TOOLCHAINS = {
  'musl-x86_64': { cc: 'musl-gcc', flags: ['-static', '-O1'], arch: 'x86_64' },
  'glibc-x86_64': { cc: 'gcc', flags: ['-static', '-O1'], arch: 'x86_64' },
  'glibc-aarch64': { cc: 'aarch64-linux-gnu-gcc', flags: ['-static', '-O1'], arch: 'aarch64' },
  /** Dynamically linked PIE: ld.so and libc come from the host's / at run time. */
  'glibc-x86_64-dyn': { cc: 'gcc', flags: ['-O1', '-fPIE', '-pie'], arch: 'x86_64' },
} as const;
export type Toolchain = keyof typeof TOOLCHAINS;

function have(cc: string): boolean {
  return spawnSync(cc, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Path of program `name` built with toolchain `tc`, or undefined when that compiler is missing. */
export function buildAll(): (tc: Toolchain, name: string) => string | undefined {
  const sources = readdirSync(SRC).filter((f) => f.endsWith('.c')).sort();
  const h = createHash('sha256');
  for (const f of sources) h.update(f).update(readFileSync(SRC + f));
  const dir = join(tmpdir(), `elfbox-kernel-bins-${h.digest('hex').slice(0, 12)}`);
  mkdirSync(dir, { recursive: true });
  for (const [tc, t] of Object.entries(TOOLCHAINS)) {
    if (!have(t.cc)) continue;
    for (const f of sources) {
      const out = join(dir, `${f.slice(0, -2)}-${tc}`);
      if (existsSync(out)) continue;
      const r = spawnSync(t.cc, [...t.flags, '-o', out + '.tmp', SRC + f], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`${t.cc} ${f} failed: ${r.stderr}`);
      renameSync(out + '.tmp', out);
    }
  }
  return (tc, name) => {
    const p = join(dir, `${name}-${tc}`);
    return existsSync(p) ? p : undefined;
  };
}
