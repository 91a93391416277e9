//! The prefs reader: values, Gecko's recovery, the lines Gecko reports errors on, and the
//! bytes it stores.

use super::{parse, PrefErrorKind, PrefFileKind, PrefValue};
use crate::source::SourceFile;
use proptest::strategy::Strategy as _;

fn user(text: &str) -> super::ParsedPrefs {
    parse(
        &SourceFile::new("p.js", text.as_bytes().to_vec()),
        PrefFileKind::User,
    )
}

fn names(p: &super::ParsedPrefs) -> Vec<&str> {
    p.entries.iter().map(|e| e.name.as_str()).collect()
}

#[test]
fn reads_all_value_kinds_and_quotes() {
    let p =
        user("user_pref(\"a\", true);\nuser_pref('b', -2147483648);\nuser_pref(\"c\", 'x\\\"y');");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.entries[0].value, PrefValue::Bool(true));
    assert_eq!(p.entries[1].value, PrefValue::Int(i32::MIN));
    assert_eq!(p.entries[2].value, PrefValue::Str("x\"y".into()));
}

#[test]
fn missing_close_paren_swallows_next_statement() {
    let p = user("user_pref(\"a\", 1\nuser_pref(\"b\", 2);\nuser_pref(\"c\", 3);\n");
    assert_eq!(names(&p), vec!["c"]);
    assert_eq!(p.errors.len(), 1);
    let lost: Vec<_> = p.errors[0].lost.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(lost, vec!["a", "b"]);
    assert_eq!(p.errors[0].message, "expected ')' after pref value");
}

#[test]
fn unterminated_string_swallows_to_the_semicolon_after_its_end() {
    let p = user("user_pref(\"a\", \"x);\nuser_pref(\"b\", 2);\nuser_pref(\"c\", 3);\nuser_pref(\"d\", 4);\n");
    // The string runs `x);\nuser_pref(` and ends at b's opening quote. From there every
    // quote opens a new string that hides the next statement, so nothing survives.
    assert!(names(&p).is_empty());
    assert_eq!(p.errors.len(), 1);
    let lost: Vec<_> = p.errors[0].lost.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(lost, vec!["a", "b", "c", "d"]);
}

#[test]
fn overflow_is_its_own_kind_and_loses_only_that_pref() {
    let p = user("user_pref(\"a\", 2147483648);\nuser_pref(\"b\", 1);");
    assert_eq!(names(&p), vec!["b"]);
    assert_eq!(p.errors[0].kind, PrefErrorKind::Overflow);
}

#[test]
/// Gecko's grammar comment says user files accept only `user_pref`; Thunderbird 153
/// reads `pref(` there as a default-branch value (interop case D4, docs/interop.md).
fn pref_keyword_in_user_files_is_a_default_value_as_thunderbird_153_reads_it() {
    let text = "pref(\"a\", 1);\nuser_pref(\"b\", 2);";
    let p = user(text);
    assert!(p.errors.is_empty());
    assert_eq!(names(&p), vec!["a", "b"]);
    assert!(p.entries[0].default_branch);
    assert!(!p.entries[1].default_branch);
    let d = parse(
        &SourceFile::new("d.js", text.as_bytes().to_vec()),
        PrefFileKind::Default,
    );
    assert_eq!(names(&d), vec!["a", "b"]);
}

#[test]
fn escapes_follow_gecko() {
    let p = user("user_pref(\"a\", \"\\u00e9\\uD83D\\uDE00\\x41\");");
    assert_eq!(p.entries[0].value, PrefValue::Str("é😀A".into()));
    for bad in ["\\x00", "\\u0000", "\\uDE00", "\\t", "\\uD83Dx"] {
        let p = user(&format!("user_pref(\"a\", \"{bad}\");user_pref(\"b\", 1);"));
        assert_eq!(names(&p), vec!["b"], "{bad}");
        assert_eq!(p.errors.len(), 1, "{bad}");
    }
}

#[test]
fn nul_ends_the_file_and_comments_are_skipped() {
    let p = user("# c\n// c\n/* c\n */ user_pref(\"a\", 1);\0user_pref(\"b\", 2);");
    assert_eq!(names(&p), vec!["a"]);
    // Gecko drops `b` silently; we say so (issue 8).
    assert_eq!(p.errors.len(), 1);
    let lost: Vec<_> = p.errors[0].lost.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(lost, vec!["b"]);
    assert!(p.errors[0].message.contains("NUL byte"));
}

#[test]
fn garbage_without_semicolon_runs_to_end_of_file() {
    let p = user("user_pref(\"a\", 1);\ngarbage here\nuser_pref(\"b\", 2)");
    assert_eq!(names(&p), vec!["a"]);
    let lost: Vec<_> = p.errors[0].lost.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(lost, vec!["b"]);
}

#[test]
fn integer_followed_by_letters_is_an_error() {
    let p = user("user_pref(\"a\", 12abc);user_pref(\"b\", 1);");
    assert_eq!(names(&p), vec!["b"]);
    assert_eq!(
        p.errors[0].message,
        "unexpected character in integer literal"
    );
}

fn user_bytes(bytes: &[u8]) -> super::ParsedPrefs {
    parse(&SourceFile::new("p.js", bytes.to_vec()), PrefFileKind::User)
}

/// `error_and_recover` reports the line Gecko's counter is on after the token, or where a
/// string's first error is: an unterminated string or comment on the line the file ends.
#[test]
fn errors_carry_the_line_gecko_reports() {
    let cases: [(&str, &[usize]); 7] = [
        ("\nuser_pref(\"a\", \"x\n  \n", &[4]),
        ("\n/* c\n\n", &[4]),
        (
            "user_pref(\"a\",\r\"x\\q\ny\");\nuser_pref(\"b\", 1);",
            &[2],
        ),
        ("user_pref(\"a\"\n\n\"b\", 1);", &[3]),
        ("user_pref(\"a\", 1)\r\n\r\n", &[3]),
        (
            "\r\nuser_pref(\"a\", 1);\rgarbage;\nuser_pref(\"b\", 99999999999);",
            &[3, 4],
        ),
        ("user_pref(\"a\", 1);\0user_pref(\"b\", 2);", &[]),
    ];
    for (text, lines) in cases {
        let p = user(text);
        let got: Vec<usize> = p.errors.iter().filter_map(|e| e.client_line).collect();
        assert_eq!(got, lines, "{text:?}: {:?}", p.errors);
    }
}

/// `get_string_token` copies the bytes between the quotes as they are, and `\xNN` gives
/// the raw byte: a string that is not UTF-8 keeps its bytes.
#[test]
fn non_utf8_strings_keep_their_bytes() {
    let p = user_bytes(b"user_pref(\"a\", \"\xe4lskar\");\nuser_pref(\"b\", \"\\xc4\\x41\");\nuser_pref(\"c\", \"\\xc3\\xa9\");\nuser_pref(\"\xe9\", 1);");
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    let raw: Vec<Option<&[u8]>> = p.entries.iter().map(|e| e.raw_value.as_deref()).collect();
    assert_eq!(
        raw,
        [Some(&b"\xe4lskar"[..]), Some(&b"\xc4A"[..]), None, None]
    );
    assert_eq!(p.entries[0].value, PrefValue::Str("\u{fffd}lskar".into()));
    assert!(p.entries[0].value_not_utf8 && !p.entries[2].value_not_utf8);
    assert_eq!(p.entries[2].value, PrefValue::Str("é".into()));
    // Spans stay on the decoded text's character boundaries.
    let f = SourceFile::new("p.js", b"user_pref(\"\xe9\", \xe9\xa9);".to_vec());
    let p = parse(&f, PrefFileKind::User);
    assert!(p
        .errors
        .iter()
        .all(|e| f.text.get(e.span.start..e.span.end).is_some()));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 2048, ..Default::default() })]

    /// Any bytes: no panic; every span lies inside the text on character boundaries; Gecko
    /// reports an error on or after the line its token starts on, and never past the end.
    #[test]
    fn spans_and_reported_lines_are_sound(
        body in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(vec![
                    &b"user_pref("[..], b"pref(", b"sticky_pref(", b"\"", b"'", b",", b")", b";",
                    b"\n", b"\r", b"\r\n", b" ", b"/*", b"*/", b"//", b"#", b"\\", b"\\x", b"\\u",
                    b"12", b"-", b"true", b"locked", b"\xe9", b"\xc3\xa9", b"\0",
                ]).prop_map(|b: &[u8]| b.to_vec()),
                proptest::prelude::any::<u8>().prop_map(|b| vec![b]),
            ],
            0..40,
        ),
        default in proptest::prelude::any::<bool>(),
    ) {
        let bytes = body.concat();
        let file = SourceFile::new("p.js", bytes);
        let kind = if default { PrefFileKind::Default } else { PrefFileKind::User };
        let p = parse(&file, kind);
        let last_line = file.line_col(file.text.len()).0 + 1;
        for e in &p.errors {
            proptest::prop_assert!(file.text.get(e.span.start..e.span.end).is_some(), "{:?}", e);
            proptest::prop_assert!(file.text.get(e.skipped.start..e.skipped.end).is_some(), "{:?}", e);
            if let Some(line) = e.client_line {
                proptest::prop_assert!(line >= file.line_col(e.span.start).0, "{:?}", e);
                proptest::prop_assert!(line <= last_line, "{:?}", e);
            }
        }
        for e in &p.entries {
            proptest::prop_assert!(file.text.get(e.value_span.start..e.value_span.end).is_some());
            proptest::prop_assert_eq!(e.value_not_utf8, e.raw_value.is_some());
        }
    }

    /// A string of any bytes but the special ones reads back as exactly those bytes.
    #[test]
    fn string_values_read_back_as_their_bytes(
        value in proptest::collection::vec(
            proptest::prelude::any::<u8>().prop_filter("not special in a string", |b| {
                !matches!(b, 0 | b'\n' | b'\r' | b'"' | b'\'' | b'\\')
            }),
            0..30,
        ),
    ) {
        let mut text = b"user_pref(\"a\", \"".to_vec();
        text.extend_from_slice(&value);
        text.extend_from_slice(b"\");\n");
        let p = user_bytes(&text);
        proptest::prop_assert!(p.errors.is_empty(), "{:?}", p.errors);
        let e = &p.entries[0];
        let stored = match (&e.raw_value, &e.value) {
            (Some(raw), _) => raw.clone(),
            (None, PrefValue::Str(s)) => s.as_bytes().to_vec(),
            (None, other) => panic!("not a string: {other:?}"),
        };
        proptest::prop_assert_eq!(stored, value);
    }
}
