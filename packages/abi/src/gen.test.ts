// The committed generated files must be what the generators produce from the installed headers
// and the current tables: each generator re-runs in --check mode (about 5 s in all). Skipped,
// with the reason, when a tool is not installed.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const script = (name: string) => fileURLToPath(new URL(`../scripts/${name}`, import.meta.url));
const missingOf = (tools: string[]) => tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);

const GENERATORS: Array<[string, string[]]> = [
  ['gen-syscalls.mjs', ['gcc', 'aarch64-linux-gnu-gcc', 'dpkg-query']],
  ['gen-errno.mjs', ['gcc', 'dpkg-query']],
  ['gen-struct-offsets.mjs', ['gcc', 'aarch64-linux-gnu-gcc', 'qemu-aarch64', 'dpkg-query']],
];

describe('generated files are up to date', () => {
  for (const [name, tools] of GENERATORS) {
    const missing = missingOf(tools);
    it.skipIf(missing.length > 0)(`${name} --check${missing.length ? ` (skipped: ${missing.join(', ')} not installed)` : ''}`, () => {
      const r = spawnSync(process.execPath, [script(name), '--check'], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
