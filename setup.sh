#!/usr/bin/env bash
# Tincture's one-step set-up: installs what is missing (Debian 12 packages only), builds, and
# then runs the demo on the bundled sample film, or the whole test suite.
#   ./setup.sh demo    install, build, colourise resources/samples/sample.mp4 headlessly
#   ./setup.sh test    install, build, run every test (GUI tests under Xvfb): what CI runs
#   ./setup.sh build   install and build only
#   ./setup.sh sanitize  the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer
#                        (build-asan), and the solver's threads under ThreadSanitizer (build-tsan)
#   ./setup.sh fuzz SECONDS|smoke  every libFuzzer target for SECONDS, or the deterministic
#                      smoke (a fixed seed and number of runs) (build-fuzz)
set -euo pipefail
cd "$(dirname "$0")"

BUILD_DIR=${TINCTURE_BUILD_DIR:-build}
JOBS=${TINCTURE_JOBS:-2}

# Build and runtime dependencies (see README.md).
PACKAGES=(
  cmake ninja-build g++ pkg-config
  qt6-base-dev libgl-dev libqcustomplot-dev fonts-dejavu-core
  libtorch-dev libopenblas0-pthread
  libopencv-dev libeigen3-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev libswresample-dev
)
# Only the tests need these: the ffmpeg/ffprobe CLIs make fixtures and cross-check outputs,
# Xvfb gives the GUI tests a real X server; the package test builds the .deb (dpkg-dev's
# dpkg-shlibdeps, which needs file), validates its desktop files and installs it into a clean
# debootstrap root; clang-format-14 checks the sources follow .clang-format; Slurm
# and munge run a real single-node cluster for the shot-task test (tests/cluster/slurm-film.sh;
# the packages start no daemon), python3's jsonschema and yaml check the Kubernetes manifests.
TEST_PACKAGES=(ffmpeg xvfb xauth dpkg-dev file desktop-file-utils appstream debootstrap
               clang-format-14
               slurmctld slurmd slurm-client munge python3 python3-jsonschema python3-yaml)
# clang-14 with its runtimes (sanitizers, OpenMP) builds the libFuzzer targets
# (tests/fuzz/run-fuzzers.sh).
FUZZ_PACKAGES=(clang-14 libclang-rt-14-dev libomp-14-dev)

install_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing ${missing[*]}" >&2
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >&2
}

build() {
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$BUILD_DIR" -j "$JOBS"
}

cmd=${1:-demo}
case "$cmd" in
  demo)
    install_packages "${PACKAGES[@]}"
    build
    in=resources/samples/sample.mp4
    out=resources/samples/sample.tincture.mp4
    # The main job: shots → a keyframe per shot from the shipped model → propagation →
    # H.264/MP4 with the original sound.
    export OMP_WAIT_POLICY=PASSIVE
    "$BUILD_DIR"/bin/tincture-cli colorize "$in" -o "$out" -y  # -y: replace the previous demo run
    echo "setup: wrote $(pwd)/$out"
    ;;
  test)
    install_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build
    export OMP_WAIT_POLICY=PASSIVE
    xvfb-run -a -s "-screen 0 1600x1000x24" \
      ctest --test-dir "$BUILD_DIR" --output-on-failure -j "$JOBS" --timeout 900
    # The sanitizers (`sanitize`) and the fuzz smoke (`fuzz smoke`) each build the project a
    # second time: they are run by hand, outside CI's 90 minutes (docs/TRUST.md, "CI").
    ;;
  sanitize)
    install_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    export OMP_WAIT_POLICY=PASSIVE
    # LeakSanitizer reports what Qt, FFmpeg and LibTorch keep until exit as leaks of the
    # process; the suite is checked for memory errors and undefined behaviour.
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    # Sanitized code runs 2–3 times slower: QtTest's watchdog gets 30 minutes per test function
    # instead of 5 (ctest's --timeout below bounds each test class).
    export QTEST_FUNCTION_TIMEOUT=${QTEST_FUNCTION_TIMEOUT:-1800000}
    cmake --preset asan >/dev/null
    cmake --build build-asan -j "$JOBS"
    xvfb-run -a -s "-screen 0 1600x1000x24" \
      ctest --test-dir build-asan --output-on-failure -j "$JOBS" --timeout 1800 -LE package
    # ThreadSanitizer on the solver's own thread team and its memory pool. The job manager is
    # left out: its hand-offs go through Qt's event queue, whose locking TSan cannot see in
    # Debian's uninstrumented Qt (docs/TRUST.md).
    cmake --preset tsan >/dev/null
    cmake --build build-tsan -j "$JOBS" --target tst_scribblesolver tst_recycledmemory
    export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
    ctest --test-dir build-tsan --output-on-failure --timeout 1800 \
      -R '^(tst_scribblesolver|tst_recycledmemory)$'
    ;;
  fuzz)
    install_packages "${PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}"
    tests/fuzz/run-fuzzers.sh "${2:?usage: ./setup.sh fuzz SECONDS|smoke}"
    ;;
  build)
    install_packages "${PACKAGES[@]}"
    build
    ;;
  *)
    echo "usage: ./setup.sh demo|test|build|sanitize|fuzz SECONDS|smoke" >&2
    exit 2
    ;;
esac
