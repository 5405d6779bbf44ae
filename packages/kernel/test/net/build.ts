// Builds a test/net/c program at test time (static; musl x86-64 or glibc aarch64), cached in the
// temp dir by a hash of its source; undefined when the compiler is missing.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as net from 'node:net';
import { fileURLToPath } from 'node:url';

export const NET_BINS = [
  { tag: 'musl-x86_64', cc: 'musl-gcc', native: [] as string[] },
  { tag: 'glibc-aarch64', cc: 'aarch64-linux-gnu-gcc', native: ['qemu-aarch64'] },
];

export function buildNet(cc: string, tag: string, name: string): string | undefined {
  if (spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  const src = fileURLToPath(new URL(`./c/${name}.c`, import.meta.url));
  const h = createHash('sha256').update(readFileSync(src)).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `elfbox-net-bins-${h}`);
  mkdirSync(dir, { recursive: true });
  const out = join(dir, `${basename(name)}-${tag}`);
  if (!existsSync(out)) {
    const r = spawnSync(cc, ['-static', '-O1', '-o', out + '.tmp', src], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${cc} ${name}.c: ${r.stderr}`);
    renameSync(out + '.tmp', out);
  }
  return out;
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it). */
export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => res(p)); });
  });
}
