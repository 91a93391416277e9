#!/usr/bin/env python3
"""Owns the machine-layer comparison of the interop suite (issue 15): what Thunderbird did
with a case's layers (tb_layers_case.sh's observed.json) against clientlint's model of the
same machine (dump_model --sysroot). The same comparison runs offline on the recorded
observations in tests/layers.rs.

usage: compare_layers.py OBSERVED.json MODEL.json CASE_NAME
Prints one line per disagreement; exit 1 if any, 3 when Thunderbird reported nothing to
compare (an oracle error), else 0."""
import json
import sys

observed = json.load(open(sys.argv[1]))
model = json.load(open(sys.argv[2]))
case = sys.argv[3]
dump = observed.get("dump") or {}
problems = []

# Cases where Thunderbird does not get to report its accounts, or where the point is a
# finding: what clientlint must say (the same list as tests/layers.rs).
EXPECTED_RULES = {
    "05-install-lockPref-parse-error": ["syntax-error"],
    "11-policy-etc-and-dist": ["policies-file-shadowed"],
    "13-policy-etc-invalid": ["syntax-error"],
    "14-policy-dist-invalid": ["syntax-error"],
    "22-policy-outside-prefixes": ["unknown-setting"],
    "23-policy-invalid-status": ["invalid-value"],
    "34-cfg-line1-skipped": ["autoconfig-first-line-ignored"],
    "37-cfg-missing": ["autoconfig-file-missing"],
    "37b-cfg-missing-desktop": ["autoconfig-file-missing"],
    "38-cfg-in-etc-only": ["autoconfig-file-missing"],
    "44-cfg-sandbox-probe": ["autoconfig-not-evaluated"],
    "45-cfg-syntax-error": ["syntax-error"],
    "46-cfg-runtime-error": ["syntax-error"],
}
# Thunderbird 153 reads a .cfg in /etc/thunderbird (src/clients/thunderbird/machine.rs,
# FIRST_ETC_CFG_VERSION): case 38 then runs with it, and nothing is missing.
if str(dump.get("version", "")).split(".")[0].isdigit() and int(str(dump["version"]).split(".")[0]) >= 153:
    EXPECTED_RULES["38-cfg-in-etc-only"] = []
for rule in EXPECTED_RULES.get(case, []):
    if rule not in model.get("rules", []):
        problems.append(f"expected a {rule} finding, clientlint gave {model.get('rules')}")

servers = [s for s in model["servers"] if s.get("profile", "").endswith(".thunderbird/p")]
tb_servers = [s for s in dump.get("servers") or [] if s.get("type") in ("imap", "pop3")]
if not tb_servers and case not in ("37-cfg-missing",):
    print(f"  oracle error: Thunderbird reported no mail server for {case}")
    sys.exit(3)


def observed_locked(key, attr):
    prefs = dump.get("prefs") or {}
    own = prefs.get(f"mail.server.{key}.{attr}") or {}
    has = own.get("hasUser") or own.get("hasDefault")
    int_ok = "error" not in (own.get("intGetter") or {})
    pref = own if has and int_ok else (prefs.get(f"mail.server.default.{attr}") or {})
    return pref.get("locked")


for tb in tb_servers:
    key = tb["key"]
    ours = next((s for s in servers if s["key"] == key), None)
    if ours is None:
        problems.append(f"{key}: Thunderbird has it, clientlint does not")
        continue
    checks = [
        ("biffMinutes", tb.get("biffMinutes"), ours.get("check_time")),
        ("doBiff", tb.get("doBiff"), ours.get("check_new_mail")),
    ]
    if tb["type"] == "imap":
        checks.append(("maximumConnectionsNumber", tb.get("maximumConnectionsNumber"), ours.get("max_cached_connections")))
    for attr, field in [("max_cached_connections", "max_cached_connections_locked"), ("check_time", "check_time_locked")]:
        theirs = observed_locked(key, attr)
        if theirs is not None:
            checks.append((f"{attr} locked", theirs, ours.get(field)))
    for what, theirs, mine in checks:
        if theirs != mine:
            problems.append(f"{key}.{what}: thunderbird {theirs!r} clientlint {mine!r}")

for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
