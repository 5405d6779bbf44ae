// Real binaries parse and load: busybox (static), /bin/ls (dynamic PIE with PT_INTERP and its
// interpreter), musl-gcc -static, gcc -static, gcc -static-pie, and aarch64-linux-gnu-gcc builds.
import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PERM_R, PERM_W, PERM_X } from '@elfbox/cpu';
import { AUX, loadElf, parseElf, PT_LOAD, formatStack, formatSteps, readSymbols } from '../src/index.js';
import { baseOptions, buildC, freshMemory, have, read, WORK } from './helpers.js';

const HELLO = `#include <stdio.h>\nint big[100000];\nint main(int c, char **v) { big[c] = 1; printf("hello %s\\n", v[0]); return 0; }\n`;
function helloSrc(): string {
  mkdirSync(WORK, { recursive: true });
  const p = join(WORK, 'hello.c');
  writeFileSync(p, HELLO);
  return p;
}

describe('real binaries', () => {
  it('/bin/busybox (static) parses and loads', () => {
    const f = parseElf(read('/bin/busybox'));
    expect(f.machine).toBe('x86_64');
    expect(f.interp).toBeUndefined();
    expect(f.loads.length).toBeGreaterThan(0);
    const { mem, lm } = freshMemory();
    const r = loadElf(lm, baseOptions(f, { exePath: '/bin/busybox', argv: ['busybox', 'true'] }));
    const base = f.type === 'dyn' ? r.exeBase : 0;
    expect(r.entry).toBe(base + f.entry);
    // the text segment is mapped executable and holds the file's bytes at the entry point
    const text = f.loads.find((s) => s.flags & 1)!;
    const off = text.offset + (f.entry - text.vaddr);
    expect(mem.pagePerm(r.entry) & PERM_X).toBeTruthy();
    expect(Array.from(mem.u8.subarray(r.entry, r.entry + 16))).toEqual(Array.from(f.bytes.subarray(off, off + 16)));
    // brk is the page-aligned end of the last segment
    const last = f.loads[f.loads.length - 1];
    expect(r.brk).toBe(Math.ceil((base + last.vaddr + last.memsz) / 4096) * 4096);
    expect(mem.readU64(r.sp)).toBe(2n);
  });

  it('/bin/ls (dynamic PIE) parses with PT_INTERP and DT_NEEDED, loads with its interpreter', () => {
    const f = parseElf(read('/bin/ls'));
    expect(f.type).toBe('dyn');
    expect(f.interp).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(f.needed).toContain('libc.so.6');
    expect(f.phdrVaddr).toBe(64);
    expect(f.sections?.some((s) => s.name === '.text')).toBe(true);
    expect(f.buildId).toMatch(/^[0-9a-f]{40}$/);
    const interp = parseElf(read(f.interp!));
    expect(interp.soname).toBe('ld-linux-x86-64.so.2');
    const { mem, lm } = freshMemory();
    const r = loadElf(lm, baseOptions(f, { interp, exePath: '/bin/ls', argv: ['ls', '-l'], envp: ['HOME=/root'] }));
    expect(r.exeBase).toBeGreaterThan(0);
    expect(r.interpBase).toBeGreaterThan(0);
    expect(r.entry).toBe(r.interpBase + interp.entry);
    const aux = new Map(r.auxv);
    expect(aux.get(AUX.AT_BASE)).toBe(BigInt(r.interpBase));
    expect(aux.get(AUX.AT_ENTRY)).toBe(BigInt(r.exeBase + f.entry));
    expect(aux.get(AUX.AT_PHDR)).toBe(BigInt(r.exeBase + 64));
    // AT_PHDR points at the program headers as mapped: the first one is PT_PHDR (type 6)
    expect(mem.readU32(r.phdr)).toBe(6);
    // the mappings carry the file paths (names for /proc/self/maps)
    expect(lm.maps.some((m) => m.name === '/bin/ls' && m.perm & PERM_X)).toBe(true);
    expect(lm.maps.some((m) => m.name === '/lib64/ld-linux-x86-64.so.2')).toBe(true);
    expect(lm.maps.some((m) => m.name === '[stack]' && m.perm === (PERM_R | PERM_W))).toBe(true);
    expect(formatSteps(r.steps)).toContain('load-base');
    expect(formatStack(r.stack, 0xbffff000)).toContain('argv[1] -> ');
  });

  for (const [cc, flags, name] of [
    ['gcc', ['-static', '-O1'], 'hello-gcc-static'],
    ['gcc', ['-static-pie', '-O1'], 'hello-gcc-static-pie'],
    ['musl-gcc', ['-static', '-O1'], 'hello-musl-static'],
    ['aarch64-linux-gnu-gcc', ['-static', '-O1'], 'hello-a64-static'],
    ['aarch64-linux-gnu-gcc', ['-O1'], 'hello-a64-dyn'],
  ] as Array<[string, string[], string]>) {
    it.skipIf(!have(cc))(`${name} (${cc} ${flags.join(' ')}) parses and loads`, () => {
      const path = buildC(cc, [helloSrc()], name, flags);
      const f = parseElf(read(path));
      expect(f.machine).toBe(cc.startsWith('aarch64') ? 'aarch64' : 'x86_64');
      expect(f.loads.every((s) => s.type === PT_LOAD)).toBe(true);
      // not stripped: main is a global function symbol
      const main = readSymbols(f).find((s) => s.name === 'main');
      expect(main && main.type === 2 && main.bind === 1 && main.value > 0).toBe(true);
      let interp;
      if (f.interp) {
        expect(readSymbols(f, 'dynsym').some((s) => s.name === 'printf' || s.name.startsWith('printf@'))).toBe(true);
        expect(f.interp).toBe('/lib/ld-linux-aarch64.so.1');
        const ip = '/usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1';
        if (!existsSync(ip)) return;
        interp = parseElf(read(ip));
      }
      const { mem, lm } = freshMemory();
      const r = loadElf(lm, baseOptions(f, { interp, exePath: path }));
      // the big bss array is mapped, writable and zero
      const data = f.loads[f.loads.length - 1];
      expect(data.memsz - data.filesz).toBeGreaterThanOrEqual(400000);
      const bssEnd = r.exeBase + data.vaddr + data.memsz - 8;
      expect(mem.pagePerm(bssEnd) & PERM_W).toBeTruthy();
      expect(mem.readU64(bssEnd)).toBe(0n);
      expect(r.sp % 16).toBe(0);
    });
  }
});
