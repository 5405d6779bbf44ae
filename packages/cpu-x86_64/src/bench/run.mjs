// Bundles measure.ts with esbuild (tsconfig paths resolve @elfbox/*) and runs it.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
const here = fileURLToPath(new URL('.', import.meta.url));
const out = '/tmp/elfbox-x86-measure.mjs';
await build({
  entryPoints: [here + 'measure.ts'], bundle: true, platform: 'node', format: 'esm', outfile: out,
  tsconfig: here + '../../../../tsconfig.json', external: ['iced-x86'], logLevel: 'warning',
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const ICED_PATH = createRequire(import.meta.url).resolve('iced-x86');
execFileSync(process.execPath, [out], { stdio: 'inherit', cwd: here, env: { ...process.env, ICED_PATH } });
