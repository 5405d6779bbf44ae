// A Kernel with one process over a FakeCpu and captured stdio, for handler and run-loop tests.
import { PERM_R, PERM_W } from '@elfbox/cpu';
import type { Arch } from '@elfbox/cpu';
import { Kernel } from '../src/kernel.js';
import { MM } from '../src/mm.js';
import { BufferInput, CaptureOutput, type HostInput, type HostOutput } from '../src/files/stdio.js';
import type { ThreadGroup } from '../src/task.js';
import { BASE_PC, fakeBackend, type FakeCpu, type Step } from './fake-cpu.js';

/** A scratch page the tests use for syscall arguments. */
export const SCRATCH = 0x20000;
export const SCRATCH_LEN = 0x10000;

export interface Harness {
  kernel: Kernel;
  tg: ThreadGroup;
  cpu: FakeCpu;
  stdout: CaptureOutput;
  stderr: CaptureOutput;
  out(): string;
  err(): string;
  /** Writes a NUL-terminated string into scratch memory at off and returns its address. */
  str(s: string, off?: number): number;
  strace: string[];
}

/** uid/gid: the guest identity (default 1000/1000; files tests on host trees pass the host user's, as `elfbox run` does). */
export function harness(opts: { arch?: Arch; stdin?: HostInput | string; stdout?: HostOutput; root?: string; script?: Step[]; strace?: boolean; uid?: number; gid?: number } = {}): Harness {
  const arch = opts.arch ?? 'x86_64';
  const stdout = new CaptureOutput(), stderr = new CaptureOutput();
  const stdin = typeof opts.stdin === 'string' ? new BufferInput(new TextEncoder().encode(opts.stdin)) : opts.stdin ?? new BufferInput(new Uint8Array(0));
  const strace: string[] = [];
  const kernel = new Kernel({ root: opts.root ?? '/', io: { stdin, stdout: opts.stdout ?? stdout, stderr }, strace: opts.strace === false ? undefined : (l) => strace.push(l), straceAlign: false, uid: opts.uid ?? 1000, gid: opts.gid ?? 1000 });
  const mm = new MM();
  mm.mapFixed(SCRATCH, SCRATCH_LEN, PERM_R | PERM_W, '');
  mm.setBrk(0x100000);
  const backend = fakeBackend(opts.script ?? []);
  const tg = kernel.createProcess(arch, mm, backend);
  kernel.installStdio(tg);
  tg.exePath = '/usr/bin/prog';
  tg.fs.cwd = '/';
  kernel.setEntry(tg.leader!, BASE_PC, 0x7fff0000);
  kernel.switchTo(tg.leader!);
  const cpu = backend.cpus[0];
  const dec = new TextDecoder();
  return {
    kernel, tg, cpu, stdout, stderr, strace,
    out: () => dec.decode(stdout.bytes()),
    err: () => dec.decode(stderr.bytes()),
    str(s, off = 0x8000) {
      const b = new TextEncoder().encode(s + '\0');
      mm.mem.write(SCRATCH + off, b);
      return SCRATCH + off;
    },
  };
}
