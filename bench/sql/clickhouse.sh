#!/usr/bin/env bash
# Times the compiled clickhouse query on the two-shard test cluster
# (.ci/clickhouse) against the same data on one shard, for BENCHMARKS.md.
#   bench/sql/clickhouse.sh [LEADS]     (after bench/sql/run.sh LEADS, whose
#                                        data and bundle it reuses; MODELS and
#                                        RUNS choose the queries, default
#                                        "logistic gbm rules" and 2)
# The data goes into MergeTree tables on each shard behind Distributed
# tables split by cityHash64(lead_id) over cluster "leadscore" (two shards),
# and into tables on shard 1 alone behind Distributed tables over cluster
# "leadscore_one". Each query runs RUNS times; every time is printed, with
# the CPU time each server process spent on it (user+sys from /proc).
#
# Three ways are timed per model:
#   2 shards: the query over the Distributed tables. The shards scan and
#     aggregate their events; the initiator (shard 1) merges the aggregates
#     and computes everything after them (join, model, calibration) alone.
#   2 shards, per-shard view: the query compiled against each shard's local
#     tables, as a VIEW on each shard, read through a Distributed table over
#     the views. A lead's events live on its lead's shard (both tables split
#     by cityHash64(lead_id)), so every shard scores its own leads whole.
#   1 shard: the query over Distributed tables naming shard 1 alone.
# TRAIN=N uses the bundle bench/sql/run.sh trained on N leads; LOAD=0 reuses
# the tables of a previous run, LOAD=only loads them and stops; WAYS picks
# the ways timed (default "2 1 view").
set -euo pipefail
cd "$(dirname "$0")/../.."
leads=${1:-20000}
train=${TRAIN:-$leads}
dir=${DIR:-/tmp/leadscore-bench-sql}
m="$dir/m$train"
ls="$dir/leadscore"
go build -o "$ls" ./cmd/leadscore
eval "$(.ci/clickhouse start)"
IFS=, read -r s1 s2 <<<"$LEADSCORE_TEST_CLICKHOUSE"
settings="max_query_size=1000000000&max_ast_elements=100000000&max_expanded_ast_elements=100000000&max_ast_depth=100000&max_memory_usage=${MEMORY:-12000000000}"
pids=$(pgrep -f "clickhouse-server --config-file=.*/shard[12]/config.xml" | head -2)
cpu() { for p in $pids; do awk '{printf "%s ", $14+$15}' "/proc/$p/stat"; done; }
q() { curl -sf "$1/?$settings" --data-binary @- || { echo "query failed on $1" >&2; return 1; }; }
db=bench_sql_$leads
[ "${LOAD:-1}" = 0 ] || {
for s in "$s1" "$s2"; do echo "DROP DATABASE IF EXISTS $db" | q "$s"; echo "CREATE DATABASE $db" | q "$s"; done
leads_cols='lead_id String, created_at DateTime, industry Nullable(String), employees Nullable(Float64), annual_revenue Nullable(Float64), job_title Nullable(String), seniority Nullable(String), country Nullable(String), lead_source Nullable(String)'
events_cols='lead_id String, timestamp DateTime, type Nullable(String), page Nullable(String), channel Nullable(String)'
for t in leads events; do
  cols=leads_cols; [ $t = events ] && cols=events_cols
  for s in "$s1" "$s2"; do
    echo "CREATE TABLE $db.${t}_local (${!cols}) ENGINE = MergeTree() ORDER BY lead_id" | q "$s"
    echo "CREATE TABLE $db.$t AS $db.${t}_local ENGINE = Distributed(leadscore, $db, ${t}_local, cityHash64(lead_id))" | q "$s"
  done
  echo "CREATE TABLE $db.${t}1_local (${!cols}) ENGINE = MergeTree() ORDER BY lead_id" | q "$s1"
  echo "CREATE TABLE $db.${t}1 AS $db.${t}1_local ENGINE = Distributed(leadscore_one, $db, ${t}1_local, cityHash64(lead_id))" | q "$s1"
  # CSV to TabSeparated: empty cells are NULL, times in ClickHouse's format
  # (sed when no cell is quoted, as in the generator's events: the same
  # bytes as the csv module, many times faster at 50M rows).
  tsv="$dir/$t$leads.tsv"
  if [ ! -s "$tsv" ] && ! grep -q '"' "$dir/csv$leads/$t.csv"; then
    sed -e '1d;s/T\([0-9:]*\)Z,/ \1,/;s/,/\t/g;s/\t\t/\t\\N\t/g;s/\t\t/\t\\N\t/g;s/\t$/\t\\N/' "$dir/csv$leads/$t.csv" >"$tsv.tmp" && mv "$tsv.tmp" "$tsv"
  fi
  [ -s "$tsv" ] || { python3 -c '
import csv, sys
r = csv.reader(sys.stdin); next(r)
for row in r:
    print("\t".join("\\N" if v == "" else v.replace("T", " ").replace("Z", "") if len(v) == 20 and v[10] == "T" else v for v in row))
' <"$dir/csv$leads/$t.csv" >"$tsv.tmp" && mv "$tsv.tmp" "$tsv"; }
  for target in "$t" "${t}1"; do
    curl -sf -X POST -T "$dir/$t$leads.tsv" "$s1/?insert_distributed_sync=1&query=INSERT+INTO+$db.$target+FORMAT+TabSeparated"  # -T streams the file
  done
done
}
for t in leads events; do
  echo "$t rows per shard: $(echo "SELECT count() FROM $db.${t}_local" | q "$s1") + $(echo "SELECT count() FROM $db.${t}_local" | q "$s2")"
done
[ "${LOAD:-1}" != only ] || exit 0
# timed NAME: runs the query on stdin through shard 1 RUNS times.
timed() {
  local name=$1 sql n start c0 c1
  sql=$(cat)
  for run in $(seq 1 "${RUNS:-2}"); do
    start=$(date +%s.%N) c0=($(cpu))
    n=$(printf '%s\nFORMAT TabSeparated' "$sql" | q "$s1" | wc -l)
    c1=($(cpu))
    echo "clickhouse $name, run $run: $n leads in $(echo "$(date +%s.%N) - $start" | bc) s, server CPU $(echo "(${c1[0]} - ${c0[0]}) / 100" | bc -l | xargs printf %.1f) + $(echo "(${c1[1]} - ${c0[1]}) / 100" | bc -l | xargs printf %.1f) s (load $(cut -d' ' -f1 /proc/loadavg))"
  done
}
for model in ${MODELS:-logistic gbm rules}; do
  for shards in ${WAYS:-2 1 view}; do
    [ "$shards" != view ] || continue
    lt=$db.leads; et=$db.events
    [ $shards = 1 ] && lt=$db.leads1 && et=$db.events1
    "$ls" sql --model "$m" --dialect clickhouse --leads "$lt" --events "$et" --as-of 2025-10-01 --model-name $model --out "$dir/ch_$model.sql" -q
    timed "$model, $shards shard(s)" <"$dir/ch_$model.sql"
  done
  case " ${WAYS:-view} " in *" view "*) ;; *) continue ;; esac
  "$ls" sql --model "$m" --dialect clickhouse --leads "$db.leads_local" --events "$db.events_local" --as-of 2025-10-01 --model-name $model --out "$dir/ch_${model}_local.sql" -q
  for s in "$s1" "$s2"; do
    echo "DROP TABLE IF EXISTS $db.scored_$model" | q "$s"
    echo "DROP TABLE IF EXISTS $db.scored_${model}_local" | q "$s"
    (echo "CREATE VIEW $db.scored_${model}_local AS"; cat "$dir/ch_${model}_local.sql") | q "$s"
    echo "CREATE TABLE $db.scored_$model AS $db.scored_${model}_local ENGINE = Distributed(leadscore, $db, scored_${model}_local)" | q "$s"
  done
  echo "SELECT * FROM $db.scored_$model" | timed "$model, 2 shards, per-shard view"
done
# The same shape without the scoring: one scan and aggregation of the events.
for shards in 2 1; do
  et=$db.events; [ $shards = 1 ] && et=$db.events1
  start=$(date +%s.%N)
  echo "SELECT lead_id, count(), max(timestamp) FROM $et GROUP BY lead_id FORMAT Null" | q "$s1"
  echo "clickhouse events group-by alone, $shards shard(s): $(echo "$(date +%s.%N) - $start" | bc) s"
done
