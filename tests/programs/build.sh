#!/bin/sh
# Builds every tests/programs/*.c for each target into tests/.cache/programs/<target>/<name>:
#   x86_64-musl        musl-gcc -static -O2
#   x86_64-glibc       gcc -static -O2
#   x86_64-glibc-dyn   gcc -O2 (dynamic PIE; runs against the host's /lib64/ld-linux-x86-64.so.2)
#   aarch64-glibc      aarch64-linux-gnu-gcc -static -O2
# A binary is rebuilt only when its inputs changed: a stamp file beside it holds a hash of the
# source, common.h and the compile command. A target whose compiler is missing is skipped with a
# message on stderr (the tests then report those cases as skipped).
# Usage: tests/programs/build.sh [name...]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cache=$(cd "$here/.." && pwd)/.cache/programs
cd "$here"
names=${*:-$(ls *.c | sed 's/\.c$//')}
cflags="-O2 -Wall -Wno-format -fno-strict-aliasing"
built=0
uptodate=0

compile() { # target compiler extra-flags name
    target=$1 cc=$2 extra=$3 name=$4
    if ! command -v "$cc" >/dev/null 2>&1; then
        echo "build.sh: $cc not found, skipping $target/$name" >&2
        return 0
    fi
    out=$cache/$target/$name
    cmd="$cc $cflags $extra -o $out $name.c -lm"
    stamp=$(cat "$name.c" common.h | sha256sum | cut -c1-16)-$(echo "$cmd" | sha256sum | cut -c1-8)
    if [ -x "$out" ] && [ -f "$out.stamp" ] && [ "$(cat "$out.stamp")" = "$stamp" ]; then
        uptodate=$((uptodate + 1))
        return 0
    fi
    mkdir -p "$cache/$target"
    rm -f "$out" "$out.stamp"
    $cmd
    echo "$stamp" >"$out.stamp"
    built=$((built + 1))
}

for n in $names; do
    [ -f "$n.c" ] || { echo "no such program: $n.c" >&2; exit 1; }
    compile x86_64-musl musl-gcc "-static" "$n"
    compile x86_64-glibc gcc "-static" "$n"
    compile x86_64-glibc-dyn gcc "-fPIE -pie" "$n"
    compile aarch64-glibc aarch64-linux-gnu-gcc "-static" "$n"
done
echo "build.sh: $built built, $uptodate up to date in $cache"
