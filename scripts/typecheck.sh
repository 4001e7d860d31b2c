#!/usr/bin/env bash
# mypy: strict on the core package; every other body checked, with annotations where they are written.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD/shared:$PWD"
.venv/bin/python -m mypy --strict shared/interview_core
.venv/bin/python -m mypy functions infra bench
