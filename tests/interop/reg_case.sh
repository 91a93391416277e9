#!/bin/bash
# Owned by the interop suite (issue 9): one regedit case.
# usage: reg_case.sh check|fix INPUT.reg WORKDIR
#   check: Wine's `reg import` must accept INPUT (exit 0) and `regedit /E` must export
#          exactly the values clientlint read (compare_reg.py).
#   fix:   the same for the file `clientlint --fix --unsafe-fixes` writes from a copy.
#   A file that starts with a UTF-8 BOM must instead be rejected as a whole (exit 2): that is
#   what Wine does (D1 in docs/interop.md), and the case pins it.
# exit 0 agree, 1 disagree or harness failure (the reason is printed).
set -u
MODE=$1; IN=$(realpath "$2"); W=$(realpath -m "$3")
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
BIN=$ROOT/target/release
rm -rf "$W"; mkdir -p "$W"; cp "$IN" "$W/in.reg"
if [ "$MODE" = fix ]; then
  "$BIN/clientlint" --fix --unsafe-fixes --quiet "$W/in.reg" > "$W/fix.out" 2>&1
  rc=$?; [ $rc -le 1 ] || { echo "clientlint --fix exited $rc:"; cat "$W/fix.out"; exit 1; }
  cmp -s "$IN" "$W/in.reg" && { echo "clientlint --fix changed nothing"; exit 1; }
fi
"$BIN/examples/dump_model" "$W/in.reg" > "$W/model.json" || { echo "dump_model failed"; exit 1; }
KEY=$(python3 "$HERE/compare_reg.py" --root "$W/model.json")
# One Wine prefix for the whole run (created once, ~5 s); each case deletes KEY first.
"$HERE/wine_reg_oracle.sh" "$W/in.reg" "$KEY" "$W/out.reg" "${INTEROP_WINEPREFIX:-$W/prefix}" > "$W/oracle.out" 2>&1
orc=$?
if [ "$(head -c3 "$W/in.reg" | od -An -tx1 | tr -d ' ')" = efbbbf ]; then
  [ $orc -eq 2 ] && { echo "  pinned D1: reg import rejects a UTF-8 BOM file as a whole"; exit 0; }
  echo "D1 changed: reg import no longer rejects a UTF-8 BOM file (oracle exit $orc); update docs/interop.md"; exit 1
fi
case $orc in
  0) ;;
  2) echo "reg import rejected the whole file (exit 2): $(cat "$W/oracle.out")"; exit 1 ;;
  *) echo "wine_reg_oracle harness failure: $(cat "$W/oracle.out")"; exit 1 ;;
esac
python3 "$HERE/compare_reg.py" "$W/model.json" "$W/out.reg"
