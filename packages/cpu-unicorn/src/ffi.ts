// Loading libunicorn (Unicorn 2.x) through koffi, lazily: importing this package never touches
// the native library; the first Cpu (or isUnicornAvailable()) does.
import { createRequire } from 'node:module';

/** Thrown when the native engine cannot be loaded. The message names the install command. */
export class UnicornUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(`the unicorn CPU backend needs libunicorn (Unicorn 2): install it with \`apt-get install libunicorn2\` (${detail})`);
    this.name = 'UnicornUnavailableError';
  }
}

/** A failing Unicorn API call (a bug in this backend or an engine limitation, not a guest fault). */
export class UnicornError extends Error {
  constructor(readonly fn: string, readonly code: number, message: string) {
    super(`${fn}: ${message} (uc_err ${code})`);
    this.name = 'UnicornError';
  }
}

/* eslint-disable @typescript-eslint/no-explicit-any */
type Fn = (...args: any[]) => any;

/** The subset of the Unicorn C API this backend uses, bound through koffi. */
export interface UcLib {
  koffi: any;
  version: string;
  open: Fn;
  close: Fn;
  regRead: Fn;
  regWrite: Fn;
  regReadBatch: Fn;
  regWriteBatch: Fn;
  memMapPtr: Fn;
  memUnmap: Fn;
  memProtect: Fn;
  memRead: Fn;
  emuStart: Fn;
  emuStop: Fn;
  hookAdd: Fn;
  hookDel: Fn;
  ctl: Fn;
  query: Fn;
  strerror: (e: number) => string;
  contextAlloc: Fn;
  contextSave: Fn;
  contextRestore: Fn;
  contextFree: Fn;
  /** Callback prototypes (pointer types for koffi.register). */
  intrCb: any;
  syscallCb: any;
  memCb: any;
  cpuidCb: any;
}

let lib: UcLib | undefined;
let loadError: UnicornUnavailableError | undefined;

function requireKoffi(): any {
  // The package's own node_modules holds koffi (pnpm). From a bundle (packages/cli/dist) the
  // bundle's directory may not see it, so try this package's folder too.
  const bases = [import.meta.url, new URL('../package.json', import.meta.url).href, new URL('../../cpu-unicorn/package.json', import.meta.url).href];
  let last: unknown;
  for (const b of bases) {
    try {
      return createRequire(b)('koffi');
    } catch (e) {
      last = e;
    }
  }
  throw new UnicornUnavailableError(`the koffi package could not be loaded: ${(last as Error)?.message ?? last}`);
}

function candidates(): string[] {
  // An explicit path is used alone (and makes a missing library easy to simulate).
  const env = process.env.ELFBOX_LIBUNICORN;
  if (env) return [env];
  const out: string[] = [];
  if (process.platform === 'darwin') out.push('libunicorn.2.dylib', '/opt/homebrew/lib/libunicorn.2.dylib', '/usr/local/lib/libunicorn.2.dylib');
  else if (process.platform === 'win32') out.push('unicorn.dll');
  else out.push('libunicorn.so.2', '/usr/lib/x86_64-linux-gnu/libunicorn.so.2', '/usr/lib/aarch64-linux-gnu/libunicorn.so.2', '/usr/local/lib/libunicorn.so.2', 'libunicorn.so');
  return out;
}

/** Loads koffi and libunicorn once; throws UnicornUnavailableError when either is missing. */
export function loadUnicorn(): UcLib {
  if (lib) return lib;
  if (loadError) throw loadError;
  try {
    lib = bind();
    return lib;
  } catch (e) {
    loadError = e instanceof UnicornUnavailableError ? e : new UnicornUnavailableError(String((e as Error)?.message ?? e));
    throw loadError;
  }
}

/** True when koffi and libunicorn 2.x load on this machine. Never throws. */
export function isUnicornAvailable(): boolean {
  try {
    loadUnicorn();
    return true;
  } catch {
    return false;
  }
}

/** Why the engine is unavailable (undefined when it loads). */
export function unicornUnavailableReason(): string | undefined {
  try {
    loadUnicorn();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function bind(): UcLib {
  const koffi = requireKoffi();
  let so: any;
  const errors: string[] = [];
  for (const c of candidates()) {
    try {
      so = koffi.load(c);
      break;
    } catch (e) {
      errors.push(`${c}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  if (!so) throw new UnicornUnavailableError(`libunicorn not found: ${errors.join('; ')}`);
  let versionFn: Fn;
  try {
    versionFn = so.func('unsigned int uc_version(_Out_ unsigned int *major, _Out_ unsigned int *minor)');
  } catch (e) {
    throw new UnicornUnavailableError(`the library loaded has no uc_version: ${(e as Error).message}`);
  }
  const maj = [0], min = [0];
  versionFn(maj, min);
  if (maj[0] < 2) throw new UnicornUnavailableError(`Unicorn ${maj[0]}.${min[0]} found, 2.x needed`);
  // Unique prototype names per load: koffi keeps type names global.
  const tag = `elfbox_uc_${Date.now().toString(36)}`;
  const intrProto = koffi.proto(`void ${tag}_intr(void *uc, uint32_t intno, void *user)`);
  const syscallProto = koffi.proto(`void ${tag}_syscall(void *uc, void *user)`);
  const memProto = koffi.proto(`bool ${tag}_mem(void *uc, int type, uint64_t addr, int size, int64_t value, void *user)`);
  const cpuidProto = koffi.proto(`int ${tag}_cpuid(void *uc, void *user)`);
  const strerror = so.func('const char *uc_strerror(int code)');
  return {
    koffi,
    version: `${maj[0]}.${min[0]}`,
    open: so.func('int uc_open(int arch, int mode, _Out_ void **uc)'),
    close: so.func('int uc_close(void *uc)'),
    regRead: so.func('int uc_reg_read(void *uc, int regid, void *value)'),
    regWrite: so.func('int uc_reg_write(void *uc, int regid, void *value)'),
    regReadBatch: so.func('int uc_reg_read_batch(void *uc, void *regs, void *vals, int count)'),
    regWriteBatch: so.func('int uc_reg_write_batch(void *uc, void *regs, void *vals, int count)'),
    memMapPtr: so.func('int uc_mem_map_ptr(void *uc, uint64_t address, size_t size, uint32_t perms, void *ptr)'),
    memUnmap: so.func('int uc_mem_unmap(void *uc, uint64_t address, size_t size)'),
    memProtect: so.func('int uc_mem_protect(void *uc, uint64_t address, size_t size, uint32_t perms)'),
    memRead: so.func('int uc_mem_read(void *uc, uint64_t address, void *bytes, size_t size)'),
    emuStart: so.func('int uc_emu_start(void *uc, uint64_t begin, uint64_t until, uint64_t timeout, size_t count)'),
    emuStop: so.func('int uc_emu_stop(void *uc)'),
    hookAdd: so.func('int uc_hook_add(void *uc, _Out_ size_t *hh, int type, void *callback, void *user, uint64_t begin, uint64_t end, ...)'),
    hookDel: so.func('int uc_hook_del(void *uc, size_t hh)'),
    ctl: so.func('int uc_ctl(void *uc, int control, ...)'),
    query: so.func('int uc_query(void *uc, int type, _Out_ size_t *result)'),
    strerror: (e: number) => String(strerror(e)),
    contextAlloc: so.func('int uc_context_alloc(void *uc, _Out_ void **context)'),
    contextSave: so.func('int uc_context_save(void *uc, void *context)'),
    contextRestore: so.func('int uc_context_restore(void *uc, void *context)'),
    contextFree: so.func('int uc_context_free(void *context)'),
    intrCb: koffi.pointer(intrProto),
    syscallCb: koffi.pointer(syscallProto),
    memCb: koffi.pointer(memProto),
    cpuidCb: koffi.pointer(cpuidProto),
  };
}
