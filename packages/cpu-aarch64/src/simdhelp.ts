// AdvSIMD lane engine: generic per-lane loops over the V register file. Lanes of 8/16/32 bits are
// JS numbers (typed-array stores wrap them), 64-bit lanes are BigInts (BigUint64Array stores wrap).
// Results go to a 16-byte scratch first, so destination/source aliasing is harmless.
import { type AddressSpace, LOW_LIMIT, PERM_R, PERM_W, WRITE_FAST_MASK, MemoryFault } from '@elfbox/cpu';
import { GuestFault } from './runtime.js';

/** A lane operation: `f` on numbers (8/16/32-bit lanes), `g` on bigints (64-bit lanes). */
export interface LaneOp { s?: boolean; f: (a: number, b: number, es: number, c: number) => number; g?: (a: bigint, b: bigint, c: bigint) => bigint; }

const ONES = (es: number) => (es === 32 ? 4294967295 : (1 << es) - 1);
/**
 * FPSR.QC (cumulative saturation): set here by every saturating lane operation; a block that
 * tracks FPSR clears it before an AdvSIMD instruction (`qcr`) and ORs it into FPSR after (`qcx`).
 */
let qc = 0;
const sat = (v: number, lo: number, hi: number) => (v < lo ? ((qc = 1), lo) : v > hi ? ((qc = 1), hi) : v);
/** Saturating clamp of a bigint (sets QC). */
const satB = (v: bigint, lo: bigint, hi: bigint): bigint => (v < lo ? ((qc = 1), lo) : v > hi ? ((qc = 1), hi) : v);
const S64MIN = -(1n << 63n), S64MAX = (1n << 63n) - 1n;
const smin = (es: number) => -(2 ** (es - 1)), smax = (es: number) => 2 ** (es - 1) - 1;
const umax = (es: number) => 2 ** es - 1;
const M64 = (1n << 64n) - 1n;

/** Variable shift (SSHL/USHL): shift count is the signed low byte of b. */
function vshl(a: number, b: number, es: number, signed: boolean): number {
  const sh = (b << 24) >> 24;
  if (sh >= 0) return sh >= es ? 0 : a * 2 ** sh;
  const r = -sh;
  if (r >= es) return signed && a < 0 ? -1 : 0;
  return Math.floor(a / 2 ** r);
}
function vshlBig(a: bigint, b: bigint, signed: boolean): bigint {
  const sh = Number(BigInt.asIntN(8, b));
  const x = signed ? BigInt.asIntN(64, a) : a;
  if (sh >= 0) return sh >= 64 ? 0n : x << BigInt(sh);
  const r = -sh;
  if (r >= 64) return signed && x < 0n ? -1n : 0n;
  return x >> BigInt(r);
}

/**
 * SQSHL/UQSHL/SRSHL/URSHL/SQRSHL/UQRSHL (register): shift by the signed low byte of the shift
 * operand (right when negative, rounding adds half of the last bit shifted out), exact in BigInt,
 * then saturate to the lane (QC is not tracked) or keep the low es bits.
 */
function rshl(a: bigint, sh: number, es: number, signed: boolean, round: boolean, saturate: boolean): bigint {
  let e = a;
  if (round && sh < 0) e += 1n << BigInt(-sh - 1);
  e = sh >= 0 ? e << BigInt(sh) : e >> BigInt(-sh);
  if (!saturate) return BigInt.asUintN(es, e);
  const lo = signed ? -(1n << BigInt(es - 1)) : 0n, hi = signed ? (1n << BigInt(es - 1)) - 1n : (1n << BigInt(es)) - 1n;
  return satB(e, lo, hi);
}
const rshlOp = (signed: boolean, round: boolean, saturate: boolean): LaneOp => ({
  s: signed,
  f: (a, b, es) => Number(rshl(BigInt(a), (b << 24) >> 24, es, signed, round, saturate)),
  g: (a, b) => rshl(signed ? BigInt.asIntN(64, a) : a, Number(BigInt.asIntN(8, b)), 64, signed, round, saturate),
});

function dmulh(a: number, b: number, es: number, round: boolean): number {
  let r: number;
  if (es === 16) r = Math.floor((2 * a * b + (round ? 0x8000 : 0)) / 65536);
  else r = Number((2n * BigInt(a) * BigInt(b) + (round ? 0x80000000n : 0n)) >> 32n);
  return sat(r, smin(es), smax(es));
}

/** Carry-less (polynomial) product of two bytes: up to 15 bits (PMUL keeps the low 8, PMULL all). */
function clmul8(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if ((b >> i) & 1) r ^= a << i;
  return r;
}

/** RecipEstimate of the ARM ARM: a in 256..511 ([0.5, 1.0) scaled), result 256..511. */
export function recipEst9(a: number): number {
  const b = Math.floor(2 ** 19 / (a * 2 + 1));
  return (b + 1) >> 1;
}
/** RecipSqrtEstimate of the ARM ARM: a in 128..511 ([0.25, 1.0) scaled), result 256..511. */
export function rsqrtEst9(a: number): number {
  if (a < 256) a = a * 2 + 1; else { a = (a >> 1) << 1; a = (a + 1) * 2; }
  let b = 512;
  while (a * (b + 1) * (b + 1) < 2 ** 28) b++;
  return (b + 1) >> 1;
}

export const OPS: Record<string, LaneOp> = {
  add: { f: (a, b) => a + b, g: (a, b) => a + b },
  sadd: { s: true, f: (a, b) => a + b, g: (a, b) => a + b },
  ssub: { s: true, f: (a, b) => a - b, g: (a, b) => a - b },
  sub: { f: (a, b) => a - b, g: (a, b) => a - b },
  mul: { f: (a, b, es) => (es === 32 ? Math.imul(a, b) : a * b) },
  mla: { f: (a, b, es, c) => c + (es === 32 ? Math.imul(a, b) : a * b) },
  mls: { f: (a, b, es, c) => c - (es === 32 ? Math.imul(a, b) : a * b) },
  shadd: { s: true, f: (a, b) => Math.floor((a + b) / 2) },
  uhadd: { f: (a, b) => Math.floor((a + b) / 2) },
  srhadd: { s: true, f: (a, b) => Math.floor((a + b + 1) / 2) },
  urhadd: { f: (a, b) => Math.floor((a + b + 1) / 2) },
  shsub: { s: true, f: (a, b) => Math.floor((a - b) / 2) },
  uhsub: { f: (a, b) => Math.floor((a - b) / 2) },
  sqadd: { s: true, f: (a, b, es) => sat(a + b, smin(es), smax(es)), g: (a, b) => satB(BigInt.asIntN(64, a) + BigInt.asIntN(64, b), S64MIN, S64MAX) },
  uqadd: { f: (a, b, es) => sat(a + b, 0, umax(es)), g: (a, b) => satB(a + b, 0n, M64) },
  sqsub: { s: true, f: (a, b, es) => sat(a - b, smin(es), smax(es)), g: (a, b) => satB(BigInt.asIntN(64, a) - BigInt.asIntN(64, b), S64MIN, S64MAX) },
  uqsub: { f: (a, b) => sat(a - b, 0, Infinity), g: (a, b) => satB(a - b, 0n, M64) },
  cmgt: { s: true, f: (a, b) => (a > b ? -1 : 0), g: (a, b) => (BigInt.asIntN(64, a) > BigInt.asIntN(64, b) ? -1n : 0n) },
  cmge: { s: true, f: (a, b) => (a >= b ? -1 : 0), g: (a, b) => (BigInt.asIntN(64, a) >= BigInt.asIntN(64, b) ? -1n : 0n) },
  cmhi: { f: (a, b) => (a > b ? -1 : 0), g: (a, b) => (a > b ? -1n : 0n) },
  cmhs: { f: (a, b) => (a >= b ? -1 : 0), g: (a, b) => (a >= b ? -1n : 0n) },
  cmeq: { f: (a, b) => (a === b ? -1 : 0), g: (a, b) => (a === b ? -1n : 0n) },
  cmtst: { f: (a, b, es) => (es === 32 ? (a & b) !== 0 : (a & b) !== 0) ? -1 : 0, g: (a, b) => ((a & b) !== 0n ? -1n : 0n) },
  sshl: { s: true, f: (a, b, es) => vshl(a, b, es, true), g: (a, b) => vshlBig(a, b, true) },
  ushl: { f: (a, b, es) => vshl(a, b, es, false), g: (a, b) => vshlBig(a, b, false) },
  sqshl: rshlOp(true, false, true),
  uqshl: rshlOp(false, false, true),
  srshl: rshlOp(true, true, false),
  urshl: rshlOp(false, true, false),
  sqrshl: rshlOp(true, true, true),
  uqrshl: rshlOp(false, true, true),
  smax: { s: true, f: (a, b) => (a > b ? a : b) },
  umax: { f: (a, b) => (a > b ? a : b) },
  smin: { s: true, f: (a, b) => (a < b ? a : b) },
  umin: { f: (a, b) => (a < b ? a : b) },
  sabd: { s: true, f: (a, b) => Math.abs(a - b) },
  uabd: { f: (a, b) => Math.abs(a - b) },
  saba: { s: true, f: (a, b, _e, c) => c + Math.abs(a - b) },
  uaba: { f: (a, b, _e, c) => c + Math.abs(a - b) },
  // doubling multiply high, saturating (only -2^(es-1) squared saturates); sqrdmulh rounds
  sqdmulh: { s: true, f: (a, b, es) => dmulh(a, b, es, false) },
  sqrdmulh: { s: true, f: (a, b, es) => dmulh(a, b, es, true) },
  pmul: { f: (a, b) => clmul8(a, b) },
  // unary (b unused)
  neg: { s: true, f: (a) => -a, g: (a) => -a },
  abs: { s: true, f: (a) => Math.abs(a), g: (a) => { const x = BigInt.asIntN(64, a); return x < 0n ? -x : x; } },
  cmgt0: { s: true, f: (a) => (a > 0 ? -1 : 0), g: (a) => (BigInt.asIntN(64, a) > 0n ? -1n : 0n) },
  cmge0: { s: true, f: (a) => (a >= 0 ? -1 : 0), g: (a) => (BigInt.asIntN(64, a) >= 0n ? -1n : 0n) },
  cmeq0: { f: (a) => (a === 0 ? -1 : 0), g: (a) => (a === 0n ? -1n : 0n) },
  cmle0: { s: true, f: (a) => (a <= 0 ? -1 : 0), g: (a) => (BigInt.asIntN(64, a) <= 0n ? -1n : 0n) },
  cmlt0: { s: true, f: (a) => (a < 0 ? -1 : 0), g: (a) => (BigInt.asIntN(64, a) < 0n ? -1n : 0n) },
  clz: { f: (a, es) => Math.clz32(a) - (32 - es) },
  cls: { s: true, f: (a, es) => Math.clz32(a < 0 ? ~a : a) - (32 - es) - 1 },
  cnt: { f: (a) => { let c = 0; while (a) { c += a & 1; a >>>= 1; } return c; } },
  not: { f: (a) => ~a },
  rbit: { f: (a) => { let r = 0; for (let i = 0; i < 8; i++) r |= ((a >> i) & 1) << (7 - i); return r; } },
  sqabs: { s: true, f: (a, es) => sat(Math.abs(a), smin(es), smax(es)), g: (a) => { const x = BigInt.asIntN(64, a); return satB(x < 0n ? -x : x, S64MIN, S64MAX); } },
  sqneg: { s: true, f: (a, es) => sat(-a, smin(es), smax(es)), g: (a) => satB(-BigInt.asIntN(64, a), S64MIN, S64MAX) },
};

export function simdHelpers(mem: AddressSpace, V8: Uint8Array): Record<string, unknown> {
  const buf = V8.buffer, bo = V8.byteOffset;
  const U16 = new Uint16Array(buf, bo), U32 = new Uint32Array(buf, bo), U64 = new BigUint64Array(buf, bo);
  const I8 = new Int8Array(buf, bo), I16 = new Int16Array(buf, bo), I32 = new Int32Array(buf, bo), I64 = new BigInt64Array(buf, bo);
  const F32 = new Float32Array(buf, bo), F64 = new Float64Array(buf, bo);
  const ob = new ArrayBuffer(64);
  const O8 = new Uint8Array(ob), O16 = new Uint16Array(ob), O32 = new Uint32Array(ob), O64 = new BigUint64Array(ob);
  const OF32 = new Float32Array(ob), OF64 = new Float64Array(ob);

  /** Lane i of register r (element size es bits), as number (es <= 32) or bigint (es = 64). */
  const getN = (r: number, i: number, es: number, s: boolean | undefined): number =>
    es === 8 ? (s ? I8[r * 16 + i] : V8[r * 16 + i]) : es === 16 ? (s ? I16[r * 8 + i] : U16[r * 8 + i]) : s ? I32[r * 4 + i] : U32[r * 4 + i];
  const getB = (r: number, i: number, s?: boolean): bigint => (s ? I64[r * 2 + i] : U64[r * 2 + i]);
  const setN = (i: number, es: number, v: number) => { if (es === 8) O8[i] = v; else if (es === 16) O16[i] = v; else O32[i] = v; };
  const finish = (d: number, q: number) => {
    if (q) { for (let i = 0; i < 16; i++) V8[d * 16 + i] = O8[i]; }
    else { for (let i = 0; i < 8; i++) V8[d * 16 + i] = O8[i]; for (let i = 8; i < 16; i++) V8[d * 16 + i] = 0; }
  };
  const lanes = (q: number, es: number) => (q ? 128 : 64) / es;

  /** Three-operand lane op (c = destination's old lane for accumulating ops). */
  function v3(op: LaneOp, d: number, n: number, m: number, q: number, es: number): void {
    const L = lanes(q, es);
    if (es === 64) { for (let i = 0; i < L; i++) O64[i] = BigInt.asUintN(64, op.g!(getB(n, i), getB(m, i), getB(d, i))); }
    else for (let i = 0; i < L; i++) setN(i, es, op.f(getN(n, i, es, op.s), getN(m, i, es, op.s), es, getN(d, i, es, op.s)));
    finish(d, q);
  }
  /** Scalar form of a three-operand op on lane 0 (B/H/S/D); the rest of d is zeroed. */
  function s3(op: LaneOp, d: number, n: number, m: number, es: number): void {
    O64[0] = 0n; O64[1] = 0n;
    if (es === 64) O64[0] = BigInt.asUintN(64, op.g!(getB(n, 0), getB(m, 0), getB(d, 0)));
    else setN(0, es, op.f(getN(n, 0, es, op.s), getN(m, 0, es, op.s), es, getN(d, 0, es, op.s)));
    finish(d, 1);
  }
  function v2(op: LaneOp, d: number, n: number, q: number, es: number): void {
    const L = lanes(q, es);
    if (es === 64) { for (let i = 0; i < L; i++) O64[i] = BigInt.asUintN(64, op.g!(getB(n, i), 0n, 0n)); }
    else for (let i = 0; i < L; i++) setN(i, es, op.f(getN(n, i, es, op.s), es, es, 0));
    finish(d, q);
  }
  function s2(op: LaneOp, d: number, n: number, es: number): void {
    O64[0] = 0n; O64[1] = 0n;
    if (es === 64) O64[0] = BigInt.asUintN(64, op.g!(getB(n, 0), 0n, 0n));
    else setN(0, es, op.f(getN(n, 0, es, op.s), es, es, 0));
    finish(d, 1);
  }
  /** Pairwise: lanes of n then m, adjacent pairs combined. */
  function vp(op: LaneOp, d: number, n: number, m: number, q: number, es: number): void {
    const L = lanes(q, es), h = L / 2;
    if (es === 64) {
      for (let i = 0; i < h; i++) O64[i] = BigInt.asUintN(64, op.g!(getB(n, 2 * i), getB(n, 2 * i + 1), 0n));
      for (let i = 0; i < h; i++) O64[h + i] = BigInt.asUintN(64, op.g!(getB(m, 2 * i), getB(m, 2 * i + 1), 0n));
    } else {
      const tmp: number[] = [];
      for (let i = 0; i < L; i++) tmp.push(getN(n, i, es, op.s));
      for (let i = 0; i < L; i++) tmp.push(getN(m, i, es, op.s));
      for (let i = 0; i < L; i++) setN(i, es, op.f(tmp[2 * i], tmp[2 * i + 1], es, 0));
    }
    finish(d, q);
  }
  /** Across lanes: reduce n with op into lane 0 of d (width outEs). */
  function vred(op: LaneOp, d: number, n: number, q: number, es: number, outEs: number): void {
    const L = lanes(q, es);
    if (es === 64) {
      let accb = getB(n, 0);
      for (let i = 1; i < L; i++) accb = op.g!(accb, getB(n, i), 0n);
      O64[0] = BigInt.asUintN(64, accb); O64[1] = 0n;
      finish(d, 1);
      return;
    }
    let acc = getN(n, 0, es, op.s);
    for (let i = 1; i < L; i++) acc = op.f(acc, getN(n, i, es, op.s), 64, 0);
    O64[0] = 0n; O64[1] = 0n;
    if (outEs === 64) O64[0] = BigInt.asUintN(64, BigInt(acc)); else setN(0, outEs, acc);
    finish(d, 1);
  }
  /** Widening / narrowing / long ops. kind: 0 long (n,m halves -> 2es), 1 wide (n 2es, m half), 2 narrow-high (ADDHN...). */
  function vlong(op: LaneOp, d: number, n: number, m: number, q: number, es: number, acc: number): void {
    const base = q ? 64 / es : 0, L = 64 / es, oe = es * 2;
    for (let i = 0; i < L; i++) {
      const a = getN(n, base + i, es, op.s), b = getN(m, base + i, es, op.s);
      const c = acc ? (oe === 64 ? Number(op.s ? getB(d, i, true) : getB(d, i)) : getN(d, i, oe, op.s)) : 0;
      const r = op.f(a, b, 64, c);
      if (oe === 64) O64[i] = BigInt.asUintN(64, BigInt(r)); else setN(i, oe, r);
    }
    if (oe === 64 && acc) {
      // exactness for 64-bit accumulators: redo with BigInt
      for (let i = 0; i < L; i++) {
        const a = BigInt(getN(n, base + i, es, op.s)), b = BigInt(getN(m, base + i, es, op.s));
        const c = op.s ? getB(d, i, true) : getB(d, i);
        O64[i] = BigInt.asUintN(64, bigAcc(op, a, b, c));
      }
    }
    finish(d, 1);
  }
  function bigAcc(op: LaneOp, a: bigint, b: bigint, c: bigint): bigint {
    if (op === OPS.mla) return c + a * b;
    if (op === OPS.mls) return c - a * b;
    if (op === OPS.saba || op === OPS.uaba) return c + (a > b ? a - b : b - a);
    if (op === OPS.add) return c + a + b; // SADALP-style
    return BigInt(op.f(Number(a), Number(b), 64, Number(c)));
  }
  /** SADDW/UADDW/SSUBW/USUBW: n has 2es lanes, m the (upper when q) es lanes. */
  function vwide(sub: number, signed: number, d: number, n: number, m: number, q: number, es: number): void {
    const base = q ? 64 / es : 0, L = 64 / es, oe = es * 2;
    for (let i = 0; i < L; i++) {
      const b = getN(m, base + i, es, !!signed);
      if (oe === 64) { const a = getB(n, i, !!signed); O64[i] = BigInt.asUintN(64, sub ? a - BigInt(b) : a + BigInt(b)); }
      else { const a = getN(n, i, oe, !!signed); setN(i, oe, sub ? a - b : a + b); }
    }
    finish(d, 1);
  }
  /** Multiply long (SMULL/UMULL/SMLAL/...): exact via BigInt for 32-bit sources. */
  function vmull(signed: number, accKind: number, d: number, n: number, m: number, q: number, es: number, mIdx: number): void {
    const base = q ? 64 / es : 0, L = 64 / es, oe = es * 2, s = !!signed;
    for (let i = 0; i < L; i++) {
      const a = getN(n, base + i, es, s), b = mIdx >= 0 ? getN(m, mIdx, es, s) : getN(m, base + i, es, s);
      if (oe === 64) {
        let r = BigInt(a) * BigInt(b);
        if (accKind) { const c = getB(d, i); r = accKind === 1 ? c + r : c - r; }
        O64[i] = BigInt.asUintN(64, r);
      } else {
        let r = a * b;
        if (accKind) { const c = getN(d, i, oe, false); r = accKind === 1 ? c + r : c - r; }
        setN(i, oe, r);
      }
    }
    finish(d, 1);
  }
  /**
   * SQDMULL/SQDMLAL/SQDMLSL (acc 0/1/2; "2" forms read the upper halves when q; by element when
   * mIdx >= 0; scalar when sc: lane 0, rest of d zeroed): 2*a*b saturated to 2es bits (only
   * INT_MIN * INT_MIN does), then added to / subtracted from d's lane with saturation. QC on either.
   */
  function vqdmull(acc: number, d: number, n: number, m: number, q: number, es: number, mIdx: number, sc: number): void {
    const L = sc ? 1 : 64 / es, base = !sc && q ? L : 0;
    if (sc) { O64[0] = 0n; O64[1] = 0n; }
    for (let i = 0; i < L; i++) {
      const a = getN(n, base + i, es, true), b = getN(m, mIdx >= 0 ? mIdx : base + i, es, true);
      if (es === 16) {
        let p = sat(2 * a * b, -2147483648, 2147483647);
        if (acc) p = sat(getN(d, i, 32, true) + (acc === 1 ? p : -p), -2147483648, 2147483647);
        setN(i, 32, p);
      } else {
        let p = satB(2n * BigInt(a) * BigInt(b), S64MIN, S64MAX);
        if (acc) { const c = getB(d, i, true); p = satB(acc === 1 ? c + p : c - p, S64MIN, S64MAX); }
        O64[i] = BigInt.asUintN(64, p);
      }
    }
    finish(d, 1);
  }
  /** XTN / SQXTN / UQXTN / SQXTUN (+2 variants write the upper half). kind 0 plain, 1 sqxtn, 2 uqxtn, 3 sqxtun. */
  function vxtn(kind: number, d: number, n: number, q: number, es: number): void {
    const L = 64 / es, ie = es * 2;
    // start from d's current value (the "2" forms keep the low half)
    for (let i = 0; i < 16; i++) O8[i] = V8[d * 16 + i];
    const base = q ? L : 0;
    for (let i = 0; i < L; i++) {
      let v: number;
      if (ie === 64) {
        const x = kind === 1 || kind === 3 ? getB(n, i, true) : getB(n, i);
        const lo = kind === 1 ? -(2n ** 31n) : 0n, hi = kind === 1 ? 2n ** 31n - 1n : kind === 0 ? -1n : 2n ** 32n - 1n;
        v = kind === 0 ? Number(BigInt.asUintN(32, x)) : Number(satB(x, lo, hi));
      } else {
        const x = getN(n, i, ie, kind === 1 || kind === 3);
        v = kind === 0 ? x : kind === 1 ? sat(x, smin(es), smax(es)) : sat(x, 0, umax(es));
      }
      setN(base + i, es, v);
    }
    if (!q) for (let i = 8; i < 16; i++) O8[i] = 0;
    finish(d, 1);
  }
  /** ADDHN/SUBHN/RADDHN/RSUBHN: high halves of 2es-bit sums. */
  function vhn(sub: number, round: number, d: number, n: number, m: number, q: number, es: number): void {
    const L = 64 / es, ie = es * 2;
    for (let i = 0; i < 16; i++) O8[i] = V8[d * 16 + i];
    const base = q ? L : 0;
    for (let i = 0; i < L; i++) {
      if (ie === 64) {
        let r = sub ? getB(n, i) - getB(m, i) : getB(n, i) + getB(m, i);
        if (round) r += 1n << 31n;
        setN(base + i, es, Number(BigInt.asUintN(64, r) >> 32n));
      } else {
        let r = sub ? getN(n, i, ie, false) - getN(m, i, ie, false) : getN(n, i, ie, false) + getN(m, i, ie, false);
        if (round) r += 2 ** (es - 1);
        r = ((r % 2 ** ie) + 2 ** ie) % 2 ** ie;
        setN(base + i, es, Math.floor(r / 2 ** es));
      }
    }
    if (!q) for (let i = 8; i < 16; i++) O8[i] = 0;
    finish(d, 1);
  }
  /** Pairwise add long (SADDLP/UADDLP, SADALP/UADALP when acc). */
  function vaddlp(signed: number, acc: number, d: number, n: number, q: number, es: number): void {
    const L = lanes(q, es) / 2, oe = es * 2, s = !!signed;
    for (let i = 0; i < L; i++) {
      const r = getN(n, 2 * i, es, s) + getN(n, 2 * i + 1, es, s);
      if (oe === 64) O64[i] = BigInt.asUintN(64, BigInt(r) + (acc ? getB(d, i) : 0n));
      else setN(i, oe, r + (acc ? getN(d, i, oe, false) : 0));
    }
    finish(d, q);
  }
  /**
   * Shift by immediate. kind: 0 sshr 1 ushr 2 ssra 3 usra 4 srshr 5 urshr 6 srsra 7 ursra 8 shl 9 sli 10 sri,
   * 11 sqshlu 12 sqshl 13 uqshl (saturating left shifts: the exact product is clamped, QC set).
   */
  function vshift(kind: number, d: number, n: number, q: number, es: number, sh: number, scalar: number): void {
    const L = scalar ? 1 : lanes(q, es);
    if (scalar) { O64[0] = 0n; O64[1] = 0n; }
    const signed = kind === 0 || kind === 2 || kind === 4 || kind === 6 || kind === 11 || kind === 12;
    for (let i = 0; i < L; i++) {
      if (kind >= 11) { // exact: a power-of-two scale of a lane is exact in a double too, but 64-bit lanes need BigInt
        if (es === 64) {
          const r = (signed ? getB(n, i, true) : getB(n, i)) << BigInt(sh);
          O64[i] = BigInt.asUintN(64, kind === 12 ? satB(r, S64MIN, S64MAX) : satB(r, 0n, M64));
        } else {
          const r = getN(n, i, es, signed) * 2 ** sh;
          setN(i, es, kind === 12 ? sat(r, smin(es), smax(es)) : sat(r, 0, umax(es)));
        }
        continue;
      }
      if (es === 64) {
        const x = signed ? getB(n, i, true) : getB(n, i), c = getB(d, i);
        let r: bigint;
        if (kind <= 7) {
          const rnd = kind >= 4 ? (1n << BigInt(sh - 1)) : 0n;
          r = (x + rnd) >> BigInt(sh);
          if (kind === 2 || kind === 3 || kind === 6 || kind === 7) r += c;
        } else if (kind === 8) r = x << BigInt(sh);
        else if (kind === 9) r = (x << BigInt(sh)) | (c & ((1n << BigInt(sh)) - 1n));
        else { const mask = sh === 64 ? 0n : (M64 >> BigInt(sh)); r = (sh === 64 ? 0n : x >> BigInt(sh)) | (c & ~mask & M64); }
        O64[i] = BigInt.asUintN(64, r);
      } else {
        const x = getN(n, i, es, signed), c = getN(d, i, es, false);
        let r: number;
        if (kind <= 7) {
          const rnd = kind >= 4 ? 2 ** (sh - 1) : 0;
          r = Math.floor((x + rnd) / 2 ** sh);
          if (kind === 2 || kind === 3 || kind === 6 || kind === 7) r += c;
        } else if (kind === 8) r = x * 2 ** sh;
        else if (kind === 9) r = ((x * 2 ** sh) % 2 ** es) + (c % 2 ** sh);
        else { const keep = sh === es ? c : c - (c % 2 ** (es - sh)); r = keep + (sh === es ? 0 : Math.floor(x / 2 ** sh)); }
        setN(i, es, r);
      }
    }
    finish(d, scalar ? 1 : q);
  }
  /** SHRN/RSHRN/SQSHRN/UQSHRN/SQSHRUN (+2). kind 0 shrn, 1 rshrn, 2 sqshrn, 3 uqshrn, 4 sqshrun, 5 sqrshrn, 6 uqrshrn, 7 sqrshrun. */
  function vshrn(kind: number, d: number, n: number, q: number, es: number, sh: number): void {
    const L = 64 / es, ie = es * 2;
    for (let i = 0; i < 16; i++) O8[i] = V8[d * 16 + i];
    const base = q ? L : 0;
    const round = kind === 1 || kind >= 5;
    const signed = kind === 2 || kind === 4 || kind === 5 || kind === 7;
    for (let i = 0; i < L; i++) {
      let v: bigint = ie === 64 ? (signed ? getB(n, i, true) : getB(n, i)) : BigInt(getN(n, i, ie, signed));
      if (round) v += 1n << BigInt(sh - 1);
      v >>= BigInt(sh);
      let out: bigint;
      const k = kind >= 5 ? kind - 3 : kind;
      if (k <= 1) out = v;
      else if (k === 2) out = satB(v, -(1n << BigInt(es - 1)), (1n << BigInt(es - 1)) - 1n);
      else out = satB(v, 0n, (1n << BigInt(es)) - 1n);
      setN(base + i, es, Number(BigInt.asUintN(es, out)));
    }
    if (!q) for (let i = 8; i < 16; i++) O8[i] = 0;
    finish(d, 1);
  }
  /** SSHLL/USHLL (+2): widen the (upper when q) half and shift left. */
  function vshll(signed: number, d: number, n: number, q: number, es: number, sh: number): void {
    const L = 64 / es, base = q ? L : 0, oe = es * 2;
    for (let i = 0; i < L; i++) {
      const x = getN(n, base + i, es, !!signed) * 2 ** sh;
      if (oe === 64) O64[i] = BigInt.asUintN(64, BigInt(x)); else setN(i, oe, x);
    }
    finish(d, 1);
  }
  function vrev(group: number, d: number, n: number, q: number, es: number): void {
    // reverse es-bit elements within each group-bit container
    const bytes = q ? 16 : 8, eb = es / 8, gb = group / 8;
    for (let g = 0; g < bytes; g += gb) {
      for (let e = 0; e < gb; e += eb) {
        const src = g + (gb - eb - e);
        for (let k = 0; k < eb; k++) O8[g + e + k] = V8[n * 16 + src + k];
      }
    }
    finish(d, q);
  }
  /** ZIP/UZP/TRN. op: 1 uzp1 2 trn1 3 zip1 5 uzp2 6 trn2 7 zip2. */
  function vperm(op: number, d: number, n: number, m: number, q: number, es: number): void {
    const L = lanes(q, es), eb = es / 8;
    const cp = (dst: number, reg: number, idx: number) => { for (let k = 0; k < eb; k++) O8[dst * eb + k] = V8[reg * 16 + idx * eb + k]; };
    const part = op >= 5 ? 1 : 0;
    switch (op & 3) {
      case 1: for (let i = 0; i < L; i++) { const j = 2 * i + part; if (j < L) cp(i, n, j); else cp(i, m, j - L); } break;
      case 2: for (let i = 0; i < L / 2; i++) { cp(2 * i, n, 2 * i + part); cp(2 * i + 1, m, 2 * i + part); } break;
      default: { const base = part * L / 2; for (let i = 0; i < L / 2; i++) { cp(2 * i, n, base + i); cp(2 * i + 1, m, base + i); } }
    }
    finish(d, q);
  }
  function vext(d: number, n: number, m: number, q: number, idx: number): void {
    const bytes = q ? 16 : 8;
    for (let i = 0; i < bytes; i++) { const j = i + idx; O8[i] = j < bytes ? V8[n * 16 + j] : V8[m * 16 + j - bytes]; }
    finish(d, q);
  }
  function vtbl(d: number, n: number, len: number, m: number, q: number, tbx: number): void {
    const bytes = q ? 16 : 8, tl = (len + 1) * 16;
    for (let i = 0; i < bytes; i++) {
      const idx = V8[m * 16 + i];
      if (idx < tl) O8[i] = V8[((n + (idx >> 4)) % 32) * 16 + (idx & 15)];
      else O8[i] = tbx ? V8[d * 16 + i] : 0;
    }
    finish(d, q);
  }
  function vdup(d: number, n: number, idx: number, q: number, es: number): void {
    const eb = es / 8, bytes = q ? 16 : 8;
    for (let i = 0; i < bytes; i++) O8[i] = V8[n * 16 + idx * eb + (i % eb)];
    finish(d, q);
  }
  /** DUP from a general register (lo, hi). */
  function vdupg(d: number, lo: number, hi: number, q: number, es: number): void {
    const bytes = q ? 16 : 8;
    const b = [lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24, hi & 255, (hi >>> 8) & 255, (hi >>> 16) & 255, hi >>> 24];
    const eb = es / 8;
    for (let i = 0; i < bytes; i++) O8[i] = b[i % eb];
    finish(d, q);
  }
  /** INS (element): d[di] = n[ni]. */
  function zeroAbove(d: number, bytes: number): void { V8.fill(0, d * 16 + bytes, d * 16 + 16); }
  function vins(d: number, di: number, n: number, ni: number, es: number): void {
    const eb = es / 8;
    for (let k = 0; k < eb; k++) O8[k] = V8[n * 16 + ni * eb + k];
    for (let k = 0; k < eb; k++) V8[d * 16 + di * eb + k] = O8[k];
  }
  function vinsg(d: number, di: number, lo: number, hi: number, es: number): void {
    const b = [lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24, hi & 255, (hi >>> 8) & 255, (hi >>> 16) & 255, hi >>> 24];
    const eb = es / 8;
    for (let k = 0; k < eb; k++) V8[d * 16 + di * eb + k] = b[k];
  }
  /** Writes a 64-bit pattern (lo, hi) replicated to both halves (q) with op 0 mov 1 orr 2 bic. */
  function vimm(d: number, lo: number, hi: number, q: number, op: number): void {
    for (let h = 0; h < 2; h++) {
      const on = h === 0 || q;
      for (const [k, v] of [[0, lo], [1, hi]] as const) {
        const i = d * 4 + h * 2 + k;
        if (!on) { I32[i] = 0; continue; }
        I32[i] = op === 0 ? v : op === 1 ? I32[i] | v : I32[i] & ~v;
      }
    }
  }

  // ---- floating point lanes ------------------------------------------------------------------
  const isSNaN = (x: number, es: number, r: number, i: number): boolean => {
    if (x === x) return false;
    return es === 64 ? (U32[r * 4 + i * 2 + 1] & 0x80000) === 0 : (U32[r * 4 + i] & 0x400000) === 0;
  };
  /** NaN result for lane i of n/m (ARM rules), written into the output buffer. */
  function fnanLane(i: number, es: number, srcs: Array<[number, number, number?]>, fpcr: number): void {
    if (!(fpcr & (1 << 25))) {
      for (const pass of [0, 1]) {
        for (const [r, ln, neg] of srcs) {
          const x = es === 64 ? F64[r * 2 + ln] : F32[r * 4 + ln];
          if (x !== x && (pass === 1 || isSNaN(x, es, r, ln))) {
            const sgn = neg ? 0x80000000 : 0;
            if (es === 64) { O32[i * 2] = U32[r * 4 + ln * 2]; O32[i * 2 + 1] = (U32[r * 4 + ln * 2 + 1] | 0x80000) ^ sgn; }
            else O32[i] = (U32[r * 4 + ln] | 0x400000) ^ sgn;
            return;
          }
        }
      }
    }
    if (es === 64) { O32[i * 2] = 0; O32[i * 2 + 1] = 0x7ff80000; } else O32[i] = 0x7fc00000;
  }
  /** FMLA/FMLS: inf * 0 with a quiet-NaN addend (and no signalling NaN) gives the default NaN. */
  const infTimesZeroQ = (a: number, b: number, es: number, d: number, di: number, n: number, ni: number, m: number, mi: number): boolean => {
    const c = fget(d, di, es);
    if (c === c || isSNaN(c, es, d, di) || isSNaN(a, es, n, ni) || isSNaN(b, es, m, mi)) return false;
    return (a === 0 && Math.abs(b) === Infinity) || (b === 0 && Math.abs(a) === Infinity);
  };
  const fget = (r: number, i: number, es: number) => (es === 64 ? F64[r * 2 + i] : F32[r * 4 + i]);
  const fset = (i: number, es: number, v: number) => { if (es === 64) OF64[i] = v; else OF32[i] = v; };
  // ---- FPCR.FZ (bit 24 of the fpcr argument; set only in blocks translated with FZ) -------------
  const FZ = 1 << 24;
  /** FPUnpack with FZ: x (a lane value) with a denormal read as a zero of its sign, IDC when S. */
  const fz1 = (x: number, es: number, S?: Int32Array): number => {
    if (x !== 0 && Math.abs(x) < (es === 64 ? MIN64 : MIN32)) { if (S) S[4] |= 128; return x < 0 ? -0 : 0; }
    return x;
  };
  /** fget, flushed by FPCR.FZ. */
  const fgetz = (r: number, i: number, es: number, fpcr: number, S?: Int32Array): number => (fpcr & FZ ? fz1(fget(r, i, es), es, S) : fget(r, i, es));
  /** Set by fzOut when it flushed a result (the caller then skips the result's other flags). */
  let flushed = false;
  /**
   * FPRound with FZ of the non-NaN lane result r = fl(op, a, b, c) (operands already flushed): a
   * result tiny before rounding becomes a zero of its sign, with UFC only.
   */
  function fzOut(op: number, a: number, b: number, c: number, r: number, es: number, fpcr: number, S?: Int32Array): number {
    flushed = false;
    if (!(fpcr & FZ) || (op >= 4 && op <= 13 && op !== 8)) return r; // min/max return an (already flushed) operand; compares
    const min = es === 64 ? MIN64 : MIN32, ar = Math.abs(r);
    let tiny = false;
    const fin = Number.isFinite(a) && Number.isFinite(b);
    if (r === 0) { // exactly zero, or a tiny nonzero product/quotient/sum rounded to zero
      if (!fin) tiny = false;
      else if (op === 2 || op === 18) tiny = a !== 0 && b !== 0;
      else if (op === 3) tiny = a !== 0;
      else if ((op === 14 || op === 15) && Number.isFinite(c) && a !== 0 && b !== 0) {
        const [ma, ea] = exactParts(op === 15 ? -a : a), [mb, eb] = exactParts(b), [mc, ec] = exactParts(c);
        const ep = ea + eb, e = Math.min(ep, ec);
        tiny = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e)) !== 0n;
      }
    } else if (ar < min) tiny = true;
    else if (ar === min) tiny = Math.abs(fl(op, a, b, c, es, fpcr | (3 << 22))) < min; // rounded up to the smallest normal?
    if (!tiny) return r;
    flushed = true;
    if (S) S[4] |= 8;
    return r < 0 || Object.is(r, -0) ? -0 : 0;
  }
  const FOPS: Array<(a: number, b: number, c: number) => number> = [
    (a, b) => a + b, (a, b) => a - b, (a, b) => a * b, (a, b) => a / b,
    (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b)), (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b)),
    (a, b) => Math.max(a, b), (a, b) => Math.min(a, b), // 6,7: maxnm/minnm (NaN handled below)
    (a, b) => Math.abs(a - b), // 8 fabd
    (a, b) => (a === b ? -1 : 0), (a, b) => (a >= b ? -1 : 0), (a, b) => (a > b ? -1 : 0), // 9..11 fcmeq fcmge fcmgt
    (a, b) => (Math.abs(a) >= Math.abs(b) ? -1 : 0), (a, b) => (Math.abs(a) > Math.abs(b) ? -1 : 0), // 12,13 facge facgt
    (a, b, c) => c + a * b, (a, b, c) => c - a * b, // 14,15 fmla fmls (fused: see below)
    (a, b) => 2 - a * b, (a, b) => (3 - a * b) / 2, // 16,17 frecps frsqrts (fused: see below)
  ];
  function fl(op: number, a: number, b: number, c: number, es: number, fpcr = 0): number {
    const mode = (fpcr >>> 22) & 3;
    if (op === 18) { // FMULX: FMUL, except that 0 x inf gives 2.0 with the product's sign
      if ((a === 0 && Math.abs(b) === Infinity) || (b === 0 && Math.abs(a) === Infinity)) return (a < 0 || 1 / a < 0) !== (b < 0 || 1 / b < 0) ? -2 : 2;
      op = 2;
    }
    if (op === 14 || op === 15) {
      if (mode && Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c)) return exactFma(op === 15 ? -a : a, b, c, es === 64 ? 53 : 24, es === 64 ? -1074 : -149, mode);
      const r = es === 64 ? fma64(op === 15 ? -a : a, b, c) : fma32(op === 15 ? -a : a, b, c);
      return r;
    }
    if (op === 16 || op === 17) { // FRECPS / FRSQRTS: 2 - a*b and (3 - a*b)/2, one rounding; inf*0 gives 2 / 1.5
      if ((a === 0 && Math.abs(b) === Infinity) || (b === 0 && Math.abs(a) === Infinity)) return op === 16 ? 2 : 1.5;
      const k = op === 16 ? 2 : 3;
      // FRSQRTS halves before its single rounding
      if ((mode || op === 17) && Number.isFinite(a) && Number.isFinite(b)) return exactFma(-a, b, k, es === 64 ? 53 : 24, es === 64 ? -1074 : -149, mode, op === 17 ? -1 : 0);
      const r = es === 64 ? fma64(-a, b, k) : fma32(-a, b, k);
      return op === 16 ? r : es === 64 ? r / 2 : Math.fround(r / 2);
    }
    if (mode && op <= 3) return frnd(op, a, b, mode, es === 64 ? 1 : 0);
    if (mode && op === 8) return Math.abs(frnd(1, a, b, mode, es === 64 ? 1 : 0));
    const r = FOPS[op](a, b, c);
    return es === 32 && op <= 8 ? Math.fround(r) : r;
  }
  // FPSR cumulative flags (S given only by blocks translated with FPSR tracking on): per lane, ORed
  // into S[4], derived from the operands and the rounded result exactly as the scalar helpers do.
  /** IOC of a NaN lane result: a signalling NaN source, or no NaN source at all (an invalid operation). */
  function nanIoc(S: Int32Array, es: number, srcs: Array<[number, number, number?]>): void {
    let any = false;
    for (const [r, ln] of srcs) {
      const x = fget(r, ln, es);
      if (x !== x) { if (isSNaN(x, es, r, ln)) { S[4] |= 1; return; } any = true; }
    }
    if (!any) S[4] |= 1;
  }
  /** IOC of a compare: any NaN operand, or only a signalling one (FCMEQ: quietOnly). */
  function cmpIoc(S: Int32Array, es: number, a: number, b: number, n: number, ni: number, m: number, mi: number, quietOnly: boolean): void {
    if (a === a && b === b) return;
    if (!quietOnly || isSNaN(a, es, n, ni) || (m >= 0 && isSNaN(b, es, m, mi))) S[4] |= 1;
  }
  /** IXC/OFC/UFC/DZC of a non-NaN result r of FP op (numbering of FOPS/fl) on a, b (c: addend). */
  function laneFlags(S: Int32Array, op: number, a: number, b: number, c: number, r: number, es: number): void {
    const ty = es === 64 ? 1 : 0;
    switch (op) {
      case 0: case 1: case 2: case 3: fpx(S, op, a, b, r, ty); return;
      case 8: fpx(S, 1, a, b, r, ty); return; // FABD: the flags of the subtraction
      case 18: fpx(S, 2, a, b, r, ty); return; // FMULX (0 x inf has an infinite operand: no flags)
      case 14: case 15: fpx3(S, op === 15 ? -a : a, b, c, r, ty); return;
      case 16: case 17: { // 2 - a*b, (3 - a*b) / 2 with one rounding
        if (!Number.isFinite(a) || !Number.isFinite(b) || a === 0 || b === 0) return;
        const [ma, ea] = exactParts(a), [mb, eb] = exactParts(b), ep = ea + eb, e = Math.min(ep, 0);
        const V = (BigInt(op === 16 ? 2 : 3) << BigInt(-e)) - ((ma * mb) << BigInt(ep - e));
        S[4] |= fpFlags(V, e - (op === 17 ? 1 : 0), false, r, ty);
        return;
      }
    }
  }
  /** Vector FP three-operand op (mIdx >= 0: by element). */
  function vf3(op: number, d: number, n: number, m: number, q: number, es: number, fpcr: number, mIdx: number, S?: Int32Array): void {
    const L = lanes(q, es);
    for (let i = 0; i < L; i++) {
      const mi = mIdx >= 0 ? mIdx : i;
      const a = fgetz(n, i, es, fpcr, S), b = fgetz(m, mi, es, fpcr, S), c = op === 14 || op === 15 ? fgetz(d, i, es, fpcr, S) : fget(d, i, es);
      if (op >= 9 && op <= 13) { // compares: all-ones/zero masks
        const v = a !== a || b !== b ? 0 : FOPS[op](a, b, 0);
        if (S) cmpIoc(S, es, a, b, n, i, m, mi, op === 9);
        if (es === 64) O64[i] = v ? M64 : 0n; else O32[i] = v ? 0xffffffff : 0;
        continue;
      }
      if ((op === 6 || op === 7) && (a !== a) !== (b !== b)) {
        const nan = a !== a ? a : b;
        if (!isSNaN(nan, es, a !== a ? n : m, a !== a ? i : mi)) { fset(i, es, a !== a ? b : a); continue; }
      }
      const r = fl(op, a, b, c, es, fpcr);
      if (r !== r) {
        const fma = op === 14 || op === 15;
        if (S) {
          nanIoc(S, es, fma ? [[d, i], [n, i], [m, mi]] : [[n, i], [m, mi]]);
          if (fma && ((a === 0 && Math.abs(b) === Infinity) || (b === 0 && Math.abs(a) === Infinity))) S[4] |= 1;
        }
        if (op === 16 || op === 17) fnanLane(i, es, [[n, i, 1], [m, mi]], fpcr); // FRECPS/FRSQRTS negate op1 first
        else if (fma && infTimesZeroQ(a, b, es, d, i, n, i, m, mi)) fnanLane(i, es, [], fpcr);
        else fnanLane(i, es, fma ? [[d, i], [n, i, op - 14], [m, mi]] : [[n, i], [m, mi]], fpcr);
        if (op === 8) { if (es === 64) O32[i * 2 + 1] &= 0x7fffffff; else O32[i] &= 0x7fffffff; }
      } else {
        const rf = fzOut(op, a, b, c, r, es, fpcr, S);
        if (S && !flushed) laneFlags(S, op, a, b, c, r, es);
        fset(i, es, rf);
      }
    }
    finish(d, q);
  }
  /** Scalar FP op by element (FMUL/FMLA/FMLS s/d, Vm.s[idx]). */
  function sf3(op: number, d: number, n: number, m: number, es: number, fpcr: number, mIdx: number, S?: Int32Array): void {
    const a = fgetz(n, 0, es, fpcr, S), b = fgetz(m, mIdx, es, fpcr, S), c = op === 14 || op === 15 ? fgetz(d, 0, es, fpcr, S) : fget(d, 0, es);
    O64[0] = 0n; O64[1] = 0n;
    if (op >= 9 && op <= 13) {
      const v = a !== a || b !== b ? 0 : FOPS[op](a, b, 0);
      if (S) cmpIoc(S, es, a, b, n, 0, m, mIdx, op === 9);
      if (es === 64) O64[0] = v ? M64 : 0n; else O32[0] = v ? 0xffffffff : 0;
    } else {
      const r = fl(op, a, b, c, es, fpcr);
      if (r !== r) {
        const fma = op === 14 || op === 15;
        if (S) {
          nanIoc(S, es, fma ? [[d, 0], [n, 0], [m, mIdx]] : [[n, 0], [m, mIdx]]);
          if (fma && ((a === 0 && Math.abs(b) === Infinity) || (b === 0 && Math.abs(a) === Infinity))) S[4] |= 1;
        }
        if (op === 16 || op === 17) fnanLane(0, es, [[n, 0, 1], [m, mIdx]], fpcr);
        else if (fma && infTimesZeroQ(a, b, es, d, 0, n, 0, m, mIdx)) fnanLane(0, es, [], fpcr);
        else fnanLane(0, es, fma ? [[d, 0], [n, 0, op - 14], [m, mIdx]] : [[n, 0], [m, mIdx]], fpcr);
        if (op === 8) { if (es === 64) O32[1] &= 0x7fffffff; else O32[0] &= 0x7fffffff; }
      } else {
        const rf = fzOut(op, a, b, c, r, es, fpcr, S);
        if (S && !flushed) laneFlags(S, op, a, b, c, r, es);
        fset(0, es, rf);
      }
    }
    finish(d, 1);
  }
  /** Pairwise FP (FADDP/FMAXP/FMINP/FMAXNMP/FMINNMP); scalar form when q < 0 (lane 0 of d = n[0] op n[1]). */
  function vfp(op: number, d: number, n: number, m: number, q: number, es: number, fpcr: number, S?: Int32Array): void {
    if (q < 0) {
      O64[0] = 0n; O64[1] = 0n;
      pairLane(op, 0, es, n, 0, n, 1, fpcr, S);
      finish(d, 1);
      return;
    }
    const L = lanes(q, es), h = L / 2;
    for (let i = 0; i < h; i++) pairLane(op, i, es, n, 2 * i, n, 2 * i + 1, fpcr, S);
    for (let i = 0; i < h; i++) pairLane(op, h + i, es, m, 2 * i, m, 2 * i + 1, fpcr, S);
    finish(d, q);
  }
  function pairLane(op: number, i: number, es: number, r1: number, l1: number, r2: number, l2: number, fpcr: number, S?: Int32Array): void {
    const a = fgetz(r1, l1, es, fpcr, S), b = fgetz(r2, l2, es, fpcr, S);
    if ((op === 6 || op === 7) && (a !== a) !== (b !== b)) {
      const nanReg = a !== a ? r1 : r2, nanLane = a !== a ? l1 : l2;
      if (!isSNaN(NaN, es, nanReg, nanLane)) { fset(i, es, a !== a ? b : a); return; }
    }
    const r = fl(op, a, b, 0, es, fpcr);
    if (r !== r) { if (S) nanIoc(S, es, [[r1, l1], [r2, l2]]); fnanLane(i, es, [[r1, l1], [r2, l2]], fpcr); }
    else { const rf = fzOut(op, a, b, 0, r, es, fpcr, S); if (S && !flushed) laneFlags(S, op, a, b, 0, r, es); fset(i, es, rf); }
  }
  /** FMAXV/FMINV/FMAXNMV/FMINNMV (single lanes), reduced pairwise as the architecture does. */
  function vfred(op: number, d: number, n: number, q: number, fpcr: number, S?: Int32Array): void {
    // elements as [value, raw bits]; reduced as a balanced tree like the architecture's Reduce()
    const L = q ? 4 : 2;
    const xs: Array<[number, number]> = [];
    for (let i = 0; i < L; i++) {
      const x = F32[n * 4 + i];
      if (fpcr & FZ && x !== 0 && Math.abs(x) < MIN32) { if (S) S[4] |= 128; xs.push([x < 0 ? -0 : 0, U32[n * 4 + i] & 0x80000000]); } // FZ: a denormal is a zero
      else xs.push([x, U32[n * 4 + i]]);
    }
    const snan = (e: [number, number]) => e[0] !== e[0] && (e[1] & 0x400000) === 0;
    const comb = (a: [number, number], b: [number, number]): [number, number] => {
      const an = a[0] !== a[0], bn = b[0] !== b[0];
      if (an || bn) {
        if (S && (snan(a) || snan(b))) S[4] |= 1;
        if ((op === 6 || op === 7) && an !== bn && !snan(an ? a : b)) return an ? b : a;
        if (fpcr & (1 << 25)) return [NaN, 0x7fc00000];
        const pick = snan(a) ? a : snan(b) ? b : an ? a : b;
        return [NaN, (pick[1] | 0x400000) >>> 0];
      }
      const r = FOPS[op](a[0], b[0], 0);
      OF32[2] = r;
      return [r, O32[2]];
    };
    const red = (lo: number, hi: number): [number, number] => (hi - lo === 1 ? xs[lo] : comb(red(lo, (lo + hi) >> 1), red((lo + hi) >> 1, hi)));
    const r = red(0, L);
    O64[0] = 0n; O64[1] = 0n;
    O32[0] = r[1];
    finish(d, 1);
  }
  /** FRECPE of one lane's raw bits (es 32/64): the architecture's 8-bit reciprocal estimate. */
  function recipEstimate(x: bigint, es: number, fpcr: number): bigint {
    const fb = es === 32 ? 23 : 52, N = BigInt(es), sign = (x >> (N - 1n)) & 1n;
    let exp = Number((x >> BigInt(fb)) & (es === 32 ? 0xffn : 0x7ffn));
    let frac = (x & ((1n << BigInt(fb)) - 1n)) << BigInt(52 - fb);
    const M52 = (1n << 52n) - 1n, sgn = sign << (N - 1n);
    const expMax = es === 32 ? 255 : 2047;
    if (exp === expMax) return sgn; // infinity -> zero
    if (exp === 0 && frac === 0n) return sgn | (BigInt(expMax) << BigInt(fb)); // zero -> infinity
    if (exp === 0 && frac < 1n << 50n) { // so small that the reciprocal overflows
      const m = (fpcr >>> 22) & 3;
      const inf = m === 0 || (m === 1 && sign === 0n) || (m === 2 && sign === 1n);
      return sgn | (inf ? BigInt(expMax) << BigInt(fb) : ((BigInt(expMax - 1) << BigInt(fb)) | ((1n << BigInt(fb)) - 1n)));
    }
    if (exp === 0) {
      if (((frac >> 51n) & 1n) === 0n) { exp = -1; frac = (frac << 2n) & M52; } else frac = (frac << 1n) & M52;
    }
    const scaled = 256 + Number(frac >> 44n);
    let rexp = (es === 32 ? 253 : 2045) - exp;
    const est = recipEst9(scaled);
    frac = BigInt(est & 255) << 44n;
    if (rexp === 0) frac = (1n << 51n) | (frac >> 1n);
    else if (rexp === -1) { frac = (1n << 50n) | (frac >> 2n); rexp = 0; }
    return sgn | (BigInt(rexp) << BigInt(fb)) | (frac >> BigInt(52 - fb));
  }
  /** FRSQRTE of one lane's raw bits: the architecture's 8-bit reciprocal square root estimate. */
  function rsqrtEstimate(x: bigint, es: number, fpcr: number): bigint {
    const fb = es === 32 ? 23 : 52, N = BigInt(es), sign = (x >> (N - 1n)) & 1n;
    let exp = Number((x >> BigInt(fb)) & (es === 32 ? 0xffn : 0x7ffn));
    let frac = (x & ((1n << BigInt(fb)) - 1n)) << BigInt(52 - fb);
    const M52 = (1n << 52n) - 1n;
    const expMax = es === 32 ? 255 : 2047;
    void fpcr;
    if (exp === 0 && frac === 0n) return (sign << (N - 1n)) | (BigInt(expMax) << BigInt(fb)); // +-0 -> +-inf
    if (sign) return es === 32 ? 0x7fc00000n : 0x7ff8000000000000n; // negative -> default NaN
    if (exp === expMax) return 0n; // +inf -> +0
    if (exp === 0) {
      while (((frac >> 51n) & 1n) === 0n) { frac = (frac << 1n) & M52; exp--; }
      frac = (frac << 1n) & M52;
    }
    const scaled = (exp & 1) === 0 ? 256 + Number(frac >> 44n) : 128 + Number(frac >> 45n);
    const rexp = Math.floor(((es === 32 ? 380 : 3068) - exp) / 2);
    const est = rsqrtEst9(scaled);
    return (BigInt(rexp) << BigInt(fb)) | (BigInt(est & 255) << BigInt(fb - 8));
  }
  /**
   * Vector FP unary: 0 fabs 1 fneg 2 fsqrt 3 frintn 4 frintp 5 frintm 6 frintz 7 frinta 8 frinti 19 frintx
   * 9..13 fcm*0 (gt ge eq le lt) 14 frecpe 15 frsqrte 16 frecpx; on 32-bit integer lanes 17 urecpe 18 ursqrte.
   * q < 0: the scalar form (lane 0, the rest of d zeroed).
   */
  function vf2(op: number, d: number, n: number, q: number, es: number, fpcr: number, S?: Int32Array): void {
    const L = q < 0 ? 1 : lanes(q, es);
    if (q < 0) { O64[0] = 0n; O64[1] = 0n; }
    for (let i = 0; i < L; i++) {
      if (op === 17 || op === 18) { // UnsignedRecipEstimate / UnsignedRSqrtEstimate of the ARM ARM (bits 31:23 of the lane)
        const x = U32[n * 4 + i];
        if (op === 17) O32[i] = x < 0x80000000 ? 0xffffffff : recipEst9(x >>> 23) * 2 ** 23;
        else O32[i] = x < 0x40000000 ? 0xffffffff : rsqrtEst9(x >>> 23) * 2 ** 23;
        continue;
      }
      if (op <= 1) {
        if (es === 64) { O32[i * 2] = U32[n * 4 + i * 2]; O32[i * 2 + 1] = op === 0 ? U32[n * 4 + i * 2 + 1] & 0x7fffffff : U32[n * 4 + i * 2 + 1] ^ 0x80000000; }
        else O32[i] = op === 0 ? U32[n * 4 + i] & 0x7fffffff : U32[n * 4 + i] ^ 0x80000000;
        continue;
      }
      const a = fgetz(n, i, es, fpcr, S);
      if (S && a !== a && isSNaN(a, es, n, i) && !(op >= 9 && op <= 13)) S[4] |= 1; // a signalling NaN operand: IOC
      if (op === 16) { // FRECPX: sign kept, exponent inverted (zero and denormals: max_exp - 1), fraction zero
        if (a !== a) { fnanLane(i, es, [[n, i]], fpcr); continue; }
        if (es === 64) {
          const hi = U32[n * 4 + i * 2 + 1], e = (hi >>> 20) & 0x7ff;
          O32[i * 2] = 0; O32[i * 2 + 1] = (hi & 0x80000000) + (e === 0 ? 0x7fe : ~e & 0x7ff) * 2 ** 20;
        } else {
          const x = U32[n * 4 + i], e = (x >>> 23) & 0xff;
          O32[i] = (x & 0x80000000) + (e === 0 ? 0xfe : ~e & 0xff) * 2 ** 23;
        }
        continue;
      }
      if (op === 14 || op === 15) {
        if (a !== a) { fnanLane(i, es, [[n, i]], fpcr); continue; }
        let raw = es === 64 ? getB(n, i) : BigInt(U32[n * 4 + i]);
        if (a === 0) raw &= es === 64 ? 1n << 63n : 1n << 31n; // a denormal flushed by FPCR.FZ: a zero of its sign
        if (op === 14 && fpcr & FZ && Math.abs(a) >= (es === 64 ? 2 ** 1022 : 2 ** 126) && Number.isFinite(a)) {
          // FZ: a reciprocal that would be denormal is a zero of the operand's sign, UFC
          if (S) S[4] |= 8;
          if (es === 64) { O32[i * 2] = 0; O32[i * 2 + 1] = a < 0 ? 0x80000000 : 0; } else O32[i] = a < 0 ? 0x80000000 : 0;
          continue;
        }
        const v = op === 14 ? recipEstimate(raw, es, fpcr) : rsqrtEstimate(raw, es, fpcr);
        if (S) {
          if (a === 0) S[4] |= 2; // DZC
          else if (op === 15 && a < 0) S[4] |= 1; // reciprocal square root of a negative number
          else if (op === 14 && Math.abs(a) < (es === 64 ? 2 ** -1024 : 2 ** -128)) S[4] |= 4 | 16; // the reciprocal overflows
        }
        if (es === 64) O64[i] = v; else O32[i] = Number(v);
        continue;
      }
      if (op >= 9 && op <= 13) {
        const v = a !== a ? false : op === 9 ? a > 0 : op === 10 ? a >= 0 : op === 11 ? a === 0 : op === 12 ? a <= 0 : a < 0;
        if (S && a !== a && (op !== 11 || isSNaN(a, es, n, i))) S[4] |= 1; // FCMEQ: signalling NaNs only
        if (es === 64) O64[i] = v ? M64 : 0n; else O32[i] = v ? 0xffffffff : 0;
        continue;
      }
      let r: number;
      if (op === 2) r = (fpcr >>> 22) & 3 ? frnd(4, a, 0, (fpcr >>> 22) & 3, es === 64 ? 1 : 0) : Math.sqrt(a);
      else r = frint(a, op >= 8 ? 5 : op - 3, fpcr);
      if (es === 32) r = Math.fround(r);
      if (r !== r) {
        if (S && a === a) S[4] |= 1; // square root of a negative number
        fnanLane(i, es, [[n, i]], fpcr);
      } else {
        if (S) { if (op === 2) fpx(S, 4, a, 0, r, es === 64 ? 1 : 0); else if (op === 19 && r !== a) S[4] |= 16; }
        fset(i, es, r);
      }
    }
    finish(d, q < 0 ? 1 : q);
  }
  /** Vector/scalar int <-> FP conversions. kind 0 scvtf 1 ucvtf 2 fcvtzs 3 fcvtzu, 4.. fcvt{n,p,m,a}{s,u}; fbits for fixed point. */
  function vcvt(kind: number, d: number, n: number, q: number, es: number, fbits: number, scalar: number, fpcr = 0, S?: Int32Array): void {
    const L = scalar ? 1 : lanes(q, es);
    if (scalar) { O64[0] = 0n; O64[1] = 0n; }
    for (let i = 0; i < L; i++) {
      if (kind <= 1) {
        const x = es === 64 ? (kind === 0 ? getB(n, i, true) : getB(n, i)) : BigInt(getN(n, i, 32, kind === 0));
        const v = roundScaled(x, -fbits, es === 64 ? 53 : 24, es === 64 ? -1074 : -149, (fpcr >>> 22) & 3);
        // FPSR tracking: inexact exactly when rounding up and rounding down differ
        if (S && x !== 0n && roundScaled(x, -fbits, es === 64 ? 53 : 24, es === 64 ? -1074 : -149, 1) !== roundScaled(x, -fbits, es === 64 ? 53 : 24, es === 64 ? -1074 : -149, 2)) S[4] |= 16;
        fset(i, es, v);
      } else {
        const k = kind - 2;
        const signed = (k & 1) === 0 ? 1 : 0;
        const mode = k < 2 ? 3 : [0, 1, 2, 4][(k - 2) >> 1];
        const x = fgetz(n, i, es, fpcr, S) * 2 ** fbits;
        const lo = S ? f2ix(S, x, mode, signed, es === 64 ? 1 : 0) : f2i(x, mode, signed, es === 64 ? 1 : 0);
        if (es === 64) { O32[i * 2] = lo; O32[i * 2 + 1] = T[1]; } else O32[i] = lo;
      }
    }
    finish(d, scalar ? 1 : q);
  }
  /** IXC/OFC/UFC of narrowing the finite non-NaN val to res (single or half: tiny before rounding). */
  function narrowFlags(S: Int32Array, val: number, res: number, half: boolean): void {
    if (!Number.isFinite(val) || val === res) return;
    let f = 16;
    if (!Number.isFinite(res) || Math.abs(val) >= (half ? 65536 : 2 ** 128)) f |= 4;
    if (Math.abs(val) < (half ? 2 ** -14 : 2 ** -126)) f |= 8;
    S[4] |= f;
  }
  /** FCVTL(2): single lanes to double (es 32), or half lanes to single (es 16; FPCR.AHP: the alternative half format). */
  function vfcvtl(d: number, n: number, q: number, fpcr: number, es = 32, S?: Int32Array): void {
    if (es === 16) {
      const alt = fpcr & (1 << 26);
      for (let i = 0; i < 4; i++) {
        const h = U16[n * 8 + (q ? 4 : 0) + i];
        if (!alt && ((h >> 10) & 31) === 31 && (h & 1023) !== 0) { // NaN: quieted, payload kept (or the default NaN)
          if (S && !(h & 0x200)) S[4] |= 1;
          O32[i] = fpcr & (1 << 25) ? 0x7fc00000 : (((h & 0x8000) << 16) | 0x7fc00000 | ((h & 0x1ff) << 13)) >>> 0;
        } else OF32[i] = halfToNum(h, alt);
      }
      finish(d, 1);
      return;
    }
    for (let i = 0; i < 2; i++) {
      const a = fpcr & FZ ? fz1(F32[n * 4 + (q ? 2 : 0) + i], 32, S) : F32[n * 4 + (q ? 2 : 0) + i];
      if (a !== a) {
        const bitsv = U32[n * 4 + (q ? 2 : 0) + i];
        if (S && !(bitsv & 0x400000)) S[4] |= 1;
        if (fpcr & (1 << 25)) { O32[i * 2] = 0; O32[i * 2 + 1] = 0x7ff80000; }
        else { O32[i * 2 + 1] = (bitsv & 0x80000000) | 0x7ff80000 | ((bitsv & 0x3fffff) >>> 3); O32[i * 2] = (bitsv & 7) << 29; }
      } else OF64[i] = a;
    }
    finish(d, 1);
  }
  /**
   * FCVTN(2) double to single; FCVTXN(2) when odd (round to odd, whatever FPCR.RMode), its scalar
   * form when q < 0; half: FCVTN(2) single to half (FPCR.RMode; FPCR.AHP: the alternative format,
   * where NaNs become zeros, infinities and overflows +-131008, all three Invalid Operations).
   */
  function vfcvtn(d: number, n: number, q: number, fpcr: number, odd = 0, half = 0, S?: Int32Array): void {
    for (let i = 0; i < 16; i++) O8[i] = q < 0 ? 0 : V8[d * 16 + i];
    if (half) {
      const alt = fpcr & (1 << 26);
      for (let i = 0; i < 4; i++) {
        const a = fpcr & FZ ? fz1(F32[n * 4 + i], 32, S) : F32[n * 4 + i], o = (q ? 4 : 0) + i; // FZ flushes the single input, not the half result
        if (alt) {
          const x = a !== a ? (U32[n * 4 + i] >>> 16) & 0x8000 | 0x10000 : toHalf(a, (fpcr >>> 22) & 3, 1);
          O16[o] = x;
          if (S) { if (x & 0x10000) S[4] |= 1; else { const res = halfToNum(x & 0xffff, 1); if (res !== a) S[4] |= 16 | (Math.abs(a) < 2 ** -14 ? 8 : 0); } }
        } else if (a !== a) {
          const x = U32[n * 4 + i];
          if (S && !(x & 0x400000)) S[4] |= 1;
          O16[o] = fpcr & (1 << 25) ? 0x7e00 : ((x >>> 16) & 0x8000) | 0x7e00 | ((x >>> 13) & 0x1ff);
        } else {
          O16[o] = numToHalf(a, (fpcr >>> 22) & 3);
          if (S) narrowFlags(S, a, halfToNum(O16[o]), true);
        }
      }
      if (!q) for (let i = 8; i < 16; i++) O8[i] = 0;
      finish(d, 1);
      return;
    }
    for (let i = 0; i < (q < 0 ? 1 : 2); i++) {
      const a = fpcr & FZ ? fz1(F64[n * 2 + i], 64, S) : F64[n * 2 + i], o = (q > 0 ? 2 : 0) + i;
      if (fpcr & FZ && a !== 0 && Math.abs(a) < MIN32) { O32[o] = a < 0 ? 0x80000000 : 0; if (S) S[4] |= 8; continue; } // FZ: a tiny single result is a zero, UFC
      if (a !== a) {
        const hi = U32[n * 4 + i * 2 + 1], lo = U32[n * 4 + i * 2];
        if (S && !(hi & 0x80000)) S[4] |= 1;
        O32[o] = fpcr & (1 << 25) ? 0x7fc00000 : ((hi & 0x80000000) | 0x7fc00000 | ((hi & 0x7ffff) << 3) | (lo >>> 29)) >>> 0;
      } else if (odd) {
        // round to nearest, step back toward zero if that rounded away (an overflow to infinity
        // becomes the largest finite), then set the last bit when inexact
        OF32[o] = a;
        if (OF32[o] !== a && Number.isFinite(a)) {
          let b = O32[o];
          if (Math.abs(OF32[o]) > Math.abs(a)) b -= 1;
          O32[o] = b | 1;
        }
      } else {
        const mode = (fpcr >>> 22) & 3;
        if (mode && Number.isFinite(a) && a !== 0) { const [m, e] = exactParts(a); OF32[o] = roundScaled(m, e, 24, -149, mode); }
        else OF32[o] = a;
      }
      if (S && a === a) narrowFlags(S, a, OF32[o], false);
    }
    if (q <= 0) for (let i = 8; i < 16; i++) O8[i] = 0;
    finish(d, 1);
  }

  // ---- structure loads and stores -----------------------------------------------------------------
  const u8 = mem.u8, perm = mem.perm;
  const sbuf = new Uint8Array(64);
  function readBytes(a: number, len: number, pc: number): Uint8Array {
    if (a >= 0 && a + len <= LOW_LIMIT && (perm[a >>> 12] & PERM_R) && (perm[(a + len - 1) >>> 12] & PERM_R)) {
      sbuf.set(u8.subarray(a, a + len));
      return sbuf;
    }
    if (!(a >= 0 && a + len <= 2 ** 48)) throw new GuestFault(pc, a < 0 ? a + 2 ** 64 : a, 'r', false);
    try { sbuf.set(mem.read(a, len)); } catch (e) {
      if (e instanceof MemoryFault) throw new GuestFault(pc, e.addr, 'r', e.mapped);
      throw e;
    }
    return sbuf;
  }
  function writeBytes(a: number, data: Uint8Array, pc: number): void {
    const len = data.length;
    if (a >= 0 && a + len <= LOW_LIMIT && (perm[a >>> 12] & WRITE_FAST_MASK) === PERM_W && (perm[(a + len - 1) >>> 12] & WRITE_FAST_MASK) === PERM_W) {
      u8.set(data, a);
      return;
    }
    if (!(a >= 0 && a + len <= 2 ** 48)) throw new GuestFault(pc, a < 0 ? a + 2 ** 64 : a, 'w', false);
    try { mem.check(a, len, 'w'); mem.write(a, data); } catch (e) {
      if (e instanceof MemoryFault) throw new GuestFault(pc, e.addr, 'w', e.mapped);
      throw e;
    }
  }
  /** LD1-4 / ST1-4 (multiple structures): nregs registers from t, selem-way interleaved. */
  function ldstm(a: number, load: number, t: number, nregs: number, selem: number, q: number, es: number, pc: number): number {
    const bytesPer = q ? 16 : 8, eb = es / 8, elems = bytesPer / eb;
    const total = bytesPer * nregs;
    if (load) {
      const src = readBytes(a, total, pc).slice(0, total);
      for (let r = 0; r < nregs; r++) V8.fill(0, ((t + r) % 32) * 16, ((t + r) % 32) * 16 + 16);
      let off = 0;
      const reps = nregs / selem;
      for (let rep = 0; rep < reps; rep++) for (let e = 0; e < elems; e++) for (let s = 0; s < selem; s++) {
        const reg = (t + rep + s) % 32;
        for (let k = 0; k < eb; k++) V8[reg * 16 + e * eb + k] = src[off++];
      }
    } else {
      const out = new Uint8Array(total);
      let off = 0;
      const reps = nregs / selem;
      for (let rep = 0; rep < reps; rep++) for (let e = 0; e < elems; e++) for (let s = 0; s < selem; s++) {
        const reg = (t + rep + s) % 32;
        for (let k = 0; k < eb; k++) out[off++] = V8[reg * 16 + e * eb + k];
      }
      writeBytes(a, out, pc);
    }
    return total;
  }
  /** Single structure (lane idx, or replicate when idx < 0). */
  function ldsts(a: number, load: number, t: number, selem: number, idx: number, q: number, es: number, pc: number): number {
    const eb = es / 8, total = eb * selem;
    if (load) {
      const src = readBytes(a, total, pc).slice(0, total);
      for (let s = 0; s < selem; s++) {
        const reg = (t + s) % 32;
        if (idx < 0) {
          const bytes = q ? 16 : 8;
          for (let i = 0; i < 16; i++) V8[reg * 16 + i] = i < bytes ? src[s * eb + (i % eb)] : 0;
        } else for (let k = 0; k < eb; k++) V8[reg * 16 + idx * eb + k] = src[s * eb + k];
      }
    } else {
      const out = new Uint8Array(total);
      for (let s = 0; s < selem; s++) for (let k = 0; k < eb; k++) out[s * eb + k] = V8[((t + s) % 32) * 16 + idx * eb + k];
      writeBytes(a, out, pc);
    }
    return total;
  }

  const T = new Int32Array(2);
  const { f2i, frint, f2ix, fpx, fpx3, halfToNum, numToHalf, toHalf } = fpHelpersLocal(T);
  return {
    v3, s3, v2, s2, vp, vred, vlong, vwide, vmull, vqdmull, vxtn, vhn, vaddlp, vshift, vshrn, vshll, vrev, vperm, vext, vtbl, vdup, vdupg, vins, zeroAbove, vinsg, vimm,
    vf3, sf3, vfp, vfred, vf2, vcvt, vfcvtl, vfcvtn, ldstm, ldsts,
    ...Object.fromEntries(Object.entries(OPS).map(([k, v]) => [`o_${k}`, v])),
    qcr: () => { qc = 0; },
    qcx: () => (qc ? 0x08000000 : 0),
  };
}

import { fma64, fma32, roundScaled, fpHelpers, frnd, exactFma, exactParts, fpFlags, MIN64, MIN32 } from './fphelp.js';
type F2I = (x: number, mode: number, signed: number, sf: number) => number;
interface LocalFp {
  f2i: F2I; frint: (x: number, mode: number, fpcr: number) => number; f2ix: (S: Int32Array, x: number, mode: number, signed: number, sf: number) => number;
  fpx: (S: Int32Array, op: number, a: number, b: number, r: number, ty: number) => void;
  fpx3: (S: Int32Array, a: number, b: number, c: number, r: number, ty: number) => void;
  halfToNum: (h: number, alt?: number) => number; numToHalf: (x: number, mode?: number, alt?: number) => number;
  toHalf: (x: number, mode: number, alt: number) => number;
}
function fpHelpersLocal(T: Int32Array): LocalFp {
  return fpHelpers(T, new Uint8Array(512)) as unknown as LocalFp;
}
export { ONES };
