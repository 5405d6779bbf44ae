import { describe, expect, it } from 'vitest';
import { AddressSpace, type Cpu, type SyscallEntry, PERM_R, PERM_W, PERM_X, X86, initialState, type X86State } from '@elfbox/cpu';
import { backend, isUnicornAvailable, unicornUnavailableReason, UnicornCpu } from '../src/index.js';
import { asm, hasAs } from './asm.js';

const ok = isUnicornAvailable() && hasAs.x86_64;
if (!ok) console.warn(`[cpu-unicorn] x86-64 tests skipped: ${unicornUnavailableReason() ?? 'no x86-64 assembler (as)'}`);

const CODE = 0x401000;
const DATA = 0x600000;

interface Setup {
  mem: AddressSpace;
  cpu: Cpu;
  calls: number[];
}

/** Code at CODE (r-x), 4 pages of data at DATA (rw-), the given syscall handler. */
function setup(src: string, handler?: (cpu: Cpu, nr: number) => boolean, opts?: { budget?: 'timeout' | 'count' }): Setup {
  const mem = new AddressSpace();
  mem.map(CODE, 0x2000, PERM_R | PERM_X);
  mem.poke(CODE, asm('x86_64', src));
  mem.map(DATA, 0x4000, PERM_R | PERM_W);
  const calls: number[] = [];
  const entry: SyscallEntry = {
    syscall(cpu) {
      const nr = Number(cpu.getReg(X86.rax));
      calls.push(nr);
      return handler ? handler(cpu, nr) : false;
    },
  };
  const cpu = new UnicornCpu('x86_64', mem, entry, opts);
  cpu.setPc(CODE);
  cpu.setReg(X86.rsp, BigInt(DATA + 0x4000));
  return { mem, cpu, calls };
}

describe.skipIf(!ok)('unicorn x86-64', () => {
  it('backend describes itself and reports the CPUID.1:EDX Unicorn really returns', () => {
    expect(backend.name).toBe('unicorn');
    expect(backend.arches).toEqual(['x86_64', 'aarch64']);
    const h = backend.hwcap('x86_64');
    expect(h.platform).toBe('x86_64');
    // SSE2 (bit 26), SSE (25), FXSR (24), CMOV (15) are what x86-64 code relies on.
    for (const bit of [15n, 24n, 25n, 26n]) expect((h.hwcap >> bit) & 1n).toBe(1n);
    const { cpu } = setup('mov eax, 1\ncpuid\nint3');
    expect(cpu.run(Infinity)).toEqual({ kind: 'breakpoint', pc: CODE + 8 });
    expect(cpu.getReg(X86.rdx)).toBe(h.hwcap);
    cpu.destroy();
  });

  it('runs arithmetic and keeps registers in encoding order', () => {
    const { cpu } = setup('mov rax, 0x1122334455667788\nlea rcx, [rax+rax]\nmov r15, rcx\nadd rdx, rbx\nint3');
    cpu.setReg(X86.rdx, 5n);
    cpu.setReg(X86.rbx, 0xffff_ffff_ffff_fffen);
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(cpu.getReg(X86.rax)).toBe(0x1122334455667788n);
    expect(cpu.getReg(X86.rcx)).toBe(0x22446688aaccef10n);
    expect(cpu.getReg(X86.r15)).toBe(0x22446688aaccef10n);
    expect(cpu.getReg(X86.rdx)).toBe(3n);
    cpu.destroy();
  });

  it('calls the syscall entry with rip past the instruction, continues or yields', () => {
    const seen: Array<{ nr: number; pc: number }> = [];
    const { cpu, calls } = setup('mov eax, 39\nsyscall\nmov rbx, rax\nmov eax, 60\nsyscall\nint3', (c, nr) => {
      seen.push({ nr, pc: c.getPc() });
      if (nr === 39) { c.setReg(X86.rax, 1234n); return true; }
      return false;
    });
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(calls).toEqual([39, 60]);
    // mov eax,imm32 is 5 bytes, syscall 2: the first syscall ends at +7.
    expect(seen[0].pc).toBe(CODE + 7);
    expect(cpu.getReg(X86.rbx)).toBe(1234n);
    // Not advanced twice: after the yield pc is right after the second syscall (+7+3+5+2).
    expect(cpu.getPc()).toBe(CODE + 17);
    // SYSCALL's own effect: rcx = the return address.
    expect(cpu.getReg(X86.rcx)).toBe(BigInt(CODE + 17));
    expect(cpu.run(Infinity)).toEqual({ kind: 'breakpoint', pc: CODE + 18 });
    cpu.destroy();
  });

  it('honours a pc the kernel sets inside the syscall handler (sigreturn-like)', () => {
    const { cpu } = setup('syscall\nmov ebx, 1\nint3\nmov ebx, 2\nint3', (c) => {
      c.setPc(CODE + 2 + 5 + 1); // skip to "mov ebx, 2"
      expect(c.getPc()).toBe(CODE + 8);
      return true;
    });
    const r = cpu.run(Infinity);
    expect(r.kind).toBe('budget');
    expect(cpu.getPc()).toBe(CODE + 8);
    expect(cpu.run(Infinity)).toEqual({ kind: 'breakpoint', pc: CODE + 14 });
    expect(cpu.getReg(X86.rbx)).toBe(2n);
    cpu.destroy();
  });

  it('shares memory with the AddressSpace both ways (no copies)', () => {
    const { mem, cpu } = setup('l: mov rax, [0x600010]\nadd rax, 1\nmov [0x600018], rax\nsyscall\njmp l', () => false);
    mem.writeU64(DATA + 0x10, 41n);
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(mem.readU64(DATA + 0x18)).toBe(42n);
    mem.writeU64(DATA + 0x10, 99n); // the kernel writes, the engine's next read sees it
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(mem.readU64(DATA + 0x18)).toBe(100n);
    cpu.destroy();
  });

  it('reports faults with the exact address, access and mapped bit', () => {
    const cases: Array<[string, number, 'r' | 'w' | 'x', boolean]> = [
      ['mov rax, [0x12345678]', 0x12345678, 'r', false],
      ['mov qword ptr [0x12345000], 1', 0x12345000, 'w', false],
      ['mov qword ptr [0x401800], 1', 0x401800, 'w', true],
      ['mov rax, 0x600000\ncall rax', 0x600000, 'x', true],
      ['mov rax, [0x603ffc]', 0x604000, 'r', false], // straddles into an unmapped page: the first bad byte
    ];
    // A fault in the middle of a translated block reports that instruction's pc and the
    // registers as they were before it.
    {
      const { cpu } = setup('mov eax, 1\nadd eax, 2\nmov rbx, [0x12345678]\nint3');
      expect(cpu.run(Infinity)).toEqual({ kind: 'fault', pc: CODE + 8, addr: 0x12345678, access: 'r', mapped: false });
      expect(cpu.getReg(X86.rax)).toBe(3n);
      cpu.destroy();
    }
    for (const [src, addr, access, mapped] of cases) {
      const { cpu } = setup(src);
      const r = cpu.run(Infinity);
      expect(r, src).toMatchObject({ kind: 'fault', addr, access, mapped });
      if (access !== 'x') expect((r as { pc: number }).pc, src).toBe(CODE);
      else expect((r as { pc: number }).pc, src).toBe(0x600000);
      cpu.destroy();
    }
  });

  it('mirrors map, protect and unmap done after creation', () => {
    const { mem, cpu } = setup('mov rax, [0x700000]\nsyscall\nmov qword ptr [0x700008], 7\nsyscall\nmov rax, [0x7f0000001000]\nsyscall\nint3', () => false);
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'fault', addr: 0x700000, mapped: false });
    mem.map(0x700000, 0x3000, PERM_R);
    mem.poke(0x700000, Uint8Array.of(5)); // read-only for the guest: the loader-style write
    cpu.setPc(CODE);
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(cpu.getReg(X86.rax)).toBe(5n);
    // read-only: the store faults with mapped=true
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'fault', addr: 0x700008, access: 'w', mapped: true });
    mem.protect(0x700000, 0x1000, PERM_R | PERM_W);
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(mem.readU64(0x700008)).toBe(7n);
    // a page above 4 GiB
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'fault', addr: 0x7f0000001000, mapped: false });
    mem.map(0x7f0000000000, 0x2000, PERM_R | PERM_W);
    mem.writeU64(0x7f0000001000, 0xabcdefn);
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(cpu.getReg(X86.rax)).toBe(0xabcdefn);
    // unmap: the same load faults again
    mem.unmap(0x7f0000000000, 0x2000);
    cpu.setPc(cpu.getPc() - 12); // back to the 10-byte movabs
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'fault', addr: 0x7f0000001000, mapped: false });
    mem.unmap(0x700000, 0x3000);
    cpu.setPc(CODE);
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'fault', addr: 0x700000, mapped: false });
    cpu.destroy();
  });

  it('stores above 4 GiB land in the AddressSpace page', () => {
    const { mem, cpu } = setup('mov rbx, 0x7f0000000ff8\nmov qword ptr [rbx], 0x1234\nint3');
    mem.map(0x7f0000000000, 0x1000, PERM_R | PERM_W);
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(mem.readU64(0x7f0000000ff8)).toBe(0x1234n);
    cpu.destroy();
  });

  it('int3, ud2, divide error (twice: no double fault) and hlt', () => {
    const { cpu } = setup('xor ecx, ecx\nmov eax, 1\ndiv ecx\nnop\ndiv ecx\nint3\nud2\nhlt');
    expect(cpu.run(Infinity)).toEqual({ kind: 'divide', pc: CODE + 7 });
    expect(cpu.getReg(X86.rax)).toBe(1n); // the state survives the exception reset
    cpu.setPc(CODE + 9);
    expect(cpu.run(Infinity)).toEqual({ kind: 'divide', pc: CODE + 10 });
    cpu.setPc(CODE + 12);
    expect(cpu.run(Infinity)).toEqual({ kind: 'breakpoint', pc: CODE + 13 });
    expect(cpu.run(Infinity)).toEqual({ kind: 'illegal', pc: CODE + 13 });
    cpu.setPc(CODE + 15);
    expect(cpu.run(Infinity)).toMatchObject({ kind: 'fault', pc: CODE + 15, addr: 0 });
    cpu.destroy();
  });

  it('FS base is the TLS register', () => {
    const { cpu } = setup('mov rax, fs:[8]\nmov rbx, gs:[0]\nint3');
    cpu.setTls(BigInt(DATA));
    const s = cpu.getState() as X86State;
    s.gsBase = BigInt(DATA + 0x100);
    cpu.setState(s);
    cpu.setPc(CODE);
    (cpu.mem as AddressSpace).writeU64(DATA + 8, 0x55n);
    (cpu.mem as AddressSpace).writeU64(DATA + 0x100, 0x66n);
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(cpu.getReg(X86.rax)).toBe(0x55n);
    expect(cpu.getReg(X86.rbx)).toBe(0x66n);
    expect(cpu.getTls()).toBe(BigInt(DATA));
    cpu.destroy();
  });

  it('getState / setState carry GPRs, flags and the FXSAVE image', () => {
    const { cpu } = setup('fld1\nfldpi\nmovq xmm5, rax\nmov rbx, 0x4000000000000000\nmovq xmm6, rbx\naddsd xmm5, xmm6\ncmp rax, rbx\nint3');
    const init = cpu.getState() as X86State;
    const ref = initialState('x86_64') as X86State;
    expect(init.fx.subarray(0, 32)).toEqual(ref.fx.subarray(0, 32)); // FCW 0x37f, empty tags, MXCSR 0x1f80
    cpu.setReg(X86.rax, 0x3ff0000000000000n); // 1.0
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    const s = cpu.getState() as X86State;
    const dv = new DataView(s.fx.buffer);
    expect(dv.getUint16(0, true)).toBe(0x37f);
    expect((dv.getUint16(2, true) >> 11) & 7).toBe(6); // TOP after two pushes
    expect(s.fx[4]).toBe(0b1100_0000); // physical registers 6 and 7 valid
    // ST0 = pi, ST1 = 1.0 (80-bit: mantissa 0x8000000000000000, exponent 0x3fff)
    expect(dv.getBigUint64(32, true)).toBe(0xc90fdaa22168c235n);
    expect(dv.getUint16(40, true)).toBe(0x4000);
    expect(dv.getBigUint64(48, true)).toBe(0x8000000000000000n);
    expect(dv.getUint16(56, true)).toBe(0x3fff);
    expect(dv.getBigUint64(160 + 5 * 16, true)).toBe(0x4008000000000000n); // 1.0 + 2.0 = 3.0
    expect(s.rflags & 0x1n).toBe(1n); // CF: 0x3ff.. < 0x400..
    expect(s.rip).toBe(BigInt(CODE + 32)); // past the int3
    // Round trip through a second engine.
    const { cpu: other } = setup('int3');
    other.setState(s);
    const t = other.getState() as X86State;
    expect(t).toEqual(s);
    other.destroy();
    cpu.destroy();
  });

  it('fxsave stores MXCSR and the XMM registers, fxrstor loads them (CR4.OSFXSR is set)', () => {
    const { mem, cpu } = setup('movq xmm3, rax\nfxsave [0x600000]\npxor xmm3, xmm3\nfxrstor [0x600000]\nmovq rbx, xmm3\nint3');
    cpu.setReg(X86.rax, 0x1122334455667788n);
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(mem.readU32(DATA + 24)).toBe(0x1f80);
    expect(mem.readU64(DATA + 160 + 3 * 16)).toBe(0x1122334455667788n);
    expect(cpu.getReg(X86.rbx)).toBe(0x1122334455667788n);
    cpu.destroy();
  });

  it('a JS exception thrown by the syscall handler comes out of run()', () => {
    const { cpu } = setup('syscall\nint3', () => { throw new Error('kernel bug'); });
    expect(() => cpu.run(Infinity)).toThrow('kernel bug');
    expect(cpu.getPc()).toBe(CODE + 2);
    cpu.destroy();
  });

  it('timeout mode: a fault mid-block has the right registers but the block start as pc (Unicorn 2.0.1)', () => {
    const { cpu } = setup('mov eax, 1\nadd eax, 2\nmov rbx, [0x12345678]\nint3', undefined, { budget: 'timeout' });
    const r = cpu.run(Infinity);
    expect(r).toMatchObject({ kind: 'fault', addr: 0x12345678, access: 'r', mapped: false });
    expect(cpu.getReg(X86.rax)).toBe(3n);
    expect((r as { pc: number }).pc).toBe(CODE); // not CODE + 8: why 'count' is the default
    cpu.destroy();
  });

  it('budget: an endless loop returns { kind: budget } (timeout mode) and count mode is exact', () => {
    const { cpu } = setup('l: jmp l', undefined, { budget: 'timeout' });
    expect(cpu.run(100_000)).toEqual({ kind: 'budget' });
    expect(cpu.getPc()).toBe(CODE);
    cpu.destroy();
    const { cpu: c2 } = setup('l: inc rax\njmp l', undefined, { budget: 'count' });
    expect(c2.run(11)).toEqual({ kind: 'budget' });
    expect(c2.getReg(X86.rax)).toBe(6n);
    expect(c2.getPc()).toBe(CODE + 3);
    c2.destroy();
  });

  it('drops translated code the kernel overwrites', () => {
    const { mem, cpu } = setup('mov eax, 1\nint3');
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(cpu.getReg(X86.rax)).toBe(1n);
    mem.protect(CODE, 0x1000, PERM_R | PERM_W | PERM_X);
    mem.write(CODE, Uint8Array.of(0xb8, 2, 0, 0, 0)); // mov eax, 2
    cpu.setPc(CODE);
    expect(cpu.run(Infinity).kind).toBe('breakpoint');
    expect(cpu.getReg(X86.rax)).toBe(2n);
    cpu.destroy();
  });

  it('destroy() from inside the syscall handler (exec, exit) is deferred until the engine stops', () => {
    let self: Cpu | undefined;
    const { cpu } = setup('syscall\nint3', () => { self!.destroy(); return true; });
    self = cpu;
    expect(cpu.run(Infinity)).toEqual({ kind: 'yield' });
    expect(() => cpu.run(10)).toThrow(/destroy/);
  });

  it('bad register indices throw RangeError; destroy is idempotent and unhooks the layout', () => {
    const { mem, cpu } = setup('int3');
    expect(() => cpu.getReg(16)).toThrow(RangeError);
    expect(() => cpu.setReg(-1, 0n)).toThrow(RangeError);
    const n = mem.layoutListeners.length;
    cpu.destroy();
    cpu.destroy();
    expect(mem.layoutListeners.length).toBe(n - 1);
    expect(() => cpu.run(10)).toThrow();
  });
});
