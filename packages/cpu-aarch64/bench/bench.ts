// Measures guest MIPS and time against qemu-aarch64 on integer and floating-point loops.
// Run: node packages/cpu-aarch64/bench/run.mjs  (not a test: numbers depend on the machine)
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { buildC, runElf } from '../test/harness.js';

const dir = process.env.BENCH_DIR!;
for (const name of ['int', 'fp']) {
  const exe = buildC(readFileSync(join(dir, `${name}.c`), 'utf8'), ['-O2']);
  // CPU time (user + system), not wall time: the build machine is shared.
  const tf = join(tmpdir(), `a64-bench-time-${process.pid}`);
  const q = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', tf, 'qemu-aarch64', exe]);
  const [qu, qs] = readFileSync(tf, 'utf8').trim().split(/\s+/).map(Number);
  const tq = qu + qs;
  const c0 = process.cpuUsage();
  const r = runElf(exe);
  const cu = process.cpuUsage(c0);
  const tt = (cu.user + cu.system) / 1e6;
  const same = r.stdout.equals(q.stdout);
  const icount = r.cpu.instructions ?? 0;
  const mips = icount / tt / 1e6;
  console.log(`${name}: ${(icount / 1e6).toFixed(1)} M guest instructions, elfbox ${tt.toFixed(2)} s CPU (${mips.toFixed(0)} MIPS), qemu-aarch64 ${tq.toFixed(2)} s CPU, ratio ${(tt / tq).toFixed(1)}x, output ${same ? 'identical' : 'DIFFERENT'}`);
}

// svc sites: bound straight to the handler (x8 constant in the block) vs the generic entry.
{
  const { AddressSpace, PERM_R, PERM_X } = await import('@elfbox/cpu');
  const { createA64Cpu } = await import('../src/index.js');
  const words = [0xd2a001f3 /* movz x19, #0xf, lsl #16 */, 0xf2800013 | (0x86a0 << 5) /* movk x19, #0x86a0 */, 0xd2801588 /* movz x8, #172 */, 0xd4000001 /* svc #0 */, 0xf1000673 /* subs x19, x19, #1 */, 0x54ffffa1 /* b.ne -12 */, 0xd4200000 /* brk #0 */];
  for (const bind of [true, false]) {
    const mem = new AddressSpace();
    mem.map(0x10000, 0x1000, PERM_R | PERM_X);
    const code = new Uint8Array(words.length * 4);
    words.forEach((w, i) => new DataView(code.buffer).setUint32(i * 4, w >>> 0, true));
    mem.poke(0x10000, code);
    let calls = 0;
    const h = (c: import('@elfbox/cpu').Cpu) => { calls++; c.setReg(0, 1000n); return true; };
    const cpu = createA64Cpu(mem, { syscall: (c) => h(c), handlerFor: bind ? () => h : undefined });
    cpu.setPc(0x10000);
    const t0 = performance.now();
    const r = cpu.run(1e9);
    const dt = (performance.now() - t0) / 1000;
    console.log(`svc getpid x${calls} (${bind ? 'bound via handlerFor' : 'generic syscall()'}): ${(calls / dt / 1e6).toFixed(2)} M syscalls/s (${r.kind})`);
  }
}
