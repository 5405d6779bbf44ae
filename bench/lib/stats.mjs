// Small statistics and formatting helpers (pure functions, unit-tested in bench/test/).

export function median(xs) {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function min(xs) {
  return xs.length ? Math.min(...xs) : NaN;
}

export function max(xs) {
  return xs.length ? Math.max(...xs) : NaN;
}

export function geomean(xs) {
  const v = xs.filter((x) => Number.isFinite(x) && x > 0);
  if (v.length === 0) return NaN;
  return Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length);
}

/**
 * Ratios computed run by run: a[i] / b[i] for each run index both sides have, so that a
 * noisy moment of the machine hits both sides of a ratio.
 */
export function pairedRatios(a, b) {
  const out = [];
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i] == null || b[i] == null || !(b[i] > 0)) continue;
    out.push(a[i] / b[i]);
  }
  return out;
}

/** Human time from nanoseconds: 812 ns, 3.40 us, 12.3 ms, 1.52 s. */
export function fmtNs(ns) {
  if (!Number.isFinite(ns)) return '-';
  if (ns < 1e3) return `${ns.toFixed(0)} ns`;
  if (ns < 1e6) return `${(ns / 1e3).toPrecision(3)} us`;
  if (ns < 1e9) return `${(ns / 1e6).toPrecision(3)} ms`;
  return `${(ns / 1e9).toPrecision(3)} s`;
}

export function fmtKb(kb) {
  if (!Number.isFinite(kb)) return '-';
  if (kb < 1024) return `${kb} KiB`;
  return `${(kb / 1024).toFixed(1)} MiB`;
}

export function fmtRatio(r) {
  if (!Number.isFinite(r)) return '-';
  if (r >= 100) return `${r.toFixed(0)}x`;
  if (r >= 10) return `${r.toFixed(1)}x`;
  return `${r.toFixed(2)}x`;
}

/** Lines a program printed, without the work_ns= timing line (what must match between runners). */
export function checkedOutput(text) {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('work_ns='))
    .join('\n');
}

/** The work_ns= value a program printed, or undefined. */
export function parseWorkNs(text) {
  const m = /^work_ns=(\d+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

/**
 * A guest-measured work time is trusted only if it is positive and not longer than the
 * wall time of the whole process (plus 2 ms of clock granularity): a guest clock that is
 * frozen, or runs fast, must not produce a number.
 */
export function workNsPlausible(workNs, wallNs) {
  return Number.isFinite(workNs) && workNs > 0 && workNs <= wallNs * 1.01 + 2e6;
}

/** Escape a cell for a markdown table and keep it to one line. */
export function mdCell(s, maxLen = 160) {
  let t = String(s).replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
  if (t.length > maxLen) t = t.slice(0, maxLen - 3) + '...';
  return t;
}
