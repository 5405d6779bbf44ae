// CPUID as the x86-64 guest sees it on the Unicorn backend.
//
// Unicorn 2.0.1's x86 CPU reports the same CPUID whatever model is selected, and leaf 1 leaves
// out features its translator does implement: EDX lacks FPU, TSC and MMX, ECX lacks SSE3. glibc's
// dynamic loader then finds the x86-64 baseline missing ("CPU ISA level is lower than
// required"). So the engine's own answers are read once (a probe engine without the hook) and
// served from a table by a CPUID hook, with those bits added. Each added bit was checked by
// executing its instructions on the engine (fld1, rdtsc, emms, movddup/haddpd/lddqu). Bits for
// what the engine rejects stay clear: POPCNT, MOVBE, PCLMULQDQ, AVX, XSAVE, RDRAND (#UD).
import { loadUnicorn } from './ffi.js';
import * as C from './consts.js';

export const CPUID1_EDX_ADD = (1 << 0) | (1 << 4) | (1 << 23); // FPU TSC MMX
export const CPUID1_ECX_ADD = 1 << 0; // SSE3

type Regs = [number, number, number, number];
let table: Map<string, Regs> | undefined;

/** The engine's CPUID answers (eax, ebx, ecx, edx) by "leaf:subleaf", with the additions above. */
export function cpuidTable(): Map<string, Regs> {
  if (table) return table;
  const L = loadUnicorn();
  const out: unknown[] = [null];
  const check = (e: number, what: string) => { if (e !== 0) throw new Error(`cpuid probe: ${what}: ${L.strerror(e)}`); };
  check(L.open(C.UC_ARCH_X86, C.UC_MODE_64, out), 'uc_open');
  const uc = out[0];
  const code = new Uint8Array(4096);
  code.set([0x0f, 0xa2]); // cpuid
  const buf = new Uint8Array(16);
  const dv = new DataView(buf.buffer);
  const rd = (id: number): number => { buf.fill(0); check(L.regRead(uc, id, buf), 'reg_read'); return dv.getUint32(0, true); };
  const wr = (id: number, v: number): void => { buf.fill(0); dv.setUint32(0, v >>> 0, true); check(L.regWrite(uc, id, buf), 'reg_write'); };
  const t = new Map<string, Regs>();
  try {
    check(L.memMapPtr(uc, 0x1000, 0x1000, 5, code), 'mem_map_ptr');
    const q = (leaf: number, sub: number): Regs => {
      wr(C.X86_GPR_IDS[0], leaf);
      wr(C.X86_GPR_IDS[1], sub);
      check(L.emuStart(uc, 0x1000, 0x1002, 0, 0), 'emu_start');
      return [rd(C.X86_GPR_IDS[0]), rd(C.X86_GPR_IDS[3]), rd(C.X86_GPR_IDS[1]), rd(C.X86_GPR_IDS[2])];
    };
    for (const base of [0, 0x80000000]) {
      const max = Math.min(q(base, 0)[0] >>> 0, base + 0x20);
      for (let leaf = base; leaf <= max; leaf++) {
        const subs = leaf === 4 || leaf === 7 || leaf === 0xb || leaf === 0xd ? 4 : 1;
        for (let sub = 0; sub < subs; sub++) t.set(`${leaf}:${sub}`, q(leaf, sub));
      }
    }
  } finally {
    L.close(uc);
  }
  const l1 = t.get('1:0');
  if (l1) {
    l1[2] = (l1[2] | CPUID1_ECX_ADD) >>> 0;
    l1[3] = (l1[3] | CPUID1_EDX_ADD) >>> 0;
  }
  table = t;
  return t;
}

/** One CPUID answer; leaves without subleaves ignore ecx. Unknown leaves answer zeros. */
export function cpuidLookup(leaf: number, sub: number): Regs {
  const t = cpuidTable();
  const l = leaf >>> 0;
  const hasSubleaves = l === 4 || l === 7 || l === 0xb || l === 0xd;
  return t.get(`${l}:${hasSubleaves ? sub >>> 0 : 0}`) ?? [0, 0, 0, 0];
}
