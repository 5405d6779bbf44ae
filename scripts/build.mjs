// Bundles the CLI (and through it every package) into packages/cli/dist/main.js with esbuild.
// Type checking is separate (`pnpm typecheck`); this only needs to be fast.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const alias = {};
for (const p of readdirSync(root + 'packages')) alias[`@elfbox/${p}`] = `${root}packages/${p}/src/index.ts`;

rmSync(root + 'packages/cli/dist', { recursive: true, force: true });

await build({
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
});
