// MMX translation: the 0F-map integer instructions on mm registers (no 66/F2/F3 prefix), their
// SSE/SSE2/SSSE3 additions, movq2dq/movdq2q and the cvt*pi* conversions. Semantics in
// mmx-rt.ts; the arithmetic goes through the XMM helpers of sse-rt.ts on scratch slots.
// mm operands ignore REX.R / REX.B (ModRM fields & 7).
import type { Insn } from './decoder.js';
import type { Gen } from './translate.js';
import { PACKED_INT_D1_FE } from './packed-int.js';

// MMX.op layouts (mmx-rt.ts)
const LANE = 0, HIGH = 1, CAT = 2, SHUFB = 3, ALIGNR = 4;

/** opcode (map << 8 | byte) -> [sse-rt helper, layout]; all take mm, mm/m64. */
const OPS = new Map<number, [string, number]>();
const lane: Array<[number, string]> = [
  [0x160, 'punpcklbw'], [0x161, 'punpcklwd'], [0x162, 'punpckldq'], [0x164, 'pcmpgtb'], [0x165, 'pcmpgtw'], [0x166, 'pcmpgtd'],
  [0x170, 'pshuflw' /* pshufw: pshuflw's low half (the source's four words; dst not read) */], [0x174, 'pcmpeqb'], [0x175, 'pcmpeqw'], [0x176, 'pcmpeqd'],
  ...PACKED_INT_D1_FE,
  // SSSE3 (0F 38)
  [0x204, 'pmaddubsw'], [0x208, 'psignb'], [0x209, 'psignw'], [0x20a, 'psignd'], [0x20b, 'pmulhrsw'],
  [0x21c, 'pabsb'], [0x21d, 'pabsw'], [0x21e, 'pabsd'],
];
for (const [o, f] of lane) OPS.set(o, [f, LANE]);
// punpckh*: the upper half of punpckl*'s 128-bit result
OPS.set(0x168, ['punpcklbw', HIGH]); OPS.set(0x169, ['punpcklwd', HIGH]); OPS.set(0x16a, ['punpckldq', HIGH]);
for (const [o, f] of [[0x163, 'packsswb'], [0x167, 'packuswb'], [0x16b, 'packssdw'], [0x201, 'phaddw'], [0x202, 'phaddd'], [0x203, 'phaddsw'],
  [0x205, 'phsubw'], [0x206, 'phsubd'], [0x207, 'phsubsw']] as const) OPS.set(o, [f, CAT]);
OPS.set(0x200, ['pshufb', SHUFB]);
OPS.set(0x30f, ['palignr', ALIGNR]);

/** True for the encodings this module owns (given the mandatory prefix key of sse.ts). */
export function isMmx(o: number, pfx: string): boolean {
  if (pfx === '') {
    if (OPS.has(o)) return true;
    return o === 0x16e || o === 0x17e || o === 0x16f || o === 0x17f || o === 0x1e7 || o === 0x1f7 || o === 0x177 ||
      o === 0x171 || o === 0x172 || o === 0x173 || o === 0x1c4 || o === 0x1c5 || o === 0x1d7 ||
      o === 0x12a || o === 0x12c || o === 0x12d;
  }
  if (pfx === '66') return o === 0x12a || o === 0x12c || o === 0x12d;
  return o === 0x1d6; // F3: movq2dq, F2: movdq2q
}

export function mmxOp(g: Gen, d: Insn, pfx: string): void {
  const o = d.op, reg = d.mod === 3;
  const m = d.reg & 7, s = d.rm & 7;
  const imm = d.imm & 255;
  const F = (i: number) => `c.fm32[${i}]`;
  const op = OPS.get(o);
  if (op && pfx === '') {
    if (reg) g.emit(`MMX.op(c,SSE.${op[0]},${op[1]},${m},${s},${imm});`);
    else { const a = g.ea(d); g.emit(`SSE.ld(c,${a},8);MMX.op(c,SSE.${op[0]},${op[1]},${m},-1,${imm});`); }
    return;
  }
  switch (o) {
    case 0x177: g.emit('MMX.emms(c);'); return;
    case 0x16e: // movd mm, r/m32; movq mm, r/m64 (REX.W)
      if (reg) g.emit(`MMX.set(c,${m},r${d.rm},${d.w ? `h${d.rm}` : '0'});`);
      else { const a = g.ea(d); g.emit(d.w ? `{const l=ld32(${a}),h=ld32(${a}+4);MMX.set(c,${m},l,h);}` : `MMX.set(c,${m},ld32(${a}),0);`); }
      return;
    case 0x17e: // movd r/m32, mm; movq r/m64, mm (REX.W)
      if (reg) g.emit(`r${d.rm}=${F(2 * m)};h${d.rm}=${d.w ? F(2 * m + 1) : '0'};MMX.enter(c);`);
      else { const a = g.ea(d); g.emit(`${d.w ? `st64(${a},${F(2 * m)},${F(2 * m + 1)})` : `st32(${a},${F(2 * m)})`};MMX.enter(c);`); }
      return;
    case 0x16f: // movq mm, mm/m64
      if (reg) g.emit(`MMX.set(c,${m},${F(2 * s)},${F(2 * s + 1)});`);
      else { const a = g.ea(d); g.emit(`{const l=ld32(${a}),h=ld32(${a}+4);MMX.set(c,${m},l,h);}`); }
      return;
    case 0x17f: case 0x1e7: // movq mm/m64, mm; movntq m64, mm
      if (reg) {
        if (o === 0x1e7) break;
        g.emit(`MMX.set(c,${s},${F(2 * m)},${F(2 * m + 1)});`);
      } else { const a = g.ea(d); g.emit(`st64(${a},${F(2 * m)},${F(2 * m + 1)});MMX.enter(c);`); }
      return;
    case 0x1f7: { // maskmovq mm1, mm2: bytes of mm1 whose mask byte in mm2 has its top bit set, to [rdi]
      if (!reg) break;
      let a = d.a32 ? '(r7>>>0)' : '(h7===0?r7>>>0:h7*4294967296+(r7>>>0))';
      if (d.seg === 4) a = `c.fsBase+${a}`; else if (d.seg === 5) a = `c.gsBase+${a}`;
      g.emit(`{const A=${a};for(let i=0;i<8;i++){const w=i>>2,k=(i&3)*8;if((c.fm32[${2 * s}+w]>>>(k+7))&1)st8(A+i,(c.fm32[${2 * m}+w]>>>k)&255);}MMX.enter(c);}`);
      return;
    }
    case 0x171: case 0x172: case 0x173: { // shifts by imm8
      const k = d.reg & 7;
      if (!reg || !(k === 2 || k === 6 || (k === 4 && o !== 0x173))) break;
      g.emit(`MMX.shImm(c,${o & 0xff},${k},${s},${imm});`);
      return;
    }
    case 0x1c4: { // pinsrw mm, r32/m16, imm8
      const v = reg ? `r${d.rm}` : `ld16(${g.ea(d)})`;
      g.emit(`MMX.pinsrw(c,${m},${v},${imm});`);
      return;
    }
    case 0x1c5: // pextrw r32, mm, imm8
      if (!reg) break;
      g.emit(`r${d.reg}=MMX.pextrw(c,${s},${imm});h${d.reg}=0;`);
      return;
    case 0x1d7: // pmovmskb r32, mm
      if (!reg) break;
      g.emit(`r${d.reg}=MMX.pmovmskb(c,${s});h${d.reg}=0;`);
      return;
    case 0x1d6: // F3: movq2dq xmm, mm; F2: movdq2q mm, xmm
      if (!reg) break;
      if (pfx === 'F3') g.emit(`MMX.movq2dq(c,${d.reg},${s});`);
      else g.emit(`MMX.movdq2q(c,${m},${d.rm});`);
      return;
    case 0x12a: { // cvtpi2ps / cvtpi2pd xmm, mm/m64
      const fn = pfx === '66' ? 'cvtpi2pd' : 'cvtpi2ps';
      if (reg) g.emit(`MMX.${fn}(c,${d.reg},${s});`);
      else { const a = g.ea(d); g.emit(`SSE.ld(c,${a},8);MMX.${fn}(c,${d.reg},-1);`); }
      return;
    }
    case 0x12c: case 0x12d: { // cvt(t)ps2pi mm, xmm/m64; cvt(t)pd2pi mm, xmm/m128
      const trunc = o === 0x12c ? 1 : 0;
      const pd = pfx === '66';
      let src = d.rm;
      if (!reg) { const a = g.ea(d); g.emit(pd ? `SSE.ldAligned(c,${a});` : `SSE.ld(c,${a},8);`); src = 16; }
      g.emit(`MMX.${pd ? 'cvtpd2pi' : 'cvtps2pi'}(c,${m},${src},${trunc});`);
      return;
    }
  }
  g.illegal(`mmx ${o.toString(16)} ${pfx}`);
}
