//! Outlook facts shared by the PRF (`prf.rs`) and registry (`reg.rs`) readers through
//! `account.rs`: what the account properties' numbers mean, the ports Outlook assumes, and
//! the value writers that render a fix in PRF (`60`) or `.reg` (`dword:0000003c`) syntax.
//!
//! Sources: `reference/outlook.md` §1.4 (property IDs and constants from Microsoft's
//! Account Management API docs) and §2.2 (registry value types). Inferences are marked
//! [INF] here and in the rule docs.

use crate::model::{AuthMethod, Protocol, Security, Value, ValueWriter};

/// `…UseSSL` / `… Use SSL` (PROP_INET_SSL, PROP_SMTP_SSL): "A zero value means do not use
/// SSL, otherwise use SSL". [INF] "SSL" is read as implicit TLS: the boolean cannot say
/// STARTTLS, so a STARTTLS setup is not expressible with it (reference §1.4).
pub(crate) fn security_from_use_ssl(v: i64) -> Security {
    if v == 0 {
        Security::None
    } else {
        Security::ImplicitTls
    }
}

/// `SMTPSecureConnection` (PROP_SMTP_SECURE_CONNECTION): each number (ENCRYPT_CONN_NO_SECURITY,
/// _SSL, _TLS, _AUTO), its short name in messages and what it means. TLS is STARTTLS on the plain port (that is how
/// Outlook's UI labels it); [INF] "auto" may fall back to plain text, which is what
/// "STARTTLS if available" means in the model. For the registry value
/// `SMTP Secure Connection` the same enum is itself [INF].
const SECURE_CONNECTION: [(i64, &str, Security); 4] = [
    (0, "none", Security::None),
    (1, "SSL", Security::ImplicitTls),
    (2, "TLS", Security::StartTls),
    (3, "auto", Security::TryStartTls),
];

/// What a `SMTPSecureConnection` number means; `None` for a number outside the enum.
pub(crate) fn security_from_secure_connection(v: i64) -> Option<Security> {
    SECURE_CONNECTION
        .iter()
        .find(|(n, _, _)| *n == v)
        .map(|(_, _, s)| *s)
}

/// The `SMTPSecureConnection` number that says `security`, if any.
pub(crate) fn secure_connection_code(security: Security) -> Option<i64> {
    SECURE_CONNECTION
        .iter()
        .find(|(_, _, s)| *s == security)
        .map(|(n, _, _)| *n)
}

/// The enum for messages: "0 (none), 1 (SSL), 2 (TLS) or 3 (auto)".
pub(crate) fn secure_connection_choices() -> String {
    let all: Vec<String> = SECURE_CONNECTION
        .iter()
        .map(|(n, name, _)| format!("{n} ({name})"))
        .collect();
    match all.split_last() {
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The enum as a short legend: "0 none, 1 SSL, 2 TLS, 3 auto".
pub(crate) fn secure_connection_legend() -> String {
    let all: Vec<String> = SECURE_CONNECTION
        .iter()
        .map(|(n, name, _)| format!("{n} {name}"))
        .collect();
    all.join(", ")
}

/// `SMTPUseAuth` / `SMTP Use Auth`: 0 no authentication, otherwise the account logs in.
/// `use_spa` (Secure Password Authentication) is NTLM.
pub(crate) fn smtp_auth(use_auth: i64, use_spa: bool) -> AuthMethod {
    match (use_auth, use_spa) {
        (0, _) => AuthMethod::None,
        (_, true) => AuthMethod::Ntlm,
        (_, false) => AuthMethod::PasswordCleartext,
    }
}

/// The port Outlook uses when none is set. [INF] No source states Outlook's built-in
/// defaults; these are the protocols' registered ports for the security mode, and 25 for
/// SMTP without TLS (the port Outlook's account dialog has always pre-filled).
pub(crate) fn default_port(protocol: Protocol, security: Security) -> i64 {
    match (protocol, security) {
        (Protocol::Smtp, Security::ImplicitTls) => 465,
        (Protocol::Smtp, Security::StartTls) => 587,
        (Protocol::Smtp, _) => 25,
        (p, Security::ImplicitTls) => p.implicit_tls_port(),
        (p, _) => p.plain_port(),
    }
}

fn use_ssl_number(v: &Value) -> Option<i64> {
    match v {
        Value::Security(Security::None) => Some(0),
        Value::Security(Security::ImplicitTls) => Some(1),
        Value::Bool(b) => Some(i64::from(*b)),
        // STARTTLS cannot be said with the boolean: no fix is offered.
        _ => None,
    }
}

fn secure_connection_number(v: &Value) -> Option<i64> {
    match v {
        Value::Security(s) => secure_connection_code(*s),
        _ => None,
    }
}

fn use_auth_number(v: &Value) -> Option<i64> {
    match v {
        Value::Auth(AuthMethod::None) => Some(0),
        Value::Auth(AuthMethod::PasswordCleartext) => Some(1),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    }
}

fn int_number(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i),
        _ => None,
    }
}

/// Renders a number as a PT_LONG value in a PRF file.
fn prf(n: Option<i64>) -> Option<String> {
    n.map(|n| n.to_string())
}

/// Renders a number as `.reg` REG_DWORD data (exactly 8 lower-case hex digits, as Regedit
/// writes them); `None` outside 0..=u32::MAX.
fn dword(n: Option<i64>) -> Option<String> {
    let n = u32::try_from(n?).ok()?;
    Some(format!("dword:{n:08x}"))
}

fn prf_int(v: &Value) -> Option<String> {
    prf(int_number(v))
}
fn prf_use_ssl(v: &Value) -> Option<String> {
    prf(use_ssl_number(v))
}
fn prf_secure_connection(v: &Value) -> Option<String> {
    prf(secure_connection_number(v))
}
fn prf_use_auth(v: &Value) -> Option<String> {
    prf(use_auth_number(v))
}
fn reg_int(v: &Value) -> Option<String> {
    dword(int_number(v))
}
fn reg_use_ssl(v: &Value) -> Option<String> {
    dword(use_ssl_number(v))
}
fn reg_secure_connection(v: &Value) -> Option<String> {
    dword(secure_connection_number(v))
}
fn reg_use_auth(v: &Value) -> Option<String> {
    dword(use_auth_number(v))
}

/// How one syntax writes the values a fix may change.
pub(crate) struct Writers {
    /// A number (a port, a timeout).
    pub(crate) int: ValueWriter,
    /// `…UseSSL` / `… Use SSL`.
    pub(crate) use_ssl: ValueWriter,
    /// `SMTPSecureConnection` / `SMTP Secure Connection`.
    pub(crate) secure_connection: ValueWriter,
    /// `SMTPUseAuth` / `SMTP Use Auth`.
    pub(crate) use_auth: ValueWriter,
}

/// PT_LONG values in a PRF file (`60`).
pub(crate) const PRF_WRITERS: Writers = Writers {
    int: prf_int,
    use_ssl: prf_use_ssl,
    secure_connection: prf_secure_connection,
    use_auth: prf_use_auth,
};

/// REG_DWORD data in a `.reg` export (`dword:0000003c`).
pub(crate) const REG_WRITERS: Writers = Writers {
    int: reg_int,
    use_ssl: reg_use_ssl,
    secure_connection: reg_secure_connection,
    use_auth: reg_use_auth,
};

/// For settings no fix may write (the incoming login method).
pub(crate) fn no_writer(_: &Value) -> Option<String> {
    None
}

#[cfg(test)]
mod tests {
    use super::{dword, reg_int, reg_use_ssl};
    use crate::model::{Security, Value};

    #[test]
    fn dword_is_eight_hex_digits_and_refuses_what_a_dword_cannot_hold() {
        assert_eq!(reg_int(&Value::Int(60)).as_deref(), Some("dword:0000003c"));
        assert_eq!(dword(Some(-1)), None);
        assert_eq!(dword(Some(1 << 33)), None);
        assert_eq!(reg_use_ssl(&Value::Security(Security::StartTls)), None);
    }
}
