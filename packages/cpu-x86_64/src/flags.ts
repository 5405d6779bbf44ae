// Lazy flags. The last flag-setting operation is recorded as (fo, fa, fah, fb, fbh, fr, frh, fc):
// fo = kind * 4 + size index (0: 8-bit, 1: 16, 2: 32, 3: 64); a, b operands and r result (lo, hi
// halves; for sizes below 64 only the lo values count, 8/16-bit values are kept masked unsigned,
// 32-bit values as int32); fc is the carry-in of adc/sbb or the preserved CF of inc/dec.
// The arithmetic flags are derived from the record only when something reads them.

export const K_ADD = 0, K_ADC = 1, K_SUB = 2, K_SBB = 3, K_LOGIC = 4, K_INC = 5, K_DEC = 6, K_RAW = 7,
  K_SHL = 8, K_SHR = 9, K_SAR = 10;

export const CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, DF = 0x400, OF = 0x800;
export const ARITH = CF | PF | AF | ZF | SF | OF;

export const sizeIndex = (s: number): number => (s === 1 ? 0 : s === 2 ? 1 : s === 4 ? 2 : 3);

const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let b = i, p = 1;
  while (b) { p ^= b & 1; b >>= 1; }
  PARITY[i] = p ? PF : 0;
}

function ult64(ah: number, al: number, bh: number, bl: number): boolean {
  return (ah >>> 0) < (bh >>> 0) || (ah === bh && (al >>> 0) < (bl >>> 0));
}

function bitOf(lo: number, hi: number, size: number, i: number): number {
  if (i < 0 || i >= size * 8) return 0;
  return i < 32 ? (lo >>> i) & 1 : (hi >>> (i - 32)) & 1;
}

/** The arithmetic flags (CF PF AF ZF SF OF bits of RFLAGS) of a lazy record. */
export function flagsOf(fo: number, fa: number, fah: number, fb: number, fbh: number, fr: number, frh: number, fc: number): number {
  const kind = fo >> 2, si = fo & 3;
  if (kind === K_RAW) return fr & ARITH;
  const bits = 8 << si;
  let zf: boolean, sf: boolean;
  if (si === 3) { zf = (fr | frh) === 0; sf = frh < 0; }
  else { const m = si === 2 ? -1 : (1 << bits) - 1; zf = (fr & m) === 0; sf = ((fr >>> (bits - 1)) & 1) === 1; }
  let f = PARITY[fr & 0xff] | (zf ? ZF : 0) | (sf ? SF : 0);
  const signA = si === 3 ? fah < 0 : ((fa >>> (bits - 1)) & 1) === 1;
  const signB = si === 3 ? fbh < 0 : ((fb >>> (bits - 1)) & 1) === 1;
  const signR = sf;
  const au = si === 2 ? fa >>> 0 : fa, bu = si === 2 ? fb >>> 0 : fb, ru = si === 2 ? fr >>> 0 : fr;
  switch (kind) {
    case K_ADD: case K_ADC: {
      let cf: boolean;
      if (si === 3) cf = ult64(frh, fr, fah, fa) || (kind === K_ADC && fc !== 0 && frh === fah && fr === fa);
      else cf = ru < au || (kind === K_ADC && fc !== 0 && ru === au);
      if (cf) f |= CF;
      if (signA === signB && signR !== signA) f |= OF;
      f |= (fa ^ fb ^ fr) & AF;
      break;
    }
    case K_SUB: case K_SBB: {
      let cf: boolean;
      if (si === 3) cf = ult64(fah, fa, fbh, fb) || (kind === K_SBB && fc !== 0 && fah === fbh && fa === fb);
      else cf = au < bu || (kind === K_SBB && fc !== 0 && au === bu);
      if (cf) f |= CF;
      if (signA !== signB && signR !== signA) f |= OF;
      f |= (fa ^ fb ^ fr) & AF;
      break;
    }
    case K_LOGIC: break;
    case K_INC: case K_DEC: {
      if (fc) f |= CF;
      // OF: inc overflowed to the minimum / dec underflowed from it.
      if (kind === K_INC ? (!signA && signR) : (signA && !signR)) f |= OF;
      f |= (fa ^ fr ^ 1) & AF;
      break;
    }
    case K_SHL: {
      const n = fb;
      if (bitOf(fa, fah, 1 << si, bits - n)) f |= CF;
      if (((f & CF) !== 0) !== signR) f |= OF;
      break;
    }
    case K_SHR: {
      const n = fb;
      if (bitOf(fa, fah, 1 << si, n - 1)) f |= CF;
      if (signA) f |= OF;
      break;
    }
    case K_SAR: {
      const n = fb;
      if (n >= bits ? signA : bitOf(fa, fah, 1 << si, n - 1)) f |= CF;
      break;
    }
  }
  return f;
}

/** Condition code cc (0-15, the low nibble of jcc) from arithmetic flags f. */
export function condOf(cc: number, f: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = (f & OF) !== 0; break;
    case 1: r = (f & CF) !== 0; break;
    case 2: r = (f & ZF) !== 0; break;
    case 3: r = (f & (CF | ZF)) !== 0; break;
    case 4: r = (f & SF) !== 0; break;
    case 5: r = (f & PF) !== 0; break;
    case 6: r = ((f & SF) !== 0) !== ((f & OF) !== 0); break;
    default: r = (f & ZF) !== 0 || ((f & SF) !== 0) !== ((f & OF) !== 0); break;
  }
  return cc & 1 ? !r : r;
}

export function ccOf(cc: number, fo: number, fa: number, fah: number, fb: number, fbh: number, fr: number, frh: number, fc: number): boolean {
  return condOf(cc, flagsOf(fo, fa, fah, fb, fbh, fr, frh, fc));
}

export function cfOf(fo: number, fa: number, fah: number, fb: number, fbh: number, fr: number, frh: number, fc: number): number {
  return flagsOf(fo, fa, fah, fb, fbh, fr, frh, fc) & CF;
}
