// Tier 3: Debian's busybox-static (x86-64: /bin/busybox from the busybox-static package; arm64:
// fetched by tests/fetch-busybox-arm64.sh into tests/.cache) running fork-free applets on
// generated input files. Expected output comes from the same binary run natively (x86-64) or
// under qemu-aarch64 (arm64); elfbox's run() must give identical stdout and exit status, with
// each CPU backend. One it() per applet case x arch x backend. See tests/README.md.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Arch, BACKENDS, CACHE, TESTS, backendAvailability, bundleChild, compareRuns, describeDifference, runElfbox, runNative,
} from './lib/harness.js';

const DATA = join(CACHE, 'busybox-data');
const TEXT = join(DATA, 'text.txt'); // ~120 KB of words, 2500 lines
const SORTED = join(DATA, 'sorted.txt'); // repeated lines, sorted (for uniq)
const NUMS = join(DATA, 'nums.txt'); // integers and decimals, one per line
const BIN = join(DATA, 'random.bin'); // 128 KB of pseudo-random bytes
const SMALLBIN = join(DATA, 'small.bin'); // 4 KB slice of it

const BUSYBOX: Record<Arch, string> = {
  x86_64: '/bin/busybox',
  aarch64: join(CACHE, 'busybox-arm64', 'bin', 'busybox'),
};
const ELFBOX_TIMEOUT_MS = 60_000;

interface Case {
  name: string;
  args: string[]; // after argv[0] "busybox"
  stdin?: string;
  /** Two-stage case: this one's stdout is written to a file, which `then` reads (gzip | gunzip). */
  then?: (file: string) => string[];
}

const AWK_SUM = '{ for (i = 1; i <= NF; i++) { len[length($i)]++; chars += length($i) } } END { for (k = 1; k <= 12; k++) printf "%d:%d ", k, len[k]; print ""; print NR, chars, chars / NR }';
const AWK_COMPUTE = 'BEGIN { s = 0; for (i = 1; i <= 20000; i++) { s += i * i; t += sin(i) * sqrt(i) } printf "%d %.6f %s %x\\n", s, t, substr("abcdefgh", 3, 4), 48879; x = sprintf("%08.3e|%-6s|%c", 12345.678, "ab", 65); print x, toupper("mixed Case"), index("hello", "ll"), length("four") }';
const AWK_ASSOC = '{ count[$1]++; last[$1] = NR } END { n = 0; for (w in count) n++; print n; print count["alpha"], count["zulu"], last["kilo"] }';

const CASES: Case[] = [
  { name: 'echo', args: ['echo', '-e', 'hello\\tworld\\n\\x41\\0102 end', 'second arg', ''] },
  { name: 'echo -n', args: ['echo', '-n', 'no newline'] },
  { name: 'printf', args: ['printf', '%d|%5.2f|%x|%o|%s|%c|%-8s|%08.3e|%%\\n', '42', '3.14159', '255', '8', 'str', 'chr', 'left', '12345.678', '-7', '2.5', '4096', '9', 'x', 'y', 'z', '0.001'] },
  { name: 'expr arithmetic', args: ['expr', '123456789', '*', '987', '+', '(', '5', '%', '3', ')', '-', '-42'] },
  { name: 'expr match', args: ['expr', 'hello-world-again', ':', '\\(.*\\)-'] },
  { name: 'expr false status', args: ['expr', '0', '*', '5'] },
  { name: 'sha256sum', args: ['sha256sum', BIN] },
  { name: 'sha512sum', args: ['sha512sum', TEXT] },
  { name: 'sha1sum', args: ['sha1sum', SMALLBIN, TEXT] },
  { name: 'md5sum', args: ['md5sum', TEXT, BIN] },
  { name: 'gzip -c | gunzip -c', args: ['gzip', '-c', TEXT], then: (f) => ['gunzip', '-c', f] },
  { name: 'gzip -9 binary | gunzip', args: ['gzip', '-9', '-c', SMALLBIN], then: (f) => ['gunzip', '-c', f] },
  { name: 'sort', args: ['sort', TEXT] },
  { name: 'sort -n', args: ['sort', '-n', NUMS] },
  { name: 'sort -r -k2', args: ['sort', '-r', '-k2', TEXT] },
  { name: 'uniq -c', args: ['uniq', '-c', SORTED] },
  { name: 'wc', args: ['wc', TEXT, BIN] },
  { name: 'wc -l stdin', args: ['wc', '-l'], stdin: TEXT },
  { name: 'awk fields', args: ['awk', AWK_SUM, TEXT] },
  { name: 'awk compute', args: ['awk', AWK_COMPUTE] },
  { name: 'awk assoc', args: ['awk', AWK_ASSOC, TEXT] },
  { name: 'sed swap', args: ['sed', 's/\\([a-z]*\\) \\([a-z]*\\)/\\2 \\1/g', TEXT] },
  { name: 'sed -n /re/p', args: ['sed', '-n', '/lima.*echo/p;/^zulu/=', TEXT] },
  { name: 'od', args: ['od', '-A', 'x', '-t', 'x1z', '-v', SMALLBIN] },
  { name: 'od -t d4 u8', args: ['od', '-t', 'd4', '-t', 'u8', SMALLBIN] },
  { name: 'tr upper', args: ['tr', 'a-z', 'A-Z'], stdin: TEXT },
  { name: 'tr -d -s', args: ['tr', '-s', 'a-m', '-d', 'aeiou'], stdin: TEXT },
  { name: 'cut -d -f', args: ['cut', '-d', ' ', '-f', '2,4', TEXT] },
  { name: 'cut -c', args: ['cut', '-c', '3-10,15', TEXT] },
  { name: 'head', args: ['head', '-n', '50', TEXT] },
  { name: 'tail', args: ['tail', '-n', '50', TEXT] },
  { name: 'tail -c', args: ['tail', '-c', '333', BIN] },
  { name: 'base64', args: ['base64', BIN] },
  { name: 'base64 -d', args: ['base64', '-d'], stdin: join(DATA, 'b64.txt') },
  { name: 'cat', args: ['cat', TEXT, SMALLBIN] },
  { name: 'cat stdin', args: ['cat'], stdin: BIN },
  { name: 'factor', args: ['factor', '1234567890123', '600851475143', '18446744073709551615', '4294967291', '4294967297', '9223372036854775807'] },
  { name: 'seq', args: ['seq', '-s', ',', '-w', '1', '7', '2000'] },
];

/** Deterministic input files (splitmix-style PRNG over 32-bit math). */
function makeData(): void {
  mkdirSync(DATA, { recursive: true });
  let s = 0x12345678;
  const rnd = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const words = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu'.split(' ');
  const lines: string[] = [];
  for (let i = 0; i < 2500; i++) {
    const n = 1 + Math.floor(rnd() * 12);
    const ws: string[] = [];
    for (let j = 0; j < n; j++) ws.push(words[Math.floor(rnd() * words.length)] + (rnd() < 0.1 ? String(Math.floor(rnd() * 1000)) : ''));
    lines.push(ws.join(' '));
  }
  writeFileSync(TEXT, lines.join('\n') + '\n');
  const rep: string[] = [];
  for (let i = 0; i < 3000; i++) rep.push(words[Math.floor(Math.pow(rnd(), 2) * words.length)]);
  rep.sort();
  writeFileSync(SORTED, rep.join('\n') + '\n');
  const nums: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const v = (rnd() - 0.5) * Math.pow(10, Math.floor(rnd() * 8));
    nums.push(rnd() < 0.5 ? String(Math.round(v)) : v.toFixed(3));
  }
  writeFileSync(NUMS, nums.join('\n') + '\n');
  const bin = new Uint8Array(128 * 1024);
  for (let i = 0; i < bin.length; i++) bin[i] = Math.floor(rnd() * 256);
  writeFileSync(BIN, bin);
  writeFileSync(SMALLBIN, bin.subarray(0, 4096));
  writeFileSync(join(DATA, 'b64.txt'), Buffer.from(bin.subarray(0, 30000)).toString('base64').replace(/.{76}/g, '$&\n') + '\n');
}

let bundle = '';
let arm64Missing = '';

beforeAll(async () => {
  makeData();
  if (!existsSync(BUSYBOX.aarch64)) {
    try {
      execFileSync(join(TESTS, 'fetch-busybox-arm64.sh'), { stdio: 'pipe', timeout: 240_000 });
    } catch (e) {
      arm64Missing = `could not fetch busybox-static:arm64 (tests/fetch-busybox-arm64.sh): ${(e as { stderr?: Buffer }).stderr?.toString().trim() ?? e}`;
    }
  }
  bundle = await bundleChild('busybox');
});
afterAll(() => {
  if (bundle) rmSync(bundle, { force: true });
});

const expectedCache = new Map<string, { status: number; stdout: Buffer; stderr: Buffer; signal?: number | string }>();

for (const arch of ['x86_64', 'aarch64'] as const) {
  describe(`busybox ${arch}`, () => {
    for (const c of CASES) {
      for (const cpu of BACKENDS) {
        it(`${c.name} [${cpu}]`, async (ctx) => {
          const avail = await backendAvailability(cpu, arch);
          if (avail.kind === 'skip') ctx.skip(avail.reason);
          if (avail.kind === 'fail') throw new Error(avail.reason);
          const bb = BUSYBOX[arch];
          if (!existsSync(bb)) {
            ctx.skip(arch === 'x86_64' ? '/bin/busybox is missing: apt-get install busybox-static' : arm64Missing || `${bb} is missing`);
          }
          const argv = ['busybox', ...c.args];
          const key = `${arch}:${c.name}`;
          let native = expectedCache.get(key);
          if (!native) {
            native = runNative(arch, bb, argv, c.stdin);
            expectedCache.set(key, native);
          }
          expect(native.signal ?? undefined, `native busybox ${c.args[0]} was killed`).toBeUndefined();
          const r = await runElfbox(bundle, { path: bb, argv, cpu, stdinFile: c.stdin }, ELFBOX_TIMEOUT_MS);
          if (r.error) throw new Error(`busybox ${arch} ${c.name} [${cpu}]: ${r.error}`);
          const diff = compareRuns(native, r.result!);
          if (diff) throw new Error(`busybox ${arch} ${c.name} [${cpu}] differs from the ${arch === 'x86_64' ? 'native' : 'qemu-aarch64'} run:\n${diff}`);
          if (c.then) {
            // second stage: feed elfbox's own output back through elfbox (e.g. gunzip what it gzipped)
            const mid = join(DATA, `stage-${arch}-${cpu}-${c.name.replace(/\W+/g, '_')}`);
            writeFileSync(mid, r.result!.stdout);
            const argv2 = ['busybox', ...c.then(mid)];
            const r2 = await runElfbox(bundle, { path: bb, argv: argv2, cpu }, ELFBOX_TIMEOUT_MS);
            if (r2.error) throw new Error(`busybox ${arch} ${c.name} (second stage) [${cpu}]: ${r2.error}`);
            const original = readFileSync(c.args[c.args.length - 1]);
            const d2 = describeDifference(original, r2.result!.stdout);
            if (r2.result!.status !== 0 || d2) {
              throw new Error(`busybox ${arch} ${c.then(mid).join(' ')} [${cpu}]: status ${r2.result!.status}; ${d2 ?? 'output matches'}`);
            }
          }
        });
      }
    }
  });
}
