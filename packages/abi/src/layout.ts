// Declarative struct layouts over DataView (little-endian guest memory).
//
// A layout is built from a list of members the way the C compiler lays them out: each member
// is placed at the next offset aligned to its natural alignment, the struct's alignment is the
// largest member alignment, and its size is rounded up to that alignment. Nested structs and
// arrays of scalars are flattened into fields named by their C member designator
// ('it_value.tv_sec', 'loads[1]'), so every field name can be handed to offsetof() as is.
// Unions place every alternative at the same offset. structs.test.ts checks every layout
// against offsetof/sizeof compiled by gcc for both arches.

export type AbiArch = 'x86_64' | 'aarch64';
export const ABI_ARCHES: readonly AbiArch[] = ['x86_64', 'aarch64'];

/** Scalar field types. `u16be`/`u32be` are network byte order (sin_port, sin6_flowinfo). */
export type ScalarType = 'u8' | 'i8' | 'u16' | 'i16' | 'u32' | 'i32' | 'u64' | 'i64' | 'u16be' | 'u32be';
export type FieldType = ScalarType | 'bytes';

export interface FieldLayout {
  readonly offset: number;
  readonly size: number;
  readonly type: FieldType;
}

export interface StructLayout {
  readonly name: string;
  readonly size: number;
  readonly align: number;
  readonly fields: Readonly<Record<string, FieldLayout>>;
}

export type FieldValue = number | bigint | Uint8Array;
export type StructValues = Record<string, FieldValue>;

const SCALAR_SIZE: Record<ScalarType, number> = {
  u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, u16be: 2, u32be: 4,
};

// ---------------------------------------------------------------------------------------------
// Member descriptions (the declarative input)

/** A byte array: `bytes(65)` for `char sysname[65]`; alignment 1 unless given (`__uint128_t v[32]` is bytes(512, 16)). */
export interface BytesSpec { readonly kind: 'bytes'; readonly size: number; readonly align: number }
/** An array of scalars or structs, flattened to `name[0]`, `name[1]`, ... */
export interface ArraySpec { readonly kind: 'array'; readonly of: MemberType; readonly count: number }
/** A union of alternatives laid at one offset; each alternative is a member list. */
export interface UnionSpec { readonly kind: 'union'; readonly alternatives: readonly (readonly Member[])[] }
/** Explicit padding of n bytes with alignment `align` (a reserved member we do not name). */
export interface PadSpec { readonly kind: 'pad'; readonly size: number; readonly align: number }

export type MemberType = ScalarType | BytesSpec | ArraySpec | StructLayout;
/** `[name, type]`; a union or pad has no name of its own (its members carry the names). */
export type Member = readonly [string, MemberType] | UnionSpec | PadSpec;

export const bytes = (size: number, align = 1): BytesSpec => ({ kind: 'bytes', size, align });
export const array = (of: MemberType, count: number): ArraySpec => ({ kind: 'array', of, count });
export const union = (...alternatives: (readonly Member[])[]): UnionSpec => ({ kind: 'union', alternatives });
export const pad = (size: number, align = 1): PadSpec => ({ kind: 'pad', size, align });

export interface StructOptions {
  /** `__attribute__((packed))`: no padding, alignment 1. */
  readonly packed?: boolean;
  /** `__attribute__((aligned(n)))` on the struct. */
  readonly align?: number;
}

function isStruct(t: MemberType): t is StructLayout {
  return typeof t === 'object' && 'fields' in t;
}

function sizeAlign(t: MemberType): { size: number; align: number } {
  if (typeof t === 'string') return { size: SCALAR_SIZE[t], align: SCALAR_SIZE[t] };
  if (isStruct(t)) return { size: t.size, align: t.align };
  if (t.kind === 'bytes') return { size: t.size, align: t.align };
  const e = sizeAlign(t.of);
  return { size: e.size * t.count, align: e.align };
}

const roundUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Place one typed member at `offset`, adding its flattened fields to `out`. */
function place(out: Record<string, FieldLayout>, name: string, t: MemberType, offset: number): void {
  if (typeof t === 'string') {
    add(out, name, { offset, size: SCALAR_SIZE[t], type: t });
  } else if (isStruct(t)) {
    for (const [f, l] of Object.entries(t.fields)) add(out, `${name}.${f}`, { ...l, offset: offset + l.offset });
  } else if (t.kind === 'bytes') {
    add(out, name, { offset, size: t.size, type: 'bytes' });
  } else {
    const e = sizeAlign(t.of).size;
    for (let i = 0; i < t.count; i++) place(out, `${name}[${i}]`, t.of, offset + i * e);
  }
}

function add(out: Record<string, FieldLayout>, name: string, f: FieldLayout): void {
  const prev = out[name];
  if (prev && (prev.offset !== f.offset || prev.size !== f.size || prev.type !== f.type)) {
    throw new Error(`layout: field ${name} declared twice with different placement`);
  }
  out[name] = Object.freeze(f);
}

/** Lay out members from `start`; returns the end offset and the largest alignment seen. */
function layMembers(out: Record<string, FieldLayout>, members: readonly Member[], start: number, packed: boolean): { end: number; align: number } {
  let off = start;
  let maxAlign = 1;
  for (const m of members) {
    if (!Array.isArray(m)) {
      const s = m as UnionSpec | PadSpec;
      if (s.kind === 'pad') {
        const a = packed ? 1 : s.align;
        off = roundUp(off, a) + s.size;
        maxAlign = Math.max(maxAlign, a);
        continue;
      }
      // union: measure each alternative alone to find the union's alignment, then place all at one offset
      let ua = 1;
      let us = 0;
      for (const alt of s.alternatives) {
        const r = layMembers({}, alt, 0, packed);
        ua = Math.max(ua, r.align);
        us = Math.max(us, r.end);
      }
      off = roundUp(off, packed ? 1 : ua);
      for (const alt of s.alternatives) layMembers(out, alt, off, packed);
      off += roundUp(us, packed ? 1 : ua);
      maxAlign = Math.max(maxAlign, packed ? 1 : ua);
      continue;
    }
    const [name, t] = m as readonly [string, MemberType];
    const { size, align } = sizeAlign(t);
    const a = packed ? 1 : align;
    off = roundUp(off, a);
    place(out, name, t, off);
    off += size;
    maxAlign = Math.max(maxAlign, a);
  }
  return { end: off, align: maxAlign };
}

/** Build a StructLayout from C-ordered members. */
export function struct(name: string, members: readonly Member[], opts: StructOptions = {}): StructLayout {
  const fields: Record<string, FieldLayout> = {};
  const r = layMembers(fields, members, 0, opts.packed ?? false);
  const align = Math.max(opts.packed ? 1 : r.align, opts.align ?? 1);
  return Object.freeze({ name, size: roundUp(r.end, align), align, fields: Object.freeze(fields) });
}

// ---------------------------------------------------------------------------------------------
// Encode / decode

function toBig(v: FieldValue, field: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new TypeError(`encodeStruct: field ${field} needs an integer, got ${String(v)}`);
}

function toNum(v: FieldValue, field: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint') return Number(BigInt.asIntN(64, v));
  throw new TypeError(`encodeStruct: field ${field} needs an integer, got ${String(v)}`);
}

function writeField(dv: DataView, at: number, name: string, f: FieldLayout, v: FieldValue): void {
  switch (f.type) {
    case 'u8': case 'i8': dv.setUint8(at, toNum(v, name) & 0xff); break;
    case 'u16': case 'i16': dv.setUint16(at, toNum(v, name) & 0xffff, true); break;
    case 'u16be': dv.setUint16(at, toNum(v, name) & 0xffff, false); break;
    case 'u32': case 'i32': dv.setUint32(at, toNum(v, name) >>> 0, true); break;
    case 'u32be': dv.setUint32(at, toNum(v, name) >>> 0, false); break;
    case 'u64': case 'i64': dv.setBigUint64(at, BigInt.asUintN(64, toBig(v, name)), true); break;
    case 'bytes': {
      if (!(v instanceof Uint8Array)) throw new TypeError(`encodeStruct: field ${name} needs a Uint8Array`);
      if (v.length > f.size) throw new RangeError(`encodeStruct: field ${name} holds ${f.size} bytes, got ${v.length}`);
      new Uint8Array(dv.buffer, dv.byteOffset + at, v.length).set(v);
      break;
    }
  }
}

function readField(dv: DataView, at: number, f: FieldLayout): FieldValue {
  switch (f.type) {
    case 'u8': return dv.getUint8(at);
    case 'i8': return dv.getInt8(at);
    case 'u16': return dv.getUint16(at, true);
    case 'i16': return dv.getInt16(at, true);
    case 'u16be': return dv.getUint16(at, false);
    case 'u32': return dv.getUint32(at, true);
    case 'i32': return dv.getInt32(at, true);
    case 'u32be': return dv.getUint32(at, false);
    case 'u64': return dv.getBigUint64(at, true);
    case 'i64': return dv.getBigInt64(at, true);
    case 'bytes': return new Uint8Array(dv.buffer.slice(dv.byteOffset + at, dv.byteOffset + at + f.size));
  }
}

/**
 * Write `values` as `layout` into `dv` at `offset` (a new buffer of layout.size when no dv is
 * given). The whole struct is zeroed first, so padding and fields not named in `values` are 0.
 * u64/i64 take bigint or an integer number; narrower fields wrap like a C cast; a bytes field
 * takes a Uint8Array no longer than the field (the rest stays 0). Returns the struct's bytes.
 * Throws TypeError on an unknown field name or a non-integer value.
 */
export function encodeStruct(layout: StructLayout, values: StructValues, dv?: DataView, offset = 0): Uint8Array {
  const view = dv ?? new DataView(new ArrayBuffer(layout.size));
  if (offset < 0 || offset + layout.size > view.byteLength) {
    throw new RangeError(`encodeStruct: ${layout.name} (${layout.size} bytes) does not fit at offset ${offset}`);
  }
  const bytesView = new Uint8Array(view.buffer, view.byteOffset + offset, layout.size);
  bytesView.fill(0);
  for (const [name, v] of Object.entries(values)) {
    const f = layout.fields[name];
    if (!f) throw new TypeError(`encodeStruct: ${layout.name} has no field ${name}`);
    writeField(view, offset + f.offset, name, f, v);
  }
  return bytesView;
}

/**
 * Read every field of `layout` from `dv` at `offset`. u64/i64 come back as bigint, narrower
 * integers as number, bytes fields as a copied Uint8Array. Throws RangeError if out of bounds.
 */
export function decodeStruct(layout: StructLayout, dv: DataView, offset = 0): StructValues {
  if (offset < 0 || offset + layout.size > dv.byteLength) {
    throw new RangeError(`decodeStruct: ${layout.name} (${layout.size} bytes) does not fit at offset ${offset}`);
  }
  const out: StructValues = {};
  for (const [name, f] of Object.entries(layout.fields)) out[name] = readField(dv, offset + f.offset, f);
  return out;
}
