// Writes src/gen/struct_offsets.json: what gcc says about every struct layout and every
// constant @elfbox/abi exports, for x86-64 (host gcc, run natively) and aarch64
// (aarch64-linux-gnu-gcc -static, run under qemu-aarch64). structs.test.ts compares the
// TypeScript tables with this file.
//
// How: the package is bundled with esbuild and imported to learn which layouts, fields and
// constant names exist. For each struct, a C translation unit includes the headers named in
// STRUCTS below and prints sizeof/_Alignof of the type and offsetof/sizeof/signedness of
// every field (field names are C member designators). For each constant group, a unit
// includes the headers named in CONSTS and prints sizeof and the value of every name; names a
// compiler rejects (not defined by that arch's headers) are retried in the group's next unit
// and finally recorded under "undefined". The offsets are computed by the compilers; nothing
// here restates them.
//
// Run: node packages/abi/scripts/gen-struct-offsets.mjs   (needs gcc, aarch64-linux-gnu-gcc,
// qemu-aarch64, linux-libc-dev, linux-libc-dev-arm64-cross, libc6-dev-arm64-cross)
//      node packages/abi/scripts/gen-struct-offsets.mjs --check   (exit 1 if the committed JSON
//      differs from what the compilers say now; toolchain version strings are not compared)
import { build } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const outFile = pkg + 'src/gen/struct_offsets.json';

// ---------------------------------------------------------------------------------------------
// The C side: which type and headers each layout corresponds to.
//   inc: headers (each included only if the arch has it); gnu: define _GNU_SOURCE first
//   type: the C type; field: per-field designator overrides ({ arch: expr }, '' = whole object)
//   sizeExpr / fieldSize: C expressions replacing sizeof where the C type differs on purpose
const STRUCTS = {
  timespec: { inc: ['linux/time.h'], type: 'struct timespec' },
  timeval: { inc: ['linux/time.h'], type: 'struct timeval' },
  timezone: { inc: ['sys/time.h'], type: 'struct timezone' },
  itimerspec: { inc: ['linux/time.h'], type: 'struct itimerspec' },
  itimerval: { inc: ['linux/time.h'], type: 'struct itimerval' },
  iovec: { inc: ['linux/uio.h'], type: 'struct iovec' },
  utsname: { inc: ['linux/utsname.h'], type: 'struct new_utsname' },
  rlimit: { inc: ['linux/resource.h'], type: 'struct rlimit' },
  rusage: { inc: ['linux/resource.h'], type: 'struct rusage' },
  tms: { inc: ['linux/times.h'], type: 'struct tms' },
  // x86-64's kernel sigset_t is a bare unsigned long; asm-generic's is struct { unsigned long sig[1]; }
  sigset: { inc: ['asm/signal.h'], type: 'sigset_t', field: { sig: { x86_64: '', aarch64: 'sig[0]' } } },
  sigaction: { inc: ['asm/signal.h'], type: 'struct sigaction' },
  stack_t: { inc: ['asm/signal.h'], type: 'stack_t' },
  siginfo: { inc: ['asm/siginfo.h'], type: 'siginfo_t' },
  sysinfo: { inc: ['linux/sysinfo.h'], type: 'struct sysinfo' },
  // The kernel's linux_dirent64 (flexible d_name) is not exported; glibc's dirent64 has the same
  // header but d_name[256]. Checked: the header fields and d_name's offset; size = header rounded
  // up to the struct's alignment, d_name size 0.
  dirent64: {
    inc: ['dirent.h'], gnu: true, type: 'struct dirent64',
    sizeExpr: '((offsetof(struct dirent64, d_name) + _Alignof(struct dirent64) - 1) & ~(_Alignof(struct dirent64) - 1))',
    fieldSize: { d_name: '0' },
  },
  pollfd: { inc: ['linux/poll.h'], type: 'struct pollfd' },
  sockaddr: { inc: ['sys/socket.h'], type: 'struct sockaddr' },
  sockaddr_in: { inc: ['linux/in.h'], type: 'struct sockaddr_in' },
  sockaddr_in6: { inc: ['linux/in6.h'], type: 'struct sockaddr_in6' },
  sockaddr_un: { inc: ['linux/un.h'], type: 'struct sockaddr_un' },
  msghdr: { inc: ['sys/socket.h'], gnu: true, type: 'struct msghdr' },
  cmsghdr: { inc: ['sys/socket.h'], gnu: true, type: 'struct cmsghdr' },
  linger: { inc: ['sys/socket.h'], gnu: true, type: 'struct linger' },
  ucred: { inc: ['sys/socket.h'], gnu: true, type: 'struct ucred' },
  winsize: { inc: ['asm/termios.h'], type: 'struct winsize' },
  termios: { inc: ['asm/termbits.h'], type: 'struct termios' },
  flock: { inc: ['linux/types.h', 'asm/fcntl.h'], type: 'struct flock' },
  robust_list_head: { inc: ['linux/futex.h'], type: 'struct robust_list_head' },
  clone_args: { inc: ['linux/sched.h'], type: 'struct clone_args' },
  sched_param: { inc: ['linux/sched/types.h'], type: 'struct sched_param' },
  rseq: { inc: ['linux/rseq.h'], type: 'struct rseq' },
  open_how: { inc: ['linux/openat2.h'], type: 'struct open_how' },
  statx_timestamp: { inc: ['linux/stat.h'], type: 'struct statx_timestamp' },
  statx: { inc: ['linux/stat.h'], type: 'struct statx' },
  stat: { inc: ['asm/stat.h'], type: 'struct stat' },
  epoll_event: { inc: ['linux/eventpoll.h'], type: 'struct epoll_event' },
  sigcontext: { inc: ['asm/sigcontext.h'], type: 'struct sigcontext' },
  ucontext: { inc: ['asm/signal.h', 'asm/sigcontext.h', 'asm/ucontext.h'], type: 'struct ucontext' },
  fpstate: { inc: ['asm/sigcontext.h'], type: 'struct _fpstate_64' },
  fpsimd_context: { inc: ['asm/sigcontext.h'], type: 'struct fpsimd_context' },
  esr_context: { inc: ['asm/sigcontext.h'], type: 'struct esr_context' },
  _aarch64_ctx: { inc: ['asm/sigcontext.h'], type: 'struct _aarch64_ctx' },
};

// Constant groups: exported object (or per-arch function) -> translation units to try in order.
const K = (inc, gnu = false) => ({ inc, gnu });
const CONSTS = {
  openFlags: [K(['linux/fcntl.h'])],
  AT: [K(['linux/fcntl.h'])],
  STATX: [K(['linux/stat.h'])],
  PROT: [K(['linux/mman.h'])],
  MAP: [K(['linux/mman.h']), K(['sys/mman.h'])], // MAP_FAILED is libc's
  MREMAP: [K(['linux/mman.h'])],
  MADV: [K(['linux/mman.h'])],
  MS: [K(['linux/mman.h'])],
  CLONE: [K(['linux/sched.h'])],
  FUTEX: [K(['linux/futex.h'])],
  FCNTL: [K(['linux/fcntl.h'])],
  SEEK: [K(['linux/fs.h'])],
  SA: [K(['asm/signal.h'])],
  SIG_HOW: [K(['asm/signal.h'])],
  IOCTL: [K(['asm/termbits.h', 'asm/ioctls.h'])],
  S_IF: [K(['linux/stat.h'])],
  DT: [K(['dirent.h'], true)],
  POLL: [K(['linux/poll.h'])],
  EPOLL: [K(['linux/eventpoll.h'])],
  FD_FLAGS: [K(['sys/eventfd.h', 'sys/timerfd.h', 'sys/signalfd.h'], true)],
  CLOCK: [K(['linux/time.h'])],
  TIMER: [K(['linux/time.h'])],
  RLIMIT: [K(['linux/resource.h'])],
  GRND: [K(['linux/random.h'])],
  ARCH_PRCTL: [K(['asm/prctl.h'])],
  PR: [K(['linux/prctl.h'])],
  WAIT: [K(['linux/wait.h'])],
  SOCK: [K(['sys/socket.h', 'netinet/in.h', 'netinet/tcp.h'], true)],
  Sig: [K(['asm/signal.h'])],
  SI_CODE: [K(['asm/siginfo.h'])],
  SS: [K(['linux/signal.h'])],
  sigStackSizes: [K(['asm/signal.h'])],
  AuxType: [K(['linux/auxvec.h'])],
  TERMIOS: [K(['asm/termbits.h'])],
  sigframeConstants: [K(['asm/signal.h', 'asm/sigcontext.h', 'asm/ucontext.h'])],
};
/** Exports that are data but not checked here (generated elsewhere, or names not numbers). */
const NOT_CONSTANTS = new Set(['Errno', 'SYSCALLS_X86_64', 'SYSCALLS_AARCH64', 'ERRNO_NAMES', 'ERRNO_MESSAGES',
  'SIGNAL_NAMES', 'AUXV_NAMES', 'ABI_ARCHES']);

const ARCHES = {
  x86_64: { cc: 'gcc', flags: [], run: (exe) => [exe, []], pkgs: ['linux-libc-dev', 'libc6-dev'] },
  aarch64: {
    cc: 'aarch64-linux-gnu-gcc', flags: ['-static'], run: (exe) => ['qemu-aarch64', [exe]],
    pkgs: ['linux-libc-dev-arm64-cross', 'libc6-dev-arm64-cross'],
  },
};

// ---------------------------------------------------------------------------------------------

const work = mkdtempSync(tmpdir() + '/abi-offsets-');
try {
  await build({ entryPoints: [pkg + 'src/index.ts'], bundle: true, format: 'esm', platform: 'neutral', outfile: work + '/abi.mjs', logLevel: 'error' });
  const abi = await import(pathToFileURL(work + '/abi.mjs').href);
  const out = { generator: 'packages/abi/scripts/gen-struct-offsets.mjs', toolchain: {} };
  for (const [arch, cfg] of Object.entries(ARCHES)) {
    out.toolchain[arch] = [execFileSync(cfg.cc, ['--version']).toString().split('\n')[0],
      ...cfg.pkgs.map((p) => `${p} ${execFileSync('dpkg-query', ['-W', '-f=${Version}', p]).toString().trim()}`)].join('; ');
    out[arch] = { structs: structFacts(arch, cfg, abi.structLayouts(arch)), ...constantFacts(arch, cfg, abi) };
    const n = Object.keys(out[arch].structs).length;
    const c = Object.values(out[arch].constants).reduce((s, g) => s + Object.keys(g).length, 0);
    const u = Object.values(out[arch].undefined).reduce((s, g) => s + g.length, 0);
    console.log(`${arch}: ${n} structs, ${c} constants, ${u} not defined by the headers`);
  }
  if (process.argv.includes('--check')) {
    const old = existsSync(outFile) ? JSON.parse(readFileSync(outFile, 'utf8')) : {};
    const stale = Object.keys(ARCHES).filter((a) => JSON.stringify(old[a]) !== JSON.stringify(out[a]));
    if (stale.length) {
      console.error(`${outFile} is stale for ${stale.join(', ')}: run node packages/abi/scripts/gen-struct-offsets.mjs`);
      process.exitCode = 1;
    } else console.log('struct_offsets.json is up to date');
  } else {
    writeFileSync(outFile, JSON.stringify(out, null, 1) + '\n');
    console.log(`wrote ${outFile}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

function prologue(inc, gnu) {
  return [
    gnu ? '#define _GNU_SOURCE 1' : '',
    '#include <stddef.h>',
    ...inc.map((h) => `#if __has_include(<${h}>)\n#include <${h}>\n#endif`),
    'int printf(const char *, ...);',
    '#define SIGNEDNESS(x) _Generic((x), signed char: 1, short: 1, int: 1, long: 1, long long: 1, \\',
    '  unsigned char: 0, unsigned short: 0, unsigned int: 0, unsigned long: 0, unsigned long long: 0, \\',
    '  char: ((char)-1 < 0), default: 2)',
  ].join('\n');
}

/** Compile the units with main(), run, return stdout; on error return gcc's stderr. */
function compileRun(arch, cfg, units, calls) {
  const dir = mkdtempSync(`${work}/${arch}-`);
  const files = units.map((src, i) => { const f = `${dir}/u${i}.c`; writeFileSync(f, src + '\n'); return f; });
  const main = `${dir}/main.c`;
  writeFileSync(main, `${calls.map((c) => `void ${c}(void);`).join('\n')}\nint main(void) {\n${calls.map((c) => `  ${c}();`).join('\n')}\n  return 0;\n}\n`);
  const exe = `${dir}/facts`;
  const cc = spawnSync(cfg.cc, ['-O0', '-w', ...cfg.flags, '-o', exe, ...files, main], { env: { ...process.env, LC_ALL: 'C' } });
  if (cc.status !== 0) return { ok: false, err: cc.stderr.toString(), files };
  const [cmd, args] = cfg.run(exe);
  return { ok: true, out: execFileSync(cmd, args).toString() };
}

function structFacts(arch, cfg, layouts) {
  const units = [];
  const calls = [];
  for (const [name, layout] of Object.entries(layouts)) {
    const spec = STRUCTS[name];
    if (!spec) throw new Error(`no C description for struct layout '${name}' in STRUCTS`);
    const T = spec.type;
    const lines = [prologue(spec.inc, spec.gnu), `void dump_${name}(void) {`];
    lines.push(`  printf("S\\t${name}\\t%zu\\t%zu\\n", (size_t)(${spec.sizeExpr ?? `sizeof(${T})`}), (size_t)_Alignof(${T}));`);
    for (const f of Object.keys(layout.fields)) {
      const d = spec.field?.[f]?.[arch] ?? f;
      const lv = d === '' ? `(*(${T} *)0)` : `(((${T} *)0)->${d})`;
      const off = d === '' ? '0' : `offsetof(${T}, ${d})`;
      const size = spec.fieldSize?.[f] ?? `sizeof(${lv})`;
      lines.push(`  printf("F\\t${name}\\t${f}\\t%zu\\t%zu\\t%d\\n", (size_t)(${off}), (size_t)(${size}), SIGNEDNESS(${lv}));`);
    }
    lines.push('}');
    units.push(lines.join('\n'));
    calls.push(`dump_${name}`);
  }
  const r = compileRun(arch, cfg, units, calls);
  if (!r.ok) throw new Error(`${arch}: struct facts did not compile:\n${r.err}`);
  const structs = {};
  for (const line of r.out.trim().split('\n')) {
    const p = line.split('\t');
    if (p[0] === 'S') structs[p[1]] = { size: Number(p[2]), align: Number(p[3]), fields: {} };
    else if (p[0] === 'F') {
      structs[p[1]].fields[p[2]] = { offset: Number(p[3]), size: Number(p[4]), signed: [false, true, null][Number(p[5])] };
    }
  }
  return structs;
}

function constantGroups(arch, abi) {
  const groups = {};
  for (const [name, v] of Object.entries(abi)) {
    if (NOT_CONSTANTS.has(name) || name.startsWith('HEADER_VERSION')) continue;
    let obj;
    if (typeof v === 'function') {
      if (!CONSTS[name]) continue; // a function that is not a per-arch table (structLayouts, encodeStruct ...)
      obj = v(arch);
    } else if (v && typeof v === 'object' && Object.values(v).every((x) => typeof x === 'number' || typeof x === 'bigint')) {
      obj = v;
    } else continue;
    if (!CONSTS[name]) throw new Error(`exported constant object '${name}' has no entry in CONSTS`);
    groups[name] = Object.keys(obj);
  }
  return groups;
}

function constantFacts(arch, cfg, abi) {
  const groups = constantGroups(arch, abi);
  const constants = {};
  let pending = groups; // names not yet found, per group
  for (let level = 0; ; level++) {
    const active = Object.keys(pending).filter((g) => pending[g].length && CONSTS[g][level]);
    if (!active.length) break;
    const current = Object.fromEntries(active.map((g) => [g, [...pending[g]]]));
    const failed = Object.fromEntries(active.map((g) => [g, []]));
    for (;;) {
      const live = active.filter((g) => current[g].length);
      if (!live.length) break;
      const units = [];
      const lineName = []; // per unit: source line -> constant name
      for (const g of live) {
        const unit = CONSTS[g][level];
        const head = prologue(unit.inc, unit.gnu) + `\nvoid k_${g}(void) {`;
        let ln = head.split('\n').length;
        const map = new Map();
        const body = current[g].map((n) => {
          map.set(++ln, n);
          return `  printf("K\\t${g}\\t${n}\\t%d\\t%llu\\n", (int)sizeof(${n}), (unsigned long long)(${n}));`;
        });
        units.push([head, ...body, '}'].join('\n'));
        lineName.push(map);
      }
      const r = compileRun(arch, cfg, units, live.map((g) => `k_${g}`));
      if (r.ok) {
        for (const line of r.out.trim().split('\n')) {
          const [, g, n, size, value] = line.split('\t');
          (constants[g] ??= {})[n] = { size: Number(size), value };
        }
        break;
      }
      // drop every name on a line the compiler rejected, then compile again
      let dropped = 0;
      for (const m of r.err.matchAll(/\/u(\d+)\.c:(\d+):\d+: error:/g)) {
        const g = live[Number(m[1])];
        const name = lineName[Number(m[1])]?.get(Number(m[2]));
        if (name === undefined || !current[g].includes(name)) continue;
        current[g] = current[g].filter((x) => x !== name);
        failed[g].push(name);
        dropped++;
      }
      if (!dropped) throw new Error(`${arch}: constants did not compile and no name could be blamed:\n${r.err}`);
    }
    // names this level's headers lack get another chance in the group's next unit
    pending = { ...pending, ...failed };
  }
  const undef = {};
  for (const [g, names] of Object.entries(pending)) {
    const missing = names.filter((n) => !constants[g] || !(n in constants[g]));
    if (missing.length) undef[g] = missing.sort();
  }
  return { constants, undefined: undef };
}
