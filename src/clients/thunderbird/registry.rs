//! Windows registry policies for Thunderbird, read from a Regedit export (`.reg`): the keys
//! under `HKEY_CURRENT_USER` and `HKEY_LOCAL_MACHINE` `\Software\Policies\Mozilla\Thunderbird`,
//! turned into the `policies` object Thunderbird builds from them, then read like a
//! policies.json (`policies::read_object`).
//!
//! Verified in Gecko's source (mozilla/gecko-dev, `toolkit/components/enterprisepolicies/`):
//! - `EnterprisePoliciesParent.sys.mjs`, `WindowsGPOPoliciesProvider`: HKCU is read first,
//!   then HKLM into the same object ("Machine policies override user policies"), from
//!   `SOFTWARE\Policies\Mozilla\<app name>` (the app name is `Thunderbird`).
//! - `WindowsGPOParser.sys.mjs`, `registryToObject`: each value of a key becomes a member
//!   (`policies[name] = value`), then each subkey a member holding a *new* object, so an
//!   HKLM top-level policy replaces the HKCU one of the same name whole; a key whose first
//!   value (or first subkey) is named `1` is an array of its values (subkeys).
//!   `readRegistryValue`: REG_SZ and REG_EXPAND_SZ are strings (not expanded), REG_DWORD
//!   and REG_QWORD numbers, REG_MULTI_SZ is `JSON.parse`d (lines joined with `\n`; a value
//!   that does not parse is dropped), REG_BINARY a string of its bytes, any other type
//!   `null`.
//! - `EnterprisePoliciesParent.sys.mjs`, `_chooseProvider` and `CombinedProvider`: when the
//!   registry has policies they win; the policies.json ones are added only for top-level
//!   names the registry does not have ("We only do this for top level policies"). A
//!   policies.json that fails to parse then does not stop the registry's policies.
//! - Thunderbird's `Policies.sys.mjs` (thunderbird/thunderbird-desktop,
//!   `mail/components/enterprisepolicies/`), `Preferences`: a number 0 or 1 becomes a bool
//!   pref unless the pref is already an int ("On Windows GPO and macOS configs, booleans
//!   are converted to 0/1", bug 1666836); `JsonSchemaValidator.sys.mjs` takes 0/1 for a
//!   boolean policy (`OfferToSaveLogins`).
//!
//! So a pref in `Preferences` is either a value of the `Preferences` key (a bare value,
//! which locks) or a subkey named after the pref with `Value` and `Status` values.
//!
//! Registry key and value names match in any case, as Windows matches them.
//!
//! Not verified (source only; no Windows Thunderbird was run): the order Windows
//! enumerates values and subkeys in, which decides the "first is `1`" array test (file
//! order is assumed; tests say `unverified`); that a DWORD above 2^31-1 behaves as the same
//! number in policies.json does. A `.reg` export stands for the registry as a whole: keys
//! it does not hold are taken to be absent.

use crate::secret::is_credential_name;
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::json::{self, Kind, Member, Value};
use crate::syntax::reg::{self, merge, RegData, RegValue};

use super::policies::{read_object, Policies};

/// The hives Thunderbird reads policies from, in the order it reads them (the later wins).
const HIVES: [&str; 2] = ["hkey_current_user", "hkey_local_machine"];

/// The key under a hive, lower-cased, one segment per element.
const UNDER: [&str; 4] = ["software", "policies", "mozilla", "thunderbird"];

/// True when a `.reg` export's text holds Thunderbird policy keys.
pub(super) fn has_policies(text: &str) -> bool {
    text.to_ascii_lowercase()
        .contains("\\software\\policies\\mozilla\\thunderbird")
}

/// One registry key as Regedit leaves it after importing the file.
#[derive(Debug, Default)]
struct Node<'a> {
    /// The key's name as first written.
    name: String,
    /// The key's name in the first `[…]` line that writes it.
    span: Span,
    values: Vec<&'a RegValue>,
    children: Vec<Node<'a>>,
}

impl<'a> Node<'a> {
    /// Writes `values` into the subkey at `path` (any case), creating what is missing.
    fn insert(&mut self, path: &[(&str, Span)], values: &'a [RegValue]) {
        let Some(((name, span), rest)) = path.split_first() else {
            for v in values {
                self.set(v);
            }
            return;
        };
        if !self
            .children
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(name))
        {
            self.children.push(Node {
                name: (*name).to_owned(),
                span: *span,
                ..Node::default()
            });
        }
        if let Some(child) = self
            .children
            .iter_mut()
            .find(|c| c.name.eq_ignore_ascii_case(name))
        {
            child.insert(rest, values);
        }
    }

    /// Deletes the subkey at `path` (any case) with everything under it.
    fn delete(&mut self, path: &[&str]) {
        match path {
            [] => {}
            [last] => self.children.retain(|c| !c.name.eq_ignore_ascii_case(last)),
            [first, rest @ ..] => {
                if let Some(c) = self
                    .children
                    .iter_mut()
                    .find(|c| c.name.eq_ignore_ascii_case(first))
                {
                    c.delete(rest);
                }
            }
        }
    }

    /// Sets (or with `=-` deletes) a value: a later value of the same name replaces the
    /// earlier one in its place.
    fn set(&mut self, v: &'a RegValue) {
        let at = self.values.iter().position(|old| merge::same_name(old, v));
        match (at, &v.data) {
            (Some(i), RegData::Delete) => {
                self.values.remove(i);
            }
            (None, RegData::Delete) => {}
            (Some(i), _) => {
                if let Some(slot) = self.values.get_mut(i) {
                    *slot = v;
                }
            }
            (None, _) => self.values.push(v),
        }
    }
}

/// Reads the Thunderbird policies of a `.reg` export.
pub(super) fn read(id: FileId, file: &SourceFile) -> Policies {
    let text = &file.text;
    let parsed = reg::parse(text);
    let mut out = Policies {
        secrets: merge::secret_spans(text, &parsed, is_credential_name),
        ..Policies::default()
    };
    let mut roots: [Option<Node<'_>>; 2] = [None, None];
    // Where the Thunderbird blocks are, to report only their syntax errors (the rest of an
    // export is other programs' business).
    let mut ranges = Vec::new();
    for (i, key) in parsed.keys.iter().enumerate() {
        let segments: Vec<&str> = key.path.split('\\').filter(|s| !s.is_empty()).collect();
        let Some(hive) = segments
            .first()
            .and_then(|h| HIVES.iter().position(|x| h.eq_ignore_ascii_case(x)))
        else {
            continue;
        };
        let under = segments
            .get(1..=UNDER.len())
            .is_some_and(|s| s.iter().zip(UNDER).all(|(a, b)| a.eq_ignore_ascii_case(b)));
        if !under {
            continue;
        }
        let next = parsed
            .keys
            .get(i + 1)
            .map(|k| k.line_span.start)
            .unwrap_or(text.len());
        ranges.push(Span::new(key.line_span.start, next));
        let rest = segments.get(UNDER.len() + 1..).unwrap_or(&[]);
        let Some(root) = roots.get_mut(hive) else {
            continue;
        };
        if key.delete {
            // `[-key]` deletes the key and all its subkeys.
            if rest.is_empty() {
                *root = None;
            } else if let Some(r) = root.as_mut() {
                r.delete(rest);
            }
            continue;
        }
        let node = root.get_or_insert_with(|| Node {
            name: "Thunderbird".to_owned(),
            span: key.path_span,
            ..Node::default()
        });
        let path: Vec<(&str, Span)> = rest
            .iter()
            .map(|segment| (*segment, last_segment_span(text, key.path_span, segment)))
            .collect();
        node.insert(&path, &key.values);
    }
    out.findings.extend(
        parsed
            .errors
            .iter()
            .filter(|e| {
                ranges
                    .iter()
                    .any(|r| e.span.start >= r.start && e.span.start < r.end)
            })
            .map(|e| crate::clients::reg_error_finding(id, e)),
    );
    // HKCU first, then HKLM: a top-level name HKLM has replaces HKCU's in its place.
    let mut members: Vec<Member> = Vec::new();
    let mut span = None;
    for root in roots.iter().flatten() {
        span.get_or_insert(root.span);
        let Kind::Object(top) = to_value(root).kind else {
            continue;
        };
        for m in top {
            match members.iter_mut().find(|old| old.key == m.key) {
                Some(old) => *old = m,
                None => members.push(m),
            }
        }
    }
    let object = Value {
        span: span.unwrap_or_default(),
        kind: Kind::Object(members),
    };
    // `hasPolicies`: an object with only empty objects in it is no policy at all.
    out.active = !is_empty_object(&object);
    if out.active {
        read_object(id, &object, &mut out);
    }
    out
}

/// The span of `segment` at the end of a key's path (the whole path if it is not there).
fn last_segment_span(text: &str, path: Span, segment: &str) -> Span {
    let written = text.get(path.start..path.end).unwrap_or("");
    let written = written.trim_end_matches('\\');
    if written.len() >= segment.len()
        && written
            .get(written.len() - segment.len()..)
            .is_some_and(|s| s.eq_ignore_ascii_case(segment))
    {
        let end = path.start + written.len();
        Span::new(end - segment.len(), end)
    } else {
        path
    }
}

/// `registryToObject`: a key as the value Thunderbird makes of it.
fn to_value(node: &Node<'_>) -> Value {
    let is_array = |first: Option<&str>| first == Some("1");
    if is_array(node.values.first().and_then(|v| v.name.as_deref())) {
        let items = node
            .values
            .iter()
            .map(|v| {
                read_value(v).unwrap_or(Value {
                    span: v.data_span,
                    kind: Kind::Null,
                })
            })
            .collect();
        return Value {
            span: node.span,
            kind: Kind::Array(items),
        };
    }
    if is_array(node.children.first().map(|c| c.name.as_str())) {
        let items = node.children.iter().map(|c| to_value(c)).collect();
        return Value {
            span: node.span,
            kind: Kind::Array(items),
        };
    }
    let mut members = Vec::new();
    for v in &node.values {
        if let Some(value) = read_value(v) {
            members.push(Member {
                // The default value `@` has the empty name.
                key: v.name.clone().unwrap_or_default(),
                key_span: v.name_span,
                value,
            });
        }
    }
    for c in &node.children {
        members.push(Member {
            key: c.name.clone(),
            key_span: c.span,
            value: to_value(c),
        });
    }
    Value {
        span: node.span,
        kind: Kind::Object(members),
    }
}

/// `readRegistryValue`: a value's data as Thunderbird reads it; `None` where it drops it.
fn read_value(v: &RegValue) -> Option<Value> {
    let span = v.data_span;
    let number = |n: f64| Kind::Number {
        value: n,
        integer: true,
    };
    let kind = match &v.data {
        RegData::Delete => return None,
        RegData::Sz(s) => Kind::String(s.clone()),
        RegData::Dword(n) => number(f64::from(*n)),
        // REG_SZ and REG_EXPAND_SZ (never expanded).
        RegData::Hex { kind: 1 | 2, .. } => Kind::String(v.data.as_utf16_string()?),
        // REG_DWORD written as bytes.
        RegData::Hex { kind: 4, bytes } => {
            let b: [u8; 4] = bytes.get(..4)?.try_into().ok()?;
            number(f64::from(u32::from_le_bytes(b)))
        }
        // REG_QWORD: a JavaScript number (exact up to 2^53).
        RegData::Hex { kind: 11, bytes } => {
            let b: [u8; 8] = bytes.get(..8)?.try_into().ok()?;
            number(u64::from_le_bytes(b) as f64)
        }
        RegData::Hex { kind: 7, bytes } => return multi_sz(bytes, span),
        // REG_BINARY: one character per byte.
        RegData::Hex { kind: 3, bytes } => {
            Kind::String(bytes.iter().map(|b| char::from(*b)).collect())
        }
        RegData::Hex { .. } => Kind::Null,
    };
    Some(Value { span, kind })
}

/// REG_MULTI_SZ: the strings joined with `\n` and `JSON.parse`d; every span of the result
/// is the value's data (the JSON is not in the file as written).
fn multi_sz(bytes: &[u8], span: Span) -> Option<Value> {
    let units: Vec<u16> = bytes
        .chunks_exact(2)
        .map(|c| match c {
            [a, b] => u16::from_le_bytes([*a, *b]),
            _ => 0,
        })
        .collect();
    let joined = String::from_utf16_lossy(&units).replace('\0', "\n");
    let mut value = json::parse(&joined).value?;
    respan(&mut value, span);
    Some(value)
}

fn respan(value: &mut Value, span: Span) {
    value.span = span;
    match &mut value.kind {
        Kind::Array(items) => {
            for i in items {
                respan(i, span);
            }
        }
        Kind::Object(members) => {
            for m in members {
                m.key_span = span;
                respan(&mut m.value, span);
            }
        }
        _ => {}
    }
}

/// Gecko's `isEmptyObject`: an object whose members are all empty objects (arrays and
/// other values are not empty).
fn is_empty_object(v: &Value) -> bool {
    match &v.kind {
        Kind::Object(members) => members.iter().all(|m| is_empty_object(&m.value)),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::read;
    use crate::clients::thunderbird::layers::PolicyOp;
    use crate::source::SourceFile;
    use crate::syntax::prefs::PrefValue;

    fn policies(text: &str) -> super::Policies {
        read(
            0,
            &SourceFile::new("policies.reg", text.as_bytes().to_vec()),
        )
    }

    const HEAD: &str = "Windows Registry Editor Version 5.00\r\n\r\n";

    /// A DWORD value of the `Preferences` key is a bare value (it locks); a subkey per
    /// pref carries `Value` and `Status`.
    #[test]
    fn preferences_as_values_and_as_subkeys() {
        let p = policies(&format!(
            "{HEAD}[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Mozilla\\Thunderbird\\Preferences]\r\n\
             \"mail.server.default.check_time\"=dword:00000003\r\n\r\n\
             [HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Mozilla\\Thunderbird\\Preferences\\mail.server.default.max_cached_connections]\r\n\
             \"Value\"=dword:00000002\r\n\"Status\"=\"default\"\r\n"
        ));
        assert!(p.active);
        let got: Vec<(PolicyOp, &str, Option<PrefValue>)> = p
            .prefs
            .iter()
            .map(|x| (x.op, x.name.as_str(), x.value.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    PolicyOp::Bare,
                    "mail.server.default.check_time",
                    Some(PrefValue::Int(3))
                ),
                (
                    PolicyOp::Default,
                    "mail.server.default.max_cached_connections",
                    Some(PrefValue::Int(2))
                ),
            ]
        );
        assert_eq!(p.names, ["Preferences"]);
    }

    /// HKLM replaces HKCU's top-level policy whole, wherever it is in the file.
    #[test]
    fn hklm_replaces_hkcu_per_top_level_policy() {
        let p = policies(&format!(
            "{HEAD}[HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Thunderbird\\Preferences]\r\n\
             \"mail.a\"=dword:00000007\r\n\r\n\
             [HKEY_CURRENT_USER\\Software\\Policies\\Mozilla\\Thunderbird\\Preferences]\r\n\
             \"mail.b\"=dword:00000009\r\n\r\n\
             [HKEY_CURRENT_USER\\Software\\Policies\\Mozilla\\Thunderbird]\r\n\
             \"OfferToSaveLogins\"=dword:00000000\r\n"
        ));
        let names: Vec<&str> = p.prefs.iter().map(|x| x.name.as_str()).collect();
        assert_eq!(names, ["signon.rememberSignons", "mail.a"]);
        assert_eq!(p.prefs[0].value, Some(PrefValue::Bool(false)));
    }

    /// `[-key]` deletes a key with its subkeys; `=-` a value; other programs' keys and
    /// empty policy keys are no policy.
    #[test]
    fn deletions_and_empty_keys() {
        let p = policies(&format!(
            "{HEAD}[HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Thunderbird\\Preferences\\mail.x]\r\n\
             \"Value\"=dword:00000002\r\n\r\n\
             [-HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Thunderbird\\Preferences]\r\n\r\n\
             [HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Thunderbird\\Preferences]\r\n\r\n\
             [HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Firefox]\r\n\"DisableAppUpdate\"=dword:00000001\r\n"
        ));
        assert!(!p.active);
        assert!(p.prefs.is_empty());
    }

    /// A key whose first value is named `1` is an array (`registryToObject`); which value
    /// is first depends on Windows' enumeration order, taken to be the file's (unverified).
    /// `Preferences` as an array is no object: the policy is dropped.
    #[test]
    fn first_value_named_1_makes_an_array_enumeration_order_unverified() {
        let p = policies(&format!(
            "{HEAD}[HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Thunderbird\\Preferences]\r\n\
             \"1\"=\"mail.a\"\r\n\"mail.b\"=dword:00000002\r\n"
        ));
        assert!(p.prefs.is_empty());
        assert_eq!(
            p.findings.first().map(|f| f.kind),
            Some(crate::model::FileFindingKind::InvalidValue)
        );
    }

    /// REG_MULTI_SZ holds JSON; a value that does not parse is dropped.
    #[test]
    fn multi_sz_is_json() {
        // {"mail.a": 4} as UTF-16LE, NUL-terminated twice.
        let json = "{\"mail.a\": 4}";
        let mut bytes: Vec<String> = Vec::new();
        for u in json.encode_utf16().chain([0, 0]) {
            let [a, b] = u.to_le_bytes();
            bytes.push(format!("{a:02x}"));
            bytes.push(format!("{b:02x}"));
        }
        let p = policies(&format!(
            "{HEAD}[HKEY_LOCAL_MACHINE\\Software\\Policies\\Mozilla\\Thunderbird]\r\n\
             \"Preferences\"=hex(7):{}\r\n",
            bytes.join(",")
        ));
        assert_eq!(p.prefs.len(), 1);
        assert_eq!(p.prefs[0].value, Some(PrefValue::Int(4)));
        assert_eq!(p.prefs[0].op, PolicyOp::Bare);
    }
}
