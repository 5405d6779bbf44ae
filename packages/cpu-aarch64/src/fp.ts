// Scalar floating point (single, double; half only in FCVT): arithmetic in JS doubles (exact for
// + - * / sqrt of singles too: double has more than 2p+2 bits), NaN results rebuilt from the
// operands' bits by a helper (ARM propagation rules, default NaN), fused multiply-add exact via
// fphelp.ts, conversions with ARM saturation.
import { Undef, bits, bit, type Tx } from './translate.js';
import { type P, type Gen, c64 } from './gen.js';

/** Reads scalar register n of type ty (0 single, 1 double) as a JS double. */
export const rdF = (ty: number, n: number): string => (ty === 1 ? `VF[${n * 2}]` : `VS[${n * 4}]`);
/** Writes a JS double to scalar register d (rounded to single when ty = 0), zeroing the rest of V[d]. */
export const wrF = (ty: number, d: number, e: string): string =>
  ty === 1 ? `VF[${d * 2}]=${e};VF[${d * 2 + 1}]=0;` : `VS[${d * 4}]=${e};VI[${d * 4 + 1}]=0;VF[${d * 2 + 1}]=0;`;

/** Reads scalar register n as rdF does, flushed by FPCR.FZ when the block is translated with it (IDC when FPSR is tracked). */
const rdZ = (t: Tx, ty: number, n: number): string => (t.fz ? `fzi(${rdF(ty, n)},${ty}${t.fpsr ? ',S' : ''})` : rdF(ty, n));

/**
 * A fused multiply-add a*b+c of doubles (round to nearest) as an expression: when both factors are
 * singles (<= 24 significant bits) the double product is exact, so the one rounding of the sum is
 * the fused result; otherwise fma64 (exact emulation). Inline because a call to fma64 is not
 * inlined by V8 and passes its doubles boxed. The operands are read once into temps first: the
 * expression names each two or three times, and V8 reloaded the register file for every use
 * (matmul's inner loop: 10-12 -> 8 ns per iteration in a copy of the block).
 */
export function fmaExpr64(g: Gen, a: string, b: string, c: string): string {
  const x = g.let(a), y = g.let(b), z = g.let(c);
  return `(Math.fround(${x})===${x}&&Math.fround(${y})===${y}?${x}*${y}+${z}:fma64(${x},${y},${z}))`;
}

/** VFPExpandImm: the 8-bit FMOV immediate as a JS number. */
export function expandImm8(imm8: number): number {
  const sign = imm8 >> 7 ? -1 : 1;
  const b = (imm8 >> 6) & 1, cd = (imm8 >> 4) & 3;
  const e = ((b ^ 1) << 2 | cd) - 3;
  return sign * (1 + (imm8 & 15) / 16) * 2 ** e;
}

export function emitFp(t: Tx, w: number): void {
  const g = t.g;
  g.usesV = true;
  const ty = bits(w, 23, 22);
  const rd = w & 31, rn = (w >>> 5) & 31, rm = (w >>> 16) & 31;
  const sf = bit(w, 31);
  if (bit(w, 24)) { // FMADD family
    if (bit(w, 31) || bit(w, 29) || ty > 1) throw new Undef();
    const ra = bits(w, 14, 10), o1 = bit(w, 21), o0 = bit(w, 15);
    const negN = o0 !== o1 ? 1 : 0; // FMSUB, FNMADD negate the product
    const negA = o1;
    const r = g.t();
    if (t.fz) { // FPCR.FZ: flushed operands, the result flushed when tiny before rounding
      const x = g.let(rdZ(t, ty, rn)), y = g.let(rdZ(t, ty, rm)), z = g.let(rdZ(t, ty, ra));
      const xn = negN ? `(-${x})` : x, zn = negA ? `(-${z})` : z;
      g.emit(`${r}=${t.rmode ? `fmaR(${xn},${y},${zn},${ty},${t.rmode})` : `fma${ty ? 64 : 32}(${xn},${y},${zn})`};`);
      g.emit(`if(${r}!==${r}){${t.fpsr ? `nanx(S,${ty},[${ra},${rn},${rm}]);if((${x}===0&&Math.abs(${y})===Infinity)||(${y}===0&&Math.abs(${x})===Infinity))S[4]|=1;` : ''}}`
        + `else ${r}=fzr(6,${xn},${y},${zn},${r},${ty}${t.fpsr ? ',S' : ''});`);
      g.emit(`if(${r}!==${r})nan3(${ty},${rd},${ra},${negA},${rn},${negN},${rm},S[3]);else{${wrF(ty, rd, r)}}`);
      return;
    }
    if (t.rmode) g.emit(`${r}=fmaR(${negN ? '-' : ''}${rdF(ty, rn)},${rdF(ty, rm)},${negA ? '-' : ''}${rdF(ty, ra)},${ty},${t.rmode});`);
    else if (ty) g.emit(`${r}=${fmaExpr64(g, `${negN ? '-' : ''}${rdF(ty, rn)}`, rdF(ty, rm), `${negA ? '-' : ''}${rdF(ty, ra)}`)};`);
    else g.emit(`${r}=fma32(${negN ? '-' : ''}${rdF(ty, rn)},${rdF(ty, rm)},${negA ? '-' : ''}${rdF(ty, ra)});`);
    if (t.fpsr) {
      const x = rdF(ty, rn), y = rdF(ty, rm);
      g.emit(`if(${r}!==${r}){nanx(S,${ty},[${ra},${rn},${rm}]);if((${x}===0&&Math.abs(${y})===Infinity)||(${y}===0&&Math.abs(${x})===Infinity))S[4]|=1;}`
        + `else fpx3(S,${negN ? '-' : ''}${x},${y},${negA ? '-' : ''}${rdF(ty, ra)},${r},${ty});`);
    }
    g.emit(`if(${r}!==${r})nan3(${ty},${rd},${ra},${negA},${rn},${negN},${rm},S[3]);else{${wrF(ty, rd, r)}}`);
    return;
  }
  if (bit(w, 29) || (bit(w, 31) && bit(w, 21) && bits(w, 15, 10) !== 0)) throw new Undef();
  if (!bit(w, 21)) { // fixed-point conversions
    const rmode = bits(w, 20, 19), opcode = bits(w, 18, 16), scale = bits(w, 15, 10);
    if (ty > 1 || (!sf && scale < 32)) throw new Undef();
    const fbits = 64 - scale;
    if (rmode === 0 && (opcode === 2 || opcode === 3)) { // SCVTF/UCVTF (fixed)
      const x = g.r(rn);
      g.emit(wrF(ty, rd, `${t.fpsr ? 'i2fx(S,' : 'i2f('}${ty},${opcode === 2 ? 1 : 0},${sf},${x[0]},${x[1]},${fbits},${t.rmode})`));
      return;
    }
    if (rmode === 3 && (opcode === 0 || opcode === 1)) { // FCVTZS/FCVTZU (fixed)
      const lo = g.let(`${t.fpsr ? 'f2ix(S,' : 'f2i('}${rdZ(t, ty, rn)}*${2 ** fbits},3,${opcode === 0 ? 1 : 0},${sf})`);
      if (sf) g.w(rd, [lo, g.let('T[1]')]); else g.w32(rd, lo);
      return;
    }
    throw new Undef();
  }
  const op1510 = bits(w, 15, 10);
  if (op1510 === 0) { // conversions between FP and integer
    const rmode = bits(w, 20, 19), opcode = bits(w, 18, 16);
    if (opcode === 6 || opcode === 7) { // FMOV general <-> FP
      if (rmode === 0) {
        if (ty === 0 && !sf) {
          if (opcode === 6) g.w32(rd, `VI[${rn * 4}]`);
          else { const x = g.r(rn); g.emit(`VI[${rd * 4}]=${x[0]};VI[${rd * 4 + 1}]=0;VF[${rd * 2 + 1}]=0;`); }
          return;
        }
        if (ty === 1 && sf) {
          if (opcode === 6) g.w(rd, [g.let(`VI[${rn * 4}]`), g.let(`VI[${rn * 4 + 1}]`)]);
          else { const x = g.r(rn); g.emit(`VI[${rd * 4}]=${x[0]};VI[${rd * 4 + 1}]=${x[1]};VF[${rd * 2 + 1}]=0;`); }
          return;
        }
        throw new Undef('half-precision FMOV needs FEAT_FP16');
      }
      if (rmode === 1 && ty === 2 && sf) { // FMOV Xd, Vn.D[1] / FMOV Vd.D[1], Xn
        if (opcode === 6) g.w(rd, [g.let(`VI[${rn * 4 + 2}]`), g.let(`VI[${rn * 4 + 3}]`)]);
        else { const x = g.r(rn); g.emit(`VI[${rd * 4 + 2}]=${x[0]};VI[${rd * 4 + 3}]=${x[1]};`); }
        return;
      }
      throw new Undef();
    }
    if (ty > 1) throw new Undef();
    if (opcode === 2 || opcode === 3) { // SCVTF / UCVTF
      if (rmode !== 0) throw new Undef();
      const x = g.r(rn);
      g.emit(wrF(ty, rd, `${t.fpsr ? 'i2fx(S,' : 'i2f('}${ty},${opcode === 2 ? 1 : 0},${sf},${x[0]},${sf ? x[1] : '0'},0,${t.rmode})`));
      return;
    }
    let mode: number;
    if (opcode === 0 || opcode === 1) mode = [0, 1, 2, 3][rmode]; // N P M Z
    else if ((opcode === 4 || opcode === 5) && rmode === 0) mode = 4; // A
    else throw new Undef();
    const signed = opcode === 0 || opcode === 4 ? 1 : 0;
    const lo = g.let(`${t.fpsr ? 'f2ix(S,' : 'f2i('}${rdZ(t, ty, rn)},${mode},${signed},${sf})`);
    if (sf) g.w(rd, [lo, g.let('T[1]')]); else g.w32(rd, lo);
    return;
  }
  if (sf) throw new Undef();
  if (bits(w, 14, 10) === 0b10000) return fp1(t, w, ty, rd, rn);
  if (bits(w, 13, 10) === 0b1000 && bits(w, 15, 14) === 0) { // FCMP / FCMPE
    if (ty > 1) throw new Undef();
    const op2 = w & 31;
    if (op2 & 7) throw new Undef();
    const a = g.let(rdZ(t, ty, rn)), b = op2 & 8 ? '0' : g.let(rdZ(t, ty, rm));
    g.setNzExpr(`${a}<${b}?8:${a}>${b}?2:${a}===${b}?6:3`);
    if (t.fpsr) g.emit(`if(${a}!==${a}||${b}!==${b})fcmpx(S,${ty},${rn},${op2 & 8 ? -1 : rm},${op2 & 16 ? 0 : 1});`);
    return;
  }
  if (bits(w, 12, 10) === 0b100) { // FMOV (scalar, immediate)
    if (bits(w, 9, 5) !== 0 || ty > 1) throw new Undef();
    const v = expandImm8(bits(w, 20, 13));
    g.emit(wrF(ty, rd, String(v)));
    return;
  }
  const k = bits(w, 11, 10);
  if (ty > 1) throw new Undef('half-precision arithmetic needs FEAT_FP16');
  if (k === 1) { // FCCMP / FCCMPE
    const c = bits(w, 15, 12), nzcv = w & 15;
    const cnd = g.let(g.cond(c));
    // FPCR.FZ: the operands are unpacked (flushed, IDC) only when the condition holds
    const a = g.let(t.fz ? `${cnd}?${rdZ(t, ty, rn)}:${rdF(ty, rn)}` : rdF(ty, rn)), b = g.let(t.fz ? `${cnd}?${rdZ(t, ty, rm)}:${rdF(ty, rm)}` : rdF(ty, rm));
    g.setNzExpr(`${cnd}?(${a}<${b}?8:${a}>${b}?2:${a}===${b}?6:3):${nzcv}`);
    if (t.fpsr) g.emit(`if(${cnd}&&(${a}!==${a}||${b}!==${b}))fcmpx(S,${ty},${rn},${rm},${bit(w, 4) ? 0 : 1});`);
    return;
  }
  if (k === 3) { // FCSEL
    const c = bits(w, 15, 12);
    const cnd = g.let(g.cond(c));
    if (ty === 1) g.emit(`if(${cnd}){VI[${rd * 4}]=VI[${rn * 4}];VI[${rd * 4 + 1}]=VI[${rn * 4 + 1}];}else{VI[${rd * 4}]=VI[${rm * 4}];VI[${rd * 4 + 1}]=VI[${rm * 4 + 1}];}VF[${rd * 2 + 1}]=0;`);
    else g.emit(`VI[${rd * 4}]=${cnd}?VI[${rn * 4}]:VI[${rm * 4}];VI[${rd * 4 + 1}]=0;VF[${rd * 2 + 1}]=0;`);
    return;
  }
  // k === 2: two-source arithmetic
  const opc = bits(w, 15, 12);
  const a = g.let(rdZ(t, ty, rn)), b = g.let(rdZ(t, ty, rm));
  const rnd = (e: string) => (ty === 1 ? e : `Math.fround(${e})`);
  let e: string;
  if (t.fz && (opc <= 3 || opc === 8)) { // FPCR.FZ: the result flushed when tiny before rounding (fzr also sets the flags)
    const op = opc === 8 ? 5 : [2, 3, 0, 1][opc];
    const r = g.let(t.rmode ? `frnd(${op},${a},${b},${t.rmode},${ty})` : rnd(opc === 8 ? `-(${a}*${b})` : `${a}${'*/+-'[opc]}${b}`));
    g.emit(`if(${r}!==${r}){${t.fpsr ? `nanx(S,${ty},[${rn},${rm}]);` : ''}}else ${r}=fzr(${op},${a},${b},0,${r},${ty}${t.fpsr ? ',S' : ''});`);
    g.emit(`if(${r}!==${r})nan2(${ty},${rd},${rn},${rm},S[3],${opc === 8 ? 1 : 0});else{${wrF(ty, rd, r)}}`);
    return;
  }
  if (t.rmode && (opc <= 3 || opc === 8)) {
    const r = g.let(`frnd(${opc === 8 ? 5 : [2, 3, 0, 1][opc]},${a},${b},${t.rmode},${ty})`);
    if (t.fpsr) g.emit(`if(${r}!==${r})nanx(S,${ty},[${rn},${rm}]);else fpx(S,${opc === 8 ? 5 : [2, 3, 0, 1][opc]},${a},${b},${r},${ty});`);
    g.emit(`if(${r}!==${r})nan2(${ty},${rd},${rn},${rm},S[3],${opc === 8 ? 1 : 0});else{${wrF(ty, rd, r)}}`);
    return;
  }
  switch (opc) {
    case 0: e = rnd(`${a}*${b}`); break;
    case 1: e = rnd(`${a}/${b}`); break;
    case 2: e = rnd(`${a}+${b}`); break;
    case 3: e = rnd(`${a}-${b}`); break;
    case 4: e = `(${a}!==${a}||${b}!==${b}?NaN:Math.max(${a},${b}))`; break;
    case 5: e = `(${a}!==${a}||${b}!==${b}?NaN:Math.min(${a},${b}))`; break;
    case 6: case 7: {
      if (t.fpsr) g.emit(`if(${a}!==${a}||${b}!==${b})nanx(S,${ty},[${rn},${rm}]);`);
      g.emit(`if(${a}!==${a}||${b}!==${b})fnm(${ty},${rd},${rn},${rm},${opc === 7 ? 1 : 0},S[3]);else{${wrF(ty, rd, `Math.${opc === 7 ? 'min' : 'max'}(${a},${b})`)}}`);
      return;
    }
    case 8: e = rnd(`-(${a}*${b})`); break;
    default: throw new Undef();
  }
  const r = g.let(e);
  const rm0 = opc === 8 ? 1 : 0;
  if (t.fpsr) g.emit(`if(${r}!==${r})nanx(S,${ty},[${rn},${rm}]);` + (opc <= 3 || opc === 8 ? `else fpx(S,${opc === 8 ? 5 : [2, 3, 0, 1][opc]},${a},${b},${r},${ty});` : ''));
  g.emit(`if(${r}!==${r})nan2(${ty},${rd},${rn},${rm},S[3],${rm0});else{${wrF(ty, rd, r)}}`);
}

function fp1(t: Tx, w: number, ty: number, rd: number, rn: number): void {
  const g = t.g;
  const opc = bits(w, 20, 15);
  if (opc === 0 || opc === 1 || opc === 2) { // FMOV, FABS, FNEG: bit operations
    if (ty > 1) throw new Undef();
    const hiW = ty === 1 ? rn * 4 + 1 : rn * 4;
    const f = opc === 0 ? '' : opc === 1 ? '&0x7fffffff' : '^-2147483648';
    if (ty === 1) g.emit(`t_=VI[${rn * 4}];VI[${rd * 4 + 1}]=VI[${hiW}]${f};VI[${rd * 4}]=t_;VF[${rd * 2 + 1}]=0;`.replace(/t_/g, g.t()));
    else g.emit(`VI[${rd * 4}]=VI[${hiW}]${f};VI[${rd * 4 + 1}]=0;VF[${rd * 2 + 1}]=0;`);
    return;
  }
  if (opc === 4 || opc === 5 || opc === 7) { // FCVT between precisions
    const to = opc === 4 ? 0 : opc === 5 ? 1 : 3;
    if (to === ty || ty === 2) throw new Undef();
    g.emit(t.fpsr ? `fcvtx(S,${ty},${to},${rd},${rn},S[3]);` : `fcvt(${ty},${to},${rd},${rn},S[3]);`);
    return;
  }
  if (ty > 1) throw new Undef();
  if (opc === 3) { // FSQRT (FPCR.FZ: the operand flushed; the root of a normal number is never tiny)
    const x = t.fz ? g.let(rdZ(t, ty, rn)) : rdF(ty, rn);
    const r = g.let(t.rmode ? `frnd(4,${x},0,${t.rmode},${ty})` : ty === 1 ? `Math.sqrt(${x})` : `Math.fround(Math.sqrt(${x}))`);
    if (t.fpsr) g.emit(`if(${r}!==${r})nanx(S,${ty},[${rn}]);else fpx(S,4,${x},0,${r},${ty});`);
    g.emit(`if(${r}!==${r})nan2(${ty},${rd},${rn},${rn},S[3],0);else{${wrF(ty, rd, r)}}`);
    return;
  }
  if (opc >= 8 && opc <= 15 && opc !== 13) { // FRINT*
    const mode = [0, 1, 2, 3, 4, -1, 5, 5][opc - 8]; // N P M Z A - X I (X/I use FPCR.RMode)
    const x = t.fz ? g.let(rdZ(t, ty, rn)) : rdF(ty, rn);
    const r = g.let(`frint(${x},${mode},S[3])`);
    if (t.fpsr) g.emit(`if(${r}!==${r})nanx(S,${ty},[${rn}]);${opc === 14 ? `else if(${r}!==${x})S[4]|=16;` : ''}`);
    g.emit(`if(${r}!==${r})nan2(${ty},${rd},${rn},${rn},S[3],0);else{${wrF(ty, rd, r)}}`);
    return;
  }
  throw new Undef();
}

export { c64 };
export type { P };
