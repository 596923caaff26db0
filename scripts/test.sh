#!/usr/bin/env bash
# Run the whole test suite on a fresh Debian 12 machine: installs what it needs (python env,
# Docker engine, one-node SLURM cluster, SWAN), then tests, linters, type checks, import
# contracts and the docs build. Exit status is non-zero when any of them fails.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo; echo "== $* =="; }

step "python environment"
bash scripts/setup-python.sh
step "engines"
bash scripts/engines/all.sh
step "tests"
.venv/bin/python -m pytest -q -p no:cacheprovider
step "ruff"
.venv/bin/ruff check rompy tests benchmarks examples
.venv/bin/ruff format --check rompy tests benchmarks examples
step "mypy"
.venv/bin/mypy
step "import contracts"
.venv/bin/lint-imports
step "docs"
.venv/bin/mkdocs build --strict --quiet --site-dir "$(mktemp -d)"
echo; echo "all checks passed"
