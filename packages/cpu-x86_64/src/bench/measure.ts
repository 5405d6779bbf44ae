// Measurements for the README (not a test): decoder speed (ours vs iced-x86), guest MIPS on an
// integer loop, null-syscall latency with and without the handlerFor path, and a whole C program
// against native and qemu-x86_64.
// Run: node packages/cpu-x86_64/src/bench/run.mjs   (bundles this file with esbuild, then runs it)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decode } from '../decoder.js';
import { asm, machine } from '../test-util/asm.js';
import { buildC, runStatic } from '../test-util/shim.js';

const require = createRequire(import.meta.url);
const now = () => Number(process.hrtime.bigint()) / 1e6;

function textSection(path: string): { bytes: Uint8Array; addr: number } {
  const b = new Uint8Array(readFileSync(path));
  const dv = new DataView(b.buffer);
  const shoff = Number(dv.getBigUint64(40, true)), shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true), shstrndx = dv.getUint16(62, true);
  const sh = (i: number) => { const o = shoff + i * shentsize; return { name: dv.getUint32(o, true), addr: Number(dv.getBigUint64(o + 16, true)), off: Number(dv.getBigUint64(o + 24, true)), size: Number(dv.getBigUint64(o + 32, true)) }; };
  const strs = sh(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    let n = ''; for (let k = strs.off + s.name; b[k]; k++) n += String.fromCharCode(b[k]);
    if (n === '.text') return { bytes: b.subarray(s.off, s.off + s.size), addr: s.addr };
  }
  throw new Error('no .text');
}

function benchDecoder(): void {
  const exe = buildC('hello-bench', '#include <stdio.h>\nint main(){puts("hi");return 0;}\n', 'gcc');
  const { bytes, addr } = textSection(exe);
  // ours
  const fetch = (a: number) => { const i = a - addr; if (i >= bytes.length) throw new RangeError('end'); return bytes[i]; };
  let n = 0, t0 = 0, best = Infinity;
  for (let rep = 0; rep < 5; rep++) {
    t0 = now(); n = 0;
    let pc = addr;
    const end = addr + bytes.length - 16;
    let acc = 0;
    while (pc < end) { const d = decode(fetch, pc); acc += d.op + d.reg + d.disp; pc += d.len; n++; }
    best = Math.min(best, now() - t0);
    if (acc === 0.5) console.log(acc);
  }
  console.log(`decoder (ours): ${n} instructions of glibc static .text in ${best.toFixed(1)} ms = ${(best * 1e6 / n).toFixed(0)} ns/insn (record with operands)`);
  // iced-x86
  const iced = require(process.env.ICED_PATH ?? 'iced-x86');
  const ins = new iced.Instruction();
  let bestA = Infinity, bestB = Infinity, m = 0;
  for (let rep = 0; rep < 3; rep++) {
    const dec = new iced.Decoder(64, bytes, iced.DecoderOptions.None);
    dec.ip = BigInt(addr);
    t0 = now(); m = 0;
    while (dec.canDecode) { dec.decodeOut(ins); m++; }
    bestA = Math.min(bestA, now() - t0);
    dec.free();
    const dec2 = new iced.Decoder(64, bytes, iced.DecoderOptions.None);
    dec2.ip = BigInt(addr);
    t0 = now();
    let acc = 0;
    while (dec2.canDecode) {
      dec2.decodeOut(ins);
      // what a translator needs at minimum: length, code, operand kinds/registers, memory operand, immediate
      acc += ins.length + ins.code + ins.op0Kind + ins.op1Kind + ins.op0Register + ins.op1Register + ins.memoryBase + ins.memoryIndex + ins.memoryIndexScale + ins.memoryDisplacement32 + ins.immediate32;
    }
    bestB = Math.min(bestB, now() - t0);
    dec2.free();
    if (acc === 0.5) console.log(acc);
  }
  ins.free();
  console.log(`decoder (iced-x86 1.21): ${m} instructions: decodeOut only ${(bestA * 1e6 / m).toFixed(0)} ns/insn; decodeOut + 11 property reads ${(bestB * 1e6 / m).toFixed(0)} ns/insn`);
}

function benchLoop(): void {
  // 5 instructions per iteration; the loop compiles to one JS loop.
  const code = asm(`
    mov ecx, 20000000
    xor eax, eax
    xor edx, edx
  1: add rax, rcx
    xor rdx, rax
    lea rbx, [rdx + rcx*2]
    dec rcx
    jnz 1b
    int3`);
  const m = machine(code);
  const t0 = now();
  let r;
  do { r = m.cpu.run(50_000_000); } while (r.kind === 'budget');
  const ms = now() - t0;
  const n = m.cpu.instructions ?? 0;
  console.log(`integer loop (in-block JS loop): ${n} guest instructions in ${ms.toFixed(0)} ms = ${(n / ms / 1000).toFixed(0)} MIPS`);
  // A loop spanning blocks (a call per iteration): block dispatch cost.
  const code2 = asm(`
    mov ecx, 3000000
    xor eax, eax
  1: call f
    dec ecx
    jnz 1b
    int3
  f: add rax, rcx
    ret`);
  const m2 = machine(code2);
  const t1 = now();
  do { r = m2.cpu.run(50_000_000); } while (r.kind === 'budget');
  const ms2 = now() - t1;
  const n2 = m2.cpu.instructions ?? 0;
  console.log(`call/ret loop (3 blocks per iteration): ${n2} guest instructions in ${ms2.toFixed(0)} ms = ${(n2 / ms2 / 1000).toFixed(0)} MIPS`);
}

function benchSyscall(): void {
  const N = 1_000_000;
  const code = asm(`
    mov ebx, ${N}
  1: mov eax, 110
    syscall
    dec ebx
    jnz 1b
    int3`);
  // Alternate the two variants and keep each one's best round (the machine may be shared).
  const best = [Infinity, Infinity];
  for (let round = 0; round < 4; round++) {
    for (const direct of [0, 1]) {
      let calls = 0;
      const h = (cpu: { setReg(i: number, v: bigint): void }) => { calls++; cpu.setReg(0, 1n); return true; };
      const m = machine(code, {
        syscall: (cpu) => { const nr = Number(cpu.getReg(0)); if (nr === 110) return h(cpu); return false; },
        handlerFor: direct ? (nr) => (nr === 110 ? h : undefined) : undefined,
      });
      const t0 = now();
      let r;
      do { r = m.cpu.run(100_000_000); } while (r.kind === 'budget');
      best[direct] = Math.min(best[direct], (now() - t0) * 1e6 / calls);
    }
  }
  console.log(`null syscall (getppid loop, best of 4 rounds of ${N}): through entry.syscall ${best[0].toFixed(0)} ns/call, direct handlerFor path ${best[1].toFixed(0)} ns/call`);
}

function benchProgram(): void {
  const src = `
#include <stdio.h>
#include <stdint.h>
int main(void) {
  uint64_t h = 1469598103934665603ULL; unsigned s = 1;
  for (int i = 0; i < 30000000; i++) { s = s * 1103515245u + 12345u; h ^= s >> 7; h *= 1099511628211ULL; if (h & 1) h += i; }
  printf("%llu\\n", (unsigned long long)h);
  return 0;
}`;
  const exe = buildC('intloop-bench', src, 'musl-gcc');
  let t0 = now();
  const native = execFileSync(exe, { encoding: 'utf8' });
  const tn = now() - t0;
  let tq = NaN;
  try { t0 = now(); execFileSync('qemu-x86_64', [exe], { encoding: 'utf8' }); tq = now() - t0; } catch { /* no qemu */ }
  t0 = now();
  const r = runStatic(exe, ['intloop']);
  const te = now() - t0;
  console.log(`C integer loop (musl static, ${r.instructions} guest insns): native ${tn.toFixed(0)} ms, qemu-x86_64 ${tq.toFixed(0)} ms, elfbox ${te.toFixed(0)} ms (${(te / tn).toFixed(1)}x native, ${(te / tq).toFixed(2)}x qemu, ${(r.instructions / te / 1000).toFixed(0)} MIPS); output ${r.stdout === native ? 'identical' : 'DIFFERENT'}`);
}

benchDecoder();
benchLoop();
benchSyscall();
benchProgram();
