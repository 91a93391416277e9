#!/bin/bash
# One FileZilla interop case (issue 9). usage: fz_case.sh check|fix INPUT OUTDIR
# INPUT is a FileZilla file (copied into a fresh settings dir under the name FileZilla reads its
# kind from: filezilla.xml, sitemanager.xml, recentservers.xml, fzdefaults.xml) or a settings dir.
# fix: clientlint --fix --unsafe-fixes --force rewrites the copy first (--force: the FileZilla
# processes running meanwhile are the suite's own, on other settings dirs). Then FileZilla runs on the dir
# (fz_oracle.sh with SITEMANAGER=1: start-up, Site Manager, OK, Ctrl+Q) and compare_fz.py checks
# the error dialog against clientlint's syntax errors, the values left in after/ and the sites kept.
set -u
MODE=$1; INPUT=$2; OUT=$3; HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
CL=$ROOT/target/release/clientlint; DUMP=$ROOT/target/release/examples/dump_model
rm -rf "$OUT"; mkdir -p "$OUT/in"
if [ -d "$INPUT" ]; then cp -a "$INPUT"/. "$OUT/in/"
else
  name=$("$DUMP" "$INPUT" | python3 -c 'import json,sys; f=json.load(sys.stdin).get("fz_files") or []; print(f[0]["usual_name"] if f else "")')
  [ -n "$name" ] || { echo "not a FileZilla file: $INPUT"; exit 1; }
  cp "$INPUT" "$OUT/in/$name"
fi
cp -a "$OUT/in" "$OUT/orig"
if [ "$MODE" = fix ]; then
  "$CL" --fix --unsafe-fixes --force "$OUT/in" > "$OUT/fix.log" 2>&1
  [ $? -le 1 ] || { echo "clientlint --fix failed:"; cat "$OUT/fix.log"; exit 1; }
fi
"$DUMP" "$OUT/in" > "$OUT/model.json" || { echo "dump_model failed"; exit 1; }
SITEMANAGER=1 "$HERE/fz_oracle.sh" "$OUT/in" "$OUT/fz" > "$OUT/oracle.log" 2>&1; rc=$?
[ $rc -eq 1 ] && { echo "fz_oracle.sh harness failure:"; cat "$OUT/oracle.log"; exit 1; }
python3 "$HERE/compare_fz.py" "$OUT/model.json" "$OUT/fz" "$MODE" "$OUT/orig"
