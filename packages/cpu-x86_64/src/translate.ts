// Basic block -> JavaScript source. One block is decoded, then each instruction emits JS into one
// function body. Guest registers live in locals r<i> (low 32 bits, int32) and h<i> (high 32 bits)
// for the registers the block touches, loaded at entry and stored at every exit. Flags live in the
// lazy-record locals fo fa fah fb fbh fr frh fc (see flags.ts); a flag-setting instruction whose
// flags are overwritten in the block before anything reads them records nothing.
//
// Exactness on faults: every instruction performs its memory accesses into temporaries before it
// assigns any register local, so when an access throws, the locals still hold the state at the
// start of the faulting instruction; `ip` names that instruction.
import { decode, type Insn } from './decoder.js';
import { K_ADC, K_ADD, K_DEC, K_INC, K_LOGIC, K_RAW, K_SAR, K_SBB, K_SHL, K_SHR, K_SUB, sizeIndex } from './flags.js';
import { sseOp } from './sse.js';
import { x87Op } from './x87.js';

export interface BlockInfo {
  pc: number;
  /** Address one past the last byte of the block's instructions. */
  end: number;
  /** Instruction start addresses in order (for instruction counts at a fault). */
  pcs: number[];
  src: string;
  /** Syscall number bound at translation time (mov eax, imm before syscall), or -1. */
  sysNr: number;
  /** [start, end) of each block translated into the function (several for a region). */
  blockEnds: Array<[number, number]>;
}

const MAX_INSNS = 64;

// Which instructions end a block.
export function endsBlockOp(d: Insn): boolean { return endsBlock(d); }
function endsBlock(d: Insn): boolean {
  const o = d.op;
  if (d.bad) return true;
  if (o >= 0x70 && o < 0x80) return true;
  if (o >= 0x180 && o < 0x190) return true;
  switch (o) {
    case 0xc2: case 0xc3: case 0xe8: case 0xe9: case 0xeb: case 0xe0: case 0xe1: case 0xe2: case 0xe3:
    case 0xcc: case 0xcd: case 0xf4: case 0x105: case 0x10b: case 0x1a2: case 0xcf: case 0xca: case 0xcb:
      return true;
    case 0xff: { const r = d.reg & 7; return r >= 2 && r <= 5; }
  }
  return false;
}

// ---- flag liveness -------------------------------------------------------------------------------

/** 0: does not touch arithmetic flags, 1: writes all, 2: reads (maybe also writes). */
function flagUse(d: Insn): number {
  const o = d.op;
  if (o < 0x40 && (o & 7) < 6) {
    const alu = o >> 3;
    return alu === 2 || alu === 3 ? 2 : 1;
  }
  if (o >= 0x80 && o <= 0x83) { const a = d.reg & 7; return a === 2 || a === 3 ? 2 : 1; }
  if (o === 0x84 || o === 0x85 || o === 0xa8 || o === 0xa9) return 1;
  if ((o >= 0x70 && o < 0x80) || (o >= 0x180 && o < 0x1a0) || (o >= 0x140 && o < 0x150)) return 2;
  if (o === 0xf6 || o === 0xf7) {
    // test, neg, mul, imul write the flags; not writes none; div/idiv leave them as they were.
    const r = d.reg & 7; return r === 2 || r >= 6 ? 0 : 1;
  }
  if (o === 0xfe || o === 0xff) { const r = d.reg & 7; return r <= 1 ? 2 : 0; }
  if (o === 0x1af || o === 0x69 || o === 0x6b) return 1;
  if (o === 0xc0 || o === 0xc1 || o === 0xd0 || o === 0xd1) {
    // shl/shr/sar by a constant: a non-zero masked count writes all flags, zero none;
    // rotates change only CF/OF and so read the rest.
    const k = d.reg & 7;
    if (k < 4) return 2;
    const n = o >= 0xd0 ? 1 : d.imm & (d.osz === 8 ? 63 : 31);
    return n === 0 ? 0 : 1;
  }
  // shl/shr/sar by cl: all flags when cl (masked) is non-zero, else untouched: transparent.
  if ((o === 0xd2 || o === 0xd3) && (d.reg & 7) >= 4) return 0;
  if (o >= 0x1c8 && o < 0x1d0) return 0; // bswap
  if (o === 0x86 || o === 0x87 || (o >= 0x91 && o < 0x98)) return 0; // xchg
  if (o === 0x1b0 || o === 0x1b1 || o === 0x1c0 || o === 0x1c1) return 1; // cmpxchg, xadd
  if (o >= 0x100 && o !== 0x12e && o !== 0x12f && o !== 0x217 && !(o >= 0x360 && o <= 0x363) && isSse(o)) return 0;
  if (o === 0x8d || (o >= 0x88 && o <= 0x8b) || (o >= 0xb0 && o < 0xc0) || o === 0xc6 || o === 0xc7 ||
    o === 0x1b6 || o === 0x1b7 || o === 0x1be || o === 0x1bf || o === 0x63 || (o >= 0x50 && o < 0x60) ||
    o === 0x90 || o === 0x11f || o === 0x11e || o === 0xc9 || o === 0x98 || o === 0x99) return 0;
  if (o === 0x1a2 || o === 0x131) return 0;
  return 2; // conservative: anything else may read flags
}

/** rol or ror (not rcl/rcr, whose value depends on CF), any operand size and count form. */
function isRolRor(d: Insn): boolean {
  const o = d.op;
  return (o === 0xc0 || o === 0xc1 || o === 0xd0 || o === 0xd1 || o === 0xd2 || o === 0xd3) && (d.reg & 7) <= 1;
}

export interface GenEnv {
  fetch(addr: number): number;
}

/** Decodes a block at pc. Returns the instructions (possibly ending in a bad one), or a fetch error at the first. */
/** jcc (rel8 and rel32), loop/loope/loopne/jrcxz: a conditional direct branch. */
export const isCondBranch = (o: number): boolean => (o >= 0x70 && o < 0x80) || (o >= 0x180 && o < 0x190) || (o >= 0xe0 && o <= 0xe3);
/** A direct branch (target pc + len + imm): conditional, or jmp rel8/rel32. */
export const isDirectBranch = (o: number): boolean => isCondBranch(o) || o === 0xe9 || o === 0xeb;

export function decodeBlock(env: GenEnv, pc: number): Insn[] {
  const out: Insn[] = [];
  let p = pc;
  for (let i = 0; i < MAX_INSNS; i++) {
    let d: Insn;
    try { d = decode(env.fetch, p); } catch (e) {
      if (i === 0) throw e;
      break;
    }
    out.push(d);
    p += d.len;
    if (endsBlock(d)) break;
  }
  // A branch back into this block (a loop whose pre-header runs into its body) ends the block
  // where the body starts: the body becomes a block of its own that loops on itself (one JS loop),
  // instead of one copy of an iteration here plus the loop block (matmul's middle loop carried a
  // copy of the inner loop's body, compiled and warmed up twice).
  const last = out[out.length - 1];
  if (isDirectBranch(last.op)) {
    const t = last.pc + last.len + last.imm;
    if (t > pc && t <= last.pc) {
      const k = out.findIndex((x) => x.pc === t);
      if (k > 0) return out.slice(0, k);
    }
  }
  return out;
}

// ---- code generation -----------------------------------------------------------------------------

const CC_INV = (cc: number) => cc ^ 1;

export class Gen {
  out: string[] = [];
  t = 0;
  /** Statically known flag setter kind/size for conditions (or null: go through the record). */
  setter: { k: number; s: number } | null = null;
  liveFlags: boolean[] = [];
  constEax: number | null = null;
  sysNr = -1;
  insns: Insn[] = [];
  idx = 0;
  start = 0;
  loop = false;
  /** Start pcs of the region's blocks (transfers to them stay in the function), or null. */
  region: Set<number> | null = null;
  /** In a region: the start pc of the block laid out after this one, and this block's label. */
  next = -1;
  label = '';
  d!: Insn;

  tmp(): string { return `t${this.t++}`; }
  emit(s: string): void { this.out.push(s); }

  // -- registers
  r8(r: number): string {
    if (!this.d.rex && r >= 4 && r < 8) return `((r${r - 4}>>>8)&255)`;
    return `(r${r}&255)`;
  }
  getReg(s: number, r: number): string {
    if (s === 1) return this.r8(r);
    if (s === 2) return `(r${r}&65535)`;
    return `r${r}`;
  }
  /** Assigns a value of size s (<= 4) to register r. v must be an expression evaluated once. */
  setReg(s: number, r: number, v: string): string {
    if (s === 1) {
      if (!this.d.rex && r >= 4 && r < 8) return `r${r - 4}=(r${r - 4}&-65281)|((${v}&255)<<8);`;
      return `r${r}=(r${r}&-256)|(${v}&255);`;
    }
    if (s === 2) return `r${r}=(r${r}&-65536)|(${v}&65535);`;
    return `r${r}=${v}|0;h${r}=0;`;
  }
  set64(r: number, lo: string, hi: string): string { return `r${r}=${lo};h${r}=${hi};`; }

  // -- effective address
  /** Emits `const A=...` for the memory operand and returns 'A'-like temp name. */
  ea(d: Insn, extra = 0): string {
    const a = this.tmp();
    this.emit(`const ${a}=${this.eaExpr(d, extra)};`);
    return a;
  }
  eaExpr(d: Insn, extra = 0): string {
    let s: string;
    const disp = d.disp + extra;
    if (d.ripRel) s = `${disp}`;
    else if (d.a32) {
      const parts: string[] = [];
      if (d.base >= 0) parts.push(`r${d.base}`);
      if (d.index >= 0) parts.push(`(r${d.index}<<${d.scale})`);
      parts.push(`${disp}`);
      s = `((${parts.join('+')})>>>0)`;
    } else {
      const parts: string[] = [];
      if (d.base >= 0) parts.push(`(h${d.base}===0?r${d.base}>>>0:h${d.base}*4294967296+(r${d.base}>>>0))`);
      if (d.index >= 0) parts.push(`(h${d.index}===0?r${d.index}>>>0:h${d.index}*4294967296+(r${d.index}>>>0))*${1 << d.scale}`);
      if (disp || !parts.length) parts.push(`${disp}`);
      s = parts.join('+');
    }
    if (d.seg === 4) s = `c.fsBase+${s}`;
    else if (d.seg === 5) s = `c.gsBase+${s}`;
    return s;
  }
  ld(s: number, a: string): string {
    return s === 1 ? `ld8(${a})` : s === 2 ? `ld16(${a})` : `ld32(${a})`;
  }
  st(s: number, a: string, v: string): string {
    return s === 1 ? `st8(${a},${v});` : s === 2 ? `st16(${a},${v});` : `st32(${a},${v});`;
  }

  /**
   * Read-modify-write helper for r/m operand of size s (<= 4): returns [valueExpr, writeBack(v)].
   */
  rm(s: number): { v: string; w: (v: string) => string; a?: string } {
    const d = this.d;
    if (d.mod === 3) return { v: this.getReg(s, d.rm), w: (v) => this.setReg(s, d.rm, v) };
    const a = this.ea(d);
    const t = this.tmp();
    this.emit(`const ${t}=${this.ld(s, a)};`);
    return { v: t, a, w: (v) => this.st(s, a, v) };
  }
  /** Same for 64-bit operands: lo/hi temps and a writer. */
  rm64(): { l: string; h: string; w: (l: string, h: string) => string; a?: string } {
    const d = this.d;
    if (d.mod === 3) return { l: `r${d.rm}`, h: `h${d.rm}`, w: (l, h) => `r${d.rm}=${l};h${d.rm}=${h};` };
    const a = this.ea(d);
    const l = this.tmp(), h = this.tmp();
    this.emit(`const ${l}=ld32(${a}),${h}=ld32(${a}+4);`);
    return { l, h, a, w: (lv, hv) => `st64(${a},${lv},${hv});` };
  }
  /** r/m source value without write back, size <= 4. */
  src(s: number): string {
    const d = this.d;
    if (d.mod === 3) return this.getReg(s, d.rm);
    const a = this.ea(d);
    const t = this.tmp();
    this.emit(`const ${t}=${this.ld(s, a)};`);
    return t;
  }
  src64(): { l: string; h: string } {
    const d = this.d;
    if (d.mod === 3) return { l: `r${d.rm}`, h: `h${d.rm}` };
    const a = this.ea(d);
    const l = this.tmp(), h = this.tmp();
    this.emit(`const ${l}=ld32(${a}),${h}=ld32(${a}+4);`);
    return { l, h };
  }

  mask(s: number, v: string): string {
    return s === 1 ? `((${v})&255)` : s === 2 ? `((${v})&65535)` : `((${v})|0)`;
  }

  // -- flags
  get flagsLive(): boolean { return this.liveFlags[this.idx]; }
  rec(k: number, s: number, a: string, ah: string, b: string, bh: string, r: string, rh: string, c?: string): void {
    this.setter = { k, s };
    if (!this.flagsLive) return;
    let code = `fo=${k * 4 + sizeIndex(s)};fa=${a};fb=${b};fr=${r};`;
    if (s === 8) code += `fah=${ah};fbh=${bh};frh=${rh};`;
    if (c !== undefined) code += `fc=${c};`;
    this.emit(code);
  }
  /** A JS boolean expression for condition cc (0-15). */
  cond(cc: number): string {
    const st = this.setter;
    const generic = `ccOf(${cc},fo,fa,fah,fb,fbh,fr,frh,fc)`;
    if (!st) return generic;
    const { k, s } = st;
    const zero = s === 8 ? `((fr|frh)===0)` : s === 4 ? `(fr===0)` : `(fr===0)`;
    const sign = s === 8 ? `(frh<0)` : s === 4 ? `(fr<0)` : s === 2 ? `((fr&32768)!==0)` : `((fr&128)!==0)`;
    const neg = (e: string) => `!${e}`;
    const hiCase = cc >> 1;
    if (k === K_SUB) {
      let ult: string, slt: string;
      if (s === 8) {
        ult = `((fah>>>0)<(fbh>>>0)||(fah===fbh&&(fa>>>0)<(fb>>>0)))`;
        slt = `(fah<fbh||(fah===fbh&&(fa>>>0)<(fb>>>0)))`;
      } else if (s === 4) { ult = `((fa>>>0)<(fb>>>0))`; slt = `(fa<fb)`; }
      else {
        ult = `(fa<fb)`;
        const sh = s === 1 ? 24 : 16;
        slt = `((fa<<${sh})<(fb<<${sh}))`;
      }
      const eq = s === 8 ? `(fa===fb&&fah===fbh)` : `(fa===fb)`;
      let e: string | null = null;
      switch (hiCase) {
        case 1: e = ult; break;
        case 2: e = eq; break;
        case 3: e = `(${ult}||${eq})`; break;
        case 4: e = sign; break;
        case 6: e = slt; break;
        case 7: e = `(${slt}||${eq})`; break;
      }
      if (e) return cc & 1 ? neg(e) : e;
      return generic;
    }
    if (k === K_LOGIC) {
      let e: string | null = null;
      switch (hiCase) {
        case 0: e = 'false'; break;
        case 1: e = 'false'; break;
        case 2: e = zero; break;
        case 3: e = zero; break;
        case 4: e = sign; break;
        case 6: e = sign; break;
        case 7: e = `(${zero}||${sign})`; break;
      }
      if (e) return cc & 1 ? neg(e) : e;
      return generic;
    }
    if (k !== K_RAW && k < K_SHL) {
      if (hiCase === 2) return cc & 1 ? neg(zero) : zero;
      if (hiCase === 4) return cc & 1 ? neg(sign) : sign;
    }
    return generic;
  }
  /** Current CF as a 0/1 expression. */
  cf(): string {
    const st = this.setter;
    if (st && st.k === K_SUB) {
      const s = st.s;
      if (s === 8) return `(((fah>>>0)<(fbh>>>0)||(fah===fbh&&(fa>>>0)<(fb>>>0)))?1:0)`;
      if (s === 4) return `((fa>>>0)<(fb>>>0)?1:0)`;
      return `(fa<fb?1:0)`;
    }
    if (st && st.k === K_LOGIC) return '0';
    return `cfOf(fo,fa,fah,fb,fbh,fr,frh,fc)`;
  }
  /** Sets the flags to a raw arithmetic-flags value (expression). */
  raw(v: string): void {
    this.setter = { k: K_RAW, s: 4 };
    this.emit(`fo=${K_RAW * 4 + 2};fr=${v};`);
  }
  /** Full arithmetic flags value expression. */
  flagsNow(): string { return `flagsOf(fo,fa,fah,fb,fbh,fr,frh,fc)`; }

  // -- exits
  // Every exit sets the count of instructions it retires ($n) and the next pc ($r) and breaks
  // out of label X; the registers and flags are written back once, in the function's `finally`
  // (genRegion). One shared write-back instead of one per exit: shorter source, and V8 has type
  // feedback for it from the first exit taken, so a rare exit (the instruction budget running out
  // in a loop, the other arm of a branch) does not deoptimise the block the first time it runs.
  exit(pcExpr: string): string {
    // To the next block in the region's layout: leave this block's labelled body and fall into
    // that case (forward, so no budget test: every cycle has a backward transfer, which tests).
    if (this.region && /^\d+$/.test(pcExpr) && +pcExpr === this.next) return `{@@ADD ${this.idx + 1}@@break ${this.label};}`;
    if (this.region && /^\d+$/.test(pcExpr) && this.region.has(+pcExpr)) {
      return `{@@CNT ${this.idx + 1}@@{pc=${pcExpr};continue L;}$r=${pcExpr};break X;}`;
    }
    return `{$n=${this.idx + 1};$r=${pcExpr};break X;}`;
  }
  /** Stop run() with a reason object expression; pc of the current instruction remains the state pc. */
  stop(reason: string, pcExpr: string, count: number): string {
    return `{$n=${count};c.stopReason=${reason};c.rip=${pcExpr};$r=-1;break X;}`;
  }
  illegal(detail: string): void {
    const d = this.d;
    this.emit(this.stop(`{kind:'illegal',pc:${d.pc},detail:${JSON.stringify(detail)}}`, `${d.pc}`, this.idx));
  }
  /** Branch to a target: continue the in-block loop if it is the block start. */
  jumpTo(target: number): string {
    if (target === this.start && this.loop) {
      // @@CNT k@@: counts k instructions and tests the budget (genRegion picks c.ic or a local).
      const lbl = this.region ? 'S' : 'L';
      return `{@@CNT ${this.idx + 1}@@continue ${lbl};$r=${target};break X;}`;
    }
    return this.exit(`${target}`);
  }
}

// ---- instruction semantics ---------------------------------------------------------------------

function aluOp(g: Gen, op: number, s: number, dst: { v: string; w: (v: string) => string }, src: string): void {
  // op: 0 add 1 or 2 adc 3 sbb 4 and 5 sub 6 xor 7 cmp
  const a = g.tmp(), b = g.tmp(), r = g.tmp();
  g.emit(`const ${a}=${dst.v},${b}=${src};`);
  let k: number;
  switch (op) {
    case 0: g.emit(`const ${r}=${g.mask(s, `${a}+${b}`)};`); k = K_ADD; break;
    case 1: g.emit(`const ${r}=${a}|${b};`); k = K_LOGIC; break;
    case 4: g.emit(`const ${r}=${a}&${b};`); k = K_LOGIC; break;
    case 6: g.emit(`const ${r}=${a}^${b};`); k = K_LOGIC; break;
    case 5: case 7: g.emit(`const ${r}=${g.mask(s, `${a}-${b}`)};`); k = K_SUB; break;
    case 2: case 3: {
      const c = g.tmp();
      g.emit(`const ${c}=${g.cf()};`);
      g.emit(`const ${r}=${g.mask(s, op === 2 ? `${a}+${b}+${c}` : `${a}-${b}-${c}`)};`);
      g.rec(op === 2 ? K_ADC : K_SBB, s, a, '0', b, '0', r, '0', c);
      g.emit(dst.w(r));
      return;
    }
    default: throw new Error('alu');
  }
  if (op !== 7) g.emit(dst.w(r));
  g.rec(k, s, a, '0', b, '0', r, '0');
}

function aluOp64(g: Gen, op: number, dst: { l: string; h: string; w: (l: string, h: string) => string }, bl: string, bh: string): void {
  const al = g.tmp(), ah = g.tmp(), b1 = g.tmp(), b2 = g.tmp(), rl = g.tmp(), rh = g.tmp();
  g.emit(`const ${al}=${dst.l},${ah}=${dst.h},${b1}=${bl},${b2}=${bh};`);
  let k: number;
  let c: string | undefined;
  switch (op) {
    case 0: g.emit(`const ${rl}=(${al}+${b1})|0,${rh}=(${ah}+${b2}+((${rl}>>>0)<(${al}>>>0)?1:0))|0;`); k = K_ADD; break;
    case 1: g.emit(`const ${rl}=${al}|${b1},${rh}=${ah}|${b2};`); k = K_LOGIC; break;
    case 4: g.emit(`const ${rl}=${al}&${b1},${rh}=${ah}&${b2};`); k = K_LOGIC; break;
    case 6: g.emit(`const ${rl}=${al}^${b1},${rh}=${ah}^${b2};`); k = K_LOGIC; break;
    case 5: case 7: g.emit(`const ${rl}=(${al}-${b1})|0,${rh}=(${ah}-${b2}-((${al}>>>0)<(${b1}>>>0)?1:0))|0;`); k = K_SUB; break;
    case 2: {
      c = g.tmp(); const t = g.tmp();
      g.emit(`const ${c}=${g.cf()};const ${t}=(${al}>>>0)+(${b1}>>>0)+${c};const ${rl}=${t}|0,${rh}=(${ah}+${b2}+(${t}>4294967295?1:0))|0;`);
      k = K_ADC; break;
    }
    case 3: {
      c = g.tmp(); const t = g.tmp();
      g.emit(`const ${c}=${g.cf()};const ${t}=(${al}>>>0)-(${b1}>>>0)-${c};const ${rl}=${t}|0,${rh}=(${ah}-${b2}-(${t}<0?1:0))|0;`);
      k = K_SBB; break;
    }
    default: throw new Error('alu64');
  }
  if (op !== 7) g.emit(dst.w(rl, rh));
  g.rec(k, 8, al, ah, b1, b2, rl, rh, c);
}

/** imm as lo/hi of a sign-extended 64-bit value. */
const immHi = (v: number) => (v < 0 ? '-1' : '0');

function doAlu(g: Gen, d: Insn): void {
  const o = d.op;
  let op: number, s: number;
  const form = o < 0x40 ? o & 7 : -1;
  if (form >= 0) op = o >> 3; else op = d.reg & 7;
  if (form === 0 || form === 2 || form === 4 || o === 0x80) s = 1;
  else s = d.osz;
  if (o === 0x82) { g.illegal('0x82'); return; }
  if (form === 4 || form === 5) {
    // al/eax/rax, imm
    if (s === 8) aluOp64(g, op, { l: 'r0', h: 'h0', w: (l, h) => `r0=${l};h0=${h};` }, `${d.imm}`, immHi(d.imm));
    else aluOp(g, op, s, { v: g.getReg(s, 0), w: (v) => g.setReg(s, 0, v) }, `${s === 4 ? d.imm : d.imm & (s === 1 ? 255 : 65535)}`);
    return;
  }
  if (form === 2 || form === 3) {
    // reg, r/m
    if (s === 8) {
      const sv = g.src64();
      aluOp64(g, op, { l: `r${d.reg}`, h: `h${d.reg}`, w: (l, h) => `r${d.reg}=${l};h${d.reg}=${h};` }, sv.l, sv.h);
    } else {
      const sv = g.src(s);
      aluOp(g, op, s, { v: g.getReg(s, d.reg), w: (v) => g.setReg(s, d.reg, v) }, sv);
    }
    return;
  }
  // r/m, reg | r/m, imm
  if (s === 8) {
    const dst = g.rm64();
    if (form === 1) aluOp64(g, op, dst, `r${d.reg}`, `h${d.reg}`);
    else aluOp64(g, op, dst, `${d.imm}`, immHi(d.imm));
  } else {
    const dst = g.rm(s);
    const srcv = form >= 0 ? g.getReg(s, d.reg) : `${s === 4 ? d.imm : d.imm & (s === 1 ? 255 : 65535)}`;
    aluOp(g, op, s, dst, srcv);
  }
}

function doTest(g: Gen, d: Insn, s: number, immForm: boolean): void {
  if (s === 8) {
    const sv = immForm && (d.op === 0xa8 || d.op === 0xa9) ? { l: 'r0', h: 'h0' } : g.src64();
    const bl = immForm ? `${d.imm}` : `r${d.reg}`, bh = immForm ? immHi(d.imm) : `h${d.reg}`;
    const rl = g.tmp(), rh = g.tmp();
    g.emit(`const ${rl}=${sv.l}&${bl},${rh}=${sv.h}&${bh};`);
    g.rec(K_LOGIC, 8, '0', '0', '0', '0', rl, rh);
    return;
  }
  const a = immForm && (d.op === 0xa8 || d.op === 0xa9) ? g.getReg(s, 0) : g.src(s);
  const b = immForm ? `${s === 4 ? d.imm : d.imm & (s === 1 ? 255 : 65535)}` : g.getReg(s, d.reg);
  const r = g.tmp();
  g.emit(`const ${r}=${a}&${b};`);
  g.rec(K_LOGIC, s, '0', '0', '0', '0', r, '0');
}

function incDec(g: Gen, d: Insn, s: number, dec: boolean): void {
  const c = g.tmp();
  g.emit(`const ${c}=${g.cf()};`);
  if (s === 8) {
    const dst = g.rm64();
    const al = g.tmp(), ah = g.tmp(), rl = g.tmp(), rh = g.tmp();
    g.emit(`const ${al}=${dst.l},${ah}=${dst.h};`);
    if (dec) g.emit(`const ${rl}=(${al}-1)|0,${rh}=(${ah}-(${al}===0?1:0))|0;`);
    else g.emit(`const ${rl}=(${al}+1)|0,${rh}=(${ah}+(${rl}===0?1:0))|0;`);
    g.emit(dst.w(rl, rh));
    g.rec(dec ? K_DEC : K_INC, 8, al, ah, '1', '0', rl, rh, c);
    return;
  }
  const dst = g.rm(s);
  const a = g.tmp(), r = g.tmp();
  g.emit(`const ${a}=${dst.v};const ${r}=${g.mask(s, dec ? `${a}-1` : `${a}+1`)};`);
  g.emit(dst.w(r));
  g.rec(dec ? K_DEC : K_INC, s, a, '0', '1', '0', r, '0', c);
}

function shiftOp(g: Gen, d: Insn, s: number, kind: number, countExpr: string): void {
  // kind: 0 rol 1 ror 2 rcl 3 rcr 4 shl 5 shr 6 sal(=shl) 7 sar
  if (kind === 6) kind = 4;
  const bits = s * 8;
  const n = g.tmp();
  g.emit(`const ${n}=(${countExpr})&${s === 8 ? 63 : 31};`);
  if (s === 8) {
    const dst = g.rm64();
    const al = g.tmp(), ah = g.tmp();
    g.emit(`const ${al}=${dst.l},${ah}=${dst.h};`);
    const k = /^\d+$/.test(countExpr) ? +countExpr & 63 : -1;
    if (kind >= 4 && k > 0) {
      // Constant count: inline 32-bit pieces.
      let lo: string, hi: string;
      if (kind === 4) {
        if (k < 32) { hi = `(${ah}<<${k})|(${al}>>>${32 - k})`; lo = `${al}<<${k}`; }
        else { hi = k === 32 ? `${al}` : `${al}<<${k - 32}`; lo = '0'; }
      } else if (kind === 5) {
        if (k < 32) { lo = `(${al}>>>${k})|(${ah}<<${32 - k})`; hi = `(${ah}>>>${k})|0`; }
        else { lo = k === 32 ? `${ah}` : `(${ah}>>>${k - 32})|0`; hi = '0'; }
      } else {
        if (k < 32) { lo = `(${al}>>>${k})|(${ah}<<${32 - k})`; hi = `${ah}>>${k}`; }
        else { lo = k === 32 ? `${ah}` : `${ah}>>${k - 32}`; hi = `${ah}>>31`; }
      }
      const rl = g.tmp(), rh = g.tmp();
      g.emit(`const ${rl}=${lo},${rh}=${hi};`);
      g.emit(dst.w(rl, rh));
      if (g.flagsLive) g.emit(`fo=${(kind === 4 ? K_SHL : kind === 5 ? K_SHR : K_SAR) * 4 + 3};fa=${al};fah=${ah};fb=${k};fbh=0;fr=${rl};frh=${rh};`);
      g.setter = null;
      return;
    }
    g.emit(`if(${n}!==0){`);
    if (kind >= 4) {
      // variable count 1..63, inline in 32-bit pieces
      const rl = g.tmp(), rh = g.tmp();
      const lt = kind === 4 ? `${rl}=${al}<<${n};${rh}=(${ah}<<${n})|(${al}>>>(32-${n}));`
        : kind === 5 ? `${rl}=(${al}>>>${n})|(${ah}<<(32-${n}));${rh}=(${ah}>>>${n})|0;`
        : `${rl}=(${al}>>>${n})|(${ah}<<(32-${n}));${rh}=${ah}>>${n};`;
      const ge = kind === 4 ? `${rl}=0;${rh}=${al}<<(${n}-32);`
        : kind === 5 ? `${rl}=(${ah}>>>(${n}-32))|0;${rh}=0;`
        : `${rl}=${ah}>>(${n}-32);${rh}=${ah}>>31;`;
      g.emit(`let ${rl},${rh};if(${n}<32){${lt}}else{${ge}}`);
      g.emit(dst.w(rl, rh));
      if (g.flagsLive) g.emit(`fo=${(kind === 4 ? K_SHL : kind === 5 ? K_SHR : K_SAR) * 4 + 3};fa=${al};fah=${ah};fb=${n};fbh=0;fr=${rl};frh=${rh};`);
    } else if (kind <= 1 && !g.flagsLive) {
      // rol/ror whose CF/OF nobody reads: the value alone (ror by n = rol by 64 - n)
      const rl = g.tmp(), rh = g.tmp(), k = g.tmp();
      g.emit(`let ${rl}=${al},${rh}=${ah},${k}=${kind === 0 ? n : `64-${n}`};if(${k}>=32){${rl}=${ah};${rh}=${al};${k}-=32;}`);
      g.emit(`if(${k}!==0){const t=(${rl}<<${k})|(${rh}>>>(32-${k}));${rh}=(${rh}<<${k})|(${rl}>>>(32-${k}));${rl}=t;}`);
      g.emit(dst.w(rl, rh));
    } else {
      g.emit(`const F=rot64(${kind},${al},${ah},${n},${g.flagsNow()});`);
      g.emit(dst.w('S.lo', 'S.hi'));
      g.emit(`fo=${K_RAW * 4 + 2};fr=F;`);
    }
    g.emit('}');
    g.setter = null;
    return;
  }
  const dst = g.rm(s);
  const a = g.tmp();
  g.emit(`const ${a}=${dst.v};`);
  // A 32-bit register destination is zero-extended even when the masked count is 0.
  if (s === 4 && d.mod === 3) g.emit(`h${d.rm}=0;`);
  g.emit(`if(${n}!==0){`);
  if (kind >= 4) {
    let r: string;
    if (kind === 4) r = g.mask(s, `${n}<${bits}?${a}<<${n}:0`);
    else if (kind === 5) r = s === 4 ? `(${a}>>>${n})|0` : `(${n}<${bits}?${a}>>>${n}:0)`;
    else r = s === 4 ? `${a}>>${n}` : g.mask(s, `((${a}<<${32 - bits})>>${32 - bits})>>(${n}<${bits}?${n}:${bits - 1})`);
    const rr = g.tmp();
    g.emit(`const ${rr}=${r};`);
    g.emit(dst.w(rr));
    if (g.flagsLive) g.emit(`fo=${(kind === 4 ? K_SHL : kind === 5 ? K_SHR : K_SAR) * 4 + sizeIndex(s)};fa=${a};fb=${n};fr=${rr};`);
  } else if (kind <= 1 && !g.flagsLive) {
    // rol/ror whose CF/OF nobody reads: the value alone (ror by n = rol by bits - n)
    const rr = g.tmp();
    if (s === 4) g.emit(`const ${rr}=${kind === 0 ? `(${a}<<${n})|(${a}>>>(32-${n}))` : `(${a}>>>${n})|(${a}<<(32-${n}))`};`);
    else {
      const k = g.tmp(), v = g.tmp();
      g.emit(`const ${v}=${a}&${bits === 8 ? 255 : 65535},${k}=${kind === 0 ? `${n}%${bits}` : `(${bits}-${n}%${bits})%${bits}`};`);
      g.emit(`const ${rr}=((${v}<<${k})|(${v}>>>(${bits}-${k})))&${bits === 8 ? 255 : 65535};`);
    }
    g.emit(dst.w(rr));
  } else {
    g.emit(`const F=rot32(${kind},${s},${a},${n},${g.flagsNow()});`);
    g.emit(dst.w('S.lo'));
    g.emit(`fo=${K_RAW * 4 + 2};fr=F;`);
  }
  g.emit('}');
  g.setter = null;
}

function push64(g: Gen, l: string, h: string): void {
  const a = g.tmp();
  g.emit(`const ${a}=(h4===0?r4>>>0:h4*4294967296+(r4>>>0))-8;st64(${a},${l},${h});r4=(r4-8)|0;h4=(h4-((r4>>>0)>4294967287?1:0))|0;`);
}
function pop64(g: Gen): { l: string; h: string } {
  const a = g.tmp(), l = g.tmp(), h = g.tmp();
  g.emit(`const ${a}=h4===0?r4>>>0:h4*4294967296+(r4>>>0);const ${l}=ld32(${a}),${h}=ld32(${a}+4);`);
  return { l, h };
}
const spAdd = (n: number) => `{const o=r4;r4=(r4+${n})|0;h4=(h4+((r4>>>0)<(o>>>0)?1:0))|0;}`;
const spSub = (n: number) => `{const o=r4;r4=(r4-${n})|0;h4=(h4-((o>>>0)<${n}?1:0))|0;}`;

function hiOfPc(pc: number): number { return Math.floor(pc / 4294967296); }
function loOfPc(pc: number): number { return pc | 0; }

function mulDiv(g: Gen, d: Insn, s: number): void {
  const k = d.reg & 7; // 4 mul 5 imul 6 div 7 idiv
  if (s === 8) {
    const v = g.src64();
    g.emit(`{const ok=muldiv64(c,${k},r0,h0,r2,h2,${v.l},${v.h});if(!ok)throw DIVERR;r0=S.lo;h0=S.hi;r2=S.lo2;h2=S.hi2;}`);
    if (k < 6) g.raw('S.f'); else g.setter = null;
    return;
  }
  const v = g.src(s);
  if (s === 1) {
    g.emit(`{const ok=muldiv8(${k},r0&65535,${v});if(!ok)throw DIVERR;r0=(r0&-65536)|S.lo;}`);
  } else if (s === 2) {
    g.emit(`{const ok=muldiv16(${k},r0&65535,r2&65535,${v});if(!ok)throw DIVERR;r0=(r0&-65536)|S.lo;r2=(r2&-65536)|S.lo2;}`);
  } else {
    g.emit(`{const ok=muldiv32(${k},r0,r2,${v});if(!ok)throw DIVERR;r0=S.lo;h0=0;r2=S.lo2;h2=0;}`);
  }
  if (k < 6) g.raw('S.f'); else g.setter = null;
}

function strOp(g: Gen, d: Insn): void {
  const o = d.op;
  const byte = (o & 1) === 0;
  const s = byte ? 1 : d.osz;
  const kind = o >= 0xa4 && o <= 0xa5 ? 'movs' : o <= 0xa7 ? 'cmps' : o <= 0xab ? 'stos' : o <= 0xad ? 'lods' : 'scas';
  // Whole string instruction in a helper working on the register file; commit locals first.
  // $w=2 while it runs: a fault midway leaves rsi/rdi/rcx (and rax for lods) in R as far as the
  // helper got, and the function's `finally` must not write the locals (their values from before
  // the instruction) over them; it then stores only the instruction count.
  g.emit(`@@STORE@@`);
  g.emit(`{$w=2;const rr=str_${kind}(c,${s},${d.rep},${d.a32 ? 1 : 0},${d.seg === 4 ? 'c.fsBase' : d.seg === 5 ? 'c.gsBase' : 0});$w=1;@@LOAD@@ if(rr===1){$n=${g.idx};$r=${d.pc};break X;}}`);
  if (kind === 'cmps' || kind === 'scas') {
    g.emit(`fo=c.fo;fa=c.fa;fah=c.fah;fb=c.fb;fbh=c.fbh;fr=c.fr;frh=c.frh;fc=c.fc;`);
    g.setter = null;
  }
}

export function genInsn(g: Gen, d: Insn): void {
  const o = d.op;
  const next = d.pc + d.len;
  g.d = d;
  if (d.bad) { g.illegal('undefined encoding'); return; }
  if (o < 0x40 && (o & 7) < 6) { doAlu(g, d); return; }
  if (o >= 0x80 && o <= 0x83) { doAlu(g, d); return; }
  if (o >= 0x50 && o < 0x58) {
    const r = (o & 7) | ((d.rex & 1) << 3);
    if (d.p66) { g.illegal('push16'); return; }
    push64(g, `r${r}`, `h${r}`); return;
  }
  if (o >= 0x58 && o < 0x60) {
    const r = (o & 7) | ((d.rex & 1) << 3);
    if (d.p66) { g.illegal('pop16'); return; }
    const v = pop64(g);
    g.emit(spAdd(8));
    g.emit(`r${r}=${v.l};h${r}=${v.h};`);
    return;
  }
  if (o >= 0x70 && o < 0x80 || o >= 0x180 && o < 0x190) {
    const cc = o & 15;
    const target = next + d.imm;
    g.emit(`if(${g.cond(cc)})${g.jumpTo(target)}`);
    g.emit(g.exit(`${next}`));
    return;
  }
  if (o >= 0x140 && o < 0x150) {
    const cc = o & 15;
    const s = d.osz;
    if (s === 8) {
      const v = g.src64();
      g.emit(`if(${g.cond(cc)}){r${d.reg}=${v.l};h${d.reg}=${v.h};}`);
    } else {
      const v = g.src(s);
      if (s === 4) g.emit(`if(${g.cond(cc)}){r${d.reg}=${v};}h${d.reg}=0;`);
      else g.emit(`if(${g.cond(cc)}){${g.setReg(s, d.reg, v)}}`);
    }
    return;
  }
  if (o >= 0x190 && o < 0x1a0) {
    const cc = o & 15;
    const v = g.tmp();
    g.emit(`const ${v}=${g.cond(cc)}?1:0;`);
    if (d.mod === 3) g.emit(g.setReg(1, d.rm, v));
    else { const a = g.ea(d); g.emit(`st8(${a},${v});`); }
    return;
  }
  if (o >= 0xb0 && o < 0xb8) {
    const r = (o & 7) | ((d.rex & 1) << 3);
    g.emit(g.setReg(1, r, `${d.imm & 255}`));
    return;
  }
  if (o >= 0xb8 && o < 0xc0) {
    const r = (o & 7) | ((d.rex & 1) << 3);
    if (d.w) g.emit(`r${r}=${d.imm};h${r}=${d.immHi};`);
    else if (d.osz === 2) g.emit(g.setReg(2, r, `${d.imm}`));
    else {
      g.emit(`r${r}=${d.imm};h${r}=0;`);
      if (r === 0) { g.constEax = d.imm >>> 0; return; }
    }
    return;
  }
  if (o >= 0x91 && o < 0x98) {
    const r = (o & 7) | ((d.rex & 1) << 3);
    const s = d.osz;
    if (s === 8) g.emit(`{const l=r0,h=h0;r0=r${r};h0=h${r};r${r}=l;h${r}=h;}`);
    else if (s === 4) g.emit(`{const l=r0;r0=r${r};h0=0;r${r}=l;h${r}=0;}`);
    else g.emit(`{const l=r0&65535;${g.setReg(2, 0, `r${r}`)}${g.setReg(2, r, 'l')}}`);
    return;
  }
  if (o >= 0x1c8 && o < 0x1d0) {
    const r = (o & 7) | ((d.rex & 1) << 3);
    if (d.w) g.emit(`{const l=bswap(r${r});r${r}=bswap(h${r});h${r}=l;}`);
    else if (d.osz === 4) g.emit(`r${r}=bswap(r${r});h${r}=0;`);
    else g.emit(`r${r}=r${r}&-65536;`);
    return;
  }
  if (o >= 0xd8 && o <= 0xdf) { x87Op(g, d); return; }
  if (o >= 0x100 && isSse(o) && o !== 0x2f0 && o !== 0x2f1) { sseOp(g, d); return; }

  switch (o) {
    case 0x63: { // movsxd
      const v = g.src(4);
      if (d.w) g.emit(`{const v=${v};r${d.reg}=v;h${d.reg}=v>>31;}`);
      else g.emit(g.setReg(d.osz, d.reg, v));
      return;
    }
    case 0x68: case 0x6a:
      push64(g, `${d.imm}`, immHi(d.imm)); return;
    case 0x69: case 0x6b: case 0x1af: {
      const s = d.osz;
      if (s === 8) {
        const v = g.src64();
        const bl = o === 0x1af ? `r${d.reg}` : `${d.imm}`, bh = o === 0x1af ? `h${d.reg}` : immHi(d.imm);
        if (g.flagsLive) {
          g.emit(`imul64(${v.l},${v.h},${bl},${bh});r${d.reg}=S.lo;h${d.reg}=S.hi;`);
          g.raw('S.f');
        } else {
          // inline low 64 bits: lo*lo full + cross terms' low halves (no scratch object)
          const a = g.tmp(), ah = g.tmp(), pl = g.tmp(), ph = g.tmp();
          g.emit(`const ${a}=${v.l},${ah}=${v.h};const ${pl}=Math.imul(${a},${bl}),${ph}=(mulhu32(${a}>>>0,(${bl})>>>0)+Math.imul(${a},${bh})+Math.imul(${ah},${bl}))|0;r${d.reg}=${pl};h${d.reg}=${ph};`);
          g.setter = { k: K_RAW, s: 4 };
        }
      } else {
        const v = g.src(s);
        const b = o === 0x1af ? g.getReg(s, d.reg) : `${d.imm}`;
        if (g.flagsLive) {
          g.emit(`{const p=imulN(${s},${v},${b});${g.setReg(s, d.reg, 'p')}}`);
          g.raw('S.f');
        } else {
          // flags dead: the low 32 (16) bits of the product, no helper (its overflow test made
          // matmul's initialisation loop a bigger function for V8 to compile)
          g.emit(`{const p=Math.imul(${v},${b})${s === 2 ? '&65535' : ''};${g.setReg(s, d.reg, 'p')}}`);
          g.setter = { k: K_RAW, s: 4 };
        }
      }
      return;
    }
    case 0x84: case 0x85: doTest(g, d, o === 0x84 ? 1 : d.osz, false); return;
    case 0xa8: case 0xa9: doTest(g, d, o === 0xa8 ? 1 : d.osz, true); return;
    case 0x86: case 0x87: { // xchg r/m, reg
      const s = o === 0x86 ? 1 : d.osz;
      if (s === 8) {
        const dst = g.rm64();
        const l = g.tmp(), h = g.tmp();
        g.emit(`const ${l}=${dst.l},${h}=${dst.h};`);
        g.emit(dst.w(`r${d.reg}`, `h${d.reg}`));
        g.emit(`r${d.reg}=${l};h${d.reg}=${h};`);
      } else {
        const dst = g.rm(s);
        const t = g.tmp();
        g.emit(`const ${t}=${dst.v};`);
        const rv = g.tmp();
        g.emit(`const ${rv}=${g.getReg(s, d.reg)};`);
        g.emit(dst.w(rv));
        g.emit(g.setReg(s, d.reg, t));
      }
      return;
    }
    case 0x88: case 0x89: {
      const s = o === 0x88 ? 1 : d.osz;
      if (d.mod === 3) {
        if (s === 8) g.emit(`r${d.rm}=r${d.reg};h${d.rm}=h${d.reg};`);
        else { const t = g.tmp(); g.emit(`const ${t}=${g.getReg(s, d.reg)};`); g.emit(g.setReg(s, d.rm, t)); }
      } else {
        const a = g.ea(d);
        if (s === 8) g.emit(`st64(${a},r${d.reg},h${d.reg});`);
        else g.emit(g.st(s, a, g.getReg(s, d.reg)));
      }
      return;
    }
    case 0x8a: case 0x8b: {
      const s = o === 0x8a ? 1 : d.osz;
      if (s === 8) { const v = g.src64(); g.emit(`r${d.reg}=${v.l};h${d.reg}=${v.h};`); }
      else { const v = g.src(s); const t = g.tmp(); g.emit(`const ${t}=${v};`); g.emit(g.setReg(s, d.reg, t)); }
      return;
    }
    case 0x8d: { // lea: exact 64-bit wrap arithmetic
      if (d.mod === 3) { g.illegal('lea reg'); return; }
      const s = d.osz;
      if (d.ripRel) {
        if (s === 8) g.emit(`r${d.reg}=${loOfPc(d.disp)};h${d.reg}=${hiOfPc(d.disp)};`);
        else g.emit(g.setReg(s, d.reg, `${d.disp | 0}`));
        return;
      }
      if (s === 8 && !d.a32) {
        // lo = base + index<<scale + disp, with carries into hi.
        const parts: Array<[string, string]> = [];
        if (d.base >= 0) parts.push([`r${d.base}`, `h${d.base}`]);
        if (d.index >= 0) {
          if (d.scale === 0) parts.push([`r${d.index}`, `h${d.index}`]);
          else parts.push([`(r${d.index}<<${d.scale})`, `((h${d.index}<<${d.scale})|(r${d.index}>>>${32 - d.scale}))`]);
        }
        if (d.disp || !parts.length) parts.push([`${d.disp}`, d.disp < 0 ? '-1' : '0']);
        const lo = g.tmp(), hi = g.tmp();
        g.emit(`let ${lo}=${parts[0][0]}|0,${hi}=${parts[0][1]}|0;`);
        for (let i = 1; i < parts.length; i++) {
          g.emit(`{const x=${parts[i][0]}|0;const n=(${lo}+x)|0;${hi}=(${hi}+(${parts[i][1]})+((n>>>0)<(${lo}>>>0)?1:0))|0;${lo}=n;}`);
        }
        g.emit(`r${d.reg}=${lo};h${d.reg}=${hi};`);
      } else {
        const parts: string[] = [];
        if (d.base >= 0) parts.push(`r${d.base}`);
        if (d.index >= 0) parts.push(`(r${d.index}<<${d.scale})`);
        parts.push(`${d.disp}`);
        const t = g.tmp();
        g.emit(`const ${t}=(${parts.join('+')})|0;`);
        if (s === 8) g.emit(`r${d.reg}=${t};h${d.reg}=0;`);
        else g.emit(g.setReg(s, d.reg, t));
      }
      return;
    }
    case 0x8f: { // pop r/m64
      const v = pop64(g);
      if (d.mod === 3) { g.emit(spAdd(8)); g.emit(`r${d.rm}=${v.l};h${d.rm}=${v.h};`); }
      else {
        g.emit(spAdd(8));
        const a = g.ea(d);
        g.emit(`st64(${a},${v.l},${v.h});`);
      }
      return;
    }
    case 0x90:
      if (d.rex & 1) { g.emit(`{const l=r0,h=h0;r0=r8;h0=h8;r8=l;h8=h;}`); }
      return; // nop / pause
    case 0x9b: // fwait: would raise a pending unmasked x87 exception; those are not modelled
      return;
    case 0x98: // cbw/cwde/cdqe
      if (d.w) g.emit(`h0=r0>>31;`);
      else if (d.osz === 4) g.emit(`r0=(r0<<16)>>16;h0=0;`);
      else g.emit(`r0=(r0&-65536)|(((r0<<24)>>24)&65535);`);
      return;
    case 0x99: // cwd/cdq/cqo
      if (d.w) g.emit(`r2=h0>>31;h2=r2;`);
      else if (d.osz === 4) g.emit(`r2=r0>>31;h2=0;`);
      else g.emit(`r2=(r2&-65536)|(((r0<<16)>>31)&65535);`);
      return;
    case 0x9c: { // pushf
      const f = g.tmp();
      g.emit(`const ${f}=${g.flagsNow()}|c.df|0x202;`);
      push64(g, f, '0');
      return;
    }
    case 0x9d: { // popf
      const v = pop64(g);
      g.emit(spAdd(8));
      g.emit(`c.df=${v.l}&0x400;c.acflag=${v.l}&0x40000;`);
      g.raw(`${v.l}`);
      return;
    }
    case 0x9e: // sahf
      g.emit(`{const f=${g.flagsNow()};fr=(f&0x800)|((r0>>>8)&0xd5);fo=${K_RAW * 4 + 2};}`);
      g.setter = { k: K_RAW, s: 4 };
      return;
    case 0x9f: // lahf
      g.emit(`r0=(r0&-65281)|(((${g.flagsNow()}&0xd5)|2)<<8);`);
      return;
    case 0xa0: case 0xa1: case 0xa2: case 0xa3: { // mov moffs
      const s = o & 1 ? d.osz : 1;
      const addr = d.a32 ? d.imm : d.immHi * 4294967296 + (d.imm >>> 0);
      const a = g.tmp();
      g.emit(`const ${a}=${d.seg === 4 ? 'c.fsBase+' : d.seg === 5 ? 'c.gsBase+' : ''}${addr};`);
      if (o < 0xa2) {
        if (s === 8) g.emit(`{const l=ld32(${a}),h=ld32(${a}+4);r0=l;h0=h;}`);
        else { const t = g.tmp(); g.emit(`const ${t}=${g.ld(s, a)};`); g.emit(g.setReg(s, 0, t)); }
      } else {
        if (s === 8) g.emit(`st64(${a},r0,h0);`);
        else g.emit(g.st(s, a, g.getReg(s, 0)));
      }
      return;
    }
    case 0xa4: case 0xa5: case 0xa6: case 0xa7: case 0xaa: case 0xab: case 0xac: case 0xad: case 0xae: case 0xaf:
      strOp(g, d); return;
    case 0xc0: case 0xc1: shiftOp(g, d, o === 0xc0 ? 1 : d.osz, d.reg & 7, `${d.imm & 255}`); return;
    case 0xd0: case 0xd1: shiftOp(g, d, o === 0xd0 ? 1 : d.osz, d.reg & 7, '1'); return;
    case 0xd2: case 0xd3: shiftOp(g, d, o === 0xd2 ? 1 : d.osz, d.reg & 7, 'r1'); return;
    case 0xc2: case 0xc3: { // ret
      const v = pop64(g);
      g.emit(spAdd(8 + (o === 0xc2 ? d.imm : 0)));
      g.emit(g.exit(`${v.h}*4294967296+(${v.l}>>>0)`));
      return;
    }
    case 0xc6: case 0xc7: {
      if ((d.reg & 7) !== 0) { g.illegal('c6/c7 /r'); return; }
      const s = o === 0xc6 ? 1 : d.osz;
      if (d.mod === 3) {
        if (s === 8) g.emit(`r${d.rm}=${d.imm};h${d.rm}=${immHi(d.imm)};`);
        else g.emit(g.setReg(s, d.rm, `${d.imm}`));
        if (s === 4 && d.rm === 0) g.constEax = d.imm >>> 0;
      } else {
        const a = g.ea(d);
        if (s === 8) g.emit(`st64(${a},${d.imm},${immHi(d.imm)});`);
        else g.emit(g.st(s, a, `${d.imm}`));
      }
      return;
    }
    case 0xc8: { // enter imm16, 0 only
      if (d.imm2 !== 0) { g.illegal('enter with nesting'); return; }
      push64(g, 'r5', 'h5');
      g.emit(`r5=r4;h5=h4;`);
      if (d.imm) g.emit(spSub(d.imm));
      return;
    }
    case 0xc9: { // leave
      const a = g.tmp(), l = g.tmp(), h = g.tmp();
      g.emit(`const ${a}=h5*4294967296+(r5>>>0);const ${l}=ld32(${a}),${h}=ld32(${a}+4);`);
      g.emit(`r4=r5;h4=h5;${spAdd(8)}r5=${l};h5=${h};`);
      return;
    }
    case 0xcc:
      g.emit(g.stop(`{kind:'breakpoint',pc:${next}}`, `${next}`, g.idx + 1));
      return;
    case 0xcd:
      // int 0x80 would be the 32-bit system call entry, which elfbox does not provide.
      if ((d.imm & 255) === 0x80) { g.illegal('int 0x80 (32-bit system calls are not supported)'); return; }
      g.emit('throw GPF;');
      return;
    // Privileged in user mode: #GP, which Linux delivers as SIGSEGV (as a fault at address 0 here).
    case 0xf4: case 0xfa: case 0xfb: // hlt cli sti
    case 0xe4: case 0xe5: case 0xe6: case 0xe7: case 0xec: case 0xed: case 0xee: case 0xef: // in out
    case 0x6c: case 0x6d: case 0x6e: case 0x6f: // ins outs
      g.emit('throw GPF;');
      return;
    case 0xe0: case 0xe1: case 0xe2: case 0xe3: { // loopne loope loop jrcxz
      const target = next + d.imm;
      if (o === 0xe3) {
        g.emit(`if(${d.a32 ? 'r1===0' : '(r1|h1)===0'})${g.jumpTo(target)}`);
      } else {
        if (d.a32) g.emit(`r1=(r1-1)|0;h1=0;`);
        else g.emit(`if(r1===0)h1=(h1-1)|0;r1=(r1-1)|0;`);
        const nz = d.a32 ? 'r1!==0' : '(r1|h1)!==0';
        const c = o === 0xe2 ? nz : `${nz}&&${o === 0xe1 ? '' : '!'}${g.cond(4)}`;
        g.emit(`if(${c})${g.jumpTo(target)}`);
      }
      g.emit(g.exit(`${next}`));
      return;
    }
    case 0xe8: {
      push64(g, `${loOfPc(next)}`, `${hiOfPc(next)}`);
      g.emit(g.exit(`${next + d.imm}`));
      return;
    }
    case 0xe9: case 0xeb:
      g.emit(g.jumpTo(next + d.imm));
      return;
    case 0xf5: { const f = g.tmp(); g.emit(`const ${f}=${g.flagsNow()}^1;`); g.raw(f); return; }
    case 0xf8: case 0xf9: { const f = g.tmp(); g.emit(`const ${f}=(${g.flagsNow()}&-2)|${o & 1};`); g.raw(f); return; }
    case 0xfc: g.emit(`c.df=0;`); return;
    case 0xfd: g.emit(`c.df=0x400;`); return;
    case 0xf6: case 0xf7: {
      const s = o === 0xf6 ? 1 : d.osz;
      const k = d.reg & 7;
      if (k === 0 || k === 1) { doTest(g, d, s, true); return; }
      if (k === 2 || k === 3) {
        if (s === 8) {
          const dst = g.rm64();
          const l = g.tmp(), h = g.tmp(), ol = g.tmp(), oh = g.tmp();
          g.emit(`const ${ol}=${dst.l},${oh}=${dst.h};`);
          if (k === 2) g.emit(`const ${l}=~${ol},${h}=~${oh};`);
          else g.emit(`const ${l}=(-${ol})|0,${h}=(-${oh}-(${ol}!==0?1:0))|0;`);
          g.emit(dst.w(l, h));
          if (k === 3) g.rec(K_SUB, 8, '0', '0', ol, oh, l, h);
        } else {
          const dst = g.rm(s);
          const a = g.tmp(), r = g.tmp();
          g.emit(`const ${a}=${dst.v};const ${r}=${g.mask(s, k === 2 ? `~${a}` : `-${a}`)};`);
          g.emit(dst.w(r));
          if (k === 3) g.rec(K_SUB, s, '0', '0', a, '0', r, '0');
        }
        return;
      }
      mulDiv(g, d, s);
      return;
    }
    case 0xfe: case 0xff: {
      const k = d.reg & 7;
      const s = o === 0xfe ? 1 : d.osz;
      if (k === 0 || k === 1) { incDec(g, d, s, k === 1); return; }
      if (o === 0xfe) { g.illegal('fe /r'); return; }
      if (k === 2 || k === 4) { // call / jmp r/m64
        const v = g.src64();
        const t = g.tmp();
        g.emit(`const ${t}=${v.h}*4294967296+(${v.l}>>>0);`);
        if (k === 2) push64(g, `${loOfPc(next)}`, `${hiOfPc(next)}`);
        g.emit(g.exit(t));
        return;
      }
      if (k === 6) { const v = g.src64(); const l = g.tmp(), h = g.tmp(); g.emit(`const ${l}=${v.l},${h}=${v.h};`); push64(g, l, h); return; }
      g.illegal('ff /3 /5 /7');
      return;
    }
    // ---- 0F map
    case 0x105: { // syscall
      g.emit(`r1=${loOfPc(next)};h1=${hiOfPc(next)};r11=${g.flagsNow()}|c.df|0x202;h11=0;`);
      g.sysNr = g.constEax ?? -1;
      const call = g.sysNr >= 0 ? `(SYS?SYS(c.cpu):c.entry.syscall(c.cpu))` : `c.entry.syscall(c.cpu)`;
      // $w=0: the kernel has the registers now (and writes rax); `finally` must not store the locals.
      g.emit(`@@STORE@@ $w=0;c.rip=${next};c.ic+=${g.idx + 1};c.fo=${K_RAW * 4 + 2};c.fr=r11;if(!${call}){c.stopReason=YIELD;return -1;}return c.rip;`);
      return;
    }
    case 0x10b: g.illegal('ud2'); return;
    case 0x10d: case 0x118: case 0x119: case 0x11a: case 0x11b: case 0x11c: case 0x11d: case 0x11e: case 0x11f:
      return; // prefetch / hint nops / endbr64
    case 0x131: // rdtsc
      g.emit(`{const t=c.tsc(${g.idx});r0=t|0;h0=0;r2=(t/4294967296)|0;h2=0;}`);
      return;
    case 0x101: {
      if (d.mod === 3 && (d.reg & 7) === 7 && (d.rm & 7) === 1) { // rdtscp
        g.emit(`{const t=c.tsc(${g.idx});r0=t|0;h0=0;r2=(t/4294967296)|0;h2=0;r1=0;h1=0;}`);
        return;
      }
      if (d.mod === 3 && (d.reg & 7) === 2 && (d.rm & 7) === 0) { // xgetbv
        g.emit(`if(r1!==0)throw GPF;r0=3;h0=0;r2=0;h2=0;`);
        return;
      }
      g.illegal('0f 01');
      return;
    }
    case 0x1a2: // cpuid
      g.emit(`cpuid(r0,r1);r0=S.a;h0=0;r3=S.b;h3=0;r1=S.c;h1=0;r2=S.d;h2=0;`);
      g.emit(g.exit(`${next}`));
      return;
    case 0x1a3: case 0x1ab: case 0x1b3: case 0x1bb: case 0x1ba: { // bt bts btr btc
      const k = o === 0x1ba ? (d.reg & 7) - 4 : o === 0x1a3 ? 0 : o === 0x1ab ? 1 : o === 0x1b3 ? 2 : 3;
      if (k < 0) { g.illegal('0f ba /r'); return; }
      const s = d.osz;
      const bits = s * 8;
      const f0 = g.tmp();
      g.emit(`const ${f0}=${g.flagsNow()};`);
      // Bit offset: register forms with a memory operand address bit strings beyond the operand.
      if (d.mod !== 3 && o !== 0x1ba) {
        const off = g.tmp();
        if (s === 8) g.emit(`const ${off}=h${d.reg}*4294967296+(r${d.reg}>>>0);`);
        else if (s === 4) g.emit(`const ${off}=r${d.reg};`);
        else g.emit(`const ${off}=(r${d.reg}<<16)>>16;`);
        const a = g.tmp();
        g.emit(`const ${a}=${g.eaExpr(d)}+Math.floor(${off}/8);`);
        const bit = g.tmp(), v = g.tmp();
        g.emit(`const ${bit}=${off}&7;const ${v}=ld8(${a});`);
        if (k === 1) g.emit(`st8(${a},${v}|(1<<${bit}));`);
        if (k === 2) g.emit(`st8(${a},${v}&~(1<<${bit}));`);
        if (k === 3) g.emit(`st8(${a},${v}^(1<<${bit}));`);
        g.raw(`(${f0}&-2)|((${v}>>>${bit})&1)`);
        return;
      }
      const n = g.tmp();
      g.emit(`const ${n}=(${o === 0x1ba ? d.imm & 255 : `r${d.reg}`})&${bits - 1};`);
      if (s === 8) {
        const dst = g.rm64();
        const l = g.tmp(), h = g.tmp(), cb = g.tmp();
        g.emit(`const ${l}=${dst.l},${h}=${dst.h};const ${cb}=${n}<32?(${l}>>>${n})&1:(${h}>>>(${n}-32))&1;`);
        if (k) {
          const opx = k === 1 ? '|' : k === 2 ? '&~' : '^';
          const ml = g.tmp(), mh = g.tmp();
          g.emit(`const ${ml}=${n}<32?1<<${n}:0,${mh}=${n}<32?0:1<<(${n}-32);`);
          g.emit(dst.w(`(${l}${opx}${ml})`, `(${h}${opx}${mh})`));
        }
        g.raw(`(${f0}&-2)|${cb}`);
      } else {
        const dst = g.rm(s);
        const v = g.tmp();
        g.emit(`const ${v}=${dst.v};`);
        if (k) {
          const opx = k === 1 ? '|' : k === 2 ? '&~' : '^';
          g.emit(dst.w(`(${v}${opx}(1<<${n}))`));
        }
        g.raw(`(${f0}&-2)|((${v}>>>${n})&1)`);
      }
      return;
    }
    case 0x1a4: case 0x1a5: case 0x1ac: case 0x1ad: { // shld / shrd
      const s = d.osz;
      const cnt = o & 1 ? 'r1' : `${d.imm & 255}`;
      const left = o < 0x1ac;
      const n = g.tmp();
      g.emit(`const ${n}=(${cnt})&${s === 8 ? 63 : 31};`);
      const f0 = g.tmp();
      g.emit(`const ${f0}=${g.flagsNow()};`);
      if (s === 8) {
        const dst = g.rm64();
        g.emit(`if(${n}!==0){const F=shd64(${left ? 1 : 0},${dst.l},${dst.h},r${d.reg},h${d.reg},${n},${f0});${dst.w('S.lo', 'S.hi')}fo=${K_RAW * 4 + 2};fr=F;}`);
      } else {
        const dst = g.rm(s);
        if (s === 4 && d.mod === 3) g.emit(`h${d.rm}=0;`);
        g.emit(`if(${n}!==0){const F=shd32(${left ? 1 : 0},${s},${dst.v},${g.getReg(s, d.reg)},${n},${f0});${dst.w('S.lo')}fo=${K_RAW * 4 + 2};fr=F;}`);
      }
      g.setter = null;
      return;
    }
    case 0x1b0: case 0x1b1: { // cmpxchg
      const s = o === 0x1b0 ? 1 : d.osz;
      if (s === 8) {
        const dst = g.rm64();
        const l = g.tmp(), h = g.tmp();
        g.emit(`const ${l}=${dst.l},${h}=${dst.h};`);
        // flags recorded from the pre-update rax
        g.rec(K_SUB, 8, 'r0', 'h0', l, h, `((r0-${l})|0)`, `((h0-${h}-((r0>>>0)<(${l}>>>0)?1:0))|0)`);
        g.emit(`if(${l}===r0&&${h}===h0){${dst.w(`r${d.reg}`, `h${d.reg}`)}}else{${d.mod === 3 ? '' : dst.w(l, h)}r0=${l};h0=${h};}`);
      } else {
        const dst = g.rm(s);
        const v = g.tmp(), a = g.tmp();
        g.emit(`const ${v}=${dst.v};const ${a}=${g.getReg(s, 0)};`);
        g.rec(K_SUB, s, a, '0', v, '0', g.mask(s, `${a}-${v}`), '0');
        g.emit(`if(${v}===${a}){${dst.w(g.getReg(s, d.reg))}}else{${d.mod === 3 ? '' : dst.w(v)}${g.setReg(s, 0, v)}}`);
      }
      return;
    }
    case 0x1c0: case 0x1c1: { // xadd
      const s = o === 0x1c0 ? 1 : d.osz;
      if (s === 8) {
        const dst = g.rm64();
        const al = g.tmp(), ah = g.tmp(), bl = g.tmp(), bh = g.tmp();
        g.emit(`const ${al}=${dst.l},${ah}=${dst.h},${bl}=r${d.reg},${bh}=h${d.reg};`);
        const rl = g.tmp(), rh = g.tmp();
        g.emit(`const ${rl}=(${al}+${bl})|0,${rh}=(${ah}+${bh}+((${rl}>>>0)<(${al}>>>0)?1:0))|0;`);
        g.emit(`r${d.reg}=${al};h${d.reg}=${ah};`);
        g.emit(dst.w(rl, rh));
        g.rec(K_ADD, 8, al, ah, bl, bh, rl, rh);
      } else {
        const dst = g.rm(s);
        const a = g.tmp(), b = g.tmp(), r = g.tmp();
        g.emit(`const ${a}=${dst.v},${b}=${g.getReg(s, d.reg)};const ${r}=${g.mask(s, `${a}+${b}`)};`);
        g.emit(g.setReg(s, d.reg, a));
        g.emit(dst.w(r));
        g.rec(K_ADD, s, a, '0', b, '0', r, '0');
      }
      return;
    }
    case 0x1c7: { // cmpxchg8b/16b, rdrand
      const k = d.reg & 7;
      if (k === 1 && d.mod !== 3) {
        const a = g.ea(d);
        const f0 = g.tmp();
        g.emit(`const ${f0}=${g.flagsNow()};`);
        if (d.w) {
          g.emit(`if((${a}%16)!==0)throw GPF;`);
          g.emit(`{const x0=ld32(${a}),x1=ld32(${a}+4),x2=ld32(${a}+8),x3=ld32(${a}+12);`);
          g.emit(`if(x0===r0&&x1===h0&&x2===r2&&x3===h2){st64(${a},r3,h3);st64(${a}+8,r1,h1);fr=${f0}|0x40;}`);
          g.emit(`else{st64(${a},x0,x1);st64(${a}+8,x2,x3);r0=x0;h0=x1;r2=x2;h2=x3;fr=${f0}&~0x40;}fo=${K_RAW * 4 + 2};}`);
        } else {
          g.emit(`{const x0=ld32(${a}),x1=ld32(${a}+4);`);
          g.emit(`if(x0===r0&&x1===r2){st64(${a},r3,r1);fr=${f0}|0x40;}`);
          g.emit(`else{st64(${a},x0,x1);r0=x0;h0=0;r2=x1;h2=0;fr=${f0}&~0x40;}fo=${K_RAW * 4 + 2};}`);
        }
        g.setter = { k: K_RAW, s: 4 };
        return;
      }
      g.illegal('0f c7 /r');
      return;
    }
    case 0x1b6: case 0x1b7: case 0x1be: case 0x1bf: {
      const ss = o & 1 ? 2 : 1;
      const v = g.src(ss);
      const sx = o >= 0x1be;
      const t = g.tmp();
      if (sx) g.emit(`const ${t}=(${v}<<${32 - ss * 8})>>${32 - ss * 8};`);
      else g.emit(`const ${t}=${v};`);
      if (d.osz === 8) g.emit(`r${d.reg}=${t};h${d.reg}=${sx ? `${t}>>31` : '0'};`);
      else g.emit(g.setReg(d.osz, d.reg, t));
      return;
    }
    case 0x1b8: case 0x1bc: case 0x1bd: { // popcnt / bsf,tzcnt / bsr,lzcnt
      if (o === 0x1b8 && d.rep !== 0xf3) { g.illegal('jmpe'); return; }
      const s = d.osz;
      const kind = o === 0x1b8 ? 0 : o === 0x1bc ? (d.rep === 0xf3 ? 1 : 2) : (d.rep === 0xf3 ? 3 : 4);
      // kind: 0 popcnt 1 tzcnt 2 bsf 3 lzcnt 4 bsr
      let l: string, h: string;
      if (s === 8) { const v = g.src64(); l = v.l; h = v.h; } else { l = g.src(s); h = '0'; }
      const f0 = g.tmp();
      g.emit(`const ${f0}=${kind === 2 || kind === 4 ? g.flagsNow() : '0'};`);
      g.emit(`{const x=bitscan(${kind},${s},${l},${h},${f0});if(x>=0){${s === 8 ? `r${d.reg}=x;h${d.reg}=0;` : g.setReg(s, d.reg, 'x')}}}`);
      g.raw('S.f');
      return;
    }
    case 0x1ae: { // group 15
      const k = d.reg & 7;
      if (d.mod === 3) {
        if (k >= 5) return; // lfence mfence sfence
        g.illegal('0f ae reg');
        return;
      }
      const a = g.ea(d);
      if (k === 0) { g.emit(`fxsave(c,${a});`); return; }
      if (k === 1) { g.emit(`fxrstor(c,${a});`); return; }
      if (k === 2) { g.emit(`{const v=ld32(${a});if(v&0xffff0000)throw GPF;c.setMxcsr(v);}`); return; }
      if (k === 3) { g.emit(`st32(${a},c.mxcsr);`); return; }
      if (k === 7) return; // clflush
      g.illegal('0f ae /r');
      return;
    }
    case 0x1c3: { // movnti
      const a = g.ea(d);
      if (d.w) g.emit(`st64(${a},r${d.reg},h${d.reg});`);
      else g.emit(`st32(${a},r${d.reg});`);
      return;
    }
    case 0x2f0: case 0x2f1: { // movbe / crc32
      if (d.rep === 0xf2) {
        const sz = o === 0x2f0 ? 1 : d.osz === 8 ? 8 : d.p66 ? 2 : 4;
        let l: string, h = '0';
        if (sz === 8) { const v = g.src64(); l = v.l; h = v.h; } else l = g.src(sz);
        g.emit(`r${d.reg}=crc32c(r${d.reg},${l},${h},${sz});h${d.reg}=0;`);
        return;
      }
      const s = d.osz;
      if (d.mod === 3) { g.illegal('movbe reg'); return; }
      const a = g.ea(d);
      if (o === 0x2f0) {
        if (s === 8) g.emit(`{const l=ld32(${a}),h=ld32(${a}+4);r${d.reg}=bswap(h);h${d.reg}=bswap(l);}`);
        else if (s === 4) g.emit(`{const v=ld32(${a});r${d.reg}=bswap(v);h${d.reg}=0;}`);
        else g.emit(`{const v=ld16(${a});${g.setReg(2, d.reg, '((v>>8)|(v<<8))')}}`);
      } else {
        if (s === 8) g.emit(`st64(${a},bswap(h${d.reg}),bswap(r${d.reg}));`);
        else if (s === 4) g.emit(`st32(${a},bswap(r${d.reg}));`);
        else g.emit(`st16(${a},((r${d.reg}>>8)&255)|((r${d.reg}&255)<<8));`);
      }
      return;
    }
  }
  g.illegal(`opcode ${o.toString(16)}`);
}

function isSse(o: number): boolean {
  const b = o & 0xff;
  if (o >= 0x200) return true;
  if (b >= 0x10 && b <= 0x17) return true;
  if (b >= 0x28 && b <= 0x2f) return true;
  if (b >= 0x50 && b <= 0x7f) return true;
  if (b === 0xc2 || b === 0xc4 || b === 0xc5 || b === 0xc6) return true;
  if (b >= 0xd0) return true;
  if (b === 0xb8 || b === 0xbc || b === 0xbd) return false;
  return false;
}

interface EmittedBlock { text: string; entryLive: boolean; sysNr: number; end: number; pcs: number[] }

/** Emits one block's body. In a region, transfers to the region's other blocks stay inside the function. */
function emitBlock(insns: Insn[], pc: number, region: Set<number> | null, next = -1, label = ''): EmittedBlock {
  const g = new Gen();
  g.next = next;
  g.label = label;
  g.insns = insns;
  g.start = pc;
  g.region = region;
  // Flag liveness, backwards. At the end of the block flags are live.
  const live: boolean[] = new Array(insns.length).fill(true);
  let l = true;
  for (let i = insns.length - 1; i >= 0; i--) {
    live[i] = l;
    let u = flagUse(insns[i]);
    // rol/ror keep SF/ZF/AF/PF (so they read the flags) only for a later reader: with no reader
    // after them they neither need nor produce flags
    if (u === 2 && !l && isRolRor(insns[i])) u = 0;
    if (u === 1) l = false;
    else if (u === 2) l = true;
  }
  g.liveFlags = live;
  const last = insns[insns.length - 1];
  if (last) {
    const o = last.op;
    const tgt = last.pc + last.len + last.imm;
    if (isDirectBranch(o) && tgt === pc) g.loop = true;
  }
  const body: string[] = [];
  const ends: boolean[] = [];
  for (let i = 0; i < insns.length; i++) {
    g.idx = i;
    const d = insns[i];
    g.out = [];
    g.emit(`ip=${d.pc};`);
    const before = g.constEax;
    genInsn(g, d);
    const code = g.out.join('');
    if (g.constEax === before && g.constEax !== null && /\br0=/.test(code)) g.constEax = null;
    // A string op or anything that touches rax through helpers loses the constant.
    if (/@@STORE@@/.test(code) && d.op !== 0x105 && g.constEax === before) g.constEax = null;
    body.push(code);
    ends.push(endsBlock(d) || d.bad);
  }
  const lastEnds = insns.length > 0 && ends[ends.length - 1];
  if (!lastEnds) {
    const endPc = insns.length ? last.pc + last.len : pc;
    g.idx = insns.length - 1;
    body.push(g.exit(`${endPc}`));
  }
  // In a region a self-loop gets its own inner JS loop (label S) around the block.
  const text = region && g.loop ? `S:for(;;){\n${body.join('\n')}\n}` : body.join('\n');
  return { text, entryLive: l, sysNr: g.sysNr, end: last ? last.pc + last.len : pc, pcs: insns.map((d) => d.pc) };
}

/** Translates a decoded block into the source of `function(c){...}`. */
export function genBlock(insns: Insn[], pc: number): BlockInfo {
  return genRegion([insns], pc);
}

/**
 * Translates several decoded blocks, the first starting at pc, into one function: a `switch` on
 * the guest pc inside a loop, registers and flags kept in locals across the region's blocks; a
 * transfer to a block outside the region (or with the instruction budget spent) leaves it.
 */
export function genRegion(blocks: Insn[][], pc: number): BlockInfo {
  const multi = blocks.length > 1;
  const region = multi ? new Set(blocks.map((b) => b[0].pc)) : null;
  const em = blocks.map((b, i) => emitBlock(b, i === 0 ? pc : b[0].pc, region, multi && i + 1 < blocks.length ? blocks[i + 1][0].pc : -1, `B${i}`));
  let text = multi
    ? em.map((e, i) => `case ${e.pcs[0]}:B${i}:{\n${e.text}\n}`).join('\n')
    : em[0].text;
  // Registers used / written.
  const used = new Set<number>(), written = new Set<number>();
  for (const m of text.matchAll(/\b[rh](\d+)\b/g)) used.add(+m[1]);
  for (const m of text.matchAll(/\b[rh](\d+)\s*=(?!=)/g)) written.add(+m[1]);
  const flagNames = ['fo', 'fa', 'fah', 'fb', 'fbh', 'fr', 'frh', 'fc'];
  const usesFlags = /\b(fo|fa|fah|fb|fbh|fr|frh|fc)\b/.test(text);
  const writesFlags = /\b(fo|fa|fah|fb|fbh|fr|frh|fc)\s*=(?!=)/.test(text);
  const regs = [...used].sort((a, b) => a - b);
  let load = '';
  for (const r of regs) load += `r${r}=R[${2 * r}];h${r}=R[${2 * r + 1}];`;
  // Flags dead at entry (overwritten before any read) start as zeros instead of loads.
  const entryLoad = usesFlags && em[0].entryLive;
  if (usesFlags) for (const f of flagNames) load += entryLoad ? `${f}=c.${f};` : `${f}=0;`;
  const reload = load.replace(/(\w+)=0;/g, (_m, f: string) => `${f}=c.${f};`);
  let store = '';
  for (const r of [...written].sort((a, b) => a - b)) store += `R[${2 * r}]=r${r};R[${2 * r + 1}]=h${r};`;
  // Only the flag fields the code assigns are stored (a kind only reads the fields it sets); in a
  // region a block may also pass on the fields it loaded at entry, so all of them are stored.
  if (writesFlags) for (const f of flagNames) if (multi || new RegExp(`(^|[^.\\w])${f}\\s*=(?!=)`).test(text)) store += `c.${f}=${f};`;
  text = text.replaceAll('@@STORE@@', store).replaceAll('@@LOAD@@', reload);
  let decl = multi ? `let ip=0,pc=${pc}` : 'let ip=0';
  for (const r of regs) decl += `,r${r},h${r}`;
  if (usesFlags) decl += ',' + flagNames.join(',');
  decl += ',$n=0,$r=0,$w=1';
  const loop = multi || text.includes('@@CNT ');
  // (regions: `@@ADD k@@` counts a forward transfer, `@@CNT k@@` counts and tests the budget)
  // A loop (a block that jumps to itself, or a region) counts retired instructions in a local ic,
  // stored by `finally`: the property update on every back edge measured ~25% of a tight FP
  // loop. Not when something else reads c.ic (rdtsc) or updates it (the syscall path).
  const local = loop && !/c\.ic\b|c\.tsc\(/.test(text);
  text = text.replace(/@@CNT (\d+)@@/g, (_m, k: string) => local ? `ic+=${k};if(ic<lim)` : `c.ic+=${k};if(c.ic<c.lim)`)
    .replace(/@@ADD (\d+)@@/g, (_m, k: string) => local ? `ic+=${k};` : `c.ic+=${k};`);
  const icDecl = local ? 'const lim=c.lim;let ic=c.ic;' : '';
  const icFin = local ? 'c.ic=ic+$n;' : 'c.ic+=$n;';
  const loopOpen = multi ? 'L:for(;;){switch(pc){' : loop ? 'L:for(;;){' : '';
  const loopClose = multi ? '}$r=pc;break X;}' : loop ? '}' : '';
  const xmm = /\bX[IF]\b/.test(text) ? 'const XI=c.X32,XF=c.XF64;' : '';
  // Parenthesised so V8 compiles the inner function eagerly with the outer one (one parse, not a
  // pre-parse now and a full parse at the first call). A guest exception (fault, #DE, #GP) is
  // turned into a stop reason by c.except, which reads no register: the write-back in `finally`
  // follows it.
  // named blk_<pc> (rgn_<pc> for a region) for profiles and V8's traces
  const src = `return (function ${multi ? 'rgn' : 'blk'}_${pc.toString(16)}(c){const R=c.R;${xmm}${icDecl}${decl};${load}try{X:{${loopOpen}\n${text}\n${loopClose}}}`
    + `catch(e){$r=c.except(e,ip);}finally{if($w===1){${store}${icFin}}${text.includes('$w=2') ? `else if($w===2){${icFin}}` : ''}}return $r;});`;
  const pcs: number[] = [];
  for (const e of em) pcs.push(...e.pcs);
  return { pc, end: Math.max(...em.map((e) => e.end)), pcs, src, sysNr: em[0].sysNr, blockEnds: em.map((e) => [e.pcs[0], e.end]) };
}

export { CC_INV };
