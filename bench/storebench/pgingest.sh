#!/usr/bin/env bash
# Ingestion into PostgreSQL, with PostgreSQL's own CPU (issue 16).
#
# usage: LEADSCORE_BENCH_POSTGRES=postgres://USER@HOST:PORT/DB?sslmode=disable \
#          bench/storebench/pgingest.sh [WORKDIR] [LEADSCORE_BINARY ...]
# DB is dropped and created again before each binary's run (through the
# server's postgres database), so give it a database of its own, e.g.
# storebench_pg; the server must be on this machine (its processes' CPU
# is read from /proc). Without binaries, the static binary of this
# checkout. Needs WORKDIR/models (bench/storebench/run.sh makes it).
#
# For each binary: serve on the fresh database (:18192) and post EVENTS
# (default 400,000) events in batches of 500 from CLIENTS (default 4)
# concurrent clients (storebench ingest, as run.sh),
# then print events/s, the leadscore server's CPU and the CPU of the
# PostgreSQL backends serving that database (user + system, from /proc),
# and of the server's shared WAL writer, checkpointer and background writer
# (which other databases' work also moves). EXTRA adds serve flags (e.g.
# EXTRA="--rescore-debounce 1h": no rescoring during the run).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${1:-/tmp/leadscore-bench-store}
shift || true
url=${LEADSCORE_BENCH_POSTGRES:?set LEADSCORE_BENCH_POSTGRES to a database this may drop and create}
db=${url##*/}; db=${db%%\?*}
admin=${url%/*}/postgres; case "$url" in *\?*) admin="$admin?${url#*\?}";; esac
go build -o "$work/storebench" ./bench/storebench
bins=("$@")
if [ ${#bins[@]} -eq 0 ]; then
  CGO_ENABLED=0 go build -o "$work/leadscore" ./cmd/leadscore
  bins=("$work/leadscore")
fi
hz=$(getconf CLK_TCK)
cpu_s() { awk -v hz="$hz" '{printf "%.2f", ($14+$15)/hz}' "/proc/$1/stat"; }
# pg_ticks: "pid ticks kind" for the backends of $db (kind db) and the
# shared auxiliary processes (kind aux).
pg_ticks() {
  for d in /proc/[0-9]*; do
    c=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) || continue
    case "$c" in
      "postgres: "*" $db "* | "postgres: autovacuum worker $db"*) k=db ;;
      "postgres: "*walwriter* | "postgres: "*checkpointer* | "postgres: "*"background writer"*) k=aux ;;
      *) continue ;;
    esac
    awk -v k=$k -v p="${d#/proc/}" '{print p, $14+$15, k}' "$d/stat" 2>/dev/null || true
  done
}
for bin in "${bins[@]}"; do
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
  "$bin" serve --models "$work/models" --addr 127.0.0.1:18192 --store "$url" --log-level warn --memory-limit -1 ${EXTRA:-} 2>>"$work/serve-18192.err" &
  pid=$!
  for _ in $(seq 1 100); do curl -sf http://127.0.0.1:18192/readyz >/dev/null && break; sleep 0.2; done
  uptime
  pg_ticks >"$work/pg-before"
  c0=$(cpu_s $pid)
  "$work/storebench" ingest -url http://127.0.0.1:18192 -events "${EVENTS:-400000}" -batch 500 -clients "${CLIENTS:-4}" -prefix "pg$$"
  c1=$(cpu_s $pid)
  pg_ticks >"$work/pg-after"
  uptime
  kill $pid
  wait $pid 2>/dev/null || true
  awk -v hz="$hz" -v s=$(awk -v a="$c0" -v b="$c1" 'BEGIN{print b-a}') -v bin="$bin" -v n="${EVENTS:-400000}" '
    NR==FNR{a[$1]=$2; next} {d=$2-a[$1]; if($3=="db") db+=d; else aux+=d}
    END{t=s+(db+aux)/hz
      printf "RESULT %s: server CPU %.1f s (%.0f events per CPU-second); PostgreSQL backends %.1f s, WAL writer/checkpointer/bgwriter %.1f s; all %.1f s: %.0f events per CPU-second\n", bin, s, n/s, db/hz, aux/hz, t, n/t}' \
    "$work/pg-before" "$work/pg-after"
done
