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

if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null 2>&1; then
  sudo=(sudo)
else
  echo "install-deps: not root and sudo is not installed; run as root" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
