// Writes docs/syscalls.md from the kernel's syscall tables. The tables are TypeScript, so this
// bundles src/syscalls/doc.ts with esbuild (already a dev dependency) and runs it.
// Run: node packages/kernel/scripts/gen-syscalls-doc.mjs
import { build } from 'esbuild';
import { readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const alias = {};
for (const p of readdirSync(root + 'packages')) alias[`@elfbox/${p}`] = `${root}packages/${p}/src/index.ts`;
const dir = mkdtempSync(join(tmpdir(), 'elfbox-doc-'));
try {
  const out = join(dir, 'doc.mjs');
  await build({ entryPoints: [root + 'packages/kernel/src/syscalls/doc.ts'], outfile: out, bundle: true, platform: 'node', format: 'esm', alias, logLevel: 'warning' });
  const { syscallsMarkdown } = await import(pathToFileURL(out).href);
  writeFileSync(root + 'docs/syscalls.md', syscallsMarkdown());
  console.log('wrote docs/syscalls.md');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
