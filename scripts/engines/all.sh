#!/usr/bin/env bash
# Install and start every real engine the rompy test suite needs: Docker, SLURM, SWAN.
# Each step is idempotent; each prints its duration. Stops at the first failing step.
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ENGINES_SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

run_step() {
    local name="$1" start
    start="$(now_s)"
    log "== $name: start"
    bash "$ENGINES_SCRIPT_DIR/$name.sh" || die "$name.sh failed after $(elapsed_since "$start") s"
    log "== $name: done in $(elapsed_since "$start") s"
}

total_start="$(now_s)"
for step in docker slurm swan swan_image; do
    run_step "$step"
done
log "all engines ready in $(elapsed_since "$total_start") s"
