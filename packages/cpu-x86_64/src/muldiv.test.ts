// Multiply/divide against BigInt reference results over random and edge operands: one assembled
// program, operands poked into registers per case.
import { describe, it, expect } from 'vitest';
import { asm, machine, u64, CODE } from './test-util/asm.js';

const M64 = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);

function rnd(seed: { s: number }): bigint {
  const edge = [0n, 1n, 2n, M64, M64 - 1n, 1n << 63n, (1n << 63n) - 1n, 0xffffffffn, 0x100000000n, 10n, 3n, 7n];
  seed.s = (seed.s * 1103515245 + 12345) >>> 0;
  if (seed.s % 5 === 0) return edge[seed.s % edge.length];
  let v = 0n;
  for (let i = 0; i < 4; i++) { seed.s = (seed.s * 1103515245 + 12345) >>> 0; v = (v << 16n) | BigInt(seed.s >>> 16); }
  const shift = BigInt(seed.s % 64);
  return seed.s & 1 ? v >> shift : v;
}

describe('64-bit multiply and divide', () => {
  const code = asm(`
    mov r8, rax
    mov r9, rbx
    mul rbx
    mov r10, rax
    mov r11, rdx
    mov rax, r8
    imul rbx
    mov r12, rax
    mov r13, rdx
    mov rax, r8
    imul rax, rbx
    mov r14, rax
    int3`);
  const divCode = asm('div rbx\nint3');
  it('mul / imul (1 and 2 operand) agree with BigInt on 3000 operand pairs', () => {
    const seed = { s: 42 };
    const m = machine(code);
    for (let i = 0; i < 3000; i++) {
      const a = rnd(seed), b = rnd(seed);
      m.cpu.setPc(CODE);
      m.cpu.setReg(0, a); m.cpu.setReg(3, b);
      expect(m.cpu.run(100).kind).toBe('breakpoint');
      const p = a * b, sp = s64(a) * s64(b);
      expect([m.cpu.getReg(10), m.cpu.getReg(11)]).toEqual([p & M64, p >> 64n]);
      expect([m.cpu.getReg(12), m.cpu.getReg(13)]).toEqual([u64(sp), u64(sp >> 64n)]);
      expect(m.cpu.getReg(14)).toBe(u64(sp));
    }
  });
  it('div r64 agrees with BigInt (and raises #DE on overflow)', () => {
    const seed = { s: 7 };
    const m = machine(divCode);
    for (let i = 0; i < 2000; i++) {
      const hi = i % 3 === 0 ? rnd(seed) & 0xffffn : 0n, lo = rnd(seed), d = rnd(seed);
      m.cpu.setPc(CODE);
      m.cpu.setReg(0, lo); m.cpu.setReg(2, hi); m.cpu.setReg(3, d);
      const r = m.cpu.run(100);
      const n = (hi << 64n) | lo;
      if (d === 0n || n / d > M64) { expect(r.kind).toBe('divide'); continue; }
      expect(r.kind).toBe('breakpoint');
      expect([m.cpu.getReg(0), m.cpu.getReg(2)]).toEqual([n / d, n % d]);
    }
  });
});
