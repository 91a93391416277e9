#!/bin/bash
# Owned by the interop suite (issue 9): one Thunderbird case.
# usage: tb_case.sh check|fix INPUT WORKDIR
#   INPUT is a prefs.js-syntax file, or a directory holding prefs.js and user.js.
#   check: Thunderbird parses INPUT; clientlint's model must agree (compare_tb.py).
#   fix:   `clientlint --fix --unsafe-fixes` on a copy; Thunderbird must load the fixed file
#          with no parse error (unless the input has a syntax error, which is never fixed)
#          and report exactly what clientlint's model of the fixed file says.
# exit 0 agree, 1 disagree or clientlint failure, 3 oracle error (Thunderbird did not start,
# Marionette did not answer, or an attribute answered under no known spelling): the reason
# is printed.
set -u
MODE=$1; IN=$(realpath "$2"); W=$(realpath -m "$3")
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
BIN=$ROOT/target/release; CLIENTLINT=$BIN/clientlint; DUMP=$BIN/examples/dump_model
rm -rf "$W"; mkdir -p "$W/profile"
if [ -d "$IN" ]; then
  cp "$IN/prefs.js" "$W/profile/prefs.js"; [ -f "$IN/user.js" ] && cp "$IN/user.js" "$W/profile/user.js"
  TARGET=$W/profile
else
  cp "$IN" "$W/profile/prefs.js"; TARGET=$W/profile/prefs.js
fi
if [ "$MODE" = fix ]; then
  # Exit 0/1 = fixed, findings may remain; 2 = clientlint could not do its job.
  "$CLIENTLINT" --fix --unsafe-fixes --quiet "$TARGET" > "$W/fix.out" 2>&1
  rc=$?; [ $rc -le 1 ] || { echo "clientlint --fix exited $rc:"; cat "$W/fix.out"; exit 1; }
  if [ -d "$IN" ]; then cmp -s "$IN/prefs.js" "$W/profile/prefs.js" && cmp -s "$IN/user.js" "$W/profile/user.js"
  else cmp -s "$IN" "$W/profile/prefs.js"; fi && { echo "clientlint --fix changed nothing"; exit 1; }
fi
"$DUMP" "$TARGET" > "$W/model.json" || { echo "dump_model failed"; exit 1; }
USERJS=""; [ -f "$W/profile/user.js" ] && USERJS=$W/profile/user.js
"$HERE/tb_oracle.sh" "$W/profile/prefs.js" "$W/tb" $USERJS > "$W/oracle.out" 2>&1
orc=$?
[ $orc -eq 1 ] && { echo "oracle error (Thunderbird or Marionette did not answer):"; cat "$W/oracle.out"; tail -5 "$W/tb/marionette.out" "$W/tb/thunderbird.log" 2>/dev/null; exit 3; }
# Syntax errors are never fixed (rule syntax-error has no fix: only the author knows what the
# statement meant), so a fixed file must load clean only when the input parsed clean; with an
# input error, compare_tb.py still requires Thunderbird's errors to be exactly clientlint's.
EXTRA=""; [ "$MODE" = fix ] && ! grep -q '"lost"' "$W/model.json" && EXTRA=--expect-clean
python3 "$HERE/compare_tb.py" "$W/model.json" "$W/tb" $EXTRA
