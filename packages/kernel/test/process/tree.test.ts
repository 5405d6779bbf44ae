// The process tree without executing guest code: fork through the real dispatcher on FakeCpus,
// exits through Kernel.exitGroup, waits and ids through their syscalls.
import { describe, expect, it } from 'vitest';
import { foregroundPgrp, setForegroundPgrp } from '../../src/process.js';
import type { ThreadGroup } from '../../src/task.js';
import type { FakeCpu } from '../fake-cpu.js';
import { harness, SCRATCH } from '../harness.js';

const ECHILD = 10n, ESRCH = 3n, EPERM = 1n;

function forkFrom(h: ReturnType<typeof harness>, tg: ThreadGroup, cpu: FakeCpu): ThreadGroup {
  h.kernel.switchTo(tg.leader!);
  cpu.syscall('fork');
  const pid = Number(cpu.ret);
  expect(pid).toBeGreaterThan(0);
  return h.kernel.groups.get(pid)!;
}

const cpuOf = (tg: ThreadGroup) => tg.mm.cpu as unknown as FakeCpu;

describe('the process tree', () => {
  it('fork copies the address space and fd table (sharing descriptions), and the child returns 0', () => {
    const h = harness();
    h.tg.mm.mem.writeU32(SCRATCH, 0x1234);
    const child = forkFrom(h, h.tg, h.cpu);
    expect(child.parent).toBe(h.tg);
    expect(h.tg.children.has(child)).toBe(true);
    expect(child.mm).not.toBe(h.tg.mm);
    expect(child.mm.mem.readU32(SCRATCH)).toBe(0x1234);
    child.mm.mem.writeU32(SCRATCH, 1);
    expect(h.tg.mm.mem.readU32(SCRATCH)).toBe(0x1234);
    expect(child.fds).not.toBe(h.tg.fds);
    expect(child.fds.get(1)).toBe(h.tg.fds.get(1));
    expect(child.sighand).not.toBe(h.tg.sighand);
    expect(child.pgid).toBe(h.tg.pgid);
    expect(child.sid).toBe(h.tg.sid);
    const st = child.leader!.state!;
    expect(st.arch === 'x86_64' && st.gpr[0]).toBe(0n);
  });

  it('an exited child is a zombie until wait4 reaps it, with its status and SIGCHLD to the parent', () => {
    const h = harness();
    const child = forkFrom(h, h.tg, h.cpu);
    h.cpu.syscall('wait4', -1, SCRATCH, 1 /* WNOHANG */, 0);
    expect(h.cpu.ret).toBe(0n);
    h.kernel.exitGroup(child, { code: 3 });
    expect(h.kernel.groups.has(child.pid)).toBe(true);
    expect(h.tg.pending.map((s) => [s.signo, s.code, s.pid, s.status])).toEqual([[17, 1, child.pid, 3]]);
    h.kernel.switchTo(h.tg.leader!);
    h.cpu.syscall('wait4', -1, SCRATCH, 0, 0);
    expect(h.cpu.ret).toBe(BigInt(child.pid));
    expect(h.tg.mm.mem.readU32(SCRATCH)).toBe(0x300);
    expect(h.kernel.groups.has(child.pid)).toBe(false);
    h.cpu.syscall('wait4', -1, SCRATCH, 0, 0);
    expect(h.cpu.ret).toBe(-ECHILD);
  });

  it('a wait with no exited child blocks and is woken by the exit', () => {
    const h = harness();
    const child = forkFrom(h, h.tg, h.cpu);
    h.cpu.syscall('wait4', child.pid, SCRATCH, 0, 0);
    const b = h.tg.leader!.block!;
    expect(b).toBeDefined();
    expect(b.woken).toBe(false);
    h.kernel.exitGroup(child, { signal: 11, core: true });
    expect(b.woken).toBe(true);
    expect(b.resume(false)).toBe(child.pid);
    expect(h.tg.mm.mem.readU32(SCRATCH)).toBe(0x8b); // SIGSEGV | core dumped
  });

  it('SIGCHLD ignored: children are reaped as they exit', () => {
    const h = harness();
    h.tg.sighand.actions[17].handler = 1n;
    const child = forkFrom(h, h.tg, h.cpu);
    h.kernel.exitGroup(child, { code: 0 });
    expect(h.kernel.groups.has(child.pid)).toBe(false);
    expect(h.tg.pending).toEqual([]);
  });

  it('orphans go to init (pid 1) or the nearest subreaper, and get their PDEATHSIG', () => {
    const h = harness();
    expect(h.tg.pid).toBe(1);
    const mid = forkFrom(h, h.tg, h.cpu);
    const grand = forkFrom(h, mid, cpuOf(mid));
    grand.pdeathsig = 15;
    h.kernel.exitGroup(mid, { code: 0 });
    expect(grand.parent).toBe(h.tg);
    expect(h.tg.children.has(grand)).toBe(true);
    expect(grand.pending.map((s) => s.signo)).toEqual([15]);
    // with a subreaper in between
    const sub = forkFrom(h, h.tg, h.cpu);
    sub.subreaper = true;
    const m2 = forkFrom(h, sub, cpuOf(sub));
    const g2 = forkFrom(h, m2, cpuOf(m2));
    h.kernel.exitGroup(m2, { code: 0 });
    expect(g2.parent).toBe(sub);
  });

  it('process groups and sessions: setpgid, setsid, kill to a group, tcsetpgrp', () => {
    const h = harness();
    const a = forkFrom(h, h.tg, h.cpu);
    const b = forkFrom(h, h.tg, h.cpu);
    h.kernel.switchTo(h.tg.leader!);
    h.cpu.syscall('setpgid', a.pid, 0);
    expect(h.cpu.ret).toBe(0n);
    h.cpu.syscall('setpgid', b.pid, a.pid);
    expect(h.cpu.ret).toBe(0n);
    h.cpu.syscall('getpgid', b.pid);
    expect(h.cpu.ret).toBe(BigInt(a.pid));
    h.cpu.syscall('setpgid', b.pid, 4242);
    expect(h.cpu.ret).toBe(-EPERM);
    h.cpu.syscall('setsid');
    expect(h.cpu.ret).toBe(-EPERM); // init leads group 1
    h.cpu.syscall('kill', -a.pid, 10);
    expect(h.cpu.ret).toBe(0n);
    expect(a.pending.map((s) => s.signo)).toEqual([10]);
    expect(b.pending.map((s) => s.signo)).toEqual([10]);
    expect(h.tg.pending).toEqual([]);
    h.cpu.syscall('kill', -4242, 10);
    expect(h.cpu.ret).toBe(-ESRCH);
    expect(foregroundPgrp(h.kernel, h.tg)).toBe(1);
    expect(setForegroundPgrp(h.kernel, h.tg, a.pid)).toBe(0);
    expect(foregroundPgrp(h.kernel, h.tg)).toBe(a.pid);
    expect(setForegroundPgrp(h.kernel, h.tg, 4242)).toBe(3);
    // a child in a new session
    h.kernel.switchTo(b.leader!);
    cpuOf(b).syscall('setsid');
    expect(cpuOf(b).ret).toBe(BigInt(b.pid));
    expect([b.sid, b.pgid]).toEqual([b.pid, b.pid]);
    expect(setForegroundPgrp(h.kernel, h.tg, b.pid)).toBe(1);
  });
});
