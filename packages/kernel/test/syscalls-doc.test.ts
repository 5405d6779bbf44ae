// Table consistency and the generated compatibility page.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SYSCALLS_AARCH64, SYSCALLS_X86_64 } from '@elfbox/abi';
import { syscallsMarkdown } from '../src/syscalls/doc.js';
import { SYSCALL_DEFS, syscallTable, unknownDefNames } from '../src/syscalls/table.js';

describe('the syscall table', () => {
  it('every definition names a real syscall of at least one arch, once', () => {
    expect(unknownDefNames()).toEqual([]);
    const names = SYSCALL_DEFS.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('full and partial entries have handlers; partial and enosys ones a note; arg formats fit six registers', () => {
    for (const d of SYSCALL_DEFS) {
      if (d.level !== 'enosys') expect(d.handler, d.name).toBeTypeOf('function');
      if (d.level !== 'full') expect(d.note, d.name).toBeTruthy();
      expect(d.args.length, d.name).toBeLessThanOrEqual(6);
      for (const f of d.args) {
        const m = /^(?:ibuf|obuf|iov|oiov):(\d)$/.exec(f);
        if (m) expect(Number(m[1]), `${d.name} ${f}`).toBeLessThan(d.args.length);
      }
    }
  });

  it('each arch table covers every generated number and shares one definition per name', () => {
    for (const [arch, nums] of [['x86_64', SYSCALLS_X86_64], ['aarch64', SYSCALLS_AARCH64]] as const) {
      const t = syscallTable(arch);
      for (const [name, nr] of Object.entries(nums)) expect(t.byNr[nr]?.name).toBe(name);
    }
    expect(syscallTable('x86_64').byName.get('read')).toBe(syscallTable('aarch64').byName.get('read'));
    expect(syscallTable('aarch64').byName.has('arch_prctl')).toBe(false);
    expect(syscallTable('x86_64').byName.get('arch_prctl')?.handler).toBeTypeOf('function');
  });

  it('docs/syscalls.md is up to date (regenerate: node packages/kernel/scripts/gen-syscalls-doc.mjs)', () => {
    const committed = readFileSync(new URL('../../../docs/syscalls.md', import.meta.url), 'utf8');
    expect(committed).toBe(syscallsMarkdown());
  });
});
