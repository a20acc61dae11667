#!/usr/bin/env bash
# Scores the same generated leads three ways and prints the times for
# BENCHMARKS.md: the compiled query in PostgreSQL (wall time, and the CPU
# time of the server process that ran it), and leadscore score on the same
# data written as Parquet (wall and CPU), in one run; then the size of the
# compiled gbm query and PostgreSQL's planning time for it.
#   bench/sql/run.sh [LEADS] [SEED]            (default 20000 leads, seed 7)
# Needs a bundle-free machine: it generates and trains in $DIR (default
# /tmp/leadscore-bench-sql) and uses the PostgreSQL of .ci/postgres.
# Environment:
#   TRAIN=N      train the bundle on N generated leads of the same seed
#                (default LEADS; the 1M run uses TRAIN=20000)
#   MODELS=...   the models to time (default "logistic gbm rules")
#   JIT=...      PostgreSQL's jit setting for each timed query, one run per
#                value (default "off on"); every run has
#                max_parallel_workers_per_gather=0, so the server CPU
#                measured (the backend's) is all the CPU the query used
#   LOAD=0       reuse the tables a previous run loaded
#   REFERENCE=0  leave out leadscore score and the gbm query's size and
#                planning time (when another run of the same data gives them)
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PATH:/usr/local/go/bin"
leads=${1:-20000}
seed=${2:-7}
train=${TRAIN:-$leads}
dir=${DIR:-/tmp/leadscore-bench-sql}
asof=2025-10-01
mkdir -p "$dir"
go build -o "$dir/leadscore" ./cmd/leadscore
ls="$dir/leadscore"
eval "$(.ci/postgres start)"
psql=$(ls /usr/lib/postgresql/*/bin/psql | sort -V | tail -1)
server=${LEADSCORE_TEST_POSTGRES%%\?*}
server=${server%/*}
db="bench_sql_$leads"

[ -f "$dir/csv$leads/events.csv" ] || "$ls" generate --profile b2b --leads "$leads" --seed "$seed" --out "$dir/csv$leads" -q
[ -f "$dir/csv$train/events.csv" ] || "$ls" generate --profile b2b --leads "$train" --seed "$seed" --out "$dir/csv$train" -q
[ -f "$dir/pq$leads/events.parquet" ] || "$ls" generate --profile b2b --leads "$leads" --seed "$seed" --out "$dir/pq$leads" --format parquet -q
"$ls" rules default --profile b2b >"$dir/rules.yaml"
m="$dir/m$train"
[ -d "$m" ] || "$ls" train --data "$dir/csv$train/leads.csv" --events "$dir/csv$train/events.csv" \
  --outcomes "$dir/csv$train/outcomes.csv" --rules "$dir/rules.yaml" --seed 3 --gbm-early-stopping 0 --sql-compatible --out "$m" -q
echo "leads: $leads, events: $(($(wc -l <"$dir/csv$leads/events.csv") - 1)), bundle trained on $train leads, load: $(cut -d' ' -f1-3 /proc/loadavg)"

url="$server/$db?sslmode=disable"
[ "${LOAD:-1}" = 0 ] || {
"$psql" "$server/postgres?sslmode=disable" -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
"$psql" "$url" -q \
  -c "CREATE TABLE leads (lead_id text, created_at timestamptz, industry text, employees double precision, annual_revenue double precision, job_title text, seniority text, country text, lead_source text)" \
  -c "CREATE TABLE events (lead_id text, timestamp timestamptz, type text, page text, channel text)" \
  -c "\\copy leads FROM '$dir/csv$leads/leads.csv' CSV HEADER" -c "\\copy events FROM '$dir/csv$leads/events.csv' CSV HEADER" -c "ANALYZE"
}

for model in ${MODELS:-logistic gbm rules}; do
  "$ls" sql --model "$m" --dialect postgres --leads leads --events events --as-of $asof --model-name $model --out "$dir/q_$model.sql" -q
  {
    echo 'SELECT pg_backend_pid() AS pid \gset'
    echo '\set t0 `date +%s.%N`'
    echo '\setenv PID :pid'
    echo '\set c0 `awk "{print \$14+\$15}" /proc/$PID/stat`'
    echo "CREATE TEMP TABLE scored AS"
    sed '$ s/$/;/' "$dir/q_$model.sql"
    echo '\set t1 `date +%s.%N`'
    echo '\set c1 `awk "{print \$14+\$15}" /proc/$PID/stat`'
    echo "SELECT '$model', count(*) AS leads, round((:t1 - :t0)::numeric, 2) AS wall_s, round((:c1 - :c0) / 100.0, 2) AS server_cpu_s, current_setting('jit') AS jit FROM scored;"
  } >"$dir/run_$model.sql"
  for jit in ${JIT:-off on}; do
    PGOPTIONS="-c jit=$jit -c max_parallel_workers_per_gather=0" "$psql" "$url" -qAtF ' ' -f "$dir/run_$model.sql" | sed "s/^/postgres query (load $(cut -d' ' -f1 /proc/loadavg)): /"
  done
done
[ "${REFERENCE:-1}" != 0 ] || exit 0
/usr/bin/time -f "leadscore score (Parquet, champion $(grep -o '"champion": "[a-z]*"' "$m/scoring.json")): wall %e s, cpu %U+%S s, max RSS %M KiB (load $(cut -d' ' -f1 /proc/loadavg))" \
  "$ls" score --model "$m" --in "$dir/pq$leads/leads.parquet" --events "$dir/pq$leads/events.parquet" --as-of $asof --out "$dir/s.csv" -q
"$ls" sql --model "$m" --dialect postgres --leads leads --events events --as-of $asof --model-name gbm --out "$dir/q_gbm.sql" -q
echo "gbm query: $(wc -c <"$dir/q_gbm.sql") bytes, $(python3 -c "import json;print(len(json.load(open('$m/gbm.json'))['roots']))") trees"
for i in 1 2 3; do (echo "EXPLAIN (SUMMARY ON)"; cat "$dir/q_gbm.sql") | "$psql" "$url" -f - | grep -i "planning time"; done
