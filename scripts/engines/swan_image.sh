#!/usr/bin/env bash
# Build the local Docker image rompy/swan:41.01 around the swan.exe and swanomp.exe that
# swan.sh built, for the Docker executor. There is no registry here, so the image is FROM
# scratch: both binaries, the shared libraries `ldd` lists for them (libgomp for the OpenMP
# one), and Debian's static busybox as /bin/sh (its `env` runs `env OMP_NUM_THREADS=2 ...`).
#
# Idempotent: an image labelled with the sha256 of the installed binaries is kept.
# Needs: docker.sh and swan.sh done before (all.sh runs them in that order).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SWAN_BIN="$ROMPY_ENGINES_DIR/bin/swan.exe"
SWANOMP_BIN="$ROMPY_ENGINES_DIR/bin/swanomp.exe"
SWAN_IMAGE="${ROMPY_SWAN_IMAGE:-rompy/swan:41.01}"
HASH_LABEL=org.rompy.swan-sha256
BUSYBOX_BIN=/bin/busybox

image_hash() {
    docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$SWAN_IMAGE" 2>/dev/null || true
}

# Copies both binaries, their libraries (dereferenced, at their own paths) and busybox into $1.
fill_context() {
    local context="$1" library
    install -D -m 0755 "$SWAN_BIN" "$context/rootfs/usr/local/bin/swan.exe"
    install -D -m 0755 "$SWANOMP_BIN" "$context/rootfs/usr/local/bin/swanomp.exe"
    install -D -m 0755 "$BUSYBOX_BIN" "$context/rootfs/bin/busybox"
    for library in $( (ldd "$SWAN_BIN"; ldd "$SWANOMP_BIN") | grep -oE '/[^ ]+' | sort -u); do
        # 0755: the kernel execs the dynamic loader, which must be executable too.
        install -D -m 0755 "$(readlink -f "$library")" "$context/rootfs$library"
    done
}

build_image() {
    local swan_hash="$1" context
    context="$(mktemp -d /tmp/rompy-swan-image.XXXXXX)"
    cleanup_later "$context"
    fill_context "$context"
    cat >"$context/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
RUN ["/bin/busybox", "--install", "-s", "/bin"]
ENV PATH=/usr/local/bin:/bin
WORKDIR /work
LABEL $HASH_LABEL=$swan_hash
DOCKERFILE
    DOCKER_BUILDKIT=0 docker build -q -t "$SWAN_IMAGE" "$context" >"$context/build.log" 2>&1 ||
        die "docker build of $SWAN_IMAGE failed: $(tail_of "$context/build.log" 6)"
}

# Runs the smoke case of swan.sh inside the image; on failure sets SMOKE_FAILURE, returns 1.
SMOKE_FAILURE=""
smoke_test_image() {
    local rundir
    rundir="$(mktemp -d /tmp/rompy-swan-image-smoke.XXXXXX)"
    cleanup_later "$rundir"
    cp "$(dirname "${BASH_SOURCE[0]}")"/swan_smoke/* "$rundir"/
    if ! docker run --rm -v "$rundir:/work" "$SWAN_IMAGE" swan.exe >"$rundir/swan.out" 2>&1; then
        SMOKE_FAILURE="swan.exe failed in the container: $(tail_of "$rundir/swan.out" 3)"
        return 1
    fi
    [[ -f "$rundir/norm_end" ]] || { SMOKE_FAILURE="no norm_end after the run"; return 1; }
    rm -f "$rundir/norm_end"
    if ! docker run --rm -v "$rundir:/work" "$SWAN_IMAGE" env OMP_NUM_THREADS=2 swanomp.exe \
        >"$rundir/swanomp.out" 2>&1; then
        SMOKE_FAILURE="swanomp.exe failed in the container: $(tail_of "$rundir/swanomp.out" 3)"
        return 1
    fi
    [[ -f "$rundir/norm_end" ]] || { SMOKE_FAILURE="no norm_end after the OpenMP run"; return 1; }
}

main() {
    [[ -x "$SWAN_BIN" && -x "$SWANOMP_BIN" ]] ||
        die "$SWAN_BIN or $SWANOMP_BIN is missing; run scripts/engines/swan.sh first"
    docker info >/dev/null 2>&1 || die "no Docker daemon answers; run scripts/engines/docker.sh first"
    apt_install busybox-static
    local swan_hash
    swan_hash="$(cat "$SWAN_BIN" "$SWANOMP_BIN" | sha256sum | cut -d' ' -f1)"
    if [[ "$(image_hash)" == "$swan_hash" ]] && smoke_test_image; then
        log "$SWAN_IMAGE holds the installed swan.exe and swanomp.exe; nothing to build"
        return 0
    fi
    log "building $SWAN_IMAGE from $SWAN_BIN"
    build_image "$swan_hash"
    smoke_test_image || die "$SWAN_IMAGE was built but fails the smoke case: $SMOKE_FAILURE"
    log "built $SWAN_IMAGE; the smoke case runs in it"
}

main "$@"
