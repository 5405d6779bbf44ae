// @elfbox/cpu-x86_64: the x86-64 CPU in TypeScript (decode -> JavaScript block translation).
import type { AddressSpace, Arch, Cpu, CpuBackend, SyscallEntry } from '@elfbox/cpu';
import { X86Cpu } from './cpu.js';
import { CPUID1_EDX } from './runtime.js';

export { X86Cpu } from './cpu.js';
export { decode, disasm, formatInsn, type Insn } from './decoder.js';

export function createX86Cpu(mem: AddressSpace, entry: SyscallEntry): Cpu {
  return new X86Cpu(mem, entry);
}

export const backend: CpuBackend = {
  name: 'x86_64',
  arches: ['x86_64'],
  create(arch: Arch, mem: AddressSpace, entry: SyscallEntry): Cpu {
    if (arch !== 'x86_64') throw new TypeError(`cpu-x86_64 cannot run ${arch}`);
    return new X86Cpu(mem, entry);
  },
  hwcap(arch: Arch) {
    if (arch !== 'x86_64') throw new TypeError(`cpu-x86_64 has no hwcap for ${arch}`);
    return { hwcap: BigInt(CPUID1_EDX >>> 0), hwcap2: 0n, platform: 'x86_64' };
  },
};
export { TranslationCache, setSharedCache } from '@elfbox/cpu';
