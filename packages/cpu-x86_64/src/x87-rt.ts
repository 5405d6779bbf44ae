// x87 with true 80-bit extended precision. Registers hold the exact bit image (sign+15-bit exponent,
// 64-bit mantissa with the explicit integer bit). Arithmetic unpacks to an exact (sign, integer
// mantissa, power-of-two exponent) triple in BigInt, computes exactly (or with a sticky bit) and
// rounds once per the FCW precision and rounding control, like the hardware.
// Transcendentals (f2xm1, fyl2x, fyl2xp1, fsin, fcos, fsincos, fptan, fpatan) are evaluated in
// BigInt fixed point by x87-trans.ts and rounded once here (correctly rounded; see README).
import { S } from './runtime.js';
import * as T from './x87-trans.js';

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
/** Set by unpack: an operand was a signaling NaN or an unsupported encoding (IE), or a denormal (DE). */
let INVALID = false, DENORM = false;
const M64 = (1n << 64n) - 1n;
const INT_BIT = 1n << 63n;

// An unpacked value: kind 0 finite (incl. zero), 1 infinity, 2 NaN. Finite value = (-1)^s * m * 2^e.
interface U { k: number; s: number; m: bigint; e: number; nanBits?: [number, bigint] }

function unpack(se: number, m: bigint): U {
  const s = se >> 15, ex = se & 0x7fff;
  if (ex !== 0 && !(m & INT_BIT)) { INVALID = true; return { k: 2, s: 1, m: 0n, e: 0, nanBits: INDEF }; } // unnormal, pseudo-NaN/inf
  if (ex === 0x7fff) {
    if ((m & ~INT_BIT) === 0n) return { k: 1, s, m: 0n, e: 0 };
    if (!(m & (1n << 62n))) INVALID = true;
    return { k: 2, s, m: 0n, e: 0, nanBits: [se, m | (1n << 62n)] };
  }
  if (ex === 0) { if (m !== 0n) DENORM = true; return { k: 0, s, m, e: 1 - BIAS - 63 }; }
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
    UP = toInf;
    if (toInf) return [(s << 15) | 0x7fff, INT_BIT];
    const maxM = ((1n << BigInt(prec)) - 1n) << BigInt(64 - prec);
    return [(s << 15) | 0x7ffe, maxM];
  }
  if (q === 0n) { if (INEXACT) UNDER = true; return [s << 15, 0n]; }
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
/** ST(i) as an operand: an empty register is a stack underflow (IE|SF, C1=0) and reads as the QNaN indefinite. */
function get(c: Fc, i: number): [number, bigint] {
  const p = phys(c, i);
  if (!(c.ftag & (1 << p))) { c.fsw = (c.fsw | 0x41) & ~0x200; STACKFAULT = true; return INDEF; }
  return [c.fe[p], c.fm[p]];
}
function getRaw(c: Fc, i: number): [number, bigint] { const p = phys(c, i); return [c.fe[p], c.fm[p]]; }
let STACKFAULT = false;
function set(c: Fc, i: number, v: [number, bigint]): void { const p = phys(c, i); c.fe[p] = v[0]; c.fm[p] = v[1]; c.ftag |= 1 << p; }
function push(c: Fc, v: [number, bigint]): void {
  c.ftop = (c.ftop - 1) & 7;
  if (c.ftag & (1 << c.ftop)) { c.fsw |= 0x41 | 0x200; STACKFAULT = true; v = INDEF; } // stack overflow (IE|SF, C1=1): masked, ST(0) = indefinite
  set(c, 0, v);
}
function pop(c: Fc): void { c.ftag &= ~(1 << c.ftop); c.ftop = (c.ftop + 1) & 7; }

// ---- conversions ---------------------------------------------------------------------------------
const cvb = new DataView(new ArrayBuffer(8));
export function fromF64(v: number): [number, bigint] {
  cvb.setFloat64(0, v, true);
  const bits = cvb.getBigUint64(0, true);
  const s = Number(bits >> 63n), ex = Number((bits >> 52n) & 0x7ffn), fr = bits & ((1n << 52n) - 1n);
  if (ex === 0x7ff) { if (fr !== 0n && !(fr >> 51n)) INVALID = true; return fr === 0n ? [(s << 15) | 0x7fff, INT_BIT] : [(s << 15) | 0x7fff, INT_BIT | (1n << 62n) | (fr << 11n)]; }
  if (ex === 0) { if (fr === 0n) return [s << 15, 0n]; DENORM = true; return roundPack(s, fr, -1074, false, 64, 0); }
  return [(s << 15) | (ex - 1023 + BIAS), INT_BIT | (fr << 11n)];
}
function fromF32(bits: number): [number, bigint] {
  const s = bits >>> 31, ex = (bits >>> 23) & 0xff, fr = BigInt(bits & 0x7fffff);
  if (ex === 0xff) { if (fr !== 0n && !(fr >> 22n)) INVALID = true; return fr === 0n ? [(s << 15) | 0x7fff, INT_BIT] : [(s << 15) | 0x7fff, INT_BIT | (1n << 62n) | (fr << 40n)]; }
  if (ex === 0) { if (fr === 0n) return [s << 15, 0n]; DENORM = true; return roundPack(s, fr, -149, false, 64, 0); }
  return [(s << 15) | (ex - 127 + BIAS), INT_BIT | (fr << 40n)];
}
/** To an IEEE binary format (fracBits 52 / 23, expBits 11 / 8): returns the bit pattern as bigint. */
function toIeee(v: [number, bigint], fracBits: number, expBits: number, rc: number): bigint {
  const dn = DENORM;
  const u = unpack(v[0], v[1]);
  DENORM = dn; // stores do not report denormal operands
  if (u.k === 2 && u.nanBits === INDEF && v[0] !== INDEF[0]) v = INDEF;
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
  if (m === 0n) { if (INEXACT) UNDER = true; return sgn; }
  const n2 = bitLen(m);
  exp = e + n2 - 1;
  if (exp > bias) {
    const toInf = rc === 0 || (rc === 1 && u.s === 1) || (rc === 2 && u.s === 0);
    OVER = true; INEXACT = true; UP = toInf;
    if (toInf) return sgn | (BigInt(emax) << BigInt(fracBits));
    return sgn | (BigInt(emax - 1) << BigInt(fracBits)) | ((1n << BigInt(fracBits)) - 1n);
  }
  if (exp < minExp) {
    if (INEXACT) UNDER = true;
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
  const dn = DENORM;
  const u = unpack(v[0], v[1]);
  DENORM = dn;
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
  // Newton from above (2^ceil(bits/2) >= sqrt(n)) decreases monotonically to floor(sqrt(n)).
  let x = 1n << BigInt((bitLen(n) >> 1) + 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
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
/** fcom/ftst/fcomi compare: any NaN operand (not only a signaling one) is invalid. */
function cmpSig(a: U, b: U): number { const r = cmpU(a, b); if (r === 2) INVALID = true; return r; }

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
  if (r === null) { INVALID = true; INEXACT = false; UP = false; r = -(1n << BigInt(bytes * 8 - 1)); } // IE alone
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
  INEXACT = false; UP = false; OVER = false; UNDER = false; INVALID = false; DENORM = false; STACKFAULT = false;
  c.fsw &= ~0x200;
  m0(c, esc, k, a);
  post(c);
}
function m0(c: Fc, esc: number, k: number, a: number): void {
  const h = c.mh;
  if (esc === 0 || esc === 2 || esc === 4 || esc === 6) {
    const y = ldM(c, a, esc === 0 ? 0 : esc === 4 ? 1 : esc === 2 ? 2 : 3);
    const x = get(c, 0);
    if ((x[0] & 0x7fff) === 0x7fff && (x[1] & ~INT_BIT) !== 0n) DENORM = false; // a NaN in ST(0): no DE for a denormal m32/m64
    if (k === 2 || k === 3) { setCC(c, cmpSig(uOf(x), uOf(y))); if (k === 3) pop(c); return; }
    set(c, 0, arith(c, k, x, y));
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
  if (STACKFAULT) return; // a stack fault reports IE|SF and C1 only
  if (INVALID) { c.fsw |= 1; return; }
  if (DENORM) c.fsw |= 2;
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
    const [se, mm] = getRaw(c, i);
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
  INEXACT = false; UP = false; OVER = false; UNDER = false; INVALID = false; DENORM = false; STACKFAULT = false;
  c.fsw &= ~0x200;
  const res = r0(c, esc, lo6, f);
  post(c);
  return res;
}
function r0(c: Fc, esc: number, lo6: number, f: number): number {
  const k = lo6 >> 3, i = lo6 & 7;
  switch (esc) {
    case 0: // D8: st0 = st0 op sti
      if (k === 2 || k === 3) { setCC(c, cmpSig(uOf(get(c, 0)), uOf(get(c, i)))); if (k === 3) pop(c); return -1; }
      set(c, 0, arith(c, k, get(c, 0), get(c, i)));
      return -1;
    case 4: case 6: { // DC / DE: sti = sti op st0 (sub/div directions swapped), DE pops
      if (esc === 6 && lo6 === 0x19) { setCC(c, cmpSig(uOf(get(c, 0)), uOf(get(c, 1)))); pop(c); pop(c); return -1; } // fcompp
      if (k === 2 || k === 3) { setCC(c, cmpSig(uOf(get(c, 0)), uOf(get(c, i)))); if (k === 3) pop(c); return -1; }
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
      const x = lo6 === 0x25 || lo6 === 0x36 || lo6 === 0x37 ? getRaw(c, 0) : get(c, 0);
      const rc = rcOf(c);
      switch (lo6) {
        case 0x20: set(c, 0, [x[0] ^ 0x8000, x[1]]); return -1; // fchs
        case 0x21: set(c, 0, [x[0] & 0x7fff, x[1]]); return -1; // fabs
        case 0x24: setCC(c, cmpSig(uOf(x), { k: 0, s: 0, m: 0n, e: 0 })); return -1; // ftst
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
        case 0x30: set(c, 0, f2xm1(c, x)); return -1;
        case 0x31: { const y = get(c, 1); const v = fyl2x(c, x, y, false); pop(c); set(c, 0, v); return -1; }
        case 0x32: trig(c, x, 2); return -1; // fptan
        case 0x33: { const y = get(c, 1); const v = fpatan(c, x, y); pop(c); set(c, 0, v); return -1; }
        case 0x34: { // fxtract
          const u = uOf(x);
          if (u.k === 0 && u.m === 0n) { c.fsw |= 4; set(c, 0, [0xffff, INT_BIT]); push(c, x); return -1; } // ZE: -inf, +-0
          if (u.k === 1) { set(c, 0, [0x7fff, INT_BIT]); push(c, x); return -1; }
          if (u.k !== 0) { const nn = nanOut(u); set(c, 0, nn); push(c, nn); return -1; }
          const e = u.e + bitLen(u.m) - 1;
          set(c, 0, fromInt(BigInt(e)));
          push(c, roundPack(u.s, u.m, -(bitLen(u.m) - 1), false, 64, 0));
          return -1;
        }
        case 0x35: case 0x38: fprem(c, lo6 === 0x35); return -1;
        case 0x36: c.ftop = (c.ftop - 1) & 7; return -1;
        case 0x37: c.ftop = (c.ftop + 1) & 7; return -1;
        case 0x39: { const y = get(c, 1); const v = fyl2x(c, x, y, true); pop(c); set(c, 0, v); return -1; } // fyl2xp1
        case 0x3a: set(c, 0, sqrtU(c, uOf(x))); return -1;
        case 0x3b: trig(c, x, 3); return -1; // fsincos
        case 0x3c: { // frndint
          const u = uOf(x);
          if (u.k === 2) { set(c, 0, nanOut(u)); return -1; } // a NaN: quieted (an sNaN raises IE)
          if (u.k !== 0 || u.e >= 0) return -1;
          const q = toInt(x, 16400, rc);
          set(c, 0, q === 0n ? [x[0] & 0x8000, 0n] : fromInt(q!));
          return -1;
        }
        case 0x3d: { // fscale
          const y = get(c, 1), u = uOf(x), uy = uOf(y);
          const ie = INEXACT, iu = UP;
          const s1 = uy.k === 0 ? toInt(y, 4096, 3) : null;
          INEXACT = ie; UP = iu; // truncating ST(1) is not an inexact result
          if (u.k === 2 || uy.k === 2) { set(c, 0, nanOut(u, uy)); return -1; }
          if (uy.k === 1) { // scaling by +-inf
            const zero = u.k === 0 && u.m === 0n;
            if ((uy.s === 0 && zero) || (uy.s === 1 && u.k === 1)) { INVALID = true; set(c, 0, INDEF); return -1; }
            if (u.k === 0 && !zero) set(c, 0, uy.s === 0 ? [(u.s << 15) | 0x7fff, INT_BIT] : [u.s << 15, 0n]);
            return -1;
          }
          if (u.k !== 0 || u.m === 0n) return -1;
          const n = Number(s1! > 100000n ? 100000n : s1! < -100000n ? -100000n : s1!);
          set(c, 0, roundPack(u.s, u.m, u.e + n, false, 64, rc));
          return -1;
        }
        case 0x3e: trig(c, x, 0); return -1; // fsin
        case 0x3f: trig(c, x, 1); return -1; // fcos
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
      if (esc === 3 && (k === 5 || k === 6)) return eflagsOf((k === 6 ? cmpSig : cmpU)(uOf(get(c, 0)), uOf(get(c, i)))); // fucomi / fcomi
      break;
    }
    case 5: {
      if (k === 0) { c.ftag &= ~(1 << phys(c, i)); return -1; } // ffree
      if (k === 2 || k === 3) { set(c, i, get(c, 0)); if (k === 3) pop(c); return -1; } // fst / fstp st(i)
      if (k === 4 || k === 5) { setCC(c, cmpU(uOf(get(c, 0)), uOf(get(c, i)))); if (k === 5) pop(c); return -1; } // fucom(p)
      break;
    }
    case 7: {
      if (k === 5 || k === 6) { const fl = eflagsOf((k === 6 ? cmpSig : cmpU)(uOf(get(c, 0)), uOf(get(c, i)))); pop(c); return fl; } // fucomip / fcomip
      break;
    }
  }
  throw new X87Illegal(`x87 register form d${(8 + esc).toString(16)} ${(0xc0 | lo6).toString(16)}`);
}

// ---- transcendentals (x87-trans.ts evaluates, these round once to 64 bits per RC) ----------------
function fixOut(c: Fc, v: bigint, P: number): [number, bigint] {
  if (v === 0n) return [0, 0n];
  return roundPack(v < 0n ? 1 : 0, v < 0n ? -v : v, -P, true, 64, rcOf(c));
}
const expOf = (u: U) => u.e + bitLen(u.m) - 1;
const precFor = (u: U) => 320 + Math.min(20000, Math.max(0, -expOf(u)));
/** kind 0 fsin, 1 fcos, 2 fptan, 3 fsincos. */
function trig(c: Fc, x: [number, bigint], kind: number): void {
  const u = uOf(x);
  if (u.k === 2 || u.k === 1) {
    const v = u.k === 2 ? nanOut(u) : (INVALID = true, INDEF);
    set(c, 0, v); c.fsw &= ~0x400;
    if (kind >= 2) push(c, v);
    return;
  }
  if (u.m !== 0n && expOf(u) >= 63) { c.fsw |= 0x400; return; } // out of range: C2 = 1, operand unchanged
  c.fsw &= ~0x400;
  if (u.m === 0n) {
    if (kind === 1) set(c, 0, CONSTS[0]);
    else if (kind === 3) { set(c, 0, x); push(c, CONSTS[0]); }
    else if (kind === 2) push(c, CONSTS[0]);
    return;
  }
  const P = precFor(u);
  const [s, co] = T.sinCos(u, P);
  if (kind === 0) set(c, 0, fixOut(c, s, P));
  else if (kind === 1) set(c, 0, fixOut(c, co, P));
  else if (kind === 2) { set(c, 0, fixOut(c, (s << BigInt(P)) / co, P)); push(c, CONSTS[0]); }
  else { set(c, 0, fixOut(c, s, P)); push(c, fixOut(c, co, P)); }
}
function f2xm1(c: Fc, x: [number, bigint]): [number, bigint] {
  const u = uOf(x);
  if (u.k === 2) return nanOut(u);
  if (u.k === 1) return u.s ? [0xbfff, INT_BIT] : x;
  if (u.m === 0n) return x;
  if (expOf(u) > 0) return viaF64(c, (v) => Math.expm1(v * Math.LN2), x); // |x| > 1: undefined on hardware
  const P = precFor(u);
  const y = (T.toFix(u, P) * T.ln2F(P)) >> BigInt(P);
  return fixOut(c, T.expm1F(y, P), P);
}
/** fyl2x: y * log2(x); fyl2xp1: y * log2(x + 1). */
function fyl2x(c: Fc, xv: [number, bigint], yv: [number, bigint], p1: boolean): [number, bigint] {
  const x = uOf(xv), y = uOf(yv);
  if (x.k === 2 || y.k === 2) return nanOut(x, y);
  const P = precFor(x);
  let L: bigint; // log2 of the argument, fixed point P (sign matters)
  if (p1) {
    if (x.k === 1) { INVALID = true; return INDEF; }
    if (x.m === 0n) { if (y.k === 1) { INVALID = true; return INDEF; } return [(x.s ^ y.s) << 15, 0n]; }
    const X = T.toFix(x, P), one = 1n << BigInt(P);
    if (X <= -one) { INVALID = true; return INDEF; }
    L = lnRatio(one + X, P); // P grows with -exponent(x), so ln(1 + x) keeps its relative precision
  } else {
    if (x.k === 0 && x.m === 0n) {
      if (y.k === 0 && y.m === 0n) { INVALID = true; return INDEF; }
      c.fsw |= 4; return [((y.s ^ 1) << 15) | 0x7fff, INT_BIT];
    }
    if (x.s) { INVALID = true; return INDEF; }
    if (x.k === 1) { if (y.k === 0 && y.m === 0n) { INVALID = true; return INDEF; } return [(y.s << 15) | 0x7fff, INT_BIT]; }
    L = T.lnF(x, P);
  }
  L = (L << BigInt(P)) / T.ln2F(P);
  if (y.k === 1) { if (L === 0n) { INVALID = true; return INDEF; } return [((y.s ^ (L < 0n ? 1 : 0)) << 15) | 0x7fff, INT_BIT]; }
  if (L === 0n || y.m === 0n) return [(y.s ^ (L < 0n ? 1 : 0)) << 15, 0n];
  const neg = (L < 0n ? 1 : 0) ^ y.s;
  const mag = (L < 0n ? -L : L) * y.m;
  return roundPack(neg, mag, y.e - P, true, 64, rcOf(c));
}
/** ln(v) for a positive fixed-point v (P fraction bits). */
function lnRatio(v: bigint, P: number): bigint { return T.lnF({ s: 0, m: v, e: -P }, P); }
function fpatan(c: Fc, xv: [number, bigint], yv: [number, bigint]): [number, bigint] {
  const x = uOf(xv), y = uOf(yv);
  if (x.k === 2 || y.k === 2) return nanOut(x, y);
  const P0 = 320;
  const pi = T.piF(P0);
  const sgnd = (v: bigint, s: number) => (s ? -v : v);
  const xz = x.k === 0 && x.m === 0n, yz = y.k === 0 && y.m === 0n;
  if (yz) return x.s ? fixOut(c, sgnd(pi, y.s), P0) : [y.s << 15, 0n];
  if (x.k === 1 && y.k === 1) return fixOut(c, sgnd(x.s ? (3n * pi) / 4n : pi / 4n, y.s), P0);
  if (y.k === 1 || xz) return fixOut(c, sgnd(pi / 2n, y.s), P0);
  if (x.k === 1) return x.s ? fixOut(c, sgnd(pi, y.s), P0) : [y.s << 15, 0n];
  // finite nonzero: t = |y| / |x| or its inverse, in fixed point with enough bits for tiny ratios
  const d = expOf(y) - expOf(x);
  const small = d <= 0;
  const P = 320 + Math.min(20000, Math.max(0, small ? -d : d));
  const ratio = (num: U, den: U) => {
    const sh = num.e - den.e + P;
    return sh >= 0 ? (num.m << BigInt(sh)) / den.m : num.m / (den.m << BigInt(-sh));
  };
  const piP = T.piF(P);
  let a: bigint;
  if (small) a = T.atanF(ratio(y, x), P); // atan(|y|/|x|) in [0, ~pi/4]
  else a = piP / 2n - T.atanF(ratio(x, y), P);
  if (x.s) a = piP - a;
  return fixOut(c, sgnd(a, y.s), P);
}

function fprem(c: Fc, ieee: boolean): void {
  const a = uOf(get(c, 0)), b = uOf(get(c, 1));
  if (a.k === 2 || b.k === 2) { set(c, 0, nanOut(a, b)); return; }
  if (a.k === 1 || (b.k === 0 && b.m === 0n)) { INVALID = true; set(c, 0, INDEF); return; }
  c.fsw &= ~0x4700;
  if (b.k === 1 || a.m === 0n) return; // x rem inf = x; 0 rem y = 0
  const ea = a.e + bitLen(a.m) - 1, eb = b.e + bitLen(b.m) - 1, D = ea - eb;
  if (D >= 64) {
    // Partial reduction (C2 = 1): subtract the multiple of ST(1) * 2^(D-N) with N = 32 + D mod 32.
    const N = (D & 31) | 32, sh = D - N;
    const e = Math.min(a.e, b.e + sh);
    const x = a.m << BigInt(a.e - e), y = b.m << BigInt(b.e + sh - e);
    const rem = x - (x / y) * y;
    set(c, 0, rem === 0n ? [a.s << 15, 0n] : roundPack(a.s, rem, e, false, 64, 0));
    c.fsw |= 0x400;
    return;
  }
  const e = Math.min(a.e, b.e);
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
  if (q & 1n) c.fsw |= 0x200; // C1 = q0
  if (q & 2n) c.fsw |= 0x4000; // C3 = q1
  if (q & 4n) c.fsw |= 0x100; // C0 = q2
}

void S;
