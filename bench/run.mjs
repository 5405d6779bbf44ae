#!/usr/bin/env node
// pnpm bench [--quick]: builds the benchmark programs, runs every workload under native,
// qemu-user and elfbox (each CPU backend), checks outputs, and writes the report.
// See bench/README.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildAll, binaryPath, OUT_DIR } from './lib/build.mjs';
import { findBusybox } from './lib/busybox.mjs';
import { makeInput } from './lib/input.mjs';
import { failureReason, haveGnuTime, runOnce } from './lib/measure.mjs';
import { measureWorkload } from './lib/measure-workload.mjs';
import { renderMarkdown, summarize } from './lib/report.mjs';
import { fmtNs, fmtRatio, median, min, max } from './lib/stats.mjs';
import { machineInfo, versions } from './lib/sysinfo.mjs';
import { CLI_INDEX, CLI_MAIN, ROOT, runners, workloads } from './lib/workloads.mjs';

const USAGE = `usage: node bench/run.mjs [--quick] [--only id,id] [--runs N] [--backends ts,unicorn]
                          [--timeout S] [--budget S] [--no-build] [--out FILE]
  --quick      small sizes, 3 runs; writes bench/out/quick.md (default: full run, docs/PERFORMANCE.md)
  --only       run only these workloads (ids: hello hello-musl hello-lib intloop matmul intloop-long
               matmul-long memstr null read write open fileio pingpong gzip sha256sum); writes
               bench/out/partial.md unless --out
  --runs       measured runs per figure (default 5, quick 3)
  --backends   elfbox CPU backends to run (default ts,unicorn)
  --timeout    per-run timeout in seconds (default 120, quick 15)
  --budget     time budget of the whole run in seconds (default 1020, quick 90)
  --no-build   do not rebuild elfbox (node scripts/build.mjs) first
  --out        write the markdown here`;

const { values: opt } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    backends: { type: 'string', default: 'ts,unicorn' },
    timeout: { type: 'string' },
    budget: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (opt.help) {
  console.log(USAGE);
  process.exit(0);
}

const quick = opt.quick;
const start = Date.now();
const runs = Number(opt.runs ?? (quick ? 3 : 5));
const timeoutMs = 1000 * Number(opt.timeout ?? (quick ? 15 : 120));
const budgetMs = 1000 * Number(opt.budget ?? (quick ? 90 : 1020));
const deadline = start + budgetMs;
const only = opt.only ? new Set(opt.only.split(',')) : null;
const backends = opt.backends.split(',').filter(Boolean);
const outFile = opt.out ?? (only ? join(OUT_DIR, 'partial.md') : quick ? join(OUT_DIR, 'quick.md') : join(ROOT, 'docs/PERFORMANCE.md'));
// the command as the user typed it: through pnpm (npm_lifecycle_event is set) or node directly
const via = process.env.npm_lifecycle_event === 'bench' ? 'pnpm bench' : 'node bench/run.mjs';
const command = `${via}${process.argv.slice(2).length ? ' ' + process.argv.slice(2).join(' ') : ''}`;
const elapsed = () => `${((Date.now() - start) / 1000).toFixed(0)}s`.padStart(5);
const log = (s) => process.stderr.write(`[${elapsed()}] ${s}\n`);

const knownIds = [...workloads({ quick, tmp: '', busybox: {}, inputFile: '', inputMb: 0 }).map((w) => w.id), 'hello-lib'];
const unknown = only ? [...only].filter((id) => !knownIds.includes(id)) : [];
if (unknown.length) console.error(`unknown workload ${unknown.join(', ')}`);
if (!Number.isInteger(runs) || runs < 1 || unknown.length) {
  console.error(USAGE);
  process.exit(2);
}

const loadAtStart = os.loadavg()[0];
const tmp = mkdtempSync(join(os.tmpdir(), 'elfbox-bench-'));
const runTmp = join(tmp, 'run');
mkdirSync(runTmp);
mkdirSync(OUT_DIR, { recursive: true });
const notes = [];
if (!haveGnuTime()) notes.push('/usr/bin/time not installed (Debian package "time"): no RSS figures for spawned runs');

await main();

async function main() {
try {
  // 0. the floor: what the harness's own spawn + GNU time add to every wall figure
  const floor = [];
  for (let i = 0; i < 7; i++) floor.push((await runOnce(['/bin/true'], { tmp: runTmp, timeoutMs: 10000 })).wallNs);
  notes.push(`floor: running /bin/true through the harness (spawn + GNU time) takes ${fmtNs(median(floor))} (median of 7); every wall figure includes it`);
  const nodeFloor = [];
  for (let i = 0; i < 5; i++) nodeFloor.push((await runOnce([process.execPath, '-e', '0'], { tmp: runTmp, timeoutMs: 10000 })).wallNs);
  notes.push(`floor for elfbox: starting and ending an empty Node.js (\`node -e 0\`) through the harness takes ${fmtNs(median(nodeFloor))} (median of 5)`);

  // 1. the benchmark programs
  const { failed: buildFailed } = buildAll(log);
  for (const [k, v] of buildFailed) notes.push(`${k}: ${v}`);

  // 2. elfbox itself
  let elfboxUnavailable;
  if (!opt['no-build']) {
    log('building elfbox (node scripts/build.mjs)');
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8', timeout: 180000 });
    if (b.status !== 0) {
      const why = (b.stderr || b.error?.message || '').trim().split('\n').slice(0, 2).join(' ');
      notes.push(`node scripts/build.mjs failed (${why.slice(0, 200)}); measured the dist/ already there`);
    }
  }
  if (!existsSync(CLI_MAIN)) elfboxUnavailable = 'packages/cli/dist/main.js does not exist (node scripts/build.mjs)';

  // 2b. does elfbox run hello world at all? (logged and noted; the workloads still try every runner)
  if (!elfboxUnavailable) {
    for (const r of runners(backends).filter((x) => x.kind === 'elfbox')) {
      const pre = quick ? 10000 : 30000;
      const res = await runOnce(r.cmd(binaryPath(r.arch, 'hello'), []), { tmp: runTmp, timeoutMs: pre });
      const why = failureReason(res, pre) ?? (res.stdout.toString() === 'hello, world\n' ? null : `printed ${JSON.stringify(res.stdout.toString().slice(0, 60))}`);
      const line = `preflight: ${r.label} on ${r.arch} ${why ? `cannot run hello world: ${why}` : `runs hello world (${fmtNs(res.wallNs)})`}`;
      log(line);
      notes.push(line);
    }
  }

  // 3. busybox for both arches, and its input file
  const busybox = await findBusybox(log, quick ? 60000 : 300000);
  const inputMb = quick ? 0.25 : 16;
  const inputFile = join(tmp, `input-${inputMb}mb.txt`);
  makeInput(inputFile, Math.round(inputMb * 2 ** 20));

  const ctx = { quick, tmp: runTmp, busybox, inputFile, inputMb };
  const allW = workloads(ctx);
  const W = allW.filter((w) => !only || only.has(w.id));
  const R = runners(backends);
  const doInproc = !only || only.has('hello-lib');

  // 4. the workloads
  const results = { workloads: [] };
  for (let i = 0; i < W.length; i++) {
    const w = W[i];
    log(`${w.id}: ${w.title}`);
    // this workload's share of the time left, by weight (gzip of 16 MB is worth more time than getppid)
    const weightLeft = W.slice(i).reduce((s, x) => s + x.weight, 0) + (doInproc ? 1 : 0);
    const shareMs = ((deadline - Date.now()) * w.weight) / weightLeft;
    const res = await measureWorkload(w, R, { tmp: runTmp, timeoutMs, runs, deadline, shareMs, quick, elfboxUnavailable, buildFailed, log });
    for (const c of res.columns) {
      const r = c.ratios?.native ?? c.ratios?.qemu;
      const t = c.stats ? (c.stats.perCallNs ? `${fmtNs(c.stats.perCallNs.median)}/call` : fmtNs((c.stats.work ?? c.stats.wall).median)) : '';
      log(`    ${(c.label + ' ' + c.arch).padEnd(30)} ${c.failed ? 'failed: ' + c.failed.slice(0, 110) : `${t}${r ? ' ' + fmtRatio(r.median) + ' vs ' + (c.ratios.native ? 'native' : 'qemu') : ''}`}`);
    }
    results.workloads.push(res);
  }

  // 5. start-up through the library API
  if (doInproc) {
    log('hello-lib: hello world through run() inside one Node.js process');
    results.inproc = await measureInproc(R.filter((r) => r.kind === 'elfbox'), results, elfboxUnavailable);
    for (const c of results.inproc) log(`    ${(c.label + ' ' + c.arch).padEnd(30)} ${c.failed ? 'failed: ' + c.failed : fmtNs(c.median)}`);
  }

  // 6. the report
  results.meta = {
    command, quick, runs, timeoutMs, budgetMs, tmp, notes,
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    durationMs: Date.now() - start,
    machine: { ...machineInfo(), load: `1-minute load average ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end` },
    versions: versions(ROOT),
    mips: 'guest instructions (counted by the TypeScript CPUs; Unicorn does not count) divided by the run time elfbox reports with `--stats` (program load to exit, without Node.js start-up); the median over the runs. Whole-program MIPS, so start-up-bound workloads show low figures.',
  };
  writeFileSync(outFile, renderMarkdown(results));
  const jsonFile = join(OUT_DIR, quick ? 'results-quick.json' : only ? 'results-partial.json' : 'results-full.json');
  writeFileSync(jsonFile, JSON.stringify(results, null, 1));
  log(`wrote ${outFile} and ${jsonFile}`);
  for (const e of summarize(results)) {
    log(`    ${e.key.padEnd(34)} ran ${e.ran}/${e.total}  vs native ${fmtRatio(e.gNative)}  vs qemu ${e.kind === 'qemu' ? '-' : fmtRatio(e.gQemu)}`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
}

async function measureInproc(elfboxRunners, results, unavailable) {
  const hello = results.workloads.find((w) => w.id === 'hello');
  const med = (id) => hello?.columns.find((c) => c.id === id && !c.failed)?.stats.wall.median;
  const out = [];
  for (const [i, r] of elfboxRunners.entries()) {
    const col = { id: `${r.id}-lib`, label: `elfbox run() cpu ${r.backend}`, arch: r.arch, backend: r.backend };
    out.push(col);
    if (unavailable) {
      col.failed = unavailable;
      continue;
    }
    if (Date.now() > deadline) {
      col.failed = 'time budget spent';
      continue;
    }
    const bin = binaryPath(r.arch, 'hello');
    // what is left of the budget, shared by the runners still to go (at least 3 s each)
    const limit = Math.min(timeoutMs, Math.max(3000, (deadline - Date.now()) / (elfboxRunners.length - i)));
    const res = await runOnce([process.execPath, join(ROOT, 'bench/lib/inproc.mjs'), CLI_INDEX, r.backend, String(runs), bin, 'hello, world\n'],
      { tmp: runTmp, timeoutMs: limit });
    let j;
    try {
      j = JSON.parse(res.stdout.toString().trim().split('\n').pop() ?? '');
    } catch {
      col.failed = res.timedOut ? `timeout after ${(limit / 1000).toFixed(1)} s (${runs + 1} runs in one process)` : `no result (exit ${res.status ?? res.signal}): ${res.stderr.trim().split('\n').pop() ?? ''}`;
      continue;
    }
    if (!j.ok) {
      col.failed = j.reason;
      continue;
    }
    Object.assign(col, { n: j.times.length, median: median(j.times), min: min(j.times), max: max(j.times), maxRssKb: j.maxRssKb, times: j.times });
    const n = med('native'), q = med(`qemu-${r.arch}`);
    if (n) col.vsNative = col.median / n;
    if (q) col.vsQemu = col.median / q;
  }
  return out;
}
