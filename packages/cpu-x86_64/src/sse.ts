// SSE translation: maps (opcode, mandatory prefix) to a helper in sse-rt.ts and emits the call.
// A memory source is first loaded into XMM scratch slot 16 (with the operand's width), so every
// helper works register to register.
import type { Insn } from './decoder.js';
import type { Gen } from './translate.js';
import { isMmx, mmxOp } from './mmx.js';
import { PACKED_INT_D1_FE } from './packed-int.js';

type Kind =
  | 'xx' // xmm dst, xmm/m src: fn(c,d,s,imm)
  | 'st' // r/m xmm store of n bytes from byte offset off; reg form uses rr
  | 'xxA'; // as xx but the memory form must be 16-byte aligned

interface Ent { fn: string; n: number; kind?: Kind; memFn?: string; rr?: string; off?: number; imm?: boolean }

const T = new Map<string, Ent>();
const add = (op: number, pfx: string, e: Ent) => T.set(`${op.toString(16)}${pfx}`, e);
// moves
add(0x110, '', { fn: 'mov', n: 16 }); add(0x110, '66', { fn: 'mov', n: 16 });
add(0x110, 'F3', { fn: 'movss', memFn: 'movssZ', n: 4 }); add(0x110, 'F2', { fn: 'movsd', memFn: 'movq', n: 8 });
add(0x111, '', { fn: '', kind: 'st', n: 16, rr: 'mov' }); add(0x111, '66', { fn: '', kind: 'st', n: 16, rr: 'mov' });
add(0x111, 'F3', { fn: '', kind: 'st', n: 4, rr: 'movss' }); add(0x111, 'F2', { fn: '', kind: 'st', n: 8, rr: 'movsd' });
add(0x112, '', { fn: 'movhlps', memFn: 'movlo', n: 8 }); add(0x112, '66', { fn: 'movlo', n: 8 });
add(0x112, 'F2', { fn: 'movddup', n: 8 }); add(0x112, 'F3', { fn: 'movsldup', n: 16 });
add(0x113, '', { fn: '', kind: 'st', n: 8 }); add(0x113, '66', { fn: '', kind: 'st', n: 8 });
add(0x114, '', { fn: 'unpcklps', n: 16 }); add(0x114, '66', { fn: 'unpcklpd', n: 16 });
add(0x115, '', { fn: 'unpckhps', n: 16 }); add(0x115, '66', { fn: 'unpckhpd', n: 16 });
add(0x116, '', { fn: 'movlhps', n: 8 }); add(0x116, '66', { fn: 'movlhps', n: 8 }); add(0x116, 'F3', { fn: 'movshdup', n: 16 });
add(0x117, '', { fn: '', kind: 'st', n: 8, off: 8 }); add(0x117, '66', { fn: '', kind: 'st', n: 8, off: 8 });
add(0x128, '', { fn: 'mov', n: 16, kind: 'xxA' }); add(0x128, '66', { fn: 'mov', n: 16, kind: 'xxA' });
add(0x129, '', { fn: '', kind: 'st', n: 16, rr: 'mov', off: -1 }); add(0x129, '66', { fn: '', kind: 'st', n: 16, rr: 'mov', off: -1 });
add(0x12b, '', { fn: '', kind: 'st', n: 16, off: -1 }); add(0x12b, '66', { fn: '', kind: 'st', n: 16, off: -1 });
add(0x16f, '66', { fn: 'mov', n: 16, kind: 'xxA' }); add(0x16f, 'F3', { fn: 'mov', n: 16 });
add(0x17f, '66', { fn: '', kind: 'st', n: 16, rr: 'mov', off: -1 }); add(0x17f, 'F3', { fn: '', kind: 'st', n: 16, rr: 'mov' });
add(0x1e7, '66', { fn: '', kind: 'st', n: 16, off: -1 });
add(0x17e, 'F3', { fn: 'movq', n: 8 });
add(0x1d6, '66', { fn: '', kind: 'st', n: 8, rr: 'movqRev' });
add(0x1f0, 'F2', { fn: 'mov', n: 16 });
add(0x22a, '66', { fn: 'mov', n: 16, kind: 'xxA' });
// logic
for (const [op, fn] of [[0x154, 'pand'], [0x155, 'pandn'], [0x156, 'por'], [0x157, 'pxor']] as const) { add(op, '', { fn, n: 16, kind: 'xxA' }); add(op, '66', { fn, n: 16, kind: 'xxA' }); }
// float arithmetic
const fa: Array<[number, string]> = [[0x158, 'add'], [0x159, 'mul'], [0x15c, 'sub'], [0x15d, 'min'], [0x15e, 'div'], [0x15f, 'max']];
for (const [op, nm] of fa) {
  add(op, '', { fn: `${nm}ps`, n: 16, kind: 'xxA' }); add(op, '66', { fn: `${nm}pd`, n: 16, kind: 'xxA' });
  add(op, 'F3', { fn: `${nm}ss`, n: 4 }); add(op, 'F2', { fn: `${nm}sd`, n: 8 });
}
add(0x151, '', { fn: 'sqrtps', n: 16, kind: 'xxA' }); add(0x151, '66', { fn: 'sqrtpd', n: 16, kind: 'xxA' });
add(0x151, 'F3', { fn: 'sqrtss', n: 4 }); add(0x151, 'F2', { fn: 'sqrtsd', n: 8 });
add(0x152, '', { fn: 'rsqrtps', n: 16 }); add(0x152, 'F3', { fn: 'rsqrtss', n: 4 });
add(0x153, '', { fn: 'rcpps', n: 16 }); add(0x153, 'F3', { fn: 'rcpss', n: 4 });
add(0x15a, '', { fn: 'cvtps2pd', n: 8 }); add(0x15a, '66', { fn: 'cvtpd2ps', n: 16, kind: 'xxA' });
add(0x15a, 'F3', { fn: 'cvtss2sd', n: 4 }); add(0x15a, 'F2', { fn: 'cvtsd2ss', n: 8 });
add(0x15b, '', { fn: 'cvtdq2ps', n: 16, kind: 'xxA' }); add(0x15b, '66', { fn: 'cvtps2dq', n: 16, kind: 'xxA' }); add(0x15b, 'F3', { fn: 'cvttps2dq', n: 16, kind: 'xxA' });
add(0x1e6, '66', { fn: 'cvttpd2dq', n: 16, kind: 'xxA' }); add(0x1e6, 'F3', { fn: 'cvtdq2pd', n: 8 }); add(0x1e6, 'F2', { fn: 'cvtpd2dq', n: 16, kind: 'xxA' });
add(0x1c2, '', { fn: 'cmpps', n: 16, kind: 'xxA' }); add(0x1c2, '66', { fn: 'cmppd', n: 16, kind: 'xxA' });
add(0x1c2, 'F3', { fn: 'cmpss', n: 4 }); add(0x1c2, 'F2', { fn: 'cmpsd', n: 8 });
add(0x1c6, '', { fn: 'shufps', n: 16, kind: 'xxA' }); add(0x1c6, '66', { fn: 'shufpd', n: 16, kind: 'xxA' });
add(0x17c, '66', { fn: 'haddpd', n: 16, kind: 'xxA' }); add(0x17d, '66', { fn: 'hsubpd', n: 16, kind: 'xxA' });
add(0x1d0, '66', { fn: 'addsubpd', n: 16, kind: 'xxA' });
add(0x17c, 'F2', { fn: 'haddps', n: 16, kind: 'xxA' }); add(0x17d, 'F2', { fn: 'hsubps', n: 16, kind: 'xxA' });
add(0x1d0, 'F2', { fn: 'addsubps', n: 16, kind: 'xxA' });
// packed integer (66 prefix)
const pi: Array<[number, string]> = [
  [0x160, 'punpcklbw'], [0x161, 'punpcklwd'], [0x162, 'punpckldq'], [0x163, 'packsswb'], [0x164, 'pcmpgtb'], [0x165, 'pcmpgtw'],
  [0x166, 'pcmpgtd'], [0x167, 'packuswb'], [0x168, 'punpckhbw'], [0x169, 'punpckhwd'], [0x16a, 'punpckhdq'], [0x16b, 'packssdw'],
  [0x16c, 'punpcklqdq'], [0x16d, 'punpckhqdq'], [0x174, 'pcmpeqb'], [0x175, 'pcmpeqw'], [0x176, 'pcmpeqd'],
  ...PACKED_INT_D1_FE,
  // SSSE3 / SSE4.1 (0F38)
  [0x200, 'pshufb'], [0x229, 'pcmpeqq'], [0x22b, 'packusdw'], [0x237, 'pcmpgtq'], [0x238, 'pminsb'], [0x239, 'pminsd'], [0x23a, 'pminuw'],
  [0x23b, 'pminud'], [0x23c, 'pmaxsb'], [0x23d, 'pmaxsd'], [0x23e, 'pmaxuw'], [0x23f, 'pmaxud'], [0x240, 'pmulld'], [0x228, 'pmuldq'],
];
for (const [op, fn] of pi) add(op, '66', { fn, n: 16, kind: op >= 0x200 ? 'xx' : 'xxA' });
add(0x170, '66', { fn: 'pshufd', n: 16, kind: 'xxA' }); add(0x170, 'F3', { fn: 'pshufhw', n: 16, kind: 'xxA' }); add(0x170, 'F2', { fn: 'pshuflw', n: 16, kind: 'xxA' });
add(0x30f, '66', { fn: 'palignr', n: 16 });
for (const [op, fn] of [[0x201, 'phaddw'], [0x202, 'phaddd'], [0x203, 'phaddsw'], [0x204, 'pmaddubsw'], [0x205, 'phsubw'], [0x206, 'phsubd'],
  [0x207, 'phsubsw'], [0x208, 'psignb'], [0x209, 'psignw'], [0x20a, 'psignd'], [0x20b, 'pmulhrsw'], [0x21c, 'pabsb'], [0x21d, 'pabsw'], [0x21e, 'pabsd'],
  [0x210, 'pblendvb'], [0x214, 'blendvps'], [0x215, 'blendvpd'], [0x241, 'phminposuw']] as const) add(op, '66', { fn, n: 16 });
const pmov: Array<[number, string, number]> = [[0x20, 'pmovsxbw', 8], [0x21, 'pmovsxbd', 4], [0x22, 'pmovsxbq', 2], [0x23, 'pmovsxwd', 8], [0x24, 'pmovsxwq', 4], [0x25, 'pmovsxdq', 8],
  [0x30, 'pmovzxbw', 8], [0x31, 'pmovzxbd', 4], [0x32, 'pmovzxbq', 2], [0x33, 'pmovzxwd', 8], [0x34, 'pmovzxwq', 4], [0x35, 'pmovzxdq', 8]];
for (const [op, fn, n] of pmov) add(0x200 | op, '66', { fn, n });
for (const [op, fn] of [[0x30c, 'blendps'], [0x30d, 'blendpd'], [0x30e, 'pblendw'], [0x340, 'dpps'], [0x341, 'dppd'], [0x342, 'mpsadbw']] as const) add(op, '66', { fn, n: 16 });
add(0x321, '66', { fn: 'insertps', n: 4 });
add(0x30a, '66', { fn: 'roundss', n: 4 }); add(0x30b, '66', { fn: 'roundsd', n: 8 });
add(0x308, '66', { fn: 'roundps', n: 16 }); add(0x309, '66', { fn: 'roundpd', n: 16 });

function prefixKey(d: Insn): string {
  return d.rep === 0xf3 ? 'F3' : d.rep === 0xf2 ? 'F2' : d.p66 ? '66' : '';
}

// Inline forms (no helper call) for the moves and scalar double arithmetic that compiled
// floating-point loops are made of. XI / XF are the block's Int32Array / Float64Array views of
// the XMM file (declared by genBlock when used).
const MIN_NORMAL = '2.2250738585072014e-308';
// The range tests compare Math.abs(v), not v against both signs: a test whose branch depends on
// the sign mispredicts on data of random sign (a matrix multiply of values in -0.5..0.5 ran at
// 26 ns per iteration with `v>=m?v<M:v<=-m&&v>-M` for each operand, 6-10 ns with Math.abs).
/** JS condition: 1e-250 <= |v| <= 1e250 (v normal, and products of such values' halves stay normal). */
const midRange = (v: string) => `(Math.abs(${v})>=1e-250&&Math.abs(${v})<=1e250)`;
const normal = (v: string) => `(Math.abs(${v})>=${MIN_NORMAL}&&Math.abs(${v})<Infinity)`;
const SD_OPS: Record<number, [string, string]> = {
  0x158: ['+', 'addsd'], 0x15c: ['-', 'subsd'], 0x159: ['*', 'mulsd'], 0x15e: ['/', 'divsd'],
};

function inlineOp(g: Gen, d: Insn, pfx: string): boolean {
  const o = d.op, x = d.reg, x4 = x * 4;
  const reg = d.mod === 3, s4 = d.rm * 4;
  // movsd / movq loads and stores, register moves
  if ((o === 0x110 && pfx === 'F2') || (o === 0x17e && pfx === 'F3')) {
    if (reg) {
      if (o === 0x110) g.emit(`XI[${x4}]=XI[${s4}];XI[${x4 + 1}]=XI[${s4 + 1}];`);
      else g.emit(`{const l=XI[${s4}],h=XI[${s4 + 1}];XI[${x4}]=l;XI[${x4 + 1}]=h;XI[${x4 + 2}]=0;XI[${x4 + 3}]=0;}`);
    } else {
      // As a double when it is not a NaN (one 8-byte store, which later 8-byte reads of the
      // register forward from); a NaN's exact bits through the int32 lanes.
      const a = g.ea(d);
      g.emit(`{const v=ldf(${a});if(v===v){XF[${x * 2}]=v;XF[${x * 2 + 1}]=0;}else ld64x(${a},XI,${x4});}`);
    }
    return true;
  }
  if (((o === 0x111 && pfx === 'F2') || (o === 0x1d6 && pfx === '66')) && !reg) {
    const a = g.ea(d);
    g.emit(`{const v=XF[${x * 2}];if(v===v)stf(${a},v);else st64(${a},XI[${x4}],XI[${x4 + 1}]);}`);
    return true;
  }
  // 16-byte loads and stores (movups/movaps/movdqu/movdqa/lddqu/movnt*): straight between guest
  // memory and the register; the aligned forms #GP on a misaligned address first.
  if (!reg) {
    let al = -1; // -1: not a 16-byte move; 0: unaligned form; 1: aligned form
    let store = false;
    if ((o === 0x110 && (pfx === '' || pfx === '66')) || (o === 0x16f && pfx === 'F3') || (o === 0x1f0 && pfx === 'F2')) al = 0;
    else if ((o === 0x128 && (pfx === '' || pfx === '66')) || (o === 0x16f && pfx === '66') || (o === 0x22a && pfx === '66')) al = 1;
    else if ((o === 0x111 && (pfx === '' || pfx === '66')) || (o === 0x17f && pfx === 'F3')) { al = 0; store = true; }
    else if (((o === 0x129 || o === 0x12b) && (pfx === '' || pfx === '66')) || ((o === 0x17f || o === 0x1e7) && pfx === '66')) { al = 1; store = true; }
    if (al >= 0) {
      const a = g.ea(d);
      g.emit(`${al ? `if(${a}%16!==0)throw GPF;` : ''}${store ? 'st128' : 'ld128'}(${a},XI,${x4});`);
      return true;
    }
  }
  if (reg && (((o === 0x110 || o === 0x128) && (pfx === '' || pfx === '66')) || (o === 0x16f && (pfx === '66' || pfx === 'F3')))) {
    if (x !== d.rm) g.emit(`XI[${x4}]=XI[${s4}];XI[${x4 + 1}]=XI[${s4 + 1}];XI[${x4 + 2}]=XI[${s4 + 2}];XI[${x4 + 3}]=XI[${s4 + 3}];`);
    return true;
  }
  if (reg && ((o === 0x1ef && pfx === '66') || (o === 0x157 && (pfx === '' || pfx === '66')))) {
    if (x === d.rm) g.emit(`XI[${x4}]=0;XI[${x4 + 1}]=0;XI[${x4 + 2}]=0;XI[${x4 + 3}]=0;`);
    else g.emit(`XI[${x4}]^=XI[${s4}];XI[${x4 + 1}]^=XI[${s4 + 1}];XI[${x4 + 2}]^=XI[${s4 + 2}];XI[${x4 + 3}]^=XI[${s4 + 3}];`);
    return true;
  }
  // addsd / subsd / mulsd / divsd: the JS double operation is the IEEE round-to-nearest result.
  // It is used directly when MXCSR is round-to-nearest, the operands are normal or zero and the
  // result is normal (then only PE can arise) and PE is already set (sticky) or the result is
  // exact (residual test). Anything else goes through the full helper.
  const sd = SD_OPS[o];
  if (sd && pfx === 'F2') {
    // A memory operand is read as a double (ldf); if it is a NaN (so its bits may not have
    // survived) or anything else sends the operation to the helper, the helper gets the exact
    // bits in the scratch slot 16, read again (ld64x).
    let si = d.rm, bv = `XF[${d.rm * 2}]`, pre = '';
    if (!reg) { const ea = g.ea(d); si = 16; bv = `ldf(${ea})`; pre = `ld64x(${ea},XI,64);`; }
    // r normal (so finite and not zero) implies finite operands, and for * and / non-zero
    // ones: then |a| >= MIN_NORMAL and |b| >= MIN_NORMAL is the whole operand test (addsd/subsd:
    // or zero). With PE already set (sticky: once a result was inexact) that is all; while it
    // is clear the result must also be exact: for + and - the TwoSum residual, for * two float32
    // values (24-bit mantissas: their product is exact) or Dekker's residual (operands and
    // result within 1e-250..1e250, so the split and residual neither overflow nor underflow),
    // for / SSE.exDiv. Data with short mantissas (matmul's) keeps PE clear: its checksum is the
    // exact bits of sums of exact products. Math.min(|a|,|b|) as the operand test was measured
    // 50% slower on matmul-long in the real run (not in a copy of the block outside it).
    const ops = o === 0x158 || o === 0x15c
      ? `(Math.abs(a)>=${MIN_NORMAL}||a===0)&&(Math.abs(b)>=${MIN_NORMAL}||b===0)`
      : `Math.abs(a)>=${MIN_NORMAL}&&Math.abs(b)>=${MIN_NORMAL}`;
    let exact: string;
    if (o === 0x159) {
      exact = `if(!(Math.fround(a)===a&&Math.fround(b)===b)){ok=${midRange('r')}&&${midRange('a')}&&${midRange('b')};`
        + 'if(ok){const A=a*134217729,ah=A-(A-a),al=a-ah,B=b*134217729,bh=B-(B-b),bl=b-bh;ok=((ah*bh-r)+ah*bl+al*bh)+al*bl===0;}}';
    } else if (o === 0x15e) exact = 'ok=SSE.exDiv(a,b,r);';
    else exact = `const bv=r-a,av=r-bv;ok=(a-av)+(${o === 0x158 ? 'b' : '(-b)'}-bv)===0;`;
    g.emit(`{const a=XF[${x * 2}],b=${bv},r=a${sd[0]}b;`
      + `const m=c.mxcsr;let ok=(m&0x6000)===0&&${normal('r')}&&${ops};`
      + `if(ok&&(m&32)===0){${exact}}`
      + `if(ok)XF[${x * 2}]=r;else{${pre}SSE.${sd[1]}(c,${x},${si},0);}}`);
    return true;
  }
  return false;
}

export function sseOp(g: Gen, d: Insn): void {
  const o = d.op;
  const pfx = prefixKey(d);
  const x = d.reg;
  if (isMmx(o, pfx)) { mmxOp(g, d, pfx); return; }
  if (inlineOp(g, d, pfx)) return;
  // GPR <-> XMM and flag-producing forms first.
  switch (o) {
    case 0x16e: { // movd/movq xmm, r/m
      if (pfx !== '66') break;
      if (d.mod === 3) g.emit(`SSE.setd(c,${x},r${d.rm},${d.w ? `h${d.rm}` : '0'});`);
      else { const a = g.ea(d); g.emit(d.w ? `{const l=ld32(${a}),h=ld32(${a}+4);SSE.setd(c,${x},l,h);}` : `SSE.setd(c,${x},ld32(${a}),0);`); }
      return;
    }
    case 0x17e: { // movd/movq r/m, xmm (66); F3 form is in the table
      if (pfx !== '66') break;
      const X = `c.X32[${x * 4}]`, XH = `c.X32[${x * 4 + 1}]`;
      if (d.mod === 3) g.emit(d.w ? `r${d.rm}=${X};h${d.rm}=${XH};` : `r${d.rm}=${X};h${d.rm}=0;`);
      else { const a = g.ea(d); g.emit(d.w ? `st64(${a},${X},${XH});` : `st32(${a},${X});`); }
      return;
    }
    case 0x12a: { // cvtsi2ss / cvtsi2sd
      if (pfx !== 'F3' && pfx !== 'F2') break;
      const fn = pfx === 'F3' ? 'cvtsi2ss' : 'cvtsi2sd';
      // cvtsi2sd of a 32-bit integer, or a 64-bit one of magnitude below 2^53, is exact: no flags, no
      // rounding mode; inline (the low lane only, the high one is kept)
      if (fn === 'cvtsi2sd' && d.mod === 3) {
        if (!d.w) g.emit(`XF[${x * 2}]=r${d.rm}|0;`);
        else g.emit(`{const v=h${d.rm}*4294967296+(r${d.rm}>>>0);if(v>-9007199254740992&&v<9007199254740992)XF[${x * 2}]=v;else SSE.cvtsi2sd(c,${x},r${d.rm},h${d.rm},1);}`);
        return;
      }
      if (fn === 'cvtsi2sd' && !d.w) { const a = g.ea(d); g.emit(`XF[${x * 2}]=ld32(${a});`); return; }
      if (d.mod === 3) g.emit(`SSE.${fn}(c,${x},r${d.rm},${d.w ? `h${d.rm}` : '0'},${d.w ? 1 : 0});`);
      else { const a = g.ea(d); g.emit(`{const l=ld32(${a}),h=${d.w ? `ld32(${a}+4)` : '0'};SSE.${fn}(c,${x},l,h,${d.w ? 1 : 0});}`); }
      return;
    }
    case 0x12c: case 0x12d: { // cvt(t)ss2si / cvt(t)sd2si
      if (pfx !== 'F3' && pfx !== 'F2') break;
      const s = srcIdx(g, d, pfx === 'F3' ? 4 : 8);
      g.emit(`SSE.${pfx === 'F3' ? 'cvtss2si' : 'cvtsd2si'}(c,${s},${d.w ? 1 : 0},${o === 0x12c ? 1 : 0});r${x}=S.lo;h${x}=S.hi;`);
      return;
    }
    case 0x12e: case 0x12f: { // (u)comiss / (u)comisd
      if (pfx !== '' && pfx !== '66') break;
      const s = srcIdx(g, d, pfx === '66' ? 8 : 4);
      g.raw(`SSE.${pfx === '66' ? 'ucomisd' : 'ucomiss'}(c,${x},${s},${o === 0x12f ? 1 : 0})`);
      return;
    }
    case 0x150: { // movmskps/pd
      if (d.mod !== 3 || (pfx !== '' && pfx !== '66')) break;
      g.emit(`r${x}=SSE.${pfx === '66' ? 'movmskpd' : 'movmskps'}(c,${d.rm});h${x}=0;`);
      return;
    }
    case 0x1d7: {
      if (d.mod !== 3 || pfx !== '66') break;
      g.emit(`r${x}=SSE.pmovmskb(c,${d.rm});h${x}=0;`);
      return;
    }
    case 0x1c5: {
      if (d.mod !== 3 || pfx !== '66') break;
      g.emit(`r${x}=SSE.pextrw(c,${d.rm},${d.imm & 255});h${x}=0;`);
      return;
    }
    case 0x1c4: {
      if (pfx !== '66') break;
      const v = d.mod === 3 ? `r${d.rm}` : `ld16(${g.ea(d)})`;
      g.emit(`SSE.pinsrw(c,${x},${v},${d.imm & 255});`);
      return;
    }
    case 0x171: case 0x172: case 0x173: {
      if (pfx !== '66' || d.mod !== 3) break;
      g.emit(`SSE.pshimm(c,${o & 0xff},${d.reg & 7},${d.rm},${d.imm & 255});`);
      return;
    }
    case 0x217: { // ptest
      if (pfx !== '66') break;
      const s = srcIdx(g, d, 16);
      g.raw(`SSE.ptest(c,${x},${s})`);
      return;
    }
    case 0x360: case 0x361: case 0x362: case 0x363: { // pcmpestrm, pcmpestri, pcmpistrm, pcmpistri
      if (pfx !== '66') break;
      const s = srcIdx(g, d, 16);
      const ex = o <= 0x361 ? 1 : 0, imm = d.imm & 255;
      const args = `c,${x},${s},${imm},${ex},${ex ? 'r0,h0,r2,h2' : '0,0,0,0'},${d.w ? 1 : 0}`;
      if (o & 1) {
        const f = g.tmp();
        g.emit(`const ${f}=SSE.pcmpstri(${args});r1=SSE.PCMP_IDX.v;h1=0;`);
        g.raw(f);
      } else g.raw(`SSE.pcmpstrm(${args})`);
      return;
    }
    case 0x314: case 0x315: case 0x316: case 0x317: { // pextrb/w, pextrd/q, extractps -> r/m
      if (pfx !== '66') break;
      const size = o === 0x314 ? 1 : o === 0x315 ? 2 : o === 0x316 ? (d.w ? 8 : 4) : 4;
      g.emit(`SSE.pextr(c,${x},${size},${d.imm & 255});`);
      if (d.mod === 3) g.emit(size === 8 ? `r${d.rm}=S.lo;h${d.rm}=S.hi;` : `r${d.rm}=S.lo;h${d.rm}=0;`);
      else {
        const a = g.ea(d);
        g.emit(size === 1 ? `st8(${a},S.lo);` : size === 2 ? `st16(${a},S.lo);` : size === 4 ? `st32(${a},S.lo);` : `st64(${a},S.lo,S.hi);`);
      }
      return;
    }
    case 0x320: case 0x322: { // pinsrb, pinsrd/q
      if (pfx !== '66') break;
      const size = o === 0x320 ? 1 : d.w ? 8 : 4;
      if (d.mod === 3) g.emit(`SSE.pinsr(c,${x},${size},${d.imm & 255},r${d.rm},${size === 8 ? `h${d.rm}` : '0'});`);
      else {
        const a = g.ea(d);
        g.emit(`SSE.pinsr(c,${x},${size},${d.imm & 255},${size === 1 ? `ld8(${a})` : `ld32(${a})`},${size === 8 ? `ld32(${a}+4)` : '0'});`);
      }
      return;
    }
  }
  const e = T.get(`${o.toString(16)}${pfx}`);
  if (!e) { g.illegal(`sse ${o.toString(16)} ${pfx}`); return; }
  const imm = d.imm & 255;
  if (e.kind === 'st') {
    if (d.mod === 3) {
      if (!e.rr) { g.illegal('sse store form with register operand'); return; }
      if (e.rr === 'movqRev') g.emit(`SSE.movq(c,${d.rm},${x});`);
      else g.emit(`SSE.${e.rr}(c,${d.rm},${x},0);`);
      return;
    }
    const a = g.ea(d);
    if (e.off === -1) g.emit(`SSE.stAligned(c,${a},${x});`);
    else g.emit(`SSE.st(c,${a},${x},${e.n},${e.off ?? 0});`);
    return;
  }
  if (d.mod === 3) { g.emit(`SSE.${e.fn}(c,${x},${d.rm},${imm});`); return; }
  const a = g.ea(d);
  if (e.kind === 'xxA' && e.n === 16) g.emit(`SSE.ldAligned(c,${a});`);
  else g.emit(`SSE.ld(c,${a},${e.n});`);
  g.emit(`SSE.${e.memFn ?? e.fn}(c,${x},16,${imm});`);
}

function srcIdx(g: Gen, d: Insn, n: number): number {
  if (d.mod === 3) return d.rm;
  const a = g.ea(d);
  g.emit(`SSE.ld(c,${a},${n});`);
  return 16;
}
