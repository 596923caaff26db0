#!/usr/bin/env bash
# Build the SWAN 41.01 wave model from the Fortran source inside PyPI's omuse-swan 2021.6.1
# source package: serial (swan.exe, `make ser`) and OpenMP (swanomp.exe, `make omp`); install
# both and check each on a tiny case (the OpenMP one with OMP_NUM_THREADS=2).
#
# Installs ${ROMPY_ENGINES_DIR:-/opt/rompy-engines}/bin/swan.exe and swanomp.exe, with
# symlinks in /usr/local/bin. Idempotent: a binary that passes the smoke test is not rebuilt.
# Every run (re)writes <binary>.build.json beside each binary (SWAN version, source package,
# compiler, flags, variant, the binary's sha256): rompy's run manifest records its content.
# No SWAN source is kept in the repository: it is downloaded (sha256-pinned) and built here.
#
# Environment: ROMPY_ENGINES_DIR (install prefix), ROMPY_SWAN_REBUILD=1 (build even if installed).
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SMOKE_DIR="$SCRIPT_DIR/swan_smoke"
BIN_DIR="$ROMPY_ENGINES_DIR/bin"
SDIST_NAME=omuse-swan
SDIST_VERSION=2021.6.1
SDIST_FILE="$SDIST_NAME-$SDIST_VERSION.tar.gz"
SDIST_SHA256=37d65e9f0eda8bcd7f41db20a82d6aa69a0046631970731594d458bd8cafd3b3
export SDIST_NAME SDIST_VERSION SDIST_SHA256
SDIST_CACHE="$ROMPY_ENGINES_DIR/src/$SDIST_FILE"
SWAN_SRC_IN_SDIST="$SDIST_NAME-$SDIST_VERSION/src/omuse/community/swan/src/swan"
BUILD_LOG=/var/log/rompy-swan-build.log
SMOKE_TIMEOUT=120

# Runs swan.exe on the smoke case in a fresh temp dir; on failure sets SMOKE_FAILURE, returns 1.
SMOKE_FAILURE=""
smoke_test() {
    local exe="$1" rundir
    SMOKE_FAILURE=""
    rundir="$(mktemp -d /tmp/rompy-swan-smoke.XXXXXX)"
    cleanup_later "$rundir"
    cp "$SMOKE_DIR"/* "$rundir"/
    if ! (cd "$rundir" && OMP_NUM_THREADS=2 timeout "$SMOKE_TIMEOUT" "$exe" >swan.out 2>&1); then
        SMOKE_FAILURE="swan.exe exited with an error: $(tail_of "$rundir/swan.out" 3)"
        return 1
    fi
    if [[ ! -f "$rundir/norm_end" ]]; then
        SMOKE_FAILURE="no norm_end file after the run; PRINT says: $(grep -m3 -E '\*\* (Error|Severe)' "$rundir/PRINT" 2>/dev/null | tr '\n' ' ')"
        return 1
    fi
    if grep -q '\*\* Error' "$rundir/PRINT" || [[ -s "$rundir/Errfile" ]]; then
        SMOKE_FAILURE="SWAN reported errors: $(grep -m3 '\*\* Error' "$rundir/PRINT" | tr '\n' ' ') $(tail_of "$rundir/Errfile" 2)"
        return 1
    fi
    local output
    for output in p1.tab hsig.txt hsig.nc; do
        [[ -s "$rundir/$output" ]] || { SMOKE_FAILURE="the run wrote no $output"; return 1; }
    done
    grep -q 'SWAN version:41.01' "$rundir/p1.tab" || { SMOKE_FAILURE="p1.tab does not name SWAN version 41.01"; return 1; }
}

ensure_link() {
    local bin="$1" link="/usr/local/bin/$(basename "$1")"
    if [[ "$(readlink "$link" 2>/dev/null || true)" != "$bin" ]]; then
        log "linking $link -> $bin"
        ln -sfn "$bin" "$link"
    fi
}

sdist_is_cached() {
    [[ -f "$SDIST_CACHE" ]] && [[ "$(sha256sum "$SDIST_CACHE" | cut -d' ' -f1)" == "$SDIST_SHA256" ]]
}

# pip's metadata step for this old sdist fails under modern setuptools, so the download runs
# in a throwaway venv with setuptools<60, and pip checks the pinned sha256.
download_sdist() {
    local workdir="$1"
    sdist_is_cached && { log "using cached $SDIST_CACHE"; return 0; }
    log "downloading $SDIST_NAME==$SDIST_VERSION source package from PyPI"
    /usr/bin/python3 -m venv "$workdir/venv" >>"$BUILD_LOG" 2>&1 ||
        die "could not create a venv with /usr/bin/python3; last lines of $BUILD_LOG: $(tail_of "$BUILD_LOG" 3)"
    "$workdir/venv/bin/pip" install -q 'setuptools<60' wheel >>"$BUILD_LOG" 2>&1 ||
        die "pip could not install setuptools<60 and wheel; last lines of $BUILD_LOG: $(tail_of "$BUILD_LOG" 3)"
    printf '%s==%s --hash=sha256:%s\n' "$SDIST_NAME" "$SDIST_VERSION" "$SDIST_SHA256" >"$workdir/req.txt"
    "$workdir/venv/bin/pip" download -q --no-deps --no-binary :all: --no-build-isolation \
        --require-hashes -r "$workdir/req.txt" -d "$workdir/dl" >>"$BUILD_LOG" 2>&1 ||
        die "pip download of $SDIST_NAME==$SDIST_VERSION failed; last lines of $BUILD_LOG: $(tail_of "$BUILD_LOG" 3)"
    install -D -m 0644 "$workdir/dl/$SDIST_FILE" "$SDIST_CACHE"
    sdist_is_cached || die "$SDIST_CACHE does not have the pinned sha256 $SDIST_SHA256"
}

# SWAN's own recipe: platform.pl writes macros.inc for gfortran; gfortran 12 needs
# -fallow-argument-mismatch; NETCDFROOT=/usr builds NetCDF output in.
# Builds one variant (`ser` or `omp`) in its own copy of the source and installs it as $3.
build_swan() {
    local workdir="$1" target="$2" bin="$3" src
    mkdir -p "$workdir/$target"
    tar -xzf "$SDIST_CACHE" -C "$workdir/$target" "$SWAN_SRC_IN_SDIST" ||
        die "$SDIST_FILE has no $SWAN_SRC_IN_SDIST folder"
    src="$workdir/$target/$SWAN_SRC_IN_SDIST"
    [[ -f "$src/macros.inc" ]] && mv "$src/macros.inc" "$src/macros.inc.shipped"
    (cd "$src" && perl platform.pl) >>"$BUILD_LOG" 2>&1 || die "perl platform.pl failed; see $BUILD_LOG"
    grep -q '^F90_SER = gfortran$' "$src/macros.inc" ||
        die "platform.pl did not choose gfortran: $(grep -m1 '^F90_SER' "$src/macros.inc" || echo 'no F90_SER line')"
    sed -i '/^FLAGS_MSC *=/ s/$/ -fallow-argument-mismatch/; s#^NETCDFROOT *=.*#NETCDFROOT = /usr#' "$src/macros.inc"
    log "compiling $(basename "$bin") (make $target; log: $BUILD_LOG)"
    (cd "$src" && make "$target") >>"$BUILD_LOG" 2>&1 ||
        die "make $target failed; last lines of $BUILD_LOG: $(tail_of "$BUILD_LOG" 4)"
    [[ -x "$src/swan.exe" ]] || die "make $target finished but wrote no swan.exe; see $BUILD_LOG"
    # Replace by rename, so a binary that is running keeps its old file.
    install -D -m 0755 "$src/swan.exe" "$bin.new"
    mv -f "$bin.new" "$bin"
    install -m 0644 "$src/macros.inc" "$bin.macros.inc"
}

# Writes <binary>.build.json: what the binary is and how it was built. The compiler flags come
# from the macros.inc kept at build time ($bin.macros.inc); a binary built before this file
# was kept gets the recipe's description instead.
write_build_info() {
    local target="$1" bin="$2" flags compiler
    if [[ -f "$bin.macros.inc" ]]; then
        flags="$(grep -E '^(F90_SER|F90_OMP|FLAGS_OPT|FLAGS_MSC|FLAGS90_MSC|FLAGS_SER|FLAGS_OMP|NETCDFROOT) *=' "$bin.macros.inc" | tr -s ' ' | paste -sd ';' -)"
    else
        flags="platform.pl gfortran defaults, FLAGS_MSC += -fallow-argument-mismatch, NETCDFROOT = /usr"
    fi
    compiler="$(gfortran --version 2>/dev/null | head -n1 || echo unknown)"
    BUILD_TARGET="$target" BUILD_BIN="$bin" BUILD_FLAGS="$flags" BUILD_COMPILER="$compiler" \
    BUILD_SHA256="$(sha256sum "$bin" | cut -d' ' -f1)" \
    /usr/bin/python3 - "$bin.build.json" <<'PY'
import json, os, sys
info = {
    "model": "SWAN",
    "swan_version": "41.01",
    "source_package": f"{os.environ['SDIST_NAME']}=={os.environ['SDIST_VERSION']}",
    "source_sha256": os.environ["SDIST_SHA256"],
    "variant": {"ser": "serial", "omp": "openmp"}[os.environ["BUILD_TARGET"]],
    "make_target": os.environ["BUILD_TARGET"],
    "compiler": os.environ["BUILD_COMPILER"],
    "flags": os.environ["BUILD_FLAGS"],
    "binary_sha256": os.environ["BUILD_SHA256"],
    "built_by": "scripts/engines/swan.sh",
}
path = sys.argv[1]
with open(path + ".new", "w", encoding="utf-8") as file:
    json.dump(info, file, indent=2, sort_keys=True)
    file.write("\n")
os.replace(path + ".new", path)
PY
}

# Builds and installs one variant unless its installed binary passes the smoke test.
ensure_variant() {
    local target="$1" bin="$BIN_DIR/$2" workdir
    if [[ "${ROMPY_SWAN_REBUILD:-0}" != 1 && -x "$bin" ]]; then
        if smoke_test "$bin"; then
            ensure_link "$bin"
            write_build_info "$target" "$bin"
            log "$bin is installed and passes the smoke test; nothing to build"
            return 0
        fi
        log "installed $bin fails the smoke test ($SMOKE_FAILURE); rebuilding"
    fi
    apt_install python3 python3-venv gfortran perl make libnetcdff-dev
    workdir="$(mktemp -d /tmp/rompy-swan-build.XXXXXX)"
    cleanup_later "$workdir"
    download_sdist "$workdir"
    build_swan "$workdir" "$target" "$bin"
    ensure_link "$bin"
    smoke_test "$bin" || die "the freshly built $bin fails the smoke test: $SMOKE_FAILURE"
    write_build_info "$target" "$bin"
    log "installed $bin ($(stat -c %s "$bin") bytes); smoke test passed"
}

main() {
    [[ -f "$SMOKE_DIR/INPUT" ]] || die "smoke case $SMOKE_DIR/INPUT is missing"
    touch "$BUILD_LOG"
    ensure_variant ser swan.exe
    ensure_variant omp swanomp.exe
}

main "$@"
