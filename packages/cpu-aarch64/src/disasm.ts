// A small A64 disassembler for traces and the lockstep checker: the common integer forms in
// objdump's syntax; anything else prints as `.inst 0x...`.
import { bits, bit, sext, decodeBitMask } from './translate.js';
import { COND_NAMES } from './gen.js';

const hex = (v: number | bigint) => `0x${v.toString(16)}`;
const reg = (n: number, sf: number, sp = false) => (n === 31 ? (sp ? (sf ? 'sp' : 'wsp') : sf ? 'xzr' : 'wzr') : `${sf ? 'x' : 'w'}${n}`);
const SHIFTS = ['lsl', 'lsr', 'asr', 'ror'];

export function disasm(word: number, pc: number): string {
  const w = word >>> 0;
  const rd = w & 31, rn = (w >>> 5) & 31, rm = (w >>> 16) & 31, sf = bit(w, 31);
  if (w === 0xd503201f) return 'nop';
  if (((w & 0xfffffc1f) >>> 0) === 0xd65f0000) return rn === 30 ? 'ret' : `ret ${reg(rn, 1)}`;
  if (((w & 0xfffffc1f) >>> 0) === 0xd61f0000) return `br ${reg(rn, 1)}`;
  if (((w & 0xfffffc1f) >>> 0) === 0xd63f0000) return `blr ${reg(rn, 1)}`;
  if (((w & 0x7c000000) >>> 0) === 0x14000000) return `${w >>> 31 ? 'bl' : 'b'} ${hex(pc + sext(w & 0x3ffffff, 26) * 4)}`;
  if (((w & 0xff000010) >>> 0) === 0x54000000) return `b.${COND_NAMES[w & 15]} ${hex(pc + sext(bits(w, 23, 5), 19) * 4)}`;
  if (((w & 0x7e000000) >>> 0) === 0x34000000) return `${bit(w, 24) ? 'cbnz' : 'cbz'} ${reg(rd, sf)}, ${hex(pc + sext(bits(w, 23, 5), 19) * 4)}`;
  if (((w & 0x7e000000) >>> 0) === 0x36000000) return `${bit(w, 24) ? 'tbnz' : 'tbz'} ${reg(rd, sf)}, #${(sf << 5) | bits(w, 23, 19)}, ${hex(pc + sext(bits(w, 18, 5), 14) * 4)}`;
  if (((w & 0xffe0001f) >>> 0) === 0xd4000001) return `svc #${hex(bits(w, 20, 5))}`;
  if (((w & 0xffe0001f) >>> 0) === 0xd4200000) return `brk #${hex(bits(w, 20, 5))}`;
  if ((w & 0xffff0000) === 0) return `udf #${bits(w, 15, 0)}`;
  if (((w & 0x1f000000) >>> 0) === 0x10000000) {
    const imm = sext((bits(w, 23, 5) << 2) | bits(w, 30, 29), 21);
    return w >>> 31 ? `adrp ${reg(rd, 1)}, ${hex(Math.floor(pc / 4096) * 4096 + imm * 4096)}` : `adr ${reg(rd, 1)}, ${hex(pc + imm)}`;
  }
  if (((w & 0x1f800000) >>> 0) === 0x11000000) { // add/sub immediate
    const op = bit(w, 30), S = bit(w, 29), imm = bits(w, 21, 10), sh = bit(w, 22) ? ', lsl #12' : '';
    if (!op && !S && imm === 0 && !sh && (rd === 31 || rn === 31)) return `mov ${reg(rd, sf, true)}, ${reg(rn, sf, true)}`;
    if (S && rd === 31) return `${op ? 'cmp' : 'cmn'} ${reg(rn, sf, true)}, #${hex(imm)}${sh}`;
    return `${op ? 'sub' : 'add'}${S ? 's' : ''} ${reg(rd, sf, !S)}, ${reg(rn, sf, true)}, #${hex(imm)}${sh}`;
  }
  if (((w & 0x1f800000) >>> 0) === 0x12800000) { // move wide
    const opc = bits(w, 30, 29), hw = bits(w, 22, 21), imm = bits(w, 20, 5);
    const name = ['movn', '', 'movz', 'movk'][opc];
    if (name) return `${name} ${reg(rd, sf)}, #${hex(imm)}${hw ? `, lsl #${hw * 16}` : ''}`;
  }
  if (((w & 0x1f800000) >>> 0) === 0x12000000) { // logical immediate
    const opc = bits(w, 30, 29);
    const m = decodeBitMask(bit(w, 22), bits(w, 15, 10), bits(w, 21, 16), sf === 1);
    if (m !== undefined) {
      if (opc === 3 && rd === 31) return `tst ${reg(rn, sf)}, #${hex(m)}`;
      if (opc === 1 && rn === 31) return `mov ${reg(rd, sf, true)}, #${hex(m)}`;
      return `${['and', 'orr', 'eor', 'ands'][opc]} ${reg(rd, sf, opc !== 3)}, ${reg(rn, sf)}, #${hex(m)}`;
    }
  }
  if (((w & 0x1f000000) >>> 0) === 0x0a000000) { // logical shifted register
    const opc = bits(w, 30, 29), N = bit(w, 21), sh = bits(w, 23, 22), amt = bits(w, 15, 10);
    const name = [['and', 'bic'], ['orr', 'orn'], ['eor', 'eon'], ['ands', 'bics']][opc][N];
    const tail = amt ? `, ${SHIFTS[sh]} #${amt}` : '';
    if (opc === 1 && !N && rn === 31 && !amt) return `mov ${reg(rd, sf)}, ${reg(rm, sf)}`;
    if (opc === 3 && !N && rd === 31) return `tst ${reg(rn, sf)}, ${reg(rm, sf)}${tail}`;
    return `${name} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}${tail}`;
  }
  if (((w & 0x1f200000) >>> 0) === 0x0b000000) { // add/sub shifted register
    const op = bit(w, 30), S = bit(w, 29), sh = bits(w, 23, 22), amt = bits(w, 15, 10);
    const tail = amt ? `, ${SHIFTS[sh]} #${amt}` : '';
    if (S && rd === 31) return `${op ? 'cmp' : 'cmn'} ${reg(rn, sf)}, ${reg(rm, sf)}${tail}`;
    return `${op ? 'sub' : 'add'}${S ? 's' : ''} ${reg(rd, sf)}, ${reg(rn, sf)}, ${reg(rm, sf)}${tail}`;
  }
  if (((w & 0x3b000000) >>> 0) === 0x39000000 && !bit(w, 26)) { // load/store unsigned offset (integer)
    const size = bits(w, 31, 30), opc = bits(w, 23, 22);
    const off = bits(w, 21, 10) << size;
    const name = opc === 0 ? ['strb', 'strh', 'str', 'str'][size] : opc === 1 ? ['ldrb', 'ldrh', 'ldr', 'ldr'][size] : size === 3 ? 'prfm' : opc === 2 ? ['ldrsb', 'ldrsh', 'ldrsw'][size] : ['ldrsb', 'ldrsh'][size];
    if (name) {
      const wide = size === 3 || opc === 2 ? 1 : 0;
      return `${name} ${name === 'prfm' ? `#${rd}` : reg(rd, wide)}, [${reg(rn, 1, true)}${off ? `, #${off}` : ''}]`;
    }
  }
  if (((w & 0x3a000000) >>> 0) === 0x28000000 && !bit(w, 26)) { // load/store pair (integer)
    const opc = bits(w, 31, 30), L = bit(w, 22), mode = bits(w, 24, 23);
    const scale = opc === 2 ? 8 : 4, x = opc === 2 ? 1 : 0;
    const off = sext(bits(w, 21, 15), 7) * scale, rt2 = bits(w, 14, 10);
    const name = `${L ? 'ld' : 'st'}${mode === 0 ? 'n' : ''}p${opc === 1 ? 'sw' : ''}`;
    const a = mode === 1 ? `[${reg(rn, 1, true)}], #${off}` : `[${reg(rn, 1, true)}${off ? `, #${off}` : ''}]${mode === 3 ? '!' : ''}`;
    return `${name} ${reg(rd, x || opc === 1 ? 1 : 0)}, ${reg(rt2, x || opc === 1 ? 1 : 0)}, ${a}`;
  }
  return `.inst 0x${w.toString(16).padStart(8, '0')}`;
}
