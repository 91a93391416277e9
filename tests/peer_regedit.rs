//! Wine's own regedit import tests as an independent judge of the `.reg` reader (issue 17).
//!
//! `tests/peer/regedit_cases.json` holds every import case of Wine's
//! `programs/regedit/tests/regedit.c` (the commit is in each case's `source`): the exact text
//! fed to `regedit /s`, whether the test writes it as UTF-16 (`unicode`), and what the test
//! then asserts (values present with type and data, values absent, keys created or not, values
//! deleted or kept). None of these assertions is marked todo_wine, so Wine expects Windows to
//! behave the same way. `tests/peer/README.md` explains every disagreement and where in Wine's
//! source the behaviour is decided.
//!
//! This file runs the reader (`syntax::reg::parse`) on each case and compares what the reader
//! says is imported with what the test asserts. All 322 cases agree; `KNOWN_DISAGREEMENTS`
//! would hold a case that differs on purpose (none does), so any change fails the test: a new
//! disagreement, or a listed case that starts agreeing (remove it then).
//!
//! How the reader's output is read as "what is imported", and why:
//! - a file whose header the reader rejects (`version` is `None`) imports nothing: the reader's
//!   own message says Regedit refuses such a file;
//! - keys and values are applied in file order; `[-key]` deletes the key and its subkeys, and
//!   values listed under it go nowhere; `"name"=-` deletes the value;
//! - key paths compare case-insensitively with trailing `\` removed, and the value names `@`
//!   and `""` are both the default value: that is how the registry API the test calls treats
//!   them (the test opens `Subkey1e` and `Subkey1e\` as the same key, and reads the value
//!   written as `""=` through a NULL name);
//! - string data (`"text"`, `hex(1)`, `hex(2)`, `hex(7)`) is compared the way the test reads
//!   it, through `RegQueryValueExA`: Regedit adds a missing NUL terminator to non-empty
//!   `hex(1|2|7)` data and, in a UTF-16 file, stores those bytes as UTF-16 (Wine
//!   `programs/regedit/regproc.c`, `prepare_hex_string_data`), which the ANSI API returns
//!   one byte per character. Every other type is compared byte for byte (a 4-byte DWORD as a
//!   number).

use std::collections::BTreeMap;

use clientlint::source::SourceFile;
use clientlint::syntax::reg::{self, ParsedReg, RegData};
use serde_json::Value;

/// Cases that disagree, with their root causes (comma-separated when a case shows more than
/// one) as numbered in `tests/peer/README.md`. Every root cause R1–R9 is fixed, so the list is
/// empty: any disagreement is a regression. A case may only be listed here as a deliberate
/// difference documented in docs/interop.md ("Peer suites").
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[];

const CASES: &str = include_str!("peer/regedit_cases.json");

fn cases() -> Vec<Value> {
    match serde_json::from_str::<Value>(CASES) {
        Ok(Value::Array(cases)) => cases,
        other => panic!("tests/peer/regedit_cases.json is not a JSON array: {other:?}"),
    }
}

fn str_field<'a>(v: &'a Value, field: &str) -> &'a str {
    v.get(field)
        .and_then(Value::as_str)
        .unwrap_or_else(|| panic!("missing string field `{field}` in {v}"))
}

fn list<'a>(expect: &'a Value, field: &str) -> &'a [Value] {
    expect
        .get(field)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or(&[])
}

/// A key path as the registry compares it.
fn norm_key(path: &str) -> String {
    path.trim_end_matches('\\').to_ascii_lowercase()
}

fn norm_name(name: Option<&str>) -> String {
    name.unwrap_or("").to_ascii_lowercase()
}

fn is_under(path: &str, ancestor: &str) -> bool {
    path == ancestor
        || path
            .strip_prefix(ancestor)
            .map(|rest| rest.starts_with('\\'))
            .unwrap_or(false)
}

fn type_name(kind: u32) -> String {
    match kind {
        0 => "REG_NONE".to_owned(),
        1 => "REG_SZ".to_owned(),
        2 => "REG_EXPAND_SZ".to_owned(),
        3 => "REG_BINARY".to_owned(),
        4 => "REG_DWORD".to_owned(),
        7 => "REG_MULTI_SZ".to_owned(),
        n => format!("hex({n:x})"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The value as the test reads it: (type name, data in the JSON's form).
fn as_read(data: &RegData, utf16_file: bool) -> Option<(String, Value)> {
    match data {
        RegData::Delete => None,
        RegData::Sz(s) => Some(("REG_SZ".to_owned(), Value::from(format!("{s}\0")))),
        RegData::Dword(v) => Some(("REG_DWORD".to_owned(), Value::from(*v))),
        RegData::Hex { kind, bytes } => {
            let kind = *kind;
            let data = if matches!(kind, 1 | 2 | 7) {
                let text: String = if bytes.is_empty() {
                    String::new()
                } else if utf16_file {
                    let mut units: Vec<u16> = bytes
                        .chunks(2)
                        .map(|c| u16::from_le_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
                        .collect();
                    if units.last() != Some(&0) {
                        units.push(0);
                    }
                    units
                        .iter()
                        .map(|&u| {
                            char::from_u32(u32::from(u))
                                .filter(|c| (*c as u32) < 0x100)
                                .unwrap_or('?')
                        })
                        .collect()
                } else {
                    let mut b = bytes.clone();
                    if b.last() != Some(&0) {
                        b.push(0);
                    }
                    b.iter().map(|&c| char::from(c)).collect()
                };
                Value::from(text)
            } else if kind == 4 && bytes.len() == 4 {
                Value::from(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
            } else {
                Value::from(hex(bytes))
            };
            Some((type_name(kind), data))
        }
    }
}

/// What the reader says the file imports.
#[derive(Default)]
struct Imported {
    header_ok: bool,
    /// (key, value name) -> Some((type, data)) when set, None when deleted.
    values: BTreeMap<(String, String), Option<(String, Value)>>,
    /// Keys created, and keys deleted, in their normalised form.
    created: Vec<String>,
    deleted: Vec<String>,
}

fn imported(parsed: &ParsedReg, utf16_file: bool) -> Imported {
    let mut out = Imported {
        header_ok: parsed.version.is_some(),
        ..Imported::default()
    };
    if !out.header_ok {
        return out;
    }
    for key in &parsed.keys {
        let path = norm_key(&key.path);
        if key.delete {
            out.created.retain(|k| !is_under(k, &path));
            out.values.retain(|(k, _), _| !is_under(k, &path));
            out.deleted.push(path);
            continue;
        }
        out.deleted.retain(|k| !is_under(&path, k));
        out.created.push(path.clone());
        for v in &key.values {
            out.values.insert(
                (path.clone(), norm_name(v.name.as_deref())),
                as_read(&v.data, utf16_file),
            );
        }
    }
    out
}

fn read_case(case: &Value) -> ParsedReg {
    let input = str_field(case, "input");
    let bytes: Vec<u8> = if case
        .get("unicode")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        // The test converts its text to UTF-16LE; the text starts with U+FEFF, which becomes
        // the FF FE byte order mark.
        input.encode_utf16().flat_map(u16::to_le_bytes).collect()
    } else {
        input.as_bytes().to_vec()
    };
    let file = SourceFile::new("test.reg", bytes);
    reg::parse(&file.text)
}

/// Every way the reader's view differs from what the test asserts, in words.
fn mismatches(case: &Value) -> Vec<String> {
    let expect = case.get("expect").unwrap_or(&Value::Null);
    let utf16 = case
        .get("unicode")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let got = imported(&read_case(case), utf16);
    let mut out = Vec::new();
    let want_ok = expect
        .get("import_ok")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    if want_ok != got.header_ok {
        out.push(format!(
            "import_ok: regedit {want_ok}, reader {}",
            got.header_ok
        ));
    }
    let value_key = |v: &Value| {
        (
            norm_key(str_field(v, "key")),
            norm_name(Some(str_field(v, "name"))),
        )
    };
    for v in list(expect, "values") {
        let want = (
            str_field(v, "type").to_owned(),
            v.get("data").cloned().unwrap_or(Value::Null),
        );
        match got.values.get(&value_key(v)) {
            Some(Some(have)) if *have == want => {}
            Some(Some(have)) => out.push(format!(
                "value {:?}: regedit {} {}, reader {} {}",
                str_field(v, "name"),
                want.0,
                want.1,
                have.0,
                have.1
            )),
            Some(None) => out.push(format!(
                "value {:?}: regedit sets it, reader deletes it",
                str_field(v, "name")
            )),
            None => out.push(format!(
                "value {:?}: regedit sets {} {}, reader does not",
                str_field(v, "name"),
                want.0,
                want.1
            )),
        }
    }
    for v in list(expect, "absent") {
        if let Some(Some(have)) = got.values.get(&value_key(v)) {
            out.push(format!(
                "value {:?}: regedit does not set it, reader sets {} {}",
                str_field(v, "name"),
                have.0,
                have.1
            ));
        }
    }
    for v in list(expect, "values_deleted") {
        match got.values.get(&value_key(v)) {
            Some(None) => {}
            _ => out.push(format!(
                "value {:?}: regedit deletes it, reader does not",
                str_field(v, "name")
            )),
        }
    }
    for v in list(expect, "values_kept") {
        if let Some(op) = got.values.get(&value_key(v)) {
            out.push(format!(
                "value {:?}: regedit leaves it alone, reader {}",
                str_field(v, "name"),
                if op.is_some() {
                    "sets it"
                } else {
                    "deletes it"
                }
            ));
        }
    }
    let key_of = |k: &Value| norm_key(k.as_str().unwrap_or(""));
    for k in list(expect, "keys_created") {
        let k = key_of(k);
        if !got.created.iter().any(|c| is_under(c, &k)) {
            out.push(format!("key {k:?}: regedit creates it, reader does not"));
        }
    }
    for k in list(expect, "keys_not_created") {
        let k = key_of(k);
        if got.created.iter().any(|c| is_under(c, &k)) {
            out.push(format!(
                "key {k:?}: regedit does not create it, reader does"
            ));
        }
    }
    for k in list(expect, "keys_deleted") {
        let k = key_of(k);
        if !got.deleted.iter().any(|d| is_under(&k, d)) {
            out.push(format!("key {k:?}: regedit deletes it, reader does not"));
        }
    }
    for k in list(expect, "keys_not_deleted") {
        let k = key_of(k);
        if got.deleted.iter().any(|d| is_under(&k, d)) {
            out.push(format!("key {k:?}: regedit keeps it, reader deletes it"));
        }
    }
    out
}

#[test]
fn case_file_is_well_formed() {
    let cases = cases();
    assert_eq!(cases.len(), 322, "regedit.c has 322 import calls");
    let mut ids: Vec<&str> = cases.iter().map(|c| str_field(c, "id")).collect();
    ids.sort_unstable();
    let before = ids.len();
    ids.dedup();
    assert_eq!(before, ids.len(), "case ids are unique");
    for c in &cases {
        assert!(str_field(c, "source")
            .starts_with("wine-mirror/wine/programs/regedit/tests/regedit.c@"));
        assert!(c.get("expect").is_some(), "{}", str_field(c, "id"));
    }
    for (id, cause) in KNOWN_DISAGREEMENTS {
        assert!(
            ids.contains(id),
            "KNOWN_DISAGREEMENTS names {id}, which is not a case"
        );
        for c in cause.split(',') {
            assert!(
                c.starts_with('R') && c[1..].parse::<u32>().is_ok(),
                "{id}: root causes of .reg cases are R1, R2, … (got {cause})"
            );
        }
    }
}

#[test]
fn reader_agrees_with_wine_regedit_except_known_disagreements() {
    let mut report = Vec::new();
    let mut agree = 0;
    for case in cases() {
        let id = str_field(&case, "id");
        let found = mismatches(&case);
        let known = KNOWN_DISAGREEMENTS.iter().find(|(k, _)| *k == id);
        match (found.is_empty(), known) {
            (true, None) => agree += 1,
            (false, Some(_)) => {}
            (true, Some((_, cause))) => report.push(format!(
                "{id} ({cause}) agrees now: remove it from KNOWN_DISAGREEMENTS"
            )),
            (false, None) => report.push(format!(
                "{id} disagrees (not in KNOWN_DISAGREEMENTS):\n    {}",
                found.join("\n    ")
            )),
        }
    }
    assert!(
        report.is_empty(),
        "{} case(s) changed ({agree} agree):\n{}",
        report.len(),
        report.join("\n")
    );
}
