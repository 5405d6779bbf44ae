// The initial process stack, laid out as Linux's execve builds it (fs/exec.c copy_strings and
// fs/binfmt_elf.c create_elf_tables, no stack randomisation). From the top down:
//
//   top - 8            an 8-byte zero end marker (bprm->p starts one pointer below the top)
//   below it           the execfn string (AT_EXECFN points here)
//   below it           envp strings, envp[n-1] highest, then argv strings, argv[0] lowest
//   align down to 16   (arch_align_stack, without its random offset)
//   platform string    (AT_PLATFORM), if the arch has one
//   16 random bytes    (AT_RANDOM), not aligned
//   padding            so that sp below is 16-byte aligned
//   auxv pairs, AT_NULL last; envp pointers, NULL; argv pointers, NULL; argc at sp.
//
// This module is pure: it returns the bytes of [sp, top) and a labelled list of every item.
import { AUX_NAMES, AUX } from './consts.js';
import { ElfError } from './errors.js';

export interface StackItem {
  addr: number;
  size: number;
  kind: 'argc' | 'argv' | 'envp' | 'auxv' | 'padding' | 'random' | 'platform' | 'string' | 'execfn' | 'end-marker';
  label: string;
}

export interface StackInput {
  top: number;
  argv: Uint8Array[];
  envp: Uint8Array[];
  execfn: Uint8Array;
  /** Without NUL; undefined or empty: no AT_PLATFORM. */
  platform?: Uint8Array;
  random: Uint8Array;
  /**
   * The auxv entries without AT_NULL, given the addresses of the random bytes, the execfn string
   * and the platform string (0 when absent). The builder appends AT_NULL.
   */
  auxv: (addrs: { random: number; execfn: number; platform: number }) => Array<[number, bigint]>;
  /** Most bytes the whole image may take (the stack mapping's size); default unlimited. */
  maxBytes?: number;
}

export interface StackImage {
  sp: number;
  /** The bytes of [sp, top). */
  bytes: Uint8Array;
  items: StackItem[];
  auxv: Array<[number, bigint]>;
  argvAddrs: number[];
  envpAddrs: number[];
  execfnAddr: number;
  platformAddr: number;
  randomAddr: number;
}

/** Linux MAX_ARG_STRLEN: the longest single argv/envp string (32 pages). */
export const MAX_ARG_STRLEN = 32 * 4096;

const hex = (n: number | bigint): string => '0x' + n.toString(16);
const down16 = (a: number): number => a - (a % 16);

function show(b: Uint8Array, max = 40): string {
  let s = '';
  for (const c of b.subarray(0, max)) s += c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c ? String.fromCharCode(c) : '\\x' + c.toString(16).padStart(2, '0');
  return s + (b.length > max ? '...' : '');
}

export function buildInitialStack(inp: StackInput): StackImage {
  const { top, argv, envp, execfn, random } = inp;
  const platform = inp.platform && inp.platform.length ? inp.platform : undefined;
  if (random.length !== 16) throw new ElfError('BAD_OPTIONS', `random must be 16 bytes, got ${random.length}`);
  for (const s of [...argv, ...envp, execfn]) {
    if (s.includes(0)) throw new ElfError('BAD_OPTIONS', 'an argv/envp/execfn string contains a NUL byte');
    if (s.length + 1 > MAX_ARG_STRLEN) throw new ElfError('ARGS_TOO_BIG', `a string of ${s.length} bytes is longer than MAX_ARG_STRLEN (${MAX_ARG_STRLEN})`);
  }
  if (top % 16 !== 0) throw new ElfError('BAD_OPTIONS', `stack top ${hex(top)} is not 16-byte aligned`);

  const items: StackItem[] = [];
  let p = top - 8;
  items.push({ addr: p, size: 8, kind: 'end-marker', label: 'end marker (8 zero bytes)' });
  p -= execfn.length + 1;
  const execfnAddr = p;
  items.push({ addr: p, size: execfn.length + 1, kind: 'execfn', label: `execfn "${show(execfn)}"` });
  const envpAddrs = new Array<number>(envp.length);
  for (let i = envp.length - 1; i >= 0; i--) {
    p -= envp[i].length + 1;
    envpAddrs[i] = p;
    items.push({ addr: p, size: envp[i].length + 1, kind: 'string', label: `envp[${i}] string "${show(envp[i])}"` });
  }
  const argvAddrs = new Array<number>(argv.length);
  for (let i = argv.length - 1; i >= 0; i--) {
    p -= argv[i].length + 1;
    argvAddrs[i] = p;
    items.push({ addr: p, size: argv[i].length + 1, kind: 'string', label: `argv[${i}] string "${show(argv[i])}"` });
  }
  const stringsLow = p;
  p = down16(p);
  if (p < stringsLow) items.push({ addr: p, size: stringsLow - p, kind: 'padding', label: `padding (${stringsLow - p} bytes, align 16)` });
  let platformAddr = 0;
  if (platform) {
    p -= platform.length + 1;
    platformAddr = p;
    items.push({ addr: p, size: platform.length + 1, kind: 'platform', label: `platform "${show(platform)}" (AT_PLATFORM)` });
  }
  p -= 16;
  const randomAddr = p;
  items.push({ addr: p, size: 16, kind: 'random', label: `16 random bytes (AT_RANDOM) ${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}` });

  const auxv = inp.auxv({ random: randomAddr, execfn: execfnAddr, platform: platformAddr });
  auxv.push([AUX.AT_NULL, 0n]);
  const auxWords = auxv.length * 2;
  const ptrWords = argv.length + 1 + envp.length + 1 + 1;
  const sp = down16(p - auxWords * 8 - ptrWords * 8);
  const tablesEnd = sp + (auxWords + ptrWords) * 8;
  if (tablesEnd < p) items.push({ addr: tablesEnd, size: p - tablesEnd, kind: 'padding', label: `padding (${p - tablesEnd} bytes, sp 16-byte aligned)` });
  if (inp.maxBytes !== undefined && top - sp > inp.maxBytes) {
    throw new ElfError('ARGS_TOO_BIG', `argv, envp and auxv need ${top - sp} bytes, more than the ${inp.maxBytes} allowed`);
  }
  if (sp < 0) throw new ElfError('ARGS_TOO_BIG', 'the initial stack does not fit below the stack top');

  const bytes = new Uint8Array(top - sp);
  const dv = new DataView(bytes.buffer);
  const put64 = (addr: number, v: bigint | number): void => dv.setBigUint64(addr - sp, BigInt.asUintN(64, BigInt(v)), true);
  const putStr = (addr: number, s: Uint8Array): void => { bytes.set(s, addr - sp); };
  putStr(execfnAddr, execfn);
  envp.forEach((s, i) => putStr(envpAddrs[i], s));
  argv.forEach((s, i) => putStr(argvAddrs[i], s));
  if (platform) putStr(platformAddr, platform);
  bytes.set(random, randomAddr - sp);

  let w = sp;
  put64(w, argv.length);
  items.push({ addr: w, size: 8, kind: 'argc', label: `argc = ${argv.length}` });
  w += 8;
  argv.forEach((s, i) => {
    put64(w, argvAddrs[i]);
    items.push({ addr: w, size: 8, kind: 'argv', label: `argv[${i}] -> ${hex(argvAddrs[i])} "${show(s)}"` });
    w += 8;
  });
  items.push({ addr: w, size: 8, kind: 'argv', label: `argv[${argv.length}] = NULL` });
  w += 8;
  envp.forEach((s, i) => {
    put64(w, envpAddrs[i]);
    items.push({ addr: w, size: 8, kind: 'envp', label: `envp[${i}] -> ${hex(envpAddrs[i])} "${show(s)}"` });
    w += 8;
  });
  items.push({ addr: w, size: 8, kind: 'envp', label: `envp[${envp.length}] = NULL` });
  w += 8;
  for (const [t, v] of auxv) {
    put64(w, t);
    put64(w + 8, v);
    const name = AUX_NAMES[t] ?? `AT_${t}`;
    items.push({ addr: w, size: 16, kind: 'auxv', label: t === AUX.AT_NULL ? 'auxv AT_NULL' : `auxv ${name} = ${auxvValue(t, v)}` });
    w += 16;
  }
  items.sort((a, b) => a.addr - b.addr);
  return { sp, bytes, items, auxv, argvAddrs, envpAddrs, execfnAddr, platformAddr, randomAddr };
}

function auxvValue(t: number, v: bigint): string {
  switch (t) {
    case AUX.AT_PAGESZ: case AUX.AT_PHENT: case AUX.AT_PHNUM: case AUX.AT_CLKTCK: case AUX.AT_UID: case AUX.AT_EUID:
    case AUX.AT_GID: case AUX.AT_EGID: case AUX.AT_SECURE: case AUX.AT_MINSIGSTKSZ: case AUX.AT_RSEQ_FEATURE_SIZE:
    case AUX.AT_RSEQ_ALIGN: case AUX.AT_FLAGS:
      return v.toString();
    default:
      return hex(v);
  }
}
