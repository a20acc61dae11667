#!/usr/bin/env bash
# Issue 17's targets (BENCHMARKS.md, "Living scores").
#
# usage: bench/livebench/run.sh [latency|sweep|all] [WORKDIR]
#   (defaults: all, /tmp/leadscore-bench-live)
# Settings (environment): RATE (events/s, default 10000), DURATION (60s),
# POOL (leads stored, 20000), LEADS (the leads of the pool the events go to:
# those closest to the next tier up, 20000: all), SWEEP_LEADS (1000000),
# SWEEP_EVENTS (events per lead, 3).
#
# 1. builds the static leadscore binary and livebench, generates 20,000 B2B
#    leads and trains a bundle (cached in WORKDIR/models);
# 2. latency: serves it with a fresh SQLite store and a webhook URL pointing
#    at livebench's receiver; livebench stores POOL leads, waits until each
#    is scored, then posts RATE events/s of LEADS of them open loop (a
#    batch every 10 ms) for DURATION and reports event (accepted) -> score
#    logged and -> webhook received, p50 and p99, with the server's CPU
#    time and peak memory;
# 3. sweep: writes SWEEP_LEADS leads with SWEEP_EVENTS events each, imports
#    them into a fresh SQLite store, serves it with a sweep of every lead
#    one second after start (no webhooks: the sweep's cost is the
#    rescoring and the log) and reports the sweep's wall time, the
#    server's CPU time and peak RSS.
# Run it under `nice -n 15 flock /tmp/leadscore-bench.lock` on a shared
# machine; every figure is printed with the load average.
set -euo pipefail
cd "$(dirname "$0")/../.."
what=${1:-all}
work=${2:-/tmp/leadscore-bench-live}
rate=${RATE:-10000}
dur=${DURATION:-60s}
leads=${LEADS:-20000}
pool=${POOL:-20000}
sweep_leads=${SWEEP_LEADS:-1000000}
sweep_events=${SWEEP_EVENTS:-3}
mkdir -p "$work"
# PROFILE=1 builds the server with -tags pprof and takes a 20 s CPU profile
# in the middle of the latency run (WORKDIR/cpu.pprof).
tags=
[ -z "${PROFILE:-}" ] || tags=pprof
CGO_ENABLED=0 go build -tags "$tags" -o "$work/leadscore" ./cmd/leadscore
go build -o "$work/livebench" ./bench/livebench
ls="$work/leadscore"
if [ ! -f "$work/models/v1/manifest.json" ]; then
  "$ls" generate --profile b2b --leads 20000 --seed 5 --out "$work/data" >/dev/null
  "$ls" train --data "$work/data/leads.csv" --events "$work/data/events.csv" --outcomes "$work/data/outcomes.csv" \
    --gbm-trees 100 --out "$work/models/v1" >/dev/null
fi
out="$work/results.txt"
pid=
trap '[ -z "$pid" ] || kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true' EXIT
# cpu_s PID: the process's user + system CPU seconds so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$1/stat"; }
# peak_mb PID: the process's peak resident memory (VmHWM) in MB.
peak_mb() { awk '/VmHWM/{printf "%.0f", $2/1024}' "/proc/$1/status"; }
ready() { # PORT
  for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return; sleep 0.2; done
  echo "server on $1 not ready"; tail "$work/serve-$1.err"; exit 1
}

if [ "$what" = latency ] || [ "$what" = all ]; then
  rm -f "$work"/live.db*
  rm -f "$work/secret"; (umask 077; printf "livebench-secret\n" >"$work/secret")
  LEADSCORE_PPROF=${PROFILE:+127.0.0.1:18099} "$ls" serve --models "$work/models" --addr 127.0.0.1:18095 --store "sqlite:$work/live.db" \
    --webhook-url http://127.0.0.1:18096/hook --webhook-secret-file "$work/secret" \
    --log-level warn --memory-limit -1 2>"$work/serve-18095.err" &
  pid=$!
  ready 18095
  echo "== latency: $rate events/s for $dur over $leads leads (SQLite) $(uptime)" | tee -a "$out"
  c0=$(cpu_s "$pid")
  if [ -n "${PROFILE:-}" ]; then
    (sleep 40; curl -sf -o "$work/cpu.pprof" "http://127.0.0.1:18099/debug/pprof/profile?seconds=20") &
  fi
  "$work/livebench" latency -url http://127.0.0.1:18095 -hook 127.0.0.1:18096 -secret "$work/secret" \
    -data "$work/data/leads.csv" -pool "$pool" -leads "$leads" -rate "$rate" -duration "$dur" | tee -a "$out"
  c1=$(cpu_s "$pid")
  echo "RESULT latency server CPU $(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.1f", b-a}') s (setup included), peak RSS $(peak_mb "$pid") MB; $(uptime)" | tee -a "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  du -h "$work"/live.db* | tee -a "$out"
fi

if [ "$what" = sweep ] || [ "$what" = all ]; then
  hist="$work/history-$sweep_leads-$sweep_events"
  if [ ! -f "$hist/events.csv" ]; then
    "$work/livebench" history -data "$work/data/leads.csv" -leads "$sweep_leads" -events "$sweep_events" -out "$hist"
  fi
  db="$work/sweep-$sweep_leads-$sweep_events.db"
  if [ ! -f "$db.imported" ]; then
    rm -f "$db"*
    /usr/bin/time -f "import: %e s wall, %U+%S s CPU, %M KB peak RSS" \
      "$ls" import --store "sqlite:$db" --leads "$hist/leads.csv" --events "$hist/events.csv" 2>&1 | tail -3 | tee -a "$out"
    touch "$db.imported"
  fi
  # Keep the imported store as it is: sweep a copy.
  cp "$db" "$work/sweep-run.db"
  rm -f "$work"/sweep-run.db-*
  "$ls" serve --models "$work/models" --addr 127.0.0.1:18097 --store "sqlite:$work/sweep-run.db" \
    --sweep-every 1s --sweep-active-every=-1s --log-level info --memory-limit -1 2>"$work/serve-18097.err" &
  pid=$!
  ready 18097
  echo "== sweep: $sweep_leads stored leads, $sweep_events events each (SQLite) $(uptime)" | tee -a "$out"
  c0=$(cpu_s "$pid")
  until grep -q '"msg":"sweep"' "$work/serve-18097.err"; do
    if grep -q '"msg":"sweep failed' "$work/serve-18097.err"; then grep 'sweep failed' "$work/serve-18097.err"; exit 1; fi
    sleep 1
  done
  c1=$(cpu_s "$pid")
  grep -m1 '"msg":"sweep"' "$work/serve-18097.err" | tee -a "$out"
  echo "RESULT sweep server CPU $(awk -v a="$c0" -v b="$c1" 'BEGIN{printf "%.1f", b-a}') s, peak RSS $(peak_mb "$pid") MB; $(uptime)" | tee -a "$out"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
fi
