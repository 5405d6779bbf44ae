// Bundles the CLI (and through it every package) into packages/cli/dist/main.js with esbuild.
// Type checking is separate (`pnpm typecheck`); this only needs to be fast.
import { build } from 'esbuild';
import { readdirSync, rmSync, existsSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const alias = {};
for (const p of readdirSync(root + 'packages')) alias[`@elfbox/${p}`] = `${root}packages/${p}/src/index.ts`;

const result = await build({
  entryPoints: { main: root + 'packages/cli/src/main.ts', index: root + 'packages/cli/src/index.ts' },
  outdir: root + 'packages/cli/dist',
  bundle: true,
  splitting: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  alias,
  external: ['koffi'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
  metafile: true,
});

// Remove chunks of earlier builds (code splitting names them by hash). Files are replaced, never
// removed before the build, so a test running the CLI meanwhile never finds it missing.
const dist = root + 'packages/cli/dist/';
const keep = new Set(Object.keys(result.metafile.outputs).map((o) => relative(dist, o.startsWith('/') ? o : root + o)));
if (existsSync(dist)) for (const f of readdirSync(dist)) if (!keep.has(f)) rmSync(dist + f, { force: true });
