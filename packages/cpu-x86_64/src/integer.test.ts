import { describe, it, expect } from 'vitest';
import { PERM_R, type X86State } from '@elfbox/cpu';
import { runAsm, asm, machine, DATA, CODE, u64, type Machine } from './test-util/asm.js';

const reg = (m: { cpu: { getReg(i: number): bigint } }, i: number) => m.cpu.getReg(i);
const flags = (m: Machine) => Number((m.cpu.getState() as X86State).rflags);
const CF = 1, PF = 4, ZF = 0x40, SF = 0x80, OF = 0x800;

describe('integer ALU and flags', () => {
  it('add/sub flags across sizes', () => {
    let m = runAsm('mov eax, 0x7fffffff\nadd eax, 1');
    expect(reg(m, 0)).toBe(0x80000000n);
    expect(flags(m) & (CF | ZF | SF | OF)).toBe(SF | OF);
    m = runAsm('mov rax, -1\nadd rax, 1');
    expect(reg(m, 0)).toBe(0n);
    expect(flags(m) & (CF | ZF | SF | OF | PF)).toBe(CF | ZF | PF);
    m = runAsm('mov al, 0x10\nsub al, 0x20');
    expect(reg(m, 0) & 0xffn).toBe(0xf0n);
    expect(flags(m) & (CF | ZF | SF | OF)).toBe(CF | SF);
    m = runAsm('mov ax, 0x8000\nsub ax, 1');
    expect(flags(m) & (CF | SF | OF)).toBe(OF);
  });
  it('several 64-bit bt/bts in one block, and fwait (glibc libm code has both)', () => {
    const m = runAsm(`
      mov rax, 0x8000000000000001
      mov rcx, 63
      xor edx, edx
      xor esi, esi
      bt rax, rcx
      setc dl
      mov rcx, 1
      bt rax, rcx
      setc sil
      bts rax, rcx
      mov rcx, 40
      bts rax, rcx
      fwait`);
    expect(reg(m, 2)).toBe(1n); // bit 63 set
    expect(reg(m, 6)).toBe(0n); // bit 1 clear before bts
    expect(reg(m, 0)).toBe(0x8000010000000003n);
  });
  it('adc/sbb chains do 128-bit arithmetic', () => {
    const m = runAsm(`
      mov rax, -1
      mov rdx, 5
      add rax, 1
      adc rdx, 0
      mov rbx, 0
      mov rcx, 7
      sub rbx, 1
      sbb rcx, 0`);
    expect(reg(m, 0)).toBe(0n);
    expect(reg(m, 2)).toBe(6n);
    expect(reg(m, 3)).toBe(u64(-1n));
    expect(reg(m, 1)).toBe(6n);
  });
  it('inc/dec keep CF; neg sets CF for nonzero', () => {
    let m = runAsm('stc\nmov ecx, -1\ninc ecx');
    expect(flags(m) & (CF | ZF)).toBe(CF | ZF);
    m = runAsm('clc\nmov rcx, 0x8000000000000000\ndec rcx');
    expect(reg(m, 1)).toBe(0x7fffffffffffffffn);
    expect(flags(m) & (CF | OF)).toBe(OF);
    m = runAsm('mov edx, 5\nneg edx');
    expect(reg(m, 2)).toBe(0xfffffffbn);
    expect(flags(m) & (CF | SF)).toBe(CF | SF);
  });
  it('high-byte registers and 32-bit zero extension', () => {
    const m = runAsm(`
      mov rax, -1
      mov ah, 0x12
      mov rbx, -1
      mov ebx, 7
      mov rcx, 0x1122334455667788
      mov cx, 0xaaaa
      mov dl, ch
      movzx esi, ah
      movsx rdi, byte ptr [rip + neg1]
      jmp 1f
    neg1: .byte 0x80
    1:`);
    expect(reg(m, 0)).toBe(0xffffffffffff12ffn);
    expect(reg(m, 3)).toBe(7n);
    expect(reg(m, 1)).toBe(0x112233445566aaaan);
    expect(reg(m, 2) & 0xffn).toBe(0xaan);
    expect(reg(m, 6)).toBe(0x12n);
    expect(reg(m, 7)).toBe(u64(-128n));
  });
  it('lea wraps at 64 bits', () => {
    const m = runAsm('mov rax, -16\nmov rbx, 3\nlea rcx, [rax + rbx*8 + 0x10]\nlea edx, [rax + 1]');
    expect(reg(m, 1)).toBe(24n);
    expect(reg(m, 2)).toBe(0xfffffff1n);
  });
  it('shifts and rotates incl. through carry and double shifts', () => {
    const m = runAsm(`
      mov rax, 0x8000000000000001
      rol rax, 1
      mov rbx, 1
      stc
      rcr rbx, 1
      mov ecx, 0x80000000
      sar ecx, 4
      mov rdx, 0x0123456789abcdef
      mov rsi, 0xfedcba9876543210
      shld rdx, rsi, 8
      mov edi, 0x12345678
      mov ebp, 0x9abcdef0
      shrd edi, ebp, 12
      mov r8, 0xff
      shl r8, 60
      mov r9d, 0x81
      mov cl, 2
      ror r9b, cl`);
    expect(reg(m, 0)).toBe(3n);
    expect(reg(m, 3)).toBe(0x8000000000000000n);
    expect(reg(m, 1)).toBe(0xf8000002n); // sar result, then cl = 2
    expect(reg(m, 2)).toBe(0x23456789abcdeffen);
    expect(reg(m, 7)).toBe(0xef012345n);
    expect(reg(m, 8)).toBe(0xf000000000000000n);
    expect(reg(m, 9)).toBe(0x60n);
  });
  it('mul/imul/div/idiv at every size incl. 128-bit', () => {
    const m = runAsm(`
      mov rax, 0xffffffffffffffff
      mov rbx, 0xffffffffffffffff
      mul rbx
      mov r8, rax
      mov r9, rdx
      mov rax, 1000000000000
      cqo
      mov rbx, -7
      idiv rbx
      mov r10, rax
      mov r11, rdx
      mov eax, 100
      mov ecx, -3
      imul ecx, eax, 5
      mov r12, -2
      imul r12, r12, 0x40000000
      mov ax, 1000
      mov bl, 7
      div bl`);
    expect(reg(m, 8)).toBe(1n);
    expect(reg(m, 9)).toBe(0xfffffffffffffffen);
    expect(reg(m, 10)).toBe(u64(-142857142857n));
    expect(reg(m, 11)).toBe(1n);
    expect(reg(m, 1)).toBe(500n);
    expect(reg(m, 12)).toBe(u64(-0x80000000n));
    expect(reg(m, 0) & 0xffffn).toBe(BigInt((1000 % 7) << 8 | Math.floor(1000 / 7)));
  });
  it('division by zero and quotient overflow stop with divide at the instruction', () => {
    let m = runAsm('xor ecx, ecx\nmov eax, 1\ndiv ecx');
    expect(m.stop).toEqual({ kind: 'divide', pc: CODE + 7 });
    expect(m.cpu.getPc()).toBe(CODE + 7);
    m = runAsm('mov rax, 0x8000000000000000\ncqo\nmov rbx, -1\nidiv rbx');
    expect(m.stop.kind).toBe('divide');
  });
  it('bit operations', () => {
    const m = runAsm(`
      mov rax, 0x0000100000000000
      bsf rbx, rax
      bsr rcx, rax
      popcnt rdx, rax
      xor esi, esi
      tzcnt rsi, rsi
      lzcnt rdi, rax
      mov dword ptr [${DATA}], 0
      mov r8, 37
      bts qword ptr [${DATA}], r8
      mov r9d, dword ptr [${DATA} + 4]
      bt r9d, 5
      setc r10b
      mov r11, 0x1122334455667788
      bswap r11`);
    expect(reg(m, 3)).toBe(44n);
    expect(reg(m, 1)).toBe(44n);
    expect(reg(m, 2)).toBe(1n);
    expect(reg(m, 6)).toBe(64n);
    expect(reg(m, 7)).toBe(19n);
    expect(reg(m, 9)).toBe(32n);
    expect(reg(m, 10) & 1n).toBe(1n);
    expect(reg(m, 11)).toBe(0x8877665544332211n);
  });
  it('setcc/cmovcc after signed and unsigned compares', () => {
    const m = runAsm(`
      mov eax, -1
      cmp eax, 1
      setl bl
      setb cl
      seta dl
      mov rsi, 5
      mov rdi, 9
      cmp rsi, rdi
      cmovl rsi, rdi
      test rsi, rsi
      setnz r8b`);
    expect(reg(m, 3) & 0xffn).toBe(1n);
    expect(reg(m, 1) & 0xffn).toBe(0n);
    expect(reg(m, 2) & 0xffn).toBe(1n);
    expect(reg(m, 6)).toBe(9n);
    expect(reg(m, 8) & 0xffn).toBe(1n);
  });
  it('cmpxchg, xadd, cmpxchg16b, xchg', () => {
    const m = runAsm(`
      mov qword ptr [${DATA}], 10
      mov rax, 10
      mov rcx, 20
      lock cmpxchg qword ptr [${DATA}], rcx
      setz r8b
      mov rax, 11
      lock cmpxchg qword ptr [${DATA}], rcx
      mov r9, rax
      mov rdx, 5
      lock xadd qword ptr [${DATA}], rdx
      mov r10, qword ptr [${DATA}]
      mov qword ptr [${DATA} + 16], 1
      mov qword ptr [${DATA} + 24], 2
      mov rax, 1
      mov rdx, 2
      mov rbx, 3
      mov rcx, 4
      cmpxchg16b [${DATA} + 16]
      mov r11, qword ptr [${DATA} + 24]
      mov r12, 1
      xchg r12, qword ptr [${DATA}]`);
    expect(reg(m, 8) & 1n).toBe(1n);
    expect(reg(m, 9)).toBe(20n);
    expect(reg(m, 10)).toBe(25n);
    expect(reg(m, 11)).toBe(4n);
    expect(reg(m, 12)).toBe(25n);
  });
  it('string instructions', () => {
    const m = runAsm(`
      lea rdi, [${DATA}]
      mov rcx, 100
      mov al, 0x41
      rep stosb
      lea rsi, [${DATA}]
      lea rdi, [${DATA} + 0x200]
      mov rcx, 13
      rep movsq
      mov byte ptr [${DATA} + 0x200 + 50], 0
      lea rdi, [${DATA} + 0x200]
      mov rcx, -1
      xor eax, eax
      repne scasb
      not rcx
      dec rcx
      mov r8, rcx
      lea rsi, [${DATA}]
      lea rdi, [${DATA} + 0x200]
      mov rcx, 100
      repe cmpsb
      mov r9, rcx
      std
      lea rdi, [${DATA} + 0x400 + 24]
      mov rax, 7
      mov rcx, 4
      rep stosq
      cld
      mov r10, rdi`);
    expect(reg(m, 8)).toBe(50n);
    expect(reg(m, 9)).toBe(49n);
    expect(reg(m, 10)).toBe(BigInt(DATA + 0x400 - 8));
    expect(m.mem.readU64(DATA + 0x400)).toBe(7n);
    expect(m.mem.readU64(DATA + 0x400 + 24)).toBe(7n);
  });
  it('push/pop/call/ret/enter/leave and loop', () => {
    const m = runAsm(`
      mov rbp, 0x1234
      call f
      mov rbx, rax
      mov ecx, 5
      xor edx, edx
    2: add edx, ecx
      loop 2b
      jmp 9f
    f: enter 32, 0
      mov qword ptr [rbp - 8], 77
      mov rax, [rbp - 8]
      push rax
      pop rsi
      leave
      ret
    9:`);
    expect(reg(m, 3)).toBe(77n);
    expect(reg(m, 5)).toBe(0x1234n);
    expect(reg(m, 2)).toBe(15n);
    expect(reg(m, 4)).toBe(BigInt(0x800000 - 64));
  });
});

describe('exits', () => {
  it('faults are exact: registers of the faulting instruction, pc at it', () => {
    const m = runAsm('mov eax, 1\nmov ebx, 2\nadd rax, rbx\nmov rcx, qword ptr [0x12345678]\nmov eax, 99');
    expect(m.stop).toEqual({ kind: 'fault', pc: CODE + 13, addr: 0x12345678, access: 'r', mapped: false });
    expect(reg(m, 0)).toBe(3n);
    expect(m.cpu.getPc()).toBe(CODE + 13);
  });
  it('a rep string instruction faulting midway stops with rsi/rdi/rcx (rax for lods) as far as it got', () => {
    const END = DATA + 0x10000; // the first unmapped byte after the data area
    // movsb: 100 bytes to go before the destination leaves the mapping; rbx changed earlier in the block
    let m = runAsm(`mov rbx, 7\nmov rsi, ${DATA}\nmov rdi, ${END - 100}\nmov rcx, 1000\nrep movsb\nmov ebx, 99`);
    expect(m.stop).toMatchObject({ kind: 'fault', addr: END, access: 'w', mapped: false });
    expect([reg(m, 1), reg(m, 6), reg(m, 7), reg(m, 3)]).toEqual([900n, BigInt(DATA + 100), BigInt(END), 7n]);
    // stosd: 25 dwords fit
    m = runAsm(`mov eax, 0x11223344\nmov rdi, ${END - 100}\nmov rcx, 1000\nrep stosd`);
    expect(m.stop).toMatchObject({ kind: 'fault', addr: END, access: 'w', mapped: false });
    expect([reg(m, 1), reg(m, 7)]).toEqual([975n, BigInt(END)]);
    // lodsb: the last byte read stays in al
    m = runAsm(`mov byte ptr [${END - 1}], 0x5a\nmov rsi, ${END - 10}\nmov rcx, 100\nrep lodsb`);
    expect(m.stop).toMatchObject({ kind: 'fault', addr: END, access: 'r', mapped: false });
    expect([reg(m, 1), reg(m, 6), reg(m, 0) & 0xffn]).toEqual([90n, BigInt(END), 0x5an]);
    // repne scasb (no match in zeros) and repe cmpsb (equal zeros) run into the end
    m = runAsm(`mov al, 0xaa\nmov rdi, ${END - 10}\nmov rcx, 100\nrepne scasb`);
    expect(m.stop).toMatchObject({ kind: 'fault', addr: END, access: 'r', mapped: false });
    expect([reg(m, 1), reg(m, 7)]).toEqual([90n, BigInt(END)]);
    m = runAsm(`mov rsi, ${DATA}\nmov rdi, ${END - 10}\nmov rcx, 100\nrepe cmpsb`);
    expect(m.stop).toMatchObject({ kind: 'fault', addr: END, access: 'r', mapped: false });
    expect([reg(m, 1), reg(m, 6), reg(m, 7)]).toEqual([90n, BigInt(DATA + 10), BigInt(END)]);
  });
  it('write to read-only memory is an access fault', () => {
    const m = runAsm(`mov dword ptr [${CODE}], 1`);
    expect(m.stop).toMatchObject({ kind: 'fault', addr: CODE, access: 'w', mapped: true });
  });
  it('ud2 / undefined opcodes are illegal at the instruction; int3 is a breakpoint after it', () => {
    let m = runAsm('nop\nud2');
    expect(m.stop).toMatchObject({ kind: 'illegal', pc: CODE + 1 });
    m = runAsm('nop\n.byte 0x06');
    expect(m.stop).toMatchObject({ kind: 'illegal', pc: CODE + 1 });
    m = runAsm('nop\nint3');
    expect(m.stop).toEqual({ kind: 'breakpoint', pc: CODE + 2 });
  });
  it('privileged instructions (hlt, cli, sti, int n, in/out/ins/outs) are #GP faults at the instruction, int 0x80 is illegal', () => {
    for (const insn of ['hlt', 'cli', 'sti', 'int 0x21', 'in al, dx', 'out 0x80, al', 'in eax, 0x60', 'insb', 'outsd']) {
      const m = runAsm(`mov ebx, 7\nnop\n${insn}\nmov ebx, 9`);
      expect(m.stop, insn).toEqual({ kind: 'fault', pc: CODE + 6, addr: 0, access: 'r', mapped: true, gp: true });
      expect(m.cpu.getReg(3), insn).toBe(7n);
      expect(m.cpu.getPc(), insn).toBe(CODE + 6);
    }
    const m = runAsm('nop\nint 0x80');
    expect(m.stop).toMatchObject({ kind: 'illegal', pc: CODE + 1 });
  });
  it('getReg / setReg round-trip 64-bit values (the number fast path and the BigInt one)', () => {
    const m = machine(asm('nop'));
    const vals = [0n, 1n, -1n, -38n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 0x100000000n, (1n << 53n) - 1n, 1n << 53n,
      -(1n << 53n) + 1n, -(1n << 53n), (1n << 63n), (1n << 64n) - 1n, 1n << 64n, -(1n << 63n), 0x123456789abcdef0n, 5n << 70n];
    for (let i = 0; i < 16; i++) {
      for (const v of vals) {
        m.cpu.setReg(i, v);
        expect(m.cpu.getReg(i)).toBe(BigInt.asUintN(64, v));
      }
    }
  });
  it('jumping into unmapped memory is an execute fault', () => {
    const m = runAsm('mov rax, 0x90000000\njmp rax');
    expect(m.stop).toEqual({ kind: 'fault', pc: 0x90000000, addr: 0x90000000, access: 'x', mapped: false });
  });
  it('budget stops inside a loop that compiled to a JS loop and resumes', () => {
    const code = asm('xor eax, eax\n1: inc rax\njmp 1b');
    const m = machine(code);
    expect(m.cpu.run(1000).kind).toBe('budget');
    const a = m.cpu.getReg(0);
    expect(a).toBeGreaterThan(400n);
    expect(m.cpu.run(1000).kind).toBe('budget');
    expect(m.cpu.getReg(0)).toBeGreaterThan(a + 400n);
  });
  it('syscall commits rcx/r11 and binds constant-number sites to handlerFor', () => {
    const code = asm('mov eax, 39\nsyscall\nmov rbx, rax\nmov eax, 60\nsyscall');
    const calls: string[] = [];
    const m = machine(code, {
      syscall: (cpu) => { calls.push(`generic ${cpu.getReg(0)}`); return false; },
      handlerFor: (nr) => (nr === 39 ? (cpu) => { calls.push(`direct ${cpu.getReg(1).toString(16)}`); cpu.setReg(0, 1234n); return true; } : undefined),
    });
    expect(m.cpu.run(100)).toEqual({ kind: 'yield' });
    expect(calls).toEqual([`direct ${(CODE + 7).toString(16)}`, 'generic 60']);
    expect(m.cpu.getReg(3)).toBe(1234n);
    expect(m.cpu.getPc()).toBe(CODE + 7 + 3 + 5 + 2);
  });
  it('self-modifying code drops the stale translation', () => {
    // Code page made writable: the block patches its own immediate and re-runs.
    const code = asm(`
      mov ecx, 2
    1: mov eax, 1
      mov byte ptr [${CODE + 6}], 5
      mov ebx, eax
      dec ecx
      jnz 1b
      int3`);
    const m = machine(code);
    m.mem.protect(CODE, 4096, 7);
    expect(m.cpu.run(1000).kind).toBe('breakpoint');
    expect(m.mem.readU8(CODE + 6)).toBe(5);
    expect(m.cpu.getReg(3)).toBe(5n);
    void PERM_R;
  });
  it('cpuid reports GenuineIntel, SSE2..SSE4.2, and no AVX/XSAVE', () => {
    const m = runAsm('xor eax, eax\ncpuid\nmov r8, rbx\nmov eax, 1\ncpuid');
    expect(Number(reg(m, 8))).toBe(0x756e6547);
    expect(Number(reg(m, 2)) & (1 << 26)).not.toBe(0);
    const ecx = Number(reg(m, 1));
    expect(ecx & ((1 << 0) | (1 << 9) | (1 << 19) | (1 << 20))).toBe((1 << 0) | (1 << 9) | (1 << 19) | (1 << 20));
    expect(ecx & ((1 << 26) | (1 << 27) | (1 << 28))).toBe(0);
  });
  it('getState/setState round-trip', () => {
    const m = runAsm('mov rax, 5\nmov r15, -2\nstc');
    const s = m.cpu.getState();
    const m2 = machine(asm('nop'));
    m2.cpu.setState(s);
    expect(m2.cpu.getReg(15)).toBe(u64(-2n));
    expect(flags(m2) & 1).toBe(1);
  });
});
