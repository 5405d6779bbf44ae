#!/bin/sh
# Fetches Debian's busybox-static for arm64 and unpacks it into tests/.cache/busybox-arm64/
# (never committed). Needs root for `dpkg --add-architecture` and `apt-get update`, and network.
# The binary ends up at tests/.cache/busybox-arm64/bin/busybox. Does nothing if it is there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=$here/.cache/busybox-arm64
if [ -x "$dest/bin/busybox" ]; then
    echo "already fetched: $dest/bin/busybox"
    exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    dpkg --add-architecture arm64
    apt-get update -qq
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp" # so apt can download as its sandbox user
if ! (cd "$tmp" && apt-get download -qq busybox-static:arm64); then
    # the lists may predate the architecture: refresh once and retry
    apt-get update -qq
    (cd "$tmp" && apt-get download -qq busybox-static:arm64)
fi
rm -rf "$dest"
mkdir -p "$dest"
dpkg -x "$tmp"/busybox-static_*_arm64.deb "$dest"
test -x "$dest/bin/busybox"
echo "fetched $(ls "$tmp"/*.deb | xargs -n1 basename) -> $dest/bin/busybox"
