#!/bin/bash
# Owned by the interop suite (issue 15): run every machine-layer case on the installed
# Thunderbird and keep what it observed next to the case as observed-<version>.json.
# usage: run_layers.sh [CASE_REGEX]     env: LAYERS_WORK (scratch dir, default a fresh mktemp -d)
# Each case takes and releases the oracle lock itself (tb_layers_case.sh), so other oracle users
# can run between cases. Exit 0 only if every case ran and every restore was verified.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
FILTER=${1:-.}
VER=$(sed -n 's/^Version=//p' /usr/lib/thunderbird/application.ini)
WORK=${LAYERS_WORK:-$(mktemp -d /tmp/clientlint-layers.XXXXXX)}
echo "Thunderbird $VER ($(dpkg-query -W -f '${Version}' thunderbird)); work dir $WORK"
FAIL=0
for c in "$HERE"/*/; do
  c=${c%/}; n=$(basename "$c")
  [ -f "$c/profile/prefs.js" ] || continue
  [[ $n =~ $FILTER ]] || continue
  out=$("$HERE/../tb_layers_case.sh" "$c" "$WORK/$n" 2>&1); rc=$?
  if [ $rc -eq 0 ] && [ -f "$WORK/$n/observed.json" ]; then
    cp "$WORK/$n/observed.json" "$c/observed-$VER.json"
    printf 'ok    %s  %s\n' "$n" "$(grep '^observed:' <<<"$out" | cut -c11-)"
  else
    FAIL=$((FAIL+1)); printf 'FAIL  %s (rc %s)\n' "$n" "$rc"; sed 's/^/      /' <<<"$out"
  fi
  grep -q '^restore verified' <<<"$out" || { echo "      restore not verified for $n"; FAIL=$((FAIL+1)); }
done
echo "$FAIL failure(s)"
[ $FAIL -eq 0 ]
