// x87 transcendentals evaluated exactly enough to round once: the argument is converted to a
// BigInt fixed-point number with P fraction bits (P grows for tiny arguments so the relative
// precision stays above ~190 bits), the function is summed as a series in that fixed point, and
// the caller rounds the result to 64 bits with a sticky bit. fsin/fcos/fptan reduce their argument
// modulo pi/2 with the 66-bit pi the hardware uses (so large arguments match it).

/** A finite value (-1)^s * m * 2^e. */
export interface Fin { s: number; m: bigint; e: number }

function bitLen(x: bigint): number { return x === 0n ? 0 : x.toString(2).length; }
const abs = (x: bigint) => (x < 0n ? -x : x);

/** x as a fixed-point BigInt with P fraction bits (truncated toward zero). */
export function toFix(x: Fin, P: number): bigint {
  const sh = x.e + P;
  const v = sh >= 0 ? x.m << BigInt(sh) : x.m >> BigInt(-sh);
  return x.s ? -v : v;
}
const mulF = (a: bigint, b: bigint, P: number) => (a * b) >> BigInt(P);
const divF = (a: bigint, b: bigint, P: number) => (a << BigInt(P)) / b;

/** atan(z) for |z| <= 1/2 (fixed point). */
function atanSmall(z: bigint, P: number): bigint {
  const z2 = mulF(z, z, P);
  let term = z, sum = 0n, k = 0n;
  for (;;) {
    const t = term / (2n * k + 1n);
    if (t === 0n) break;
    sum += k & 1n ? -t : t;
    term = mulF(term, z2, P);
    k++;
  }
  return sum;
}
/** atanh(z) for |z| <= 1/3. */
function atanhSmall(z: bigint, P: number): bigint {
  const z2 = mulF(z, z, P);
  let term = z, sum = 0n, k = 0n;
  for (;;) {
    const t = term / (2n * k + 1n);
    if (t === 0n) break;
    sum += t;
    term = mulF(term, z2, P);
    k++;
  }
  return sum;
}
const cache = new Map<string, bigint>();
function piF(P: number): bigint {
  const key = `pi${P}`;
  let v = cache.get(key);
  if (v === undefined) {
    const Q = P + 16, one = 1n << BigInt(Q);
    v = (16n * atanSmall(one / 5n, Q) - 4n * atanSmall(one / 239n, Q)) >> 16n;
    cache.set(key, v);
  }
  return v;
}
function ln2F(P: number): bigint {
  const key = `ln2${P}`;
  let v = cache.get(key);
  if (v === undefined) {
    const Q = P + 16;
    v = (2n * atanhSmall((1n << BigInt(Q)) / 3n, Q)) >> 16n;
    cache.set(key, v);
  }
  return v;
}
/** atan(z) for any fixed-point z. */
export function atanF(z: bigint, P: number): bigint {
  const one = 1n << BigInt(P);
  if (abs(z) > one) { const r = piF(P) / 2n - atanF(divF(one, abs(z), P), P); return z < 0n ? -r : r; }
  // halve the argument twice: atan(z) = 2 atan(z / (1 + sqrt(1 + z^2)))
  let w = z;
  for (let i = 0; i < 2; i++) w = divF(w, one + isqrt((one << BigInt(P)) + w * w), P);
  return 4n * atanSmall(w, P);
}
function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLen(n) >> 1) + 1);
  for (;;) { const y = (x + n / x) >> 1n; if (y >= x) return x; x = y; }
}
/** sin and cos of |r| <= ~pi/4. */
function sinCosSmall(r: bigint, P: number): [bigint, bigint] {
  const r2 = mulF(r, r, P);
  let s = 0n, c = 0n, term = r, k = 1n;
  for (let i = 0; term !== 0n; i++) { s += i & 1 ? -term : term; term = mulF(term, r2, P) / ((k + 1n) * (k + 2n)); k += 2n; }
  term = 1n << BigInt(P); k = 0n;
  for (let i = 0; term !== 0n; i++) { c += i & 1 ? -term : term; term = mulF(term, r2, P) / ((k + 1n) * (k + 2n)); k += 2n; }
  return [s, c];
}
// pi rounded to 66 significant bits, as an integer times 2^-64 (0xC90FDAA22168C234C...).
const PI66 = (0xc90fdaa22168c234n << 2n) | 3n;
/** sin and cos of x (|x| < 2^63) with the hardware's 66-bit-pi argument reduction. */
export function sinCos(x: Fin, P: number): [bigint, bigint] {
  // r = x - n * pi66/2 exactly, at scale 2^-Q with Q >= 65
  const Q = Math.max(65, -x.e);
  const X = toFix({ s: 0, m: x.m, e: x.e }, Q); // exact
  const half = PI66 << BigInt(Q - 65); // pi66/2 at scale 2^-Q
  const n = (X + half / 2n) / half;
  const r = X - n * half;
  // to P fraction bits
  const rp = Q >= P ? (r < 0n ? -((-r) >> BigInt(Q - P)) : r >> BigInt(Q - P)) : r << BigInt(P - Q);
  const [s0, c0] = sinCosSmall(rp, P);
  let s: bigint, c: bigint;
  switch (Number(n & 3n)) {
    case 0: s = s0; c = c0; break;
    case 1: s = c0; c = -s0; break;
    case 2: s = -s0; c = -c0; break;
    default: s = -c0; c = s0; break;
  }
  if (x.s) s = -s;
  return [s, c];
}
/** ln(x) for x > 0 (finite). */
export function lnF(x: Fin, P: number): bigint {
  // x = m * 2^k with m in [1, 2): ln x = k ln2 + 2 atanh((m-1)/(m+1)); keep m near 1 by using [sqrt(1/2), sqrt(2))
  const nb = bitLen(x.m);
  let k = x.e + nb - 1;
  const one = 1n << BigInt(P);
  let m = toFix({ s: 0, m: x.m, e: -(nb - 1) }, P);
  if (m * m > 2n * one * one) { m >>= 1n; k += 1; }
  const z = divF(m - one, m + one, P);
  return BigInt(k) * ln2F(P) + 2n * atanhSmall(z, P);
}
/** e^y - 1 for |y| <= 1 (fixed point). */
export function expm1F(y: bigint, P: number): bigint {
  let term = y, sum = 0n, k = 1n;
  while (term !== 0n) { sum += term; k++; term = mulF(term, y, P) / k; }
  return sum;
}
export { ln2F, piF, bitLen };
