// The x86-64 differential test: every instruction form in diff/forms.ts runs natively (the C
// runner) and through createX86Cpu, and all architectural state is compared. One describe() per
// family, one it() per form; a failing form lists its mismatches (case, snippet, operands,
// register, expected vs got). See README.md in this folder.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as x86 from '@elfbox/cpu-x86_64';
import type { AddressSpace, Cpu, SyscallEntry } from '@elfbox/cpu';
import { FAMILIES } from './diff/forms.js';
import { Rng, baseCase } from './diff/gen.js';
import { bundleEmuChild, hostHas, runForm, type CpuFactory } from './diff/harness.js';

const mod = x86 as unknown as Record<string, unknown>;
const create = typeof mod.createX86Cpu === 'function' ? (mod.createX86Cpu as (m: AddressSpace, e: SyscallEntry) => Cpu) : undefined;
const isX86Host = process.arch === 'x64';

// The emulated side runs in a child process (a hung instruction then costs one case, not the run).
let bundle: string | undefined;
beforeAll(async () => {
  if (create && isX86Host) bundle = await bundleEmuChild();
});
afterAll(() => {
  if (bundle) rmSync(bundle, { force: true });
});

FAMILIES.forEach((family, fi) => {
  describe(family.name, () => {
    family.forms.forEach((form, k) => {
      it(form.name, async (ctx) => {
        if (!isX86Host) ctx.skip(`the differential harness runs snippets natively: needs an x86-64 host, this is ${process.arch}`);
        if (!create) ctx.skip('@elfbox/cpu-x86_64 does not export createX86Cpu yet');
        if (form.needs && !hostHas(form.needs)) ctx.skip(`the host CPU lacks ${form.needs}`);
        const cases = form.gen(new Rng(1000 * (fi + 1) + k));
        const report = await runForm(`${family.name} / ${form.name}`, create as CpuFactory, cases);
        if (report.failed > 0) throw new Error(report.text);
      });
    });
  });
});

// The harness must notice a wrong result: a CPU wrapper that flips bit 0 of rcx after every run.
describe('harness self-check', () => {
  it('reports every case of a deliberately broken CPU, naming the register', async (ctx) => {
    if (!isX86Host || !create) ctx.skip('needs an x86-64 host and createX86Cpu');
    const broken: CpuFactory = (m, e) => {
      const cpu = create!(m, e);
      const run = cpu.run.bind(cpu);
      cpu.run = (budget: number) => {
        const r = run(budget);
        cpu.setReg(1, cpu.getReg(1) ^ 1n);
        return r;
      };
      return cpu;
    };
    const r = new Rng(7);
    const cases = Array.from({ length: 20 }, () => baseCase(r, 'mov eax, 1'));
    const rep = await runForm('self-check', broken, cases, 1, true);
    expect(rep.failed).toBe(20);
    expect(rep.text).toContain('rcx:20');
    expect(rep.text).toMatch(/rcx: expected 0x[0-9a-f]{16}, got 0x[0-9a-f]{16}/);
  });
});
