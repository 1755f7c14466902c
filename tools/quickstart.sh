#!/usr/bin/env bash
# From a fresh Debian 12 machine to a working nazo: install the packages,
# build into ./build, then show the devices and plugins nazo finds.
set -euo pipefail

cd "$(dirname "$0")/.."

tools/install-deps.sh

build=${NAZO_BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build"

echo
echo "== nazo devices"
"$build/tools/nazo" devices
echo
echo "== nazo plugins"
"$build/tools/nazo" plugins
