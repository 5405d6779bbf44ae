// The translation cache (tcache.ts): blocks reused within a process and from the file of an
// earlier run give the same output as fresh translations; a record that fails its checksum, a
// truncated or garbage file, and guest code that differs from the cached bytes all fall back to
// translating.
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildC, runStatic } from './test-util/shim.js';
import { runAsm } from './test-util/asm.js';
import { TranslationCache, setSharedCache, sharedCache, translatorVersion } from '@elfbox/cpu';
import type { X86Cpu } from './cpu.js';

const prog = fileURLToPath(new URL('./programs/hello.c', import.meta.url));
const dirs: string[] = [];
const old = setSharedCache(undefined);
afterAll(() => { setSharedCache(old); for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

/**
 * A fresh cache over dir (as a new process would see it), made the shared one; runs the program
 * (regions after hot dispatches when given) and flushes as at process exit.
 */
function runWith(dir: string | null, exe: string, version = 'test', opts: { bundles?: boolean; hot?: number } = {}) {
  const c = new TranslationCache(dir, version, 'x86', { bundles: opts.bundles ?? false });
  setSharedCache(c);
  const r = runStatic(exe, [exe, 'x'], undefined, opts.hot ? { hot: opts.hot } : {});
  c.flush(true);
  // blocks and regions (hot loops retranslated as one function) both come from the cache
  const cpu = r.cpu as X86Cpu;
  return { c, r, n: cpu.translations, regions: cpu.regions };
}

describe('translation cache', () => {
  const exe = buildC('hello', readFileSync(prog, 'utf8'), 'gcc');
  const native = execFileSync(exe, ['x'], { encoding: 'utf8' });

  it('second run: every block from the file (source); third run: from V8 code cache; same output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x86-tc-')); dirs.push(dir);
    const a = runWith(dir, exe);
    expect(a.r.stdout).toBe(native);
    expect(a.n).toBeGreaterThan(100);
    expect(a.c.stores).toBe(a.n);
    expect(a.c.hits).toBe(0);
    const b = runWith(dir, exe);
    expect(b.r.stdout).toBe(native);
    expect(b.c.stores).toBe(0);
    expect(b.c.diskHits).toBe(a.n);
    expect(b.c.cdHits).toBe(0);
    const c = runWith(dir, exe);
    expect(c.r.stdout).toBe(native);
    expect(c.c.stores).toBe(0);
    expect(c.c.cdHits).toBe(a.n);
    expect(c.c.cdRejected).toBe(0);
    expect(c.r.instructions).toBe(a.r.instructions);
    // Another translator version uses another file.
    const d = runWith(dir, exe, 'other');
    expect(d.c.hits).toBe(0);
    expect(d.c.stores).toBe(a.n);
  });

  it('regions: stored with the byte ranges of all their blocks; the next run takes them from the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x86-tc-')); dirs.push(dir);
    const a = runWith(dir, exe, 'test', { hot: 2 });
    expect(a.r.stdout).toBe(native);
    expect(a.regions).toBeGreaterThan(3);
    expect(a.c.stores).toBe(a.n);
    const b = runWith(dir, exe, 'test', { hot: 2 });
    expect(b.r.stdout).toBe(native);
    expect(b.regions).toBe(a.regions);
    expect(b.c.stores).toBe(0);
    expect(b.c.diskHits).toBe(a.n);
    expect(b.r.instructions).toBe(a.r.instructions);
  });

  it('bundles: the first run writes one with every block it used; the next loads all of them from it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x86-tc-')); dirs.push(dir);
    const a = runWith(dir, exe, 'test', { bundles: true });
    expect(a.r.stdout).toBe(native);
    expect(a.c.bundleStores).toBe(1);
    const b = runWith(dir, exe, 'test', { bundles: true });
    expect(b.r.stdout).toBe(native);
    expect(b.c.stores).toBe(0);
    expect(b.c.bundleLoads).toBe(1);
    expect(b.c.hits).toBe(b.n);
    expect(b.c.diskHits).toBe(0);
    expect(b.c.bundleStores).toBe(0);
    expect(b.r.instructions).toBe(a.r.instructions);
  });

  it('a record whose checksum fails is ignored and its block translated again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x86-tc-')); dirs.push(dir);
    const a = runWith(dir, exe);
    const file = a.c.path;
    const buf = readFileSync(file);
    // First record: 12-byte header, 36 fixed body bytes, one 12-byte span, two meta words, the
    // guest bytes, then the source.
    expect(buf.readUInt32LE(12 + 12)).toBe(1);
    expect(buf.readUInt32LE(12 + 16)).toBe(2);
    const nb = buf.readUInt32LE(12 + 20);
    const at = 12 + 36 + 12 + 8 + nb + 10;
    buf[at] = buf[at] === 0x20 ? 0x21 : 0x20;
    writeFileSync(file, buf);
    const b = runWith(dir, exe);
    expect(b.r.stdout).toBe(native);
    expect(b.c.badRecords).toBe(1);
    expect(b.c.stores).toBe(1);
    expect(b.c.diskHits).toBe(a.n - 1);
  });

  it('a truncated or garbage file is no error: what can be read is used, the rest translated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x86-tc-')); dirs.push(dir);
    const a = runWith(dir, exe);
    const file = a.c.path;
    writeFileSync(file, readFileSync(file).subarray(0, Math.floor(statSync(file).size / 2)));
    const b = runWith(dir, exe);
    expect(b.r.stdout).toBe(native);
    expect(b.c.diskHits).toBeGreaterThan(0);
    expect(b.c.stores).toBeGreaterThan(0);
    expect(b.c.diskHits + b.c.stores).toBe(a.n);
    writeFileSync(file, Buffer.from(Array.from({ length: 100000 }, (_, i) => (i * 7919 + 13) & 0xff)));
    const c = runWith(dir, exe);
    expect(c.r.stdout).toBe(native);
    expect(c.c.hits).toBe(0);
    expect(c.c.stores).toBe(a.n);
  });

  it('a flush does not append what another process appended meanwhile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'x86-tc-')); dirs.push(dir);
    const c1 = new TranslationCache(dir, 'test'), c2 = new TranslationCache(dir, 'test');
    setSharedCache(c1);
    expect(runStatic(exe, [exe, 'x']).stdout).toBe(native);
    setSharedCache(c2);
    expect(runStatic(exe, [exe, 'x']).stdout).toBe(native);
    expect(c2.stores).toBe(c1.stores);
    c1.flush();
    const size = statSync(c1.path).size;
    expect(size).toBeGreaterThan(0);
    c2.flush();
    expect(statSync(c1.path).size).toBe(size);
  });

  it('environment: ELFBOX_X86_CACHE=0 turns it off, ELFBOX_X86_CACHE_DIR places the file; the version follows the sources', () => {
    const url = new URL('./cpu.ts', import.meta.url).href;
    const env = process.env, saved = { off: env.ELFBOX_X86_CACHE, dir: env.ELFBOX_X86_CACHE_DIR };
    const dir = mkdtempSync(join(tmpdir(), 'x86-tc-')); dirs.push(dir);
    try {
      env.ELFBOX_X86_CACHE = '0';
      setSharedCache(undefined);
      expect(sharedCache(url)).toBeNull();
      delete env.ELFBOX_X86_CACHE;
      env.ELFBOX_X86_CACHE_DIR = dir;
      setSharedCache(undefined);
      const v = translatorVersion(url);
      expect(v).toMatch(/^[0-9a-f]{16}$/);
      expect(sharedCache(url)!.path.startsWith(`${dir}/x86-${v}-v8-`)).toBe(true);
      // A bundle is identified by its own text.
      const a = join(dir, 'a.mjs'), b = join(dir, 'b.mjs');
      writeFileSync(a, 'export const x = 1;'); writeFileSync(b, 'export const x = 2;');
      expect(translatorVersion(`file://${a}`)).not.toBe(translatorVersion(`file://${b}`));
      expect(translatorVersion('https://example.org/cpu.js')).toBeNull();
    } finally {
      if (saved.off === undefined) delete env.ELFBOX_X86_CACHE; else env.ELFBOX_X86_CACHE = saved.off;
      if (saved.dir === undefined) delete env.ELFBOX_X86_CACHE_DIR; else env.ELFBOX_X86_CACHE_DIR = saved.dir;
      setSharedCache(undefined);
    }
  });

  it('in-process: another CPU reuses a block only while the guest bytes are the same', () => {
    const c = new TranslationCache(null, 'test');
    setSharedCache(c);
    let m = runAsm('mov eax, 1\nadd eax, 2');
    expect(m.cpu.getReg(0)).toBe(3n);
    expect(c.hits).toBe(0);
    m = runAsm('mov eax, 1\nadd eax, 3');
    expect(m.cpu.getReg(0)).toBe(4n);
    expect(c.hits).toBe(0);
    m = runAsm('mov eax, 1\nadd eax, 2');
    expect(m.cpu.getReg(0)).toBe(3n);
    expect(c.hits).toBe(1);
    // The guest rewriting a translated block: the translation is dropped, the cache (keyed by
    // the bytes) misses for the new bytes and hits again once the old bytes are back.
    const hits = c.hits;
    m = runAsm(`
      xor ecx, ecx
      xor ebx, ebx
    again:
      call f
      inc ecx
      cmp ecx, 3
      je done
      lea rdi, [rip + f]
      mov al, 7
      cmp ecx, 1
      je w
      mov al, 1
    w:
      mov byte ptr [rdi + 1], al
      jmp again
    done:
      jmp end
    f:
      mov al, 1
      add bl, al
      ret
    end:`, (mm) => mm.mem.protect(0x400000, 0x1000, 7));
    expect(m.stop.kind).toBe('breakpoint');
    expect(Number(m.cpu.getReg(3))).toBe(1 + 7 + 1);
    // f's first bytes again (third call), and the page's other blocks after each drop: from the cache.
    expect(c.hits).toBeGreaterThan(hits);
  });
});
