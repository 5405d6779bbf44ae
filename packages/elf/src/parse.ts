// ELF64 little-endian parser for x86-64 and aarch64 executables (ET_EXEC, ET_DYN).
//
// Everything the loader depends on is validated here, in the order Linux's load_elf_binary
// checks it, plus stricter checks (sorted, non-overlapping PT_LOADs; one PT_INTERP; address
// limits). A failure is an ElfError naming what is wrong; no other exception escapes, because
// every read is bounds-checked against the buffer first. The optional parts used only by
// `inspect` (section headers, DT_NEEDED / DT_SONAME / DT_RUNPATH, the GNU build-id note) are
// parsed leniently: a problem there becomes a warning, since Linux never reads them either.
import { ElfError } from './errors.js';
import {
  DT_NEEDED, DT_NULL, DT_RPATH, DT_RUNPATH, DT_SONAME, DT_STRSZ, DT_STRTAB, EHDR_SIZE,
  ELF_PAGE, EM_AARCH64, EM_X86_64, ET_DYN, ET_EXEC, PATH_MAX, PF_X, PHDR_SIZE, PT_DYNAMIC,
  PT_GNU_RELRO, PT_GNU_STACK, PT_INTERP, PT_LOAD, PT_NAMES, PT_NOTE, PT_PHDR, PT_TLS, SHDR_SIZE,
} from './consts.js';

export type Machine = 'x86_64' | 'aarch64';

export interface Segment {
  type: number;
  /** 'LOAD', 'INTERP', ... or the number in hex for unknown types. */
  typeName: string;
  /** PF_R | PF_W | PF_X bits. */
  flags: number;
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

export interface Section {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

export interface ElfFile {
  bytes: Uint8Array;
  class: 64;
  machine: Machine;
  /** e_machine number (62 or 183). */
  emachine: number;
  type: 'exec' | 'dyn';
  entry: number;
  phoff: number;
  phentsize: number;
  phnum: number;
  shoff: number;
  shnum: number;
  shstrndx: number;
  /** Every program header, in file order. */
  segments: Segment[];
  /** The PT_LOAD segments, in file order (validated sorted by p_vaddr, no overlap). */
  loads: Segment[];
  interp?: string;
  /** PT_GNU_STACK present with PF_X. Without PT_GNU_STACK a 64-bit Linux stack is not executable. */
  stackExec: boolean;
  hasGnuStack: boolean;
  /** p_vaddr of PT_PHDR (unbiased), when present. */
  phdrVaddr?: number;
  tls?: Segment;
  relro?: Segment;
  dynamic?: Segment;
  notes: Segment[];
  /** Lowest page-aligned p_vaddr and page-aligned end of the PT_LOADs (unbiased). */
  minVaddr: number;
  maxVaddr: number;
  /** Largest power-of-two p_align of the PT_LOADs (at least a page): ET_DYN base alignment. */
  maxAlign: number;
  needed?: string[];
  soname?: string;
  runpath?: string;
  rpath?: string;
  buildId?: string;
  sections?: Section[];
  /** Problems in the optional parts (sections, dynamic, notes); loading is unaffected. */
  warnings: string[];
}

export interface ParseOptions {
  /** Largest page-aligned image span accepted (default 4 GiB, the region the kernel places images in). */
  maxImageSpan?: number;
}

const hex = (n: number): string => '0x' + n.toString(16);

/** The user address-space limit Linux gives a 64-bit process on each arch (4-level paging x86-64; 48-bit VA arm64). */
export const USER_LIMIT: Record<Machine, number> = { x86_64: 2 ** 47 - ELF_PAGE, aarch64: 2 ** 48 };

class Reader {
  readonly dv: DataView;
  constructor(readonly b: Uint8Array) { this.dv = new DataView(b.buffer, b.byteOffset, b.byteLength); }
  u16(o: number): number { return this.dv.getUint16(o, true); }
  u32(o: number): number { return this.dv.getUint32(o, true); }
  /** A u64 as a JS number; exact below 2^53, and values that large are rejected before use. */
  u64(o: number): number { return this.dv.getUint32(o + 4, true) * 2 ** 32 + this.dv.getUint32(o, true); }
}

export function parseElf(bytes: Uint8Array, opts: ParseOptions = {}): ElfFile {
  if (!(bytes instanceof Uint8Array)) throw new ElfError('TRUNCATED', 'input is not a byte array');
  const maxSpan = opts.maxImageSpan ?? 2 ** 32;
  const size = bytes.length;
  if (size < 4) throw new ElfError('TRUNCATED', `file is ${size} bytes, shorter than the ELF magic`);
  if (bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new ElfError('BAD_MAGIC', 'not an ELF file (magic is not \\x7fELF)');
  }
  if (size < EHDR_SIZE) throw new ElfError('TRUNCATED', `file is ${size} bytes, shorter than the 64-byte ELF64 header`);
  if (bytes[4] !== 2) throw new ElfError('BAD_CLASS', `EI_CLASS is ${bytes[4]}, only ELFCLASS64 (2) is supported`);
  if (bytes[5] !== 1) throw new ElfError('BAD_ENDIAN', `EI_DATA is ${bytes[5]}, only little-endian (ELFDATA2LSB, 1) is supported`);
  if (bytes[6] !== 1) throw new ElfError('BAD_VERSION', `EI_VERSION is ${bytes[6]}, expected EV_CURRENT (1)`);
  const r = new Reader(bytes);
  const etype = r.u16(16);
  const emachine = r.u16(18);
  const eversion = r.u32(20);
  if (eversion !== 1) throw new ElfError('BAD_VERSION', `e_version is ${eversion}, expected EV_CURRENT (1)`);
  if (etype !== ET_EXEC && etype !== ET_DYN) {
    throw new ElfError('BAD_TYPE', `e_type is ${etype}, only ET_EXEC (2) and ET_DYN (3) can be executed`);
  }
  let machine: Machine;
  if (emachine === EM_X86_64) machine = 'x86_64';
  else if (emachine === EM_AARCH64) machine = 'aarch64';
  else throw new ElfError('BAD_MACHINE', `e_machine is ${emachine}, only EM_X86_64 (62) and EM_AARCH64 (183) are supported`);
  const limit = USER_LIMIT[machine];
  const entry = r.u64(24);
  const phoff = r.u64(32);
  const shoff = r.u64(40);
  const ehsize = r.u16(52);
  const phentsize = r.u16(54);
  const phnum = r.u16(56);
  const shentsize = r.u16(58);
  const shnum = r.u16(60);
  const shstrndx = r.u16(62);
  if (ehsize < EHDR_SIZE) throw new ElfError('BAD_EHSIZE', `e_ehsize is ${ehsize}, smaller than the ELF64 header (64)`);
  if (phentsize !== PHDR_SIZE) throw new ElfError('BAD_PHENTSIZE', `e_phentsize is ${phentsize}, expected ${PHDR_SIZE}`);
  // Linux (elf_read_phdrs): the table must be non-empty and at most one page.
  if (phnum === 0) throw new ElfError('BAD_PHNUM', 'e_phnum is 0: no program headers');
  if (phnum * PHDR_SIZE > ELF_PAGE) {
    throw new ElfError('BAD_PHNUM', `e_phnum is ${phnum}: the table (${phnum * PHDR_SIZE} bytes) is larger than a page`);
  }
  if (phoff > size || phoff + phnum * PHDR_SIZE > size) {
    throw new ElfError('PHDRS_OUT_OF_FILE', `program headers at ${hex(phoff)}+${phnum * PHDR_SIZE} run past the end of the ${size}-byte file`);
  }
  if (entry >= limit) throw new ElfError('ADDRESS_OVERFLOW', `e_entry ${hex(entry)} is past the user address space (${hex(limit)})`);

  const segments: Segment[] = [];
  for (let i = 0; i < phnum; i++) {
    const o = phoff + i * PHDR_SIZE;
    const type = r.u32(o);
    segments.push({
      type, typeName: PT_NAMES[type] ?? hex(type), flags: r.u32(o + 4), offset: r.u64(o + 8),
      vaddr: r.u64(o + 16), paddr: r.u64(o + 24), filesz: r.u64(o + 32), memsz: r.u64(o + 40), align: r.u64(o + 48),
    });
  }

  const loads: Segment[] = [];
  let interp: string | undefined;
  let interpCount = 0;
  let hasGnuStack = false, stackExec = false;
  let phdrVaddr: number | undefined, tls: Segment | undefined, relro: Segment | undefined, dynamic: Segment | undefined;
  const notes: Segment[] = [];
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    const what = `segment ${i} (${s.typeName})`;
    switch (s.type) {
      case PT_LOAD: loads.push(s); break;
      case PT_INTERP: {
        interpCount++;
        if (interpCount > 1) throw new ElfError('MULTIPLE_INTERP', `${what}: a second PT_INTERP`);
        if (s.filesz < 2) throw new ElfError('BAD_INTERP', `${what}: interpreter path is empty (p_filesz ${s.filesz})`);
        if (s.filesz > PATH_MAX) throw new ElfError('BAD_INTERP', `${what}: interpreter path is ${s.filesz} bytes, longer than PATH_MAX (${PATH_MAX})`);
        if (s.offset > size || s.offset + s.filesz > size) {
          throw new ElfError('BAD_INTERP', `${what}: interpreter path at ${hex(s.offset)}+${s.filesz} is outside the file`);
        }
        const raw = bytes.subarray(s.offset, s.offset + s.filesz);
        if (raw[raw.length - 1] !== 0) throw new ElfError('BAD_INTERP', `${what}: interpreter path is not NUL-terminated`);
        const nul = raw.indexOf(0);
        if (nul === 0) throw new ElfError('BAD_INTERP', `${what}: interpreter path is empty`);
        interp = new TextDecoder().decode(raw.subarray(0, nul));
        break;
      }
      case PT_GNU_STACK: hasGnuStack = true; stackExec = (s.flags & PF_X) !== 0; break;
      case PT_PHDR: phdrVaddr = s.vaddr; break;
      case PT_TLS: tls = s; break;
      case PT_GNU_RELRO: relro = s; break;
      case PT_DYNAMIC: dynamic = s; break;
      case PT_NOTE: notes.push(s); break;
    }
  }
  if (loads.length === 0) throw new ElfError('NO_LOAD', 'no PT_LOAD segment: nothing to map');

  let maxAlign = ELF_PAGE;
  let prevEnd = -1, prevIdx = -1;
  for (let i = 0; i < loads.length; i++) {
    const s = loads[i];
    const what = `PT_LOAD ${i}`;
    if (s.filesz > s.memsz) throw new ElfError('FILESZ_GT_MEMSZ', `${what}: p_filesz ${hex(s.filesz)} > p_memsz ${hex(s.memsz)}`);
    if (s.memsz > limit) throw new ElfError('ABSURD_SIZE', `${what}: p_memsz ${hex(s.memsz)} is larger than the address space`);
    if (s.vaddr >= limit || s.vaddr + s.memsz > limit) {
      throw new ElfError('ADDRESS_OVERFLOW', `${what}: ${hex(s.vaddr)}+${hex(s.memsz)} runs past the user address space (${hex(limit)})`);
    }
    if (s.filesz > 0) {
      if (s.offset > size || s.offset + s.filesz > size) {
        throw new ElfError('SEGMENT_PAST_EOF', `${what}: file bytes ${hex(s.offset)}+${hex(s.filesz)} run past the end of the ${size}-byte file`);
      }
    }
    if ((s.vaddr % ELF_PAGE) !== (s.offset % ELF_PAGE)) {
      throw new ElfError('MISALIGNED', `${what}: p_vaddr ${hex(s.vaddr)} and p_offset ${hex(s.offset)} differ modulo the page size`);
    }
    if (s.vaddr < prevEnd || (prevIdx >= 0 && s.vaddr < loads[prevIdx].vaddr)) {
      throw new ElfError('LOAD_ORDER', `${what} at ${hex(s.vaddr)} overlaps or precedes PT_LOAD ${prevIdx} (ends at ${hex(prevEnd)})`);
    }
    prevEnd = s.vaddr + s.memsz; prevIdx = i;
    if (s.align > maxAlign && s.align <= 2 ** 30 && (s.align & (s.align - 1)) === 0) maxAlign = s.align;
  }
  const first = loads[0], last = loads[loads.length - 1];
  const minVaddr = first.vaddr - (first.vaddr % ELF_PAGE);
  const maxVaddr = Math.ceil((last.vaddr + last.memsz) / ELF_PAGE) * ELF_PAGE;
  if (maxVaddr - minVaddr > maxSpan) {
    throw new ElfError('ABSURD_SIZE', `the PT_LOADs span ${hex(maxVaddr - minVaddr)} bytes, more than the ${hex(maxSpan)} allowed`);
  }

  const f: ElfFile = {
    bytes, class: 64, machine, emachine, type: etype === ET_EXEC ? 'exec' : 'dyn', entry, phoff, phentsize, phnum,
    shoff, shnum, shstrndx, segments, loads, interp, stackExec, hasGnuStack, phdrVaddr, tls, relro, dynamic, notes,
    minVaddr, maxVaddr, maxAlign, warnings: [],
  };
  parseSections(f, r, shentsize);
  parseDynamic(f, r);
  parseNotes(f, r);
  return f;
}

/** File offset of the byte at unbiased virtual address va, through the PT_LOADs; undefined if not file-backed. */
export function vaddrToOffset(f: ElfFile, va: number): number | undefined {
  for (const s of f.loads) {
    if (va >= s.vaddr && va < s.vaddr + s.filesz) return s.offset + (va - s.vaddr);
  }
  return undefined;
}

function cstr(b: Uint8Array, off: number, end: number, max = 4096): string | undefined {
  if (off < 0 || off >= end) return undefined;
  const stop = Math.min(end, off + max);
  for (let i = off; i < stop; i++) if (b[i] === 0) return new TextDecoder().decode(b.subarray(off, i));
  return undefined;
}

function parseSections(f: ElfFile, r: Reader, shentsize: number): void {
  if (f.shoff === 0 || f.shnum === 0) return;
  const size = f.bytes.length;
  if (shentsize !== SHDR_SIZE) { f.warnings.push(`e_shentsize is ${shentsize}, expected 64: sections ignored`); return; }
  if (f.shoff > size || f.shoff + f.shnum * SHDR_SIZE > size) { f.warnings.push('section headers run past the end of the file: ignored'); return; }
  const secs: Section[] = [];
  const nameOffs: number[] = [];
  for (let i = 0; i < f.shnum; i++) {
    const o = f.shoff + i * SHDR_SIZE;
    nameOffs.push(r.u32(o));
    secs.push({
      name: '', type: r.u32(o + 4), flags: r.u64(o + 8), addr: r.u64(o + 16), offset: r.u64(o + 24), size: r.u64(o + 32),
      link: r.u32(o + 40), info: r.u32(o + 44), addralign: r.u64(o + 48), entsize: r.u64(o + 56),
    });
  }
  const strtab = secs[f.shstrndx];
  if (strtab && strtab.type !== 8 /* SHT_NOBITS */ && strtab.offset <= size) {
    const end = Math.min(size, strtab.offset + strtab.size);
    secs.forEach((s, i) => { s.name = cstr(f.bytes, strtab.offset + nameOffs[i], end) ?? ''; });
  }
  if (!strtab) f.warnings.push(`e_shstrndx ${f.shstrndx} is out of range: section names unknown`);
  f.sections = secs;
}

function parseDynamic(f: ElfFile, r: Reader): void {
  const d = f.dynamic;
  if (!d) return;
  const size = f.bytes.length;
  if (d.offset > size || d.offset + d.filesz > size) { f.warnings.push('PT_DYNAMIC is outside the file: ignored'); return; }
  const n = Math.floor(d.filesz / 16);
  let strtab = -1, strsz = -1;
  const needed: number[] = [];
  let soname = -1, runpath = -1, rpath = -1;
  for (let i = 0; i < n; i++) {
    const o = d.offset + i * 16;
    const tag = r.u64(o), val = r.u64(o + 8);
    if (tag === DT_NULL) break;
    if (tag === DT_NEEDED) needed.push(val);
    else if (tag === DT_STRTAB) strtab = val;
    else if (tag === DT_STRSZ) strsz = val;
    else if (tag === DT_SONAME) soname = val;
    else if (tag === DT_RUNPATH) runpath = val;
    else if (tag === DT_RPATH) rpath = val;
  }
  if (strtab < 0) { if (needed.length) f.warnings.push('DT_NEEDED without DT_STRTAB'); return; }
  const base = vaddrToOffset(f, strtab);
  if (base === undefined) { f.warnings.push(`DT_STRTAB ${hex(strtab)} is not in a file-backed segment`); return; }
  const end = strsz >= 0 ? Math.min(size, base + strsz) : size;
  const get = (off: number): string | undefined => {
    const s = cstr(f.bytes, base + off, end);
    if (s === undefined) f.warnings.push(`dynamic string at ${hex(off)} is outside DT_STRTAB`);
    return s;
  };
  f.needed = needed.map(get).filter((s): s is string => s !== undefined);
  if (soname >= 0) f.soname = get(soname);
  if (runpath >= 0) f.runpath = get(runpath);
  if (rpath >= 0) f.rpath = get(rpath);
}

function parseNotes(f: ElfFile, r: Reader): void {
  const size = f.bytes.length;
  for (const n of f.notes) {
    if (n.offset > size || n.offset + n.filesz > size) { f.warnings.push('PT_NOTE is outside the file: ignored'); continue; }
    let o = n.offset;
    const end = n.offset + n.filesz;
    while (o + 12 <= end) {
      const namesz = r.u32(o), descsz = r.u32(o + 4), type = r.u32(o + 8);
      const nameOff = o + 12;
      const descOff = nameOff + Math.ceil(namesz / 4) * 4;
      const next = descOff + Math.ceil(descsz / 4) * 4;
      if (next > end) break;
      if (type === 3 && namesz === 4 && f.bytes[nameOff] === 0x47 && f.bytes[nameOff + 1] === 0x4e && f.bytes[nameOff + 2] === 0x55) {
        f.buildId = Array.from(f.bytes.subarray(descOff, descOff + descsz), (b) => b.toString(16).padStart(2, '0')).join('');
      }
      o = next;
    }
  }
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_*: 0 NOTYPE, 1 OBJECT, 2 FUNC, 3 SECTION, 4 FILE, 6 TLS. */
  type: number;
  /** STB_*: 0 LOCAL, 1 GLOBAL, 2 WEAK. */
  bind: number;
  shndx: number;
}

/**
 * The symbols of .symtab (or .dynsym), for `inspect`. Lenient like the other optional parts: a
 * missing or malformed table gives an empty list, never an exception. At most `max` entries.
 */
export function readSymbols(f: ElfFile, table: 'symtab' | 'dynsym' = 'symtab', max = 200_000): ElfSymbol[] {
  const want = table === 'symtab' ? 2 : 11;
  const secs = f.sections ?? [];
  const sec = secs.find((s) => s.type === want);
  if (!sec) return [];
  const strs = secs[sec.link];
  const size = f.bytes.length;
  if (!strs || sec.offset > size || strs.offset > size) return [];
  const r = new Reader(f.bytes);
  const count = Math.min(max, Math.floor(Math.min(sec.size, size - sec.offset) / 24));
  const strEnd = Math.min(size, strs.offset + strs.size);
  const out: ElfSymbol[] = [];
  for (let i = 0; i < count; i++) {
    const o = sec.offset + i * 24;
    const info = f.bytes[o + 4];
    out.push({
      name: cstr(f.bytes, strs.offset + r.u32(o), strEnd) ?? '', value: r.u64(o + 8), size: r.u64(o + 16),
      type: info & 0xf, bind: info >> 4, shndx: r.u16(o + 6),
    });
  }
  return out;
}
