// The run loop with scripted FakeCpus: blocking on host I/O, signals from faults and kills,
// futex timeouts, deadlock detection, and the wait statuses that come out.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Errno } from '@elfbox/abi';
import { SCRATCH, harness } from './harness.js';
import { StreamInput, StreamOutput } from '../src/files/stdio.js';
import type { FakeCpu, Step } from './fake-cpu.js';

const S = SCRATCH;
const sys = (name: string, ...args: Array<number | bigint>): Step => (cpu: FakeCpu) => (cpu.syscall(name, ...args) ? 'syscall-done' : { kind: 'yield' });
const check = (f: (cpu: FakeCpu) => void): Step => (cpu) => { f(cpu); };

describe('the run loop', () => {
  it('runs a task to exit_group and returns its code', async () => {
    const h = harness({ arch: 'aarch64', script: [sys('getpid'), sys('exit_group', 42)] });
    expect(await h.kernel.run(h.tg)).toEqual({ code: 42 });
    expect(h.strace).toEqual(['getpid() = 1', 'exit_group(42) = ?', '+++ exited with 42 +++']);
  });

  it('a read on a stream stdin parks the task until the host delivers data', async () => {
    const pt = new PassThrough();
    const seen: bigint[] = [];
    const h = harness({
      arch: 'aarch64', stdin: new StreamInput(pt),
      script: [sys('read', 0, S, 64), check((c) => seen.push(c.ret)), sys('read', 0, S + 64, 64), check((c) => seen.push(c.ret)), sys('exit_group', 0)],
    });
    setTimeout(() => pt.write('typed\n'), 20);
    setTimeout(() => pt.end(), 40);
    const status = await h.kernel.run(h.tg);
    expect(status).toEqual({ code: 0 });
    expect(seen).toEqual([6n, 0n]);
    expect(new TextDecoder().decode(h.tg.mm.mem.read(S, 6))).toBe('typed\n');
    expect(h.strace[0]).toBe(`read(0, "typed\\n", 64) = 6`);
  });

  it('a memory fault ends the process with SIGSEGV (status 128+11 in the CLI, core)', async () => {
    const h = harness({ arch: 'aarch64', script: [() => ({ kind: 'fault', pc: 0x1000, addr: 0x10, access: 'r', mapped: false })] });
    expect(await h.kernel.run(h.tg)).toEqual({ signal: 11, core: true });
    expect(h.strace).toEqual(['--- SIGSEGV {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=0x10} ---', '+++ killed by SIGSEGV (core dumped) +++']);
  });

  it('illegal instruction, breakpoint and divide map to SIGILL, SIGTRAP, SIGFPE', async () => {
    const cases: Array<[Step, number]> = [
      [() => ({ kind: 'illegal', pc: 0x1000 }), 4],
      [() => ({ kind: 'breakpoint', pc: 0x1000 }), 5],
      [() => ({ kind: 'divide', pc: 0x1000 }), 8],
    ];
    for (const [step, sig] of cases) {
      const h = harness({ arch: 'aarch64', script: [step] });
      expect(await h.kernel.run(h.tg)).toEqual({ signal: sig, core: true });
    }
  });

  it('a SIGSEGV handler whose frame cannot be written (sp = 0): killed by SIGSEGV (force_sigsegv)', async () => {
    const h = harness({ arch: 'aarch64', script: [() => ({ kind: 'fault', pc: 0x1000, addr: 0x10, access: 'w', mapped: true })] });
    h.tg.sighand.actions[11] = { handler: 0x401000n, flags: 0n, restorer: 0n, mask: 0n };
    expect(await h.kernel.run(h.tg)).toEqual({ signal: 11, core: true });
    expect(h.strace[0]).toContain('si_code=SEGV_ACCERR');
    expect(h.strace[1]).toContain('si_code=SI_KERNEL');
  });

  it('tgkill(self, SIGABRT) kills with SIGABRT; a blocked signal waits until unblocked', async () => {
    const order: string[] = [];
    const h = harness({
      arch: 'aarch64',
      script: [
        check((c) => c.mem.writeU64(S, 1n << 9n)), // block SIGUSR1 (10)
        sys('rt_sigprocmask', 0, S, 0, 8),
        sys('kill', 0, 10),
        check(() => order.push('still alive after blocked SIGUSR1')),
        sys('rt_sigprocmask', 1, S, 0, 8),
        check(() => order.push('not reached')),
      ],
    });
    const st = await h.kernel.run(h.tg);
    expect(st).toEqual({ signal: 10, core: false });
    expect(order).toEqual(['still alive after blocked SIGUSR1']);
    const h2 = harness({ arch: 'aarch64', script: [sys('gettid'), (c) => (c.syscall('tgkill', 1, 1, 6) ? 'syscall-done' : { kind: 'yield' })] });
    expect(await h2.kernel.run(h2.tg)).toEqual({ signal: 6, core: true });
  });

  it('an ignored signal does nothing', async () => {
    const h = harness({ arch: 'aarch64', script: [sys('kill', 0, 17), sys('exit_group', 0)] }); // SIGCHLD: default ignore
    expect(await h.kernel.run(h.tg)).toEqual({ code: 0 });
  });

  it('futex WAIT with a timeout parks the task and returns ETIMEDOUT', async () => {
    let r = 0n;
    const t0 = performance.now();
    const h = harness({
      arch: 'aarch64',
      script: [
        check((c) => { c.mem.writeU32(S, 7); c.mem.writeU64(S + 8, 0n); c.mem.writeU64(S + 16, 30_000_000n); }),
        sys('futex', S, 0x80, 7, S + 8, 0, 0),
        check((c) => { r = c.ret; }),
        sys('exit_group', 0),
      ],
    });
    await h.kernel.run(h.tg);
    expect(r).toBe(BigInt(-Errno.ETIMEDOUT));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });

  it('nanosleep blocks until its deadline', async () => {
    const h = harness({
      arch: 'aarch64',
      script: [check((c) => { c.mem.writeU64(S, 0n); c.mem.writeU64(S + 8, 20_000_000n); }), sys('nanosleep', S, 0), sys('exit_group', 0)],
    });
    const t0 = performance.now();
    await h.kernel.run(h.tg);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    expect(h.strace[0]).toBe('nanosleep({tv_sec=0, tv_nsec=20000000}, NULL) = 0');
  });

  it('a futex wait nothing can wake is reported as a deadlock, not a hang', async () => {
    const h = harness({ arch: 'aarch64', script: [check((c) => c.mem.writeU32(S, 0)), sys('futex', S, 0x80, 0, 0, 0, 0)] });
    expect(await h.kernel.run(h.tg)).toEqual({ code: 70 });
    expect(h.err()).toContain('deadlock');
  });

  it('an exception thrown by the CPU itself is a kernel bug, not a host crash', async () => {
    const h = harness({ arch: 'aarch64', script: [() => { throw new RangeError('cpu exploded'); }] });
    expect(await h.kernel.run(h.tg)).toEqual({ code: 70 });
    expect(h.err()).toContain('elfbox: kernel bug in cpu: RangeError: cpu exploded');
  });

  it('a write to an output whose reader went away is EPIPE and kills with SIGPIPE', async () => {
    const w = new PassThrough();
    const out = new StreamOutput(w);
    w.destroy();
    const h = harness({ arch: 'aarch64', stdout: out, script: [check((c) => c.mem.write(S, Uint8Array.of(65))), sys('write', 1, S, 1), sys('exit_group', 0)] });
    expect(await h.kernel.run(h.tg)).toEqual({ signal: 13, core: false });
    expect(h.strace.slice(0, 2)).toEqual(['write(1, "A", 1) = -1 EPIPE (Broken pipe)', '--- SIGPIPE {si_signo=SIGPIPE, si_code=SI_USER, si_pid=1, si_uid=1000} ---']);
  });

  it('output backpressure parks the writer until the stream drains', async () => {
    const w = new PassThrough({ highWaterMark: 4 });
    const got: string[] = [];
    const out = new StreamOutput(w);
    const h = harness({
      arch: 'aarch64', stdout: out,
      script: [check((c) => c.mem.write(S, new TextEncoder().encode('abcdefgh'))), sys('write', 1, S, 8), sys('write', 1, S, 8), sys('exit_group', 0)],
    });
    const p = h.kernel.run(h.tg);
    setTimeout(() => { w.on('data', (d: Buffer) => got.push(d.toString())); }, 20);
    expect(await p).toEqual({ code: 0 });
    await new Promise((r) => setTimeout(r, 10));
    expect(got.join('')).toBe('abcdefghabcdefgh');
    expect(h.strace.slice(0, 2)).toEqual(['write(1, "abcdefgh", 8) = 8', 'write(1, "abcdefgh", 8) = 8']);
  });

  it('the Cpu is destroyed when the process is reaped', async () => {
    const h = harness({ arch: 'aarch64', script: [sys('exit_group', 0)] });
    await h.kernel.run(h.tg);
    expect(h.cpu.destroyed).toBe(true);
  });
});
