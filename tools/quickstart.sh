#!/usr/bin/env bash
# From a fresh Debian 12 machine to the main job: install the packages, build
# into ./build, show the devices and plugins nazo finds, then run the quick
# version of every experiment on the default device (cpu; set NAZO_DEVICE to
# choose another).  Results go to runs/quick-<experiment>/ (replaced on each
# call); about 3 minutes on 2 cores.
set -euo pipefail

cd "$(dirname "$0")/.."

tools/install-deps.sh

build=${NAZO_BUILD_DIR:-build}
[ -f "$build/build.ninja" ] || meson setup "$build"
ninja -C "$build"
nazo=$build/tools/nazo

echo
echo "== nazo devices"
"$nazo" devices
echo
echo "== nazo plugins"
"$nazo" plugins

mkdir -p runs
for exp in mlp gradflow doubledescent adversarial kip; do
  out=runs/quick-$exp
  rm -rf "$out"
  echo
  echo "== nazo run $exp --set mode=quick --out $out"
  "$nazo" run "$exp" --set mode=quick --out "$out"
  echo "-- $out/summary.json"
  head -c 1500 "$out/summary.json"
  echo
done
echo
echo "quick runs done: see runs/quick-*/ (summary.json, metrics.csv, *.png, run.log)"
