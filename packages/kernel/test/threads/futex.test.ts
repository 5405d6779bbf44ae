// Futex operations and clone through the real dispatcher with scripted tasks: REQUEUE moves
// waiters, CMP_REQUEUE checks the word, WAKE_OP's read-modify-write and comparison, robust
// lists marked FUTEX_OWNER_DIED on thread death, clone/clone3 of threads (tids, TLS, stack).
import { describe, expect, it } from 'vitest';
import { SCRATCH, harness } from '../harness.js';
import type { FakeCpu, Step } from '../fake-cpu.js';

const S = SCRATCH;
const call = (c: FakeCpu, name: string, ...a: Array<number | bigint>) => { c.syscall(name, ...a); return c.ret; };

describe('futex', () => {
  it('REQUEUE moves waiters; a wake on the new address reaches them', async () => {
    const h = harness({ arch: 'x86_64' });
    const k = h.kernel, mm = h.tg.mm;
    const a = k.futexes.wait(mm, S, 0, 0xffffffff);
    const b = k.futexes.wait(mm, S, 0, 0xffffffff);
    expect(k.futexes.requeue(mm, S, 0, S + 8, 5)).toBe(2);
    expect(k.futexes.waiters(mm, S)).toBe(0);
    expect(k.futexes.waiters(mm, S + 8)).toBe(2);
    expect(k.futexes.wake(mm, S + 8, 1)).toBe(1);
    expect(a.woken).toBe(true);
    expect(b.woken).toBe(false);
    expect(a.resume(false)).toBe(0);
    expect(k.futexes.waiters(mm, S + 8)).toBe(1);
  });

  it('CMP_REQUEUE fails with EAGAIN when the word changed', () => {
    const h = harness({ arch: 'x86_64' });
    h.tg.mm.mem.writeU32(S, 5);
    expect(call(h.cpu, 'futex', S, 4, 1, 1, S + 8, 4)).toBe(-11n);
    expect(call(h.cpu, 'futex', S, 4, 1, 1, S + 8, 5)).toBe(0n);
  });

  it('WAKE_OP: op on the second word, conditional wake', () => {
    const h = harness({ arch: 'x86_64' });
    const mm = h.tg.mm;
    mm.mem.writeU32(S + 8, 3);
    const w2 = h.kernel.futexes.wait(mm, S + 8, 3, 0xffffffff);
    // FUTEX_OP(FUTEX_OP_ADD, 4, FUTEX_OP_CMP_GT, 1): old=3 > 1, so the second address is woken
    const op = (1 << 28) | (4 << 24) | (4 << 12) | 1;
    expect(call(h.cpu, 'futex', S, 5, 1, 1, S + 8, op)).toBe(1n);
    expect(mm.mem.readU32(S + 8)).toBe(7);
    expect(w2.woken).toBe(true);
    // FUTEX_OP(SET with OPARG_SHIFT, 3 -> 8, CMP_EQ, 0): old=7 != 0, no wake
    const op2 = (8 << 28) | (0 << 24) | (3 << 12) | 0;
    expect(call(h.cpu, 'futex', S, 5, 1, 1, S + 8, op2)).toBe(0n);
    expect(mm.mem.readU32(S + 8)).toBe(8);
  });

  it('WAIT: EAGAIN on a changed word, EINVAL when misaligned', () => {
    const h = harness({ arch: 'aarch64' });
    h.tg.mm.mem.writeU32(S, 1);
    expect(call(h.cpu, 'futex', S, 0x80, 0, 0, 0, 0)).toBe(-11n);
    expect(call(h.cpu, 'futex', S + 1, 0x81, 1, 0, 0, 0)).toBe(-22n);
  });
});

describe('clone and thread death', () => {
  it('clone(CLONE_THREAD...) makes a task with its tid, stack and TLS; CHILD_CLEARTID wakes the joiner', async () => {
    const log: string[] = [];
    const PTID = S + 0x300, CTID = S + 0x304;
    const flags = 0x100 | 0x200 | 0x400 | 0x800 | 0x10000 | 0x40000 | 0x80000 | 0x100000 | 0x200000 | 0x1000000;
    const script: Step[] = [];
    // x86-64 clone(flags, stack, parent_tid, child_tid, tls)
    script[0] = (c) => (c.syscall('clone', flags, 0x7000_0000, PTID, CTID, 0x5555) ? 'syscall-done' : { kind: 'yield' });
    script[1] = (c) => {
      if (c.ret === 0n) { // the child: on its own stack and TLS
        log.push(`child sp=${c.regs[4].toString(16)} tls=${c.tls.toString(16)}`);
        c.syscall('gettid');
        log.push(`child tid ok=${Number(c.ret) === c.mem.readU32(PTID) && Number(c.ret) === c.mem.readU32(CTID)}`);
        return c.syscall('exit', 0) ? 'syscall-done' : { kind: 'yield' };
      }
      log.push(`parent got ${c.ret === BigInt(c.mem.readU32(PTID))}`);
      return 'syscall-done';
    };
    script[2] = (c) => { // wait for the child to clear CTID (join)
      const v = c.mem.readU32(CTID);
      if (v === 0) { log.push('joined'); return c.syscall('exit_group', 0) ? 'syscall-done' : { kind: 'yield' }; }
      c.pc -= 4;
      return c.syscall('futex', CTID, 0x80, v, 0, 0, 0) ? 'syscall-done' : { kind: 'yield' };
    };
    const h = harness({ arch: 'x86_64', script });
    expect(await h.kernel.run(h.tg)).toEqual({ code: 0 });
    expect(log).toContain('child sp=70000000 tls=5555');
    expect(log).toContain('parent got true');
    expect(log).toContain('child tid ok=true');
    expect(log).toContain('joined');
    // strace's rendering: named arguments, flags by name in strace's order, parent_tid read back
    const line = h.strace.find((l) => l.startsWith('clone('))!;
    const tid = line.match(/= (\d+)$/)![1];
    expect(line.replace(/\s+= /, ' = ')).toBe(`clone(child_stack=0x70000000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID, parent_tid=[${tid}], tls=0x5555, child_tidptr=0x${CTID.toString(16)}) = ${tid}`);
  });

  it('the robust list walk marks a lock held by the dead tid with FUTEX_OWNER_DIED and wakes a waiter', async () => {
    const h = harness({ arch: 'x86_64' });
    const { walkRobustList } = await import('../../src/futex.js');
    const mem = h.tg.mm.mem;
    const HEAD = S + 0x200, ENTRY = S + 0x400, OFF = 16;
    const t = h.tg.leader!;
    mem.writeU64(HEAD, BigInt(ENTRY));
    mem.writeU64(HEAD + 8, BigInt(OFF));
    mem.writeU64(HEAD + 16, 0n);
    mem.writeU64(ENTRY, BigInt(HEAD));
    mem.writeU32(ENTRY + OFF, 0x80000000 | t.tid);
    const w = h.kernel.futexes.wait(h.tg.mm, ENTRY + OFF, 0x80000000 | t.tid, 0xffffffff);
    t.robustList = BigInt(HEAD);
    walkRobustList(h.kernel, t);
    expect(mem.readU32(ENTRY + OFF)).toBe((0x80000000 | 0x40000000) >>> 0);
    expect(w.woken).toBe(true);
  });

  it('clone3 checks its arguments; a process clone without a processes implementation is ENOSYS', () => {
    const h = harness({ arch: 'aarch64' });
    expect(call(h.cpu, 'clone3', S, 32)).toBe(-22n);
    h.tg.mm.mem.write(S, new Uint8Array(88));
    h.tg.mm.mem.writeU64(S, 0x10000n); // CLONE_THREAD without CLONE_SIGHAND
    expect(call(h.cpu, 'clone3', S, 88)).toBe(-22n);
    h.tg.mm.mem.writeU64(S, 0x100n | 0x800n | 0x10000n);
    h.tg.mm.mem.writeU64(S + 40, 0x1000n); // stack without stack_size
    expect(call(h.cpu, 'clone3', S, 88)).toBe(-22n);
  });
});

describe('scheduling answers', () => {
  it('policies, priorities, nice, getcpu as an unprivileged Linux process sees them', () => {
    const h = harness({ arch: 'x86_64' });
    const c = h.cpu;
    expect(call(c, 'sched_getscheduler', 0)).toBe(0n);
    expect(call(c, 'sched_get_priority_max', 1)).toBe(99n);
    expect(call(c, 'sched_get_priority_min', 0)).toBe(0n);
    h.tg.mm.mem.writeU32(S, 10);
    expect(call(c, 'sched_setscheduler', 0, 1, S)).toBe(-1n); // EPERM for SCHED_FIFO
    expect(call(c, 'sched_setscheduler', 0, 0, S)).toBe(-22n); // priority must be 0
    expect(call(c, 'getpriority', 0, 0)).toBe(20n);
    expect(call(c, 'setpriority', 0, 0, 5)).toBe(0n);
    expect(call(c, 'getpriority', 0, 0)).toBe(15n);
    expect(call(c, 'setpriority', 0, 0, 0)).toBe(-13n); // lowering nice needs privilege
    expect(call(c, 'sched_getscheduler', 99999)).toBe(-3n);
    expect(call(c, 'getcpu', S, S + 4, 0)).toBe(0n);
    expect(h.tg.mm.mem.readU32(S)).toBe(0);
  });
});
