#!/usr/bin/env bash
# Creates .venv and installs Reach with its dev and airflow extras at the versions pinned in
# requirements.lock, hashes included. Called by `make venv` (and so by `make test`) when either
# file changed.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python=$candidate
      break
    fi
  done
fi
[ -n "$python" ] || { echo "venv: Python >= 3.11 is needed (set PYTHON=/path/to/python)" >&2; exit 1; }

[ -x .venv/bin/python ] || "$python" -m venv .venv
# uv installs from the lock in seconds where pip takes minutes; it comes from PyPI like the rest.
.venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes \
  -r scripts/uv.lock.txt
# Exactly the lock, every artifact checked against its hash (a re-published wheel of the same
# version is refused, not silently installed); then Reach itself, editable, adding nothing.
# Byte-code is compiled here because environments that set PYTHONDONTWRITEBYTECODE would
# otherwise compile every module again in every process the tests and standalone mode start.
.venv/bin/uv pip sync --python .venv/bin/python -q --require-hashes --compile-bytecode \
  requirements.lock
.venv/bin/uv pip install --python .venv/bin/python -q --no-deps -e .
touch .venv/.installed
