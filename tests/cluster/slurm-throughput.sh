#!/usr/bin/env bash
# Benchmark (not a test): wall time of one `colorize` against the same film planned, rendered by
# a local single-node Slurm as a job array with TASKS tasks at once (each with CPUS/TASKS
# CPUs), and assembled; checks that both films have the same frames (ffmpeg framemd5), and
# prints the per-shot costs from the parts' records for an estimate at scale.
#
# usage: slurm-throughput.sh SOURCE_DIR TINCTURE_CLI FILM WORK_DIR [TASKS]
# Needs root, Slurm and munge (packaging/cluster/slurm/local-slurm.sh) and ffmpeg.
set -euo pipefail

source_dir=$(cd "$1" && pwd)
export TINCTURE_CLI=$2
film=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
work=$4
tasks=${5:-2}
slurm=$source_dir/packaging/cluster/slurm
cpus=$(nproc)
perTask=$((cpus / tasks > 0 ? cpus / tasks : 1))

rm -rf "$work"
mkdir -p "$work"
cd "$work"
state=$(mktemp -d /tmp/tincture-slurm-bench.XXXXXX)
chmod 755 "$state"
trap '"$slurm/local-slurm.sh" stop "$state" >/dev/null 2>&1 || true; rm -rf "$state"' EXIT
"$slurm/local-slurm.sh" start "$state" >/dev/null
export SLURM_CONF=$state/slurm.conf WAIT_JOB_POLL_S=0.5 OMP_WAIT_POLICY=PASSIVE

now() { date +%s.%N; }
since() { awk -v a="$(now)" -v b="$1" 'BEGIN { print a - b }'; }
calc() { awk "BEGIN { print $1 }"; }

t=$(now)
"$TINCTURE_CLI" colorize "$film" -o single.mp4 --quiet
single=$(since "$t")

t=$(now)
"$TINCTURE_CLI" plan "$film" -o plan.json --quiet
planned=$(since "$t")
ids=$("$slurm/submit.sh" plan.json parts film.mp4 --limit "$tasks" \
    --sbatch-args "--cpus-per-task=$perTask" 2>/dev/null)
render=$(sed -n 's/^render=\([0-9]*\) .*/\1/p' <<<"$ids")
assemble=$(sed -n 's/.* assemble=\([0-9]*\)$/\1/p' <<<"$ids")
"$slurm/wait-job.sh" "$render" >/dev/null
rendered=$(since "$t")
"$slurm/wait-job.sh" "$assemble" >/dev/null
cluster=$(since "$t")

ffmpeg -v error -i film.mp4 -map 0:v -f framemd5 film.md5
ffmpeg -v error -i single.mp4 -map 0:v -f framemd5 single.md5
same=no
cmp -s film.md5 single.md5 && same=yes

shots=$(find parts -name 'shot-*.done.json' | wc -l)
# frames and seconds of every shot's render, from the records.
read -r frames seconds < <(cat parts/shot-*.done.json | awk -F'[:,]' '
    /"frames"/ { f += $2 } /"seconds"/ { s += $2 } END { printf "%d %.2f\n", f, s }')
printf 'film: %s, %s frames, %s shots; %s CPUs, %s tasks at once, %s CPU(s) each\n' \
    "$(basename "$film")" "$frames" "$shots" "$cpus" "$tasks" "$perTask"
printf 'colorize: %.1f s\n' "$single"
printf 'plan %.1f s + render (submit to last task) %.1f s + assemble %.1f s = %.1f s\n' \
    "$planned" "$(calc "$rendered - $planned")" "$(calc "$cluster - $rendered")" \
    "$cluster"
printf 'colorize / cluster wall time: %.2f\n' "$(calc "$single / $cluster")"
printf 'render-shot: %.2f s of task time for %s frames, %.4f s per frame per task\n' \
    "$seconds" "$frames" "$(calc "$seconds / $frames")"
echo "same frames as colorize: $same"
