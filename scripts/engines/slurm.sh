#!/usr/bin/env bash
# Install, configure and start a one-node SLURM cluster (munge, slurmctld, slurmd) on this
# machine, then prove it works with a tiny batch job.
#
# Idempotent: a running, correctly configured cluster is only checked. When the generated
# slurm.conf differs from the one on disk, it is replaced and the daemons are restarted.
#
# Environment: ROMPY_SLURM_TIMEOUT (seconds to wait for each daemon and the node, default 30),
# ROMPY_SLURM_JOB_TIMEOUT (seconds the test job may queue and run, default 120).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SLURM_CONF=/etc/slurm/slurm.conf
SLURM_LOG_DIR=/var/log/slurm
SLURMCTLD_PIDFILE=/run/slurmctld.pid
SLURMD_PIDFILE=/run/slurmd.pid
MUNGE_KEY=/etc/munge/munge.key
MUNGE_LOG=/var/log/munge/munged.log
SLURM_TIMEOUT="${ROMPY_SLURM_TIMEOUT:-30}"
SMOKE_JOB_TIMEOUT="${ROMPY_SLURM_JOB_TIMEOUT:-120}"
MEMORY_MARGIN_MB=1024

# True when the pid in the given pid file belongs to a live process.
pidfile_alive() {
    local pid
    [[ -r "$1" ]] || return 1
    pid="$(cat "$1" 2>/dev/null || true)"
    [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

munge_works() {
    munge -n 2>/dev/null | unmunge 2>/dev/null | grep -q 'STATUS: *Success'
}

ensure_munge() {
    if [[ ! -s "$MUNGE_KEY" ]]; then
        log "creating munge key $MUNGE_KEY"
        mungekey -c -k "$MUNGE_KEY"
    fi
    chown munge:munge "$MUNGE_KEY"
    chmod 400 "$MUNGE_KEY"
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
    if munge_works; then
        log "munged already answers"
        return 0
    fi
    if ! pidfile_alive /run/munge/munged.pid; then
        log "starting munged"
        (exec_detached "$DAEMON_START_LOG" runuser -u munge -- /usr/sbin/munged) ||
            die "munged did not start; last lines of $DAEMON_START_LOG: $(tail_of "$DAEMON_START_LOG" 3); of $MUNGE_LOG: $(tail_of "$MUNGE_LOG" 3)"
    fi
    wait_for "munge -n | unmunge" "$SLURM_TIMEOUT" munge_works ||
        die "munge -n | unmunge did not report Success within ${SLURM_TIMEOUT} s; last lines of $MUNGE_LOG: $(tail_of "$MUNGE_LOG" 5)"
}

# The node's real memory in MB, less a margin, so slurmd never reports less than configured.
node_memory_mb() {
    local total_kb mb
    total_kb="$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
    mb=$((total_kb / 1024 - MEMORY_MARGIN_MB))
    ((mb >= 256)) || mb=256
    printf '%s' "$mb"
}

# Time limits: OverTimeLimit=0 ends a job as soon as its limit is found exhausted, and
# KillWait=5 gives it 5 s between SIGTERM and SIGKILL. Nothing here can make a TIMEOUT come
# sooner than that: time limits are whole minutes (sbatch rounds seconds up), and slurmctld
# looks for exhausted limits every 30 s, a compiled-in constant (PERIODIC_TIMEOUT in
# src/slurmctld/slurmctld.h, not a slurm.conf setting). A 1-minute job ends 60-90 s after start.
render_slurm_conf() {
    local host="$1" cpus="$2" memory_mb="$3"
    cat <<EOF
# Written by rompy scripts/engines/slurm.sh: a one-node cluster for tests. Do not edit by hand.
ClusterName=rompy
SlurmctldHost=${host}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=${SLURMCTLD_PIDFILE}
SlurmdPidFile=${SLURMD_PIDFILE}
SlurmctldLogFile=${SLURM_LOG_DIR}/slurmctld.log
SlurmdLogFile=${SLURM_LOG_DIR}/slurmd.log
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
SlurmctldTimeout=60
SlurmdTimeout=120
InactiveLimit=0
KillWait=5
MinJobAge=30
OverTimeLimit=0
Waittime=0
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory_mb} State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
}

stop_daemon() {
    local name="$1" pidfile="$2" pid
    pidfile_alive "$pidfile" || return 0
    pid="$(cat "$pidfile")"
    log "stopping $name (pid $pid) to apply the new configuration"
    kill "$pid"
    wait_for "$name (pid $pid) to exit" 15 bash -c "! kill -0 $pid" ||
        die "$name (pid $pid) did not stop within 15 s"
}

# Writes slurm.conf; prints "changed" when the file on disk was replaced.
ensure_slurm_conf() {
    local host cpus memory_mb wanted
    host="$(hostname -s)"
    cpus="$(nproc)"
    memory_mb="$(node_memory_mb)"
    wanted="$(render_slurm_conf "$host" "$cpus" "$memory_mb")"
    install -d -m 0755 /etc/slurm "$SLURM_LOG_DIR" /var/spool/slurmctld /var/spool/slurmd
    if [[ -f "$SLURM_CONF" ]] && [[ "$(cat "$SLURM_CONF")" == "$wanted" ]]; then
        log "$SLURM_CONF is up to date (node $host, $cpus CPUs, ${memory_mb} MB)"
        return 0
    fi
    log "writing $SLURM_CONF (node $host, $cpus CPUs, ${memory_mb} MB)"
    printf '%s\n' "$wanted" >"$SLURM_CONF.new"
    mv "$SLURM_CONF.new" "$SLURM_CONF"
    stop_daemon slurmd "$SLURMD_PIDFILE"
    stop_daemon slurmctld "$SLURMCTLD_PIDFILE"
}

ensure_slurmctld() {
    if scontrol ping 2>/dev/null | grep -q 'is UP'; then
        log "slurmctld already answers"
        return 0
    fi
    if ! pidfile_alive "$SLURMCTLD_PIDFILE"; then
        log "starting slurmctld"
        (exec_detached "$DAEMON_START_LOG" slurmctld) ||
            die "slurmctld did not start; last lines of $DAEMON_START_LOG: $(tail_of "$DAEMON_START_LOG" 3); of $SLURM_LOG_DIR/slurmctld.log: $(tail_of "$SLURM_LOG_DIR/slurmctld.log" 3)"
    fi
    wait_for "scontrol ping" "$SLURM_TIMEOUT" bash -c "scontrol ping | grep -q 'is UP'" ||
        die "slurmctld did not answer within ${SLURM_TIMEOUT} s; last lines of $SLURM_LOG_DIR/slurmctld.log: $(tail_of "$SLURM_LOG_DIR/slurmctld.log" 5)"
}

ensure_slurmd() {
    if pidfile_alive "$SLURMD_PIDFILE"; then
        log "slurmd already running (pid $(cat "$SLURMD_PIDFILE"))"
        return 0
    fi
    log "starting slurmd"
    (exec_detached "$DAEMON_START_LOG" slurmd) ||
        die "slurmd did not start; last lines of $DAEMON_START_LOG: $(tail_of "$DAEMON_START_LOG" 3); of $SLURM_LOG_DIR/slurmd.log: $(tail_of "$SLURM_LOG_DIR/slurmd.log" 3)"
}

node_state() {
    sinfo -h -N -o %T 2>/dev/null | head -n 1
}

# idle, or busy with other users' jobs: the node responds and accepts work.
node_is_ready() {
    [[ "$(node_state)" =~ ^(idle|mixed|allocated|completing)$ ]]
}

ensure_node_idle() {
    local host state
    host="$(hostname -s)"
    state="$(node_state)"
    if [[ "$state" == down* || "$state" == drain* ]]; then
        log "node $host is '$state'; resuming it"
        scontrol update nodename="$host" state=resume ||
            die "scontrol could not resume node $host (state '$state')"
    fi
    wait_for "node $host idle" "$SLURM_TIMEOUT" node_is_ready ||
        die "node $host is '$(node_state)', not idle, after ${SLURM_TIMEOUT} s; reason: $(sinfo -h -N -o %E 2>/dev/null | head -n 1); last lines of $SLURM_LOG_DIR/slurmd.log: $(tail_of "$SLURM_LOG_DIR/slurmd.log" 5)"
    log "node $host is $(node_state)"
}

job_state() {
    scontrol show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2
}

# Submits a one-line job with sbatch --wait (bounded by a timeout, as other users' jobs may
# hold the node) and checks that it COMPLETED and wrote its output.
smoke_test_job() {
    local workdir start submitted job_id state rc=0
    workdir="$(mktemp -d /tmp/rompy-slurm-smoke.XXXXXX)"
    cleanup_later "$workdir"
    start="$(now_s)"
    submitted="$(timeout "$SMOKE_JOB_TIMEOUT" sbatch --parsable --wait --job-name=rompy-engines-smoke \
        --chdir="$workdir" --output="$workdir/out.txt" --time=1 --wrap='echo smoke-ok' 2>"$workdir/sbatch.err")" || rc=$?
    job_id="$(printf '%s\n' "$submitted" | head -n 1 | cut -d';' -f1)"
    [[ -n "$job_id" ]] || die "sbatch could not submit the test job: $(tail_of "$workdir/sbatch.err" 3)"
    if ((rc == 124)); then
        scancel "$job_id" 2>/dev/null || true
        die "test job $job_id did not finish within ${SMOKE_JOB_TIMEOUT} s (state '$(job_state "$job_id")'; queue: $(squeue -h -o '%i %T %R' | tr '\n' ';'))"
    fi
    state="$(job_state "$job_id")"
    [[ "$state" == COMPLETED ]] ||
        die "test job $job_id ended in state '${state:-unknown}' (sbatch --wait exit $rc), not COMPLETED; output: $(tail_of "$workdir/out.txt" 5)"
    grep -qx smoke-ok "$workdir/out.txt" || die "test job $job_id completed but its output is: $(tail_of "$workdir/out.txt" 5)"
    log "test job $job_id COMPLETED in $(elapsed_since "$start") s (sbatch --wait)"
}

main() {
    apt_install slurm-wlm munge
    ensure_munge
    ensure_slurm_conf
    ensure_slurmctld
    ensure_slurmd
    ensure_node_idle
    smoke_test_job
}

main "$@"
