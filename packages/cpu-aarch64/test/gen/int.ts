// Random instruction generators for the int differential tests (shared by the qemu and Unicorn runs).
import { Rng } from '../harness.js';

const r = new Rng(7);
const X = (n = 8) => `x${r.int(n)}`;
const W = (n = 8) => `w${r.int(n)}`;
const conds = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];
const shifts = ['lsl', 'lsr', 'asr'];

export function gen(count: number, f: () => string): string[] { return Array.from({ length: count }, f); }

export const dataProc = (): string => {
  const sf = r.int(2) === 1;
  const R = sf ? X : W;
  const bitsz = sf ? 64 : 32;
  switch (r.int(22)) {
    case 0: return `${r.pick(['add', 'adds', 'sub', 'subs'])} ${R()}, ${R()}, #${r.int(4096)}${r.int(2) ? ', lsl #12' : ''}`;
    case 1: return `${r.pick(['add', 'adds', 'sub', 'subs'])} ${R()}, ${R()}, ${R()}, ${r.pick(shifts)} #${r.int(bitsz)}`;
    case 2: return `${r.pick(['and', 'orr', 'eor', 'ands', 'bic', 'orn', 'eon', 'bics'])} ${R()}, ${R()}, ${R()}, ${r.pick([...shifts, 'ror'])} #${r.int(bitsz)}`;
    case 3: return `${r.pick(['cmp', 'cmn', 'tst'])} ${R()}, ${R()}`;
    case 4: return `${r.pick(['csel', 'csinc', 'csinv', 'csneg'])} ${R()}, ${R()}, ${R()}, ${r.pick(conds)}`;
    case 5: return `${r.pick(['ccmp', 'ccmn'])} ${R()}, ${r.int(2) ? R() : '#' + r.int(32)}, #${r.int(16)}, ${r.pick(conds)}`;
    case 6: return `${r.pick(['adc', 'adcs', 'sbc', 'sbcs'])} ${R()}, ${R()}, ${R()}`;
    case 7: return `${r.pick(['mul', 'mneg'])} ${R()}, ${R()}, ${R()}`;
    case 8: return `${r.pick(['madd', 'msub'])} ${R()}, ${R()}, ${R()}, ${R()}`;
    case 9: return `${r.pick(['smaddl', 'umaddl', 'smsubl', 'umsubl'])} ${X()}, ${W()}, ${W()}, ${X()}`;
    case 10: return `${r.pick(['smulh', 'umulh'])} ${X()}, ${X()}, ${X()}`;
    case 11: return `${r.pick(['udiv', 'sdiv'])} ${R()}, ${R()}, ${R()}`;
    case 12: return `${r.pick(['lslv', 'lsrv', 'asrv', 'rorv'])} ${R()}, ${R()}, ${R()}`;
    case 13: return `${r.pick(['clz', 'cls', 'rbit', 'rev', 'rev16', ...(sf ? ['rev32'] : [])])} ${R()}, ${R()}`;
    case 14: { const lsb = r.int(bitsz), wd = 1 + r.int(bitsz - lsb); return `${r.pick(['ubfx', 'sbfx', 'bfxil'])} ${R()}, ${R()}, #${lsb}, #${wd}`; }
    case 15: { const lsb = r.int(bitsz), wd = 1 + r.int(bitsz - lsb); return `${r.pick(['ubfiz', 'sbfiz', 'bfi'])} ${R()}, ${R()}, #${lsb}, #${wd}`; }
    case 16: return `${r.pick(['sxtb', 'sxth', 'uxtb', 'uxth'])} ${R()}, ${W()}`;
    case 17: return `extr ${R()}, ${R()}, ${R()}, #${r.int(bitsz)}`;
    case 18: return `${r.pick(['movz', 'movn', 'movk'])} ${R()}, #${r.int(65536)}, lsl #${16 * r.int(sf ? 4 : 2)}`;
    case 19: {
      // logical immediate: pick encodable patterns
      const pats = sf ? ['0xff', '0xffff0000ffff0000', '0x5555555555555555', '0x7ffffffffffffffe', '0xf0', '0x3ffc000', '0x8000000000000001']
        : ['0xff', '0xffff', '0x55555555', '0x7ffffffe', '0xf0f0f0f0', '0x80000001'];
      return `${r.pick(['and', 'orr', 'eor', 'ands'])} ${R()}, ${R()}, #${r.pick(pats)}`;
    }
    case 20: return `${r.pick(['add', 'adds', 'sub', 'subs'])} ${sf ? X() : W()}, ${sf ? X() : W()}, ${W()}, ${r.pick(['uxtb', 'uxth', 'uxtw', 'sxtb', 'sxth', 'sxtw'])} #${r.int(5)}`;
    default: return `${r.pick(['lsl', 'lsr', 'asr', 'ror'])} ${R()}, ${R()}, #${r.int(bitsz)}`;
  }
};

export const branches = (): string => {
  switch (r.int(5)) {
    case 0: return `cmp ${X()}, ${X()}\nb.${r.pick(conds)} 1f\nmov x0, #77\n1:`;
    case 1: return `${r.pick(['cbz', 'cbnz'])} ${r.int(2) ? X(3) : W(3)}, 1f\nmov x0, #5\n1:`;
    case 2: return `${r.pick(['tbz', 'tbnz'])} ${X(3)}, #${r.int(64)}, 1f\nmov x0, #5\n1:`;
    case 3: return `adr x9, 1f\nbr x9\nmov x0, #3\n1: bl 2f\nb 3f\n2: mov x1, x30\nret\n3:`;
    default: return `subs ${W(4)}, ${W(4)}, #${r.int(3)}\ncset x5, ${r.pick(conds)}\ncsetm x6, ${r.pick(conds)}`;
  }
};

export const memOps = (): string => {
  const off = (r.int(16) - 8) * 8;
  switch (r.int(12)) {
    case 0: return `${r.pick(['ldr', 'ldrsw', 'ldrsh', 'ldrsb'])} ${X()}, [x17, #${Math.abs(off) & ~7}]`;
    case 1: return `${r.pick(['ldr', 'ldrh', 'ldrsh', 'ldrb', 'ldrsb'])} ${W()}, [x17, #${Math.abs(off) & ~7}]`;
    case 2: return `${r.pick(['str', 'strh', 'strb'])} ${W()}, [x17, #${Math.abs(off) & ~7}]`;
    case 3: return `str ${X()}, [x17, #${Math.abs(off)}]`;
    case 4: return `${r.pick(['ldur', 'stur'])} ${X()}, [x17, #${off + r.int(8) - 4}]`;
    case 5: return `mov x9, x17\n${r.pick(['ldr', 'str'])} ${X()}, [x9, #${off}]${r.pick(['!', ''])}\nmov x10, x9`;
    case 6: return `mov x9, x17\n${r.pick(['ldr', 'str'])} ${X()}, [x9], #${off}\nmov x10, x9`;
    case 7: return `mov x9, x17\n${r.pick(['ldp', 'stp'])} x${r.int(4)}, x${4 + r.int(4)}, [x9, #${off}]${r.pick(['!', ''])}\nmov x10, x9`;
    case 8: return `mov x9, x17\n${r.pick(['ldp', 'stp'])} w${r.int(4)}, w${4 + r.int(4)}, [x9], #${off / 2}\nldpsw x11, x12, [x17, #8]\nmov x10, x9`;
    case 9: return `and x9, ${X()}, #0xf\nsub x9, x9, #8\n${r.pick(['ldr', 'str'])} ${X()}, [x17, x9, lsl #3]\nldrb w11, [x17, w9, sxtw]\nldrh w12, [x17, x9, lsl #1]`;
    case 10: return `mov x9, x17\nldxr x10, [x9]\nadd x10, x10, #1\nstxr w11, x10, [x9]\nldaxr w12, [x9]\nstlxr w13, ${W()}, [x9]\nldar x14, [x9]\nstlr ${X()}, [x9]\nstxr w15, x1, [x9]`;
    default: return `ldxp x10, x11, [x17]\nstxp w12, x11, x10, [x17]\nldaxp x13, x14, [x17]\nstlxp w15, ${X()}, ${X()}, [x17]`;
  }
};


/** CRC32/CRC32C (FEAT_CRC32). */
export const crc = (): string => {
  const sz = r.pick(['b', 'h', 'w', 'x']);
  return `${r.pick(['crc32', 'crc32c'])}${sz} ${W()}, ${W()}, ${sz === 'x' ? X() : W()}`;
};

/** LSE atomics (FEAT_LSE) on the scratch area: x9 = an aligned address in it. */
export const atomics = (): string => {
  const sz = r.pick(['b', 'h', '', '']);
  const R = sz === '' && r.int(2) ? X : W;
  const ord = r.pick(['', 'a', 'l', 'al']);
  const pre = `and x9, ${X()}, #0x70\nadd x9, x9, x17\nsub x9, x9, #64\n`;
  switch (r.int(5)) {
    case 0: case 1: return pre + `${r.pick(['ldadd', 'ldclr', 'ldeor', 'ldset', 'ldsmax', 'ldsmin', 'ldumax', 'ldumin', 'swp'])}${ord}${sz} ${R()}, ${R()}, [x9]`;
    case 2: return pre + `${r.pick(['stadd', 'stclr', 'steor', 'stset', 'stsmax', 'stsmin', 'stumax', 'stumin'])}${r.pick(['', 'l'])}${sz} ${R()}, [x9]`;
    case 3: return pre + `ldr ${R()}, [x9]\ncas${ord}${sz} ${R()}, ${R()}, [x9]\n` + (r.int(2) ? `ldr x1, [x9]\ncas${ord}${sz} ${R === X ? 'x1' : 'w1'}, ${R()}, [x9]` : '');
    default: {
      const w = r.int(2) ? 'x' : 'w';
      const p = 2 * r.int(4), q = 2 * r.int(4);
      return pre + (r.int(2) ? `ldp ${w}${p}, ${w}${p + 1}, [x9]\n` : '') + `casp${ord} ${w}${p}, ${w}${p + 1}, ${w}${q}, ${w}${q + 1}, [x9]`;
    }
  }
};
