#!/usr/bin/env bash
# Sets up a fresh machine: Debian packages for offline speech (espeak-ng speaks, ffmpeg converts test
# audio), the project's virtualenv (.venv) and, unless --no-sam, the SAM CLI in its own virtualenv
# (.venv-sam: it pins its own boto3 and pydantic). Re-running is cheap: nothing is reinstalled while
# pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

with_sam=1
[ "${1:-}" = "--no-sam" ] && with_sam=0

python=""
for candidate in python3.11 python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    python=$(command -v "$candidate"); break
  fi
done
if [ -z "$python" ]; then
  echo "Python 3.11 is required (the Lambda runtime is python3.11, and sam build without Docker uses it)." >&2
  exit 1
fi

debian_packages=(espeak-ng ffmpeg)
[ "$with_sam" = 1 ] && debian_packages+=(chromium)  # browser tests (the test setup; the local run needs none)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! command -v apt-get >/dev/null; then
    echo "Please install ${missing[*]} with your package manager (offline speech needs them)." >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

if [ ! -x .venv/bin/python ]; then "$python" -m venv .venv; fi
want=$(stamp pyproject.toml)
if [ "$(cat .venv/.installed 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  echo "$want" > .venv/.installed
fi

if [ "$with_sam" = 1 ]; then
  sam_version=1.170.0
  if [ ! -x .venv-sam/bin/python ]; then "$python" -m venv .venv-sam; fi
  if [ "$(cat .venv-sam/.installed 2>/dev/null)" != "$sam_version" ]; then
    .venv-sam/bin/python -m pip install --quiet --upgrade pip
    .venv-sam/bin/python -m pip install --quiet "aws-sam-cli==$sam_version"
    echo "$sam_version" > .venv-sam/.installed
  fi
fi
