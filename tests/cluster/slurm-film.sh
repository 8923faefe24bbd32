#!/usr/bin/env bash
# The bundled sample film coloured by a real Slurm, as an archive's cluster would: a single-node
# Slurm started on this machine (packaging/cluster/slurm/local-slurm.sh), the film planned,
# submitted with the project's submit.sh (a job array of render-shot tasks and a dependent
# assemble job), one array task cancelled while it renders, the assemble job then never run;
# submit.sh run again submits only that shot and the assemble job, and the film it assembles has
# the same frames (ffmpeg framemd5) as single-machine `colorize`. The daemons are stopped at the
# end, whatever happened.
#
# usage: slurm-film.sh SOURCE_DIR TINCTURE_CLI WORK_DIR
# Exit 0 passed, 1 failed, 77 skipped (not root, or Slurm, munge or ffmpeg not installed).
set -euo pipefail

source_dir=$1
export TINCTURE_CLI=$2
work=$3
slurm=$source_dir/packaging/cluster/slurm
sample=$source_dir/resources/samples/sample.mp4

fail() { echo "slurm-film: FAIL: $*" >&2; exit 1; }
command -v ffmpeg >/dev/null || { echo "slurm-film: ffmpeg is not installed; skipped"; exit 77; }

rm -rf "$work"
mkdir -p "$work"
# munged wants every folder above its socket searchable by all.
state=$(mktemp -d /tmp/tincture-slurm-test.XXXXXX)
chmod 755 "$state"
stop() {
    "$slurm/local-slurm.sh" stop "$state" >/dev/null 2>&1 || true
    rm -rf "$state"
}
trap stop EXIT

rc=0
"$slurm/local-slurm.sh" start "$state" >"$work/start.log" 2>&1 || rc=$?
if [ "$rc" -eq 77 ]; then
    cat "$work/start.log"
    echo "slurm-film: no local Slurm here; skipped"
    exit 77
fi
[ "$rc" -eq 0 ] || { cat "$work/start.log" >&2; fail "local-slurm.sh start failed ($rc)"; }
export SLURM_CONF=$state/slurm.conf
export OMP_WAIT_POLICY=PASSIVE

cd "$work"
"$TINCTURE_CLI" plan "$sample" -o plan.json --quiet
"$TINCTURE_CLI" colorize "$sample" -o single.mp4 --quiet
all=$("$TINCTURE_CLI" status plan.json parts --array)
last=${all#0-}
if ! [[ $all =~ ^0-[0-9]+$ ]] || [ "$last" -lt 2 ]; then
    fail "the sample's shots are '$all'; the test needs 3 or more"
fi

# One task at a time, so that task 1 is caught while it renders.
ids=$("$slurm/submit.sh" plan.json parts film.mp4 --limit 1)
render=$(sed -n 's/^render=\([0-9]*\) .*/\1/p' <<<"$ids")
assemble=$(sed -n 's/.* assemble=\([0-9]*\)$/\1/p' <<<"$ids")
if [ -z "$render" ] || [ -z "$assemble" ]; then fail "submit.sh printed '$ids'"; fi
echo "slurm-film: render array $render (shots 0-$last), assemble $assemble"

# Cancel task 1 once its render-shot has started working on the shot.
deadline=$((SECONDS + 300))
until [ -f parts/shot-0001.running.json ]; do
    [ $SECONDS -lt $deadline ] || fail "task ${render}_1 never started"
    sleep 0.2
done
sleep 1
scancel "${render}_1"
echo "slurm-film: cancelled ${render}_1 while it rendered"

rc=0
"$slurm/wait-job.sh" "$render" 600 || rc=$?
[ "$rc" -eq 1 ] || fail "the render array with a cancelled task ended with $rc, not 1"
rc=0
"$slurm/wait-job.sh" "$assemble" 120 || rc=$?
[ "$rc" -eq 1 ] || fail "the assemble job after a cancelled task ended with $rc, not 1"
[ ! -e film.mp4 ] || fail "film.mp4 exists although a shot was cancelled"
status=$("$TINCTURE_CLI" status plan.json parts --array)
[ "$status" = 1 ] || fail "status says shots '$status' are unfinished, not '1'"
[ ! -e parts/shot-0001.done.json ] || fail "the cancelled shot has a finished record"
"$TINCTURE_CLI" status plan.json parts

# Resubmitted: only shot 1, then assemble.
ids=$("$slurm/submit.sh" plan.json parts film.mp4 --limit 1 2>resubmit.log)
cat resubmit.log
grep -q "array indices 1 " resubmit.log || fail "submit.sh did not resubmit shot 1 alone"
render=$(sed -n 's/^render=\([0-9]*\) .*/\1/p' <<<"$ids")
assemble=$(sed -n 's/.* assemble=\([0-9]*\)$/\1/p' <<<"$ids")
"$slurm/wait-job.sh" "$render" 600 || fail "the resubmitted shot did not complete"
"$slurm/wait-job.sh" "$assemble" 600 || { cat slurm-"$assemble".out >&2 || true; fail "assemble failed"; }
[ -f film.mp4 ] || fail "no film.mp4 after the assemble job"

ffmpeg -v error -i film.mp4 -map 0:v -f framemd5 film.md5
ffmpeg -v error -i single.mp4 -map 0:v -f framemd5 single.md5
frames=$(grep -vc '^#' single.md5)
cmp -s film.md5 single.md5 || { diff film.md5 single.md5 | head >&2; fail "the frames differ"; }
echo "slurm-film: the film assembled from Slurm's tasks has the same $frames frames as colorize"
