#!/usr/bin/env bash
# Set up (if needed), type-check (mypy, scripts/typecheck.sh) and run every test tier: unit, functional
# (handlers against moto), SAM (validate, build, invoke the built handlers) and end-to-end (the local stack
# over HTTP). Extra args go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export SAM_CLI_TELEMETRY=0
./scripts/typecheck.sh
exec .venv/bin/python -m pytest "$@"
