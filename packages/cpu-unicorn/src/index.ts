// @elfbox/cpu-unicorn: the Unicorn engine (libunicorn 2.x through koffi) as a CPU backend for
// x86-64 and aarch64, and the lockstep checker that uses it as an oracle for our own CPUs.
// Importing this module never loads the native library; creating a Cpu does.
export { backend, UNICORN_X86_CPUID1_EDX, UNICORN_A64_HWCAP } from './backend.js';
export { UnicornCpu, type UnicornCpuOptions } from './unicorn.js';
export { isUnicornAvailable, unicornUnavailableReason, UnicornUnavailableError, UnicornError } from './ffi.js';
export { LockstepCpu, LockstepDivergence, lockstepBackend, type LockstepOptions } from './lockstep.js';
export { runOracle, type OracleResult } from './oracle.js';
export { icedDisasm, makeIcedDisasm, type Disasm } from './disasm.js';
