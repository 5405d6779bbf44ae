// Our decoder against iced-x86 (devDependency): every non-VEX/EVEX instruction of a glibc static
// binary's .text must get the same length and validity; plus a few formatted encodings.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decode, disasm } from './decoder.js';
import { buildC } from './test-util/shim.js';

const require = createRequire(import.meta.url);

function textOf(path: string): { bytes: Uint8Array; addr: number } {
  const b = new Uint8Array(readFileSync(path));
  const dv = new DataView(b.buffer);
  const shoff = Number(dv.getBigUint64(40, true)), shentsize = dv.getUint16(58, true), shnum = dv.getUint16(60, true), shstrndx = dv.getUint16(62, true);
  const sh = (i: number) => { const o = shoff + i * shentsize; return { name: dv.getUint32(o, true), addr: Number(dv.getBigUint64(o + 16, true)), off: Number(dv.getBigUint64(o + 24, true)), size: Number(dv.getBigUint64(o + 32, true)) }; };
  const strs = sh(shstrndx);
  for (let i = 0; i < shnum; i++) {
    const s = sh(i);
    let n = ''; for (let k = strs.off + s.name; b[k]; k++) n += String.fromCharCode(b[k]);
    if (n === '.text') return { bytes: b.subarray(s.off, s.off + s.size), addr: s.addr };
  }
  throw new Error('no .text');
}

describe('decoder', () => {
  it('agrees with iced-x86 on instruction lengths over glibc and musl static .text', () => {
    const iced = require('iced-x86');
    for (const cc of ['gcc', 'musl-gcc'] as const) {
      const exe = buildC('dec-printf', '#include <stdio.h>\n#include <math.h>\nint main(int c,char**v){printf("%f %s\\n",sin(c*1.0),v[0]);return 0;}\n', cc);
      const { bytes, addr } = textOf(exe);
      const dec = new iced.Decoder(64, bytes, iced.DecoderOptions.None);
      dec.ip = BigInt(addr);
      const ins = new iced.Instruction();
      let checked = 0;
      const bad: string[] = [];
      while (dec.canDecode) {
        dec.decodeOut(ins);
        const ip = Number(ins.ip);
        const b0 = bytes[ip - addr];
        const vex = b0 === 0xc4 || b0 === 0xc5 || b0 === 0x62; // AVX encodings are not implemented (decode as bad)
        if (vex || ip - addr + 16 > bytes.length) continue;
        const d = decode((a) => bytes[a - addr], ip);
        checked++;
        if (d.len !== ins.length || d.bad !== (ins.code === 0)) bad.push(`${ip.toString(16)} ours ${d.len}/${d.bad} iced ${ins.length}/${ins.code === 0}`);
      }
      ins.free(); dec.free();
      expect(bad.slice(0, 10)).toEqual([]);
      expect(checked).toBeGreaterThan(4000);
    }
  });
  it('formats common instructions', () => {
    expect(disasm(Uint8Array.of(0x48, 0x89, 0xe5), 0x1000)).toBe('mov rbp, rsp');
    expect(disasm(Uint8Array.of(0x48, 0x8d, 0x05, 0x10, 0, 0, 0), 0x1000)).toBe('lea rax, [0x1017]');
    expect(disasm(Uint8Array.of(0x0f, 0x05), 0)).toBe('syscall');
    expect(disasm(Uint8Array.of(0x74, 0xfe), 0x2000)).toBe('je 0x2000');
    expect(disasm(Uint8Array.of(0x48), 0)).toBe('(truncated)');
  });
});
