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
