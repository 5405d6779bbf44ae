// GuestClock without a CPU: the vvar page a fake counter drives, read back the way vdso.c reads
// it, must never go back across slices, system calls and processes, however wrong the rate.
import { describe, expect, it } from 'vitest';
import type { Cpu } from '@elfbox/cpu';
import { MM } from '../../src/mm.js';
import { GuestClock, VVAR, hostMonotonicNs } from '../../src/vdso/clock.js';

/** An MM with the vDSO mapped and a CPU whose counter the test sets. */
function proc(hz?: number) {
  const mm = new MM();
  mm.mapVdso('x86_64');
  const box = { c: 1_000_000n };
  mm.cpu = { counter: () => box.c, counterHz: hz } as unknown as Cpu;
  return { mm, box };
}

/** What the vDSO computes from the page (vdso.c read_ns). */
function vdsoMono(mm: MM, counter: bigint): bigint {
  const vvar = mm.vmas.find((v) => v.name === '[vvar]')!.start;
  const b = mm.mem.read(vvar, VVAR.size);
  const dv = new DataView(b.buffer, b.byteOffset);
  const base = dv.getBigUint64(VVAR.monoNs, true);
  if (!dv.getUint32(VVAR.mode, true)) return -1n;
  const last = dv.getBigUint64(VVAR.cycleLast, true);
  let d = counter > last ? counter - last : 0n;
  const max = dv.getBigUint64(VVAR.maxDelta, true);
  if (d > max) d = max;
  return base + ((d * dv.getBigUint64(VVAR.mult, true)) >> 32n);
}

describe('GuestClock', () => {
  it('vDSO reads, system calls and other processes never see time go back, even when the counter runs far ahead of the host clock', () => {
    const clock = new GuestClock();
    // x86-64's 3 GHz TSC; the test's counter advances much faster than the host's clock does
    const a = proc(3e9), b = proc(3e9);
    let last = 0n;
    const see = (t: bigint) => { expect(t).toBeGreaterThanOrEqual(last); last = t; };
    for (let slice = 0; slice < 40; slice++) {
      const p = slice % 3 === 2 ? b : a;
      clock.beforeRun(p.mm);
      // small steps first, then bursts of 100 ms of ticks per read
      const step = slice < 20 ? 1000n : 300_000_000n;
      for (let i = 0; i < 50; i++) {
        p.box.c += step;
        see(vdsoMono(p.mm, p.box.c));
        if (i % 17 === 0) see(clock.monotonic(p.mm));
        see(vdsoMono(p.mm, p.box.c));
      }
      clock.afterRun(p.mm);
      see(clock.monotonic());
    }
    // the coarse clock is a base already handed out: never ahead of the fine one
    expect(clock.coarseMonotonic(a.mm)).toBeLessThanOrEqual(clock.monotonic(a.mm));
  });

  it('a real-time counter (aarch64) gives exact 16 ns ticks at 62.5 MHz', () => {
    const clock = new GuestClock();
    const p = proc(62_500_000);
    clock.beforeRun(p.mm);
    const t0 = vdsoMono(p.mm, p.box.c);
    expect(vdsoMono(p.mm, p.box.c + 62_500n)).toBe(t0 + 1_000_000n); // 1 ms later
    expect(t0).toBeLessThanOrEqual(hostMonotonicNs());
  });

  it('a read long after the rebase (a slice that translated much code) is still exact: 200 ms at 3 GHz', () => {
    const clock = new GuestClock();
    const p = proc(3e9);
    clock.beforeRun(p.mm);
    const t0 = vdsoMono(p.mm, p.box.c);
    const later = vdsoMono(p.mm, p.box.c + 600_000_000n);
    expect(Number(later - t0 - 200_000_000n)).toBeGreaterThanOrEqual(-1);
    expect(Number(later - t0 - 200_000_000n)).toBeLessThanOrEqual(1);
  });

  it('a counter of unknown rate: mode 0, the vDSO makes the system call', () => {
    const clock = new GuestClock();
    const p = proc(undefined);
    clock.beforeRun(p.mm);
    expect(vdsoMono(p.mm, p.box.c + 1000n)).toBe(-1n);
  });

  it('no counter (Unicorn): mode 0, the vDSO makes the system call', () => {
    const clock = new GuestClock();
    const mm = new MM();
    mm.mapVdso('x86_64');
    mm.cpu = {} as unknown as Cpu;
    clock.beforeRun(mm);
    expect(vdsoMono(mm, 0n)).toBe(-1n);
  });
});
