// Debian's busybox-static for arm64 (downloaded by the test with apt-get download, never committed):
// fork-free applets, output identical to qemu-aarch64's.
import { describe, expect, it, beforeAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUILD_DIR, HAVE_CROSS, runElf, runQemu } from './harness.js';

const dir = join(BUILD_DIR, 'busybox-arm64');
const exe = join(dir, 'x/bin/busybox');

function fetchBusybox(): boolean {
  if (existsSync(exe)) return true;
  mkdirSync(dir, { recursive: true });
  const dl = spawnSync('apt-get', ['download', 'busybox-static:arm64'], { cwd: dir, timeout: 120_000 });
  const deb = readdirSync(dir).find((f) => f.endsWith('.deb'));
  if (dl.status !== 0 || !deb) return false;
  return spawnSync('dpkg-deb', ['-x', join(dir, deb), join(dir, 'x')]).status === 0 && existsSync(exe);
}

const CASES: Array<[string[], string?]> = [
  [['echo', 'hello', 'world']],
  [['printf', '%d %s %x %5.2f|%-4s|\\n', '42', 'foo', '255', '3.14159', 'ab']],
  [['expr', '6', '*', '7']],
  [['seq', '1', '7', '60']],
  [['sort'], 'pear\napple\nfig\nbanana\napple\n'],
  [['sort', '-n', '-r'], '10\n9\n100\n-3\n42\n'],
  [['wc'], 'one two three\nfour five\n'],
  [['tr', 'a-z', 'A-Z'], 'Hello, busybox!\n'],
  [['sha256sum'], 'abc'],
  [['md5sum'], 'The quick brown fox jumps over the lazy dog'],
  [['basename', '/a/b/c.txt', '.txt']],
  [['factor', '1234567', '600851475143']],
  [['sh', '-c', 'i=0; s=0; while [ $i -lt 300 ]; do i=$((i+1)); s=$((s+i*i)); done; echo $i $s; printf "%s\\n" a b c']],
  [['awk', 'BEGIN { for (i = 1; i <= 10; i++) s += i * 1.5; printf "%.3f %d %s\\n", s, length("abcdef"), toupper("x") }']],
  [['sed', 's/o/0/g; s/^/> /'], 'foo\nboo\nzoo\n'],
  [['od', '-A', 'x', '-t', 'x1z'], 'binary\x01\x02\x03 data\n'],
  [['uniq', '-c'], 'a\na\nb\nc\nc\nc\n'],
  [['cut', '-d:', '-f2,3'], 'a:b:c:d\n1:2:3:4\n'],
];

describe.skipIf(!HAVE_CROSS)('busybox-static arm64 applets vs qemu-aarch64', () => {
  let ok = false;
  beforeAll(() => { ok = fetchBusybox(); });
  for (const [args, input] of CASES) {
    it(`busybox ${args.join(' ').slice(0, 60)}`, (ctx) => {
      if (!ok) ctx.skip();
      const ref = runQemu(exe, args, input);
      const ours = runElf(exe, args, { stdin: input });
      expect(ours.stop).toBeUndefined();
      expect(ours.stdout.toString()).toBe(ref.stdout.toString());
      expect(ours.status).toBe(ref.status);
    });
  }
});
