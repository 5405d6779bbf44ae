// Random instruction generators for the simd differential tests (shared by the qemu and Unicorn runs).
import { Rng } from '../harness.js';
import { fzValue, fzPair, fzLow } from './fp.js';

const r = new Rng(5);
const v = () => `v${r.int(8)}`;
export const gen = (n: number, f: () => string) => Array.from({ length: n }, f);
const arr = <T,>(kinds: readonly T[]): T => r.pick(kinds);
const ALL = ['8b', '16b', '4h', '8h', '2s', '4s'];
const ALLD = [...ALL, '2d'];

export const intOps = (): string => {
  const T = arr(ALL), TD = arr(ALLD);
  switch (r.int(20)) {
    case 0: { const t8 = arr(['8b', '16b']); return `${arr(['and', 'orr', 'eor', 'bic', 'orn', 'bsl', 'bit', 'bif'])} ${v()}.${t8}, ${v()}.${t8}, ${v()}.${t8}`; }
    case 1: return `${arr(['add', 'sub', 'cmeq', 'cmgt', 'cmhi', 'cmge', 'cmhs', 'cmtst', 'sshl', 'ushl', 'sqadd', 'uqadd', 'sqsub', 'uqsub'])} ${v()}.${TD}, ${v()}.${TD}, ${v()}.${TD}`;
    case 2: return `${arr(['mul', 'mla', 'mls', 'smax', 'umax', 'smin', 'umin', 'sabd', 'uabd', 'saba', 'uaba', 'shadd', 'uhadd', 'srhadd', 'urhadd', 'shsub', 'uhsub'])} ${v()}.${T}, ${v()}.${T}, ${v()}.${T}`;
    case 3: return `${arr(['addp', 'smaxp', 'umaxp', 'sminp', 'uminp'])} ${v()}.${T}, ${v()}.${T}, ${v()}.${T}`;
    case 4: return `${arr(['cmeq', 'cmgt', 'cmge', 'cmle', 'cmlt'])} ${v()}.${TD}, ${v()}.${TD}, #0`;
    case 5: return `${arr(['abs', 'neg', 'sqabs', 'sqneg'])} ${v()}.${TD}, ${v()}.${TD}`;
    case 6: { const t8 = arr(['8b', '16b']); return `${arr(['cnt', 'not', 'rbit', 'rev16'])} ${v()}.${t8}, ${v()}.${t8}`; }
    case 7: { const t = arr(['8b', '16b', '4h', '8h']); return `${arr(['rev32', 'rev64', 'clz', 'cls'])} ${v()}.${t}, ${v()}.${t}`; }
    case 8: { const t = arr(['16b', '8h', '4s']); const t2 = arr(['8b', '4h']); return `${arr(['addv', 'umaxv', 'uminv', 'smaxv', 'sminv'])} ${t === '16b' ? 'b' : t === '8h' ? 'h' : 's'}${r.int(8)}, ${v()}.${t}\n${arr(['addv', 'umaxv'])} ${t2 === '8b' ? 'b' : 'h'}${r.int(8)}, ${v()}.${t2}`; }
    case 9: { const [n, w] = arr(['8b/8h', '4h/4s', '2s/2d'].map((s) => s)).split('/'); return `${arr(['uaddlv', 'saddlv'])} ${n === '8b' ? 'h' : n === '4h' ? 's' : 'd'}${r.int(8)}, ${v()}.${n === '2s' ? '4s' : n}\n${arr(['saddl', 'uaddl', 'ssubl', 'usubl', 'sabdl', 'uabdl', 'smull', 'umull', 'smlal', 'umlal', 'smlsl', 'umlsl', 'sabal', 'uabal'])} ${v()}.${w}, ${v()}.${n}, ${v()}.${n}`; }
    case 10: { const [n, w] = arr(['16b/8h', '8h/4s', '4s/2d']).split('/'); return `${arr(['saddl2', 'uaddl2', 'smull2', 'umull2', 'umlal2', 'ssubl2'])} ${v()}.${w}, ${v()}.${n}, ${v()}.${n}\n${arr(['saddw', 'uaddw', 'ssubw', 'usubw'])} ${v()}.${w}, ${v()}.${w}, ${v()}.${n === '16b' ? '8b' : n === '8h' ? '4h' : '2s'}`; }
    case 11: { const [n, w] = arr(['8b/8h', '4h/4s', '2s/2d']).split('/'); return `${arr(['addhn', 'subhn', 'raddhn', 'rsubhn'])} ${v()}.${n}, ${v()}.${w}, ${v()}.${w}\n${arr(['xtn', 'sqxtn', 'uqxtn', 'sqxtun'])} ${v()}.${n}, ${v()}.${w}`; }
    case 12: { const [n, w] = arr(['16b/8h', '8h/4s', '4s/2d']).split('/'); return `${arr(['xtn2', 'uqxtn2', 'addhn2'])} ${v()}.${n}, ${v()}.${w}${''}${', v1.' + w}`.replace(/(xtn2|uqxtn2) (v\d\.\w+), (v\d\.\w+), v1\.\w+/, '$1 $2, $3'); }
    case 13: { const es = arr([8, 16, 32, 64]); const t = es === 8 ? arr(['8b', '16b']) : es === 16 ? arr(['4h', '8h']) : es === 32 ? arr(['2s', '4s']) : '2d'; const sh = 1 + r.int(es); return `${arr(['sshr', 'ushr', 'ssra', 'usra', 'srshr', 'urshr', 'sri'])} ${v()}.${t}, ${v()}.${t}, #${sh}\n${arr(['shl', 'sli'])} ${v()}.${t}, ${v()}.${t}, #${sh - 1}`; }
    case 14: { const [n, w, es] = arr(['8b/8h/8', '4h/4s/16', '2s/2d/32']).split('/'); const n2 = n === '8b' ? '16b' : n === '4h' ? '8h' : '4s'; const sh = 1 + r.int(+es); return `${arr(['shrn', 'rshrn', 'uqshrn', 'sqshrn', 'sqshrun', 'uqrshrn'])} ${v()}.${n}, ${v()}.${w}, #${sh}\n${arr(['sshll', 'ushll'])} ${v()}.${w}, ${v()}.${n}, #${sh - 1}\n${arr(['sshll2', 'ushll2'])} ${v()}.${w}, ${v()}.${n2}, #${sh - 1}\n${arr(['sxtl', 'uxtl'])} ${v()}.${w}, ${v()}.${n}\n${arr(['sxtl2', 'uxtl2', 'shrn2', 'rshrn2'])} ${v()}.${w === '2d' ? '4s' : w}, ${v()}.${w === '2d' ? '2d' : w}`.replace(/(sxtl2|uxtl2) (v\d)\.(\w+), (v\d)\.\w+$/, (_, m, a, t, b) => `${m} ${a}.${w}, ${b}.${n2}`).replace(/(shrn2|rshrn2) (v\d)\.\w+, (v\d)\.\w+$/, (_, m, a, b) => `${m} ${a}.${n2}, ${b}.${w}, #1`); }
    case 15: return `${arr(['zip1', 'zip2', 'uzp1', 'uzp2', 'trn1', 'trn2'])} ${v()}.${TD === '2d' ? '2d' : T}, ${v()}.${TD === '2d' ? '2d' : T}, ${v()}.${TD === '2d' ? '2d' : T}`;
    case 16: return `ext ${v()}.16b, ${v()}.16b, ${v()}.16b, #${r.int(16)}\next ${v()}.8b, ${v()}.8b, ${v()}.8b, #${r.int(8)}\n${arr(['tbl', 'tbx'])} ${v()}.16b, {v${r.int(6)}.16b, v${r.int(6) + 1}.16b}, ${v()}.16b`.replace(/\{v(\d)\.16b, v\d\.16b\}/, (_, a) => `{v${a}.16b, v${(+a + 1) % 32}.16b}`);
    case 17: { const es = arr(['b', 'h', 's', 'd']); const n = { b: 16, h: 8, s: 4, d: 2 }[es]!; const t = { b: '16b', h: '8h', s: '4s', d: '2d' }[es]; return `dup ${v()}.${t}, ${v()}.${es}[${r.int(n)}]\ndup ${v()}.${t}, ${es === 'd' ? 'x' : 'w'}${r.int(8)}\nins ${v()}.${es}[${r.int(n)}], ${v()}.${es}[${r.int(n)}]\nins ${v()}.${es}[${r.int(n)}], ${es === 'd' ? 'x' : 'w'}${r.int(8)}\numov ${es === 'd' ? 'x' : 'w'}${r.int(8)}, ${v()}.${es}[${r.int(n)}]${es !== 'd' ? `\nsmov x${r.int(8)}, ${v()}.${es === 's' ? 's' : es}[${r.int(n)}]` : ''}\nmov ${es}${r.int(8)}, ${v()}.${es}[${r.int(n)}]`; }
    case 18: return `${arr(['movi', 'mvni'])} ${v()}.${arr(['2s', '4s'])}, #${r.int(256)}, lsl #${8 * r.int(4)}\nmovi ${v()}.${arr(['8b', '16b'])}, #${r.int(256)}\nmovi ${v()}.2d, #0xff00ff0000ffff00\nmovi d${r.int(8)}, #0xffff0000ff\n${arr(['orr', 'bic'])} ${v()}.${arr(['4h', '8h'])}, #${r.int(256)}, lsl #${8 * r.int(2)}\nmovi ${v()}.4s, #${r.int(256)}, msl #${arr([8, 16])}\nfmov ${v()}.${arr(['2s', '4s', '2d'])}, #${arr(['1.0', '-0.5', '3.0'])}`;
    default: { const es = arr(['h', 's']); const t = es === 'h' ? arr(['4h', '8h']) : arr(['2s', '4s']); const idx = r.int(es === 'h' ? 8 : 4); return `${arr(['mul', 'mla', 'mls'])} ${v()}.${t}, ${v()}.${t}, v${es === 'h' ? r.int(8) : r.int(8)}.${es}[${idx}]\n${arr(['smull', 'umull', 'smlal', 'umlal'])} ${v()}.${es === 'h' ? '4s' : '2d'}, ${v()}.${es === 'h' ? '4h' : '2s'}, ${v()}.${es}[${idx}]`; }
  }
};

export const scalarOps = (): string => {
  switch (r.int(6)) {
    case 0: return `${arr(['add', 'sub', 'cmeq', 'cmgt', 'cmhi', 'cmge', 'cmhs', 'cmtst', 'sshl', 'ushl'])} d${r.int(8)}, d${r.int(8)}, d${r.int(8)}`;
    case 1: return `${arr(['cmeq', 'cmgt', 'cmge', 'cmle', 'cmlt'])} d${r.int(8)}, d${r.int(8)}, #0\n${arr(['abs', 'neg'])} d${r.int(8)}, d${r.int(8)}`;
    case 2: return `addp d${r.int(8)}, v${r.int(8)}.2d\n${arr(['sshr', 'ushr', 'ssra', 'usra', 'sri'])} d${r.int(8)}, d${r.int(8)}, #${1 + r.int(64)}\n${arr(['shl', 'sli'])} d${r.int(8)}, d${r.int(8)}, #${r.int(64)}`;
    case 3: return `${arr(['uqadd', 'sqadd', 'uqsub', 'sqsub'])} ${arr(['b', 'h', 's', 'd'])}1, ${'b'}2, b3`.replace(/ (\w)1, b2, b3/, (_, p) => ` ${p}1, ${p}2, ${p}3`);
    case 4: { const p = arr(['s', 'd']); return `${arr(['scvtf', 'ucvtf', 'fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtms', 'fcvtps', 'fcvtas', 'fcvtau'])} ${p}${r.int(8)}, ${p}${r.int(8)}\n${arr(['faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'])} ${p}${r.int(8)}, v${r.int(8)}.2${p}`; }
    default: { const p = arr(['s', 'd']); return `${arr(['fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt', 'fabd'])} ${p}${r.int(8)}, ${p}${r.int(8)}, ${p}${r.int(8)}\n${arr(['fmul', 'fmla', 'fmls'])} ${p}${r.int(8)}, ${p}${r.int(8)}, v${r.int(8)}.${p}[${r.int(p === 's' ? 4 : 2)}]\n${arr(['fcmeq', 'fcmge', 'fcmgt', 'fcmle', 'fcmlt'])} ${p}${r.int(8)}, ${p}${r.int(8)}, #0.0`; }
  }
};

export const fpVec = (): string => {
  const t = arr(['2s', '4s', '2d']);
  switch (r.int(6)) {
    case 0: case 1: return `${arr(['fadd', 'fsub', 'fmul', 'fdiv', 'fmax', 'fmin', 'fmaxnm', 'fminnm', 'fabd', 'fmla', 'fmls', 'faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'])} ${v()}.${t}, ${v()}.${t}, ${v()}.${t}`;
    case 2: return `${arr(['fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt'])} ${v()}.${t}, ${v()}.${t}, ${v()}.${t}\n${arr(['fcmeq', 'fcmgt', 'fcmge', 'fcmle', 'fcmlt'])} ${v()}.${t}, ${v()}.${t}, #0.0`;
    case 3: return `${arr(['fabs', 'fneg', 'fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frinti', 'frintx', 'scvtf', 'ucvtf', 'fcvtzs', 'fcvtzu', 'fcvtns', 'fcvtnu', 'fcvtms', 'fcvtps', 'fcvtas'])} ${v()}.${t}, ${v()}.${t}`;
    case 4: return `fcvtl ${v()}.2d, ${v()}.2s\nfcvtl2 ${v()}.2d, ${v()}.4s\nfcvtn ${v()}.2s, ${v()}.2d\nfcvtn2 ${v()}.4s, ${v()}.2d\n${arr(['scvtf', 'ucvtf', 'fcvtzs', 'fcvtzu'])} ${v()}.${t}, ${v()}.${t}, #${1 + r.int(t === '2d' ? 64 : 32)}`;
    default: { const p = t === '2d' ? 'd' : 's'; return `${arr(['fmul', 'fmla', 'fmls'])} ${v()}.${t}, ${v()}.${t}, ${v()}.${p}[${r.int(p === 's' ? 4 : 2)}]\n${arr(['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv'])} s${r.int(8)}, ${v()}.4s`; }
  }
};

export const ldst = (): string => {
  const T = arr(['8b', '16b', '4h', '8h', '2s', '4s', '1d', '2d']);
  const n = 1 + r.int(4);
  const regs = (k: number) => `{${Array.from({ length: k }, (_, i) => `v${(2 + i) % 8}.${T}`).join(', ')}}`;
  switch (r.int(6)) {
    case 0: return `mov x9, x17\n${arr(['ld1', 'st1'])} ${regs(n)}, [x9]${arr(['', `, #${n * (['1d', '8b', '4h', '2s'].includes(T) ? 8 : 16)}`, ', x3'])}\nmov x10, x9`.replace(', x3', '\nsub x3, x3, x3');
    case 1: { if (T === '1d') return 'nop'; const k = 2 + r.int(3); return `mov x9, x17\n${arr(['ld', 'st'])}${k} ${regs(k)}, [x9], #${k * (['8b', '4h', '2s'].includes(T) ? 8 : 16)}\nmov x10, x9`; }
    case 2: { const es = arr(['b', 'h', 's', 'd']); const nl = { b: 16, h: 8, s: 4, d: 2 }[es]!; const k = 1 + r.int(4); return `mov x9, x17\n${arr(['ld', 'st'])}${k} {${Array.from({ length: k }, (_, i) => `v${(2 + i) % 8}.${es}`).join(', ')}}[${r.int(nl)}], [x9], #${k * { b: 1, h: 2, s: 4, d: 8 }[es]!}\nmov x10, x9`; }
    case 3: { const k = 1 + r.int(4); return `mov x9, x17\nld${k}r {${Array.from({ length: k }, (_, i) => `v${(2 + i) % 8}.${T}`).join(', ')}}, [x9]`; }
    case 4: return `ldr q${r.int(8)}, [x17, #${16 * r.int(8)}]\nstr q${r.int(8)}, [x17, #-${16 * r.int(8)}]\nldp q${r.int(4)}, q${4 + r.int(4)}, [x17, #32]\nstp q${r.int(8)}, q${r.int(8)}, [x17, #-64]\nldr d${r.int(8)}, [x17, #8]\nldr s${r.int(8)}, [x17, #4]\nldr h${r.int(8)}, [x17, #2]\nldr b${r.int(8)}, [x17, #1]`;
    default: return `str d${r.int(8)}, [x17, #8]\nstr s${r.int(8)}, [x17, #20]\nstr h${r.int(8)}, [x17, #34]\nstr b${r.int(8)}, [x17, #-3]\nldur q${r.int(8)}, [x17, #-7]\nldp d${r.int(4)}, d${4 + r.int(4)}, [x17, #-16]\nldp s${r.int(4)}, s${4 + r.int(4)}, [x17, #12]`;
  }
};


/** Reciprocal and reciprocal square root estimates and steps (vector and scalar). */
export const recip = (): string => {
  const t = arr(['2s', '4s', '2d']), p = t === '2d' ? 'd' : 's';
  return `${arr(['frecpe', 'frsqrte'])} ${v()}.${t}, ${v()}.${t}\n${arr(['frecps', 'frsqrts'])} ${v()}.${t}, ${v()}.${t}, ${v()}.${t}\n`
    + `${arr(['frecpe', 'frsqrte'])} ${p}${r.int(8)}, ${p}${r.int(8)}\n${arr(['frecps', 'frsqrts'])} ${p}${r.int(8)}, ${p}${r.int(8)}, ${p}${r.int(8)}`;
};

/** SQDMULH / SQRDMULH: vector, scalar and by element; operands biased toward the saturating -2^(n-1). */
export const dmulh = (): string => {
  const h = r.int(2) === 0, t = h ? arr(['4h', '8h']) : arr(['2s', '4s']), p = h ? 'h' : 's';
  const idx = r.int(h ? 8 : 4), m = h ? r.int(8) : r.int(8);
  return `${r.int(3) === 0 ? `movi ${v()}.${h ? '8h' : '4s'}, #0x80, lsl #${h ? 8 : 24}\n` : ''}${arr(['sqdmulh', 'sqrdmulh'])} ${v()}.${t}, ${v()}.${t}, ${v()}.${t}\n`
    + `${arr(['sqdmulh', 'sqrdmulh'])} ${p}${r.int(8)}, ${p}${r.int(8)}, ${p}${r.int(8)}\n${arr(['sqdmulh', 'sqrdmulh'])} ${v()}.${t}, ${v()}.${t}, v${m}.${p}[${idx}]`;
};

/** FMLA/FMLS .2d on lanes widened from singles (exact products: the inline fast path). */
export const fmlaSingles = (): string => {
  const a = r.int(8), b = r.int(8);
  return `fcvtl v${a}.2d, v${a}.2s\nfcvtl v${b}.2d, v${b}.2s\n${arr(['fmla', 'fmls'])} ${v()}.2d, v${a}.2d, v${b}.2d`;
};

/** SQSHL/UQSHL/SRSHL/URSHL/SQRSHL/UQRSHL (register), vector and scalar; the shift operand's bytes
 *  are first made small signed numbers (sshr .16b) so that shifts in both directions saturate,
 *  round and wrap, not only the extremes random bytes give. */
export const regShifts = (): string => {
  const m = r.int(8);
  const prep = `sshr v${m}.16b, v${m}.16b, #${arr([2, 3, 4, 5])}\n`;
  const op = arr(['sqshl', 'uqshl', 'srshl', 'urshl', 'sqrshl', 'uqrshl']);
  if (r.int(3)) { const t = arr(ALLD); return `${prep}${op} ${v()}.${t}, ${v()}.${t}, v${m}.${t}`; }
  const p = op === 'srshl' || op === 'urshl' ? 'd' : arr(['b', 'h', 's', 'd']);
  return `${prep}${op} ${p}${r.int(8)}, ${p}${r.int(8)}, ${p}${m}`;
};

/** Scalar saturating forms (B/H/S/D): SQADD UQADD SQSUB UQSUB, SQABS SQNEG of the most negative value too. */
export const satScalar = (): string => {
  const p = arr(['b', 'h', 's', 'd']);
  if (r.int(2)) return `${arr(['sqadd', 'uqadd', 'sqsub', 'uqsub'])} ${p}${r.int(8)}, ${p}${r.int(8)}, ${p}${r.int(8)}`;
  const n = r.int(8);
  const min = r.int(2) ? `movi v${n}.16b, #0\nmov v${n}.${p}[0], ${p === 'd' ? 'x' : 'w'}${r.int(8)}\n` : '';
  return `${min}${arr(['sqabs', 'sqneg'])} ${p}${r.int(8)}, ${p}${n}`;
};

// ---- issue #4: SQSHLU, PMUL/PMULL, SQDMULL family, FMULX, FRECPX, URECPE/URSQRTE, FCVTXN ----------
// Their own random stream, so that adding them leaves the cases of the generators above unchanged.
const r4 = new Rng(44);
const pk = <T,>(a: readonly T[]): T => r4.pick(a);
const v4 = () => r4.int(8);
const LANE = { 8: 'b', 16: 'h', 32: 's', 64: 'd' } as const;
const ARR = { 8: ['8b', '16b'], 16: ['4h', '8h'], 32: ['2s', '4s'], 64: ['2d'] } as const;
const hex = (x: bigint) => `0x${x.toString(16)}`;
/** Puts `val` into lane k (element size es) of v<reg> through x9/w9 (a literal load). */
const setLane = (reg: number, es: 8 | 16 | 32 | 64, k: number, val: bigint) =>
  `ldr ${es === 64 ? 'x' : 'w'}9, =${hex(val)}\nmov v${reg}.${LANE[es]}[${k}], ${es === 64 ? 'x' : 'w'}9\n`;
/** Integer edge values of an es-bit lane: INT_MIN, INT_MAX, 0, -1, 1. */
const intEdge = (es: number) => pk([1n << BigInt(es - 1), (1n << BigInt(es - 1)) - 1n, 0n, (1n << BigInt(es)) - 1n, 1n]);
/** Prefix that gives v<reg> interesting es-bit lanes: none (random), small signed values, or an edge value in one lane. */
const intPrep = (reg: number, es: 8 | 16 | 32 | 64): string => {
  switch (r4.int(4)) {
    case 0: return '';
    case 1: return `sshr v${reg}.${es === 64 ? '2d' : ARR[es][1]}, v${reg}.${es === 64 ? '2d' : ARR[es][1]}, #${es - 1 - r4.int(Math.min(es - 1, 6))}\n`;
    default: return setLane(reg, es, r4.int(128 / es), intEdge(es));
  }
};

/** SQSHLU (and SQSHL/UQSHL) by immediate, vector and scalar; FPSR.QC compared. */
export const satShiftImm = (): string => {
  const es = pk([8, 16, 32, 64] as const), n = v4(), sh = r4.int(es);
  const op = pk(['sqshlu', 'sqshlu', 'sqshl', 'uqshl']);
  if (r4.int(3)) { const t = pk(ARR[es]); return `${intPrep(n, es)}${op} v${v4()}.${t}, v${n}.${t}, #${sh}`; }
  return `${intPrep(n, es)}${op} ${LANE[es]}${v4()}, ${LANE[es]}${n}, #${sh}`;
};

/** PMUL (8B/16B) and PMULL/PMULL2 (8B/16B -> 8H). */
export const pmul = (): string => {
  const t = pk(['8b', '16b']), two = r4.int(2) ? '2' : '', nt = two ? '16b' : '8b';
  return `${intPrep(r4.int(8), 8)}pmul v${v4()}.${t}, v${v4()}.${t}, v${v4()}.${t}\n`
    + `pmull${two} v${v4()}.8h, v${v4()}.${nt}, v${v4()}.${nt}`;
};

/** SQDMULL/SQDMLAL/SQDMLSL (+2): vector, by element, scalar, scalar by element; plus SQDMULH/SQRDMULH scalar by element. */
export const dmull = (): string => {
  const es = pk([16, 32] as const), p = LANE[es], wp = es === 16 ? 's' : 'd', wt = es === 16 ? '4s' : '2d';
  const n = v4(), m = r4.int(3) ? v4() : n;
  const idx = r4.int(128 / es);
  let pre = '';
  if (r4.int(3) === 0) pre += `movi v${n}.${es === 16 ? '8h' : '4s'}, #0x80, lsl #${es === 16 ? 8 : 24}\n`;
  else pre += intPrep(n, es);
  if (r4.int(3) === 0) pre += `movi v${m}.${es === 16 ? '8h' : '4s'}, #0x80, lsl #${es === 16 ? 8 : 24}\n`;
  const d = v4();
  if (r4.int(2)) pre += setLane(d, es === 16 ? 32 : 64, r4.int(es === 16 ? 4 : 2), intEdge(es * 2));
  const op = pk(['sqdmull', 'sqdmlal', 'sqdmlsl']), two = r4.int(2) ? '2' : '';
  const nt = two ? (es === 16 ? '8h' : '4s') : (es === 16 ? '4h' : '2s');
  switch (r4.int(5)) {
    case 0: case 1: return `${pre}${op}${two} v${d}.${wt}, v${n}.${nt}, v${m}.${nt}`;
    case 2: return `${pre}${op}${two} v${d}.${wt}, v${n}.${nt}, v${m}.${p}[${idx}]`;
    case 3: return `${pre}${op} ${wp}${d}, ${p}${n}, ${r4.int(2) ? `${p}${m}` : `v${m}.${p}[${idx}]`}`;
    default: return `${pre}${pk(['sqdmulh', 'sqrdmulh'])} ${p}${d}, ${p}${n}, v${m}.${p}[${idx}]`;
  }
};

/** URECPE/URSQRTE (2S/4S) on random lanes and the boundaries of their ranges. */
export const uestimate = (): string => {
  const n = v4(), t = pk(['2s', '4s']);
  const pre = r4.int(2) ? setLane(n, 32, r4.int(4), pk([0n, 0x3fffffffn, 0x40000000n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0xff800000n, 0x807fffffn])) : '';
  return `${pre}${pk(['urecpe', 'ursqrte'])} v${v4()}.${t}, v${n}.${t}`;
};

const F32_EDGE = [0n, 0x80000000n, 0x7f800000n, 0xff800000n, 0x7f800001n, 0x7fc00001n, 0xffc00000n, 1n, 0x807fffffn, 0x00800000n, 0x7f7fffffn, 0x3f800000n];
const F64_EDGE = [0n, 1n << 63n, 0x7ff0000000000000n, 0xfff0000000000000n, 0x7ff0000000000001n, 0x7ff8000000000001n, 1n, 0x800fffffffffffffn,
  0x0010000000000000n, 0x7fefffffffffffffn, 0x3ff0000000000000n,
  // around single precision's limits: max float, halfway to 2^128, 2^128, the smallest denormal and below
  0x47efffffe0000000n, 0x47effffff0000000n, 0x47efffffefffffffn, 0x47f0000000000000n, 0xc7effffff8000000n, 0x36a0000000000000n, 0x3690000000000000n, 0x3680000000000000n, 0xb6a8000000000000n,
  0x3ff0000010000000n, 0x3ff0000030000000n, 0x3ff0000020000000n];
const fpPrep = (reg: number, es: 32 | 64, k: number) => (r4.int(3) ? setLane(reg, es, k, pk(es === 32 ? F32_EDGE : F64_EDGE)) : '');

/** FMULX vector, scalar, by element (vector and scalar); edge values put into the lanes that meet, a third of them 0 x inf. */
export const fmulx = (): string => {
  const t = pk(['2s', '4s', '2d']), es = t === '2d' ? 64 : 32, p = es === 64 ? 'd' : 's';
  const n = v4(), m = v4(), d = v4(), idx = r4.int(128 / es), form = r4.int(4);
  const nl = form >= 3 ? 0 : r4.int(128 / es), ml = form === 2 || (form >= 3 && r4.int(2)) ? idx : form >= 3 ? 0 : nl;
  let pre: string;
  if (r4.int(3) === 0) { // 0 x inf, either way round, any signs
    const z = pk(es === 32 ? [0n, 0x80000000n] : [0n, 1n << 63n]), inf = pk(es === 32 ? [0x7f800000n, 0xff800000n] : [0x7ff0000000000000n, 0xfff0000000000000n]);
    const swap = r4.int(2);
    pre = setLane(n, es, nl, swap ? inf : z) + (n === m && nl === ml ? '' : setLane(m, es, ml, swap ? z : inf));
  } else pre = fpPrep(n, es, nl) + fpPrep(m, es, ml);
  switch (form) {
    case 0: case 1: return `${pre}fmulx v${d}.${t}, v${n}.${t}, v${m}.${t}`;
    case 2: return `${pre}fmulx v${d}.${t}, v${n}.${t}, v${m}.${p}[${idx}]`;
    default: return `${pre}fmulx ${p}${d}, ${p}${n}, ${ml === 0 && r4.int(2) ? `${p}${m}` : `v${m}.${p}[${ml}]`}`;
  }
};

/** FRECPX (scalar) and FCVTXN/FCVTXN2 (vector, scalar) on edge values. */
export const recpxCvtxn = (): string => {
  const p = pk(['s', 'd']), n = v4(), m = v4();
  const pre = `${fpPrep(n, p === 's' ? 32 : 64, 0)}`, pre2 = `${fpPrep(m, 64, r4.int(2))}${fpPrep(m, 64, r4.int(2))}`;
  const cv = pk([`fcvtxn v${v4()}.2s, v${m}.2d`, `fcvtxn2 v${v4()}.4s, v${m}.2d`, `fcvtxn s${v4()}, d${m}`]);
  return `${pre}frecpx ${p}${v4()}, ${p}${n}\n${pre2}${cv}`;
};

// ---- issue #4, part 2: half-precision FCVTL/FCVTN, FPSR flags of AdvSIMD floating point --------------
// Their own random stream again (the generators above keep their cases).
const r5 = new Rng(55);
const p5 = <T,>(a: readonly T[]): T => r5.pick(a);
const v5 = () => r5.int(8);
const set5 = (reg: number, es: 16 | 32 | 64, k: number, val: bigint) =>
  `ldr ${es === 64 ? 'x' : 'w'}9, =${hex(val)}\nmov v${reg}.${LANE[es]}[${k}], ${es === 64 ? 'x' : 'w'}9\n`;
/** Half-precision edge values: denormals, the largest finite, infinities, signalling/quiet NaNs with payloads, -0, 1, 1/3
 *  (0x7c00-0x7fff are normal numbers up to 131008 in the alternative format). */
const F16_EDGE = [0x0001n, 0x03ffn, 0x0400n, 0x7bffn, 0x7c00n, 0xfc00n, 0x7c01n, 0x7e01n, 0xfd55n, 0x8000n, 0x3c00n, 0x3555n, 0x8001n, 0xfbffn, 0x7fffn];
/** Singles around half precision's limits (both formats): 65504, the half-way point to 65536 and either side, 2^-14, 2^-24,
 *  half of 2^-24 and either side, ties at 1 + 2^-11 and 1 + 3 * 2^-11, NaNs, single denormals. */
const F32_H = [0x477fe000n, 0x477ff000n, 0x477fefffn, 0x477ff001n, 0x47800000n, 0xc77ff000n, 0x38800000n, 0x387fc000n, 0x38000000n, 0x33800000n,
  0x33000000n, 0x33000001n, 0x32ffffffn, 0x3f801000n, 0x3f803000n, 0x3f801001n, 0xbf803000n, 0x7f800001n, 0x7fc12345n, 0xffa00000n,
  0x7f800000n, 0xff800000n, 1n, 0x807fffffn, 0x80000000n, 0x3eaaaaabn, 0x38801000n, 0x33c00000n, 0x33a00000n,
  // and the alternative format's (FPCR.AHP) largest value 131008, the half-way point to 2^17 and either side, 2^17
  0x47ffe000n, 0x47fff000n, 0x47ffefffn, 0xc7fff001n, 0x48000000n];
/** Singles/doubles for the flags: F32_EDGE/F64_EDGE plus values whose sums, products and quotients
 *  overflow, underflow, or are exact (2^127, 2^-126 + ulp, 2^-127, 1.5, 3, 2^-75 ...). */
const F32_X = [...F32_EDGE, 0x7f000000n, 0x00800001n, 0x00400000n, 0x3fc00000n, 0x40400000n, 0x1a000000n, 0x5f000000n, 0xbf800000n, 0x3f800001n, 0x7f7ffffen, 0x00ffffffn];
const F64_X = [...F64_EDGE, 0x7fe0000000000000n, 0x0010000000000001n, 0x0008000000000000n, 0x3ff8000000000000n, 0x4008000000000000n,
  0x2000000000000000n, 0x5ff0000000000000n, 0xbff0000000000000n, 0x3ff0000000000001n, 0x000fffffffffffffn];
const fp5 = (reg: number, es: 32 | 64, k: number) => (r5.int(4) ? set5(reg, es, k, p5(es === 32 ? F32_X : F64_X)) : '');

/** FCVTL/FCVTL2 (4H/8H -> 4S) and FCVTN/FCVTN2 (4S -> 4H/8H) on half and single edge values. */
export const halfCvt = (): string => {
  const n = v5(), m = v5();
  let pre = '';
  for (let k = 0, c = r5.int(4); k < c; k++) pre += set5(n, 16, r5.int(8), p5(F16_EDGE));
  for (let k = 0, c = r5.int(4); k < c; k++) pre += set5(m, 32, r5.int(4), p5(F32_H));
  const l = r5.int(2) ? `fcvtl v${v5()}.4s, v${n}.4h` : `fcvtl2 v${v5()}.4s, v${n}.8h`;
  const c = r5.int(2) ? `fcvtn v${v5()}.4h, v${m}.4s` : `fcvtn2 v${v5()}.8h, v${m}.4s`;
  // a round trip too: the converted halves back to singles
  const d = v5();
  return `${pre}${l}\n${c}\n${r5.int(3) ? '' : `fcvtn v${d}.4h, v${n}.4s\nfcvtl v${v5()}.4s, v${d}.4h\n`}`.trimEnd();
};

/** AdvSIMD FP arithmetic on edge values, for the FPSR flags: three-same, by element, scalar, pairwise,
 *  across lanes, unary, compares, estimates and steps, FCVTL/FCVTN/FCVTXN. */
export const fpFlags = (): string => {
  const t = p5(['2s', '4s', '2d']), es = t === '2d' ? 64 : 32, p = es === 64 ? 'd' : 's', L = 128 / es;
  const n = v5(), m = v5(), d = v5();
  let pre = '';
  for (let k = 0, c = 1 + r5.int(3); k < c; k++) pre += fp5(n, es, r5.int(L));
  for (let k = 0, c = 1 + r5.int(3); k < c; k++) pre += fp5(m, es, r5.int(L));
  if (r5.int(3) === 0) pre += fp5(d, es, r5.int(L));
  switch (r5.int(8)) {
    case 0: case 1: return `${pre}${p5(['fadd', 'fsub', 'fmul', 'fdiv', 'fmulx', 'fabd', 'fmla', 'fmls', 'frecps', 'frsqrts', 'fmax', 'fmin', 'fmaxnm', 'fminnm'])} v${d}.${t}, v${n}.${t}, v${m}.${t}`;
    case 2: return `${pre}${p5(['faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'])} v${d}.${t}, v${n}.${t}, v${m}.${t}\n${p5(['faddp', 'fmaxp', 'fminnmp'])} ${p}${v5()}, v${m}.2${p}`;
    case 3: return `${pre}${p5(['fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt'])} v${d}.${t}, v${n}.${t}, v${m}.${t}\n${p5(['fcmeq', 'fcmgt', 'fcmge', 'fcmle', 'fcmlt'])} v${v5()}.${t}, v${m}.${t}, #0.0`;
    case 4: return `${pre}${p5(['fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frinti', 'frintx', 'frecpe', 'frsqrte', 'fabs', 'fneg'])} v${d}.${t}, v${n}.${t}`;
    case 5: return `${pre}${p5(['fmul', 'fmla', 'fmls', 'fmulx'])} v${d}.${t}, v${n}.${t}, v${m}.${p}[${r5.int(L)}]\n`
      + `${p5(['fmul', 'fmla', 'fmls', 'fmulx'])} ${p}${v5()}, ${p}${n}, v${m}.${p}[${r5.int(L)}]`;
    case 6: return `${pre}${p5(['fabd', 'fmulx', 'frecps', 'frsqrts', 'fcmeq', 'fcmge', 'facgt'])} ${p}${d}, ${p}${n}, ${p}${m}\n`
      + `${p5(['frecpe', 'frsqrte', 'frecpx', 'fcmle', 'fcmeq'])} ${p}${v5()}, ${p}${m}${''}`.replace(/(fcmle|fcmeq) (\w+), (\w+)$/, '$1 $2, $3, #0.0');
    default: {
      if (es === 32) return `${pre}${p5(['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv'])} s${d}, v${n}.4s\nfcvtl${r5.int(2) ? '2' : ''} v${v5()}.2d, v${m}.${r5.int(2) ? '4s' : '2s'}`.replace(/fcvtl2 (v\d\.2d), (v\d)\.2s/, 'fcvtl2 $1, $2.4s').replace(/fcvtl (v\d\.2d), (v\d)\.4s/, 'fcvtl $1, $2.2s');
      return `${pre}${p5(['fcvtn', 'fcvtn2', 'fcvtxn', 'fcvtxn2'])} v${d}.${r5.int(2) ? '2s' : '4s'}, v${n}.2d`.replace(/(fcvtx?n) (v\d)\.4s/, '$1 $2.2s').replace(/(fcvtx?n2) (v\d)\.2s/, '$1 $2.4s')
        + `\nfcvtxn s${v5()}, d${m}`;
    }
  }
};

// ---- FPCR.FZ (issue #4): AdvSIMD FP on lanes near the denormal boundary; its own random stream ----
const r7 = new Rng(78);
const p7 = <T,>(a: readonly T[]): T => r7.pick(a);
const v7 = () => r7.int(8);
/** Every lane of the operand registers set (lanes of a single/double near the denormal boundary, see fzValue). */
const setAll7 = (reg: number, es: 32 | 64): string => {
  let s = '';
  for (let k = 0; k < 128 / es; k++) s += `ldr ${es === 64 ? 'x' : 'w'}9, =${hex(fzValue(r7, es))}\nmov v${reg}.${LANE[es]}[${k}], ${es === 64 ? 'x' : 'w'}9\n`;
  return s;
};
export const fzVec = (): string => {
  const t = p7(['2s', '4s', '2d']), es = t === '2d' ? 64 : 32, p = es === 64 ? 'd' : 's', L = 128 / es;
  const n = v7(), m = v7(), d = v7();
  const pre = setAll7(n, es) + setAll7(m, es) + (r7.int(2) ? setAll7(d, es) : '');
  switch (r7.int(12)) {
    case 11: { // sums and differences of lanes just above the denormals
      let set = '';
      for (let k = 0; k < L; k++) set += `ldr ${es === 64 ? 'x' : 'w'}9, =${hex(fzLow(r7, es))}\nmov v${n}.${LANE[es]}[${k}], ${es === 64 ? 'x' : 'w'}9\n`
        + `ldr ${es === 64 ? 'x' : 'w'}9, =${hex(fzLow(r7, es))}\nmov v${m}.${LANE[es]}[${k}], ${es === 64 ? 'x' : 'w'}9\n`;
      const second = r7.int(2) ? `fabd ${p}${v7()}, ${p}${n}, ${p}${m}` : `faddp ${p}${v7()}, v${m}.2${p}`;
      return `${set}${p7(['fadd', 'fsub', 'fabd'])} v${d}.${t}, v${n}.${t}, v${m}.${t}\n${second}`;
    }
    case 9: case 10: { // lanes whose products/quotients are at the boundary (tiny before rounding, also rounding up to the smallest normal)
      const div = r7.int(3) === 0, w = es === 64 ? 'x' : 'w';
      let set = '';
      for (let k = 0; k < L; k++) {
        const [x, y] = fzPair(r7, es, div);
        set += `ldr ${w}9, =${hex(x)}\nmov v${n}.${LANE[es]}[${k}], ${w}9\nldr ${w}9, =${hex(y)}\nmov v${m}.${LANE[es]}[${k}], ${w}9\n`;
      }
      if (div) return `${set}fdiv v${d}.${t}, v${n}.${t}, v${m}.${t}`;
      const z = [0, 1, 2, 3].find((x) => x !== n && x !== m && x !== d)!; // a zero accumulator
      return `${set}${p7(['fmul', 'fmulx'])} v${d}.${t}, v${n}.${t}, v${m}.${t}\nmovi v${z}.2d, #0\n${p7(['fmla', 'fmls'])} v${z}.${t}, v${n}.${t}, v${m}.${t}\n`
        + `${p7(['fmul', 'fmla'])} ${p}${v7()}, ${p}${n}, v${m}.${p}[0]`;
    }
    case 0: case 1: return `${pre}${p7(['fadd', 'fsub', 'fmul', 'fdiv', 'fmulx', 'fabd', 'fmla', 'fmls', 'frecps', 'frsqrts', 'fmax', 'fmin', 'fmaxnm', 'fminnm'])} v${d}.${t}, v${n}.${t}, v${m}.${t}`;
    case 2: return `${pre}${p7(['faddp', 'fmaxp', 'fminp', 'fmaxnmp', 'fminnmp'])} v${d}.${t}, v${n}.${t}, v${m}.${t}\n${p7(['faddp', 'fmaxp', 'fminnmp'])} ${p}${v7()}, v${m}.2${p}`;
    case 3: return `${pre}${p7(['fcmeq', 'fcmge', 'fcmgt', 'facge', 'facgt'])} v${d}.${t}, v${n}.${t}, v${m}.${t}\n${p7(['fcmeq', 'fcmgt', 'fcmge', 'fcmle', 'fcmlt'])} v${v7()}.${t}, v${m}.${t}, #0.0`;
    case 4: return `${pre}${p7(['fsqrt', 'frintn', 'frintp', 'frintm', 'frintz', 'frinta', 'frinti', 'frintx', 'frecpe', 'frsqrte', 'fabs', 'fneg', 'fcvtzs', 'fcvtnu', 'scvtf'])} v${d}.${t}, v${n}.${t}`;
    case 5: return `${pre}${p7(['fmul', 'fmla', 'fmls', 'fmulx'])} v${d}.${t}, v${n}.${t}, v${m}.${p}[${r7.int(L)}]\n`
      + `${p7(['fmul', 'fmla', 'fmls', 'fmulx'])} ${p}${v7()}, ${p}${n}, v${m}.${p}[${r7.int(L)}]`;
    case 6: return `${pre}${p7(['fabd', 'fmulx', 'frecps', 'frsqrts', 'fcmeq', 'fcmge', 'facgt'])} ${p}${d}, ${p}${n}, ${p}${m}\n`
      + `${p7(['frecpe', 'frsqrte', 'frecpx', 'fcvtzs', 'fcvtau'])} ${p}${v7()}, ${p}${m}\nfcvtzu ${p}${v7()}, ${p}${n}, #${1 + r7.int(es)}`;
    case 7: return `${pre}fcvtzs v${d}.${t}, v${n}.${t}, #${1 + r7.int(es)}\nucvtf v${v7()}.${t}, v${m}.${t}, #${1 + r7.int(es)}`;
    default: {
      if (es === 32) return `${pre}${p7(['fmaxv', 'fminv', 'fmaxnmv', 'fminnmv'])} s${d}, v${n}.4s\n${p7(['fcvtl v' + v7() + '.2d, v' + m + '.2s', 'fcvtl2 v' + v7() + '.2d, v' + m + '.4s', 'fcvtn v' + v7() + '.4h, v' + m + '.4s', 'fcvtn2 v' + v7() + '.8h, v' + m + '.4s'])}`;
      return `${pre}${p7(['fcvtn v' + d + '.2s', 'fcvtn2 v' + d + '.4s', 'fcvtxn v' + d + '.2s', 'fcvtxn2 v' + d + '.4s'])}, v${n}.2d\nfcvtxn s${v7()}, d${m}`;
    }
  }
};
