#!/usr/bin/env bash
# Waits until a Slurm job, or every task of a job array, has ended, and says how it ended.
# The states come from squeue (`-t all` lists finished jobs for as long as slurmctld keeps them,
# MinJobAge, 300 s by default); for a job that slurmctld no longer knows they come from sacct,
# which needs accounting (slurmdbd) and does not work on the local cluster of local-slurm.sh.
#
# usage: wait-job.sh JOBID [TIMEOUT_S]        (TIMEOUT_S default 0: no limit)
# Prints one line per state on stdout, e.g. "wait-job: 124: COMPLETED 2, CANCELLED 1 (124_1)".
# Exit 0 every task COMPLETED; 1 a task failed, was cancelled, timed out, or the job waits on a
# dependency that can never be met (Reason=DependencyNeverSatisfied); 2 usage; 3 the job is
# unknown to squeue and sacct; 124 still not ended after TIMEOUT_S seconds.
# Environment: WAIT_JOB_POLL_S, seconds between two looks (default 2).
set -euo pipefail

usage() { echo "usage: wait-job.sh JOBID [TIMEOUT_S]" >&2; exit 2; }
if [ $# -lt 1 ] || [ $# -gt 2 ]; then usage; fi
job=$1
timeout=${2:-0}
poll=${WAIT_JOB_POLL_S:-2}
[[ $job =~ ^[0-9]+(_[0-9]+)?$ ]] || usage
[[ $timeout =~ ^[0-9]+$ ]] || usage

# The states in which a job has ended for good; any other (PENDING, RUNNING, COMPLETING,
# REQUEUED, SUSPENDED, ...) means it may still run.
isFinal() {
    case $1 in
        COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|PREEMPTED|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|\
        SPECIAL_EXIT|REVOKED) return 0 ;;
        *) return 1 ;;
    esac
}

# Reads "ID|STATE" lines on stdin, prints the count of each state and the ids of the tasks that
# did not complete, and returns 0 when every one COMPLETED.
summarise() {
    awk -F'|' -v job="$job" '
        { split($2, word, " "); n[word[1]]++; if (word[1] != "COMPLETED") bad = bad " " $1 }
        END {
            line = ""
            for (s in n) line = line (line == "" ? "" : ", ") s " " n[s]
            if (bad != "") line = line " (" substr(bad, 2) ")"
            print "wait-job: " job ": " line
            exit bad != ""
        }'
}

errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
start=$SECONDS
while :; do
    if lines=$(squeue --noheader --array --states=all --jobs="$job" --format='%i|%T|%r' \
            2>"$errors"); then
        if [ -n "$lines" ]; then
            running=0
            while IFS='|' read -r id state reason; do
                if [ "$state" = PENDING ] && [ "$reason" = DependencyNeverSatisfied ]; then
                    echo "wait-job: $id waits on a dependency that can never be met (a job it" \
                         "depends on failed or was cancelled); scancel $id" >&2
                    exit 1
                fi
                isFinal "$state" || running=1
            done <<< "$lines"
            if [ "$running" -eq 0 ]; then
                cut -d'|' -f1,2 <<< "$lines" | summarise && exit 0
                exit 1
            fi
        fi
    else
        # "Invalid job id specified" is final: slurmctld has purged the job or never had it.
        # Any other error (slurmctld busy or restarting) is retried.
        if grep -q 'Invalid job id' "$errors"; then
            lines=""
        else
            cat "$errors" >&2
            lines=retry
        fi
    fi
    if [ -z "$lines" ]; then
        if accounted=$(sacct --noheader --parsable2 --allocations --jobs="$job" \
                --format=JobID,State 2>/dev/null) && [ -n "$accounted" ]; then
            running=0
            while IFS='|' read -r _ state; do
                isFinal "${state%% *}" || running=1
            done <<< "$accounted"
            if [ "$running" -eq 0 ]; then
                summarise <<< "$accounted" && exit 0
                exit 1
            fi
        else
            echo "wait-job: job $job is unknown to squeue and sacct" >&2
            exit 3
        fi
    fi
    if [ "$timeout" -gt 0 ] && ((SECONDS - start >= timeout)); then
        echo "wait-job: job $job has not ended after $timeout s" >&2
        exit 124
    fi
    sleep "$poll"
done
