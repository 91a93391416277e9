#!/bin/bash
# Owned by the interop suite (issue 15): one machine-layer case on the real Thunderbird.
# usage: tb_layers_case.sh CASE_DIR WORK_DIR
#
# CASE_DIR holds
#   sys/<absolute path>    files to install at their real system path for the run, e.g.
#                          sys/etc/thunderbird/pref/x.js, sys/etc/thunderbird/policies/policies.json,
#                          sys/usr/lib/thunderbird/defaults/pref/x.js,
#                          sys/usr/lib/thunderbird/distribution/policies.json,
#                          sys/usr/lib/thunderbird/<name>.cfg (any subset; only paths under
#                          /etc/thunderbird, /usr/lib/thunderbird and /usr/share/thunderbird)
#   profile/prefs.js       the profile (copied; the case is never written)
#   profile/user.js        optional
#   names.txt              optional: more pref names to report, one a line
#   install-order.txt      optional: the order in which to install the sys/ files (absolute
#                          target paths, one a line, all of them); default: sorted by path
#   README                 one line: what the case shows
#   display                optional: run on a private Xvfb display instead of --headless, record
#                          every window title, and press Return in windows whose title is a
#                          line of this file (e.g. "Configuration Error")
# The script takes the oracle lock (/tmp/clientlint-tb-oracle.lock, shared with tb_oracle.sh:
# Marionette's port 2828 is fixed), records a manifest of every system path it may touch (type,
# mode, owner, size, symlink target; sha256 of every file under 4 MB), backs up what a case file
# would replace, installs the case, runs headless Thunderbird with Marionette on a copy of the
# profile, dumps (tb_layers_dump.js) for every pref the case's files name plus
# mail.server.*.{max_cached_connections,check_time,check_new_mail} of every server: default
# value, user value, effective value, lock, and the account manager's view; quits gracefully;
# then restores every file, verifies the manifest is identical, releases the lock and writes
# WORK_DIR/observed.json. The restore runs from an EXIT trap, so an interrupt (INT/TERM/HUP),
# a hung Thunderbird (killed by its PID after the time limits) or a harness error still restores.
# The oracle's default prefs (thunderbird-oracle-defaults.js as
# /etc/thunderbird/pref/zz-clientlint-oracle.js) are installed when missing, as tb_oracle.sh
# does, and removed again at the end if this run installed them.
# exit: 0 observed.json written and the system verified restored (Thunderbird not starting is
# an observation, not a failure); 1 harness failure; 4 the restore could not be verified.
set -u
[ $# -eq 2 ] || { echo "usage: $0 CASE_DIR WORK_DIR" >&2; exit 1; }
CASE=$(realpath "$1"); W=$(realpath -m "$2"); HERE=$(cd "$(dirname "$0")" && pwd)
[ -f "$CASE/profile/prefs.js" ] || { echo "$CASE/profile/prefs.js missing" >&2; exit 1; }
ROOTS=(/etc/thunderbird /usr/lib/thunderbird /usr/share/thunderbird)
ORACLE_PREFS=/etc/thunderbird/pref/zz-clientlint-oracle.js
PORT=2828

FILES=()
if [ -d "$CASE/sys" ]; then
  while IFS= read -r -d '' f; do FILES+=("${f#"$CASE/sys"}"); done < <(find "$CASE/sys" -type f -print0 | LC_ALL=C sort -z)
fi
if [ -f "$CASE/install-order.txt" ]; then
  # install in this order (readdir order of a fresh directory follows it on most filesystems),
  # so a case can tell "sorted by name" from "directory order"
  mapfile -t ORDERED < <(grep -v '^\s*$' "$CASE/install-order.txt")
  [ ${#ORDERED[@]} -eq ${#FILES[@]} ] || { echo "install-order.txt must list every file under sys/" >&2; exit 1; }
  for t in "${ORDERED[@]}"; do [ -f "$CASE/sys$t" ] || { echo "install-order.txt: no sys$t" >&2; exit 1; }; done
  FILES=("${ORDERED[@]}")
fi
for t in "${FILES[@]}"; do
  case "$t" in *..*) echo "refusing path with ..: $t" >&2; exit 1;; esac
  ok=no; for r in "${ROOTS[@]}"; do case "$t" in "$r"/*) ok=yes;; esac; done
  [ $ok = yes ] || { echo "refusing $t: not under ${ROOTS[*]}" >&2; exit 1; }
done

rm -rf "$W"; mkdir -p "$W/profile" "$W/home" "$W/backup"
cp "$CASE/profile/prefs.js" "$W/profile/prefs.js"
[ -f "$CASE/profile/user.js" ] && cp "$CASE/profile/user.js" "$W/profile/user.js"

manifest() {
  local r
  for r in "${ROOTS[@]}"; do
    [ -e "$r" ] || [ -L "$r" ] || { echo "absent $r"; continue; }
    find "$r" -printf '%y %m %U:%G %s %p -> %l\n' | LC_ALL=C sort
    find "$r" -type f -size -4M -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
  done
}

# ---- the lock: held from before the first system change until after the verified restore ----
exec 9> /tmp/clientlint-tb-oracle.lock
flock -w 900 9 || { echo "could not take /tmp/clientlint-tb-oracle.lock within 900 s" >&2; exit 1; }
port_open() { python3 -c 'import socket,sys; s=socket.socket(); s.settimeout(1); sys.exit(0 if s.connect_ex(("127.0.0.1",int(sys.argv[1])))==0 else 1)' "$PORT"; }
if port_open; then echo "something already listens on 127.0.0.1:$PORT (a Thunderbird not under the lock?)" >&2; exit 1; fi

manifest > "$W/manifest.before" || { echo "manifest failed" >&2; exit 1; }
INSTALLED=(); REPLACED=(); CREATED_DIRS=(); PID=""; XPID=""; RESTORED=no; KILLED=no
restore() {
  local t d i rc=0
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
    echo "thunderbird $PID still running at cleanup: SIGTERM, then SIGKILL" >&2
    kill -TERM "$PID" 2>/dev/null
    for i in $(seq 1 20); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID" 2>/dev/null
    KILLED=yes
  fi
  if [ -n "${XPID:-}" ]; then kill "$XPID" 2>/dev/null; wait "$XPID" 2>/dev/null; XPID=""; fi
  for t in "${INSTALLED[@]}"; do rm -f -- "$t"; done
  for t in "${REPLACED[@]}"; do cp -a -- "$W/backup$t" "$t" || rc=1; done
  for ((i=${#CREATED_DIRS[@]}-1; i>=0; i--)); do rmdir -- "${CREATED_DIRS[$i]}" || rc=1; done
  manifest > "$W/manifest.after"
  if cmp -s "$W/manifest.before" "$W/manifest.after" && [ $rc -eq 0 ]; then
    RESTORED=yes
    echo "restore verified: $(wc -l < "$W/manifest.after") manifest lines identical, sha256 $(sha256sum < "$W/manifest.after" | cut -c1-16)"
  else
    echo "RESTORE NOT VERIFIED:" >&2; diff "$W/manifest.before" "$W/manifest.after" >&2
  fi
}
finish() {
  local rc=$?
  trap - EXIT INT TERM HUP
  [ "$RESTORED" = yes ] || restore
  exec 9>&-   # release the lock
  if [ "$RESTORED" != yes ]; then exit 4; fi
  exit $rc
}
trap finish EXIT
trap 'echo "interrupted" >&2; exit 130' INT
trap 'echo "terminated" >&2; exit 143' TERM
trap 'echo "hangup" >&2; exit 129' HUP

# ---- install the case (back up what it replaces; create missing directories) ----
install_file() { # SRC TARGET
  local src=$1 t=$2 d parents=()
  if [ -e "$t" ] || [ -L "$t" ]; then
    mkdir -p "$W/backup$(dirname "$t")"; cp -a -- "$t" "$W/backup$t" || return 1
    REPLACED+=("$t")
  fi
  d=$(dirname "$t")
  while [ ! -e "$d" ]; do parents=("$d" "${parents[@]}"); d=$(dirname "$d"); done
  for d in "${parents[@]}"; do mkdir -- "$d" || return 1; CREATED_DIRS+=("$d"); done
  INSTALLED+=("$t")
  install -m 644 -- "$src" "$t"
}
if [ ! -f "$ORACLE_PREFS" ]; then install_file "$HERE/thunderbird-oracle-defaults.js" "$ORACLE_PREFS" || exit 1; fi
for t in "${FILES[@]}"; do install_file "$CASE/sys$t" "$t" || { echo "install $t failed" >&2; exit 1; }; done

# ---- the pref names the case's files mention ----
python3 - "$CASE" > "$W/names.json" <<'PY'
import json, os, re, sys
case = sys.argv[1]
names = {"general.config.filename", "general.config.obscure_value", "general.config.sandbox_enabled",
         "general.config.vendor", "signon.rememberSignons", "security.tls.version.min"}
CALL = re.compile(r"\b(?:pref|user_pref|sticky_pref|lockPref|defaultPref|clearPref|unlockPref|getPref)\s*\(\s*[\"']([^\"']+)[\"']")
KEY = re.compile(r"\"([A-Za-z_][\w-]*(?:\.[\w-]+)+)\"\s*:")
for root, _, files in os.walk(case):
    for f in files:
        p = os.path.join(root, f)
        t = open(p, encoding="utf-8", errors="replace").read()
        if f in ("README", "install-order.txt"):
            continue
        if f == "names.txt":
            names.update(l.strip() for l in t.splitlines() if l.strip())
        elif f.endswith(".json"):
            names.update(KEY.findall(t))
        elif os.path.basename(root) == "profile":
            # the profile's own names, without the account plumbing every case repeats
            names.update(n for n in CALL.findall(t) if not re.match(
                r"mail\.(account\.|accountmanager\.|identity\.|server\.[^.]+\.(hostname|name|type|userName)$)", n))
        else:
            names.update(CALL.findall(t))
print(json.dumps(sorted(names)))
PY
{ echo "const NAMES = $(cat "$W/names.json");"; cat "$HERE/tb_layers_dump.js"; } > "$W/dump.js"

# ---- run Thunderbird ----
export HOME="$W/home" MOZ_CRASHREPORTER_DISABLE=1 MOZ_DISABLE_AUTO_SAFE_MODE=1 MOZ_LOG=MCD:5
HEADLESS=--headless
if [ -f "$CASE/display" ]; then
  # A case that expects a dialog: run on a private Xvfb display, record the title of every
  # window Thunderbird shows, and answer Return to the dialogs named in $CASE/display.
  Xvfb -displayfd 5 -screen 0 1280x1024x24 -nolisten tcp 5> "$W/display.num" 2> "$W/xvfb.log" 9>&- &
  XPID=$!
  for i in $(seq 1 40); do [ -s "$W/display.num" ] && break; sleep 0.25; done
  [ -s "$W/display.num" ] || { echo "Xvfb did not start" >&2; exit 1; }
  export DISPLAY=:$(head -1 "$W/display.num"); HEADLESS=""
  : > "$W/windows.txt"
fi
T0=$(date +%s)
# 9>&-: the children must not inherit the lock's descriptor (a survivor would keep the lock)
thunderbird $HEADLESS --marionette --remote-allow-system-access --no-remote --profile "$W/profile" > "$W/thunderbird.log" 2>&1 9>&- &
PID=$!
STARTED=no
for i in $(seq 1 80); do
  if port_open; then STARTED=yes; break; fi
  kill -0 "$PID" 2>/dev/null || break
  if [ -n "${XPID:-}" ]; then
    for win in $(xdotool search --onlyvisible --pid "$PID" 2>/dev/null); do
      name=$(xdotool getwindowname "$win" 2>/dev/null)
      grep -qxF "$win $name" "$W/windows.seen" 2>/dev/null && continue
      echo "$win $name" >> "$W/windows.seen"
      echo "after $(( $(date +%s) - T0 )) s: window \"$name\"" >> "$W/windows.txt"
      if grep -qxF "$name" "$CASE/display"; then
        sleep 1; timeout 5 xdotool windowfocus --sync "$win" key Return 2>/dev/null
        echo "after $(( $(date +%s) - T0 )) s: pressed Return in \"$name\"" >> "$W/windows.txt"
      fi
    done
  fi
  sleep 0.5
done
CRC=""
if [ $STARTED = yes ]; then
  timeout 90 python3 "$HERE/marionette_min.py" $PORT --wait 20 --js @"$W/dump.js" --quit > "$W/marionette.out" 2>&1
  CRC=$?
fi
for i in $(seq 1 120); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$PID" 2>/dev/null; then
  echo "thunderbird $PID did not exit within 60 s, SIGKILL" >&2
  kill -KILL "$PID"; KILLED=yes
fi
wait "$PID"; TRC=$?
PID=""
cp "$W/profile/prefs.js" "$W/prefs.after.js" 2>/dev/null
[ -f "$W/profile/user.js" ] && cp "$W/profile/user.js" "$W/user.after.js"

restore
trap - EXIT INT TERM HUP
exec 9>&-   # lock released: the system is back as it was
[ "$RESTORED" = yes ] || exit 4

# ---- observed.json ----
python3 - "$CASE" "$W" "$STARTED" "${CRC:-none}" "$TRC" "$KILLED" "${FILES[@]}" <<'PY'
import hashlib, json, os, re, subprocess, sys
case, w, started, crc, trc, killed, *files = sys.argv[1:]
out = {"case": os.path.basename(case)}
rd = os.path.join(case, "README")
out["readme"] = open(rd).read().strip() if os.path.exists(rd) else None
out["thunderbird_package"] = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "thunderbird"],
                                            capture_output=True, text=True).stdout
out["installed"] = [{"path": f, "sha256": hashlib.sha256(open(os.path.join(case, "sys") + f, "rb").read()).hexdigest()}
                    for f in files]
out["profile_files"] = sorted(os.listdir(os.path.join(case, "profile")))
out["started"] = started == "yes"
out["marionette_rc"] = None if crc == "none" else int(crc)
out["thunderbird_exit"] = int(trc)
out["killed"] = killed == "yes"
log = open(os.path.join(w, "thunderbird.log"), errors="replace").read().replace(w, "$WORK")
keep = re.compile(r"prefs parse error|Enterprise Policies|[Aa]uto[Cc]onfig|general\.config|\.cfg\b|MCD|[Cc]onfiguration|Failed to read|policies\.json|[Pp]reference")
out["log"] = [re.sub(r"^\[[^\]]*\]\s*", "", l) for l in log.splitlines() if keep.search(l)]
m = re.search(r"js result: (\{.*?\n\})\n", open(os.path.join(w, "marionette.out")).read(), re.S) \
    if os.path.exists(os.path.join(w, "marionette.out")) else None
dump = json.loads(m.group(1)) if m else None
out["dump"] = dump
names = set(dump["prefs"]) if dump else set()
def user_lines(p):
    if not os.path.exists(p): return None
    return [l.replace(w, "$WORK") for l in open(p, errors="replace").read().splitlines()
            if (mm := re.match(r'user_pref\("([^"]+)"', l)) and (mm.group(1) in names or mm.group(1).startswith("mail.server."))]
out["prefs_js_after_exit"] = user_lines(os.path.join(w, "prefs.after.js"))
out["invalidprefs_js"] = os.path.exists(os.path.join(w, "profile", "Invalidprefs.js"))
wt = os.path.join(w, "windows.txt")
out["windows"] = open(wt).read().splitlines() if os.path.exists(wt) else None
out["restore_verified"] = True
json.dump(out, open(os.path.join(w, "observed.json"), "w"), indent=1, sort_keys=True)
open(os.path.join(w, "observed.json"), "a").write("\n")
s = {"started": out["started"], "exit": out["thunderbird_exit"]}
if dump:
    s["servers"] = {x["key"]: (x.get("maximumConnectionsNumber"), x["biffMinutes"], x["doBiff"]) for x in dump["servers"]}
    s["policies"] = dump.get("policies", {}).get("status")
print("observed:", json.dumps(s))
PY
