// x86-64 disassembly for lockstep reports with iced-x86's formatter (Intel syntax), when the
// iced-x86 package can be resolved from this package. It is optional: without it, reports use
// the disassembler given in LockstepOptions, or hex bytes.
import { createRequire } from 'node:module';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Disasm = (bytes: Uint8Array, pc: number) => string;

/** A disassembler over an iced-x86 module object (the package's exports). */
export function makeIcedDisasm(iced: any): Disasm {
  const formatter = new iced.Formatter(iced.FormatterSyntax.Intel);
  formatter.spaceAfterOperandSeparator = true;
  formatter.showBranchSize = false;
  formatter.hexPrefix = '0x';
  formatter.hexSuffix = '';
  formatter.uppercaseHex = false;
  formatter.branchLeadingZeros = false;
  return (bytes, pc) => {
    const decoder = new iced.Decoder(64, bytes, iced.DecoderOptions.None);
    try {
      decoder.ip = BigInt(pc);
      const insn = decoder.decode();
      try {
        return insn.isInvalid ? `(bad) ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}` : formatter.format(insn);
      } finally {
        insn.free();
      }
    } finally {
      decoder.free();
    }
  };
}

let cached: Disasm | null | undefined;

/** iced-x86's formatter if the package resolves from here, else undefined. Never throws. */
export function icedDisasm(): Disasm | undefined {
  if (cached !== undefined) return cached ?? undefined;
  try {
    cached = makeIcedDisasm(createRequire(import.meta.url)('iced-x86'));
  } catch {
    cached = null;
  }
  return cached ?? undefined;
}
