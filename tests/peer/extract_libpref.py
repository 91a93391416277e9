#!/usr/bin/env python3
"""Build tests/peer/libpref_cases.json from Gecko's libpref tests.

Usage: extract_libpref.py path/to/Parser.cpp > libpref_cases.json

Parser.cpp (the error cases) is read from the file given; the cases of test_parser.js
(with data/testParser.js) and test_parsePrefs.js (with data/testPref*.js) are written out
below by hand from the files at the commits named in SOURCES, because the stored copies of
those data files lost their control characters (see NOTES)."""
import base64, json, re, sys

PARSER_SRC = "shtrom/firefox/modules/libpref/test/gtest/Parser.cpp@f1dd4fc5024306eb74d640c545d1e3a17125fa58"
FLOORP = "Floorp-Projects/Floorp/modules/libpref/test/unit/"
SOURCES = {
    "test_parser.js": FLOORP + "test_parser.js@038a72de3b1ecfdae2a5a106974e4a9b9eb0f491",
    "data/testParser.js": FLOORP + "data/testParser.js@d7b8a4493e75879f81d6824dd30efd9ee084d82e",
    "test_parsePrefs.js": FLOORP + "test_parsePrefs.js@9107e1fcb7d9432caf8f99071a8f078112b22ab2",
    "data/testPrefSticky.js": FLOORP + "data/testPrefSticky.js@3159e9000ca368c89605a712efb8136e4f708512",
    "data/testPrefStickyUser.js": FLOORP + "data/testPrefStickyUser.js@33cc9e0331da8d9ff3750f1e68d72d61201176cb",
    "data/testPrefLocked.js": FLOORP + "data/testPrefLocked.js@ec182c2fec746cdace77f3c347267967587529b3",
    "data/testPrefLockedUser.js": FLOORP + "data/testPrefLockedUser.js@c566896688edb47e665337d17fe52feaaa6fdc0a",
    "data/testPref.js": FLOORP + "data/testPref.js@066987c4cdd8c526845d928a86f2bb95fb638bac",
    "data/testPrefUTF8.js": FLOORP + "data/testPrefUTF8.js@2276ef9514e491da780a225f39afc252e0eb3c1e",
}


def c_literal(s, i):
    """A C++ string literal (plain or raw R"(...)") at s[i]; returns (bytes, end)."""
    if s.startswith('R"(', i):
        end = s.index(')"', i + 3)
        return s[i + 3:end].encode("utf-8"), end + 2
    assert s[i] == '"', s[i:i + 20]
    i += 1
    out = bytearray()
    simple = {"n": 10, "r": 13, "t": 9, "v": 11, "f": 12, "\\": 92, '"': 34, "'": 39}
    while s[i] != '"':
        if s[i] == "\\":
            e = s[i + 1]
            if e in simple:
                out.append(simple[e])
                i += 2
            else:
                raise ValueError("escape " + e)
        else:
            out += s[i].encode("utf-8")
            i += 1
    return bytes(out), i + 1


def literals(s, i):
    """Adjacent literals from s[i] up to a ',' or ')' at depth 0."""
    out = b""
    while True:
        while s[i] in " \n\t":
            i += 1
        if s[i] == '"' or s.startswith('R"(', i):
            b, i = c_literal(s, i)
            out += b
        else:
            return out, i


def input_fields(data):
    try:
        return {"input": data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"input_base64": base64.b64encode(data).decode()}


def parser_cpp(path):
    text = open(path, encoding="utf-8").read()
    cases = []
    for m in re.finditer(r"^  (DEFAULT|USER)\(", text, re.M):
        line = text.count("\n", 0, m.start()) + 1
        data, i = literals(text, m.end())
        assert text[i] == ",", (line, text[i:i + 30])
        expected, i = literals(text, i + 1)
        assert text[i] == ")", (line, text[i:i + 30])
        errors = []
        for e in re.finditer(r"^test:(\d+): prefs parse error: (.*)$", expected.decode(), re.M):
            errors.append({"line": int(e.group(1)), "message": e.group(2)})
        case = {
            "id": f"Parser.cpp:{line}",
            "source": PARSER_SRC,
            "kind": "default" if m.group(1) == "DEFAULT" else "user",
        }
        case.update(input_fields(data))
        case["expect"] = {"errors": errors}
        case["asserts"] = "errors only (TestParseError compares the error messages); prefs are not asserted"
        cases.append(case)
    return cases


def bytes_value(b):
    try:
        return {"value": b.decode("utf-8")}
    except UnicodeDecodeError:
        return {"value_base64": base64.b64encode(b).decode()}


def latin1(s):
    return s.encode("latin-1")


def pref(name, typ, value, **extra):
    d = {"name": name, "type": typ}
    if typ == "string":
        d.update(bytes_value(value if isinstance(value, bytes) else value.encode("utf-8")))
    else:
        d["value"] = value
    d.update(extra)
    return d


# data/testParser.js as stored, with the control characters the store dropped put back
# (NOTES explains each).
TEST_PARSER_JS = (
    "// Note: this file tests only valid syntax (of default pref files, not user\n"
    "// pref files). See modules/libpref/test/gtest/Parser.cpp for tests of invalid\n"
    "// syntax.\n\n#\n# comment\n    # comment \u00a3\n//\n// comment\n        // comment \u00a3\n"
    "/**/\n   /* comment \u00a3 */\n/* comment\n * and\nsome\n   # more\n   // comment */\n"
    "// comment /*\n# comment /*\n/* /* /* /* /* ...no nesting of C-style comments... */\n\n"
    "// The following four lines have whitespace: \\t, \\v, \\f, \\r\n"
    "\t\n\v\n\f\n\r\n\n"
    "// This comment has the same whitespace: \t\v\f\r\n"
    "# This comment has other stuff: \\n \\r \\t \\v \\f \\r \\a \\b \\? \\' \\\" \\\\ \\@\n"
    "/* This comment has more stuff: \\x61 \\u0061 \\u1234 \\uXYZ */\n\n"
    "/*0*/ pref /*1*/ ( /*2*/ \"comment1\" /*3*/ , /*4*/ true /*5*/ ) /*6*/ ; /*7*/\n\n"
    "pref # foo\n( // foo\n\"comment2\" /*\nfoo\n*/,/*foo*/\ntrue#foo\n)//\n; /*7*/\n\n"
    "pref\n    (\n     \"spaced-out\"\n                 ,\n                   true\n"
    "                       )\n                        ;\n\n"
    "pref(\"pref\", true);\nsticky_pref(\"sticky_pref\", true);\nuser_pref(\"user_pref\", true);\n"
    "pref(\"sticky_pref2\", true, sticky);\npref(\"locked_pref\", true, locked);\n"
    "pref(\"locked_sticky_pref\", true, locked, sticky,sticky,\n     locked, locked, locked);\n\n"
    "pref(\"bool.true\", true);\npref(\"bool.false\", false);\n\n"
    "pref(\"int.0\", 0);\npref(\"int.1\", 1);\npref(\"int.123\", 123);\npref(\"int.+234\", +234);\n"
    "pref(\"int.+  345\", +  345);\n// Note that both the prefname and value have tabs in them\n"
    "pref(\"int.-0\", -0);\npref(\"int.-1\", -1);\n"
    "pref(\"int.- /* hmm */\t456\", - /* hmm */\t456);\npref(\"int.-\\n567\", -\n567);\n"
    "pref(\"int.INT_MAX-1\",  2147483646);\npref(\"int.INT_MAX\",    2147483647);\n"
    "pref(\"int.INT_MIN+2\", -2147483646);\npref(\"int.INT_MIN+1\", -2147483647);\n"
    "pref(\"int.INT_MIN\",   -2147483648);\n"
    "//pref(\"int.overflow.max\", 2147483648);           // overflows to -2147483648\n"
    "//pref(\"int.overflow.min\", -2147483649);          // overflows to 2147483647\n"
    "//pref(\"int.overflow.other\", 4000000000);         // overflows to -294967296\n"
    "//pref(\"int.overflow.another\", 5000000000000000); // overflows to 937459712\n\n"
    "pref(\"string.empty\", \"\");\npref(\"string.abc\", \"abc\");\n"
    "pref(\"string.long\", \"" + "x" * 512 + "\");\n"
    "pref('string.single-quotes', '\"abc\"');\npref(\"string.double-quotes\", \"'abc'\");\n"
    "pref(\"string.weird-chars\", \"\r \t \v \f \x06 \x16\");\n"
    "pref(\"string.escapes\", \"\\\" \\' \\\\ \\n \\r\");\n"
    "pref(\"string.x-escapes1\", \"Mozilla0\\x4d\\x6F\\x7a\\x69\\x6c\\x6C\\x610\");\n"
    "pref(\"string.x-escapes2\", \"A\\x41 A_umlaut\\xc4 y_umlaut\\xff\");\n"
    "pref(\"string.u-escapes1\", \"A\\u0041 A_umlaut\\u00c4 y_umlaut\\u00ff0\");\n"
    "pref(\"string.u-escapes2\", \"S_acute\\u015a y_grave\\u1Ef3\");\n"
    "// CYCLONE is 0x1f300, GRINNING FACE is 0x1f600. We have to represent them via\n"
    "// surrogate pairs.\npref(\"string.u-surrogates\",\n"
    "    \"cyclone\\uD83C\\uDF00 grinning_face\\uD83D\\uDE00\");\n\n"
)

NOTES_TEST_PARSER = (
    "The stored copy of data/testParser.js has no control characters. Put back, from what "
    "the file and test_parser.js say: the four whitespace lines after '// The following four "
    "lines have whitespace: \\t, \\v, \\f, \\r' are TAB, VT, FF and CR (the stored copy has the "
    "TAB and four line feeds); '// This comment has the same whitespace:' ends TAB VT FF CR "
    "(stored: TAB); string.weird-chars is CR SP TAB SP VT SP FF SP 0x06 SP 0x16, which is "
    "exactly the value test_parser.js asserts (stored: SP TAB SP SP SP SP). The three \u00a3 in "
    "comments are stored as UTF-8 here; the original encoding is not known. None of these "
    "bytes is in a pref value except string.weird-chars."
)


def test_parser_js():
    p = []
    for n in ("comment1", "comment2", "spaced-out", "pref", "sticky_pref", "user_pref",
              "sticky_pref2", "locked_pref", "locked_sticky_pref"):
        p.append(pref(n, "bool", True))
    for q in p:
        if q["name"] in ("locked_pref", "locked_sticky_pref"):
            q["locked"] = True
    p.append(pref("bool.true", "bool", True))
    p.append(pref("bool.false", "bool", False))
    for n, v in (("int.0", 0), ("int.1", 1), ("int.123", 123), ("int.+234", 234),
                 ("int.+  345", 345), ("int.-0", 0), ("int.-1", -1),
                 ("int.- /* hmm */\t456", -456), ("int.-\n567", -567),
                 ("int.INT_MAX-1", 2147483646), ("int.INT_MAX", 2147483647),
                 ("int.INT_MIN+2", -2147483646), ("int.INT_MIN+1", -2147483647),
                 ("int.INT_MIN", -2147483648)):
        p.append(pref(n, "int", v))
    # getCharPref returns the stored bytes one per char (Latin-1), getStringPref decodes UTF-8.
    for n, v in (("string.empty", ""), ("string.abc", "abc"), ("string.long", "x" * 512),
                 ("string.single-quotes", '"abc"'), ("string.double-quotes", "'abc'"),
                 ("string.weird-chars", "\x0d \x09 \x0b \x0c \x06 \x16"),
                 ("string.escapes", "\" ' \\ \n \r"),
                 ("string.x-escapes1", "Mozilla0\x4d\x6F\x7a\x69\x6c\x6C\x610"),
                 ("string.x-escapes2", "AA A_umlaut\xc4 y_umlaut\xff"),
                 ("string.u-escapes1", "A\x41 A_umlaut\xc3\x84 y_umlaut\xc3\xbf0"),
                 ("string.u-escapes2", "S_acute\xc5\x9a y_grave\xe1\xbb\xb3"),
                 ("string.u-surrogates", "cyclone\xF0\x9F\x8C\x80 grinning_face\xF0\x9F\x98\x80")):
        p.append(pref(n, "string", latin1(v)))
    case = {
        "id": "test_parser.js:run_test",
        "source": SOURCES["test_parser.js"] + " with " + SOURCES["data/testParser.js"],
        "kind": "default",
    }
    case.update(input_fields(TEST_PARSER_JS.encode("utf-8")))
    case["expect"] = {"prefs": p}
    case["asserts"] = ("readDefaultPrefsFromFile, then the effective value of each pref "
                       "(getBoolPref/getIntPref/getCharPref) and prefIsLocked for two; errors "
                       "and branches are not asserted")
    case["notes"] = NOTES_TEST_PARSER
    return [case]


def test_parse_prefs_js():
    files = {
        "data/testPrefSticky.js": (b'pref("testPref.unsticky.bool", true);\nsticky_pref("testPref.sticky.bool", false);\n',
            [("bool", "Default", "testPref.unsticky.bool", True, False, False),
             ("bool", "Default", "testPref.sticky.bool", False, True, False)]),
        "data/testPrefStickyUser.js": (b"// testPrefSticky.js defined this pref as sticky. Once a sticky\n// pref has been changed, it's written as a user_pref().\n// So this test file reflects that scenario.\n// Note the default in testPrefSticky.js is also false.\nuser_pref(\"testPref.sticky.bool\", false);\n",
            [("bool", "User", "testPref.sticky.bool", False, False, False)]),
        "data/testPrefLocked.js": (b'pref("testPref.unlocked.int", 333);\npref("testPref.locked.int", 444, locked);\n',
            [("int", "Default", "testPref.unlocked.int", 333, False, False),
             ("int", "Default", "testPref.locked.int", 444, False, True)]),
        "data/testPrefLockedUser.js": (b"// testPrefLocked.js defined this pref as a locked pref.\n// Changing a locked pref has no effect.\nuser_pref(\"testPref.locked.int\", 555);\n",
            [("int", "User", "testPref.locked.int", 555, False, False)]),
        # ISO-8859-1 on disk (test_parsePrefs.js says so); no final newline (218 chars).
        "data/testPref.js": ('user_pref("testPref.bool1", true);\nuser_pref("testPref.bool2", false);\nuser_pref("testPref.int1", 23);\nuser_pref("testPref.int2", -1236);\nuser_pref("testPref.char1", "_testPref");\nuser_pref("testPref.char2", "\u00e4lskar");').encode("latin-1"),
        # The same as UTF-8, with a final newline (219 chars).
        "data/testPrefUTF8.js": ('user_pref("testPref.bool1", true);\nuser_pref("testPref.bool2", false);\nuser_pref("testPref.int1", 23);\nuser_pref("testPref.int2", -1236);\nuser_pref("testPref.char1", "_testPref");\nuser_pref("testPref.char2", "\u00e4lskar");\n').encode("utf-8"),
    }
    common = [("bool", "User", "testPref.bool1", True, False, False),
              ("bool", "User", "testPref.bool2", False, False, False),
              ("int", "User", "testPref.int1", 23, False, False),
              ("int", "User", "testPref.int2", -1236, False, False),
              ("string", "User", "testPref.char1", "_testPref", False, False)]
    # The observer's string is the stored bytes one per char: "\u00e4lskar" is byte E4,
    # "\u00c3\u00a4lskar" the UTF-8 bytes C3 A4.
    files["data/testPref.js"] = (files["data/testPref.js"],
        common + [("string", "User", "testPref.char2", "\u00e4lskar", False, False)])
    files["data/testPrefUTF8.js"] = (files["data/testPrefUTF8.js"],
        common + [("string", "User", "testPref.char2", "\u00c3\u00a4lskar", False, False)])
    cases = []
    for path, (data, events) in files.items():
        prefs = []
        for typ, kind, name, value, sticky, locked in events:
            v = latin1(value) if typ == "string" else value
            prefs.append(pref(name, typ, v, branch=kind.lower(), sticky=sticky, locked=locked))
        case = {"id": f"test_parsePrefs.js:{path}",
                "source": SOURCES["test_parsePrefs.js"] + " with " + SOURCES[path],
                "kind": "default"}
        case.update(input_fields(data))
        case["expect"] = {"prefs": prefs, "errors": []}
        case["asserts"] = ("parsePrefsFromBuffer; the observer's full event list (prefs in "
                           "order with branch, sticky, locked; any error would be an event too)")
        cases.append(case)
    s = ('user_pref("testPref.bool1", true);\n  user_pref("testPref.bool2", false);\n'
         '  user_pref("testPref.int1", 23);\n  user_pref("testPref.int2", -1236);\n  ')
    prefs = [pref(n, t, v, branch="user", sticky=False, locked=False) for t, _, n, v, _, _ in common[:4]]
    case = {"id": "test_parsePrefs.js:test_exceptions",
            "source": SOURCES["test_parsePrefs.js"], "kind": "default", "input": s,
            "expect": {"prefs": prefs, "errors": []},
            "asserts": "4 pref callbacks with these arguments and no onError call"}
    cases.append(case)
    return cases


cases = parser_cpp(sys.argv[1]) + test_parser_js() + test_parse_prefs_js()
json.dump(cases, sys.stdout, indent=1, ensure_ascii=True)
sys.stdout.write("\n")
sys.stderr.write(f"{len(cases)} cases\n")
