// @elfbox/cpu-aarch64: the aarch64 CPU in TypeScript (see README.md).
import type { AddressSpace, Arch, Cpu, CpuBackend, SyscallEntry } from '@elfbox/cpu';
import { A64Cpu } from './cpu.js';
export { A64Cpu } from './cpu.js';
export { disasm } from './disasm.js';

/** Linux arm64 HWCAP bits (asm/hwcap.h) for what this CPU implements. */
export const HWCAP_FP = 1n << 0n;
export const HWCAP_ASIMD = 1n << 1n;
export const HWCAP_CRC32 = 1n << 7n;
export const HWCAP_ATOMICS = 1n << 8n;

export function createA64Cpu(mem: AddressSpace, entry: SyscallEntry): Cpu {
  return new A64Cpu(mem, entry);
}

export const backend: CpuBackend = {
  name: 'aarch64',
  arches: ['aarch64'],
  create(arch: Arch, mem: AddressSpace, entry: SyscallEntry): Cpu {
    if (arch !== 'aarch64') throw new Error(`cpu-aarch64 runs aarch64 only, not ${arch}`);
    return new A64Cpu(mem, entry);
  },
  hwcap(arch: Arch) {
    if (arch !== 'aarch64') throw new Error(`cpu-aarch64 runs aarch64 only, not ${arch}`);
    return { hwcap: HWCAP_FP | HWCAP_ASIMD | HWCAP_CRC32 | HWCAP_ATOMICS, hwcap2: 0n, platform: 'aarch64' };
  },
};
