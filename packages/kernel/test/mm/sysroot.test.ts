// aarch64 programs from Debian arm64 packages in a sysroot (scripts/make-sysroot-arm64.sh builds
// it; skipped when it has not been built): output identical to qemu-aarch64 -L with the same
// sysroot. The host's cross libraries serve as the automatic sysroot for our own dynamic build.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CpuBackend } from '@elfbox/cpu';
import { run } from '../../src/api.js';

const SYSROOT = process.env.ELFBOX_SYSROOT_ARM64 ?? join(tmpdir(), 'elfbox-sysroot-arm64');
const ready = existsSync(join(SYSROOT, '.done')) && spawnSync('qemu-aarch64', ['--version'], { stdio: 'ignore' }).status === 0;
const dec = new TextDecoder();
let backend: CpuBackend;
let data = '';
const want: Record<string, string> = {};
const PROGS: Array<[string, string[]]> = [['usr/bin/sort', ['DATA']], ['usr/bin/sha256sum', ['DATA']], ['usr/bin/find', [SYSROOT + '/usr/share/doc/gzip']]];

beforeAll(async () => {
  backend = (await import('@elfbox/cpu-aarch64')).backend;
  data = join(mkdtempSync(join(tmpdir(), 'elfbox-sysroot-')), 'data.txt');
  writeFileSync(data, 'pear\napple\nfig\nbanana\n');
  if (!ready) return;
  for (const [p, args] of PROGS) {
    want[p] = spawnSync('qemu-aarch64', ['-L', SYSROOT, join(SYSROOT, p), ...args.map((a) => (a === 'DATA' ? data : a))], { encoding: 'utf8' }).stdout;
  }
});

describe.runIf(ready)('Debian arm64 programs in a sysroot', () => {
  it.each(PROGS)('%s gives the output qemu-aarch64 -L gives', async (p, args) => {
    expect(want[p].length).toBeGreaterThan(5);
    const path = join(SYSROOT, p);
    const r = await run({ path, argv: [path, ...args.map((a) => (a === 'DATA' ? data : a))], backend, sysroot: SYSROOT, stdout: 'capture', stderr: 'capture' });
    expect(dec.decode(r.stdout)).toBe(want[p]);
    expect(r.status).toBe(0);
  }, 60_000);
});
