#!/bin/bash
# Owned by the interop suite (issue 15): one machine-layer case, real Thunderbird against
# clientlint's model.
# usage: layers_case.sh CASE_DIR WORK_DIR
#   1. tb_layers_case.sh installs the case's system files, runs Thunderbird on its profile,
#      restores the system and writes WORK_DIR/tb/observed.json;
#   2. the case is laid out as an image (its sys/ tree, a Debian-like install at
#      /usr/lib/thunderbird with defaults/syspref -> /etc/thunderbird/pref, the profile as
#      /home/user/.thunderbird/p) and examples/dump_model --sysroot reads it;
#   3. compare_layers.py compares each mail server's cached connections, poll interval, poll
#      switch and lock state, and the findings the case must give.
# exit 0 agree, 1 disagree or clientlint failure, 3 oracle error.
set -u
CASE=$(realpath "$1"); W=$(realpath -m "$2")
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
rm -rf "$W"; mkdir -p "$W/img/home/user/.thunderbird/p" "$W/img/usr/lib/thunderbird/defaults"
"$HERE/tb_layers_case.sh" "$CASE" "$W/tb" > "$W/oracle.out" 2>&1
rc=$?
[ $rc -eq 0 ] || { echo "oracle error (tb_layers_case.sh exited $rc):"; tail -20 "$W/oracle.out"; exit 3; }
[ -d "$CASE/sys" ] && cp -r "$CASE/sys/." "$W/img/"
# The installed Thunderbird's version ("1:153.8.0esr-1~deb12u1" → 153.8.0): what some layers
# do differs between versions (machine.rs, FIRST_ETC_CFG_VERSION).
TB_VERSION=$(dpkg-query -W -f '${Version}' thunderbird 2>/dev/null | sed 's/^[0-9]*://; s/esr.*//; s/-.*//')
printf '[App]\nName=Thunderbird\nVersion=%s\n' "$TB_VERSION" > "$W/img/usr/lib/thunderbird/application.ini"
ln -s /etc/thunderbird/pref "$W/img/usr/lib/thunderbird/defaults/syspref"
cp "$CASE"/profile/* "$W/img/home/user/.thunderbird/p/"
printf '[Profile0]\nName=default\nIsRelative=1\nPath=p\nDefault=1\n' > "$W/img/home/user/.thunderbird/profiles.ini"
"$ROOT/target/release/examples/dump_model" --sysroot "$W/img" > "$W/model.json" 2> "$W/model.err" ||
  { echo "dump_model failed:"; cat "$W/model.err"; exit 1; }
python3 "$HERE/compare_layers.py" "$W/tb/observed.json" "$W/model.json" "$(basename "$CASE")"
