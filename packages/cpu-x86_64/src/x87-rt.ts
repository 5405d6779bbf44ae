// x87 with true 80-bit extended precision. Registers hold the exact bit image (sign+15-bit exponent,
// 64-bit mantissa with the explicit integer bit). Arithmetic unpacks to an exact (sign, integer
// mantissa, power-of-two exponent) triple in BigInt, computes exactly (or with a sticky bit) and
// rounds once per the FCW precision and rounding control, like the hardware.
// Transcendentals (f2xm1, fyl2x, fsin, fcos, fptan, fpatan, fyl2xp1) are computed in float64 and
// widened: they are not bit-exact (see README).
import { S } from './runtime.js';

export interface Fc {
  fe: Uint16Array; fm: BigUint64Array; ftop: number; fcw: number; fsw: number; ftag: number;
  mh: {
    ld8(a: number): number; ld16(a: number): number; ld32(a: number): number;
    st16(a: number, v: number): void; st32(a: number, v: number): void; st64(a: number, l: number, h: number): void; st8(a: number, v: number): void;
  };
}

const BIAS = 16383;
/** Set by the rounding helpers: the last result was inexact / its magnitude was rounded up. */
let INEXACT = false, UP = false, OVER = false, UNDER = false;
const M64 = (1n << 64n) - 1n;
const INT_BIT = 1n << 63n;

// An unpacked value: kind 0 finite (incl. zero), 1 infinity, 2 NaN. Finite value = (-1)^s * m * 2^e.
interface U { k: number; s: number; m: bigint; e: number; nanBits?: [number, bigint] }

function unpack(se: number, m: bigint): U {
  const s = se >> 15, ex = se & 0x7fff;
  if (ex === 0x7fff) {
    if ((m & ~INT_BIT) === 0n) return { k: 1, s, m: 0n, e: 0 };
    return { k: 2, s, m: 0n, e: 0, nanBits: [se, m | (1n << 62n)] };
  }
  if (ex === 0) return { k: 0, s, m, e: 1 - BIAS - 63 };
  return { k: 0, s, m, e: ex - BIAS - 63 };
}

function bitLen(x: bigint): number { return x === 0n ? 0 : x.toString(2).length; }

/**
 * Rounds (-1)^s * m * 2^e (+ sticky: true when nonzero bits were dropped below m) to `prec`
 * mantissa bits with minimum exponent for denormals; rc: 0 nearest-even, 1 down, 2 up, 3 zero.
 * Returns the packed [se, mantissa].
 */
function roundPack(s: number, m: bigint, e: number, sticky: boolean, prec: number, rc: number): [number, bigint] {
  if (m === 0n) return [s << 15, 0n];
  let n = bitLen(m);
  // Target: the mantissa's top bit at position 63 of the 64-bit field, with `prec` significant bits.
  let exp = e + n - 1; // unbiased exponent of the leading bit
  let drop = n - prec;
  // Denormal range: the leading bit's exponent below 1-BIAS keeps fewer bits.
  const minExp = 1 - BIAS;
  if (exp < minExp) drop += minExp - exp;
  let q = m;
  if (drop > 0) {
    const rem = m & ((1n << BigInt(drop)) - 1n);
    q = m >> BigInt(drop);
    const half = 1n << BigInt(drop - 1);
    const st = sticky || rem !== 0n;
    let up = false;
    if (st) {
      switch (rc) {
        case 0: up = rem > half || (rem === half && (sticky || (q & 1n) === 1n)); break;
        case 1: up = s === 1; break;
        case 2: up = s === 0; break;
        default: up = false;
      }
    }
    if (st) INEXACT = true;
    if (up) { q += 1n; UP = true; }
    e += drop;
  } else if (drop < 0) {
    q = m << BigInt(-drop);
    e += drop;
  }
  n = bitLen(q);
  exp = e + n - 1;
  if (exp > BIAS) {
    // overflow: infinity or the largest finite per rounding mode
    OVER = true; INEXACT = true;
    const toInf = rc === 0 || (rc === 1 && s === 1) || (rc === 2 && s === 0);
    if (toInf) return [(s << 15) | 0x7fff, INT_BIT];
    const maxM = ((1n << BigInt(prec)) - 1n) << BigInt(64 - prec);
    return [(s << 15) | 0x7ffe, maxM];
  }
  if (q === 0n) return [s << 15, 0n];
  if (exp < minExp) {
    if (INEXACT) UNDER = true;
    // denormal: biased exponent 0, mantissa aligned so that the LSB weight is 2^(1-BIAS-63)
    const sh = e - (1 - BIAS - 63);
    return [s << 15, (sh >= 0 ? q << BigInt(sh) : q >> BigInt(-sh)) & M64];
  }
  const mant = (q << BigInt(63 - (n - 1))) & M64;
  return [(s << 15) | (exp + BIAS), mant];
}

const pcBits = (c: Fc) => { const pc = (c.fcw >> 8) & 3; return pc === 0 ? 24 : pc === 2 ? 53 : 64; };
const rcOf = (c: Fc) => (c.fcw >> 10) & 3;
const INDEF: [number, bigint] = [0xffff, 0xc000000000000000n];

// ---- stack ---------------------------------------------------------------------------------------
function phys(c: Fc, i: number): number { return (c.ftop + i) & 7; }
function get(c: Fc, i: number): [number, bigint] { const p = phys(c, i); return [c.fe[p], c.fm[p]]; }
function set(c: Fc, i: number, v: [number, bigint]): void { const p = phys(c, i); c.fe[p] = v[0]; c.fm[p] = v[1]; c.ftag |= 1 << p; }
function push(c: Fc, v: [number, bigint]): void {
  c.ftop = (c.ftop - 1) & 7;
  if (c.ftag & (1 << c.ftop)) c.fsw |= 0x41 | 0x200; // stack overflow (IE|SF, C1=1), masked: write anyway
  set(c, 0, v);
}
function pop(c: Fc): void { c.ftag &= ~(1 << c.ftop); c.ftop = (c.ftop + 1) & 7; }

// ---- conversions ---------------------------------------------------------------------------------
const cvb = new DataView(new ArrayBuffer(8));
export function fromF64(v: number): [number, bigint] {
  cvb.setFloat64(0, v, true);
  const bits = cvb.getBigUint64(0, true);
  const s = Number(bits >> 63n), ex = Number((bits >> 52n) & 0x7ffn), fr = bits & ((1n << 52n) - 1n);
  if (ex === 0x7ff) return fr === 0n ? [(s << 15) | 0x7fff, INT_BIT] : [(s << 15) | 0x7fff, INT_BIT | (fr << 11n)];
  if (ex === 0) { if (fr === 0n) return [s << 15, 0n]; return roundPack(s, fr, -1074, false, 64, 0); }
  return [(s << 15) | (ex - 1023 + BIAS), INT_BIT | (fr << 11n)];
}
function fromF32(bits: number): [number, bigint] {
  const s = bits >>> 31, ex = (bits >>> 23) & 0xff, fr = BigInt(bits & 0x7fffff);
  if (ex === 0xff) return fr === 0n ? [(s << 15) | 0x7fff, INT_BIT] : [(s << 15) | 0x7fff, INT_BIT | (fr << 40n)];
  if (ex === 0) { if (fr === 0n) return [s << 15, 0n]; return roundPack(s, fr, -149, false, 64, 0); }
  return [(s << 15) | (ex - 127 + BIAS), INT_BIT | (fr << 40n)];
}
/** To an IEEE binary format (fracBits 52 / 23, expBits 11 / 8): returns the bit pattern as bigint. */
function toIeee(v: [number, bigint], fracBits: number, expBits: number, rc: number): bigint {
  const u = unpack(v[0], v[1]);
  const sgn = BigInt(u.s) << BigInt(fracBits + expBits);
  const emax = (1 << expBits) - 1;
  if (u.k === 1) return sgn | (BigInt(emax) << BigInt(fracBits));
  if (u.k === 2) return sgn | (BigInt(emax) << BigInt(fracBits)) | (1n << BigInt(fracBits - 1)) | ((v[1] >> BigInt(63 - fracBits)) & ((1n << BigInt(fracBits)) - 1n));
  if (u.m === 0n) return sgn;
  const bias = (1 << (expBits - 1)) - 1;
  const prec = fracBits + 1;
  // Round with the target's exponent range: emulate by rounding with a local roundPack variant.
  let m = u.m, e = u.e;
  const n = bitLen(m);
  let exp = e + n - 1;
  let drop = n - prec;
  const minExp = 1 - bias;
  if (exp < minExp) drop += minExp - exp;
  if (drop > 0) {
    const rem = m & ((1n << BigInt(drop)) - 1n);
    let q = m >> BigInt(drop);
    const half = 1n << BigInt(drop - 1);
    let up = false;
    if (rem !== 0n) {
      if (rc === 0) up = rem > half || (rem === half && (q & 1n) === 1n);
      else if (rc === 1) up = u.s === 1;
      else if (rc === 2) up = u.s === 0;
    }
    if (rem !== 0n) INEXACT = true;
    if (up) { q += 1n; UP = true; }
    m = q; e += drop;
  }
  if (m === 0n) return sgn;
  const n2 = bitLen(m);
  exp = e + n2 - 1;
  if (exp > bias) {
    const toInf = rc === 0 || (rc === 1 && u.s === 1) || (rc === 2 && u.s === 0);
    if (toInf) return sgn | (BigInt(emax) << BigInt(fracBits));
    return sgn | (BigInt(emax - 1) << BigInt(fracBits)) | ((1n << BigInt(fracBits)) - 1n);
  }
  if (exp < minExp) {
    // denormal: LSB weight 2^(minExp - fracBits)
    const sh = e - (minExp - fracBits);
    return sgn | (sh >= 0 ? m << BigInt(sh) : m >> BigInt(-sh));
  }
  const frac = (m << BigInt(fracBits - (n2 - 1))) & ((1n << BigInt(fracBits)) - 1n);
  return sgn | (BigInt(exp + bias) << BigInt(fracBits)) | frac;
}
export function toF64(v: [number, bigint]): number {
  cvb.setBigUint64(0, toIeee(v, 52, 11, 0), true);
  return cvb.getFloat64(0, true);
}
function fromInt(x: bigint): [number, bigint] {
  if (x === 0n) return [0, 0n];
  const s = x < 0n ? 1 : 0;
  return roundPack(s, s ? -x : x, 0, false, 64, 0);
}
/** To an integer per rc; null when NaN/inf/out of range of `bits` signed. */
function toInt(v: [number, bigint], bits: number, rc: number): bigint | null {
  const u = unpack(v[0], v[1]);
  if (u.k !== 0) return null;
  let q: bigint;
  if (u.e >= 0) q = u.m << BigInt(u.e);
  else {
    const sh = BigInt(-u.e);
    q = sh >= 200n ? 0n : u.m >> sh;
    const rem = sh >= 200n ? u.m : u.m & ((1n << sh) - 1n);
    const half = sh >= 200n ? -1n : 1n << (sh - 1n);
    let up = false;
    if (rem !== 0n) {
      if (rc === 0) up = half >= 0n && (rem > half || (rem === half && (q & 1n) === 1n));
      else if (rc === 1) up = u.s === 1;
      else if (rc === 2) up = u.s === 0;
    }
    if (rem !== 0n) INEXACT = true;
    if (up) { q += 1n; UP = true; }
  }
  const r = u.s ? -q : q;
  const lim = 1n << BigInt(bits - 1);
  if (r >= lim || r < -lim) return null;
  return r;
}

// ---- arithmetic ------------------------------------------------------------------------------
function nanOut(a: U, b?: U): [number, bigint] {
  if (a.k === 2) return a.nanBits!;
  if (b && b.k === 2) return b.nanBits!;
  return INDEF;
}
function addU(c: Fc, a: U, b: U, sub: boolean): [number, bigint] {
  if (a.k === 2 || b.k === 2) return nanOut(a, b);
  const bs = sub ? b.s ^ 1 : b.s;
  if (a.k === 1 || b.k === 1) {
    if (a.k === 1 && b.k === 1) return a.s === bs ? [(a.s << 15) | 0x7fff, INT_BIT] : (c.fsw |= 1, INDEF);
    return a.k === 1 ? [(a.s << 15) | 0x7fff, INT_BIT] : [(bs << 15) | 0x7fff, INT_BIT];
  }
  const rc = rcOf(c);
  if (a.m === 0n && b.m === 0n) {
    const s = a.s === bs ? a.s : rc === 1 ? 1 : 0;
    return [s << 15, 0n];
  }
  if (a.m === 0n) return roundPack(bs, b.m, b.e, false, pcBits(c), rc);
  if (b.m === 0n) return roundPack(a.s, a.m, a.e, false, pcBits(c), rc);
  // Align: if exponents differ by a lot, the smaller only contributes a sticky bit.
  let x = a, y = { ...b, s: bs };
  if (x.e + bitLen(x.m) < y.e + bitLen(y.m)) { const t = x; x = y; y = t; }
  let sticky = false;
  const topY = y.e + bitLen(y.m), lowX = x.e;
  let ym = y.m, ye = y.e;
  if (lowX - topY > 3) {
    // y is far below x's LSB: replace it by a tiny sticky contribution below x.
    ym = 1n; ye = x.e - 4; sticky = false;
  }
  const e = Math.min(x.e, ye);
  const xm = x.m << BigInt(x.e - e), yy = ym << BigInt(ye - e);
  let r = (x.s ? -xm : xm) + (y.s ? -yy : yy);
  if (r === 0n) return [(rc === 1 ? 1 : 0) << 15, 0n];
  const s = r < 0n ? 1 : 0;
  if (r < 0n) r = -r;
  return roundPack(s, r, e, sticky, pcBits(c), rc);
}
function mulU(c: Fc, a: U, b: U): [number, bigint] {
  if (a.k === 2 || b.k === 2) return nanOut(a, b);
  const s = a.s ^ b.s;
  if (a.k === 1 || b.k === 1) {
    if ((a.k === 0 && a.m === 0n) || (b.k === 0 && b.m === 0n)) { c.fsw |= 1; return INDEF; }
    return [(s << 15) | 0x7fff, INT_BIT];
  }
  if (a.m === 0n || b.m === 0n) return [s << 15, 0n];
  return roundPack(s, a.m * b.m, a.e + b.e, false, pcBits(c), rcOf(c));
}
function divU(c: Fc, a: U, b: U): [number, bigint] {
  if (a.k === 2 || b.k === 2) return nanOut(a, b);
  const s = a.s ^ b.s;
  if (a.k === 1) { if (b.k === 1) { c.fsw |= 1; return INDEF; } return [(s << 15) | 0x7fff, INT_BIT]; }
  if (b.k === 1) return [s << 15, 0n];
  if (b.m === 0n) {
    if (a.m === 0n) { c.fsw |= 1; return INDEF; }
    c.fsw |= 4;
    return [(s << 15) | 0x7fff, INT_BIT];
  }
  if (a.m === 0n) return [s << 15, 0n];
  const K = 140;
  const num = a.m << BigInt(K);
  const q = num / b.m, rem = num % b.m;
  return roundPack(s, q, a.e - b.e - K, rem !== 0n, pcBits(c), rcOf(c));
}
function sqrtU(c: Fc, a: U): [number, bigint] {
  if (a.k === 2) return nanOut(a);
  if (a.k === 0 && a.m === 0n) return [a.s << 15, 0n];
  if (a.s) { c.fsw |= 1; return INDEF; }
  if (a.k === 1) return [0x7fff, INT_BIT];
  let m = a.m, e = a.e;
  const K = 140;
  m <<= BigInt(K); e -= K;
  if (e & 1) { m <<= 1n; e -= 1; }
  const r = isqrt(m);
  return roundPack(0, r, e / 2, r * r !== m, pcBits(c), rcOf(c));
}
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  // Newton refinement from a float64 estimate (the estimate may be off in low bits)
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) { // converged; fix up
      while (x * x > n) x -= 1n;
      while ((x + 1n) * (x + 1n) <= n) x += 1n;
      return x;
    }
    x = y;
  }
}
/** Compare: returns -1, 0, 1, or 2 (unordered). */
function cmpU(a: U, b: U): number {
  if (a.k === 2 || b.k === 2) return 2;
  const va = a.k === 1 ? (a.s ? -Infinity : Infinity) : null, vb = b.k === 1 ? (b.s ? -Infinity : Infinity) : null;
  if (va !== null || vb !== null) {
    const x = va ?? 0, y = vb ?? 0;
    if (va !== null && vb !== null) return x === y ? 0 : x < y ? -1 : 1;
    if (va !== null) return va < 0 ? -1 : 1;
    return vb! < 0 ? 1 : -1;
  }
  if (a.m === 0n && b.m === 0n) return 0;
  const e = Math.min(a.e, b.e);
  const xa = (a.s ? -a.m : a.m) << BigInt(a.e - e), xb = (b.s ? -b.m : b.m) << BigInt(b.e - e);
  return xa === xb ? 0 : xa < xb ? -1 : 1;
}

function uOf(v: [number, bigint]): U { return unpack(v[0], v[1]); }

function arith(c: Fc, k: number, x: [number, bigint], y: [number, bigint]): [number, bigint] {
  // k: 0 add 1 mul 4 x-y 5 y-x 6 x/y 7 y/x
  const a = uOf(x), b = uOf(y);
  switch (k) {
    case 0: return addU(c, a, b, false);
    case 1: return mulU(c, a, b);
    case 4: return addU(c, a, b, true);
    case 5: return addU(c, b, a, true);
    case 6: return divU(c, a, b);
    default: return divU(c, b, a);
  }
}

function setCC(c: Fc, r: number): void {
  // C3 C2 C0: > 000, < 001, = 100, unordered 111
  c.fsw &= ~0x4500;
  if (r === -1) c.fsw |= 0x100;
  else if (r === 0) c.fsw |= 0x4000;
  else if (r === 2) c.fsw |= 0x4500;
}
function eflagsOf(r: number): number { return r === -1 ? 1 : r === 0 ? 0x40 : r === 2 ? 0x45 : 0; }

// ---- memory forms -----------------------------------------------------------------------------
function ldM(c: Fc, a: number, kind: number): [number, bigint] {
  const h = c.mh;
  switch (kind) {
    case 0: return fromF32(h.ld32(a) >>> 0);
    case 1: { const lo = h.ld32(a), hi = h.ld32(a + 4); cvb.setInt32(0, lo, true); cvb.setInt32(4, hi, true); return fromF64(cvb.getFloat64(0, true)); }
    case 2: return fromInt(BigInt(h.ld32(a)));
    case 3: return fromInt(BigInt((h.ld16(a) << 16) >> 16));
    case 4: { const lo = h.ld32(a), hi = h.ld32(a + 4); return fromInt(BigInt.asIntN(64, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0))); }
    default: { const lo = h.ld32(a), hi = h.ld32(a + 4), se = h.ld16(a + 8); return [se, (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)]; }
  }
}
function stInt(c: Fc, a: number, v: [number, bigint], bytes: number, rc: number): void {
  let r = toInt(v, bytes * 8, rc);
  if (r === null) { c.fsw |= 1; r = -(1n << BigInt(bytes * 8 - 1)); }
  const h = c.mh;
  const u = BigInt.asUintN(64, r);
  if (bytes === 2) h.st16(a, Number(u & 0xffffn));
  else if (bytes === 4) h.st32(a, Number(u & 0xffffffffn) | 0);
  else h.st64(a, Number(u & 0xffffffffn) | 0, Number(u >> 32n) | 0);
}

/** Memory-operand x87 instruction: esc = 0..7 (D8..DF), k = ModRM.reg, a = address. */
export function m(c: Fc, esc: number, k: number, a: number): void {
  const control = (esc === 1 && k >= 4) || (esc === 5 && k >= 4);
  if (control) { m0(c, esc, k, a); return; }
  INEXACT = false; UP = false; OVER = false; UNDER = false;
  c.fsw &= ~0x200;
  m0(c, esc, k, a);
  post(c);
}
function m0(c: Fc, esc: number, k: number, a: number): void {
  const h = c.mh;
  if (esc === 0 || esc === 2 || esc === 4 || esc === 6) {
    const y = ldM(c, a, esc === 0 ? 0 : esc === 4 ? 1 : esc === 2 ? 2 : 3);
    if (k === 2 || k === 3) { setCC(c, cmpU(uOf(get(c, 0)), uOf(y))); if (k === 3) pop(c); return; }
    set(c, 0, arith(c, k, get(c, 0), y));
    return;
  }
  switch (esc * 8 + k) {
    case 8: push(c, ldM(c, a, 0)); return; // fld m32
    case 10: case 11: { // fst(p) m32
      const b = Number(toIeee(get(c, 0), 23, 8, rcOf(c)));
      h.st32(a, b | 0);
      if (k === 3) pop(c);
      return;
    }
    case 12: fldenv(c, a); return;
    case 13: c.fcw = h.ld16(a); return;
    case 14: fnstenv(c, a); return;
    case 15: h.st16(a, c.fcw); return;
    case 24: push(c, ldM(c, a, 2)); return; // fild m32
    case 25: stInt(c, a, get(c, 0), 4, 3); pop(c); return; // fisttp m32
    case 26: case 27: stInt(c, a, get(c, 0), 4, rcOf(c)); if (k === 3) pop(c); return;
    case 29: push(c, ldM(c, a, 5)); return; // fld m80
    case 31: { // fstp m80
      const [se, mm] = get(c, 0);
      h.st64(a, Number(mm & 0xffffffffn) | 0, Number(mm >> 32n) | 0);
      h.st16(a + 8, se);
      pop(c);
      return;
    }
    case 40: push(c, ldM(c, a, 1)); return; // fld m64
    case 41: stInt(c, a, get(c, 0), 8, 3); pop(c); return; // fisttp m64
    case 42: case 43: { // fst(p) m64
      const b = toIeee(get(c, 0), 52, 11, rcOf(c));
      h.st64(a, Number(b & 0xffffffffn) | 0, Number(b >> 32n) | 0);
      if (k === 3) pop(c);
      return;
    }
    case 44: frstor(c, a); return;
    case 46: fnsave(c, a); return;
    case 47: h.st16(a, sw(c)); return;
    case 56: push(c, ldM(c, a, 3)); return; // fild m16
    case 57: stInt(c, a, get(c, 0), 2, 3); pop(c); return;
    case 58: case 59: stInt(c, a, get(c, 0), 2, rcOf(c)); if (k === 3) pop(c); return;
    case 61: push(c, ldM(c, a, 4)); return; // fild m64
    case 63: stInt(c, a, get(c, 0), 8, rcOf(c)); pop(c); return; // fistp m64
  }
  throw new X87Illegal(`x87 memory form d${(8 + esc).toString(16)} /${k}`);
}
export class X87Illegal extends Error {}
function post(c: Fc): void {
  if (INEXACT) c.fsw |= 0x20 | (UP ? 0x200 : 0);
  if (OVER) c.fsw |= 0x8;
  if (UNDER) c.fsw |= 0x10;
}

export function sw(c: Fc): number { return (c.fsw & ~0x3800) | ((c.ftop & 7) << 11); }

function fnstenv(c: Fc, a: number): void {
  const h = c.mh;
  h.st32(a, c.fcw | 0xffff0000); h.st32(a + 4, sw(c) | 0xffff0000);
  let tw = 0;
  for (let p = 0; p < 8; p++) tw |= (c.ftag & (1 << p) ? tagOf(c, p) : 3) << (2 * p);
  h.st32(a + 8, tw | 0xffff0000);
  for (let i = 12; i < 28; i += 4) h.st32(a + i, 0);
  c.fcw |= 0x3f; // fnstenv masks all exceptions
}
function tagOf(c: Fc, p: number): number {
  const ex = c.fe[p] & 0x7fff, mm = c.fm[p];
  if (ex === 0x7fff) return 2;
  if (ex === 0) return mm === 0n ? 1 : 2;
  return mm & INT_BIT ? 0 : 2;
}
function fldenv(c: Fc, a: number): void {
  const h = c.mh;
  c.fcw = h.ld16(a);
  const s = h.ld16(a + 4);
  c.ftop = (s >> 11) & 7; c.fsw = s & ~0x3800;
  const tw = h.ld16(a + 8);
  c.ftag = 0;
  for (let p = 0; p < 8; p++) if (((tw >> (2 * p)) & 3) !== 3) c.ftag |= 1 << p;
}
function fnsave(c: Fc, a: number): void {
  const saveCw = c.fcw;
  fnstenv(c, a);
  c.fcw = saveCw;
  for (let i = 0; i < 8; i++) {
    const [se, mm] = get(c, i);
    c.mh.st64(a + 28 + i * 10, Number(mm & 0xffffffffn) | 0, Number(mm >> 32n) | 0);
    c.mh.st16(a + 36 + i * 10, se);
  }
  finit(c);
}
function frstor(c: Fc, a: number): void {
  fldenv(c, a);
  for (let i = 0; i < 8; i++) {
    const lo = c.mh.ld32(a + 28 + i * 10), hi = c.mh.ld32(a + 32 + i * 10), se = c.mh.ld16(a + 36 + i * 10);
    const p = phys(c, i);
    c.fe[p] = se; c.fm[p] = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  }
}
function finit(c: Fc): void { c.fcw = 0x37f; c.fsw = 0; c.ftop = 0; c.ftag = 0; }

// ---- register forms --------------------------------------------------------------------------
const CONSTS: Array<[number, bigint]> = [
  [0x3fff, 0x8000000000000000n], // 1
  [0x4000, 0xd49a784bcd1b8afen], // log2(10)
  [0x3fff, 0xb8aa3b295c17f0bcn], // log2(e)
  [0x4000, 0xc90fdaa22168c235n], // pi
  [0x3ffd, 0x9a209a84fbcff799n], // log10(2)
  [0x3ffe, 0xb17217f7d1cf79acn], // ln(2)
  [0, 0n], // +0
];

function viaF64(c: Fc, f: (x: number) => number, x: [number, bigint]): [number, bigint] {
  void c;
  return fromF64(f(toF64(x)));
}

/** Register-form x87 instruction: esc 0..7, modrm low 6 bits (reg<<3|rm); f = current EFLAGS (for fcmov). Returns EFLAGS for fcomi forms, else -1. */
export function r(c: Fc, esc: number, lo6: number, f: number): number {
  INEXACT = false; UP = false; OVER = false; UNDER = false;
  c.fsw &= ~0x200;
  const res = r0(c, esc, lo6, f);
  post(c);
  return res;
}
function r0(c: Fc, esc: number, lo6: number, f: number): number {
  const k = lo6 >> 3, i = lo6 & 7;
  switch (esc) {
    case 0: // D8: st0 = st0 op sti
      if (k === 2 || k === 3) { setCC(c, cmpU(uOf(get(c, 0)), uOf(get(c, i)))); if (k === 3) pop(c); return -1; }
      set(c, 0, arith(c, k, get(c, 0), get(c, i)));
      return -1;
    case 4: case 6: { // DC / DE: sti = sti op st0 (sub/div directions swapped), DE pops
      if (esc === 6 && lo6 === 0x19) { setCC(c, cmpU(uOf(get(c, 0)), uOf(get(c, 1)))); pop(c); pop(c); return -1; } // fcompp
      if (k === 2 || k === 3) { setCC(c, cmpU(uOf(get(c, 0)), uOf(get(c, i)))); if (k === 3) pop(c); return -1; }
      const kk = k >= 4 ? k ^ 1 : k;
      set(c, i, arith(c, kk, get(c, i), get(c, 0)));
      if (esc === 6) pop(c);
      return -1;
    }
    case 1: {
      if (k === 0) { const v = get(c, i); push(c, v); return -1; }
      if (k === 1) { const a = get(c, 0), b = get(c, i); set(c, 0, b); set(c, i, a); return -1; }
      if (lo6 === 0x10) return -1; // fnop
      if (k === 5 && i < 7) {
        // The hardware rounds these constants per RC: pi, log2(e), log10(2), ln(2) round up to
        // nearest (so RC down/zero gives one less); log2(10) rounds down (RC up gives one more).
        const [se, mm] = CONSTS[i];
        const rc = rcOf(c);
        let v = mm;
        if ((i === 2 || i === 3 || i === 4 || i === 5) && (rc === 1 || rc === 3)) v = mm - 1n;
        if (i === 1 && rc === 2) v = mm + 1n;
        push(c, [se, v]);
        return -1;
      }
      const x = get(c, 0);
      const rc = rcOf(c);
      switch (lo6) {
        case 0x20: set(c, 0, [x[0] ^ 0x8000, x[1]]); return -1; // fchs
        case 0x21: set(c, 0, [x[0] & 0x7fff, x[1]]); return -1; // fabs
        case 0x24: setCC(c, cmpU(uOf(x), { k: 0, s: 0, m: 0n, e: 0 })); return -1; // ftst
        case 0x25: { // fxam
          const p = phys(c, 0);
          let code: number;
          const ex = x[0] & 0x7fff;
          if (!(c.ftag & (1 << p))) code = 0x4100; // empty: C3=1 C0=1
          else if (ex === 0x7fff) code = (x[1] & ~INT_BIT) === 0n ? 0x500 : 0x100;
          else if (ex === 0) code = x[1] === 0n ? 0x4000 : 0x4400;
          else code = 0x400;
          c.fsw = (c.fsw & ~0x4700) | code | (x[0] & 0x8000 ? 0x200 : 0);
          return -1;
        }
        case 0x30: set(c, 0, viaF64(c, (v) => Math.expm1(v * Math.LN2), x)); return -1; // f2xm1
        case 0x31: { const y = get(c, 1); pop(c); set(c, 0, fromF64(toF64(y) * Math.log2(toF64(x)))); return -1; } // fyl2x
        case 0x32: set(c, 0, viaF64(c, Math.tan, x)); push(c, CONSTS[0]); c.fsw &= ~0x400; return -1; // fptan
        case 0x33: { const y = get(c, 1); pop(c); set(c, 0, fromF64(Math.atan2(toF64(y), toF64(x)))); return -1; } // fpatan
        case 0x34: { // fxtract
          const u = uOf(x);
          if (u.k !== 0 || u.m === 0n) { push(c, x); return -1; }
          const e = u.e + bitLen(u.m) - 1;
          set(c, 0, fromInt(BigInt(e)));
          push(c, roundPack(u.s, u.m, -(bitLen(u.m) - 1), false, 64, 0));
          return -1;
        }
        case 0x35: case 0x38: fprem(c, lo6 === 0x35); return -1;
        case 0x36: c.ftop = (c.ftop - 1) & 7; return -1;
        case 0x37: c.ftop = (c.ftop + 1) & 7; return -1;
        case 0x39: { const y = get(c, 1); pop(c); set(c, 0, fromF64(toF64(y) * Math.log2(1 + toF64(x)))); return -1; } // fyl2xp1
        case 0x3a: set(c, 0, sqrtU(c, uOf(x))); return -1;
        case 0x3b: { const v = toF64(x); set(c, 0, fromF64(Math.sin(v))); push(c, fromF64(Math.cos(v))); c.fsw &= ~0x400; return -1; }
        case 0x3c: { // frndint
          const u = uOf(x);
          if (u.k !== 0 || u.e >= 0) return -1;
          const q = toInt(x, 16400, rc);
          set(c, 0, q === 0n ? [x[0] & 0x8000, 0n] : fromInt(q!));
          return -1;
        }
        case 0x3d: { // fscale
          const u = uOf(x), s1 = toInt(get(c, 1), 64, 3);
          if (u.k !== 0 || u.m === 0n || s1 === null) return -1;
          const n = Number(s1 > 100000n ? 100000n : s1 < -100000n ? -100000n : s1);
          set(c, 0, roundPack(u.s, u.m, u.e + n, false, 64, rc));
          return -1;
        }
        case 0x3e: set(c, 0, viaF64(c, Math.sin, x)); c.fsw &= ~0x400; return -1;
        case 0x3f: set(c, 0, viaF64(c, Math.cos, x)); c.fsw &= ~0x400; return -1;
      }
      break;
    }
    case 2: case 3: {
      if (esc === 2 && lo6 === 0x29) { setCC(c, cmpU(uOf(get(c, 0)), uOf(get(c, 1)))); pop(c); pop(c); return -1; } // fucompp
      if (k < 4) { // fcmov
        let cond: boolean;
        switch (k) {
          case 0: cond = (f & 1) !== 0; break;
          case 1: cond = (f & 0x40) !== 0; break;
          case 2: cond = (f & 0x41) !== 0; break;
          default: cond = (f & 4) !== 0;
        }
        if (esc === 3) cond = !cond;
        if (cond) set(c, 0, get(c, i));
        return -1;
      }
      if (esc === 3 && lo6 === 0x22) { c.fsw &= 0x7f00 & ~0x7f00; return -1; } // fnclex
      if (esc === 3 && lo6 === 0x23) { finit(c); return -1; }
      if (esc === 3 && (k === 5 || k === 6)) return eflagsOf(cmpU(uOf(get(c, 0)), uOf(get(c, i)))); // fucomi / fcomi
      break;
    }
    case 5: {
      if (k === 0) { c.ftag &= ~(1 << phys(c, i)); return -1; } // ffree
      if (k === 2 || k === 3) { set(c, i, get(c, 0)); if (k === 3) pop(c); return -1; } // fst / fstp st(i)
      if (k === 4 || k === 5) { setCC(c, cmpU(uOf(get(c, 0)), uOf(get(c, i)))); if (k === 5) pop(c); return -1; } // fucom(p)
      break;
    }
    case 7: {
      if (k === 5 || k === 6) { const fl = eflagsOf(cmpU(uOf(get(c, 0)), uOf(get(c, i)))); pop(c); return fl; } // fucomip / fcomip
      break;
    }
  }
  throw new X87Illegal(`x87 register form d${(8 + esc).toString(16)} ${(0xc0 | lo6).toString(16)}`);
}

function fprem(c: Fc, ieee: boolean): void {
  const a = uOf(get(c, 0)), b = uOf(get(c, 1));
  if (a.k !== 0 || b.k !== 0 || b.m === 0n) { set(c, 0, INDEF); return; }
  if (a.m === 0n) { c.fsw &= ~0x4700; return; }
  const e = Math.min(a.e, b.e);
  if (Math.abs(a.e - b.e) > 20000) { c.fsw |= 0x400; return; }
  const x = a.m << BigInt(a.e - e), y = b.m << BigInt(b.e - e);
  let q = x / y;
  let rem = x - q * y;
  if (ieee) {
    const twice = rem * 2n;
    if (twice > y || (twice === y && (q & 1n) === 1n)) { rem -= y; q += 1n; }
  }
  let s = a.s;
  if (rem < 0n) { rem = -rem; s ^= 1; }
  set(c, 0, rem === 0n ? [a.s << 15, 0n] : roundPack(s, rem, e, false, 64, 0));
  c.fsw &= ~0x4700;
  if (q & 1n) c.fsw |= 0x200; // C1 = q0
  if (q & 2n) c.fsw |= 0x4000; // C3 = q1
  if (q & 4n) c.fsw |= 0x100; // C0 = q2
}

void S;
