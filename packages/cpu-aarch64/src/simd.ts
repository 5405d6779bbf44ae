// AdvSIMD decoding: vector and scalar forms become calls into the lane engine (simdhelp.ts); the
// hottest whole-register operations (bitwise logic, MOV, MOVI) are emitted inline on VI.
import { Undef, bits, bit, type Tx, extend } from './translate.js';
import { c64, asNum, add } from './gen.js';
import { fmaExpr64 } from './fp.js';

const q16 = (r: number) => r * 4;
const esOf = (size: number) => 8 << size;

const THREE_SAME_INT: Array<[string | null, string | null]> = [
  ['shadd', 'uhadd'], ['sqadd', 'uqadd'], ['srhadd', 'urhadd'], [null, null], ['shsub', 'uhsub'], ['sqsub', 'uqsub'],
  ['cmgt', 'cmhi'], ['cmge', 'cmhs'], ['sshl', 'ushl'], ['sqshl', 'uqshl'], ['srshl', 'urshl'], ['sqrshl', 'uqrshl'],
  ['smax', 'umax'], ['smin', 'umin'], ['sabd', 'uabd'], ['saba', 'uaba'], ['add', 'sub'], ['cmtst', 'cmeq'],
  ['mla', 'mls'], ['mul', null], ['smax', 'umax'], ['smin', 'umin'], [null, null], ['add', null],
];

export function emitSimd(t: Tx, w: number): void {
  const g = t.g;
  g.usesV = true;
  const Q = bit(w, 30), U = bit(w, 29);
  const rd = w & 31, rn = (w >>> 5) & 31, rm = (w >>> 16) & 31;
  const size = bits(w, 23, 22);
  if (bit(w, 31)) throw new Undef();
  const scalar = bit(w, 28) === 1;
  if (scalar && !bit(w, 30)) throw new Undef();
  const top = bits(w, 28, 24);
  if (top === 0b01110 || top === 0b11110) {
    if (bit(w, 21)) {
      if (bit(w, 10)) return scalar ? scalarThreeSame(t, w, U, size, rd, rn, rm) : threeSame(t, w, Q, U, size, rd, rn, rm);
      if (bits(w, 11, 10) === 2) {
        const k = bits(w, 20, 17);
        if (k === 0) return twoMisc(t, w, scalar ? -1 : Q, U, size, rd, rn);
        if (k === 8) return scalar ? scalarPairwise(t, w, U, size, rd, rn) : acrossLanes(t, w, Q, U, size, rd, rn);
        throw new Undef();
      }
      if (bits(w, 11, 10) === 0) return scalar ? scalarThreeDiff(t, w, U, size, rd, rn, rm) : threeDiff(t, w, Q, U, size, rd, rn, rm);
      throw new Undef();
    }
    // bit 21 = 0
    if (bits(w, 23, 21) === 0 && bit(w, 15) === 0 && bit(w, 10) === 1 && bits(w, 28, 24) === 0b01110) return copy(t, w, Q, U, rd, rn);
    if (scalar && bits(w, 23, 21) === 0 && U === 0 && bit(w, 15) === 0 && bit(w, 10) === 1 && bits(w, 14, 11) === 0) { // DUP (element) scalar
      const imm5 = bits(w, 20, 16);
      const sz = ctz(imm5);
      if (sz > 3) throw new Undef();
      g.emit(`vdup(${rd},${rn},${imm5 >> (sz + 1)},0,${8 << sz});zeroAbove(${rd},${1 << sz});`);
      return;
    }
    if (!scalar && U === 0 && bit(w, 15) === 0 && bits(w, 11, 10) === 2) { // permute
      const op = bits(w, 14, 12);
      if (op === 0 || op === 4 || (size === 3 && !Q)) throw new Undef();
      g.emit(`vperm(${op},${rd},${rn},${rm},${Q},${esOf(size)});`);
      return;
    }
    if (!scalar && U === 0 && size === 0 && bit(w, 15) === 0 && bits(w, 11, 10) === 0) { // TBL/TBX
      g.emit(`vtbl(${rd},${rn},${bits(w, 14, 13)},${rm},${Q},${bit(w, 12)});`);
      return;
    }
    if (!scalar && U === 1 && size === 0 && bit(w, 15) === 0 && bit(w, 10) === 0) { // EXT
      const idx = bits(w, 14, 11);
      if (!Q && idx > 7) throw new Undef();
      g.emit(`vext(${rd},${rn},${rm},${Q},${idx});`);
      return;
    }
    throw new Undef();
  }
  if (top === 0b01111 || top === 0b11111) {
    if (bit(w, 10)) {
      if (bits(w, 22, 19) === 0) { if (scalar || bit(w, 23)) throw new Undef(); return modImm(t, w, Q, U, rd); }
      return shiftImm(t, w, scalar ? -1 : Q, U, rd, rn);
    }
    return indexed(t, w, scalar ? -1 : Q, U, size, rd, rn);
  }
  throw new Undef();
}

/** The FPSR argument of the FP lane helpers: only blocks translated with FPSR tracking pass it. */
const fs = (t: Tx): string => (t.fpsr ? ',S' : '');
const ctz = (x: number) => (x === 0 ? 32 : 31 - Math.clz32(x & -x));

function threeSame(t: Tx, w: number, Q: number, U: number, size: number, rd: number, rn: number, rm: number): void {
  const g = t.g;
  const opc = bits(w, 15, 11);
  if (opc === 3) { // logical
    const n = q16(rn), m = q16(rm), d = q16(rd);
    const lanes = Q ? 4 : 2;
    let s = '';
    const tmp = Array.from({ length: lanes }, () => g.t());
    for (let i = 0; i < lanes; i++) {
      const a = `VI[${n + i}]`, b = `VI[${m + i}]`, c = `VI[${d + i}]`;
      let e: string;
      if (!U) e = [`${a}&${b}`, `${a}&~${b}`, `${a}|${b}`, `${a}|~${b}`][size];
      else e = [`${a}^${b}`, `(${c}&${a})|(~${c}&${b})`, `(${c}&~${b})|(${a}&${b})`, `(${c}&${b})|(${a}&~${b})`][size];
      s += `${tmp[i]}=${e};`;
    }
    for (let i = 0; i < lanes; i++) s += `VI[${d + i}]=${tmp[i]};`;
    if (!Q) s += `VI[${d + 2}]=0;VI[${d + 3}]=0;`;
    g.emit(s);
    return;
  }
  if (opc >= 24) { // floating point
    const es = bit(w, 22) ? 64 : 32;
    if (es === 64 && !Q) throw new Undef();
    const a = bit(w, 23);
    let op = -1, pair = false;
    switch (opc) {
      case 24: op = a ? 7 : 6; pair = U === 1; break; // FMAXNM/FMINNM(P)
      case 25: if (!U) op = a ? 15 : 14; break; // FMLA/FMLS
      case 26: if (!U) op = a ? 1 : 0; else if (!a) { op = 0; pair = true; } else op = 8; break; // FADD FSUB FADDP FABD
      case 27: if (!a) op = U ? 2 : 18; break; // FMUL, FMULX
      case 28: if (!U && !a) op = 9; else if (U) op = a ? 11 : 10; break; // FCMEQ FCMGE FCMGT
      case 29: if (U) op = a ? 13 : 12; break; // FACGE FACGT
      case 30: op = a ? 5 : 4; pair = U === 1; break; // FMAX/FMIN(P)
      case 31: if (U && !a) op = 3; else if (!U) op = a ? 17 : 16; break; // FDIV, FRECPS, FRSQRTS
    }
    if (op < 0) throw new Undef();
    if (!pair && !t.rmode && !t.fpsr && !t.fz && (op <= 3 || op === 14 || op === 15)) { inlineFp(t, op, rd, rn, rm, Q, es); return; }
    g.emit(pair ? `vfp(${op},${rd},${rn},${rm},${Q},${es},S[3]${fs(t)});` : `vf3(${op},${rd},${rn},${rm},${Q},${es},S[3],-1${fs(t)});`);
    return;
  }
  if (opc === 22) { // SQDMULH / SQRDMULH (16- and 32-bit lanes)
    if (size !== 1 && size !== 2) throw new Undef();
    g.emit(`v3(o_${U ? 'sqrdmulh' : 'sqdmulh'},${rd},${rn},${rm},${Q},${esOf(size)});`);
    return;
  }
  if (opc === 19 && U) { // PMUL (bytes only)
    if (size !== 0) throw new Undef();
    g.emit(`v3(o_pmul,${rd},${rn},${rm},${Q},8);`);
    return;
  }
  const name = THREE_SAME_INT[opc]?.[U];
  if (!name) throw new Undef();
  if (opc === 16 && size === 2) { // ADD/SUB .2s/.4s inline
    const lanes = Q ? 4 : 2, tm = Array.from({ length: lanes }, () => g.t());
    let code = '';
    for (let i = 0; i < lanes; i++) code += `${tm[i]}=(VI[${rn * 4 + i}]${U ? '-' : '+'}VI[${rm * 4 + i}])|0;`;
    for (let i = 0; i < lanes; i++) code += `VI[${rd * 4 + i}]=${tm[i]};`;
    if (!Q) code += `VI[${rd * 4 + 2}]=0;VI[${rd * 4 + 3}]=0;`;
    g.emit(code);
    return;
  }
  if (size === 3 && !['add', 'sub', 'cmgt', 'cmhi', 'cmge', 'cmhs', 'cmeq', 'cmtst', 'sshl', 'ushl', 'sqadd', 'uqadd', 'sqsub', 'uqsub', 'sqshl', 'uqshl', 'srshl', 'urshl', 'sqrshl', 'uqrshl'].includes(name)) throw new Undef();
  if (size === 3 && !Q) throw new Undef();
  if ((name === 'mul' || name === 'mla' || name === 'mls' || opc === 20 || opc === 21) && size === 3) throw new Undef();
  if (opc >= 20 && opc <= 23) { g.emit(`vp(o_${name},${rd},${rn},${rm},${Q},${esOf(size)});`); return; }
  g.emit(`v3(o_${name},${rd},${rn},${rm},${Q},${esOf(size)});`);
}

/** Vector FADD/FSUB/FMUL/FDIV/FMLA/FMLS inline; any NaN lane falls back to the lane engine (inputs untouched). */
function inlineFp(t: Tx, op: number, rd: number, rn: number, rm: number, Q: number, es: number): void {
  const g = t.g;
  const lanes = (Q ? 128 : 64) / es;
  const A = es === 64 ? 'VF' : 'VS', per = es === 64 ? 2 : 4;
  const tm = Array.from({ length: lanes }, () => g.t());
  let code = '';
  for (let i = 0; i < lanes; i++) {
    const a = `${A}[${rn * per + i}]`, b = `${A}[${rm * per + i}]`, c = `${A}[${rd * per + i}]`;
    let e: string;
    if (op <= 3) { e = `${a}${'+-*/'[op]}${b}`; if (es === 32) e = `Math.fround(${e})`; }
    else if (es === 64) e = fmaExpr64(g, `${op === 15 ? '-' : ''}${a}`, b, c);
    else e = `fma${es}(${op === 15 ? '-' : ''}${a},${b},${c})`;
    code += `${tm[i]}=${e};`;
  }
  code += `if(${tm.map((x) => `${x}!==${x}`).join('||')})vf3(${op},${rd},${rn},${rm},${Q},${es},S[3],-1);else{`;
  for (let i = 0; i < lanes; i++) code += `${A}[${rd * per + i}]=${tm[i]};`;
  if (!Q) code += `VI[${rd * 4 + 2}]=0;VI[${rd * 4 + 3}]=0;`;
  g.emit(code + '}');
}

function scalarThreeSame(t: Tx, w: number, U: number, size: number, rd: number, rn: number, rm: number): void {
  const g = t.g;
  const opc = bits(w, 15, 11);
  if (opc >= 24) {
    const es = bit(w, 22) ? 64 : 32, a = bit(w, 23);
    let op = -1;
    if (opc === 28) op = !U && !a ? 9 : U ? (a ? 11 : 10) : -1;
    else if (opc === 29 && U) op = a ? 13 : 12;
    else if (opc === 26 && U && a) op = 8; // FABD scalar
    else if (opc === 31 && !U) op = a ? 17 : 16; // FRECPS / FRSQRTS
    else if (opc === 27 && !U && !a) op = 18; // FMULX
    if (op < 0) throw new Undef();
    g.emit(`sf3(${op},${rd},${rn},${rm},${es},S[3],0${fs(t)});`);
    return;
  }
  if (opc === 22) { // SQDMULH / SQRDMULH (scalar H/S)
    if (size !== 1 && size !== 2) throw new Undef();
    g.emit(`s3(o_${U ? 'sqrdmulh' : 'sqdmulh'},${rd},${rn},${rm},${esOf(size)});`);
    return;
  }
  const name = THREE_SAME_INT[opc]?.[U];
  const ok64 = ['add', 'sub', 'cmgt', 'cmhi', 'cmge', 'cmhs', 'cmeq', 'cmtst', 'sshl', 'ushl', 'srshl', 'urshl'];
  const okAny = ['sqadd', 'uqadd', 'sqsub', 'uqsub', 'sqshl', 'uqshl', 'sqrshl', 'uqrshl'];
  if (!name || opc >= 20 || !(okAny.includes(name) || (ok64.includes(name) && size === 3))) throw new Undef();
  g.emit(`s3(o_${name},${rd},${rn},${rm},${esOf(size)});`);
}

function twoMisc(t: Tx, w: number, Q: number, U: number, size: number, rd: number, rn: number): void {
  const g = t.g;
  const opc = bits(w, 16, 12);
  const scalar = Q < 0;
  const es = esOf(size);
  const un = (name: string, allow64 = false) => {
    if (size === 3 && (!allow64 || (!scalar && !Q))) throw new Undef();
    if (scalar) { if (size !== 3 && !['sqabs', 'sqneg'].includes(name)) throw new Undef(); g.emit(`s2(o_${name},${rd},${rn},${es});`); }
    else g.emit(`v2(o_${name},${rd},${rn},${Q},${es});`);
  };
  // floating-point part (opcode >= 0x0c with size bit 1 / bit 23 patterns)
  if (opc >= 12 && !(opc === 18 || opc === 19 || opc === 20)) return twoMiscFp(t, w, Q, U, size, rd, rn);
  switch (opc) {
    case 0: if (scalar || (U ? size > 1 : size > 2)) break; g.emit(`vrev(${U ? 32 : 64},${rd},${rn},${Q},${es});`); return;
    case 1: if (scalar || U || size !== 0) break; g.emit(`vrev(16,${rd},${rn},${Q},8);`); return;
    case 2: case 6: if (scalar || size === 3) break; g.emit(`vaddlp(${U ? 0 : 1},${opc === 6 ? 1 : 0},${rd},${rn},${Q},${es});`); return;
    case 4: if (scalar || size === 3) break; un(U ? 'clz' : 'cls'); return;
    case 5:
      if (scalar) break;
      if (!U && size === 0) { un('cnt'); return; }
      if (U && size === 0) { un('not'); return; }
      if (U && size === 1) { g.emit(`v2(o_rbit,${rd},${rn},${Q},8);`); return; }
      break;
    case 7: un(U ? 'sqneg' : 'sqabs', true); return;
    case 8: un(U ? 'cmge0' : 'cmgt0', true); return;
    case 9: un(U ? 'cmle0' : 'cmeq0', true); return;
    case 10: if (U) break; un('cmlt0', true); return;
    case 11: un(U ? 'neg' : 'abs', true); return;
    case 18: if (scalar || size === 3) break; if (!U) { g.emit(`vxtn(0,${rd},${rn},${Q},${es});`); return; } g.emit(`vxtn(3,${rd},${rn},${Q},${es});`); return;
    case 19: if (scalar || size === 3 || !U) break; g.emit(`vshll(0,${rd},${rn},${Q},${es},${es});`); return; // SHLL
    case 20: if (scalar || size === 3) break; g.emit(`vxtn(${U ? 2 : 1},${rd},${rn},${Q},${es});`); return;
  }
  throw new Undef();
}

function twoMiscFp(t: Tx, w: number, Q: number, U: number, size: number, rd: number, rn: number): void {
  const g = t.g;
  const opc = bits(w, 16, 12);
  const scalar = Q < 0;
  const es = size & 1 ? 64 : 32;
  const hi = size >> 1;
  if (!scalar && es === 64 && !Q && opc !== 0x16 && opc !== 0x17) throw new Undef();
  const v2 = (op: number) => {
    g.emit(`vf2(${op},${rd},${rn},${scalar ? -1 : Q},${es},S[3]${fs(t)});`);
  };
  const cvt = (kind: number) => g.emit(`vcvt(${kind},${rd},${rn},${scalar ? 1 : Q},${es},0,${scalar ? 1 : 0},S[3]${t.fpsr ? ',S' : ''});`);
  if (!hi) {
    switch (opc) {
      case 0x16: // FCVTN (double->single when size=01, single->half when size=00), FCVTXN (round to odd; also scalar)
        if (U) { if (size !== 1) break; g.emit(`vfcvtn(${rd},${rn},${scalar ? -1 : Q},S[3],1,0${fs(t)});`); return; }
        if (scalar) break;
        g.emit(`vfcvtn(${rd},${rn},${Q},S[3],0,${size === 0 ? 1 : 0}${fs(t)});`);
        return;
      case 0x17: if (scalar || U) break; g.emit(`vfcvtl(${rd},${rn},${Q},S[3],${size === 0 ? 16 : 32}${fs(t)});`); return; // FCVTL(2) from single or half
      case 0x18: if (scalar) break; v2(U ? 7 : 3); return; // FRINTN / FRINTA
      case 0x19: if (scalar) break; v2(U ? 19 : 5); return; // FRINTM / FRINTX
      case 0x1a: cvt(U ? 5 : 4); return; // FCVTNS/NU
      case 0x1b: cvt(U ? 9 : 8); return; // FCVTMS/MU
      case 0x1c: cvt(U ? 11 : 10); return; // FCVTAS/AU
      case 0x1d: cvt(U ? 1 : 0); return; // SCVTF/UCVTF
    }
  } else {
    switch (opc) {
      case 0x0c: v2(U ? 10 : 9); return; // FCMGT/FCMGE #0
      case 0x0d: v2(U ? 12 : 11); return; // FCMEQ/FCMLE #0
      case 0x0e: if (U) break; v2(13); return; // FCMLT #0
      case 0x0f: if (scalar) break; v2(U ? 1 : 0); return; // FABS/FNEG
      case 0x18: if (scalar || U) break; v2(4); return; // FRINTP
      case 0x19: if (scalar) break; v2(U ? 8 : 6); return; // FRINTZ / FRINTI
      case 0x1a: cvt(U ? 7 : 6); return; // FCVTPS/PU
      case 0x1b: cvt(U ? 3 : 2); return; // FCVTZS/ZU
      case 0x1d: v2(U ? 15 : 14); return; // FRECPE / FRSQRTE
      case 0x1c: if (scalar || size !== 2) break; v2(U ? 18 : 17); return; // URECPE / URSQRTE (2S/4S)
      case 0x1f: if (scalar && !U) { v2(16); return; } if (scalar || !U) break; v2(2); return; // FRECPX (scalar), FSQRT
    }
  }
  throw new Undef();
}

function scalarPairwise(t: Tx, w: number, U: number, size: number, rd: number, rn: number): void {
  const g = t.g;
  const opc = bits(w, 16, 12);
  if (!U && opc === 0x1b && size === 3) { g.emit(`vred(o_add,${rd},${rn},1,64,64);`); return; } // ADDP d
  if (!U) throw new Undef();
  const es = size & 1 ? 64 : 32;
  const lo = size >> 1;
  let op = -1;
  if (opc === 0x0c) op = lo ? 7 : 6; // FMAXNMP/FMINNMP
  else if (opc === 0x0d && !lo) op = 0; // FADDP
  else if (opc === 0x0f) op = lo ? 5 : 4; // FMAXP/FMINP
  if (op < 0) throw new Undef();
  g.emit(`vfp(${op},${rd},${rn},${rn},-1,${es},S[3]${fs(t)});`);
}

function acrossLanes(t: Tx, w: number, Q: number, U: number, size: number, rd: number, rn: number): void {
  const g = t.g;
  const opc = bits(w, 16, 12);
  const es = esOf(size);
  if (opc === 0x0c || opc === 0x0f) { // FMAXNMV/FMINNMV, FMAXV/FMINV (single, 4 lanes)
    if (!U || !Q || (size & 1)) throw new Undef();
    const op = opc === 0x0c ? (size >> 1 ? 7 : 6) : (size >> 1 ? 5 : 4);
    g.emit(`vfred(${op},${rd},${rn},${Q},S[3]${fs(t)});`);
    return;
  }
  if (size === 3 || (size === 2 && !Q)) throw new Undef();
  switch (opc) {
    case 3: g.emit(`vred(o_${U ? 'add' : 'sadd'},${rd},${rn},${Q},${es},${es * 2});`); return;
    case 10: g.emit(`vred(o_${U ? 'umax' : 'smax'},${rd},${rn},${Q},${es},${es});`); return;
    case 26: g.emit(`vred(o_${U ? 'umin' : 'smin'},${rd},${rn},${Q},${es},${es});`); return;
    case 27: if (U) break; g.emit(`vred(o_add,${rd},${rn},${Q},${es},${es});`); return;
  }
  throw new Undef();
}

function threeDiff(t: Tx, w: number, Q: number, U: number, size: number, rd: number, rn: number, rm: number): void {
  const g = t.g;
  const opc = bits(w, 15, 12);
  if (size === 3) throw new Undef();
  const es = esOf(size);
  const s = U ? 0 : 1;
  switch (opc) {
    case 0: g.emit(`vlong(o_${U ? 'add' : 'sadd'},${rd},${rn},${rm},${Q},${es},0);`); return;
    case 2: g.emit(`vlong(o_${U ? 'sub' : 'ssub'},${rd},${rn},${rm},${Q},${es},0);`); return;
    case 1: g.emit(`vwide(0,${s},${rd},${rn},${rm},${Q},${es});`); return;
    case 3: g.emit(`vwide(1,${s},${rd},${rn},${rm},${Q},${es});`); return;
    case 4: g.emit(`vhn(0,${U},${rd},${rn},${rm},${Q},${es});`); return;
    case 6: g.emit(`vhn(1,${U},${rd},${rn},${rm},${Q},${es});`); return;
    case 5: g.emit(`vlong(o_${U ? 'uaba' : 'saba'},${rd},${rn},${rm},${Q},${es},1);`); return;
    case 7: g.emit(`vlong(o_${U ? 'uabd' : 'sabd'},${rd},${rn},${rm},${Q},${es},0);`); return;
    case 8: g.emit(`vmull(${s},1,${rd},${rn},${rm},${Q},${es},-1);`); return;
    case 10: g.emit(`vmull(${s},2,${rd},${rn},${rm},${Q},${es},-1);`); return;
    case 12: g.emit(`vmull(${s},0,${rd},${rn},${rm},${Q},${es},-1);`); return;
    case 14: if (U || size !== 0) break; g.emit(`vlong(o_pmul,${rd},${rn},${rm},${Q},8,0);`); return; // PMULL 8B/16B (1Q is crypto: size 3 stays undefined above)
    case 9: case 11: case 13: // SQDMLAL, SQDMLSL, SQDMULL
      if (U || (size !== 1 && size !== 2)) break;
      g.emit(`vqdmull(${opc === 13 ? 0 : opc === 9 ? 1 : 2},${rd},${rn},${rm},${Q},${es},-1,0);`);
      return;
  }
  throw new Undef();
}

/** Scalar three-different: SQDMLAL, SQDMLSL, SQDMULL (Sd <- Hn, Hm; Dd <- Sn, Sm). */
function scalarThreeDiff(t: Tx, w: number, U: number, size: number, rd: number, rn: number, rm: number): void {
  const opc = bits(w, 15, 12);
  if (U || (size !== 1 && size !== 2) || (opc !== 9 && opc !== 11 && opc !== 13)) throw new Undef();
  t.g.emit(`vqdmull(${opc === 13 ? 0 : opc === 9 ? 1 : 2},${rd},${rn},${rm},1,${esOf(size)},-1,1);`);
}

function copy(t: Tx, w: number, Q: number, op: number, rd: number, rn: number): void {
  const g = t.g;
  const imm5 = bits(w, 20, 16), imm4 = bits(w, 14, 11);
  const sz = ctz(imm5);
  if (sz > 3) throw new Undef();
  const es = 8 << sz;
  const idx = imm5 >> (sz + 1);
  if (op) { // INS (element)
    g.emit(`vins(${rd},${idx},${rn},${imm4 >> sz},${es});`);
    return;
  }
  switch (imm4) {
    case 0: if (sz === 3 && !Q) throw new Undef(); g.emit(`vdup(${rd},${rn},${idx},${Q},${es});`); return;
    case 1: { if (sz === 3 && !Q) throw new Undef(); const x = t.g.r(rn); g.emit(`vdupg(${rd},${x[0]},${x[1]},${Q},${es});`); return; }
    case 3: { if (!Q) throw new Undef(); const x = t.g.r(rn); g.emit(`vinsg(${rd},${idx},${x[0]},${x[1]},${es});`); return; }
    case 5: case 7: { // SMOV / UMOV
      const signed = imm4 === 5;
      if ((signed && (sz === 3 || (sz === 2 && !Q))) || (!signed && ((sz === 3) !== (Q === 1)))) throw new Undef();
      const base = rn * 16 + idx * (es / 8);
      let lo: string;
      if (es === 8) lo = signed ? `((V8[${base}]<<24)>>24)` : `V8[${base}]`;
      else if (es === 16) lo = signed ? `(((V8[${base}]|V8[${base + 1}]<<8)<<16)>>16)` : `(V8[${base}]|V8[${base + 1}]<<8)`;
      else lo = `VI[${base / 4}]`;
      const l = g.let(lo);
      if (es === 64) g.w(rd, [l, g.let(`VI[${base / 4 + 1}]`)]);
      else if (signed && Q) g.w(rd, [l, g.let(`${l}>>31`)]);
      else g.w32(rd, l);
      return;
    }
  }
  throw new Undef();
}

function modImm(t: Tx, w: number, Q: number, op: number, rd: number): void {
  const g = t.g;
  const cmode = bits(w, 15, 12), o2 = bit(w, 11);
  const imm8 = (bits(w, 18, 16) << 5) | bits(w, 9, 5);
  if (o2) throw new Undef();
  let v: bigint;
  let kind = 0; // 0 mov, 1 orr, 2 bic
  let invert = false;
  const rep = (x: bigint, es: number) => { let r = 0n; for (let i = 0; i < 64; i += es) r |= x << BigInt(i); return r; };
  if (cmode < 8) { // 32-bit shifted
    v = rep(BigInt(imm8) << BigInt(8 * (cmode >> 1)), 32);
    if (cmode & 1) kind = op ? 2 : 1; else invert = op === 1;
  } else if (cmode < 12) { // 16-bit shifted
    v = rep(BigInt(imm8) << BigInt(8 * ((cmode >> 1) & 1)), 16);
    if (cmode & 1) kind = op ? 2 : 1; else invert = op === 1;
  } else if (cmode < 14) { // 32-bit shifting ones
    const sh = cmode & 1 ? 16 : 8;
    v = rep((BigInt(imm8) << BigInt(sh)) | ((1n << BigInt(sh)) - 1n), 32);
    invert = op === 1;
  } else if (cmode === 14) {
    if (!op) v = rep(BigInt(imm8), 8);
    else { v = 0n; for (let i = 0; i < 8; i++) if (imm8 & (1 << i)) v |= 0xffn << BigInt(8 * i); }
  } else { // cmode 15: FMOV
    if (!op) { // single
      const b = BigInt(imm8);
      const a = (b >> 7n) & 1n, bb = (b >> 6n) & 1n;
      const f = (a << 31n) | ((bb ^ 1n) << 30n) | ((bb ? 0x1fn : 0n) << 25n) | ((b & 0x3fn) << 19n);
      v = rep(f, 32);
    } else {
      if (!Q) throw new Undef();
      const b = BigInt(imm8);
      const a = (b >> 7n) & 1n, bb = (b >> 6n) & 1n;
      v = (a << 63n) | ((bb ^ 1n) << 62n) | ((bb ? 0xffn : 0n) << 54n) | ((b & 0x3fn) << 48n);
    }
  }
  if (invert) v = ~v & ((1n << 64n) - 1n);
  const [lo, hi] = c64(v);
  g.emit(`vimm(${rd},${lo},${hi},${Q},${kind});`);
}

function shiftImm(t: Tx, w: number, Q: number, U: number, rd: number, rn: number): void {
  const g = t.g;
  const immh = bits(w, 22, 19), immb = bits(w, 18, 16);
  const opc = bits(w, 15, 11);
  const scalar = Q < 0;
  const hb = 31 - Math.clz32(immh);
  const es = 8 << hb;
  const full = (immh << 3) | immb;
  const rsh = es * 2 - full; // right shift amount
  const lsh = full - es; // left shift amount
  if (scalar && es !== 64 && !(opc === 0x1c || opc === 0x1f || opc === 0x12 || opc === 0x13 || opc === 0x11 || opc === 0x10 || opc === 0x0c || opc === 0x0e)) throw new Undef();
  if (!scalar && es === 64 && !Q && opc !== 0x10 && opc !== 0x11 && opc !== 0x12 && opc !== 0x13 && opc !== 0x14) throw new Undef();
  const q = scalar ? 1 : Q, sc = scalar ? 1 : 0;
  switch (opc) {
    case 0x00: g.emit(`vshift(${U ? 1 : 0},${rd},${rn},${q},${es},${rsh},${sc});`); return;
    case 0x02: g.emit(`vshift(${U ? 3 : 2},${rd},${rn},${q},${es},${rsh},${sc});`); return;
    case 0x04: g.emit(`vshift(${U ? 5 : 4},${rd},${rn},${q},${es},${rsh},${sc});`); return;
    case 0x06: g.emit(`vshift(${U ? 7 : 6},${rd},${rn},${q},${es},${rsh},${sc});`); return;
    case 0x08: if (!U) break; g.emit(`vshift(10,${rd},${rn},${q},${es},${rsh},${sc});`); return;
    case 0x0a: g.emit(`vshift(${U ? 9 : 8},${rd},${rn},${q},${es},${lsh},${sc});`); return;
    case 0x0c: if (!U) break; g.emit(`vshift(11,${rd},${rn},${q},${es},${lsh},${sc});`); return; // SQSHLU
    case 0x0e: g.emit(`vshift(${U ? 13 : 12},${rd},${rn},${q},${es},${lsh},${sc});`); return; // SQSHL / UQSHL (immediate)
    case 0x10: case 0x11: case 0x12: case 0x13: {
      if (scalar || es === 64) break;
      // narrowing: element size of the result is es/... immh selects the *narrow* size
      const nes = es;
      const k = opc === 0x10 ? (U ? 4 : 0) : opc === 0x11 ? (U ? 7 : 1) : opc === 0x12 ? (U ? 3 : 2) : (U ? 6 : 5);
      g.emit(`vshrn(${k},${rd},${rn},${Q},${nes},${nes * 2 - full});`);
      return;
    }
    case 0x14: if (scalar || es === 64) break; g.emit(`vshll(${U ? 0 : 1},${rd},${rn},${Q},${es},${lsh});`); return;
    case 0x1c: { // SCVTF/UCVTF (fixed)
      if (es < 32) break;
      g.emit(`vcvt(${U},${rd},${rn},${q},${es},${rsh},${sc},S[3]${t.fpsr ? ',S' : ''});`);
      return;
    }
    case 0x1f: { // FCVTZS/FCVTZU (fixed)
      if (es < 32) break;
      g.emit(`vcvt(${U ? 3 : 2},${rd},${rn},${q},${es},${rsh},${sc},S[3]${t.fpsr ? ',S' : ''});`);
      return;
    }
  }
  throw new Undef();
}

function indexed(t: Tx, w: number, Q: number, U: number, size: number, rd: number, rn: number): void {
  const g = t.g;
  const opc = bits(w, 15, 12), L = bit(w, 21), M = bit(w, 20), H = bit(w, 11);
  const scalar = Q < 0;
  let rm = bits(w, 19, 16);
  if (opc === 1 || opc === 5 || opc === 9) { // FMLA, FMLS, FMUL (U=0) / FMULX (U=1, opc 9)
    if (U && opc !== 9) throw new Undef();
    const sz = bit(w, 22);
    if (bit(w, 23) === 0 && size === 0 && false) throw new Undef();
    if (size < 2) throw new Undef(); // half precision
    rm |= M << 4;
    const es = sz ? 64 : 32;
    const idx = sz ? (L ? -1 : H) : (H << 1) | L;
    if (idx < 0 || (es === 64 && !scalar && !Q)) throw new Undef();
    const op = opc === 1 ? 14 : opc === 5 ? 15 : U ? 18 : 2;
    if (scalar) g.emit(`sf3(${op},${rd},${rn},${rm},${es},S[3],${idx}${fs(t)});`);
    else g.emit(`vf3(${op},${rd},${rn},${rm},${Q},${es},S[3],${idx}${fs(t)});`);
    return;
  }
  if (scalar && (U || !(opc === 3 || opc === 7 || opc === 11 || opc === 12 || opc === 13))) throw new Undef();
  let idx: number;
  if (size === 1) idx = (H << 2) | (L << 1) | M;
  else if (size === 2) { idx = (H << 1) | L; rm |= M << 4; }
  else throw new Undef();
  const es = esOf(size);
  if (scalar && opc >= 12) { g.emit(`vdup(32,${rm},${idx},1,${es});s3(o_${opc === 13 ? 'sqrdmulh' : 'sqdmulh'},${rd},${rn},32,${es});`); return; }
  switch (opc) {
    case 3: case 7: case 11: // SQDMLAL, SQDMLSL, SQDMULL (by element; scalar too)
      if (U) break;
      g.emit(`vqdmull(${opc === 11 ? 0 : opc === 3 ? 1 : 2},${rd},${rn},${rm},${scalar ? 1 : Q},${es},${idx},${scalar ? 1 : 0});`);
      return;
    case 8: if (U) break; g.emit(`vdup(32,${rm},${idx},1,${es});v3(o_mul,${rd},${rn},32,${Q},${es});`); return;
    case 12: case 13: if (U) break; g.emit(`vdup(32,${rm},${idx},1,${es});v3(o_${opc === 13 ? 'sqrdmulh' : 'sqdmulh'},${rd},${rn},32,${Q},${es});`); return;
    case 0: if (!U) break; g.emit(`vdup(32,${rm},${idx},1,${es});v3(o_mla,${rd},${rn},32,${Q},${es});`); return;
    case 4: if (!U) break; g.emit(`vdup(32,${rm},${idx},1,${es});v3(o_mls,${rd},${rn},32,${Q},${es});`); return;
    case 10: g.emit(`vmull(${U ? 0 : 1},0,${rd},${rn},${rm},${Q},${es},${idx});`); return;
    case 2: g.emit(`vmull(${U ? 0 : 1},1,${rd},${rn},${rm},${Q},${es},${idx});`); return;
    case 6: g.emit(`vmull(${U ? 0 : 1},2,${rd},${rn},${rm},${Q},${es},${idx});`); return;
  }
  throw new Undef();
}

// ---- structure loads and stores ------------------------------------------------------------------

export function emitSimdLdSt(t: Tx, w: number): void {
  const g = t.g;
  g.usesV = true;
  const Q = bit(w, 30), L = bit(w, 22), post = bit(w, 23);
  const rn = (w >>> 5) & 31, rt = w & 31, rm = bits(w, 20, 16);
  const single = bit(w, 24);
  if (!post && rm !== 0) throw new Undef();
  let call: string;
  g.materialize();
  const a = g.let(asNum(g.r(rn, true)));
  if (!single) {
    const opc = bits(w, 15, 12), size = bits(w, 11, 10);
    const forms: Record<number, [number, number]> = { 0: [4, 4], 2: [4, 1], 4: [3, 3], 6: [3, 1], 7: [1, 1], 8: [2, 2], 10: [2, 1] };
    const f = forms[opc];
    if (!f || (size === 3 && !Q && f[1] > 1)) throw new Undef();
    call = `ldstm(${a},${L},${rt},${f[0]},${f[1]},${Q},${8 << size},${t.pc})`;
  } else {
    const opc = bits(w, 15, 13), S = bit(w, 12), size = bits(w, 11, 10), R = bit(w, 21);
    const selem = ((opc & 1) << 1 | R) + 1;
    let es: number, idx: number;
    switch (opc >> 1) {
      case 0: es = 8; idx = (Q << 3) | (S << 2) | size; break;
      case 1: if (size & 1) throw new Undef(); es = 16; idx = (Q << 2) | (S << 1) | (size >> 1); break;
      case 2:
        if (size === 0) { es = 32; idx = (Q << 1) | S; }
        else if (size === 1 && !S) { es = 64; idx = Q; }
        else throw new Undef();
        break;
      default:
        if (!L || S) throw new Undef();
        es = 8 << size; idx = -1;
    }
    call = `ldsts(${a},${L},${rt},${selem},${idx},${Q},${es},${t.pc})`;
  }
  const n = g.let(call);
  if (post) {
    if (rm === 31) g.w(rn, add(g, g.r(rn, true), [n, '0'], true), true);
    else {
      const off = extend(g, g.r(rm), 3);
      g.w(rn, add(g, g.r(rn, true), off, true), true);
    }
  }
}
