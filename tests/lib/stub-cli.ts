// A stand-in for @elfbox/cli's run(), used only to check the test harness itself
// (ELFBOX_TEST_STUB_CLI=tests/lib/stub-cli.ts): it runs the program natively (x86-64) or under
// qemu-aarch64 and returns what run() would. With it every whole-program case must pass; a case
// that fails under the stub is a bug in the test, not in elfbox.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export async function run(opts: {
  path: string;
  argv: string[];
  env: Record<string, string>;
  stdin?: Uint8Array;
}): Promise<{ status: number; signal?: number; stdout: Uint8Array; stderr: Uint8Array }> {
  const head = readFileSync(opts.path).subarray(0, 20);
  const isA64 = head[18] === 0xb7; // e_machine EM_AARCH64
  const r = isA64
    ? spawnSync('qemu-aarch64', ['-0', opts.argv[0], opts.path, ...opts.argv.slice(1)], { env: opts.env, input: opts.stdin, maxBuffer: 1 << 28 })
    : spawnSync(opts.path, opts.argv.slice(1), { argv0: opts.argv[0], env: opts.env, input: opts.stdin, maxBuffer: 1 << 28 });
  return { status: r.status ?? 128, stdout: r.stdout, stderr: r.stderr };
}
