#!/usr/bin/env bash
# Load test of the lead store (issue 16's targets).
#
# usage: bench/storebench/run.sh [WORKDIR] [DURATION]   (defaults: /tmp/leadscore-bench-store, 10s)
# With LEADSCORE_BENCH_POSTGRES=postgres://... (a database the run may fill)
# the ingestion is measured into PostgreSQL too.
#
# 1. builds the static leadscore binary and storebench, generates 2,000 B2B
#    leads and trains a bundle (cached in WORKDIR/models);
# 2. serves it three times: with a fresh SQLite store (:18090), stateless
#    with --store none (:18091) and, when asked, on PostgreSQL (:18092);
# 3. ingestion: storebench stores 10,000 leads, then posts EVENTS (default
#    400,000) events of those leads in batches of 500 from CLIENTS (default
#    4) concurrent clients (targets: 50,000 events/s into SQLite, 100,000
#    into PostgreSQL); the server rescores the leads as their events
#    arrive, as it does by default; CLIENT_TIME=1 prints the clients' CPU;
# 4. scoring by id: storebench stores bench-lead with 200 events; wrk (2
#    threads, 50 connections) GETs /v1/leads/bench-lead?explain=5 on the
#    store (target p99 <= 5 ms) and POSTs the same lead to the stateless
#    /v1/score?explain=5 (target: GET req/s >= 40% of it); also /v1/score
#    with the store (which logs every score); and GET /healthz on the store's
#    server, whose p99 (an answer that costs nothing) is the floor of what
#    wrk can measure on this machine;
# 5. the prediction log's cost on batches: /v1/score/batch of 100 leads (200 events each)
#    with and without the store.
# wrk and the clients share the two cores with the server.
# STEPS (default "ingest get batch") picks the steps: STEPS=get measures
# scoring by id and the stateless POST only (the store then holds the one
# lead; no ingestion before). BIN=path serves another leadscore binary
# (e.g. one built with -tags pprof; LEADSCORE_PPROF=127.0.0.1:6060 then
# serves its profiles). TASKSET="A B" pins the servers to CPU list A and
# wrk to CPU list B (by default they share both cores; TASKSET="0 1" takes
# the /healthz p99 floor from 7.5-9.5 ms down to 2.7-2.9 ms on the 2-core
# VM, see BENCHMARKS.md).
# SERVE_FLAGS are added to every serve (e.g. --rescore-debounce 1h, to see
# what rescoring costs). PROFILE=1 builds with -tags pprof and writes a
# 10 s CPU profile of the SQLite server during its ingestion to
# WORKDIR/ingest.pprof, starting PROFILE_AFTER (default 8) seconds in.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp/leadscore-bench-store}
dur=${2:-10s}
mkdir -p "$work"
steps=" ${STEPS:-ingest get batch} "
events=${EVENTS:-400000}
tags=
[ -z "${PROFILE:-}" ] || tags="-tags pprof"
CGO_ENABLED=0 go build $tags -o "$work/leadscore" ./cmd/leadscore
go build -o "$work/storebench" ./bench/storebench
ls="${BIN:-$work/leadscore}"
srvpin=() wrkpin=()
if [ -n "${TASKSET:-}" ]; then
  read -r a b <<<"$TASKSET"
  srvpin=(taskset -c "$a") wrkpin=(taskset -c "$b")
fi
if [ ! -f "$work/models/v1/manifest.json" ]; then
  "$ls" generate --profile b2b --leads 2000 --seed 5 --out "$work/data" >/dev/null
  "$ls" train --data "$work/data/leads.csv" --events "$work/data/events.csv" --outcomes "$work/data/outcomes.csv" \
    --gbm-trees 100 --out "$work/models/v1" >/dev/null
fi
rm -f "$work"/store.db*
pids=()
trap 'for p in "${pids[@]}"; do kill $p 2>/dev/null || true; done; wait 2>/dev/null || true' EXIT
serve() { # PORT STORE
  local pp=${LEADSCORE_PPROF:-}
  [ -z "${PROFILE:-}" ] || pp=127.0.0.1:$(($1 + 1000))
  LEADSCORE_PPROF=$pp "${srvpin[@]}" "$ls" serve --models "$work/models" --addr "127.0.0.1:$1" --store "$2" \
    --log-level warn --memory-limit -1 ${SERVE_FLAGS:-} 2>>"$work/serve-$1.err" &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return; sleep 0.2; done
  echo "server on $1 not ready"; cat "$work/serve-$1.err"; exit 1
}
# cpu_s PID: the process's user + system CPU seconds so far.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14+$15)/hz}' "/proc/$1/stat"; }
# ingest NAME PORT PID: EVENTS events; prints events/s and events per
# CPU-second of the server (which the load of other work does not change),
# counted by storebench over the timed part only.
ingest() {
  local prof=
  if [ -n "${PROFILE:-}" ] && [ "$1" = sqlite ]; then
    (sleep ${PROFILE_AFTER:-8}; curl -s -o "$work/ingest.pprof" "http://127.0.0.1:$(($2 + 1000))/debug/pprof/profile?seconds=10") &
    prof=$!
  fi
  ${CLIENT_TIME:+/usr/bin/time -f "RESULT client CPU %U user %S sys, %e s wall"} "$work/storebench" ingest -url "http://127.0.0.1:$2" -events "$events" -batch 500 -clients "${CLIENTS:-4}" -prefix "$1$$" \
    -server-pid "$3" | sed "s/RESULT /RESULT $1 /" | tee -a "$out"
  [ -z "$prof" ] || wait "$prof"
}
serve 18090 "sqlite:$work/store.db"
sqlite_pid=${pids[-1]}
serve 18091 none
stateless_pid=${pids[-1]}
uptime
out="$work/results.txt"
: >"$out"
if [[ $steps == *" ingest "* ]]; then
ingest sqlite 18090 "$sqlite_pid"
fi
if [[ $steps == *" ingest "* && -n "${LEADSCORE_BENCH_POSTGRES:-}" ]]; then
  serve 18092 "$LEADSCORE_BENCH_POSTGRES"
  ingest postgres 18092 "${pids[-1]}"
  kill "${pids[-1]}"; unset 'pids[-1]'
fi
"$work/storebench" lead -url http://127.0.0.1:18090 -events 200 -batch 100 -out "$work"
uptime
# load LABEL PID wrk-args...: one wrk run; its RESULT line gains the
# server's CPU seconds (user + system) during the run.
load() {
  local label=$1 pid=$2 c0 c1; shift 2
  c0=$(cpu_s "$pid")
  LABEL=$label "${wrkpin[@]}" wrk -t2 -c50 -d"$dur" --latency "$@" | grep RESULT | tr -d '\n' >"$work/wrk.line"
  c1=$(cpu_s "$pid")
  awk -v a="$c0" -v b="$c1" '{printf "%s  server CPU %.2f s\n", $0, b-a}' "$work/wrk.line" | tee -a "$out"
}
if [[ $steps == *" get "* ]]; then
load get-lead-sqlite "$sqlite_pid" -s bench/storebench/get.lua "http://127.0.0.1:18090/v1/leads/bench-lead?explain=5"
load healthz-sqlite "$sqlite_pid" -s bench/storebench/get.lua "http://127.0.0.1:18090/healthz"
load score-stateless "$stateless_pid" -s bench/serve/post.lua "http://127.0.0.1:18091/v1/score?explain=5" -- "$work/lead.json"
load score-logged "$sqlite_pid" -s bench/serve/post.lua "http://127.0.0.1:18090/v1/score?explain=5" -- "$work/lead.json"
fi
if [[ $steps == *" batch "* ]]; then
LABEL=batch-stateless  wrk -t2 -c4 -d"$dur" --latency -s bench/serve/post.lua "http://127.0.0.1:18091/v1/score/batch?explain=0" -- "$work/batch.json" | grep RESULT | tee -a "$out"
LABEL=batch-logged     wrk -t2 -c4 -d"$dur" --latency -s bench/serve/post.lua "http://127.0.0.1:18090/v1/score/batch?explain=0" -- "$work/batch.json" | grep RESULT | tee -a "$out"
fi
uptime
awk '
  $2=="get-lead-sqlite"{g=$4; gp99=$9} $2=="healthz-sqlite"{hp99=$9} $2=="score-stateless"{s=$4} $2=="batch-stateless"{bs=$4} $2=="batch-logged"{bl=$4}
  END{
    if (s > 0) {
      printf "GET /v1/leads/{id} p99: %.2f ms (target <= 5 ms); GET /healthz p99 on the same server: %.2f ms\n", gp99, hp99
      printf "GET /v1/leads/{id} / stateless /v1/score: %.0f%% (target >= 40%%)\n", 100*g/s
    }
    if (bs > 0) printf "batch with the prediction log / stateless: %.0f%%\n", 100*bl/bs
  }' "$out" | tee -a "$out"
du -h "$work"/store.db* | tee -a "$out"
