// Per-arch access to the generated syscall tables (gen/syscalls_<arch>.ts).

import type { AbiArch } from './layout.js';
import { SYSCALLS_X86_64 } from './gen/syscalls_x86_64.js';
import { SYSCALLS_AARCH64 } from './gen/syscalls_aarch64.js';

const NUMBERS: Record<AbiArch, Readonly<Record<string, number>>> = { x86_64: SYSCALLS_X86_64, aarch64: SYSCALLS_AARCH64 };
const NAMES: Record<AbiArch, Readonly<Record<number, string>>> = {
  x86_64: Object.freeze(Object.fromEntries(Object.entries(SYSCALLS_X86_64).map(([n, v]) => [v, n]))),
  aarch64: Object.freeze(Object.fromEntries(Object.entries(SYSCALLS_AARCH64).map(([n, v]) => [v, n]))),
};

/** Syscall name -> number for `arch`. */
export function syscallNumbers(arch: AbiArch): Readonly<Record<string, number>> {
  const t = NUMBERS[arch];
  if (!t) throw new TypeError(`syscallNumbers: unknown arch ${String(arch)}`);
  return t;
}

/** Syscall number -> name for `arch` (undefined for numbers the arch does not have). */
export function syscallNames(arch: AbiArch): Readonly<Record<number, string>> {
  const t = NAMES[arch];
  if (!t) throw new TypeError(`syscallNames: unknown arch ${String(arch)}`);
  return t;
}
