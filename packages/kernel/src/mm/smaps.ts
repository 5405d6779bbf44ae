// /proc/<pid>/smaps: each maps line followed by the VMA's memory figures, counted per page from
// what the pages hold rather than "everything resident".
//
// A page counts as resident (Rss) when it is a copy of a file page the pager tracks that is not
// stale (loaded when mapped), or when it holds a nonzero byte (the
// host commits a page of the guest buffer when it is first written; a page never written reads as
// zeros, so an untouched page of a big mapping is not counted). A page only ever written with
// zeros is missed: the AddressSpace keeps no per-page dirty bit. Then, as Linux sorts them:
//   - a tracked copy still equal to its file is clean, a written shared one (and shared anonymous
//     memory) dirty; it is
//     Shared_* when another mapping holds a copy of the same object page (Pss divides by them);
//   - an untracked page of a private file mapping (copied on write) or of anonymous memory, the
//     heap or a stack is Private_Dirty and Anonymous;
//   - a page of a loaded ELF segment is Private_Clean when the segment is read-only, Private_Dirty
//     when writable (the loader's copies cannot be told apart from written ones).
import { LOW_LIMIT, PAGE_SIZE } from '@elfbox/cpu';
import type { MM, Vma } from '../mm.js';

interface Counts { rss: number; pss: number; sharedClean: number; sharedDirty: number; privateClean: number; privateDirty: number; anon: number }

function nonzero(mm: MM, addr: number): boolean {
  if (addr < LOW_LIMIT) {
    const w = new Int32Array(mm.mem.buffer, addr, PAGE_SIZE / 4);
    for (let i = 0; i < w.length; i++) if (w[i] !== 0) return true;
    return false;
  }
  const d = mm.mem.highPage(Math.floor(addr / PAGE_SIZE));
  if (!d) return false;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return true;
  return false;
}

/** The page addresses of v worth looking at (above 4 GiB only the pages that exist). */
function* pagesOf(mm: MM, v: Vma): Generator<number> {
  if (v.end <= LOW_LIMIT || (v.end - v.start) / PAGE_SIZE <= mm.mem.high.size) {
    for (let a = v.start; a < v.end; a += PAGE_SIZE) yield a;
    return;
  }
  for (let a = v.start; a < Math.min(v.end, LOW_LIMIT); a += PAGE_SIZE) yield a;
  const keys = [...mm.mem.high.keys()].filter((k) => k * PAGE_SIZE >= Math.max(v.start, LOW_LIMIT) && k * PAGE_SIZE < v.end).sort((x, y) => x - y);
  for (const k of keys) yield k * PAGE_SIZE;
}

export function vmaCounts(mm: MM, v: Vma): Counts {
  const c: Counts = { rss: 0, pss: 0, sharedClean: 0, sharedDirty: 0, privateClean: 0, privateDirty: 0, anon: 0 };
  for (const a of pagesOf(mm, v)) {
    const t = mm.tracked.get(a);
    if (t) {
      if (t.state === 'stale') continue;
      // shared anonymous memory (shmem to Linux): resident once written, always dirty
      const shmem = t.obj.key.startsWith('a:');
      if (shmem && t.state !== 'dirty' && !nonzero(mm, a)) continue;
      const holders = t.obj.copies.get(t.off)?.size ?? 1;
      const dirty = shmem || t.state === 'dirty';
      c.rss++;
      c.pss += 1 / holders;
      if (holders > 1) { if (dirty) c.sharedDirty++; else c.sharedClean++; } else if (dirty) c.privateDirty++; else c.privateClean++;
      continue;
    }
    if (!mm.mem.isMapped(a) || !nonzero(mm, a)) continue;
    c.rss++;
    c.pss++;
    if (v.kind === 'image' && !(v.prot & 2)) { c.privateClean++; continue; }
    c.privateDirty++;
    if (v.kind !== 'image') c.anon++;
  }
  return c;
}

/** /proc/<pid>/smaps for mm, formatted as Linux prints it. */
export function formatSmaps(mm: MM): string {
  const lines = mm.formatMaps().split('\n').filter(Boolean);
  const out: string[] = [];
  const kb = (pages: number) => Math.round(pages * (PAGE_SIZE / 1024));
  mm.vmas.forEach((v, i) => {
    const c = vmaCounts(mm, v);
    out.push(lines[i] ?? '');
    const rows: Array<[string, number]> = [['Size', Math.ceil((v.end - v.start) / 1024)], ['KernelPageSize', 4], ['MMUPageSize', 4], ['Rss', kb(c.rss)],
      ['Pss', kb(c.pss)], ['Shared_Clean', kb(c.sharedClean)], ['Shared_Dirty', kb(c.sharedDirty)], ['Private_Clean', kb(c.privateClean)],
      ['Private_Dirty', kb(c.privateDirty)], ['Referenced', kb(c.rss)], ['Anonymous', kb(c.anon)], ['LazyFree', 0], ['AnonHugePages', 0],
      ['ShmemPmdMapped', 0], ['FilePmdMapped', 0], ['Shared_Hugetlb', 0], ['Private_Hugetlb', 0], ['Swap', 0], ['SwapPss', 0], ['Locked', 0]];
    for (const [n, val] of rows) out.push(`${(n + ':').padEnd(16)}${String(val).padStart(8)} kB`);
    out.push('THPeligible:    0');
    const fl = [v.prot & 1 ? 'rd' : '', v.prot & 2 ? 'wr' : '', v.prot & 4 ? 'ex' : '', v.shared ? 'sh' : '', 'mr', 'mw', 'me', v.shared ? 'ms' : '',
      v.growsDown ? 'gd' : '', 'ac'].filter(Boolean);
    out.push(`VmFlags: ${fl.join(' ')} `);
  });
  return out.join('\n') + (out.length ? '\n' : '');
}
