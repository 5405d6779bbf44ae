// Assembles small snippets at test time with the host's binutils (`as`, `aarch64-linux-gnu-as`).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tools = {
  x86_64: { as: 'as', objcopy: 'objcopy', prefix: '.intel_syntax noprefix\n' },
  aarch64: { as: 'aarch64-linux-gnu-as', objcopy: 'aarch64-linux-gnu-objcopy', prefix: '' },
} as const;

function have(cmd: string): boolean {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export const hasAs = { x86_64: have(tools.x86_64.as), aarch64: have(tools.aarch64.as) };

const cache = new Map<string, Uint8Array>();

/** Assembles `src` (Intel syntax on x86-64) to flat bytes of its .text section. */
export function asm(arch: 'x86_64' | 'aarch64', src: string): Uint8Array {
  const key = arch + '\0' + src;
  const hit = cache.get(key);
  if (hit) return hit;
  const t = tools[arch];
  const dir = mkdtempSync(join(tmpdir(), 'elfbox-uc-asm-'));
  try {
    writeFileSync(join(dir, 'a.s'), `${t.prefix}.text\n${src}\n`);
    execFileSync(t.as, ['-o', join(dir, 'a.o'), join(dir, 'a.s')], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync(t.objcopy, ['-O', 'binary', '-j', '.text', join(dir, 'a.o'), join(dir, 'a.bin')]);
    const out = new Uint8Array(readFileSync(join(dir, 'a.bin')));
    cache.set(key, out);
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
