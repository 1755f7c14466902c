#!/usr/bin/env bash
# Install every Debian package nazo needs to build, test and run.
# Non-interactive; uses sudo only when not root.  Packages already installed
# are left alone, so a second run costs one dpkg query and no network.
set -euo pipefail

packages=(
  build-essential meson ninja-build pkg-config
  ocl-icd-opencl-dev opencl-c-headers pocl-opencl-icd clinfo libclblast-dev
  librandom123-dev zlib1g-dev libjansson-dev libcmocka-dev
  gnuplot-nox dataset-fashion-mnist libopenblas-dev
)

# --cross-aarch64: also what the aarch64 cross build under qemu needs
# (tools/cross-test-aarch64.sh, run by tools/run-tests.sh): the toolchain, and
# the core's and the tests' libraries for the target as multiarch arm64
# packages, which makes arm64 a foreign architecture of this machine's dpkg.
# Not part of the plain setup: building and running nazo need none of it.
if [ "${1:-}" = --cross-aarch64 ]; then
  packages+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user
             libjansson-dev:arm64 zlib1g-dev:arm64 libcmocka-dev:arm64)
elif [ $# -gt 0 ]; then
  echo "install-deps: unknown option '$1' (the only one is --cross-aarch64)" >&2
  exit 2
fi

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: not root and sudo is not installed; run as root" >&2
  exit 1
fi

# A name without an architecture means the machine's own (zlib1g-dev is
# installed twice once zlib1g-dev:arm64 is), or failing that an arch: all one.
native=$(dpkg --print-architecture)
missing=()
for p in "${packages[@]}"; do
  q=$p
  [[ $p == *:* ]] || q=$p:$native
  status=$(dpkg-query -W -f='${db:Status-Status}' "$q" 2>/dev/null ||
           dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# apt knows arm64 packages only once dpkg accepts the architecture.
if [[ " ${missing[*]}" == *:arm64* ]] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo[@]}" dpkg --add-architecture arm64
fi
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
