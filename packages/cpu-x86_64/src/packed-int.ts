// The 0F D1..FE packed-integer instructions (shifts by register, add/sub with and without
// saturation, multiplies, min/max, average, logic, psadbw): the same opcodes name the same
// operation on mm registers (no prefix, MMX and its SSE additions) and on xmm registers (66,
// SSE2). Both translators take their helper names (sse-rt.ts) from this one table.
export const PACKED_INT_D1_FE: ReadonlyArray<[number, string]> = [
  [0x1d1, 'psrlw'], [0x1d2, 'psrld'], [0x1d3, 'psrlq'], [0x1d4, 'paddq'], [0x1d5, 'pmullw'], [0x1d8, 'psubusb'], [0x1d9, 'psubusw'],
  [0x1da, 'pminub'], [0x1db, 'pand'], [0x1dc, 'paddusb'], [0x1dd, 'paddusw'], [0x1de, 'pmaxub'], [0x1df, 'pandn'],
  [0x1e0, 'pavgb'], [0x1e1, 'psraw'], [0x1e2, 'psrad'], [0x1e3, 'pavgw'], [0x1e4, 'pmulhuw'], [0x1e5, 'pmulhw'],
  [0x1e8, 'psubsb'], [0x1e9, 'psubsw'], [0x1ea, 'pminsw'], [0x1eb, 'por'], [0x1ec, 'paddsb'], [0x1ed, 'paddsw'], [0x1ee, 'pmaxsw'], [0x1ef, 'pxor'],
  [0x1f1, 'psllw'], [0x1f2, 'pslld'], [0x1f3, 'psllq'], [0x1f4, 'pmuludq'], [0x1f5, 'pmaddwd'], [0x1f6, 'psadbw'],
  [0x1f8, 'psubb'], [0x1f9, 'psubw'], [0x1fa, 'psubd'], [0x1fb, 'psubq'], [0x1fc, 'paddb'], [0x1fd, 'paddw'], [0x1fe, 'paddd'],
];
