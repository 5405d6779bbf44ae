#!/usr/bin/env node
// Measures what Unicorn 2 (libunicorn through koffi) costs per instruction on this machine:
// register-only code vs memory stores vs loads, each with uc_emu_start's three ways of bounding
// a run (nothing, an instruction count, a timeout), the fixed cost of one uc_emu_start call, a
// koffi register read; and, for the same store loop, qemu-user and native when available.
//
//   node packages/cpu-unicorn/scripts/measure.mjs [--quick]
//
// Prints a markdown table (the numbers in README.md come from it).
import { createRequire } from 'node:module';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const quick = process.argv.includes('--quick');
const require = createRequire(new URL('../package.json', import.meta.url));
const koffi = require('koffi');
const lib = koffi.load(process.env.ELFBOX_LIBUNICORN ?? 'libunicorn.so.2');
const f = (s) => lib.func(s);
const uc_open = f('int uc_open(int arch, int mode, _Out_ void **uc)');
const uc_close = f('int uc_close(void *uc)');
const uc_map = f('int uc_mem_map_ptr(void *uc, uint64_t addr, size_t size, uint32_t perms, void *ptr)');
const uc_reg_read = f('int uc_reg_read(void *uc, int regid, void *val)');
const uc_reg_write = f('int uc_reg_write(void *uc, int regid, void *val)');
const uc_emu_start = f('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)');
const uc_version = f('unsigned int uc_version(_Out_ unsigned int *major, _Out_ unsigned int *minor)');

const maj = [0], min = [0];
uc_version(maj, min);

function asm(arch, src) {
  const dir = mkdtempSync(join(tmpdir(), 'uc-measure-'));
  try {
    const as = arch === 'x86_64' ? 'as' : 'aarch64-linux-gnu-as';
    const oc = arch === 'x86_64' ? 'objcopy' : 'aarch64-linux-gnu-objcopy';
    writeFileSync(join(dir, 'a.s'), (arch === 'x86_64' ? '.intel_syntax noprefix\n' : '') + '.text\n' + src + '\n');
    execFileSync(as, ['-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    execFileSync(oc, ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Each loop: 4 instructions per iteration, iteration count in rcx / x2, data at 0x500000.
const LOOPS = {
  x86_64: {
    arch: 4, mode: 8, pc: 41, cnt: 38, ptr: 39,
    reg: 'l: add rax, rcx\nxor rdx, rax\ndec rcx\njnz l\nnop',
    store: 'l: mov [rdi], rax\nmov [rdi+8], rdx\ndec rcx\njnz l\nnop',
    load: 'l: mov rax, [rdi]\nmov rdx, [rdi+8]\ndec rcx\njnz l\nnop',
  },
  aarch64: {
    arch: 2, mode: 0, pc: 260, cnt: 201, ptr: 202,
    reg: 'l: add x0, x0, x2\neor x3, x3, x0\nsubs x2, x2, #1\nb.ne l\nnop',
    store: 'l: str x0, [x3]\nstr x1, [x3, #8]\nsubs x2, x2, #1\nb.ne l\nnop',
    load: 'l: ldr x0, [x3]\nldr x1, [x3, #8]\nsubs x2, x2, #1\nb.ne l\nnop',
  },
};

const mem = new Uint8Array(new ArrayBuffer(0x600000));
const u64 = new BigUint64Array(2);
const u8 = new Uint8Array(u64.buffer);
const rows = [];
const regCost = {};
const callCost = [];
const regRead = {};

for (const [arch, L] of Object.entries(LOOPS)) {
  const out = [null];
  if (uc_open(L.arch, L.mode, out) !== 0) throw new Error('uc_open');
  const uc = out[0];
  const wr = (r, v) => { u64[0] = BigInt(v); u64[1] = 0n; uc_reg_write(uc, r, u8); };
  const code = { reg: 0x401000, store: 0x402000, load: 0x403000 };
  for (const k of Object.keys(code)) {
    const b = asm(arch, L[k]);
    mem.set(b, code[k]);
    // stop right before the trailing nop
    code[k] = { at: code[k], end: code[k] + b.length - (arch === 'x86_64' ? 1 : 4) };
  }
  uc_map(uc, 0x400000, 0x4000 + 0x1000, 5, mem.subarray(0x400000, 0x405000));
  uc_map(uc, 0x500000, 0x1000, 3, mem.subarray(0x500000, 0x501000));
  if (arch === 'aarch64') { u64[0] = 0n; uc_reg_read(uc, 261, u8); u64[0] |= 3n << 20n; uc_reg_write(uc, 261, u8); }
  const N = quick ? 2_000_000 : 20_000_000;
  const timeIt = (k, iters, timeout, count) => {
    wr(L.cnt, iters); wr(L.ptr, 0x500000);
    const t = process.hrtime.bigint();
    const e = uc_emu_start(uc, code[k].at, code[k].end, timeout, count);
    const ns = Number(process.hrtime.bigint() - t);
    if (e !== 0) throw new Error(`${arch} ${k}: uc_emu_start error ${e}`);
    return ns;
  };
  for (const [mode, timeout, count] of [['none', 0, 0], ['count', 0, 1], ['timeout', 60_000_000, 0]]) {
    for (const k of ['reg', 'store', 'load']) {
      const iters = k === 'reg' ? N : N / 8;
      timeIt(k, 1000, timeout, count ? 5000 : 0); // translate and warm up
      const ns = Math.min(timeIt(k, iters, timeout, count ? iters * 4 + 10 : 0), timeIt(k, iters, timeout, count ? iters * 4 + 10 : 0));
      const perInsn = ns / (iters * 4);
      const perAccess = k === 'reg' ? '' : ((ns - iters * 2 * rowsRegCost(arch, mode)) / (iters * 2)).toFixed(1);
      rows.push({ arch, mode, kind: k, perInsn: perInsn.toFixed(2), perAccess });
      if (k === 'reg') regCost[`${arch}/${mode}`] = perInsn;
    }
  }
  // fixed cost of one uc_emu_start (10 iterations of the register loop)
  for (const [mode, timeout, count] of [['none', 0, 0], ['count', 0, 1], ['timeout', 60_000_000, 0]]) {
    const R = quick ? 200 : 2000;
    const t = process.hrtime.bigint();
    for (let i = 0; i < R; i++) timeIt('reg', 10, timeout, count ? 1000 : 0);
    callCost.push({ arch, mode, us: (Number(process.hrtime.bigint() - t) / R / 1000).toFixed(1) });
  }
  {
    const R = 200_000;
    const t = process.hrtime.bigint();
    for (let i = 0; i < R; i++) uc_reg_read(uc, L.pc, u8);
    regRead[arch] = (Number(process.hrtime.bigint() - t) / R).toFixed(0);
  }
  uc_close(uc);
}

function rowsRegCost(arch, mode) { return regCost[`${arch}/${mode}`] ?? 0; }

// qemu-user and native on the same store loop, written in C.
function external() {
  const dir = mkdtempSync(join(tmpdir(), 'uc-measure-c-'));
  const out = [];
  try {
    writeFileSync(join(dir, 's.c'), `#include <stdlib.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  volatile long buf[2];
  for (long i = 0; i < n; i++) { buf[0] = i; buf[1] = i ^ n; }
  return (int)buf[0] & 1;
}
`);
    const n = quick ? 20_000_000 : 200_000_000;
    const timeRun = (cmd, args) => {
      const t = process.hrtime.bigint();
      const r = spawnSync(cmd, args);
      if (r.status === null) throw new Error(`${cmd} failed`);
      return Number(process.hrtime.bigint() - t);
    };
    try {
      execFileSync('gcc', ['-O1', '-static', '-o', join(dir, 's'), join(dir, 's.c')]);
      const base = timeRun(join(dir, 's'), ['0']);
      out.push({ what: 'native x86-64', ns: ((timeRun(join(dir, 's'), [String(n)]) - base) / (2 * n)).toFixed(2) });
      const qbase = timeRun('qemu-x86_64', [join(dir, 's'), '0']);
      out.push({ what: 'qemu-x86_64 (qemu-user)', ns: ((timeRun('qemu-x86_64', [join(dir, 's'), String(n)]) - qbase) / (2 * n)).toFixed(2) });
    } catch (e) {
      out.push({ what: 'native / qemu-x86_64', ns: `not measured (${e.message})` });
    }
    try {
      execFileSync('aarch64-linux-gnu-gcc', ['-O1', '-static', '-o', join(dir, 'sa'), join(dir, 's.c')]);
      const qbase = timeRun('qemu-aarch64', [join(dir, 'sa'), '0']);
      out.push({ what: 'qemu-aarch64 (qemu-user)', ns: ((timeRun('qemu-aarch64', [join(dir, 'sa'), String(n)]) - qbase) / (2 * n)).toFixed(2) });
    } catch (e) {
      out.push({ what: 'qemu-aarch64', ns: `not measured (${e.message})` });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

const ext = external();
console.log(`## Unicorn ${maj[0]}.${min[0]} through koffi (${process.platform} ${process.arch}, node ${process.version})\n`);
console.log('Loops of 4 instructions per iteration; memory loops make 2 accesses per iteration.');
console.log('"per access" subtracts the register-loop cost of the other 2 instructions.\n');
console.log('| arch | bound | loop | ns / instruction | ns / memory access |');
console.log('|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.arch} | ${r.mode} | ${r.kind} | ${r.perInsn} | ${r.perAccess} |`);
console.log('\n| arch | bound | one uc_emu_start call (µs, 40 instructions) |');
console.log('|---|---|---|');
for (const c of callCost) console.log(`| ${c.arch} | ${c.mode} | ${c.us} |`);
console.log(`\nuc_reg_read through koffi: ${regRead.x86_64} ns (x86-64), ${regRead.aarch64} ns (aarch64)\n`);
console.log('| the same store loop in C (2 stores / iteration) | ns / store |');
console.log('|---|---|');
for (const e of ext) console.log(`| ${e.what} | ${e.ns} |`);
