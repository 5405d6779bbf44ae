// The guest's clocks, shared by the time system calls and the vDSO's user-space fast path.
//
// Linux's vDSO reads time without entering the kernel: the kernel keeps a data page (vvar) with a
// base time and the counter value it was taken at, and the vDSO adds (counter - cycle_last) *
// mult. Ours does the same (vdso.c). The counter is what the guest's rdtsc / CNTVCT_EL0 returns
// (Cpu.counter): a real-time counter of known rate (Cpu.counterHz: aarch64's 62.5 MHz CNTVCT_EL0,
// x86-64's 3 GHz TSC), so mult is exact. The vvar page of a process is rebased at the start of
// each of its slices on the CPU and at each time system call; a backend without such a counter
// (Unicorn: the kernel cannot read the engine's) gets mode 0, and there the vDSO makes the
// system call.
//
// Monotonic by construction: `floor` is the largest CLOCK_MONOTONIC value any vDSO could have
// returned (at the end of each slice, the extrapolation at the counter's final value) or the
// kernel did return, and the kernel's clock is max(host monotonic clock, floor, this process's
// extrapolation now). CLOCK_REALTIME is the monotonic clock plus the host's realtime - monotonic
// offset (followed when the host's wall clock is stepped by more than a millisecond). The COARSE
// clocks are the bases of the last rebase (no counter read), as Linux's are the last tick's.
import { PAGE_SIZE } from '@elfbox/cpu';
import type { MM } from '../mm.js';

/** Field offsets in the vvar page (struct vvar in vdso.c). */
export const VVAR = { seq: 0, mode: 4, cycleLast: 8, monoNs: 16, realNs: 24, mult: 32, maxDelta: 40, cpu: 48, size: 56 } as const;

export function hostMonotonicNs(): bigint {
  return process.hrtime.bigint();
}

export function hostRealtimeNs(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6));
}

interface ClockState {
  /** Address of the process's [vvar] page (undefined: no vDSO). */
  vvar?: number;
  /** CLOCK_MONOTONIC (ns) at cycleLast. */
  base: bigint;
  cycleLast: bigint;
  /** Nanoseconds per tick, 32.32 fixed point; 0n: no usable counter. */
  mult: bigint;
  maxDelta: bigint;
  seq: number;
}

export class GuestClock {
  private floor = 0n;
  private realOffset = hostRealtimeNs() - hostMonotonicNs();
  private readonly states = new WeakMap<MM, ClockState>();

  private state(mm: MM): ClockState {
    let st = this.states.get(mm);
    if (!st) {
      const v = mm.vmas.find((x) => x.name === '[vvar]');
      st = { vvar: v?.start, base: 0n, cycleLast: 0n, mult: 0n, maxDelta: 0n, seq: 0 };
      this.states.set(mm, st);
    }
    return st;
  }

  private extrapolate(st: ClockState, c: bigint | undefined): bigint {
    if (st.mult === 0n || c === undefined) return st.base;
    let d = c > st.cycleLast ? c - st.cycleLast : 0n;
    if (d > st.maxDelta) d = st.maxDelta;
    return st.base + ((d * st.mult) >> 32n);
  }

  /**
   * CLOCK_MONOTONIC now (ns), as the time system calls answer it for mm's process: never less
   * than what any vDSO or this clock returned before. Rebases mm's vvar page on it.
   */
  monotonic(mm?: MM): bigint {
    let t = hostMonotonicNs();
    if (t < this.floor) t = this.floor;
    if (!mm) return (this.floor = t);
    const st = this.state(mm);
    const c = mm.cpu?.counter?.();
    const e = this.extrapolate(st, c);
    if (e > t) t = e;
    this.floor = t;
    this.rebase(mm, st, t, c);
    return t;
  }

  /** CLOCK_REALTIME now (ns). */
  realtime(mm?: MM): bigint {
    return this.monotonic(mm) + this.realOffset;
  }

  /** CLOCK_MONOTONIC_COARSE: the base of the last rebase (what the vDSO's coarse clock reads). */
  coarseMonotonic(mm?: MM): bigint {
    const st = mm && this.states.get(mm);
    return st && st.base ? st.base : this.monotonic(mm);
  }

  coarseRealtime(mm?: MM): bigint {
    return this.coarseMonotonic(mm) + this.realOffset;
  }

  /** Before a slice of mm's process on the CPU: a fresh base for the slice. */
  beforeRun(mm: MM): void {
    this.monotonic(mm);
  }

  /** After the slice: what the vDSO could have returned raises the floor. */
  afterRun(mm: MM): void {
    const st = this.states.get(mm);
    const c = mm.cpu?.counter?.();
    if (!st || c === undefined) return;
    const e = this.extrapolate(st, c);
    if (e > this.floor) this.floor = e;
  }

  private rebase(mm: MM, st: ClockState, t: bigint, c: bigint | undefined): void {
    // follow a step of the host's wall clock
    const off = hostRealtimeNs() - hostMonotonicNs();
    if (off - this.realOffset > 1_000_000n || this.realOffset - off > 1_000_000n) this.realOffset = off;
    st.base = t;
    st.cycleLast = c ?? 0n;
    const hz = mm.cpu?.counterHz;
    const nsPerTick = c !== undefined && hz ? 1e9 / hz : 0;
    st.mult = nsPerTick > 0 ? BigInt(Math.max(1, Math.round(nsPerTick * 2 ** 32))) : 0n;
    // The counter follows real time, so extrapolation is exact however long since the rebase (a
    // slice that translates much new code can take tens of milliseconds): the only bound is that
    // delta * mult fits the vDSO's 64-bit product (about 4 s at either rate).
    st.maxDelta = st.mult ? ((1n << 64n) - 1n) / st.mult : 0n;
    if (st.vvar === undefined) return;
    const b = new Uint8Array(VVAR.size);
    const dv = new DataView(b.buffer);
    st.seq += 2;
    dv.setUint32(VVAR.seq, st.seq, true);
    dv.setUint32(VVAR.mode, st.mult ? 1 : 0, true);
    dv.setBigUint64(VVAR.cycleLast, st.cycleLast, true);
    dv.setBigUint64(VVAR.monoNs, t, true);
    dv.setBigUint64(VVAR.realNs, t + this.realOffset, true);
    dv.setBigUint64(VVAR.mult, st.mult, true);
    dv.setBigUint64(VVAR.maxDelta, st.maxDelta, true);
    dv.setUint32(VVAR.cpu, 0, true);
    mm.mem.poke(st.vvar, b);
  }
}

export const VVAR_PAGES = 1;
export const VVAR_BYTES = VVAR_PAGES * PAGE_SIZE;
