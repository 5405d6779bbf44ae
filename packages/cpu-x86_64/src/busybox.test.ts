// Debian's busybox-static through the kernel (@elfbox/kernel run()) on this CPU: output must equal
// the native run. Skipped when /bin/busybox is not installed.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, registerBackend } from '@elfbox/kernel';
import { backend } from './index.js';

const BB = '/bin/busybox';
const has = existsSync(BB);

describe.skipIf(!has)('busybox-static on the x86-64 CPU', () => {
  let dir = '';
  beforeAll(() => {
    registerBackend(backend);
    dir = mkdtempSync(join(tmpdir(), 'x86-bb-'));
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) lines.push(`${(i * 7919) % 1000} line${i} ${(i * 31) % 17} ${'abc'.repeat(i % 5)}`);
    writeFileSync(join(dir, 'data.txt'), lines.join('\n') + '\n');
  });
  const cases: Array<[string, (d: string) => string[], Uint8Array | undefined]> = [
    ['echo', () => ['echo', 'hello', 'world'], undefined],
    ['printf', () => ['printf', '%d|%5s|%-4x|%o|%.3f|%e|%g\n', '42', 'ab', '255', '8', '2.71828', '12345.678', '0.0001'], undefined],
    ['expr', () => ['expr', '123456789', '*', '1000', '/', '7', '%', '1001'], undefined],
    ['sha256sum', (d) => ['sha256sum', join(d, 'data.txt')], undefined],
    ['md5sum', (d) => ['md5sum', join(d, 'data.txt')], undefined],
    ['sort -n', (d) => ['sort', '-n', '-k1,1', '-k2', join(d, 'data.txt')], undefined],
    ['od', (d) => ['od', '-A', 'x', '-t', 'x1', '-N', '256', join(d, 'data.txt')], undefined],
    ['sed', (d) => ['sed', '-e', 's/line\\([0-9]*\\)/L\\1L/g', '-e', '/abcabc/d', join(d, 'data.txt')], undefined],
    ['awk', (d) => ['awk', '{ s += $1; c[$3]++ } END { print s; for (k = 0; k < 17; k++) printf "%d:%d ", k, c[k]; print "" }', join(d, 'data.txt')], undefined],
    ['wc', (d) => ['wc', join(d, 'data.txt')], undefined],
  ];
  for (const [name, argv] of cases) {
    it(name, async () => {
      const args = argv(dir);
      const native = execFileSync(BB, args);
      const r = await run({ path: BB, argv: ['busybox', ...args], stdout: 'capture', stderr: 'capture', cpu: 'x86_64' });
      expect(new TextDecoder().decode(r.stderr)).toBe('');
      expect(Buffer.from(r.stdout!).toString('latin1')).toBe(native.toString('latin1'));
      expect(r.status).toBe(0);
    });
  }
  it('gzip -c | gunzip -c round trip', async () => {
    const f = join(dir, 'data.txt');
    const native = execFileSync(BB, ['gzip', '-c', f]);
    const gz = await run({ path: BB, argv: ['busybox', 'gzip', '-c', f], stdout: 'capture', cpu: 'x86_64' });
    expect(Buffer.from(gz.stdout!).equals(native)).toBe(true);
    const back = await run({ path: BB, argv: ['busybox', 'gunzip', '-c'], stdin: gz.stdout!, stdout: 'capture', cpu: 'x86_64' });
    expect(Buffer.from(back.stdout!).toString()).toBe(execFileSync('cat', [f]).toString());
  });
});
