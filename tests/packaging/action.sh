#!/usr/bin/env bash
# The GitHub Action (action.yml + packaging/action.sh, issue 21), run locally: run_action.py
# plays the runner (inputs, expressions, `if:` conditions, $GITHUB_OUTPUT, $GITHUB_PATH) over
# the composite's steps, with the runner's variables faked, in a scratch workspace.
#
#   - install: source builds clientlint with cargo install from this checkout and puts it on
#     PATH for the later steps; install: deb downloads the package and hands it to dpkg (a
#     stand-in dpkg records the call); a missing deb-url or clientlint fails clearly;
#   - on bad files: the run step records exit-code 1 and the SARIF file (valid SARIF 2.1.0
#     JSON, results with workspace-relative URIs) and prints annotations; the SARIF upload
#     step still runs; the last step fails the job with exit 1 — or not, with fail: false;
#   - on clean files everything passes; upload-sarif: false skips the upload; args reach
#     clientlint (--fail-on error); several paths on several lines are all linted; a path
#     that does not exist is a tool error (exit 2) that fails the job;
#   - outside GitHub (GITHUB_ACTIONS unset) the script prints the text report instead.
#
# Needs python3 with PyYAML (the pre-commit venv of tests/packaging/pre-commit.sh has it);
# prints "skipped: …" without it.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)

target_dir=$(cargo metadata --format-version 1 --no-deps --locked |
    grep -o '"target_directory":"[^"]*"' | head -n 1 | cut -d'"' -f4)
python=""
for candidate in python3 "${CLIENTLINT_TOOLS:-$target_dir/tools}/pre-commit-venv/bin/python"; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c "import yaml" 2>/dev/null; then
        python=$candidate
        break
    fi
done
if [ -z "$python" ]; then
    echo "skipped: no python3 with PyYAML (run tests/packaging/pre-commit.sh first, or pip install pyyaml)"
    exit 0
fi

failures=0
pass() { echo "PASS  $*"; }
fail() {
    echo "FAIL  $*"
    failures=$((failures + 1))
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}
expect() { # expect DESCRIPTION ACTUAL EXPECTED
    if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (got '$2', expected '$3')"; fi
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cargo build --release --locked --quiet
built="$target_dir/release"

# A fresh workspace and runner for each scenario. $1: what to put in the workspace.
new_runner() {
    rm -rf "$work/runner"
    mkdir -p "$work/runner/ws" "$work/runner/temp" "$work/runner/toolcache"
    export GITHUB_ACTIONS=true GITHUB_WORKSPACE="$work/runner/ws" \
        RUNNER_TEMP="$work/runner/temp" RUNNER_TOOL_CACHE="$work/runner/toolcache"
    case "$1" in
    bad)
        mkdir -p "$GITHUB_WORKSPACE/deploy"
        cp -r fixtures/demo/thunderbird fixtures/demo/filezilla "$GITHUB_WORKSPACE/deploy/"
        ;;
    clean)
        mkdir -p "$GITHUB_WORKSPACE/deploy/thunderbird"
        cp fixtures/rules/too-many-cached-connections/thunderbird.good.js \
            "$GITHUB_WORKSPACE/deploy/thunderbird/prefs.js"
        ;;
    esac
}

# run_scenario NAME INPUTS_JSON [PATH]: runs the action; sets $status and $report.
run_scenario() {
    local name=$1 inputs=$2 path=${3:-$built:$PATH}
    report="$work/$name.report.json"
    status=0
    (cd "$GITHUB_WORKSPACE" && PATH="$path" "$python" "$repo/tests/packaging/run_action.py" \
        "$repo" "$inputs" "$report") >"$work/$name.log" 2>&1 || status=$?
}
# step NAME FIELD: a field of a step of the last report (ran, status, outputs.exit-code, …).
step() {
    "$python" - "$report" "$1" "$2" <<'EOF'
import json, sys
report, name, field = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
entry = next(e for e in report if e["name"] == name)
for part in field.split("."):
    entry = entry.get(part) if isinstance(entry, dict) else None
print("" if entry is None else str(entry).lower() if isinstance(entry, bool) else entry)
EOF
}
show_log() { echo "---- $1"; cat "$work/$1.log"; }

# ---- action.yml's shape ----------------------------------------------------------------
if "$python" - "$repo/action.yml" <<'EOF'; then
import re, sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
ok = True
def expect(cond, what):
    global ok
    print(("PASS  " if cond else "FAIL  ") + what)
    ok = ok and cond
steps = a["runs"]["steps"]
expect(a["runs"]["using"] == "composite", "action.yml is a composite action")
runs = [s for s in steps if "run" in s]
expect(all("packaging/action.sh" in s["run"] for s in runs), "every run step calls packaging/action.sh")
upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
expect(len(upload) == 1 and "always()" in str(upload[0].get("if")), "the SARIF upload step runs always()")
ids = {s.get("id") for s in steps}
expect(all(re.match(r"\$\{\{ steps\.(\w+)\.", o["value"]).group(1) in ids for o in a["outputs"].values()),
       "the action's outputs come from its steps")
sys.exit(0 if ok else 1)
EOF
    :
else
    failures=$((failures + 1))
fi

# ---- install: source (the default) ------------------------------------------------------
new_runner bad
start=$SECONDS
run_scenario source '{}'
expect "install: source builds and installs clientlint ($((SECONDS - start)) s)" \
    "$(step "Install clientlint" status)" 0
if [ -x "$RUNNER_TOOL_CACHE/clientlint/bin/clientlint" ] &&
    grep -q "^clientlint [0-9]" "$work/source.log"; then
    pass "the installed binary is in the tool cache and runs"
else
    fail "the installed binary is in the tool cache and runs"
    show_log source
fi
# Only what install put on $GITHUB_PATH: the run step must find clientlint through it.
expect "the run step finds the installed clientlint (exit-code 1 on the demo)" \
    "$(step "Run clientlint" outputs.exit-code)" 1

# ---- bad files: record, upload anyway, then fail ----------------------------------------
new_runner bad
run_scenario bad '{"install": "none"}'
expect "the action fails on bad files" "$status" 1
expect "the run step itself succeeds" "$(step "Run clientlint" status)" 0
expect "it records exit-code 1" "$(step "Run clientlint" outputs.exit-code)" 1
expect "it records the SARIF file" "$(step "Run clientlint" outputs.sarif-file)" clientlint.sarif
expect "the SARIF upload step runs although clientlint exited 1" \
    "$(step "Upload SARIF to code scanning" ran)" true
expect "the upload gets the SARIF file" \
    "$(step "Upload SARIF to code scanning" with.sarif_file)" clientlint.sarif
expect "the last step fails the job with exit 1" "$(step "Fail on findings" status)" 1
if "$python" - "$GITHUB_WORKSPACE/clientlint.sarif" <<'EOF'; then
import json, sys
log = json.load(open(sys.argv[1]))
assert log["version"] == "2.1.0", log["version"]
results = log["runs"][0]["results"]
assert len(results) >= 5, len(results)
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
assert all(u.startswith("deploy/") for u in uris), uris
assert "deploy/thunderbird/prefs.js" in uris, uris
EOF
    pass "the SARIF report holds the findings, with workspace-relative URIs (no ./)"
else
    fail "the SARIF report holds the findings, with workspace-relative URIs (no ./)"
fi
if grep -q '^::warning file=deploy/thunderbird/prefs.js,line=9,.*title=clientlint (too-many-cached-connections)::' \
    "$work/bad.log"; then
    pass "annotations are printed (--format github), paths relative to the workspace"
else
    fail "annotations are printed (--format github), paths relative to the workspace"
    show_log bad
fi
check "the failure says why" grep -q '::error title=clientlint::clientlint found problems' "$work/bad.log"

# ---- fail: false, upload-sarif: false, annotations: false --------------------------------
new_runner bad
run_scenario nofail '{"install": "none", "fail": "false", "upload-sarif": "false", "annotations": "false"}'
expect "fail: false keeps the job green" "$status" 0
expect "upload-sarif: false skips the upload" "$(step "Upload SARIF to code scanning" ran)" false
if grep -q '^::warning' "$work/nofail.log"; then fail "annotations: false prints no annotations"; else
    pass "annotations: false prints no annotations"
fi

# ---- clean files -------------------------------------------------------------------------
new_runner clean
run_scenario clean '{"install": "none"}'
expect "clean files: the action passes" "$status" 0
expect "clean files: exit-code 0" "$(step "Run clientlint" outputs.exit-code)" 0
expect "clean files: the (empty) SARIF report is uploaded too" \
    "$(step "Upload SARIF to code scanning" ran)" true

# ---- args and several paths --------------------------------------------------------------
new_runner bad
run_scenario args '{"install": "none", "args": "--fail-on error --select too-many-transfers,too-many-cached-connections", "paths": "deploy/thunderbird\ndeploy/filezilla", "sarif-file": "out/cl.sarif"}'
expect "args reach clientlint (--fail-on error: warnings do not fail)" \
    "$(step "Run clientlint" outputs.exit-code)" 0
expect "sarif-file is honoured" "$(step "Run clientlint" outputs.sarif-file)" out/cl.sarif
if "$python" - "$GITHUB_WORKSPACE/out/cl.sarif" <<'EOF'; then
import json, sys
results = json.load(open(sys.argv[1]))["runs"][0]["results"]
rules = {r["ruleId"] for r in results}
uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
assert rules == {"too-many-transfers", "too-many-cached-connections"}, rules
assert any(u.startswith("deploy/thunderbird/") for u in uris), uris
assert any(u.startswith("deploy/filezilla/") for u in uris), uris
EOF
    pass "both paths (one per line) are linted, with only the selected rules"
else
    fail "both paths (one per line) are linted, with only the selected rules"
    show_log args
fi

# ---- a tool error ------------------------------------------------------------------------
new_runner clean
run_scenario missing '{"install": "none", "paths": "no/such/dir"}'
expect "a path that does not exist: exit-code 2" "$(step "Run clientlint" outputs.exit-code)" 2
expect "a tool error fails the job with exit 2" "$(step "Fail on findings" status)" 2

# ---- install: deb (with a stand-in dpkg) and install failures -----------------------------
new_runner bad
mkdir -p "$work/shims"
cat >"$work/shims/dpkg" <<EOF
#!/bin/sh
echo "dpkg \$*" >>"$work/dpkg.calls"
EOF
chmod +x "$work/shims/dpkg"
printf 'not really a package' >"$work/clientlint_test.deb"
rm -f "$work/dpkg.calls"
run_scenario deb "{\"install\": \"deb\", \"deb-url\": \"file://$work/clientlint_test.deb\"}" \
    "$work/shims:$built:$PATH"
expect "install: deb succeeds" "$(step "Install clientlint" status)" 0
expect "install: deb downloads the package and runs dpkg -i on it" \
    "$(cat "$work/dpkg.calls" 2>/dev/null)" "dpkg -i $RUNNER_TEMP/clientlint.deb"
check "the downloaded file is the package" cmp -s "$work/clientlint_test.deb" "$RUNNER_TEMP/clientlint.deb"

new_runner bad
run_scenario nourl '{"install": "deb"}'
expect "install: deb without deb-url fails" "$(step "Install clientlint" status)" 2
check "… and says what is missing" \
    grep -q '::error title=clientlint::install: deb needs deb-url' "$work/nourl.log"
expect "… and nothing else runs" "$(step "Run clientlint" ran)$(step "Upload SARIF to code scanning" ran)" falsefalse

new_runner bad
run_scenario none '{"install": "none"}' "/usr/bin:/bin"
expect "install: none without clientlint on PATH fails" "$(step "Install clientlint" status)" 2
check "… and says so" grep -q 'clientlint is not on PATH after install: none' "$work/none.log"

# ---- outside GitHub -------------------------------------------------------------------------
new_runner bad
out=$(cd "$GITHUB_WORKSPACE" && env -u GITHUB_ACTIONS GITHUB_OUTPUT="$work/out.txt" \
    PATH="$built:$PATH" INPUT_PATHS=deploy "$repo/packaging/action.sh" run 2>&1)
if grep -q "too-many-cached-connections" <<<"$out" && ! grep -q "^::warning" <<<"$out" &&
    grep -qx "exit-code=1" "$work/out.txt"; then
    pass "outside GitHub: the text report, no annotations, exit-code still recorded"
else
    fail "outside GitHub: the text report, no annotations, exit-code still recorded"
    echo "$out"
fi

echo
if [ "$failures" -gt 0 ]; then
    echo "action: $failures check(s) failed"
    exit 1
fi
echo "action: all checks passed"
