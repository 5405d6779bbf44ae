// Unicorn as an oracle for the TypeScript CPUs' differential tests: run a snippet from a given
// state on a copy of an address space and get the resulting state, memory and stop back.
import type { AddressSpace, Arch, CpuState, StopReason } from '@elfbox/cpu';
import { UnicornCpu } from './unicorn.js';

export interface OracleResult {
  stop: StopReason;
  state: CpuState;
  /** The copy of memory the engine ran on (the caller's AddressSpace is untouched). */
  mem: AddressSpace;
  /** Syscall numbers the snippet made (each stops the run: the oracle has no kernel). */
  syscalls: number[];
}

/**
 * Runs `state` on a clone of `mem` for at most `count` instructions (exactly, count mode), until
 * a syscall (returned as { kind: 'yield' } with its number in `syscalls`), a fault or a trap.
 */
export function runOracle(arch: Arch, mem: AddressSpace, state: CpuState, count: number): OracleResult {
  const copy = mem.clone();
  const syscalls: number[] = [];
  const cpu = new UnicornCpu(arch, copy, {
    syscall(c) {
      syscalls.push(Number(c.getReg(arch === 'x86_64' ? 0 : 8)));
      return false;
    },
  }, { budget: 'count' });
  try {
    cpu.setState(state);
    const stop = cpu.run(count);
    return { stop, state: cpu.getState(), mem: copy, syscalls };
  } finally {
    cpu.destroy();
  }
}
