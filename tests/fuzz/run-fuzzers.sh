#!/usr/bin/env bash
# Builds the libFuzzer targets (the `fuzz` preset: clang-14, ASan + UBSan) and runs each for
# SECONDS, starting from its committed seed corpus. New inputs are kept between runs in
# build-fuzz/corpus/<target> (never committed); a crash, leak, timeout or sanitizer report
# leaves its input in build-fuzz/artifacts/<target>/ and fails the run. Prints each target's
# executions. Needs clang-14 and libclang-rt-14-dev (./setup.sh test installs them).
# usage: tests/fuzz/run-fuzzers.sh SECONDS [TARGET...]   (targets: media image project
#        manifest safetensors plan; default all)
#        tests/fuzz/run-fuzzers.sh smoke [TARGET...]   CI's smoke: a fixed seed and a fixed
#        number of runs (deterministic, about a minute each here) instead of a time
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: run-fuzzers.sh SECONDS|smoke [TARGET...]}
shift
if [ "$seconds" = smoke ]; then
  limit=(-seed=1 -runs="${TINCTURE_FUZZ_SMOKE_RUNS:-50000}")
else
  limit=(-max_total_time="$seconds")
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(media image project manifest safetensors plan)
command -v clang++-14 >/dev/null || { echo "run-fuzzers: clang++-14 is not installed"; exit 77; }

build=build-fuzz
cmake --preset fuzz >/dev/null
cmake --build "$build" -j "${TINCTURE_JOBS:-2}" --target "${targets[@]/#/fuzz_}"

export OMP_WAIT_POLICY=PASSIVE
# LeakSanitizer on; Qt's and FFmpeg's one-off allocations at exit are not leaks of a run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for t in "${targets[@]}"; do
  work="$build/corpus/$t"; artifacts="$build/artifacts/$t"
  # The smoke starts from the seeds alone, whatever earlier runs found: the same every time.
  [ "$seconds" = smoke ] && { work="$build/corpus-smoke/$t"; rm -rf "$work"; }
  mkdir -p "$work" "$artifacts"
  log="$build/fuzz-$t.log"
  echo "run-fuzzers: $t (${limit[*]})"
  rc=0
  "$build/fuzz/fuzz_$t" "${limit[@]}" -timeout=30 -rss_limit_mb=4096 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  corpus=$(ls "$work" | wc -l)
  echo "run-fuzzers: $t: exit $rc, ${execs:-?} executions, $corpus inputs in $work"
  if [ "$rc" -ne 0 ]; then
    failed=1
    grep -E "ERROR|SUMMARY|Test unit written" "$log" | head -20 || true
    echo "run-fuzzers: $t: see $log"
  fi
done
exit $failed
