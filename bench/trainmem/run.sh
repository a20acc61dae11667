#!/usr/bin/env bash
# Training memory and the lead store at scale (issues 16 and 21).
#
# usage: bench/trainmem/run.sh WORKDIR store|files [LEADS] [MAX_EXAMPLES]
#
#   store: leadscore generate --leads LEADS (default 1,000,000; seed 7, about
#          53 events per lead), leadscore import into a fresh SQLite store
#          (time, peak RSS, the file's size on disk), then leadscore train
#          --store with --max-examples MAX_EXAMPLES (default 250000);
#   files: leadscore generate --leads LEADS (seed 1), then leadscore train on
#          the files (MAX_EXAMPLES 0: every example).
#
# Each measured step runs as `flock /tmp/leadscore-bench.lock /usr/bin/time
# -v`, so it waits for other measurements on a shared machine; the load
# average is printed before and after. Needs about 10 GB of disk per
# 1,000,000 leads in WORKDIR (2.8 GB of CSV, 6.2 GB of store); train
# --store reads the store directly and writes no temporary files.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:?usage: run.sh WORKDIR store|files [LEADS] [MAX_EXAMPLES]}
mode=${2:?usage: run.sh WORKDIR store|files [LEADS] [MAX_EXAMPLES]}
leads=${3:-1000000}
maxex=${4:-}
mkdir -p "$work"
CGO_ENABLED=0 go build -o "$work/leadscore" ./cmd/leadscore
ls="$work/leadscore"
measure() { # NAME CMD...
  local name=$1; shift
  echo "$name: load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"
  flock /tmp/leadscore-bench.lock /usr/bin/time -v "$@" >"$work/$name.out" 2>"$work/$name.time"
  grep -E "Elapsed|User time|System time|Maximum resident" "$work/$name.time" | sed "s/^/$name /"
  echo "$name: load $(cut -d' ' -f1-3 /proc/loadavg) at $(date -u +%H:%M:%S)"
}
case $mode in
store)
  seed=7; maxex=${maxex:-250000}
  [ -f "$work/gen$leads/events.csv" ] || "$ls" generate --profile b2b --leads "$leads" --seed $seed --out "$work/gen$leads"
  rm -f "$work/store$leads.db"*
  measure import "$ls" import --store "sqlite:$work/store$leads.db" --leads "$work/gen$leads/leads.csv" \
    --events "$work/gen$leads/events.csv" --outcomes "$work/gen$leads/outcomes.csv"
  cat "$work/import.out"
  echo "store on disk: $(du -cb "$work/store$leads.db"* | tail -1 | cut -f1) bytes"
  rm -rf "$work/model-store"
  measure train-store "$ls" train --store "sqlite:$work/store$leads.db" --max-examples "$maxex" --out "$work/model-store"
  cat "$work/train-store.out"
  ;;
files)
  maxex=${maxex:-0}
  [ -f "$work/gen$leads/events.csv" ] || "$ls" generate --profile b2b --leads "$leads" --seed 1 --out "$work/gen$leads"
  rm -rf "$work/model-files$leads"
  measure "train-files$leads" "$ls" train --data "$work/gen$leads/leads.csv" --events "$work/gen$leads/events.csv" \
    --outcomes "$work/gen$leads/outcomes.csv" --max-examples "$maxex" --out "$work/model-files$leads"
  cat "$work/train-files$leads.out"
  ;;
*) echo "mode must be store or files" >&2; exit 2 ;;
esac
