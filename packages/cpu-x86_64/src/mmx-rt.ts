// MMX semantics (Intel SDM vol. 1 ch. 9; vol. 3 "Interaction of MMX and x87 FPU state").
// MM0-MM7 are the low 64 bits (the mantissa) of the x87 physical registers R0-R7: X86Cpu.fm,
// read here through its Int32Array view fm32 (fm32[2i] low half, fm32[2i+1] high half of MMi).
// Every MMX instruction except EMMS sets TOP to 0 and tags all registers valid; a write to MMi
// also sets bits 79:64 of Ri (sign and exponent, X86Cpu.fe) to all ones. EMMS empties all tags.
// Arithmetic reuses the XMM helpers of sse-rt.ts on the scratch slots: the destination is
// copied into slot 17, the source into slot 16 (a memory operand is already there, loaded by
// the translator with SSE.ld), both with their upper 64 bits zero; the helper runs on
// (17, 16) and the low 64 bits of slot 17 are the result. Forms whose 128-bit definition does
// not reduce to that (packs, horizontal ops, punpckh*, pshufb, palignr) rearrange the slots,
// see op().
import * as SSE from './sse-rt.js';

export interface Mc extends SSE.Xc {
  fm32: Int32Array;
  fe: Uint16Array;
  ftop: number;
  ftag: number;
}

type XFn = (c: SSE.Xc, d: number, s: number, imm: number) => void;

/** Layouts for op(). */
export const LANE = 0, HIGH = 1, CAT = 2, SHUFB = 3, ALIGNR = 4;

/** The x87 -> MMX transition: TOP = 0, all tags valid. */
export function enter(c: Mc): void { c.ftop = 0; c.ftag = 0xff; }

/**
 * EMMS: all tags empty. The SDM's pseudocode sets only the tag word; the AMD EPYC host the
 * differential harness was checked on also sets TOP to 0 (from any TOP, tags valid or not), and
 * so does this.
 */
export function emms(c: Mc): void { c.ftag = 0; c.ftop = 0; }

/** Writes (lo, hi) to MMi (exponent bits all ones) and enters MMX state. */
export function set(c: Mc, i: number, lo: number, hi: number): void {
  c.fm32[2 * i] = lo; c.fm32[2 * i + 1] = hi; c.fe[i] = 0xffff;
  c.ftop = 0; c.ftag = 0xff;
}

/**
 * dst MMd op= src (MMs, or s = -1: the m64 operand in slot 16), through the XMM helper f.
 * LANE: f(17, 16), result low half of 17. HIGH (punpckh*, given the punpckl* helper): the
 * interleave of the high halves is the upper half of punpckl's 128-bit result. CAT (packs and
 * horizontal ops): slot 17 = dst | src << 64 and f(17, 17): the 128-bit form's low half then
 * packs / pairs dst's lanes and src's lanes in the order the 64-bit form does. SHUFB: dst in
 * both halves of 17, so a 4-bit index picks byte (index & 7) as the 64-bit pshufb does.
 * ALIGNR: slot 16 = src | dst << 64 and slot 17 = 0, so palignr's 32-byte concatenation is
 * src, dst, zeros: bytes imm.. of that are the 64-bit form's result (zero from imm >= 16).
 */
export function op(c: Mc, f: XFn, lay: number, d: number, s: number, imm: number): void {
  const X = c.X32, M = c.fm32;
  if (s >= 0) { X[64] = M[2 * s]; X[65] = M[2 * s + 1]; X[66] = 0; X[67] = 0; }
  const dl = M[2 * d], dh = M[2 * d + 1];
  let out = 68;
  switch (lay) {
    case LANE: case HIGH:
      X[68] = dl; X[69] = dh; X[70] = 0; X[71] = 0;
      f(c, 17, 16, imm);
      if (lay === HIGH) out = 70;
      break;
    case CAT:
      X[68] = dl; X[69] = dh; X[70] = X[64]; X[71] = X[65];
      f(c, 17, 17, imm);
      break;
    case SHUFB:
      X[68] = dl; X[69] = dh; X[70] = dl; X[71] = dh;
      f(c, 17, 16, imm);
      break;
    default: // ALIGNR
      X[66] = dl; X[67] = dh; X[68] = 0; X[69] = 0; X[70] = 0; X[71] = 0;
      f(c, 17, 16, imm);
  }
  M[2 * d] = X[out]; M[2 * d + 1] = X[out + 1]; c.fe[d] = 0xffff;
  c.ftop = 0; c.ftag = 0xff;
}

/** psrlw/psraw/psllw, psrld/psrad/pslld, psrlq/psllq mm, imm8 (0F 71/72/73 /k). */
export function shImm(c: Mc, grp: number, k: number, d: number, n: number): void {
  const X = c.X32, M = c.fm32;
  X[68] = M[2 * d]; X[69] = M[2 * d + 1]; X[70] = 0; X[71] = 0;
  SSE.pshimm(c, grp, k, 17, n);
  M[2 * d] = X[68]; M[2 * d + 1] = X[69]; c.fe[d] = 0xffff;
  c.ftop = 0; c.ftag = 0xff;
}

/** pextrw r32, mm, imm8: the word imm & 3, zero-extended. */
export function pextrw(c: Mc, s: number, imm: number): number {
  enter(c);
  const k = imm & 3, v = c.fm32[2 * s + (k >> 1)];
  return (k & 1 ? v >>> 16 : v) & 0xffff;
}
/** pinsrw mm, r32/m16, imm8: word imm & 3 of MMd = v. */
export function pinsrw(c: Mc, d: number, v: number, imm: number): void {
  const k = imm & 3, i = 2 * d + (k >> 1), sh = (k & 1) * 16;
  c.fm32[i] = (c.fm32[i] & ~(0xffff << sh)) | ((v & 0xffff) << sh);
  c.fe[d] = 0xffff; enter(c);
}
/** pmovmskb r32, mm: the top bit of each byte. */
export function pmovmskb(c: Mc, s: number): number {
  enter(c);
  const l = c.fm32[2 * s], h = c.fm32[2 * s + 1];
  let m = 0;
  for (let i = 0; i < 4; i++) m |= ((l >>> (8 * i + 7)) & 1) << i | ((h >>> (8 * i + 7)) & 1) << (i + 4);
  return m;
}
/** movq2dq xmm, mm: xmm = mm zero-extended. */
export function movq2dq(c: Mc, x: number, s: number): void {
  const X = c.X32;
  X[x * 4] = c.fm32[2 * s]; X[x * 4 + 1] = c.fm32[2 * s + 1]; X[x * 4 + 2] = 0; X[x * 4 + 3] = 0;
  enter(c);
}
/** movdq2q mm, xmm: mm = the low quadword of xmm. */
export function movdq2q(c: Mc, d: number, x: number): void { set(c, d, c.X32[x * 4], c.X32[x * 4 + 1]); }

// ---- conversions -------------------------------------------------------------------------------
/** cvtpi2ps xmm, mm/m64 (s = -1: m64 in slot 16, which does not enter MMX state): two int32 -> float32 into the low half. */
export function cvtpi2ps(c: Mc, x: number, s: number): void {
  const X = c.X32;
  if (s >= 0) { X[64] = c.fm32[2 * s]; X[65] = c.fm32[2 * s + 1]; enter(c); }
  X[66] = 0; X[67] = 0; // converting zero raises no flag
  SSE.cvtdq2ps(c, 16, 16);
  X[x * 4] = X[64]; X[x * 4 + 1] = X[65];
}
/** cvtpi2pd xmm, mm/m64: two int32 -> float64 (exact). */
export function cvtpi2pd(c: Mc, x: number, s: number): void {
  const X = c.X32;
  if (s >= 0) { X[64] = c.fm32[2 * s]; X[65] = c.fm32[2 * s + 1]; enter(c); }
  SSE.cvtdq2pd(c, x, 16);
}
/** cvt(t)ps2pi mm, xmm/m64 (s = 16: m64 already in slot 16 with the upper half zero). */
export function cvtps2pi(c: Mc, d: number, s: number, trunc: number): void {
  const X = c.X32;
  if (s !== 16) { X[64] = X[s * 4]; X[65] = X[s * 4 + 1]; }
  X[66] = 0; X[67] = 0;
  if (trunc) SSE.cvttps2dq(c, 16, 16); else SSE.cvtps2dq(c, 16, 16);
  set(c, d, X[64], X[65]);
}
/** cvt(t)pd2pi mm, xmm/m128 (s = 16: the 16-byte operand in slot 16). */
export function cvtpd2pi(c: Mc, d: number, s: number, trunc: number): void {
  if (trunc) SSE.cvttpd2dq(c, 16, s); else SSE.cvtpd2dq(c, 16, s);
  set(c, d, c.X32[64], c.X32[65]);
}
