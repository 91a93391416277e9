#!/usr/bin/env python3
"""Pin what the installed Thunderbird's enterprise-policy code accepts (issue 15).
usage: extract_policies_prefs.py [OMNI_JA] > policies-accepted-prefs.json
Reads modules/policies/Policies.sys.mjs, modules/policies/ProxyPolicies.sys.mjs,
modules/policies/schema.sys.mjs and modules/EnterprisePoliciesParent.sys.mjs out of omni.ja
(a zip) and writes: the Preferences policy's accepted prefixes, its allowed security.* prefs,
its blocked prefs, the Status values the schema accepts, and for every other policy the prefs
its code sets or locks (literal names only; computed names are listed as patterns)."""
import hashlib, json, os, re, subprocess, sys, zipfile

OMNI = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/thunderbird/omni.ja"
z = zipfile.ZipFile(OMNI)
P = "modules/policies/Policies.sys.mjs"
src = z.read(P).decode()
proxy = z.read("modules/policies/ProxyPolicies.sys.mjs").decode()
schema = z.read("modules/policies/schema.sys.mjs").decode()
parent = z.read("modules/EnterprisePoliciesParent.sys.mjs").decode()

def js_array(name, text):
    m = re.search(r"const %s = \[(.*?)\];" % name, text, re.S)
    if not m:
        sys.exit(f"{name} not found in {P}")
    return re.findall(r'"([^"]+)"', m.group(1))

prefixes = js_array("allowedPrefixes", src)
security = js_array("allowedSecurityPrefs", src)
blocked = js_array("blockedPrefs", src)
m = re.search(r'"Preferences": \{.*?"Status": \{.*?"enum": \[(.*?)\]', schema, re.S)
statuses = re.findall(r'"([^"]+)"', m.group(1))

# Split the Policies object into its top-level policy blocks ("  Name: {" at two spaces).
body = src[src.index("export var Policies = {"):src.index("\n};\n", src.index("export var Policies = {"))]
heads = [(mm.start(), mm.group(1)) for mm in re.finditer(r"^  (\w+): \{$", body, re.M)]
CALL = re.compile(r"(setAndLockPref|PoliciesUtils\.setDefaultPref|Services\.prefs\.(?:set\w+Pref|lockPref|unlockPref|clearUserPref))\(\s*(\"[^\"]+\"|`[^`]+`|[\w.\[\]]+)", re.S)
TIMING = re.compile(r"^    (on\w+)\(", re.M)
policies = {}
for i, (start, name) in enumerate(heads):
    block = body[start:heads[i + 1][0] if i + 1 < len(heads) else len(body)]
    effects = []
    for cm in CALL.finditer(block):
        fn, arg = cm.group(1), cm.group(2)
        tail = block[cm.end():cm.end() + 200]
        if fn == "setAndLockPref":
            how = "default+locked"
        elif fn == "PoliciesUtils.setDefaultPref":
            # third argument: locked flag (a literal or an expression from the policy's parameters)
            depth, j, args = 0, 0, [""]
            for ch in tail:
                if ch in "([{": depth += 1
                if ch in ")]}":
                    if depth == 0: break
                    depth -= 1
                if ch == "," and depth == 0: args.append("")
                else: args[-1] += ch
            flag = args[2].strip() if len(args) > 2 else ""
            if flag == "locked":  # `let locked = <true|false>; if ("Locked" in param) locked = param.Locked;`
                lm = re.search(r"let locked = (true|false);", block)
                flag = f"param.Locked, default {lm.group(1)}" if lm else "param.Locked"
            how = "default" if not flag else ("default+locked" if flag == "true" else f"default (locked when {flag})")
        else:
            how = fn.split(".")[-1]
        lit = arg[1:-1] if arg[0] in "\"`" else None
        effects.append({"pref": lit if lit and "${" not in lit else None,
                        "pattern": None if lit and "${" not in lit else arg, "how": how})
    if name == "DisabledCiphers":
        for c in sorted(set(re.findall(r'"(security\.ssl3\.[^"]+)"', block))):
            effects.append({"pref": c, "pattern": None, "how": "default+locked (value = !param[cipher])"})
        effects = [e for e in effects if e["pattern"] != "cipherPrefs[cipher]"]
    if name == "Proxy":
        for pm in re.finditer(r"setPref\(\s*(\"[^\"]+\"|`[^`]+`)", proxy):
            a = pm.group(1)[1:-1]
            effects.append({"pref": None if "${" in a else a, "pattern": a if "${" in a else None,
                            "how": "default, locked when param.Locked (ProxyPolicies.sys.mjs)"})
    timings = sorted(set(TIMING.findall(block)))
    policies[name] = {"timing": timings, "prefs": effects}

def mailish(p):
    return p and p.startswith(("mail.", "mailnews.", "network.", "signon.", "security."))
mail_related = {n: [e for e in v["prefs"] if mailish(e["pref"]) or (e["pattern"] and "network." in e["pattern"])]
                for n, v in policies.items()}
mail_related = {n: {"timing": policies[n]["timing"], "prefs": v} for n, v in mail_related.items() if v}

version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "thunderbird"], capture_output=True, text=True).stdout
app_version = re.search(r"^Version=(.*)$", open("/usr/lib/thunderbird/application.ini").read(), re.M).group(1)
out = {
    "generated_by": "tests/interop/layers/extract_policies_prefs.py",
    "omni_ja": OMNI, "omni_ja_realpath": os.path.realpath(OMNI),
    "omni_ja_sha256": hashlib.sha256(open(OMNI, "rb").read()).hexdigest(),
    "thunderbird_package_version": version, "thunderbird_version": app_version,
    "source_in_omni_ja": P,
    "preferences_policy": {
        "timing": policies["Preferences"]["timing"],
        "allowed_prefixes": prefixes, "allowed_prefixes_count": len(prefixes),
        "allowed_security_prefs": security, "allowed_security_prefs_count": len(security),
        "blocked_prefs": blocked,
        "rules": [
            "a name in blocked_prefs is refused: 'Preference not allowed for security reasons.'",
            "a name starting with 'security.' is accepted only if it is in allowed_security_prefs (exact match), else refused: 'Preference not allowed for security reasons.'",
            "any other name is accepted only if it starts with one of allowed_prefixes (plain string prefix; 'general.autoScroll' and 'general.smoothScroll' have no trailing dot), else refused: 'Preference not allowed for stability reasons.'",
            "a value that is not an object (legacy form) is set on the default branch and locked (setAndLockPref: unlock, set default, lock)",
            "Status 'clear': Services.prefs.clearUserPref(name); Value is not read",
            "Status 'user': set on the user branch (Services.prefs); any other Status (or none): set on the default branch",
            "a number that is not an integer throws, logged as 'Probable type mismatch'",
            "a number 0 or 1 is set as a bool (!!value) unless the branch's getPrefType(name) is already PREF_INT; any other integer is set as int",
            "after setting, Status 'locked' calls Services.prefs.lockPref(name) (the object form does NOT unlock first)",
            "schema: each entry is number|boolean|string|object; object.Value number|boolean|string; object.Status one of schema_status_values; a schema failure drops the whole Preferences policy ('Invalid parameters specified for Preferences.')",
        ],
        "schema_status_values": statuses,
    },
    "policies_setting_mail_network_signon_security_prefs": mail_related,
    "all_policies_pref_effects": policies,
    "policies_json_location": {
        "source": "modules/EnterprisePoliciesParent.sys.mjs JSONPoliciesProvider._getConfigurationFile",
        "order": [
            "linux && MOZ_SYSTEM_POLICIES: <SysConfD>/policies/policies.json; if it exists it is the file (nothing else is read)",
            "else if pref toolkit.policies.perUserDir is true: <XREUserRunTimeDir>/policies.json, otherwise <XREAppDist>/policies.json (<appdir>/distribution/policies.json)",
            "browser.policies.alternatePath only in automation/nightly/xpcshell",
        ],
        "read": "Cu.readUTF8File then JSON.parse(data).policies; empty file = no policies; SyntaxError or no 'policies' object = provider failed, status FAILED, no policy applied",
    },
    "observed_on_140_12_0": {
        "note": "not read from omni.ja: observed by the cases in this directory (see FACTS.md)",
        "SysConfD": "/etc/thunderbird", "XREAppDist": "/usr/lib/thunderbird/distribution", "GreD": "/usr/lib/thunderbird",
        "policies_json": "/etc/thunderbird/policies/policies.json if it exists (even empty), else /usr/lib/thunderbird/distribution/policies.json; never merged (cases 11-15)",
        "autoconfig_cfg": "<GreD>/<general.config.filename> = /usr/lib/thunderbird/<name> only; /etc/thunderbird/<name> is not read (cases 38, 39); a missing .cfg shows the 'Configuration Error' alert, then startup continues (37, 37b)",
        "default_pref_dirs_in_order": ["/usr/lib/thunderbird/defaults/pref", "/etc/thunderbird/pref", "/etc/thunderbird/defaults/pref"],
    },
}
assert "SysConfD" in parent and "XREAppDist" in parent
json.dump(out, sys.stdout, indent=1)
print()
