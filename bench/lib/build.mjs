// Builds the benchmark programs in bench/programs/ into bench/out/<target>/.
// A program is rebuilt only when its source or bench.h is newer than the binary.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BENCH_DIR = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
export const PROGRAMS_DIR = join(BENCH_DIR, 'programs');
export const OUT_DIR = join(BENCH_DIR, 'out');

/** The targets: the arch a binary is for, and how it is built. */
export const TARGETS = {
  'x86_64': { arch: 'x86_64', cc: 'gcc', flags: ['-O2', '-static'] },
  'x86_64-musl': { arch: 'x86_64', cc: 'musl-gcc', flags: ['-O2', '-static'] },
  'aarch64': { arch: 'aarch64', cc: 'aarch64-linux-gnu-gcc', flags: ['-O2', '-static'] },
};

/** Programs built for each target (musl gets only the start-up program). */
export const PROGRAMS_FOR = {
  'x86_64': ['hello', 'intloop', 'matmul', 'memstr', 'lat_syscall', 'fileio', 'pingpong'],
  'x86_64-musl': ['hello'],
  'aarch64': ['hello', 'intloop', 'matmul', 'memstr', 'lat_syscall', 'fileio', 'pingpong'],
};

export function binaryPath(target, prog) {
  return join(OUT_DIR, target, prog);
}

function mtime(p) {
  return statSync(p).mtimeMs;
}

/**
 * Build every program for every target whose compiler is installed.
 * Returns { built: string[], failed: Map<"target/prog", reason> }; a missing compiler or a
 * compile error makes that binary's runs fail with the reason, it never stops the harness.
 */
export function buildAll(log = () => {}) {
  const header = join(PROGRAMS_DIR, 'bench.h');
  const failed = new Map();
  const built = [];
  for (const [target, spec] of Object.entries(TARGETS)) {
    mkdirSync(join(OUT_DIR, target), { recursive: true });
    for (const prog of PROGRAMS_FOR[target]) {
      const src = join(PROGRAMS_DIR, `${prog}.c`);
      const out = binaryPath(target, prog);
      if (existsSync(out) && mtime(out) >= mtime(src) && mtime(out) >= mtime(header)) continue;
      const args = [...spec.flags, '-o', out, src];
      if (prog === 'pingpong') args.push('-pthread');
      try {
        execFileSync(spec.cc, args, { stdio: ['ignore', 'ignore', 'pipe'] });
        built.push(`${target}/${prog}`);
      } catch (e) {
        const msg = e.code === 'ENOENT' ? `${spec.cc} not installed` : String(e.stderr || e.message).trim().split('\n')[0];
        failed.set(`${target}/${prog}`, `build: ${msg}`);
      }
    }
  }
  if (built.length) log(`built ${built.length} benchmark binaries`);
  return { built, failed };
}

export function listSources() {
  return readdirSync(PROGRAMS_DIR).filter((f) => f.endsWith('.c'));
}
