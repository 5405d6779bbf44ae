// The block code generator: the translator emits JavaScript source into a Gen, which keeps the
// guest registers in JS locals (xlN / xhN: low and high 32-bit halves, N = 0..30, 31 = SP),
// tracks which ones the block reads and writes, and keeps the last flag-setting operation
// symbolic until something reads NZCV (or the block exits / may fault).

/** A 64-bit value as two JS expressions (low, high), each an int32-valued identifier or literal. */
export type P = [string, string];

export interface PendingFlags {
  kind: 'sub' | 'add' | 'logic';
  sf: boolean;
  a: P;
  b: P;
  r: P;
  mat: boolean;
}

export const COND_NAMES = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];

/** A condition (0..15) from a materialised 4-bit NZCV value held in `nz` (N=8 Z=4 C=2 V=1). */
export function condFromNz(c: number, nz = 'nz'): string {
  let e: string;
  switch (c >> 1) {
    case 0: e = `(${nz}&4)!==0`; break;
    case 1: e = `(${nz}&2)!==0`; break;
    case 2: e = `(${nz}&8)!==0`; break;
    case 3: e = `(${nz}&1)!==0`; break;
    case 4: e = `(${nz}&6)===2`; break;
    case 5: e = `(((${nz}>>3)^${nz})&1)===0`; break;
    case 6: e = `((${nz}&4)===0&&(((${nz}>>3)^${nz})&1)===0)`; break;
    default: return 'true';
  }
  return c & 1 ? `!(${e})` : `(${e})`;
}

/**
 * a >= b unsigned (64-bit) as one double compare: the high difference times 2^32 is exact and
 * outweighs any low difference, so the rounded sum has the sign of the exact one.
 */
const geuFlat = (a: P, b: P): string =>
  `((${a[1]}>>>0)-(${b[1]}>>>0))*4294967296+((${a[0]}>>>0)-(${b[0]}>>>0))>=0`;

/** Whether an expression names register n's local (xlN or xhN). */
const REG_RE = Array.from({ length: 32 }, (_, n) => new RegExp(`\\bx[lh]${n}\\b`));

export class Gen {
  lines: string[] = [];
  private ntmp = 0;
  used = new Set<number>();
  dirty = new Set<number>();
  pend: PendingFlags | null = null;
  /** Whether NZCV (the `nz` local) was read before any instruction in the block set it. */
  flagsLiveIn = false;
  flagsSet = false;
  /** An exit or a possibly-faulting access came before the first flag setter (loop blocks then
   *  need NZCV materialised at the back-edge). */
  exitBeforeSet = false;
  /** Open skip bodies (if-bodies) around the code being emitted (Tx.openSkip/closeSkip). */
  skipDepth = 0;
  /**
   * A `@@PF@@` (NZCV pending from the back-edge, computed) was emitted outside any skip body: on
   * every path after it `pf` is 0, so later faultable operations need no check of their own.
   */
  pfDone = false;
  /** Flags were modified (nz must be written back). */
  nzDirty = false;
  /** x8 holds this constant at this point of the block (for binding svc handlers). */
  constX8: number | undefined;
  usesV = false;
  /** Cold block: memory accesses call the compact helpers (ld/st) instead of inline fast paths. */
  compact = false;

  t(): string { return `t${this.ntmp++}`; }
  tmpCount(): number { return this.ntmp; }
  emit(s: string): void { this.lines.push(s); }
  let(expr: string): string { const t = this.t(); this.emit(`${t}=${expr};`); return t; }

  /** Reads register n (31 = SP when sp, else XZR). */
  r(n: number, sp = false): P {
    if (n === 31 && !sp) return ['0', '0'];
    this.used.add(n);
    return [`xl${n}`, `xh${n}`];
  }
  /** Writes register n (64-bit value, or 32-bit zero-extended when hi is '0'). */
  w(n: number, v: P, sp = false): void {
    if (n === 8) this.constX8 = undefined;
    if (n === 31 && !sp) return;
    this.used.add(n);
    this.dirty.add(n);
    const [lo, hi] = v;
    const simple = (e: string) => /^-?\d+$/.test(e) || /^t\d+$/.test(e);
    if (simple(lo) && simple(hi)) { this.snapPend(n); this.emit(`xl${n}=${lo};xh${n}=${hi};`); return; }
    const a = this.let(lo), b = this.let(hi);
    this.snapPend(n);
    this.emit(`xl${n}=${a};xh${n}=${b};`);
  }
  /** Writes a W register: the value is made int32, high half zero. */
  w32(n: number, lo: string, sp = false): void {
    this.w(n, [this.let(`(${lo})|0`), '0'], sp);
  }
  /** Writes the result of an sf-sized operation. */
  wsf(n: number, v: P, sf: boolean, sp = false): void {
    if (sf) this.w(n, v, sp); else this.w32(n, v[0], sp);
  }

  // ---- flags -----------------------------------------------------------------------------------

  setFlags(p: Omit<PendingFlags, 'mat'>): void {
    if (!this.flagsSet) this.flagsSet = true;
    // Operands may be register locals: they are copied into temps only when a register they name
    // is written while the flags are still pending (snapPend), usually never.
    this.pend = { ...p, mat: false };
    this.nzDirty = true;
  }
  /**
   * Copies the register locals the pending flags refer to into temps: before register n is
   * written (n given; nothing to do unless an operand names it), or at a loop back-edge (n
   * undefined), where the next iteration may compute the flags after changing registers.
   */
  snapPend(n?: number): void {
    const p = this.pend;
    if (!p) return;
    const ops = [p.a, p.b, p.r];
    if (n !== undefined) {
      const re = REG_RE[n];
      if (!ops.some((v) => re.test(v[0]) || re.test(v[1]))) return;
    }
    const isReg = (e: string) => /\bx[lh]\d+\b/.test(e);
    if (!ops.some((v) => isReg(v[0]) || isReg(v[1]))) return;
    const snap = (v: P): P => [isReg(v[0]) ? this.let(v[0]) : v[0], isReg(v[1]) ? this.let(v[1]) : v[1]];
    this.pend = { ...p, a: snap(p.a), b: snap(p.b), r: snap(p.r) };
  }
  /** nz is assigned directly (ccmp, msr nzcv, fcmp). */
  setNzExpr(expr: string): void {
    this.materialize();
    this.flagsSet = true;
    this.pend = null;
    this.nzDirty = true;
    this.emit(`nz=${expr};`);
  }
  private noteRead(): void { if (!this.flagsSet) this.flagsLiveIn = true; }

  /** Ensures the `nz` local holds the architectural flags. */
  materialize(): void {
    if (!this.flagsSet) {
      this.exitBeforeSet = true;
      if (!this.pfDone) { this.emit('@@PF@@'); if (this.skipDepth === 0) this.pfDone = true; }
    }
    const p = this.pend;
    if (!p || p.mat) return;
    p.mat = true;
    this.emit(`nz=${this.nzExprOf(p)};`);
  }
  /** flat: the carry compare without short-circuit operators (every operation runs each time). */
  nzExprOf(p: PendingFlags, flat = false): string {
    const [al, ah] = p.a, [bl, bh] = p.b, [rl, rh] = p.r;
    if (!p.sf) {
      const n = `(${rl}>>>28&8)`, z = `(${rl}===0?4:0)`;
      if (p.kind === 'logic') return `${n}|${z}`;
      if (p.kind === 'sub') return `${n}|${z}|((${al}>>>0)>=(${bl}>>>0)?2:0)|((${al}^${bl})&(${al}^${rl}))>>>31`;
      return `${n}|${z}|((${rl}>>>0)<(${al}>>>0)?2:0)|(~(${al}^${bl})&(${al}^${rl}))>>>31`;
    }
    const n = `(${rh}>>>28&8)`, z = `((${rl}|${rh})===0?4:0)`;
    if (p.kind === 'logic') return `${n}|${z}`;
    if (p.kind === 'sub') {
      return `${n}|${z}|(${flat ? geuFlat(p.a, p.b) : this.geu(p.a, p.b)}?2:0)|((${ah}^${bh})&(${ah}^${rh}))>>>31`;
    }
    return `${n}|${z}|(${flat ? `!(${geuFlat(p.r, p.a)})` : this.ltu(p.r, p.a)}?2:0)|(~(${ah}^${bh})&(${ah}^${rh}))>>>31`;
  }
  geu(a: P, b: P): string {
    return `((${a[1]}>>>0)>(${b[1]}>>>0)||(${a[1]}===${b[1]}&&(${a[0]}>>>0)>=(${b[0]}>>>0)))`;
  }
  ltu(a: P, b: P): string { return `!${this.geu(a, b)}`; }
  ges(a: P, b: P): string {
    return `(${a[1]}>${b[1]}||(${a[1]}===${b[1]}&&(${a[0]}>>>0)>=(${b[0]}>>>0)))`;
  }

  /** A JS boolean expression for condition c (0..15). */
  cond(c: number): string {
    if (c >= 14) return 'true';
    this.noteRead();
    const p = this.pend;
    if (p && p.kind === 'sub' && (c >> 1) !== 3) {
      const inv = (c & 1) !== 0;
      let e: string;
      const [al] = p.a, [bl] = p.b, [rl, rh] = p.r;
      if (!p.sf) {
        switch (c >> 1) {
          case 0: e = `${al}===${bl}`; break;
          case 1: e = `(${al}>>>0)>=(${bl}>>>0)`; break;
          case 2: e = `${rl}<0`; break;
          case 4: e = `(${al}>>>0)>(${bl}>>>0)`; break;
          case 5: e = `(${al}|0)>=(${bl}|0)`; break;
          default: e = `(${al}|0)>(${bl}|0)`; break;
        }
      } else {
        switch (c >> 1) {
          case 0: e = `(${rl}|${rh})===0`; break;
          case 1: e = this.geu(p.a, p.b); break;
          case 2: e = `${rh}<0`; break;
          case 4: e = `!${this.geu(p.b, p.a)}`; break;
          case 5: e = this.ges(p.a, p.b); break;
          default: e = `!${this.ges(p.b, p.a)}`; break;
        }
      }
      return inv ? `!(${e})` : `(${e})`;
    }
    if (p && p.kind === 'logic') {
      const [rl, rh] = p.r;
      const z = p.sf ? `(${rl}|${rh})===0` : `${rl}===0`;
      const n = p.sf ? `${rh}<0` : `${rl}<0`;
      let e: string | undefined;
      switch (c >> 1) {
        case 0: e = z; break;
        case 2: e = n; break;
        case 5: e = `!(${n})`; break;
        case 6: e = `!(${z})&&!(${n})`; break;
      }
      if (e) return c & 1 ? `!(${e})` : `(${e})`;
    }
    this.materialize();
    return condFromNz(c);
  }
  /** Marks that something reads the materialised nz (mrs, adc, ...). */
  readNz(): string { this.noteRead(); this.materialize(); return 'nz'; }
}

// ---- 64-bit value helpers emitting code into a Gen --------------------------------------------

const isZero = (e: string) => e === '0';

/** Logical shift left by a constant (0..63); 32-bit when !sf. */
export function lsl(g: Gen, a: P, n: number, sf: boolean): P {
  if (!sf) return n === 0 ? a : [g.let(`${a[0]}<<${n}`), '0'];
  if (n === 0) return a;
  if (n < 32) return [g.let(`${a[0]}<<${n}`), g.let(`(${a[1]}<<${n})|(${a[0]}>>>${32 - n})`)];
  if (n === 32) return ['0', a[0]];
  return ['0', g.let(`${a[0]}<<${n - 32}`)];
}
export function lsr(g: Gen, a: P, n: number, sf: boolean): P {
  if (!sf) return n === 0 ? a : [g.let(`(${a[0]}>>>${n})|0`), '0'];
  if (n === 0) return a;
  if (n < 32) return [g.let(`(${a[0]}>>>${n})|(${a[1]}<<${32 - n})`), g.let(`(${a[1]}>>>${n})|0`)];
  if (n === 32) return [a[1], '0'];
  return [g.let(`(${a[1]}>>>${n - 32})|0`), '0'];
}
export function asr(g: Gen, a: P, n: number, sf: boolean): P {
  if (!sf) return n === 0 ? a : [g.let(`${a[0]}>>${n}`), '0'];
  if (n === 0) return a;
  if (n < 32) return [g.let(`(${a[0]}>>>${n})|(${a[1]}<<${32 - n})`), g.let(`${a[1]}>>${n}`)];
  if (n === 32) return [a[1], g.let(`${a[1]}>>31`)];
  return [g.let(`${a[1]}>>${n - 32}`), g.let(`${a[1]}>>31`)];
}
export function ror(g: Gen, a: P, n: number, sf: boolean): P {
  if (n === 0) return a;
  if (!sf) return [g.let(`(${a[0]}>>>${n})|(${a[0]}<<${32 - n})`), '0'];
  const r = lsr(g, a, n, true), l = lsl(g, a, 64 - n, true);
  return or(g, r, l, true);
}
export function shiftBy(g: Gen, a: P, type: number, n: number, sf: boolean): P {
  switch (type) {
    case 0: return lsl(g, a, n, sf);
    case 1: return lsr(g, a, n, sf);
    case 2: return asr(g, a, n, sf);
    default: return ror(g, a, n, sf);
  }
}
export function and(g: Gen, a: P, b: P, sf: boolean): P {
  const lo = isZero(a[0]) || isZero(b[0]) ? '0' : g.let(`${a[0]}&${b[0]}`);
  if (!sf) return [lo, '0'];
  const hi = isZero(a[1]) || isZero(b[1]) ? '0' : g.let(`${a[1]}&${b[1]}`);
  return [lo, hi];
}
export function or(g: Gen, a: P, b: P, sf: boolean): P {
  const f = (x: string, y: string) => (isZero(x) ? y : isZero(y) ? x : g.let(`${x}|${y}`));
  return [f(a[0], b[0]), sf ? f(a[1], b[1]) : '0'];
}
export function xor(g: Gen, a: P, b: P, sf: boolean): P {
  const f = (x: string, y: string) => (isZero(x) ? y : isZero(y) ? x : g.let(`${x}^${y}`));
  return [f(a[0], b[0]), sf ? f(a[1], b[1]) : '0'];
}
export function not(g: Gen, a: P, sf: boolean): P {
  return [g.let(`~${a[0]}`), sf ? g.let(`~${a[1]}`) : '0'];
}
/** `(e>>>0)`, folded for an int32 literal. */
const u32 = (e: string): string => (/^-?\d+$/.test(e) ? String(Number(e) >>> 0) : `(${e}>>>0)`);
export function add(g: Gen, a: P, b: P, sf: boolean): P {
  if (!sf) return [g.let(`(${a[0]}+${b[0]})|0`), '0'];
  if (isZero(b[0]) && isZero(b[1])) return a;
  const t = g.let(`${u32(a[0])}+${u32(b[0])}`);
  const hi = isZero(b[1]) ? a[1] : `${a[1]}+${b[1]}`;
  return [g.let(`${t}|0`), g.let(`(${hi}+(${t}>4294967295?1:0))|0`)];
}
export function sub(g: Gen, a: P, b: P, sf: boolean): P {
  if (!sf) return [g.let(`(${a[0]}-${b[0]})|0`), '0'];
  const t = g.let(`${u32(a[0])}-${u32(b[0])}`);
  const hi = isZero(b[1]) ? a[1] : `${a[1]}-${b[1]}`;
  return [g.let(`${t}|0`), g.let(`(${hi}-(${t}<0?1:0))|0`)];
}
/** A 64-bit constant as int32 literals. */
export function c64(v: bigint): P {
  v = BigInt.asUintN(64, v);
  return [String(Number(BigInt.asIntN(32, v))), String(Number(BigInt.asIntN(32, v >> 32n)))];
}
/** The value as a JS double (signed 64-bit interpretation: exact for |v| < 2^53). */
export function asNum(a: P): string {
  if (isZero(a[1])) return `(${a[0]}>>>0)`;
  return `(${a[1]}*4294967296+(${a[0]}>>>0))`;
}
