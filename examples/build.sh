#!/bin/sh
# Builds every example for every toolchain found on this machine:
#   examples/bin/x86_64/<name>-musl        musl-gcc -static -Os, stripped (-z noseparate-code: ~9 KB)
#   examples/bin/x86_64/<name>-glibc       gcc -static -O2
#   examples/bin/x86_64/<name>-glibc-dyn   gcc dynamic PIE (needs the host's /lib64/ld-linux-x86-64.so.2)
#   examples/bin/x86_64/<name>-glibc-spie  gcc -static-pie (ET_DYN, no interpreter, relocates itself)
#   examples/bin/aarch64/<name>-glibc      aarch64-linux-gnu-gcc -static -O2
#   examples/bin/<arch>/hello-nolibc       no libc at all (inline syscall/svc), -nostdlib -static, stripped
# A toolchain that is not installed is reported and skipped. There is no musl cross compiler for
# aarch64 in Debian, so aarch64 gets glibc (static) only.
# Usage: examples/build.sh [name...]   (default: every *.c here)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
names=${*:-$(ls *.c | sed 's/\.c$//')}
mkdir -p bin/x86_64 bin/aarch64
have() { command -v "$1" >/dev/null 2>&1; }

build() { # out compiler flags... src
    out=$1; shift
    echo "  $out"
    "$@" -o "$out"
}

for n in $names; do
    src=$n.c
    [ -f "$src" ] || { echo "no such example: $src" >&2; exit 1; }
    if [ "$n" = hello-nolibc ]; then
        flags="-Os -static -nostdlib -ffreestanding -fno-stack-protector -fno-asynchronous-unwind-tables -Wl,--build-id=none -Wl,-z,noseparate-code -s"
        if have gcc; then build bin/x86_64/hello-nolibc gcc $flags "$src"; fi
        if have aarch64-linux-gnu-gcc; then build bin/aarch64/hello-nolibc aarch64-linux-gnu-gcc $flags "$src"; fi
        continue
    fi
    libm=-lm
    if have musl-gcc; then build bin/x86_64/$n-musl musl-gcc -static -Os -s -Wl,-z,noseparate-code -Wall "$src" $libm; else echo "musl-gcc not found: skipping x86_64 musl" >&2; fi
    if have gcc; then
        build bin/x86_64/$n-glibc gcc -static -O2 -Wall "$src" $libm
        build bin/x86_64/$n-glibc-dyn gcc -fPIE -pie -O2 -Wall "$src" $libm
        build bin/x86_64/$n-glibc-spie gcc -static-pie -fPIE -O2 -Wall "$src" $libm
    fi
    if have aarch64-linux-gnu-gcc; then
        build bin/aarch64/$n-glibc aarch64-linux-gnu-gcc -static -O2 -Wall "$src" $libm
    else
        echo "aarch64-linux-gnu-gcc not found: skipping aarch64" >&2
    fi
done
