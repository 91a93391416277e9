#!/usr/bin/env bash
# The pre-commit hooks of .pre-commit-hooks.yaml (issue 21), run the way a user runs them:
# `pre-commit try-repo <this checkout> HOOK --all-files` in a scratch git repository that
# holds bad client configuration files next to unrelated ones.
#
#   1. the `files` pattern selects exactly the names clientlint reads (and every name the
#      "nothing found" notice lists), not README.md or backups;
#   2. `clientlint` fails on the bad files and names their findings, and does not see the
#      unrelated README.md (which clientlint would otherwise read as a prefs.js);
#   3. `clientlint-fix` repairs them (exit 1: it changed files);
#   4. `clientlint` then passes.
#
# pre-commit comes from PyPI, into a venv under $CLIENTLINT_TOOLS (default <target dir>/tools),
# reused across runs. The hooks are `language: rust`, so pre-commit builds clientlint with
# `cargo install --path` from a fresh clone at every try-repo. To keep that quick, those
# builds share a target directory of their own (<target dir>/pre-commit-hooks: only the
# clientlint crate is rebuilt after the first run) and are unoptimised (opt-level 0, no
# debug info): the hooks' wiring is under test here, not the binary's speed.
# Prints "skipped: …" and exits 0 where Python, git or pre-commit cannot be had.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

for tool in python3 git cargo; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "skipped: $tool not available"
        exit 0
    fi
done

target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
    grep -o '"target_directory":"[^"]*"' | head -n 1 | cut -d'"' -f4)
tools=${CLIENTLINT_TOOLS:-$target_dir/tools}
venv="$tools/pre-commit-venv"
version=${PRE_COMMIT_VERSION:-4.7.0}
if [ ! -x "$venv/bin/pre-commit" ] ||
    ! "$venv/bin/pre-commit" --version 2>/dev/null | grep -q " $version\$"; then
    echo "installing pre-commit $version from PyPI into $venv"
    mkdir -p "$tools"
    if ! { python3 -m venv "$venv" &&
        "$venv/bin/pip" install -q --disable-pip-version-check "pre-commit==$version"; } \
        >"$tools/pre-commit-install.log" 2>&1; then
        tail -n 20 "$tools/pre-commit-install.log" >&2
        echo "skipped: pre-commit could not be installed from PyPI (see $tools/pre-commit-install.log)"
        exit 0
    fi
fi
pre_commit="$venv/bin/pre-commit"
echo "using $("$pre_commit" --version)"

failures=0
pass() { echo "PASS  $*"; }
fail() {
    echo "FAIL  $*"
    failures=$((failures + 1))
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A private cache: the hook environment is built from this checkout, not taken from a
# previous run of another revision.
export PRE_COMMIT_HOME="$work/cache"

# ---- 1. the files pattern --------------------------------------------------------------
notice=$(cargo run --release --quiet --locked -- "$work" 2>&1 >/dev/null || true)
if "$venv/bin/python" - "$repo/.pre-commit-hooks.yaml" "$notice" <<'EOF'; then
import re, sys, yaml
hooks = {h["id"]: h for h in yaml.safe_load(open(sys.argv[1]))}
notice = sys.argv[2]
ok = True
def expect(cond, what):
    global ok
    print(("PASS  " if cond else "FAIL  ") + what)
    ok = ok and cond
expect(set(hooks) == {"clientlint", "clientlint-fix"}, "hooks clientlint and clientlint-fix")
for hook in hooks.values():
    expect(hook["pass_filenames"] is True and hook["require_serial"] is True,
           f"{hook['id']}: pass_filenames and require_serial")
expect(hooks["clientlint"]["files"] == hooks["clientlint-fix"]["files"], "both hooks match the same files")
files = re.compile(hooks["clientlint"]["files"])
read = ["prefs.js", "user.js", "profiles.ini", "policies.json", "company.cfg",
        "defaults/pref/autoconfig.js", "filezilla.xml", "sitemanager.xml",
        "recentservers.xml", "fzdefaults.xml", "outlook.prf", "outlook.reg", "WinSCP.ini"]
stems = {"outlook.prf": ".prf", "outlook.reg": ".reg", "company.cfg": ".cfg",
         "defaults/pref/autoconfig.js": "defaults/pref"}
for name in read:
    stem = stems.get(name, name)
    expect(stem in notice, f"the notice names {stem}")
    for path in (name, "deploy/a b/" + name, name.upper()):
        expect(bool(files.search(path)), f"pattern matches {path}")
for path in ("README.md", "prefs.js.bak", "sitemanager.xml~", "notprefs.js", "deploy/prefs.json",
             "user.jsx", "a.prf/readme.txt"):
    expect(not files.search(path), f"pattern leaves out {path}")
sys.exit(0 if ok else 1)
EOF
    :
else
    failures=$((failures + 1))
fi

# ---- the scratch repository ------------------------------------------------------------
scratch="$work/repo"
mkdir -p "$scratch/deploy/thunderbird" "$scratch/deploy/filezilla"
cd "$scratch"
git init -q
git config user.email "test@example.invalid"
git config user.name "clientlint test"
git config commit.gpgsign false

# A Thunderbird profile that polls every minute (poll-interval-too-short; safe fix).
cat >deploy/thunderbird/prefs.js <<'EOF'
// Mozilla User Preferences

user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "user@example.com");
user_pref("mail.server.server1.check_time", 1);
user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.max_cached_connections", 3);
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "user@example.com");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.com");
user_pref("mail.smtpserver.smtp1.try_ssl", 2);
user_pref("mail.smtpserver.smtp1.username", "user@example.com");
user_pref("mail.smtpservers", "smtp1");
EOF
# A FileZilla site allowed 8 connections (too-many-site-connections; safe fix).
cat >deploy/filezilla/sitemanager.xml <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<FileZilla3 version="3.70.6" platform="*nix">
    <Servers>
        <Server>
            <Host>ftp.example.com</Host>
            <Port>21</Port>
            <Protocol>4</Protocol>
            <Type>0</Type>
            <User>alice</User>
            <Logontype>2</Logontype>
            <MaximumMultipleConnections>8</MaximumMultipleConnections>
            <Name>Big</Name>
        </Server>
    </Servers>
</FileZilla3>
EOF
# Enterprise policies that make every account poll every minute (poll-interval-too-short in
# policies.json itself; the safe fix changes the number's bytes only).
mkdir -p deploy/policies
cat >deploy/policies/policies.json <<'EOF'
{
  "policies": {
    "Preferences": {
      "mail.server.default.check_time": {"Value": 1, "Status": "locked"}
    }
  }
}
EOF

# Unrelated files the hook must not pass: this README holds `user_pref` text, which
# clientlint would read as a prefs.js if it were named on its command line.
cat >README.md <<'EOF'
Deployed with user_pref("mail.server.default.check_time", 1); by the old script.
EOF
echo "notes" >notes.txt
git add -A
git commit -q -m "bad configuration"

run_hook() { # run_hook HOOK LOG -> exit status of pre-commit try-repo
    local status=0
    (cd "$scratch" &&
        CARGO_TARGET_DIR="$target_dir/pre-commit-hooks" CARGO_PROFILE_RELEASE_OPT_LEVEL=0 \
            CARGO_PROFILE_RELEASE_DEBUG=false \
            nice -n 10 "$pre_commit" try-repo "$repo" "$1" --all-files --color never) \
        >"$2" 2>&1 || status=$?
    return "$status"
}

# ---- 2. the hook fails on the bad files --------------------------------------------------
start=$SECONDS
status=0
run_hook clientlint "$work/fail.log" || status=$?
echo "      (pre-commit built clientlint and ran it in $((SECONDS - start)) s)"
if [ "$status" = 1 ]; then pass "clientlint fails on the bad files (exit 1)"; else
    fail "clientlint fails on the bad files (exit $status)"
fi
for expected in "poll-interval-too-short" "too-many-site-connections" \
    "deploy/thunderbird/prefs.js" "deploy/filezilla/sitemanager.xml" \
    "deploy/policies/policies.json"; do
    if grep -q -- "$expected" "$work/fail.log"; then pass "its report names $expected"; else
        fail "its report names $expected"
    fi
done
if grep -q "README.md" "$work/fail.log"; then fail "README.md is not passed to clientlint"; else
    pass "README.md is not passed to clientlint"
fi
[ "$failures" = 0 ] || { echo "---- pre-commit output"; cat "$work/fail.log"; }

# ---- 3. the fix hook repairs them ------------------------------------------------------
status=0
run_hook clientlint-fix "$work/fix.log" || status=$?
# pre-commit fails a hook that changed files, whatever its exit code.
if [ "$status" = 1 ] && grep -q "files were modified by this hook" "$work/fix.log"; then
    pass "clientlint-fix modifies the files (and pre-commit reports it)"
else
    fail "clientlint-fix modifies the files (exit $status)"
    cat "$work/fix.log"
fi
if grep -q 'check_time", 10);' deploy/thunderbird/prefs.js &&
    grep -q '<MaximumMultipleConnections>3</MaximumMultipleConnections>' \
        deploy/filezilla/sitemanager.xml &&
    grep -q '"mail.server.default.check_time": {"Value": 10, "Status": "locked"}' deploy/policies/policies.json; then
    pass "the fixes are in the files"
else
    fail "the fixes are in the files"
    git --no-pager diff
fi
changed=$(git diff --name-only | sort | tr '\n' ' ')
if [ "$changed" = "deploy/filezilla/sitemanager.xml deploy/policies/policies.json deploy/thunderbird/prefs.js " ]; then
    pass "only the three bad files changed"
else
    fail "only the three bad files changed (changed: $changed)"
fi
git commit -q -am "fix configuration" || fail "commit the fixed files"

# ---- 4. and now the hook passes ----------------------------------------------------------
status=0
run_hook clientlint "$work/pass.log" || status=$?
if [ "$status" = 0 ] && grep -q "^clientlint\.*Passed" "$work/pass.log"; then
    pass "clientlint passes on the fixed files"
else
    fail "clientlint passes on the fixed files (exit $status)"
    cat "$work/pass.log"
fi

echo
if [ "$failures" -gt 0 ]; then
    echo "pre-commit: $failures check(s) failed"
    exit 1
fi
echo "pre-commit: all checks passed"
