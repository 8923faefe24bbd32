#!/usr/bin/env bash
# Submits a planned film to Slurm: the shots that are not finished yet as one job array of
# tincture-render.sbatch, then tincture-assemble.sbatch with --dependency=afterok on that array,
# so the film is encoded only when every shot rendered. Which shots to submit comes from
# `tincture-cli status PLAN PARTS --array`, so running submit.sh again after a failure or a
# cancellation submits only the shots still missing, then the assemble job. When every shot is
# finished it submits the assemble job alone.
#
# usage: submit.sh PLAN PARTS OUT [--limit N] [--sbatch-args "ARGS"] [--overwrite]
#   --limit N            at most N render tasks run at once (--array=SPEC%N)
#   --sbatch-args "ARGS" options for both sbatch calls, split at spaces
#                        (e.g. "--partition=gpu --time=02:00:00 --cpus-per-task=4")
#   --overwrite          assemble replaces OUT when it exists (assemble -y)
# Prints one line on stdout: `render=JOBID assemble=JOBID`. render= is empty when no shot needs
# rendering, and lists several array jobs, comma-separated, when the shots to render go past the
# cluster's largest array index (see MaxArraySize below). Messages go to stderr.
# Exit 0 submitted, 1 error, 2 usage.
# The job logs (slurm-ARRAYJOB_TASK.out, slurm-JOBID.out) land in the directory submit.sh runs
# in, unless --sbatch-args has --chdir or --output. The executable is
# ${TINCTURE_CLI:-tincture-cli}; the jobs inherit TINCTURE_CLI from this environment.
set -euo pipefail

fail() { echo "submit: $*" >&2; exit 1; }
usage() {
    echo "usage: submit.sh PLAN PARTS OUT [--limit N] [--sbatch-args \"ARGS\"] [--overwrite]" >&2
    exit 2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
positional=()
limit=""
sbatchArgs=()
overwrite=0
while [ $# -gt 0 ]; do
    case $1 in
        --limit) [ $# -ge 2 ] || usage; limit=$2; shift 2 ;;
        --limit=*) limit=${1#--limit=}; shift ;;
        --sbatch-args) [ $# -ge 2 ] || usage; read -r -a sbatchArgs <<< "$2"; shift 2 ;;
        --sbatch-args=*) read -r -a sbatchArgs <<< "${1#--sbatch-args=}"; shift ;;
        --overwrite) overwrite=1; shift ;;
        -h|--help) usage ;;
        -*) echo "submit: unknown option $1" >&2; usage ;;
        *) positional+=("$1"); shift ;;
    esac
done
[ ${#positional[@]} -eq 3 ] || usage
if [ -n "$limit" ] && ! [[ $limit =~ ^[1-9][0-9]*$ ]]; then
    fail "--limit needs a positive whole number, not '$limit'"
fi

cli=${TINCTURE_CLI:-tincture-cli}
command -v "$cli" >/dev/null || fail "'$cli' is not found (install tincture or set TINCTURE_CLI)"
for tool in sbatch squeue scancel; do
    command -v "$tool" >/dev/null || fail "$tool is not found: run this on a Slurm login node"
done
for script in tincture-render.sbatch tincture-assemble.sbatch; do
    [ -r "$here/$script" ] || fail "$here/$script is missing"
done

# Absolute paths: the jobs run on other nodes, possibly in another directory (--chdir).
absolute() { case $1 in /*) echo "$1" ;; *) echo "$PWD/$1" ;; esac; }
plan=$(absolute "${positional[0]}")
parts=$(absolute "${positional[1]}")
out=$(absolute "${positional[2]}")
[ -f "$plan" ] || fail "no plan at $plan (make one with: $cli plan FILM -o PLAN.json)"
mkdir -p "$parts" || fail "cannot create the parts directory $parts"
[ -d "$(dirname "$out")" ] || fail "the directory of $out does not exist"
# Found now rather than by the assemble job after every shot rendered.
if [ -e "$out" ] && [ "$overwrite" -eq 0 ]; then
    fail "$out exists; pass --overwrite to replace it"
fi

# The jobs carry the parts directory in their comment. Jobs of an earlier submission of the same
# parts that are still queued or running would render the same shots twice, so submit.sh stops
# and says which they are.
comment="tincture:$parts"
active=$(squeue --noheader --user="$(id -un)" --format='%i|%k' \
    | awk -F'|' -v c="$comment" 'substr($0, index($0, "|") + 1) == c { print $1 }' \
    | tr '\n' ' ') || fail "squeue does not answer (is SLURM_CONF set, does slurmctld run?)"
if [ -n "$active" ]; then
    fail "jobs for $parts are still queued or running: ${active% }; wait for them" \
         "(wait-job.sh) or cancel them (scancel) and run submit.sh again"
fi

spec=$("$cli" status "$plan" "$parts" --array) || fail "$cli status $plan $parts --array failed"
spec=${spec//[[:space:]]/}
if [ -n "$spec" ] && ! [[ $spec =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]]; then
    fail "$cli status --array printed '$spec', which is not a Slurm array spec"
fi

# Array indices run from 0 to MaxArraySize - 1 (1000 with Slurm's default). A film with more
# shots goes out as several arrays: window W holds the shots W*MaxArraySize to
# (W+1)*MaxArraySize - 1, shifted down to indices from 0, and its tasks add the window's start
# back (tincture-render.sbatch --shot-offset).
maxArray=$(scontrol show config 2>/dev/null | sed -n 's/^MaxArraySize *= *\([0-9]*\).*/\1/p')
[[ $maxArray =~ ^[1-9][0-9]*$ ]] || maxArray=1001
declare -A windows=()
if [ -n "$spec" ]; then
    IFS=, read -r -a items <<< "$spec"
    for item in "${items[@]}"; do
        first=${item%-*}
        last=${item#*-}
        for ((w = first / maxArray; w <= last / maxArray; w++)); do
            lo=$((first > w * maxArray ? first : w * maxArray))
            hi=$((last < (w + 1) * maxArray - 1 ? last : (w + 1) * maxArray - 1))
            range=$((lo - w * maxArray))
            [ "$hi" -gt "$lo" ] && range+="-$((hi - w * maxArray))"
            windows[$w]+="${windows[$w]:+,}$range"
        done
    done
fi

common=(--parsable --comment="$comment" "${sbatchArgs[@]}")
renderJobs=()
# Cancels the arrays submitted so far and stops: a half submission would block the next
# submit.sh, which refuses to run beside jobs of the same parts.
abandon() {
    [ ${#renderJobs[@]} -eq 0 ] || scancel "${renderJobs[@]}" || true
    fail "$1${renderJobs[*]:+; cancelled the render arrays ${renderJobs[*]}}"
}
for w in $(printf '%s\n' "${!windows[@]}" | sort -n); do
    offset=$((w * maxArray))
    after=()
    # With --limit, each further array waits for the one before (afterany: whether or not its
    # tasks succeeded), so no more than N tasks of this film run at once in all.
    if [ -n "$limit" ] && [ ${#renderJobs[@]} -gt 0 ]; then
        after=(--dependency="afterany:${renderJobs[-1]}")
    fi
    # --parsable prints "JOBID" or "JOBID;CLUSTER".
    job=$(sbatch "${common[@]}" "${after[@]}" --array="${windows[$w]}${limit:+%$limit}" \
        "$here/tincture-render.sbatch" --shot-offset "$offset" "$plan" "$parts") \
        || abandon "sbatch refused the render array for shots from $offset"
    renderJobs+=("${job%%;*}")
    echo "submit: render array job ${job%%;*}: array indices ${windows[$w]}" \
         "(shot = index + $offset)" >&2
done

dependency=()
if [ ${#renderJobs[@]} -gt 0 ]; then
    # afterok waits for every task of every array. When a task fails or is cancelled the
    # dependency can never be met; --kill-on-invalid-dep=yes then cancels the assemble job
    # instead of leaving it pending (Reason=DependencyNeverSatisfied), so submit.sh can simply
    # be run again once the other tasks have ended.
    dependency=(--dependency="afterok$(printf ':%s' "${renderJobs[@]}")" --kill-on-invalid-dep=yes)
else
    echo "submit: every shot is finished; submitting the assemble job alone" >&2
fi

assembleArgs=()
[ "$overwrite" -eq 1 ] && assembleArgs=(-y)
assembleJob=$(sbatch "${common[@]}" "${dependency[@]}" "$here/tincture-assemble.sbatch" \
    "$plan" "$parts" "$out" "${assembleArgs[@]}") || abandon "sbatch refused the assemble job"
assembleJob=${assembleJob%%;*}
echo "submit: assemble job $assembleJob" >&2
renderList=$(IFS=,; echo "${renderJobs[*]}")
echo "render=$renderList assemble=$assembleJob"
