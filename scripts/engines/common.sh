# shellcheck shell=bash
# Shared helpers for the engine install scripts (docker.sh, slurm.sh, swan.sh, all.sh).
#
# Source it with:  . "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# It turns on strict mode, checks that we are root, and offers:
#   log "text"                     one line on stderr, prefixed [engines]
#   die "reason"                   one line on stderr, prefixed [engines], then exit 1
#   apt_install pkg...             installs missing Debian packages (apt-get update once per run)
#   wait_for "desc" timeout_s cmd  polls cmd until it succeeds; returns 1 after timeout_s
#   tail_of file [n]               the last n lines of file on one line (for die messages)
#   now_s / elapsed_since start    wall-clock seconds, for timings
#   cleanup_later path             removes path when the script exits (temp dirs)
#   exec_detached log cmd...       (in a subshell) closes inherited fds, execs cmd in a new session

set -euo pipefail

ENGINES_LOG_PREFIX="[engines]"
# Where built engines (e.g. swan.exe) are installed.
ROMPY_ENGINES_DIR="${ROMPY_ENGINES_DIR:-/opt/rompy-engines}"
export ROMPY_ENGINES_DIR
# What daemons that fork themselves (munged, slurmctld, slurmd) print while starting.
export DAEMON_START_LOG=/var/log/rompy-engines-daemons.log
APT_LOG=/var/log/rompy-engines-apt.log

log() {
    printf '%s %s\n' "$ENGINES_LOG_PREFIX" "$*" >&2
}

die() {
    printf '%s %s\n' "$ENGINES_LOG_PREFIX" "$*" >&2
    exit 1
}

now_s() {
    date +%s.%N
}

# Seconds elapsed since a value returned by now_s, with one decimal.
elapsed_since() {
    awk -v start="$1" -v end="$(now_s)" 'BEGIN { printf "%.1f", end - start }'
}

# The last lines of a file joined with " | ", or a note that it does not exist.
tail_of() {
    local file="$1" lines="${2:-10}"
    if [[ -r "$file" ]]; then
        tail -n "$lines" "$file" | tr '\n' '|' | sed 's/|$//; s/|/ | /g'
    else
        printf '(%s does not exist)' "$file"
    fi
}

require_root() {
    [[ "$(id -u)" -eq 0 ]] || die "$(basename "$0") must run as root (it installs packages and starts daemons); try: sudo $0"
}

# True when every named Debian package is installed.
apt_all_installed() {
    local pkg status
    for pkg in "$@"; do
        status="$(dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null || true)"
        [[ "$status" == "installed" ]] || return 1
    done
}

# Install Debian packages that are missing. `apt-get update` runs at most once per
# top-level run: its marker lives in ROMPY_ENGINES_RUN_DIR, which scripts started by all.sh share.
apt_install() {
    (($# > 0)) || die "apt_install called without package names"
    if apt_all_installed "$@"; then
        return 0
    fi
    command -v apt-get >/dev/null || die "apt-get not found: these scripts need Debian 12 (bookworm)"
    export DEBIAN_FRONTEND=noninteractive
    if [[ ! -e "$ROMPY_ENGINES_RUN_DIR/apt-updated" ]]; then
        log "apt-get update"
        apt-get update -qq -o DPkg::Lock::Timeout=300 >"$APT_LOG" 2>&1 ||
            die "apt-get update failed; last lines: $(tail_of "$APT_LOG" 5)"
        touch "$ROMPY_ENGINES_RUN_DIR/apt-updated"
    fi
    log "apt-get install $*"
    apt-get install -y -qq -o Dpkg::Use-Pty=0 -o DPkg::Lock::Timeout=300 "$@" >"$APT_LOG" 2>&1 ||
        die "apt-get install $* failed; last lines: $(tail_of "$APT_LOG" 5)"
    apt_all_installed "$@" || die "apt-get install $* finished but some packages are still not installed"
}

# wait_for "description" timeout_seconds command [args...]
# Runs the command (output discarded) every 0.5 s until it succeeds. Returns 0 on success,
# 1 (after logging) when timeout_seconds have passed; callers add the details and die.
wait_for() {
    local desc="$1" timeout_s="$2"
    shift 2
    local deadline
    deadline="$(awk -v now="$(now_s)" -v t="$timeout_s" 'BEGIN { printf "%.3f", now + t }')"
    while true; do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        if awk -v now="$(now_s)" -v d="$deadline" 'BEGIN { exit !(now >= d) }'; then
            log "timed out after ${timeout_s} s waiting for: $desc"
            return 1
        fi
        sleep 0.5
    done
}

# Replaces the current (sub)shell with cmd in a new session, stdin from /dev/null and output
# appended to log, with every other inherited descriptor closed, so that a daemon never keeps
# the caller's pipes (a CI log, a $(...) capture) open. Use it as ( exec_detached log cmd ) [&].
exec_detached() {
    local logfile="$1" fd
    shift
    for fd in /proc/"$BASHPID"/fd/*; do
        fd="${fd##*/}"
        if [[ "$fd" =~ ^[0-9]+$ ]] && ((fd > 2)); then
            eval "exec $fd>&-" 2>/dev/null || true
        fi
    done
    exec setsid -w "$@" </dev/null >>"$logfile" 2>&1
}

ENGINES_CLEANUP_PATHS=()

cleanup_later() {
    ENGINES_CLEANUP_PATHS+=("$1")
}

engines_cleanup() {
    local path
    for path in "${ENGINES_CLEANUP_PATHS[@]}"; do
        rm -rf -- "$path"
    done
}

trap engines_cleanup EXIT
require_root

# State shared by one top-level run (all.sh and the scripts it starts); the creator removes it.
if [[ -z "${ROMPY_ENGINES_RUN_DIR:-}" || ! -d "${ROMPY_ENGINES_RUN_DIR:-}" ]]; then
    ROMPY_ENGINES_RUN_DIR="$(mktemp -d /tmp/rompy-engines-run.XXXXXX)"
    cleanup_later "$ROMPY_ENGINES_RUN_DIR"
    export ROMPY_ENGINES_RUN_DIR
fi
