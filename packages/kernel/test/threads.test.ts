// Several tasks in one thread group sharing one Cpu: the scheduler's register switching,
// futex wait/wake between tasks, thread exit with clear_child_tid (the pthread_join pattern),
// and the SignalDelivery hook's restart rules. No clone yet: tasks are added directly.
import { describe, expect, it } from 'vitest';
import { Errno } from '@elfbox/abi';
import { cloneState } from '@elfbox/cpu';
import { SCRATCH, harness } from './harness.js';
import { BASE_PC, type FakeCpu, type Step } from './fake-cpu.js';
import type { SigInfo, Task } from '../src/task.js';

const S = SCRATCH;
const sys = (name: string, ...args: Array<number | bigint>): Step => (cpu: FakeCpu) => (cpu.syscall(name, ...args) ? 'syscall-done' : { kind: 'yield' });
const check = (f: (cpu: FakeCpu) => void): Step => (cpu) => { f(cpu); };
/** Jump to step i (each step is 4 bytes from BASE_PC). */
const jump = (i: number): Step => (cpu) => { cpu.pc = BASE_PC + 4 * i; };

describe('threads of one process', () => {
  it('switch registers on the shared Cpu; futex wake and clear_child_tid join', async () => {
    const log: string[] = [];
    const TID = S + 0x100, FUT = S + 0x200;
    // main: steps 0..4; thread: steps 10..14 (starts at BASE_PC + 40)
    const script: Step[] = [];
    script[0] = check((c) => { c.mem.writeU32(FUT, 0); c.regs[19] = 111n; });
    script[1] = sys('futex', FUT, 0x80, 0, 0, 0, 0); // wait until the thread sets FUT and wakes us
    script[2] = check((c) => log.push(`main woke ret=${c.ret} x19=${c.regs[19]} FUT=${c.mem.readU32(FUT)}`));
    script[3] = (c) => { // join: wait while TID != 0
      const tid = c.mem.readU32(TID);
      if (tid === 0) { log.push('main joined'); return c.syscall('exit_group', 5) ? 'syscall-done' : { kind: 'yield' }; }
      return c.syscall('futex', TID, 0x80, tid, 0, 0, 0) ? (jump(3)(c), 'syscall-done') : (c.pc = BASE_PC + 12, { kind: 'yield' });
    };
    script[10] = check((c) => { c.regs[19] = 222n; log.push('thread runs'); });
    script[11] = check((c) => c.mem.writeU32(FUT, 1));
    script[12] = sys('futex', FUT, 0x81, 1, 0, 0, 0);
    script[13] = check((c) => log.push(`thread woke ${c.ret} x19=${c.regs[19]}`));
    script[14] = sys('exit', 0);
    const h = harness({ arch: 'aarch64', script });
    const st = cloneState(h.cpu.getState());
    if (st.arch !== 'aarch64') throw new Error('arch');
    st.pc = BigInt(BASE_PC + 40);
    const t = h.kernel.addTask(h.tg, st);
    h.tg.mm.mem.writeU32(TID, t.tid);
    t.clearChildTid = BigInt(TID);
    expect(await h.kernel.run(h.tg)).toEqual({ code: 5 });
    expect(log).toEqual(['thread runs', 'thread woke 1 x19=222', 'main woke ret=0 x19=111 FUT=1', 'main joined']);
    expect(h.tg.mm.mem.readU32(TID)).toBe(0);
    expect(h.kernel.futexes.waiters(h.tg.mm, TID)).toBe(0);
  });

  it('exit of the last thread ends the group with its code', async () => {
    const h = harness({ arch: 'aarch64', script: [sys('exit', 9)] });
    expect(await h.kernel.run(h.tg)).toEqual({ code: 9 });
  });
});

describe('the SignalDelivery hook', () => {
  function withDelivery(restartFlag: boolean) {
    const delivered: Array<{ sig: number; pc: number }> = [];
    const script: Step[] = [
      sys('read', 0, S, 10), // blocks: stdin never has data
      check(() => {}),
    ];
    const h = harness({ arch: 'aarch64', script, stdin: { read: () => null, readable: () => new Promise<void>(() => {}), close() {} } });
    h.kernel.delivery = {
      deliver(task: Task, info: SigInfo) {
        delivered.push({ sig: info.signo, pc: h.cpu.getPc() });
        h.kernel.exitGroup(task.tg, { code: 0 }); // stand in for running the handler
        return true;
      },
    };
    h.tg.sighand.actions[10] = { handler: 0x5000n, flags: restartFlag ? 0x10000000n : 0n, restorer: 0n, mask: 0n };
    return { h, delivered };
  }

  it('a read interrupted by a handled signal without SA_RESTART returns EINTR', async () => {
    const { h, delivered } = withDelivery(false);
    const p = h.kernel.run(h.tg);
    await new Promise((r) => setTimeout(r, 10));
    h.kernel.sendSignal(h.tg, { signo: 10, code: 0, pid: 1, uid: 0 });
    expect(await p).toEqual({ code: 0 });
    expect(delivered).toEqual([{ sig: 10, pc: BASE_PC + 4 }]);
    expect(h.cpu.ret).toBe(BigInt(-Errno.EINTR));
  });

  it('with SA_RESTART the pc is rewound to the syscall instruction', async () => {
    const { h, delivered } = withDelivery(true);
    const p = h.kernel.run(h.tg);
    await new Promise((r) => setTimeout(r, 10));
    h.kernel.sendSignal(h.tg, { signo: 10, code: 0, pid: 1, uid: 0 }); // wakes the loop waiting on stdin
    expect(await p).toEqual({ code: 0 });
    expect(delivered).toEqual([{ sig: 10, pc: BASE_PC }]);
  });
});
