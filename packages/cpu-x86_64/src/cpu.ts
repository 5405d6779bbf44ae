// The x86-64 CPU: register file, translation cache, dispatch loop, architectural state.
import {
  AddressSpace, MemoryFault, PERM_X, PERM_MAPPED, LOW_LIMIT, PAGE_SIZE,
  type Cpu, type CpuState, type StopReason, type SyscallEntry, type X86State,
} from '@elfbox/cpu';
import { decodeBlock, genBlock, genRegion, endsBlockOp, isCondBranch, isDirectBranch, type BlockInfo } from './translate.js';
import type { Insn } from './decoder.js';
import { K_RAW, flagsOf } from './flags.js';
import * as RT from './runtime.js';
import * as SSE from './sse-rt.js';
import * as X87 from './x87-rt.js';
import * as MMX from './mmx-rt.js';
import { sharedCache, type TranslationCache, type Factory } from '@elfbox/cpu';

type BlockFn = ((c: X86Cpu) => number) & { npc?: number; nfn?: BlockFn; hot: number; warm: number; factory?: Factory };

/**
 * Default for X86Cpu.hotThreshold: ELFBOX_X86_HOT=N (dispatches of a block after which it is
 * retranslated as a region, see promote; 0 = regions off), else 50. On since every exit shares
 * one write-back and loop functions get warm first calls (no deopt loops on fresh regions):
 * intloop 81 -> 60 ms, busybox gzip of 4.7 MB 3.3 -> 2.9 s (see the README).
 */
const HOT = (() => {
  const v = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.ELFBOX_X86_HOT;
  const n = v === undefined || v === '' ? 50 : Number(v);
  return Number.isInteger(n) && n >= 0 ? n : 50;
})();
/** Budget-1 calls a new function with a loop gets first (run(): `warm`). */
const WARM = 16;
/** Translation cache variant of regions (blocks: 0). */
const REGION = 1;
const MAX_REGION_BLOCKS = 16;
const JC_MASK = 4095;
const MAX_REGION_INSNS = 400;

/**
 * ELFBOX_X86_PROF=1: per-phase times of translation (decode, JS generation, new Function, first
 * execution of each block: V8's lazy compile + first Ignition run) summed over the process and
 * printed to stderr at exit. Off: one constant test per translation and per first execution.
 */
const PROF: { n: number; dec: number; gen: number; comp: number; first: number; srcChars: number; hits: number; cached: number; disp: number } | null = (() => {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; on?(e: string, f: () => void): void; stderr?: { write(s: string): void } } }).process;
  if (!proc?.env?.ELFBOX_X86_PROF) return null;
  const p = { n: 0, dec: 0, gen: 0, comp: 0, first: 0, srcChars: 0, hits: 0, cached: 0, disp: 0 };
  proc.on?.('exit', () => proc.stderr?.write(`x86 translation: ${p.n} blocks, ${p.srcChars} JS chars; decode ${p.dec.toFixed(1)} ms, ` +
    `generate ${p.gen.toFixed(1)} ms, new Function ${p.comp.toFixed(1)} ms; ${p.hits} from the cache in ${p.cached.toFixed(1)} ms; first run ${p.first.toFixed(1)} ms; ${p.disp} more dispatches\n`));
  return p;
})();
const now = (): number => globalThis.performance.now();

const YIELD: StopReason = { kind: 'yield' };
const BUDGET: StopReason = { kind: 'budget' };

/** ELFBOX_X86_DUMP=FILE appends every translated block's JS source to FILE (debugging, profiling). */
const DUMP: ((pc: number, src: string) => void) | null = (() => {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (m: string) => unknown } }).process;
  const file = proc?.env?.ELFBOX_X86_DUMP;
  const fs = file ? (proc?.getBuiltinModule?.('node:fs') as { appendFileSync(f: string, s: string): void } | undefined) : undefined;
  if (!file || !fs) return null;
  return (pc, src) => fs.appendFileSync(file, `// block 0x${pc.toString(16)}\n${src}\n`);
})();

/** The rate of the guest's TSC (rdtsc / rdtscp), a nominal 3 GHz. */
export const TSC_HZ = 3_000_000_000;

export class X86Cpu implements Cpu {
  readonly arch = 'x86_64' as const;
  /** GPRs as lo/hi int32 pairs: R[2*i] low half, R[2*i+1] high half. */
  readonly R = new Int32Array(32);
  rip = 0;
  // lazy flags record (see flags.ts)
  fo = K_RAW * 4 + 2; fa = 0; fah = 0; fb = 0; fbh = 0; fr = 0; frh = 0; fc = 0;
  /** DF as its RFLAGS bit (0 or 0x400); AC kept only for pushf/popf round trips. */
  df = 0;
  acflag = 0;
  fsBase = 0;
  gsBase = 0;
  // SSE: 16 XMM registers + 2 scratch slots (16, 17), 16 bytes each.
  readonly xbuf = new ArrayBuffer(18 * 16);
  readonly X32 = new Int32Array(this.xbuf);
  readonly XU8 = new Uint8Array(this.xbuf);
  readonly XF32 = new Float32Array(this.xbuf);
  readonly XF64 = new Float64Array(this.xbuf);
  readonly XDV = new DataView(this.xbuf);
  mxcsr = 0x1f80;
  // x87: physical registers (sign+exponent, 64-bit mantissa), TOP, control/status/tag.
  readonly fe = new Uint16Array(8);
  readonly fm = new BigUint64Array(8);
  /** fm as int32 halves: MMi (the low 64 bits of physical register i) is fm32[2i] | fm32[2i+1] << 32. */
  readonly fm32 = new Int32Array(this.fm.buffer);
  ftop = 0;
  fcw = 0x037f;
  fsw = 0;
  /** Abridged tag: bit i set = physical register i valid. */
  ftag = 0;

  ic = 0;
  lim = 0;
  stopReason: StopReason | null = null;
  readonly cpu: Cpu = this;
  readonly mh: RT.MemHelpers;
  private readonly blocks = new Map<number, BlockFn>();
  /** Direct-mapped cache of blocks: pc tags (-1 empty) and functions. */
  private readonly jcPc = new Float64Array(JC_MASK + 1).fill(-1);
  private readonly jcFn: Array<BlockFn | undefined> = new Array(JC_MASK + 1).fill(undefined);
  private readonly pageBlocks = new Map<number, number[]>();
  private readonly helpers: Record<string, unknown>;
  private readonly helperNames: string[];
  /** Matches the helper names (whole identifiers) in a block's source. */
  private readonly helperRe: RegExp;
  /** Process-wide translation cache (see tcache.ts), or null when off. */
  tcache: TranslationCache | null;
  /** Count of blocks translated (for tests and benchmarks). */
  translations = 0;
  /** Count of hot blocks retranslated as regions. */
  regions = 0;
  /** Dispatches after which a block is retranslated as a region (0: never); for blocks translated from now on. */
  hotThreshold = HOT;

  constructor(readonly mem: AddressSpace, readonly entry: SyscallEntry) {
    this.mh = RT.makeMemHelpers(mem);
    this.helpers = {
      ...this.mh,
      S: RT.S, flagsOf: RT.flagsOf, ccOf: RT.ccOf, cfOf: RT.cfOf, bswap: RT.bswap,
      rot32: RT.rot32, rot64: RT.rot64, shd32: RT.shd32, shd64: RT.shd64,
      imul64: RT.imul64, mulhu32: RT.mulhu32, imulN: RT.imulN, muldiv8: RT.muldiv8, muldiv16: RT.muldiv16, muldiv32: RT.muldiv32, muldiv64: RT.muldiv64,
      bitscan: RT.bitscan, crc32c: RT.crc32c, cpuid: RT.cpuid, DIVERR: RT.DIVERR, GPF: RT.GPF, YIELD,
      str_movs: RT.str_movs, str_stos: RT.str_stos, str_lods: RT.str_lods, str_cmps: RT.str_cmps, str_scas: RT.str_scas,
      fxsave: (c: X86Cpu, a: number) => c.mh.stBytes(a, c.fxImage(), 512),
      fxrstor: (c: X86Cpu, a: number) => { const b = new Uint8Array(512); c.mh.ldBytes(a, b, 512); c.loadFx(b); },
      SSE, X87, MMX,
    };
    this.helperNames = Object.keys(this.helpers);
    this.helperRe = new RegExp(`\\b(?:${this.helperNames.join('|')})\\b`, 'g');
    this.tcache = sharedCache(import.meta.url, 'x86', { bundles: true });
    mem.codeWriteListeners.push(this.listener);
  }

  get instructions(): number { return this.ic; }

  run(budget: number): StopReason {
    this.lim = this.ic + budget;
    this.stopReason = null;
    let pc = this.rip;
    const blocks = this.blocks;
    let prev: BlockFn | null = null;
    let gen = this.linkGen;
    for (;;) {
      if (this.ic >= this.lim) { this.rip = pc; return BUDGET; }
      // One-entry successor cache per block (links are cleared whenever a translation is dropped).
      let f: BlockFn | undefined;
      if (prev !== null && prev.npc === pc) f = prev.nfn!;
      else {
        // Direct-mapped cache in front of the Map (returns and indirect jumps miss the link).
        const slot: number = (pc ^ (pc >>> 12)) & JC_MASK;
        if (this.jcPc[slot] === pc) f = this.jcFn[slot];
        else {
          f = blocks.get(pc);
          if (f !== undefined) { this.jcPc[slot] = pc; this.jcFn[slot] = f; }
        }
        if (f === undefined) {
          this.rip = pc;
          const t = this.translate(pc);
          if (!t) return this.stopReason!;
          f = t;
        }
        if (prev !== null) { prev.npc = pc; prev.nfn = f; }
      }
      if (PROF && f.hot === -2) {
        f.hot = -1;
        const t0 = now(), n = f(this);
        PROF.first += now() - t0;
        if (n < 0) return this.stopReason!;
        pc = n;
        if (this.linkGen !== gen) { gen = this.linkGen; prev = null; } else prev = f;
        continue;
      }
      if (f.hot > 0 && --f.hot === 0) {
        const g = this.promote(pc);
        if (g !== null) { f = g; prev = null; }
      }
      // A block that stops sets c.rip itself; this.rip is written only when run() returns.
      if (PROF) PROF.disp++;
      let n: number;
      if (f.warm !== 0) {
        // First calls of a function with a loop: a budget of one instruction makes it leave at its
        // first back edge, so its exit path and `finally` run (and get V8 type feedback) before
        // TurboFan compiles the loop on stack (OSR). V8 keeps reusing OSR code that deoptimises on
        // a path without feedback: intloop's region was deoptimised 146 times on its `finally`.
        // Several calls (WARM): V8 allocates a function's feedback vector only after it has run a
        // while, and feedback from calls before that is lost (one warm call still left intloop's
        // region deoptimising on `$w===1` in its finally, 1-6 times a run, on 2026-11-30).
        f.warm--;
        const lim = this.lim;
        this.lim = this.ic + 1;
        n = f(this);
        this.lim = lim;
      } else n = f(this);
      if (n < 0) return this.stopReason!;
      pc = n;
      // A translation dropped meanwhile (self-modifying code) may have been this block's link target.
      if (this.linkGen !== gen) { gen = this.linkGen; prev = null; } else prev = f;
    }
  }

  /** Called from a block's catch: turns guest exceptions into stop reasons; anything else is a host bug. */
  except(e: unknown, ip: number): number {
    this.rip = ip;
    if (e instanceof MemoryFault) {
      this.stopReason = { kind: 'fault', pc: ip, addr: e.addr, access: e.access, mapped: e.mapped };
      return -1;
    }
    if (e === RT.DIVERR) { this.stopReason = { kind: 'divide', pc: ip }; return -1; }
    if (e === RT.GPF || e instanceof SSE.GpAlign) { this.stopReason = { kind: 'fault', pc: ip, addr: 0, access: 'r', mapped: true, gp: true }; return -1; }
    if (e instanceof SSE.SimdIllegal || e instanceof X87.X87Illegal) { this.stopReason = { kind: 'illegal', pc: ip, detail: e.message }; return -1; }
    throw e;
  }

  private fetch = (a: number): number => {
    const mem = this.mem;
    let perm: number;
    if (a < LOW_LIMIT) perm = mem.perm[a >>> 12];
    else perm = mem.pagePerm(a);
    if (!(perm & PERM_X)) throw new MemoryFault(a, 'x', (perm & PERM_MAPPED) !== 0);
    return a < LOW_LIMIT ? mem.u8[a] : mem.highPage(Math.floor(a / PAGE_SIZE))![a % PAGE_SIZE];
  };

  /** Executable guest code as a view of memory, for the translation cache's comparisons. */
  private readonly codeView = (a: number, n: number): Uint8Array | null => this.mem.execView(a, n);

  /** The guest bytes of spans ([addr, len, ...]), concatenated: what the translation cache keys on. */
  private spanBytes(spans: number[]): Uint8Array {
    let n = 0;
    for (let i = 1; i < spans.length; i += 2) n += spans[i];
    const bytes = new Uint8Array(n);
    for (let i = 0, k = 0; i < spans.length; i += 2) for (let j = 0; j < spans[i + 1]; j++) bytes[k++] = this.fetch(spans[i] + j);
    return bytes;
  }

  private translate(pc: number): BlockFn | null {
    const t0 = PROF ? now() : 0;
    const tc = this.tcache;
    if (tc !== null) {
      // Same guest bytes at pc as a block translated before (this process or an earlier run).
      // The stored text starts with its helper bindings (prelude): no scan for them here.
      const e = tc.lookup(pc, this.fetch, 0, this.codeView);
      if (e !== null) {
        const sysNr = e.meta[0], endsSys = e.meta[1] === 1;
        const fn = this.compile({ pc, end: pc + e.bytes.length, pcs: [], src: e.src, sysNr, blockEnds: [[pc, pc + e.bytes.length]] }, tc.factoryOf(e, ''));
        if (PROF) { PROF.cached += now() - t0; PROF.hits++; fn.hot = -2; }
        else fn.hot = this.hotThreshold <= 0 || endsSys ? -1 : this.hotThreshold;
        return fn;
      }
    }
    let insns;
    try {
      insns = decodeBlock({ fetch: this.fetch }, pc);
    } catch (e) {
      if (e instanceof MemoryFault) {
        this.stopReason = { kind: 'fault', pc, addr: e.addr, access: 'x', mapped: e.mapped };
        return null;
      }
      throw e;
    }
    let t1 = 0;
    if (PROF) { t1 = now(); PROF.dec += t1 - t0; }
    const info = genBlock(insns, pc);
    if (PROF) { const t2 = now(); PROF.gen += t2 - t1; PROF.srcChars += info.src.length; }
    const endsSys = insns[insns.length - 1].op === 0x105;
    const text = this.prelude(info.src) + info.src;
    const fn = this.compile(info, text);
    if (tc && fn.factory) {
      const spans = [pc, info.end - pc];
      tc.store(pc, 0, spans, this.spanBytes(spans), [info.sysNr, endsSys ? 1 : 0], text, fn.factory);
    }
    if (PROF) fn.hot = -2; // first run timed in run()
    else fn.hot = this.hotThreshold <= 0 || endsSys ? -1 : this.hotThreshold;
    return fn;
  }

  /**
   * Retranslates the hot block at pc together with the blocks it reaches by direct jumps and
   * fall-through that have run before (so were translated), into one function (genRegion):
   * transfers between them no longer return to run(), and registers and flags stay in locals.
   * Blocks that end in a syscall join only as the entry. Returns null when there is nothing to join.
   */
  private promote(pc: number): BlockFn | null {
    const old = this.blocks.get(pc);
    const tc = this.tcache;
    const cached = tc?.lookup(pc, this.fetch, REGION, this.codeView) ?? null;
    if (cached !== null) {
      // A region made before at this pc from the same guest bytes (maybe with other members than
      // this run would pick: any choice of members is correct code, members are a heuristic).
      const sp = cached.spans, ends: Array<[number, number]> = [];
      for (let i = 0; i < sp.length; i += 2) ends.push([sp[i], sp[i] + sp[i + 1]]);
      const fn = this.compile({ pc, end: Math.max(...ends.map((e) => e[1])), pcs: [], src: cached.src, sysNr: cached.meta[0], blockEnds: ends }, tc!.factoryOf(cached, ''));
      return this.regionInstalled(fn, ends.map((e) => e[0]), old);
    }
    const list: Insn[][] = [];
    const seen = new Set<number>([pc]);
    const queue = [pc];
    let count = 0;
    while (queue.length && list.length < MAX_REGION_BLOCKS) {
      const p = queue.shift()!;
      let insns: Insn[];
      try { insns = decodeBlock({ fetch: this.fetch }, p); } catch { continue; }
      const last = insns[insns.length - 1];
      if (p !== pc && (last.op === 0x105 || last.bad)) continue;
      // A block that loops on itself is already one tight JS loop; joined into a region it ran
      // slower (measured: matmul's inner loop), so it neither starts nor joins one.
      const next = last.pc + last.len, o = last.op;
      if (isDirectBranch(o) && next + last.imm === p) { if (p === pc) return null; continue; }
      if (count + insns.length > MAX_REGION_INSNS && list.length) break;
      count += insns.length;
      list.push(insns);
      const succ: number[] = [];
      if (isCondBranch(o)) succ.push(next + last.imm, next);
      else if (o === 0xe9 || o === 0xeb) succ.push(next + last.imm);
      else if (insns.length >= 64 && !endsBlockOp(last)) succ.push(next);
      for (const t of succ) if (!seen.has(t) && this.blocks.has(t)) { seen.add(t); queue.push(t); }
    }
    if (list.length < 2) return null;
    // A block that runs into another region block's start ends there (a transfer inside the
    // function) instead of carrying a second copy of that code.
    const starts = new Set(list.map((b) => b[0].pc));
    const succs = new Map<number, number[]>();
    for (let i = 0; i < list.length; i++) {
      const j = list[i].findIndex((d, k) => k > 0 && starts.has(d.pc));
      if (j > 0) { succs.set(list[i][0].pc, [list[i][j].pc]); list[i] = list[i].slice(0, j); continue; }
      const last = list[i][list[i].length - 1], next = last.pc + last.len, o = last.op;
      const t: number[] = [];
      if (isCondBranch(o)) t.push(next + last.imm, next);
      else if (o === 0xe9 || o === 0xeb) t.push(next + last.imm);
      else if (!endsBlockOp(last)) t.push(next);
      succs.set(list[i][0].pc, t);
    }
    // Keep only the blocks on a cycle through the entry (the loop the hot block is in): other
    // hot code gains less than a bigger function costs to compile and re-optimise.
    const keep = new Set<number>([pc]);
    for (let grew = true; grew;) {
      grew = false;
      for (const b of list) {
        const p = b[0].pc;
        if (!keep.has(p) && succs.get(p)!.some((t) => keep.has(t))) { keep.add(p); grew = true; }
      }
    }
    if (keep.size < 2) return null;
    const kept = list.filter((b) => keep.has(b[0].pc));
    const info = genRegion(kept, pc);
    const text = this.prelude(info.src) + info.src;
    const fn = this.compile(info, text);
    if (tc && fn.factory) {
      const spans: number[] = [];
      for (const [b, e] of info.blockEnds) spans.push(b, e - b);
      tc.store(pc, REGION, spans, this.spanBytes(spans), [info.sysNr, 0], text, fn.factory);
    }
    return this.regionInstalled(fn, kept.map((b) => b[0].pc), old);
  }

  /** Bookkeeping for a new region function whose blocks start at members (old: the block it replaces). */
  private regionInstalled(fn: BlockFn, members: number[], old: BlockFn | undefined): BlockFn {
    fn.hot = -1;
    // The other members stay single blocks for entries from outside (e.g. after a slice ended
    // inside the loop) but do not start regions of their own: a second function for the same
    // loop cost intloop another 10-13 ms TurboFan compile while it ran.
    for (const m of members) { const f = this.blocks.get(m); if (f && f !== fn) f.hot = -1; }
    if (old) { old.npc = -1; old.nfn = undefined; }
    // Links of other blocks may still lead to the single-block translation: forget them all.
    for (const f of this.blocks.values()) { f.npc = -1; f.nfn = undefined; }
    this.linkGen++;
    this.regions++;
    return fn;
  }

  /**
   * Binds the helpers a block's source names as consts of its factory. Only those: destructuring
   * all ~50 for every block was 20-35% of `new Function` time in a replay of busybox sed's 2860
   * blocks (which use 1.2 on average); in the real run the gain is about 5-10% of that phase.
   */
  private prelude(src: string): string {
    const used = src.match(this.helperRe);
    return used === null ? '' : `const {${[...new Set(used)].join(',')}}=H;`;
  }

  /**
   * Installs the translation of info: its factory (from: given, e.g. by the translation cache, or
   * its text, the helper bindings and source, compiled here with new Function) is called with this
   * CPU's helpers and the bound syscall handler.
   */
  private compile(info: BlockInfo, from: Factory | string): BlockFn {
    const pc = info.pc;
    const sys = info.sysNr >= 0 ? this.entry.handlerFor?.(info.sysNr) : undefined;
    const t0 = PROF ? now() : 0;
    const fresh = typeof from === 'string';
    let factory: Factory;
    if (typeof from !== 'string') factory = from;
    else {
      try {
        factory = new Function('H', 'SYS', from) as Factory;
      } catch (e) {
        throw new Error(`x86 translator produced bad JS at 0x${pc.toString(16)}: ${(e as Error).message}\n${info.src}`);
      }
    }
    const fn = factory(this.helpers, sys ?? null) as BlockFn;
    fn.factory = factory;
    fn.warm = info.src.includes('L:for(') ? WARM : 0;
    if (PROF && fresh) { PROF.comp += now() - t0; PROF.n++; }
    this.translations++;
    if (DUMP) DUMP(pc, info.src);
    fn.npc = -1;
    for (const [b, e] of info.blockEnds) {
      const last = Math.max(b, e - 1);
      for (let a = Math.floor(b / PAGE_SIZE) * PAGE_SIZE; a <= last; a += PAGE_SIZE) {
        this.mem.markCode(a);
        const p = Math.floor(a / PAGE_SIZE);
        let l = this.pageBlocks.get(p);
        if (!l) { l = []; this.pageBlocks.set(p, l); }
        if (l[l.length - 1] !== pc) l.push(pc);
      }
    }
    this.blocks.set(pc, fn);
    const slot = (pc ^ (pc >>> 12)) & JC_MASK;
    this.jcPc[slot] = pc; this.jcFn[slot] = fn;
    return fn;
  }

  /** The generated source of the block at pc (for debugging and tests). */
  blockSource(pc: number): string {
    return genBlock(decodeBlock({ fetch: this.fetch }, pc), pc).src;
  }

  private dropPages(page: number, count: number): void {
    let dropped = false;
    for (let p = page; p < page + count; p++) {
      const l = this.pageBlocks.get(p);
      if (!l) continue;
      for (const pc of l) { const f = this.blocks.get(pc); if (f) { f.npc = -1; f.nfn = undefined; } this.blocks.delete(pc); }
      this.pageBlocks.delete(p);
      dropped = true;
    }
    if (dropped) {
      this.jcPc.fill(-1); this.jcFn.fill(undefined);
      // Successor links may point at dropped blocks: clear them all.
      for (const f of this.blocks.values()) { f.npc = -1; f.nfn = undefined; }
      this.linkGen++;
    }
  }
  /** Bumped when translations are dropped; run() then forgets the block it came from. */
  private linkGen = 0;

  invalidate(addr: number, len: number): void {
    if (len <= 0) return;
    const p0 = Math.floor(addr / PAGE_SIZE), p1 = Math.floor((addr + len - 1) / PAGE_SIZE);
    this.dropPages(p0, p1 - p0 + 1);
  }

  // ---- registers ----------------------------------------------------------------------------

  // The syscall path reads six registers and writes one per call: a value below 2^32 takes one
  // BigInt conversion (measured: BigInt() of a double above 2^32 costs more than the shift and
  // or of two uint32 conversions); setReg converts values below 2^53 with one Number().
  getReg(i: number): bigint {
    const lo = this.R[2 * i] >>> 0, hi = this.R[2 * i + 1];
    if (hi === 0) return BigInt(lo);
    return (BigInt(hi >>> 0) << 32n) | BigInt(lo);
  }
  setReg(i: number, v: bigint): void {
    if (v >= -9007199254740991n && v <= 9007199254740991n) {
      const n = Number(v);
      this.R[2 * i] = n | 0; // ToInt32: n mod 2^32, also for negative n
      this.R[2 * i + 1] = Math.floor(n / 4294967296) | 0;
      return;
    }
    const u = BigInt.asUintN(64, v);
    this.R[2 * i] = Number(u & 0xffffffffn) | 0;
    this.R[2 * i + 1] = Number(u >> 32n) | 0;
  }
  getPc(): number { return this.rip; }
  setPc(pc: number): void { this.rip = pc; }
  getTls(): bigint { return BigInt(this.fsBase); }
  setTls(v: bigint): void { this.fsBase = Number(BigInt.asUintN(64, v)); }

  rflags(): number {
    return flagsOf(this.fo, this.fa, this.fah, this.fb, this.fbh, this.fr, this.frh, this.fc) | this.df | this.acflag | 0x202;
  }
  setRflags(v: number): void {
    this.fo = K_RAW * 4 + 2; this.fr = v & 0x8d5; this.df = v & 0x400; this.acflag = v & 0x40000;
  }

  /**
   * The TSC: a constant-rate counter at TSC_HZ from the host's monotonic clock (as a constant,
   * invariant TSC is on Linux machines), starting near 0 when this Cpu is made; strictly
   * increasing between reads. Real time, so the vDSO converts it to clock time exactly. (The
   * argument, the instructions retired in the block so far, is not needed by a time-based TSC.)
   */
  tsc(_extra: number): number {
    const now = Math.floor(((typeof performance !== 'undefined' ? performance.now() : Date.now()) - this.tscOrigin) * (TSC_HZ / 1000)) + 1000000;
    this.lastTsc = now > this.lastTsc ? now : this.lastTsc + 1;
    return this.lastTsc;
  }
  private readonly tscOrigin = typeof performance !== 'undefined' ? performance.now() : Date.now();
  private lastTsc = 0;
  /** Cpu.counter: what rdtsc reads now. */
  counter(): bigint { return BigInt(this.tsc(0)); }
  readonly counterHz = TSC_HZ;

  setMxcsr(v: number): void { this.mxcsr = v & 0xffff; }

  fxImage(): Uint8Array {
    const b = new Uint8Array(512);
    const dv = new DataView(b.buffer);
    dv.setUint16(0, this.fcw, true);
    dv.setUint16(2, (this.fsw & ~0x3800) | ((this.ftop & 7) << 11), true);
    let tag = 0;
    for (let i = 0; i < 8; i++) if (this.ftag & (1 << i)) tag |= 1 << i;
    b[4] = tag;
    dv.setUint32(24, this.mxcsr, true);
    dv.setUint32(28, 0xffff, true);
    for (let i = 0; i < 8; i++) {
      const p = (this.ftop + i) & 7;
      dv.setBigUint64(32 + 16 * i, this.fm[p], true);
      dv.setUint16(40 + 16 * i, this.fe[p], true);
    }
    b.set(this.XU8.subarray(0, 256), 160);
    return b;
  }
  loadFx(b: Uint8Array): void {
    const dv = new DataView(b.buffer, b.byteOffset, 512);
    this.fcw = dv.getUint16(0, true);
    const sw = dv.getUint16(2, true);
    this.ftop = (sw >> 11) & 7;
    this.fsw = sw & ~0x3800;
    this.ftag = b[4];
    this.mxcsr = dv.getUint32(24, true) & 0xffff;
    for (let i = 0; i < 8; i++) {
      const p = (this.ftop + i) & 7;
      this.fm[p] = dv.getBigUint64(32 + 16 * i, true);
      this.fe[p] = dv.getUint16(40 + 16 * i, true);
    }
    this.XU8.set(b.subarray(160, 416), 0);
  }

  getState(): CpuState {
    const gpr: bigint[] = [];
    for (let i = 0; i < 16; i++) gpr.push(this.getReg(i));
    return {
      arch: 'x86_64', gpr, rip: BigInt(this.rip), rflags: BigInt(this.rflags()),
      fsBase: BigInt(this.fsBase), gsBase: BigInt(this.gsBase), fx: this.fxImage(),
    };
  }
  setState(s: CpuState): void {
    if (s.arch !== 'x86_64') throw new TypeError('x86-64 CPU given an aarch64 state');
    const x = s as X86State;
    for (let i = 0; i < 16; i++) this.setReg(i, x.gpr[i] ?? 0n);
    this.rip = Number(BigInt.asUintN(64, x.rip));
    this.setRflags(Number(x.rflags & 0xffffffffn));
    this.fsBase = Number(BigInt.asUintN(64, x.fsBase));
    this.gsBase = Number(BigInt.asUintN(64, x.gsBase));
    this.loadFx(x.fx);
  }

  destroy(): void {
    this.tcache?.flush();
    this.blocks.clear();
    this.jcPc.fill(-1); this.jcFn.fill(undefined);
    this.pageBlocks.clear();
    const i = this.mem.codeWriteListeners.indexOf(this.listener);
    if (i >= 0) this.mem.codeWriteListeners.splice(i, 1);
  }
  private listener = (page: number, count: number): void => this.dropPages(page, count);

  // ---- number register accessors (Cpu.getRegLo32/getRegHi32/setRegNum: the syscall path, no BigInt)
  getRegLo32(i: number): number { return this.R[2 * i] >>> 0; }
  getRegHi32(i: number): number { return this.R[2 * i + 1] >>> 0; }
  setRegNum(i: number, v: number): void {
    this.R[2 * i] = v | 0; // ToInt32: v mod 2^32, exact for |v| < 2^53, negative v too
    this.R[2 * i + 1] = Math.floor(v / 4294967296) | 0;
  }
}
