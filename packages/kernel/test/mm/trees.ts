// Helpers for the host-program tests: a small file tree and a comparable description of one.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A small tree: directories, a text file, a bigger file, a symlink. */
export function makeTree(dir: string): void {
  mkdirSync(join(dir, 'a', 'b'), { recursive: true });
  mkdirSync(join(dir, 'c'));
  writeFileSync(join(dir, 'a', 'b', 'x.txt'), 'hello\n');
  writeFileSync(join(dir, 'c', 'n.txt'), Array.from({ length: 3000 }, (_, i) => `line ${i}`).join('\n') + '\n');
  symlinkSync('../c/n.txt', join(dir, 'a', 'link'));
}

/** Every path under dir with its type and contents (symlink targets), for comparing trees. */
export function treeOf(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const p = join(rel, name), full = join(dir, p);
    const st = statSync(full, { throwIfNoEntry: false });
    const l = spawnSync('readlink', [full], { encoding: 'utf8' }).stdout.trim();
    if (l) out.push(`${p} -> ${l}`);
    else if (st?.isDirectory()) out.push(`${p}/ ${(st.mode & 0o777).toString(8)}`, ...treeOf(dir, p));
    else out.push(`${p} ${(st!.mode & 0o777).toString(8)} ${readFileSync(full, 'latin1')}`);
  }
  return out;
}

