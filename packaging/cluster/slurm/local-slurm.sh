#!/usr/bin/env bash
# A real single-node Slurm cluster on this machine, for trying and testing the sbatch scripts in
# this folder without a cluster: munged, slurmctld and slurmd from Debian 12's packages run as
# root, without systemd, with every file they use (configuration, munge key and socket, state,
# spool, logs, pid files) under STATE_DIR. No file in /etc is edited or needed: the slurm.conf
# written here is given to the daemons with -f and to the client commands through SLURM_CONF,
# and it names the munge socket under STATE_DIR (AuthInfo), so Slurm talks to the munged that
# this script starts even where a system munged runs beside it.
#
# usage: local-slurm.sh start|stop|status [STATE_DIR]      (STATE_DIR default /tmp/tincture-slurm)
#   start   starts the three daemons, waits until the node is idle, prints the
#           `export SLURM_CONF=...` line that the client commands (sbatch, squeue, ...) need.
#           Exit 0 running, 1 failed (log tails printed, daemons stopped again), 77 skipped:
#           not root, or the packages are missing (ctest's SKIP_RETURN_CODE).
#   stop    cancels the jobs still queued or running, stops the daemons named by the pid files
#           in STATE_DIR and waits for them to exit; it works after a failed start and when
#           nothing runs.
#   status  says which daemons run and shows sinfo and squeue.
# Environment: SLURMCTLD_PORT (default 6817) and SLURMD_PORT (default 6818) move the daemons off
# the standard ports, for a machine where another Slurm already listens there.
set -euo pipefail

readonly kPackages="slurmctld slurmd slurm-client munge"
readonly kStartTimeoutS=60
readonly kStopTimeoutS=30

command=${1:-}
state=${2:-/tmp/tincture-slurm}
case $state in /*) ;; *) state=$PWD/$state ;; esac

conf=$state/slurm.conf
mungeDir=$state/munge
socket=$mungeDir/munge.socket
logDir=$state/log
runDir=$state/run

usage() { echo "usage: local-slurm.sh start|stop|status [STATE_DIR]" >&2; exit 2; }
say() { echo "local-slurm: $*"; }
skip() { echo "local-slurm: skipped: $*" >&2; exit 77; }

# Prints the pid in pid file $1 when that process is alive and its command is $2, else nothing.
# The name check keeps a stale pid file from naming an unrelated process that reuses the pid.
livePid() {
    local pid
    [ -s "$1" ] || return 0
    pid=$(tr -dc '0-9' < "$1")
    [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] || return 0
    [ "$(cat "/proc/$pid/comm")" = "$2" ] && echo "$pid"
    return 0
}

# Stops the daemon in pid file $1 with command name $2: SIGTERM, then SIGKILL after
# kStopTimeoutS seconds; returns when the process is gone.
stopDaemon() {
    local pid i
    pid=$(livePid "$1" "$2")
    if [ -z "$pid" ]; then
        rm -f "$1"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < kStopTimeoutS * 10; i++)); do
        [ -d "/proc/$pid" ] || break
        sleep 0.1
    done
    if [ -d "/proc/$pid" ]; then
        say "$2 ($pid) ignores SIGTERM; sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while [ -d "/proc/$pid" ]; do sleep 0.1; done
    fi
    rm -f "$1"
    say "stopped $2 ($pid)"
}

# Prints the pids of the slurmstepd processes that serve jobs of this cluster. A job step's
# slurmstepd outlives slurmd by design, so stop finds them through their job's spool directory
# or socket under STATE_DIR, which they hold open.
stepdPids() {
    local pid link
    for pid in $(pgrep -x slurmstepd || true); do
        for link in "/proc/$pid/cwd" "/proc/$pid/fd/"*; do
            case $(readlink "$link" 2>/dev/null) in
                "$state"/*) echo "$pid"; break ;;
            esac
        done
    done
}

# Kills process $1 and its descendants. Each is stopped (SIGSTOP) before its children are
# listed, so none forks or is reparented out of reach meanwhile; then all get SIGKILL.
killTree() {
    local todo=("$1") tree=() pid
    while [ ${#todo[@]} -gt 0 ]; do
        pid=${todo[0]}
        todo=("${todo[@]:1}")
        kill -STOP "$pid" 2>/dev/null || continue
        tree+=("$pid")
        # shellcheck disable=SC2207 # pgrep prints one pid per line, nothing to glob.
        todo+=($(pgrep -P "$pid" || true))
    done
    for pid in "${tree[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
}

stopAll() {
    local i pid
    export SLURM_CONF=$conf
    # Jobs first, while slurmctld and slurmd still run: scancel lets them end as on a cluster
    # (SIGTERM, then SIGKILL after KillWait), so no job process outlives the cluster.
    if [ -n "$(livePid "$runDir/slurmctld.pid" slurmctld)" ] && [ -f "$conf" ] \
        && [ -n "$(squeue -h -o %i 2>/dev/null)" ]; then
        say "cancelling the jobs still queued or running"
        # Every user's jobs: %F is a job's id, or an array's id for all its tasks.
        # shellcheck disable=SC2046 # one job id per word
        scancel $(squeue -h -o %F | sort -u) 2>/dev/null || true
        for ((i = 0; i < 200; i++)); do
            [ -z "$(squeue -h -o %i 2>/dev/null)" ] && break
            sleep 0.1
        done
    fi
    stopDaemon "$runDir/slurmd.pid" slurmd
    stopDaemon "$runDir/slurmctld.pid" slurmctld
    for pid in $(stepdPids); do
        say "ending the job step daemon slurmstepd ($pid) that slurmctld could not cancel," \
            "and its job's processes"
        killTree "$pid"
    done
    stopDaemon "$mungeDir/munged.pid" munged
    unmountCgroups
}

# slurmd (22.05) starts its cgroup plugin whatever the other plugins, and that needs a cgroup
# tree at /sys/fs/cgroup: a chroot or a bare container may have none (/sys/fs/cgroup is then
# a plain folder of sysfs). There it mounts the smallest tree the plugin accepts, a tmpfs with
# the named v1 hierarchy "systemd", and records it so that stop unmounts it.
mountCgroups() {
    [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = sysfs ] || return 0
    if ! { mount -t tmpfs -o mode=755 tincture-cgroup /sys/fs/cgroup \
        && mkdir -p /sys/fs/cgroup/systemd \
        && mount -t cgroup -o none,name=systemd tincture-cgroup /sys/fs/cgroup/systemd; }; then
        umount /sys/fs/cgroup 2>/dev/null || true
        skip "no cgroup tree at /sys/fs/cgroup for slurmd, and none could be mounted"
    fi
    touch "$state/mounted-cgroup"
    say "mounted a minimal cgroup tree at /sys/fs/cgroup for slurmd (stop unmounts it)"
}

unmountCgroups() {
    [ -f "$state/mounted-cgroup" ] || return 0
    umount /sys/fs/cgroup/systemd 2>/dev/null || true
    umount /sys/fs/cgroup 2>/dev/null || true
    rm -f "$state/mounted-cgroup"
}

# Prints the last lines of each log, for a failed start.
showLogs() {
    local log
    for log in "$mungeDir/munged.log" "$logDir/slurmctld.log" "$logDir/slurmd.log"; do
        [ -f "$log" ] || continue
        echo "----- tail of $log" >&2
        tail -n 20 "$log" >&2
    done
}

startFailed() {
    echo "local-slurm: start FAILED: $*" >&2
    showLogs
    say "stopping what started; the logs stay in $logDir and $mungeDir" >&2
    stopAll >&2
    exit 1
}

writeConfig() {
    local host node
    host=$(hostname -s)
    # slurmd -C prints this machine's NodeName line (CPUs, sockets, cores, threads,
    # RealMemory) exactly as slurmd later reports it, so the node registers without a
    # "low RealMemory" or CPU-count drain. Its second line is the uptime.
    node=$(slurmd -C | grep '^NodeName=') || startFailed "slurmd -C does not describe this machine"
    cat > "$conf" <<EOF
# Written by local-slurm.sh for a single-node test cluster; every path is under $state.
ClusterName=tincture-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=${SLURMCTLD_PORT:-6817}
SlurmdPort=${SLURMD_PORT:-6818}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool
SlurmctldPidFile=$runDir/slurmctld.pid
SlurmdPidFile=$runDir/slurmd.pid
SlurmctldLogFile=$logDir/slurmctld.log
SlurmdLogFile=$logDir/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups: the plugins that work in a container or a VM without a systemd-managed cgroup
# tree.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No slurmdbd: sacct does not work here, squeue and scontrol do (see wait-job.sh).
AccountingStorageType=accounting_storage/none
# CPUs are the consumable resource, so 1-CPU array tasks share the node.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# A node that went down comes back by itself when its slurmd registers again.
ReturnToService=2
# Finished jobs stay visible to squeue -t all and scontrol for an hour (wait-job.sh reads
# their state there);
# scancel's SIGTERM becomes SIGKILL after 10 seconds.
MinJobAge=3600
KillWait=10
MpiDefault=none
MailProg=/bin/true
# The node is reached at 127.0.0.1, so its name need not resolve (a fresh root or container
# may have no /etc/hosts line for it).
$node NodeAddr=127.0.0.1
PartitionName=local Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

# Succeeds when daemon $1 (slurmctld or slurmd), started at SECONDS $2, has exited: its pid
# file names a dead process, or it has written none within 10 seconds. The daemons fork before
# they write the pid file, so its absence alone right after the start means nothing.
daemonGone() {
    local pidFile=$runDir/$1.pid
    if [ -s "$pidFile" ]; then
        [ -z "$(livePid "$pidFile" "$1")" ]
    else
        ((SECONDS - $2 >= 10))
    fi
}

startMunge() {
    mkdir -p "$mungeDir"
    # munged insists on a socket directory that everyone may enter and on a key only its owner
    # reads; the key is made once and kept across restarts.
    chmod 755 "$mungeDir"
    if [ ! -s "$mungeDir/munge.key" ]; then
        mungekey --create --keyfile="$mungeDir/munge.key" \
            || startFailed "mungekey could not create $mungeDir/munge.key"
    fi
    chmod 400 "$mungeDir/munge.key"
    munged --key-file="$mungeDir/munge.key" --socket="$socket" \
        --pid-file="$mungeDir/munged.pid" --log-file="$mungeDir/munged.log" \
        --seed-file="$mungeDir/munged.seed" \
        || startFailed "munged did not start (every directory above $mungeDir must be \
searchable by all users)"
    munge -n --socket="$socket" | unmunge --socket="$socket" >/dev/null \
        || startFailed "munged runs but a credential does not round-trip through $socket"
}

start() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (the daemons run as root here)"
    local tool missing=""
    for tool in munged mungekey munge unmunge slurmctld slurmd sinfo squeue sbatch scancel \
                scontrol; do
        command -v "$tool" >/dev/null || missing="$missing $tool"
    done
    [ -z "$missing" ] \
        || skip "missing:$missing; install the Debian packages: apt-get install $kPackages"

    export SLURM_CONF=$conf
    if [ -n "$(livePid "$mungeDir/munged.pid" munged)" ] \
        && [ -n "$(livePid "$runDir/slurmctld.pid" slurmctld)" ] \
        && [ -n "$(livePid "$runDir/slurmd.pid" slurmd)" ] \
        && sinfo -h >/dev/null 2>&1; then
        say "already running in $state"
        echo "export SLURM_CONF=$conf"
        return 0
    fi
    # What a failed or interrupted start left behind goes first, so each daemon starts once.
    stopAll >/dev/null

    mkdir -p "$state" "$state/ctld" "$state/spool" "$logDir" "$runDir"
    chmod 755 "$state"
    writeConfig
    mountCgroups
    local t0=$SECONDS
    startMunge
    # -c: a clean controller state, so jobs of an earlier session do not come back.
    slurmctld -c -f "$conf" || startFailed "slurmctld did not start"
    slurmd -f "$conf" || startFailed "slurmd did not start"

    local nodeState=""
    while ((SECONDS - t0 < kStartTimeoutS)); do
        nodeState=$(sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)
        [ "$nodeState" = idle ] && break
        daemonGone slurmctld "$t0" && startFailed "slurmctld exited"
        daemonGone slurmd "$t0" && startFailed "slurmd exited"
        sleep 0.5
    done
    [ "$nodeState" = idle ] || startFailed "the node is not idle after ${kStartTimeoutS} s \
(sinfo says '${nodeState:-nothing}')"
    say "running in $state (node idle after $((SECONDS - t0)) s); for the client commands:"
    echo "export SLURM_CONF=$conf"
}

status() {
    local name pidFile pid rc=0
    for name in munged slurmctld slurmd; do
        case $name in
            munged) pidFile=$mungeDir/munged.pid ;;
            *) pidFile=$runDir/$name.pid ;;
        esac
        pid=$(livePid "$pidFile" "$name")
        if [ -n "$pid" ]; then say "$name runs ($pid)"; else say "$name does not run"; rc=1; fi
    done
    [ -f "$conf" ] || { say "no configuration in $state"; return 1; }
    echo "export SLURM_CONF=$conf"
    export SLURM_CONF=$conf
    # sinfo and squeue ask slurmctld, and only a running one answers.
    if [ -n "$(livePid "$runDir/slurmctld.pid" slurmctld)" ]; then
        sinfo || rc=1
        squeue || rc=1
    fi
    return "$rc"
}

case $command in
    start) start ;;
    stop) stopAll ;;
    status) status ;;
    *) usage ;;
esac
