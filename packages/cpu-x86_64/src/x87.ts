// x87 translation: every x87 instruction is one call into x87-rt.ts (memory forms get the address).
import type { Insn } from './decoder.js';
import type { Gen } from './translate.js';

export function x87Op(g: Gen, d: Insn): void {
  const esc = d.op - 0xd8;
  if (d.mod !== 3) {
    const a = g.ea(d);
    g.emit(`X87.m(c,${esc},${d.reg & 7},${a});`);
    return;
  }
  const lo6 = ((d.reg & 7) << 3) | (d.rm & 7);
  if (esc === 7 && lo6 === 0x20) { g.emit(`r0=(r0&-65536)|X87.sw(c);`); return; } // fnstsw ax
  const k = lo6 >> 3;
  if ((esc === 3 && (k === 5 || k === 6)) || (esc === 7 && (k === 5 || k === 6))) {
    g.raw(`X87.r(c,${esc},${lo6},0)`);
    return;
  }
  const needFlags = (esc === 2 || esc === 3) && k < 4;
  g.emit(`X87.r(c,${esc},${lo6},${needFlags ? g.flagsNow() : '0'});`);
}
