// The x86-64 CPU: register file, translation cache, dispatch loop, architectural state.
import {
  AddressSpace, MemoryFault, PERM_X, PERM_MAPPED, LOW_LIMIT, PAGE_SIZE,
  type Cpu, type CpuState, type StopReason, type SyscallEntry, type X86State,
} from '@elfbox/cpu';
import { decodeBlock, genBlock } from './translate.js';
import { K_RAW, flagsOf } from './flags.js';
import * as RT from './runtime.js';
import * as SSE from './sse-rt.js';
import * as X87 from './x87-rt.js';

type BlockFn = ((c: X86Cpu) => number) & { npc?: number; nfn?: BlockFn };

const YIELD: StopReason = { kind: 'yield' };

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
  private readonly pageBlocks = new Map<number, number[]>();
  private readonly helpers: Record<string, unknown>;
  private readonly helperNames: string[];
  /** Count of blocks translated (for tests and benchmarks). */
  translations = 0;

  constructor(readonly mem: AddressSpace, readonly entry: SyscallEntry) {
    this.mh = RT.makeMemHelpers(mem);
    this.helpers = {
      ...this.mh,
      S: RT.S, flagsOf: RT.flagsOf, ccOf: RT.ccOf, cfOf: RT.cfOf, bswap: RT.bswap,
      shl64: RT.shl64, shr64: RT.shr64, sar64: RT.sar64, rot32: RT.rot32, rot64: RT.rot64, shd32: RT.shd32, shd64: RT.shd64,
      imul64: RT.imul64, mul64lo: RT.mul64lo, imulN: RT.imulN, muldiv8: RT.muldiv8, muldiv16: RT.muldiv16, muldiv32: RT.muldiv32, muldiv64: RT.muldiv64,
      bitscan: RT.bitscan, crc32c: RT.crc32c, cpuid: RT.cpuid, DIVERR: RT.DIVERR, GPF: RT.GPF, YIELD,
      str_movs: RT.str_movs, str_stos: RT.str_stos, str_lods: RT.str_lods, str_cmps: RT.str_cmps, str_scas: RT.str_scas,
      fxsave: (c: X86Cpu, a: number) => c.mh.stBytes(a, c.fxImage(), 512),
      fxrstor: (c: X86Cpu, a: number) => { const b = new Uint8Array(512); c.mh.ldBytes(a, b, 512); c.loadFx(b); },
      SSE, X87,
    };
    this.helperNames = Object.keys(this.helpers);
    mem.codeWriteListeners.push(this.listener);
  }

  get instructions(): number { return this.ic; }

  run(budget: number): StopReason {
    this.lim = this.ic + budget;
    this.stopReason = null;
    let pc = this.rip;
    const blocks = this.blocks;
    let prev: BlockFn | null = null;
    for (;;) {
      if (this.ic >= this.lim) { this.rip = pc; return { kind: 'budget' }; }
      // One-entry successor cache per block (links are cleared whenever a translation is dropped).
      let f: BlockFn | undefined;
      if (prev !== null && prev.npc === pc) f = prev.nfn!;
      else {
        f = blocks.get(pc);
        if (f === undefined) {
          this.rip = pc;
          const t = this.translate(pc);
          if (!t) return this.stopReason!;
          f = t;
        }
        if (prev !== null) { prev.npc = pc; prev.nfn = f; }
      }
      const n = f(this);
      if (n < 0) return this.stopReason!;
      pc = n;
      this.rip = pc;
      prev = this.linkGen === this.runGen ? f : null;
      this.runGen = this.linkGen;
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
    if (e === RT.GPF || e instanceof SSE.GpAlign) { this.stopReason = { kind: 'fault', pc: ip, addr: 0, access: 'r', mapped: true }; return -1; }
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

  private translate(pc: number): BlockFn | null {
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
    const info = genBlock(insns, pc);
    const sys = info.sysNr >= 0 ? this.entry.handlerFor?.(info.sysNr) : undefined;
    const prelude = `const {${this.helperNames.join(',')}}=H;`;
    let fn: BlockFn;
    try {
      fn = new Function('H', 'SYS', prelude + info.src)(this.helpers, sys ?? null) as BlockFn;
    } catch (e) {
      throw new Error(`x86 translator produced bad JS at 0x${pc.toString(16)}: ${(e as Error).message}\n${info.src}`);
    }
    this.translations++;
    fn.npc = -1;
    const last = Math.max(pc, info.end - 1);
    for (let a = Math.floor(pc / PAGE_SIZE) * PAGE_SIZE; a <= last; a += PAGE_SIZE) {
      this.mem.markCode(a);
      const p = Math.floor(a / PAGE_SIZE);
      let l = this.pageBlocks.get(p);
      if (!l) { l = []; this.pageBlocks.set(p, l); }
      l.push(pc);
    }
    this.blocks.set(pc, fn);
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
      // Successor links may point at dropped blocks: clear them all.
      for (const f of this.blocks.values()) { f.npc = -1; f.nfn = undefined; }
      this.linkGen++;
    }
  }
  /** Bumped when translations are dropped; run() then forgets the block it came from. */
  private linkGen = 0;
  private runGen = 0;

  invalidate(addr: number, len: number): void {
    if (len <= 0) return;
    const p0 = Math.floor(addr / PAGE_SIZE), p1 = Math.floor((addr + len - 1) / PAGE_SIZE);
    this.dropPages(p0, p1 - p0 + 1);
  }

  // ---- registers ----------------------------------------------------------------------------

  getReg(i: number): bigint {
    return (BigInt(this.R[2 * i + 1] >>> 0) << 32n) | BigInt(this.R[2 * i] >>> 0);
  }
  setReg(i: number, v: bigint): void {
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

  /** Virtual TSC: monotonic, derived from the instruction count. */
  tsc(extra: number): number { return (this.ic + extra) * 3 + 1000000; }

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
    this.blocks.clear();
    this.pageBlocks.clear();
    const i = this.mem.codeWriteListeners.indexOf(this.listener);
    if (i >= 0) this.mem.codeWriteListeners.splice(i, 1);
  }
  private listener = (page: number, count: number): void => this.dropPages(page, count);
}
