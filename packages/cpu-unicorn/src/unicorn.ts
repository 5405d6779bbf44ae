// UnicornCpu: the Cpu interface over one Unicorn 2 engine instance (x86-64 or aarch64).
//
// Memory is shared, not copied: every guest page is mapped into the engine with uc_mem_map_ptr
// pointing into the AddressSpace's own storage (the flat 4 GiB ArrayBuffer for low pages, the
// per-page Uint8Arrays above 4 GiB). Layout changes reach the engine through mem.layoutListeners.
// The engine gets each low page's effective access (AddressSpace.enginePerm): none for a page a
// fork has not copied in yet, no write for a page forks still share; the fault stops the engine,
// the kernel resolves it (AddressSpace.resolveLazy, which calls mem.sharingListeners) and resumes.
// Syscalls, breakpoints and exceptions come back through hooks (one registered koffi callback
// each, per Cpu); a hook never lets a JS exception reach koffi: it records it, stops the engine,
// and run() rethrows it.
import {
  type AddressSpace,
  type Access,
  type Arch,
  type Cpu,
  type CpuState,
  type StopReason,
  type SyscallEntry,
  initialState,
  LOW_LIMIT,
  PAGE_SIZE,
  PERM_MAPPED,
  PERM_RWX,
  PERM_X,
  PERM_R,
  PERM_W,
} from '@elfbox/cpu';
import * as C from './consts.js';
import { cpuidLookup } from './cpuid.js';
import { loadUnicorn, UnicornError, type UcLib } from './ffi.js';

export interface UnicornCpuOptions {
  /**
   * How run(budget) bounds execution.
   * - 'count' (default): exactly `budget` instructions (uc_emu_start's count). Unicorn then runs
   *   a native counting hook on every instruction, which also keeps the pc exact: a memory fault
   *   reports the faulting instruction. Deterministic: the same input gives the same slices.
   * - 'timeout': uc_emu_start's timeout, budget/1000 microseconds (at least 10 ms); budget >=
   *   2^53 or Infinity runs until a stop. No per-instruction cost (~17x faster on register-only
   *   code) but a memory fault's pc is the start of its translated block (Unicorn 2.0.1 syncs
   *   the pc only per block without a code hook), and slices depend on host speed.
   */
  budget?: 'timeout' | 'count';
  /** Called before every guest store with its address and size (UC_HOOK_MEM_WRITE; slow). */
  onWrite?: (addr: number, size: number) => void;
}

const LOW_PAGES = LOW_LIMIT / PAGE_SIZE;

/** What the engine maps low page p with: PERM_MAPPED | the effective R/W/X (AddressSpace.enginePerm), 0 when unmapped. */
function lowEnginePerm(mem: AddressSpace, p: number): number {
  const raw = mem.perm[p];
  return raw & PERM_MAPPED ? PERM_MAPPED | mem.enginePerm(p * PAGE_SIZE) : 0;
}
/** Shortest timeout slice: each timed uc_emu_start spawns a timer thread (~0.1 ms measured). */
const MIN_TIMEOUT_US = 10_000;
/** Unicorn's `until`: unreachable (exits are enabled with an empty list, so it is ignored anyway). */
const NO_UNTIL = 0xffff_ffff_ffff_fff0n;

type PendingStop = StopReason | { kind: 'error'; error: unknown };

export class UnicornCpu implements Cpu {
  readonly arch: Arch;
  readonly mem: AddressSpace;
  private readonly entry: SyscallEntry;
  private readonly L: UcLib;
  private uc: unknown;
  private readonly budgetMode: 'timeout' | 'count';
  private destroyed = false;
  /** Inside uc_emu_start (hooks run then). */
  private running = false;

  private readonly scratch = new Uint8Array(16);
  private readonly sdv = new DataView(this.scratch.buffer);

  private readonly callbacks: unknown[] = [];
  private readonly hooks: Array<number | bigint> = [];
  private cleanCtx: unknown = null;
  private batch: { ids: Int32Array; ptrs: BigUint64Array; wids: Int32Array; wptrs: BigUint64Array; view: Uint8Array; dv: DataView } | undefined;
  private batchNative: unknown = null;

  /** Mirror of what the engine has mapped: perm byte (RWX|MAPPED) per low page; high pages by index. */
  private readonly lowMirror = new Uint8Array(LOW_PAGES);
  private readonly highMirror = new Map<number, { perm: number; data: Uint8Array }>();
  private readonly layoutListener: (op: 'map' | 'unmap' | 'protect', addr: number, len: number, perm: number) => void;
  private readonly codeListener: (page: number, count: number) => void;
  private readonly sharingListener: (addr: number, len: number) => void;

  // State shared between run() and the hooks.
  private stop: PendingStop | undefined;
  private memFault: { type: number; addr: number; size: number } | undefined;
  private inHook = false;
  /** Inside a syscall hook: the pc the kernel sees (past the instruction) or the one it set. */
  private hookPc = 0;
  private hookPcSet = false;
  private syscallStopped = false;
  /** An x86 exception went through the interrupt hook: reset the engine's exception state. */
  private needExcReset = false;

  constructor(arch: Arch, mem: AddressSpace, entry: SyscallEntry, opts: UnicornCpuOptions = {}) {
    this.arch = arch;
    this.mem = mem;
    this.entry = entry;
    this.budgetMode = opts.budget ?? 'count';
    this.L = loadUnicorn();
    const L = this.L;
    if (arch === 'x86_64') cpuidLookup(0, 0); // probe the engine's CPUID once, outside any hook
    const out: unknown[] = [null];
    const err = arch === 'x86_64' ? L.open(C.UC_ARCH_X86, C.UC_MODE_64, out) : L.open(C.UC_ARCH_ARM64, C.UC_MODE_ARM, out);
    if (err !== 0) throw new UnicornError('uc_open', err, L.strerror(err));
    this.uc = out[0];
    try {
      // With exits enabled and none set, uc_emu_start never stops at `until` (a jump to 0 faults).
      this.check('uc_ctl(exits)', L.ctl(this.uc, C.UC_CTL_USE_EXITS_WRITE, 'int', 1));
      this.installHooks(opts.onWrite);
      if (arch === 'aarch64') {
        // FP/SIMD enabled (CPACR_EL1.FPEN = 0b11).
        this.writeU64(C.UC_ARM64_REG_CPACR_EL1, this.readU64(C.UC_ARM64_REG_CPACR_EL1) | (3n << 20n));
      }
      if (arch === 'x86_64') {
        // CR4.OSFXSR | OSXMMEXCPT, as Linux sets them: without OSFXSR, fxsave/fxrstor skip MXCSR
        // and the XMM registers (glibc's lazy-binding trampoline saves them with fxsave).
        this.writeU64(C.UC_X86_REG_CR4, this.readU64(C.UC_X86_REG_CR4) | 0x600n);
      }
      this.setState(initialState(arch));
      {
        // A clean engine context: x86 restores it after an exception (see resetExceptionState);
        // aarch64 restores it on every thread switch to clear the exclusive monitor.
        const ctx: unknown[] = [null];
        this.check('uc_context_alloc', L.contextAlloc(this.uc, ctx));
        this.cleanCtx = ctx[0];
        this.check('uc_context_save', L.contextSave(this.uc, this.cleanCtx));
      }
      for (const r of mem.regions()) this.mirrorMap(r.start, r.end);
    } catch (e) {
      this.release();
      throw e;
    }
    // Every protection change splits an engine memory region for good, and QEMU asserts beyond
    // 4096 of them: copy-on-write faults are resolved 1 MiB (256 pages) at a time here.
    mem.lazyGranule = Math.max(mem.lazyGranule, 256);
    this.layoutListener = (op, addr, len) => this.onLayout(op, addr, len);
    this.codeListener = (page, count) => this.onCodeWrite(page, count);
    this.sharingListener = (addr, len) => { if (!this.destroyed) this.mirrorProtect(addr, addr + len); };
    mem.layoutListeners.push(this.layoutListener);
    mem.codeWriteListeners.push(this.codeListener);
    mem.sharingListeners.push(this.sharingListener);
  }

  // ---- Cpu interface ------------------------------------------------------------------------

  run(budget: number): StopReason {
    if (this.destroyed) throw new Error('UnicornCpu: run() after destroy()');
    if (this.inHook) throw new Error('UnicornCpu: run() called from inside a syscall handler');
    const L = this.L;
    if (!(budget >= 1)) return { kind: 'budget' }; // 0, negative, NaN: nothing to run
    let timeout = 0, count = 0;
    if (this.budgetMode === 'count') count = Math.max(1, Math.min(Math.floor(budget), 2 ** 53));
    else if (Number.isFinite(budget) && budget < 2 ** 53) timeout = Math.max(MIN_TIMEOUT_US, Math.ceil(budget / 1000));
    const pc = this.getPc();
    this.stop = undefined;
    this.memFault = undefined;
    this.syscallStopped = false;
    this.running = true;
    let err: number;
    try {
      err = L.emuStart(this.uc, pc, NO_UNTIL, timeout, count);
    } finally {
      this.running = false;
    }
    if (this.destroyed) {
      // destroy() was called from a hook (exec, exit): the engine could only be freed now.
      this.release();
      const st = this.stop as PendingStop | undefined;
      if (st?.kind === 'error') throw st.error;
      return { kind: 'yield' };
    }
    const stop = this.stop as PendingStop | undefined;
    this.stop = undefined;
    if (this.syscallStopped) {
      // The engine advanced past the syscall itself; the kernel may have set another pc.
      this.setPcRaw(this.hookPc);
      this.syscallStopped = false;
    }
    if (this.needExcReset) this.resetExceptionState();
    if (stop?.kind === 'error') throw stop.error;
    if (err !== C.UC_ERR_OK) return this.errorStop(err);
    if (stop) return stop;
    if (this.arch === 'x86_64') {
      // Unicorn runs x86 code at CPL 0, where hlt halts instead of raising #GP; Linux sends
      // SIGSEGV for it (musl's a_crash). A stop that neither a hook nor the budget explains is
      // one. (A finite instruction count can't be told apart from it: then hlt is missed.)
      const unexplained = count === 0 ? !(timeout > 0 && this.timedOut()) : count >= 2 ** 53;
      if (unexplained) {
        const rip = this.getPc();
        if (rip > 0 && this.mem.pagePerm(rip - 1) & PERM_X && this.peekByte(rip - 1) === 0xf4) {
          this.setPcRaw(rip - 1);
          return { kind: 'fault', pc: rip - 1, addr: 0, access: 'r', mapped: true, gp: true };
        }
      }
    }
    return { kind: 'budget' };
  }

  getReg(i: number): bigint {
    return this.readU64(this.regId(i));
  }

  setReg(i: number, v: bigint): void {
    this.writeU64(this.regId(i), v);
  }

  getPc(): number {
    if (this.inHook) return this.hookPc;
    return Number(this.readU64(this.arch === 'x86_64' ? C.UC_X86_REG_RIP : C.UC_ARM64_REG_PC));
  }

  setPc(pc: number): void {
    if (this.inHook) {
      this.hookPc = pc;
      this.hookPcSet = true;
      return;
    }
    this.setPcRaw(pc);
  }

  getTls(): bigint {
    return this.readU64(this.arch === 'x86_64' ? C.UC_X86_REG_FS_BASE : C.UC_ARM64_REG_TPIDR_EL0);
  }

  setTls(v: bigint): void {
    this.writeU64(this.arch === 'x86_64' ? C.UC_X86_REG_FS_BASE : C.UC_ARM64_REG_TPIDR_EL0, v);
  }

  getState(): CpuState {
    const B = this.stateBatch();
    B.view.fill(0);
    this.check('uc_reg_read_batch', this.L.regReadBatch(this.uc, B.ids, B.ptrs, B.ids.length));
    const dv = B.dv;
    const u64 = (i: number): bigint => dv.getBigUint64(16 * i, true);
    const bytes = (i: number, n: number): Uint8Array => B.view.subarray(16 * i, 16 * i + n); // copied by the set() below
    if (this.arch === 'x86_64') {
      // ids: 16 GPRs, rip, rflags, fs, gs, fpcw, fpsw, fptag, mxcsr, st0-7, xmm0-15
      const gpr = Array.from({ length: 16 }, (_, i) => u64(i));
      const fx = new Uint8Array(512);
      const fv = new DataView(fx.buffer);
      fv.setUint16(0, dv.getUint16(16 * 20, true), true);
      fv.setUint16(2, dv.getUint16(16 * 21, true), true);
      const tag = dv.getUint16(16 * 22, true);
      let ftw = 0;
      for (let i = 0; i < 8; i++) if (((tag >> (2 * i)) & 3) !== 3) ftw |= 1 << i;
      fx[4] = ftw;
      fv.setUint32(24, dv.getUint32(16 * 23, true), true);
      fv.setUint32(28, 0xffff, true);
      for (let i = 0; i < 8; i++) fx.set(bytes(24 + i, 10), 32 + 16 * i);
      for (let i = 0; i < 16; i++) fx.set(bytes(32 + i, 16), 160 + 16 * i);
      return {
        arch: 'x86_64',
        gpr,
        rip: this.inHook ? BigInt(this.hookPc) : u64(16),
        rflags: u64(17),
        fsBase: u64(18),
        gsBase: u64(19),
        fx,
      };
    }
    // ids: x0-x30, sp, pc, nzcv, tpidr, v0-v31, fpcr, fpsr
    const v = new Uint8Array(512);
    for (let i = 0; i < 32; i++) v.set(bytes(35 + i, 16), 16 * i);
    return {
      arch: 'aarch64',
      x: Array.from({ length: 31 }, (_, i) => u64(i)),
      sp: u64(31),
      pc: this.inHook ? BigInt(this.hookPc) : u64(32),
      nzcv: dv.getUint32(16 * 33, true) & 0xf0000000,
      tpidr: u64(34),
      v,
      fpcr: dv.getUint32(16 * 67, true),
      fpsr: dv.getUint32(16 * 68, true),
    };
  }

  setState(s: CpuState): void {
    if (s.arch !== this.arch) throw new TypeError(`setState: ${s.arch} state on a ${this.arch} CPU`);
    const B = this.stateBatch();
    B.view.fill(0);
    const dv = B.dv;
    const put64 = (i: number, v: bigint): void => dv.setBigUint64(16 * i, BigInt.asUintN(64, v), true);
    if (s.arch === 'x86_64') {
      if (s.gpr.length !== 16 || s.fx.length < 512) throw new RangeError('setState: x86-64 state needs 16 GPRs and a 512-byte FXSAVE image');
      for (let i = 0; i < 16; i++) put64(i, s.gpr[i]);
      put64(17, s.rflags);
      put64(18, s.fsBase);
      put64(19, s.gsBase);
      const fv = new DataView(s.fx.buffer, s.fx.byteOffset, 512);
      dv.setUint16(16 * 20, fv.getUint16(0, true), true);
      dv.setUint16(16 * 21, fv.getUint16(2, true), true); // TOP is set before ST(i) (batch order)
      let tag = 0;
      for (let i = 0; i < 8; i++) if (!(s.fx[4] & (1 << i))) tag |= 3 << (2 * i);
      dv.setUint16(16 * 22, tag, true);
      dv.setUint32(16 * 23, fv.getUint32(24, true), true);
      for (let i = 0; i < 8; i++) B.view.set(s.fx.subarray(32 + 16 * i, 42 + 16 * i), 16 * (24 + i));
      for (let i = 0; i < 16; i++) B.view.set(s.fx.subarray(160 + 16 * i, 176 + 16 * i), 16 * (32 + i));
    } else {
      if (s.x.length !== 31 || s.v.length < 512) throw new RangeError('setState: aarch64 state needs X0-X30 and 512 bytes of V registers');
      // Another thread's state: clear the exclusive monitor (a context switch does on Linux, so an
      // LDXR/STXR pair interrupted by a switch fails its STXR and retries). The engine keeps the
      // monitor outside the registers; restoring the clean context taken at creation resets it.
      // Not inside a hook (a signal frame set up by a syscall): the engine is mid-block there.
      if (this.cleanCtx && !this.inHook) this.check('uc_context_restore', this.L.contextRestore(this.uc, this.cleanCtx));
      for (let i = 0; i < 31; i++) put64(i, s.x[i]);
      put64(31, s.sp);
      dv.setUint32(16 * 33, (s.nzcv & 0xf0000000) >>> 0, true);
      put64(34, s.tpidr);
      for (let i = 0; i < 32; i++) B.view.set(s.v.subarray(16 * i, 16 * i + 16), 16 * (35 + i));
      dv.setUint32(16 * 67, s.fpcr >>> 0, true);
      dv.setUint32(16 * 68, s.fpsr >>> 0, true);
    }
    // Everything but the pc in one call; the pc through setPc (deferred inside a syscall hook).
    this.check('uc_reg_write_batch', this.L.regWriteBatch(this.uc, B.wids, B.wptrs, B.wids.length));
    this.setPc(Number(s.arch === 'x86_64' ? s.rip : s.pc));
  }

  /** Register ids and a native buffer (16 bytes per register) for uc_reg_{read,write}_batch. */
  private stateBatch(): { ids: Int32Array; ptrs: BigUint64Array; wids: Int32Array; wptrs: BigUint64Array; view: Uint8Array; dv: DataView } {
    if (this.batch) return this.batch;
    const ids = this.arch === 'x86_64'
      ? [...C.X86_GPR_IDS, C.UC_X86_REG_RIP, C.UC_X86_REG_RFLAGS, C.UC_X86_REG_FS_BASE, C.UC_X86_REG_GS_BASE,
        C.UC_X86_REG_FPCW, C.UC_X86_REG_FPSW, C.UC_X86_REG_FPTAG, C.UC_X86_REG_MXCSR,
        ...Array.from({ length: 8 }, (_, i) => C.UC_X86_REG_ST0 + i), ...Array.from({ length: 16 }, (_, i) => C.UC_X86_REG_XMM0 + i)]
      : [...C.A64_X_IDS, C.UC_ARM64_REG_SP, C.UC_ARM64_REG_PC, C.UC_ARM64_REG_NZCV, C.UC_ARM64_REG_TPIDR_EL0,
        ...Array.from({ length: 32 }, (_, i) => C.UC_ARM64_REG_V0 + i), C.UC_ARM64_REG_FPCR, C.UC_ARM64_REG_FPSR];
    const k = this.L.koffi;
    const native = k.alloc('uint8_t', ids.length * 16);
    this.batchNative = native;
    const base = BigInt(k.address(native));
    const view = new Uint8Array(k.view(native, ids.length * 16));
    const pcId = this.arch === 'x86_64' ? C.UC_X86_REG_RIP : C.UC_ARM64_REG_PC;
    const slots = ids.map((_, i) => i);
    const wslots = slots.filter((i) => ids[i] !== pcId);
    this.batch = {
      ids: Int32Array.from(ids),
      ptrs: BigUint64Array.from(slots, (i) => base + BigInt(16 * i)),
      wids: Int32Array.from(wslots, (i) => ids[i]),
      wptrs: BigUint64Array.from(wslots, (i) => base + BigInt(16 * i)),
      view,
      dv: new DataView(view.buffer, view.byteOffset, view.byteLength),
    };
    return this.batch;
  }

  invalidate(addr: number, len: number): void {
    if (this.destroyed || len <= 0) return;
    this.L.ctl(this.uc, C.UC_CTL_TB_REMOVE_CACHE_WRITE, 'uint64_t', addr, 'uint64_t', addr + len);
  }

  /** Drops every translated block (uc_ctl TB_FLUSH). */
  flushCode(): void {
    if (!this.destroyed) this.L.ctl(this.uc, C.UC_CTL_TB_FLUSH);
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    const i = this.mem.layoutListeners.indexOf(this.layoutListener);
    if (i >= 0) this.mem.layoutListeners.splice(i, 1);
    const j = this.mem.codeWriteListeners.indexOf(this.codeListener);
    if (j >= 0) this.mem.codeWriteListeners.splice(j, 1);
    const s = this.mem.sharingListeners.indexOf(this.sharingListener);
    if (s >= 0) this.mem.sharingListeners.splice(s, 1);
    if (this.running) {
      // Inside one of our hooks: closing the engine now would pull it out from under
      // uc_emu_start. Stop it; run() releases everything when it returns.
      this.L.emuStop(this.uc);
      return;
    }
    this.release();
  }

  // ---- extras (lockstep, tests) ---------------------------------------------------------------

  /** Unicorn's version string ("2.0"). */
  get engineVersion(): string {
    return this.L.version;
  }

  /** Reads guest memory through the engine (proves what Unicorn sees). */
  engineRead(addr: number, len: number): Uint8Array | null {
    const b = new Uint8Array(len);
    return this.L.memRead(this.uc, addr, b, len) === 0 ? b : null;
  }

  // ---- hooks --------------------------------------------------------------------------------

  private installHooks(onWrite?: (addr: number, size: number) => void): void {
    const L = this.L;
    const k = L.koffi;
    const add = (type: number, cb: unknown, ...extra: unknown[]): void => {
      const hh: Array<number | bigint> = [0];
      this.check('uc_hook_add', L.hookAdd(this.uc, hh, type, cb, null, 1, 0, ...extra));
      this.hooks.push(hh[0]);
    };
    const memCb = k.register((_uc: unknown, type: number, addr: number | bigint, size: number) => {
      try {
        this.memFault = { type, addr: Number(addr), size };
      } catch {
        /* nothing can throw here; never let anything reach koffi */
      }
      return false;
    }, L.memCb);
    this.callbacks.push(memCb);
    add(C.UC_HOOK_MEM_INVALID, memCb);
    const intrCb = k.register((_uc: unknown, intno: number) => {
      try {
        if (this.arch === 'x86_64') this.onIntrX86(intno);
        else this.onIntrA64(intno);
      } catch (e) {
        this.stopWith({ kind: 'error', error: e });
      }
    }, L.intrCb);
    this.callbacks.push(intrCb);
    add(C.UC_HOOK_INTR, intrCb);
    if (onWrite) {
      const wCb = k.register((_uc: unknown, _type: number, addr: number | bigint, size: number) => {
        try {
          onWrite(Number(addr), size);
        } catch (e) {
          this.stopWith({ kind: 'error', error: e });
        }
        return true;
      }, L.memCb);
      this.callbacks.push(wCb);
      add(C.UC_HOOK_MEM_WRITE, wCb);
    }
    if (this.arch === 'x86_64') {
      const sysCb = k.register(() => {
        try {
          // rip is still the syscall instruction's own address here; the engine adds its
          // length after the hook returns.
          this.doSyscall(Number(this.readU64(C.UC_X86_REG_RIP)) + 2);
        } catch (e) {
          this.stopWith({ kind: 'error', error: e });
        }
      }, L.syscallCb);
      this.callbacks.push(sysCb);
      add(C.UC_HOOK_INSN, sysCb, 'int', C.UC_X86_INS_SYSCALL);
      const cpuidCb = k.register(() => {
        try {
          const r = cpuidLookup(Number(this.readU64(C.X86_GPR_IDS[0]) & 0xffffffffn), Number(this.readU64(C.X86_GPR_IDS[1]) & 0xffffffffn));
          this.writeU64(C.X86_GPR_IDS[0], BigInt(r[0] >>> 0));
          this.writeU64(C.X86_GPR_IDS[3], BigInt(r[1] >>> 0));
          this.writeU64(C.X86_GPR_IDS[1], BigInt(r[2] >>> 0));
          this.writeU64(C.X86_GPR_IDS[2], BigInt(r[3] >>> 0));
          return 1;
        } catch (e) {
          this.stopWith({ kind: 'error', error: e });
          return 0;
        }
      }, L.cpuidCb);
      this.callbacks.push(cpuidCb);
      add(C.UC_HOOK_INSN, cpuidCb, 'int', C.UC_X86_INS_CPUID);
    }
  }

  private stopWith(s: PendingStop): void {
    if (!this.stop || s.kind === 'error') this.stop = s;
    this.L.emuStop(this.uc);
  }

  private doSyscall(pcAfter: number): void {
    if (this.arch === 'x86_64') {
      // What the SYSCALL instruction itself does: rcx = next rip, r11 = rflags.
      this.writeU64(C.X86_GPR_IDS[1], BigInt(pcAfter));
      this.writeU64(C.X86_GPR_IDS[11], this.readU64(C.UC_X86_REG_RFLAGS));
    }
    this.hookPc = pcAfter;
    this.hookPcSet = false;
    this.inHook = true;
    let cont: boolean;
    try {
      cont = this.entry.syscall(this);
    } catch (e) {
      this.syscallStopped = true;
      this.inHook = false;
      this.stopWith({ kind: 'error', error: e });
      return;
    }
    this.inHook = false;
    if (!cont) {
      this.syscallStopped = true;
      this.stopWith({ kind: 'yield' });
    } else if (this.hookPcSet) {
      // The kernel moved the pc (sigreturn, a signal frame): stop, run() applies it.
      this.syscallStopped = true;
      this.stopWith({ kind: 'budget' });
    }
  }

  private onIntrX86(intno: number): void {
    const rip = Number(this.readU64(C.UC_X86_REG_RIP));
    this.needExcReset = true;
    switch (intno) {
      case C.X86_EXC_BP: // int3: rip is already past it, as Linux reports
      case C.X86_EXC_DB:
        this.stopWith({ kind: 'breakpoint', pc: rip });
        return;
      case C.X86_EXC_DE:
        this.stopWith({ kind: 'divide', pc: rip });
        return;
      case C.X86_EXC_UD:
        this.stopWith({ kind: 'illegal', pc: rip });
        return;
      default:
        // #GP and `int n`: Linux sends SIGSEGV (SI_KERNEL, si_addr 0).
        this.stopWith({ kind: 'fault', pc: rip, addr: 0, access: 'r', mapped: true, gp: true });
    }
  }

  private onIntrA64(intno: number): void {
    const pc = Number(this.readU64(C.UC_ARM64_REG_PC));
    switch (intno) {
      case C.A64_EXCP_SWI: {
        // pc is already past the svc. Linux ignores svc's immediate; so do we.
        const insn = this.mem.pagePerm(pc - 4) & PERM_MAPPED ? this.peekU32(pc - 4) : 0;
        if ((insn & 0xffe0001f) >>> 0 !== 0xd4000001) {
          this.stopWith({ kind: 'illegal', pc: pc - 4, detail: `exception ${intno} (insn 0x${insn.toString(16)})` });
          return;
        }
        this.doSyscall(pc);
        return;
      }
      case C.A64_EXCP_BKPT:
        this.stopWith({ kind: 'breakpoint', pc });
        return;
      case C.A64_EXCP_UDEF:
        this.stopWith({ kind: 'illegal', pc });
        return;
      case C.A64_EXCP_HVC:
      case C.A64_EXCP_SMC:
        this.stopWith({ kind: 'illegal', pc: pc - 4, detail: intno === C.A64_EXCP_HVC ? 'hvc' : 'smc' });
        return;
      case C.A64_EXCP_DATA_ABORT:
      case C.A64_EXCP_PREFETCH_ABORT:
        // Alignment faults (unaligned exclusives): SIGBUS on Linux; no address is reported here.
        this.stopWith({ kind: 'fault', pc, addr: 0, access: intno === C.A64_EXCP_PREFETCH_ABORT ? 'x' : 'r', mapped: true });
        return;
      default:
        this.stopWith({ kind: 'illegal', pc, detail: `unicorn exception ${intno}` });
    }
  }

  /** x86: an exception delivered through the hook leaves QEMU's "exception in flight" set, so the
   * next #DE would become a double fault. Restore a clean context and put the registers back. */
  private resetExceptionState(): void {
    this.needExcReset = false;
    if (!this.cleanCtx) return;
    const s = this.getState();
    this.check('uc_context_restore', this.L.contextRestore(this.uc, this.cleanCtx));
    this.setState(s);
  }

  private errorStop(err: number): StopReason {
    const pc = this.getPc();
    switch (err) {
      case C.UC_ERR_READ_UNMAPPED:
      case C.UC_ERR_WRITE_UNMAPPED:
      case C.UC_ERR_FETCH_UNMAPPED:
      case C.UC_ERR_READ_PROT:
      case C.UC_ERR_WRITE_PROT:
      case C.UC_ERR_FETCH_PROT: {
        const access: Access = err === C.UC_ERR_WRITE_UNMAPPED || err === C.UC_ERR_WRITE_PROT ? 'w'
          : err === C.UC_ERR_FETCH_UNMAPPED || err === C.UC_ERR_FETCH_PROT ? 'x' : 'r';
        const f = this.memFault;
        const addr = f ? this.firstBadByte(f.addr, Math.max(1, f.size), access) : pc;
        const perm = this.mem.pagePerm(addr);
        return { kind: 'fault', pc, addr, access, mapped: (perm & PERM_MAPPED) !== 0 };
      }
      case C.UC_ERR_READ_UNALIGNED:
      case C.UC_ERR_WRITE_UNALIGNED:
      case C.UC_ERR_FETCH_UNALIGNED:
        return { kind: 'fault', pc, addr: this.memFault?.addr ?? pc, access: err === C.UC_ERR_WRITE_UNALIGNED ? 'w' : err === C.UC_ERR_FETCH_UNALIGNED ? 'x' : 'r', mapped: true };
      case C.UC_ERR_INSN_INVALID:
        return { kind: 'illegal', pc };
      case C.UC_ERR_EXCEPTION:
        return { kind: 'illegal', pc, detail: 'unhandled CPU exception (UC_ERR_EXCEPTION)' };
      default:
        throw new UnicornError('uc_emu_start', err, this.L.strerror(err));
    }
  }

  /** The first byte of [addr, addr+size) the page permissions forbid (what Linux reports). */
  private firstBadByte(addr: number, size: number, access: Access): number {
    const need = access === 'r' ? PERM_R : access === 'w' ? PERM_W : PERM_X;
    for (let a = addr; a < addr + size; a = (Math.floor(a / PAGE_SIZE) + 1) * PAGE_SIZE) {
      if (!(this.mem.enginePerm(a) & need)) return a; // what the engine refused (a page forks share: no write)
    }
    return addr;
  }

  private timedOut(): boolean {
    const r: Array<number | bigint> = [0];
    if (this.L.query(this.uc, C.UC_QUERY_TIMEOUT, r) !== 0) return false;
    return Number(r[0]) !== 0;
  }

  // ---- memory mirroring ---------------------------------------------------------------------

  private onLayout(op: 'map' | 'unmap' | 'protect', addr: number, len: number): void {
    if (this.destroyed) return;
    const end = addr + len;
    if (op === 'map') {
      this.mirrorUnmap(addr, end);
      this.mirrorMap(addr, end);
    } else if (op === 'unmap') {
      this.mirrorUnmap(addr, end);
    } else {
      this.mirrorProtect(addr, end);
    }
  }

  /** Kernel wrote into a page holding code: drop the engine's translations of it. */
  private onCodeWrite(page: number, count: number): void {
    if (this.destroyed) return;
    this.invalidate(page * PAGE_SIZE, count * PAGE_SIZE);
    for (let p = page; p < page + count; p++) if (this.mem.pagePerm(p * PAGE_SIZE) & PERM_X) this.mem.markCode(p * PAGE_SIZE);
  }

  /** Maps the pages of [start, end) the AddressSpace has mapped and the engine does not. */
  private mirrorMap(start: number, end: number): void {
    const L = this.L;
    const mem = this.mem;
    let a = start;
    // Low pages: runs of equal permission, one uc_mem_map_ptr each, straight into mem.buffer.
    while (a < end && a < LOW_LIMIT) {
      const p = a / PAGE_SIZE;
      const pr = lowEnginePerm(mem, p);
      if (!(pr & PERM_MAPPED) || this.lowMirror[p]) { a += PAGE_SIZE; continue; }
      let q = p + 1;
      const lim = Math.min(end, LOW_LIMIT) / PAGE_SIZE;
      while (q < lim && lowEnginePerm(mem, q) === pr && !this.lowMirror[q]) q++;
      const runStart = p * PAGE_SIZE, runEnd = q * PAGE_SIZE;
      this.check('uc_mem_map_ptr', L.memMapPtr(this.uc, runStart, runEnd - runStart, pr & PERM_RWX, mem.u8.subarray(runStart, runEnd)));
      this.lowMirror.fill(pr, p, q);
      if (pr & PERM_X) for (let i = p; i < q; i++) mem.markCode(i * PAGE_SIZE);
      a = runEnd;
    }
    // High pages: one by one (each is its own buffer).
    for (; a < end; a += PAGE_SIZE) {
      const idx = Math.floor(a / PAGE_SIZE);
      const pr = mem.pagePerm(a) & (PERM_RWX | PERM_MAPPED);
      if (!(pr & PERM_MAPPED) || this.highMirror.has(idx)) continue;
      const data = mem.highPage(idx);
      if (!data) continue;
      this.check('uc_mem_map_ptr', L.memMapPtr(this.uc, idx * PAGE_SIZE, PAGE_SIZE, pr & PERM_RWX, data));
      this.highMirror.set(idx, { perm: pr, data });
      if (pr & PERM_X) mem.markCode(a);
    }
  }

  /** Unmaps every page of [start, end) the engine has mapped. */
  private mirrorUnmap(start: number, end: number): void {
    const L = this.L;
    let a = start;
    while (a < end && a < LOW_LIMIT) {
      const p = a / PAGE_SIZE;
      if (!this.lowMirror[p]) { a += PAGE_SIZE; continue; }
      let q = p + 1;
      const lim = Math.min(end, LOW_LIMIT) / PAGE_SIZE;
      while (q < lim && this.lowMirror[q]) q++;
      this.check('uc_mem_unmap', L.memUnmap(this.uc, p * PAGE_SIZE, (q - p) * PAGE_SIZE));
      this.lowMirror.fill(0, p, q);
      a = q * PAGE_SIZE;
    }
    for (; a < end; a += PAGE_SIZE) {
      const idx = Math.floor(a / PAGE_SIZE);
      if (!this.highMirror.has(idx)) continue;
      this.check('uc_mem_unmap', L.memUnmap(this.uc, idx * PAGE_SIZE, PAGE_SIZE));
      this.highMirror.delete(idx);
    }
  }

  /** Applies the AddressSpace's permissions in [start, end) with uc_mem_protect. */
  private mirrorProtect(start: number, end: number): void {
    const L = this.L;
    const mem = this.mem;
    let a = start;
    while (a < end && a < LOW_LIMIT) {
      const p = a / PAGE_SIZE;
      const pr = lowEnginePerm(mem, p);
      if (!this.lowMirror[p] || this.lowMirror[p] === pr) { a += PAGE_SIZE; continue; }
      let q = p + 1;
      const lim = Math.min(end, LOW_LIMIT) / PAGE_SIZE;
      while (q < lim && this.lowMirror[q] && this.lowMirror[q] !== pr && lowEnginePerm(mem, q) === pr) q++;
      this.check('uc_mem_protect', L.memProtect(this.uc, p * PAGE_SIZE, (q - p) * PAGE_SIZE, pr & PERM_RWX));
      this.lowMirror.fill(pr, p, q);
      if (pr & PERM_X) for (let i = p; i < q; i++) mem.markCode(i * PAGE_SIZE);
      a = q * PAGE_SIZE;
    }
    for (; a < end; a += PAGE_SIZE) {
      const idx = Math.floor(a / PAGE_SIZE);
      const hm = this.highMirror.get(idx);
      const pr = mem.pagePerm(a) & (PERM_RWX | PERM_MAPPED);
      if (!hm || hm.perm === pr) continue;
      this.check('uc_mem_protect', L.memProtect(this.uc, idx * PAGE_SIZE, PAGE_SIZE, pr & PERM_RWX));
      hm.perm = pr;
      if (pr & PERM_X) mem.markCode(a);
    }
  }

  // ---- registers and helpers ----------------------------------------------------------------

  private regId(i: number): number {
    if (!Number.isInteger(i) || i < 0) throw new RangeError(`bad register index ${i}`);
    if (this.arch === 'x86_64') {
      if (i > 15) throw new RangeError(`bad x86-64 register index ${i}`);
      return C.X86_GPR_IDS[i];
    }
    if (i === 31) return C.UC_ARM64_REG_SP;
    if (i > 31) throw new RangeError(`bad aarch64 register index ${i}`);
    return C.A64_X_IDS[i];
  }

  private setPcRaw(pc: number): void {
    this.writeU64(this.arch === 'x86_64' ? C.UC_X86_REG_RIP : C.UC_ARM64_REG_PC, BigInt(pc));
  }

  private readU64(id: number): bigint {
    this.sdv.setBigUint64(0, 0n, true);
    this.sdv.setBigUint64(8, 0n, true);
    this.check('uc_reg_read', this.L.regRead(this.uc, id, this.scratch));
    return this.sdv.getBigUint64(0, true);
  }

  private writeU64(id: number, v: bigint): void {
    this.sdv.setBigUint64(0, BigInt.asUintN(64, v), true);
    this.sdv.setBigUint64(8, 0n, true);
    this.check('uc_reg_write', this.L.regWrite(this.uc, id, this.scratch));
  }

  private peekByte(addr: number): number {
    return addr < LOW_LIMIT ? this.mem.u8[addr] : (this.mem.highPage(Math.floor(addr / PAGE_SIZE))?.[addr % PAGE_SIZE] ?? 0);
  }

  private peekU32(addr: number): number {
    return (this.peekByte(addr) | (this.peekByte(addr + 1) << 8) | (this.peekByte(addr + 2) << 16) | (this.peekByte(addr + 3) << 24)) >>> 0;
  }

  private check(fn: string, err: number): void {
    if (err !== 0) throw new UnicornError(fn, err, this.L.strerror(err));
  }

  private release(): void {
    const L = this.L;
    if (this.uc) {
      for (const h of this.hooks) L.hookDel(this.uc, h);
      if (this.cleanCtx) L.contextFree(this.cleanCtx);
      L.close(this.uc);
    }
    for (const cb of this.callbacks) {
      try {
        L.koffi.unregister(cb);
      } catch {
        /* already gone */
      }
    }
    this.hooks.length = 0;
    this.callbacks.length = 0;
    this.cleanCtx = null;
    this.uc = null;
    if (this.batchNative) {
      L.koffi.free(this.batchNative);
      this.batchNative = null;
      this.batch = undefined;
    }
    this.highMirror.clear();
  }

  // ---- number register accessors (Cpu.getRegLo32/getRegHi32/setRegNum: the syscall path, no BigInt)
  getRegLo32(i: number): number { return this.readHalf(this.regId(i), 0); }
  getRegHi32(i: number): number { return this.readHalf(this.regId(i), 4); }
  setRegNum(i: number, v: number): void {
    this.sdv.setUint32(0, v >>> 0, true);
    this.sdv.setUint32(4, Math.floor(v / 4294967296) >>> 0, true);
    this.sdv.setUint32(8, 0, true);
    this.sdv.setUint32(12, 0, true);
    this.check('uc_reg_write', this.L.regWrite(this.uc, this.regId(i), this.scratch));
  }
  private readHalf(id: number, at: 0 | 4): number {
    this.sdv.setUint32(0, 0, true);
    this.sdv.setUint32(4, 0, true);
    this.check('uc_reg_read', this.L.regRead(this.uc, id, this.scratch));
    return this.sdv.getUint32(at, true);
  }
}
