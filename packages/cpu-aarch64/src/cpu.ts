// The aarch64 Cpu: block cache, dispatcher loop, state access, invalidation.
import { type A64State, type AddressSpace, type Cpu, type CpuState, type StopReason, type SyscallEntry, type TranslationCache, type CachedBlock, type Factory, LOW_LIMIT, PAGE_SIZE, PERM_X, PERM_MAPPED, sharedCache } from '@elfbox/cpu';
import { CNTFRQ, Tx, Undef, emitInsn } from './translate.js';
import { GuestFault, GuestTrap, makeEnv } from './runtime.js';

type BlockFn = (R: Int32Array, S: Int32Array, B: number) => number;

export interface Block {
  pc: number;
  n: number;
  fn: BlockFn | null;
  trap?: StopReason;
  svc: boolean;
  fpcrWrite: boolean;
  sys?: (cpu: Cpu) => boolean;
  dead: boolean;
  c0pc: number; c0: Block | null;
  c1pc: number; c1: Block | null;
  src?: string;
  /** Translated cold (ends at its first conditional branch); hits counts its runs until HOT. */
  cold: boolean;
  hits: number;
  /**
   * Calls left with budget 1 (loop blocks): the budget exit and the write-back then run in V8's
   * interpreter (type feedback) before a long loop is compiled on stack replacement. V8 allocates
   * a function's feedback vector only after it ran ~8 times its bytecode size, hence several calls.
   */
  prime: number;
  /** The syscall number of its svc when constant (-1: none). */
  sysNr: number;
  /** Its factory `(env, null) => fn` (shared through the translation cache). */
  factory?: Factory;
  /** The factory's text (helper bindings + block source) just compiled (until translate stores it). */
  factorySrc?: string;
  /** The guest words it was made from and its factory's text, as the translation cache keeps them. */
  entry?: { spans: number[]; bytes: Uint8Array; src: string };
}

/** A new Block: every field set, so all blocks share one shape (V8 compiles run() for one map). */
function newBlock(pc: number, hot: boolean): Block {
  return {
    pc, n: 0, fn: null, trap: undefined, svc: false, fpcrWrite: false, sys: undefined, dead: false, c0pc: -1, c0: null, c1pc: -1, c1: null,
    src: undefined, cold: !hot, hits: 0, prime: 0, sysNr: -1, factory: undefined, factorySrc: undefined, entry: undefined,
  };
}

/**
 * The guest words a translation read (rec: address -> word, plus those of entry) as the
 * translation cache's spans (runs of consecutive words) and bytes (little-endian).
 */
function wordsToSpans(rec: Map<number, number>, entry: { spans: number[]; bytes: Uint8Array } | undefined): { spans: number[]; bytes: Uint8Array } {
  const words = new Map(rec);
  if (entry) {
    const dv = new DataView(entry.bytes.buffer, entry.bytes.byteOffset, entry.bytes.byteLength);
    for (let s = 0, o = 0; s < entry.spans.length; s += 2) {
      for (let j = 0; j + 4 <= entry.spans[s + 1]; j += 4, o += 4) words.set(entry.spans[s] + j, dv.getUint32(o, true));
    }
  }
  const addrs = [...words.keys()].sort((a, b) => a - b);
  const spans: number[] = [];
  const bytes = new Uint8Array(addrs.length * 4);
  const dv = new DataView(bytes.buffer);
  addrs.forEach((a, i) => {
    dv.setUint32(i * 4, words.get(a)!, true);
    const k = spans.length;
    if (k > 0 && spans[k - 2] + spans[k - 1] === a) spans[k - 1] += 4;
    else spans.push(a, 4);
  });
  return { spans, bytes };
}

const MAX_INSNS = 256;
/** Budget-1 calls of a new loop block (Block.prime). */
const PRIME = 16;
/**
 * Runs of a cold translation before the block is translated again as a superblock. Most blocks of
 * a short program run a few times only: translating just the code that runs, in basic blocks, is
 * less JavaScript for V8 to compile than superblocks that include never-taken paths.
 */
const HOT = 16;

/** State slots in S: 0 NZCV (4 bits), 1 instructions the last block ran, 2 exclusive monitor, 3 FPCR, 4 FPSR, 5/6 TPIDR_EL0, 7 the block left through its svc. */
export class A64Cpu implements Cpu {
  /** Debugging aid: new Cpus keep their blocks' source. */
  static keepSourceDefault = false;
  /** Blocks are first translated cold (basic blocks), as superblocks once hot (false: always superblocks). */
  static tiered = !(typeof process !== 'undefined' && process.env?.ELFBOX_A64_TIERED === '0');
  /** Debugging aid: ELFBOX_A64_DUMP=1 prints every translated block's JavaScript to stderr. */
  static dump = typeof process !== 'undefined' && !!process.env?.ELFBOX_A64_DUMP;
  readonly arch = 'aarch64' as const;
  readonly R = new Int32Array(64);
  readonly S = new Int32Array(8);
  /** V0-V31 plus one scratch register (index 32) for by-element operations. */
  readonly V8 = new Uint8Array(33 * 16);
  pc = 0;
  instructions = 0;
  /** Blocks translated so far, from the translation cache or not (a statistic for benchmarks and tests). */
  translations = 0;
  /** Process-wide translation cache (packages/cpu tcache.ts), or null when off. */
  tcache: TranslationCache | null;
  /** While translating (with a cache): the words fetched, by address; `bad` a fetch that failed. */
  private rec: Map<number, number> | null = null;
  private recBad = false;
  private cache = new Map<number, Block>();
  private pages = new Map<number, Block[]>();
  private env: Record<string, unknown>;
  private envNames: string[];
  private envRe: RegExp;
  private listener: (page: number, count: number) => void;
  /** Keeps the generated source of each block (for debugging). */
  keepSource = A64Cpu.keepSourceDefault;
  /** The generated JavaScript of the block at pc, when keepSource was on at translation. */
  blockSource(pc: number): string | undefined { return this.cache.get(pc)?.src; }

  constructor(readonly mem: AddressSpace, readonly entry: SyscallEntry) {
    const t0 = typeof performance !== 'undefined' ? performance.now() : Date.now();
    this.clockMs = () => (typeof performance !== 'undefined' ? performance.now() : Date.now()) - t0;
    this.env = makeEnv(mem, this.V8, this.clockMs);
    this.envNames = Object.keys(this.env);
    // one alternation of every helper name: finds the ones a block uses in one pass (1 ms for
    // hello's 843 blocks, against 7 ms for collecting all identifiers)
    this.envRe = new RegExp(`\\b(?:${[...this.envNames].sort((a, b) => b.length - a.length).join('|').replace(/\$/g, '\\$')})\\b`, 'g');
    this.listener = (page, count) => this.invalidatePages(page, count);
    mem.codeWriteListeners.push(this.listener);
    this.tcache = sharedCache(import.meta.url, 'a64', { bundles: true });
  }

  // ---- Cpu interface ---------------------------------------------------------------------------

  /** Milliseconds since this Cpu was made: what CNTVCT_EL0 counts (runtime.ts cntvct). */
  private readonly clockMs: () => number;
  /** Cpu.counter: CNTVCT_EL0 now, computed as the mrs does. */
  counter(): bigint { return BigInt(Math.floor(this.clockMs() * (CNTFRQ / 1000))); }
  readonly counterHz = CNTFRQ;

  getReg(i: number): bigint {
    return (BigInt(this.R[2 * i + 1] >>> 0) << 32n) | BigInt(this.R[2 * i] >>> 0);
  }
  setReg(i: number, v: bigint): void {
    v = BigInt.asUintN(64, v);
    this.R[2 * i] = Number(BigInt.asIntN(32, v));
    this.R[2 * i + 1] = Number(BigInt.asIntN(32, v >> 32n));
  }
  getPc(): number { return this.pc; }
  setPc(pc: number): void { this.pc = pc; }
  getTls(): bigint { return (BigInt(this.S[6] >>> 0) << 32n) | BigInt(this.S[5] >>> 0); }
  setTls(v: bigint): void {
    v = BigInt.asUintN(64, v);
    this.S[5] = Number(BigInt.asIntN(32, v));
    this.S[6] = Number(BigInt.asIntN(32, v >> 32n));
  }
  getState(): A64State {
    const x: bigint[] = [];
    for (let i = 0; i < 31; i++) x.push(this.getReg(i));
    return {
      arch: 'aarch64', x, sp: this.getReg(31), pc: BigInt(this.pc), nzcv: (this.S[0] << 28) >>> 0,
      tpidr: this.getTls(), v: this.V8.slice(0, 512), fpcr: this.S[3] >>> 0, fpsr: this.S[4] >>> 0,
    };
  }
  setState(s: CpuState): void {
    if (s.arch !== 'aarch64') throw new TypeError('not an aarch64 state');
    for (let i = 0; i < 31; i++) this.setReg(i, s.x[i]);
    this.setReg(31, s.sp);
    this.pc = Number(s.pc);
    this.S[0] = (s.nzcv >>> 28) & 15;
    this.S[2] = 0;
    this.S[3] = s.fpcr | 0;
    this.S[4] = s.fpsr | 0;
    this.setTls(s.tpidr);
    this.V8.set(s.v.subarray(0, 512));
    this.syncFpcr();
  }
  invalidate(addr: number, len: number): void {
    if (len <= 0) return;
    const p0 = Math.floor(addr / PAGE_SIZE), p1 = Math.floor((addr + len - 1) / PAGE_SIZE);
    this.invalidatePages(p0, p1 - p0 + 1);
  }
  destroy(): void {
    const i = this.mem.codeWriteListeners.indexOf(this.listener);
    if (i >= 0) this.mem.codeWriteListeners.splice(i, 1);
    this.cache.clear();
    this.pages.clear();
    this.tcache?.flush();
  }

  /** FPCR.RMode and FPCR.FZ the translations assume; a change of either drops them all. */
  private rmode = 0;
  private fz = false;
  private syncFpcr(): void {
    const m = (this.S[3] >>> 22) & 3, z = ((this.S[3] >>> 24) & 1) !== 0;
    if (m === this.rmode && z === this.fz) return;
    this.rmode = m;
    this.fz = z;
    this.dropAll();
  }
  /** Whether blocks compute FPSR cumulative flags (on after the first mrs/msr of FPSR). */
  fpsrTrack = false;
  private dropAll(): void {
    for (const b of this.cache.values()) b.dead = true;
    this.cache.clear();
    this.pages.clear();
  }

  private invalidatePages(page: number, count: number): void {
    for (let p = page; p < page + count; p++) {
      const list = this.pages.get(p);
      if (!list) continue;
      for (const b of list) { b.dead = true; this.cache.delete(b.pc); }
      this.pages.delete(p);
    }
  }

  // ---- execution ---------------------------------------------------------------------------------

  run(budget: number): StopReason {
    const R = this.R, S = this.S;
    let pc = this.pc;
    let done = 0;
    let blk: Block | null = null;
    let inSyscall = false;
    try {
      while (done < budget) {
        let nb: Block | null | undefined = null;
        if (blk !== null) {
          if (pc === blk.c0pc && blk.c0 !== null && !blk.c0.dead) nb = blk.c0;
          else if (pc === blk.c1pc && blk.c1 !== null && !blk.c1.dead) nb = blk.c1;
        }
        let looked = nb === null;
        if (nb === null) {
          nb = this.cache.get(pc);
          if (nb === undefined) nb = this.translate(pc);
        }
        if (nb.cold && ++nb.hits >= HOT && nb.fn !== null) {
          // hot now: translate again as a superblock (the cold one is dropped; chains see `dead`)
          nb.dead = true;
          this.cache.delete(pc);
          const list = this.pages.get(Math.floor(pc / PAGE_SIZE));
          if (list) { const i = list.indexOf(nb); if (i >= 0) list.splice(i, 1); }
          nb = this.translate(pc, true);
          looked = true;
        }
        if (looked) {
          if (blk !== null && nb.fn !== null) {
            if (blk.c0 === null || blk.c0.dead) { blk.c0 = nb; blk.c0pc = pc; }
            else if (blk.c1 === null || blk.c1.dead) { blk.c1 = nb; blk.c1pc = pc; }
          }
        }
        blk = nb;
        if (blk.fn === null) {
          this.pc = pc;
          this.instructions += done;
          return blk.trap!;
        }
        let b = budget - done;
        if (blk.prime > 0) { blk.prime--; b = 1; }
        const next = blk.fn(R, S, b);
        done += S[1];
        S[1] = 0;
        if (blk.svc && S[7] !== 0) {
          S[7] = 0;
          this.pc = next;
          S[2] = 0;
          inSyscall = true;
          const ok = blk.sys ? blk.sys(this) : this.entry.syscall(this);
          inSyscall = false;
          pc = this.pc;
          blk = null;
          if (!ok) { this.instructions += done; return { kind: 'yield' }; }
          continue;
        }
        if (blk.fpcrWrite) { this.syncFpcr(); blk = null; }
        pc = next;
      }
    } catch (e) {
      this.instructions += done + S[1];
      S[1] = 0;
      if (e instanceof GuestFault) {
        this.pc = e.pc;
        if (e.align) return { kind: 'fault', pc: e.pc, addr: e.addr, access: e.access, mapped: e.mapped, align: true };
        return { kind: 'fault', pc: e.pc, addr: e.addr, access: e.access, mapped: e.mapped };
      }
      if (e instanceof GuestTrap) {
        this.pc = e.pc;
        return e.kind === 'breakpoint' ? { kind: 'breakpoint', pc: e.pc } : { kind: 'illegal', pc: e.pc };
      }
      if (inSyscall) throw e; // the kernel's own exception: not ours to translate
      // an internal error in a helper must not take the host down: stop as illegal at the block
      this.pc = blk ? blk.pc : pc;
      return { kind: 'illegal', pc: this.pc, detail: `internal error: ${(e as Error)?.message ?? e}` };
    }
    this.pc = pc;
    this.instructions += done;
    return { kind: 'budget' };
  }

  private fetch(pc: number): number | undefined {
    const w = this.fetchWord(pc);
    if (this.rec !== null) { if (w === undefined) this.recBad = true; else this.rec.set(pc, w); }
    return w;
  }
  private fetchWord(pc: number): number | undefined {
    if (pc < 0 || pc >= 2 ** 48 || pc % 4 !== 0) return undefined;
    const perm = this.mem.pagePerm(pc);
    if (!(perm & PERM_X)) return undefined;
    if (pc < LOW_LIMIT) return this.mem.dv.getUint32(pc, true);
    const page = this.mem.highPage(Math.floor(pc / PAGE_SIZE))!;
    return new DataView(page.buffer, page.byteOffset, PAGE_SIZE).getUint32(pc % PAGE_SIZE, true);
  }
  /** A guest code byte for the translation cache's comparisons (throws when not executable). */
  private readonly fetchByte = (a: number): number => {
    const w = this.fetchWord(a - (a % 4));
    if (w === undefined) throw new RangeError('not executable');
    return (w >>> ((a % 4) * 8)) & 255;
  };

  /** Executable guest code as a view of memory, for the translation cache's comparisons. */
  private readonly codeView = (a: number, n: number): Uint8Array | null => this.mem.execView(a, n);

  /**
   * The block at pc: from the translation cache when it holds one made from the same guest
   * words with the same settings (tier, rounding mode, FPSR tracking), else translated (and stored).
   */
  translate(pc: number, hot = !A64Cpu.tiered): Block {
    const tc = this.tcache;
    if (tc === null) return this.translateNew(pc, hot);
    const variant = this.variant(hot);
    let e = tc.lookup(pc, this.fetchByte, variant, this.codeView);
    // A block that became hot in an earlier run starts as the superblock it became (no cold tier).
    if (e === null && !hot) e = tc.lookup(pc, this.fetchByte, this.variant(true), this.codeView);
    if (e !== null) return this.fromCache(pc, e, tc);
    const outer = this.rec === null;
    if (outer) { this.rec = new Map(); this.recBad = false; }
    const rec = this.rec!;
    let blk: Block;
    try { blk = this.translateNew(pc, hot); } finally { if (outer) this.rec = null; }
    // Stored only when made under this variant (not after a switch to FPSR tracking) from words
    // that could all be read, and compiled.
    const src = blk.factorySrc ?? blk.entry?.src;
    if (blk.fn !== null && blk.factory && src !== undefined && !this.recBad && this.variant(hot) === variant) {
      // a cold translation that became a hot one (a loop) taken from the cache: its words count too
      const { spans, bytes } = wordsToSpans(rec, blk.entry);
      const meta = [blk.n, (blk.svc ? 1 : 0) | (blk.fpcrWrite ? 2 : 0) | (blk.prime > 0 ? 4 : 0) | (blk.cold ? 8 : 0), blk.sysNr];
      tc.store(pc, variant, spans, bytes, meta, src, blk.factory);
      blk.entry = { spans, bytes, src };
    }
    blk.factorySrc = undefined;
    return blk;
  }

  /** What a translation's source depends on besides the guest words. */
  private variant(hot: boolean): number {
    return (hot ? 1 : 0) | (this.rmode << 1) | (this.fpsrTrack ? 8 : 0) | (this.fz ? 16 : 0);
  }

  /** Installs a block from a cache entry (as translateNew would have made it). */
  private fromCache(pc: number, e: CachedBlock, tc: TranslationCache): Block {
    const [n, flags, sysNr] = e.meta;
    const blk = newBlock(pc, (flags & 8) === 0);
    blk.n = n; blk.svc = (flags & 1) !== 0; blk.fpcrWrite = (flags & 2) !== 0; blk.prime = flags & 4 ? PRIME : 0; blk.sysNr = sysNr;
    blk.entry = { spans: e.spans, bytes: e.bytes, src: e.src };
    this.translations++;
    if (blk.svc && sysNr >= 0 && this.entry.handlerFor) blk.sys = this.entry.handlerFor(sysNr);
    if (this.keepSource) blk.src = e.src.replace(/^const \{[^}]*\}=H;/, '');
    if (A64Cpu.dump) console.error(`// block 0x${pc.toString(16)} (${n} instructions, ${e.src.length} chars, from the translation cache)\n${e.src}`);
    try {
      // the stored text begins with its helper bindings (no prelude to derive here)
      blk.factory = tc.factoryOf(e, '');
      blk.fn = blk.factory(this.env, null) as BlockFn;
    } catch (err) {
      blk.fn = null;
      blk.trap = { kind: 'illegal', pc, detail: `internal: cached code did not compile: ${(err as Error).message}` };
    }
    this.install(blk);
    return blk;
  }

  /** Caches blk by pc and page, and marks its page as code. */
  private install(blk: Block): void {
    const pc = blk.pc;
    this.cache.set(pc, blk);
    const page = Math.floor(pc / PAGE_SIZE);
    let list = this.pages.get(page);
    if (!list) { list = []; this.pages.set(page, list); }
    list.push(blk);
    this.mem.markCode(pc);
  }

  /**
   * Binds the helpers a block's source names as consts of its factory. Only those: the whole
   * environment is ~150 names (~900 characters), which V8 would parse again for every block.
   */
  private prelude(src: string): string {
    const names = [...new Set(src.match(this.envRe))];
    return names.length ? `const {${names.join(',')}}=H;` : '';
  }

  /** Translates the block at pc (or makes a trap block) and caches it. */
  private translateNew(pc: number, hot: boolean, stopAt = -1): Block {
    const blk = newBlock(pc, hot);
    const first = this.fetch(pc);
    if (first === undefined) {
      const mapped = (this.mem.pagePerm(Math.max(0, Math.min(pc, 2 ** 48 - 1))) & PERM_MAPPED) !== 0 && pc % 4 === 0;
      blk.trap = { kind: 'fault', pc, addr: pc < 0 ? pc + 2 ** 64 : pc, access: 'x', mapped };
      return blk; // not cached: the page may be mapped later
    }
    this.translations++;
    const t = new Tx(pc, this.rmode, this.fpsrTrack, !hot, this.fz);
    let cur = pc;
    let illegalAt = -1, detail = '';
    for (;;) {
      while (t.skips.length > 0 && t.skips[t.skips.length - 1] === cur) t.closeSkip(false);
      if (cur === stopAt && t.skips.length === 0) { t.branch(cur); break; }
      const w = cur === pc ? first : this.fetch(cur);
      if (w === undefined) { t.branch(cur); break; }
      t.pc = cur;
      t.visited.add(cur);
      t.jumpTo = undefined;
      const g = t.g;
      const mark = g.lines.length;
      const pend = g.pend ? { ...g.pend } : null;
      const cx8 = g.constX8, nzd = g.nzDirty, fs = g.flagsSet, fl = g.flagsLiveIn, pfd = g.pfDone, sd = g.skipDepth;
      let ended: boolean;
      try {
        t.inInsn = true;
        ended = emitInsn(t, w);
        t.inInsn = false;
      } catch (err) {
        t.inInsn = false;
        // a translator bug must not escape run(): it becomes an illegal-instruction stop
        const e = err instanceof Undef ? err : new Undef(`internal translator error: ${(err as Error)?.message ?? err}`);
        g.lines.length = mark;
        g.pend = pend; g.constX8 = cx8; g.nzDirty = nzd; g.flagsSet = fs; g.flagsLiveIn = fl; g.pfDone = pfd; g.skipDepth = sd;
        if (cur === pc) { illegalAt = cur; detail = e.detail; break; }
        t.branch(cur);
        break;
      }
      t.n++;
      cur = t.jumpTo ?? cur + 4;
      if (ended) {
        // a terminator inside a skip body: the skip path goes on at the skip's target, if that
        // code has run before (a block starts there). If not, that path is rare so far (matmul's
        // `b.eq` out of the middle loop, taken once per 64 iterations): translated into this
        // block it would not have run when V8 optimised the block, and its first run would
        // deoptimise it (a 2-6 ms recompile each time); it exits to a block of its own instead.
        if (t.skips.length > 0 && !t.svc && !t.fpcrWrite) {
          cur = t.closeSkip(true);
          if (!t.visited.has(cur) && this.cache.has(cur)) continue;
          t.branch(cur);
        }
        break;
      }
      if (t.n >= MAX_INSNS || cur % PAGE_SIZE === 0 || (t.visited.has(cur) && cur !== pc)) { t.branch(cur); break; }
      // a loop block ends at its back-edge: the code after the loop runs once per loop exit, and
      // as part of this block it would not have run yet when V8 optimises the loop, so V8 would
      // deoptimise and recompile the whole block on reaching it (fp.c: 8 compiles of its matmul loop)
      if (hot && t.loop && t.skips.length === 0) { t.branch(cur); break; }
    }
    // A loop inside the block (its pre-header runs into the body, as before matmul's inner loop):
    // translated again to end where the loop starts, so the loop is a block of its own (one JS
    // loop) and its body is not also compiled here as one unrolled iteration.
    if (hot && stopAt < 0 && t.innerHead !== undefined && illegalAt < 0) { this.translations--; return this.translateNew(pc, hot, t.innerHead); }
    // a cold block that loops back to its start is likely hot: translate it as one at once, so
    // its iterations get the inline memory fast paths
    if (!hot && t.loop && illegalAt < 0) return this.translate(pc, true);
    if (t.sawFpsr && !this.fpsrTrack) {
      // The program looks at FPSR: from now on blocks compute the cumulative exception flags
      // (code that never touches FPSR does not pay for them). Existing translations are dropped.
      this.fpsrTrack = true;
      this.dropAll();
      return this.translate(pc, hot);
    }
    // close skips left open (block limit, illegal instruction, svc): each skip path exits to its target
    while (t.skips.length > 0) { const target = t.closeSkip(true); t.branch(target); }
    if (illegalAt >= 0) {
      blk.trap = { kind: 'illegal', pc: illegalAt, detail: `${detail} (0x${(first >>> 0).toString(16).padStart(8, '0')})` };
    } else {
      blk.n = t.n;
      blk.svc = t.svc;
      blk.fpcrWrite = t.fpcrWrite;
      blk.prime = t.loop ? PRIME : 0;
      if (t.svc && t.sysNr !== undefined) { blk.sysNr = t.sysNr; if (this.entry.handlerFor) blk.sys = this.entry.handlerFor(t.sysNr); }
      const src = this.assemble(t);
      if (this.keepSource) blk.src = src;
      if (A64Cpu.dump) console.error(`// block 0x${pc.toString(16)} (${t.n} instructions, ${src.length} chars)\n${src}`);
      try {
        const text = this.prelude(src) + src;
        blk.factory = new Function('H', 'SYS', text) as Factory;
        blk.fn = blk.factory(this.env, null) as BlockFn;
        blk.factorySrc = text;
      } catch (err) {
        blk.fn = null;
        blk.trap = { kind: 'illegal', pc, detail: `internal: generated code did not compile: ${(err as Error).message}` };
      }
    }
    this.install(blk);
    return blk;
  }

  private assemble(t: Tx): string {
    const g = t.g;
    const regs = [...g.used].sort((a, b) => a - b);
    let pro = 'let ';
    for (const r of regs) pro += `xl${r}=R[${2 * r}],xh${r}=R[${2 * r + 1}],`;
    pro += 'nz=S[0];';
    const nt = g.tmpCount();
    // Temps start as 0 in loop blocks (a number from the first iteration on, for V8's types); in
    // straight-line blocks every temp is assigned before it is read, so no initialiser is needed.
    if (nt) pro += `let ${Array.from({ length: nt }, (_, i) => (t.loop ? `t${i}=0` : `t${i}`)).join(',')};`;
    let wb = '';
    for (const r of g.dirty) wb += `R[${2 * r}]=xl${r};R[${2 * r + 1}]=xh${r};`;
    let body = g.lines.join('\n');
    // skipped if-bodies are subtracted from the instruction counts
    const sv = Array.from({ length: t.skipVars }, (_, i) => `s${i}`);
    const sk = sv.map((v) => `-${v}`).join('');
    body = body.split('@@SK@@').join(sk).split('@@SKR@@').join(sv.map((v) => `${v}=0;`).join(''));
    if (sv.length) pro += `let ${sv.map((v) => `${v}=0`).join(',')};`;
    if (t.loop) {
      // NZCV must be exact at the back-edge only if the next iteration can observe the old flags.
      // Strategies: the next iteration reads the flags first -> compute NZCV at the back-edge; only
      // a fault/exit before the first flag setter can observe them -> remember "pending from the
      // back-edge" (pf) and compute NZCV there from the previous iteration's temps; else nothing.
      const be = t.backEdgeFlags;
      const same = be.length > 0 && be.every((e) => e !== '' && e === be[0]);
      let bm = '', pfCode = '';
      if (g.flagsLiveIn || (g.exitBeforeSet && !same)) bm = '$1';
      else if (g.exitBeforeSet) { bm = 'pf=1;'; pfCode = `if(pf===1){nz=${be[0]};pf=0;}`; pro += 'let pf=0;'; }
      body = body.replace(/@@BM\[(.*?)\]BM@@/g, bm).split('@@PF@@').join(pfCode);
      body = body.split('@@PFX@@').join(pfCode ? t.pfExit() : '');
      pro += 'let ic=0;';
    } else body = body.split('@@PF@@').join('').split('@@PFX@@').join('');
    // Exits of hot blocks set nc (the path's instructions) and, with flags pending, fk and the
    // operand locals: the tail computes S[1] and NZCV once for all. A fault leaves nc at its
    // initial value (loop blocks: -1, the count is the completed iterations). Cold blocks' exits
    // set S[1] themselves.
    const ft = t.flagKinds.length ? t.flagTail() : '';
    if (ft) pro += 'let fk=0,fa0=0,fa1=0,fb0=0,fb1=0,fr0=0,fr1=0;';
    const count = t.loop ? `S[1]=nc<0?ic:nc${sk}+ic;` : t.cold ? '' : sk ? `if(nc!==0)S[1]=nc${sk};` : 'S[1]=nc;';
    if (count) pro += `let nc=${t.loop ? -1 : 0};`;
    // Every exit sets rt and breaks out of X to the one shared write-back. The parentheses make V8
    // compile the block function eagerly with the factory (parsed once, not pre-parsed and then
    // parsed again at its first call).
    const head = `return (function blk_${t.start.toString(16)}(R,S,B){${pro}let rt=0;\n`;
    // The write-back runs in `finally`: once in the source for the exits and for a fault.
    if (!t.loop) return `${head}try{X:{\n${body}\n}}finally{${wb}${ft}S[0]=nz;${count}}return rt;});`;
    // Loop blocks: the exits' write-back is inside the loop. V8 keeps code compiled on stack
    // replacement (OSR, a long first run of the loop) when it deoptimises after the loop: a tail
    // after the loop that has not run yet would deoptimise at every later exit through that code.
    // The catch writes back for a fault.
    return `${head}try{for(;;){X:{\n${body}\n}\n${wb}${ft}S[0]=nz;${count}return rt;}}catch(e){${wb}S[0]=nz;${count}throw e;}});`;
  }

  // ---- number register accessors (Cpu.getRegLo32/getRegHi32/setRegNum: the syscall path, no BigInt)
  getRegLo32(i: number): number { return this.R[2 * i] >>> 0; }
  getRegHi32(i: number): number { return this.R[2 * i + 1] >>> 0; }
  setRegNum(i: number, v: number): void {
    this.R[2 * i] = v | 0; // ToInt32: v mod 2^32, exact for |v| < 2^53, negative v too
    this.R[2 * i + 1] = Math.floor(v / 4294967296) | 0;
  }
}
