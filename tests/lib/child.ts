// Runs one guest program through elfbox's library API in a child process, so a CPU that loops
// forever or a native crash (Unicorn) can't take the test runner down: the parent kills us on a
// timeout. Bundled by esbuild (harness.ts) into tests/.cache; invoked as
//   node child.mjs <request.json> <result.json>
// The request is a ChildRequest; the result a ChildResult (both in harness.ts), stdout/stderr base64.
import { readFileSync, writeFileSync } from 'node:fs';
import * as cli from '@elfbox/cli';
import * as kernel from '@elfbox/kernel';

interface Request {
  path: string;
  argv: string[];
  env: Record<string, string>;
  stdinFile?: string;
  cpu: string;
  root: string;
}

type RunFn = (opts: Record<string, unknown>) => Promise<{ status: number; signal?: number; stdout?: Uint8Array; stderr?: Uint8Array }>;

async function main(): Promise<void> {
  const [reqFile, resFile] = process.argv.slice(2);
  const req = JSON.parse(readFileSync(reqFile, 'utf8')) as Request;
  const out = (r: Record<string, unknown>) => writeFileSync(resFile, JSON.stringify(r));
  const c = cli as Record<string, unknown>;
  const k = kernel as Record<string, unknown>;
  let run: RunFn | undefined;
  let via = '';
  if (typeof c.run === 'function') {
    run = c.run as RunFn;
    via = '@elfbox/cli';
  } else if (typeof k.run === 'function') {
    run = k.run as RunFn;
    via = '@elfbox/kernel (the CLI does not export run yet)';
  }
  if (!run) {
    out({ error: 'neither @elfbox/cli nor @elfbox/kernel exports run() yet (docs/CONTRACTS.md)' });
    return;
  }
  try {
    const r = await run({
      path: req.path,
      argv: req.argv,
      env: req.env,
      stdin: req.stdinFile !== undefined ? readFileSync(req.stdinFile) : new Uint8Array(0),
      stdout: 'capture',
      stderr: 'capture',
      cpu: req.cpu,
      root: req.root,
    });
    out({
      via,
      status: r.status,
      signal: r.signal,
      stdout: Buffer.from(r.stdout ?? new Uint8Array(0)).toString('base64'),
      stderr: Buffer.from(r.stderr ?? new Uint8Array(0)).toString('base64'),
    });
  } catch (e) {
    out({ via, error: `run() threw: ${(e as Error)?.stack ?? String(e)}` });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`child failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(3);
  },
);
