#!/usr/bin/env python3
"""Owns the regedit comparison of the interop suite (issue 9): the registry values
clientlint read from a .reg file (examples/dump_model.rs `reg_keys`) against what Wine's
`reg import` stored, as `regedit /E` exported it back (wine_reg_oracle.sh).

usage: compare_reg.py MODEL.json EXPORT.reg      -> 0 agree, 1 disagree
       compare_reg.py --root MODEL.json          -> prints the key to export
Every normalisation is marked R1..R4, every known disagreement D1.. and listed in docs/interop.md.
"""
import json
import sys


def final_state(model):
    """Applies the keys of the file in order, the way an import does."""
    keys = {}
    for k in model["reg_keys"]:
        path = k["path"].lower()
        if k["delete"]:
            for p in [p for p in keys if p == path or p.startswith(path + "\\")]:
                del keys[p]
            continue
        vals = keys.setdefault(path, {})
        for v in k["values"]:
            name = (v["name"] if v["name"] is not None else "@").lower()
            d = v["data"]
            if d["type"] == "delete":
                vals.pop(name, None)
            else:
                vals[name] = normalise(d)
    return keys


def normalise(d):
    if d["type"] == "sz":
        return ("sz", d["value"])
    if d["type"] == "dword":
        return ("dword", d["value"])
    raw = bytes.fromhex(d["value"].replace(",", "")) if d["value"] else b""
    # R1: regedit exports a REG_SZ as "text" however it was imported, so a hex(1) value is
    # compared as the string it holds (UTF-16LE up to the NUL, in a version 5 file).
    if d["kind"] == 1:
        return ("sz", raw.decode("utf-16-le", errors="replace").split("\0")[0])
    # R4: Wine appends a NUL terminator to REG_EXPAND_SZ / REG_MULTI_SZ data that lacks one
    # (hex(2):00,00 exports as hex(2):00,00,00,00), so string kinds compare as the text they
    # hold up to the terminator.
    if d["kind"] in (2, 7):
        return ("str", d["kind"], raw.decode("utf-16-le", errors="replace").rstrip("\0"))
    # R2: a 4-byte hex(4) is a REG_DWORD, which regedit exports as dword:.
    if d["kind"] == 4 and len(raw) == 4:
        return ("dword", int.from_bytes(raw, "little"))
    return ("hex", d["kind"], raw.hex())


def parse_export(path):
    data = open(path, "rb").read()
    text = data.decode("utf-16") if data[:2] == b"\xff\xfe" else data.decode("utf-8", "replace")
    lines, cur = [], ""
    for line in text.splitlines():
        if cur:
            line = line.lstrip()
        if line.endswith("\\"):
            cur += line[:-1]
            continue
        lines.append(cur + line)
        cur = ""
    keys, vals = {}, None
    for line in lines:
        if line.startswith("["):
            vals = keys.setdefault(line[1 : line.rindex("]")].lower(), {})
            continue
        if vals is None or not line or line[0] not in '"@':
            continue
        if line[0] == "@":
            name, rest = "@", line[2:]
        else:
            i, name = 1, ""
            while line[i] != '"':
                if line[i] == "\\":
                    i += 1
                name += line[i]
                i += 1
            rest = line[i + 2 :]
        if rest.startswith('"'):
            s = rest[1 : rest.rindex('"')].replace('\\"', '"').replace("\\\\", "\\")
            vals[name.lower()] = ("sz", s)
        elif rest.startswith("dword:"):
            vals[name.lower()] = ("dword", int(rest[6:], 16))
        elif rest.startswith("hex"):
            kind = 3
            if rest.startswith("hex("):
                kind = int(rest[4 : rest.index(")")], 16)
            body = rest[rest.index(":") + 1 :]
            vals[name.lower()] = normalise({"type": "hex", "kind": kind, "value": body})
    return keys


def root(model):
    paths = [k["path"].split("\\") for k in model["reg_keys"]]
    common = paths[0]
    for p in paths[1:]:
        n = 0
        while n < min(len(common), len(p)) and common[n].lower() == p[n].lower():
            n += 1
        common = common[:n]
    return "\\".join(common)


if sys.argv[1] == "--root":
    print(root(json.load(open(sys.argv[2]))))
    sys.exit(0)

model = json.load(open(sys.argv[1]))
want = final_state(model)
got = parse_export(sys.argv[2])
problems = []
known = []
for path, vals in sorted(want.items()):
    if path not in got:
        problems.append(f"key missing after import: {path}")
        continue
    for name in sorted(set(vals) | set(got[path])):
        a, b = vals.get(name), got[path].get(name)
        if a != b:
            problems.append(f"{path.rsplit(chr(92), 1)[-1]}\\{name}: clientlint {a!r}, regedit {b!r}")
# R3: keys the file deletes (or never names) may exist as empty parents in the export;
# only keys that hold values must be ones clientlint knows.
for path, vals in sorted(got.items()):
    if vals and path not in want:
        problems.append(f"regedit has values clientlint does not: {path} {sorted(vals)}")
for p in known + problems:
    print("  " + p)
sys.exit(1 if problems else 0)
