// Threads end to end: test/c/threads/pthreads.c (create/join, 8 threads counting with atomics
// and with a mutex, condvar producer/consumer, barrier, rwlock, TLS, pthread_cancel, a robust
// mutex after its owner died, pthread_kill, cond_timedwait) built static with glibc for both
// arches, under both CPU backends, against Linux's output; and reproducible interleaving: the
// same seed gives the same order of lock acquisitions and the same strace, byte for byte.
import { beforeAll, describe, expect, it } from 'vitest';
import { build, nativeRun, type Arch } from '../signals/build.js';
import { loadBackends, runUnder } from '../signals/runner.js';

beforeAll(loadBackends);

/** Known failures, with the reason (none now: cpu-unicorn clears the aarch64 exclusive monitor on setState). */
const SKIP: Record<string, string> = {};

// pimutex.c: PTHREAD_PRIO_INHERIT mutexes (FUTEX_LOCK_PI / TRYLOCK_PI / UNLOCK_PI) and the raw calls.
describe.each(['pthreads', 'pimutex'])('%s', (name) => {
  describe.each(['x86_64', 'aarch64'] as Arch[])('glibc on %s', (arch) => {
    let path: string | undefined;
    let expected: { out: string; status: number } | undefined;
    beforeAll(() => {
      path = build('threads', name, arch);
      // qemu-user has no robust lists (set_robust_list is ENOSYS there) and hangs in these
      // programs; Linux's output is the same on both arches, so the native x86-64 run is the
      // reference for both.
      const x86 = build('threads', name, 'x86_64');
      if (x86) expected = nativeRun(x86, 'x86_64');
    });
    for (const be of ['ts', 'unicorn'] as const) it(`same output as Linux on the ${be} CPU`, async (ctx) => {
      if (!path || !expected || SKIP[`${arch} ${be}`]) return ctx.skip();
      const r = await runUnder(path, arch, be);
      if (!r) return ctx.skip();
      expect(r.out).toBe(expected.out);
      expect(r.status).toBe(0);
      expect(r.err).toBe('');
    }, 60_000);
  });

  // The same programs built with musl (its own mutex, condvar, barrier, rwlock, cancel and
  // robust-list code), against the native musl run.
  describe('musl on x86_64', () => {
    let path: string | undefined;
    let expected: { out: string; status: number } | undefined;
    beforeAll(() => {
      path = build('threads', name, 'x86_64', 'musl');
      if (path) expected = nativeRun(path, 'x86_64');
    });
    for (const be of ['ts', 'unicorn'] as const) it(`same output as Linux on the ${be} CPU`, async (ctx) => {
      if (!path || !expected) return ctx.skip();
      const r = await runUnder(path, 'x86_64', be);
      if (!r) return ctx.skip();
      expect(r.out).toBe(expected.out);
      expect(r.status).toBe(0);
      expect(r.err).toBe('');
    }, 60_000);
  });
});

describe('atomics under tiny slices (threads switched inside LL/SC and lock sequences)', () => {
  for (const [arch, be] of [['x86_64', 'ts'], ['aarch64', 'ts'], ['x86_64', 'unicorn'], ['aarch64', 'unicorn']] as const) {
    it(`${arch} on ${be}: exact totals`, async (ctx) => {
      const path = build('threads', 'atomics', arch);
      if (!path || SKIP[`${arch} ${be}`]) return ctx.skip();
      const r = await runUnder(path, arch, be, { budget: 37, seed: 1 });
      if (!r) return ctx.skip();
      expect(r.out).toBe('add 12000 cas 12000 spin 12000 (expected 12000 each)\n');
    }, 60_000);
  }
});

describe('reproducible interleaving', () => {
  for (const [arch, be] of [['x86_64', 'ts'], ['aarch64', 'ts'], ['x86_64', 'unicorn']] as const) it(`${arch} on ${be}: same seed, same lock order and strace`, async (ctx) => {
    const path = build('threads', 'interleave', arch);
    if (!path) return ctx.skip();
    const a = await runUnder(path, arch, be, { seed: 7, budget: 3000, strace: true });
    const b = await runUnder(path, arch, be, { seed: 7, budget: 3000, strace: true });
    if (!a || !b) return ctx.skip();
    expect(a.out).toMatch(/^600 entries, order hash [0-9a-f]+\n$/);
    expect(b.out).toBe(a.out);
    expect(b.strace).toBe(a.strace);
    expect(a.strace.split('\n').filter((l) => l.replace(/^\[pid +\d+\] /, '').startsWith('futex(')).length).toBeGreaterThan(10);
    // A different seed slices differently: the lock order changes.
    const c = await runUnder(path, arch, be, { seed: 8, budget: 3000 });
    expect(c!.out).not.toBe(a.out);
  }, 60_000);
});
