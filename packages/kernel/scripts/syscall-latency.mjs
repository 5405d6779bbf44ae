// Null system call latency (bench/programs/lat_syscall.c `null N`: getppid() N times, ns per call
// from the program's own work_ns), native and qemu-user against one or more elfbox CLI bundles,
// every runner once per round in rotated order, median of the rounds.
//
//   node packages/kernel/scripts/syscall-latency.mjs [--rounds 5] [--n 50000] [--n-unicorn N]
//        [--cpus ts,unicorn] [LABEL=path/to/main.js ...]      (default: now=packages/cli/dist/main.js)
//
// The programs come from bench/ (`node bench/run.mjs --quick` or bench/lib/build.mjs builds them
// into bench/out/). Two bundles (say, built from two trees with scripts/build.mjs's settings)
// compare a change on the same loaded machine, run by run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const opt = { rounds: 5, n: 50000, nUnicorn: 0, cpus: ['ts', 'unicorn'], clis: [] };
const av = process.argv.slice(2);
for (let i = 0; i < av.length; i++) {
  const a = av[i];
  if (a === '--rounds') opt.rounds = Number(av[++i]);
  else if (a === '--n') opt.n = Number(av[++i]);
  else if (a === '--n-unicorn') opt.nUnicorn = Number(av[++i]);
  else if (a === '--cpus') opt.cpus = av[++i].split(',');
  else if (a.includes('=')) { const [label, path] = a.split('='); opt.clis.push({ label, path }); }
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
if (!opt.clis.length) opt.clis.push({ label: 'now', path: `${root}packages/cli/dist/main.js` });
const prog = (arch) => `${root}bench/out/${arch}/lat_syscall`;
for (const arch of ['x86_64', 'aarch64']) if (!existsSync(prog(arch))) { console.error(`missing ${prog(arch)}: build bench/ first`); process.exit(2); }
const have = (cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;

const runners = [{ id: 'native x86_64', n: opt.n, cmd: [prog('x86_64')] }];
if (have('qemu-x86_64')) runners.push({ id: 'qemu-x86_64', n: opt.n, cmd: ['qemu-x86_64', prog('x86_64')] });
if (have('qemu-aarch64')) runners.push({ id: 'qemu-aarch64', n: opt.n, cmd: ['qemu-aarch64', prog('aarch64')] });
for (const { label, path } of opt.clis) for (const arch of ['x86_64', 'aarch64']) for (const cpu of opt.cpus) {
  runners.push({ id: `${label} ${cpu} ${arch}`, n: cpu === 'unicorn' && opt.nUnicorn ? opt.nUnicorn : opt.n, cmd: ['node', path, 'run', '--cpu', cpu, prog(arch)] });
}

const res = new Map(runners.map((r) => [r.id, []]));
for (let round = 0; round < opt.rounds; round++) {
  for (let j = 0; j < runners.length; j++) {
    const r = runners[(j + round) % runners.length];
    const out = execFileSync(r.cmd[0], [...r.cmd.slice(1), 'null', String(r.n)], { encoding: 'utf8' });
    const m = /work_ns=(\d+)/.exec(out);
    if (!out.includes(`n=${r.n} sum=0 bad=0`) || !m) throw new Error(`${r.id}: unexpected output ${JSON.stringify(out)}`);
    res.get(r.id).push(Number(m[1]) / r.n);
  }
}
const median = (a) => { const s = [...a].sort((x, y) => x - y); return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
console.log(`null syscall, ns per call (median of ${opt.rounds} interleaved rounds; N=${opt.n}${opt.nUnicorn ? `, Unicorn N=${opt.nUnicorn}` : ''})`);
for (const r of runners) console.log(`${r.id.padEnd(28)} ${median(res.get(r.id)).toFixed(0).padStart(6)}   (${res.get(r.id).map((x) => x.toFixed(0)).join(' ')})`);
