// LockstepCpu: runs a primary Cpu (one of our TypeScript CPUs) and a Unicorn shadow side by side
// and stops at the first difference in architectural state.
//
// - The primary executes one block at a time (run(1)); its `instructions` counter says how many
//   instructions that was, and the shadow runs exactly that many (count mode).
// - The shadow has its own copy of memory (mem.clone()), kept in the same layout through the
//   primary's layoutListeners. After every block the registers and the bytes of every page the
//   shadow stored to are compared; the whole address space is compared at every syscall and at
//   the end of every run() (that catches stores the primary made and the shadow did not).
// - Syscalls reach the kernel through the primary only. At a syscall the shadow is run up to its
//   own syscall, both are compared, the kernel runs, and its results (registers and every byte
//   of memory it changed) are copied into the shadow.
// - At the first divergence run() throws a LockstepDivergence whose message is the report: guest
//   pc, the instruction disassembled, the instructions before it, both register files with the
//   differences marked. To name the instruction inside a block, the shadow's stores of that
//   block are undone and the block is replayed one instruction at a time on the shadow: the
//   instruction named is the last one that wrote a register found different.
import {
  AddressSpace,
  type Arch,
  type A64State,
  type Cpu,
  type CpuBackend,
  type CpuState,
  type StopReason,
  type SyscallEntry,
  type X86State,
  LOW_LIMIT,
  PAGE_SIZE,
  PERM_X,
  cloneState,
} from '@elfbox/cpu';
import { icedDisasm } from './disasm.js';
import { UnicornCpu } from './unicorn.js';
import { backend as unicornBackend } from './backend.js';

export interface LockstepOptions {
  /**
   * Disassembles one instruction for reports (x86-64: bytes from pc on; aarch64: 4 bytes).
   * Default: iced-x86's Intel formatter for x86-64 when the package resolves, else hex.
   */
  disasm?: (bytes: Uint8Array, pc: number) => string;
  /** How many earlier blocks the report lists (default 4). */
  history?: number;
  /**
   * 'lazy' (default): differences only in status bits that instructions may leave undefined or
   * that our CPUs need not track (x86 AF/PF/OF after some ops, MXCSR and x87 exception flags,
   * aarch64 FPSR) are remembered, not reported, until something else diverges (the report then
   * mentions them) or they agree again. 'strict': every difference stops the run.
   */
  flags?: 'lazy' | 'strict';
  /** Compare the whole address space after every block instead of at syscalls only (slow). */
  fullMemoryEveryBlock?: boolean;
  /** Name of the primary in reports (default the backend's name or 'primary'). */
  primaryName?: string;
}

/** Thrown by LockstepCpu.run at the first divergence; `message` is the full report. */
export class LockstepDivergence extends Error {
  constructor(
    readonly pc: number,
    readonly instruction: string,
    readonly differences: string[],
    report: string,
  ) {
    super(report);
    this.name = 'LockstepDivergence';
  }
}

interface Diff {
  name: string;
  primary: string;
  shadow: string;
  /** For a memory difference: the first differing byte. */
  addr?: number;
  /** A status-only difference ('lazy' mode tolerates it). */
  soft: boolean;
}

interface TraceEntry {
  pc: number;
  /** Registers the instruction changed. */
  wrote: string[];
  after: CpuState;
  stop: StopReason;
  /** Reads the environment (cpuid, rdtsc, mrs ...): the primary's answer stands. */
  env: boolean;
  /** x86 fxsave / xsave family (images with reserved bytes). */
  fxsave: boolean;
  /** The stores it made: [address, size]. */
  stores: Array<[number, number]>;
}

interface StepRecord {
  pc: number;
  n: number;
}

/** Instructions the shadow may run looking for the syscall the primary made. */
const SYSCALL_SEARCH_LIMIT = 1_000_000;
/** Instructions a replay steps through at most when looking for a syscall. */
const REPLAY_LIMIT = 20_000;
/** Iterations of a conditional rep (repe cmps / repne scas) stepped one by one at most. */
const REP_STEP_LIMIT = 10_000_000;

const hex = (v: bigint | number, w = 16): string => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16).padStart(w, '0');

export class LockstepCpu implements Cpu {
  readonly arch: Arch;
  readonly mem: AddressSpace;
  readonly primary: Cpu;
  readonly shadow: UnicornCpu;
  readonly shadowMem: AddressSpace;
  private readonly entry: SyscallEntry;
  private readonly opts: Required<Omit<LockstepOptions, 'disasm'>> & { disasm?: LockstepOptions['disasm'] };
  private readonly layoutListener: (op: 'map' | 'unmap' | 'protect', addr: number, len: number, perm: number) => void;

  /** Pages the shadow stored to during the current step, with the bytes before each store. */
  private readonly writtenPages = new Set<number>();
  private undo: Array<{ addr: number; old: Uint8Array }> = [];
  private recording = false;
  private stepStart: CpuState | undefined;
  private syscallSeen = false;
  private readonly history: StepRecord[] = [];
  private softNote: string | undefined;
  private lastState: CpuState | undefined;
  private regionCache: { gen: number; list: Array<{ start: number; end: number; perm: number }> } | undefined;
  /** Steps that read the environment (cpuid, rdtsc ...) and were taken from the primary. */
  envSteps = 0;
  private steps = 0;
  private checkedInstructions = 0;

  constructor(arch: Arch, mem: AddressSpace, entry: SyscallEntry, primary: CpuBackend | ((mem: AddressSpace, entry: SyscallEntry) => Cpu), opts: LockstepOptions = {}) {
    this.arch = arch;
    this.mem = mem;
    this.entry = entry;
    this.opts = {
      history: opts.history ?? 4,
      flags: opts.flags ?? 'lazy',
      fullMemoryEveryBlock: opts.fullMemoryEveryBlock ?? false,
      primaryName: opts.primaryName ?? (typeof primary === 'function' ? 'primary' : primary.name),
      disasm: opts.disasm,
    };
    // The primary calls our entry, so every syscall passes through the checker. No handlerFor:
    // a translator must not bind a site straight to a kernel handler behind our back.
    const wrapped: SyscallEntry = { syscall: () => this.onPrimarySyscall() };
    this.primary = typeof primary === 'function' ? primary(mem, wrapped) : primary.create(arch, mem, wrapped);
    if (this.primary.arch !== arch) throw new TypeError(`lockstep: primary runs ${this.primary.arch}, not ${arch}`);
    if (this.primary.instructions === undefined) throw new TypeError('lockstep: the primary CPU does not count instructions');
    this.shadowMem = mem.clone();
    this.shadow = new UnicornCpu(arch, this.shadowMem, { syscall: () => false }, {
      budget: 'count',
      onWrite: (addr, size) => this.onShadowWrite(addr, size),
    });
    this.layoutListener = (op, addr, len, perm) => {
      if (op === 'map') this.shadowMem.map(addr, len, perm);
      else if (op === 'unmap') this.shadowMem.unmap(addr, len);
      else this.shadowMem.protect(addr, len, perm);
    };
    mem.layoutListeners.push(this.layoutListener);
  }

  get instructions(): number | undefined {
    return this.primary.instructions;
  }

  /** Instructions executed on both CPUs and found equal so far. */
  get checked(): number {
    return this.checkedInstructions;
  }

  // ---- Cpu: registers go to the primary; the shadow is synced at the start of every run() ----

  getReg(i: number): bigint { return this.primary.getReg(i); }
  setReg(i: number, v: bigint): void { this.primary.setReg(i, v); }
  getRegLo32(i: number): number { return this.primary.getRegLo32(i); }
  getRegHi32(i: number): number { return this.primary.getRegHi32(i); }
  setRegNum(i: number, v: number): void { this.primary.setRegNum(i, v); }
  getPc(): number { return this.primary.getPc(); }
  setPc(pc: number): void { this.primary.setPc(pc); }
  getTls(): bigint { return this.primary.getTls(); }
  setTls(v: bigint): void { this.primary.setTls(v); }
  getState(): CpuState { return this.primary.getState(); }
  setState(s: CpuState): void { this.primary.setState(s); }
  invalidate(addr: number, len: number): void {
    this.primary.invalidate(addr, len);
    this.shadow.invalidate(addr, len);
  }

  destroy(): void {
    const i = this.mem.layoutListeners.indexOf(this.layoutListener);
    if (i >= 0) this.mem.layoutListeners.splice(i, 1);
    this.primary.destroy();
    this.shadow.destroy();
    this.shadowMem.release(); // the shadow's copy of memory: nothing views it any more
  }

  run(budget: number): StopReason {
    // The kernel may have changed registers (signal delivery, thread switch) and memory since.
    this.shadow.setState(this.primary.getState());
    this.syncMemory();
    this.softNote = undefined;
    let done = 0;
    this.lastState = undefined;
    while (done < budget) {
      const ic0 = this.primary.instructions!;
      // The state after the previous step is this step's start (nothing ran in between).
      this.stepStart = this.lastState ?? this.primary.getState();
      this.lastState = undefined;
      this.beginRecording();
      this.syscallSeen = false;
      const r = this.primary.run(1);
      const n = this.primary.instructions! - ic0;
      if (r.kind === 'fault' && n === 0 && this.mem.resolveLazy(r.addr, r.access)) {
        // a fetch from a page a fork had not copied yet (AddressSpace.fork): resolved, retried;
        // the shadow's memory is a full copy and never faults there
        this.recording = false;
        this.lastState = undefined;
        continue;
      }
      done += Math.max(1, n);
      this.steps++;
      if (this.syscallSeen) {
        // Compared and synced in onPrimarySyscall; the syscall ended the step.
        this.pushHistory(Number(this.pcOf(this.stepStart)), n);
        this.checkedInstructions += n;
        if (r.kind !== 'budget') return r;
        continue;
      }
      let rs: StopReason = n > 0 ? this.shadow.run(n) : { kind: 'budget' };
      if (r.kind !== 'budget' && rs.kind === 'budget') rs = this.shadow.run(1); // the trapping instruction
      this.recording = false;
      this.compareStep(r, rs, n);
      this.pushHistory(Number(this.pcOf(this.stepStart)), n);
      this.checkedInstructions += n;
      if (r.kind !== 'budget') return r;
    }
    const m = this.compareAllMemory();
    if (m) this.diverge([m], this.primary.getState(), undefined, [], 'memory differs at the end of a slice: a store only one of the CPUs made');
    return { kind: 'budget' };
  }

  // ---- the checking -------------------------------------------------------------------------

  private onPrimarySyscall(): boolean {
    this.syscallSeen = true;
    // The shadow runs to its own syscall (its entry stops it there).
    const rs = this.shadow.run(SYSCALL_SEARCH_LIMIT);
    this.recording = false;
    const pState = this.primary.getState();
    const diffs = this.compareStates(pState, this.shadow.getState(), true);
    if (rs.kind !== 'yield') diffs.unshift({ name: 'stop', primary: 'syscall', shadow: describeStop(rs), soft: false });
    const mem = this.compareWrittenPages() ?? this.compareAllMemory();
    if (mem) diffs.push(mem);
    this.resolve(diffs, pState, { kind: 'yield' }, undefined, true);
    const ok = this.entry.syscall(this);
    // The kernel's results: registers and every byte it changed.
    this.shadow.setState(this.primary.getState());
    this.syncMemory();
    return ok;
  }

  private compareStep(r: StopReason, rs: StopReason, n: number): void {
    const pState = this.primary.getState();
    this.lastState = pState;
    const diffs: Diff[] = [];
    if (!sameStop(r, rs)) diffs.push({ name: 'stop', primary: describeStop(r), shadow: describeStop(rs), soft: false });
    diffs.push(...this.compareStates(pState, this.shadow.getState(), false));
    const mem = this.compareWrittenPages() ?? (this.opts.fullMemoryEveryBlock ? this.compareAllMemory() : undefined);
    if (mem) diffs.push(mem);
    if (diffs.length) this.resolve(diffs, pState, r, n, false);
  }

  private hard(diffs: Diff[]): Diff[] {
    return this.opts.flags === 'strict' ? diffs : diffs.filter((d) => !d.soft);
  }

  /**
   * Differences after a step. Only status bits: remember them. Otherwise replay the step on the
   * shadow one instruction at a time (x86 rep string instructions as one instruction, as our
   * CPUs count them, not one per iteration as Unicorn does); if the replay agrees, go on. If the
   * step read the environment (cpuid, rdtsc, rdrand, xgetbv; aarch64 mrs), the primary's
   * answer stands: it is copied to the shadow. Else report the divergence.
   */
  private resolve(diffs: Diff[], pState: CpuState, r: StopReason, n: number | undefined, atSyscall: boolean): void {
    if (this.hard(diffs).length === 0) {
      this.noteSoft(diffs);
      return;
    }
    const trace = this.replayBlock(this.stepStart!, n, r);
    const last = trace[trace.length - 1];
    let finalDiffs = diffs;
    if (last) {
      const d2 = this.compareStates(pState, last.after, atSyscall);
      if (!sameStop(r, last.stop)) d2.unshift({ name: 'stop', primary: describeStop(r), shadow: describeStop(last.stop), soft: false });
      const m2 = this.compareWrittenPages() ?? (atSyscall || this.opts.fullMemoryEveryBlock ? this.compareAllMemory() : undefined);
      if (m2) d2.push(m2);
      if (this.hard(d2).length === 0) {
        this.noteSoft(d2);
        return;
      }
      finalDiffs = d2;
    }
    // fxsave/xsave images have reserved bytes: Unicorn leaves them as they were, our CPUs may
    // zero them. Only memory differing after such a step: the primary's bytes stand.
    const onlyMemory = this.hard(finalDiffs).every((d) => d.name.startsWith('memory '));
    if (trace.some((t) => t.env) || (onlyMemory && trace.some((t) => t.fxsave))) {
      this.shadow.setState(this.primary.getState());
      this.syncMemory();
      this.envSteps++;
      return;
    }
    this.diverge(finalDiffs, pState, n, trace);
  }

  private noteSoft(diffs: Diff[]): void {
    const soft = diffs.filter((d) => d.soft);
    if (soft.length) {
      this.softNote ??= `status-only differences since the block at ${hex(this.pcOf(this.stepStart!), 1)}: ${soft.map((d) => `${d.name} ${d.primary} vs ${d.shadow}`).join(', ')}`;
    } else this.softNote = undefined;
  }

  private compareStates(p: CpuState, s: CpuState, atSyscall: boolean): Diff[] {
    const out: Diff[] = [];
    const reg = (name: string, a: bigint | number, b: bigint | number, soft = false, w = 16): void => {
      if (a !== b && BigInt(a) !== BigInt(b)) out.push({ name, primary: hex(a, w), shadow: hex(b, w), soft });
    };
    const bytes = (name: string, a: Uint8Array, b: Uint8Array): void => {
      for (let i = 0; i < a.length; i++) {
        if (a[i] !== b[i]) {
          out.push({ name, primary: bytesHex(a), shadow: bytesHex(b), soft: false });
          return;
        }
      }
    };
    if (p.arch === 'x86_64' && s.arch === 'x86_64') {
      for (let i = 0; i < 16; i++) {
        // SYSCALL writes rcx and r11 before the kernel sees them (and Linux clobbers both): skip.
        if (atSyscall && (i === 1 || i === 11)) continue;
        reg(X86_NAMES[i], p.gpr[i], s.gpr[i]);
      }
      reg('rip', p.rip, s.rip);
      // The status flags are left undefined by many instructions (imul: SF ZF AF PF; shifts: OF;
      // bsf: most), so a difference there is remembered, not fatal: if it matters, a branch or
      // value diverges later and the report names where the flags first differed. DF is never
      // undefined.
      reg('rflags(DF)', p.rflags & 0x400n, s.rflags & 0x400n);
      reg('rflags(status)', p.rflags & 0x8d5n, s.rflags & 0x8d5n, true);
      reg('fs_base', p.fsBase, s.fsBase);
      reg('gs_base', p.gsBase, s.gsBase);
      const pd = new DataView(p.fx.buffer, p.fx.byteOffset, 512), sd = new DataView(s.fx.buffer, s.fx.byteOffset, 512);
      reg('fcw', pd.getUint16(0, true), sd.getUint16(0, true), false, 4);
      reg('fsw(top,cc)', pd.getUint16(2, true) & 0x7f00, sd.getUint16(2, true) & 0x7f00, false, 4);
      reg('fsw(exceptions)', pd.getUint16(2, true) & 0x80ff, sd.getUint16(2, true) & 0x80ff, true, 4);
      reg('ftw', p.fx[4], s.fx[4], false, 2);
      reg('mxcsr(control)', pd.getUint32(24, true) & 0xffc0, sd.getUint32(24, true) & 0xffc0, false, 8);
      reg('mxcsr(flags)', pd.getUint32(24, true) & 0x3f, sd.getUint32(24, true) & 0x3f, true, 8);
      const top = (pd.getUint16(2, true) >> 11) & 7;
      for (let i = 0; i < 8; i++) {
        const phys = (top + i) & 7;
        if (!(p.fx[4] & (1 << phys)) && !(s.fx[4] & (1 << phys))) continue; // empty: contents don't matter
        bytes(`st${i}`, p.fx.subarray(32 + 16 * i, 42 + 16 * i), s.fx.subarray(32 + 16 * i, 42 + 16 * i));
      }
      for (let i = 0; i < 16; i++) bytes(`xmm${i}`, p.fx.subarray(160 + 16 * i, 176 + 16 * i), s.fx.subarray(160 + 16 * i, 176 + 16 * i));
      return out;
    }
    if (p.arch === 'aarch64' && s.arch === 'aarch64') {
      for (let i = 0; i < 31; i++) reg(`x${i}`, p.x[i], s.x[i]);
      reg('sp', p.sp, s.sp);
      reg('pc', p.pc, s.pc);
      reg('nzcv', p.nzcv >>> 0, s.nzcv >>> 0, false, 8);
      reg('tpidr_el0', p.tpidr, s.tpidr);
      for (let i = 0; i < 32; i++) bytes(`v${i}`, p.v.subarray(16 * i, 16 * i + 16), s.v.subarray(16 * i, 16 * i + 16));
      reg('fpcr', p.fpcr >>> 0, s.fpcr >>> 0, false, 8);
      reg('fpsr', p.fpsr >>> 0, s.fpsr >>> 0, true, 8);
    }
    return out;
  }

  // ---- memory -------------------------------------------------------------------------------

  private beginRecording(): void {
    this.writtenPages.clear();
    this.undo = [];
    this.recording = true;
  }

  /** UC_HOOK_MEM_WRITE: called before the store, so the old bytes can still be saved. */
  private onShadowWrite(addr: number, size: number): void {
    if (!this.recording) return;
    const end = addr + size;
    for (let p = Math.floor(addr / PAGE_SIZE); p * PAGE_SIZE < end; p++) this.writtenPages.add(p);
    const old = new Uint8Array(size);
    for (let i = 0; i < size; i++) old[i] = peek(this.shadowMem, addr + i);
    this.undo.push({ addr, old });
  }

  private compareWrittenPages(): Diff | undefined {
    for (const p of [...this.writtenPages].sort((a, b) => a - b)) {
      const d = this.comparePage(p);
      if (d) return d;
    }
    return undefined;
  }

  private comparePage(p: number): Diff | undefined {
    const a = pageBytes(this.mem, p), b = pageBytes(this.shadowMem, p);
    if (!a || !b) return a === b ? undefined : { name: `page ${hex(p * PAGE_SIZE, 1)}`, primary: a ? 'mapped' : 'unmapped', shadow: b ? 'mapped' : 'unmapped', soft: false };
    if (Buffer.compare(a, b) === 0) return undefined;
    let i = 0;
    while (a[i] === b[i]) i++;
    const at = p * PAGE_SIZE + i;
    const lo = i - (i % 8);
    return { name: `memory ${hex(at, 1)}`, primary: bytesHex(a.subarray(lo, lo + 8)), shadow: bytesHex(b.subarray(lo, lo + 8)), soft: false, addr: at };
  }

  /** The first difference anywhere in the address space, or undefined. */
  private compareAllMemory(): Diff | undefined {
    for (const r of this.regions()) {
      for (let a = r.start; a < r.end; ) {
        // Compare big runs natively; descend to pages only where they differ.
        const chunkEnd = Math.min(r.end, a + 256 * PAGE_SIZE);
        if (a < LOW_LIMIT && chunkEnd <= LOW_LIMIT && this.shadowMem.isMapped(a) &&
            Buffer.compare(this.mem.u8.subarray(a, chunkEnd), this.shadowMem.u8.subarray(a, chunkEnd)) === 0) {
          a = chunkEnd;
          continue;
        }
        for (let q = a; q < chunkEnd; q += PAGE_SIZE) {
          const d = this.comparePage(q / PAGE_SIZE);
          if (d) return d;
        }
        a = chunkEnd;
      }
    }
    return undefined;
  }

  /** mem.regions() scans every low page; the layout changes rarely, so keep the list per generation. */
  private regions(): Array<{ start: number; end: number; perm: number }> {
    if (this.regionCache?.gen !== this.mem.generation) this.regionCache = { gen: this.mem.generation, list: [...this.mem.regions()] };
    return this.regionCache.list;
  }

  /** Copies every page that differs from the primary's memory into the shadow's. */
  private syncMemory(): void {
    for (const r of this.regions()) {
      for (let a = r.start; a < r.end; a += PAGE_SIZE) {
        const p = a / PAGE_SIZE;
        const src = pageBytes(this.mem, p);
        let dst = pageBytes(this.shadowMem, p);
        if (!src) continue;
        if (!dst) {
          this.shadowMem.map(a, PAGE_SIZE, this.mem.pagePerm(a));
          dst = pageBytes(this.shadowMem, p)!;
        }
        if (Buffer.compare(src, dst) !== 0) {
          dst.set(src);
          if (this.mem.pagePerm(a) & PERM_X) this.shadow.invalidate(a, PAGE_SIZE);
        }
      }
    }
  }

  // ---- the report ---------------------------------------------------------------------------

  private pushHistory(pc: number, n: number): void {
    this.history.push({ pc, n });
    if (this.history.length > this.opts.history) this.history.shift();
  }

  private pcOf(s: CpuState): bigint {
    return s.arch === 'x86_64' ? s.rip : s.pc;
  }

  private diverge(diffs: Diff[], pState: CpuState, n: number | undefined, trace: TraceEntry[], headline?: string): never {
    const start = this.stepStart!;
    const hard = this.hard(diffs);
    // Did the primary miscount? The shadow's state a few instructions later or earlier may
    // equal the primary's exactly.
    let countNote: string | undefined;
    if (n !== undefined) {
      const more = trace.length >= n ? this.extendTrace(trace, n + 8) : trace;
      const k = more.findIndex((t) => this.hard(this.compareStates(pState, t.after, false)).length === 0);
      if (k >= 0 && k + 1 !== n) countNote = `the primary's instruction counter says ${n} for this block, but the states agree after ${k + 1}: a counting bug in the primary?`;
    }
    const block = n !== undefined ? trace.slice(0, n + 1) : trace;
    let culprit = block.length ? block[block.length - 1] : undefined;
    const regNames = new Set(hard.map((d) => d.name));
    let named = false;
    for (let k = block.length - 1; k >= 0 && !named; k--) {
      if (block[k].wrote.some((w) => regNames.has(w))) {
        culprit = block[k];
        named = true;
      }
    }
    let wroteLabel: string[] = named ? culprit!.wrote.filter((w) => regNames.has(w)) : [];
    if (!named) {
      // A memory difference: the last instruction that stored to that byte.
      for (const d of hard) {
        if (d.addr === undefined) continue;
        const at = d.addr;
        for (let k = block.length - 1; k >= 0 && !named; k--) {
          if (block[k].stores.some(([a, n]) => a <= at && at < a + n)) {
            culprit = block[k];
            named = true;
            wroteLabel = [`memory ${hex(at, 1)}`];
          }
        }
        if (named) break;
      }
    }
    if (!named) {
      // No register or store to blame (a stop difference): name the step's last instruction,
      // or the one whose stop differs.
      const stopAt = block.findIndex((t) => t.stop.kind !== 'budget');
      if (stopAt >= 0) culprit = block[stopAt];
    }
    const pc = culprit?.pc ?? Number(this.pcOf(start));
    const insn = this.disasmAt(pc);
    const lines: string[] = [];
    const pn = this.opts.primaryName === 'primary' ? 'the primary' : `${this.opts.primaryName} (primary)`;
    lines.push(`elfbox lockstep: ${this.arch} divergence between ${pn} and unicorn (shadow)`);
    if (headline) lines.push(`  ${headline}`);
    if (countNote) lines.push(`  ${countNote}`);
    lines.push(`  at pc ${hex(pc, 1)}: ${insn}${wroteLabel.length ? '   <- last instruction to write ' + wroteLabel.join(', ') : ''}`);
    lines.push(`  block ${hex(this.pcOf(start), 1)} (${n ?? 'up to a syscall:'} ${n === undefined ? block.length : ''} instructions), ${this.checkedInstructions} instructions checked before it, step ${this.steps}`.replace('  instructions', ' instructions'));
    lines.push('  previous instructions:');
    for (const h of this.history) lines.push(`    block ${hex(h.pc, 1)}: ${h.n} instructions`);
    for (const t of block) {
      if (t === culprit) break;
      lines.push(`    ${hex(t.pc, 1)}: ${this.disasmAt(t.pc)}`);
    }
    lines.push(`  differences (${this.opts.primaryName} vs unicorn; * stops the run, ~ status only):`);
    for (const d of diffs) lines.push(`    ${hard.includes(d) ? '*' : '~'} ${d.name.padEnd(18)} ${d.primary}  ${d.shadow}`);
    if (this.softNote) lines.push(`  note: ${this.softNote}`);
    lines.push(`  registers (${this.opts.primaryName} | unicorn; * marks a difference):`);
    const shadowState = block.length ? block[block.length - 1].after : this.shadow.getState();
    lines.push(...this.registerTable(pState, shadowState, new Set(diffs.map((d) => d.name))));
    const report = lines.join('\n');
    throw new LockstepDivergence(pc, insn, diffs.map((d) => `${d.name}: ${d.primary} vs ${d.shadow}`), report);
  }

  private registerTable(p: CpuState, s: CpuState, marked: Set<string>): string[] {
    const rows: Array<[string, string, string]> = [];
    if (p.arch === 'x86_64' && s.arch === 'x86_64') {
      for (let i = 0; i < 16; i++) rows.push([X86_NAMES[i], hex(p.gpr[i]), hex(s.gpr[i])]);
      rows.push(['rip', hex(p.rip), hex(s.rip)], ['rflags', hex(p.rflags), hex(s.rflags)], ['fs_base', hex(p.fsBase), hex(s.fsBase)], ['gs_base', hex(p.gsBase), hex(s.gsBase)]);
      for (let i = 0; i < 16; i++) rows.push([`xmm${i}`, bytesHex(p.fx.subarray(160 + 16 * i, 176 + 16 * i)), bytesHex(s.fx.subarray(160 + 16 * i, 176 + 16 * i))]);
    } else if (p.arch === 'aarch64' && s.arch === 'aarch64') {
      for (let i = 0; i < 31; i++) rows.push([`x${i}`, hex(p.x[i]), hex(s.x[i])]);
      rows.push(['sp', hex(p.sp), hex(s.sp)], ['pc', hex(p.pc), hex(s.pc)], ['nzcv', hex(p.nzcv, 8), hex(s.nzcv, 8)], ['tpidr_el0', hex(p.tpidr), hex(s.tpidr)]);
      for (let i = 0; i < 32; i++) rows.push([`v${i}`, bytesHex(p.v.subarray(16 * i, 16 * i + 16)), bytesHex(s.v.subarray(16 * i, 16 * i + 16))]);
    }
    return rows.map(([n, a, b]) => {
      const mark = [...marked].some((m) => m === n || m.startsWith(n + '(')) || a !== b ? '*' : ' ';
      return `    ${mark} ${n.padEnd(9)} ${a}  ${b}`;
    });
  }

  /**
   * Undoes the shadow's stores of the current step, restores the step's start state and runs the
   * step again one instruction at a time: n instructions (plus the trapping one when the primary
   * stopped on a trap), or up to the syscall when n is unknown.
   */
  private replayBlock(start: CpuState, n: number | undefined, r: StopReason): TraceEntry[] {
    const out: TraceEntry[] = [];
    try {
      this.recording = false;
      const undo = this.undo;
      const codePages = new Set<number>();
      for (let i = undo.length - 1; i >= 0; i--) {
        poke(this.shadowMem, undo[i].addr, undo[i].old);
        if (this.shadowMem.pagePerm(undo[i].addr) & PERM_X) codePages.add(Math.floor(undo[i].addr / PAGE_SIZE));
      }
      this.undo = [];
      // Only code the step itself rewrote needs retranslating (flushing every translation instead
      // made whole-program lockstep runs ~15x slower).
      for (const p of codePages) this.shadow.invalidate(p * PAGE_SIZE, PAGE_SIZE);
      this.shadow.setState(start);
      this.recording = true;
      const steps = n === undefined ? REPLAY_LIMIT : n + (r.kind === 'budget' ? 0 : 1);
      let prev = cloneState(start);
      for (let k = 0; k < steps; k++) {
        const e = this.stepOne(prev);
        out.push(e);
        prev = e.after;
        if (e.stop.kind !== 'budget') break;
      }
    } catch {
      /* best effort: the report still has the step-level differences */
    } finally {
      this.recording = false;
    }
    return out;
  }

  /** More single steps after a replayed trace (for the instruction-count diagnosis only). */
  private extendTrace(trace: TraceEntry[], total: number): TraceEntry[] {
    const out = trace.slice();
    try {
      let prev = out.length ? out[out.length - 1].after : this.stepStart!;
      while (out.length < total && (out.length === 0 || out[out.length - 1].stop.kind === 'budget')) {
        const e = this.stepOne(prev);
        out.push(e);
        prev = e.after;
      }
    } catch {
      /* diagnosis only */
    }
    return out;
  }

  /** One instruction on the shadow. An x86 rep string instruction runs to its end. */
  private stepOne(prev: CpuState): TraceEntry {
    const pc = this.shadow.getPc();
    const bytes = this.codeBytes(pc);
    const env = isEnvInsn(this.arch, bytes);
    let stop: StopReason;
    const u0 = this.undo.length;
    const rep = this.arch === 'x86_64' ? repString(bytes) : undefined;
    if (rep) {
      const rcx = this.shadow.getReg(1);
      const count = rep.addr32 ? Number(rcx & 0xffffffffn) : Number(rcx);
      stop = this.shadow.run(rep.exact ? Math.max(1, Math.min(count, 2 ** 40)) : 1);
      for (let i = 0; stop.kind === 'budget' && this.shadow.getPc() === pc && i < REP_STEP_LIMIT; i++) stop = this.shadow.run(1);
    } else {
      stop = this.shadow.run(1);
    }
    const after = this.shadow.getState();
    const stores = this.undo.slice(u0).map((u): [number, number] => [u.addr, u.old.length]);
    return { pc, wrote: changedRegs(prev, after), after, stop, env, fxsave: this.arch === 'x86_64' && isFxsave(bytes), stores };
  }

  private codeBytes(pc: number): Uint8Array {
    const bytes = new Uint8Array(16);
    let n = 0;
    for (; n < 16; n++) {
      const a = pc + n;
      if (!(this.shadowMem.pagePerm(a) & 1)) break;
      bytes[n] = peek(this.shadowMem, a);
    }
    return bytes.subarray(0, n);
  }

  private disasmAt(pc: number): string {
    const all = this.codeBytes(pc);
    const b = this.arch === 'aarch64' ? all.subarray(0, 4) : all;
    const dis = this.opts.disasm ?? (this.arch === 'x86_64' ? icedDisasm() : undefined);
    if (dis) {
      try {
        return dis(b, pc);
      } catch (e) {
        return `(disassembler failed: ${(e as Error).message}) ${bytesHex(b)}`;
      }
    }
    if (this.arch === 'aarch64' && b.length === 4) return `.inst 0x${new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true).toString(16).padStart(8, '0')}`;
    return `bytes ${bytesHex(b)}`;
  }
}

/** A CpuBackend whose CPUs run `primary` in lockstep with Unicorn. */
export function lockstepBackend(primary: CpuBackend, opts: LockstepOptions = {}): CpuBackend {
  return {
    name: `${primary.name}+lockstep`,
    arches: primary.arches,
    create: (arch, mem, entry) => new LockstepCpu(arch, mem, entry, primary, opts),
    // What both CPUs implement: the guest must pick code paths the primary runs and the oracle
    // can check (Unicorn 2.0.1's arm64 CPU has no LSE atomics or CRC32, which ours advertises).
    hwcap: (arch) => {
      const p = primary.hwcap(arch), u = unicornBackend.hwcap(arch);
      return { hwcap: p.hwcap & u.hwcap, hwcap2: p.hwcap2 & u.hwcap2, platform: p.platform };
    },
  };
}

const X86_NAMES = ['rax', 'rcx', 'rdx', 'rbx', 'rsp', 'rbp', 'rsi', 'rdi', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15'];

function changedRegs(a: CpuState, b: CpuState): string[] {
  const out: string[] = [];
  if (a.arch === 'x86_64' && b.arch === 'x86_64') {
    for (let i = 0; i < 16; i++) if (a.gpr[i] !== b.gpr[i]) out.push(X86_NAMES[i]);
    if ((a.rflags & 0x4c5n) !== (b.rflags & 0x4c5n)) out.push('rflags');
    for (let i = 0; i < 16; i++) {
      const o = 160 + 16 * i;
      if (!eqBytes(a.fx.subarray(o, o + 16), b.fx.subarray(o, o + 16))) out.push(`xmm${i}`);
    }
    for (let i = 0; i < 8; i++) {
      const o = 32 + 16 * i;
      if (!eqBytes(a.fx.subarray(o, o + 10), b.fx.subarray(o, o + 10))) out.push(`st${i}`);
    }
    if (a.fsBase !== b.fsBase) out.push('fs_base');
  } else if (a.arch === 'aarch64' && b.arch === 'aarch64') {
    const A = a as A64State, B = b as A64State;
    for (let i = 0; i < 31; i++) if (A.x[i] !== B.x[i]) out.push(`x${i}`);
    if (A.sp !== B.sp) out.push('sp');
    if (A.nzcv !== B.nzcv) out.push('nzcv');
    if (A.tpidr !== B.tpidr) out.push('tpidr_el0');
    for (let i = 0; i < 32; i++) if (!eqBytes(A.v.subarray(16 * i, 16 * i + 16), B.v.subarray(16 * i, 16 * i + 16))) out.push(`v${i}`);
    if (A.fpcr !== B.fpcr) out.push('fpcr');
  }
  return out;
}

function eqBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function bytesHex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
}

function sameStop(a: StopReason, b: StopReason): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'fault' && b.kind === 'fault') return a.pc === b.pc && a.addr === b.addr && a.access === b.access && a.mapped === b.mapped;
  if ('pc' in a && 'pc' in b) return a.pc === b.pc;
  return true;
}

function describeStop(r: StopReason): string {
  switch (r.kind) {
    case 'fault': return `fault(${r.access} ${hex(r.addr, 1)} at pc ${hex(r.pc, 1)}${r.mapped ? ', mapped' : ''})`;
    case 'illegal': return `illegal(pc ${hex(r.pc, 1)})`;
    case 'breakpoint': return `breakpoint(pc ${hex(r.pc, 1)})`;
    case 'divide': return `divide(pc ${hex(r.pc, 1)})`;
    default: return r.kind;
  }
}

function pageBytes(mem: AddressSpace, p: number): Uint8Array | undefined {
  return mem.pageView(p); // through a fork's copy-on-write state (AddressSpace.fork)
}

function peek(mem: AddressSpace, a: number): number {
  if (a < LOW_LIMIT) return mem.u8[a];
  return mem.highPage(Math.floor(a / PAGE_SIZE))?.[a % PAGE_SIZE] ?? 0;
}

function poke(mem: AddressSpace, addr: number, data: Uint8Array): void {
  for (let i = 0; i < data.length; i++) {
    const a = addr + i;
    if (a < LOW_LIMIT) mem.u8[a] = data[i];
    else {
      const hp = mem.highPage(Math.floor(a / PAGE_SIZE));
      if (hp) hp[a % PAGE_SIZE] = data[i];
    }
  }
}

/** x86 rep-prefixed string instruction at the start of bytes: its kind. */
function repString(b: Uint8Array): { exact: boolean; addr32: boolean } | undefined {
  let i = 0, rep = false, addr32 = false;
  for (; i < b.length; i++) {
    const x = b[i];
    if (x === 0xf2 || x === 0xf3) rep = true;
    else if (x === 0x67) addr32 = true;
    else if (x === 0x66 || x === 0xf0 || x === 0x2e || x === 0x3e || x === 0x26 || x === 0x36 || x === 0x64 || x === 0x65) continue;
    else break;
  }
  if (i < b.length && b[i] >= 0x40 && b[i] <= 0x4f) i++;
  if (!rep || i >= b.length) return undefined;
  const op = b[i];
  if (op === 0xa4 || op === 0xa5 || op === 0xaa || op === 0xab || op === 0xac || op === 0xad) return { exact: true, addr32 };
  if (op === 0xa6 || op === 0xa7 || op === 0xae || op === 0xaf) return { exact: false, addr32 };
  return undefined;
}

/** Instructions whose result comes from outside the guest: CPU identity, time, randomness. */
function isEnvInsn(arch: Arch, b: Uint8Array): boolean {
  if (arch === 'aarch64') {
    if (b.length < 4) return false;
    const w = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    return (w & 0xfff00000) >>> 0 === 0xd5300000; // mrs (system register read)
  }
  let i = 0;
  while (i < b.length && (b[i] === 0x66 || b[i] === 0xf2 || b[i] === 0xf3 || (b[i] >= 0x40 && b[i] <= 0x4f))) i++;
  if (b[i] !== 0x0f) return false;
  const o = b[i + 1], m = b[i + 2];
  if (o === 0xa2 || o === 0x31) return true; // cpuid, rdtsc
  if (o === 0x01 && (m === 0xf9 || m === 0xd0)) return true; // rdtscp, xgetbv
  if (o === 0xc7 && m !== undefined && (m >> 6) === 3 && ((m >> 3) & 7) >= 6) return true; // rdrand, rdseed
  return false;
}

/** x86 fxsave / xsave / xsaveopt / xsavec (0f ae /0 /4 /6, 0f c7 /4 with a memory operand). */
function isFxsave(b: Uint8Array): boolean {
  let i = 0;
  while (i < b.length && (b[i] === 0x66 || b[i] === 0xf2 || b[i] === 0xf3 || (b[i] >= 0x40 && b[i] <= 0x4f))) i++;
  if (b[i] !== 0x0f || b[i + 2] === undefined) return false;
  const m = b[i + 2];
  if ((m >> 6) === 3) return false;
  const reg = (m >> 3) & 7;
  if (b[i + 1] === 0xae) return reg === 0 || reg === 4 || reg === 6;
  if (b[i + 1] === 0xc7) return reg === 4;
  return false;
}
