// Case generators for the x86-64 differential harness: a seeded PRNG, interesting operand values,
// register names per size, and the starting state every case is built from.
import { ARITH, DF, MEM_BASE, MEM_SIZE, STACK_TOP, type Case } from './harness.js';

/** splitmix64 over BigInt: the same seed gives the same cases on every run. */
export class Rng {
  private s: bigint;
  constructor(seed: number) {
    this.s = BigInt(seed) * 0x9e3779b97f4a7c15n;
  }
  u64(): bigint {
    this.s = BigInt.asUintN(64, this.s + 0x9e3779b97f4a7c15n);
    let z = this.s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }
  /** integer in [0, n) */
  int(n: number): number {
    return Number(this.u64() % BigInt(n));
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)];
  }
  bool(p = 0.5): boolean {
    return this.int(1_000_000) < p * 1_000_000;
  }
  bytes(n: number): Uint8Array {
    const b = new Uint8Array(n);
    for (let i = 0; i < n; i += 8) {
      let v = this.u64();
      for (let j = 0; j < 8 && i + j < n; j++, v >>= 8n) b[i + j] = Number(v & 0xffn);
    }
    return b;
  }
}

export type Size = 8 | 16 | 32 | 64;
export const SIZES: readonly Size[] = [8, 16, 32, 64];
export const PTR: Record<Size, string> = { 8: 'byte', 16: 'word', 32: 'dword', 64: 'qword' };

/** Register operands usable freely (rbx is the memory base, rsp the stack). Index = encoding. */
const R64 = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];
const R32 = ['eax', 'ecx', 'edx', 'ebx', 'esp', 'ebp', 'esi', 'edi', 'r8d', 'r9d', 'r10d', 'r11d', 'r12d', 'r13d', 'r14d', 'r15d'];
const R16 = ['ax', 'cx', 'dx', 'bx', 'sp', 'bp', 'si', 'di', 'r8w', 'r9w', 'r10w', 'r11w', 'r12w', 'r13w', 'r14w', 'r15w'];
const R8 = ['al', 'cl', 'dl', 'bl', 'spl', 'bpl', 'sil', 'dil', 'r8b', 'r9b', 'r10b', 'r11b', 'r12b', 'r13b', 'r14b', 'r15b'];
export const FREE = [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
export const RBX = 3;
export const MEMPTR = BigInt(MEM_BASE + 0x400);

export function reg(size: Size, i: number): string {
  return (size === 64 ? R64 : size === 32 ? R32 : size === 16 ? R16 : R8)[i];
}

/** An operand value with a bias towards the edges of the operand size. */
export function interesting(r: Rng, size: Size): bigint {
  const m = (1n << BigInt(size)) - 1n;
  const sign = 1n << BigInt(size - 1);
  switch (r.int(12)) {
    case 0: return 0n;
    case 1: return 1n;
    case 2: return m;
    case 3: return sign;
    case 4: return sign - 1n;
    case 5: return sign + 1n;
    case 6: return BigInt(r.int(16));
    case 7: return m - BigInt(r.int(16));
    case 8: return (1n << BigInt(r.int(size))) & m;
    default: return r.u64() & m;
  }
}

/** Puts v in the low `size` bits of a random 64-bit value (so upper-bit handling shows). */
export function inReg(r: Rng, size: Size, v: bigint): bigint {
  if (size === 64) return v;
  const m = (1n << BigInt(size)) - 1n;
  return (r.u64() & ~m) | (v & m);
}

export function defaultFx(r: Rng, opts: { mxcsr?: number; fcw?: number } = {}): Uint8Array {
  const fx = new Uint8Array(512);
  const dv = new DataView(fx.buffer);
  dv.setUint16(0, opts.fcw ?? 0x037f, true);
  dv.setUint32(24, opts.mxcsr ?? 0x1f80, true);
  dv.setUint32(28, 0xffff, true);
  fx.set(r.bytes(256), 160); // XMM0-15
  return fx;
}

/** A case with random GPRs (rbx = memory pointer, rsp = stack), random arithmetic flags, DF clear. */
export function baseCase(r: Rng, asm: string): Case {
  const gpr: bigint[] = [];
  for (let i = 0; i < 16; i++) gpr.push(r.u64());
  gpr[RBX] = MEMPTR;
  gpr[4] = BigInt(STACK_TOP);
  const mem = r.bytes(MEM_SIZE);
  return { asm, gpr, rflags: Number(r.u64() & BigInt(ARITH)) & ~DF, fx: defaultFx(r), mem };
}

export function setMem(c: Case, addr: number, size: Size | 80 | 128, v: bigint): void {
  const off = addr - MEM_BASE;
  const n = size / 8;
  for (let i = 0; i < n; i++) c.mem[off + i] = Number((v >> BigInt(8 * i)) & 0xffn);
}

export function setXmm(c: Case, i: number, lo: bigint, hi: bigint): void {
  const dv = new DataView(c.fx.buffer, c.fx.byteOffset);
  dv.setBigUint64(160 + 16 * i, BigInt.asUintN(64, lo), true);
  dv.setBigUint64(168 + 16 * i, BigInt.asUintN(64, hi), true);
}

/** A float32 bit pattern: normal, small integer, special or random. */
export function f32bits(r: Rng): bigint {
  const specials = [0x00000000n, 0x80000000n, 0x7f800000n, 0xff800000n, 0x7fc00000n, 0xffc00000n, 0x7fa00001n, 0x00000001n,
    0x807fffffn, 0x7f7fffffn, 0x00800000n, 0x3f800000n, 0xbf800000n, 0x4f000000n, 0xcf000000n, 0x5f000000n, 0x3f000000n];
  switch (r.int(6)) {
    case 0: return r.pick(specials);
    case 1: { const v = new Float32Array([(r.int(2001) - 1000) / 4]); return BigInt(new Uint32Array(v.buffer)[0]); }
    case 2: { const v = new Float32Array([(r.int(2) ? -1 : 1) * Math.exp((r.int(2000) - 1000) / 20)]); return BigInt(new Uint32Array(v.buffer)[0]); }
    default: return r.u64() & 0xffffffffn;
  }
}

/** A float64 bit pattern: normal, small integer, special or random. */
export function f64bits(r: Rng): bigint {
  const specials = [0n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff8000000000000n, 0xfff8000000000000n,
    0x7ff4000000000001n, 1n, 0x800fffffffffffffn, 0x7fefffffffffffffn, 0x0010000000000000n, 0x3ff0000000000000n,
    0xbff0000000000000n, 0x43e0000000000000n, 0xc3e0000000000000n, 0x41e0000000000000n, 0xc1e0000000000000n, 0x3fe0000000000000n];
  switch (r.int(6)) {
    case 0: return r.pick(specials);
    case 1: { const v = new Float64Array([(r.int(20001) - 10000) / 8]); return new BigUint64Array(v.buffer)[0]; }
    case 2: { const v = new Float64Array([(r.int(2) ? -1 : 1) * Math.exp((r.int(4000) - 2000) / 20)]); return new BigUint64Array(v.buffer)[0]; }
    default: return r.u64();
  }
}

/** 80-bit extended: random sign/exponent/mantissa with the integer bit set (normal), or converted doubles. */
export function f80bits(r: Rng): bigint {
  if (r.bool(0.5)) {
    // from a double: exact widening
    const d = f64bits(r);
    const sign = d >> 63n, exp = (d >> 52n) & 0x7ffn, frac = d & ((1n << 52n) - 1n);
    if (exp === 0x7ffn) return (sign << 79n) | (0x7fffn << 64n) | (1n << 63n) | (frac << 11n);
    if (exp === 0n) return sign << 79n; // zero (denormals flushed here for simplicity)
    return (sign << 79n) | ((exp - 1023n + 16383n) << 64n) | (1n << 63n) | (frac << 11n);
  }
  const sign = BigInt(r.int(2));
  const exp = BigInt(16383 - 70 + r.int(140));
  return (sign << 79n) | (exp << 64n) | (1n << 63n) | (r.u64() >> 1n);
}
