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
//
// Bundles (when the cache is made with `bundles`): compiling one node:vm Script per block costs
// tens of microseconds each, for the ~1000 blocks of a short program. At a flush, the entries this
// process used that are in no bundle yet (at least BUNDLE_MIN) are also written as one bundle
// record: `EBB2` u32 len u32 check | u32 members, u32 cdLen, members (f64 pc, u32 variant,
// nspans, nmeta, nbytes, srcLen, preludeLen, then spans, meta, bytes, src, prelude), and V8's code
// cache for one script that is the array of all their factories. A lookup that matches a member
// of a bundle not loaded yet checks the bundle's checksum and compiles that script once (from
// the code cache): every member becomes an entry with its factory, each still used only when its
// own guest bytes match. V8 accepts a code cache for a source of the same length, so the script
// text is rebuilt exactly (members in order) from the checked contents.

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
  /** The helper bindings the factory's text starts with (wrap(prelude, src)), once compiled here. */
  prelude: string;
  /** In a bundle in the file (written or loaded by this process). */
  bundled: boolean;
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
const BUNDLE_MAGIC = 0x32424245; // 'EBB2'
/** A bundle header: u32 members, u32 cdLen; a member header: f64 pc, u32 variant, nspans, nmeta, nbytes, srcLen, preludeLen. */
const BUN_FIXED = 8, MEM_FIXED = 32;
/** Entries used by a process without being in a bundle, from which on a bundle is written; at most this many in one. */
const BUNDLE_MIN = 48, BUNDLE_MAX = 6000;
/** Source characters at most in one bundle (compiled at process exit to make its code cache). */
const BUNDLE_CHARS = 8 << 20;

/** The spans stored from byte from up to to (f64 address, u32 length each). */
function readSpans(dv: DataView, from: number, to: number): number[] {
  const spans: number[] = [];
  for (let q = from; q < to; q += SPAN) spans.push(dv.getFloat64(q, true), dv.getUint32(q + 8, true));
  return spans;
}
/** The meta integers stored from byte from up to to. */
function readMeta(dv: DataView, from: number, to: number): number[] {
  const meta: number[] = [];
  for (let q = from; q < to; q += 4) meta.push(dv.getInt32(q, true));
  return meta;
}

/** Writes e's spans, then its meta integers, from byte p; returns the offset after them. */
function writeSpansMeta(dv: DataView, p: number, e: CachedBlock): number {
  for (let j = 0; j < e.spans.length; j += 2, p += SPAN) { dv.setFloat64(p, e.spans[j], true); dv.setUint32(p + 8, e.spans[j + 1], true); }
  for (const m of e.meta) { dv.setInt32(p, m, true); p += 4; }
  return p;
}

/** Reads guest byte a through the CPU (throws when it cannot be executed). */
export type FetchByte = (a: number) => number;

/**
 * Guest code bytes [a, a+n) as a view of guest memory when they can be read directly and are all
 * executable, else null (then the bytes are compared through FetchByte).
 */
export type CodeView = (a: number, n: number) => Uint8Array | null;

/** Whether the guest bytes at spans are bytes (buf from at); a fetch that throws is a mismatch. */
function spansMatch(spans: ArrayLike<number>, buf: Uint8Array, at: number, fetch: FetchByte, view?: CodeView): boolean {
  try {
    for (let s = 0; s < spans.length; s += 2) {
      const a = spans[s], n = spans[s + 1];
      const v = view ? view(a, n) : null;
      if (v !== null) {
        for (let j = 0; j < n; j++) if (v[j] !== buf[at + j]) return false;
        at += n;
      } else {
        for (let j = 0; j < n; j++) if (fetch(a + j) !== buf[at++]) return false;
      }
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
  // Bundles in the file: offset, buffer, loaded (or failed) already; their members by pc (bundle, member header offset).
  private readonly bunOff: number[] = [];
  private readonly bunBuf: Uint8Array[] = [];
  private readonly bunDone: boolean[] = [];
  private readonly bunAt = new Map<number, Array<[number, number]>>();
  /** Entries whose factory this process made and that are in no bundle (the next bundle's members, at the exit flush). */
  private used: CachedBlock[] = [];
  /** Counters (tests, ELFBOX_X86_PROF). */
  hits = 0; diskHits = 0; cdHits = 0; cdRejected = 0; badRecords = 0; stores = 0;
  bundleLoads = 0; bundleMembers = 0; bundleStores = 0;
  /** Whether flush writes bundles and lookups load them (see the file comment). */
  bundles: boolean;

  /**
   * dir: directory of the persistent file, or null for an in-process cache only. version: the
   * translator's identity (part of the file name). arch: the file name's prefix (`x86`, `a64`).
   * Without node:fs/node:crypto (a browser) the cache is in-process only; without node:vm blocks
   * are compiled with new Function.
   */
  constructor(dir: string | null, version: string, readonly arch = 'x86', opts: { bundles?: boolean } = {}) {
    this.vm = builtin<VmMod>('node:vm');
    this.bundles = opts.bundles ?? false;
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
    for (; o + HDR + BUN_FIXED <= buf.length;) {
      const magic = dv.getUint32(o, true);
      if (magic !== MAGIC && magic !== BUNDLE_MAGIC) { broken = true; break; }
      const len = dv.getUint32(o + 4, true);
      const b = o + HDR;
      if (len < BUN_FIXED || len > MAX_FILE) { broken = true; break; }
      // Not all there (yet: another process may be appending it): read from here next time.
      if (b + len > buf.length) break;
      if (magic === BUNDLE_MAGIC) {
        if (!this.indexBundle(buf, o, len)) { broken = true; break; }
        o = b + len;
        continue;
      }
      if (len < BODY_FIXED) { broken = true; break; }
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

  /**
   * Indexes the members of the bundle record at o (length len) by pc; false when its structure
   * is broken. The bundle is checked (checksum) and compiled when a lookup first matches a member.
   */
  private indexBundle(buf: Uint8Array, o: number, len: number): boolean {
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const b = o + HDR, end = b + len;
    const n = dv.getUint32(b, true), cl = dv.getUint32(b + 4, true);
    if (n === 0 || n > BUNDLE_MAX || cl > len) return false;
    const at: Array<[number, number]> = [];
    let p = b + BUN_FIXED;
    for (let k = 0; k < n; k++) {
      if (p + MEM_FIXED > end) return false;
      const m = this.member(dv, p);
      if (!m || m.next > end) return false;
      at.push([m.pc, p]);
      p = m.next;
    }
    if (p + cl !== end) return false;
    const i = this.bunOff.length;
    this.bunOff.push(o); this.bunBuf.push(buf); this.bunDone.push(false);
    for (const [pc, mo] of at) {
      let l = this.bunAt.get(pc);
      if (!l) { l = []; this.bunAt.set(pc, l); }
      l.push([i, mo]);
    }
    return true;
  }

  /** The fields of the bundle member whose header is at p (offsets into dv), or null when implausible. */
  private member(dv: DataView, p: number) {
    const pc = dv.getFloat64(p, true), variant = dv.getUint32(p + 8, true);
    const ns = dv.getUint32(p + 12, true), nm = dv.getUint32(p + 16, true), nb = dv.getUint32(p + 20, true);
    const sl = dv.getUint32(p + 24, true), pl = dv.getUint32(p + 28, true);
    if (!Number.isSafeInteger(pc) || pc < 0 || ns === 0 || ns > MAX_FILE || nm > MAX_FILE || nb > MAX_FILE || sl > MAX_FILE || pl > MAX_FILE) return null;
    const spansAt = p + MEM_FIXED, metaAt = spansAt + ns * SPAN, bytesAt = metaAt + nm * 4, srcAt = bytesAt + nb, preludeAt = srcAt + sl;
    return { pc, variant, ns, nm, nb, sl, pl, spansAt, metaAt, bytesAt, srcAt, preludeAt, next: preludeAt + pl };
  }

  /**
   * Loads bundle i: checks its checksum, compiles all its members' factories as one script (from
   * V8's code cache when it is accepted) and makes them entries. false when it is unusable.
   */
  private loadBundle(i: number): boolean {
    if (this.bunDone[i]) return false;
    this.bunDone[i] = true;
    const vm = this.vm;
    if (!vm || !this.crypto) return false;
    const buf = this.bunBuf[i], o = this.bunOff[i];
    const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    const len = dv.getUint32(o + 4, true), b = o + HDR;
    if (this.check(buf.subarray(b, b + len)) !== dv.getUint32(o + 8, true)) { this.badRecords++; return false; }
    const n = dv.getUint32(b, true), cl = dv.getUint32(b + 4, true);
    const list: CachedBlock[] = [];
    let p = b + BUN_FIXED;
    try {
      for (let k = 0; k < n; k++) {
        const m = this.member(dv, p)!;
        list.push({
          pc: m.pc, variant: m.variant, spans: readSpans(dv, m.spansAt, m.metaAt), bytes: buf.subarray(m.bytesAt, m.bytesAt + m.nb), meta: readMeta(dv, m.metaAt, m.bytesAt),
          src: DEC.decode(buf.subarray(m.srcAt, m.srcAt + m.sl)), prelude: DEC.decode(buf.subarray(m.preludeAt, m.preludeAt + m.pl)),
          cd: null, factory: null, script: null, dirty: false, bundled: true,
        });
        p = m.next;
      }
      const s = new vm.Script(bundleText(list), { cachedData: buf.subarray(p, p + cl) });
      if (s.cachedDataRejected) this.cdRejected++; else this.cdHits++;
      const fns = s.runInThisContext() as Factory[];
      if (!Array.isArray(fns) || fns.length !== list.length) return false;
      list.forEach((e, k) => { e.factory = fns[k]; this.put(e); });
    } catch { this.badRecords++; return false; }
    this.bundleLoads++;
    this.bundleMembers += list.length;
    return true;
  }

  /** A record's or bundle's check word: the first 4 bytes of the SHA-1 of its body. */
  private check(body: Uint8Array): number {
    const h = this.crypto!.createHash('sha1').update(body).digest();
    return (h[0] | (h[1] << 8) | (h[2] << 16) | (h[3] << 24)) >>> 0;
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
    const p = b + BODY_FIXED + ns * SPAN;
    return { spans: readSpans(dv, b + BODY_FIXED, p), bytesAt: p + nm * 4, nbytes: dv.getUint32(b + 20, true), dv };
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
    const b = o + HDR;
    const nm = dv.getUint32(b + 16, true), sl = dv.getUint32(b + 24, true), cl = dv.getUint32(b + 28, true);
    const p = bytesAt + nbytes;
    let src = '';
    if (this.check(buf.subarray(o + HDR, o + HDR + len)) === dv.getUint32(o + 8, true)) {
      try { src = DEC.decode(buf.subarray(p, p + sl)); } catch { src = ''; }
    }
    if (!src) { this.badRecords++; this.recBad.add(i); return null; }
    this.diskHits++;
    const meta = readMeta(dv, bytesAt - nm * 4, bytesAt);
    const e: CachedBlock = {
      pc: dv.getFloat64(b, true), variant: dv.getUint32(b + 8, true), spans, bytes: buf.subarray(bytesAt, bytesAt + nbytes), meta, src,
      cd: cl ? buf.subarray(p + sl, p + sl + cl) : null, factory: null, script: null, dirty: false, prelude: '', bundled: false,
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

  /**
   * The entry for the block at pc and variant whose bytes equal guest memory now, or null. view
   * (optional) gives direct access to executable guest memory, which compares faster than fetch.
   */
  lookup(pc: number, fetch: FetchByte, variant = 0, view?: CodeView): CachedBlock | null {
    const l = this.byPc.get(pc);
    if (l) {
      for (const e of l) {
        if (e.variant === variant && spansMatch(e.spans, e.bytes, 0, fetch, view)) { this.hits++; return e; }
      }
    }
    const bl = this.bundles ? this.bunAt.get(pc) : undefined;
    if (bl) {
      for (const [i, mo] of bl) {
        if (this.bunDone[i]) continue;
        const buf = this.bunBuf[i];
        const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
        const m = this.member(dv, mo)!;
        if (m.variant !== variant) continue;
        if (!spansMatch(readSpans(dv, m.spansAt, m.metaAt), buf, m.bytesAt, fetch, view) || !this.loadBundle(i)) continue;
        // its members are entries now: the one for these bytes among them
        for (const e of this.byPc.get(pc) ?? []) {
          if (e.variant === variant && spansMatch(e.spans, e.bytes, 0, fetch, view)) { this.hits++; return e; }
        }
      }
    }
    if (!this.recHead.has(pc)) return null;
    for (;;) {
      const i = this.findRecord(pc, variant, (spans, buf, at) => spansMatch(spans, buf, at, fetch, view), false);
      if (i < 0) return null;
      const e = this.materialize(i);
      if (e) { this.hits++; return e; }
    }
  }

  /**
   * Records a fresh translation (its factory already compiled with new Function): spans are the
   * guest ranges it was made from, bytes their contents.
   */
  store(pc: number, variant: number, spans: number[], bytes: Uint8Array, meta: number[], src: string, factory: Factory, prelude = ''): void {
    // Only code below 4 GiB goes to the file: non-PIE executables sit there at fixed addresses,
    // while PIE executables and shared libraries load at randomised high addresses (ASLR), so
    // their records would only fill the file. The in-process cache keeps everything.
    const e: CachedBlock = { pc, variant, spans, bytes, meta, src, cd: null, factory, script: null, dirty: this.fs !== undefined && pc < PERSIST_BELOW, prelude, bundled: false };
    this.put(e);
    this.used.push(e);
    if (e.dirty) this.pending.push(e);
    this.stores++;
    this.hookFlush();
  }

  /** The factory of a cached entry, compiled now if this process has not yet (from V8's code cache when there is one). */
  factoryOf(e: CachedBlock, prelude: string): Factory {
    if (e.factory) return e.factory;
    const vm = this.vm;
    e.prelude = prelude;
    this.used.push(e);
    this.hookFlush();
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

  /**
   * A bundle record of the entries in list: each one's pc, variant, spans, meta, bytes, source
   * and prelude, then V8's code cache for bundleText(list) (compiled here, not run).
   */
  private bundleRecord(list: CachedBlock[]): Uint8Array {
    const enc = new TextEncoder();
    const cd = new this.vm!.Script(bundleText(list)).createCachedData();
    const srcs = list.map((e) => enc.encode(e.src)), pres = list.map((e) => enc.encode(e.prelude));
    let len = BUN_FIXED + cd.length;
    list.forEach((e, k) => { len += MEM_FIXED + e.spans.length / 2 * SPAN + e.meta.length * 4 + e.bytes.length + srcs[k].length + pres[k].length; });
    const r = new Uint8Array(HDR + len);
    const dv = new DataView(r.buffer);
    dv.setUint32(0, BUNDLE_MAGIC, true); dv.setUint32(4, len, true);
    dv.setUint32(HDR, list.length, true); dv.setUint32(HDR + 4, cd.length, true);
    let p = HDR + BUN_FIXED;
    list.forEach((e, k) => {
      const ns = e.spans.length / 2;
      dv.setFloat64(p, e.pc, true); dv.setUint32(p + 8, e.variant, true); dv.setUint32(p + 12, ns, true); dv.setUint32(p + 16, e.meta.length, true);
      dv.setUint32(p + 20, e.bytes.length, true); dv.setUint32(p + 24, srcs[k].length, true); dv.setUint32(p + 28, pres[k].length, true);
      p = writeSpansMeta(dv, p + MEM_FIXED, e);
      r.set(e.bytes, p); p += e.bytes.length;
      r.set(srcs[k], p); p += srcs[k].length;
      r.set(pres[k], p); p += pres[k].length;
    });
    r.set(cd, p);
    dv.setUint32(8, this.check(r.subarray(HDR)), true);
    return r;
  }

  /** Makes sure the pending entries are written at process exit (one listener for all caches). */
  private hookFlush(): void {
    if (!this.fs || (!this.pending.length && !(this.bundles && this.used.length))) return;
    if (!exitHooked && proc?.on) { proc.on('exit', () => { for (const c of unflushed) c.flush(true); }); exitHooked = true; }
    unflushed.add(this);
  }

  /**
   * Appends the entries made or upgraded since the last flush to the file (no-op without one);
   * with bundle (at process exit), also a bundle of the entries used and in none yet.
   */
  flush(bundle = false): void {
    if (!this.fs) return;
    const parts: Uint8Array[] = [];
    const enc = new TextEncoder();
    const list = this.pending;
    this.pending = [];
    // a flush before exit leaves the bundle to the one at exit
    if (bundle || !this.bundles) unflushed.delete(this);
    const fresh: CachedBlock[] = [];
    if (bundle && this.bundles && this.vm) {
      let chars = 0;
      for (const e of this.used) {
        if (e.bundled || e.factory === null || e.pc >= PERSIST_BELOW) continue;
        if (fresh.length >= BUNDLE_MAX || (chars += e.src.length) > BUNDLE_CHARS) break;
        fresh.push(e);
      }
    }
    if (!list.length && fresh.length < BUNDLE_MIN) return;
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
      let p = writeSpansMeta(dv, b + BODY_FIXED, e);
      r.set(e.bytes, p); p += e.bytes.length; r.set(src, p); p += src.length; r.set(cd, p);
      dv.setUint32(8, this.check(r.subarray(HDR)), true);
      parts.push(r);
    }
    if (fresh.length >= BUNDLE_MIN) {
      try { parts.push(this.bundleRecord(fresh)); this.bundleStores++; } catch { /* not compilable here: no bundle */ }
      for (const e of fresh) e.bundled = true;
      this.used = this.used.filter((e) => !e.bundled);
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

/** The script text of a bundle: an array of its members' factories, in order. */
function bundleText(list: CachedBlock[]): string {
  return `[${list.map((e) => wrap(e.prelude, e.src)).join(',\n')}]`;
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
 * translator's module (its version, translatorVersion). opts.bundles: write and load bundles
 * (ELFBOX_CACHE_BUNDLES=0 turns them off).
 */
const shared = new Map<string, TranslationCache | null>();
export function sharedCache(moduleUrl: string, arch = 'x86', opts: { bundles?: boolean } = {}): TranslationCache | null {
  const have = shared.get(arch);
  if (have !== undefined) return have;
  const env = proc?.env ?? {};
  const A = arch.toUpperCase();
  if (env.ELFBOX_CACHE === '0' || env[`ELFBOX_${A}_CACHE`] === '0') { shared.set(arch, null); return null; }
  let dir: string | null = env[`ELFBOX_${A}_CACHE_DIR`] || env.ELFBOX_CACHE_DIR || (env.XDG_CACHE_HOME ? `${env.XDG_CACHE_HOME}/elfbox` : env.HOME ? `${env.HOME}/.cache/elfbox` : null);
  const version = dir ? translatorVersion(moduleUrl) : null;
  if (!version) dir = null;
  const c = new TranslationCache(dir, version ?? '', arch, { bundles: (opts.bundles ?? false) && env.ELFBOX_CACHE_BUNDLES !== '0' });
  shared.set(arch, c);
  return c;
}
/** Replaces the arch's process-wide cache for CPUs created from now on (null: none; undefined: from the environment again); returns the old one. */
export function setSharedCache(c: TranslationCache | null | undefined, arch = 'x86'): TranslationCache | null | undefined {
  const old = shared.get(arch);
  if (c === undefined) shared.delete(arch); else shared.set(arch, c);
  return old;
}
