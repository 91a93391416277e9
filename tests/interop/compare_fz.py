#!/usr/bin/env python3
"""Compares clientlint's model of a FileZilla settings dir (dump_model JSON) with what FileZilla
did with it (fz_oracle.sh OUTDIR with SITEMANAGER=1). usage: compare_fz.py MODEL.json FZ_OUT MODE ORIG
Checks (issue 9):
 1. FileZilla shows "Error loading xml file" exactly when clientlint reports an XML syntax error
    in a file FileZilla loads here (filezilla.xml at start-up, sitemanager.xml in the Site Manager).
 2. FileZilla does not rewrite away the values: every <Setting> of filezilla.xml (first of
    duplicates) has the same value in after/, and every kept site the same Host, Port, Protocol,
    Logontype, User and MaximumMultipleConnections. Values, not bytes (normalisations FZ1-FZ4).
 3. The sites FileZilla writes back after a Site Manager OK are exactly the sites clientlint
    models (usage OnDemand): a site clientlint says FileZilla drops is absent.
Normalisations:
 FZ1 FileZilla re-serialises (pugixml: tabs, `<?xml version="1.0"?>`, its own version attribute,
     self-closed empty elements, fields in its own order): parsed values are compared, trimmed.
 FZ2 it appends every option the file lacks with its default: only settings the input names count.
 FZ3 it drops later duplicates of a <Setting> (the first one wins, as clientlint models it).
 FZ4 it omits MaximumMultipleConnections (and TimezoneOffset) when 0: absent == 0.
 FZ6 it updates its own UI state on every run (Greeting version, window and Site Manager
     positions, last selected site, ...): those settings (UI_STATE) are not compared.
 FZ7 pugixml skips a DOCTYPE and does not expand the entities it declares (it keeps `&t;` as
     text, as clientlint models it): Python's parser is given the text without the DOCTYPE and
     with undeclared entity references escaped.
 FZ5 a sitemanager.xml from a newer version makes it ask "Detected newer version of FileZilla";
     the harness answers (Return) and FileZilla goes on loading it.
"""
import json, os, sys
import xml.etree.ElementTree as ET

model = json.load(open(sys.argv[1])); fz = sys.argv[2]; mode = sys.argv[3]; orig = sys.argv[4]
before = os.path.join(fz, "before"); after = os.path.join(fz, "after")
dialogs = open(os.path.join(fz, "dialogs.txt")).read().splitlines()
problems = []

UI_STATE = {"Greeting version", "Greeting resources", "Window position and size",
            "Site Manager position", "Sitemanager last selected", "Last Server Path",
            "Splitter positions (v2)", "Show message log", "Show queue", "Show local tree",
            "Show remote tree", "Prompt password save", "Tab data", "Settings dialog size",
            "Local filelist sortorder", "Remote filelist sortorder", "Local filelist colwidths",
            "Remote filelist colwidths", "Queue columns", "Last locale"}

def load(path):
    import re
    try:
        t = open(path, "rb").read().decode("utf-8-sig")
        t = re.sub(r"<!DOCTYPE(?:[^\[>]|\[[^\]]*\])*>", "", t)  # FZ7
        t = re.sub(r"&(?!(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9A-Fa-f]+);)", "&amp;", t)
        t = re.sub(r"^\s*<\?xml[^>]*\?>", "", t)
        return ET.fromstring(t)
    except (ET.ParseError, FileNotFoundError, UnicodeDecodeError) as e:
        problems.append(f"{path}: the comparison could not parse it: {e}")
        return None

def text(el):
    return (el.text or "").strip() if el is not None else None

# 1. error dialog <=> syntax error in a loaded file
loaded = {"filezilla.xml", "sitemanager.xml"}
errs = [f for f in model.get("fz_files", []) if f["syntax_error"] and f["name"] in loaded]
shown = "Error loading xml file" in dialogs
if shown != bool(errs):
    problems.append("error dialog %s, clientlint syntax errors in loaded files: %s" %
                    ("shown" if shown else "not shown", [(f["name"], f["syntax_error"]) for f in errs] or "none"))
bad = {f["name"] for f in errs}
if "no clean exit" in dialogs:
    problems.append("FileZilla did not exit on Ctrl+Q")
if bad:
    # Rejected files: FileZilla runs on defaults and must leave them untouched.
    for n in bad:
        b, a = os.path.join(before, n), os.path.join(after, n)
        if open(b, "rb").read() != open(a, "rb").read():
            problems.append(f"{n}: FileZilla changed a file it rejected")

# 2a. settings values kept
if "filezilla.xml" not in bad and os.path.exists(os.path.join(before, "filezilla.xml")):
    rb, ra = load(os.path.join(before, "filezilla.xml")), load(os.path.join(after, "filezilla.xml"))
    if rb is not None and ra is not None:
        def settings(root):
            out = {}
            for s in root.iter("Setting"):
                if len(s) == 0:  # XML-typed options (Tab data) are not compared
                    out.setdefault(s.get("name"), text(s))
            return out
        sb, sa = settings(rb), settings(ra)
        for k, v in sb.items():
            if k not in UI_STATE and sa.get(k) != v:
                problems.append(f"filezilla.xml: Setting {k!r} was {v!r}, FileZilla left {sa.get(k)!r}")

def bad_crypt(server):
    """FZD1: a `crypt` password whose pubkey is not a 64-byte libfilezilla public key: FileZilla
    clears the password and sets the logon type to ask (reference §4.4); clientlint reports it as
    invalid-value and stores no password for the site."""
    import base64, binascii
    p = server.find("Pass")
    if p is None or p.get("encoding") != "crypt":
        return False
    try:
        return len(base64.b64decode(p.get("pubkey", "") + "==")) != 64
    except (binascii.Error, ValueError):
        return True

# 3. kept sites == clientlint's sites; 2b. their values kept
def sites(root):
    out = {}
    def walk(el, prefix):
        for c in el:
            if c.tag == "Server":
                n = c.find("Name")
                name = text(n) if n is not None and text(n) else \
                    "".join([c.text or ""] + [x.tail or "" for x in c]).strip()
                out.setdefault(prefix + name, c)
            elif c.tag == "Folder":
                fname = (c.text or "").strip()
                if fname:
                    walk(c, prefix + fname + "/")
    for s in root.iter("Servers"):
        walk(s, "")
        break
    return out

if os.path.exists(os.path.join(before, "sitemanager.xml")) and "sitemanager.xml" not in bad:
    if "(site manager saved)" not in dialogs:
        problems.append("the Site Manager did not open/save: " + "|".join(dialogs))
    else:
        rb, ra = load(os.path.join(before, "sitemanager.xml")), load(os.path.join(after, "sitemanager.xml"))
        kept = sites(ra) if ra is not None else {}
        ours = {s["key"]: s for s in model["servers"] if s.get("usage") == "OnDemand"}
        for k in sorted(set(ours) - set(kept)):
            problems.append(f"site {k!r}: clientlint keeps it, FileZilla dropped it")
        for k in sorted(set(kept) - set(ours)):
            problems.append(f"site {k!r}: clientlint says FileZilla drops it, FileZilla kept it")
        orig_sites = sites(rb) if rb is not None else {}
        for k in sorted(set(kept) & set(orig_sites)):
            for field in ["Host", "Port", "Protocol", "Logontype", "User", "MaximumMultipleConnections"]:
                vb, va = text(orig_sites[k].find(field)), text(kept[k].find(field))
                if field == "MaximumMultipleConnections":  # FZ4
                    vb, va = vb or "0", va or "0"
                if field == "Logontype" and vb != va and va == "2" and bad_crypt(orig_sites[k]):
                    print(f"known FZD1: site {k!r}: crypt password with an unusable pubkey, FileZilla set Logontype {vb} -> 2 (ask)")
                    continue
                if vb != va:
                    problems.append(f"site {k!r}: {field} was {vb!r}, FileZilla left {va!r}")
            m = ours.get(k)
            if m and (m["host"] != text(kept[k].find("Host"))):
                problems.append(f"site {k!r}: clientlint host {m['host']!r}, FileZilla {text(kept[k].find('Host'))!r}")

# fix mode: the values clientlint changed are the ones compared above; name them for the log
if mode == "fix":
    changed = []
    for n in sorted(os.listdir(orig)):
        a, b = os.path.join(orig, n), os.path.join(before, n)
        if os.path.isfile(a) and os.path.isfile(b) and open(a, "rb").read() != open(b, "rb").read():
            changed.append(n)
    print("fixed: " + (", ".join(changed) or "nothing"))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
