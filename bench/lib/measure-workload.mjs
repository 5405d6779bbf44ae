// Measures one workload: a warm-up run of every column, then `runs` rounds in which every
// column still standing runs once (order rotated each round), each run's output checked
// against the reference runner of its arch before its time counts.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { failureReason, runOnce } from './measure.mjs';
import { checkedOutput, fmtNs, median, min, max, pairedRatios, parseWorkNs, workNsPlausible } from './stats.mjs';

function outputKey(w, stdout) {
  if (w.compare === 'sha256') {
    const h = createHash('sha256').update(stdout).digest('hex');
    return { key: h, show: `${stdout.length} bytes, sha256 ${h.slice(0, 16)}` };
  }
  const text = checkedOutput(stdout.toString('utf8'));
  return { key: text, show: text.trim().split('\n')[0] ?? '' };
}

function firstDiff(a, b) {
  const la = a.split('\n'), lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}: got ${JSON.stringify((la[i] ?? '<none>').slice(0, 80))}, expected ${JSON.stringify((lb[i] ?? '<none>').slice(0, 80))}`;
  }
  return '';
}

/**
 * @param w        workload (lib/workloads.mjs)
 * @param runners  all runners
 * @param env      { tmp, timeoutMs, runs, deadline (ms since epoch, for the whole harness),
 *                   shareMs (what this workload may take, warm-up included), elfboxUnavailable?: string,
 *                   buildFailed: Map, log }
 */
export async function measureWorkload(w, runners, env) {
  const cols = runners
    .filter((r) => w.arches.includes(r.arch))
    .map((r) => ({ runner: r, runs: [], failed: null, notes: [] }));
  // reference runners first, so every other column can be checked against them in the warm-up
  cols.sort((a, b) => (b.runner.reference ? 1 : 0) - (a.runner.reference ? 1 : 0));
  const refs = {};

  for (const c of cols) {
    const p = w.program(c.runner.arch);
    if (p.error) c.failed = p.error;
    else if (p.build && env.buildFailed.has(p.build)) c.failed = env.buildFailed.get(p.build);
    else if (!existsSync(p.path)) c.failed = `no binary ${p.path}`;
    else if (c.runner.kind === 'elfbox' && env.elfboxUnavailable) c.failed = env.elfboxUnavailable;
    else if (c.runner.unavailable) c.failed = c.runner.unavailable;
    c.bin = p.path;
  }

  const runCol = async (c, round, timeoutMs = env.timeoutMs, first = round < 0) => {
    const r = await runOnce(c.runner.cmd(c.bin, w.args), { tmp: env.tmp, timeoutMs });
    const where = round < 0 ? '' : `run ${round + 1}: `;
    const reason = failureReason(r, timeoutMs);
    if (reason && r.timedOut && first && timeoutMs < env.timeoutMs) {
      c.failed = `too slow for the time budget: the first run did not finish in ${(timeoutMs / 1000).toFixed(1)} s ` +
        `(this workload's share of the budget: ${(env.shareMs / 1000).toFixed(0)} s for all runs of every runner)`;
      return r;
    }
    if (reason) {
      c.failed = where + reason;
      return r;
    }
    const out = outputKey(w, r.stdout);
    const arch = c.runner.arch;
    if (c.runner.reference && round < 0) {
      refs[arch] = { key: out.key, show: out.show, label: c.runner.label };
      c.output = out.show;
    } else {
      const ref = refs[arch];
      if (!ref) {
        c.failed = `no reference output to check against (the ${arch} reference runner failed)`;
        return r;
      }
      if (out.key !== ref.key) {
        const d = w.compare === 'sha256' ? `got ${out.show}, expected ${ref.show}` : firstDiff(out.key, ref.key);
        c.failed = `${where}output differs from ${ref.label}: ${d}`;
        return r;
      }
      if (round < 0) c.output = out.show;
    }
    const rec = { wallNs: r.wallNs, rssKb: r.rssKb };
    // `elfbox run --stats`: "N guest instructions in T ms" (T: load to exit, without Node's start-up)
    const st = /(\d+) guest instructions in ([\d.]+) ms/.exec(r.stderr);
    if (st && Number(st[2]) > 0) rec.mips = Number(st[1]) / (Number(st[2]) * 1000);
    if (w.metric !== 'wall') {
      const workNs = parseWorkNs(r.stdout.toString('utf8'));
      if (workNsPlausible(workNs, r.wallNs)) rec.workNs = workNs;
      else rec.badWorkNs = workNs ?? null;
    }
    if (round >= 0) c.runs[round] = rec;
    else c.warmup = rec;
    return r;
  };

  // warm-up: native and qemu first, then elfbox, whose warm-up may take only its part of
  // what the workload's share of the budget leaves after the native and qemu runs
  const t0 = Date.now();
  const wnotes = [];
  const alive = () => cols.filter((c) => !c.failed);
  for (const c of cols) if (!c.failed && c.runner.kind !== 'elfbox') await runCol(c, -1);
  const otherRoundMs = alive().filter((c) => c.runner.kind !== 'elfbox').reduce((s, c) => s + c.warmup.wallNs / 1e6, 0);
  const elf = alive().filter((c) => c.runner.kind === 'elfbox');
  const elfMs = env.shareMs - (Date.now() - t0) - env.runs * otherRoundMs;
  // quick: a first run that fits is worth more than 3 runs (fewer runs are taken below instead)
  const elfRuns = env.quick ? 1 : env.runs + 1;
  const elfRunCap = Math.min(env.timeoutMs, Math.max(1000, elfMs / (elfRuns * Math.max(1, elf.length))));
  for (const c of elf) {
    if (Date.now() > env.deadline) c.failed = 'time budget of the whole run spent before this workload';
    else if (env.quick) {
      // quick mode: elfbox's first run counts as run 1 (it is checked like every run) and stands
      // in for the warm-up in the estimates below; a fresh process per run has no JIT to warm
      await runCol(c, 0, elfRunCap, true);
      if (!c.failed) c.warmup = c.runs[0];
    } else await runCol(c, -1, elfRunCap);
  }

  // fit the rounds into what is left of the share; drop the slowest elfbox columns until they fit
  const left = env.shareMs - (Date.now() - t0);
  const roundMs = () => alive().reduce((s, c) => s + c.warmup.wallNs / 1e6, 0);
  let rounds = env.runs;
  const roundsLeft = env.quick ? env.runs - 1 : env.runs;
  if (env.quick) {
    // quick: every runner that works keeps its checked first run; fewer rounds rather than fewer runners
    rounds = 1 + Math.max(0, Math.min(roundsLeft, Math.floor(left / Math.max(1, roundMs()))));
    if (rounds < env.runs) wnotes.push(`quick mode: ${rounds} of ${env.runs} runs per runner fitted in this workload's share of the time budget`);
  }
  while (!env.quick && roundsLeft * roundMs() > left) {
    const slow = alive().filter((c) => c.runner.kind === 'elfbox').sort((a, b) => b.warmup.wallNs - a.warmup.wallNs)[0];
    if (!slow) break;
    slow.failed = `too slow for the time budget: warm-up took ${fmtNs(slow.warmup.wallNs)}, ${roundsLeft} more runs of every runner would need ~${(roundsLeft * roundMs() / 1000).toFixed(0)} s, ${(left / 1000).toFixed(0)} s left for this workload`;
  }

  for (let round = 0; round < rounds; round++) {
    const order = alive();
    const k = round % Math.max(1, order.length);
    for (const c of [...order.slice(k), ...order.slice(0, k)]) {
      if (c.failed || c.stopped || c.runs[round]) continue;
      if (c.runner.kind === 'elfbox' && Date.now() > env.deadline) {
        const done = c.runs.filter(Boolean).length;
        if (done === 0) c.failed = 'time budget of the whole run spent before its first measured run';
        else c.notes.push(`time budget of the whole run spent: ${done} of ${env.runs} runs`);
        c.stopped = true;
        continue;
      }
      // a measured run may take up to 4x its warm-up (at least 5 s), so one stuck run cannot eat the budget
      await runCol(c, round, Math.min(env.timeoutMs, Math.max(5000, (4 * c.warmup.wallNs) / 1e6)));
    }
  }

  for (const c of cols) summarize(w, c);
  for (const c of cols) computeRatios(c, cols);
  // report in the runners' order (x86-64 first, then aarch64), not in the measuring order
  const pos = (c) => runners.indexOf(c.runner) + (c.runner.arch === 'aarch64' ? runners.length : 0);
  cols.sort((a, b) => pos(a) - pos(b));
  return { id: w.id, title: w.title, args: w.args, metric: w.metric, calls: w.calls, notes: wnotes, columns: cols.map(publicColumn) };
}

function values(c, key) {
  return c.runs.map((r) => (r ? r[key] ?? null : null));
}

function summarize(w, c) {
  if (c.failed) return;
  const done = c.runs.filter(Boolean);
  const walls = done.map((r) => r.wallNs);
  const s = { n: done.length, wall: { median: median(walls), min: min(walls), max: max(walls) } };
  const mips = done.map((r) => r.mips).filter((x) => x != null);
  if (mips.length === done.length && mips.length) s.mips = median(mips);
  const rss = done.map((r) => r.rssKb).filter((x) => x != null);
  if (rss.length) s.rssKb = max(rss);
  if (w.metric !== 'wall') {
    const works = done.map((r) => r.workNs);
    if (works.every((x) => x != null)) {
      s.work = { median: median(works), min: min(works), max: max(works) };
      if (w.metric === 'percall') s.perCallNs = { median: s.work.median / w.calls, min: s.work.min / w.calls, max: s.work.max / w.calls };
    } else {
      c.notes.push('the guest clock gave no plausible work_ns in some runs: time and ratios are of the whole process');
    }
  }
  c.stats = s;
  c.usesWork = !!s.work;
}

function computeRatios(c, cols) {
  if (c.failed) return;
  // ratios run by run against native and against qemu of the same arch
  c.ratios = {};
  const nat = cols.find((o) => o.runner.kind === 'native');
  const qemu = cols.find((o) => o.runner.kind === 'qemu' && o.runner.arch === c.runner.arch);
  for (const [name, other] of [['native', nat], ['qemu', qemu]]) {
    if (!other || other === c || other.failed || c.runner.kind === 'native') continue;
    if (name === 'qemu' && c.runner.kind === 'qemu') continue;
    const key = c.usesWork && other.usesWork ? 'workNs' : 'wallNs';
    const rs = pairedRatios(values(c, key), values(other, key));
    if (rs.length) c.ratios[name] = { median: median(rs), min: min(rs), max: max(rs), n: rs.length, on: key === 'workNs' ? 'work' : 'wall' };
  }
}

function publicColumn(c) {
  return {
    id: c.runner.id, label: c.runner.label, arch: c.runner.arch, kind: c.runner.kind, backend: c.runner.backend,
    failed: c.failed, notes: c.notes, output: c.output, stats: c.stats, ratios: c.ratios, warmup: c.warmup, runs: c.runs,
  };
}
