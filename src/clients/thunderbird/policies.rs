//! Enterprise policies (`policies.json`): which prefs the `Preferences` policy and the
//! policies that lock prefs set, as Thunderbird 140 reads them (FACTS.md facts 12–25 in
//! `tests/interop/layers/`; the accepted prefs are pinned from Thunderbird's own
//! `Policies.sys.mjs` in `policies-accepted-prefs.json`).
//!
//! The file is read as `JSON.parse` reads it: the last of duplicate keys wins, `"//"` keys
//! are comments by convention. A file that does not parse applies no policy at all, and
//! Thunderbird says so only in its error console.

use crate::model::{FileFinding, FileFindingKind};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::json::{self, Kind, Member, Value};
use crate::syntax::prefs::PrefValue;

use super::layers::PolicyOp;

/// Prefixes the `Preferences` policy accepts (Thunderbird 140.12.0's
/// `modules/policies/Policies.sys.mjs`, pinned by a test against
/// `tests/interop/layers/policies-accepted-prefs.json`). The test is a plain string prefix:
/// `general.autoScroll` has no dot, so `general.autoScrollX` is accepted (case 22).
pub(super) const ACCEPTED_PREFIXES: &[&str] = &[
    "accessibility.",
    "app.update.",
    "browser.",
    "calendar.",
    "chat.",
    "datareporting.policy.",
    "dom.",
    "extensions.",
    "general.autoScroll",
    "general.smoothScroll",
    "geo.",
    "gfx.",
    "intl.",
    "layers.",
    "layout.",
    "mail.",
    "mailnews.",
    "media.",
    "network.",
    "pdfjs.",
    "places.",
    "print.",
    "signon.",
    "spellchecker.",
    "ui.",
    "widget.",
];

/// A pref a policy sets, with the value converted as Thunderbird converts it.
#[derive(Debug, Clone)]
pub(super) struct PolicyPref {
    pub(super) op: PolicyOp,
    pub(super) name: String,
    pub(super) value: Option<PrefValue>,
    pub(super) name_span: Span,
    pub(super) value_span: Span,
    pub(super) statement_span: Span,
}

/// What a policies.json makes Thunderbird do to prefs, and what is wrong with it.
#[derive(Debug, Default)]
pub(super) struct Policies {
    /// In the order Thunderbird applies them.
    pub(super) prefs: Vec<PolicyPref>,
    pub(super) findings: Vec<FileFinding>,
    /// Secret values (passwords in third-party policy blocks): masked in every output.
    pub(super) secrets: Vec<Span>,
    /// False when the file does not parse or has no `policies` object: nothing applies.
    pub(super) active: bool,
    /// The top-level policies present (the last copy of each), whether Thunderbird knows
    /// them or not: a registry policy replaces the policies.json one of the same name.
    pub(super) names: Vec<String>,
    /// Set for Thunderbird 153 and later ([`super::machine::is_153_or_later`]): an entry of
    /// `Preferences` that fails the schema is ignored alone, the others apply (153.8.0,
    /// case 23: "The entry was ignored."); 140 dropped the whole policy.
    pub(super) entry_errors_stay_in_entry: bool,
}

/// The top-level policy a pref statement comes from.
pub(super) fn policy_of(op: PolicyOp) -> &'static str {
    match op {
        PolicyOp::Other(name) => name,
        _ => "Preferences",
    }
}

/// A value as a policy of schema type `boolean` takes it: `true`/`false`, or the number 0
/// or 1, which Gecko's `JsonSchemaValidator._validateSimpleParam` turns into a boolean
/// (the form Windows registry policies take).
fn schema_bool(v: &Value) -> Option<bool> {
    match v.kind {
        Kind::Bool(b) => Some(b),
        Kind::Number { value: 0.0, .. } => Some(false),
        Kind::Number { value: 1.0, .. } => Some(true),
        _ => None,
    }
}

/// Reads a policies.json.
pub(super) fn read(id: FileId, file: &SourceFile, version: Option<u32>) -> Policies {
    let mut out = Policies {
        entry_errors_stay_in_entry: super::machine::is_153_or_later(version),
        ..Policies::default()
    };
    if file.text.trim().is_empty() {
        // An empty file is no policy at all, without an error (case 15).
        return out;
    }
    let doc = json::parse(&file.text);
    let Some(root) = doc.value else {
        if let Some(e) = doc.error {
            out.findings.push(
                FileFinding::new(
                    FileFindingKind::SyntaxError,
                    id,
                    e.span,
                    "not JSON",
                    format!(
                        "{}: Thunderbird applies no policy from this file and says so only in its error console",
                        e.message
                    ),
                )
                .help("correct the JSON (a trailing comma, a missing quote or comma is the usual cause)"),
            );
        }
        return out;
    };
    collect_secrets(&root, false, &mut out.secrets);
    let Some(policies) = root
        .get("policies")
        .filter(|m| matches!(m.value.kind, Kind::Object(_)))
    else {
        out.findings.push(
            FileFinding::new(
                FileFindingKind::InvalidValue,
                id,
                root.span,
                "no \"policies\" object",
                "the file has no top-level \"policies\" object: Thunderbird applies no policy from it",
            )
            .help("put the policies inside {\"policies\": { … }}"),
        );
        return out;
    };
    out.active = true;
    read_object(id, &policies.value, &mut out);
    out
}

/// The top-level policies of a `policies` object (from policies.json, or built from a
/// `.reg` export by [`super::registry`]): the prefs they set, in the order Thunderbird
/// applies them, and the names of the policies present.
pub(super) fn read_object(id: FileId, policies: &Value, out: &mut Policies) {
    report_duplicates(id, policies, &mut out.findings);
    for member in policies.effective_members() {
        out.names.push(member.key.clone());
        match member.key.as_str() {
            "Preferences" => preferences(id, member, out),
            "OfferToSaveLogins" | "PasswordManagerEnabled" => {
                let name = if member.key == "OfferToSaveLogins" {
                    "OfferToSaveLogins"
                } else {
                    "PasswordManagerEnabled"
                };
                if let Some(b) = schema_bool(&member.value) {
                    out.prefs.push(PolicyPref {
                        op: PolicyOp::Other(name),
                        name: "signon.rememberSignons".to_owned(),
                        value: Some(PrefValue::Bool(b)),
                        name_span: member.key_span,
                        value_span: member.value.span,
                        statement_span: Span::new(member.key_span.start, member.value.span.end),
                    });
                }
            }
            "SSLVersionMin" | "SSLVersionMax" => {
                let (policy, pref) = if member.key == "SSLVersionMin" {
                    ("SSLVersionMin", "security.tls.version.min")
                } else {
                    ("SSLVersionMax", "security.tls.version.max")
                };
                let version = match member.value.as_str() {
                    Some("tls1") => 1,
                    Some("tls1.1") => 2,
                    Some("tls1.2") => 3,
                    Some("tls1.3") => 4,
                    _ => continue,
                };
                out.prefs.push(PolicyPref {
                    op: PolicyOp::Other(policy),
                    name: pref.to_owned(),
                    value: Some(PrefValue::Int(version)),
                    name_span: member.key_span,
                    value_span: member.value.span,
                    statement_span: Span::new(member.key_span.start, member.value.span.end),
                });
            }
            // Other policies set no pref a rule reads.
            _ => {}
        }
    }
}

/// The `Preferences` policy. One entry that fails the policy's schema (an unknown
/// Status) drops the whole policy on Thunderbird 140 and only itself on 153 (case 23); a
/// pref outside the accepted names is refused on its own (case 22).
fn preferences(id: FileId, policy: &Member, out: &mut Policies) {
    let Kind::Object(_) = policy.value.kind else {
        out.findings.push(FileFinding::new(
            FileFindingKind::InvalidValue,
            id,
            policy.value.span,
            "not an object",
            "`Preferences` must be an object of pref names: Thunderbird drops the policy",
        ));
        return;
    };
    report_duplicates(id, &policy.value, &mut out.findings);
    let mut prefs = Vec::new();
    // `"//"` keys are comments by convention (Thunderbird refuses them as prefs, on its
    // console only, and goes on).
    for entry in policy
        .value
        .effective_members()
        .into_iter()
        .filter(|m| m.key != "//")
    {
        match pref_of(id, entry, out.entry_errors_stay_in_entry, &mut out.findings) {
            Ok(Some(pref)) => prefs.push(pref),
            Ok(None) => {}
            // The schema check failed: on 153 the entry alone is ignored.
            Err(()) if out.entry_errors_stay_in_entry => {}
            // On 140 nothing of this policy applies.
            Err(()) => return,
        }
    }
    out.prefs.extend(prefs);
}

/// One entry of `Preferences`: `Ok(None)` when Thunderbird refuses that pref alone,
/// `Err(())` when the entry makes the whole policy fail.
fn pref_of(
    id: FileId,
    entry: &Member,
    entry_errors_stay_in_entry: bool,
    findings: &mut Vec<FileFinding>,
) -> Result<Option<PolicyPref>, ()> {
    let name = entry.key.as_str();
    let (op, value_json) = match &entry.value.kind {
        Kind::Object(_) => {
            let status = entry.value.get("Status");
            let op = match status.map(|s| s.value.as_str()) {
                None => PolicyOp::Default,
                Some(Some("default")) => PolicyOp::Default,
                Some(Some("locked")) => PolicyOp::Locked,
                Some(Some("user")) => PolicyOp::User,
                Some(Some("clear")) => PolicyOp::Clear,
                Some(_) => {
                    let span = status.map(|s| s.value.span).unwrap_or(entry.value.span);
                    let effect = if entry_errors_stay_in_entry {
                        "Thunderbird 153 and later ignore this entry, so this pref is not set"
                    } else {
                        "Thunderbird rejects the whole Preferences policy, so none of its prefs applies"
                    };
                    findings.push(
                        FileFinding::new(
                            FileFindingKind::InvalidValue,
                            id,
                            span,
                            "not a Status",
                            format!("the Status of `{name}` is not one of \"default\", \"locked\", \"user\", \"clear\" (they are case-sensitive): {effect}"),
                        )
                        .help("write the Status in lower case"),
                    );
                    return Err(());
                }
            };
            (op, entry.value.get("Value").map(|m| &m.value))
        }
        _ => (PolicyOp::Bare, Some(&entry.value)),
    };
    if !accepted(name) {
        findings.push(
            FileFinding::new(
                FileFindingKind::UnknownSetting,
                id,
                entry.key_span,
                "refused",
                format!("Thunderbird refuses `{name}` in the Preferences policy (only prefs under mail., mailnews., network., signon. and a few more are accepted): it is not set"),
            )
            .help("set this pref with AutoConfig or a default prefs file instead"),
        );
        return Ok(None);
    }
    let value = match (op, value_json) {
        (PolicyOp::Clear, _) => None,
        (_, None) => {
            findings.push(FileFinding::new(
                FileFindingKind::InvalidValue,
                id,
                entry.key_span,
                "no Value",
                format!(
                    "`{name}` has no \"Value\": Thunderbird rejects the whole Preferences policy"
                ),
            ));
            return Err(());
        }
        (_, Some(v)) => match pref_value(v) {
            Some(v) => Some(v),
            None => {
                findings.push(FileFinding::new(
                    FileFindingKind::InvalidValue,
                    id,
                    v.span,
                    "not a pref value",
                    format!("the value of `{name}` is {}, which is not a pref value (a whole number, true/false or a string): Thunderbird rejects the whole Preferences policy", v.type_name()),
                ));
                return Err(());
            }
        },
    };
    let value_span = value_json.map(|v| v.span).unwrap_or(entry.value.span);
    Ok(Some(PolicyPref {
        op,
        name: name.to_owned(),
        value,
        name_span: entry.key_span,
        value_span,
        statement_span: Span::new(entry.key_span.start, entry.value.span.end),
    }))
}

/// True when the `Preferences` policy accepts this pref name.
pub(super) fn accepted(name: &str) -> bool {
    ACCEPTED_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// A JSON value as a pref value: whole numbers in the int range, booleans, strings.
pub(super) fn pref_value(v: &Value) -> Option<PrefValue> {
    match &v.kind {
        Kind::Bool(b) => Some(PrefValue::Bool(*b)),
        Kind::String(s) => Some(PrefValue::Str(s.clone())),
        Kind::Number {
            value,
            integer: true,
        } if *value >= f64::from(i32::MIN) && *value <= f64::from(i32::MAX) => {
            Some(PrefValue::Int(*value as i32))
        }
        _ => None,
    }
}

/// Keys given twice in one object: `JSON.parse` keeps the last, silently. `"//"` keys are
/// comments by convention and may repeat.
fn report_duplicates(id: FileId, object: &Value, findings: &mut Vec<FileFinding>) {
    let Kind::Object(members) = &object.kind else {
        return;
    };
    for (i, m) in members.iter().enumerate() {
        if m.key == "//" {
            continue;
        }
        if let Some(later) = members.iter().skip(i + 1).find(|l| l.key == m.key) {
            findings.push(
                FileFinding::new(
                    FileFindingKind::DuplicateSetting,
                    id,
                    m.key_span,
                    "ignored copy",
                    format!(
                        "`{}` is given twice in this object: Thunderbird uses the last one",
                        m.key
                    ),
                )
                .help("delete this copy so the file says what Thunderbird does")
                .note(id, later.key_span, "this later copy wins"),
            );
        }
    }
}

/// String values of secret-named keys, anywhere in the document.
pub(super) fn collect_secrets(value: &Value, secret: bool, out: &mut Vec<Span>) {
    match &value.kind {
        Kind::String(_) if secret => out.push(value.span),
        Kind::Object(members) => {
            for m in members {
                collect_secrets(&m.value, secret || super::is_secret_pref(&m.key), out);
            }
        }
        Kind::Array(items) => {
            for item in items {
                collect_secrets(item, secret, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{accepted, read, ACCEPTED_PREFIXES};
    use crate::clients::thunderbird::layers::PolicyOp;
    use crate::model::FileFindingKind;
    use crate::source::SourceFile;

    fn policies(text: &str) -> super::Policies {
        policies_of(text, None)
    }

    fn policies_of(text: &str, version: Option<u32>) -> super::Policies {
        read(
            0,
            &SourceFile::new("policies.json", text.as_bytes().to_vec()),
            version,
        )
    }

    /// The list is the one Thunderbird 140.12.0 ships (pinned from its omni.ja).
    #[test]
    fn accepted_prefixes_are_thunderbird_140s() {
        let pinned: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string("tests/interop/layers/policies-accepted-prefs.json")
                .expect("pinned list"),
        )
        .expect("json");
        let list: Vec<&str> = pinned["preferences_policy"]["allowed_prefixes"]
            .as_array()
            .expect("array")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(list, ACCEPTED_PREFIXES);
        assert!(accepted("general.autoScrollX"));
        assert!(!accepted("mailx.test"));
    }

    #[test]
    fn statuses_bare_values_and_other_policies() {
        let p = policies(
            r#"{"policies": {"Preferences": {
                "mail.server.default.check_time": {"Value": 4, "Status": "default"},
                "mail.server.server1.max_cached_connections": {"Value": 2, "Status": "locked"},
                "mail.server.server2.check_time": 12,
                "mail.server.server3.check_time": {"Status": "clear"},
                "toolkit.x": 1
            }, "SSLVersionMin": "tls1.3"}}"#,
        );
        assert!(p.active);
        let ops: Vec<PolicyOp> = p.prefs.iter().map(|p| p.op).collect();
        assert_eq!(
            ops,
            vec![
                PolicyOp::Default,
                PolicyOp::Locked,
                PolicyOp::Bare,
                PolicyOp::Clear,
                PolicyOp::Other("SSLVersionMin")
            ]
        );
        assert_eq!(p.findings.len(), 1);
        assert_eq!(p.findings[0].kind, FileFindingKind::UnknownSetting);
    }

    /// A boolean policy takes 0 and 1 as Gecko's `JsonSchemaValidator` does (the form
    /// registry policies write); other numbers are not booleans.
    #[test]
    fn boolean_policies_take_zero_and_one() {
        let p = policies(r#"{"policies": {"OfferToSaveLogins": 0, "Foo": {}}}"#);
        assert_eq!(p.prefs.len(), 1);
        assert_eq!(
            p.prefs[0].value,
            Some(crate::syntax::prefs::PrefValue::Bool(false))
        );
        assert_eq!(p.names, ["OfferToSaveLogins", "Foo"]);
        let p = policies(r#"{"policies": {"PasswordManagerEnabled": 2}}"#);
        assert!(p.prefs.is_empty());
    }

    #[test]
    fn an_invalid_status_drops_the_whole_preferences_policy() {
        let text = r#"{"policies": {"Preferences": {"mail.a": {"Value": 1, "Status": "Locked"}, "mail.b": 2}}}"#;
        for version in [None, Some(140), Some(152)] {
            let p = policies_of(text, version);
            assert!(p.prefs.is_empty(), "{version:?}");
            assert_eq!(p.findings[0].kind, FileFindingKind::InvalidValue);
            assert!(p.findings[0].message.contains("whole Preferences policy"));
        }
    }

    /// Thunderbird 153.8.0 ignored only the entry ("The entry was ignored.", interop case
    /// 23): the other prefs of the policy apply.
    #[test]
    fn on_153_an_invalid_status_drops_only_its_entry() {
        let text = r#"{"policies": {"Preferences": {"mail.a": {"Value": 1, "Status": "Locked"}, "mail.b": 2}}}"#;
        for version in [Some(153), Some(160)] {
            let p = policies_of(text, version);
            let names: Vec<&str> = p.prefs.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names, ["mail.b"], "{version:?}");
            assert_eq!(p.findings[0].kind, FileFindingKind::InvalidValue);
            assert!(p.findings[0].message.contains("ignore this entry"));
        }
    }

    #[test]
    fn broken_json_applies_nothing_and_comment_keys_may_repeat() {
        let p = policies("{\"policies\": {\"Preferences\": {\"mail.a\": 1,}}}");
        assert!(!p.active && p.prefs.is_empty());
        assert_eq!(p.findings[0].kind, FileFindingKind::SyntaxError);
        let p = policies(
            r#"{"policies": {"//": "a", "//": "b", "Preferences": {"mail.a": 1, "mail.a": 2}}}"#,
        );
        assert_eq!(p.findings.len(), 1, "{:?}", p.findings);
        assert_eq!(p.findings[0].kind, FileFindingKind::DuplicateSetting);
        assert_eq!(p.prefs.len(), 1);
    }

    #[test]
    fn passwords_in_any_policy_are_secrets() {
        let text = r#"{"policies": {"3rdparty": {"Extensions": {"x": {"password": {"Value": "hunter2"}}}}}}"#;
        let p = policies(text);
        assert_eq!(p.secrets.len(), 1);
        let s = p.secrets[0];
        assert_eq!(&text[s.start..s.end], "\"hunter2\"");
    }
}
