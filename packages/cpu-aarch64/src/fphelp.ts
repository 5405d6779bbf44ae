// Floating-point helpers the generated code calls: ARM NaN propagation (from the operands' bits),
// exact fused multiply-add (BigInt when the product is not exact in a double), conversions with
// saturation and every rounding mode, FRINT, precision conversions including half.

const DN = 1 << 25, AHP = 1 << 26, FZ = 1 << 24;
const IOC = 1, DZC = 2, OFC = 4, UFC = 8, IXC = 16, IDC = 128;
/** The smallest normal double and single. */
export const MIN64 = 2.2250738585072014e-308, MIN32 = 1.1754943508222875e-38;

/** Exact value of a finite double as m * 2^e (m a BigInt). */
function decompose(x: number): [bigint, number] {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, x);
  const hi = b.getUint32(0), lo = b.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e: number;
  if (exp === 0) e = -1074;
  else { m |= 1n << 52n; e = exp - 1075; }
  if (hi >>> 31) m = -m;
  return [m, e];
}

/**
 * Rounds V * 2^E (plus a sticky "a little more in magnitude" when sticky) to a binary float with
 * `prec` significand bits and least exponent minExp. mode: 0 nearest-even, 1 +inf, 2 -inf, 3 zero.
 */
export function roundScaled(V: bigint, E: number, prec: number, minExp: number, mode = 0, sticky = false): number {
  if (V === 0n && !sticky) return 0;
  const neg = V < 0n;
  let a = neg ? -V : V;
  const L = a === 0n ? 0 : a.toString(2).length;
  let lsb = Math.max(E + L - prec, minExp);
  if (lsb > E || sticky) {
    if (lsb <= E) lsb = E + 1; // (only reached with sticky and tiny V: keep one guard position)
    const sh = BigInt(lsb - E);
    const q = a >> sh;
    const rem = a - (q << sh);
    const half = 1n << (sh - 1n);
    const inexact = rem !== 0n || sticky;
    let up: boolean;
    if (mode === 0) up = rem > half || (rem === half && (sticky || (q & 1n) === 1n));
    else if (mode === 3) up = false;
    else up = inexact && (mode === 1 ? !neg : neg);
    a = up ? q + 1n : q;
  } else { lsb = E; }
  // a < 2^prec (or = 2^prec after rounding up) and lsb >= minExp: the product is exact or overflows.
  let r = Number(a) * 2 ** lsb;
  const maxv = prec === 53 ? Number.MAX_VALUE : 3.4028234663852886e38;
  if (r > maxv) {
    const toInf = mode === 0 || (mode === 1 && !neg) || (mode === 2 && neg);
    r = toInf ? Infinity : maxv;
  }
  return neg ? -r : r;
}

/** floor(sqrt(n)) for a positive BigInt (Newton's iteration from an upper bound). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** Exact value of x as [V, E] (finite x). */
export function exactParts(x: number): [bigint, number] { return decompose(x); }

/**
 * Directed-rounding arithmetic (FPCR.RMode != nearest): op 0 add 1 sub 2 mul 3 div 4 sqrt 5 fnmul,
 * exact with BigInt, then rounded once. ty 1 double, 0 single. NaN/inf/zero cases are left to JS.
 */
export function frnd(op: number, a: number, b: number, mode: number, ty: number): number {
  const prec = ty === 1 ? 53 : 24, minExp = ty === 1 ? -1074 : -149;
  const fin = Number.isFinite(a) && (op === 4 || Number.isFinite(b));
  let quick: number;
  switch (op) {
    case 0: quick = a + b; break;
    case 1: quick = a - b; break;
    case 2: case 5: quick = a * b; break;
    case 3: quick = a / b; break;
    default: quick = Math.sqrt(a);
  }
  if (op === 5) quick = -quick;
  if (!fin || quick !== quick || !Number.isFinite(quick) && !fin) return ty === 1 ? quick : Math.fround(quick);
  const [ma, ea] = decompose(a);
  let r: number;
  if (op <= 1) {
    const [mb0, eb] = decompose(b);
    const mb = op === 1 ? -mb0 : mb0;
    const e = Math.min(ea, eb);
    const V = (ma << BigInt(ea - e)) + (mb << BigInt(eb - e));
    if (V === 0n) { // exact zero: same-signed zeros keep their sign, otherwise +0 (-0 rounding down)
      const bb = op === 1 ? -b : b;
      if (a === 0 && bb === 0 && Object.is(a, bb)) return a;
      return mode === 2 ? -0 : 0;
    }
    r = roundScaled(V, e, prec, minExp, mode);
  } else if (op === 2 || op === 5) {
    const [mb, eb] = decompose(b);
    const V = ma * mb;
    if (V === 0n) return quick;
    // FNMUL negates the product after rounding it (FPNeg(FPMul(a, b))).
    r = roundScaled(V, ea + eb, prec, minExp, mode);
    if (op === 5) r = -r;
  } else if (op === 3) {
    const [mb, eb] = decompose(b);
    if (mb === 0n || ma === 0n) return quick;
    const k = 2 * prec + 4;
    const num = ma << BigInt(k);
    const q = num / mb, rem = num - q * mb;
    r = roundScaled(q, ea - eb - k, prec, minExp, mode, rem !== 0n);
  } else {
    if (a <= 0) return quick;
    let m = ma, e = ea;
    if (e & 1) { m <<= 1n; e -= 1; }
    const k = 2 * (prec + 4);
    const n = m << BigInt(k);
    const x = isqrt(n);
    r = roundScaled(x, (e - k) / 2, prec, minExp, mode, x * x !== n);
  }
  return r;
}


/** FPSR flags (IXC, OFC, UFC) of a finite-operand result r whose exact value is V * 2^E (sticky: a
 *  nonzero remainder below V's last bit); ty 1 double, 0 single. */
export function fpFlags(V: bigint, E: number, sticky: boolean, r: number, ty: number): number {
  const emin = ty === 1 ? -1022 : -126, max = ty === 1 ? Number.MAX_VALUE : 3.4028234663852886e38;
  let f = 0;
  if (V === 0n && !sticky) return 0;
  if (!Number.isFinite(r)) f = OFC | IXC;
  else {
    const [mr, er] = r === 0 ? [0n, E] : decompose(r);
    const av = V < 0n ? -V : V, ar = mr < 0n ? -mr : mr;
    // compare |exact| with |r| at a common exponent
    const e = Math.min(E, er);
    const x = av << BigInt(E - e), y = ar << BigInt(er - e);
    const inexact = sticky || x !== y;
    if (inexact) {
      f |= IXC;
      // a directed mode that returns the largest finite value overflows when |exact| >= 2^(emax+1)
      if (Math.abs(r) === max && x >= 1n << BigInt((ty === 1 ? 1024 : 128) - e)) f |= OFC | IXC;
      // tiny before rounding: |exact| < 2^emin (the sticky part is less than one unit of x)
      if (emin - e >= 0 && x < 1n << BigInt(emin - e)) f |= UFC;
    }
  }
  return f;
}

/** Fused multiply-add with one rounding (double). */
export function fma64(a: number, b: number, c: number): number {
  // Both factors are singles (at most 24 significant bits each, exponents within single range):
  // the double product is exact and finite, so one rounding of the sum is the fused result. This
  // is the common case of data that came from floats or small integers/fractions, and it costs
  // two conversions instead of Dekker's split.
  if (Math.fround(a) === a && Math.fround(b) === b) return a * b + c;
  const p = a * b;
  if (!Number.isFinite(p) || !Number.isFinite(c) || a === 0 || b === 0) {
    if (Number.isFinite(a) && Number.isFinite(b) && !Number.isFinite(p)) {
      // the exact product is finite (it only overflowed in the double): an infinite or NaN addend wins
      return Number.isFinite(c) ? exactFma(a, b, c, 53, -1074) : c;
    }
    return p + c;
  }
  // Dekker: is the product exact?
  if (Math.abs(a) < 1e300 && Math.abs(b) < 1e300 && Math.abs(p) > 1e-290) {
    // Dekker's split and two-product, without allocating
    const ca = 134217729 * a, ah = ca - (ca - a), al = a - ah;
    const cb = 134217729 * b, bh = cb - (cb - b), bl = b - bh;
    const err = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    if (err === 0) return p + c;
    // a*b = p + err exactly. Boldo and Melquiond's emulation: (th, tl) = TwoSum(c, p); v = tl + err
    // rounded to odd; RN(th + v) is the correctly rounded a*b + c (no underflow, no overflow).
    const th = c + p;
    if (Number.isFinite(th)) {
      const bv = th - c, tl = (c - (th - bv)) + (p - bv);
      let v = tl + err;
      const vb = v - tl, ve = (tl - (v - vb)) + (err - vb);
      if (ve !== 0) {
        F1[0] = v;
        if ((I1[0] & 1) === 0) { // even: step one unit toward the exact value (to the odd neighbour)
          if ((ve > 0) === (v > 0)) { I1[0] = (I1[0] + 1) | 0; if (I1[0] === 0) I1[1] = (I1[1] + 1) | 0; }
          else { if (I1[0] === 0) I1[1] = (I1[1] - 1) | 0; I1[0] = (I1[0] - 1) | 0; }
          v = F1[0];
        }
      }
      const r = th + v;
      if (Number.isFinite(r) && Math.abs(r) > 1e-290) return r;
    }
  }
  return exactFma(a, b, c, 53, -1074);
}
const F1 = new Float64Array(1), I1 = new Int32Array(F1.buffer);
/** Fused multiply-add with one rounding (single; inputs are singles). */
export function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact: 24 + 24 bits
  if (!Number.isFinite(p) || !Number.isFinite(c)) return Math.fround(p + c);
  const s = p + c;
  // s is correctly rounded to double; if exact, one fround is one rounding.
  const bb = s - p, err = (p - (s - bb)) + (c - bb);
  if (err === 0) return Math.fround(s);
  return exactFma(a, b, c, 24, -149);
}
/** a*b+c (times 2^scale) with one rounding, by exact BigInt arithmetic. */
export function exactFma(a: number, b: number, c: number, prec: number, minExp: number, mode = 0, scale = 0): number {
  const [ma, ea] = decompose(a), [mb, eb] = decompose(b), [mc, ec] = decompose(c);
  const mp = ma * mb, ep = ea + eb;
  const e = Math.min(ep, ec);
  const V = (mp << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (V === 0n) { const z = (a * b) + c; return mode === 2 && z === 0 && !(Object.is(a * b, 0) && Object.is(c, 0)) ? -0 : z; }
  const r = roundScaled(V, e + scale, prec, minExp, mode);
  if (prec === 24 && Math.abs(r) >= 2 ** 128) return r > 0 ? Infinity : -Infinity;
  return r;
}

export function fpHelpers(T: Int32Array, V8: Uint8Array): Record<string, unknown> {
  const VI = new Int32Array(V8.buffer, V8.byteOffset);
  const VF = new Float64Array(V8.buffer, V8.byteOffset);
  const VS = new Float32Array(V8.buffer, V8.byteOffset);

  const isNaN64 = (r: number) => ((VI[r * 4 + 1] & 0x7ff00000) === 0x7ff00000) && ((VI[r * 4 + 1] & 0xfffff) !== 0 || VI[r * 4] !== 0);
  const isSNaN64 = (r: number) => isNaN64(r) && (VI[r * 4 + 1] & 0x80000) === 0;
  const isNaN32 = (r: number) => (VI[r * 4] & 0x7f800000) === 0x7f800000 && (VI[r * 4] & 0x7fffff) !== 0;
  const isSNaN32 = (r: number) => isNaN32(r) && (VI[r * 4] & 0x400000) === 0;

  /** Writes the NaN result of an operation with sources (reg, negate) to d, by the ARM rules. */
  function nanN(ty: number, d: number, srcs: Array<[number, number]>, fpcr: number, negRes: number): void {
    let lo = 0, hi = 0, found = false;
    const isN = ty === 1 ? isNaN64 : isNaN32, isS = ty === 1 ? isSNaN64 : isSNaN32;
    if (!(fpcr & DN)) {
      for (const pass of [0, 1]) {
        for (const [r, neg] of srcs) {
          if (pass === 0 ? isS(r) : isN(r)) {
            if (ty === 1) { lo = VI[r * 4]; hi = VI[r * 4 + 1] | 0x80000; if (neg) hi ^= -2147483648; }
            else { lo = VI[r * 4] | 0x400000; if (neg) lo ^= -2147483648; }
            found = true;
            break;
          }
        }
        if (found) break;
      }
    }
    if (!found) { if (ty === 1) { lo = 0; hi = 0x7ff80000; } else lo = 0x7fc00000; }
    if (negRes) { if (ty === 1) hi ^= -2147483648; else lo ^= -2147483648; }
    VI[d * 4] = lo; VI[d * 4 + 1] = ty === 1 ? hi : 0; VI[d * 4 + 2] = 0; VI[d * 4 + 3] = 0;
  }
  function nan2(ty: number, d: number, n: number, m: number, fpcr: number, negRes: number): void {
    nanN(ty, d, [[n, 0], [m, 0]], fpcr, negRes);
  }
  function nan3(ty: number, d: number, a: number, negA: number, n: number, negN: number, m: number, fpcr: number): void {
    // inf * 0 with a quiet-NaN addend is the default NaN
    const isN = ty === 1 ? isNaN64 : isNaN32, isS = ty === 1 ? isSNaN64 : isSNaN32;
    const min = ty === 1 ? MIN64 : MIN32;
    const get = (r: number) => { const v = ty === 1 ? VF[r * 2] : VS[r * 4]; return fpcr & FZ && Math.abs(v) < min ? 0 : v; };
    if (isN(a) && !isS(a) && !isS(n) && !isS(m)) {
      const x = get(n), y = get(m);
      if ((x === 0 && Math.abs(y) === Infinity) || (y === 0 && Math.abs(x) === Infinity)) { nanN(ty, d, [], fpcr, 0); return; }
    }
    nanN(ty, d, [[a, negA], [n, negN], [m, 0]], fpcr, 0);
  }
  /** FMAXNM / FMINNM with at least one NaN operand. */
  function fnm(ty: number, d: number, n: number, m: number, isMin: number, fpcr: number): void {
    const isN = ty === 1 ? isNaN64 : isNaN32, isS = ty === 1 ? isSNaN64 : isSNaN32;
    const nq = isN(n) && !isS(n), mq = isN(m) && !isS(m);
    const copy = (s: number) => {
      let lo = VI[s * 4], hi = VI[s * 4 + 1];
      // FPCR.FZ: the number operand is unpacked (a denormal becomes a zero of its sign)
      if (fpcr & FZ) { if (ty === 1) { if ((hi & 0x7ff00000) === 0) { lo = 0; hi &= -2147483648; } } else if ((lo & 0x7f800000) === 0) lo &= -2147483648; }
      VI[d * 4] = lo; VI[d * 4 + 1] = ty === 1 ? hi : 0; VI[d * 4 + 2] = 0; VI[d * 4 + 3] = 0;
    };
    if (nq && !isN(m)) { copy(m); return; }
    if (mq && !isN(n)) { copy(n); return; }
    void isMin;
    nan2(ty, d, n, m, fpcr, 0);
  }
  function roundMode(x: number, mode: number): number {
    switch (mode) {
      case 0: { // nearest, ties to even
        const r = Math.round(x);
        if (r - x === 0.5 && r % 2 !== 0) return r - 1;
        return r === 0 && x < 0 ? -0 : r;
      }
      case 1: return Math.ceil(x);
      case 2: return Math.floor(x);
      case 3: return Math.trunc(x);
      default: { const r = Math.round(Math.abs(x)); return x < 0 || Object.is(x, -0) ? -r : r; }
    }
  }
  function frint(x: number, mode: number, fpcr: number): number {
    if (!Number.isFinite(x)) return x;
    if (mode === 5) mode = [0, 1, 2, 3][(fpcr >>> 22) & 3];
    return roundMode(x, mode);
  }
  /** FP -> integer: mode 0 N, 1 P, 2 M, 3 Z, 4 A; saturating; NaN -> 0. Returns low, T[1] = high. */
  function f2i(x: number, mode: number, signed: number, sf: number): number {
    if (x !== x) { T[1] = 0; return 0; }
    const r = roundMode(x, mode);
    if (!sf) {
      T[1] = 0;
      if (signed) return r >= 2147483647 ? 2147483647 : r <= -2147483648 ? -2147483648 : r | 0;
      return r >= 4294967295 ? -1 : r <= 0 ? 0 : r >>> 0 | 0;
    }
    if (signed) {
      if (r >= 9223372036854775807) { T[1] = 0x7fffffff; return -1; }
      if (r <= -9223372036854775808) { T[1] = -2147483648; return 0; }
    } else {
      if (r >= 18446744073709551615) { T[1] = -1; return -1; }
      if (r <= 0) { T[1] = 0; return 0; }
    }
    const hi = Math.floor(r / 4294967296);
    const lo = r - hi * 4294967296;
    T[1] = hi | 0;
    return lo | 0;
  }
  /** Integer (lo, hi halves; 32-bit when !sf) / 2^fbits -> double or single, one rounding. */
  function i2f(ty: number, signed: number, sf: number, lo: number, hi: number, fbits: number, mode = 0): number {
    let v: number;
    if (mode) {
      const big = !sf ? BigInt(signed ? lo : lo >>> 0) : signed ? BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      return roundScaled(big, -fbits, ty === 1 ? 53 : 24, ty === 1 ? -1074 : -149, mode);
    }
    if (!sf) v = signed ? lo : lo >>> 0;
    else if (signed && ((hi === 0 && lo >= 0) || (hi === -1 && lo < 0))) v = lo;
    else if (!signed && hi === 0) v = lo >>> 0;
    else {
      const big = signed ? BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
      return roundScaled(big, -fbits, ty === 1 ? 53 : 24, ty === 1 ? -1074 : -149);
    }
    if (fbits) return roundScaled(BigInt(v), -fbits, ty === 1 ? 53 : 24, ty === 1 ? -1074 : -149);
    return ty === 1 ? v : Math.fround(v);
  }
  const f16dv = new DataView(new ArrayBuffer(8));
  /** A half's value; alt (FPCR.AHP): the alternative format, whose exponent 31 is a normal one (no infinities, no NaNs). */
  function halfToNum(h: number, alt = 0): number {
    const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 31, f = h & 1023;
    if (e === 0) return s * f * 2 ** -24;
    if (e === 31 && !alt) return f ? NaN : s * Infinity;
    return s * (1024 + f) * 2 ** (e - 25);
  }
  function numToHalf(x: number, mode = 0, alt = 0): number { return toHalf(x, mode, alt) & 0xffff; }
  /**
   * A non-NaN number to half precision rounded by mode; alt (FPCR.AHP): the alternative format, where
   * infinities and values that round to 2^17 or more saturate to +-131008 and bit 16 of the result
   * says so (Invalid Operation, no Overflow/Inexact).
   */
  function toHalf(x: number, mode = 0, alt = 0): number {
    const s = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
    const a = Math.abs(x);
    if (a === Infinity) return alt ? s | 0x17fff : s | 0x7c00;
    if (a === 0) return s;
    // round a to 11 significant bits, min exponent 2^-24
    const [hm, he] = decompose(a);
    const mm = mode === 1 && s ? 2 : mode === 2 && s ? 1 : mode; // rounding |x|: mirror the direction
    const V = roundScaled(hm, he, 11, -24, mm);
    if (alt) { if (V >= 2 ** 17) return s | 0x17fff; }
    else if (V > 65504) return s | (mm === 0 || mm === 1 ? 0x7c00 : 0x7bff);
    if (V < 2 ** -14) return s | Math.round(V / 2 ** -24);
    const e = Math.floor(Math.log2(V));
    let ee = e;
    if (2 ** ee > V) ee--;
    if (2 ** (ee + 1) <= V) ee++;
    const f = V / 2 ** ee * 1024 - 1024;
    return s | ((ee + 15) << 10) | f;
  }
  /** FCVT between precisions (0 single, 1 double, 3 half), NaNs converted by the ARM rules. */
  function fcvt(from: number, to: number, d: number, n: number, fpcr: number): void {
    let sign = 0, nan = false, quietPayloadHi = 0, payloadLo = 0, val = 0;
    if (from === 1) {
      const hi = VI[n * 4 + 1], lo = VI[n * 4];
      nan = isNaN64(n); sign = hi >>> 31;
      // payload as 51 bits: hi[18:0]:lo
      quietPayloadHi = hi & 0x7ffff; payloadLo = lo >>> 0; val = VF[n * 2];
    } else if (from === 0) {
      const x = VI[n * 4];
      nan = isNaN32(n); sign = x >>> 31;
      // 22-bit payload placed at the top of the 51-bit payload
      const p = x & 0x3fffff;
      quietPayloadHi = p >>> 3; payloadLo = ((p & 7) << 29) >>> 0; val = VS[n * 4];
    } else {
      const h = VI[n * 4] & 0xffff;
      sign = h >>> 15;
      nan = !(fpcr & AHP) && ((h >> 10) & 31) === 31 && (h & 1023) !== 0;
      const p = h & 0x1ff;
      quietPayloadHi = p << 10; payloadLo = 0; val = halfToNum(h, fpcr & AHP);
    }
    VI[d * 4] = 0; VI[d * 4 + 1] = 0; VI[d * 4 + 2] = 0; VI[d * 4 + 3] = 0;
    if (nan) {
      if (to === 3 && (fpcr & AHP)) { VI[d * 4] = sign << 15; return; } // no NaNs in the alternative format: a zero
      if (fpcr & DN) {
        if (to === 1) VI[d * 4 + 1] = 0x7ff80000; else if (to === 0) VI[d * 4] = 0x7fc00000; else VI[d * 4] = 0x7e00;
        return;
      }
      if (to === 1) { VI[d * 4 + 1] = (sign << 31) | 0x7ff80000 | quietPayloadHi; VI[d * 4] = payloadLo | 0; }
      else if (to === 0) VI[d * 4] = (sign << 31) | 0x7fc00000 | ((quietPayloadHi << 3) | (payloadLo >>> 29));
      else VI[d * 4] = (sign << 15) | 0x7e00 | (quietPayloadHi >>> 10);
      return;
    }
    const mode = (fpcr >>> 22) & 3;
    if (fpcr & FZ && from !== 3) { // FPCR.FZ: denormal single/double inputs are zeros; single results tiny before rounding too
      if (Math.abs(val) < (from === 1 ? MIN64 : MIN32)) val = sign ? -0 : 0;
      if (to === 0 && Math.abs(val) < MIN32) { VI[d * 4] = sign << 31; return; }
    }
    if (to === 1) VF[d * 2] = val;
    else if (to === 0) {
      if (mode && Number.isFinite(val) && val !== 0) { const [m, e] = decompose(val); VS[d * 4] = roundScaled(m, e, 24, -149, mode); }
      else VS[d * 4] = val;
    } else VI[d * 4] = numToHalf(val, mode, fpcr & AHP);
  }
  void f16dv;
  /** Fused multiply-add under a directed rounding mode (always exact BigInt). */
  function fmaR(a: number, b: number, c: number, ty: number, mode: number): number {
    if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return ty === 1 ? fma64(a, b, c) : fma32(a, b, c);
    return exactFma(a, b, c, ty === 1 ? 53 : 24, ty === 1 ? -1074 : -149, mode);
  }
  // ---- FPSR cumulative flags (only called by blocks translated with FPSR tracking on) ------------
  function flagsExact(S: Int32Array, V: bigint, E: number, sticky: boolean, r: number, ty: number): void {
    S[4] |= fpFlags(V, E, sticky, r, ty);
  }
  /** Flags of a scalar FADD(0) FSUB(1) FMUL(2) FDIV(3) FSQRT(4) FNMUL(5) with non-NaN result r. */
  function fpx(S: Int32Array, op: number, a: number, b: number, r: number, ty: number): void {
    if (!Number.isFinite(a) || (op !== 4 && !Number.isFinite(b))) return; // infinities: exact
    if (op === 3 && b === 0) { if (a !== 0) S[4] |= DZC; return; }
    const [ma, ea] = decompose(a);
    if (op <= 1) {
      const [mb0, eb] = decompose(b);
      const mb = op === 1 ? -mb0 : mb0;
      const e = Math.min(ea, eb);
      flagsExact(S, (ma << BigInt(ea - e)) + (mb << BigInt(eb - e)), e, false, r, ty);
    } else if (op === 2 || op === 5) {
      const [mb, eb] = decompose(b);
      flagsExact(S, ma * mb, ea + eb, false, r, ty);
    } else if (op === 3) {
      const [mb, eb] = decompose(b);
      if (ma === 0n) return;
      const k = 2 * (ty === 1 ? 53 : 24) + 4;
      const num = ma << BigInt(k);
      const q = num / mb, rem = num - q * mb;
      flagsExact(S, q, ea - eb - k, rem !== 0n, r, ty);
    } else {
      if (a <= 0) return;
      let m = ma, e = ea;
      if (e & 1) { m <<= 1n; e -= 1; }
      const k = 2 * ((ty === 1 ? 53 : 24) + 4);
      const n = m << BigInt(k);
      const x = isqrt(n);
      flagsExact(S, x, (e - k) / 2, x * x !== n, r, ty);
    }
  }
  /** Flags of a fused multiply-add a*b+c (non-NaN result r). */
  function fpx3(S: Int32Array, a: number, b: number, c: number, r: number, ty: number): void {
    if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return;
    const [ma, ea] = decompose(a), [mb, eb] = decompose(b), [mc, ec] = decompose(c);
    const ep = ea + eb, e = Math.min(ep, ec);
    flagsExact(S, ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e)), e, false, r, ty);
  }
  /** IOC for a NaN-producing operation: any signalling NaN source, or no NaN source at all. */
  function nanx(S: Int32Array, ty: number, srcs: number[]): void {
    const isN = ty === 1 ? isNaN64 : isNaN32, isS = ty === 1 ? isSNaN64 : isSNaN32;
    let anyNaN = false;
    for (const r of srcs) { if (isS(r)) { S[4] |= IOC; return; } if (isN(r)) anyNaN = true; }
    if (!anyNaN) S[4] |= IOC;
  }
  /** FCMP (quietOnly 1: IOC only for signalling NaNs) / FCMPE (any NaN). rm < 0: compare with zero. */
  function fcmpx(S: Int32Array, ty: number, n: number, m: number, quietOnly: number): void {
    const isN = ty === 1 ? isNaN64 : isNaN32, isS = ty === 1 ? isSNaN64 : isSNaN32;
    const any = isN(n) || (m >= 0 && isN(m)), sig = isS(n) || (m >= 0 && isS(m));
    if (sig || (!quietOnly && any)) S[4] |= IOC;
  }
  /** f2i with flags: IOC for NaN or out of range, IXC when rounding changed the value. */
  function f2ix(S: Int32Array, x: number, mode: number, signed: number, sf: number): number {
    const lo = f2i(x, mode, signed, sf);
    if (x !== x) { S[4] |= IOC; return lo; }
    const r = roundMode(x, mode);
    const min = signed ? (sf ? -9223372036854775808 : -2147483648) : 0;
    const maxp1 = signed ? (sf ? 9223372036854775808 : 2147483648) : (sf ? 18446744073709551616 : 4294967296);
    if (r < min || r >= maxp1) S[4] |= IOC;
    else if (r !== x) S[4] |= IXC;
    return lo;
  }
  /** i2f with IXC when the conversion rounded. */
  function i2fx(S: Int32Array, ty: number, signed: number, sf: number, lo: number, hi: number, fbits: number, mode = 0): number {
    const r = i2f(ty, signed, sf, lo, hi, fbits, mode);
    const big = !sf ? BigInt(signed ? lo : lo >>> 0) : signed ? BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0)) : (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    if (big !== 0n) flagsExact(S, big, -fbits, false, r, ty);
    return r;
  }
  /** FCVT with flags: IOC for a signalling NaN source; narrowing: IXC, OFC, UFC (tiny before rounding). */
  function fcvtx(S: Int32Array, from: number, to: number, d: number, n: number, fpcr: number): void {
    const h = VI[n * 4] & 0xffff, alt = fpcr & AHP;
    const nan = from === 1 ? isNaN64(n) : from === 0 ? isNaN32(n) : !alt && ((h >> 10) & 31) === 31 && (h & 1023) !== 0;
    const sig = from === 1 ? isSNaN64(n) : from === 0 ? isSNaN32(n) : nan && (h & 0x200) === 0;
    let val = from === 1 ? VF[n * 2] : from === 0 ? VS[n * 4] : halfToNum(h, alt);
    fcvt(from, to, d, n, fpcr);
    if (fpcr & FZ && from !== 3 && val !== 0 && Math.abs(val) < (from === 1 ? MIN64 : MIN32)) { S[4] |= IDC; val = 0; } // an input denormal, flushed
    if (fpcr & FZ && to === 0 && val !== 0 && Math.abs(val) < MIN32) { S[4] |= UFC; return; } // a tiny result, flushed
    if (to === 3 && alt) { // the alternative half format: NaNs, infinities and overflows are Invalid Operations
      if (nan || (toHalf(val, (fpcr >>> 22) & 3, 1) & 0x10000)) { S[4] |= IOC; return; }
      const res = halfToNum(VI[d * 4] & 0xffff, 1);
      if (res !== val) S[4] |= IXC | (Math.abs(val) < 2 ** -14 ? UFC : 0);
      return;
    }
    if (nan) { if (sig) S[4] |= IOC; return; }
    const narrowing = (from === 1 && to !== 1) || (from === 0 && to === 3);
    if (!narrowing || !Number.isFinite(val)) return;
    const res = to === 0 ? VS[d * 4] : halfToNum(VI[d * 4] & 0xffff);
    if (val === res) return;
    const max = to === 0 ? 3.4028234663852886e38 : 65504, minNormal = to === 0 ? 2 ** -126 : 2 ** -14;
    let f = IXC;
    if (!Number.isFinite(res) || (Math.abs(res) === max && Math.abs(val) >= (to === 0 ? 2 ** 128 : 65536))) f |= OFC;
    if (Math.abs(val) < minNormal) f |= UFC;
    S[4] |= f;
  }
  // ---- FPCR.FZ (only called by blocks translated with FZ set) ----------------------------------
  /** FPUnpack with FZ: a denormal operand is a zero of its sign (IDC when FPSR is tracked). */
  function fzi(x: number, ty: number, S?: Int32Array): number {
    if (x !== 0 && Math.abs(x) < (ty === 1 ? MIN64 : MIN32)) { if (S) S[4] |= IDC; return x < 0 ? -0 : 0; }
    return x;
  }
  /**
   * FPRound with FZ of the non-NaN result r of op (fpx numbering: 0 add 1 sub 2 mul 3 div 4 sqrt
   * 5 fnmul; 6 fused a*b+c) on flushed operands: a result tiny before rounding (|exact| below the
   * smallest normal) is a zero of its sign with UFC only; otherwise r with the usual flags (S given).
   */
  function fzr(op: number, a: number, b: number, c: number, r: number, ty: number, S?: Int32Array): number {
    const min = ty === 1 ? MIN64 : MIN32, ar = Math.abs(r);
    let tiny = false;
    if (r === 0) { // exactly zero, or a tiny nonzero result rounded to zero
      if (Number.isFinite(a) && Number.isFinite(b)) {
        if (op === 2 || op === 5) tiny = a !== 0 && b !== 0;
        else if (op === 3) tiny = a !== 0;
        else if (op === 6 && Number.isFinite(c) && a !== 0 && b !== 0) {
          const [ma, ea] = decompose(a), [mb, eb] = decompose(b), [mc, ec] = decompose(c);
          const ep = ea + eb, e = Math.min(ep, ec);
          tiny = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e)) !== 0n;
        }
      }
    } else if (ar < min) tiny = true;
    else if (ar === min) { // rounded up to the smallest normal: tiny if the exact value is below it
      const z = op === 6 ? exactFma(a, b, c, ty === 1 ? 53 : 24, ty === 1 ? -1074 : -149, 3) : frnd(op, a, b, 3, ty);
      tiny = Math.abs(z) < min;
    }
    if (tiny) { if (S) S[4] |= UFC; return r < 0 || Object.is(r, -0) ? -0 : 0; }
    if (S) { if (op === 6) fpx3(S, a, b, c, r, ty); else fpx(S, op, a, b, r, ty); }
    return r;
  }
  return { fzi, fzr, fmaR, frnd, fma64, fma32, nan2, nan3, fnm, frint, f2i, i2f, fcvt, halfToNum, numToHalf, toHalf, fpx, fpx3, nanx, fcmpx, f2ix, i2fx, fcvtx };
}
