#!/bin/sh
# Cost of fork for a process with MB megabytes touched (default 200): `cow forks MB N` forks N
# children that exit at once and waits for each; per fork = (time(N) - time(0)) / N, ROUNDS rounds
# (default 3) interleaved, each figure printed, then the medians. Native, then elfbox on the
# TypeScript CPU and on Unicorn (x86-64, musl). Uses packages/cli/dist (node scripts/build.mjs).
#   sh packages/kernel/scripts/bench-fork.sh [MB] [N] [ROUNDS]
set -e
MB=${1:-200}; N=${2:-20}; ROUNDS=${3:-3}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BIN=${TMPDIR:-/tmp}/elfbox-bench-cow
musl-gcc -static -O1 -o "$BIN" "$ROOT/packages/kernel/test/process/c/cow.c"
wall() { /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1; }
for r in $(seq "$ROUNDS"); do
  for who in native ts unicorn; do
    if [ "$who" = native ]; then run="$BIN"; else run="node $ROOT/packages/cli/dist/main.js run --cpu $who $BIN"; fi
    a=$(wall $run forks "$MB" 0); b=$(wall $run forks "$MB" "$N")
    echo "$who $a $b" | awk -v n="$N" '{ printf "%-8s per fork %7.1f ms   (N=0: %s s, N=%d: %s s, peak RSS %d MB)\n", $1, ($4 - $2) * 1000 / n, $2, n, $4, $5 / 1024 }'
  done
done | tee "$BIN.out"
echo "medians:"
for who in native ts unicorn; do
  grep "^$who " "$BIN.out" | awk '{ print $4 }' | sort -n | awk -v w="$who" '{ a[NR] = $1 } END { printf "%-8s %7.1f ms per fork\n", w, a[int((NR + 1) / 2)] }'
done
