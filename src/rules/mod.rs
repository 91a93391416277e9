//! The rule registry: the [`Rule`] trait, the `declare_rule!` macro, and [`ALL`], the
//! ordered list of rules (its order is the order of `clientlint rules` and docs/rules.md).
//!
//! One file per rule. A rule's doc comment is its `clientlint explain` text, with the
//! sections What it does / Why is this bad? / Example / Fix. Rules read only the model
//! (`model.rs`) and the limits in [`Context`]; they never see file syntax.

use crate::diagnostic::{Diagnostic, FixAvailability, Severity};
use crate::model::budget::Share;
use crate::model::{FileFinding, FileFindingKind, Profile, Server};
use crate::probe::{FindingKind, Probed};
use crate::settings::Settings;
use crate::source::{FileId, Span};

/// Declares a rule type whose doc comment is its explanation.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub(crate) struct $ty:ident {
            name: $name:literal,
            severity: $severity:ident,
            fix: $fix:ident $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub(crate) struct $ty;

        impl $crate::rules::RuleMeta for $ty {
            fn name(&self) -> &'static str {
                $name
            }
            fn default_severity(&self) -> $crate::diagnostic::Severity {
                $crate::diagnostic::Severity::$severity
            }
            fn fix_availability(&self) -> $crate::diagnostic::FixAvailability {
                $crate::diagnostic::FixAvailability::$fix
            }
            fn raw_doc(&self) -> &'static str {
                concat!($($doc, "\n"),+)
            }
        }
    };
}

mod autoconfig_file_missing;
mod autoconfig_first_line_ignored;
mod autoconfig_not_evaluated;
mod deprecated_security_mode;
mod duplicate_account;
mod duplicate_setting;
mod insecure_auth_method;
mod invalid_value;
mod keepalive_holds_idle_connections;
mod not_recommended_port;
mod overridden_setting;
mod password_stored_unencrypted;
mod policies_file_shadowed;
mod policy_not_modelled;
mod poll_interval_too_short;
mod port_security_mismatch;
mod probe_address_not_allowed;
mod probe_auth_unavailable;
mod probe_certificate_invalid;
mod probe_not_the_expected_protocol;
mod probe_server_refuses;
mod probe_starttls_unavailable;
mod probe_timeout;
mod probe_tls_handshake_failed;
mod probe_tls_mode_mismatch;
mod probe_unreachable;
mod probed;
mod server_connection_budget_exceeded;
mod smtp_auth_disabled;
mod smtp_port_25;
mod syntax_error;
mod timeout_disabled;
mod timeout_too_long;
mod too_many_cached_connections;
mod too_many_site_connections;
mod too_many_transfers;
mod unencrypted_connection;
mod unknown_setting;
mod unmapped_prf_key;

/// What the macro generates for every rule.
pub trait RuleMeta {
    /// Stable kebab-case name: in output, in configuration and for `explain`.
    fn name(&self) -> &'static str;
    fn default_severity(&self) -> Severity;
    fn fix_availability(&self) -> FixAvailability;
    /// The doc comment as written (each line still has its leading space).
    fn raw_doc(&self) -> &'static str;

    /// The explanation: the doc comment as Markdown.
    fn explanation(&self) -> String {
        self.raw_doc()
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
            .trim()
            .to_owned()
    }

    /// The first paragraph of "What it does", on one line.
    fn summary(&self) -> String {
        let doc = self.explanation();
        let body = doc
            .split_once("## What it does")
            .map(|(_, rest)| rest)
            .unwrap_or(&doc);
        body.trim()
            .split("\n\n")
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a rule may read besides the model.
pub struct Context<'a> {
    pub settings: &'a Settings,
    /// What `clientlint probe` found when it connected to each configured server; `None`
    /// in every other run, where the probe rules report nothing.
    pub probed: Option<&'a Probed>,
}

impl Context<'_> {
    /// The context of a run without a probe.
    pub fn of(settings: &Settings) -> Context<'_> {
        Context {
            settings,
            probed: None,
        }
    }
}

/// A lint rule.
pub trait Rule: RuleMeta + Sync {
    /// Checks one profile.
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>);

    /// Checks a whole run together (cross-client rules). It sees each profile's budget
    /// [`Share`]s, not the profiles: a fleet-wide run drops profiles once they are linted.
    fn check_run(&self, _shares: &[Share], _ctx: &Context<'_>, _out: &mut Vec<Diagnostic>) {}
}

/// Every rule, in documentation order.
pub static ALL: &[&dyn Rule] = &[
    &server_connection_budget_exceeded::ServerConnectionBudgetExceeded,
    &duplicate_account::DuplicateAccount,
    &too_many_transfers::TooManyTransfers,
    &too_many_site_connections::TooManySiteConnections,
    &too_many_cached_connections::TooManyCachedConnections,
    &keepalive_holds_idle_connections::KeepaliveHoldsIdleConnections,
    &poll_interval_too_short::PollIntervalTooShort,
    &timeout_disabled::TimeoutDisabled,
    &timeout_too_long::TimeoutTooLong,
    &port_security_mismatch::PortSecurityMismatch,
    &unencrypted_connection::UnencryptedConnection,
    &not_recommended_port::NotRecommendedPort,
    &smtp_port_25::SmtpPort25,
    &deprecated_security_mode::DeprecatedSecurityMode,
    &smtp_auth_disabled::SmtpAuthDisabled,
    &insecure_auth_method::InsecureAuthMethod,
    &password_stored_unencrypted::PasswordStoredUnencrypted,
    &syntax_error::SyntaxError,
    &invalid_value::InvalidValue,
    &unknown_setting::UnknownSetting,
    &duplicate_setting::DuplicateSetting,
    &overridden_setting::OverriddenSetting,
    &unmapped_prf_key::UnmappedPrfKey,
    &autoconfig_file_missing::AutoconfigFileMissing,
    &autoconfig_first_line_ignored::AutoconfigFirstLineIgnored,
    &autoconfig_not_evaluated::AutoconfigNotEvaluated,
    &policies_file_shadowed::PoliciesFileShadowed,
    &policy_not_modelled::PolicyNotModelled,
    &probe_unreachable::ProbeUnreachable,
    &probe_timeout::ProbeTimeout,
    &probe_address_not_allowed::ProbeAddressNotAllowed,
    &probe_tls_mode_mismatch::ProbeTlsModeMismatch,
    &probe_certificate_invalid::ProbeCertificateInvalid,
    &probe_tls_handshake_failed::ProbeTlsHandshakeFailed,
    &probe_server_refuses::ProbeServerRefuses,
    &probe_starttls_unavailable::ProbeStarttlsUnavailable,
    &probe_auth_unavailable::ProbeAuthUnavailable,
    &probe_not_the_expected_protocol::ProbeNotTheExpectedProtocol,
];

/// The rule with this name.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    ALL.iter().copied().find(|r| r.name() == name)
}

/// True when `name` is a probe rule: one that reports what `clientlint probe` found when
/// it connected to a server (a [`FindingKind`]), and nothing in any other run.
pub fn is_probe_rule(name: &str) -> bool {
    FindingKind::ALL.iter().any(|k| k.name() == name)
}

/// A diagnostic of `rule` at `anchor`, with the rule's default severity and no fix.
pub(crate) fn diagnostic(
    rule: &dyn RuleMeta,
    profile: &Profile,
    anchor: (FileId, Span),
    label: impl Into<String>,
    message: impl Into<String>,
) -> Diagnostic {
    Diagnostic {
        rule: rule.name(),
        severity: rule.default_severity(),
        message: message.into(),
        help: None,
        file: anchor.0,
        span: anchor.1,
        label: label.into(),
        notes: Vec::new(),
        client: profile.client,
        account: None,
        fix: None,
        managed_by: None,
        client_line: None,
    }
}

/// A diagnostic about a server: carries the account.
pub(crate) fn server_diagnostic(
    rule: &dyn RuleMeta,
    profile: &Profile,
    server: &Server,
    anchor: (FileId, Span),
    label: impl Into<String>,
    message: impl Into<String>,
) -> Diagnostic {
    let mut d = diagnostic(rule, profile, anchor, label, message);
    d.account = Some(server.account.clone().unwrap_or_else(|| server.key.clone()));
    d
}

/// Reports the parser's findings of one kind: the file-validity rules are these.
pub(crate) fn report_findings(
    rule: &dyn RuleMeta,
    profile: &Profile,
    kind: FileFindingKind,
    out: &mut Vec<Diagnostic>,
) {
    for f in profile.findings.iter().filter(|f| f.kind == kind) {
        out.push(finding_diagnostic(rule, profile, &f.finished()));
    }
}

fn finding_diagnostic(rule: &dyn RuleMeta, profile: &Profile, f: &FileFinding) -> Diagnostic {
    let mut d = diagnostic(
        rule,
        profile,
        (f.file, f.span),
        f.label.clone(),
        f.message.clone(),
    );
    d.help = f.help.clone();
    d.notes = f.notes.clone();
    d.account = f.account.clone();
    d.client_line = f.client_line;
    d
}

/// "the IMAP server imap.example.com of account1". A `Display` rather than a `String`: it
/// is always part of a longer message, and is written straight into it.
pub(crate) fn describe_server(server: &Server) -> ServerDescription<'_> {
    ServerDescription(server)
}

/// See [`describe_server`].
pub(crate) struct ServerDescription<'a>(&'a Server);

impl std::fmt::Display for ServerDescription<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let server = self.0;
        let host = server.host_name();
        let host = if host.is_empty() { "(no host)" } else { host };
        match &server.account {
            Some(a) => write!(f, "{} server `{host}` of `{a}`", server.protocol.name()),
            None => write!(
                f,
                "{} server `{host}` (`{}`)",
                server.protocol.name(),
                server.key
            ),
        }
    }
}

/// Edits that make a server use `port` with `security`. A port that follows the security
/// mode is left alone when the new mode's default is already `port`.
pub(crate) fn set_port_and_security(
    server: &Server,
    port: i64,
    security: crate::model::Security,
) -> Vec<Option<crate::diagnostic::Edit>> {
    use crate::model::{Security, Value};
    let mut edits = Vec::new();
    if server.security.value != security {
        edits.push(server.security.edit_to(&Value::Security(security)));
    }
    let port_after = if server.port_follows_security {
        if security == Security::ImplicitTls {
            server.protocol.implicit_tls_port()
        } else {
            server.protocol.plain_port()
        }
    } else {
        server.port.value
    };
    if port_after != port {
        edits.push(server.port.edit_to(&Value::Int(port)));
    }
    edits
}

#[cfg(test)]
mod tests {
    use super::{find, is_probe_rule, ALL};
    use crate::diagnostic::FixAvailability;
    use crate::probe::FindingKind;

    #[test]
    fn every_probe_finding_kind_has_its_rule() {
        for kind in FindingKind::ALL {
            assert!(find(kind.name()).is_some(), "no rule {}", kind.name());
        }
        let probe_rules = ALL.iter().filter(|r| is_probe_rule(r.name())).count();
        assert_eq!(probe_rules, FindingKind::ALL.len());
        for rule in ALL.iter().filter(|r| r.name().starts_with("probe-")) {
            assert!(is_probe_rule(rule.name()), "{} has no kind", rule.name());
        }
    }

    #[test]
    fn names_are_unique_kebab_case_and_match_their_file() {
        let mut seen = std::collections::BTreeSet::new();
        for rule in ALL {
            let name = rule.name();
            assert!(seen.insert(name), "duplicate rule name {name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                "{name} is not kebab-case"
            );
            let file = format!("src/rules/{}.rs", name.replace('-', "_"));
            assert!(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join(&file)
                    .is_file(),
                "{name} has no file {file}"
            );
        }
    }

    #[test]
    fn every_rule_documents_the_required_sections() {
        for rule in ALL {
            let doc = rule.explanation();
            for section in [
                "## What it does",
                "## Why is this bad?",
                "## Example",
                "## Fix",
            ] {
                assert!(doc.contains(section), "{} lacks {section}", rule.name());
            }
            assert!(!rule.summary().is_empty(), "{} has no summary", rule.name());
        }
    }

    #[test]
    fn fixable_rules_say_so_in_their_docs() {
        for rule in ALL {
            let doc = rule.explanation();
            let fix_section = doc.split("## Fix").nth(1).unwrap_or("");
            match rule.fix_availability() {
                FixAvailability::Never => assert!(
                    fix_section.contains("None") || fix_section.contains("none"),
                    "{} never fixes but its Fix section does not say so",
                    rule.name()
                ),
                _ => assert!(
                    fix_section.contains("safe") || fix_section.contains("unsafe"),
                    "{} fixes but does not say whether the fix is safe",
                    rule.name()
                ),
            }
        }
    }
}
