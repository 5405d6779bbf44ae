// The 'unicorn' CpuBackend: what the kernel registers and creates CPUs from.
import type { AddressSpace, Arch, CpuBackend, SyscallEntry } from '@elfbox/cpu';
import { CPUID1_EDX_ADD, cpuidLookup } from './cpuid.js';
import { isUnicornAvailable } from './ffi.js';
import { UnicornCpu } from './unicorn.js';

/**
 * CPUID.1:EDX as the guest sees it on this backend when the engine can't be asked: Unicorn
 * 2.0.1's own answer (CX8 CMOV CLFSH FXSR SSE SSE2, measured) plus FPU TSC MMX (see cpuid.ts).
 */
export const UNICORN_X86_CPUID1_EDX = 0x07088100n | BigInt(CPUID1_EDX_ADD);

/**
 * aarch64 AT_HWCAP for Unicorn 2.0.1's default CPU (Cortex-A72: MIDR 0x410fd083,
 * ID_AA64PFR0 0x2222, ID_AA64ISAR0 0x11120): FP ASIMD AES PMULL SHA1 SHA2 CRC32. No atomics
 * (LSE), no CPUID (mrs of ID registers is not trapped and emulated the way Linux does).
 */
export const UNICORN_A64_HWCAP = (1n << 0n) | (1n << 1n) | (1n << 3n) | (1n << 4n) | (1n << 5n) | (1n << 6n) | (1n << 7n);

function x86Edx(): bigint {
  if (!isUnicornAvailable()) return UNICORN_X86_CPUID1_EDX;
  return BigInt(cpuidLookup(1, 0)[3] >>> 0);
}

export const backend: CpuBackend = {
  name: 'unicorn',
  arches: ['x86_64', 'aarch64'] as const,
  create(arch: Arch, mem: AddressSpace, entry: SyscallEntry) {
    return new UnicornCpu(arch, mem, entry);
  },
  hwcap(arch: Arch) {
    if (arch === 'x86_64') return { hwcap: x86Edx(), hwcap2: 0n, platform: 'x86_64' };
    return { hwcap: UNICORN_A64_HWCAP, hwcap2: 0n, platform: 'aarch64' };
  },
};
