// Text renderings of a load for `elfbox inspect` and the README: the steps, and the initial
// stack drawn from the top (high addresses) down to sp.
import type { LoadStep } from './load.js';
import type { StackItem } from './stack.js';

const hex = (n: number): string => '0x' + n.toString(16);

/** One line per step: "name [image] detail". */
export function formatSteps(steps: LoadStep[]): string {
  return steps.map((s, i) => `${String(i + 1).padStart(2)}. ${s.name}${s.image ? ` (${s.image})` : ''}: ${s.detail}`).join('\n');
}

/** The stack from the top down, one item per line, addresses relative to `top` when given. */
export function formatStack(items: StackItem[], top?: number): string {
  const width = items.reduce((w, it) => Math.max(w, hex(it.addr).length), 0);
  const lines: string[] = [];
  for (const it of [...items].sort((a, b) => b.addr - a.addr)) {
    const rel = top !== undefined ? `  top-${String(top - it.addr).padEnd(4)}` : '';
    lines.push(`${hex(it.addr).padStart(width)}${rel} ${String(it.size).padStart(4)}  ${it.label}`);
  }
  return lines.join('\n');
}
