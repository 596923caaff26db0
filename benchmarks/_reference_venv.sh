# Shared by setup_reference.sh and setup_rompy_swan.sh (source it, then call make_reference_venv).
# Makes a venv apart from the project's .venv holding one pinned reference distribution.

pick_python() {
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
            echo "$candidate"
            return 0
        fi
    done
    echo "no python3 found (set PYTHON=...)" >&2
    return 1
}

# installed_version VENV DIST: the version of DIST in VENV (empty when missing).
installed_version() {
    "$1/bin/python" -I -c "import importlib.metadata as m; print(m.version('$2'))" \
        2>/dev/null || true
}

# make_reference_venv VENV DIST VERSION IMPORTS: install DIST==VERSION into VENV unless it is
# there, then check that `import IMPORTS` works and the reference CLI answers (-I: never pick
# up a rompy/ folder from the current directory, such as this repository).
make_reference_venv() {
    local venv="$1" dist="$2" version="$3" imports="$4" repo_root
    repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    mkdir -p "$(dirname "$venv")"
    if [ "$(realpath -m "$venv")" = "$(realpath -m "$repo_root/.venv")" ]; then
        echo "refusing to install the reference into the project's .venv ($venv)" >&2
        return 1
    fi
    if [ ! -x "$venv/bin/python" ]; then
        "$(pick_python)" -m venv "$venv"
    fi
    if [ "$(installed_version "$venv" "$dist")" != "$version" ]; then
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$dist==$version"
    fi
    "$venv/bin/python" -I -c "import $imports" >/dev/null 2>&1 || {
        echo "$imports do not import in $venv" >&2
        return 1
    }
    "$venv/bin/rompy" --help >/dev/null
}
