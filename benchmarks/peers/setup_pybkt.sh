#!/usr/bin/env bash
# Build pyBKT 1.4.3 with its C++ extension in its own virtual environment (a benchmark peer only).
# The default wheel is pure Python (150-200x slower); pyBKT fails to import with scikit-learn >= 1.8,
# so the environment pins scikit-learn 1.7.2. Usage: benchmarks/peers/setup_pybkt.sh [VENV_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$here/../../.bench/pybkt-venv}"
python="${PYTHON:-python3.11}"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet numpy setuptools wheel
"$venv/bin/pip" install --quiet --no-build-isolation --no-binary pyBKT pyBKT==1.4.3
"$venv/bin/pip" install --quiet scikit-learn==1.7.2
"$venv/bin/python" -c "import pyBKT.models, pyBKT.fit.E_step as e; print('pyBKT C++ E-step:', e.__file__)"
