// Builds a test/process/c program at test time (static), cached in the temp dir by a hash of its
// source and the headers beside it (wait-status.h); undefined when the compiler is missing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CDIR = fileURLToPath(new URL('./c/', import.meta.url));

export function buildProc(name: string, cc: string, flags: string[], tag: string): string | undefined {
  if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const src = join(CDIR, `${name}.c`);
  const hash = createHash('sha256').update(readFileSync(src));
  for (const f of readdirSync(CDIR).filter((f) => f.endsWith('.h')).sort()) hash.update(f).update(readFileSync(join(CDIR, f)));
  const dir = join(tmpdir(), `elfbox-${name}-bins-${hash.digest('hex').slice(0, 12)}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${name}-${tag}`);
  if (!existsSync(out)) {
    const r = spawnSync(cc, [...flags, '-o', out + '.tmp', src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cc} ${name}.c: ${r.stderr}`);
    renameSync(out + '.tmp', out);
  }
  return out;
}
