// Random instruction generators for the fp differential tests (shared by the qemu and Unicorn runs).
import { Rng } from '../harness.js';

const r = new Rng(9);
const conds = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];
const V = (p: string) => `${p}${r.int(8)}`;
export const gen = (n: number, f: () => string) => Array.from({ length: n }, f);

export const arith = (): string => {
  const p = r.pick(['s', 'd']);
  switch (r.int(12)) {
    case 0: case 1: return `${r.pick(['fadd', 'fsub', 'fmul', 'fdiv', 'fnmul'])} ${V(p)}, ${V(p)}, ${V(p)}`;
    case 2: return `${r.pick(['fmax', 'fmin', 'fmaxnm', 'fminnm'])} ${V(p)}, ${V(p)}, ${V(p)}`;
    case 3: return `${r.pick(['fsqrt', 'fabs', 'fneg', 'fmov'])} ${V(p)}, ${V(p)}`;
    case 4: case 5: return `${r.pick(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])} ${V(p)}, ${V(p)}, ${V(p)}, ${V(p)}`;
    case 6: return `${r.pick(['fcmp', 'fcmpe'])} ${V(p)}, ${r.int(3) ? V(p) : '#0.0'}\ncset x0, ${r.pick(conds)}`;
    case 7: return `${r.pick(['fccmp', 'fccmpe'])} ${V(p)}, ${V(p)}, #${r.int(16)}, ${r.pick(conds)}`;
    case 8: return `fcsel ${V(p)}, ${V(p)}, ${V(p)}, ${r.pick(conds)}`;
    case 9: return `fmov ${V(p)}, #${r.pick(['1.0', '-2.5', '0.125', '31.0', '-0.1875', '1.9375'])}`;
    case 10: return `${r.pick(['frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti'])} ${V(p)}, ${V(p)}`;
    default: return `fmov ${p === 's' ? 'w' : 'x'}${r.int(8)}, ${V(p)}\nfmov ${V(p)}, ${p === 's' ? 'w' : 'x'}${r.int(8)}\nfmov x${r.int(8)}, v${r.int(8)}.d[1]\nfmov v${r.int(8)}.d[1], x${r.int(8)}`;
  }
};

export const conv = (): string => {
  const p = r.pick(['s', 'd']);
  const g = r.pick(['w', 'x']);
  switch (r.int(6)) {
    case 0: return `${r.pick(['scvtf', 'ucvtf'])} ${V(p)}, ${g}${r.int(8)}`;
    case 1: case 2: return `${r.pick(['fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtnu', 'fcvtps', 'fcvtpu', 'fcvtms', 'fcvtmu', 'fcvtas', 'fcvtau'])} ${g}${r.int(8)}, ${V(p)}`;
    case 3: return `${r.pick(['scvtf', 'ucvtf'])} ${V(p)}, ${g}${r.int(8)}, #${1 + r.int(g === 'w' ? 32 : 64)}`;
    case 4: return `${r.pick(['fcvtzs', 'fcvtzu'])} ${g}${r.int(8)}, ${V(p)}, #${1 + r.int(g === 'w' ? 32 : 64)}`;
    default: return r.pick([`fcvt ${V('d')}, ${V('s')}`, `fcvt ${V('s')}, ${V('d')}`, `fcvt ${V('h')}, ${V('s')}`, `fcvt ${V('s')}, ${V('h')}`, `fcvt ${V('h')}, ${V('d')}`, `fcvt ${V('d')}, ${V('h')}`]);
  }
};


/** FMADD family on doubles whose factors are converted singles (exact double products: the inline
 *  fast path of fmaExpr64), the addend a converted single or any double. */
export const fmaSingles = (): string => {
  const a = r.int(8), b = r.int(8), c = r.int(8);
  const cv = r.int(2) ? `\nfcvt d${c}, s${c}` : '';
  return `fcvt d${a}, s${a}\nfcvt d${b}, s${b}${cv}\n${r.pick(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])} d${r.int(8)}, d${a}, d${b}, d${c}`;
};

// FCVT between half and single/double on edge values (issue #4: FPCR.AHP too); its own random stream.
const r6 = new Rng(66);
const H_EDGE = [0x0001n, 0x03ffn, 0x0400n, 0x7bffn, 0x7c00n, 0xfc00n, 0x7c01n, 0x7e01n, 0xfd55n, 0x8000n, 0x3c00n, 0x7fffn, 0xffffn];
const S_EDGE = [0x477fe000n, 0x477ff000n, 0x477ff001n, 0x47800000n, 0x33000000n, 0x33000001n, 0x3f801000n, 0x7f800001n, 0x7fc12345n, 0xff800000n,
  0x47ffe000n, 0x47fff000n, 0x47ffefffn, 0xc7fff001n, 0x48000000n, 0x80000000n, 1n];
const D_EDGE = [0x40effc0000000000n, 0x40effe0000000000n, 0x40effe0000000001n, 0x40fffe0000000000n, 0x40ffff0000000000n, 0xc0fffeffffffffffn,
  0x4100000000000000n, 0x3e60000000000000n, 0x3e60000000000001n, 0x7ff0000000000001n, 0x7ff8000000012345n, 0xfff0000000000000n, 1n, 0x3f10040000000000n];
export const halfConv = (): string => {
  const n = r6.int(8), d = r6.int(8);
  switch (r6.int(4)) {
    case 0: return `ldr w9, =0x${r6.pick(H_EDGE).toString(16)}\nfmov s${n}, w9\nfcvt ${r6.pick(['s', 'd'])}${d}, h${n}`;
    case 1: return `ldr w9, =0x${r6.pick(S_EDGE).toString(16)}\nfmov s${n}, w9\nfcvt h${d}, s${n}`;
    case 2: return `ldr x9, =0x${r6.pick(D_EDGE).toString(16)}\nfmov d${n}, x9\nfcvt h${d}, d${n}`;
    default: return r6.pick([`fcvt h${d}, s${n}`, `fcvt h${d}, d${n}`, `fcvt s${d}, h${n}`, `fcvt d${d}, h${n}`]);
  }
};

// ---- FPCR.FZ (flush-to-zero, issue #4): denormal operands and results near the denormal boundary ----
// Its own random stream (the generators above keep their cases).
const rz = new Rng(77);
/** Single/double edge values for FZ: denormals (smallest, largest, negative), the smallest normal and
 *  its neighbours, 1 - ulp (times the smallest normal: a product that rounds up to it), NaNs, infinities. */
const Z32 = [1n, 0x7fffffn, 0x400000n, 0x80000001n, 0x807fffffn, 0x00800000n, 0x80800000n, 0x00800001n, 0x00ffffffn, 0x01000000n,
  0x3f7fffffn, 0x3f800000n, 0x3f000000n, 0xbf800000n, 0x3fc00000n, 0x1f800000n, 0x20000000n, 0x5f800000n, 0x7f7fffffn,
  0x0n, 0x80000000n, 0x7f800000n, 0xff800000n, 0x7fa00000n, 0x7fc00000n, 0x3f7ffffen, 0x34000000n];
const Z64 = [1n, 0x000fffffffffffffn, 0x0008000000000000n, 0x8000000000000001n, 0x800fffffffffffffn, 0x0010000000000000n,
  0x8010000000000000n, 0x0010000000000001n, 0x001fffffffffffffn, 0x0020000000000000n, 0x3fefffffffffffffn, 0x3ff0000000000000n,
  0x3fe0000000000000n, 0xbff0000000000000n, 0x3ff8000000000000n, 0x1ff0000000000000n, 0x2000000000000000n, 0x5ff0000000000000n,
  0x7fefffffffffffffn, 0n, 0x8000000000000000n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff4000000000000n,
  0x7ff8000000000000n, 0x3feffffffffffffen, 0x3cb0000000000000n,
  // singles' boundaries as doubles (FCVT to single): 2^-126 and just below, 2^-149, 2^-150, 1.5 * 2^-150
  0x3810000000000000n, 0x380fffffffffffffn, 0x36a0000000000000n, 0x3690000000000000n, 0x3698000000000000n, 0x380ffffff0000000n];
/** A random value of es bits near the denormal boundary (or where products/quotients reach it), or an edge value. */
export function fzValue(rng: Rng, es: 32 | 64): bigint {
  if (rng.int(3) === 0) return rng.pick(es === 32 ? Z32 : Z64);
  const sign = BigInt(rng.int(5) === 0 ? 1 : 0);
  if (es === 32) {
    // exponent fields: denormal/just normal (0-3), the square root of the boundary (62-66 biased: 2^-65..2^-61), 2^61..2^65, 1
    const e = rng.pick([0, 0, 1, 2, 3, 61, 63, 64, 65, 188, 190, 191, 127, 126]);
    // a quarter of the mantissas at either end: products of 1 - k ulps and 2^-126 (1 + j ulps) land just below or
    // above the smallest normal (rounding up to it is still tiny before rounding)
    const m = rng.int(4) === 0 ? (rng.int(2) ? BigInt(rng.int(16)) : 0x7fffffn - BigInt(rng.int(16)))
      : BigInt(rng.u32() & 0x7fffff) >> BigInt(rng.int(3) === 0 ? rng.int(23) : 0);
    return (sign << 31n) | (BigInt(e) << 23n) | m;
  }
  const e = rng.pick([0, 0, 1, 2, 3, 509, 511, 512, 513, 1534, 1536, 1537, 1023, 1022, 0x380, 0x36a, 0x369]);
  const m = rng.int(4) === 0 ? (rng.int(2) ? BigInt(rng.int(16)) : 0xfffffffffffffn - BigInt(rng.int(16)))
    : (((BigInt(rng.u32()) << 32n) | BigInt(rng.u32())) & 0xfffffffffffffn) >> BigInt(rng.int(3) === 0 ? rng.int(52) : 0);
  return (sign << 63n) | (BigInt(e) << 52n) | m;
}
/** Operands whose product (mul: [a, b]) or quotient (div: [a, b]) is within a few ulps of the smallest normal,
 *  either side: the exact result below it is tiny before rounding even where it rounds up to it. */
export function fzPair(rng: Rng, es: 32 | 64, div: boolean): [bigint, bigint] {
  const mb = es === 32 ? 23n : 52n, mmax = (1n << mb) - 1n, bias = es === 32 ? 127n : 1023n;
  const sign = () => BigInt(rng.int(4) === 0 ? 1 : 0) << BigInt(es - 1);
  const just = (e: bigint, above: boolean) => (above ? (e << mb) | BigInt(rng.int(3)) : ((e - 1n) << mb) | (mmax - BigInt(rng.int(3))));
  const k = BigInt(rng.int(4));
  // a = 2^(1-bias+k) (1 + j ulps), or just below 2^(2-bias+k); b = 2^(-k) (mul) or 2^(k) (div), just above or below
  const aBig = rng.int(2) === 1;
  const a = sign() | just(1n + k + (aBig ? 1n : 0n), !aBig);
  const b = sign() | just(div ? bias + k + (aBig ? 1n : 0n) : bias - k - (aBig ? 1n : 0n), rng.int(2) === 1);
  return [a, b];
}
/** A normal number of es bits just above the denormals (exponent field 1 or 2): sums and differences of two are often denormal. */
export function fzLow(rng: Rng, es: 32 | 64): bigint {
  const mb = es === 32 ? 23n : 52n;
  const m = ((BigInt(rng.u32()) << 32n) | BigInt(rng.u32())) & ((1n << mb) - 1n);
  return (BigInt(rng.int(2)) << BigInt(es - 1)) | (BigInt(1 + rng.int(2)) << mb) | m;
}
const setZ = (p: 's' | 'd', reg: number) => {
  const v = fzValue(rz, p === 's' ? 32 : 64);
  return `ldr ${p === 's' ? 'w' : 'x'}9, =0x${v.toString(16)}\nfmov ${p}${reg}, ${p === 's' ? 'w' : 'x'}9\n`;
};
/** Scalar FP under FPCR.FZ: every operand register set to a value near the denormal boundary first. */
export const fzScalar = (): string => {
  const p = rz.pick(['s', 'd'] as const), g = rz.pick(['w', 'x']);
  const n = rz.int(8), m = rz.int(8), a = rz.int(8), d = rz.int(8);
  const pre = setZ(p, n) + setZ(p, m) + (rz.int(2) ? setZ(p, a) : '');
  const Vn = `${p}${n}`, Vm = `${p}${m}`, Va = `${p}${a}`, Vd = `${p}${d}`;
  switch (rz.int(14)) {
    case 0: case 1: return `${pre}${rz.pick(['fadd', 'fsub', 'fmul', 'fdiv', 'fnmul'])} ${Vd}, ${Vn}, ${Vm}`;
    case 2: { // sums and differences of numbers just above the denormals
      const w = p === 's' ? 'w' : 'x', x = fzLow(rz, p === 's' ? 32 : 64), y = fzLow(rz, p === 's' ? 32 : 64);
      return `ldr ${w}9, =0x${x.toString(16)}\nfmov ${Vn}, ${w}9\nldr ${w}9, =0x${y.toString(16)}\nfmov ${Vm}, ${w}9\n${rz.pick(['fadd', 'fsub'])} ${Vd}, ${Vn}, ${Vm}`;
    }
    case 3: return `${pre}${rz.pick(['fmax', 'fmin', 'fmaxnm', 'fminnm'])} ${Vd}, ${Vn}, ${Vm}`;
    case 4: return `${pre}${rz.pick(['fsqrt', 'fabs', 'fneg', 'fmov'])} ${Vd}, ${Vn}`;
    case 5: case 6: return `${pre}${rz.pick(['fmadd', 'fmsub', 'fnmadd', 'fnmsub'])} ${Vd}, ${Vn}, ${Vm}, ${Va}`;
    case 7: return `${pre}${rz.pick(['fcmp', 'fcmpe'])} ${Vn}, ${rz.int(3) ? Vm : '#0.0'}\ncset x0, ${rz.pick(conds)}`;
    case 8: return `${pre}${rz.pick(['fccmp', 'fccmpe'])} ${Vn}, ${Vm}, #${rz.int(16)}, ${rz.pick(conds)}\nfcsel ${Vd}, ${Vn}, ${Vm}, ${rz.pick(conds)}`;
    case 9: return `${pre}${rz.pick(['frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frintx', 'frinti'])} ${Vd}, ${Vn}`;
    case 10: return `${pre}${rz.pick(['fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtau', 'fcvtms', 'fcvtpu'])} ${g}${d}, ${Vn}\nfcvtzs ${g}${a}, ${Vm}, #${1 + rz.int(g === 'w' ? 32 : 64)}`;
    case 11: return `${pre}fcvt ${p === 's' ? 'd' : 's'}${d}, ${Vn}\nfcvt h${a}, ${Vm}\nfcvt ${p === 's' ? 'd' : 's'}${rz.int(8)}, h${a}`;
    default: { // a product or quotient at the boundary (also as FMADD/FNMUL with a zero addend)
      const div = rz.int(3) === 0, [x, y] = fzPair(rz, p === 's' ? 32 : 64, div), w = p === 's' ? 'w' : 'x';
      const set = `ldr ${w}9, =0x${x.toString(16)}\nfmov ${Vn}, ${w}9\nldr ${w}9, =0x${y.toString(16)}\nfmov ${Vm}, ${w}9\n`;
      if (div) return `${set}fdiv ${Vd}, ${Vn}, ${Vm}`;
      return `${set}${rz.pick(['fmul', 'fnmul'])} ${Vd}, ${Vn}, ${Vm}\nmovi d${a}, #0\n${rz.pick(['fmadd', 'fnmsub'])} ${p}${rz.int(8)}, ${Vn}, ${Vm}, ${Va}`;
    }
  }
};
