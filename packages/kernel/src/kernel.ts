// The Kernel: thread groups and tasks, pid allocation, the run loop, exits and signals.
//
// Run loop: pick a runnable task round-robin, restore its registers into its mm's Cpu (one Cpu
// per address space), run it for an instruction budget, handle the StopReason. A syscall
// handler that must wait returns a Block; the task parks and the loop runs the others. Only when
// every live task waits does the loop await host I/O (the blocks' promises) or the earliest
// deadline (convention 8). The loop also yields to the host event loop between slices so
// concurrent runs in one Node process interleave and output streams drain.
import { randomFillSync } from 'node:crypto';
import { initialState, type Arch, type CpuBackend, type CpuState, type StopReason } from '@elfbox/cpu';
import { archAdapter, type ArchAdapter } from './arch.js';
import { Block, NO_RETURN } from './block.js';
import { KERNEL_BUG_STATUS } from './errors.js';
import { FdTable } from './files/fdtable.js';
import { kernelNode } from './files/nodes.js';
import { StdioFile, type HostInput, type HostOutput } from './files/stdio.js';
import { Vfs, setupMemoryMounts } from './files/vfs.js';
import { Futexes } from './futex.js';
import { MM } from './mm.js';
import { GuestClock } from './vdso/clock.js';
import { SI, SIGKILL, UNBLOCKABLE, decide, noteSignalSent, sigBit, signalName, type SignalDelivery } from './signals.js';
import { chargeCpu, fireTimers, nextTimerDeadline } from './itimer.js';
import { frameDelivery } from './sigframe/index.js';
import { pidPrefix } from './strace.js';
import { walkRobustList } from './futex.js';
import { SyscallDispatcher } from './syscalls/dispatch.js';
import { FsContext, SignalHandlers, Task, ThreadGroup, type ExitStatus, type SigInfo } from './task.js';
import { groupExited, jobControlOnSend, stopsGroup } from './process.js';

export interface KernelIo {
  stdin: HostInput;
  stdout: HostOutput;
  stderr: HostOutput;
}

export interface KernelOptions {
  /** Host directory the guest sees as / (default: the host's /). */
  root?: string;
  /** Host directories mounted at guest paths (`--mount HOST:GUEST[:ro]`). */
  mounts?: Array<{ host: string; guest: string; ro: boolean }>;
  /** Guest paths that get an empty in-memory file system (`--tmpfs /tmp`). */
  tmpfs?: string[];
  /** The whole guest / in memory, seeded from a host directory or a tar file (`--memfs SRC`). */
  memfs?: string;
  io: KernelIo;
  /** Receives one formatted line per syscall when tracing. */
  strace?: (line: string) => void;
  /** Pad strace lines to strace's return column (default true). */
  straceAlign?: boolean;
  /** Guest instructions per scheduling slice. */
  budget?: number;
  /** Where elfbox's own warnings go (default: the guest's stderr stream). */
  diag?: (line: string) => void;
  delivery?: SignalDelivery;
  /** Credentials the guest sees (default: the host user's). */
  uid?: number;
  gid?: number;
  hostname?: string;
  /** Network policy for AF_INET/AF_INET6 sockets (net/inet.ts): host (default), loopback, none. */
  net?: 'host' | 'loopback' | 'none';
  /** Fills getrandom's and AT_RANDOM's bytes (default: the host's CSPRNG). */
  random?: (out: Uint8Array) => void;
  /** Varies each slice's instruction budget (budget/2 .. 3*budget/2) from this seed: another seed, another interleaving; the same seed, the same one. */
  seed?: number;
}

const SIG = { SIGSEGV: 11, SIGILL: 4, SIGTRAP: 5, SIGFPE: 8 } as const;
const enc = new TextEncoder();
const yieldToHost = () => new Promise<void>((r) => setImmediate(r));
/** A lone task's slices aim at this much host time (ms), so the loop still yields to the host every few ms. */
const SOLO_MS = 2;
const SOLO_MAX = 16_000_000;

export class Kernel {
  readonly vfs: Vfs;
  readonly futexes = new Futexes();
  /** The guest's clocks and the vDSO's vvar pages (vdso/clock.ts). */
  readonly clock = new GuestClock();
  readonly groups = new Map<number, ThreadGroup>();
  readonly tasks = new Map<number, Task>();
  /** The CPU backends in use by arch (fork and exec create Cpus through them; see process.ts). */
  readonly backends = new Map<Arch, CpuBackend>();
  /** Loads a backend for an arch not in use yet (execve of the other architecture). */
  backendResolver?: (arch: Arch) => Promise<CpuBackend>;
  current?: Task;
  readonly io: KernelIo;
  readonly strace?: (line: string) => void;
  readonly straceAlign: boolean;
  readonly budget: number;
  delivery: SignalDelivery;
  /** Host monotonic time at boot (ms), for CLOCK_MONOTONIC and sysinfo uptime. */
  readonly bootMs = performance.now();
  readonly creds: { uid: number; gid: number };
  /** The guest's UTS nodename (sethostname changes it). */
  hostname: string;
  readonly netPolicy: 'host' | 'loopback' | 'none';
  readonly random: (out: Uint8Array) => void;
  /** The first process gets pid 1 (the guest's init, which adopts orphans). */
  private nextId = 0;
  private readonly warned = new Set<string>();
  private readonly dispatchers = new Map<Arch, SyscallDispatcher>();
  private readonly diag: (line: string) => void;
  private rr = 0;
  /** xorshift32 state for the slice budgets (0: every slice gets exactly `budget`). */
  private sliceRng = 0;
  /**
   * The budget of a slice when the guest is one task (nobody to share the CPU with): starts at
   * `budget` and doubles (up to SOLO_MAX) while slices take under SOLO_MS / 2 of host time, halves
   * (down to `budget`) when one takes over 2 * SOLO_MS. Measured: bench/'s intloop-long (20M
   * iterations, 600M instructions) 344 -> 335 ms; a fixed 1M budget had taken intloop (2M) from
   * 45-46 to 43-44 ms (fewer slice ends and host yields; 200k instructions were 0.2 ms of work).
   */
  private solo = 0;
  /** Resolves the loop's host wait early (a signal or wake that came from outside the guest). */
  private kick?: () => void;
  /** strace's `+++ exited with N +++` lines, printed after the syscall line that caused them. */
  private exitLines: string[] = [];

  constructor(opts: KernelOptions) {
    this.io = opts.io;
    this.strace = opts.strace;
    this.straceAlign = opts.straceAlign ?? true;
    this.budget = opts.budget ?? 200_000;
    this.solo = this.budget;
    if (opts.seed !== undefined) this.sliceRng = ((opts.seed ^ 0x9e3779b9) >>> 0) || 1;
    this.delivery = opts.delivery ?? frameDelivery(this);
    this.diag = opts.diag ?? ((line) => { this.io.stderr.write(enc.encode(line + '\n')); });
    this.vfs = new Vfs(opts.root ?? '/', (p) => kernelNode(this, p), opts.mounts);
    setupMemoryMounts(this.vfs, opts.tmpfs, opts.memfs);
    this.creds = { uid: opts.uid ?? process.getuid?.() ?? 0, gid: opts.gid ?? process.getgid?.() ?? 0 };
    this.hostname = opts.hostname ?? 'elfbox';
    this.netPolicy = opts.net ?? 'host';
    this.random = opts.random ?? ((out) => { randomFillSync(out); });
  }

  // ---- processes -----------------------------------------------------------------------------

  allocPid(): number {
    let id = this.nextId + 1;
    while (this.tasks.has(id) || this.groups.has(id)) id++;
    this.nextId = id;
    return id;
  }

  dispatcher(arch: Arch): SyscallDispatcher {
    let d = this.dispatchers.get(arch);
    if (!d) this.dispatchers.set(arch, (d = new SyscallDispatcher(this, archAdapter(arch))));
    return d;
  }

  /** A new process with one task; its Cpu is created by backend over mm's AddressSpace. */
  createProcess(arch: Arch, mm: MM, backend: CpuBackend, parent?: ThreadGroup): ThreadGroup {
    const adapter: ArchAdapter = archAdapter(arch);
    if (!mm.cpu) mm.cpu = backend.create(arch, mm.mem, this.dispatcher(arch));
    const pid = this.allocPid();
    const tg = new ThreadGroup(pid, parent, mm, adapter, new FdTable(), new FsContext(), new SignalHandlers());
    parent?.children.add(tg);
    if (!this.backends.has(arch)) this.backends.set(arch, backend);
    tg.pgid = parent?.pgid ?? pid;
    tg.sid = parent?.sid ?? pid;
    const t = new Task(pid, tg);
    tg.tasks.add(t);
    this.groups.set(pid, tg);
    this.tasks.set(pid, t);
    if (parent) this.strace?.(`strace: Process ${pid} attached`); // as strace -f, when it starts following a child
    return tg;
  }

  /**
   * A new task in an existing thread group (what clone(CLONE_THREAD) will call), starting from
   * `state` (the parent's registers with the child's return value, stack and TLS set).
   */
  addTask(tg: ThreadGroup, state: CpuState): Task {
    const tid = this.allocPid();
    const t = new Task(tid, tg);
    t.state = state;
    tg.tasks.add(t);
    this.tasks.set(tid, t);
    this.strace?.(`strace: Process ${tid} attached`);
    return t;
  }

  /** Installs the host's stdio as fds 0, 1, 2. */
  installStdio(tg: ThreadGroup): void {
    tg.fds.setAt(0, new StdioFile(0, '/dev/stdin', this.io.stdin, undefined, 0x101));
    tg.fds.setAt(1, new StdioFile(1, '/dev/stdout', undefined, this.io.stdout, 0x102));
    tg.fds.setAt(2, new StdioFile(1, '/dev/stderr', undefined, this.io.stderr, 0x103));
  }

  /** Sets a task's first registers: pc, sp, everything else zero (rdx = 0: no rtld_fini). */
  setEntry(task: Task, pc: number, sp: number): void {
    const s: CpuState = initialState(task.tg.arch.arch);
    if (s.arch === 'x86_64') { s.rip = BigInt(pc); s.gpr[4] = BigInt(sp); } else { s.pc = BigInt(pc); s.sp = BigInt(sp); }
    task.state = s;
    if (task.tg.mm.onCpu === task) task.tg.mm.onCpu = undefined;
  }

  // ---- the run loop --------------------------------------------------------------------------

  /** Runs until `init` has exited; returns how it ended. */
  async run(init: ThreadGroup): Promise<ExitStatus> {
    let slices = 0;
    while (init.alive) {
      const t = this.pickRunnable();
      if (!t) {
        if (!init.alive) break;
        const ok = await this.waitForWake();
        if (!ok) {
          this.diag(`elfbox: deadlock: every task is blocked (${[...this.tasks.values()].filter((x) => x.block).map((x) => `${x.tid}: ${x.block!.what}`).join(', ')})`);
          this.exitGroup(init, { code: KERNEL_BUG_STATUS });
        }
        continue;
      }
      this.runSlice(t);
      this.flushExitLines();
      if (++slices % 4 === 0) await yieldToHost();
    }
    this.flushExitLines();
    this.current = undefined;
    // init's end ends the guest: processes still running are killed, as in a pid namespace
    for (const tg of [...this.groups.values()]) if (tg.alive) this.exitGroup(tg, { signal: SIGKILL, core: false });
    this.flushExitLines();
    for (const tg of [...this.groups.values()]) this.reap(tg);
    return init.exit!;
  }

  /** Round-robin over live tasks; blocked tasks that were woken or timed out are resumed first. */
  private pickRunnable(): Task | undefined {
    const all = [...this.tasks.values()];
    const n = all.length;
    const now = performance.now();
    fireTimers(this, now);
    for (let i = 0; i < n; i++) {
      const t = all[(this.rr + i) % n];
      if (t.exited || t.tg.stopped !== undefined) continue; // job control: a stopped process waits for SIGCONT
      if (t.block) {
        if (this.hasDeliverable(t)) this.interrupt(t);
        else if (t.block.woken) this.resume(t, false);
        else if (t.block.deadline !== undefined && now >= t.block.deadline) this.resume(t, true);
        if (!t.runnable) continue;
      }
      if (this.hasDeliverable(t)) {
        this.switchTo(t);
        this.deliverPending(t);
        if (!t.runnable) continue;
      }
      this.rr = (this.rr + i + 1) % Math.max(1, n);
      return t;
    }
    return undefined;
  }

  /** Awaits the first blocked task's promise or deadline. false: nothing can ever wake anyone. */
  private async waitForWake(): Promise<boolean> {
    const promises: Promise<unknown>[] = [];
    let deadline = Infinity;
    for (const t of this.tasks.values()) {
      if (t.exited || !t.block || t.tg.stopped !== undefined) continue;
      if (t.block.woken || this.hasDeliverable(t)) return true; // (a signal may have come after its turn in the scan)
      if (t.block.promise) promises.push(t.block.promise);
      if (t.block.deadline !== undefined) deadline = Math.min(deadline, t.block.deadline);
    }
    deadline = Math.min(deadline, nextTimerDeadline(this));
    // Nothing in the guest can wake anyone: a deadlock, unless a host signal can (hostSignals).
    const hostCanWake = this.hostSignals?.() ?? false;
    if (!promises.length && deadline === Infinity && !hostCanWake) return false;
    promises.push(new Promise<void>((r) => { this.kick = r; }));
    let timer: NodeJS.Timeout | undefined;
    if (deadline !== Infinity) {
      promises.push(new Promise<void>((r) => { timer = setTimeout(r, Math.max(0, deadline - performance.now())); }));
    } else if (hostCanWake) {
      timer = setInterval(() => {}, 1 << 30); // signal listeners do not keep Node's loop alive: this does
    }
    await Promise.race(promises);
    this.kick = undefined;
    if (timer) clearTimeout(timer);
    return true;
  }

  /**
   * Set when host signals are forwarded to the guest (run's forwardSignals): true while one of
   * them could still act (is not ignored). A guest blocked on nothing else then waits for them
   * (as on Linux) instead of being reported as a deadlock.
   */
  hostSignals?: () => boolean;

  /** Makes a loop that waits for host events look at the tasks again (signals sent from outside). */
  notify(): void {
    this.kick?.();
  }

  /** Guest instructions retired by all tasks so far (0 when the backend does not count). */
  instructions = 0;

  switchTo(t: Task): void {
    const mm = t.tg.mm;
    const cpu = mm.cpu!;
    if (mm.onCpu !== t) {
      const prev = mm.onCpu as Task | undefined;
      if (prev && !prev.exited) prev.state = cpu.getState();
      if (t.state) cpu.setState(t.state);
      t.state = undefined;
      mm.onCpu = t;
    }
    this.current = t;
  }

  /** The next slice's instruction budget: fixed, or drawn from the seed (deterministic per seed). */
  private sliceBudget(): number {
    if (!this.sliceRng) return this.tasks.size === 1 ? this.solo : this.budget;
    let x = this.sliceRng;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.sliceRng = x;
    return Math.max(1, Math.floor(this.budget / 2) + (x % Math.max(1, this.budget)));
  }

  private runSlice(t: Task): void {
    this.switchTo(t);
    const cpu = t.tg.cpu;
    let stop: StopReason;
    const before = cpu.instructions;
    const t0 = performance.now();
    const mm = t.tg.mm;
    mm.rlimits = t.tg.rlimits; // RLIMIT_STACK bounds stack growth (MM.growStack)
    this.clock.beforeRun(mm); // the vDSO's clock base for this slice (vdso/clock.ts)
    try {
      stop = cpu.run(this.sliceBudget());
    } catch (e) {
      this.kernelBug(t, 'cpu', e);
      return;
    } finally {
      this.clock.afterRun(mm);
      // Guest instructions retired, where the backend counts them (for MIPS in bench/ and --stats).
      const n = before !== undefined && cpu.instructions !== undefined ? cpu.instructions - before : undefined;
      if (n !== undefined) this.instructions += n;
      chargeCpu(t, n, performance.now() - t0); // itimer.ts: guest CPU time (clocks, ITIMER_VIRTUAL/PROF)
    }
    if (t.exited) return;
    if (stop.kind === 'budget' && !this.sliceRng && this.tasks.size === 1) {
      const ms = performance.now() - t0;
      if (ms < SOLO_MS / 2) this.solo = Math.min(SOLO_MAX, this.solo * 2);
      else if (ms > 2 * SOLO_MS) this.solo = Math.max(this.budget, Math.floor(this.solo / 2));
    }
    switch (stop.kind) {
      case 'budget':
      case 'yield':
        return;
      case 'fault':
        if (stop.align) { this.forceSignal(t, { signo: 7 /* SIGBUS */, code: 1 /* BUS_ADRALN */, addr: stop.addr }); return; }
        // x86-64 #GP (privileged instruction, misaligned SSE operand): SIGSEGV with SI_KERNEL and address 0, as Linux
        if (stop.gp) { this.forceSignal(t, { signo: SIG.SIGSEGV, code: SI.SI_KERNEL, addr: 0 }); return; }
        if (t.tg.mm.resolveFault(stop.addr, stop.access)) return; // demand paging (mm/pager.ts): retry
        if (t.tg.mm.busFault(stop.addr)) this.forceSignal(t, { signo: 7 /* SIGBUS */, code: 2 /* BUS_ADRERR */, addr: stop.addr }); // a file page past EOF
        else this.forceSignal(t, { signo: SIG.SIGSEGV, code: stop.mapped ? SI.SEGV_ACCERR : SI.SEGV_MAPERR, addr: stop.addr });
        return;
      case 'illegal':
        // The warning matters when the program dies of it; a program that handles SIGILL probes on purpose.
        if (stop.detail && t.tg.sighand.actions[SIG.SIGILL].handler <= 1n) this.warnOnce(`illegal:${stop.detail}`, `elfbox: illegal instruction at 0x${stop.pc.toString(16)}: ${stop.detail}`);
        // x86-64 #UD is ILL_ILLOPN; arm64's undefined-instruction trap is ILL_ILLOPC.
        this.forceSignal(t, { signo: SIG.SIGILL, code: t.tg.arch.arch === 'x86_64' ? 2 : SI.ILL_ILLOPC, addr: stop.pc });
        return;
      case 'breakpoint':
        // int3 is SI_KERNEL on x86-64; brk is TRAP_BRKPT on arm64.
        this.forceSignal(t, { signo: SIG.SIGTRAP, code: t.tg.arch.arch === 'x86_64' ? SI.SI_KERNEL : SI.TRAP_BRKPT, addr: stop.pc });
        return;
      case 'divide':
        this.forceSignal(t, { signo: SIG.SIGFPE, code: SI.FPE_INTDIV, addr: stop.pc });
        return;
    }
  }

  /** Resumes a blocked task's syscall in its context. */
  private resume(t: Task, timedOut: boolean): void {
    this.switchTo(t);
    this.dispatcher(t.tg.arch.arch).resumeBlocked(t, t.tg.cpu, timedOut);
  }

  /** A deliverable signal arrived while t waits: end the wait by its restart rule. */
  private interrupt(t: Task): void {
    this.switchTo(t);
    const info = this.peekDeliverable(t)!;
    const action = t.tg.sighand.actions[info.signo];
    if (stopsGroup(this, t, info, action)) { this.traceSignal(info, t); this.dropSignal(t, info); return; }
    const outcome = decide(info.signo, action, false);
    const block = t.block!;
    const blockedCall = t.blockedCall;
    t.block = undefined;
    t.blockedCall = undefined;
    if (outcome.kind === 'kill') { this.deliverPending(t); return; }
    if (outcome.kind === 'ignore') { this.traceSignal(info, t); t.block = block; t.blockedCall = blockedCall; this.dropSignal(t, info); return; }
    const saRestart = (action.flags & 0x10000000n) !== 0n;
    const cpu = t.tg.cpu;
    if (block.restart === 'restart' || (block.restart === 'restart-if-sa' && saRestart)) t.tg.arch.rewindSyscall(cpu);
    else {
      t.tg.arch.setReturn(cpu, BigInt(-4 /* EINTR */));
      try { block.onEintr?.(); } catch { /* an unwritable rem is ignored */ }
    }
    this.deliverPending(t);
  }

  // ---- signals -------------------------------------------------------------------------------

  /** Queues a signal for one task (tgkill) or, with task undefined, for the process (kill). */
  sendSignal(tg: ThreadGroup, info: SigInfo, task?: Task): void {
    if (!tg.alive || info.signo === 0) return;
    if (info.signo < 32 && (task ? task.pending : tg.pending).some((p) => p.signo === info.signo)) return; // standard signals do not queue twice
    jobControlOnSend(this, tg, info.signo); // process.ts: SIGCONT resumes, stop and continue cancel each other
    if (task) task.pending.push(info);
    else tg.pending.push(info);
    noteSignalSent(task ? [task] : tg.tasks, info.signo);
    this.notify();
  }

  /** A synchronous fault: delivered now; blocked or ignored faults kill (Linux's force_sig). */
  forceSignal(t: Task, info: SigInfo): void {
    this.traceSignal(info, t);
    const action = t.tg.sighand.actions[info.signo];
    const blocked = (t.sigmask & sigBit(info.signo)) !== 0n;
    const outcome = decide(info.signo, action, true);
    if (outcome.kind === 'handler' && !blocked && this.delivery.deliver(t, info, action)) return;
    if (outcome.kind === 'handler') this.noHandlerWarning(info.signo);
    const d = decide(info.signo, { ...action, handler: 0n }, true);
    this.exitGroup(t.tg, { signal: info.signo, core: d.kind === 'kill' ? d.core : true });
  }

  private deliverable(t: Task): SigInfo[] {
    return [...t.pending, ...t.tg.pending].filter((s) => !(t.sigmask & sigBit(s.signo) & ~UNBLOCKABLE));
  }

  hasDeliverable(t: Task): boolean {
    if (!t.pending.length && !t.tg.pending.length) return false;
    return this.deliverable(t).length > 0;
  }

  private peekDeliverable(t: Task): SigInfo | undefined {
    return this.deliverable(t)[0];
  }

  private dropSignal(t: Task, info: SigInfo): void {
    for (const q of [t.pending, t.tg.pending]) {
      const i = q.indexOf(info);
      if (i >= 0) { q.splice(i, 1); return; }
    }
  }

  /** Acts on every deliverable pending signal of t (stops at the first that runs a handler or kills). */
  deliverPending(t: Task): void {
    for (;;) {
      const info = this.peekDeliverable(t);
      if (!info || t.exited) return;
      this.dropSignal(t, info);
      this.traceSignal(info, t);
      const action = t.tg.sighand.actions[info.signo];
      if (stopsGroup(this, t, info, action)) return;
      const outcome = decide(info.signo, action, false);
      if (outcome.kind === 'ignore') continue;
      if (outcome.kind === 'kill') { this.exitGroup(t.tg, { signal: info.signo, core: outcome.core }); return; }
      if (this.delivery.deliver(t, info, action)) {
        if ((action.flags & 0x80000000n) !== 0n) t.tg.sighand.actions[info.signo] = { handler: 0n, flags: 0n, restorer: 0n, mask: 0n };
        return;
      }
      this.noHandlerWarning(info.signo);
      const d = decide(info.signo, { ...action, handler: 0n }, false);
      if (d.kind === 'kill') { this.exitGroup(t.tg, { signal: info.signo, core: d.core }); return; }
    }
  }

  /** strace's `--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---` line. */
  private traceSignal(info: SigInfo, t?: Task): void {
    if (!this.strace) return;
    const name = signalName(info.signo);
    const codes: Record<number, string> = info.signo === 11 ? { 1: 'SEGV_MAPERR', 2: 'SEGV_ACCERR', 0x80: 'SI_KERNEL' }
      : info.signo === 17 ? { 1: 'CLD_EXITED', 2: 'CLD_KILLED', 3: 'CLD_DUMPED', 4: 'CLD_TRAPPED', 5: 'CLD_STOPPED', 6: 'CLD_CONTINUED' }
      : info.signo === 7 ? { 1: 'BUS_ADRALN', 2: 'BUS_ADRERR' } : info.signo === 4 ? { 1: 'ILL_ILLOPC', 2: 'ILL_ILLOPN' } : info.signo === 8 ? { 1: 'FPE_INTDIV' } : info.signo === 5 ? { 1: 'TRAP_BRKPT', 0x80: 'SI_KERNEL' } : {};
    const generic: Record<number, string> = { 0: 'SI_USER', [-6]: 'SI_TKILL', 0x80: 'SI_KERNEL' };
    const code = codes[info.code] ?? generic[info.code] ?? String(info.code);
    let rest = info.addr !== undefined ? `, si_addr=0x${info.addr.toString(16)}` : info.pid !== undefined ? `, si_pid=${info.pid}, si_uid=${info.uid ?? 0}` : '';
    // SIGCHLD from the kernel: the status (a signal name unless CLD_EXITED) and the child's times (not modelled: 0)
    if (info.signo === 17 && info.code >= 1 && info.code <= 6) rest += `, si_status=${info.code === 1 ? info.status ?? 0 : signalName(info.status ?? 0)}, si_utime=0, si_stime=0`;
    this.strace(`${t ? pidPrefix(t.tid, this.tasks.size) : ''}--- ${name} {si_signo=${name}, si_code=${code}${rest}} ---`);
  }

  private noHandlerWarning(sig: number): void {
    this.warnOnce(`nohandler:${sig}`, `elfbox: signal handlers are not implemented yet; ${signalName(sig)} takes its default action`);
  }

  // ---- exits ---------------------------------------------------------------------------------

  /** exit(2) of one task; the last task's exit ends the group with its code. */
  exitTask(t: Task, code: number): void {
    if (t.exited) return;
    const tg = t.tg;
    const live = [...tg.tasks].filter((x) => !x.exited);
    if (live.length <= 1) { this.exitGroup(tg, { code }); return; }
    this.finishTask(t);
  }

  private finishTask(t: Task): void {
    if (t.robustList && t.tg.alive) walkRobustList(this, t);
    t.exited = true;
    t.block = undefined;
    if (t.clearChildTid && t.tg.alive) {
      try {
        t.tg.mm.mem.writeU32(Number(t.clearChildTid), 0);
        this.futexes.wake(t.tg.mm, Number(t.clearChildTid), 1);
      } catch { /* an unmapped clear_child_tid is ignored, as Linux does */ }
    }
    if (t.tg.mm.onCpu === t) t.tg.mm.onCpu = undefined;
    this.tasks.delete(t.tid);
  }

  /** Ends every task of the group; the group keeps its status until reaped. */
  exitGroup(tg: ThreadGroup, status: ExitStatus): void {
    if (!tg.alive) return;
    tg.exit = status;
    if (this.strace) {
      this.exitLines.push(pidPrefix(tg.pid, this.tasks.size) + ('code' in status ? `+++ exited with ${status.code & 0xff} +++` : `+++ killed by ${signalName(status.signal)}${status.core ? ' (core dumped)' : ''} +++`));
    }
    for (const t of tg.tasks) if (!t.exited) { t.exited = true; t.block = undefined; this.tasks.delete(t.tid); }
    tg.mm.onCpu = undefined;
    tg.fds.closeAll();
    groupExited(this, tg); // process.ts: reparent children, notify the parent, zombie or reaped
  }

  private reap(tg: ThreadGroup): void {
    this.groups.delete(tg.pid);
    const stillUsed = [...this.groups.values()].some((g) => g.mm === tg.mm);
    if (!stillUsed && tg.mm.cpu) { tg.mm.cpu.destroy(); tg.mm.cpu = undefined; }
  }

  /** A JS exception in a handler that is not a SysError: the process ends, the host survives. */
  kernelBug(t: Task, where: string, e: unknown): void {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.diag(`elfbox: kernel bug in ${where}: ${msg}`);
    this.exitGroup(t.tg, { code: KERNEL_BUG_STATUS });
  }

  flushExitLines(): void {
    if (!this.exitLines.length) return;
    const l = this.exitLines;
    this.exitLines = [];
    for (const x of l) this.strace?.(x);
  }

  /** Prints a warning once per key per run. */
  warnOnce(key: string, msg: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.diag(msg);
  }
}

export { Block, NO_RETURN, SIGKILL };
