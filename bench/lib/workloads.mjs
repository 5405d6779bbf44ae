// The workloads and the runners (columns) the harness measures.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { binaryPath } from './build.mjs';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
// ELFBOX_BENCH_CLI / ELFBOX_BENCH_INDEX replace elfbox with a stand-in, to test the harness itself
export const CLI_MAIN = process.env.ELFBOX_BENCH_CLI ?? join(ROOT, 'packages/cli/dist/main.js');
export const CLI_INDEX = process.env.ELFBOX_BENCH_INDEX ?? join(ROOT, 'packages/cli/dist/index.js');

/**
 * A workload: which program (per arch), its arguments in quick and full mode, and how its
 * time is read:
 *   metric 'wall'    the whole process, start to exit (start-up, busybox)
 *   metric 'work'    work_ns printed by the program (CLOCK_MONOTONIC around the loop)
 *   metric 'percall' work_ns / calls, in ns per call (the syscall latencies)
 * compare 'text' compares stdout line by line (minus work_ns=); 'sha256' compares a hash of
 * stdout (gzip output).
 */
// Sizes: the full run's CPU and syscall workloads are sized so that one elfbox run takes about a
// second at the speed elfbox had when this was written (100-1000x native), which makes native's
// work region only milliseconds (timed inside the program, so still precise). fileio (64 MB) and
// busybox (16 MB) keep the sizes the issue asks for.
export function workloads(ctx) {
  const q = ctx.quick;
  const n = (quick, full) => (q ? quick : full);
  const prog = (name, target) => (arch) => {
    const t = target?.[arch] ?? arch;
    return { path: binaryPath(t, name), build: `${t}/${name}` };
  };
  const busybox = (arch) => ctx.busybox[arch];
  const W = [];
  W.push({ id: 'hello', title: 'start-up: hello world end to end (glibc static)', program: prog('hello'), args: [], metric: 'wall' });
  W.push({
    id: 'hello-musl', title: 'start-up: hello world end to end (musl static)', arches: ['x86_64'],
    program: prog('hello', { x86_64: 'x86_64-musl' }), args: [], metric: 'wall',
  });
  W.push({ id: 'intloop', title: 'integer loop (xorshift, multiply, branch, divide)', program: prog('intloop'), args: [n('500000', '2000000')], metric: 'work' });
  W.push({ id: 'matmul', title: 'floating-point matrix multiply (double)', program: prog('matmul'), args: q ? ['32', '2'] : ['64', '4'], metric: 'work' });
  // The same two loops at 10x the work (native: ~30 ms and ~5 ms): JIT warm-up, which dominates
  // the short sizes above for the TypeScript CPUs, is a small part here (steady-state speed).
  W.push({ id: 'intloop-long', title: 'integer loop, 10x the work', program: prog('intloop'), args: [n('2000000', '20000000')], metric: 'work' });
  W.push({ id: 'matmul-long', title: 'floating-point matrix multiply, 16x the work', program: prog('matmul'), args: q ? ['64', '4'] : ['160', '4'], metric: 'work' });
  W.push({ id: 'memstr', title: 'memcpy / strlen / qsort(strcmp)', program: prog('memstr'), args: q ? ['1', '2000'] : ['2', '5000'], metric: 'work' });
  // 500k calls (50k untimed warm-up calls first, see lat_syscall.c): with 50k the TypeScript CPUs
  // were measured mostly while V8 was still compiling the syscall path (0.2-0.4 us per call at 50k,
  // 0.05-0.06 us at 500k and up).
  const calls = n(5000, 500000);
  const openCalls = n(1000, 10000);
  W.push({ id: 'null', title: 'null syscall: getppid()', program: prog('lat_syscall'), args: ['null', String(calls)], calls, metric: 'percall' });
  W.push({ id: 'read', title: 'read 1 byte from /dev/null', program: prog('lat_syscall'), args: ['read', String(calls)], calls, metric: 'percall' });
  W.push({ id: 'write', title: 'write 1 byte to /dev/null', program: prog('lat_syscall'), args: ['write', String(calls)], calls, metric: 'percall' });
  W.push({
    id: 'open', title: 'open + close of a regular file', program: prog('lat_syscall'),
    args: ['open', String(openCalls), join(ctx.tmp, 'openclose.tmp')], calls: openCalls, metric: 'percall',
  });
  W.push({
    id: 'fileio', title: `file I/O: ${n(4, 64)} MB written and read back in 4 KiB blocks`, program: prog('fileio'),
    args: [join(ctx.tmp, 'fileio.dat'), String(n(4, 64))], metric: 'work',
  });
  W.push({ id: 'pingpong', title: 'thread ping-pong (mutex + condition variable), round trips', program: prog('pingpong'), args: [n('1000', '10000')], metric: 'work' });
  W.push({
    id: 'gzip', title: `busybox gzip -c of a ${ctx.inputMb} MB file`, program: busybox,
    args: ['gzip', '-c', ctx.inputFile], metric: 'wall', compare: 'sha256',
  });
  W.push({
    id: 'sha256sum', title: `busybox sha256sum of a ${ctx.inputMb} MB file`, program: busybox,
    args: ['sha256sum', ctx.inputFile], metric: 'wall',
  });
  for (const w of W) {
    w.arches ??= ['x86_64', 'aarch64'];
    w.compare ??= 'text';
    w.weight = (q ? undefined : { gzip: 4, sha256sum: 2, fileio: 3 }[w.id]) ?? 1;
  }
  return W;
}

/**
 * The runners. Native runs only x86-64 (the host); qemu-user and elfbox run both arches.
 * `reference` marks the runner whose output the others must reproduce.
 */
export function runners(backends) {
  const R = [
    { id: 'native', label: 'native', kind: 'native', arch: 'x86_64', reference: true, cmd: (bin, args) => [bin, ...args] },
    { id: 'qemu-x86_64', label: 'qemu-x86_64', kind: 'qemu', arch: 'x86_64', cmd: (bin, args) => ['qemu-x86_64', bin, ...args] },
    { id: 'qemu-aarch64', label: 'qemu-aarch64', kind: 'qemu', arch: 'aarch64', reference: true, cmd: (bin, args) => ['qemu-aarch64', bin, ...args] },
  ];
  for (const arch of ['x86_64', 'aarch64']) {
    for (const b of backends) {
      R.push({
        id: `elfbox-${b}-${arch}`, label: `elfbox --cpu ${b}`, kind: 'elfbox', backend: b, arch,
        // --stats: the CLI prints the guest instruction count and run time to stderr (MIPS)
        cmd: (bin, args) => [process.execPath, CLI_MAIN, 'run', '--stats', '--cpu', b, bin, ...args],
      });
    }
  }
  return R;
}

export function cliBuilt() {
  return existsSync(CLI_MAIN);
}
