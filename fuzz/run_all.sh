#!/bin/sh
# Runs every fuzz target for SECONDS (default 150) each, JOBS (default 2) at a time,
# logging to logs/<target>.log; prints executions and crashes per target at the end.
set -u
cd "$(dirname "$0")"
SECONDS_EACH=${1:-150}
JOBS=${2:-2}
mkdir -p logs artifacts
TARGETS="prefs_js filezilla_xml prf reg profiles_ini winscp clientlint_toml fix_roundtrip probe_replies"
echo $TARGETS | tr ' ' '\n' | xargs -P "$JOBS" -I{} sh -c \
  "RUSTC_BOOTSTRAP=1 cargo fuzz run -O {} corpus/{} -- -max_total_time=$SECONDS_EACH -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 > logs/{}.log 2>&1"
for t in $TARGETS; do
  execs=$(grep -h 'stat::number_of_executed_units' logs/$t.log | awk '{print $2}')
  crashes=$(ls artifacts/$t 2>/dev/null | wc -l)
  echo "$t: executions=${execs:-?} artifacts=$crashes"
done
