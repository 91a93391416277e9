#!/usr/bin/env python3
"""Extract Wine regedit import cases from programs/regedit/tests/regedit.c into JSON.

Usage: extract_regedit.py path/to/regedit.c > regedit_cases.json (the file at the
commit below, 171616 chars). Only test data and the assertions the test makes are kept."""
import json, re, sys

SRC = sys.argv[1] if len(sys.argv) > 1 else "regedit.c"
COMMIT = "cd3ebad1ae926d72dec239f120a6f8ffa8ba35e3"
SOURCE = f"wine-mirror/wine/programs/regedit/tests/regedit.c@{COMMIT}"
KEY_BASE = "Software\\Wine\\regedit_test"

text = open(SRC).read()
lines_start = [0]
for i, ch in enumerate(text):
    if ch == "\n":
        lines_start.append(i + 1)

def line_of(off):
    import bisect
    return bisect.bisect_right(lines_start, off)

def parse_c_string(s, i):
    """s[i] == '"'. Returns (bytes, index after closing quote)."""
    assert s[i] == '"'
    i += 1
    out = bytearray()
    while True:
        c = s[i]
        if c == '"':
            return bytes(out), i + 1
        if c == "\\":
            e = s[i + 1]
            i += 2
            simple = {"n": 10, "r": 13, "t": 9, "\\": 92, '"': 34, "'": 39, "a": 7, "b": 8, "f": 12, "v": 11}
            if e in simple:
                out.append(simple[e])
            elif e == "x":
                j = i
                while j < len(s) and s[j] in "0123456789abcdefABCDEF":
                    j += 1
                out.append(int(s[i:j], 16) & 0xFF)
                i = j
            elif e in "01234567":
                j = i - 1
                k = j
                while k < len(s) and k < j + 3 and s[k] in "01234567":
                    k += 1
                out.append(int(s[j:k], 8))
                i = k
            else:
                raise ValueError(f"escape {e!r} at {i}")
        else:
            out += c.encode("utf-8")
            i += 1

def split_args(s, i):
    """s[i] == '('. Returns (list of raw arg strings, index after ')')."""
    assert s[i] == "("
    depth, j, args, cur = 1, i + 1, [], ""
    while True:
        c = s[j]
        if c == '"':
            _, k = parse_c_string(s, j)
            cur += s[j:k]
            j = k
            continue
        if c == "'":
            k = j + 1
            while s[k] != "'":
                k += 2 if s[k] == "\\" else 1
            cur += s[j:k + 1]
            j = k + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(cur.strip())
                return args, j + 1
        elif c == "," and depth == 1:
            args.append(cur.strip())
            cur = ""
            j += 1
            continue
        cur += c
        j += 1

def eval_str_expr(a):
    """Concatenation of string literals and KEY_BASE. Returns bytes or None for NULL."""
    a = a.strip()
    if a == "NULL":
        return None
    out = bytearray()
    i = 0
    while i < len(a):
        if a[i].isspace():
            i += 1
        elif a[i] == '"':
            b, i = parse_c_string(a, i)
            out += b
        elif a.startswith("KEY_BASE", i):
            out += KEY_BASE.encode()
            i += len("KEY_BASE")
        else:
            raise ValueError("bad string expr: " + a)
    return bytes(out)

TYPES = {"REG_NONE": 0, "REG_SZ": 1, "REG_EXPAND_SZ": 2, "REG_BINARY": 3, "REG_DWORD": 4, "REG_MULTI_SZ": 7}
TYPE_NAMES = {v: k for k, v in TYPES.items()}

def type_name(t):
    return TYPE_NAMES.get(t, "hex(%x)" % t)

def parse_type(a):
    a = a.strip()
    return TYPES[a] if a in TYPES else int(a, 0)

# Functions
funcs = [(m.group(1), m.start()) for m in re.finditer(r"^static void (test_\w+)\(void\)\n\{", text, re.M)]
funcs.append(("END", len(text)))

cases = []
for (fname, fstart), (_, fend) in zip(funcs, funcs[1:]):
    body = text[fstart:fend]
    root = "HKEY_CLASSES_ROOT" if fname.endswith("_31") else "HKEY_CURRENT_USER"
    env = {"hkey": root + "\\" + KEY_BASE}
    vars_ = {"dword": None, "dword64": None, "hex": [0] * 8,
             "exp_binary": bytes([0xAA, 0xBB, 0xCC, 0x11])}
    # initial declarations
    m = re.search(r"DWORD dword = (0x[0-9a-fA-F]+)", body)
    if m:
        vars_["dword"] = int(m.group(1), 16)
    m = re.search(r"BYTE hex\[4\] = \{([^}]*)\}", body)
    if m:
        vars_["hex"] = [int(x, 16) for x in m.group(1).split(",")]
        vars_["hexlen"] = 4
    else:
        vars_["hexlen"] = 8
    current = None
    pos = 0
    token_re = re.compile(
        r"(exec_import_w?str|verify_reg_nonexist|verify_reg|verify_key_nonexist|verify_key|open_key|RegQueryValueExA|memcpy)\s*(?=\()"
        r"|\bdword(64)? = (0x[0-9a-fA-F]+|\d+);"
        r"|hex\[(\d)\] = (0x[0-9a-fA-F]+);")
    for m in token_re.finditer(body):
        if m.group(1) is None:
            if m.group(3) is not None and m.group(0).startswith("dword"):
                vars_["dword64" if m.group(2) else "dword"] = int(m.group(3), 0)
            else:
                vars_["hex"][int(m.group(4))] = int(m.group(5), 16)
            continue
        name = m.group(1)
        args, end = split_args(body, m.end())
        abs_line = line_of(fstart + m.start())
        if name.startswith("exec_import"):
            data = eval_str_expr(args[0])
            unicode = name == "exec_import_wstr"
            current = {
                "id": f"{fname}:{abs_line}",
                "source": SOURCE,
                "input": data.decode("utf-8"),
                "unicode": unicode,
                "expect": {"values": [], "absent": [], "keys_created": [], "keys_not_created": [],
                           "keys_deleted": [], "keys_not_deleted": [], "values_deleted": [],
                           "values_kept": []},
                "_asserts": [],
            }
            cases.append(current)
            continue
        if current is None:
            continue
        cur_exp = current["expect"]
        def keypath(k):
            return env[k]
        if name == "open_key":
            base, path = args[0], args[1]
            if base == "HKEY_CURRENT_USER":
                full = "HKEY_CURRENT_USER\\" + eval_str_expr(path).decode()
            else:
                full = keypath(base) + "\\" + eval_str_expr(path).decode()
            target = args[3].lstrip("&")
            env[target] = full
            if not current["_asserts"] or True:
                cur_exp["keys_created"].append(full)
            current["_asserts"].append(abs_line)
        elif name in ("verify_key", "verify_key_nonexist"):
            full = keypath(args[0]) + "\\" + eval_str_expr(args[1]).decode()
            leaf = eval_str_expr(args[1]).decode().rstrip("\\").lower()
            deleting = any(re.match(r"\s*\[[ \t]*-", l) and leaf in l.lower()
                           for l in current["input"].splitlines())
            if name == "verify_key":
                cur_exp["keys_not_deleted" if deleting else "keys_created"].append(full)
            else:
                cur_exp["keys_deleted" if deleting else "keys_not_created"].append(full)
            current["_asserts"].append(abs_line)
        elif name == "verify_reg_nonexist":
            vname = eval_str_expr(args[1])
            vname = "" if vname is None else vname.decode()
            deleting = fname.startswith("test_value_deletion") and re.search(
                r'"' + re.escape(vname) + r'"=[ \t]*-', current["input"])
            (cur_exp["values_deleted"] if deleting else cur_exp["absent"]).append(
                {"key": keypath(args[0]), "name": vname})
            current["_asserts"].append(abs_line)
        elif name == "verify_reg":
            k, v, t, d, s, todo = args
            assert todo == "0", (current["id"], todo)
            vname = eval_str_expr(v)
            vname = "" if vname is None else vname.decode()
            t = parse_type(t)
            sizes = {"sizeof(dword)": 4, "sizeof(DWORD)": 4, "sizeof(dword64)": 8,
                     "sizeof(hex)": vars_["hexlen"], "sizeof(exp_binary)": 4}
            size = sizes[s] if s in sizes else int(s)
            if d == "NULL":
                raw = b""
            elif d == "&dword":
                raw = vars_["dword"].to_bytes(4, "little")
            elif d == "&dword64":
                raw = vars_["dword64"].to_bytes(8, "little")
            elif d == "hex":
                raw = bytes(vars_["hex"])
            elif d == "exp_binary":
                raw = vars_["exp_binary"]
            else:
                raw = eval_str_expr(d) + b"\0"
            raw = raw[:size] if d != "NULL" else b""
            assert d == "NULL" or len(raw) == size, (current["id"], vname, raw, size)
            entry = {"key": keypath(k), "name": vname, "type": type_name(t)}
            if t in (1, 2, 7):
                entry["data"] = raw.decode("latin-1")
            elif t == 4 and size == 4:
                entry["data"] = int.from_bytes(raw, "little")
            else:
                entry["data"] = raw.hex()
            kept = fname.startswith("test_value_deletion") and re.search(
                r'"' + re.escape(vname) + r'"=[ \t]*-', current["input"])
            (cur_exp["values_kept"] if kept else cur_exp["values"]).append(entry)
            current["_asserts"].append(abs_line)
        elif name == "RegQueryValueExA":
            # The hand-written checks for Wine11d/e and Wine18d/e: type, size (Win2k's
            # broken() size aside) and memcmp data. Read the three ok() lines after it.
            vname = eval_str_expr(args[1]).decode()
            rest = body[end:end + 600]
            tm = re.search(r"ok\(type == (\w+),", rest)
            sm = re.search(r"ok\(size == (\d+) \|\| broken", rest)
            dm = re.search(r"ok\(memcmp\(buffer, (\"[^\"]*\"), size\)", rest)
            t = TYPES[tm.group(1)]
            size = int(sm.group(1))
            raw = (eval_str_expr(dm.group(1)) + b"\0")[:size]
            assert len(raw) == size
            cur_exp["values"].append({"key": keypath(args[0]), "name": vname,
                                      "type": type_name(t), "data": raw.decode("latin-1"),
                                      "note": "checked by hand in the test; Win2k's broken() size %d not kept" % (size - 1)})
            current["_asserts"].append(abs_line)
        elif name == "memcpy":
            if args[0] == "hex":
                b = eval_str_expr(args[1])
                for i in range(int(args[2])):
                    vars_["hex"][i] = b[i]

# import_ok from the peer's header rule (regproc.c parse_file_header/header_state).
def header_ok(case):
    t = case["input"]
    if t.startswith("\ufeff"):
        t = t[1:]
    first = re.split(r"\r\n|\r|\n", t, maxsplit=1)[0]
    first = first.lstrip(" \t")
    return first in ("REGEDIT", "REGEDIT4", "Windows Registry Editor Version 5.00")

out = []
for c in cases:
    asserts = c.pop("_asserts")
    for k in ("keys_created", "keys_not_created", "keys_deleted", "keys_not_deleted"):
        seen = []
        for x in c["expect"][k]:
            if x not in seen:
                seen.append(x)
        c["expect"][k] = seen
    c["expect"] = {k: v for k, v in c["expect"].items() if v}
    c["expect"]["import_ok"] = header_ok(c)
    c["asserts_at"] = asserts
    c["todo_wine"] = False
    out.append(c)

json.dump(out, sys.stdout, indent=1, ensure_ascii=True)
print(file=sys.stderr, end="")
sys.stderr.write(f"{len(out)} cases\n")
