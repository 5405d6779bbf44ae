#!/bin/sh
# Builds an arm64 sysroot from Debian packages (apt-get download + dpkg -x), for running
# dynamically linked aarch64 programs: elfbox run --sysroot DIR PROG, compared with
# qemu-aarch64 -L DIR PROG. Nothing downloaded here is committed.
#   usage: make-sysroot-arm64.sh [DIR]   (default: $TMPDIR/elfbox-sysroot-arm64)
# Needs root once for `dpkg --add-architecture arm64 && apt-get update`.
set -eu
DIR=${1:-${TMPDIR:-/tmp}/elfbox-sysroot-arm64}
PKGS="libc6 coreutils findutils tar gzip perl-base sqlite3 libsqlite3-0 zlib1g libacl1 libattr1 libselinux1 \
libpcre2-8-0 libgmp10 libreadline8t64 libreadline8 libtinfo6 libncursesw6 libcap2 libssl3t64 libssl3 libzstd1 liblzma5 libbz2-1.0 libcrypt1 \
python3.11-minimal libpython3.11-minimal libpython3.11-stdlib python3.13-minimal libpython3.13-minimal libpython3.13-stdlib \
libexpat1 libffi8 libuuid1"
if [ -f "$DIR/.done" ]; then echo "$DIR"; exit 0; fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
  apt-get update -qq >/dev/null
fi
DEBS="$DIR.debs"
mkdir -p "$DEBS" "$DIR"
cd "$DEBS"
for p in $PKGS; do
  # a package missing from this release (t64 renames) is skipped; a failed download is tried twice
  apt-get download -qq "$p:arm64" >/dev/null 2>&1 || apt-get download -qq "$p:arm64" >/dev/null 2>&1 || true
done
for d in "$DEBS"/*.deb; do dpkg -x "$d" "$DIR"; done
touch "$DIR/.done"
echo "$DIR"
