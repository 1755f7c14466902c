#!/usr/bin/env bash
# Build and run every test, then again under AddressSanitizer and
# UndefinedBehaviorSanitizer: every suite but 'opencl', in a build without
# the OpenCL backend.  OpenCL drivers are not built with the sanitizers, and
# the ICD loader's allocations look leaked once the backend is dlclose'd, so
# the sanitized build checks our own code and the CPU backend only.  Last, the
# CPU and conformance suites cross-built for aarch64 and run under qemu
# (tools/cross-test-aarch64.sh: the NEON kernels).  The last line of
# output is "N passed, N failed" over all three runs; the exit status is nonzero
# when anything failed, including a build.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1

# Build directories (override to keep several checkouts' builds apart).
build=${NAZO_BUILD_DIR:-build}
asan=${NAZO_ASAN_BUILD_DIR:-build-asan}
arm=${NAZO_ARM_BUILD_DIR:-build-arm}

tools/install-deps.sh || exit 1

passed=0
failed=0

# Add one meson test run's results (its testlog.json) to the totals.
count_results() {
  local log=$1/meson-logs/testlog.json
  if [ ! -s "$log" ]; then
    echo "run-tests: no test log in $1: counting the run as one failure" >&2
    failed=$((failed + 1))
    return
  fi
  local counts
  counts=$(python3 - "$log" <<'PY'
import json, sys
ok = bad = 0
for line in open(sys.argv[1]):
    line = line.strip()
    if not line:
        continue
    result = json.loads(line).get("result")
    if result in ("OK", "EXPECTEDFAIL"):
        ok += 1
    elif result != "SKIP":
        bad += 1
print(ok, bad)
PY
  ) || { failed=$((failed + 1)); return; }
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

# run_suite DIR MESON_TEST_ARGS...: configure is done; build and test.
run_suite() {
  local dir=$1
  shift
  if ! ninja -C "$dir"; then
    echo "run-tests: build in $dir failed" >&2
    failed=$((failed + 1))
    return
  fi
  rm -f "$dir/meson-logs/testlog.json"
  meson test -C "$dir" --print-errorlogs "$@"
  count_results "$dir"
}

echo "== build and test ($build/)"
if [ -f "$build/build.ninja" ] || meson setup "$build"; then
  run_suite "$build"
else
  failed=$((failed + 1))
fi

echo "== ASan + UBSan, CPU suites ($asan/)"
# b_lundef=false: plugins leave the sanitizer runtime to the executable.
# shellcheck disable=SC2054 # the comma belongs to the option value
asan_opts=(-Db_sanitize=address,undefined -Db_lundef=false -Dopencl=disabled)
if [ -f "$asan/build.ninja" ]; then
  meson configure "$asan" "${asan_opts[@]}"
else
  meson setup "$asan" "${asan_opts[@]}"
fi
if [ -f "$asan/build.ninja" ]; then
  # Any sanitizer report fails the test: stop at the first error and check
  # leaks at exit (leaks in dlclose'd plugins still show, with unsymbolised
  # frames).  allocator_may_return_null: tests ask for impossible sizes to
  # check that nazo reports NZ_ERR_NOMEM instead of crashing.
  ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1:print_summary=1 \
  UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1:print_summary=1 \
    run_suite "$asan" --no-suite opencl --timeout-multiplier 4
else
  failed=$((failed + 1))
fi

echo "== aarch64 cross build under qemu ($arm/)"
# The script builds only what its suites run: 3.5 minutes from scratch on two
# idle cores, most of it cpu_vmath's sweep under emulation.  Its test log
# counts like the runs above, and a failure the log cannot show (configure,
# build, the NEON check) as one more.
failed_before=$failed
NAZO_ARM_BUILD_DIR=$arm tools/cross-test-aarch64.sh
arm_status=$?
count_results "$arm"
if [ "$arm_status" -ne 0 ] && [ "$failed" -eq "$failed_before" ]; then
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
