// Start-up through the library API, measured inside one Node process: import elfbox once,
// run hello world once as a warm-up, then time `runs` more runs of it.
//   node bench/lib/inproc.mjs INDEX_JS CPU RUNS BINARY EXPECTED_STDOUT
// Prints one JSON line: { ok: true, times: [ns...], maxRssKb, counts? } or { ok: false, reason }.
const [indexJs, cpu, runsArg, bin, expected] = process.argv.slice(2);

function done(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
  process.exit(0);
}

let mod;
try {
  mod = await import(indexJs);
} catch (e) {
  done({ ok: false, reason: `import ${indexJs}: ${String(e?.message ?? e).split('\n')[0]}` });
}
const run = mod.run ?? mod.default?.run;
if (typeof run !== 'function') done({ ok: false, reason: 'packages/cli/dist/index.js exports no run()' });

async function once() {
  const t0 = process.hrtime.bigint();
  const res = await run({ path: bin, argv: [bin], stdout: 'capture', stderr: 'capture', cpu });
  const ns = Number(process.hrtime.bigint() - t0);
  if (!res || typeof res.status !== 'number') throw new Error('run() returned no status');
  if (res.status !== 0 || res.signal) {
    const err = res.stderr ? Buffer.from(res.stderr).toString().trim().split('\n').pop() : '';
    throw new Error(`guest exit status ${res.status}${res.signal ? ` signal ${res.signal}` : ''}${err ? `: ${err}` : ''}`);
  }
  const out = res.stdout ? Buffer.from(res.stdout).toString() : '';
  if (out !== expected) throw new Error(`stdout ${JSON.stringify(out.slice(0, 60))} differs from ${JSON.stringify(expected)}`);
  return ns;
}

const times = [];
try {
  await once();
  for (let i = 0; i < Number(runsArg); i++) times.push(await once());
} catch (e) {
  done({ ok: false, reason: String(e?.message ?? e).split('\n')[0] });
}
done({ ok: true, times, maxRssKb: process.resourceUsage().maxRSS });
