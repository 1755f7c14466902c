#!/usr/bin/env bash
# Cross-build nazo for 64-bit ARM and run the CPU backend's tests and the
# conformance suite under qemu user emulation: the NEON GEMM kernels and the
# rest of the backend get tested without ARM hardware.
#
# Installs what is missing (tools/install-deps.sh --cross-aarch64: the cross
# toolchain, qemu and the arm64 libraries), configures build-arm/ (or
# $NAZO_ARM_BUILD_DIR) with tools/cross/aarch64-linux-gnu.ini, and lets
# `meson test` build only what the two suites run.  Exits nonzero when
# anything fails, including the check that the CPU device ran NEON code.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

dir=${NAZO_ARM_BUILD_DIR:-build-arm}

# A stale log must not be counted (tools/run-tests.sh reads this one), also
# when this run stops before testing.
rm -f "$dir/meson-logs/testlog.json"

tools/install-deps.sh --cross-aarch64 || exit 1

if [ ! -f "$dir/build.ninja" ]; then
  # No OpenCL: the ICD loader and CLBlast are not installed for arm64, and
  # the suites run here test the CPU backend only.
  meson setup "$dir" --cross-file tools/cross/aarch64-linux-gnu.ini -Dopencl=disabled || exit 1
fi

# Emulation is 10-50x slower than the machine itself: the vmath accuracy
# sweep samples 9x fewer inputs (still every binade).
NAZO_TEST_SWEEP_DIV=9 meson test -C "$dir" --suite cpu --suite conformance --print-errorlogs \
  --timeout-multiplier 4
status=$?

# The device detail names the SIMD level the backend picked, and with it the
# GEMM kernel (gemm.c: cfg_f32/cfg_f64): without NEON the tests above would
# have passed on the portable kernel.
log=$dir/meson-logs/testlog.json
if ! grep -q 'NEON (AArch64' "$log" 2>/dev/null; then
  echo "cross-test-aarch64: the CPU device did not report NEON in $log" >&2
  status=1
fi
exit "$status"
