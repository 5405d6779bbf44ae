// `elfbox inspect PROG [ARGS]`: what the loader sees and builds, without running anything:
// the ELF header, segments, interpreter, needed libraries, the load steps, and the initial
// stack with its auxv drawn as a labelled diagram, high addresses on top.
import { AUXV_NAMES } from '@elfbox/abi';
import { formatSteps, permString, type LoadResult, type StackItem } from '@elfbox/elf';
import { MM, STACK_TOP, loadProgram, prepareProgram, resolveBackend, type Program } from '@elfbox/kernel';

const hex = (n: number | bigint) => '0x' + n.toString(16);
const PF = (f: number) => `${f & 4 ? 'R' : '-'}${f & 2 ? 'W' : '-'}${f & 1 ? 'X' : '-'}`;

export interface InspectOptions {
  path: string;
  argv: string[];
  envp: string[];
  root?: string;
  cpu?: string;
}

/** Draws the stack items as boxes from the highest address down to sp. */
export function stackDiagram(items: StackItem[], sp: number, top: number): string {
  const width = 58;
  const rule = `${' '.repeat(12)}+${'-'.repeat(width)}+`;
  const lines = [`${' '.repeat(12)} high addresses (stack top ${hex(top)})`, rule];
  const sorted = [...items].sort((a, b) => b.addr - a.addr);
  let lastKind = '';
  for (const it of sorted) {
    if (lastKind && it.kind !== lastKind) lines.push(rule);
    lastKind = it.kind;
    let label = `${it.label} (${it.size} B)`;
    if (label.length > width - 2) label = label.slice(0, width - 5) + '...';
    lines.push(`${hex(it.addr).padStart(11)} | ${label.padEnd(width - 2)} |${it.addr === sp ? '  <- sp' : ''}`);
  }
  lines.push(rule, `${' '.repeat(12)} low addresses (sp = ${hex(sp)}, 16-byte aligned: ${sp % 16 === 0})`);
  return lines.join('\n');
}

export async function inspect(o: InspectOptions): Promise<string> {
  const prog: Program = prepareProgram({ path: o.path, root: o.root });
  const e = prog.exe;
  const out: string[] = [];
  out.push(`${o.path}: ELF64 ${e.machine} ${e.type === 'dyn' ? 'ET_DYN (PIE or shared object)' : 'ET_EXEC'}, entry ${hex(e.entry)}`);
  out.push(`  program headers: ${e.phnum} at file offset ${hex(e.phoff)}; stack ${e.stackExec ? 'executable' : 'not executable'}`);
  out.push(`  interpreter: ${e.interp ?? '(none: statically linked)'}`);
  out.push(`  needed: ${e.needed?.length ? e.needed.join(', ') : '(none)'}`);
  if (e.buildId) out.push(`  build id: ${e.buildId}`);
  out.push('', 'Segments:', '  type           offset     vaddr              filesz     memsz      flags align');
  for (const s of e.segments) {
    out.push(`  ${s.typeName.padEnd(14)} ${hex(s.offset).padEnd(10)} ${hex(s.vaddr).padEnd(18)} ${hex(s.filesz).padEnd(10)} ${hex(s.memsz).padEnd(10)} ${PF(s.flags)}   ${hex(s.align)}`);
  }
  let backend;
  try { backend = await resolveBackend(o.cpu ?? 'ts', e.machine); } catch { backend = undefined; }
  const mm = new MM();
  const random = new Uint8Array(16).map((_, i) => i * 17);
  const res: LoadResult = loadProgram(mm, prog, o.argv, o.envp, o.path, backend, { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 }, random);
  out.push('', 'Load steps:', formatSteps(res.steps).split('\n').map((l) => '  ' + l).join('\n'));
  out.push('', `Start: pc ${hex(res.entry)}${prog.interp ? ' (the interpreter\'s entry)' : ''}, sp ${hex(res.sp)}, brk ${hex(res.brk)}, exe base ${hex(res.exeBase)}${prog.interp ? `, interpreter base ${hex(res.interpBase)}` : ''}`);
  out.push('', 'Auxiliary vector:');
  for (const [t, v] of res.auxv) out.push(`  ${(AUXV_NAMES[t] ?? `AT_${t}`).padEnd(20)} ${hex(v)}`);
  out.push('', 'Initial stack:', stackDiagram(res.stack, res.sp, STACK_TOP));
  out.push('', 'Memory map:', mm.formatMaps().trimEnd().split('\n').map((l) => '  ' + l).join('\n'));
  return out.join('\n') + '\n';
}

export { permString };
