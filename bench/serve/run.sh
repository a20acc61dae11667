#!/usr/bin/env bash
# Load test of the leadscore scoring API beside a bare gin endpoint.
#
# usage: bench/serve/run.sh [WORKDIR] [DURATION]   (defaults: /tmp/leadscore-bench-serve, 10s)
#
# 1. builds bench/serve (benchserve), which generates 5,000 B2B leads, trains
#    a bundle with a GBM champion (cached in WORKDIR/models), writes
#    WORKDIR/lead.json (one lead with its events) and WORKDIR/batch.json
#    (1,000 leads), each lead as of 14 days after its creation with the
#    events it had by then (sizes in WORKDIR/bodies.txt), and serves the API on 127.0.0.1:18080 next to a bare gin
#    POST /echo (decode the same JSON into a map, encode it back) on :18081;
# 2. runs wrk (Debian's wrk, loopback, 2 threads, 32 connections; 4 for
#    batches) with post.lua against:
#      bare        POST /echo                         lead.json
#      score       POST /v1/score?explain=5           lead.json
#      batch       POST /v1/score/batch?explain=0     batch.json
#      batch-x5    POST /v1/score/batch?explain=5     batch.json
# 3. prints one RESULT line per run (req/s, p50, p99) and the derived
#    figures: score req/s as a share of bare req/s (target >= 60%) and
#    batch leads/s (targets >= 100,000 without and >= 20,000 with five
#    contributions).
#
# wrk shares the two cores with the server, so absolute numbers are lower
# than on a dedicated client; the ratio to the bare endpoint is the figure
# that carries over.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp/leadscore-bench-serve}
dur=${2:-10s}
mkdir -p "$work"
go build -o "$work/benchserve" ./bench/serve
"$work/benchserve" -out "$work" >"$work/server.out" 2>"$work/server.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  grep -q ready "$work/server.out" 2>/dev/null && curl -sf http://127.0.0.1:18080/readyz >/dev/null && break
  kill -0 $pid 2>/dev/null || { cat "$work/server.err"; exit 1; }
  sleep 1
done
curl -sf http://127.0.0.1:18080/readyz >/dev/null || { echo "server not ready"; cat "$work/server.err"; exit 1; }
cat "$work/bodies.txt"
uptime
lua=bench/serve/post.lua
out="$work/results.txt"
: >"$out"
LABEL=bare     wrk -t2 -c32 -d"$dur" --latency -s $lua http://127.0.0.1:18081/echo -- "$work/lead.json" | grep RESULT | tee -a "$out"
LABEL=score    wrk -t2 -c32 -d"$dur" --latency -s $lua "http://127.0.0.1:18080/v1/score?explain=5" -- "$work/lead.json" | grep RESULT | tee -a "$out"
LABEL=batch    wrk -t2 -c4 -d"$dur" --latency -s $lua "http://127.0.0.1:18080/v1/score/batch?explain=0" -- "$work/batch.json" | grep RESULT | tee -a "$out"
LABEL=batch-x5 wrk -t2 -c4 -d"$dur" --latency -s $lua "http://127.0.0.1:18080/v1/score/batch?explain=5" -- "$work/batch.json" | grep RESULT | tee -a "$out"
n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))))" "$work/batch.json")
awk -v n="$n" '
  $2=="bare"{bare=$4} $2=="score"{score=$4} $2=="batch"{b=$4} $2=="batch-x5"{bx=$4}
  END{
    printf "score/bare: %.0f%% (target >= 60%%)\n", 100*score/bare
    printf "batch leads/s, explain=0: %.0f (target >= 100000)\n", b*n
    printf "batch leads/s, explain=5: %.0f (target >= 20000)\n", bx*n
  }' "$out" | tee -a "$out"
