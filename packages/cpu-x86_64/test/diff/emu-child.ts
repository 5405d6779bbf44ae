// Runs a batch of cases through createX86Cpu in a child process (bundled by harness.ts with
// esbuild), so an instruction that never finishes in the emulator costs one case, not the suite.
//   node emu-child.mjs <batch.json> <todo.json (case indices)>
// Writes one JSON line per case to stdout as soon as it is done.
import { readFileSync, writeSync } from 'node:fs';
import { createX86Cpu } from '@elfbox/cpu-x86_64';
import { runEmuBatch, type Case } from './harness.js';

interface Batch {
  cases: Array<Omit<Case, 'fx' | 'mem' | 'gpr'> & { fx: string; mem: string; gpr: string[] }>;
  code: Array<[string, string]>;
}

/** [offset, base64 bytes] runs where b differs from a. */
function diffRanges(a: Uint8Array, b: Uint8Array): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  for (let i = 0; i < b.length; i++) {
    if (a[i] === b[i]) continue;
    let j = i;
    while (j < b.length && (a[j] !== b[j] || (j + 1 < b.length && a[j + 1] !== b[j + 1]))) j++;
    out.push([i, Buffer.from(b.subarray(i, j)).toString('base64')]);
    i = j;
  }
  return out;
}

const [file, todoFile] = process.argv.slice(2);
const batch = JSON.parse(readFileSync(file, 'utf8')) as Batch;
const todo = JSON.parse(readFileSync(todoFile, 'utf8')) as number[];
const cases: Case[] = batch.cases.map((c) => ({
  ...c,
  gpr: c.gpr.map((v) => BigInt(v)),
  fx: new Uint8Array(Buffer.from(c.fx, 'base64')),
  mem: new Uint8Array(Buffer.from(c.mem, 'base64')),
}));
const code = new Map(batch.code.map(([a, b]) => [a, new Uint8Array(Buffer.from(b, 'base64'))] as const));
runEmuBatch(createX86Cpu, cases, code, todo, (i, r) => {
  const line = JSON.stringify({
    i,
    stop: r.stop,
    offset: r.offset,
    state: r.state && { gpr: r.state.gpr.map((v) => '0x' + v.toString(16)), rflags: '0x' + r.state.rflags.toString(16), fx: Buffer.from(r.state.fx).toString('base64') },
    // only the bytes that changed: most snippets write little or no memory
    memDiff: r.mem && diffRanges(cases[i].mem, r.mem),
  });
  writeSync(1, line + '\n');
});
