#!/usr/bin/env bash
# Prints one of the manifests beside this script with its placeholders filled in, ready for
# `kubectl apply -f -`. A placeholder is a value on a line that ends in "# make-jobs: KEY";
# the option --KEY sets it, and a value not given keeps the manifest's.
#
# usage: make-jobs.sh render   --shots N [--parallelism P] [--backoff-limit B] [COMMON...]
#        make-jobs.sh assemble [--output FILE] [COMMON...]
#        make-jobs.sh tools    [COMMON...]
# COMMON: --image IMAGE  --name NAME  --claim PVC  --cpus CPUS  --memory QUANTITY
#         --plan FILE  --parts DIR    (render and assemble; paths on the volume: /data/…)
# e.g.    make-jobs.sh render --shots 412 --parallelism 16 --image registry.example/tincture:0.1.0
#
# render:   --shots is the number of shots in the plan (the Job's completions: shots
#           0 … N-1); --parallelism (default: the smaller of N and 10) how many run at once.
# --cpus and --memory set a pod's requests and limits alike.
# Exit 0 printed, 1 the manifest has a placeholder this script does not know, 2 usage error.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# usage [STATUS]: the comment above; on stdout for --help (0), on stderr otherwise.
usage() {
    local status=${1:-2}
    if [ "$status" -eq 0 ]; then
        sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0"
    else
        sed -n '2,/^set -euo/{/^#/s/^# \{0,1\}//p}' "$0" >&2
    fi
    exit "$status"
}
die() { echo "make-jobs: $*" >&2; exit 2; }

[ $# -ge 1 ] || usage
what=$1
shift
case $what in
    render) template=$here/render-job.yaml
            keys="name image claim cpus memory plan parts shots parallelism backoff-limit" ;;
    assemble) template=$here/assemble-job.yaml
              keys="name image claim cpus memory plan parts output" ;;
    tools) template=$here/tools-pod.yaml
           keys="name image claim cpus memory" ;;
    -h|--help) usage 0 ;;
    *) die "unknown manifest '$what' (render, assemble or tools)" ;;
esac

declare -A value=()
while [ $# -gt 0 ]; do
    case $1 in
        -h|--help) usage 0 ;;
        --*=*) key=${1%%=*}; key=${key#--}; arg=${1#*=}; shift ;;
        --*) key=${1#--}; [ $# -ge 2 ] || die "--$key needs a value"; arg=$2; shift 2 ;;
        *) die "unexpected argument '$1'" ;;
    esac
    case " $keys " in *" $key "*) ;; *) die "--$key does not apply to the $what manifest" ;; esac
    value[$key]=$arg
done

# Every value is checked before it goes into the YAML: it must be what Kubernetes accepts
# there, and hold nothing that YAML, sed or Kubernetes' $(VAR) expansion would read.
isMatch() { [[ $1 =~ $2 ]]; }
for key in "${!value[@]}"; do
    v=${value[$key]}
    case $key in
        shots|parallelism)
            isMatch "$v" '^[1-9][0-9]{0,5}$' || die "--$key must be a whole number from 1" ;;
        backoff-limit)
            isMatch "$v" '^(0|[1-9][0-9]{0,5})$' || die "--$key must be a whole number" ;;
        cpus)
            isMatch "$v" '^([0-9]+(\.[0-9]+)?|[0-9]+m)$' \
                || die "--cpus must be a CPU quantity (4, 0.5, 500m)" ;;
        memory)
            isMatch "$v" '^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|k|M|G|T)?$' \
                || die "--memory must be a memory quantity (6Gi, 4096Mi)" ;;
        name)
            isMatch "$v" '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' \
                || die "--name must be a DNS label: lower-case letters, digits and '-'" ;;
        claim)
            isMatch "$v" '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$' \
                || die "--claim must be the name of a PersistentVolumeClaim" ;;
        image)
            isMatch "$v" '^[A-Za-z0-9][A-Za-z0-9._/:@+-]*$' \
                || die "--image must be an image reference (registry/name:tag)" ;;
        plan|parts|output)
            isMatch "$v" '^/data/[^"\\$`|&]+$' && [[ $v != *$'\n'* ]] \
                || die "--$key must be a path on the volume, /data/…, without \" \\ \$ \` | &" ;;
    esac
done
if [ "$what" = render ]; then
    [ -n "${value[shots]:-}" ] || die "render needs --shots N: the number of shots in the plan"
    shots=${value[shots]}
    [ -n "${value[parallelism]:-}" ] || value[parallelism]=$(( shots < 10 ? shots : 10 ))
fi

# Every placeholder in the manifest must be one this script knows, or it would stay unset.
for marker in $(sed -n 's/.*# make-jobs: \([a-z-]*\)$/\1/p' "$template" | sort -u); do
    case " $keys " in
        *" $marker "*) ;;
        *) echo "make-jobs: $(basename "$template") has a placeholder '$marker' that" \
                "make-jobs.sh does not fill" >&2; exit 1 ;;
    esac
done

script=()
for key in "${!value[@]}"; do
    case $key in
        shots|parallelism|backoff-limit) v=${value[$key]} ;;
        *) v="\"${value[$key]}\"" ;;
    esac
    script+=(-e "s|^\\([^#]*: \\)[^#]*\\(  # make-jobs: $key\\)\$|\\1$v\\2|")
done
if [ ${#script[@]} -eq 0 ]; then
    cat "$template"
else
    sed "${script[@]}" "$template"
fi
