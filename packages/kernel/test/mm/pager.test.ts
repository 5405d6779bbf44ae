// The mm without a CPU: coherence of file and shared mappings (mm/pager.ts), copy-on-write,
// the memory limit, lazily allocated high reservations, and layout randomisation.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PERM_R, PERM_W } from '@elfbox/cpu';
import { MM, type MappableFile } from '../../src/mm.js';
import { SysError } from '../../src/errors.js';
import { layoutRandom } from '../../src/mm/random.js';

const RW = PERM_R | PERM_W;
const PG = 4096;

function tempFile(content: string): { path: string; file: MappableFile } {
  const d = mkdtempSync(join(tmpdir(), 'elfbox-pager-'));
  const path = join(d, 'f');
  writeFileSync(path, content);
  const file: MappableFile = {
    name: path, dev: 1, ino: 1, hostPath: path,
    readAt: (off, len) => new Uint8Array(readFileSync(path)).slice(off, off + len),
  };
  return { path, file };
}

const errno = (f: () => unknown): number | undefined => {
  try { f(); } catch (e) { if (e instanceof SysError) return e.errno; throw e; }
  return undefined;
};

describe('MAP_SHARED file mappings', () => {
  it('a write through one mapping is seen by another and reaches the file at the next sync', () => {
    const { path, file } = tempFile('a'.repeat(PG) + 'b'.repeat(PG));
    const mm = new MM();
    const a = mm.mmap({ addr: 0, len: 2 * PG, prot: RW, fixed: false, shared: true, file });
    const b = mm.mmap({ addr: 0, len: 2 * PG, prot: RW, fixed: false, shared: true, file });
    expect(mm.mem.pagePerm(a) & PERM_W).toBe(0); // clean: writes are tracked
    mm.mem.writeU8(a + 5, 0x58);
    expect(mm.mem.pagePerm(b) & PERM_R).toBe(0); // the other copy is stale
    expect(mm.mem.readU8(b + 5)).toBe(0x58);
    expect(readFileSync(path, 'latin1')[5]).toBe('X'); // reloading the stale copy flushed the writer
    mm.mem.writeU8(b + PG, 0x59);
    mm.syncShared();
    expect(readFileSync(path, 'latin1')[PG]).toBe('Y');
    expect(mm.mem.readU8(a + PG)).toBe(0x59);
    // the file changes through a descriptor: copies reload
    writeFileSync(path, 'Z'.repeat(2 * PG));
    mm.pager.fileChanged(path);
    expect(mm.mem.readU8(a)).toBe(0x5a);
    expect(mm.mem.readU8(b + PG)).toBe(0x5a);
    // munmap writes back a dirty page
    mm.mem.writeU8(a + 7, 0x31);
    mm.munmap(a, 2 * PG);
    expect(readFileSync(path, 'latin1')[7]).toBe('1');
    expect(mm.tracked.size).toBe(2);
    mm.munmap(b, 2 * PG);
    expect(mm.tracked.size).toBe(0);
    expect(mm.pager.objects.size).toBe(0);
  });

  it('never writes past the end of the file', () => {
    const { path, file } = tempFile('short');
    const mm = new MM();
    const a = mm.mmap({ addr: 0, len: PG, prot: RW, fixed: false, shared: true, file });
    mm.mem.write(a, new TextEncoder().encode('LONGER TEXT'));
    mm.syncShared();
    expect(readFileSync(path, 'latin1')).toBe('LONGE');
  });

  it('shared anonymous memory stays shared with a forked copy', () => {
    const mm = new MM();
    const a = mm.mmap({ addr: 0, len: PG, prot: RW, fixed: false, shared: true });
    const p = mm.mmap({ addr: 0, len: PG, prot: RW, fixed: false });
    mm.mem.writeU8(a, 1);
    mm.mem.writeU8(p, 1);
    const child = mm.clone();
    child.mem.writeU8(a, 2);
    child.mem.writeU8(p, 2);
    expect(mm.mem.readU8(a)).toBe(2); // shared
    expect(mm.mem.readU8(p)).toBe(1); // private
    mm.mem.writeU8(a + 1, 3);
    expect(child.mem.readU8(a + 1)).toBe(3);
  });
});

describe('MAP_PRIVATE file mappings', () => {
  it('follow the file until the first private write to a page, then keep their copy', () => {
    const { path, file } = tempFile('p'.repeat(2 * PG));
    const mm = new MM();
    const a = mm.mmap({ addr: 0, len: 2 * PG, prot: RW, fixed: false, shared: false, file });
    writeFileSync(path, 'q'.repeat(2 * PG));
    mm.pager.fileChanged(path);
    expect(String.fromCharCode(mm.mem.readU8(a))).toBe('q');
    mm.mem.writeU8(a, 0x21);
    expect(mm.tracked.has(a)).toBe(false); // copied on write
    writeFileSync(path, 'r'.repeat(2 * PG));
    mm.pager.fileChanged(path);
    expect(String.fromCharCode(mm.mem.readU8(a), mm.mem.readU8(a + 1))).toBe('!q');
    expect(String.fromCharCode(mm.mem.readU8(a + PG))).toBe('r');
    mm.syncShared();
    expect(readFileSync(path, 'latin1')[0]).toBe('r'); // never written back
    mm.dontNeed(a, a + PG); // MADV_DONTNEED: the file's bytes again
    expect(String.fromCharCode(mm.mem.readU8(a))).toBe('r');
  });

  it('keep protections: a read-only private mapping refuses writes', () => {
    const { file } = tempFile('x'.repeat(PG));
    const mm = new MM();
    const a = mm.mmap({ addr: 0, len: PG, prot: PERM_R, fixed: false, shared: false, file });
    expect(() => mm.mem.writeU8(a, 1)).toThrow(/protection/);
    mm.mprotect(a, PG, RW);
    mm.mem.writeU8(a, 1);
    expect(mm.mem.readU8(a)).toBe(1);
  });
});

describe('limits and layout', () => {
  it('--memory: mmap, brk and mprotect give ENOMEM past the limit; PROT_NONE is free', () => {
    const mm = new MM();
    mm.limit = 1 << 20;
    mm.setBrk(0x1000_0000);
    expect(mm.mmap({ addr: 0, len: 512 << 10, prot: RW, fixed: false })).toBeGreaterThan(0);
    expect(errno(() => mm.mmap({ addr: 0, len: 768 << 10, prot: RW, fixed: false }))).toBe(12);
    const none = mm.mmap({ addr: 0, len: 64 << 20, prot: 0, fixed: false });
    expect(errno(() => mm.mprotect(none, 1 << 20, RW))).toBe(12);
    expect(mm.brk(0x1000_0000 + (600 << 10))).toBe(0x1000_0000); // refused: the old break
    expect(mm.brk(0x1000_0000 + (256 << 10))).toBe(0x1000_0000 + (256 << 10));
  });

  it('a 64 GiB PROT_NONE reservation above 4 GiB allocates nothing until made accessible', () => {
    const mm = new MM();
    const at = 0xc0_0000_0000;
    expect(mm.mmap({ addr: at, len: 2 ** 36, prot: 0, fixed: true })).toBe(at);
    expect(mm.mem.high.size).toBe(0);
    mm.mprotect(at + 2 ** 30, 2 * PG, RW);
    expect(mm.mem.high.size).toBe(2);
    mm.mem.writeU32(at + 2 ** 30 + 8, 77);
    expect(mm.mem.readU32(at + 2 ** 30 + 8)).toBe(77);
    mm.munmap(at, 2 ** 36);
    expect(mm.mem.high.size).toBe(0);
    expect(mm.formatMaps()).toBe('');
  });

  it('randomize: seeded layouts repeat, different seeds differ, all stay in the fast low range', () => {
    const lay = (seed?: number) => { const m = new MM(); m.randomize(layoutRandom(seed)); return [m.stackTop, m.mmapTop, m.pieBase, m.brkGap]; };
    expect(lay(7)).toEqual(lay(7));
    expect(lay(7)).not.toEqual(lay(8));
    for (let i = 0; i < 50; i++) {
      const [st, mt, pb, gap] = lay();
      expect(st).toBeLessThanOrEqual(0x7fff_0000);
      expect(mt).toBeLessThan(st - 8 * 1024 * 1024);
      expect(pb % 0x10000).toBe(0);
      expect(pb + 0x1000_0000).toBeLessThan(mt);
      expect(gap % PG).toBe(0);
    }
  });
});
