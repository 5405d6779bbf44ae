// A64 decoder and translator for the integer instruction set (data processing, loads and stores,
// branches, system). Each instruction appends JavaScript to the block's Gen; FP and AdvSIMD
// encodings are handed to fp.ts / simd.ts.
import { Gen, type P, type PendingFlags, lsl, lsr, asr, ror, shiftBy, and, or, xor, not, add, sub, c64, asNum, condFromNz } from './gen.js';
import { load, store, loadV, storeV, loadVPair } from './mem.js';
import { emitFp } from './fp.js';
import { emitSimd, emitSimdLdSt } from './simd.js';

/** Thrown while decoding an encoding we do not implement (becomes an illegal-instruction exit). */
export class Undef extends Error {
  constructor(readonly detail = 'unallocated or unimplemented encoding') { super(detail); }
}

export const bits = (w: number, hi: number, lo: number): number => (w >>> lo) & ((1 << (hi - lo + 1)) - 1 | 0);
export const bit = (w: number, b: number): number => (w >>> b) & 1;
export const sext = (v: number, n: number): number => (v << (32 - n)) >> (32 - n);

/** The translation of one block in progress. */
export class Tx {
  g = new Gen();
  pc = 0;
  n = 0;
  ended = false;
  succ: number[] = [];
  svc = false;
  sysNr: number | undefined;
  loop = false;
  /** Set by an unconditional branch the translator follows inside the block (same page). */
  jumpTo: number | undefined;
  /** The first branch back to an instruction of this block other than its start (a loop inside it). */
  innerHead: number | undefined;
  /** True while an instruction is being emitted (its exits count it as executed). */
  inInsn = false;
  /**
   * Open forward skips: a short forward conditional branch becomes `if(!cond){ ...instructions up
   * to the target... }` inside the block (targets innermost last), so if-then code in loops stays
   * in one JS function.
   */
  skips: number[] = [];
  canSkipTo(target: number): boolean {
    if (this.cold) return false;
    if (target <= this.pc || target - this.pc > 256 || Math.floor(target / 4096) !== Math.floor(this.start / 4096)) return false;
    if (this.visited.has(target) || this.svc) return false;
    return this.skips.length === 0 || target <= this.skips[this.skips.length - 1];
  }
  /** First instruction index of each open skip body (to count skipped instructions). */
  skipStart: number[] = [];
  /**
   * Skip bodies not run in this pass: the else path of skip i sets local s<i> to the body's
   * instruction count (a constant store: no operation that needs V8 type feedback on a path that
   * may first run late); the counts subtract their sum.
   */
  skipVars = 0;
  openSkip(target: number, cond: string): void {
    this.g.emit(`if(!(${cond})){`);
    this.g.skipDepth++;
    this.skips.push(target);
    this.skipStart.push(this.n + 1);
  }
  /** Closes the innermost skip (the translator reached its target, or the body ended). */
  closeSkip(bodyEnded: boolean): number {
    const g = this.g;
    if (!bodyEnded) g.materialize();
    const len = this.n - this.skipStart.pop()!;
    g.emit(len > 0 ? `}else{s${this.skipVars++}=${len};}` : '}');
    g.skipDepth--;
    g.pend = null; // both paths now have NZCV in nz (materialised at the branch and at the body end)
    g.constX8 = undefined;
    return this.skips.pop()!;
  }
  /** The pending-NZCV expression at each back-edge ('' when NZCV was already exact there). */
  backEdgeFlags: string[] = [];
  /** Guest pcs already translated into this block. */
  visited = new Set<number>();
  /** The block writes FPCR (the dispatcher re-checks the rounding mode translations assumed). */
  fpcrWrite = false;
  private bes: number = 0;
  /** FPCR.RMode the block is translated for (0 nearest, 1 +inf, 2 -inf, 3 zero). */
  /** An mrs/msr of FPSR was translated (the Cpu then turns FPSR flag tracking on). */
  sawFpsr = false;
  /** fpsr: blocks compute the FPSR cumulative exception flags (scalar FP; see README). */
  /**
   * cold: the first translation of a block ends at its first conditional branch (both ways are
   * exits), so only code that runs gets translated and compiled; the Cpu translates the block
   * again as a superblock (skips, side exits, loops) once it has run often (cpu.ts HOT).
   */
  /** fz: FPCR.FZ (flush-to-zero) is set: the translation must flush denormal inputs and results. */
  constructor(readonly start: number, readonly rmode = 0, readonly fpsr = false, readonly cold = false, readonly fz = false) { this.g.compact = cold; }
  /** In a cold block, a conditional branch ends the block: the fall-through is the second exit. */
  endCold(next: number): boolean {
    if (!this.cold) return false;
    this.branch(next);
    return true;
  }

  /** Pending-flag kinds (kind + width) left at exits: the exit's fk is the 1-based index. */
  flagKinds: string[] = [];
  /**
   * Code that leaves the block for `target` (a JS expression of the next pc). `count` is the
   * instruction count the shared tail adds (default: this path's instructions).
   */
  exitCode(target: string, count?: string): string {
    const g = this.g;
    // Every exit breaks out to one shared tail after the body (cpu.ts `assemble`), which writes
    // back the block's final dirty registers, computes NZCV from pending flags and S[1] from nc.
    // An exit only assigns locals (no operation that has type feedback in V8): an exit that first
    // runs after V8 optimised the block then does not deoptimise it.
    const n = count ?? String(this.n + (this.inInsn ? 1 : 0));
    const pend = g.nzDirty && g.pend && !g.pend.mat ? g.pend : null;
    // a cold block runs a few times only, in V8's interpreter: its exits set nz and S[1] directly
    if (this.cold) return `${pend ? `nz=${g.nzExprOf(pend)};` : ''}S[1]=${n};rt=${target};break X;`;
    return `${pend ? this.flagExit(pend) : ''}nc=${n};rt=${target};break X;`;
  }
  /** Records pending flags in fk and the operand locals (fa0.. fr1) for the shared tail. */
  private flagExit(p: PendingFlags): string {
    const key = p.kind + (p.sf ? '64' : '32');
    let i = this.flagKinds.indexOf(key);
    if (i < 0) { this.flagKinds.push(key); i = this.flagKinds.length - 1; }
    let need = FLAG_NEED.get(key);
    if (!need) {
      const e = this.g.nzExprOf({ ...FLAG_LOCALS, kind: p.kind, sf: p.sf }, true);
      need = FLAG_OPS.map((n) => new RegExp(`\\b${n}\\b`).test(e));
      FLAG_NEED.set(key, need);
    }
    const vals = [p.a[0], p.a[1], p.b[0], p.b[1], p.r[0], p.r[1]];
    let s = `fk=${i + 1};`;
    for (let j = 0; j < 6; j++) if (need[j]) s += `${FLAG_OPS[j]}=${vals[j]};`;
    return s;
  }
  /** The pending flags at each back-edge that has some (after snapPend: temps, not registers). */
  backEdgePend: PendingFlags[] = [];
  /** An exit before the first flag setter when the back-edge left flags pending (pf=1). */
  pfExit(): string { return `if(pf){${this.flagExit(this.backEdgePend[0])}}`; }
  /** The shared tail's NZCV computation for the pending flags the exits recorded. */
  flagTail(): string {
    const ex = this.flagKinds.map((k) => this.g.nzExprOf({ ...FLAG_LOCALS, kind: k.slice(0, -2) as PendingFlags['kind'], sf: k.endsWith('64') }, true));
    if (ex.length === 0) return '';
    if (ex.length === 1) return `if(fk!==0)nz=${ex[0]};`;
    return ex.map((e, i) => `${i ? 'else ' : ''}if(fk===${i + 1})nz=${e};`).join('');
  }
  /** Ends the path at this point with a jump to `target` (static when known). */
  exit(target: string, staticPc?: number): void {
    // before the first flag setter a loop block may still have the previous iteration's flags
    // pending (cpu.ts `pf`): the exit then records them for the tail (@@PFX@@, see pfExit)
    if (!this.g.flagsSet) { this.g.exitBeforeSet = true; this.g.emit('@@PFX@@'); }
    // the pending flags as the fall-through path sees them (a back-edge snapshot below is emitted
    // on this exit's path only, so the fall-through must not use its temps)
    const pend = this.g.pend;
    if (staticPc !== undefined) {
      if (!this.succ.includes(staticPc)) this.succ.push(staticPc);
      if (this.innerHead === undefined && staticPc !== this.start && staticPc <= this.pc && this.visited.has(staticPc)) this.innerHead = staticPc;
      if (staticPc === this.start) {
        this.loop = true;
        this.bes++;
        const g = this.g;
        if (g.pend && !g.pend.mat) g.snapPend();
        const e = g.pend && !g.pend.mat ? g.nzExprOf(g.pend) : '';
        this.backEdgeFlags.push(e);
        if (e) this.backEdgePend.push(g.pend!);
        const mat = e ? `@@BM[nz=${e};]BM@@` : '';
        const k = this.n + (this.inInsn ? 1 : 0);
        // out of budget: ic already counts this path; the skip counts are cleared as for the next
        // iteration, so the tail's count (nc minus skips plus ic) is ic, computed as at other exits
        g.emit(`if((ic+=${k}@@SK@@)<B){${mat}@@SKR@@continue;}@@SKR@@`);
        g.emit(this.exitCode(target, '0'));
        this.g.pend = pend;
        return;
      }
    }
    this.g.emit(this.exitCode(target));
    this.g.pend = pend;
  }
  branch(target: number): void { this.exit(pcLit(target), target); }
}

/** The operand locals an exit copies pending flags into (see Tx.flagExit). */
const FLAG_LOCALS = { a: ['fa0', 'fa1'] as P, b: ['fb0', 'fb1'] as P, r: ['fr0', 'fr1'] as P, mat: false };
const FLAG_OPS = ['fa0', 'fa1', 'fb0', 'fb1', 'fr0', 'fr1'];
/** Per flag kind: which of FLAG_OPS its NZCV expression reads. */
const FLAG_NEED = new Map<string, boolean[]>();

export const pcLit = (pc: number): string => String(pc);
/** A 64-bit guest address as two int32 literals. */
const pcPair = (v: number): P => c64(BigInt(v));

/** Decodes and translates one instruction. Returns true when it ended the block. */
export function emitInsn(t: Tx, w: number): boolean {
  const op0 = bits(w, 28, 25);
  if ((op0 & 0b1110) === 0b1000) return dpImm(t, w);
  if ((op0 & 0b1110) === 0b1010) return branchSys(t, w);
  if ((op0 & 0b0101) === 0b0100) { ldst(t, w); return false; }
  if ((op0 & 0b0111) === 0b0101) { dpReg(t, w); return false; }
  if ((op0 & 0b0111) === 0b0111) {
    const ended = emitSimdOrFp(t, w);
    return ended;
  }
  throw new Undef();
}

function emitSimdOrFp(t: Tx, w: number): boolean {
  // Scalar FP (bit 28 = 1, bit 30 = 0, bit 24 = 0) and conversions go to fp.ts; the rest to simd.ts.
  if (((w & 0x5f000000) >>> 0) === 0x1e000000 || ((w & 0x5f000000) >>> 0) === 0x1f000000) { emitFp(t, w); return false; }
  if (!t.fpsr) { emitSimd(t, w); return false; }
  // FPSR tracked: the saturating lane operations raise QC (simdhelp.ts qcr/qcx)
  t.g.emit('qcr();');
  emitSimd(t, w);
  t.g.emit('S[4]|=qcx();');
  return false;
}

// ---- data processing (immediate) --------------------------------------------------------------

/** DecodeBitMasks for logical immediates: the wmask as a 64-bit bigint, or undefined if reserved. */
export function decodeBitMask(nBit: number, imms: number, immr: number, sf: boolean): bigint | undefined {
  const len = 31 - Math.clz32((nBit << 6) | (~imms & 0x3f));
  if (len < 1) return undefined;
  if (!sf && nBit) return undefined;
  const esize = 1 << len;
  const levels = esize - 1;
  const s = imms & levels, r = immr & levels;
  if (s === levels) return undefined;
  const welem = (1n << BigInt(s + 1)) - 1n;
  const emask = (1n << BigInt(esize)) - 1n;
  const rot = ((welem >> BigInt(r)) | (welem << BigInt(esize - r))) & emask;
  let out = 0n;
  const total = sf ? 64 : 32;
  for (let i = 0; i < total; i += esize) out |= rot << BigInt(i);
  return out;
}

function dpImm(t: Tx, w: number): boolean {
  const g = t.g;
  const sf = bit(w, 31) === 1;
  const rd = w & 31, rn = (w >>> 5) & 31;
  switch (bits(w, 25, 23)) {
    case 0: case 1: { // ADR / ADRP
      const imm = sext((bits(w, 23, 5) << 2) | bits(w, 30, 29), 21);
      const v = bit(w, 31) ? Math.floor(t.pc / 4096) * 4096 + imm * 4096 : t.pc + imm;
      g.w(rd, pcPair(v));
      return false;
    }
    case 2: { // add/sub immediate
      if (bit(w, 22) && bit(w, 23)) throw new Undef();
      const op = bit(w, 30), S = bit(w, 29);
      const imm = bits(w, 21, 10) * (bit(w, 22) ? 4096 : 1);
      const a = g.r(rn, true);
      const b = c64(BigInt(imm));
      const r = op ? sub(g, a, b, sf) : add(g, a, b, sf);
      if (S) {
        const ra = sf ? a : [a[0], '0'] as P;
        g.setFlags({ kind: op ? 'sub' : 'add', sf, a: ra, b, r });
        g.wsf(rd, r, sf);
      } else g.wsf(rd, r, sf, true);
      return false;
    }
    case 4: { // logical immediate
      const opc = bits(w, 30, 29);
      const m = decodeBitMask(bit(w, 22), bits(w, 15, 10), bits(w, 21, 16), sf);
      if (m === undefined) throw new Undef();
      const a = g.r(rn);
      const b = c64(m);
      const r = opc === 1 ? or(g, a, b, sf) : opc === 2 ? xor(g, a, b, sf) : and(g, a, b, sf);
      if (opc === 3) { g.setFlags({ kind: 'logic', sf, a, b, r }); g.wsf(rd, r, sf); }
      else g.wsf(rd, r, sf, true);
      return false;
    }
    case 5: { // move wide
      const opc = bits(w, 30, 29), hw = bits(w, 22, 21);
      if (opc === 1 || (!sf && hw > 1)) throw new Undef();
      const imm = BigInt(bits(w, 20, 5)) << BigInt(hw * 16);
      if (opc === 0) g.wsf(rd, c64(~imm), sf);
      else if (opc === 2) {
        g.wsf(rd, c64(imm), sf);
        if (rd === 8) g.constX8 = Number(imm);
      } else {
        const cur = g.r(rd);
        const mask = c64(~(0xffffn << BigInt(hw * 16)));
        const k = c64(imm);
        const r = or(g, and(g, cur, mask, sf), k, sf);
        g.wsf(rd, r, sf);
      }
      return false;
    }
    case 6: { // bitfield
      const opc = bits(w, 30, 29), N = bit(w, 22);
      if (opc === 3 || N !== (sf ? 1 : 0)) throw new Undef();
      const immr = bits(w, 21, 16), imms = bits(w, 15, 10);
      if (!sf && (immr > 31 || imms > 31)) throw new Undef();
      bitfield(g, opc, sf, rd, rn, immr, imms);
      return false;
    }
    case 7: { // extract
      if (bits(w, 30, 29) !== 0 || bit(w, 22) !== (sf ? 1 : 0) || bit(w, 21)) throw new Undef();
      const lsb = bits(w, 15, 10), rm = bits(w, 20, 16);
      if (!sf && lsb > 31) throw new Undef();
      const n = g.r(rn), m = g.r(rm);
      if (lsb === 0) { g.wsf(rd, m, sf); return false; }
      const size = sf ? 64 : 32;
      const r = or(g, lsr(g, m, lsb, sf), lsl(g, n, size - lsb, sf), sf);
      g.wsf(rd, r, sf);
      return false;
    }
  }
  throw new Undef();
}

function maskP(width: number): P { return c64((1n << BigInt(width)) - 1n); }

function bitfield(g: Gen, opc: number, sf: boolean, rd: number, rn: number, r: number, s: number): void {
  const size = sf ? 64 : 32;
  const src = g.r(rn);
  if (opc === 2) { // UBFM
    if (s >= r) g.wsf(rd, and(g, lsr(g, src, r, sf), maskP(s - r + 1), sf), sf);
    else g.wsf(rd, lsl(g, and(g, src, maskP(s + 1), sf), size - r, sf), sf);
    return;
  }
  if (opc === 0) { // SBFM
    if (s >= r) {
      const wdt = s - r + 1;
      const up = lsl(g, src, size - r - wdt, sf);
      g.wsf(rd, asr(g, up, size - wdt, sf), sf);
    } else {
      const up = lsl(g, src, size - s - 1, sf);
      const se = asr(g, up, size - s - 1, sf);
      g.wsf(rd, lsl(g, se, size - r, sf), sf);
    }
    return;
  }
  // BFM
  const dst = g.r(rd);
  let field: P, fmask: bigint;
  if (s >= r) {
    const wdt = s - r + 1;
    field = and(g, lsr(g, src, r, sf), maskP(wdt), sf);
    fmask = (1n << BigInt(wdt)) - 1n;
  } else {
    const sh = size - r;
    field = lsl(g, and(g, src, maskP(s + 1), sf), sh, sf);
    fmask = ((1n << BigInt(s + 1)) - 1n) << BigInt(sh);
  }
  const keep = and(g, dst, c64(~fmask & ((1n << BigInt(size)) - 1n)), sf);
  g.wsf(rd, or(g, keep, field, sf), sf);
}

// ---- branches, exceptions, system --------------------------------------------------------------

function branchSys(t: Tx, w: number): boolean {
  const g = t.g;
  const pc = t.pc;
  if (((w & 0x7c000000) >>> 0) === 0x14000000) { // B, BL
    const target = pc + sext(w & 0x3ffffff, 26) * 4;
    if (w & 0x80000000) g.w(30, pcPair(pc + 4));
    if (t.skips.length === 0 && Math.floor(target / 4096) === Math.floor(t.start / 4096) && !t.visited.has(target) && target !== t.start) {
      t.jumpTo = target; // keep translating at the target: same page, not yet in this block
      return false;
    }
    t.branch(target);
    return true;
  }
  if (((w & 0xff000010) >>> 0) === 0x54000000) { // B.cond
    const target = pc + sext(bits(w, 23, 5), 19) * 4;
    const c = w & 15;
    if (t.canSkipTo(target)) { g.readNz(); t.openSkip(target, g.cond(c)); return false; }
    if (t.cold) g.materialize(); // both exits of a cold block need NZCV: compute it once
    g.emit(`if(${g.cond(c)}){`);
    t.branch(target);
    g.emit('}');
    return t.endCold(pc + 4);
  }
  if (((w & 0x7e000000) >>> 0) === 0x34000000) { // CBZ/CBNZ
    const sf = bit(w, 31) === 1;
    const rt = g.r(w & 31);
    const target = pc + sext(bits(w, 23, 5), 19) * 4;
    let z = sf ? `(${rt[0]}|${rt[1]})===0` : `${rt[0]}===0`;
    if (bit(w, 24)) z = `!(${z})`;
    if (t.canSkipTo(target)) { g.readNz(); t.openSkip(target, z); return false; }
    if (t.cold) g.materialize();
    g.emit(`if(${z}){`);
    t.branch(target);
    g.emit('}');
    return t.endCold(pc + 4);
  }
  if (((w & 0x7e000000) >>> 0) === 0x36000000) { // TBZ/TBNZ
    const b = (bit(w, 31) << 5) | bits(w, 23, 19);
    const rt = g.r(w & 31);
    const target = pc + sext(bits(w, 18, 5), 14) * 4;
    const word = b >= 32 ? rt[1] : rt[0];
    const test = `(${word}&${(1 << (b & 31)) | 0})${bit(w, 24) ? '!==' : '==='}0`;
    if (t.canSkipTo(target)) { g.readNz(); t.openSkip(target, test); return false; }
    if (t.cold) g.materialize();
    g.emit(`if(${test}){`);
    t.branch(target);
    g.emit('}');
    return t.endCold(pc + 4);
  }
  if (((w & 0xfe000000) >>> 0) === 0xd6000000) { // unconditional branch (register)
    const opc = bits(w, 24, 21), op2 = bits(w, 20, 16), op3 = bits(w, 15, 10), op4 = w & 31;
    if (op2 !== 31 || op3 !== 0 || op4 !== 0 || opc > 2) throw new Undef();
    const rn = (w >>> 5) & 31;
    const v = g.r(rn);
    const tgt = g.let(asNum(v));
    if (opc === 1) g.w(30, pcPair(pc + 4));
    t.exit(tgt);
    return true;
  }
  if (((w & 0xff000000) >>> 0) === 0xd4000000) { // exception generation
    const opc = bits(w, 23, 21), ll = w & 3;
    if (opc === 0 && ll === 1 && bits(w, 4, 2) === 0) { // SVC
      t.svc = true;
      t.sysNr = g.constX8;
      g.emit('S[7]=1;'); // this exit (not an earlier side exit of the superblock) is the svc
      t.exit(pcLit(pc + 4));
      return true;
    }
    if (opc === 1 && ll === 0 && bits(w, 4, 2) === 0) { // BRK
      g.materialize();
      g.emit(`${t.cold ? 'S[1]' : 'nc'}=${t.n};trap(1,${pc});`);
      return true;
    }
    throw new Undef();
  }
  if (((w & 0xffc00000) >>> 0) === 0xd5000000) return system(t, w);
  throw new Undef();
}

const sysreg = (op0: number, op1: number, crn: number, crm: number, op2: number) => (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
const SR_NZCV = sysreg(3, 3, 4, 2, 0), SR_FPCR = sysreg(3, 3, 4, 4, 0), SR_FPSR = sysreg(3, 3, 4, 4, 1);
const SR_TPIDR = sysreg(3, 3, 13, 0, 2), SR_TPIDRRO = sysreg(3, 3, 13, 0, 3);
const SR_CNTVCT = sysreg(3, 3, 14, 0, 2), SR_CNTFRQ = sysreg(3, 3, 14, 0, 0);
const SR_DCZID = sysreg(3, 3, 0, 0, 7), SR_CTR = sysreg(3, 3, 0, 0, 1);

function system(t: Tx, w: number): boolean {
  const g = t.g;
  const L = bit(w, 21), op0 = bits(w, 20, 19), op1 = bits(w, 18, 16), crn = bits(w, 15, 12), crm = bits(w, 11, 8), op2 = bits(w, 7, 5), rt = w & 31;
  if (op0 === 0 && L === 0) {
    if (crn === 2 && op1 === 3 && rt === 31) return false; // hints: NOP, YIELD, WFE, BTI, PAC hints ...
    if (crn === 3 && op1 === 3 && rt === 31) { // barriers
      if (op2 === 2) { g.emit('S[2]=0;'); return false; } // CLREX
      if (op2 === 4 || op2 === 5 || op2 === 6) return false; // DSB DMB ISB
      throw new Undef();
    }
    throw new Undef(); // MSR (immediate): PSTATE fields are not writable here
  }
  if (op0 === 1 && L === 0) { // SYS: cache maintenance
    if (op1 === 3 && crn === 7 && crm === 4 && op2 === 1) { // DC ZVA
      g.materialize();
      const a = g.let(asNum(g.r(rt)));
      g.emit(`zva(${a},${t.pc});`);
      return false;
    }
    if (op1 === 3 && crn === 7 && ((crm === 11 || crm === 14 || crm === 10 || crm === 12 || crm === 13) && op2 === 1)) return false; // DC CVAU/CIVAC/CVAC/CVAP/CVADP
    if (op1 === 3 && crn === 7 && crm === 5 && op2 === 1) return false; // IC IVAU
    throw new Undef();
  }
  if (op0 >= 2) {
    const reg = sysreg(op0, op1, crn, crm, op2);
    if (L) { // MRS
      switch (reg) {
        case SR_NZCV: { const nz = g.readNz(); g.w(rt, [g.let(`${nz}<<28`), '0']); return false; }
        case SR_FPCR: g.w(rt, [g.let('S[3]'), '0']); return false;
        case SR_FPSR: t.sawFpsr = true; g.w(rt, [g.let('S[4]'), '0']); return false;
        case SR_TPIDR: g.w(rt, [g.let('S[5]'), g.let('S[6]')]); return false;
        case SR_TPIDRRO: g.w(rt, ['0', '0']); return false;
        case SR_CNTFRQ: g.w(rt, [String(CNTFRQ), '0']); return false;
        case SR_CNTVCT: { const lo = g.let('cntvct()'); g.w(rt, [lo, g.let('T[1]')]); return false; }
        case SR_DCZID: g.w(rt, ['4', '0']); return false;
        case SR_CTR: g.w(rt, [String(0x8444c004 | 0), '0']); return false;
      }
      throw new Undef('mrs of an unimplemented system register');
    }
    const v = g.r(rt);
    switch (reg) {
      case SR_NZCV: g.setNzExpr(`(${v[0]}>>>28)&15`); return false;
      case SR_FPCR: g.emit(`S[3]=${v[0]}&0x07ff9f00;`); t.fpcrWrite = true; t.exit(pcLit(t.pc + 4)); return true;
      case SR_FPSR: t.sawFpsr = true; g.emit(`S[4]=${v[0]}&0xf800009f;`); return false;
      case SR_TPIDR: g.emit(`S[5]=${v[0]};S[6]=${v[1]};`); return false;
    }
    throw new Undef('msr of an unimplemented system register');
  }
  throw new Undef();
}
/** CNTFRQ_EL0: the virtual counter's frequency (Hz). */
export const CNTFRQ = 62500000;

// ---- data processing (register) ----------------------------------------------------------------

function dpReg(t: Tx, w: number): void {
  const g = t.g;
  const sf = bit(w, 31) === 1;
  const rd = w & 31, rn = (w >>> 5) & 31, rm = (w >>> 16) & 31;
  if (!bit(w, 28)) {
    if (!bit(w, 24)) { // logical (shifted register)
      const opc = bits(w, 30, 29), sh = bits(w, 23, 22), N = bit(w, 21), amt = bits(w, 15, 10);
      if (!sf && amt > 31) throw new Undef();
      const a = g.r(rn);
      let b = shiftBy(g, g.r(rm), sh, amt, sf);
      if (N) b = not(g, b, sf);
      const r = opc === 1 ? or(g, a, b, sf) : opc === 2 ? xor(g, a, b, sf) : and(g, a, b, sf);
      if (opc === 3) g.setFlags({ kind: 'logic', sf, a, b, r });
      g.wsf(rd, r, sf);
      return;
    }
    const op = bit(w, 30), S = bit(w, 29);
    if (!bit(w, 21)) { // add/sub (shifted register)
      const sh = bits(w, 23, 22), amt = bits(w, 15, 10);
      if (sh === 3 || (!sf && amt > 31)) throw new Undef();
      const a = g.r(rn);
      const b = shiftBy(g, g.r(rm), sh, amt, sf);
      const r = op ? sub(g, a, b, sf) : add(g, a, b, sf);
      if (S) g.setFlags({ kind: op ? 'sub' : 'add', sf, a, b, r });
      g.wsf(rd, r, sf);
      return;
    }
    // add/sub (extended register)
    const opt = bits(w, 23, 22), option = bits(w, 15, 13), imm3 = bits(w, 12, 10);
    if (opt !== 0 || imm3 > 4) throw new Undef();
    const a = g.r(rn, true);
    const b = lsl(g, extend(g, g.r(rm), option), imm3, true);
    const ra: P = sf ? a : [a[0], '0'];
    const r = op ? sub(g, ra, b, sf) : add(g, ra, b, sf);
    if (S) { g.setFlags({ kind: op ? 'sub' : 'add', sf, a: ra, b, r }); g.wsf(rd, r, sf); }
    else g.wsf(rd, r, sf, true);
    return;
  }
  switch (bits(w, 24, 21)) {
    case 0: { // ADC/SBC
      if (bits(w, 15, 10) !== 0) throw new Undef();
      const op = bit(w, 30), S = bit(w, 29);
      const a = g.r(rn);
      let b = g.r(rm);
      if (op) b = not(g, b, sf);
      const nz = g.readNz();
      const c = g.let(`(${nz}>>1)&1`);
      if (!sf) {
        const s = g.let(`(${a[0]}>>>0)+(${b[0]}>>>0)+${c}`);
        const r = g.let(`${s}|0`);
        if (S) g.setNzExpr(`(${r}>>>28&8)|(${r}===0?4:0)|(${s}>4294967295?2:0)|((~(${a[0]}^${b[0]})&(${a[0]}^${r}))>>>31)`);
        g.w32(rd, r);
      } else {
        const s = g.let(`(${a[0]}>>>0)+(${b[0]}>>>0)+${c}`);
        const u = g.let(`(${a[1]}>>>0)+(${b[1]}>>>0)+(${s}>4294967295?1:0)`);
        const rl = g.let(`${s}|0`), rh = g.let(`${u}|0`);
        if (S) g.setNzExpr(`(${rh}>>>28&8)|((${rl}|${rh})===0?4:0)|(${u}>4294967295?2:0)|((~(${a[1]}^${b[1]})&(${a[1]}^${rh}))>>>31)`);
        g.w(rd, [rl, rh]);
      }
      return;
    }
    case 2: { // CCMN/CCMP
      if (!bit(w, 29) || bit(w, 10) || bit(w, 4)) throw new Undef();
      const op = bit(w, 30), c = bits(w, 15, 12), nzcv = w & 15;
      const a = g.r(rn);
      const b = bit(w, 11) ? c64(BigInt(rm)) : g.r(rm);
      const cnd = g.let(g.cond(c));
      const r = op ? sub(g, a, b, sf) : add(g, a, b, sf);
      const e = g.nzExprOf({ kind: op ? 'sub' : 'add', sf, a, b, r, mat: false });
      g.setNzExpr(`${cnd}?(${e}):${nzcv}`);
      return;
    }
    case 4: { // conditional select
      if (bit(w, 29) || bit(w, 11)) throw new Undef();
      const op = bit(w, 30), o2 = bit(w, 10), c = bits(w, 15, 12);
      const a = g.r(rn);
      let b = g.r(rm);
      if (op) b = not(g, b, sf);
      if (o2) b = add(g, b, ['1', '0'], sf);
      const cnd = g.let(g.cond(c));
      g.wsf(rd, [g.let(`${cnd}?${a[0]}:${b[0]}`), sf ? g.let(`${cnd}?${a[1]}:${b[1]}`) : '0'], sf);
      return;
    }
    case 6: {
      if (bit(w, 29)) throw new Undef();
      if (bit(w, 30)) return dp1(g, w, sf, rd, rn);
      return dp2(g, w, sf, rd, rn, rm);
    }
  }
  if (bit(w, 24)) return dp3(g, w, sf, rd, rn, rm);
  throw new Undef();
}

/** Extends register value a by option (UXTB..SXTX) to 64 bits. */
export function extend(g: Gen, a: P, option: number): P {
  switch (option) {
    case 0: return [g.let(`${a[0]}&255`), '0'];
    case 1: return [g.let(`${a[0]}&65535`), '0'];
    case 2: return [a[0], '0'];
    case 3: return a;
    case 4: { const l = g.let(`(${a[0]}<<24)>>24`); return [l, g.let(`${l}>>31`)]; }
    case 5: { const l = g.let(`(${a[0]}<<16)>>16`); return [l, g.let(`${l}>>31`)]; }
    case 6: return [a[0], g.let(`${a[0]}>>31`)];
    default: return a;
  }
}

function dp1(g: Gen, w: number, sf: boolean, rd: number, rn: number): void {
  const opcode = bits(w, 15, 10);
  if (bits(w, 20, 16) !== 0) throw new Undef();
  const a = g.r(rn);
  switch (opcode) {
    case 0: // RBIT
      if (!sf) { g.w32(rd, `rbit32(${a[0]})`); return; }
      g.w(rd, [g.let(`rbit32(${a[1]})`), g.let(`rbit32(${a[0]})`)]);
      return;
    case 1: // REV16
      if (!sf) { g.w32(rd, `rev16(${a[0]})`); return; }
      g.w(rd, [g.let(`rev16(${a[0]})`), g.let(`rev16(${a[1]})`)]);
      return;
    case 2: // REV (32) / REV32 (64)
      if (!sf) { g.w32(rd, `rev32(${a[0]})`); return; }
      g.w(rd, [g.let(`rev32(${a[0]})`), g.let(`rev32(${a[1]})`)]);
      return;
    case 3: // REV (64)
      if (!sf) throw new Undef();
      g.w(rd, [g.let(`rev32(${a[1]})`), g.let(`rev32(${a[0]})`)]);
      return;
    case 4: // CLZ
      if (!sf) { g.w32(rd, `Math.clz32(${a[0]})`); return; }
      g.w(rd, [g.let(`${a[1]}===0?32+Math.clz32(${a[0]}):Math.clz32(${a[1]})`), '0']);
      return;
    case 5: // CLS
      if (!sf) { g.w32(rd, `Math.clz32(${a[0]}^(${a[0]}>>31))-1`); return; }
      g.w(rd, [g.let(`cls64(${a[0]},${a[1]})`), '0']);
      return;
  }
  throw new Undef();
}

function dp2(g: Gen, w: number, sf: boolean, rd: number, rn: number, rm: number): void {
  const opcode = bits(w, 15, 10);
  const a = g.r(rn), b = g.r(rm);
  switch (opcode) {
    case 2: case 3: { // UDIV / SDIV
      const s = opcode === 3;
      if (!sf) { g.w32(rd, s ? `sdiv32(${a[0]},${b[0]})` : `udiv32(${a[0]},${b[0]})`); return; }
      const lo = g.let(`${s ? 'sdiv64' : 'udiv64'}(${a[0]},${a[1]},${b[0]},${b[1]})`);
      g.w(rd, [lo, g.let('T[1]')]);
      return;
    }
    case 16: case 17: case 18: case 19: case 20: case 21: case 22: case 23: { // CRC32{B,H,W,X}, CRC32C{B,H,W,X}
      const sz = opcode & 3, c = (opcode >> 2) & 1;
      if ((sz === 3) !== sf) throw new Undef();
      g.w32(rd, `crc32(${c},${a[0]},${b[0]},${sz === 3 ? b[1] : '0'},${1 << sz})`);
      return;
    }
    case 8: case 9: case 10: case 11: { // LSLV LSRV ASRV RORV
      const k = opcode - 8;
      if (!sf) {
        const n = g.let(`${b[0]}&31`);
        const e = k === 0 ? `${a[0]}<<${n}` : k === 1 ? `(${a[0]}>>>${n})|0` : k === 2 ? `${a[0]}>>${n}` : `(${a[0]}>>>${n})|(${a[0]}<<(32-${n}))`;
        g.w32(rd, k === 3 ? `${n}===0?${a[0]}:${e}` : e);
        return;
      }
      const lo = g.let(`shift64(${k},${a[0]},${a[1]},${b[0]}&63)`);
      g.w(rd, [lo, g.let('T[1]')]);
      return;
    }
  }
  throw new Undef();
}

function dp3(g: Gen, w: number, sf: boolean, rd: number, rn: number, rm: number): void {
  const op54 = bits(w, 30, 29), op31 = bits(w, 23, 21), o0 = bit(w, 15), ra = bits(w, 14, 10);
  if (op54 !== 0) throw new Undef();
  const a = g.r(rn), b = g.r(rm);
  if (op31 === 0) { // MADD / MSUB
    const acc = g.r(ra);
    if (!sf) {
      g.w32(rd, o0 ? `${acc[0]}-Math.imul(${a[0]},${b[0]})` : `${acc[0]}+Math.imul(${a[0]},${b[0]})`);
      return;
    }
    const pl = g.let(`mul64(${a[0]},${a[1]},${b[0]},${b[1]})`);
    const p: P = [pl, g.let('T[1]')];
    g.w(rd, o0 ? sub(g, acc, p, true) : add(g, acc, p, true));
    return;
  }
  if (!sf) throw new Undef();
  if (op31 === 1 || op31 === 5) { // SMADDL/SMSUBL, UMADDL/UMSUBL
    const acc = g.r(ra);
    const pl = g.let(`${op31 === 1 ? 'smull' : 'umull'}(${a[0]},${b[0]})`);
    const p: P = [pl, g.let('T[1]')];
    g.w(rd, o0 ? sub(g, acc, p, true) : add(g, acc, p, true));
    return;
  }
  if ((op31 === 2 || op31 === 6) && o0 === 0) { // SMULH / UMULH
    const lo = g.let(`${op31 === 2 ? 'smulh' : 'umulh'}(${a[0]},${a[1]},${b[0]},${b[1]})`);
    g.w(rd, [lo, g.let('T[1]')]);
    return;
  }
  throw new Undef();
}

// ---- loads and stores ----------------------------------------------------------------------------

/** Emits base + constant offset as an address temp. */
function addrImm(g: Gen, rn: number, off: number): string {
  const b = g.r(rn, true);
  return g.let(off === 0 ? asNum(b) : `${asNum(b)}+${off}`);
}
/** base + off as an exact 64-bit pair (for writeback). */
function baseAdd(g: Gen, rn: number, off: number): P {
  const b = g.r(rn, true);
  return add(g, b, c64(BigInt(off)), true);
}

function ldst(t: Tx, w: number): void {
  const g = t.g;
  const pc = t.pc;
  // AdvSIMD structure loads/stores
  if (((w & 0xbf800000) >>> 0) === 0x0c000000 || ((w & 0xbf800000) >>> 0) === 0x0c800000 || ((w & 0xbf800000) >>> 0) === 0x0d000000 || ((w & 0xbf800000) >>> 0) === 0x0d800000) {
    emitSimdLdSt(t, w);
    return;
  }
  const V = bit(w, 26);
  const rt = w & 31, rn = (w >>> 5) & 31;
  if (((w & 0x3f000000) >>> 0) === 0x08000000) return exclusive(t, w);
  if (((w & 0x3b000000) >>> 0) === 0x18000000) { // load literal
    const opc = bits(w, 31, 30);
    const addr = pc + sext(bits(w, 23, 5), 19) * 4;
    const a = g.let(String(addr));
    if (V) {
      if (opc === 3) throw new Undef();
      loadV(g, a, 4 << opc, rt, pc);
      return;
    }
    if (opc === 3) return; // PRFM
    if (opc === 0) { const v = load(g, a, 4, pc); g.w(rt, [v[0], '0']); return; }
    if (opc === 1) { g.w(rt, load(g, a, 8, pc)); return; }
    const v = load(g, a, 4, pc);
    g.w(rt, [v[0], g.let(`${v[0]}>>31`)]);
    return;
  }
  if (((w & 0x38000000) >>> 0) === 0x28000000) return pair(t, w);
  if ((w & 0x38000000) !== 0x38000000) throw new Undef();
  // load/store register
  const size = bits(w, 31, 30), opc = bits(w, 23, 22);
  let a: string;
  let wb: P | undefined;
  if (bit(w, 24)) {
    const scale = V ? (opc >= 2 && size === 0 ? 4 : size) : size;
    a = addrImm(g, rn, bits(w, 21, 10) << scale);
  } else if (bit(w, 21) === 0) {
    const imm9 = sext(bits(w, 20, 12), 9);
    const mode = bits(w, 11, 10);
    if (mode === 1) { a = addrImm(g, rn, 0); wb = baseAdd(g, rn, imm9); }
    else if (mode === 3) { a = addrImm(g, rn, imm9); wb = baseAdd(g, rn, imm9); }
    else a = addrImm(g, rn, imm9);
  } else if (bits(w, 11, 10) === 2) {
    const option = bits(w, 15, 13), S = bit(w, 12);
    if (!(option & 2)) throw new Undef();
    const scale = V ? (opc >= 2 && size === 0 ? 4 : size) : size;
    const rm = (w >>> 16) & 31;
    const idx = extend(g, g.r(rm), option);
    const sh = S ? scale : 0;
    a = g.let(`${asNum(g.r(rn, true))}+${asNum(idx)}${sh ? `*${1 << sh}` : ''}`);
  } else if (bits(w, 11, 10) === 0 && !V) { atomic(t, w); return; }
  else throw new Undef('pointer-authenticated loads are not implemented');
  if (V) {
    const bytes = opc >= 2 ? (size === 0 ? 16 : -1) : 1 << size;
    if (bytes < 0) throw new Undef();
    if (opc & 1 || opc === 3) loadV(g, a, bytes, rt, pc);
    else storeV(g, a, bytes, rt, pc);
  } else {
    const bytes = 1 << size;
    if (opc === 0) store(g, a, bytes, g.r(rt), pc);
    else if (opc === 1) { const v = load(g, a, bytes, pc); g.w(rt, v); }
    else if (size === 3) { if (opc === 2) { /* PRFM */ } else throw new Undef(); }
    else if (size === 2 && opc === 3) throw new Undef();
    else {
      const v = load(g, a, bytes, pc);
      const sh = 32 - bytes * 8;
      const lo = sh ? g.let(`(${v[0]}<<${sh})>>${sh}`) : v[0];
      if (opc === 2) g.w(rt, [lo, g.let(`${lo}>>31`)]);
      else g.w32(rt, lo);
    }
  }
  if (wb) g.w(rn, wb, true);
}

function pair(t: Tx, w: number): void {
  const g = t.g, pc = t.pc;
  const opc = bits(w, 31, 30), V = bit(w, 26), L = bit(w, 22), mode = bits(w, 24, 23);
  const rt = w & 31, rn = (w >>> 5) & 31, rt2 = bits(w, 14, 10);
  if (opc === 3 || (!V && opc === 1 && !L) || (!V && opc === 1 && mode === 0)) throw new Undef();
  const size = V ? 4 << opc : opc === 2 ? 8 : 4;
  const off = sext(bits(w, 21, 15), 7) * size;
  let a: string, wb: P | undefined;
  if (mode === 1) { a = addrImm(g, rn, 0); wb = baseAdd(g, rn, off); }
  else if (mode === 3) { a = addrImm(g, rn, off); wb = baseAdd(g, rn, off); }
  else a = addrImm(g, rn, off);
  const a2 = g.let(`${a}+${size}`);
  if (V) {
    if (L) {
      if (rt === rt2) throw new Undef();
      loadVPair(g, a, size, rt, rt2, pc);
    } else { storeV(g, a, size, rt, pc); storeV(g, a2, size, rt2, pc); }
  } else if (L) {
    if (rt === rt2) throw new Undef();
    const v1 = load(g, a, size, pc), v2 = load(g, a2, size, pc);
    if (opc === 1) {
      g.w(rt, [v1[0], g.let(`${v1[0]}>>31`)]);
      g.w(rt2, [v2[0], g.let(`${v2[0]}>>31`)]);
    } else { g.w(rt, v1); g.w(rt2, v2); }
  } else {
    const v1 = g.r(rt), v2 = g.r(rt2);
    store(g, a, size, v1, pc);
    store(g, a2, size, v2, pc);
  }
  if (wb) g.w(rn, wb, true);
}

/**
 * Exclusives, load-acquire/store-release and atomics need natural alignment (of the whole pair for
 * LDXP/STXP/CASP): FEAT_LSE2 is not implemented, so a misaligned one is an alignment fault (the
 * kernel's SIGBUS, BUS_ADRALN) before any access, as on hardware. STXR checks even when the
 * monitor would make it fail (ARM's ExclusiveMonitorsPass checks alignment first; qemu-user does not).
 */
function alignCheck(g: Gen, a: string, n: number, write: boolean, pc: number): void {
  if (n <= 1) return;
  g.materialize();
  g.emit(`if((${a}&${n - 1})!==0)algn(${a},${write ? 1 : 0},${pc});`);
}

/** LSE atomic memory operations (LDADD LDCLR LDEOR LDSET LDSMAX LDSMIN LDUMAX LDUMIN, SWP; the ST*
 *  aliases are Rt = XZR): one thread runs at a time, so load-modify-store is atomic. */
function atomic(t: Tx, w: number): void {
  const g = t.g, pc = t.pc;
  const size = bits(w, 31, 30), rs = bits(w, 20, 16), o3 = bit(w, 15), opc = bits(w, 14, 12);
  const rt = w & 31, rn = (w >>> 5) & 31;
  if (o3 && opc !== 0) throw new Undef(); // LDAPR (FEAT_LRCPC) and the rest are not implemented
  const bytes = 1 << size, x = size === 3;
  const a = addrImm(g, rn, 0);
  alignCheck(g, a, bytes, true, pc);
  const old = load(g, a, bytes, pc);
  const s = g.r(rs);
  let nv: P;
  if (o3) nv = s;
  else if (opc === 0) nv = add(g, old, s, x);
  else if (opc === 1) nv = and(g, old, not(g, s, x), x);
  else if (opc === 2) nv = xor(g, old, s, x);
  else if (opc === 3) nv = or(g, old, s, x);
  else {
    const signed = opc < 6, max = (opc & 1) === 0;
    let ge: string; // old >= s, at the access size
    if (x) ge = signed ? g.ges(old, s) : g.geu(old, s);
    else {
      const sh = 32 - 8 * bytes;
      const ext = (v: string) => (signed ? (sh ? `((${v}<<${sh})>>${sh})` : `(${v}|0)`) : sh ? `(${v}&${bytes === 1 ? 255 : 65535})` : `(${v}>>>0)`);
      ge = `${ext(old[0])}>=${ext(s[0])}`;
    }
    const c = g.let(ge);
    const pick = (i: 0 | 1) => g.let(max ? `${c}?${old[i]}:${s[i]}` : `${c}?${s[i]}:${old[i]}`);
    nv = [pick(0), x ? pick(1) : '0'];
  }
  store(g, a, bytes, nv, pc);
  if (x) g.w(rt, old); else g.w32(rt, old[0]);
}

function exclusive(t: Tx, w: number): void {
  const g = t.g, pc = t.pc;
  const size = bits(w, 31, 30), o2 = bit(w, 23), L = bit(w, 22), o1 = bit(w, 21), rs = bits(w, 20, 16), o0 = bit(w, 15), rt2 = bits(w, 14, 10);
  const rt = w & 31, rn = (w >>> 5) & 31;
  const bytes = 1 << size;
  void o0;
  if (o2 === 1) {
    if (o1) { // CAS, CASA, CASL, CASAL (B/H/W/X)
      if (rt2 !== 31) throw new Undef();
      const a = addrImm(g, rn, 0);
      alignCheck(g, a, bytes, true, pc);
      const old = load(g, a, bytes, pc);
      const s = g.r(rs);
      const eq = g.let(size === 3 ? `${old[0]}===${s[0]}&&${old[1]}===${s[1]}` : size === 2 ? `${old[0]}===${s[0]}` : `${old[0]}===(${s[0]}&${bytes === 1 ? 255 : 65535})`);
      g.emit(`if(${eq}){`);
      store(g, a, bytes, g.r(rt), pc);
      g.emit('}');
      if (size === 3) g.w(rs, old); else g.w32(rs, old[0]);
      return;
    }
    const a = addrImm(g, rn, 0);
    alignCheck(g, a, bytes, !L, pc);
    if (L) { const v = load(g, a, bytes, pc); g.w(rt, v); } else store(g, a, bytes, g.r(rt), pc);
    return;
  }
  const a = addrImm(g, rn, 0);
  // CASP (o1, size < 2) and LDXP/STXP (o1) access a pair: aligned to the pair's size
  alignCheck(g, a, o1 ? (size < 2 ? (size ? 16 : 8) : 2 * bytes) : bytes, !L || (o1 === 1 && size < 2), pc);
  if (!o1) {
    if (L) { // LDXR / LDAXR
      const v = load(g, a, bytes, pc);
      g.emit(`S[2]=1;MF[0]=${a};`);
      g.w(rt, v);
    } else { // STXR / STLXR
      g.materialize();
      const ok = g.let(`S[2]===1&&MF[0]===${a}`);
      g.emit(`if(${ok}){`);
      store(g, a, bytes, g.r(rt), pc);
      g.emit('}');
      g.emit('S[2]=0;');
      g.w32(rs, `${ok}?0:1`);
    }
    return;
  }
  if (size < 2) { // CASP, CASPA, CASPL, CASPAL: register pairs Rs:Rs+1, Rt:Rt+1 of W (size 0) or X (size 1)
    if (rt2 !== 31 || (rs & 1) || (rt & 1) || rs === 31 || rt === 31) throw new Undef();
    const eb = size ? 8 : 4;
    const a2 = g.let(`${a}+${eb}`);
    // both halves are checked readable (and writable when they are stored) before anything changes
    const o1v = load(g, a, eb, pc), o2v = load(g, a2, eb, pc);
    const s1 = g.r(rs), s2 = g.r(rs + 1);
    const eq = g.let(size ? `${o1v[0]}===${s1[0]}&&${o1v[1]}===${s1[1]}&&${o2v[0]}===${s2[0]}&&${o2v[1]}===${s2[1]}` : `${o1v[0]}===${s1[0]}&&${o2v[0]}===${s2[0]}`);
    g.emit(`if(${eq}){`);
    g.emit(`wrchk(${a},${2 * eb},${pc});`);
    store(g, a, eb, g.r(rt), pc);
    store(g, a2, eb, g.r(rt + 1), pc);
    g.emit('}');
    if (size) { g.w(rs, o1v); g.w(rs + 1, o2v); } else { g.w32(rs, o1v[0]); g.w32(rs + 1, o2v[0]); }
    return;
  }
  const a2 = g.let(`${a}+${bytes}`);
  if (L) { // LDXP / LDAXP
    if (rt === rt2) throw new Undef();
    const v1 = load(g, a, bytes, pc), v2 = load(g, a2, bytes, pc);
    g.emit(`S[2]=1;MF[0]=${a};`);
    g.w(rt, v1); g.w(rt2, v2);
  } else {
    g.materialize();
    const ok = g.let(`S[2]===1&&MF[0]===${a}`);
    g.emit(`if(${ok}){`);
    store(g, a, bytes, g.r(rt), pc);
    store(g, a2, bytes, g.r(rt2), pc);
    g.emit('}');
    g.emit('S[2]=0;');
    g.w32(rs, `${ok}?0:1`);
  }
}

export { condFromNz, ror };
