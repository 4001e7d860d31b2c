#!/usr/bin/env bash
# Set up (if needed) and serve the whole API on http://localhost:8000 (PORT=... or --port to change it)
# against the embedded AWS stand-in, with the evaluation worker in the background and offline AI.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh --no-sam
exec .venv/bin/python -m infra.local_stack "$@"
