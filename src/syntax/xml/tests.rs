//! The XML reader's tests: spans, entities, errors, the DOCTYPE, and the plain reader
//! read against quick-xml on the fixtures and on generated documents.

use super::plain::parse_plain;
use super::quick::parse_with_quick_xml;
use super::{parse, unescape};

#[test]
fn spans_point_at_names_values_and_text() -> Result<(), &'static str> {
    let t = "<?xml version=\"1.0\"?>\n<FileZilla3>\n\t<Settings>\n\t\t<Setting name=\"Timeout\">20</Setting>\n\t\t<Setting name=\"External IP\" />\n\t</Settings>\n</FileZilla3>\n";
    let d = parse(t);
    assert!(d.error.is_none(), "{:?}", d.error);
    let root = d.root.as_ref().ok_or("root")?;
    assert_eq!(root.name, "FileZilla3");
    let settings = root.element().child("Settings").ok_or("settings")?;
    let mut it = settings.elements();
    let timeout = it.next().ok_or("timeout")?;
    let a = timeout.attr("name").ok_or("name")?;
    assert_eq!(&t[a.value_span.start..a.value_span.end], "Timeout");
    let text = timeout.first_text().ok_or("text")?;
    assert_eq!(&t[text.span.start..text.span.end], "20");
    let ext = it.next().ok_or("external")?;
    assert!(ext.self_closing);
    assert_eq!(
        &t[ext.self_close_span.start..ext.self_close_span.end],
        " />"
    );
    assert_eq!(settings.indent_before(timeout.start.start), Some("\n\t\t"));
    Ok(())
}

#[test]
fn entities_are_unescaped_but_custom_ones_are_kept() -> Result<(), &'static str> {
    assert_eq!(unescape("a&amp;b&lt;&#65;&#x42;&foo;&"), "a&b<AB&foo;&");
    let d = parse("<a><b>x &amp; y</b></a>");
    let b = d
        .root
        .as_ref()
        .and_then(|r| r.element().child("b"))
        .ok_or("b")?;
    assert_eq!(b.text(), "x & y");
    assert_eq!(b.first_text().map(|t| t.span.len()), Some(9));
    Ok(())
}

#[test]
fn mismatched_and_unclosed_tags_are_errors() -> Result<(), &'static str> {
    let d = parse("<a>\n<b></c></a>");
    let e = d.error.ok_or("error")?;
    assert!(e.span.start >= 7, "{e:?}");
    let d = parse("<a><b>");
    assert!(d.error.ok_or("error")?.message.contains("never closed"));
    let d = parse("<a x=1></a>");
    assert!(d.error.ok_or("error")?.message.contains("not quoted"));
    Ok(())
}

#[test]
fn doctype_is_recorded_not_followed() -> Result<(), &'static str> {
    let d = parse("<!DOCTYPE x [<!ENTITY e \"boom\">]><a>&e;</a>");
    assert!(d.doctype.is_some());
    assert_eq!(d.root.as_ref().map(|r| r.element().text()), Some("&e;"));
    Ok(())
}

/// What the plain reader accepts, it must read exactly as quick-xml does.
fn assert_same_as_quick_xml(text: &str) -> bool {
    match parse_plain(text, |_| None) {
        Some(plain) => {
            assert_eq!(
                format!("{plain:?}"),
                format!("{:?}", parse_with_quick_xml(text, |_| None)),
                "the readers differ on {text:?}"
            );
            true
        }
        None => false,
    }
}

#[test]
fn plain_reader_reads_fixtures_as_quick_xml_does() {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.to_string_lossy().contains(".xml") {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        &mut paths,
    );
    let mut plain = 0;
    for p in &paths {
        let bytes = std::fs::read(p).unwrap_or_default();
        let file = crate::source::SourceFile::new(p.clone(), bytes);
        if assert_same_as_quick_xml(&file.text) {
            plain += 1;
        }
    }
    // Most fixtures are files as FileZilla writes them: the plain reader takes those.
    assert!(plain * 2 > paths.len(), "{plain} of {}", paths.len());
}

#[test]
fn plain_reader_leaves_the_unusual_to_quick_xml() {
    for text in [
        "<a><!-- c --></a>",
        "<a><![CDATA[x]]></a>",
        "<!DOCTYPE a><a/>",
        "<a>x & y</a>",
        "<a></b>",
        "<a>",
        "</a>",
        "<a x=1/>",
        "\u{feff}<a/>",
        "<a/b>",
        "< a/>",
        "<?>",
    ] {
        assert!(parse_plain(text, |_| None).is_none(), "{text:?}");
    }
    for text in [
        "<?xml version=\"1.0\"?>\n<a x='1>2' y=\"&amp;\">t &lt; &#65;&foo;</a >",
        "<a/><b></b>",
        "",
        "text only",
        "<a>\r\n\t<b c=\"d\" />\r\n</a>",
    ] {
        assert!(assert_same_as_quick_xml(text), "{text:?}");
    }
}

/// Mostly well-formed documents: elements opened and closed in order, with attributes
/// and text of every kind the plain reader handles, sprinkled with fragments it leaves
/// to quick-xml or that are malformed.
pub(super) fn document(ops: &[(u8, u8)]) -> String {
    const NAMES: &[&str] = &[
        "FileZilla3",
        "Servers",
        "Server",
        "Pass",
        "Setting",
        "x",
        "é",
    ];
    const ATTRS: &[&str] = &[
        "",
        " name=\"Timeout\"",
        " encoding='base64'",
        " a=\"1>2\" b='\"'",
        "\tz = \"&amp;&lt;\"\r\n",
        " v=\"&bad\"",
        // Malformed: quick-xml's to report.
        " x=1",
        " y",
    ];
    const TEXT: &[&str] = &[
        "text",
        "\n\t\t",
        "\r\n  ",
        " ",
        "&amp;",
        "&#65;",
        "&#x42;",
        "&foo;",
        "é",
        ">",
        "]]>",
        "a & b",
        "&",
        ";",
        "\"'",
        "<",
        "<!-- c -->",
        "<![CDATA[x]]>",
        "<!DOCTYPE a>",
        "<?pi x?>",
        "</>",
        "<>",
        "<a/b>",
        "\u{feff}",
    ];
    let mut out = String::new();
    let mut open: Vec<&str> = Vec::new();
    if ops.first().map(|o| o.0 % 2 == 0).unwrap_or(false) {
        out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    }
    for &(op, arg) in ops {
        let name = NAMES[usize::from(arg) % NAMES.len()];
        let attrs = ATTRS[usize::from(arg / 8) % if arg % 32 == 0 { ATTRS.len() } else { 6 }];
        match op % 6 {
            0 | 1 => {
                out.push_str(&format!("<{name}{attrs}>"));
                open.push(name);
            }
            2 => {
                if let Some(name) = open.pop() {
                    let ws = if arg % 5 == 0 { " " } else { "" };
                    out.push_str(&format!("</{name}{ws}>"));
                }
            }
            3 => out.push_str(&format!(
                "<{name}{attrs}{}/>",
                if arg % 2 == 0 { " " } else { "" }
            )),
            // Text: mostly the harmless kinds (the first eleven).
            4 => out.push_str(TEXT[usize::from(arg) % if arg % 8 == 0 { TEXT.len() } else { 11 }]),
            _ => out.push_str(TEXT[usize::from(arg) % 11]),
        }
    }
    if ops.last().map(|o| o.1 % 8 != 0).unwrap_or(true) {
        while let Some(name) = open.pop() {
            out.push_str(&format!("</{name}>"));
        }
    }
    out
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 1024, ..Default::default() })]
    #[test]
    fn plain_reader_reads_as_quick_xml_does(
        ops in proptest::collection::vec((proptest::prelude::any::<u8>(), proptest::prelude::any::<u8>()), 0..40)
    ) {
        assert_same_as_quick_xml(&document(&ops));
    }
}
