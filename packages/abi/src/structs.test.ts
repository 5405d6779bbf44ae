// Every struct layout and every exported constant, for both arches, against what gcc and
// aarch64-linux-gnu-gcc computed from the headers (src/gen/struct_offsets.json, written by
// scripts/gen-struct-offsets.mjs). A layout, field or constant missing from the JSON fails: the
// JSON is stale and must be regenerated.
import { describe, expect, it } from 'vitest';
import * as abi from './index.js';
import { ABI_ARCHES, type AbiArch, type FieldType } from './layout.js';
import { structLayouts } from './structs.js';
import { openFlags } from './flags.js';
import { sigframeConstants, sigStackSizes } from './signals.js';
import factsJson from './gen/struct_offsets.json';

interface CField { offset: number; size: number; signed: boolean | null }
interface CStruct { size: number; align: number; fields: Record<string, CField> }
interface ArchFacts {
  structs: Record<string, CStruct>;
  constants: Record<string, Record<string, { size: number; value: string }>>;
  undefined: Record<string, string[]>;
}
const facts = factsJson as unknown as Record<AbiArch, ArchFacts>;

/** Per-arch constant tables (functions of the arch). */
const PER_ARCH: Record<string, (arch: AbiArch) => Record<string, number | bigint>> = { openFlags, sigStackSizes, sigframeConstants };
/** Data exports that are not constant tables checked here. */
const NOT_CONSTANTS = new Set(['Errno', 'SYSCALLS_X86_64', 'SYSCALLS_AARCH64', 'ERRNO_NAMES', 'ERRNO_MESSAGES',
  'SIGNAL_NAMES', 'AUXV_NAMES', 'ABI_ARCHES']);

/** Names exported although an arch's headers do not define them, each with the reason. */
const NOT_IN_HEADERS: Record<AbiArch, Record<string, string>> = {
  x86_64: {
    'AuxType.AT_RSEQ_FEATURE_SIZE': 'added in Linux 6.3; the headers are 6.1',
    'AuxType.AT_RSEQ_ALIGN': 'added in Linux 6.3; the headers are 6.1',
    'PROT.PROT_BTI': 'arm64 only',
    'PROT.PROT_MTE': 'arm64 only',
    'Sig.SIGRTMAX': 'x86 UAPI defines SIGRTMAX as _NSIG, which only the kernel-internal header defines (64); checked on aarch64',
  },
  aarch64: {
    'AuxType.AT_RSEQ_FEATURE_SIZE': 'added in Linux 6.3; the headers are 6.1',
    'AuxType.AT_RSEQ_ALIGN': 'added in Linux 6.3; the headers are 6.1',
    'MAP.MAP_32BIT': 'x86-64 only',
    'ARCH_PRCTL.ARCH_SET_GS': 'arch_prctl is x86-64 only',
    'ARCH_PRCTL.ARCH_SET_FS': 'arch_prctl is x86-64 only',
    'ARCH_PRCTL.ARCH_GET_FS': 'arch_prctl is x86-64 only',
    'ARCH_PRCTL.ARCH_GET_GS': 'arch_prctl is x86-64 only',
    'ARCH_PRCTL.ARCH_GET_CPUID': 'arch_prctl is x86-64 only',
    'ARCH_PRCTL.ARCH_SET_CPUID': 'arch_prctl is x86-64 only',
  },
};

function constantGroups(arch: AbiArch): Record<string, Record<string, number | bigint>> {
  const groups: Record<string, Record<string, number | bigint>> = {};
  for (const [name, v] of Object.entries(abi)) {
    if (NOT_CONSTANTS.has(name) || name.startsWith('HEADER_VERSION')) continue;
    if (typeof v === 'function') {
      if (PER_ARCH[name]) groups[name] = PER_ARCH[name](arch);
    } else if (v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'number' || typeof x === 'bigint')) {
      groups[name] = v as Record<string, number | bigint>;
    }
  }
  return groups;
}

const SIGNED: Record<FieldType, boolean | null> = {
  i8: true, i16: true, i32: true, i64: true, u8: false, u16: false, u32: false, u64: false, u16be: false, u32be: false, bytes: null,
};

describe.each(ABI_ARCHES)('struct layouts match gcc (%s)', (arch) => {
  const layouts = structLayouts(arch);
  const c = facts[arch].structs;

  it('the JSON and structLayouts name the same structs', () => {
    expect(Object.keys(c).sort()).toEqual(Object.keys(layouts).sort());
  });

  for (const [name, layout] of Object.entries(layouts)) {
    it(`${name}: size, alignment, and every field's offset, size and signedness`, () => {
      const cs = c[name];
      expect(cs, `${name} missing from struct_offsets.json: regenerate it`).toBeDefined();
      expect(layout.name).toBe(name);
      expect({ size: layout.size, align: layout.align }).toEqual({ size: cs!.size, align: cs!.align });
      for (const [f, l] of Object.entries(layout.fields)) {
        const cf = cs!.fields[f];
        expect(cf, `${name}.${f} missing from struct_offsets.json`).toBeDefined();
        expect({ field: f, offset: l.offset, size: l.size }).toEqual({ field: f, offset: cf!.offset, size: cf!.size });
        if (cf!.signed !== null) {
          expect(l.type, `${name}.${f} is a C integer`).not.toBe('bytes');
          expect({ field: f, signed: SIGNED[l.type] }).toEqual({ field: f, signed: cf!.signed });
        }
      }
      expect(Object.keys(cs!.fields).sort()).toEqual(Object.keys(layout.fields).sort());
    });
  }
});

describe.each(ABI_ARCHES)('constants match the C headers (%s)', (arch) => {
  const groups = constantGroups(arch);
  const c = facts[arch];

  it('the JSON covers every exported constant table', () => {
    const inJson = new Set([...Object.keys(c.constants), ...Object.keys(c.undefined)]);
    expect(Object.keys(groups).filter((g) => !inJson.has(g))).toEqual([]);
    expect(Object.keys(groups).length).toBeGreaterThan(25);
  });

  it('every value equals the compiled value, or its absence from the headers is explained', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const [g, table] of Object.entries(groups)) {
      for (const [n, v] of Object.entries(table)) {
        const cv = c.constants[g]?.[n];
        if (!cv) {
          if (!(c.undefined[g] ?? []).includes(n)) problems.push(`${g}.${n}: not in struct_offsets.json (regenerate it)`);
          else if (!NOT_IN_HEADERS[arch][`${g}.${n}`]) problems.push(`${g}.${n}: not defined by the ${arch} headers`);
          continue;
        }
        const bits = cv.size * 8;
        const raw = BigInt(cv.value);
        const ok = [BigInt.asUintN(bits, raw), BigInt.asIntN(bits, raw)].includes(BigInt(v));
        if (!ok) problems.push(`${g}.${n}: ${String(v)} but the C headers say ${BigInt.asIntN(bits, raw)} (${cv.size} bytes)`);
        checked++;
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(700);
  });

  it('every allowlisted absence is still absent', () => {
    for (const key of Object.keys(NOT_IN_HEADERS[arch])) {
      const [g, n] = key.split('.') as [string, string];
      expect(c.constants[g]?.[n], key).toBeUndefined();
    }
  });
});

describe('values that differ between the arches', () => {
  it('open flags: O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE', () => {
    const x = openFlags('x86_64');
    const a = openFlags('aarch64');
    expect([x.O_DIRECTORY, x.O_NOFOLLOW, x.O_DIRECT, x.O_LARGEFILE]).toEqual([0o200000, 0o400000, 0o40000, 0o100000]);
    expect([a.O_DIRECTORY, a.O_NOFOLLOW, a.O_DIRECT, a.O_LARGEFILE]).toEqual([0o40000, 0o100000, 0o200000, 0o400000]);
    for (const n of ['O_DIRECTORY', 'O_NOFOLLOW', 'O_DIRECT', 'O_LARGEFILE'] as const) {
      expect(x[n]).toBe(Number(facts.x86_64.constants.openFlags![n]!.value));
      expect(a[n]).toBe(Number(facts.aarch64.constants.openFlags![n]!.value));
    }
    expect(x.O_CREAT).toBe(a.O_CREAT);
    expect(() => openFlags('mips' as AbiArch)).toThrow(TypeError);
  });

  it('MINSIGSTKSZ', () => {
    expect(sigStackSizes('x86_64').MINSIGSTKSZ).toBe(2048);
    expect(sigStackSizes('aarch64').MINSIGSTKSZ).toBe(5120);
  });

  it('stat and epoll_event layouts', () => {
    const x = structLayouts('x86_64');
    const a = structLayouts('aarch64');
    expect([x.stat.size, a.stat.size]).toEqual([144, 128]);
    expect([x.stat.fields.st_nlink!.offset, a.stat.fields.st_nlink!.offset]).toEqual([16, 20]);
    expect([x.epoll_event.size, a.epoll_event.size]).toEqual([12, 16]);
    expect([x.epoll_event.fields.data!.offset, a.epoll_event.fields.data!.offset]).toEqual([4, 8]);
    expect(x.siginfo.size).toBe(128);
    expect(x.dirent64.fields.d_name!.offset).toBe(19);
    expect(() => structLayouts('riscv64' as AbiArch)).toThrow(TypeError);
  });
});
