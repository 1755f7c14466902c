#!/usr/bin/env bash
# Install the build into a temporary DESTDIR, build oot_sum.c against the
# installed nazo.pc the way a user outside the tree would, and run it with
# the installed `nazo`.
#   test_outoftree.sh BUILD_DIR SOURCE PREFIX LIBDIR BINDIR
set -euo pipefail

build=$1 src=$2 prefix=$3 libdir=$4 bindir=$5
fail() { echo "FAIL: $*" >&2; exit 1; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/nazo-outoftree-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --no-rebuild --quiet --destdir "$tmp/root" >"$tmp/install.log" 2>&1 ||
  { cat "$tmp/install.log" >&2; fail "meson install into $tmp/root"; }
root=$tmp/root$prefix
case $libdir in /*) lib=$tmp/root$libdir ;; *) lib=$root/$libdir ;; esac
case $bindir in /*) bin=$tmp/root$bindir ;; *) bin=$root/$bindir ;; esac

# Only the installed nazo.pc, relocated into the temporary prefix.
export PKG_CONFIG_LIBDIR=$lib/pkgconfig PKG_CONFIG_PATH=
pc() { pkg-config --define-variable=prefix="$root" "$@" nazo; }
pc --exists || fail "no nazo.pc under $lib/pkgconfig"

plugindir=$(pc --variable=plugindir)
[ -n "$plugindir" ] || fail "pkg-config --variable=plugindir nazo is empty"
[ "$plugindir" = "$lib/nazo/plugins" ] || fail "plugindir is $plugindir, expected $lib/nazo/plugins"
[ -f "$plugindir/nazo-backend-cpu.so" ] || fail "the CPU backend is not installed in $plugindir"
echo "ok: plugindir $plugindir holds the CPU backend"

mkdir "$tmp/plugins"
# shellcheck disable=SC2046 # word splitting of the flags is intended
cc -std=c11 -Wall -Wextra -Werror -shared -fPIC "$src" -o "$tmp/plugins/nazo-exp-ootsum.so" \
  $(pc --cflags --libs) || fail "compiling $src against the installed headers"
echo "ok: built nazo-exp-ootsum.so with pkg-config flags: $(pc --cflags --libs)"

# The installed binary has no build-tree rpath: point it at the temp prefix.
export LD_LIBRARY_PATH=$lib NAZO_PLUGIN_PATH=$tmp/plugins:$plugindir
unset NAZO_DEVICE NAZO_DEBUG
nazo=$bin/nazo
[ -x "$nazo" ] || fail "nazo is not installed at $nazo"

"$nazo" experiments >"$tmp/experiments.txt" 2>&1 ||
  { cat "$tmp/experiments.txt" >&2; fail "nazo experiments"; }
grep -qw ootsum "$tmp/experiments.txt" ||
  { cat "$tmp/experiments.txt" >&2; fail "nazo experiments does not list ootsum"; }
echo "ok: nazo experiments lists ootsum"

"$nazo" run ootsum --set n=1000 --set value=0.25 --out "$tmp/run" >"$tmp/run.txt" 2>&1 ||
  { cat "$tmp/run.txt" >&2; fail "nazo run ootsum"; }
[ -f "$tmp/run/summary.json" ] || { ls -lR "$tmp/run" >&2; fail "no summary.json in $tmp/run"; }
python3 - "$tmp/run/summary.json" <<'PY' || fail "summary.json does not hold sum = 250"
import json, sys
summary = json.load(open(sys.argv[1]))
print("summary.json:", summary)
def find(node):
    # The headline numbers may sit at the top level or one object down.
    if isinstance(node, dict):
        if "sum" in node and isinstance(node["sum"], (int, float)):
            return node["sum"]
        for value in node.values():
            found = find(value)
            if found is not None:
                return found
    return None
value = find(summary)
sys.exit(0 if value is not None and abs(value - 250.0) < 1e-3 else 1)
PY
echo "ok: nazo run ootsum wrote sum = 250 to summary.json"
