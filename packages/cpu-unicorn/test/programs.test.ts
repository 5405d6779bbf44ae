// Whole programs through the kernel on the Unicorn backend, compared byte for byte with the same
// binary run natively (x86-64) or under qemu-aarch64; and a few in lockstep (TypeScript CPU +
// Unicorn shadow) to show the checker runs real programs to the end without false alarms.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '@elfbox/kernel';
import { backend as x86Backend, disasm as x86Disasm } from '@elfbox/cpu-x86_64';
import { backend as a64Backend, disasm as a64Disasm } from '@elfbox/cpu-aarch64';
import { backend, isUnicornAvailable, lockstepBackend, unicornUnavailableReason } from '../src/index.js';

const BIN = fileURLToPath(new URL('../../../examples/bin/', import.meta.url));
// Only two tiny examples are committed; build the rest (examples/build.sh, the compilers that are
// installed) before the cases below look for them. Missing ones are skipped with the reason.
if (!existsSync(BIN + 'x86_64/float-glibc')) {
  try {
    execFileSync('sh', [fileURLToPath(new URL('../../../examples/build.sh', import.meta.url))], { stdio: 'ignore' });
  } catch (e) {
    console.warn(`[cpu-unicorn] examples/build.sh failed: ${(e as Error).message}`);
  }
}
const avail = isUnicornAvailable();
if (!avail) console.warn(`[cpu-unicorn] whole-program tests skipped: ${unicornUnavailableReason()}`);

function have(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const hasQemu = have('qemu-aarch64');

interface Case { bin: string; argv: string[]; stdin?: string }
const CASES: Case[] = [
  { bin: 'x86_64/hello-nolibc', argv: [] },
  { bin: 'x86_64/hello-musl', argv: [] },
  { bin: 'x86_64/hello-glibc', argv: [] },
  { bin: 'x86_64/hello-glibc-spie', argv: [] },
  { bin: 'x86_64/args-musl', argv: ['one', 'two words'] },
  { bin: 'x86_64/args-glibc-dyn', argv: ['one', 'two words'] },
  { bin: 'x86_64/float-musl', argv: [] },
  { bin: 'x86_64/float-glibc', argv: [] },
  { bin: 'x86_64/exitcode-musl', argv: ['7'] },
  { bin: 'x86_64/cat-glibc', argv: [], stdin: 'some input\nover two lines\n' },
  { bin: 'aarch64/hello-nolibc', argv: [] },
  { bin: 'aarch64/hello-glibc', argv: [] },
  { bin: 'aarch64/args-glibc', argv: ['one', 'two words'] },
  { bin: 'aarch64/float-glibc', argv: [] },
  { bin: 'aarch64/exitcode-glibc', argv: ['7'] },
  { bin: 'aarch64/cat-glibc', argv: [], stdin: 'some input\nover two lines\n' },
];

/** The reference: the binary on this host, or under qemu-aarch64. */
function reference(c: Case): { status: number; stdout: string } {
  const path = BIN + c.bin;
  const env = {};
  const r = c.bin.startsWith('aarch64/')
    ? spawnSync('qemu-aarch64', [path, ...c.argv], { input: c.stdin ?? '', env, argv0: c.bin })
    : spawnSync(path, c.argv, { input: c.stdin ?? '', env, argv0: c.bin });
  return { status: r.status ?? 128 + 9, stdout: r.stdout.toString() };
}

async function elfbox(c: Case, be: typeof backend): Promise<{ status: number; stdout: string; stderr: string }> {
  const r = await run({ path: BIN + c.bin, argv: [c.bin, ...c.argv], env: {}, stdin: c.stdin ?? '', backend: be, stdout: 'capture', stderr: 'capture' });
  return { status: r.status, stdout: Buffer.from(r.stdout!).toString(), stderr: Buffer.from(r.stderr!).toString() };
}

describe.skipIf(!avail)('whole programs on the unicorn backend', () => {
  for (const c of CASES) {
    const present = existsSync(BIN + c.bin);
    const canRef = !c.bin.startsWith('aarch64/') || hasQemu;
    const why = !present ? `${c.bin} not built (examples/build.sh)` : !canRef ? 'no qemu-aarch64' : '';
    if (why) console.warn(`[cpu-unicorn] skipped ${c.bin}: ${why}`);
    it.skipIf(!!why)(`${c.bin} ${c.argv.join(' ')} matches the native/qemu run`, async () => {
      const want = reference(c);
      const got = await elfbox(c, backend);
      // argv[0] differs in the args example (native: the path we spawned with): compare the rest.
      const norm = (s: string) => s.replace(/^argv\[0\]=.*$/m, 'argv[0]=');
      expect(norm(got.stdout)).toBe(norm(want.stdout));
      expect(got.status).toBe(want.status);
      expect(got.stderr).toBe('');
    });
  }
});

const A64_DISASM = (b: Uint8Array, pc: number) => a64Disasm(new DataView(b.buffer, b.byteOffset, 4).getUint32(0, true), pc);

describe.skipIf(!avail)('whole programs in lockstep (TypeScript CPU checked against Unicorn)', () => {
  const cases: Array<[string, ReturnType<typeof lockstepBackend>]> = [
    ['x86_64/hello-musl', lockstepBackend(x86Backend, { disasm: x86Disasm, primaryName: 'ts' })],
    ['x86_64/args-glibc-dyn', lockstepBackend(x86Backend, { disasm: x86Disasm, primaryName: 'ts' })],
    ['aarch64/hello-glibc', lockstepBackend(a64Backend, { disasm: A64_DISASM, primaryName: 'ts' })],
    ['aarch64/float-glibc', lockstepBackend(a64Backend, { disasm: A64_DISASM, primaryName: 'ts' })],
  ];
  for (const [bin, be] of cases) {
    const present = existsSync(BIN + bin);
    it.skipIf(!present)(`${bin} runs to the end with no divergence`, async () => {
      const c = CASES.find((x) => x.bin === bin)!;
      const got = await elfbox(c, be);
      // A divergence ends the run as a kernel bug with the lockstep report on stderr.
      expect(got.stderr).toBe('');
      expect(got.status).toBe(0);
      expect(got.stdout.length).toBeGreaterThan(0);
    });
  }
});

// Tier 3: Debian's busybox-static, if installed, against itself run natively.
describe.skipIf(!avail || !existsSync('/bin/busybox'))('busybox (busybox-static) on unicorn and in lockstep', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elfbox-uc-bb-'));
  const file = join(dir, 'words.txt');
  writeFileSync(file, 'pear\napple\nfig\nbanana\napple\n');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const cmds = [['echo', 'hi there'], ['sort', '-u', file], ['md5sum', file], ['sh', '-c', 'echo $((6 * 7)); exit 3']];
  const native = (argv: string[]) => {
    const r = spawnSync('/bin/busybox', argv, { env: {} });
    return { status: r.status, stdout: r.stdout.toString() };
  };
  const viaElfbox = async (argv: string[], be: typeof backend) => {
    const r = await run({ path: '/bin/busybox', argv: ['busybox', ...argv], env: {}, backend: be, stdout: 'capture', stderr: 'capture' });
    return { status: r.status, stdout: Buffer.from(r.stdout!).toString(), stderr: Buffer.from(r.stderr!).toString() };
  };
  for (const argv of cmds) {
    it(`busybox ${argv.join(' ')}`, async () => {
      const want = native(argv);
      const got = await viaElfbox(argv, backend);
      expect(got.stdout).toBe(want.stdout);
      expect(got.status).toBe(want.status);
    });
  }
  it('busybox sort and md5sum in lockstep (ts + unicorn) with no divergence', async () => {
    const be = lockstepBackend(x86Backend, { disasm: x86Disasm, primaryName: 'ts' });
    for (const argv of [cmds[1], cmds[2]]) {
      const got = await viaElfbox(argv, be);
      expect(got.stderr).toBe('');
      expect(got.stdout).toBe(native(argv).stdout);
    }
  });
});

// aarch64 dynamically linked glibc: built at test time, run with the cross libraries as root.
const A64_ROOT = '/usr/aarch64-linux-gnu';
const canDynA64 = avail && hasQemu && existsSync(A64_ROOT + '/lib/ld-linux-aarch64.so.1') && have('aarch64-linux-gnu-gcc');
describe.skipIf(!canDynA64)('aarch64 dynamic glibc (root = /usr/aarch64-linux-gnu)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elfbox-uc-dyn-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('args example: same output as qemu-aarch64 -L, on unicorn and in lockstep', async () => {
    const exe = join(dir, 'args-dyn');
    execFileSync('aarch64-linux-gnu-gcc', ['-O2', '-o', exe, fileURLToPath(new URL('../../../examples/args.c', import.meta.url))]);
    const argv = ['args-dyn', 'x', 'y z'];
    const want = spawnSync('qemu-aarch64', ['-L', A64_ROOT, exe, ...argv.slice(1)], { env: {} }).stdout.toString().replace(/^argv\[0\]=.*$/m, '');
    for (const be of [backend, lockstepBackend(a64Backend, { disasm: A64_DISASM, primaryName: 'ts' })]) {
      const r = await run({ path: exe, argv, env: {}, root: A64_ROOT, backend: be, stdout: 'capture', stderr: 'capture' });
      expect(Buffer.from(r.stderr!).toString()).toBe('');
      expect(Buffer.from(r.stdout!).toString().replace(/^argv\[0\]=.*$/m, '')).toBe(want);
      expect(r.status).toBe(0);
    }
  });
});
