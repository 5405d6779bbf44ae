// x86-64 instruction decoder: prefixes, REX, opcode maps (one-byte, 0F, 0F38, 0F3A), ModRM/SIB,
// displacement and immediates, into one compact record per instruction. Semantics live in the
// translator; the decoder only knows the encoding's shape (does it have a ModRM byte, how big is
// its immediate).

export interface Insn {
  pc: number;
  len: number;
  /** map << 8 | opcode byte; map 0 = one-byte, 1 = 0F, 2 = 0F38, 3 = 0F3A. */
  op: number;
  p66: boolean;
  /** 0, 0xf2 or 0xf3 (the last of them seen). */
  rep: number;
  lock: boolean;
  /** 0 none, 4 fs, 5 gs (other segment overrides are ignored in 64-bit mode). */
  seg: number;
  rex: number;
  w: boolean;
  /** 0x67: 32-bit addressing. */
  a32: boolean;
  /** Operand size for non-byte forms: 8 (REX.W), 2 (66), else 4. */
  osz: number;
  hasModrm: boolean;
  mod: number;
  /** ModRM.reg with REX.R. */
  reg: number;
  /** ModRM.rm with REX.B (register when mod = 3). */
  rm: number;
  /** Memory operand: base / index register or -1, scale 0..3, disp. ripRel: disp is the absolute target. */
  base: number;
  index: number;
  scale: number;
  disp: number;
  ripRel: boolean;
  /** Immediate (sign-extended where the encoding sign-extends), and the high 32 bits of imm64 forms. */
  imm: number;
  immHi: number;
  imm2: number;
  /** Set when the bytes are not a valid/known encoding shape (the translator emits an illegal exit). */
  bad: boolean;
}

/** Reads one code byte; throws (any error) when the byte cannot be fetched. */
export type Fetch = (addr: number) => number;

// Immediate kinds.
const I_NONE = 0, I_B = 1, I_W = 2, I_Z = 3, I_V = 4 /* imm64 with REX.W */, I_ENTER = 5, I_MOFFS = 6, I_F6 = 7, I_F7 = 8;

// One-byte map: [hasModrm, immKind]. Undefined entries (0x06, 0x07, 0x0e, ...) are invalid in 64-bit mode.
const ONE: Array<[boolean, number] | null> = new Array(256).fill(null);
const TWO: Array<[boolean, number] | null> = new Array(256).fill(null);
(() => {
  for (let b = 0; b < 0x40; b += 8) {
    ONE[b] = [true, I_NONE]; ONE[b + 1] = [true, I_NONE]; ONE[b + 2] = [true, I_NONE]; ONE[b + 3] = [true, I_NONE];
    ONE[b + 4] = [false, I_B]; ONE[b + 5] = [false, I_Z];
  }
  for (let b = 0x50; b < 0x60; b++) ONE[b] = [false, I_NONE];
  ONE[0x63] = [true, I_NONE];
  ONE[0x68] = [false, I_Z]; ONE[0x69] = [true, I_Z]; ONE[0x6a] = [false, I_B]; ONE[0x6b] = [true, I_B];
  for (let b = 0x70; b < 0x80; b++) ONE[b] = [false, I_B];
  ONE[0x80] = [true, I_B]; ONE[0x81] = [true, I_Z]; ONE[0x83] = [true, I_B];
  for (let b = 0x84; b < 0x90; b++) ONE[b] = [true, I_NONE];
  for (let b = 0x90; b < 0xa0; b++) ONE[b] = [false, I_NONE];
  ONE[0x9a] = null;
  for (let b = 0xa0; b < 0xa4; b++) ONE[b] = [false, I_MOFFS];
  for (let b = 0xa4; b < 0xb0; b++) ONE[b] = [false, I_NONE];
  ONE[0xa8] = [false, I_B]; ONE[0xa9] = [false, I_Z];
  for (let b = 0xb0; b < 0xb8; b++) ONE[b] = [false, I_B];
  for (let b = 0xb8; b < 0xc0; b++) ONE[b] = [false, I_V];
  ONE[0xc0] = [true, I_B]; ONE[0xc1] = [true, I_B]; ONE[0xc2] = [false, I_W]; ONE[0xc3] = [false, I_NONE];
  ONE[0xc6] = [true, I_B]; ONE[0xc7] = [true, I_Z]; ONE[0xc8] = [false, I_ENTER]; ONE[0xc9] = [false, I_NONE];
  ONE[0xcc] = [false, I_NONE]; ONE[0xcd] = [false, I_B];
  for (let b = 0xd0; b < 0xd4; b++) ONE[b] = [true, I_NONE];
  for (let b = 0xd8; b < 0xe0; b++) ONE[b] = [true, I_NONE];
  for (let b = 0xe0; b < 0xe4; b++) ONE[b] = [false, I_B];
  ONE[0xe8] = [false, I_Z]; ONE[0xe9] = [false, I_Z]; ONE[0xeb] = [false, I_B];
  ONE[0xf4] = [false, I_NONE]; ONE[0xf5] = [false, I_NONE];
  // in/out/ins/outs: valid encodings that fault (#GP) in user mode.
  for (let b = 0xe4; b < 0xe8; b++) ONE[b] = [false, I_B];
  for (let b = 0xec; b < 0xf0; b++) ONE[b] = [false, I_NONE];
  for (let b = 0x6c; b < 0x70; b++) ONE[b] = [false, I_NONE];
  ONE[0xf6] = [true, I_F6]; ONE[0xf7] = [true, I_F7];
  for (let b = 0xf8; b < 0xfe; b++) ONE[b] = [false, I_NONE];
  ONE[0xfe] = [true, I_NONE]; ONE[0xff] = [true, I_NONE];

  // 0F map.
  const m = (b: number, imm = I_NONE) => { TWO[b] = [true, imm]; };
  m(0x00); m(0x01);
  TWO[0x05] = [false, I_NONE]; TWO[0x0b] = [false, I_NONE]; TWO[0x31] = [false, I_NONE]; TWO[0xa2] = [false, I_NONE];
  m(0x0d);
  for (let b = 0x10; b < 0x18; b++) m(b);
  for (let b = 0x18; b < 0x20; b++) m(b);
  for (let b = 0x28; b < 0x30; b++) m(b);
  for (let b = 0x40; b < 0x50; b++) m(b);
  for (let b = 0x50; b < 0x80; b++) m(b);
  for (let b = 0x70; b < 0x74; b++) m(b, I_B);
  TWO[0x77] = [false, I_NONE]; // emms: no ModRM
  for (let b = 0x80; b < 0x90; b++) TWO[b] = [false, I_Z];
  for (let b = 0x90; b < 0xa0; b++) m(b);
  m(0xa3); m(0xa4, I_B); m(0xa5); m(0xab); m(0xac, I_B); m(0xad); m(0xae); m(0xaf);
  for (let b = 0xb0; b < 0xc0; b++) m(b);
  m(0xba, I_B);
  m(0xc0); m(0xc1); m(0xc2, I_B); m(0xc3); m(0xc4, I_B); m(0xc5, I_B); m(0xc6, I_B); m(0xc7);
  for (let b = 0xc8; b < 0xd0; b++) TWO[b] = [false, I_NONE];
  for (let b = 0xd0; b < 0x100; b++) m(b);
  TWO[0xff] = [false, I_NONE]; // ud0-ish: treat as an invalid shape below
})();

const GPR_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

function blank(pc: number): Insn {
  return {
    pc, len: 0, op: 0, p66: false, rep: 0, lock: false, seg: 0, rex: 0, w: false, a32: false, osz: 4,
    hasModrm: false, mod: 0, reg: 0, rm: 0, base: -1, index: -1, scale: 0, disp: 0, ripRel: false,
    imm: 0, immHi: 0, imm2: 0, bad: false,
  };
}

/** Decodes one instruction at pc. Fetch errors propagate (the caller turns them into a fault). */
export function decode(fetch: Fetch, pc: number): Insn {
  const d = blank(pc);
  let p = pc;
  let b = fetch(p++);
  // Legacy prefixes (any order), then REX immediately before the opcode.
  for (let n = 0; n < 15; n++) {
    if (b === 0x66) d.p66 = true;
    else if (b === 0xf2 || b === 0xf3) d.rep = b;
    else if (b === 0xf0) d.lock = true;
    else if (b === 0x67) d.a32 = true;
    else if (b === 0x64) d.seg = 4;
    else if (b === 0x65) d.seg = 5;
    else if (b === 0x2e || b === 0x3e || b === 0x26 || b === 0x36) { /* ignored in 64-bit mode */ }
    else break;
    b = fetch(p++);
  }
  if ((b & 0xf0) === 0x40) {
    d.rex = b;
    b = fetch(p++);
    // A REX followed by another prefix is ignored by hardware; treat REX+REX as the last one.
    while ((b & 0xf0) === 0x40) { d.rex = b; b = fetch(p++); }
  }
  d.w = (d.rex & 8) !== 0;
  d.osz = d.w ? 8 : d.p66 ? 2 : 4;
  let shape: [boolean, number] | null;
  if (b === 0x0f) {
    b = fetch(p++);
    if (b === 0x38) { b = fetch(p++); d.op = 0x200 | b; shape = [true, I_NONE]; }
    else if (b === 0x3a) { b = fetch(p++); d.op = 0x300 | b; shape = [true, I_B]; }
    else { d.op = 0x100 | b; shape = TWO[b]; }
  } else {
    d.op = b;
    shape = ONE[b];
  }
  if (!shape || d.op === 0x1ff || d.op === 0x0c4 || d.op === 0x0c5 || d.op === 0x062) {
    d.bad = true;
    d.len = p - pc;
    return d;
  }
  const [hasModrm, immKind] = shape;
  if (hasModrm) {
    d.hasModrm = true;
    const modrm = fetch(p++);
    d.mod = modrm >> 6;
    d.reg = ((modrm >> 3) & 7) | ((d.rex & 4) << 1);
    const rm = modrm & 7;
    if (d.mod === 3) {
      d.rm = rm | ((d.rex & 1) << 3);
    } else {
      if (rm === 4) {
        const sib = fetch(p++);
        d.scale = sib >> 6;
        const idx = ((sib >> 3) & 7) | ((d.rex & 2) << 2);
        d.index = idx === 4 ? -1 : idx;
        const base = sib & 7;
        if (base === 5 && d.mod === 0) {
          d.base = -1;
          d.disp = rd32(fetch, p); p += 4;
        } else d.base = base | ((d.rex & 1) << 3);
      } else if (rm === 5 && d.mod === 0) {
        d.ripRel = true;
        d.disp = rd32(fetch, p); p += 4;
      } else d.base = rm | ((d.rex & 1) << 3);
      if (d.mod === 1) { d.disp = (fetch(p++) << 24) >> 24; }
      else if (d.mod === 2) { d.disp = rd32(fetch, p); p += 4; }
      d.rm = rm | ((d.rex & 1) << 3);
    }
  }
  switch (immKind) {
    case I_B: d.imm = (fetch(p++) << 24) >> 24; break;
    case I_W: d.imm = fetch(p) | (fetch(p + 1) << 8); p += 2; break;
    case I_Z:
      if (d.osz === 2 && d.op !== 0xe8 && d.op !== 0xe9 && (d.op & 0xff0) !== 0x180) {
        d.imm = ((fetch(p) | (fetch(p + 1) << 8)) << 16) >> 16; p += 2;
      } else { d.imm = rd32(fetch, p); p += 4; }
      break;
    case I_V:
      if (d.w) { d.imm = rd32(fetch, p); d.immHi = rd32(fetch, p + 4); p += 8; }
      else if (d.osz === 2) { d.imm = fetch(p) | (fetch(p + 1) << 8); p += 2; }
      else { d.imm = rd32(fetch, p); p += 4; }
      break;
    case I_ENTER: d.imm = fetch(p) | (fetch(p + 1) << 8); d.imm2 = fetch(p + 2); p += 3; break;
    case I_MOFFS:
      if (d.a32) { d.imm = rd32(fetch, p) >>> 0; p += 4; }
      else { d.imm = rd32(fetch, p); d.immHi = rd32(fetch, p + 4); p += 8; }
      break;
    case I_F6: if (((d.reg & 7) >> 1) === 0) d.imm = (fetch(p++) << 24) >> 24; break;
    case I_F7:
      if (((d.reg & 7) >> 1) === 0) {
        if (d.osz === 2) { d.imm = ((fetch(p) | (fetch(p + 1) << 8)) << 16) >> 16; p += 2; }
        else { d.imm = rd32(fetch, p); p += 4; }
      }
      break;
  }
  d.len = p - pc;
  if (d.len > 15) d.bad = true;
  if (d.ripRel) d.disp = pc + d.len + d.disp;
  return d;
}

function rd32(fetch: Fetch, p: number): number {
  return fetch(p) | (fetch(p + 1) << 8) | (fetch(p + 2) << 16) | (fetch(p + 3) << 24);
}

// ---- a small disassembly formatter (for traces and the lockstep checker) ------------------------

const ALU = ['add', 'or', 'adc', 'sbb', 'and', 'sub', 'xor', 'cmp'];
const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
const SHIFT = ['rol', 'ror', 'rcl', 'rcr', 'shl', 'shr', 'sal', 'sar'];

function hex(n: number): string { return (n < 0 ? '-0x' + (-n).toString(16) : '0x' + n.toString(16)); }

function memText(d: Insn): string {
  const seg = d.seg === 4 ? 'fs:' : d.seg === 5 ? 'gs:' : '';
  if (d.ripRel) return `${seg}[${hex(d.disp)}]`;
  const parts: string[] = [];
  if (d.base >= 0) parts.push(GPR_NAMES[d.base]);
  if (d.index >= 0) parts.push(`${GPR_NAMES[d.index]}*${1 << d.scale}`);
  let s = parts.join('+');
  if (d.disp || !s) s += (s && d.disp >= 0 ? '+' : '') + hex(d.disp);
  return `${seg}[${s}]`;
}

function rmText(d: Insn): string { return d.mod === 3 ? GPR_NAMES[d.rm] : memText(d); }

/** A short Intel-style text for one instruction: mnemonic for the common integer forms, else the opcode. */
export function formatInsn(d: Insn): string {
  if (d.bad) return '(bad)';
  const o = d.op;
  const r = GPR_NAMES[d.reg];
  if (o < 0x40 && (o & 7) < 6) {
    const m = ALU[o >> 3];
    switch (o & 7) {
      case 0: case 1: return `${m} ${rmText(d)}, ${r}`;
      case 2: case 3: return `${m} ${r}, ${rmText(d)}`;
      default: return `${m} rax, ${hex(d.imm)}`;
    }
  }
  if (o >= 0x80 && o <= 0x83) return `${ALU[d.reg & 7]} ${rmText(d)}, ${hex(d.imm)}`;
  if (o >= 0x50 && o < 0x58) return `push ${GPR_NAMES[(o & 7) | ((d.rex & 1) << 3)]}`;
  if (o >= 0x58 && o < 0x60) return `pop ${GPR_NAMES[(o & 7) | ((d.rex & 1) << 3)]}`;
  if (o >= 0x70 && o < 0x80) return `j${CC[o & 15]} ${hex(d.pc + d.len + d.imm)}`;
  if (o >= 0x180 && o < 0x190) return `j${CC[o & 15]} ${hex(d.pc + d.len + d.imm)}`;
  if (o >= 0x140 && o < 0x150) return `cmov${CC[o & 15]} ${r}, ${rmText(d)}`;
  if (o >= 0x190 && o < 0x1a0) return `set${CC[o & 15]} ${rmText(d)}`;
  switch (o) {
    case 0x63: return `movsxd ${r}, ${rmText(d)}`;
    case 0x84: case 0x85: return `test ${rmText(d)}, ${r}`;
    case 0x88: case 0x89: return `mov ${rmText(d)}, ${r}`;
    case 0x8a: case 0x8b: return `mov ${r}, ${rmText(d)}`;
    case 0x8d: return `lea ${r}, ${memText(d)}`;
    case 0x90: return d.rep === 0xf3 ? 'pause' : 'nop';
    case 0xc0: case 0xc1: return `${SHIFT[d.reg & 7]} ${rmText(d)}, ${d.imm & 0xff}`;
    case 0xd0: case 0xd1: return `${SHIFT[d.reg & 7]} ${rmText(d)}, 1`;
    case 0xd2: case 0xd3: return `${SHIFT[d.reg & 7]} ${rmText(d)}, cl`;
    case 0xc3: return 'ret';
    case 0xc6: case 0xc7: return `mov ${rmText(d)}, ${hex(d.imm)}`;
    case 0xc9: return 'leave';
    case 0xcc: return 'int3';
    case 0xe8: return `call ${hex(d.pc + d.len + d.imm)}`;
    case 0xe9: case 0xeb: return `jmp ${hex(d.pc + d.len + d.imm)}`;
    case 0xf4: return 'hlt';
    case 0x105: return 'syscall';
    case 0x10b: return 'ud2';
    case 0x1a2: return 'cpuid';
    case 0x131: return 'rdtsc';
    case 0x1af: return `imul ${r}, ${rmText(d)}`;
    case 0x1b6: case 0x1b7: return `movzx ${r}, ${rmText(d)}`;
    case 0x1be: case 0x1bf: return `movsx ${r}, ${rmText(d)}`;
    case 0xff: {
      const n = ['inc', 'dec', 'call', 'callf', 'jmp', 'jmpf', 'push', '(bad)'][d.reg & 7];
      return `${n} ${rmText(d)}`;
    }
  }
  if (o >= 0xb8 && o < 0xc0) return `mov ${GPR_NAMES[(o & 7) | ((d.rex & 1) << 3)]}, ${hex(d.imm)}`;
  const map = o >> 8;
  const prefix = ['', '0f ', '0f38 ', '0f3a '][map];
  return `op ${prefix}${(o & 0xff).toString(16).padStart(2, '0')}${d.hasModrm ? ' ' + rmText(d) + ', ' + r : ''}`;
}

/** Disassembles one instruction from a byte buffer, pc being the address of bytes[0]. */
export function disasm(bytes: Uint8Array, pc: number): string {
  try {
    const d = decode((a) => {
      const i = a - pc;
      if (i < 0 || i >= bytes.length) throw new RangeError('past the end of the bytes');
      return bytes[i];
    }, pc);
    return formatInsn(d);
  } catch {
    return '(truncated)';
  }
}
