//! Thunderbird's value vocabulary: the types of the per-server prefs, and the numbers of
//! socketType/try_ssl and authMethod (reference thunderbird.md §4).

use crate::model::{AuthMethod, Security, Value};

/// The expected type of the per-server prefs that rules read.
pub(super) fn expected_type(name: &str) -> Option<&'static str> {
    let suffix = server_pref_suffix(name)?;
    Some(match suffix {
        "port"
        | "socketType"
        | "authMethod"
        | "check_time"
        | "max_cached_connections"
        | "timeout"
        | "try_ssl" => "int",
        "check_new_mail" | "isSecure" | "login_at_startup" | "use_idle" | "leave_on_server"
        | "download_on_biff" => "bool",
        "hostname" | "realhostname" | "type" | "userName" | "realuserName" | "username" => "string",
        _ => return None,
    })
}

/// `check_time` for `mail.server.server2.check_time` and `mail.smtpserver.smtp1.…`.
fn server_pref_suffix(name: &str) -> Option<&str> {
    let rest = name
        .strip_prefix("mail.server.")
        .or_else(|| name.strip_prefix("mail.smtpserver."))?;
    let (_, suffix) = rest.split_once('.')?;
    Some(suffix)
}

pub(super) fn write_value(v: &Value) -> Option<String> {
    Some(match v {
        Value::Int(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Security(s) => socket_type_number(*s).to_string(),
        Value::Auth(a) => auth_number(*a).to_string(),
    })
}

/// A value as a Regedit `dword:` (eight hex digits): whole numbers in the DWORD range, and
/// booleans as 0 or 1 (registry policies write booleans so).
pub(super) fn write_reg_dword(v: &Value) -> Option<String> {
    let n: u32 = match v {
        Value::Int(i) => u32::try_from(*i).ok()?,
        Value::Bool(b) => u32::from(*b),
        _ => return None,
    };
    Some(format!("dword:{n:08x}"))
}

fn socket_type_number(s: Security) -> i64 {
    match s {
        Security::None => 0,
        // Thunderbird has no opportunistic mode other than its removed 1.
        Security::TryStartTls | Security::RemovedTryStartTls => 1,
        Security::StartTls => 2,
        Security::ImplicitTls => 3,
    }
}

fn auth_number(a: AuthMethod) -> i64 {
    match a {
        AuthMethod::None => 1,
        AuthMethod::Old => 2,
        AuthMethod::PasswordCleartext => 3,
        AuthMethod::PasswordEncrypted => 4,
        AuthMethod::Gssapi => 5,
        AuthMethod::Ntlm => 6,
        AuthMethod::External => 7,
        AuthMethod::Secure => 8,
        AuthMethod::Anything => 9,
        AuthMethod::OAuth2 => 10,
    }
}

pub(super) fn auth_from_number(n: i64) -> Option<AuthMethod> {
    Some(match n {
        1 => AuthMethod::None,
        2 => AuthMethod::Old,
        3 => AuthMethod::PasswordCleartext,
        4 => AuthMethod::PasswordEncrypted,
        5 => AuthMethod::Gssapi,
        6 => AuthMethod::Ntlm,
        7 => AuthMethod::External,
        8 => AuthMethod::Secure,
        9 => AuthMethod::Anything,
        10 => AuthMethod::OAuth2,
        _ => return None,
    })
}

pub(super) fn security_from_number(n: i64) -> Option<Security> {
    Some(match n {
        0 => Security::None,
        1 => Security::RemovedTryStartTls,
        2 => Security::StartTls,
        3 => Security::ImplicitTls,
        _ => return None,
    })
}

/// True for a pref Thunderbird's own default prefs (omni.ja) give an int value, so that a
/// policy's 0 or 1 for it stays an int. Only prefs the model reads are listed: observed on
/// Thunderbird 140.12.0 (tests/interop/layers, case 00: `mail.server.default.check_time`
/// is an int 10; `mail.server.default.max_cached_connections` has no default at all).
pub(super) fn builtin_int(name: &str) -> bool {
    matches!(name, "mail.server.default.check_time")
}
