//! The `.reg` reader: what it reads, what it reports, and that it never panics. Each
//! Regedit behaviour is named after the function of Wine's `programs/regedit/regproc.c`
//! that decides it; `tests/peer_regedit.rs` checks the reader against Wine's own tests.

use super::hex::strtoul16;
use super::{parse, ParsedReg, RegData, RegErrorKind, RegVersion};

const KEY: &str = "[HKEY_CURRENT_USER\\K]";

/// The values of the file's keys, in order: (name, data).
fn values(p: &ParsedReg) -> Vec<(Option<&str>, &RegData)> {
    p.keys
        .iter()
        .flat_map(|k| k.values.iter().map(|v| (v.name.as_deref(), &v.data)))
        .collect()
}

fn reg4(body: &str) -> ParsedReg {
    parse(&format!("REGEDIT4\n{KEY}\n{body}"))
}

fn hex(kind: u32, bytes: &[u8]) -> RegData {
    RegData::Hex {
        kind,
        bytes: bytes.to_vec(),
    }
}

#[test]
fn reads_keys_values_escapes_and_continuations() {
    let text = "Windows Registry Editor Version 5.00 ;x\r\n\r\n[HKEY_CURRENT_USER\\A]\";gular] addendum\r\n@=\"\"\r\n\"semi;colons\"=\"and\\\"quotes;\";blah\r\n\"d\"=dword:0000003c\r\n\"h\"=hex:00,\\\r\n  01,\\ ; c\r\n  02\r\n\"s\"=hex(1):61,00,00,00\r\n\"gone\"=-\r\n[-HKEY_CURRENT_USER\\B]\r\n";
    let p = parse(text);
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.version, Some(RegVersion::V5));
    assert_eq!(p.keys.len(), 2);
    let k = &p.keys[0];
    assert_eq!(k.path, "HKEY_CURRENT_USER\\A]\";gular");
    assert_eq!(k.values[0].name, None);
    assert_eq!(k.values[1].data, RegData::Sz("and\"quotes;".to_owned()));
    assert_eq!(k.values[2].data, RegData::Dword(60));
    assert_eq!(
        &text[k.values[2].data_span.start..k.values[2].data_span.end],
        "dword:0000003c"
    );
    assert_eq!(k.values[3].data, hex(3, &[0, 1, 2]));
    assert!(text[k.values[3].data_span.start..k.values[3].data_span.end].ends_with("02"));
    assert_eq!(k.values[4].data.as_utf16_string().as_deref(), Some("a"));
    assert_eq!(k.values[5].data, RegData::Delete);
    assert!(p.keys[1].delete);
}

#[test]
fn bad_lines_are_reported_and_reading_goes_on() {
    let text = "REGEDIT4\n[HKEY_CURRENT_USER\\K]\n\"a\"=dword:3c\n\"b\"=hex:01,02,\n  03,04\nrubbish\n\"c\"=dword:00000001\n[broken\n\"d\"=\"x\n";
    let p = parse(text);
    assert_eq!(p.version, Some(RegVersion::V4));
    let labels: Vec<&str> = p.errors.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "continuation without `\\`",
            "not a key, value or comment",
            "no closing `]`",
            "unterminated string"
        ]
    );
    let k = &p.keys[0];
    assert_eq!(k.values.len(), 3);
    assert_eq!(k.values[0].data, RegData::Dword(0x3c));
    assert_eq!(k.values[1].orphan_spans.len(), 1);
    assert_eq!(k.values[2].data, RegData::Dword(1));
    // A rejected value keeps its name and extent for masking.
    assert_eq!(p.errors[3].value.as_ref().map(|v| v.0.as_str()), Some("d"));
}

/// `get_lineA` / `get_lineW`: `\r`, `\n` and `\r\n` each end a line.
#[test]
fn cr_alone_ends_a_line() {
    let p = parse(
        "REGEDIT4\r[HKEY_CURRENT_USER\\K]\r\"a\"=\"x\"\r\n\"b\"=hex:01,\\\r  02\n\r\"c\"=dword:2",
    );
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        values(&p),
        [
            (Some("a"), &RegData::Sz("x".into())),
            (Some("b"), &hex(3, &[1, 2])),
            (Some("c"), &RegData::Dword(2))
        ]
    );
}

/// `convert_hex_to_dword`: blanks, 1 to 8 digits, blanks, then the end or a `;` comment.
#[test]
fn dwords_as_regedit_reads_them() {
    let p = reg4("\"a\"=dword:1\n\"b\"=dword:\t 0000ffff \t\n\"c\"=dword:1234;5678\n\"d\"=dword:;x\n\"e\"=dword:123456789\n\"f\"=dword:\n\"g\"=dword:12 34\n\"h\"=dword:0x1\n");
    assert_eq!(
        values(&p),
        [
            (Some("a"), &RegData::Dword(1)),
            (Some("b"), &RegData::Dword(0xffff)),
            (Some("c"), &RegData::Dword(0x1234)),
            (Some("d"), &RegData::Dword(0)),
        ]
    );
    let labels: Vec<&str> = p.errors.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "no hex digits",
            "more than 8 hex digits",
            "not a dword",
            "not a dword",
            "not a dword"
        ]
    );
    assert!(p
        .errors
        .iter()
        .all(|e| e.kind == RegErrorKind::InvalidValue));
}

/// `convert_hex_csv_to_hex` and `eol_backslash_state`: what may follow a byte and a `\`.
#[test]
fn byte_lists_as_regedit_reads_them() {
    let p = reg4("\"a\"=hex:1,001, 2,0x3,+4,ff ;c\n\"b\"=hex(2):\n\"c\"=hex:01,;c\n\"d\"=hex():00\n\"e\"=hex(7fffffff):00\n");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(
        values(&p),
        [
            (Some("a"), &hex(3, &[1, 1, 2, 3, 4, 0xff])),
            (Some("b"), &hex(2, &[])),
            (Some("c"), &hex(3, &[1])),
            (Some("d"), &hex(0, &[0])),
            (Some("e"), &hex(0x7fff_ffff, &[0])),
        ]
    );
    for bad in [
        "hex:01,,02",
        "hex:,01",
        "hex:01 02",
        "hex:100",
        "hex:-1",
        "hex:01\\",
        "hex:01,\\x",
        "hex(0x2):01",
        "hex(x2):01",
        "hex(100000000):01",
        "hex(2:01",
    ] {
        let p = reg4(&format!("\"a\"={bad}\n\"b\"=dword:1\n"));
        assert_eq!(values(&p), [(Some("b"), &RegData::Dword(1))], "{bad}");
        assert_eq!(p.errors.len(), 1, "{bad}: {:?}", p.errors);
    }
}

/// `hex_multiline_state`: blank and `;` lines inside a continuation are skipped; a line
/// that does not start with a hex digit rejects the value and is consumed with it.
#[test]
fn continuation_lines_as_regedit_reads_them() {
    let p = reg4("\"a\"=hex:01,\\\n\n  \t\n  ;c\n  02\n\"b\"=hex:03,\\\n\n\"c\"=dword:1\n\"d\"=dword:2\n\"e\"=hex:04,\\\n  ,05\n\"f\"=hex:06,\\\n  \\\n\"g\"=hex:07\\\n  08\n\"h\"=hex:09,\\");
    assert_eq!(
        values(&p),
        [
            (Some("a"), &hex(3, &[1, 2])),
            (Some("d"), &RegData::Dword(2)),
            (Some("h"), &hex(3, &[9])),
        ]
    );
    let labels: Vec<&str> = p.errors.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "not a continuation",
            "not a continuation",
            "not a continuation",
            "expected `,` after a byte",
            "not a key, value or comment",
            "`\\` at end of file",
        ]
    );
    // The line consumed with the rejected `b` is part of its extent (for masking).
    let b = p.errors[0].value.as_ref().map(|(n, s)| (n.as_str(), *s));
    assert_eq!(b.map(|b| b.0), Some("b"));
}

/// A value Regedit rejects in a `"…Password"` keeps the lines Regedit drops after it in its
/// extent, so they are masked with it.
#[test]
fn lines_after_a_rejected_value_join_its_extent() {
    let text =
        "REGEDIT4\n[HKEY_CURRENT_USER\\K]\n\"P\"=hex:01,02\\\n  73,65\n  63\n\"Q\"=dword:1\n";
    let p = parse(text);
    let extents: Vec<(&str, &str)> = p
        .errors
        .iter()
        .filter_map(|e| e.value.as_ref())
        .map(|(n, s)| (n.as_str(), &text[s.start..s.end]))
        .collect();
    assert_eq!(extents, [("P", "=hex:01,02\\\n  73,65\n  63")]);
    assert_eq!(values(&p), [(Some("Q"), &RegData::Dword(1))]);
    // A name without its closing quote: everything after the quote is in the extent.
    let text = "REGEDIT4\n[HKEY_CURRENT_USER\\K]\n\"IMAP Password=secret\n";
    let p = parse(text);
    let extent = p.errors[0]
        .value
        .as_ref()
        .map(|(_, s)| &text[s.start..s.end]);
    assert_eq!(extent, Some("IMAP Password=secret"));
}

/// `REGPROC_unescape_string`, for names and string data alike.
#[test]
fn escapes_as_regedit_reads_them() {
    let p =
        reg4("\"a\\q\"=\"x\\ny\\rz\\\\\\\"\\w\"\n\"b\"=\"\\0\"\n\"c\\0\"=\"x\"\n\"d\"=\"x\\\"\n");
    assert_eq!(
        values(&p),
        [(Some("aq"), &RegData::Sz("x\ny\rz\\\"w".into()))]
    );
    let labels: Vec<&str> = p.errors.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "unknown escape",
            "unknown escape",
            "`\\0` escape",
            "`\\0` escape",
            "unterminated string"
        ]
    );
}

/// `key_name_state`, `delete_key_state`, `parse_key_name`.
#[test]
fn key_lines_as_regedit_reads_them() {
    let p = parse("REGEDIT4\n[HKEY_CURRENT_USER\\K]\n[ HKEY_CURRENT_USER\\L]\n\"a\"=dword:1\n[HKEY_CURRENT_USER\\M\n\"b\"=dword:2\n[HKCU\\N]\n\"c\"=dword:3\n[hkey_users\\O]\n\"d\"=dword:4\n[-Software\\P]\n\"e\"=dword:5\n");
    let keys: Vec<(&str, usize)> = p
        .keys
        .iter()
        .map(|k| (k.path.as_str(), k.values.len()))
        .collect();
    assert_eq!(keys, [("HKEY_CURRENT_USER\\K", 2), ("hkey_users\\O", 1)]);
    let labels: Vec<&str> = p.errors.iter().map(|e| e.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "blank after `[`",
            "no closing `]`",
            "unknown root key",
            "value outside a key",
            "not a key to delete",
            "value outside a key"
        ]
    );
}

/// `parse_win31_line_state`: `HKEY_CLASSES_ROOT…` lines set the key's default value.
#[test]
fn windows_3_1_files_set_default_values() {
    let p = parse("REGEDIT\r\nHKEY_CLASSES_ROOT\\a = x \r\nHKEY_CLASSES_ROOT\\b  y\r\nHKEY_CLASSES_ROOT\\c =  z\r\nHKEY_CLASSES_ROOT\\d\r\n hkey_classes_root\\e = no\r\n;HKEY_CLASSES_ROOT\\f = no\r\nHKEY_CLASSES_ROOTg = no\r\n");
    assert_eq!(p.version, Some(RegVersion::Win31));
    let keys: Vec<(&str, &RegData)> = p
        .keys
        .iter()
        .map(|k| (k.path.as_str(), &k.values[0].data))
        .collect();
    assert_eq!(
        keys,
        [
            ("HKEY_CLASSES_ROOT\\a", &RegData::Sz("x ".into())),
            ("HKEY_CLASSES_ROOT\\b", &RegData::Sz("y".into())),
            ("HKEY_CLASSES_ROOT\\c", &RegData::Sz(" z".into())),
            ("HKEY_CLASSES_ROOT\\d", &RegData::Sz(String::new())),
        ]
    );
    assert_eq!(p.errors.len(), 2, "{:?}", p.errors);
    // A header that starts with REGEDIT but is no known one: Regedit imports nothing.
    let p = parse("REGEDIT4 FOO\n[HKEY_CURRENT_USER\\K]\n");
    assert_eq!(p.version, None);
    assert!(p.errors[0].message.contains("imports nothing"));
}

#[test]
fn strtoul16_reads_as_the_c_runtime_does() {
    assert_eq!(strtoul16("ff,"), (Some(0xff), 2));
    assert_eq!(strtoul16(" \t0x1F;"), (Some(0x1f), 6));
    assert_eq!(strtoul16("-1"), (Some(u32::MAX), 2));
    assert_eq!(strtoul16("x"), (Some(0), 0));
    assert_eq!(strtoul16("  ,"), (Some(0), 0));
    assert_eq!(strtoul16("100000000"), (None, 9));
}

#[test]
fn never_panics_on_odd_input() {
    for text in [
        "",
        "[",
        "\"",
        "@",
        "Windows Registry Editor Version 5.00\n\"a\"=hex(",
        "REGEDIT4\n[k]\n\"a\"=hex:\\",
        "REGEDIT4\n[k]\n\"a\"=hex(zz):00",
        "REGEDIT4\n[k]\n\"é\"=dword:ééééééé",
        "REGEDIT4\n[-]\n[k]\n\"a\"=\"\\",
        "REGEDIT4\n[HKEY_USERS]\n\"a\"=hex:é,\\\n é\n\"b\"=hex:01é\n\"c\"=hex(é):0\n\"d\"=\"\\é\"",
        "REGEDIT\nHKEY_CLASSES_ROOT\u{3000}é\nHKEY_CLASSES_ROOTé",
        "REGEDIT4\r\r\n\r[HKEY_USERS\\x]\r\"a\"=hex:01,\\\r",
    ] {
        let _ = parse(text);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

    /// Any text: no panic, and every span lies inside the text on character boundaries
    /// (spans are drawn and spliced as text).
    #[test]
    fn spans_are_inside_the_text(
        body in proptest::collection::vec(
            proptest::sample::select(vec![
                "\n", "\r", "\r\n", " ", "\t", "[", "]", "-", "@", "=", "\"", "\\", ",", ";",
                "hex:", "hex(2):", "dword:", "01", "ff", "0x", "é", "HKEY_CURRENT_USER\\K",
                "REGEDIT", "\"a\"=", "\\0", "\\n",
            ]),
            0..60,
        )
    ) {
        let text = format!("REGEDIT4\n{}", body.concat());
        let p = parse(&text);
        let ok = |s: crate::source::Span| {
            s.start <= s.end && text.get(s.start..s.end).is_some()
        };
        for e in &p.errors {
            proptest::prop_assert!(ok(e.span), "{:?} in {:?}", e, text);
            if let Some((_, extent)) = &e.value {
                proptest::prop_assert!(ok(*extent), "{:?} in {:?}", e, text);
            }
        }
        for k in &p.keys {
            proptest::prop_assert!(ok(k.line_span) && ok(k.path_span));
            for v in &k.values {
                proptest::prop_assert!(ok(v.name_span) && ok(v.data_span) && ok(v.line_span));
                proptest::prop_assert!(v.orphan_spans.iter().all(|s| ok(*s)));
            }
        }
    }

    /// A list Regedit writes (bytes, `,\` and an indented next line every few bytes, blank
    /// and comment lines between) reads back as its bytes, with its data span from `hex:`
    /// to the last byte.
    #[test]
    fn written_byte_lists_read_back(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..40),
        per_line in 1usize..8,
        gap in proptest::sample::select(vec!["", "\n", "\n  ;c\n", "\n\t\n"]),
        eol in proptest::sample::select(vec!["\n", "\r\n", "\r"]),
    ) {
        let mut list = String::new();
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 {
                list.push(',');
                if i % per_line == 0 {
                    list.push_str(&format!("\\{eol}{gap}  "));
                }
            }
            list.push_str(&format!("{b:02x}"));
        }
        let text = format!("REGEDIT4{eol}{KEY}{eol}\"v\"=hex:{list}{eol}\"w\"=dword:1{eol}");
        let p = parse(&text);
        proptest::prop_assert!(p.errors.is_empty(), "{:?}", p.errors);
        let v = &p.keys[0].values;
        proptest::prop_assert_eq!(&v[0].data, &hex(3, &bytes));
        proptest::prop_assert_eq!(&v[1].data, &RegData::Dword(1));
        let span = &text[v[0].data_span.start..v[0].data_span.end];
        proptest::prop_assert!(span.starts_with("hex:") && span.ends_with(&list[list.len() - 2..]));
    }
}
