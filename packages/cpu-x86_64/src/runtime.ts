// Helpers the generated blocks call: guest memory with a fast path, 64-bit arithmetic pieces,
// mul/div, bit scans, rotates, string instructions, cpuid. Results that are more than one number
// come back through the scratch object S.
import { AddressSpace, MemoryFault, PERM_R, PERM_W, WRITE_FAST_MASK, LOW_LIMIT } from '@elfbox/cpu';
import { ARITH, CF, OF, ZF, K_SUB, flagsOf, ccOf, cfOf } from './flags.js';

export const S = { lo: 0, hi: 0, lo2: 0, hi2: 0, f: 0, a: 0, b: 0, c: 0, d: 0 };

export class DivideError extends Error { constructor() { super('divide error'); } }
export class GpFault extends Error { constructor() { super('general protection'); } }
export const DIVERR = new DivideError();
export const GPF = new GpFault();

/** The register file / state object the generated code sees (implemented by X86Cpu). */
export interface CpuCore {
  R: Int32Array;
  rip: number;
  df: number;
  fsBase: number;
  gsBase: number;
  fo: number; fa: number; fah: number; fb: number; fbh: number; fr: number; frh: number; fc: number;
}

const LD_I = new Int32Array(2), LD_F = new Float64Array(LD_I.buffer);

export function makeMemHelpers(mem: AddressSpace) {
  const P = mem.perm, DV = mem.dv, U8 = mem.u8;
  function slowLd(a: number, n: number): number {
    const b = mem.read(a, n);
    if (n === 1) return b[0];
    if (n === 2) return b[0] | (b[1] << 8);
    return b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
  }
  function slowSt(a: number, n: number, v: number, h: number): void {
    const b = new Uint8Array(n);
    const dv = new DataView(b.buffer);
    if (n === 1) b[0] = v;
    else if (n === 2) dv.setUint16(0, v & 0xffff, true);
    else if (n === 4) dv.setInt32(0, v, true);
    else { dv.setInt32(0, v, true); dv.setInt32(4, h, true); }
    mem.write(a, b);
  }
  return {
    ld8(a: number): number {
      if (a >= 0 && a < 4294967296 && (P[a >>> 12] & 1)) return U8[a];
      return slowLd(a, 1);
    },
    ld16(a: number): number {
      if (a >= 0 && a <= 4294967294 && (P[a >>> 12] & 1) && ((a & 4095) <= 4094 || (P[(a + 1) >>> 12] & 1))) return DV.getUint16(a, true);
      return slowLd(a, 2);
    },
    ld32(a: number): number {
      if (a >= 0 && a <= 4294967292 && (P[a >>> 12] & 1) && ((a & 4095) <= 4092 || (P[(a + 3) >>> 12] & 1))) return DV.getInt32(a, true);
      return slowLd(a, 4);
    },
    st8(a: number, v: number): void {
      if (a >= 0 && a < 4294967296 && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W) U8[a] = v;
      else slowSt(a, 1, v, 0);
    },
    st16(a: number, v: number): void {
      if (a >= 0 && a <= 4294967294 && (a & 4095) <= 4094 && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W) DV.setUint16(a, v & 0xffff, true);
      else slowSt(a, 2, v, 0);
    },
    st32(a: number, v: number): void {
      if (a >= 0 && a <= 4294967292 && (a & 4095) <= 4092 && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W) DV.setInt32(a, v, true);
      else slowSt(a, 4, v, 0);
    },
    st64(a: number, l: number, h: number): void {
      if (a >= 0 && a <= 4294967288 && (a & 4095) <= 4088 && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W) { DV.setInt32(a, l, true); DV.setInt32(a + 4, h, true); }
      else slowSt(a, 8, l, h);
    },
    /**
     * movsd/movq load: the 8 bytes at a into X[i], X[i+1] (int32 lanes), X[i+2..i+3] zeroed; one
     * check for both halves on the fast path; nothing is written on a fault (fault address as
     * two ld32s would give).
     */
    ld64x(a: number, X: Int32Array, i: number): void {
      let l: number, h: number;
      if (a >= 0 && a <= 4294967288 && (P[a >>> 12] & 1) && ((a & 4095) <= 4088 || (P[(a + 7) >>> 12] & 1))) {
        l = DV.getInt32(a, true); h = DV.getInt32(a + 4, true);
      } else { l = slowLd(a, 4); h = slowLd(a + 4, 4); }
      X[i] = l; X[i + 1] = h; X[i + 2] = 0; X[i + 3] = 0;
    },
    /**
     * The 8 bytes at a as a double (checked like ld64x). A NaN read this way may not keep its bits
     * (payload, signaling): callers use the value only when it is not NaN and otherwise load the
     * exact bits again with ld64x.
     */
    ldf(a: number): number {
      if (a >= 0 && a <= 4294967288 && (P[a >>> 12] & 1) && ((a & 4095) <= 4088 || (P[(a + 7) >>> 12] & 1))) return DV.getFloat64(a, true);
      const l = slowLd(a, 4), h = slowLd(a + 4, 4);
      LD_I[0] = l; LD_I[1] = h;
      return LD_F[0];
    },
    /** st64 of a double v that is not a NaN (whose bits a Float64 store might not keep). */
    stf(a: number, v: number): void {
      if (a >= 0 && a <= 4294967288 && (a & 4095) <= 4088 && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W) DV.setFloat64(a, v, true);
      else { LD_F[0] = v; slowSt(a, 8, LD_I[0], LD_I[1]); }
    },
    /** 16 bytes at a into X[i..i+3] (int32 lanes), checked; nothing is written on a fault. */
    ld128(a: number, X: Int32Array, i: number): void {
      if (a >= 0 && a <= 4294967280 && (a & 4095) <= 4080 && (P[a >>> 12] & 1)) {
        X[i] = DV.getInt32(a, true); X[i + 1] = DV.getInt32(a + 4, true);
        X[i + 2] = DV.getInt32(a + 8, true); X[i + 3] = DV.getInt32(a + 12, true);
        return;
      }
      const b = mem.read(a, 16);
      const dv = new DataView(b.buffer, b.byteOffset, 16);
      for (let k = 0; k < 4; k++) X[i + k] = dv.getInt32(4 * k, true);
    },
    /** X[i..i+3] to the 16 bytes at a, checked (all or nothing). */
    st128(a: number, X: Int32Array, i: number): void {
      if (a >= 0 && a <= 4294967280 && (a & 4095) <= 4080 && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W) {
        DV.setInt32(a, X[i], true); DV.setInt32(a + 4, X[i + 1], true);
        DV.setInt32(a + 8, X[i + 2], true); DV.setInt32(a + 12, X[i + 3], true);
        return;
      }
      const b = new Uint8Array(16);
      const dv = new DataView(b.buffer);
      for (let k = 0; k < 4; k++) dv.setInt32(4 * k, X[i + k], true);
      mem.write(a, b);
    },
    /** Reads n bytes (n <= 16) into out (checked). */
    ldBytes(a: number, out: Uint8Array, n: number): void {
      if (a >= 0 && a + n <= LOW_LIMIT && (P[a >>> 12] & PERM_R) && (P[(a + n - 1) >>> 12] & PERM_R)) {
        for (let i = 0; i < n; i++) out[i] = U8[a + i];
        return;
      }
      out.set(mem.read(a, n));
    },
    stBytes(a: number, src: Uint8Array, n: number): void {
      if (a >= 0 && a + n <= LOW_LIMIT && (P[a >>> 12] & WRITE_FAST_MASK) === PERM_W && (P[(a + n - 1) >>> 12] & WRITE_FAST_MASK) === PERM_W) {
        for (let i = 0; i < n; i++) U8[a + i] = src[i];
        return;
      }
      mem.write(a, src.slice(0, n));
    },
  };
}
export type MemHelpers = ReturnType<typeof makeMemHelpers>;

// ---- 64-bit pieces ---------------------------------------------------------------------------

export function bswap(v: number): number {
  return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}

/** Rotates (kind 0 rol 1 ror 2 rcl 3 rcr) of a <= 32-bit value; result in S.lo, returns new flags. */
export function rot32(kind: number, s: number, a: number, n: number, f: number): number {
  const bits = s * 8;
  const mask = bits === 32 ? -1 : (1 << bits) - 1;
  let v = a & mask;
  let cf = f & CF;
  let r: number;
  if (kind === 0 || kind === 1) {
    const k = n % bits;
    if (kind === 0) r = k ? ((v << k) | (v >>> (bits - k))) & mask : v;
    else r = k ? ((v >>> k) | (v << (bits - k))) & mask : v;
    if (kind === 0) cf = r & 1;
    else cf = (r >>> (bits - 1)) & 1;
  } else {
    const k = n % (bits + 1);
    r = v;
    for (let i = 0; i < k; i++) {
      if (kind === 2) { const out = (r >>> (bits - 1)) & 1; r = ((r << 1) | cf) & mask; cf = out; }
      else { const out = r & 1; r = ((r >>> 1) | (cf << (bits - 1))) & mask; cf = out; }
    }
  }
  if (bits === 32) r |= 0;
  S.lo = r;
  const msb = (r >>> (bits - 1)) & 1;
  let of: number;
  if (kind === 0 || kind === 2) of = msb ^ cf;
  else of = msb ^ ((r >>> (bits - 2)) & 1);
  return (f & ~(CF | OF)) | cf | (of ? OF : 0);
}

export function rot64(kind: number, l: number, h: number, n: number, f: number): number {
  let v = (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0);
  const M = (1n << 64n) - 1n;
  let cf = BigInt(f & CF);
  if (kind === 0 || kind === 1) {
    const k = BigInt(n % 64);
    if (k) v = kind === 0 ? ((v << k) | (v >> (64n - k))) & M : ((v >> k) | (v << (64n - k))) & M;
    cf = kind === 0 ? v & 1n : v >> 63n;
  } else {
    const k = n % 65;
    for (let i = 0; i < k; i++) {
      if (kind === 2) { const out = v >> 63n; v = ((v << 1n) | cf) & M; cf = out; }
      else { const out = v & 1n; v = (v >> 1n) | (cf << 63n); cf = out; }
    }
  }
  S.lo = Number(v & 0xffffffffn) | 0;
  S.hi = Number(v >> 32n) | 0;
  const msb = Number(v >> 63n);
  const c = Number(cf);
  const of = kind === 0 || kind === 2 ? msb ^ c : msb ^ Number((v >> 62n) & 1n);
  return (f & ~(CF | OF)) | c | (of ? OF : 0);
}

/** shld (left=1) / shrd of size s <= 4; result in S.lo, returns flags. */
export function shd32(left: number, s: number, a: number, b: number, n: number, f: number): number {
  const bits = s * 8;
  const mask = bits === 32 ? 0xffffffffn : (1n << BigInt(bits)) - 1n;
  const A = BigInt(a >>> 0) & mask, B = BigInt(b >>> 0) & mask;
  const N = BigInt(n);
  let r: bigint, cf: bigint;
  if (left) {
    const cat = (A << BigInt(bits)) | B;
    r = (cat << N >> BigInt(bits)) & mask;
    cf = (A >> (BigInt(bits) - N)) & 1n;
  } else {
    const cat = (B << BigInt(bits)) | A;
    r = (cat >> N) & mask;
    cf = (A >> (N - 1n)) & 1n;
  }
  S.lo = Number(r) | 0;
  const sign = (r >> BigInt(bits - 1)) & 1n;
  const of = sign !== ((A >> BigInt(bits - 1)) & 1n);
  return fromResult(r, bits, (f & ~ARITH) | Number(cf) | (of ? OF : 0));
}
export function shd64(left: number, l: number, h: number, bl: number, bh: number, n: number, f: number): number {
  const M = (1n << 64n) - 1n;
  const A = (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0), B = (BigInt(bh >>> 0) << 32n) | BigInt(bl >>> 0);
  const N = BigInt(n);
  let r: bigint, cf: bigint;
  if (left) { r = ((A << N) | (B >> (64n - N))) & M; cf = (A >> (64n - N)) & 1n; }
  else { r = ((A >> N) | (B << (64n - N))) & M; cf = (A >> (N - 1n)) & 1n; }
  S.lo = Number(r & 0xffffffffn) | 0; S.hi = Number(r >> 32n) | 0;
  const of = (r >> 63n) !== (A >> 63n);
  return fromResult(r, 64, (f & ~ARITH) | Number(cf) | (of ? OF : 0));
}
function fromResult(r: bigint, bits: number, f: number): number {
  if (r === 0n) f |= ZF;
  if ((r >> BigInt(bits - 1)) & 1n) f |= 0x80;
  let x = Number(r & 0xffn), p = 1;
  while (x) { p ^= x & 1; x >>= 1; }
  if (p) f |= 4;
  return f;
}

// ---- multiply / divide -------------------------------------------------------------------------

function big64(l: number, h: number): bigint { return (BigInt(h >>> 0) << 32n) | BigInt(l >>> 0); }
function sbig64(l: number, h: number): bigint { return BigInt.asIntN(64, big64(l, h)); }

/** High 32 bits of the unsigned 64-bit product of two uint32 values. */
export function mulhu32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + Math.floor(mid / 65536)) | 0;
}

/** Low 64 bits of a 64x64 multiply, S.f = CF|OF when the signed product overflows. */
export function imul64(al: number, ah: number, bl: number, bh: number): void {
  // Signed high qword = unsigned high qword - (a<0 ? b : 0) - (b<0 ? a : 0) (mod 2^64); the
  // product fits in 64 bits when that high qword is the sign extension of the low one.
  mulu128(al, ah, bl, bh);
  let xl = S.lo2, xh = S.hi2;
  if (ah < 0) { const n = (xl - bl) | 0; xh = (xh - bh - ((xl >>> 0) < (bl >>> 0) ? 1 : 0)) | 0; xl = n; }
  if (bh < 0) { const n = (xl - al) | 0; xh = (xh - ah - ((xl >>> 0) < (al >>> 0) ? 1 : 0)) | 0; xl = n; }
  const sx = S.hi >> 31;
  S.f = xl !== sx || xh !== sx ? CF | OF : 0;
}

/** Unsigned 64x64 -> 128 in numbers: S.lo S.hi (low qword), S.lo2 S.hi2 (high qword). */
function mulu128(al: number, ah: number, bl: number, bh: number): void {
  al >>>= 0; ah >>>= 0; bl >>>= 0; bh >>>= 0;
  const p0l = Math.imul(al, bl) >>> 0, p0h = mulhu32(al, bl) >>> 0;
  const p1l = Math.imul(al, bh) >>> 0, p1h = mulhu32(al, bh) >>> 0;
  const p2l = Math.imul(ah, bl) >>> 0, p2h = mulhu32(ah, bl) >>> 0;
  const p3l = Math.imul(ah, bh) >>> 0, p3h = mulhu32(ah, bh) >>> 0;
  const t1 = p0h + p1l + p2l;
  const c1 = Math.floor(t1 / 4294967296);
  const t2 = p1h + p2h + p3l + c1;
  const c2 = Math.floor(t2 / 4294967296);
  S.lo = p0l | 0; S.hi = t1 | 0; S.lo2 = t2 | 0; S.hi2 = (p3h + c2) | 0;
}

/** Signed 2/3-operand imul of size s <= 4: returns the truncated product, S.f overflow flags. */
export function imulN(s: number, a: number, b: number): number {
  const bits = s * 8;
  const sa = s === 4 ? a | 0 : (a << (32 - bits)) >> (32 - bits);
  const sb = s === 4 ? b | 0 : (b << (32 - bits)) >> (32 - bits);
  let r: number, full: number;
  if (s === 4) { r = Math.imul(sa, sb); full = sa * sb; }
  else { full = sa * sb; r = (full << (32 - bits)) >> (32 - bits); }
  S.f = r !== full ? CF | OF : 0;
  return s === 4 ? r : r & ((1 << bits) - 1);
}

/** mul/imul/div/idiv of 8-bit: ax, v. Results in S.lo (new ax). Returns false on #DE. */
export function muldiv8(k: number, ax: number, v: number): boolean {
  const al = ax & 0xff;
  if (k === 4) { const p = al * v; S.lo = p; S.f = p > 0xff ? CF | OF : 0; return true; }
  if (k === 5) { const p = ((al << 24) >> 24) * ((v << 24) >> 24); S.lo = p & 0xffff; S.f = p !== ((p << 24) >> 24) ? CF | OF : 0; return true; }
  if (v === 0) return false;
  if (k === 6) { const q = Math.floor(ax / v); if (q > 0xff) return false; S.lo = ((ax % v) << 8) | q; return true; }
  const sx = (ax << 16) >> 16, sv = (v << 24) >> 24;
  const q = Math.trunc(sx / sv);
  if (q > 127 || q < -128) return false;
  S.lo = (((sx % sv) & 0xff) << 8) | (q & 0xff);
  return true;
}
export function muldiv16(k: number, ax: number, dx: number, v: number): boolean {
  if (k === 4) { const p = ax * v; S.lo = p & 0xffff; S.lo2 = p >>> 16; S.f = S.lo2 ? CF | OF : 0; return true; }
  if (k === 5) { const p = ((ax << 16) >> 16) * ((v << 16) >> 16); S.lo = p & 0xffff; S.lo2 = (p >> 16) & 0xffff; S.f = p !== ((p << 16) >> 16) ? CF | OF : 0; return true; }
  if (v === 0) return false;
  const n = (dx << 16) | ax;
  if (k === 6) {
    const u = n >>> 0;
    const q = Math.floor(u / v);
    if (q > 0xffff) return false;
    S.lo = q; S.lo2 = u % v; return true;
  }
  const sv = (v << 16) >> 16;
  const q = Math.trunc(n / sv);
  if (q > 32767 || q < -32768) return false;
  S.lo = q & 0xffff; S.lo2 = (n % sv) & 0xffff; return true;
}
export function muldiv32(k: number, eax: number, edx: number, v: number): boolean {
  if (k === 4) {
    const p = BigInt(eax >>> 0) * BigInt(v >>> 0);
    S.lo = Number(BigInt.asIntN(32, p)); S.lo2 = Number(BigInt.asIntN(32, p >> 32n));
    S.f = S.lo2 ? CF | OF : 0; return true;
  }
  if (k === 5) {
    const p = BigInt(eax | 0) * BigInt(v | 0);
    S.lo = Number(BigInt.asIntN(32, p)); S.lo2 = Number(BigInt.asIntN(32, p >> 32n));
    S.f = BigInt(S.lo) !== p ? CF | OF : 0; return true;
  }
  if (v === 0) return false;
  if (k === 6) {
    const n = (edx >>> 0) * 4294967296 + (eax >>> 0);
    if (edx === 0) { const u = eax >>> 0, d = v >>> 0; S.lo = Math.floor(u / d) | 0; S.lo2 = (u % d) | 0; return true; }
    const N = BigInt(edx >>> 0) << 32n | BigInt(eax >>> 0), D = BigInt(v >>> 0);
    const q = N / D;
    if (q > 0xffffffffn) return false;
    void n;
    S.lo = Number(BigInt.asIntN(32, q)); S.lo2 = Number(BigInt.asIntN(32, N % D)); return true;
  }
  const N = (BigInt(edx | 0) << 32n) | BigInt(eax >>> 0), D = BigInt(v | 0);
  const q = N / D;
  if (q > 2147483647n || q < -2147483648n) return false;
  S.lo = Number(q); S.lo2 = Number(N % D); return true;
}
export function muldiv64(_c: unknown, k: number, al: number, ah: number, dl: number, dh: number, vl: number, vh: number): boolean {
  if (k === 4) {
    mulu128(al, ah, vl, vh);
    S.f = (S.lo2 | S.hi2) !== 0 ? CF | OF : 0;
    return true;
  }
  if (k === 5) {
    mulu128(al, ah, vl, vh);
    // signed correction of the high qword: hi -= (a<0 ? b : 0) + (b<0 ? a : 0)
    let l2 = S.lo2, h2 = S.hi2;
    if (ah < 0) { const n = (l2 - vl) | 0; h2 = (h2 - vh - ((l2 >>> 0) < (vl >>> 0) ? 1 : 0)) | 0; l2 = n; }
    if (vh < 0) { const n = (l2 - al) | 0; h2 = (h2 - ah - ((l2 >>> 0) < (al >>> 0) ? 1 : 0)) | 0; l2 = n; }
    S.lo2 = l2; S.hi2 = h2;
    const ext = S.hi >> 31;
    S.f = l2 !== ext || h2 !== ext ? CF | OF : 0;
    return true;
  }
  if ((vl | vh) === 0) return false;
  if (k === 6 && (dl | dh) === 0 && (ah >>> 0) < 0x200000 && (vh >>> 0) < 0x200000) {
    // Both fit in 53 bits: exact double arithmetic with a correction step.
    const n = (ah >>> 0) * 4294967296 + (al >>> 0), d = (vh >>> 0) * 4294967296 + (vl >>> 0);
    let q = Math.floor(n / d), r = n - q * d;
    if (r < 0) { q--; r += d; } else if (r >= d) { q++; r -= d; }
    S.lo = q | 0; S.hi = Math.floor(q / 4294967296) | 0; S.lo2 = r | 0; S.hi2 = Math.floor(r / 4294967296) | 0;
    return true;
  }
  const M = (1n << 64n) - 1n;
  let lo: bigint, hi: bigint;
  if (k === 6) {
    const N = (big64(dl, dh) << 64n) | big64(al, ah), D = big64(vl, vh);
    const q = N / D;
    if (q > M) return false;
    lo = q; hi = N % D;
  } else {
    const N = (sbig64(dl, dh) << 64n) | big64(al, ah), D = sbig64(vl, vh);
    const q = N / D;
    if (q > 0x7fffffffffffffffn || q < -0x8000000000000000n) return false;
    lo = q & M; hi = (N % D) & M;
  }
  S.lo = Number(BigInt.asIntN(32, lo)); S.hi = Number(BigInt.asIntN(32, lo >> 32n));
  S.lo2 = Number(BigInt.asIntN(32, hi)); S.hi2 = Number(BigInt.asIntN(32, hi >> 32n));
  return true;
}

/** kind: 0 popcnt 1 tzcnt 2 bsf 3 lzcnt 4 bsr. Returns the result or -1 (bsf/bsr of 0: dest unchanged); S.f flags. */
export function bitscan(kind: number, s: number, l: number, h: number, f0: number): number {
  const bits = s * 8;
  if (s < 4) l &= (1 << bits) - 1;
  if (s < 8) h = 0;
  const zero = (l | h) === 0;
  let r: number;
  switch (kind) {
    case 0: {
      r = pop(l) + pop(h);
      S.f = zero ? ZF : 0;
      return r;
    }
    case 1: case 2: {
      if (zero) { S.f = kind === 2 ? (f0 & ~ZF) | ZF : CF; return kind === 2 ? -1 : bits; }
      r = l ? 31 - Math.clz32(l & -l) : 32 + 31 - Math.clz32(h & -h);
      S.f = kind === 2 ? f0 & ~ZF : (r === 0 ? ZF : 0);
      return r;
    }
    default: {
      if (zero) { S.f = kind === 4 ? (f0 & ~ZF) | ZF : CF; return kind === 4 ? -1 : bits; }
      const top = h ? 63 - Math.clz32(h) : 31 - Math.clz32(l);
      if (kind === 4) { S.f = f0 & ~ZF; return top; }
      r = bits - 1 - top;
      S.f = r === 0 ? ZF : 0;
      return r;
    }
  }
}
function pop(x: number): number {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

// ---- crc32 (SSE4.2, CRC-32C polynomial 0x82F63B78 reflected) ------------------------------------
const CRC32C = new Int32Array(256);
for (let i = 0; i < 256; i++) { let c = i; for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1; CRC32C[i] = c; }
export function crc32c(acc: number, l: number, h: number, size: number): number {
  let c = acc;
  for (let i = 0; i < size; i++) {
    const b = i < 4 ? (l >>> (8 * i)) & 0xff : (h >>> (8 * (i - 4))) & 0xff;
    c = CRC32C[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return c | 0;
}

// ---- cpuid ---------------------------------------------------------------------------------------

/** CPUID.1:EDX: FPU TSC CX8 CMOV CLFSH MMX FXSR SSE SSE2. */
export const CPUID1_EDX = (1 << 0) | (1 << 4) | (1 << 8) | (1 << 15) | (1 << 19) | (1 << 23) | (1 << 24) | (1 << 25) | (1 << 26);
/** CPUID.1:ECX: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT (set from what sse.ts implements). */
export let CPUID1_ECX = (1 << 0) | (1 << 9) | (1 << 13) | (1 << 19) | (1 << 20) | (1 << 22) | (1 << 23);
export function setCpuid1Ecx(v: number): void { CPUID1_ECX = v; }

const BRAND = 'elfbox x86-64 (TypeScript)';
function brandWord(i: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) v |= (BRAND.charCodeAt(i * 4 + k) || 0) << (8 * k);
  return v;
}

export function cpuid(leaf: number, sub: number): void {
  let a = 0, b = 0, c = 0, d = 0;
  switch (leaf >>> 0) {
    case 0: a = 7; b = 0x756e6547; d = 0x49656e69; c = 0x6c65746e; break; // GenuineIntel
    case 1: a = 0x000306a9; b = 0x00010800; c = CPUID1_ECX; d = CPUID1_EDX; break;
    case 2: a = 1; break;
    case 4: {
      // Deterministic cache parameters: L1d 32K, L1i 32K, L2 256K, L3 8M; 64-byte lines.
      const caches: Array<[number, number, number, number]> = [[1, 1, 8, 64], [2, 1, 8, 64], [3, 2, 8, 512], [3, 3, 16, 8192]];
      const e = caches[sub >>> 0];
      if (e) { a = e[0] | (e[1] << 5) | (1 << 8); b = 63 | ((e[2] - 1) << 22); c = e[3] - 1; }
      break;
    }
    case 7: break;
    case 0x80000000: a = 0x80000008; break;
    case 0x80000001: c = 1 | (1 << 5); d = (1 << 11) | (1 << 20) | (1 << 27) | (1 << 29); break;
    case 0x80000002: case 0x80000003: case 0x80000004: {
      const base = ((leaf >>> 0) - 0x80000002) * 4;
      a = brandWord(base); b = brandWord(base + 1); c = brandWord(base + 2); d = brandWord(base + 3);
      break;
    }
    case 0x80000006: c = (256 << 16) | (8 << 12) | 64; break;
    case 0x80000008: a = 0x3030; break;
  }
  S.a = a; S.b = b; S.c = c; S.d = d;
}

// ---- string instructions ----------------------------------------------------------------------
// Each helper runs the whole instruction on the register file (the block committed its locals
// first and reloads them after). A rep runs at most MAX_REP iterations per call and returns 1 to
// have the block exit at the same instruction (so the budget and other tasks get a turn).

const MAX_REP = 1 << 16;

function getAddr(R: Int32Array, r: number, a32: number): number {
  return a32 ? R[2 * r] >>> 0 : R[2 * r + 1] * 4294967296 + (R[2 * r] >>> 0);
}
function setAddr(R: Int32Array, r: number, v: number, a32: number): void {
  if (a32) { R[2 * r] = v; R[2 * r + 1] = 0; return; }
  const hi = Math.floor(v / 4294967296);
  R[2 * r] = v - hi * 4294967296; R[2 * r + 1] = hi;
}
/** The count register, capped: a huge rcx (above 2^48) runs as "very many". */
function getCount(R: Int32Array, a32: number): number {
  if (a32) return R[2] >>> 0;
  const hi = R[3] >>> 0;
  return hi >= 0x10000 ? 2 ** 48 : hi * 4294967296 + (R[2] >>> 0);
}
/** rcx -= done, exactly in 64 bits. */
function subCount(R: Int32Array, done: number, a32: number): void {
  if (a32) { R[2] = (R[2] - done) | 0; R[3] = 0; return; }
  const lo = R[2] >>> 0;
  const dl = done % 4294967296, dh = Math.floor(done / 4294967296);
  const nl = lo - dl;
  R[2] = nl | 0;
  R[3] = (R[3] - dh - (nl < 0 ? 1 : 0)) | 0;
}

type StrCore = CpuCore & { mh: MemHelpers; mem: AddressSpace };

function ldN(h: MemHelpers, a: number, s: number): [number, number] {
  if (s === 8) return [h.ld32(a), h.ld32(a + 4)];
  return [s === 1 ? h.ld8(a) : s === 2 ? h.ld16(a) : h.ld32(a), 0];
}
function stN(h: MemHelpers, a: number, s: number, l: number, hi: number): void {
  if (s === 8) h.st64(a, l, hi);
  else if (s === 1) h.st8(a, l);
  else if (s === 2) h.st16(a, l);
  else h.st32(a, l);
}

function rangeOk(mem: AddressSpace, a: number, len: number, mask: number, want: number): boolean {
  const P = mem.perm;
  for (let p = a >>> 12, e = (a + len - 1) >>> 12; p <= e; p++) if ((P[p] & mask) !== want) return false;
  return true;
}

export function str_movs(c: StrCore, s: number, rep: number, a32: number, seg: number): number {
  const R = c.R, h = c.mh;
  const step = c.df ? -s : s;
  const si = getAddr(R, 6, a32), di = getAddr(R, 7, a32);
  if (!rep) {
    const [l, hi] = ldN(h, seg + si, s); stN(h, di, s, l, hi);
    setAddr(R, 6, si + step, a32); setAddr(R, 7, di + step, a32);
    return 0;
  }
  const n = getCount(R, a32);
  if (n === 0) return 0;
  // Fast path: forward, both ranges low and permitted, no code pages, not overlapping forward.
  if (!c.df && !seg && n <= 1 << 28) {
    const bytes = n * s;
    if (di + bytes <= LOW_LIMIT && si + bytes <= LOW_LIMIT && (di >= si + bytes || di + bytes <= si || di <= si - s) &&
      rangeOk(c.mem, si, bytes, PERM_R, PERM_R) && rangeOk(c.mem, di, bytes, WRITE_FAST_MASK, PERM_W)) {
      c.mem.u8.copyWithin(di, si, si + bytes);
      setAddr(R, 6, si + bytes, a32); setAddr(R, 7, di + bytes, a32); subCount(R, n, a32);
      return 0;
    }
  }
  const lim = Math.min(n, MAX_REP);
  let done = 0;
  try {
    for (; done < lim; done++) {
      const [l, hi] = ldN(h, seg + si + done * step, s); stN(h, di + done * step, s, l, hi);
    }
  } finally {
    setAddr(R, 6, si + done * step, a32); setAddr(R, 7, di + done * step, a32); subCount(R, done, a32);
  }
  return done < n ? 1 : 0;
}

export function str_stos(c: StrCore, s: number, rep: number, a32: number, _seg: number): number {
  const R = c.R, h = c.mh;
  const step = c.df ? -s : s;
  const di = getAddr(R, 7, a32);
  const l = s === 1 ? R[0] & 0xff : s === 2 ? R[0] & 0xffff : R[0], hi = R[1];
  if (!rep) { stN(h, di, s, l, hi); setAddr(R, 7, di + step, a32); return 0; }
  const n = getCount(R, a32);
  if (n === 0) return 0;
  if (!c.df && s === 1 && n <= 1 << 28 && di + n <= LOW_LIMIT && rangeOk(c.mem, di, n, WRITE_FAST_MASK, PERM_W)) {
    c.mem.u8.fill(l, di, di + n);
    setAddr(R, 7, di + n, a32); subCount(R, n, a32);
    return 0;
  }
  const lim = Math.min(n, MAX_REP);
  let done = 0;
  try {
    for (; done < lim; done++) stN(h, di + done * step, s, l, hi);
  } finally {
    setAddr(R, 7, di + done * step, a32); subCount(R, done, a32);
  }
  return done < n ? 1 : 0;
}

export function str_lods(c: StrCore, s: number, rep: number, a32: number, seg: number): number {
  const R = c.R, h = c.mh;
  const step = c.df ? -s : s;
  const si = getAddr(R, 6, a32);
  const n = rep ? getCount(R, a32) : 1;
  const lim = Math.min(n, MAX_REP);
  let done = 0;
  try {
    for (; done < lim; done++) {
      const [l, hi] = ldN(h, seg + si + done * step, s);
      if (s === 8) { R[0] = l; R[1] = hi; }
      else if (s === 4) { R[0] = l; R[1] = 0; }
      else if (s === 2) R[0] = (R[0] & ~0xffff) | l;
      else R[0] = (R[0] & ~0xff) | l;
      setAddr(R, 6, si + (done + 1) * step, a32);
    }
  } finally {
    if (rep) subCount(R, done, a32);
  }
  return done < n ? 1 : 0;
}

function recordSub(c: CpuCore, s: number, a: [number, number], b: [number, number]): void {
  c.fo = K_SUB * 4 + (s === 1 ? 0 : s === 2 ? 1 : s === 4 ? 2 : 3);
  c.fa = a[0]; c.fah = a[1]; c.fb = b[0]; c.fbh = b[1];
  if (s === 8) {
    const lo = (a[0] - b[0]) | 0;
    c.fr = lo; c.frh = (a[1] - b[1] - ((a[0] >>> 0) < (b[0] >>> 0) ? 1 : 0)) | 0;
  } else {
    const m = s === 4 ? -1 : (1 << (s * 8)) - 1;
    c.fr = s === 4 ? (a[0] - b[0]) | 0 : (a[0] - b[0]) & m; c.frh = 0;
  }
}
function eq(a: [number, number], b: [number, number]): boolean { return a[0] === b[0] && a[1] === b[1]; }

export function str_cmps(c: StrCore, s: number, rep: number, a32: number, seg: number): number {
  const R = c.R, h = c.mh;
  const step = c.df ? -s : s;
  const si = getAddr(R, 6, a32), di = getAddr(R, 7, a32);
  const n = rep ? getCount(R, a32) : 1;
  const lim = Math.min(n, MAX_REP);
  let done = 0, stopped = false;
  try {
    while (done < lim) {
      const a = ldN(h, seg + si + done * step, s), b = ldN(h, di + done * step, s);
      recordSub(c, s, a, b);
      done++;
      if (rep && (rep === 0xf3 ? !eq(a, b) : eq(a, b))) { stopped = true; break; }
    }
  } finally {
    setAddr(R, 6, si + done * step, a32); setAddr(R, 7, di + done * step, a32);
    if (rep) subCount(R, done, a32);
  }
  return stopped || done >= n ? 0 : 1;
}

export function str_scas(c: StrCore, s: number, rep: number, a32: number, _seg: number): number {
  const R = c.R, h = c.mh;
  const step = c.df ? -s : s;
  const di = getAddr(R, 7, a32);
  const acc: [number, number] = [s === 1 ? R[0] & 0xff : s === 2 ? R[0] & 0xffff : R[0], s === 8 ? R[1] : 0];
  const n = rep ? getCount(R, a32) : 1;
  const lim = Math.min(n, MAX_REP);
  let done = 0, stopped = false;
  try {
    while (done < lim) {
      const b = ldN(h, di + done * step, s);
      recordSub(c, s, acc, b);
      done++;
      if (rep && (rep === 0xf3 ? !eq(acc, b) : eq(acc, b))) { stopped = true; break; }
    }
  } finally {
    setAddr(R, 7, di + done * step, a32);
    if (rep) subCount(R, done, a32);
  }
  return stopped || done >= n ? 0 : 1;
}

export { flagsOf, ccOf, cfOf, MemoryFault };
