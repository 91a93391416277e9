#!/bin/bash
# Owns the interop suite of issue 9: proves that what clientlint reads and writes is what the
# real clients read. Runs real Thunderbird (headless, Marionette on 127.0.0.1), FileZilla (Xvfb) and Wine's
# regedit on every case, each bounded by `timeout`, prints a PASS/FAIL table and ends with
# "N passed, M failed". Exit 0 only when every case passed.
# Not part of `cargo test`: it needs the clients (installed here when missing, as root).
# Env: INTEROP_WORK (scratch dir, default a fresh mktemp -d), INTEROP_FILTER (regex on case
# names, for a partial run while developing).
set -u
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd); cd "$ROOT"
WORK=${INTEROP_WORK:-$(mktemp -d /tmp/clientlint-interop.XXXXXX)}; mkdir -p "$WORK"
FILTER=${INTEROP_FILTER:-.}
START=$(date +%s)

# ---- clients: install when missing; a failed install fails the suite with its reason ----
NEED=""
for c in thunderbird filezilla wine xvfb-run xauth xdotool python3; do command -v $c >/dev/null || NEED="$NEED $c"; done
if [ -n "$NEED" ]; then
  echo "installing the clients (missing:$NEED)"
  [ "$(id -u)" = 0 ] || { echo "FATAL: clients missing ($NEED) and not root: cannot apt-get install"; exit 2; }
  if ! { DEBIAN_FRONTEND=noninteractive timeout 900 apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends \
           thunderbird filezilla wine xvfb xauth xdotool python3; } > "$WORK/apt.log" 2>&1; then
    echo "FATAL: installing the clients failed:"; tail -20 "$WORK/apt.log"; exit 2
  fi
  for c in thunderbird wine xvfb-run xdotool python3; do
    command -v $c >/dev/null || { echo "FATAL: $c still missing after apt-get install"; exit 2; }
  done
fi
echo "clients: $(dpkg-query -W -f '${Package} ${Version}; ' thunderbird filezilla wine 2>/dev/null)"

# ---- clientlint (release) and the model dumper ----
cargo build --release --locked --bin clientlint --example dump_model > "$WORK/build.log" 2>&1 ||
  { echo "FATAL: cargo build failed:"; tail -30 "$WORK/build.log"; exit 2; }

# One Wine prefix for the run: creating it costs ~5 s and ~700 MB; each case resets its key.
export INTEROP_WINEPREFIX=$WORK/wine-prefix

PASS=0; FAIL=0; ORACLE_ERRORS=0; ROWS=()
run_case() { # NAME TIMEOUT CMD...
  local name=$1 limit=$2; shift 2
  [[ $name =~ $FILTER ]] || return 0
  local t0=$(date +%s) out rc
  out=$(timeout "$limit" "$@" 2>&1); rc=$?
  [ $rc -eq 124 ] && out="$out"$'\n'"  timed out after ${limit}s"
  local secs=${CASE_SECS:-$(( $(date +%s) - t0 ))}  # CASE_SECS: a case run in the background
  if [ $rc -eq 0 ]; then PASS=$((PASS+1)); printf 'PASS  %4ss  %s\n' "$secs" "$name"
  elif [ $rc -eq 3 ]; then FAIL=$((FAIL+1)); ORACLE_ERRORS=$((ORACLE_ERRORS+1))
    printf 'FAIL  %4ss  %s  (oracle error: the client side of the comparison failed, not a value)\n' "$secs" "$name"
  else FAIL=$((FAIL+1)); printf 'FAIL  %4ss  %s\n' "$secs" "$name"; fi
  [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/      /'
  return 0
}
safe() { echo "$1" | sed 's#[^A-Za-z0-9._-]#_#g'; }
has_fix() { # clientlint --diff exits 1 when --fix --unsafe-fixes would change the file
  "$ROOT/target/release/clientlint" --fix --unsafe-fixes --diff "$1" > /dev/null 2>&1; [ $? -eq 1 ]
}

echo; echo "== Thunderbird $(dpkg-query -W -f '${Version}' thunderbird): model vs parsed prefs, then the --fix output"
# Profile dirs only: a dir with prefs.js/user.js on top (the connection-budget fixtures are
# fleets of several profiles, not one profile).
TB_INPUTS=$(ls fixtures/rules/*/thunderbird*.js tests/interop/cases/tb-*.js
  for d in fixtures/rules/*/thunderbird.bad fixtures/rules/*/thunderbird.good; do
    [ -f "$d/prefs.js" ] || [ -f "$d/user.js" ] && echo "$d"; done)
for f in $TB_INPUTS; do
  n=${f#fixtures/rules/}; n=${n#tests/interop/cases/}
  run_case "tb:$n" 240 "$HERE/tb_case.sh" check "$f" "$WORK/tb/$(safe "$n")"
done
# Which spelling of each XPCOM attribute this Thunderbird answered to (tb_dump_accounts.js).
for j in "$WORK"/tb/*/tb/parsed.json; do
  [ -f "$j" ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("Thunderbird", d.get("version"), "attributes:", ", ".join(f"{k}={v}" for k,v in sorted(d.get("spellings",{}).items())))' "$j" && break
done
for f in $TB_INPUTS; do
  if [ -d "$f" ]; then d=$f; else d=$f; fi
  has_fix "$d" || continue
  n=${f#fixtures/rules/}; n=${n#tests/interop/cases/}
  run_case "tb-fix:$n" 240 "$HERE/tb_case.sh" fix "$f" "$WORK/tbfix/$(safe "$n")"
done

echo; echo "== Thunderbird $(dpkg-query -W -f '${Version}' thunderbird): machine-wide layers (default prefs, AutoConfig, policies) vs clientlint --sysroot"
# Each case installs its system files at their real paths for the run (under the oracle
# lock), then restores them and verifies every file (tb_layers_case.sh).
for d in tests/interop/layers/*/; do
  [ -f "$d/profile/prefs.js" ] || continue
  n=$(basename "$d")
  run_case "tb-layers:$n" 300 "$HERE/layers_case.sh" "$d" "$WORK/layers/$n"
done

echo; echo "== regedit (Wine $(dpkg-query -W -f '${Version}' wine)): reg import + regedit /E vs the values clientlint read"
# Outlook's and WinSCP's exports (WinSCP itself is a Windows program that no package here
# ships; docs/interop.md): Wine's regedit must import exactly what clientlint read.
REG_INPUTS=$(ls fixtures/rules/*/outlook*.reg fixtures/corpus/outlook-reg/*.reg tests/interop/cases/*.reg \
  fixtures/rules/*/winscp*.reg fixtures/rules/*/winscp*/*/*.reg 2>/dev/null)
for f in $REG_INPUTS; do
  n=${f#fixtures/rules/}; n=${n#fixtures/}; n=${n#tests/interop/cases/}
  run_case "reg:$n" 180 "$HERE/reg_case.sh" check "$f" "$WORK/reg/$(safe "$n")"
done
for f in $REG_INPUTS; do
  has_fix "$f" || continue
  n=${f#fixtures/rules/}; n=${n#fixtures/}; n=${n#tests/interop/cases/}
  run_case "reg-fix:$n" 180 "$HERE/reg_case.sh" fix "$f" "$WORK/regfix/$(safe "$n")"
done
run_case "regedit-pin:short-dword" 180 "$HERE/reg_pin_short_dword.sh" "$WORK/pin-dword"

echo; echo "== regedit (Wine $(dpkg-query -W -f '${Version}' wine)): the import cases of Wine's own regedit tests (tests/peer), regedit /s + /E vs the test's assertions and vs clientlint"
for id in $(python3 "$HERE/regedit_peer.py" --list); do
  run_case "regedit-peer:$id" 120 python3 "$HERE/regedit_peer.py" "$id" "$WORK/regpeer/$(safe "$id")"
done

echo; echo "== FileZilla $(dpkg-query -W -f '${Version}' filezilla): error dialog vs syntax errors, values kept, sites kept (Site Manager OK)"
# Each case runs FileZilla under its own Xvfb (fz_case.sh); FileZilla mostly waits for the
# harness, so FZ_JOBS cases run at once; results are printed in case order.
FZ_JOBS=${INTEROP_FZ_JOBS:-3}; FZ_T0=$(date +%s); FZ_NAMES=()
fz_job() { # NAME MODE INPUT
  [[ $1 =~ $FILTER ]] || return 0
  local d="$WORK/fzjobs/$(safe "$1")"; mkdir -p "$d"; FZ_NAMES+=("$1")
  while [ "$(jobs -rp | wc -l)" -ge "$FZ_JOBS" ]; do wait -n; done
  ( t0=$(date +%s); timeout 120 "$HERE/fz_case.sh" "$2" "$3" "$d/case" > "$d/out" 2>&1; rc=$?
    [ $rc -eq 124 ] && echo "  timed out after 120s" >> "$d/out"
    echo $(( $(date +%s) - t0 )) > "$d/secs"; echo $rc > "$d/rc" ) &
}
FZ_INPUTS=$(ls -d fixtures/rules/*/filezilla* fixtures/corpus/filezilla/* 2>/dev/null)
for f in $FZ_INPUTS; do n=${f#fixtures/rules/}; n=${n#fixtures/}; fz_job "fz:$n" check "$f"; done
for f in $FZ_INPUTS; do
  has_fix "$f" || continue
  n=${f#fixtures/rules/}; n=${n#fixtures/}; fz_job "fz-fix:$n" fix "$f"
done
wait
for n in "${FZ_NAMES[@]}"; do
  d="$WORK/fzjobs/$(safe "$n")"
  CASE_SECS=$(cat "$d/secs" 2>/dev/null) run_case "$n" 5 bash -c 'cat "$1/out"; exit "$(cat "$1/rc")"' _ "$d"
done
echo "FileZilla part: $(( $(date +%s) - FZ_T0 )) s"

echo
echo "interop: $(( $(date +%s) - START )) s, work dir $WORK"
[ $ORACLE_ERRORS -gt 0 ] && echo "$ORACLE_ERRORS of the failures are oracle errors: check the client versions above first"
echo "$PASS passed, $FAIL failed"
[ $FAIL -eq 0 ]
