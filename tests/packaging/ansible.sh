#!/usr/bin/env bash
# The Ansible example (examples/ansible/, issue 18), run the way an admin runs it: the
# playbook against an inventory of several hosts — here local ones (ansible_connection=local),
# each pointed at its own home image with --home or --sysroot — that fetches each host's
# connections report to the control node and merges them there.
#
#   1. two desktops each within the limit on their own (4 and 5 of 8 connections to one
#      IMAP server) and a third behind another network: merged, the first two are over
#      it, so the play fails with the merged table, and every report and merged.json are
#      on the control node, labelled with the inventory names;
#   2. clientlint_fail_over=false reports without failing;
#   3. limits come from the control node (clientlint_merge_args: a clientlint.toml that
#      allows 10): within the limit, the play passes;
#   4. a host whose clientlint fails (a path that does not exist) fails the host, and the
#      merge says it left that host out.
#
# ansible-core comes from PyPI, into a venv under $CLIENTLINT_TOOLS (default <target
# dir>/tools), reused across runs. Prints "skipped: …" and exits 0 where Python or
# ansible-core cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

for tool in python3 cargo; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skipped: $tool not available"
        exit 0
    fi
done

target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
    grep -o '"target_directory":"[^"]*"' | head -n 1 | cut -d'"' -f4)
tools=${CLIENTLINT_TOOLS:-$target_dir/tools}
venv="$tools/ansible-venv"
version=${ANSIBLE_CORE_VERSION:-2.19.14}
if [ ! -x "$venv/bin/ansible-playbook" ] ||
    ! "$venv/bin/python" -c "import ansible.release as r; assert r.__version__ == '$version'" 2>/dev/null; then
    echo "installing ansible-core $version from PyPI into $venv"
    mkdir -p "$tools"
    if ! { python3 -m venv "$venv" &&
        "$venv/bin/pip" install -q --disable-pip-version-check "ansible-core==$version"; } \
        >"$tools/ansible-install.log" 2>&1; then
        tail -n 20 "$tools/ansible-install.log" >&2
        echo "skipped: ansible-core could not be installed from PyPI (see $tools/ansible-install.log)"
        exit 0
    fi
fi
echo "using ansible-core $("$venv/bin/python" -c "import ansible.release as r; print(r.__version__)")"

nice -n 10 cargo build --release --locked --quiet
bin="$target_dir/release/clientlint"

failures=0
pass() { echo "PASS  $*"; }
fail() {
    echo "FAIL  $*"
    failures=$((failures + 1))
}
expect_in() { # expect_in DESCRIPTION FILE TEXT
    if grep -qF -- "$3" "$2"; then pass "$1"; else fail "$1 (no '$3' in $2)"; fi
}

work=$(mktemp -d)
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
export ANSIBLE_HOME="$work/ansible-home" ANSIBLE_LOCAL_TEMP="$work/ansible-tmp"
export ANSIBLE_REMOTE_TEMP="$work/ansible-remote" ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0
# No ansible.cfg of this machine or user applies.
: >"$work/ansible.cfg"
export ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_CONFIG="$work/ansible.cfg"
# The hosts' own Thunderbird install is not the test's (the interop suite installs one).
export CLIENTLINT_MACHINE_ROOT=/nonexistent/clientlint-test-machine

profile() { # profile DIR USER MAX_CACHED: a Thunderbird profile on imap.example.net
    mkdir -p "$1/.thunderbird/p.default"
    printf '[Profile0]\nName=default\nIsRelative=1\nPath=p.default\nDefault=1\n' \
        >"$1/.thunderbird/profiles.ini"
    cat >"$1/.thunderbird/p.default/prefs.js" <<EOF
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.server.server1.hostname", "imap.example.net");
user_pref("mail.server.server1.max_cached_connections", $3);
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "$2@example.net");
EOF
}
# ws1: a home image; ws2: a whole machine image (--sysroot); ws3: another network.
profile "$work/images/ws1/home/amy" amy 4
profile "$work/images/ws2/home/bob" bob 5
mkdir -p "$work/images/ws2/etc"
echo "not-the-label" >"$work/images/ws2/etc/hostname"
profile "$work/images/ws3/home/cleo" cleo 5
python=$venv/bin/python

inventory() { # inventory FILE [EXTRA-HOST-LINES]: the three local hosts
    cat >"$1" <<EOF
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: $python
    clientlint_bin: $bin
    clientlint_merge_bin: $bin
    clientlint_reports: $work/reports
  hosts:
    ws1:
      clientlint_args: ["--isolated", "--home", "$work/images/ws1/home/amy"]
    ws2:
      clientlint_args: ["--isolated", "--sysroot", "$work/images/ws2"]
    ws3:
      clientlint_network: home-office
      clientlint_args: ["--isolated", "--home", "$work/images/ws3/home/cleo"]
${2:-}
EOF
}
playbook() { # playbook LOG ARGS... -> exit status of ansible-playbook
    local status=0 log=$1
    shift
    nice -n 10 "$venv/bin/ansible-playbook" "$repo/examples/ansible/clientlint.yml" "$@" \
        >"$log" 2>&1 || status=$?
    return "$status"
}

# ---- 1. merged over the limit: the play fails ------------------------------------------
inventory "$work/inventory.yml"
status=0
playbook "$work/run1.log" -i "$work/inventory.yml" || status=$?
if [ "$status" != 0 ]; then pass "the play fails when a server is over its limit (exit $status)"; else
    fail "the play fails when a server is over its limit (exit 0)"
fi
expect_in "the merged table adds up ws1 and ws2" "$work/run1.log" \
    "IMAP imap.example.net: 9 of 8 connections from 2 profiles, OVER the limit"
expect_in "ws3 is budgeted on its own network" "$work/run1.log" \
    "IMAP imap.example.net from network home-office: 5 of 8 connections from 1 profile, within the limit"
expect_in "contributors are named by inventory host" "$work/run1.log" "(ws2: $work/images/ws2/home/bob/.thunderbird/p.default)"
expect_in "the play says why it failed" "$work/run1.log" "a server is over its connection limit across the fleet"
for host in ws1 ws2 ws3; do
    if [ -s "$work/reports/$host.json" ] &&
        "$python" -c "import json,sys; d=json.load(open(sys.argv[1])); assert d['version']==1 and d['machine']==sys.argv[2]" \
            "$work/reports/$host.json" "$host"; then
        pass "the report of $host is on the control node, labelled $host"
    else
        fail "the report of $host is on the control node, labelled $host"
    fi
done
if "$python" - "$work/reports/merged.json" <<'EOF'; then
import json, sys
d = json.load(open(sys.argv[1]))
assert d["machines"] == ["ws1", "ws2", "ws3"], d["machines"]
over = [s for s in d["servers"] if s["over"]]
assert [(s["host"], s["connections"], s["profiles"]) for s in over] == [("imap.example.net", 9, 2)], over
assert {s.get("network") for s in d["shares"]} == {None, "home-office"}
EOF
    pass "merged.json holds the three machines and the one server over its limit"
else
    fail "merged.json holds the three machines and the one server over its limit"
fi
[ "$failures" = 0 ] || { echo "---- ansible-playbook output"; cat "$work/run1.log"; }

# ---- 2. report without failing ---------------------------------------------------------
status=0
playbook "$work/run2.log" -i "$work/inventory.yml" -e clientlint_fail_over=false || status=$?
if [ "$status" = 0 ]; then pass "clientlint_fail_over=false reports without failing"; else
    fail "clientlint_fail_over=false reports without failing (exit $status)"
    cat "$work/run2.log"
fi
expect_in "... and still shows the server over its limit" "$work/run2.log" "9 of 8 connections"

# ---- 3. the control node's limits ------------------------------------------------------
printf '[servers."imap.example.net"]\nconnection-limit = 10\n' >"$work/fleet.toml"
status=0
playbook "$work/run3.log" -i "$work/inventory.yml" \
    -e "{\"clientlint_merge_args\": [\"--config\", \"$work/fleet.toml\"]}" || status=$?
if [ "$status" = 0 ]; then pass "a limit of 10 on the control node: within the limit, the play passes"; else
    fail "a limit of 10 on the control node: the play passes (exit $status)"
    cat "$work/run3.log"
fi
expect_in "... 9 of 10 connections" "$work/run3.log" "9 of 10 connections from 2 profiles, within the limit (clientlint.toml)"

# ---- 4. a host that cannot report ------------------------------------------------------
inventory "$work/inventory4.yml" "    ws4:
      clientlint_args: [\"--isolated\", \"--home\", \"$work/images/nowhere\", \"$work/images/nowhere\"]"
status=0
playbook "$work/run4.log" -i "$work/inventory4.yml" -e clientlint_fail_over=false || status=$?
if [ "$status" != 0 ]; then pass "a host whose clientlint fails fails the run (exit $status)"; else
    fail "a host whose clientlint fails fails the run (exit 0)"
fi
expect_in "the merge says which host it left out" "$work/run4.log" "no report from ws4"
expect_in "... and still adds up the others" "$work/run4.log" "9 of 8 connections"

if [ "$failures" != 0 ]; then
    echo "$failures check(s) failed"
    exit 1
fi
echo "all Ansible checks passed"
