// After the loader has mapped a program and its interpreter (every segment a VMA named by the
// path it was opened by), give those VMAs what Linux's /proc/self/maps shows: the file offset of
// each segment's pages, the file's device and inode, the canonical path; bss pages past the
// file's last page are anonymous memory.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ElfFile } from '@elfbox/elf';
import type { MM } from '../mm.js';

const PG = 4096;
const floor = (n: number) => n - (n % PG);
const ceil = (n: number) => Math.ceil(n / PG) * PG;

export interface LoadedImage {
  elf: ElfFile;
  bias: number;
  /** The name the loader gave its VMAs. */
  name: string;
  /** The host file, when known. */
  hostPath?: string;
  /** The host directory that is the guest's / (stripped from canonical paths). */
  root: string;
}

export function describeImages(mm: MM, images: LoadedImage[]): void {
  for (const img of images) {
    let dev: number | undefined, ino: number | undefined, canon = img.name;
    if (img.hostPath) {
      try {
        const st = fs.statSync(img.hostPath);
        dev = Number(st.dev); ino = Number(st.ino);
        const real = fs.realpathSync(img.hostPath);
        const root = path.resolve(img.root);
        if (root === '/') canon = real;
        else if (real.startsWith(root + '/')) canon = real.slice(root.length);
      } catch { /* keep what the loader named */ }
    }
    for (const v of mm.vmas) {
      if (v.kind !== 'image' || v.name !== img.name) continue;
      const s = img.elf.loads.find((l) => l.memsz > 0 && v.start >= floor(img.bias + l.vaddr) && v.start < ceil(img.bias + l.vaddr + l.memsz));
      if (!s) continue;
      const fileEnd = s.filesz > 0 ? ceil(img.bias + s.vaddr + s.filesz) : floor(img.bias + s.vaddr);
      if (v.start >= fileEnd) { v.kind = 'anon'; v.name = ''; continue; }
      v.offset = floor(s.offset) + (v.start - floor(img.bias + s.vaddr));
      v.dev = dev; v.ino = ino; v.name = canon;
    }
  }
}
