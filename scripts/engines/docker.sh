#!/usr/bin/env bash
# Install and start a Docker engine, then build the local test image rompy-test/busybox:latest.
#
# Idempotent: a running engine is left alone, and the image is rebuilt only when it is missing
# or was built from a different busybox binary. There is no registry here, so the image is
# built FROM scratch around Debian's static busybox.
#
# Environment: ROMPY_DOCKERD_TIMEOUT (seconds to wait for dockerd, default 30).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

DOCKERD_LOG=/var/log/rompy-dockerd.log
DOCKERD_PIDFILE=/var/run/docker.pid
DOCKERD_TIMEOUT="${ROMPY_DOCKERD_TIMEOUT:-30}"
TEST_IMAGE=rompy-test/busybox:latest
BUSYBOX_BIN=/bin/busybox
HASH_LABEL=org.rompy.busybox-sha256

docker_answers() {
    docker info >/dev/null 2>&1
}

# A dockerd that died leaves its pid file behind, and a new one then refuses to start.
remove_stale_pidfile() {
    [[ -f "$DOCKERD_PIDFILE" ]] || return 0
    local pid
    pid="$(cat "$DOCKERD_PIDFILE" 2>/dev/null || true)"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        return 0
    fi
    log "removing stale $DOCKERD_PIDFILE (pid ${pid:-?} is gone)"
    rm -f "$DOCKERD_PIDFILE"
}

ensure_docker_installed() {
    if ! command -v dockerd >/dev/null; then
        apt_install docker.io
    fi
    command -v docker >/dev/null || apt_install docker.io
}

ensure_dockerd_running() {
    if docker_answers; then
        log "dockerd already answers"
        return 0
    fi
    remove_stale_pidfile
    if [[ ! -f "$DOCKERD_PIDFILE" ]]; then
        log "starting dockerd (log: $DOCKERD_LOG)"
        (exec_detached "$DOCKERD_LOG" dockerd) &
        disown
    else
        log "dockerd (pid $(cat "$DOCKERD_PIDFILE")) is starting; waiting for it"
    fi
    wait_for "docker info" "$DOCKERD_TIMEOUT" docker_answers ||
        die "dockerd did not answer within ${DOCKERD_TIMEOUT} s; last lines of $DOCKERD_LOG: $(tail_of "$DOCKERD_LOG" 5)"
    log "dockerd answers: server $(docker version -f '{{.Server.Version}}' 2>/dev/null || echo '?')"
}

image_label() {
    docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$TEST_IMAGE" 2>/dev/null || true
}

build_test_image() {
    local busybox_hash="$1" context
    context="$(mktemp -d /tmp/rompy-busybox-image.XXXXXX)"
    cleanup_later "$context"
    cp "$BUSYBOX_BIN" "$context/busybox"
    cat >"$context/Dockerfile" <<EOF
FROM scratch
COPY busybox /bin/busybox
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/bin
LABEL $HASH_LABEL=$busybox_hash
CMD ["/bin/sh"]
EOF
    # The legacy builder needs no buildx plugin and no registry.
    DOCKER_BUILDKIT=0 docker build -q -t "$TEST_IMAGE" "$context" >"$context/build.log" 2>&1 ||
        die "docker build of $TEST_IMAGE failed: $(tail_of "$context/build.log" 6)"
}

ensure_test_image() {
    apt_install busybox-static
    [[ -x "$BUSYBOX_BIN" ]] || die "$BUSYBOX_BIN missing although busybox-static is installed"
    local busybox_hash
    busybox_hash="$(sha256sum "$BUSYBOX_BIN" | cut -d' ' -f1)"
    if [[ "$(image_label)" == "$busybox_hash" ]]; then
        log "$TEST_IMAGE is up to date (busybox sha256 ${busybox_hash:0:12})"
    else
        log "building $TEST_IMAGE FROM scratch with $BUSYBOX_BIN"
        build_test_image "$busybox_hash"
    fi
    local out
    out="$(docker run --rm "$TEST_IMAGE" sh -c 'echo ok; ls /bin/ls >/dev/null' 2>&1)" ||
        die "$TEST_IMAGE does not run 'sh -c': $out"
    [[ "$out" == ok ]] || die "$TEST_IMAGE printed '$out' instead of 'ok'"
}

main() {
    ensure_docker_installed
    ensure_dockerd_running
    ensure_test_image
    log "image $TEST_IMAGE id: $(docker image inspect -f '{{.Id}}' "$TEST_IMAGE")"
}

main "$@"
