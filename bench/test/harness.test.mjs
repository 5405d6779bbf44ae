// The harness against fake runners (sh -c scripts) whose behaviour is known: it must keep the
// good ones, and turn every kind of bad run into "failed: <reason>" without a number.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { measureWorkload } from '../lib/measure-workload.mjs';
import { renderMarkdown } from '../lib/report.mjs';

const tmp = mkdtempSync(join(os.tmpdir(), 'elfbox-bench-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const sh = (script) => () => ['sh', '-c', script];
const fake = (id, kind, script, extra = {}) => ({ id, label: id, kind, arch: 'x86_64', cmd: sh(script), ...extra });
// the reference takes ~20 ms of "work"; good-elfbox reports 3x that as its work time
const runners = [
  fake('native', 'native', 'echo result=42; echo work_ns=20000000; sleep 0.03', { reference: true }),
  fake('qemu-x86_64', 'qemu', 'echo result=42; echo work_ns=40000000; sleep 0.05'),
  fake('good', 'elfbox', 'echo result=42; echo work_ns=60000000; sleep 0.07'),
  fake('wrong', 'elfbox', 'echo result=41; echo work_ns=1'),
  fake('crash', 'elfbox', 'echo boom >&2; exit 3'),
  fake('signal', 'elfbox', 'kill -SEGV $$'),
  fake('hang', 'elfbox', 'sleep 5'),
  fake('badclock', 'elfbox', 'echo result=42; echo work_ns=999000000000'),
];
const workload = {
  id: 'fake', title: 'fake', args: [], metric: 'work', compare: 'text', arches: ['x86_64'],
  program: () => ({ path: '/bin/sh' }),
};

const res = await measureWorkload(workload, runners, {
  tmp, timeoutMs: 1500, runs: 3, deadline: Date.now() + 600000, shareMs: 600000, buildFailed: new Map(), log: () => {},
});
const col = (id) => res.columns.find((c) => c.id === id);

test('a correct runner gets n runs, work-time stats and run-by-run ratios', () => {
  const g = col('good');
  assert.equal(g.failed, null);
  assert.equal(g.stats.n, 3);
  assert.equal(g.stats.work.median, 60000000);
  assert.ok(g.stats.wall.median >= 70e6, 'wall time includes the sleep');
  assert.equal(g.ratios.native.on, 'work');
  assert.equal(g.ratios.native.median, 3);
  assert.equal(g.ratios.qemu.median, 1.5);
  assert.ok(g.stats.rssKb > 0, 'peak RSS measured');
});

test('wrong output, exit status, signal and timeout each fail with a reason', () => {
  assert.match(col('wrong').failed, /output differs from native: line 1: got "result=41", expected "result=42"/);
  assert.match(col('crash').failed, /exit status 3: boom/);
  assert.match(col('signal').failed, /killed by SIG/);
  assert.match(col('hang').failed, /timeout after 1.5 s/);
  for (const id of ['wrong', 'crash', 'signal', 'hang']) assert.equal(col(id).stats, undefined);
});

test('an implausible guest clock falls back to wall time, with a note', () => {
  const b = col('badclock');
  assert.equal(b.failed, null);
  assert.equal(b.stats.work, undefined);
  assert.equal(b.ratios.native.on, 'wall');
  assert.match(b.notes.join(), /guest clock/);
});

test('the report shows failures as text and no number for them', () => {
  const md = renderMarkdown({
    meta: { command: 'test', quick: true, runs: 3, timeoutMs: 1500, budgetMs: 1, tmp, notes: [], date: 'now', durationMs: 1,
      machine: { cpu: 'x', nproc: 2, memGiB: 1, kernel: 'k' }, versions: {}, mips: 'none' },
    workloads: [res],
  });
  assert.match(md, /\| x86_64 \| crash \| 0 \| failed: exit status 3: boom \|/);
  assert.match(md, /\| x86_64 \| good \| 3 \| .* \| 3\.00x \(3\.00x-3\.00x\) \| 1\.50x/);
});

test('a column whose warm-up would overrun the time budget is dropped, not measured', async () => {
  const r = await measureWorkload(workload, [runners[0], fake('slow', 'elfbox', 'echo result=42; echo work_ns=1; sleep 0.3')], {
    tmp, timeoutMs: 5000, runs: 5, deadline: Date.now() + 10000, shareMs: 1000, buildFailed: new Map(), log: () => {},
  });
  const s = r.columns.find((c) => c.id === 'slow');
  assert.match(s.failed, /too slow for the time budget/);
  assert.equal(r.columns.find((c) => c.id === 'native').stats.n, 5);
});

test('an elfbox warm-up longer than its part of the share is cut off as too slow', async () => {
  const r = await measureWorkload(workload, [runners[0], fake('slower', 'elfbox', 'sleep 3; echo result=42')], {
    tmp, timeoutMs: 20000, runs: 3, deadline: Date.now() + 60000, shareMs: 1000, buildFailed: new Map(), log: () => {},
  });
  const s = r.columns.find((c) => c.id === 'slower');
  assert.match(s.failed, /too slow for the time budget: the first run did not finish in 1\.0 s/);
});

test('without an elfbox warm-up (quick), the first elfbox run is checked and counted as run 1', async () => {
  const r = await measureWorkload(workload, runners.slice(0, 4), {
    tmp, timeoutMs: 5000, runs: 3, deadline: Date.now() + 60000, shareMs: 60000, quick: true, buildFailed: new Map(), log: () => {},
  });
  const g = r.columns.find((c) => c.id === 'good');
  assert.equal(g.stats.n, 3);
  assert.equal(g.runs.filter(Boolean).length, 3);
  assert.match(r.columns.find((c) => c.id === 'wrong').failed, /^run 1: output differs/);
});

test('quick mode takes fewer rounds, not fewer runners, when the share is short', async () => {
  const r = await measureWorkload(workload, [runners[0], fake('slowish', 'elfbox', 'sleep 0.4; echo result=42; echo work_ns=1')], {
    tmp, timeoutMs: 5000, runs: 3, deadline: Date.now() + 60000, shareMs: 1200, quick: true, buildFailed: new Map(), log: () => {},
  });
  const s = r.columns.find((c) => c.id === 'slowish');
  assert.equal(s.failed, null);
  assert.ok(s.stats.n >= 1 && s.stats.n < 3, `n=${s.stats.n}`);
  assert.match(r.notes.join(), /quick mode: \d of 3 runs per runner fitted/);
});
