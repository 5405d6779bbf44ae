#!/usr/bin/env node
// Runs a program on our TypeScript CPU with Unicorn checking every block (until the CLI has
// `--lockstep unicorn`). At the first divergence the run ends and the report is printed.
//
//   node packages/cpu-unicorn/scripts/lockstep.mjs [--strict] [--budget N] PROG [ARGS...]
//
// The TypeScript sources are bundled with esbuild into packages/cpu-unicorn/.cache/ first.
import { build } from 'esbuild';
import { mkdirSync, readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('..', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));
const alias = {};
for (const p of readdirSync(root + 'packages')) alias[`@elfbox/${p}`] = `${root}packages/${p}/src/index.ts`;

const entry = `
import { readFileSync } from 'node:fs';
import { run } from '@elfbox/kernel';
import { backend as x86, disasm as x86Disasm } from '@elfbox/cpu-x86_64';
import { backend as a64, disasm as a64Disasm } from '@elfbox/cpu-aarch64';
import { lockstepBackend, unicornUnavailableReason } from '@elfbox/cpu-unicorn';

export async function main(args) {
  let strict = false, budget;
  while (args[0]?.startsWith('--')) {
    const a = args.shift();
    if (a === '--strict') strict = true;
    else if (a === '--budget') budget = Number(args.shift());
    else throw new Error('unknown option ' + a);
  }
  if (!args.length) { console.error('usage: lockstep.mjs [--strict] [--budget N] PROG [ARGS...]'); return 2; }
  const why = unicornUnavailableReason();
  if (why) { console.error(why); return 1; }
  const head = readFileSync(args[0]).subarray(0, 20);
  const machine = head[18] | (head[19] << 8);
  const arch = machine === 183 ? 'aarch64' : 'x86_64';
  const disasm = arch === 'x86_64' ? x86Disasm : (b, pc) => a64Disasm(new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true), pc);
  const inner = lockstepBackend(arch === 'x86_64' ? x86 : a64, { disasm, primaryName: 'ts', flags: strict ? 'strict' : 'lazy' });
  const cpus = [];
  const backend = { ...inner, create: (a, m, e) => { const c = inner.create(a, m, e); cpus.push(c); return c; } };
  const t = performance.now();
  const r = await run({ path: args[0], argv: args, env: process.env, backend, stdout: process.stdout, stderr: process.stderr, budget });
  const s = (performance.now() - t) / 1000;
  const checked = cpus.reduce((n, c) => n + c.checked, 0);
  const env = cpus.reduce((n, c) => n + c.envSteps, 0);
  console.error('[lockstep] ' + arch + ' exit status ' + r.status + ' after ' + s.toFixed(1) + ' s: ' + checked + ' instructions checked (' + Math.round(checked / s) + '/s), ' + env + ' environment steps taken from the primary');
  return r.status;
}
`;

mkdirSync(here + '.cache', { recursive: true });
const out = here + '.cache/lockstep-bundle.mjs';
await build({
  stdin: { contents: entry, resolveDir: here, sourcefile: 'lockstep-entry.ts', loader: 'ts' },
  outfile: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  alias,
  external: ['koffi'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
const { main } = await import(pathToFileURL(out).href);
process.exitCode = await main(process.argv.slice(2));
