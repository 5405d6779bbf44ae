// The instruction forms the differential harness covers, grouped into families (one describe()
// each). Every form generates its cases from its own seed, so results are reproducible and a
// form's case numbers are stable across runs.
import { AF, ARITH, CF, DF, MEM_BASE, OF, PF, SF, ZF, type Case } from './harness.js';
import {
  FREE, MEMPTR, PTR, Rng, SIZES, type Size, baseCase, defaultFx, f32bits, f64bits, f80bits, inReg, interesting, reg, setMem, setXmm,
} from './gen.js';

export interface Form {
  name: string;
  /** A host CPU flag (/proc/cpuinfo) the form needs; without it the form is skipped. */
  needs?: string;
  gen: (r: Rng) => Case[];
}
export interface Family {
  name: string;
  forms: Form[];
}

const MEM0 = Number(MEMPTR); // [rbx] points here; displacements 0..0x300 stay inside the data page
const disp = (r: Rng, align = 1) => (r.int(0x300 / align) * align);
const memop = (size: Size, d: number) => `${PTR[size]} ptr [rbx+${d}]`;
const imm = (v: bigint) => `0x${v.toString(16)}`;

/** An immediate for an operand of `size` bits: imm8 or full width; 64-bit ops take a sign-extended imm32. */
function immFor(r: Rng, size: Size): string {
  if (size === 64) return String(BigInt.asIntN(32, interesting(r, 32)));
  if (size !== 8 && r.bool()) return String(BigInt.asIntN(8, interesting(r, 8)));
  return imm(interesting(r, size));
}

function pickReg(r: Rng, exclude: number[] = []): number {
  const c = FREE.filter((x) => !exclude.includes(x));
  return r.pick(c);
}

/** Sets register i to a value of the given size (random upper bits) and returns the case. */
function setR(r: Rng, c: Case, i: number, size: Size, v = interesting(r, size)): Case {
  c.gpr[i] = inReg(r, size, v);
  return c;
}

// ---- integer ALU ------------------------------------------------------------------------------

function aluCases(op: string, n: number, undef = 0): (r: Rng) => Case[] {
  const lockable = !['cmp', 'test'].includes(op);
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick(SIZES);
      const a = pickReg(r), b = pickReg(r);
      const kind = r.int(op === 'test' ? 4 : 6);
      let asm: string;
      const d = disp(r, size / 8);
      if (kind === 0) asm = `${op} ${reg(size, a)}, ${reg(size, b)}`;
      else if (kind === 1) asm = `${op} ${reg(size, a)}, ${immFor(r, size)}`;
      else if (kind === 2) asm = `${op} ${memop(size, d)}, ${reg(size, b)}`;
      else if (kind === 3) asm = `${op} ${memop(size, d)}, ${immFor(r, size)}`;
      else if (kind === 4) asm = `${op} ${reg(size, a)}, ${memop(size, d)}`;
      else asm = `${lockable ? 'lock ' : ''}${op} ${memop(size, d)}, ${reg(size, b)}`;
      if (size === 8 && kind === 0 && r.bool(0.25)) asm = `${op} ${r.pick(['ah', 'ch', 'dh'])}, ${r.pick(['al', 'cl', 'dl', 'bh'])}`;
      const c = baseCase(r, asm);
      setR(r, c, a, size);
      setR(r, c, b, size, r.bool(0.2) ? c.gpr[a] : interesting(r, size));
      setMem(c, MEM0 + d, size, interesting(r, size));
      c.undefFlags = undef;
      out.push(c);
    }
    return out;
  };
}

function unaryCases(op: string, n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick(SIZES);
      const a = pickReg(r);
      const d = disp(r, size / 8);
      const asm = r.bool(0.7) ? `${op} ${reg(size, a)}` : `${r.bool() && op !== 'not' ? 'lock ' : ''}${op} ${memop(size, d)}`;
      const c = baseCase(r, asm);
      setR(r, c, a, size);
      setMem(c, MEM0 + d, size, interesting(r, size));
      out.push(c);
    }
    return out;
  };
}

function movExtCases(n: number): (r: Rng) => Case[] {
  const forms: Array<[string, Size, Size]> = [['movzx', 32, 8], ['movzx', 32, 16], ['movzx', 64, 8], ['movzx', 64, 16], ['movzx', 16, 8],
    ['movsx', 32, 8], ['movsx', 32, 16], ['movsx', 64, 8], ['movsx', 64, 16], ['movsx', 16, 8], ['movsxd', 64, 32], ['mov', 32, 32],
    ['mov', 16, 16], ['mov', 8, 8], ['mov', 64, 64]];
  const single = ['cbw', 'cwde', 'cdqe', 'cwd', 'cdq', 'cqo'];
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      let asm: string;
      const a = pickReg(r), b = pickReg(r);
      const d = disp(r, 8);
      const which = r.int(4);
      if (which === 0) asm = r.pick(single);
      else {
        const [op, ds, ss] = r.pick(forms);
        asm = which === 1 ? `${op} ${reg(ds, a)}, ${memop(ss, d)}` : `${op} ${reg(ds, a)}, ${reg(ss, b)}`;
      }
      const c = baseCase(r, asm);
      setR(r, c, 0, 64, interesting(r, 64));
      setR(r, c, b, 64, interesting(r, 64));
      setMem(c, MEM0 + d, 64, interesting(r, 64));
      out.push(c);
    }
    return out;
  };
}

function leaCases(n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick([16, 32, 64] as Size[]);
      const a = pickReg(r), b = pickReg(r), i = pickReg(r);
      const sc = r.pick([1, 2, 4, 8]);
      const dsp = r.pick([0, 1, -1, 0x7f, -0x80, 0x12345678, -0x7fffffff]);
      const w = r.bool(0.2) ? 32 : 64; // 32-bit address size (0x67 prefix) wraps at 4 GiB
      const asm = `lea ${reg(size, a)}, [${reg(w, b)}+${reg(w, i)}*${sc}${dsp < 0 ? '' : '+'}${dsp}]`;
      out.push(baseCase(r, asm));
    }
    return out;
  };
}

// ---- shifts and rotates ---------------------------------------------------------------------

/**
 * A shift or rotate followed by an instruction that writes every flag: the shift's flags are
 * dead, so the translator computes the value alone (and the flags come from the add).
 */
function rotDeadFlagCases(op: string, n: number): (r: Rng) => Case[] {
  const gen = shiftCases(op, n);
  return (r) => gen(r).map((c) => ({ ...c, asm: `${c.asm}\nadd r11, 0`, undefFlags: 0 }));
}

/** Flags a shift/rotate leaves undefined for a count (before masking) on an operand size. */
function shiftUndef(op: string, size: Size, count: number): number {
  const m = count & (size === 64 ? 63 : 31);
  if (m === 0) return 0;
  let u = 0;
  if (['shl', 'shr', 'sar', 'sal'].includes(op)) {
    u |= AF;
    if (m !== 1) u |= OF;
    if (m >= size) u |= CF;
  } else if (['rol', 'ror', 'rcl', 'rcr'].includes(op)) {
    if (m !== 1) u |= OF;
  } else {
    // shld / shrd
    u |= AF;
    if (m !== 1) u |= OF;
    if (m > size) u |= ARITH;
  }
  return u;
}

function shiftCases(op: string, n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick(SIZES);
      const a = pickReg(r, [1]);
      const d = disp(r, size / 8);
      const count = r.pick([0, 1, 1, 2, 3, size - 1, size, size + 1, 31, 32, 33, 63, 64, 65, 255, r.int(256), r.int(70)]);
      const dst = r.bool(0.8) ? reg(size, a) : memop(size, d);
      const kind = r.int(3);
      const asm = kind === 0 ? `${op} ${dst}, 1` : kind === 1 ? `${op} ${dst}, ${count & 0xff}` : `${op} ${dst}, cl`;
      const effective = kind === 0 ? 1 : count & 0xff;
      const c = baseCase(r, asm);
      setR(r, c, a, size);
      c.gpr[1] = inReg(r, 8, BigInt(count & 0xff));
      setMem(c, MEM0 + d, size, interesting(r, size));
      c.undefFlags = shiftUndef(op, size, effective);
      out.push(c);
    }
    return out;
  };
}

function shldCases(op: string, n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick([16, 32, 64] as Size[]);
      const a = pickReg(r, [1]), b = pickReg(r, [1]);
      const d = disp(r, size / 8);
      const count = r.pick([0, 1, 2, 7, 15, 16, 17, 31, 32, 63, r.int(256)]);
      const dst = r.bool(0.8) ? reg(size, a) : memop(size, d);
      const byCl = r.bool();
      const asm = `${op} ${dst}, ${reg(size, b)}, ${byCl ? 'cl' : count & 0xff}`;
      const c = baseCase(r, asm);
      setR(r, c, a, size);
      setR(r, c, b, size);
      c.gpr[1] = inReg(r, 8, BigInt(count & 0xff));
      setMem(c, MEM0 + d, size, interesting(r, size));
      const m = count & (size === 64 ? 63 : 31);
      c.undefFlags = shiftUndef(op, size, count & 0xff);
      if (size === 16 && m > 16) {
        // count > 16 on a 16-bit shld/shrd: the result is undefined (a memory result can't be masked: skip)
        if (dst.includes('ptr')) continue;
        c.undefGpr = [a];
      }
      out.push(c);
    }
    return out;
  };
}

// ---- multiply and divide --------------------------------------------------------------------

function mulCases(op: string, n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick(SIZES);
      const b = pickReg(r, [0, 2]);
      const d = disp(r, size / 8);
      let asm = r.bool(0.7) ? `${op} ${reg(size, b)}` : `${op} ${memop(size, d)}`;
      let a = 0;
      if (op === 'imul' && size !== 8 && r.bool(0.5)) {
        a = pickReg(r);
        asm = r.bool() ? `imul ${reg(size, a)}, ${reg(size, b)}` : `imul ${reg(size, a)}, ${reg(size, b)}, ${BigInt.asIntN(size === 16 ? 16 : 32, interesting(r, size === 16 ? 16 : 32))}`;
      }
      const c = baseCase(r, asm);
      setR(r, c, 0, size);
      setR(r, c, a, size);
      setR(r, c, b, size);
      setMem(c, MEM0 + d, size, interesting(r, size));
      c.undefFlags = SF | ZF | AF | PF;
      out.push(c);
    }
    return out;
  };
}

function divCases(op: 'div' | 'idiv', n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick(SIZES);
      const b = pickReg(r, [0, 2]);
      const d = disp(r, size / 8);
      const asm = r.bool(0.7) ? `${op} ${reg(size, b)}` : `${op} ${memop(size, d)}`;
      const c = baseCase(r, asm);
      const S = BigInt(size);
      const m = (1n << S) - 1n;
      let divisor = interesting(r, size);
      const explicitFault = r.bool(0.08);
      if (divisor === 0n && !explicitFault) divisor = 3n;
      let lo = interesting(r, size), hi: bigint;
      if (explicitFault) hi = r.u64() & m; // divide by zero or quotient overflow, mostly
      else if (op === 'div') hi = divisor === 0n ? 0n : (r.u64() & m) % divisor;
      else {
        // sign-extend lo into hi, so the quotient fits (except MIN / -1, which stays as a #DE case)
        hi = lo & (1n << (S - 1n)) ? m : 0n;
        if (r.bool(0.3)) {
          const ds = BigInt.asIntN(size, divisor);
          const q = BigInt.asIntN(size, interesting(r, size)) / 2n;
          const rem = ds === 0n ? 0n : BigInt.asIntN(size, r.u64() & m) % ds;
          const dividend = q * ds + (q >= 0n === rem >= 0n ? rem : -rem);
          const u = BigInt.asUintN(2 * size, dividend);
          lo = u & m;
          hi = u >> S;
        }
      }
      if (size === 8) {
        c.gpr[0] = inReg(r, 16, (hi << 8n) | lo);
      } else {
        c.gpr[0] = inReg(r, size, lo);
        c.gpr[2] = inReg(r, size, hi);
      }
      c.gpr[b] = inReg(r, size, divisor);
      setMem(c, MEM0 + d, size, divisor);
      c.undefFlags = ARITH;
      c.note = `dividend hi:lo = ${hi.toString(16)}:${lo.toString(16)} divisor ${divisor.toString(16)}`;
      out.push(c);
    }
    return out;
  };
}

// ---- bit operations -------------------------------------------------------------------------

function btCases(op: string, n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick([16, 32, 64] as Size[]);
      const a = pickReg(r), b = pickReg(r, [a]);
      const d = 0x100 + disp(r, 8) % 0x100;
      const kind = r.int(4);
      let asm: string;
      let off = BigInt(r.int(size * 2));
      if (kind === 0) asm = `${op} ${reg(size, a)}, ${reg(size, b)}`;
      else if (kind === 1) asm = `${op} ${reg(size, a)}, ${r.int(256)}`;
      else if (kind === 2) asm = `${op} ${memop(size, d)}, ${r.int(256)}`;
      else {
        asm = `${r.bool() && op !== 'bt' ? 'lock ' : ''}${op} ${memop(size, d)}, ${reg(size, b)}`;
        off = BigInt(r.int(4000) - 2000); // a bit string reaching before and after the operand
      }
      const c = baseCase(r, asm);
      setR(r, c, a, size);
      c.gpr[b] = inReg(r, size, BigInt.asUintN(size, off));
      c.undefFlags = OF | SF | AF | PF;
      out.push(c);
    }
    return out;
  };
}

function bitScanCases(op: string, n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick([16, 32, 64] as Size[]);
      const a = pickReg(r), b = pickReg(r, [a]);
      const d = disp(r, size / 8);
      const fromMem = r.bool(0.3);
      const asm = `${op} ${reg(size, a)}, ${fromMem ? memop(size, d) : reg(size, b)}`;
      const c = baseCase(r, asm);
      const src = r.bool(0.15) ? 0n : interesting(r, size);
      setR(r, c, b, size, src);
      setMem(c, MEM0 + d, size, src);
      if (op === 'bsf' || op === 'bsr') {
        c.undefFlags = CF | OF | SF | AF | PF;
        if (src === 0n) c.undefGpr = [a];
      } else if (op === 'popcnt') c.undefFlags = 0;
      else c.undefFlags = OF | SF | AF | PF;
      out.push(c);
    }
    return out;
  };
}

function bswapCases(n: number, movbe: boolean): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick(movbe ? [16, 32, 64] as Size[] : [32, 64] as Size[]);
      const a = pickReg(r);
      const d = disp(r, 1);
      const asm = !movbe ? `bswap ${reg(size, a)}` : r.bool() ? `movbe ${reg(size, a)}, ${memop(size, d)}` : `movbe ${memop(size, d)}, ${reg(size, a)}`;
      const c = baseCase(r, asm);
      setR(r, c, a, size);
      out.push(c);
    }
    return out;
  };
}

const CCS = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];

function setccCases(n: number, cmov: boolean): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const cc = CCS[k % 16];
      const a = pickReg(r), b = pickReg(r);
      const size = r.pick([16, 32, 64] as Size[]);
      const d = disp(r, 8);
      const asm = cmov ? (r.bool(0.7) ? `cmov${cc} ${reg(size, a)}, ${reg(size, b)}` : `cmov${cc} ${reg(size, a)}, ${memop(size, d)}`)
        : (r.bool(0.7) ? `set${cc} ${reg(8, a)}` : `set${cc} byte ptr [rbx+${d}]`);
      const c = baseCase(r, asm);
      c.rflags = Number(r.u64() & BigInt(ARITH));
      out.push(c);
    }
    return out;
  };
}

// ---- string instructions ------------------------------------------------------------------

function stringCases(n: number): (r: Rng) => Case[] {
  const ops = ['movs', 'stos', 'lods', 'cmps', 'scas'];
  const sfx: Record<Size, string> = { 8: 'b', 16: 'w', 32: 'd', 64: 'q' };
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const op = r.pick(ops), size = r.pick(SIZES);
      const rep = op === 'cmps' || op === 'scas' ? r.pick(['', 'repe ', 'repne ']) : r.pick(['', 'rep ']);
      const asm = `${rep}${op}${sfx[size]}`;
      const c = baseCase(r, asm);
      const df = r.bool(0.3);
      c.rflags = (c.rflags & ~DF) | (df ? DF : 0);
      c.gpr[1] = BigInt(r.pick([0, 1, 2, 3, 7, 8, 15, 16, 17, r.int(40)])) | (rep ? 0n : r.u64() & ~0xffn);
      c.gpr[6] = BigInt(MEM_BASE + 0x300 + r.int(0x600));
      c.gpr[7] = BigInt(MEM_BASE + 0x300 + r.int(0x600));
      // a small alphabet so compares find equal runs; some regions made equal on purpose
      for (let i = 0; i < 0x1000; i++) c.mem[i] = 0x61 + r.int(3);
      if (r.bool(0.5)) c.mem.copyWithin(Number(c.gpr[7]) - MEM_BASE - 64, Number(c.gpr[6]) - MEM_BASE - 64, Number(c.gpr[6]) - MEM_BASE + 200);
      c.gpr[0] = inReg(r, size, BigInt(0x61 + r.int(3)) * (size === 8 ? 1n : 0x0101010101010101n & ((1n << BigInt(size)) - 1n)));
      if (op === 'movs' || op === 'stos' || op === 'lods') c.undefFlags = 0;
      out.push(c);
    }
    return out;
  };
}

// ---- exchange and atomics -----------------------------------------------------------------

function xchgCases(op: string, n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const size = r.pick(SIZES);
      const a = pickReg(r, [0]), b = pickReg(r, [0]);
      const d = disp(r, size / 8);
      const lock = r.bool() && op !== 'xchg' ? 'lock ' : '';
      const asm = r.bool() ? `${op} ${reg(size, a)}, ${reg(size, b)}` : `${lock}${op} ${memop(size, d)}, ${reg(size, b)}`;
      const c = baseCase(r, asm);
      setR(r, c, a, size);
      setR(r, c, b, size);
      const mv = interesting(r, size);
      setMem(c, MEM0 + d, size, mv);
      if (op === 'cmpxchg' && r.bool()) c.gpr[0] = inReg(r, size, asm.includes('ptr') ? mv : c.gpr[a]); // equal: the exchange happens
      else setR(r, c, 0, size);
      out.push(c);
    }
    return out;
  };
}

function cmpxchg8bCases(n: number): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const wide = r.bool();
      const d = disp(r, 16);
      const asm = `${r.bool() ? 'lock ' : ''}${wide ? 'cmpxchg16b xmmword' : 'cmpxchg8b qword'} ptr [rbx+${d}]`;
      const c = baseCase(r, asm);
      const lo = r.u64(), hi = r.u64();
      setMem(c, MEM0 + d, 64, lo);
      if (wide) setMem(c, MEM0 + d + 8, 64, hi);
      if (r.bool()) {
        if (wide) { c.gpr[0] = lo; c.gpr[2] = hi; } else { c.gpr[0] = inReg(r, 32, lo & 0xffffffffn); c.gpr[2] = inReg(r, 32, lo >> 32n); }
      }
      out.push(c);
    }
    return out;
  };
}

// ---- SSE ------------------------------------------------------------------------------------

type Lane = 'ps' | 'pd' | 'ss' | 'sd' | 'int';

/** XMM operands: float lanes get float patterns (specials included), integer ones interesting bytes. */
function fillXmm(r: Rng, c: Case, lane: Lane): void {
  for (let i = 0; i < 16; i++) {
    if (lane === 'ps' || lane === 'ss') setXmm(c, i, f32bits(r) | (f32bits(r) << 32n), f32bits(r) | (f32bits(r) << 32n));
    else if (lane === 'pd' || lane === 'sd') setXmm(c, i, f64bits(r), f64bits(r));
    else setXmm(c, i, interesting(r, 64) ^ (r.bool() ? 0n : r.u64()), r.bool(0.3) ? interesting(r, 64) : r.u64());
  }
  for (let off = 0; off < 0x400; off += 8) {
    const v = lane === 'ps' || lane === 'ss' ? f32bits(r) | (f32bits(r) << 32n) : lane === 'int' ? r.u64() : f64bits(r);
    setMem(c, MEM0 + off, 64, v);
  }
}

function sseCases(templates: string[], lane: Lane, n: number, opts: { rc?: boolean; flags?: boolean; gpr?: boolean } = {}): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const t = templates[k % templates.length];
      const x = r.int(16), y = r.int(16);
      const d = disp(r, 16);
      const a = pickReg(r);
      const asm = t.replace(/IMM/g, String(r.int(256))).replace(/X/g, `xmm${x}`).replace(/Y/g, `xmm${y}`).replace(/M/g, `[rbx+${d}]`)
        .replace(/R64/g, reg(64, a)).replace(/R32/g, reg(32, a));
      const c = baseCase(r, asm);
      fillXmm(r, c, lane);
      if (opts.rc) c.fx = (() => { const fx = c.fx; new DataView(fx.buffer).setUint32(24, 0x1f80 | (r.int(4) << 13), true); return fx; })();
      if (opts.gpr) setR(r, c, a, 64, r.bool() ? interesting(r, 64) : BigInt.asUintN(64, BigInt(r.int(2000001) - 1000000)));
      out.push(c);
    }
    return out;
  };
}

const arith = (ops: string[], sfx: string[]) => ops.flatMap((o) => sfx.flatMap((s) => [`${o}${s} X, Y`, `${o}${s} X, M`]));

// ---- x87 ------------------------------------------------------------------------------------

function x87Cases(templates: string[], n: number, fswAll = false): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const t = templates[k % templates.length];
      const c = baseCase(r, t);
      const pc = r.pick([3, 3, 3, 2, 0]), rc = r.pick([0, 0, 1, 2, 3]);
      c.fx = defaultFx(r, { fcw: 0x007f | (pc << 8) | (rc << 10) | 0x40 });
      // operands: [rbx] m64, [rbx+8] m64, [rbx+16] m80, [rbx+32] m80, [rbx+48] m32, [rbx+52] m32, [rbx+56] m16 int, [rbx+64] m64 int
      setMem(c, MEM0, 64, f64bits(r));
      setMem(c, MEM0 + 8, 64, f64bits(r));
      setMem(c, MEM0 + 16, 80, f80bits(r));
      setMem(c, MEM0 + 32, 80, f80bits(r));
      setMem(c, MEM0 + 48, 32, f32bits(r));
      setMem(c, MEM0 + 52, 32, f32bits(r));
      setMem(c, MEM0 + 56, 16, interesting(r, 16));
      setMem(c, MEM0 + 64, 64, interesting(r, 64));
      // condition codes are results for compares, fxam, fprem and fnstsw; elsewhere C0 C2 C3 are undefined
      if (fswAll || /fprem|fxam|fcom|fucom|ftst|fnstsw/.test(t)) c.fswMask = 0xffff;
      c.note = `fcw=0x${(0x007f | (pc << 8) | (rc << 10) | 0x40).toString(16)}`;
      out.push(c);
    }
    return out;
  };
}

/**
 * The x87 transcendentals. Real CPUs give results within 1 ulp of the true value (Intel SDM, 8.3.10),
 * and which of the two neighbours they return is model-specific, so the 80-bit results may differ
 * from the host's by 1 ulp (Case.ulpM80) and C1 (rounded up or not) is not compared. f2xm1 is only
 * defined for -1 <= x <= +1, so its operand stays there. Everything else is compared exactly.
 */
function transcendentalCases(n: number): (r: Rng) => Case[] {
  const templates = ['fsin', 'fcos', 'f2xm1'].map((o) => `fld qword ptr [rbx]\n${o}\nfstp tbyte ptr [rbx+80]`).concat([
    'fld qword ptr [rbx]\nfptan\nfstp tbyte ptr [rbx+80]\nfstp tbyte ptr [rbx+96]',
    'fld qword ptr [rbx]\nfld qword ptr [rbx+8]\nfpatan\nfstp tbyte ptr [rbx+80]',
    'fld qword ptr [rbx]\nfld qword ptr [rbx+8]\nfyl2x\nfstp tbyte ptr [rbx+80]',
  ]);
  const base = x87Cases(templates, n);
  return (r) => base(r).map((c) => {
    c.ulpM80 = [MEM0 - Number(MEM_BASE) + 80, MEM0 - Number(MEM_BASE) + 96]; // [rbx+80], [rbx+96]
    c.fswMask = ~0x4700 & 0xffff; // C0 C1 C2 C3
    if (/f2xm1/.test(c.asm)) {
      const v = new Float64Array([(r.int(2_000_001) - 1_000_000) / 1_000_000]);
      setMem(c, MEM0, 64, new BigUint64Array(v.buffer)[0]);
    }
    return c;
  });
}

// ---- MMX ------------------------------------------------------------------------------------

/**
 * MMX forms. The starting x87 state is random (TOP, abridged tag byte, sign/exponent words), the
 * mm registers (the mantissas of R0-R7) hold interesting 64-bit values, the data page random
 * 64-bit lanes. Placeholders: {X} {Y} mm registers, {V} an xmm register, {M} a memory operand
 * (16-byte aligned), {R32}/{R64} a GPR, {I} an imm8. Every other case ends with
 * `movq [rbx+0x3f8], {X}; emms` (so the destination is compared through memory and the tag word
 * is empty), the rest leave the MMX state as it is (FTW all valid, TOP 0, ST0-7 = R0-R7 compared
 * in 80 bits: the written registers' exponent words must be all ones, the others unchanged).
 */
function mmxCases(templates: string[], n: number, lane: Lane = 'int'): (r: Rng) => Case[] {
  return (r) => {
    const out: Case[] = [];
    for (let k = 0; k < n; k++) {
      const t = templates[k % templates.length];
      const x = r.int(8), y = r.int(8), v = r.int(16);
      const d = disp(r, 16);
      const a = pickReg(r, [7]);
      let asm = t.replace(/\{I\}/g, String(r.pick([r.int(256), r.int(8), r.int(20), r.int(70)]))).replace(/\{X\}/g, `mm${x}`).replace(/\{Y\}/g, `mm${y}`)
        .replace(/\{V\}/g, `xmm${v}`).replace(/\{M\}/g, `[rbx+${d}]`).replace(/\{R64\}/g, reg(64, a)).replace(/\{R32\}/g, reg(32, a));
      if (Math.floor(k / templates.length) % 2 === 1) asm += `\nmovq [rbx+0x3f8], mm${x}\nemms`; // each template both ways
      const c = baseCase(r, asm);
      fillXmm(r, c, lane);
      const fx = new DataView(c.fx.buffer, c.fx.byteOffset, 512);
      fx.setUint16(2, r.int(8) << 11, true); // TOP
      c.fx[4] = r.pick([0, 0xff, r.int(256)]); // abridged tag byte
      for (let i = 0; i < 8; i++) {
        const mmv = lane === 'int' ? interesting(r, r.pick([8, 16, 32, 64] as Size[])) ^ (r.bool() ? 0n : r.u64()) : f32bits(r) | (f32bits(r) << 32n);
        fx.setBigUint64(32 + 16 * i, BigInt.asUintN(64, mmv), true);
        fx.setUint16(40 + 16 * i, r.pick([0xffff, 0, 0x3fff, r.int(0x10000)]), true);
      }
      if (lane === 'ps' || lane === 'pd') fx.setUint32(24, 0x1f80 | (r.int(4) << 13), true); // MXCSR rounding for the conversions
      setR(r, c, a, 64, r.bool() ? interesting(r, 64) : r.u64());
      c.gpr[7] = BigInt(MEM0 + disp(r, 8)); // maskmovq stores to [rdi]
      out.push(c);
    }
    return out;
  };
}
const mm = (ops: string[]) => ops.flatMap((o) => [`${o} {X}, {Y}`, `${o} {X}, {M}`]);

// ---- MXCSR DAZ / FTZ ------------------------------------------------------------------------

/** A float32 (single) or float64 bit pattern near the bottom of the range: denormals of both signs,
 *  small normals (just above the smallest normal), factors near 1 (so products and quotients of
 *  small values land just below or above the smallest normal), specials and random patterns. */
function tinyBits(r: Rng, single: boolean): bigint {
  const sign = r.bool() ? 1n : 0n;
  const mb = single ? 23n : 52n, eb = single ? 8n : 11n, top = sign << (mb + eb);
  const frac = () => (r.bool(0.2) ? r.pick([1n, (1n << mb) - 1n, 1n << (mb - 1n)]) : (r.u64() & ((1n << mb) - 1n)));
  switch (r.int(8)) {
    case 0: case 1: return top | frac() || 1n; // denormal
    case 2: case 3: return top | (BigInt(1 + r.int(3)) << mb) | frac(); // exponent 1..3: just above the smallest normal
    case 4: return top | (BigInt((single ? 126 : 1022) + r.int(3)) << mb) | frac(); // 0.5 .. 4
    case 5: return top | (BigInt((single ? 100 : 990) + r.int(60)) << mb) | frac(); // down to 2^-27 / 2^-33
    case 6: return single ? f32bits(r) : f64bits(r);
    default: return r.pick([0n, 1n << (mb + eb), ((1n << eb) - 1n) << mb, (((1n << eb) - 1n) << mb) | (1n << (mb - 1n)), 1n << mb, (1n << mb) - 1n]) | (r.bool() ? top : 0n);
  }
}

/**
 * Forms run with MXCSR.DAZ and/or FTZ set (each case: DAZ, FTZ both or neither at random, a random
 * rounding mode, sometimes sticky flags already set), the XMM registers and the data page full of
 * tinyBits operands.
 */
function fzCases(templates: string[], lane: Lane, n: number, opts: { gpr?: boolean } = {}): (r: Rng) => Case[] {
  const base = sseCases(templates, lane, n, opts);
  const single = lane === 'ps' || lane === 'ss';
  return (r) => base(r).map((c) => {
    const pair = () => (single ? tinyBits(r, true) | (tinyBits(r, true) << 32n) : tinyBits(r, false));
    for (let i = 0; i < 16; i++) setXmm(c, i, pair(), pair());
    for (let off = 0; off < 0x400; off += 8) setMem(c, MEM0 + off, 64, pair());
    const mode = r.pick([0x8040, 0x8040, 0x8000, 0x40, 0]);
    const mx = 0x1f80 | mode | (r.int(4) << 13) | (r.bool(0.2) ? r.pick([0x20, 0x30, 0x3f, 0x02]) : 0);
    new DataView(c.fx.buffer, c.fx.byteOffset, 512).setUint32(24, mx, true);
    c.note = `mxcsr=0x${mx.toString(16)}`;
    return c;
  });
}

/**
 * Results at the smallest normal: for `op X, Y` (or `op X, M`) each lane of the source is chosen
 * so that the exact product / quotient with the destination's lane (or, for the narrowing
 * conversions, the source value itself) lies within a few ulps of the smallest normal, where
 * rounding decides between tiny (FTZ: zero, UE) and normal.
 */
function edgeCases(templates: string[], lane: Lane, n: number): (r: Rng) => Case[] {
  const base = fzCases(templates, lane, n);
  const single = lane === 'ps' || lane === 'ss';
  const MIN = single ? 1.1754943508222875e-38 : 2.2250738585072014e-308, MIN32 = 1.1754943508222875e-38;
  const bitsOf = (v: number) => single ? BigInt(new Uint32Array(new Float32Array([v]).buffer)[0]) : new BigUint64Array(new Float64Array([v]).buffer)[0];
  const valOf = (b: bigint) => single ? new Float32Array(new Uint32Array([Number(b)]).buffer)[0] : new Float64Array(new BigUint64Array([b]).buffer)[0];
  const nudge = (b: bigint) => BigInt.asUintN(single ? 32 : 64, b + BigInt(r0.int(9) - 4));
  let r0: Rng;
  return (r) => base(r).map((c) => {
    r0 = r;
    const dv = new DataView(c.fx.buffer, c.fx.byteOffset, 512), mv = new DataView(c.mem.buffer, c.mem.byteOffset);
    const regs = [...c.asm.matchAll(/xmm(\d+)/g)].map((m) => +m[1]);
    const mem = /\[rbx\+(\d+)\]/.exec(c.asm);
    const x = regs[0], srcOff = mem ? 0x400 + +mem[1] : -1, y = mem ? -1 : regs[1];
    const lanes = single ? 4 : 2, w = single ? 4 : 8;
    const get = (off: number, view: DataView) => (single ? BigInt(view.getUint32(off, true)) : view.getBigUint64(off, true));
    const put = (off: number, view: DataView, b: bigint) => (single ? view.setUint32(off, Number(b), true) : view.setBigUint64(off, b, true));
    for (let l = 0; l < lanes; l++) {
      const dOff = 160 + 16 * x + l * w;
      if (/cvtsd2ss|cvtpd2ps/.test(c.asm)) { // double source near the float32 smallest normal
        const v = MIN32 * (1 + (r.int(2001) - 1000) * 2 ** -(20 + r.int(34))) * (r.bool() ? -1 : 1);
        const b = new BigUint64Array(new Float64Array([v]).buffer)[0];
        if (y >= 0) put(160 + 16 * y + l * 8, dv, b); else put(srcOff + l * 8, mv, b);
        continue;
      }
      if (y === x) continue;
      const a = valOf(get(dOff, dv));
      if (!(Math.abs(a) >= MIN && Math.abs(a) < Infinity)) continue;
      const div = /div/.test(c.asm);
      const t = (div ? a / MIN : MIN / a) * (r.bool() ? -1 : 1);
      if (!(Math.abs(t) >= MIN && Math.abs(t) < Infinity)) continue;
      const b = nudge(bitsOf(single ? Math.fround(t) : t));
      if (y >= 0) put(160 + 16 * y + l * w, dv, b); else put(srcOff + l * w, mv, b);
    }
    return c;
  });
}

/** cvt(t)ps2pi / cvt(t)pd2pi (MMX destination) with DAZ/FTZ and tinyBits sources. */
function fzMmxCases(templates: string[], n: number): (r: Rng) => Case[] {
  const base = mmxCases(templates, n, 'ps');
  return (r) => base(r).map((c) => {
    const single = /ps2pi/.test(c.asm);
    const pair = () => (single ? tinyBits(r, true) | (tinyBits(r, true) << 32n) : tinyBits(r, false));
    for (let i = 0; i < 16; i++) setXmm(c, i, pair(), pair());
    for (let off = 0; off < 0x400; off += 8) setMem(c, MEM0 + off, 64, pair());
    const mx = 0x1f80 | r.pick([0x8040, 0x8040, 0x8000, 0x40, 0]) | (r.int(4) << 13);
    new DataView(c.fx.buffer, c.fx.byteOffset, 512).setUint32(24, mx, true);
    c.note = `mxcsr=0x${mx.toString(16)}`;
    return c;
  });
}

const N = 600; // cases per form (integer); SSE/x87 forms use their own counts

export const FAMILIES: Family[] = [
  {
    name: 'integer ALU',
    forms: [
      ...['add', 'sub', 'adc', 'sbb', 'cmp'].map((op) => ({ name: op, gen: aluCases(op, N) })),
      ...['and', 'or', 'xor', 'test'].map((op) => ({ name: op, gen: aluCases(op, N, AF) })),
      ...['inc', 'dec', 'neg', 'not'].map((op) => ({ name: op, gen: unaryCases(op, 400) })),
      { name: 'mov/movzx/movsx/cbw..cqo', gen: movExtCases(500) },
      { name: 'lea', gen: leaCases(300) },
    ],
  },
  {
    name: 'shifts and rotates',
    forms: [
      ...['shl', 'shr', 'sar', 'rol', 'ror', 'rcl', 'rcr'].map((op) => ({ name: op, gen: shiftCases(op, N) })),
      ...['rol', 'ror', 'shl', 'shr', 'sar'].map((op) => ({ name: `${op} (flags dead)`, gen: rotDeadFlagCases(op, 1000) })),
      ...['shld', 'shrd'].map((op) => ({ name: op, gen: shldCases(op, 500) })),
    ],
  },
  {
    name: 'multiply and divide',
    forms: [
      { name: 'mul', gen: mulCases('mul', N) },
      { name: 'imul', gen: mulCases('imul', N) },
      // two- and three-operand imul whose flags an add overwrites: the translator's inline low product
      { name: 'imul (flags dead)', gen: (r) => mulCases('imul', 1000)(r).map((c) => ({ ...c, asm: `${c.asm}\nadd r11, 0`, undefFlags: 0 })) },
      { name: 'div (incl. #DE)', gen: divCases('div', N) },
      { name: 'idiv (incl. #DE)', gen: divCases('idiv', N) },
    ],
  },
  {
    name: 'bit operations',
    forms: [
      ...['bt', 'bts', 'btr', 'btc'].map((op) => ({ name: op, gen: btCases(op, 400) })),
      { name: 'bsf', gen: bitScanCases('bsf', 400) },
      { name: 'bsr', gen: bitScanCases('bsr', 400) },
      { name: 'tzcnt', needs: 'bmi1', gen: bitScanCases('tzcnt', 400) },
      { name: 'lzcnt', needs: 'abm', gen: bitScanCases('lzcnt', 400) },
      { name: 'popcnt', needs: 'popcnt', gen: bitScanCases('popcnt', 400) },
      { name: 'bswap', gen: bswapCases(200, false) },
      { name: 'movbe', needs: 'movbe', gen: bswapCases(300, true) },
    ],
  },
  {
    name: 'setcc and cmovcc',
    forms: [
      { name: 'setcc', gen: setccCases(800, false) },
      { name: 'cmovcc', gen: setccCases(800, true) },
    ],
  },
  {
    name: 'string instructions',
    forms: [{ name: 'movs/stos/lods/cmps/scas with rep', gen: stringCases(1200) }],
  },
  {
    name: 'exchange and atomics',
    forms: [
      { name: 'xchg', gen: xchgCases('xchg', 400) },
      { name: 'cmpxchg', gen: xchgCases('cmpxchg', 500) },
      { name: 'xadd', gen: xchgCases('xadd', 400) },
      { name: 'cmpxchg8b/16b', needs: 'cx16', gen: cmpxchg8bCases(300) },
    ],
  },
  {
    name: 'SSE/SSE2 floating point',
    forms: [
      { name: 'add/sub/mul/div ps/pd/ss/sd', gen: sseCases(arith(['add', 'sub', 'mul', 'div'], ['ps', 'ss']), 'ps', 600, { rc: true }) },
      { name: 'add/sub/mul/div pd/sd', gen: sseCases(arith(['add', 'sub', 'mul', 'div'], ['pd', 'sd']), 'pd', 600, { rc: true }) },
      { name: 'min/max/sqrt ps/ss', gen: sseCases([...arith(['min', 'max', 'sqrt'], ['ps', 'ss'])], 'ps', 500, { rc: true }) },
      { name: 'min/max/sqrt pd/sd', gen: sseCases([...arith(['min', 'max', 'sqrt'], ['pd', 'sd'])], 'pd', 500, { rc: true }) },
      { name: 'and/andn/or/xor ps/pd', gen: sseCases(arith(['and', 'andn', 'or', 'xor'], ['ps', 'pd']), 'ps', 300) },
      { name: 'cmpps/cmpss imm', gen: sseCases(['cmpps X, Y, IMM', 'cmpss X, Y, IMM', 'cmpps X, M, IMM'], 'ps', 400) },
      { name: 'cmppd/cmpsd imm', gen: sseCases(['cmppd X, Y, IMM', 'cmpsd X, Y, IMM', 'cmppd X, M, IMM'], 'pd', 400) },
      { name: 'comiss/ucomiss/comisd/ucomisd', gen: (r) => sseCases(['comiss X, Y', 'ucomiss X, Y', 'comiss X, M'], 'ps', 250)(r).concat(sseCases(['comisd X, Y', 'ucomisd X, Y', 'ucomisd X, M'], 'pd', 250)(r)) },
      { name: 'cvt int<->float', gen: (r) => sseCases(['cvtsi2ss X, R32', 'cvtsi2ss X, R64', 'cvtsi2sd X, R32', 'cvtsi2sd X, R64', 'cvtss2si R32, X', 'cvtss2si R64, X', 'cvttss2si R32, X', 'cvttss2si R64, X'], 'ps', 400, { rc: true, gpr: true })(r)
        .concat(sseCases(['cvtsd2si R32, X', 'cvtsd2si R64, X', 'cvttsd2si R32, X', 'cvttsd2si R64, X', 'cvtsd2si R64, M'], 'pd', 300, { rc: true, gpr: true })(r)) },
      { name: 'cvt packed and float<->double', gen: (r) => sseCases(['cvtdq2ps X, Y', 'cvtps2dq X, Y', 'cvttps2dq X, Y', 'cvtps2pd X, Y', 'cvtss2sd X, Y', 'cvtss2sd X, M'], 'ps', 400, { rc: true })(r)
        .concat(sseCases(['cvtpd2ps X, Y', 'cvtsd2ss X, Y', 'cvtpd2dq X, Y', 'cvttpd2dq X, Y', 'cvtdq2pd X, Y'], 'pd', 300, { rc: true })(r)) },
      { name: 'moves (movaps movups movss movsd movd movq movhlps ...)', gen: sseCases(['movaps X, Y', 'movups X, M', 'movups M, X', 'movaps M, X', 'movss X, Y', 'movss X, M', 'movss M, X', 'movsd X, Y', 'movsd X, M', 'movsd M, X', 'movd X, R32', 'movd R32, X', 'movq X, R64', 'movq R64, X', 'movq X, Y', 'movq X, M', 'movq M, X', 'movhlps X, Y', 'movlhps X, Y', 'movhps X, M', 'movlps X, M', 'movhpd M, X', 'movdqa X, M', 'movdqu M, X', 'movmskps R32, X', 'movmskpd R32, X', 'pmovmskb R32, X'], 'ps', 800, { gpr: true }) },
      { name: 'shuffles (shufps shufpd unpck*)', gen: sseCases(['shufps X, Y, IMM', 'shufpd X, Y, IMM', 'unpcklps X, Y', 'unpckhps X, Y', 'unpcklpd X, Y', 'unpckhpd X, M'], 'ps', 400) },
    ],
  },
  {
    name: 'SSE2 integer',
    forms: [
      { name: 'padd/psub b/w/d/q and saturating', gen: sseCases(['paddb', 'paddw', 'paddd', 'paddq', 'psubb', 'psubw', 'psubd', 'psubq', 'paddsb', 'paddsw', 'paddusb', 'paddusw', 'psubsb', 'psubsw', 'psubusb', 'psubusw'].flatMap((o) => [`${o} X, Y`, `${o} X, M`]), 'int', 640) },
      { name: 'pmul/pmadd/psadbw/pavg', gen: sseCases(['pmullw', 'pmulhw', 'pmulhuw', 'pmuludq', 'pmaddwd', 'psadbw', 'pavgb', 'pavgw'].flatMap((o) => [`${o} X, Y`, `${o} X, M`]), 'int', 480) },
      { name: 'pmin/pmax/pcmpeq/pcmpgt', gen: sseCases(['pminub', 'pmaxub', 'pminsw', 'pmaxsw', 'pcmpeqb', 'pcmpeqw', 'pcmpeqd', 'pcmpgtb', 'pcmpgtw', 'pcmpgtd'].flatMap((o) => [`${o} X, Y`, `${o} X, M`]), 'int', 500) },
      { name: 'pand/pandn/por/pxor', gen: sseCases(['pand X, Y', 'pandn X, Y', 'por X, M', 'pxor X, Y', 'pxor X, X'], 'int', 200) },
      { name: 'shifts psll/psrl/psra (imm and xmm) pslldq/psrldq', gen: sseCases(['psllw X, IMM', 'pslld X, IMM', 'psllq X, IMM', 'psrlw X, IMM', 'psrld X, IMM', 'psrlq X, IMM', 'psraw X, IMM', 'psrad X, IMM', 'pslldq X, IMM', 'psrldq X, IMM', 'psllw X, Y', 'psrld X, Y', 'psrlq X, Y', 'psrad X, Y', 'psllq X, Y'], 'int', 600) },
      { name: 'pack/punpck', gen: sseCases(['packsswb', 'packssdw', 'packuswb', 'punpcklbw', 'punpckhbw', 'punpcklwd', 'punpckhwd', 'punpckldq', 'punpckhdq', 'punpcklqdq', 'punpckhqdq'].flatMap((o) => [`${o} X, Y`, `${o} X, M`]), 'int', 440) },
      { name: 'pshufd/pshuflw/pshufhw/pextrw/pinsrw', gen: sseCases(['pshufd X, Y, IMM', 'pshuflw X, Y, IMM', 'pshufhw X, M, IMM', 'pextrw R32, X, IMM', 'pinsrw X, R32, IMM'], 'int', 400, { gpr: true }) },
    ],
  },
  {
    name: 'SSSE3/SSE4.1/SSE4.2',
    forms: [
      { name: 'ssse3 pshufb/palignr/phadd/pabs/psign/pmulhrsw/pmaddubsw', needs: 'ssse3', gen: sseCases(['pshufb X, Y', 'pshufb X, M', 'palignr X, Y, IMM', 'phaddw X, Y', 'phaddd X, Y', 'phsubw X, Y', 'pabsb X, Y', 'pabsw X, Y', 'pabsd X, Y', 'psignb X, Y', 'psignw X, Y', 'psignd X, Y', 'pmulhrsw X, Y', 'pmaddubsw X, Y'], 'int', 560) },
      { name: 'sse4.1 integer (pmin/pmax/pmulld/pmuldq/pcmpeqq/packusdw/pmovzx/pmovsx/ptest)', needs: 'sse4_1', gen: sseCases(['pminsb X, Y', 'pmaxsb X, Y', 'pminuw X, Y', 'pmaxuw X, Y', 'pminsd X, Y', 'pmaxsd X, Y', 'pminud X, Y', 'pmaxud X, M', 'pmulld X, Y', 'pmuldq X, Y', 'pcmpeqq X, Y', 'packusdw X, Y', 'pmovzxbw X, Y', 'pmovzxbd X, Y', 'pmovzxwd X, Y', 'pmovzxdq X, Y', 'pmovsxbw X, Y', 'pmovsxbq X, Y', 'pmovsxwd X, Y', 'pmovsxdq X, Y', 'ptest X, Y'], 'int', 840) },
      { name: 'sse4.1 blend/extract/insert', needs: 'sse4_1', gen: sseCases(['pblendw X, Y, IMM', 'blendps X, Y, IMM', 'blendpd X, Y, IMM', 'pextrb R32, X, IMM', 'pextrd R32, X, IMM', 'pextrq R64, X, IMM', 'pinsrb X, R32, IMM', 'pinsrd X, R32, IMM', 'pinsrq X, R64, IMM', 'extractps R32, X, IMM', 'insertps X, Y, IMM', 'pblendvb X, Y', 'blendvps X, Y', 'blendvpd X, Y'], 'int', 560, { gpr: true }) },
      { name: 'sse4.1 round/dpps', needs: 'sse4_1', gen: (r) => sseCases(['roundss X, Y, IMM', 'roundps X, Y, IMM', 'dpps X, Y, IMM'], 'ps', 300, { rc: true })(r).concat(sseCases(['roundsd X, Y, IMM', 'roundpd X, M, IMM', 'dppd X, Y, IMM'], 'pd', 300, { rc: true })(r)) },
      { name: 'sse4.2 pcmpgtq/crc32', needs: 'sse4_2', gen: sseCases(['pcmpgtq X, Y', 'crc32 R32, R32', 'crc32 R64, R64', 'crc32 R32, byte ptr M', 'crc32 R32, dword ptr M'], 'int', 400, { gpr: true }) },
      { name: 'sse4.2 pcmpistri/pcmpestri/pcmpistrm', needs: 'sse4_2', gen: sseCases(['pcmpistri X, Y, IMM', 'pcmpestri X, Y, IMM', 'pcmpistrm X, Y, IMM', 'pcmpestrm X, M, IMM'], 'int', 400) },
    ],
  },
  {
    name: 'x87',
    forms: [
      { name: 'fld/fstp m32 m64 m80 (80-bit loads and stores)', gen: x87Cases(['fld qword ptr [rbx]\nfstp tbyte ptr [rbx+80]', 'fld tbyte ptr [rbx+16]\nfstp tbyte ptr [rbx+80]', 'fld tbyte ptr [rbx+16]\nfstp qword ptr [rbx+80]', 'fld tbyte ptr [rbx+32]\nfstp dword ptr [rbx+80]', 'fld dword ptr [rbx+48]\nfst qword ptr [rbx+80]\nfstp tbyte ptr [rbx+96]', 'fld qword ptr [rbx]\nfld st(0)\nfstp qword ptr [rbx+80]\nfstp dword ptr [rbx+88]'], 600) },
      { name: 'fild/fist/fistp/fisttp', gen: x87Cases(['fild word ptr [rbx+56]\nfstp tbyte ptr [rbx+80]', 'fild qword ptr [rbx+64]\nfstp tbyte ptr [rbx+80]', 'fild dword ptr [rbx+48]\nfistp qword ptr [rbx+80]', 'fld qword ptr [rbx]\nfistp qword ptr [rbx+80]', 'fld qword ptr [rbx]\nfist dword ptr [rbx+80]\nfistp word ptr [rbx+88]', 'fld tbyte ptr [rbx+16]\nfisttp qword ptr [rbx+80]', 'fld qword ptr [rbx+8]\nfisttp dword ptr [rbx+80]'], 700) },
      { name: 'fadd/fsub/fsubr/fmul/fdiv/fdivr', gen: x87Cases(['fadd', 'fsub', 'fsubr', 'fmul', 'fdiv', 'fdivr'].flatMap((o) => [
        `fld tbyte ptr [rbx+16]\nfld tbyte ptr [rbx+32]\n${o}p st(1), st\nfstp tbyte ptr [rbx+80]`,
        `fld qword ptr [rbx]\n${o} qword ptr [rbx+8]\nfstp tbyte ptr [rbx+80]`,
        `fld tbyte ptr [rbx+16]\n${o} dword ptr [rbx+48]\nfstp qword ptr [rbx+80]`,
        `fld qword ptr [rbx]\nfld tbyte ptr [rbx+32]\n${o} st, st(1)\nfstp tbyte ptr [rbx+80]\nfstp tbyte ptr [rbx+96]`,
        `fild qword ptr [rbx+64]\nfi${o.slice(1)} word ptr [rbx+56]\nfstp tbyte ptr [rbx+80]`,
      ]), 900) },
      { name: 'fsqrt/fabs/fchs/frndint/fscale/fprem/fxtract', gen: x87Cases(['fsqrt', 'fabs', 'fchs', 'frndint'].map((o) => `fld tbyte ptr [rbx+16]\n${o}\nfstp tbyte ptr [rbx+80]`)
        .concat(['fld qword ptr [rbx+8]\nfld tbyte ptr [rbx+16]\nfscale\nfstp tbyte ptr [rbx+80]\nfstp st(0)', 'fld qword ptr [rbx+8]\nfld tbyte ptr [rbx+16]\nfprem\nfstp tbyte ptr [rbx+80]\nfstp st(0)', 'fld tbyte ptr [rbx+16]\nfxtract\nfstp tbyte ptr [rbx+80]\nfstp tbyte ptr [rbx+96]']), 700) },
      { name: 'constants/fxch/ffree/fincstp', gen: x87Cases(['fldz\nfld1\nfldpi\nfldl2e\nfldl2t\nfldlg2\nfldln2\nfstp tbyte ptr [rbx+80]\nfstp tbyte ptr [rbx+96]\nfstp tbyte ptr [rbx+112]\nfstp tbyte ptr [rbx+128]\nfstp tbyte ptr [rbx+144]\nfstp tbyte ptr [rbx+160]\nfstp tbyte ptr [rbx+176]',
        'fld qword ptr [rbx]\nfld tbyte ptr [rbx+16]\nfxch st(1)\nfstp tbyte ptr [rbx+80]', 'fld qword ptr [rbx]\nfld qword ptr [rbx+8]\nffree st(1)\nfincstp', 'fld1\nfld1\nfdecstp\nfstp tbyte ptr [rbx+80]'], 200) },
      { name: 'fcom/fucom/fcomi/fucomi/ftst/fxam (condition codes)', gen: x87Cases(['fld qword ptr [rbx]\nfcom qword ptr [rbx+8]\nfstp st(0)', 'fld tbyte ptr [rbx+16]\nfld tbyte ptr [rbx+32]\nfucompp', 'fld qword ptr [rbx]\nfld qword ptr [rbx+8]\nfcomi st, st(1)\nfstp st(0)\nfstp st(0)', 'fld qword ptr [rbx]\nfld qword ptr [rbx+8]\nfucomip st, st(1)\nfstp st(0)', 'fld qword ptr [rbx]\nftst\nfstp st(0)', 'fld qword ptr [rbx]\nfxam\nfstp st(0)', 'fld tbyte ptr [rbx+16]\nfxam\nfnstsw ax\nfstp st(0)'], 700, true) },
      { name: 'fnstcw/fldcw/fnstsw', gen: x87Cases(['fnstcw word ptr [rbx+80]', 'mov word ptr [rbx+80], 0x0c7f\nfldcw word ptr [rbx+80]\nfld qword ptr [rbx]\nfrndint\nfstp qword ptr [rbx+88]', 'fld1\nfnstsw word ptr [rbx+80]\nfstp st(0)'], 200) },
      { name: 'transcendental fsin/fcos/fptan/fpatan/f2xm1/fyl2x (within 1 ulp, as Intel documents)', gen: transcendentalCases(300) },
    ],
  },
  // last, so the families above keep their seeds (a form's seed is 1000 * (family index + 1) + form index)
  {
    name: 'mmx',
    forms: [
      { name: 'mmx movd/movq/emms', gen: mmxCases(['movd {X}, {R32}', 'movd {R32}, {X}', 'movd {X}, dword ptr {M}', 'movd dword ptr {M}, {X}', 'movq {X}, {R64}', 'movq {R64}, {X}',
        'movq {X}, {Y}', 'movq {X}, qword ptr {M}', 'movq qword ptr {M}, {X}', 'movq {X}, {X}', 'emms', 'movq {X}, {Y}\nemms\nmovd {R32}, {X}',
        // x87 after MMX: ST0 is R0 (TOP 0), a written register reads as exponent 0xffff; after emms the stack is empty
        'movq {X}, {R64}\nfstp tbyte ptr {M}', 'paddw {X}, {Y}\nfld st(3)\nfstp tbyte ptr {M}', 'movq {X}, {R64}\nemms\nfld1\nfstp tbyte ptr {M}', 'movq {X}, {R64}\nfld1'], 800) },
      { name: 'mmx padd/psub b/w/d/q and saturating', gen: mmxCases(mm(['paddb', 'paddw', 'paddd', 'paddq', 'psubb', 'psubw', 'psubd', 'psubq', 'paddsb', 'paddsw', 'paddusb', 'paddusw', 'psubsb', 'psubsw', 'psubusb', 'psubusw']), 960) },
      { name: 'mmx pmullw/pmulhw/pmaddwd/pmuludq/logic/compares', gen: mmxCases(mm(['pmullw', 'pmulhw', 'pmaddwd', 'pmuludq', 'pand', 'pandn', 'por', 'pxor', 'pcmpeqb', 'pcmpeqw', 'pcmpeqd', 'pcmpgtb', 'pcmpgtw', 'pcmpgtd']).concat(['pxor {X}, {X}', 'pcmpeqb {X}, {X}']), 960) },
      { name: 'mmx pack/punpck', gen: mmxCases(mm(['packsswb', 'packssdw', 'packuswb', 'punpcklbw', 'punpcklwd', 'punpckldq', 'punpckhbw', 'punpckhwd', 'punpckhdq']), 720) },
      { name: 'mmx shifts psll/psrl/psra (mm, m64, imm8)', gen: mmxCases(['psllw', 'pslld', 'psllq', 'psrlw', 'psrld', 'psrlq', 'psraw', 'psrad'].flatMap((o) => [`${o} {X}, {Y}`, `${o} {X}, {M}`, `${o} {X}, {I}`]), 960) },
      { name: 'mmx sse additions (pavg pextrw pinsrw pmin pmax pmovmskb pmulhuw psadbw pshufw)', gen: mmxCases(mm(['pavgb', 'pavgw', 'pmaxsw', 'pmaxub', 'pminsw', 'pminub', 'pmulhuw', 'psadbw'])
        .concat(['pextrw {R32}, {X}, {I}', 'pinsrw {X}, {R32}, {I}', 'pinsrw {X}, word ptr {M}, {I}', 'pmovmskb {R32}, {X}', 'pshufw {X}, {Y}, {I}', 'pshufw {X}, {M}, {I}']), 880) },
      { name: 'mmx movntq/maskmovq/movq2dq/movdq2q', gen: mmxCases(['movntq {M}, {X}', 'maskmovq {X}, {Y}', 'movq2dq {V}, {X}', 'movdq2q {X}, {V}'], 400) },
      { name: 'mmx cvtpi2ps/cvtps2pi/cvttps2pi', gen: mmxCases(['cvtpi2ps {V}, {X}', 'cvtpi2ps {V}, qword ptr {M}', 'cvtps2pi {X}, {V}', 'cvtps2pi {X}, qword ptr {M}', 'cvttps2pi {X}, {V}', 'cvttps2pi {X}, qword ptr {M}'], 600, 'ps') },
      { name: 'mmx cvtpi2pd/cvtpd2pi/cvttpd2pi', gen: mmxCases(['cvtpi2pd {V}, {X}', 'cvtpi2pd {V}, qword ptr {M}', 'cvtpd2pi {X}, {V}', 'cvtpd2pi {X}, xmmword ptr {M}', 'cvttpd2pi {X}, {V}', 'cvttpd2pi {X}, xmmword ptr {M}'], 600, 'pd') },
      { name: 'mmx ssse3 (pshufb phadd phsub pmaddubsw pmulhrsw psign pabs palignr)', needs: 'ssse3', gen: mmxCases(mm(['pshufb', 'phaddw', 'phaddd', 'phaddsw', 'phsubw', 'phsubd', 'phsubsw', 'pmaddubsw', 'pmulhrsw', 'psignb', 'psignw', 'psignd', 'pabsb', 'pabsw', 'pabsd'])
        .concat(['palignr {X}, {Y}, {I}', 'palignr {X}, {M}, {I}']), 1020) },
    ],
  },
  // last (seeds): MXCSR.DAZ / FTZ on every SSE floating-point form that reads or produces a float
  {
    name: 'MXCSR DAZ/FTZ',
    forms: [
      { name: 'daz/ftz add/sub/mul/div ps/ss', gen: fzCases(arith(['add', 'sub', 'mul', 'div'], ['ps', 'ss']), 'ps', 800) },
      { name: 'daz/ftz add/sub/mul/div pd/sd (incl. the inline scalar paths)', gen: fzCases(arith(['add', 'sub', 'mul', 'div'], ['pd', 'sd']).concat(['mulsd X, Y\naddsd X, M', 'divsd X, Y\nsubsd X, M']), 'pd', 800) },
      { name: 'daz/ftz min/max/sqrt', gen: (r) => fzCases(arith(['min', 'max', 'sqrt'], ['ps', 'ss']), 'ps', 400)(r).concat(fzCases(arith(['min', 'max', 'sqrt'], ['pd', 'sd']), 'pd', 400)(r)) },
      { name: 'daz/ftz cmp and (u)comis', gen: (r) => fzCases(['cmpps X, Y, IMM', 'cmpss X, M, IMM', 'comiss X, Y', 'ucomiss X, M'], 'ps', 400)(r).concat(fzCases(['cmppd X, Y, IMM', 'cmpsd X, M, IMM', 'comisd X, Y', 'ucomisd X, M'], 'pd', 400)(r)) },
      { name: 'daz/ftz cvt float<->double and float->int', gen: (r) => fzCases(['cvtss2sd X, Y', 'cvtss2sd X, M', 'cvtps2pd X, Y', 'cvtps2dq X, Y', 'cvttps2dq X, Y', 'cvtss2si R32, X', 'cvttss2si R64, X', 'cvtdq2ps X, Y'], 'ps', 400, { gpr: true })(r)
        .concat(fzCases(['cvtsd2ss X, Y', 'cvtsd2ss X, M', 'cvtpd2ps X, Y', 'cvtpd2dq X, Y', 'cvttpd2dq X, Y', 'cvtsd2si R64, X', 'cvttsd2si R32, X'], 'pd', 400, { gpr: true })(r)) },
      { name: 'daz/ftz haddp/hsubp/addsubp', gen: (r) => fzCases(['haddps X, Y', 'hsubps X, Y', 'addsubps X, Y', 'haddps X, M'], 'ps', 400)(r).concat(fzCases(['haddpd X, Y', 'hsubpd X, Y', 'addsubpd X, Y', 'hsubpd X, M'], 'pd', 400)(r)) },
      { name: 'daz/ftz round/dpps/dppd', needs: 'sse4_1', gen: (r) => fzCases(['roundss X, Y, IMM', 'roundps X, Y, IMM', 'dpps X, Y, IMM', 'dpps X, M, IMM'], 'ps', 400)(r).concat(fzCases(['roundsd X, Y, IMM', 'roundpd X, Y, IMM', 'dppd X, Y, IMM', 'dppd X, M, IMM'], 'pd', 400)(r)) },
      { name: 'daz/ftz products, quotients and conversions at the smallest normal', gen: (r) => edgeCases(['mulss X, Y', 'mulps X, M', 'divss X, Y', 'divps X, Y', 'cvtsd2ss X, Y', 'cvtpd2ps X, M'], 'ps', 600)(r)
        .concat(edgeCases(['mulsd X, Y', 'mulsd X, M', 'mulpd X, Y', 'divsd X, Y', 'divsd X, M', 'divpd X, Y'], 'pd', 600)(r)) },
      { name: 'daz/ftz cvt(t)ps2pi/cvt(t)pd2pi', gen: fzMmxCases(['cvtps2pi {X}, {V}', 'cvttps2pi {X}, qword ptr {M}', 'cvtpd2pi {X}, {V}', 'cvttpd2pi {X}, xmmword ptr {M}'], 400) },
      // x87 ignores MXCSR: denormal doubles loaded, multiplied, added and stored with FTZ and DAZ set
      { name: 'daz/ftz x87 unaffected', gen: (r) => x87Cases(['fld qword ptr [rbx]\nfmul qword ptr [rbx+8]\nfstp qword ptr [rbx+80]', 'fld qword ptr [rbx]\nfadd qword ptr [rbx+8]\nfstp tbyte ptr [rbx+80]',
        'fld dword ptr [rbx+48]\nfdiv dword ptr [rbx+52]\nfstp dword ptr [rbx+80]'], 300)(r).map((c) => {
        setMem(c, MEM0, 64, tinyBits(r, false)); setMem(c, MEM0 + 8, 64, tinyBits(r, false));
        setMem(c, MEM0 + 48, 32, tinyBits(r, true)); setMem(c, MEM0 + 52, 32, tinyBits(r, true));
        new DataView(c.fx.buffer, c.fx.byteOffset, 512).setUint32(24, 0x1f80 | 0x8040 | (r.int(4) << 13), true);
        return c;
      }) },
    ],
  },
];
