// run.mjs end to end, with elfbox replaced by the stand-ins in bench/fixtures/ (qemu-user behind
// the CLI for --cpu ts, a wrong checksum for --cpu unicorn).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const here = new URL('.', import.meta.url).pathname;
const dir = mkdtempSync(join(os.tmpdir(), 'elfbox-bench-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('quick run of intloop and hello-lib writes a table with numbers for good runners and reasons for bad ones', () => {
  const out = join(dir, 'r.md');
  const r = spawnSync(process.execPath, [join(here, '../run.mjs'), '--quick', '--no-build', '--only', 'intloop,hello-lib', '--out', out], {
    encoding: 'utf8',
    env: { ...process.env, ELFBOX_BENCH_CLI: join(here, '../fixtures/fake-cli.mjs'), ELFBOX_BENCH_INDEX: join(here, '../fixtures/fake-index.mjs') },
    timeout: 120000,
  });
  assert.equal(r.status, 0, r.stderr);
  const md = readFileSync(out, 'utf8');
  assert.match(md, /\| x86_64 \| native \| 3 \| [\d.]+ ms \|/);
  assert.match(md, /\| x86_64 \| elfbox --cpu ts \| 3 \| [\d.]+ ms \|/);
  assert.match(md, /\| aarch64 \| elfbox --cpu ts \| 3 \| [\d.]+ ms \|/);
  // guest MIPS from the --stats line: 5e6 instructions over the reported run time
  const row = md.split('\n').find((l) => l.startsWith('| x86_64 | elfbox --cpu ts | 3 |'));
  const cells = row.split('|').map((c) => c.trim());
  const mips = Number(cells[cells.length - 4]);
  assert.ok(mips > 0 && mips < 5000, `MIPS cell ${cells[cells.length - 4]} in ${row}`);
  assert.match(md, /\| x86_64 \| native \| 3 \| .* \| - \| 1 \| - \|$/m);
  assert.match(md, /\| x86_64 \| elfbox --cpu unicorn \| 0 \| failed: run 1: output differs from native: line 1: got "not the right output"/);
  assert.match(md, /\| aarch64 \| elfbox --cpu unicorn \| 0 \| failed: run 1: output differs from qemu-aarch64/);
  assert.match(md, /\| x86_64 \| elfbox run\(\) cpu ts \| 3 \| [\d.]+ ms \|/);
  assert.match(md, /\| x86_64 \| elfbox run\(\) cpu unicorn \| 0 \| failed: guest exit status 1: fake: no unicorn \|/);
  assert.match(md, /- CPU: .*cores \(nproc\); memory [\d.]+ GiB/);
  assert.match(md, /- qemu: qemu-x86_64 version/);
});
