import { describe, it, expect } from 'vitest';
import type { X86State } from '@elfbox/cpu';
import { runAsm, DATA } from './test-util/asm.js';

const xmm = (m: ReturnType<typeof runAsm>, i: number) => (m.cpu.getState() as X86State).fx.slice(160 + 16 * i, 176 + 16 * i);
const f64 = (b: Uint8Array, lane = 0) => new DataView(b.buffer, b.byteOffset).getFloat64(lane * 8, true);
const u32 = (b: Uint8Array, lane = 0) => new DataView(b.buffer, b.byteOffset).getUint32(lane * 4, true);

describe('SSE', () => {
  it('strlen-style pcmpeqb/pmovmskb/bsf', () => {
    const m = runAsm(`
      lea rdi, [${DATA}]
      mov rax, 0x6f6c6c6568
      mov [rdi], rax
      pxor xmm0, xmm0
      movdqu xmm1, [rdi]
      pcmpeqb xmm1, xmm0
      pmovmskb eax, xmm1
      bsf eax, eax`);
    expect(m.cpu.getReg(0)).toBe(5n);
  });
  it('scalar double arithmetic, conversions and MXCSR rounding', () => {
    const m = runAsm(`
      mov eax, 7
      cvtsi2sd xmm0, eax
      mov rax, 2
      cvtsi2sd xmm1, rax
      divsd xmm0, xmm1
      cvttsd2si rbx, xmm0
      cvtsd2si rcx, xmm0
      sqrtsd xmm2, xmm1
      mov dword ptr [${DATA}], 0x3f80 | (1 << 13)
      ldmxcsr [${DATA}]
      cvtsd2si rdx, xmm0
      stmxcsr [${DATA} + 4]
      mov esi, [${DATA} + 4]`);
    expect(f64(xmm(m, 0))).toBe(3.5);
    expect(m.cpu.getReg(3)).toBe(3n);
    expect(m.cpu.getReg(1)).toBe(4n); // nearest-even
    expect(m.cpu.getReg(2)).toBe(3n); // round down
    expect(f64(xmm(m, 2))).toBe(Math.SQRT2);
    expect(m.cpu.getReg(6)).toBe(BigInt(0x3f80 | 0x20)); // RC=down kept, PE set by the inexact conversion
  });
  it('SSE4.2 pcmpistri/pcmpestri/pcmpistrm: strchr, strstr, ranges and the flags', () => {
    const m = runAsm(`
      lea rdi, [${DATA}]
      mov rax, 0x6f77206f6c6c6568
      mov [rdi], rax
      mov dword ptr [rdi + 8], 0x646c72
      mov dword ptr [rdi + 16], 0x6f77
      movdqu xmm1, [rdi]
      movdqu xmm2, [rdi + 16]
      pcmpistri xmm2, xmm1, 0x0c
      mov r8d, ecx
      setc r9b
      setz r10b
      sets r11b
      mov dword ptr [rdi + 32], 0x7a61
      movdqu xmm3, [rdi + 32]
      pcmpistri xmm3, xmm1, 0x44
      mov r12d, ecx
      mov eax, 1
      mov edx, 16
      pcmpestri xmm2, xmm1, 0x00
      mov r13d, ecx
      pcmpistrm xmm3, xmm1, 0x04
      movd r14d, xmm0
      pcmpistrm xmm3, xmm1, 0x44
      movq r15, xmm0`);
    expect(m.cpu.getReg(8)).toBe(6n); // "wo" first occurs at index 6 of "hello world"
    expect(m.cpu.getReg(9) & 0xffn).toBe(1n); // CF: a match
    expect(m.cpu.getReg(10) & 0xffn).toBe(1n); // ZF: xmm1's string ends inside the register
    expect(m.cpu.getReg(11) & 0xffn).toBe(1n); // SF: xmm2's too
    expect(m.cpu.getReg(12)).toBe(10n); // last of 'a'..'z' in "hello world": the 'd' at 10
    expect(m.cpu.getReg(13)).toBe(6n); // explicit length 1: 'w' first at 6
    expect(m.cpu.getReg(14)).toBe(0x7dfn); // letters of "hello world" as a bit mask
    expect(m.cpu.getReg(15)).toBe(0xffff00ffffffffffn); // byte mask of the first 8 bytes (byte 5, the space, is 0)
  });
  it('ucomisd flags and default NaN', () => {
    const m = runAsm(`
      xorpd xmm0, xmm0
      divsd xmm0, xmm0
      movq rax, xmm0
      mov rbx, 0x3ff0000000000000
      movq xmm1, rbx
      ucomisd xmm1, xmm0
      setp cl
      xorpd xmm2, xmm2
      ucomisd xmm2, xmm1
      setb dl`);
    expect(m.cpu.getReg(0)).toBe(0xfff8000000000000n);
    expect(m.cpu.getReg(1) & 0xffn).toBe(1n);
    expect(m.cpu.getReg(2) & 0xffn).toBe(1n);
  });
  it('shuffles, unpack, shifts', () => {
    const m = runAsm(`
      mov eax, 0x04030201
      movd xmm0, eax
      pshufd xmm1, xmm0, 0
      punpcklbw xmm0, xmm0
      movdqa xmm2, xmm1
      psrldq xmm2, 3
      pslld xmm1, 4`);
    expect(u32(xmm(m, 1), 3)).toBe(0x40302010);
    expect(u32(xmm(m, 0), 0)).toBe(0x02020101);
    expect(u32(xmm(m, 2), 0)).toBe(0x03020104);
  });
  it('SSSE3 / SSE4.1 forms (implemented, not advertised)', () => {
    const m = runAsm(`
      mov rax, 0x0706050403020100
      movq xmm0, rax
      mov rax, 0x0f0e0d0c0b0a0908
      pinsrq xmm0, rax, 1
      mov rax, 0x8000000000000003
      movq xmm1, rax
      pshufb xmm0, xmm1
      pextrd ebx, xmm0, 0
      mov eax, 0xfffffffb
      movd xmm2, eax
      pabsd xmm2, xmm2
      pextrd ecx, xmm2, 0
      mov rax, 0x00ff00010080007f
      movq xmm3, rax
      pmovzxbw xmm4, xmm3
      pextrw edx, xmm4, 1
      ptest xmm3, xmm3
      setz sil`);
    expect(m.cpu.getReg(3)).toBe(0x03n); // byte 0 <- src byte 3, byte 1.. <- index from zeros of xmm1 high
    expect(m.cpu.getReg(1)).toBe(5n);
    expect(m.cpu.getReg(2)).toBe(0n); // zero-extended byte 1 of 0x...7f,00 -> 0x00
    expect(m.cpu.getReg(6) & 0xffn).toBe(0n);
  });
  it('scalar double fast paths: NaN bit patterns through memory, sNaN operands, exactness and PE, faults', () => {
    // movsd/movq loads and stores and the memory forms of addsd/subsd/mulsd read memory as a
    // double only when it is not a NaN; NaN payloads and signaling NaNs must keep their bits.
    const m = runAsm(`
      lea rdi, [${DATA}]
      mov rax, 0x7ff4000000000001
      mov [rdi], rax
      mov rax, 0xfff8123456789abc
      mov [rdi + 8], rax
      mov rax, 0x3ff0000000000000
      mov [rdi + 16], rax
      mov rax, 0x4008000000000000
      mov [rdi + 24], rax
      movsd xmm0, [rdi]
      movq xmm1, [rdi + 8]
      movsd [rdi + 32], xmm0
      movsd [rdi + 40], xmm1
      movsd xmm2, [rdi + 16]
      addsd xmm2, [rdi]
      stmxcsr [rdi + 48]
      movsd xmm3, [rdi + 16]
      mulsd xmm3, [rdi + 8]
      movsd xmm4, [rdi + 24]
      subsd xmm4, [rdi + 16]
      mulsd xmm4, [rdi + 24]
      stmxcsr [rdi + 52]
      mov rax, 0x3fb999999999999a
      mov [rdi + 56], rax
      mulsd xmm4, [rdi + 56]
      stmxcsr [rdi + 60]
      mov dword ptr [rdi + 0xfffc], 0x40000000
      movsd xmm5, [rdi + 0xfffc]`);
    const mem = new DataView(m.mem.read(DATA, 64).buffer);
    const q = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getBigUint64(0, true);
    expect(q(xmm(m, 0))).toBe(0x7ff4000000000001n);
    expect(u32(xmm(m, 0), 2)).toBe(0); // movsd from memory zeroes the upper lane
    expect(q(xmm(m, 1))).toBe(0xfff8123456789abcn);
    expect(mem.getBigUint64(32, true)).toBe(0x7ff4000000000001n);
    expect(mem.getBigUint64(40, true)).toBe(0xfff8123456789abcn);
    expect(q(xmm(m, 2))).toBe(0x7ffc000000000001n); // sNaN operand: quieted, IE
    expect(mem.getUint32(48, true)).toBe(0x1f80 | 1);
    expect(q(xmm(m, 3))).toBe(0xfff8123456789abcn); // a quiet NaN's payload propagates
    expect(mem.getUint32(52, true)).toBe(0x1f80 | 1); // (3 - 1) * 3 = 6: exact, no PE
    expect(f64(xmm(m, 4))).toBe(6 * 0.1);
    expect(mem.getUint32(60, true)).toBe(0x1f80 | 1 | 0x20); // 6 * 0.1 is inexact: PE
    // The last load crosses into the unmapped page after DATA's 64 KiB: a fault at the
    // first unmapped byte, xmm5 untouched.
    expect(m.stop).toMatchObject({ kind: 'fault', addr: DATA + 0x10000, access: 'r' });
    expect(q(xmm(m, 5))).toBe(0n);
  });
  it('misaligned movdqa faults', () => {
    const m = runAsm(`movdqa xmm0, [${DATA} + 8]`);
    expect(m.stop.kind).toBe('fault');
  });
});

describe('x87', () => {
  it('80-bit precision: 1/3 in extended and fstp m80 bit image', () => {
    const m = runAsm(`
      fld1
      mov dword ptr [${DATA}], 3
      fild dword ptr [${DATA}]
      fdivp st(1), st
      fstp tbyte ptr [${DATA} + 16]
      fldpi
      fstp qword ptr [${DATA} + 32]
      fnstsw ax`);
    expect(m.mem.readU64(DATA + 16)).toBe(0xaaaaaaaaaaaaaaabn);
    expect(m.mem.readU16(DATA + 24)).toBe(0x3ffd);
    expect(new DataView(m.mem.read(DATA + 32, 8).buffer).getFloat64(0, true)).toBe(Math.PI);
    expect(Number(m.cpu.getReg(0) >> 11n) & 7).toBe(0); // TOP back to 0
  });
  it('x87 status details: stack underflow, partial fprem, fsqrt of a wide mantissa, correctly rounded fsin', () => {
    const m = runAsm(`
      fld st(0)
      fnstsw ax
      mov r8d, eax
      fstp st(0)
      fninit
      mov dword ptr [${DATA}], 3
      fild dword ptr [${DATA}]
      mov dword ptr [${DATA}], 0x72800000
      fld dword ptr [${DATA}]
      fprem
      fnstsw ax
      mov r9d, eax
      fstp st(0)
      fstp st(0)
      mov dword ptr [${DATA}], 0x4b800001
      fld dword ptr [${DATA}]
      fsqrt
      fstp tbyte ptr [${DATA} + 16]
      fld1
      fsin
      fstp tbyte ptr [${DATA} + 32]
      fnstsw ax`);
    expect(Number(m.cpu.getReg(8)) & 0x241).toBe(0x41); // IE|SF, C1 = 0 (underflow)
    expect(Number(m.cpu.getReg(9)) & 0x400).toBe(0x400); // 2^102 rem 3: exponent gap >= 64, C2 = 1 (partial)
    // sqrt(2^24 + 2): the Newton iteration must converge from above (this once hung)
    expect(m.mem.readU16(DATA + 24)).toBe(0x400b);
    expect(m.mem.readU64(DATA + 16)).toBe(0x8000007fffffc000n);
    // sin(1) = 0.8414709848078965066525023216303 -> 0xD76AA47848677021 (nearest) * 2^-64, PE set
    expect(m.mem.readU64(DATA + 32)).toBe(0xd76aa47848677021n);
    expect(Number(m.cpu.getReg(0)) & 0x20).toBe(0x20);
  });
  it('frndint quiets a signaling NaN and raises IE (the harness found it returned unchanged)', () => {
    const m = runAsm(`
      mov rax, 0xa000000000000800
      mov [${DATA}], rax
      mov word ptr [${DATA} + 8], 0x7fff
      fld tbyte ptr [${DATA}]
      frndint
      fstp tbyte ptr [${DATA} + 16]
      fnstsw ax`);
    expect(m.mem.readU64(DATA + 16)).toBe(0xe000000000000800n);
    expect(m.mem.readU16(DATA + 24)).toBe(0x7fff);
    expect(m.cpu.getReg(0) & 1n).toBe(1n); // IE
  });
  it('fcomi sets EFLAGS and fistp rounds per FCW', () => {
    const m = runAsm(`
      mov dword ptr [${DATA}], 0x40200000
      fld dword ptr [${DATA}]
      fld1
      fcomip st, st(1)
      setb bl
      fistp dword ptr [${DATA} + 4]
      fnstcw [${DATA} + 8]
      or word ptr [${DATA} + 8], 0xc00
      fldcw [${DATA} + 8]
      fld dword ptr [${DATA}]
      fistp dword ptr [${DATA} + 12]`);
    expect(m.cpu.getReg(3) & 0xffn).toBe(1n);
    expect(m.mem.readU32(DATA + 4)).toBe(2); // 2.5 -> 2 (nearest even)
    expect(m.mem.readU32(DATA + 12)).toBe(2); // truncation
  });
});
