//! WinSCP's escaping of key names and string values, undone for display.
//!
//! WinSCP stores key (section) names and string values through `MungeStr`
//! (`source/core/HierarchicalStorage.cpp`), which hands them to PuTTY's
//! `escape_registry_key`: a space, `\`, `*`, `?`, `%`, bytes below 0x20 or above 0x7E and a
//! leading `.` become `%XX` (string values keep `*`). Text with non-ASCII characters is
//! first turned into UTF-8 and prefixed with the UTF-8 BOM bytes, so `生产` is stored as
//! `%EF%BB%BF%E7%94%9F%E4%BA%A7`. `UnMungeStr` undoes it: unescape, then decode as UTF-8
//! after the BOM bytes, otherwise as the system's ANSI code page. clientlint cannot know
//! that code page; it decodes such bytes as UTF-8 when they are valid UTF-8 and as
//! Latin-1 otherwise (unverified against any real ANSI code page).

/// The text WinSCP reads from a munged name or value. Never fails: a `%` not followed by
/// two hex digits is kept as it is.
pub(super) fn unmunge(raw: &str) -> String {
    if !raw.contains('%') {
        return raw.to_owned();
    }
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let pair = bytes.get(i + 1).zip(bytes.get(i + 2));
        match pair.and_then(|(h, l)| Some((hex(*h)?, hex(*l)?))) {
            Some((h, l)) if b == b'%' => {
                out.push((h << 4) | l);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    match out.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        Some(utf8) => String::from_utf8_lossy(utf8).into_owned(),
        None => match String::from_utf8(out) {
            Ok(s) => s,
            Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
        },
    }
}

fn hex(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::unmunge;

    #[test]
    fn undoes_percent_escapes_and_the_utf8_marker_and_reads_ansi_as_latin1_unverified() {
        assert_eq!(unmunge("Default%20Settings"), "Default Settings");
        assert_eq!(unmunge("C:%5CUsers%5Calice"), "C:\\Users\\alice");
        assert_eq!(unmunge("%EF%BB%BF%E8%BD%A9%E8%BE%95"), "轩辕");
        assert_eq!(unmunge("DELL-LATITUDE/Web%20App"), "DELL-LATITUDE/Web App");
        // Not an escape: kept.
        assert_eq!(unmunge("100%"), "100%");
        assert_eq!(unmunge("%zz%4"), "%zz%4");
        // ANSI bytes without the marker (here Latin-1 é).
        assert_eq!(unmunge("%E9t%E9"), "été");
    }
}
