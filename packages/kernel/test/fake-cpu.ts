// A scripted stand-in for a CPU backend, for testing the kernel without executing guest code.
// "Instructions" are JS steps, 4 bytes apart from the entry pc; a step may issue a syscall
// through the SyscallEntry exactly as a real CPU does (number in x8 / rax, args in x0-x5 /
// rdi rsi rdx r10 r8 r9, pc already past the instruction).
import { AddressSpace, initialState, X86, type A64State, type Arch, type Cpu, type CpuBackend, type CpuState, type StopReason, type SyscallEntry, type X86State } from '@elfbox/cpu';
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from '@elfbox/abi';

export type Step = (cpu: FakeCpu) => StopReason | 'syscall-done' | void;

export const BASE_PC = 0x1000;

export class FakeCpu implements Cpu {
  regs: bigint[] = new Array(32).fill(0n);
  pc = BASE_PC;
  tls = 0n;
  gs = 0n;
  script: Step[] = [];
  destroyed = false;
  constructor(readonly arch: Arch, readonly mem: AddressSpace, readonly entry: SyscallEntry) {}

  run(budget: number): StopReason {
    for (let n = 0; n < budget; n++) {
      const i = (this.pc - BASE_PC) / 4;
      const step = this.script[i];
      if (!step) return { kind: 'illegal', pc: this.pc, detail: 'end of script' };
      this.pc += 4;
      const r = step(this);
      if (r === 'syscall-done') continue;
      if (r && typeof r === 'object') return r;
      if (r === undefined) continue;
    }
    return { kind: 'budget' };
  }

  /** Issues syscall `name` with args; returns false when the kernel asked to stop. */
  syscall(name: string, ...args: Array<number | bigint>): boolean {
    const nums: Record<string, number> = this.arch === 'x86_64' ? SYSCALLS_X86_64 : SYSCALLS_AARCH64;
    const nr = nums[name];
    if (nr === undefined) throw new Error(`no syscall ${name} on ${this.arch}`);
    const argRegs = this.arch === 'x86_64' ? [X86.rdi, X86.rsi, X86.rdx, X86.r10, X86.r8, X86.r9] : [0, 1, 2, 3, 4, 5];
    this.setReg(this.arch === 'x86_64' ? X86.rax : 8, BigInt(nr));
    args.forEach((a, i) => this.setReg(argRegs[i], BigInt.asUintN(64, BigInt(a))));
    return this.entry.syscall(this);
  }

  /** The last syscall's return value, signed. */
  get ret(): bigint {
    return BigInt.asIntN(64, this.getReg(this.arch === 'x86_64' ? X86.rax : 0));
  }

  getReg(i: number): bigint { return this.regs[i]; }
  setReg(i: number, v: bigint): void { this.regs[i] = BigInt.asUintN(64, v); }
  getRegLo32(i: number): number { return Number(this.regs[i] & 0xffffffffn); }
  getRegHi32(i: number): number { return Number(this.regs[i] >> 32n); }
  setRegNum(i: number, v: number): void { this.setReg(i, BigInt(v)); }
  getPc(): number { return this.pc; }
  setPc(pc: number): void { this.pc = pc; }
  getTls(): bigint { return this.tls; }
  setTls(v: bigint): void { this.tls = v; }
  getState(): CpuState {
    const s = initialState(this.arch);
    if (s.arch === 'x86_64') {
      (s as X86State).gpr = this.regs.slice(0, 16);
      s.rip = BigInt(this.pc); s.fsBase = this.tls; s.gsBase = this.gs;
    } else {
      (s as A64State).x = this.regs.slice(0, 31);
      s.sp = this.regs[31]; s.pc = BigInt(this.pc); s.tpidr = this.tls;
    }
    return s;
  }
  setState(s: CpuState): void {
    if (s.arch === 'x86_64') { s.gpr.forEach((v, i) => { this.regs[i] = v; }); this.pc = Number(s.rip); this.tls = s.fsBase; this.gs = s.gsBase; }
    else { s.x.forEach((v, i) => { this.regs[i] = v; }); this.regs[31] = s.sp; this.pc = Number(s.pc); this.tls = s.tpidr; }
  }
  invalidate(): void {}
  destroy(): void { this.destroyed = true; }
}

/** A backend whose Cpus run the given script. */
export function fakeBackend(script: Step[] = []): CpuBackend & { cpus: FakeCpu[] } {
  const cpus: FakeCpu[] = [];
  return {
    name: 'fake', arches: ['x86_64', 'aarch64'], cpus,
    create(arch, mem, entry) { const c = new FakeCpu(arch, mem, entry); c.script = script; cpus.push(c); return c; },
    hwcap: (arch) => ({ hwcap: 0n, hwcap2: 0n, platform: arch }),
  };
}
