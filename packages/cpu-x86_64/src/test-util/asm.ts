// Test helper: assembles Intel-syntax snippets with binutils `as` and runs them on a fresh CPU.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AddressSpace, PERM_R, PERM_W, PERM_X, type Cpu, type StopReason, type SyscallEntry } from '@elfbox/cpu';
import { createX86Cpu } from '../index.js';

export const CODE = 0x400000;
export const DATA = 0x600000;
export const STACK_TOP = 0x800000;

/** Assembles a snippet (Intel syntax) at address CODE and returns its bytes. */
export function asm(src: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'x86asm-'));
  try {
    writeFileSync(join(dir, 'a.s'), `.intel_syntax noprefix\n.text\n${src}\n`);
    execFileSync('as', ['--64', '-o', join(dir, 'a.o'), join(dir, 'a.s')]);
    execFileSync('ld', ['-Ttext', '0x' + CODE.toString(16), '--oformat', 'binary', '-e', '0', '-o', join(dir, 'a.bin'), join(dir, 'a.o')]);
    return new Uint8Array(readFileSync(join(dir, 'a.bin')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Machine { mem: AddressSpace; cpu: Cpu; syscalls: number[] }

/** A machine with code at CODE (r-x), 64 KiB data at DATA (rw-), 64 KiB stack below STACK_TOP. */
export function machine(code: Uint8Array, entry?: Partial<SyscallEntry>): Machine {
  const mem = new AddressSpace();
  mem.map(CODE, Math.max(code.length, 1) + 4096, PERM_R | PERM_X);
  mem.poke(CODE, code);
  mem.map(DATA, 0x10000, PERM_R | PERM_W);
  mem.map(STACK_TOP - 0x10000, 0x10000, PERM_R | PERM_W);
  const syscalls: number[] = [];
  const e: SyscallEntry = {
    syscall: entry?.syscall ?? ((cpu) => { syscalls.push(Number(cpu.getReg(0))); return false; }),
    handlerFor: entry?.handlerFor,
  };
  const cpu = createX86Cpu(mem, e);
  cpu.setPc(CODE);
  cpu.setReg(4, BigInt(STACK_TOP - 64));
  return { mem, cpu, syscalls };
}

/** Assembles src followed by `int3` and runs to it (registers and flags stay as the snippet left them). */
export function runAsm(src: string, setup?: (m: Machine) => void, budget = 1_000_000): Machine & { stop: StopReason } {
  const code = asm(`${src}\nint3\n`);
  const m = machine(code);
  setup?.(m);
  const stop = m.cpu.run(budget);
  return { ...m, stop };
}

export const u64 = (v: bigint) => BigInt.asUintN(64, v);
