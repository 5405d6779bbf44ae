// Writes the results as markdown (docs/PERFORMANCE.md for the full run, bench/out/quick.md for --quick).
import { fmtKb, fmtNs, fmtRatio, geomean, mdCell } from './stats.mjs';

function ratioCell(r, metric) {
  if (!r) return '-';
  const range = r.n > 1 ? ` (${fmtRatio(r.min)}-${fmtRatio(r.max)})` : '';
  return `${fmtRatio(r.median)}${range}${r.on === 'wall' && metric !== 'wall' ? ' wall' : ''}`;
}

/** The per-backend summary: geometric mean of the run-by-run median ratios over the workloads that ran. */
export function summarize(results) {
  const byRunner = new Map();
  for (const w of results.workloads) {
    for (const c of w.columns) {
      if (c.kind === 'native') continue;
      const key = `${c.label} (${c.arch})`;
      if (!byRunner.has(key)) byRunner.set(key, { key, kind: c.kind, ran: 0, total: 0, native: [], qemu: [], failures: [] });
      const e = byRunner.get(key);
      e.total++;
      if (c.failed) {
        e.failures.push(`${w.id}: ${c.failed}`);
        continue;
      }
      e.ran++;
      if (c.ratios?.native) e.native.push(c.ratios.native.median);
      if (c.ratios?.qemu) e.qemu.push(c.ratios.qemu.median);
    }
  }
  return [...byRunner.values()].map((e) => ({ ...e, gNative: geomean(e.native), gQemu: geomean(e.qemu) }));
}

export function renderMarkdown(results) {
  const { meta } = results;
  const L = [];
  L.push('# elfbox performance');
  L.push('');
  L.push(`Written by \`${meta.command}\` on ${meta.date} (took ${(meta.durationMs / 1000).toFixed(0)} s). ` +
    'Do not edit by hand: run the command again. The harness is described in [bench/README.md](../bench/README.md).');
  if (meta.quick) L.push('', '**Quick mode**: small sizes and 3 runs per figure; a smoke check, not a measurement.');
  L.push('');
  L.push('## Summary');
  L.push('');
  const sum = summarize(results);
  L.push('Geometric mean over the workloads each runner completed of the median run-by-run ratio ' +
    '(time of the runner / time of native x86-64, and / time of qemu-user for the same arch; above 1 means slower).');
  L.push('');
  L.push('| runner | workloads run | vs native | vs qemu | why the others did not run |');
  L.push('|---|---|---|---|---|');
  for (const e of sum) {
    const why = e.failures.map((f) => mdCell(f.replace(/(too slow for the time budget).*/, '$1'), 80)).join('; ');
    L.push(`| ${e.key} | ${e.ran} of ${e.total} | ${fmtRatio(e.gNative)} | ${e.kind === 'qemu' ? '-' : fmtRatio(e.gQemu)} | ${why} |`);
  }
  L.push('');
  L.push('The mean mixes start-up-bound figures (hello, busybox: whole-process wall time, which includes starting Node.js for elfbox) ' +
    'with in-guest work time (the loops and syscalls); the table below gives each workload separately.');
  L.push('');
  // workload x runner: median ratio vs native
  const keys = sum.map((e) => e.key);
  L.push(`| workload (vs native x86-64) | ${keys.join(' | ')} |`);
  L.push(`|---|${keys.map(() => '---').join('|')}|`);
  for (const w of results.workloads) {
    const cells = keys.map((k) => {
      const c = w.columns.find((x) => `${x.label} (${x.arch})` === k);
      if (!c) return 'n/a';
      if (c.failed) return /too slow for the time budget/.test(c.failed) ? 'too slow' : 'failed';
      return c.ratios?.native ? fmtRatio(c.ratios.native.median) : '-';
    });
    L.push(`| ${w.id} | ${cells.join(' | ')} |`);
  }
  const elfboxRan = sum.filter((e) => e.kind === 'elfbox' && e.ran > 0);
  L.push('');
  if (elfboxRan.length === 0) L.push('**No elfbox backend completed any workload in this run**: every elfbox figure below is a failure with its reason.');
  L.push('');
  L.push('## Machine and versions');
  L.push('');
  L.push(`- CPU: ${meta.machine.cpu}, ${meta.machine.nproc} cores (nproc); memory ${meta.machine.memGiB} GiB; ${meta.machine.kernel}`);
  if (meta.machine.load) L.push(`- load (the machine is shared; 2 cores): ${meta.machine.load}`);
  for (const [k, v] of Object.entries(meta.versions)) L.push(`- ${k}: ${v}`);
  L.push(`- command: \`${meta.command}\`${meta.quick ? ' (quick)' : ''}; ${meta.runs} measured runs per figure after one warm-up run; per-run timeout ${meta.timeoutMs / 1000} s; time budget ${meta.budgetMs / 1000} s`);
  if (meta.notes.length) for (const n of meta.notes) L.push(`- note: ${n}`);
  L.push('');
  L.push('## Method');
  L.push('');
  L.push('- Every program is our own C source in `bench/programs/`, built with `gcc -O2 -static` (glibc), `musl-gcc -O2 -static` ' +
    '(hello only) and `aarch64-linux-gnu-gcc -O2 -static`; busybox is Debian\'s busybox-static (`/bin/busybox` for x86-64, ' +
    'the arm64 package for aarch64).');
  L.push('- Runners: native (x86-64 only: the host), `qemu-x86_64` / `qemu-aarch64` (qemu-user), and `node packages/cli/dist/main.js run --cpu <backend>` ' +
    'for each elfbox backend on both arches.');
  L.push('- Each workload: one warm-up run of every runner, then N rounds; in each round every runner still standing runs once, ' +
    'the order rotated round by round, so native, qemu and elfbox share the machine\'s noisy moments. ' +
    'Ratios are computed run by run (round i of elfbox / round i of native or qemu), and the table gives their median with min-max.');
  L.push('- Every run\'s stdout is compared with the reference of its arch (native for x86-64, qemu-aarch64 for aarch64; ' +
    'the programs print a checksum of their work, gzip output is compared by sha256) before its time counts. ' +
    'A runner that fails, prints something else, or times out shows `failed: <reason>` and no number.');
  L.push('- Time: "wall" is the whole process from spawn to exit, measured by the harness (includes Node.js start-up for elfbox). ' +
    '"work" is `work_ns`, which the program measures around its loop with `clock_gettime(CLOCK_MONOTONIC)` inside the guest; ' +
    'it is trusted only if positive and not above the wall time. Ratios use work time when both sides have it, else wall time (marked "wall"). ' +
    'The syscall workloads give work time divided by the number of calls (ns per call).');
  L.push('- "vs native" on aarch64 rows is against the native x86-64 build of the same source in the same round (there is no aarch64 host); ' +
    '"vs qemu" is against qemu-user of the row\'s own arch.');
  L.push('- A runner is given the time its workload\'s share of the budget allows; one whose warm-up shows it cannot do the runs in that time ' +
    'is reported as `failed: too slow for the time budget` with the figures, rather than measured with fewer runs.');
  if (meta.quick) L.push('- Quick mode differs: elfbox gets no separate warm-up run (its first run, checked like every run, counts as run 1), ' +
    'and when a workload\'s share of the budget is short every runner does fewer rounds (the n column) instead of elfbox being dropped.');
  L.push('- Peak RSS: GNU time\'s `%M` (the child\'s ru_maxrss), the largest over the runs; for elfbox it is the whole Node.js process. ' +
    'The library-API start-up figure gives the Node.js process\'s own maxRSS.');
  L.push(`- MIPS: ${meta.mips}`);
  L.push('');
  L.push('## Results');
  for (const w of results.workloads) {
    L.push('');
    L.push(`### ${w.id}: ${w.title}`);
    L.push('');
    const args = w.args.map((a) => a.replace(meta.tmp, '$TMP')).join(' ');
    L.push(`Arguments: ${args ? `\`${args}\`` : 'none'}` + (w.calls ? `; ${w.calls} calls per run` : ''));
    L.push('');
    const timeHead = w.metric === 'percall' ? 'ns per call (median, min-max)' : w.metric === 'work' ? 'work (median, min-max)' : null;
    L.push(`| arch | runner | n | wall median | wall min-max |${timeHead ? ` ${timeHead} |` : ''} peak RSS | guest MIPS | vs native | vs qemu |`);
    L.push(`|---|---|---|---|---|${timeHead ? '---|' : ''}---|---|---|---|`);
    for (const c of w.columns) {
      if (c.failed) {
        L.push(`| ${c.arch} | ${c.label} | 0 | failed: ${mdCell(c.failed)} | |${timeHead ? ' |' : ''} | | | |`);
        continue;
      }
      const s = c.stats;
      let t = '';
      if (timeHead) {
        const src = w.metric === 'percall' ? s.perCallNs : s.work;
        t = src ? ` ${fmtNs(src.median)} (${fmtNs(src.min)}-${fmtNs(src.max)}) |` : ' no plausible guest clock |';
      }
      const isNative = c.kind === 'native';
      L.push(`| ${c.arch} | ${c.label} | ${s.n} | ${fmtNs(s.wall.median)} | ${fmtNs(s.wall.min)}-${fmtNs(s.wall.max)} |${t} ${fmtKb(s.rssKb)} | ${s.mips != null ? s.mips.toFixed(1) : '-'} | ` +
        `${isNative ? '1' : ratioCell(c.ratios?.native, w.metric)} | ${c.kind === 'qemu' ? '1' : isNative ? '-' : ratioCell(c.ratios?.qemu, w.metric)} |`);
    }
    const notes = [...(w.notes ?? []), ...w.columns.flatMap((c) => c.notes.map((n) => `${c.label} (${c.arch}): ${n}`))];
    if (notes.length) {
      L.push('');
      for (const n of notes) L.push(`- ${n}`);
    }
  }
  if (results.inproc) {
    L.push('');
    L.push('### hello-lib: start-up through the library API, inside one Node.js process');
    L.push('');
    L.push('`run({ path, argv, stdout: "capture", cpu })` from `packages/cli/dist/index.js`, called once as a warm-up and then N times ' +
      'in the same process (Node.js start-up and module loading are paid once, outside the figure); the ratios are against the median wall time ' +
      'of the end-to-end hello runs above, which include process creation and the harness floor (not run by run: this one cannot be interleaved).');
    L.push('');
    L.push('| arch | runner | n | median | min-max | Node.js maxRSS | vs native hello | vs qemu hello |');
    L.push('|---|---|---|---|---|---|---|---|');
    for (const c of results.inproc) {
      if (c.failed) {
        L.push(`| ${c.arch} | ${c.label} | 0 | failed: ${mdCell(c.failed)} | | | | |`);
        continue;
      }
      L.push(`| ${c.arch} | ${c.label} | ${c.n} | ${fmtNs(c.median)} | ${fmtNs(c.min)}-${fmtNs(c.max)} | ${fmtKb(c.maxRssKb)} | ` +
        `${fmtRatio(c.vsNative)} | ${fmtRatio(c.vsQemu)} |`);
    }
  }
  L.push('');
  return L.join('\n');
}
