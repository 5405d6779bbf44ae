// The loader, in the named steps of Linux's load_elf_binary (gVisor's loader.go shape):
// map the executable's PT_LOADs, map the interpreter, decide the stack's exec bit, find the
// program headers in memory, set brk, map the stack, push execfn / argv / envp strings, the
// platform string and 16 random bytes, then the auxv, envp, argv and argc; return pc and sp.
// Every step is recorded in `steps` for `elfbox inspect`.
import { PERM_R, PERM_W, PERM_X, PAGE_SIZE, type AddressSpace } from '@elfbox/cpu';
import { AUX, ELF_PAGE, PF_R, PF_W, PF_X, PHDR_SIZE } from './consts.js';
import { ElfError } from './errors.js';
import { peekPage, type LoaderMemory } from './memory.js';
import { USER_LIMIT, type ElfFile } from './parse.js';
import { buildInitialStack, type StackItem } from './stack.js';

export type { LoaderMemory };

export interface LoadOptions {
  exe: ElfFile;
  exePath: string;
  interp?: ElfFile;
  interpPath?: string;
  argv: string[];
  envp: string[];
  execfn: string;
  /** 16 bytes for AT_RANDOM. */
  random: Uint8Array;
  hwcap: bigint;
  hwcap2: bigint;
  /** AT_HWCAP3 / AT_HWCAP4 (arm64, Linux 6.16+); emitted after AT_HWCAP2 only when given. */
  hwcap3?: bigint;
  hwcap4?: bigint;
  /** AT_PLATFORM string ("x86_64", "aarch64"); empty: no AT_PLATFORM. */
  platform: string;
  uid: number;
  euid: number;
  gid: number;
  egid: number;
  secure: boolean;
  clktck: number;
  minsigstksz: number;
  /** AT_SYSINFO_EHDR (the vDSO); emitted first, only when given. */
  sysinfoEhdr?: number;
  /** AT_RSEQ_FEATURE_SIZE / AT_RSEQ_ALIGN (Linux 6.3+); emitted last, only when given. */
  rseqFeatureSize?: number;
  rseqAlign?: number;
  stackTop: number;
  stackSize: number;
  /** Load bias for an ET_DYN executable (added to every p_vaddr); default lm.findFree. */
  exeBase?: number;
  /** Load bias for an ET_DYN interpreter; default lm.findFree. */
  interpBase?: number;
}

export interface LoadStep {
  /** 'map-segment', 'bss', 'load-base', 'stack-exec', 'phdr', 'brk', 'map-stack', 'push-strings', ... */
  name: string;
  image?: 'exe' | 'interp';
  detail: string;
  addr?: number;
  size?: number;
}

export interface LoadResult {
  /** The first pc: the interpreter's entry when there is one, else the executable's. */
  entry: number;
  sp: number;
  /** Load bias of the executable (0 for ET_EXEC). */
  exeBase: number;
  /** Load bias of the interpreter (AT_BASE; 0 without one). */
  interpBase: number;
  /** AT_PHDR. */
  phdr: number;
  /** Page-aligned end of the executable's highest segment. */
  brk: number;
  auxv: Array<[number, bigint]>;
  steps: LoadStep[];
  /** Every item of the initial stack in ascending address order, labelled. */
  stack: StackItem[];
  stackExec: boolean;
  /** [stackTop - stackSize, stackTop). */
  stackBase: number;
  execfnAddr: number;
  randomAddr: number;
}

const hex = (n: number): string => '0x' + n.toString(16);
const floorPage = (a: number): number => a - (a % PAGE_SIZE);
const ceilPage = (a: number): number => Math.ceil(a / PAGE_SIZE) * PAGE_SIZE;
const enc = new TextEncoder();

export function permString(perm: number): string {
  return (perm & PERM_R ? 'r' : '-') + (perm & PERM_W ? 'w' : '-') + (perm & PERM_X ? 'x' : '-');
}

function segPerm(flags: number): number {
  return (flags & PF_R ? PERM_R : 0) | (flags & PF_W ? PERM_W : 0) | (flags & PF_X ? PERM_X : 0);
}

function isElfFile(f: unknown): f is ElfFile {
  return typeof f === 'object' && f !== null && Array.isArray((f as ElfFile).loads) && (f as ElfFile).bytes instanceof Uint8Array;
}

function checkFree(mem: AddressSpace, start: number, end: number, what: string): void {
  for (let a = start; a < end; a += PAGE_SIZE) {
    if (mem.isMapped(a)) throw new ElfError('NO_SPACE', `${what} [${hex(start)}, ${hex(end)}) overlaps an existing mapping at ${hex(a)}`);
  }
}

/** Maps one image's PT_LOADs; returns its load bias. */
function mapImage(lm: LoaderMemory, f: ElfFile, path: string, base: number | undefined, image: 'exe' | 'interp', steps: LoadStep[]): number {
  const limit = USER_LIMIT[f.machine];
  const span = f.maxVaddr - f.minVaddr;
  let bias = 0;
  if (f.type === 'dyn') {
    if (base !== undefined) {
      if (!Number.isInteger(base) || base < 0 || base % PAGE_SIZE !== 0) throw new ElfError('BAD_OPTIONS', `${image} base ${base} is not a page-aligned address`);
      bias = base;
      steps.push({ name: 'load-base', image, detail: `ET_DYN: load bias ${hex(bias)} (given)`, addr: bias });
    } else {
      const start = lm.findFree(span, f.maxAlign);
      if (!Number.isInteger(start) || start < 0 || start % PAGE_SIZE !== 0) throw new ElfError('NO_SPACE', `findFree returned ${start}`);
      bias = start - f.minVaddr;
      steps.push({ name: 'load-base', image, detail: `ET_DYN: ${hex(span)} bytes at ${hex(start)} (aligned ${hex(f.maxAlign)}), load bias ${hex(bias)}`, addr: bias });
    }
  } else {
    steps.push({ name: 'load-base', image, detail: 'ET_EXEC: mapped at its link addresses (bias 0)', addr: 0 });
  }
  const lo = bias + f.minVaddr, hi = bias + f.maxVaddr;
  if (hi > limit) throw new ElfError('ADDRESS_OVERFLOW', `${image} image [${hex(lo)}, ${hex(hi)}) runs past the user address space (${hex(limit)})`);
  checkFree(lm.mem, lo, hi, `${image} image`);

  let prevPageEnd = -1, prevPerm = 0;
  f.loads.forEach((s, i) => {
    if (s.memsz === 0) {
      steps.push({ name: 'map-segment', image, detail: `PT_LOAD ${i}: p_memsz 0, nothing to map` });
      return;
    }
    const perm = segPerm(s.flags);
    const start = bias + s.vaddr, fileEnd = start + s.filesz, end = start + s.memsz;
    let pStart = floorPage(start);
    const pFileEnd = s.filesz > 0 ? ceilPage(fileEnd) : pStart;
    const pEnd = ceilPage(end);
    if (pStart < prevPageEnd) {
      // The first page is the previous segment's last page: keep its bytes, widen its permissions.
      const saved = peekPage(lm.mem, pStart);
      lm.mapFixed(pStart, PAGE_SIZE, prevPerm | perm, path);
      lm.mem.poke(pStart, saved);
      steps.push({ name: 'map-segment', image, detail: `PT_LOAD ${i}: page ${hex(pStart)} shared with the previous segment, now ${permString(prevPerm | perm)}`, addr: pStart, size: PAGE_SIZE });
      pStart += PAGE_SIZE;
    }
    if (pFileEnd > pStart) {
      lm.mapFixed(pStart, pFileEnd - pStart, perm, path);
      steps.push({ name: 'map-segment', image, detail: `PT_LOAD ${i}: ${permString(perm)} [${hex(pStart)}, ${hex(pFileEnd)}) named ${path}`, addr: pStart, size: pFileEnd - pStart });
    }
    const anonStart = Math.max(pStart, pFileEnd);
    if (pEnd > anonStart) {
      lm.mapFixed(anonStart, pEnd - anonStart, perm, '');
      steps.push({ name: 'map-segment', image, detail: `PT_LOAD ${i}: ${permString(perm)} [${hex(anonStart)}, ${hex(pEnd)}) anonymous (bss pages)`, addr: anonStart, size: pEnd - anonStart });
    }
    if (s.filesz > 0) {
      // Whole file pages, as mmap of the file gives them: bytes before p_vaddr in the first page and
      // after p_filesz in the last page come from the file too (zero past EOF).
      const pageStart = floorPage(start);
      const offStart = s.offset - (start - pageStart);
      const n = Math.min(pFileEnd - pageStart, f.bytes.length - offStart);
      lm.mem.poke(pageStart, f.bytes.subarray(offStart, offStart + n));
      steps.push({ name: 'copy', image, detail: `PT_LOAD ${i}: file [${hex(offStart)}, ${hex(offStart + n)}) -> ${hex(pageStart)}`, addr: pageStart, size: n });
    }
    if (s.memsz > s.filesz) {
      // Linux's padzero(): the rest of the last file page is zeroed up to the page end, not
      // only to p_memsz (ld.so's early malloc uses that tail of the page).
      const zEnd = ceilPage(fileEnd);
      if (zEnd > fileEnd) lm.mem.zero(fileEnd, zEnd - fileEnd);
      steps.push({ name: 'bss', image, detail: `PT_LOAD ${i}: zero [${hex(fileEnd)}, ${hex(end)}) (${end - fileEnd} bytes)`, addr: fileEnd, size: end - fileEnd });
    }
    prevPageEnd = pEnd; prevPerm = perm;
  });
  return bias;
}

function checkOptions(o: LoadOptions): void {
  if (!o || typeof o !== 'object') throw new ElfError('BAD_OPTIONS', 'no options');
  if (!isElfFile(o.exe)) throw new ElfError('BAD_OPTIONS', 'exe is not a parsed ElfFile');
  if (o.interp !== undefined && !isElfFile(o.interp)) throw new ElfError('BAD_OPTIONS', 'interp is not a parsed ElfFile');
  if (!(o.random instanceof Uint8Array) || o.random.length !== 16) throw new ElfError('BAD_OPTIONS', 'random must be 16 bytes');
  if (!Array.isArray(o.argv) || !Array.isArray(o.envp)) throw new ElfError('BAD_OPTIONS', 'argv and envp must be arrays of strings');
  const limit = USER_LIMIT[o.exe.machine];
  if (!Number.isInteger(o.stackTop) || o.stackTop % PAGE_SIZE !== 0 || o.stackTop <= 0 || o.stackTop > limit) {
    throw new ElfError('BAD_OPTIONS', `stackTop ${o.stackTop} is not a page-aligned user address`);
  }
  if (!Number.isInteger(o.stackSize) || o.stackSize <= 0 || o.stackSize % PAGE_SIZE !== 0 || o.stackSize > o.stackTop) {
    throw new ElfError('BAD_OPTIONS', `stackSize ${o.stackSize} is not a positive multiple of the page size below stackTop`);
  }
}

export function loadElf(lm: LoaderMemory, opts: LoadOptions): LoadResult {
  checkOptions(opts);
  const { exe, interp } = opts;
  const steps: LoadStep[] = [];
  steps.push({
    name: 'parse', image: 'exe',
    detail: `${opts.exePath}: ${exe.machine} ${exe.type === 'exec' ? 'ET_EXEC' : 'ET_DYN'}, ${exe.loads.length} PT_LOAD, entry ${hex(exe.entry)}${exe.interp ? `, interpreter ${exe.interp}` : ', no interpreter'}`,
  });
  if (exe.interp && !interp) throw new ElfError('INTERP_MISSING', `${opts.exePath} needs the interpreter ${exe.interp}, none was given`);
  const useInterp = exe.interp ? interp : undefined;
  if (useInterp && useInterp.machine !== exe.machine) {
    throw new ElfError('INTERP_MISMATCH', `interpreter is ${useInterp.machine}, executable is ${exe.machine}`);
  }

  // Linux order: setup_arg_pages (the stack) comes before the segments are mapped.
  const stackExec = exe.stackExec;
  steps.push({ name: 'stack-exec', detail: exe.hasGnuStack ? `PT_GNU_STACK ${stackExec ? 'RWX: executable stack' : 'RW: non-executable stack'}` : 'no PT_GNU_STACK: non-executable stack (64-bit default)' });

  const stackBase = opts.stackTop - opts.stackSize;
  checkFree(lm.mem, stackBase, opts.stackTop, 'stack');
  const stackPerm = PERM_R | PERM_W | (stackExec ? PERM_X : 0);
  lm.mapFixed(stackBase, opts.stackSize, stackPerm, '[stack]');
  steps.push({ name: 'map-stack', detail: `${permString(stackPerm)} [${hex(stackBase)}, ${hex(opts.stackTop)}) [stack]`, addr: stackBase, size: opts.stackSize });

  const exeBias = mapImage(lm, exe, opts.exePath, opts.exeBase, 'exe', steps);
  let interpBias = 0;
  if (useInterp) {
    const ipath = opts.interpPath ?? exe.interp!;
    steps.push({ name: 'parse', image: 'interp', detail: `${ipath}: ${useInterp.type === 'exec' ? 'ET_EXEC' : 'ET_DYN'}, ${useInterp.loads.length} PT_LOAD, entry ${hex(useInterp.entry)}` });
    interpBias = mapImage(lm, useInterp, ipath, opts.interpBase, 'interp', steps);
  }

  // As Linux 6.x: the PT_LOAD whose file range holds e_phoff; PT_PHDR only as a fallback.
  let phdrUnbiased: number;
  let phdrHow: string;
  const seg = exe.loads.find((s) => s.offset <= exe.phoff && exe.phoff < s.offset + s.filesz);
  if (seg) { phdrUnbiased = exe.phoff - seg.offset + seg.vaddr; phdrHow = 'the PT_LOAD holding e_phoff'; }
  else if (exe.phdrVaddr !== undefined) { phdrUnbiased = exe.phdrVaddr; phdrHow = 'PT_PHDR (no PT_LOAD holds e_phoff)'; }
  else { phdrUnbiased = 0; phdrHow = 'nowhere: the program headers are not in a loaded segment'; }
  const phdr = exeBias + phdrUnbiased;
  steps.push({ name: 'phdr', detail: `AT_PHDR ${hex(phdr)} (from ${phdrHow})`, addr: phdr, size: exe.phnum * PHDR_SIZE });

  const brk = exeBias + exe.maxVaddr;
  steps.push({ name: 'brk', detail: `brk starts at ${hex(brk)}, the page-aligned end of the executable`, addr: brk });

  const exeEntry = exeBias + exe.entry;
  const entry = useInterp ? interpBias + useInterp.entry : exeEntry;
  const toBytes = (s: unknown): Uint8Array => {
    if (typeof s !== 'string') throw new ElfError('BAD_OPTIONS', 'argv, envp and execfn must be strings');
    return enc.encode(s);
  };
  const argvIn = opts.argv.length ? opts.argv : [''];
  const img = buildInitialStack({
    top: opts.stackTop,
    argv: argvIn.map(toBytes),
    envp: opts.envp.map(toBytes),
    execfn: toBytes(opts.execfn),
    platform: opts.platform ? toBytes(opts.platform) : undefined,
    random: opts.random,
    maxBytes: opts.stackSize / 4,
    auxv: (a) => {
      const v: Array<[number, bigint]> = [];
      const n = (x: number | boolean): bigint => BigInt(typeof x === 'boolean' ? (x ? 1 : 0) : x);
      if (opts.sysinfoEhdr !== undefined) v.push([AUX.AT_SYSINFO_EHDR, n(opts.sysinfoEhdr)]);
      v.push([AUX.AT_MINSIGSTKSZ, n(opts.minsigstksz)]);
      v.push([AUX.AT_HWCAP, opts.hwcap]);
      v.push([AUX.AT_PAGESZ, n(ELF_PAGE)]);
      v.push([AUX.AT_CLKTCK, n(opts.clktck)]);
      v.push([AUX.AT_PHDR, n(phdr)]);
      v.push([AUX.AT_PHENT, n(PHDR_SIZE)]);
      v.push([AUX.AT_PHNUM, n(exe.phnum)]);
      v.push([AUX.AT_BASE, n(interpBias)]);
      v.push([AUX.AT_FLAGS, 0n]);
      v.push([AUX.AT_ENTRY, n(exeEntry)]);
      v.push([AUX.AT_UID, n(opts.uid)]);
      v.push([AUX.AT_EUID, n(opts.euid)]);
      v.push([AUX.AT_GID, n(opts.gid)]);
      v.push([AUX.AT_EGID, n(opts.egid)]);
      v.push([AUX.AT_SECURE, n(opts.secure)]);
      v.push([AUX.AT_RANDOM, n(a.random)]);
      v.push([AUX.AT_HWCAP2, opts.hwcap2]);
      if (opts.hwcap3 !== undefined) v.push([AUX.AT_HWCAP3, opts.hwcap3]);
      if (opts.hwcap4 !== undefined) v.push([AUX.AT_HWCAP4, opts.hwcap4]);
      v.push([AUX.AT_EXECFN, n(a.execfn)]);
      if (a.platform) v.push([AUX.AT_PLATFORM, n(a.platform)]);
      if (opts.rseqFeatureSize !== undefined) v.push([AUX.AT_RSEQ_FEATURE_SIZE, n(opts.rseqFeatureSize)]);
      if (opts.rseqAlign !== undefined) v.push([AUX.AT_RSEQ_ALIGN, n(opts.rseqAlign)]);
      return v;
    },
  });
  if (img.sp < stackBase) throw new ElfError('ARGS_TOO_BIG', 'the initial stack does not fit in the stack mapping');
  lm.mem.poke(img.sp, img.bytes);
  steps.push({ name: 'push-strings', detail: `execfn at ${hex(img.execfnAddr)}, ${argvIn.length} argv and ${opts.envp.length} envp strings down to ${hex(img.argvAddrs[0])}`, addr: img.argvAddrs[0], size: opts.stackTop - img.argvAddrs[0] });
  if (img.platformAddr) steps.push({ name: 'push-platform', detail: `"${opts.platform}" at ${hex(img.platformAddr)}`, addr: img.platformAddr });
  steps.push({ name: 'push-random', detail: `16 random bytes at ${hex(img.randomAddr)}`, addr: img.randomAddr, size: 16 });
  steps.push({ name: 'auxv', detail: `${img.auxv.length} auxv entries (with AT_NULL)`, addr: img.sp + (argvIn.length + opts.envp.length + 3) * 8, size: img.auxv.length * 16 });
  steps.push({ name: 'push-tables', detail: `argc ${argvIn.length}, argv, envp, auxv; sp ${hex(img.sp)}`, addr: img.sp });
  steps.push({ name: 'start', detail: `pc ${hex(entry)} (${useInterp ? 'interpreter' : 'executable'} entry), sp ${hex(img.sp)}`, addr: entry });

  return {
    entry, sp: img.sp, exeBase: exeBias, interpBase: interpBias, phdr, brk, auxv: img.auxv, steps, stack: img.items,
    stackExec, stackBase, execfnAddr: img.execfnAddr, randomAddr: img.randomAddr,
  };
}
