//! One view of WinSCP's storage, whether it is a WinSCP.ini or a `.reg` export of
//! `HKEY_CURRENT_USER\Software\Martin Prikryl\WinSCP 2`: keys by their path under that root
//! (`Configuration\Interface`, `Sessions\Web%20server`), the values in effect under each
//! with their spans, where a missing value or key would be added, and how a fix writes a
//! number in that syntax. The syntaxes are read by `syntax::ini` and `syntax::reg`; this
//! module applies WinSCP's reading of them.
//!
//! INI: WinSCP reads it with Delphi's `TMemIniFile` (`TIniFileStorage`,
//! `source/core/HierarchicalStorage.cpp`). The Delphi runtime's source is not in WinSCP's
//! repository, so these points are unverified: names compare case-insensitively, the
//! first copy of a repeated key (and of a repeated section) is the one read, values
//! before the first section and lines without `=` are never read.
//!
//! Registry: the keys of a `.reg` export merged as Regedit imports them
//! (`syntax::reg::merge`). WinSCP reads integers and booleans with `TRegistry.ReadInteger`
//! / `ReadBool` inside `READ_REGISTRY`, which falls back to the default on any exception,
//! so a number stored as a string is ignored (that `ReadInteger` raises on a REG_SZ is
//! Delphi runtime behaviour, unverified here).

use crate::model::{FileFinding, FileFindingKind, Insertion, Location, Setting, Value};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::ini::{self, IniSection, ParsedIni};
use crate::syntax::reg::{self, merge, RegData};

/// The syntax a WinSCP file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Syntax {
    Ini,
    Reg,
}

/// A value's data as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Data {
    /// INI text, or a `.reg` REG_SZ: still munged.
    Text(String),
    /// A `.reg` REG_DWORD, as WinSCP reads it (a signed 32-bit integer).
    Dword(i64),
    /// Other `.reg` data (binary, expandable or multi strings).
    Other,
}

/// One value in effect under a key.
#[derive(Debug, Clone)]
pub(super) struct Entry {
    /// The name as written.
    pub(super) name: String,
    pub(super) name_span: Span,
    pub(super) data: Data,
    /// The data as written (INI: the value after `=`; `.reg`: `dword:…` or `"…"`).
    pub(super) data_span: Span,
}

/// A key (INI section) under WinSCP's root.
#[derive(Debug, Clone)]
pub(super) struct Key {
    /// The path under the root as written (munged), segments joined by `\`.
    pub(super) path: String,
    /// The key's name as written, for anchors.
    pub(super) path_span: Span,
    /// The values in effect, in file order.
    pub(super) entries: Vec<Entry>,
    /// Where a new value line goes: after the key's last value (or its header line).
    pub(super) insert_at: usize,
}

impl Key {
    /// The value named `name` (case-insensitive).
    pub(super) fn get(&self, name: &str) -> Option<&Entry> {
        self.entries
            .iter()
            .find(|e| e.name.eq_ignore_ascii_case(name))
    }
}

/// A WinSCP file as WinSCP reads it.
#[derive(Debug)]
pub(super) struct Store {
    pub(super) syntax: Syntax,
    pub(super) file: FileId,
    /// The file's short name, for messages.
    pub(super) file_name: String,
    pub(super) keys: Vec<Key>,
    /// Syntax errors and repeated values, in the file's order.
    pub(super) findings: Vec<FileFinding>,
    /// Line ending to use when adding a line.
    eol: &'static str,
    /// The root as the `.reg` file writes it (`HKEY_CURRENT_USER\Software\Martin
    /// Prikryl\WinSCP 2`), for adding a key.
    reg_root: String,
    /// End of the text, and whether it ends with a line break and a blank line.
    end: usize,
    ends_with_eol: bool,
    ends_with_blank_line: bool,
}

impl Store {
    /// The key at `path` (case-insensitive; `\` separators).
    pub(super) fn key(&self, path: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.path.eq_ignore_ascii_case(path))
    }

    /// The location of an explicit value, written back by `writer`.
    pub(super) fn location(&self, entry: &Entry, writer: crate::model::ValueWriter) -> Location {
        Location {
            file: self.file,
            file_name: self.file_name.clone(),
            key: entry.name.clone(),
            key_span: entry.name_span,
            value_span: entry.data_span,
            writer,
        }
    }

    /// How a number is written in this syntax.
    pub(super) fn int_writer(&self) -> crate::model::ValueWriter {
        match self.syntax {
            Syntax::Ini => ini_int,
            Syntax::Reg => reg_int,
        }
    }

    /// Where to add `name` to `key` (or, with no key, the key itself at the end of the
    /// file), written by `writer`.
    pub(super) fn insertion(
        &self,
        key: Option<&Key>,
        key_path: &str,
        name: &str,
        writer: crate::model::ValueWriter,
    ) -> Box<Insertion> {
        let eol = self.eol;
        let line = match self.syntax {
            Syntax::Ini => format!("{name}="),
            Syntax::Reg => format!("\"{name}\"="),
        };
        let (at, prefix, suffix) = match key {
            Some(k) => (k.insert_at, format!("{eol}{line}"), String::new()),
            None => {
                let header = match self.syntax {
                    Syntax::Ini => format!("[{key_path}]"),
                    Syntax::Reg => format!("[{}\\{key_path}]", self.reg_root),
                };
                let mut lead = String::new();
                if !self.ends_with_eol {
                    lead.push_str(eol);
                }
                if !self.ends_with_blank_line {
                    lead.push_str(eol);
                }
                (
                    self.end,
                    format!("{lead}{header}{eol}{line}"),
                    eol.to_owned(),
                )
            }
        };
        Box::new(Insertion {
            file: self.file,
            file_name: self.file_name.clone(),
            at,
            prefix,
            suffix,
            writer,
        })
    }

    /// The number WinSCP reads from `entry`, or a finding saying that it reads `default`
    /// instead. `what` names the value for messages.
    pub(super) fn int(
        &self,
        entry: &Entry,
        what: &str,
        default: i64,
    ) -> Result<i64, Box<FileFinding>> {
        let problem = match (&entry.data, self.syntax) {
            (Data::Dword(n), _) => return Ok(*n),
            (Data::Text(t), Syntax::Ini) => match delphi_int(t) {
                Some(n) => return Ok(n),
                None => format!(
                    "{what} is `{}`, not a number: WinSCP ignores it and uses {default}",
                    t.trim()
                ),
            },
            (_, Syntax::Reg) => format!(
                "{what} is not a REG_DWORD (`dword:…`): WinSCP fails to read it as a number and uses {default}"
            ),
            (Data::Other, Syntax::Ini) => format!("{what} cannot be read: WinSCP uses {default}"),
        };
        Err(Box::new(
            FileFinding::new(
                FileFindingKind::InvalidValue,
                self.file,
                entry.data_span,
                "not a number",
                problem,
            )
            .help(match self.syntax {
                Syntax::Ini => "write a whole number".to_owned(),
                Syntax::Reg => format!("write it as `\"{}\"=dword:XXXXXXXX`", entry.name),
            }),
        ))
    }

    /// The text WinSCP reads from `entry`, unmunged; `None` for data that is not a string.
    pub(super) fn text(&self, entry: &Entry) -> Option<String> {
        match &entry.data {
            Data::Text(t) => Some(super::munge::unmunge(t)),
            _ => None,
        }
    }

    /// An explicit setting read from `entry` with `value`.
    pub(super) fn explicit<T>(
        &self,
        value: T,
        entry: &Entry,
        writer: crate::model::ValueWriter,
    ) -> Setting<T> {
        Setting::explicit(value, self.location(entry, writer))
    }
}

/// Renders a number as WinSCP.ini writes it (decimal; booleans as 0/1).
pub(super) fn ini_int(v: &Value) -> Option<String> {
    match v {
        Value::Int(i) => Some(i.to_string()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        _ => None,
    }
}

/// Renders a number as a `.reg` REG_DWORD (eight lower-case hex digits, as Regedit writes
/// them; a negative number as its 32-bit two's complement, which WinSCP reads back).
pub(super) fn reg_int(v: &Value) -> Option<String> {
    let n = match v {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        _ => return None,
    };
    let n = i32::try_from(n).ok()?;
    Some(format!("dword:{:08x}", n as u32))
}

/// Delphi's `TCustomIniFile.ReadInteger`: `0x` becomes `$`, then `StrToIntDef`, which
/// takes blanks, a sign, decimal digits or `$` hex, within 32 bits (runtime behaviour,
/// unverified here).
pub(super) fn delphi_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    let (radix, digits) = if let Some(h) = rest.strip_prefix('$') {
        (16, h)
    } else if let Some(h) = rest.strip_prefix("0x").or_else(|| rest.strip_prefix("0X")) {
        (16, h)
    } else {
        (10, rest)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let n = i64::from_str_radix(digits, radix).ok()?;
    let n = if neg { -n } else { n };
    // Hex text is a 32-bit pattern ($FFFFFFFF is -1); decimal must fit.
    if radix == 16 && !neg {
        return u32::try_from(n).ok().map(|u| i64::from(u as i32));
    }
    i32::try_from(n).ok().map(i64::from)
}

/// Reads a WinSCP.ini.
pub(super) fn from_ini(id: FileId, file: &SourceFile) -> (Store, ParsedIni) {
    let parsed = ini::parse(&file.text);
    let mut store = empty(Syntax::Ini, id, file);
    for e in &parsed.errors {
        let (label, message) = if e.message.starts_with("section header") {
            (
                "no closing `]`",
                "a section header without `]`: WinSCP does not read it as a section, so the values below it are read as part of the section above",
            )
        } else {
            (
                "not a setting",
                "a line without `=`: WinSCP does not read it as a setting, so whatever it was meant to set keeps its current value",
            )
        };
        store.findings.push(
            FileFinding::new(FileFindingKind::SyntaxError, id, e.span, label, message)
                .help("write it as `Name=value`, or `[Section]` for a section"),
        );
    }
    for section in &parsed.sections {
        if section.name.is_empty() && section.header_span.is_empty() {
            for e in &section.entries {
                store.findings.push(
                    FileFinding::new(
                        FileFindingKind::SyntaxError,
                        id,
                        e.line_span,
                        "outside any section",
                        "a value before the first `[section]`: WinSCP never reads it",
                    )
                    .help("move it into the section it belongs to"),
                );
            }
            continue;
        }
        if let Some(first) = store.key(&section.name) {
            let note_span = first.path_span;
            store.findings.push(
                FileFinding::new(
                    FileFindingKind::DuplicateSetting,
                    id,
                    section.name_span,
                    "section again",
                    format!(
                        "`[{}]` appears more than once: WinSCP reads the first copy and ignores this one",
                        section.name
                    ),
                )
                .help("merge the two sections")
                .note(id, note_span, "first copy"),
            );
            continue;
        }
        let key = ini_key(id, &file.text, section, &mut store.findings);
        store.keys.push(key);
    }
    (store, parsed)
}

/// One INI section as a key: the first copy of each value, later copies reported.
fn ini_key(id: FileId, text: &str, section: &IniSection, findings: &mut Vec<FileFinding>) -> Key {
    let mut entries: Vec<Entry> = Vec::new();
    for e in &section.entries {
        if let Some(first) = entries.iter().find(|f| f.name.eq_ignore_ascii_case(&e.key)) {
            findings.push(
                FileFinding::new(
                    FileFindingKind::DuplicateSetting,
                    id,
                    e.key_span,
                    "ignored copy",
                    format!(
                        "`{}` appears more than once in `[{}]`: WinSCP reads the first copy, so this one has no effect",
                        e.key, section.name
                    ),
                )
                .help("delete the copy that does not count")
                .note(id, first.name_span, "the copy WinSCP reads"),
            );
            continue;
        }
        entries.push(Entry {
            name: e.key.clone(),
            name_span: e.key_span,
            data: Data::Text(e.value.clone()),
            data_span: e.value_span,
        });
    }
    let insert_at = section
        .entries
        .last()
        .map(|e| e.line_span.end)
        .unwrap_or_else(|| line_end(text, section.header_span.end));
    Key {
        path: section.name.clone(),
        path_span: section.name_span,
        entries,
        insert_at,
    }
}

/// The end of the line holding `at`, before its line break.
fn line_end(text: &str, at: usize) -> usize {
    let rest = text.get(at..).unwrap_or("");
    let len = rest.find('\n').unwrap_or(rest.len());
    let line = rest.get(..len).unwrap_or("");
    at + line.trim_end_matches('\r').len()
}

/// The path under WinSCP's root of a registry key, and the root as written: `None` for
/// keys outside `…\Software\Martin Prikryl\WinSCP 2` of the current user (administrators'
/// `HKEY_LOCAL_MACHINE` settings are not modelled).
pub(super) fn reg_relative(path: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = path.split('\\').filter(|p| !p.is_empty()).collect();
    let root = parts.first()?;
    if root.eq_ignore_ascii_case("HKEY_LOCAL_MACHINE") {
        return None;
    }
    let at = parts.windows(3).position(|w| {
        w.first().map(|p| p.eq_ignore_ascii_case("Software")) == Some(true)
            && w.get(1).map(|p| p.eq_ignore_ascii_case("Martin Prikryl")) == Some(true)
            && w.get(2).map(|p| p.eq_ignore_ascii_case("WinSCP 2")) == Some(true)
    })?;
    let rel = parts.get(at + 3..)?.join("\\");
    let root = parts.get(..at + 3)?.join("\\");
    Some((rel, root))
}

/// Reads a `.reg` export: the WinSCP keys, and the Regedit errors that concern them.
pub(super) fn from_reg(id: FileId, file: &SourceFile) -> (Store, reg::ParsedReg) {
    let parsed = reg::parse(&file.text);
    let mut store = empty(Syntax::Reg, id, file);
    // Where each WinSCP key's lines run, to keep only the errors inside them (a full
    // export also holds other programs' keys, which their own clients report).
    let mut regions: Vec<(usize, usize)> = Vec::new();
    let mut other_keys = false;
    for (i, k) in parsed.keys.iter().enumerate() {
        let next = parsed
            .keys
            .get(i + 1)
            .map(|n| n.line_span.start)
            .unwrap_or(file.text.len());
        match reg_relative(&k.path) {
            Some((_, root)) => {
                if store.reg_root.is_empty() {
                    store.reg_root = root;
                }
                regions.push((k.line_span.start, next));
            }
            None => other_keys = true,
        }
    }
    for e in &parsed.errors {
        let before_keys = parsed
            .keys
            .first()
            .map(|k| e.span.start < k.line_span.start)
            .unwrap_or(true);
        let ours = regions
            .iter()
            .any(|(s, end)| e.span.start >= *s && e.span.start < *end)
            || (before_keys && !other_keys);
        if !ours {
            continue;
        }
        store
            .findings
            .push(crate::clients::reg_error_finding(id, e));
    }
    for g in merge::groups(&parsed) {
        let Some(first) = g.blocks.first() else {
            continue;
        };
        let Some((path, _)) = reg_relative(&first.path) else {
            continue;
        };
        for o in g.overwritten() {
            store
                .findings
                .push(crate::clients::overwritten_finding(id, &o));
        }
        if path.is_empty() || g.deleted() {
            continue;
        }
        let entries = g
            .effective()
            .into_iter()
            .filter_map(|v| {
                Some(Entry {
                    name: v.name.clone()?,
                    name_span: v.name_span,
                    data: match &v.data {
                        RegData::Sz(s) => Data::Text(s.clone()),
                        RegData::Dword(n) => Data::Dword(i64::from(*n as i32)),
                        RegData::Hex { kind: 4, bytes } if bytes.len() == 4 => {
                            let n = bytes
                                .iter()
                                .rev()
                                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                            Data::Dword(i64::from(n as i32))
                        }
                        _ => Data::Other,
                    },
                    data_span: v.data_span,
                })
            })
            .collect();
        store.keys.push(Key {
            path,
            path_span: first.path_span,
            entries,
            insert_at: g.insert_at().unwrap_or(first.line_span.end),
        });
    }
    (store, parsed)
}

fn empty(syntax: Syntax, id: FileId, file: &SourceFile) -> Store {
    let text = &file.text;
    Store {
        syntax,
        file: id,
        file_name: file.short_name(),
        keys: Vec::new(),
        findings: Vec::new(),
        eol: file.line_ending.as_str(),
        reg_root: String::new(),
        end: text.len(),
        ends_with_eol: text.is_empty() || text.ends_with('\n'),
        ends_with_blank_line: text.is_empty() || text.ends_with("\n\n") || text.ends_with("\n\r\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::{delphi_int, from_ini, from_reg, reg_relative, Data};
    use crate::source::SourceFile;

    #[test]
    fn integers_are_read_as_delphi_reads_them_unverified_rtl() {
        assert_eq!(delphi_int(" 15 "), Some(15));
        assert_eq!(delphi_int("-1"), Some(-1));
        assert_eq!(delphi_int("0x10"), Some(16));
        assert_eq!(delphi_int("$FFFFFFFF"), Some(-1));
        assert_eq!(delphi_int("twenty-two"), None);
        assert_eq!(delphi_int("12abc"), None);
        assert_eq!(delphi_int(""), None);
        assert_eq!(delphi_int("99999999999"), None);
    }

    #[test]
    fn reg_paths_are_taken_relative_to_winscps_root() {
        let (rel, root) = reg_relative(
            "HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\Web%20server",
        )
        .unwrap_or_default();
        assert_eq!(rel, "Sessions\\Web%20server");
        assert_eq!(
            root,
            "HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2"
        );
        assert!(
            reg_relative("HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2 Override")
                .is_none()
        );
        assert!(reg_relative("HKEY_LOCAL_MACHINE\\Software\\Martin Prikryl\\WinSCP 2").is_none());
    }

    #[test]
    fn the_first_copy_of_an_ini_key_is_read_unverified_tmeminifile() {
        let text = "[Sessions\\a]\r\nTimeout=5\r\ntimeout=9\r\n[sessions\\A]\r\nTimeout=7\r\n";
        let f = SourceFile::new("WinSCP.ini", text.as_bytes().to_vec());
        let (store, _) = from_ini(0, &f);
        assert_eq!(store.keys.len(), 1);
        let t = store.keys[0].get("TIMEOUT").map(|e| e.data.clone());
        assert_eq!(t, Some(Data::Text("5".to_owned())));
        assert_eq!(store.findings.len(), 2);
    }

    #[test]
    fn a_reg_export_merges_keys_and_reads_dwords_signed() {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Configuration\\Interface]\r\n\"QueueTransfersLimit\"=dword:ffffffff\r\n\r\n[HKEY_CURRENT_USER\\Software\\Other]\r\nrubbish\r\n";
        let f = SourceFile::new("x.reg", text.as_bytes().to_vec());
        let (store, _) = from_reg(0, &f);
        let k = store.key("configuration\\interface");
        let v = k
            .and_then(|k| k.get("QueueTransfersLimit"))
            .map(|e| e.data.clone());
        assert_eq!(v, Some(Data::Dword(-1)));
        // The error under another program's key is not WinSCP's to report.
        assert!(store.findings.is_empty(), "{:?}", store.findings);
    }
}
