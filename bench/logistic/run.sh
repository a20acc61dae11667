#!/usr/bin/env bash
# Benchmark models/logistic's L2 fit against scikit-learn's
# LogisticRegression(solver="lbfgs") on one seeded synthetic data file that
# both sides read. One command:
#
#   bench/logistic/run.sh [ROWS [COLS]]        # default 1000000 x 40
#
# Environment: LAMBDA (default 1e-4, our objective's L2 strength; sklearn gets
# C = 1/(LAMBDA*ROWS)), TOL (default 1e-8, our gradient-norm tolerance;
# sklearn gets TOL*ROWS, see sklearn_ref.py), REPEAT (best of, default 3),
# SEED (default 1), DATA_DIR (default $TMPDIR/leadscore-bench-logistic; the
# data file is written once and reused), PYTHON (a python3 with
# scikit-learn; default: the first of python3, /usr/bin/python3 that has it).
# Prints a JSON record (times, ratio, coefficient max-abs-diff, gradient
# norms) and a one-line summary; both are also saved in DATA_DIR.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows="${1:-1000000}"
cols="${2:-40}"
lambda="${LAMBDA:-1e-4}"
tol="${TOL:-1e-8}"
repeat="${REPEAT:-3}"
seed="${SEED:-1}"
dir="${DATA_DIR:-${TMPDIR:-/tmp}/leadscore-bench-logistic}"

python="${PYTHON:-}"
if [ -z "$python" ]; then
  for p in python3 /usr/bin/python3; do
    if "$p" -c "import sklearn" 2>/dev/null; then python="$p"; break; fi
  done
fi
if [ -z "$python" ]; then
  echo "run.sh: no python3 with scikit-learn found; install python3-sklearn or set PYTHON" >&2
  exit 1
fi

mkdir -p "$dir"
bin="$dir/logistic-bench"
(cd "$root" && CGO_ENABLED=0 go build -o "$bin" ./bench/logistic)

data="$dir/data-${rows}x${cols}-seed${seed}.bin"
if [ ! -f "$data" ]; then
  echo "writing $data" >&2
  "$bin" gen -rows "$rows" -cols "$cols" -seed "$seed" -out "$data.tmp"
  mv "$data.tmp" "$data"
fi

echo "fitting models/logistic (best of $repeat)" >&2
"$bin" fit -data "$data" -lambda "$lambda" -tol "$tol" -repeat "$repeat" -out "$dir/ours.json"
echo "fitting scikit-learn lbfgs (best of $repeat)" >&2
"$python" "$here/sklearn_ref.py" "$data" "$dir/ours.json" --repeat "$repeat" | tee "$dir/result.txt"
