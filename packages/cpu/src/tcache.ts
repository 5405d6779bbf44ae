// Translation cache, shared by the TypeScript CPUs (cpu-x86_64, cpu-aarch64): a block's JS source
// (and V8's compiled code for it) reused instead of decoding, generating and compiling it again,
// within a process (every CPU of the arch shares it) and across runs (an append-only file per
// arch and translator version under the cache directory).
//
// An entry is found by guest pc and variant (translator settings the source depends on, e.g.
// aarch64's FPCR rounding mode; 0 on x86-64) and used only if the guest bytes it was translated
// from (one or more spans: a superblock may follow jumps) are the bytes there now, read through the
// CPU's fetch (so permissions apply): a guest that rewrote its code misses the entry; a
// translation made from the entry is invalidated on writes like any other. The generated source
// depends on nothing but those bytes, pc, the variant and the translator, whose code is part of
// the file name (a hash of the translator's code files), as is V8's version. `meta` carries what
// the CPU needs besides the source (syscall number, flags, instruction count), opaque here.
//
// File: records `EBX2` u32 bodyLen u32 check | body; body = f64 pc, u32 variant, u32 nspans,
// u32 nmeta, u32 nbytes, u32 srcLen, u32 cdLen, spans (f64 addr, u32 len each), meta (i32 each),
// bytes, src (UTF-8), V8 code cache. `check` is the first 4 bytes of the SHA-1 of the body; it is
// verified when a record is first looked up, and a record that fails it (or a file whose
// structure is broken from some point on) is ignored from there. Records are appended with one
// write each flush (O_APPEND), so concurrent processes do not interleave them. A record first
// stores the source only (made with new Function, the cheapest compile); a later run that
// compiles it from that source does so with node:vm and appends a record with V8's code cache,
// which later runs load instead of compiling.

/** What the translator produced for one block. */
export interface CachedBlock {
  pc: number;
  variant: number;
  /** Guest address ranges the block was translated from: [addr0, len0, addr1, len1, ...]. */
  spans: number[];
  /** Their bytes, concatenated. */
  bytes: Uint8Array;
  /** The CPU's own fields (e.g. syscall number, flags). */
  meta: number[];
  src: string;
  /** V8 code cache for `wrap(prelude, src)`, if known. */
  cd: Uint8Array | null;
  /** The compiled factory `(H, SYS) => block function` (this process). */
  factory: Factory | null;
  /** The vm.Script it came from, while its code cache has still to be written. */
  script: VmScript | null;
  /** Not yet in the file (in this form). */
  dirty: boolean;
}
export type Factory = (H: unknown, SYS: unknown) => unknown;

interface VmScript { runInThisContext(): unknown; createCachedData(): Uint8Array; cachedDataRejected?: boolean }
interface VmMod { Script: new (src: string, o?: { cachedData?: Uint8Array; filename?: string }) => VmScript }
interface FsMod {
  readFileSync(p: string): Uint8Array; appendFileSync(p: string, d: Uint8Array): void; mkdirSync(p: string, o: { recursive: boolean }): void;
  readdirSync(p: string): string[]; openSync(p: string, f: string): number; closeSync(fd: number): void;
  fstatSync(fd: number): { size: number }; readSync(fd: number, b: Uint8Array, o: number, n: number, pos: number): number; statSync(p: string): { size: number; mtimeMs: number }; unlinkSync(p: string): void;
}
interface CryptoMod { createHash(a: string): { update(d: Uint8Array | string): { digest(): Uint8Array }; } }

type Proc = { env?: Record<string, string | undefined>; versions?: Record<string, string>; getBuiltinModule?: (m: string) => unknown; on?(e: string, f: () => void): void };
const proc = (globalThis as { process?: Proc }).process;
const builtin = <T>(m: string): T | undefined => { try { return proc?.getBuiltinModule?.(m) as T | undefined; } catch { return undefined; } };

const MAGIC = 0x32584245; // 'EBX2' little-endian
/** A cache file larger than this is deleted (not loaded) and started again. */
const MAX_FILE = 64 * 1024 * 1024;
/** Files of other translator versions kept (the most recently written); older ones are deleted. */
const KEEP_OTHER = 2;
const MAX_PER_PC = 4;
const PERSIST_BELOW = 2 ** 32;
const DEC = new TextDecoder('utf-8', { fatal: true });
const HDR = 12, BODY_FIXED = 36, SPAN = 12;

/** Reads guest byte a through the CPU (throws when it cannot be executed). */
export type FetchByte = (a: number) => number;

/** Whether the guest bytes at spans are bytes (buf from at); a fetch that throws is a mismatch. */
function spansMatch(spans: ArrayLike<number>, buf: Uint8Array, at: number, fetch: FetchByte): boolean {
  try {
    for (let s = 0; s < spans.length; s += 2) {
      const a = spans[s], n = spans[s + 1];
      for (let j = 0; j < n; j++) if (fetch(a + j) !== buf[at++]) return false;
    }
    return true;
  } catch { return false; }
}

/** Caches with entries to write, flushed at process exit. */
const unflushed = new Set<TranslationCache>();
let exitHooked = false;

export class TranslationCache {
  private readonly byPc = new Map<number, CachedBlock[]>();
  /** Entries to append at the next flush. */
  private pending: CachedBlock[] = [];
  private readonly vm: VmMod | undefined;
  private fs: FsMod | undefined;
  private crypto: CryptoMod | undefined;
  private file = '';
  // The file's records: offset, the buffer it is in, the previous record with the same pc (-1).
  private readonly recOff: number[] = [];
  private readonly recBuf: Uint8Array[] = [];
  private readonly recPrev: number[] = [];
  private readonly recHead = new Map<number, number>();
  private readonly recBad = new Set<number>();
  /** Offset in the file up to which its records have been indexed. */
  private fileEnd = 0;
  /** Counters (tests, ELFBOX_X86_PROF). */
  hits = 0; diskHits = 0; cdHits = 0; cdRejected = 0; badRecords = 0; stores = 0;

  /**
   * dir: directory of the persistent file, or null for an in-process cache only. version: the
   * translator's identity (part of the file name). arch: the file name's prefix (`x86`, `a64`).
   * Without node:fs/node:crypto (a browser) the cache is in-process only; without node:vm blocks
   * are compiled with new Function.
   */
  constructor(dir: string | null, version: string, readonly arch = 'x86') {
    this.vm = builtin<VmMod>('node:vm');
    if (dir === null) return;
    this.fs = builtin<FsMod>('node:fs');
    this.crypto = builtin<CryptoMod>('node:crypto');
    if (!this.fs || !this.crypto) { this.fs = undefined; return; }
    const v8 = (proc?.versions?.v8 ?? 'v8').replace(/[^\w.-]/g, '_');
    dir = dir.replace(/\/+$/, '') || '/';
    this.file = `${dir}/${arch}-${version}-v8-${v8}.bin`;
    try {
      this.fs.mkdirSync(dir, { recursive: true });
      this.prune(dir);
      const size = this.fs.statSync(this.file).size;
      // Too big, or broken (not what flush writes: corrupted): start again. The records read
      // before a broken one are still used by this process.
      if (size > MAX_FILE || this.load(this.fs.readFileSync(this.file), 0)) { this.fs.unlinkSync(this.file); this.fileEnd = 0; }
    } catch { /* no file yet, or unreadable: start empty */ }
  }

  /** Deletes all but the KEEP_OTHER newest files of other versions of this arch (each build of the translator makes a new one). */
  private prune(dir: string): void {
    const fs = this.fs!;
    const others: Array<[string, number]> = [];
    const re = new RegExp(`^${this.arch}-[0-9a-f]+-v8-.*\\.bin$`);
    for (const f of fs.readdirSync(dir)) {
      const p = `${dir}/${f}`;
      if (!re.test(f) || p === this.file) continue;
      try { others.push([p, fs.statSync(p).mtimeMs]); } catch { /* gone meanwhile */ }
    }
    others.sort((a, b) => b[1] - a[1]);
    for (const [p] of others.slice(KEEP_OTHER)) try { fs.unlinkSync(p); } catch { /* another process did */ }
  }

  /** The persistent file (empty when there is none). */
  get path(): string { return this.file; }

  /**
   * Indexes the records of buf (file contents from offset base on): per record only its offset,
   * chained per pc, newest first; entries are made when a lookup matches (materialize).
   */
  private load(buf: Uint8Array, base: number): boolean {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let o = 0, broken = false;
    for (; o + HDR + BODY_FIXED <= buf.length;) {
      if (dv.getUint32(o, true) !== MAGIC) { broken = true; break; }
      const len = dv.getUint32(o + 4, true);
      const b = o + HDR;
      if (len < BODY_FIXED || len > MAX_FILE) { broken = true; break; }
      // Not all there (yet: another process may be appending it): read from here next time.
      if (b + len > buf.length) break;
      const pc = dv.getFloat64(b, true), ns = dv.getUint32(b + 12, true), nm = dv.getUint32(b + 16, true);
      const nb = dv.getUint32(b + 20, true), sl = dv.getUint32(b + 24, true), cl = dv.getUint32(b + 28, true);
      if (ns > MAX_FILE || nm > MAX_FILE || BODY_FIXED + ns * SPAN + nm * 4 + nb + sl + cl !== len || !Number.isSafeInteger(pc) || pc < 0 || ns === 0) { broken = true; break; }
      const i = this.recOff.length;
      this.recOff.push(o);
      this.recBuf.push(buf);
      this.recPrev.push(this.recHead.get(pc) ?? -1);
      this.recHead.set(pc, i);
      o = b + len;
    }
    this.fileEnd = base + o;
    return broken;
  }

  /** Indexes what other processes appended since the file was last read (so flush does not write it again). */
  private readTail(): void {
    const fs = this.fs!;
    let fd = -1;
    try {
      fd = fs.openSync(this.file, 'r');
      const size = fs.fstatSync(fd).size;
      if (size > this.fileEnd) {
        const buf = new Uint8Array(size - this.fileEnd);
        const n = fs.readSync(fd, buf, 0, buf.length, this.fileEnd);
        this.load(buf.subarray(0, n), this.fileEnd);
      }
    } catch { /* no file: nothing to skip */ } finally { if (fd >= 0) fs.closeSync(fd); }
  }

  /** Record i's spans, and where its bytes start. */
  private recSpans(i: number): { spans: number[]; bytesAt: number; nbytes: number; dv: DataView } {
    const buf = this.recBuf[i], o = this.recOff[i];
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const b = o + HDR, ns = dv.getUint32(b + 12, true), nm = dv.getUint32(b + 16, true);
    const spans: number[] = [];
    let p = b + BODY_FIXED;
    for (let k = 0; k < ns; k++, p += SPAN) spans.push(dv.getFloat64(p, true), dv.getUint32(p + 8, true));
    return { spans, bytesAt: p + nm * 4, nbytes: dv.getUint32(b + 20, true), dv };
  }

  /** Index of the newest intact-looking record at pc for variant whose bytes pass match (-1: none); hasCd: only those with a code cache. */
  private findRecord(pc: number, variant: number, match: (spans: number[], buf: Uint8Array, at: number, n: number) => boolean, hasCd: boolean): number {
    for (let i = this.recHead.get(pc) ?? -1; i >= 0; i = this.recPrev[i]) {
      if (this.recBad.has(i)) continue;
      const buf = this.recBuf[i], o = this.recOff[i];
      const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      if (dv.getUint32(o + HDR + 8, true) !== variant) continue;
      if (hasCd && dv.getUint32(o + HDR + 28, true) === 0) continue;
      const r = this.recSpans(i);
      if (match(r.spans, buf, r.bytesAt, r.nbytes)) return i;
    }
    return -1;
  }

  /** The entry for record i after checking its checksum, or null (then the record is ignored from now on). */
  private materialize(i: number): CachedBlock | null {
    const buf = this.recBuf[i], o = this.recOff[i];
    const { spans, bytesAt, nbytes, dv } = this.recSpans(i);
    const len = dv.getUint32(o + 4, true);
    const h = this.crypto!.createHash('sha1').update(buf.subarray(o + HDR, o + HDR + len)).digest();
    const b = o + HDR;
    const nm = dv.getUint32(b + 16, true), sl = dv.getUint32(b + 24, true), cl = dv.getUint32(b + 28, true);
    const p = bytesAt + nbytes;
    let src = '';
    if (((h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0) === dv.getUint32(o + 8, true)) {
      try { src = DEC.decode(buf.subarray(p, p + sl)); } catch { src = ''; }
    }
    if (!src) { this.badRecords++; this.recBad.add(i); return null; }
    this.diskHits++;
    const meta: number[] = [];
    for (let k = 0, m = bytesAt - nm * 4; k < nm; k++, m += 4) meta.push(dv.getInt32(m, true));
    const e: CachedBlock = {
      pc: dv.getFloat64(b, true), variant: dv.getUint32(b + 8, true), spans, bytes: buf.subarray(bytesAt, bytesAt + nbytes), meta, src,
      cd: cl ? buf.subarray(p + sl, p + sl + cl) : null, factory: null, script: null, dirty: false,
    };
    this.put(e);
    return e;
  }

  private put(e: CachedBlock): void {
    let l = this.byPc.get(e.pc);
    if (!l) { l = []; this.byPc.set(e.pc, l); }
    // A newer entry for the same bytes replaces the older (e.g. one that now carries a code cache).
    for (let i = 0; i < l.length; i++) if (sameEntry(l[i], e)) { l[i] = e; return; }
    // Code rewritten in place again and again (a guest JIT) keeps only its latest versions.
    if (l.length >= MAX_PER_PC) l.shift();
    l.push(e);
  }

  /** The entry for the block at pc and variant whose bytes equal guest memory now, or null. */
  lookup(pc: number, fetch: FetchByte, variant = 0): CachedBlock | null {
    const l = this.byPc.get(pc);
    if (l) {
      for (const e of l) {
        if (e.variant === variant && spansMatch(e.spans, e.bytes, 0, fetch)) { this.hits++; return e; }
      }
    }
    if (!this.recHead.has(pc)) return null;
    for (;;) {
      const i = this.findRecord(pc, variant, (spans, buf, at) => spansMatch(spans, buf, at, fetch), false);
      if (i < 0) return null;
      const e = this.materialize(i);
      if (e) { this.hits++; return e; }
    }
  }

  /**
   * Records a fresh translation (its factory already compiled with new Function): spans are the
   * guest ranges it was made from, bytes their contents.
   */
  store(pc: number, variant: number, spans: number[], bytes: Uint8Array, meta: number[], src: string, factory: Factory): void {
    // Only code below 4 GiB goes to the file: non-PIE executables sit there at fixed addresses,
    // while PIE executables and shared libraries load at randomised high addresses (ASLR), so
    // their records would only fill the file. The in-process cache keeps everything.
    const e: CachedBlock = { pc, variant, spans, bytes, meta, src, cd: null, factory, script: null, dirty: this.fs !== undefined && pc < PERSIST_BELOW };
    this.put(e);
    if (e.dirty) this.pending.push(e);
    this.stores++;
    this.hookFlush();
  }

  /** The factory of a cached entry, compiled now if this process has not yet (from V8's code cache when there is one). */
  factoryOf(e: CachedBlock, prelude: string): Factory {
    if (e.factory) return e.factory;
    const vm = this.vm;
    if (!vm) {
      e.factory = new Function('H', 'SYS', prelude + e.src) as Factory;
      return e.factory;
    }
    const code = wrap(prelude, e.src);
    let s: VmScript | null = null;
    if (e.cd) {
      s = new vm.Script(code, { cachedData: e.cd });
      if (s.cachedDataRejected) { this.cdRejected++; e.cd = null; } else this.cdHits++;
    }
    if (!e.cd) {
      s ??= new vm.Script(code);
      // Made from source: the next run can load V8's code instead.
      if (this.fs && e.pc < PERSIST_BELOW) { e.script = s; e.dirty = true; this.pending.push(e); this.hookFlush(); }
    }
    e.factory = s!.runInThisContext() as Factory;
    return e.factory;
  }

  /** Makes sure the pending entries are written at process exit (one listener for all caches). */
  private hookFlush(): void {
    if (!this.fs || !this.pending.length) return;
    if (!exitHooked && proc?.on) { proc.on('exit', () => { for (const c of unflushed) c.flush(); }); exitHooked = true; }
    unflushed.add(this);
  }

  /** Appends the entries made or upgraded since the last flush to the file (no-op without one). */
  flush(): void {
    if (!this.fs) return;
    const parts: Uint8Array[] = [];
    const enc = new TextEncoder();
    const list = this.pending;
    this.pending = [];
    unflushed.delete(this);
    if (!list.length) return;
    this.readTail();
    for (const e of list) {
      if (!e.dirty) continue;
      e.dirty = false;
      // Already in the file (written by another process meanwhile), as good as what we have?
      const same = (spans: number[], buf: Uint8Array, at: number, n: number) => {
        if (n !== e.bytes.length || spans.length !== e.spans.length) return false;
        for (let j = 0; j < spans.length; j++) if (spans[j] !== e.spans[j]) return false;
        for (let j = 0; j < n; j++) if (buf[at + j] !== e.bytes[j]) return false;
        return true;
      };
      if (this.findRecord(e.pc, e.variant, same, e.script !== null) >= 0) { e.script = null; continue; }
      if (e.script) { try { e.cd = e.script.createCachedData(); } catch { e.cd = null; } e.script = null; }
      const src = enc.encode(e.src), cd = e.cd ?? new Uint8Array(0);
      const ns = e.spans.length / 2, nm = e.meta.length;
      const len = BODY_FIXED + ns * SPAN + nm * 4 + e.bytes.length + src.length + cd.length;
      const r = new Uint8Array(HDR + len);
      const dv = new DataView(r.buffer);
      dv.setUint32(0, MAGIC, true); dv.setUint32(4, len, true);
      const b = HDR;
      dv.setFloat64(b, e.pc, true); dv.setUint32(b + 8, e.variant, true); dv.setUint32(b + 12, ns, true); dv.setUint32(b + 16, nm, true);
      dv.setUint32(b + 20, e.bytes.length, true); dv.setUint32(b + 24, src.length, true); dv.setUint32(b + 28, cd.length, true);
      let p = b + BODY_FIXED;
      for (let k = 0; k < ns; k++, p += SPAN) { dv.setFloat64(p, e.spans[2 * k], true); dv.setUint32(p + 8, e.spans[2 * k + 1], true); }
      for (let k = 0; k < nm; k++, p += 4) dv.setInt32(p, e.meta[k], true);
      r.set(e.bytes, p); p += e.bytes.length; r.set(src, p); p += src.length; r.set(cd, p);
      const h = this.crypto!.createHash('sha1').update(r.subarray(HDR)).digest();
      dv.setUint32(8, (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0, true);
      parts.push(r);
    }
    if (!parts.length) return;
    let n = 0;
    for (const p of parts) n += p.length;
    const all = new Uint8Array(n);
    n = 0;
    for (const p of parts) { all.set(p, n); n += p.length; }
    try { this.fs.appendFileSync(this.file, all); } catch { /* read-only or full: the cache is an optimisation */ }
  }
}

/** The script text a factory is compiled from with node:vm (an expression: the factory). */
export function wrap(prelude: string, src: string): string {
  return `(function(H,SYS){${prelude}${src}})`;
}

function sameEntry(a: CachedBlock, b: CachedBlock): boolean {
  if (a.variant !== b.variant || a.bytes.length !== b.bytes.length || a.spans.length !== b.spans.length) return false;
  for (let i = 0; i < a.spans.length; i++) if (a.spans[i] !== b.spans[i]) return false;
  for (let i = 0; i < a.bytes.length; i++) if (a.bytes[i] !== b.bytes[i]) return false;
  return true;
}

/**
 * The translator's identity for file names: a hash of the code it runs as. Bundled (a .js/.mjs
 * file), that is the file holding this module and the bundle's chunk-*.js beside it; from source (.ts, e.g. under vitest), the
 * package's non-test .ts files beside it. Any change to the translator gives a new file. null
 * when they cannot be read (then no persistent cache).
 */
export function translatorVersion(moduleUrl: string): string | null {
  const fs = builtin<FsMod>('node:fs'), crypto = builtin<CryptoMod>('node:crypto');
  if (!fs || !crypto || typeof moduleUrl !== 'string' || !moduleUrl.startsWith('file:')) return null;
  try {
    const self = decodeURIComponent(new URL(moduleUrl).pathname);
    const h = crypto.createHash('sha1');
    if (/\.ts$/.test(self)) {
      const dir = self.slice(0, self.lastIndexOf('/') + 1);
      const files = fs.readdirSync(dir).filter((f) => /\.ts$/.test(f) && !/\.test\.ts$/.test(f)).sort();
      for (const f of files) { h.update(f); h.update(fs.readFileSync(dir + f)); }
    } else {
      // esbuild's code splitting may put the translator in a chunk of its own.
      const dir = self.slice(0, self.lastIndexOf('/') + 1);
      h.update(fs.readFileSync(self));
      for (const f of fs.readdirSync(dir).filter((f) => /^chunk-\w+\.js$/.test(f)).sort()) h.update(fs.readFileSync(dir + f));
    }
    return Array.from(h.update('').digest().subarray(0, 8), (x) => x.toString(16).padStart(2, '0')).join('');
  } catch { return null; }
}

/**
 * The process-wide cache of an arch (`x86`, `a64`), created on first use. ELFBOX_CACHE=0 turns
 * every arch's off entirely, ELFBOX_X86_CACHE=0 / ELFBOX_A64_CACHE=0 one arch's; the file goes in
 * ELFBOX_<ARCH>_CACHE_DIR, else ELFBOX_CACHE_DIR, else $XDG_CACHE_HOME/elfbox, else
 * $HOME/.cache/elfbox; without a usable directory the cache is in-process only. moduleUrl: the
 * translator's module (its version, translatorVersion).
 */
const shared = new Map<string, TranslationCache | null>();
export function sharedCache(moduleUrl: string, arch = 'x86'): TranslationCache | null {
  const have = shared.get(arch);
  if (have !== undefined) return have;
  const env = proc?.env ?? {};
  const A = arch.toUpperCase();
  if (env.ELFBOX_CACHE === '0' || env[`ELFBOX_${A}_CACHE`] === '0') { shared.set(arch, null); return null; }
  let dir: string | null = env[`ELFBOX_${A}_CACHE_DIR`] || env.ELFBOX_CACHE_DIR || (env.XDG_CACHE_HOME ? `${env.XDG_CACHE_HOME}/elfbox` : env.HOME ? `${env.HOME}/.cache/elfbox` : null);
  const version = dir ? translatorVersion(moduleUrl) : null;
  if (!version) dir = null;
  const c = new TranslationCache(dir, version ?? '', arch);
  shared.set(arch, c);
  return c;
}
/** Replaces the arch's process-wide cache for CPUs created from now on (null: none; undefined: from the environment again); returns the old one. */
export function setSharedCache(c: TranslationCache | null | undefined, arch = 'x86'): TranslationCache | null | undefined {
  const old = shared.get(arch);
  if (c === undefined) shared.delete(arch); else shared.set(arch, c);
  return old;
}
