// Bundles bench.ts with esbuild (resolving @elfbox/* to the workspace sources) and runs it.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');
const alias = {};
for (const p of readdirSync(join(root, 'packages'))) alias[`@elfbox/${p}`] = join(root, 'packages', p, 'src/index.ts');
const out = join(tmpdir(), `elfbox-a64-bench-${process.pid}.mjs`);
await build({ entryPoints: [join(here, 'bench.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, alias, logLevel: 'error' });
process.env.BENCH_DIR = here;
await import(out);
