//! Registry exports (`.reg`) of Outlook profiles → the common model.
//!
//! The syntax is read by `reg.rs`; this module knows which keys are Outlook accounts and
//! what their values mean (reference `outlook.md` §2): an account is a subkey of 8 hex
//! digits under `…\Profiles\<profile>\9375CFF0413111d3B88A00104B2A6676`, where the
//! profiles live under `Software\Microsoft\Office\<15.0|16.0>\Outlook` or, up to Outlook
//! 2010, `Software\Microsoft\Windows NT\CurrentVersion\Windows Messaging Subsystem`.
//! Host names are REG_BINARY UTF-16LE with a NUL (or REG_SZ); ports and switches are
//! REG_DWORD. `… Password` values are DPAPI blobs: never decoded, always masked.
//!
//! Regedit applies a file top to bottom, so a key that appears twice is merged and the
//! last copy of a value wins; `[-key]` deletes what came before (`syntax::reg::merge`).

use super::account::{Account, Found, Keys, Syntax};
use super::values::{Writers, REG_WRITERS};
use crate::model::{FileFinding, FileFindingKind, Profile, Protocol};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::reg::merge::{self, KeyGroup};
use crate::syntax::reg::{ParsedReg, RegData, RegValue};

/// The subkey that holds Outlook's internet accounts (reference §2.1).
const ACCOUNTS_GUID: &str = "9375CFF0413111d3B88A00104B2A6676";

/// True for a value name that holds a credential (`IMAP Password`, `SMTP Password`, and
/// any other [`crate::secret`] name: a hand-made export may hold one under any name).
fn is_secret_name(name: &str) -> bool {
    crate::secret::is_credential_name(name)
}

/// Masks every password value, including one Regedit rejects and the continuation lines
/// it drops, so no output can show its bytes.
pub(super) fn secrets(file: &SourceFile, parsed: &ParsedReg) -> Vec<Span> {
    merge::secret_spans(&file.text, parsed, is_secret_name)
}

/// `<profile>\<account subkey>` when `path` is an Outlook account key.
fn account_label(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split('\\').filter(|p| !p.is_empty()).collect();
    let at = parts
        .iter()
        .position(|p| p.eq_ignore_ascii_case(ACCOUNTS_GUID))?;
    let sub = parts.get(at + 1)?;
    if parts.len() != at + 2 || sub.len() != 8 || !sub.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let profile = parts.get(at.checked_sub(1)?)?;
    let profiles = parts.get(at.checked_sub(2)?)?;
    let parent = parts.get(at.checked_sub(3)?)?;
    let known_parent = parent.eq_ignore_ascii_case("Outlook")
        || parent.eq_ignore_ascii_case("Windows Messaging Subsystem");
    (profiles.eq_ignore_ascii_case("Profiles") && known_parent).then(|| format!("{profile}\\{sub}"))
}

/// True for a Group Policy key of Outlook: `…\Software\Policies\Microsoft\Office\<version>
/// \Outlook` and its subkeys (real exports write `office` in any case; compared lower-cased).
fn is_outlook_policy(path_lower: &str) -> bool {
    let parts: Vec<&str> = path_lower.split('\\').collect();
    parts.windows(6).any(|w| {
        w[0] == "software"
            && w[1] == "policies"
            && w[2] == "microsoft"
            && w[3] == "office"
            && w[4].chars().all(|c| c.is_ascii_digit() || c == '.')
            && w[5] == "outlook"
    })
}

/// A Group Policy key for Outlook: listed, since policy values override what a user sets,
/// but not modelled — which values override which account settings is not verified.
fn policy_finding(id: FileId, g: &KeyGroup<'_>) -> Option<FileFinding> {
    let first = g.blocks.first()?;
    let values = g.effective();
    if values.is_empty() {
        return None;
    }
    let names: Vec<String> = values
        .iter()
        .map(|v| format!("`{}`", v.name.as_deref().unwrap_or("(default)")))
        .collect();
    Some(
        FileFinding::new(
            FileFindingKind::PolicyNotModelled,
            id,
            first.path_span,
            "Group Policy",
            format!(
                "this key holds Outlook Group Policy values ({}): policies override the user's own settings, but clientlint does not model which settings they change",
                names.join(", ")
            ),
        )
        .help("check these values against the account settings clientlint reports"),
    )
}

/// The values in effect under one account key.
pub(super) struct Reg<'a> {
    values: Vec<&'a RegValue>,
    /// Where a missing value is added: after the last line of the key's last block.
    insert_at: usize,
}

impl<'a> Reg<'a> {
    fn get(&self, name: &str) -> Option<&'a RegValue> {
        self.values
            .iter()
            .copied()
            .find(|v| v.name.as_deref().map(|n| n.eq_ignore_ascii_case(name)) == Some(true))
    }
}

fn found(v: &RegValue, name: &str) -> Found {
    Found {
        key: name.to_owned(),
        key_span: v.name_span,
        value_span: v.data_span,
    }
}

impl Syntax for Reg<'_> {
    const KEYS: Keys = Keys {
        server: "{p} Server",
        user: "{p} User",
        port: "{p} Port",
        use_ssl: "{p} Use SSL",
        secure_connection: "{p} Secure Connection",
        use_auth: "{p} Use Auth",
        // Not observed in 16.0 account keys (reference §7 q.2).
        use_spa: None,
        auth_method: None,
        // No registry value for the server timeout is known (reference §2.2).
        timeout: None,
        leave_on_server: None,
    };
    const WRITERS: Writers = REG_WRITERS;
    const NUMBERS_DOCUMENTED: bool = false;

    fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// REG_SZ, or REG_BINARY holding UTF-16LE.
    fn text(&self, name: &str) -> Option<(Found, String)> {
        let v = self.get(name)?;
        let s = v.data.as_utf16_string()?;
        (!s.is_empty()).then(|| (found(v, name), s))
    }

    /// A REG_DWORD; a value of another type is reported.
    fn number(
        account: &Account<Self>,
        name: &str,
        findings: &mut Vec<FileFinding>,
    ) -> Option<(Found, i64)> {
        let v = account.values.get(name)?;
        let n = match &v.data {
            RegData::Dword(n) => *n,
            // `hex(4):` with 4 bytes is a REG_DWORD written the long way.
            RegData::Hex { kind: 4, bytes } if bytes.len() == 4 => bytes
                .iter()
                .rev()
                .fold(0u32, |acc, b| (acc << 8) | u32::from(*b)),
            _ => {
                findings.push(
                    account
                        .finding(
                            FileFindingKind::InvalidValue,
                            v.data_span,
                            "not a dword",
                            format!(
                                "`{name}` must be a REG_DWORD (`dword:…`), but has another type: Outlook reads it as a number and ignores this value"
                            ),
                        )
                        .help(format!("write it as `\"{name}\"=dword:XXXXXXXX` (8 hex digits)")),
                );
                return None;
            }
        };
        Some((found(v, name), i64::from(n)))
    }

    /// Adds `"name"=…` after the key's last value: Regedit applies the file in order, so
    /// the added value is the one that stays.
    fn insertion(account: &Account<Self>, name: &str) -> Option<(usize, String)> {
        Some((
            account.values.insert_at,
            format!("{}\"{name}\"=", account.eol),
        ))
    }
}

/// Builds the model of one `.reg` file.
pub(super) fn build_profile(id: FileId, file: &SourceFile, parsed: &ParsedReg) -> Profile {
    let mut profile = Profile::new(super::ID, file.display_path());
    profile.files = vec![id];
    for e in &parsed.errors {
        profile
            .findings
            .push(crate::clients::reg_error_finding(id, e));
    }
    for g in merge::groups(parsed) {
        report_duplicates(id, &g, &mut profile.findings);
        let Some(first) = g.blocks.first() else {
            continue;
        };
        if is_outlook_policy(&g.path_lower) {
            profile.findings.extend(policy_finding(id, &g));
            continue;
        }
        let Some(label) = account_label(&first.path) else {
            continue;
        };
        let values = g.effective();
        if values.is_empty() {
            continue;
        }
        let insert_at = g.insert_at().unwrap_or(first.line_span.end);
        let reg = Reg { values, insert_at };
        let account = Account::new(id, file, label, first.path_span, reg);
        let incoming = [Protocol::Imap, Protocol::Pop3]
            .into_iter()
            .find(|p| account.has_server(*p));
        let mut findings = Vec::new();
        profile
            .servers
            .extend(account.servers(incoming, &mut findings));
        profile.findings.extend(findings);
    }
    profile
}

/// The same value written twice for one key: Regedit writes both, the last one stays.
fn report_duplicates(id: FileId, g: &KeyGroup<'_>, out: &mut Vec<FileFinding>) {
    let account = g.blocks.first().and_then(|k| account_label(&k.path));
    for o in g.overwritten() {
        out.push(FileFinding {
            account: account.clone(),
            ..crate::clients::overwritten_finding(id, &o)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{account_label, build_profile};
    use crate::model::{AuthMethod, Protocol, Security};
    use crate::source::SourceFile;
    use crate::syntax::reg;

    #[test]
    fn recognises_account_keys_of_every_outlook_generation() {
        let base = "HKEY_CURRENT_USER\\Software\\Microsoft";
        assert_eq!(
            account_label(&format!("{base}\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000002")).as_deref(),
            Some("Outlook\\00000002")
        );
        assert!(account_label(&format!("{base}\\Windows NT\\CurrentVersion\\Windows Messaging Subsystem\\Profiles\\P\\9375cff0413111d3b88a00104b2a6676\\0000000a")).is_some());
        assert!(account_label(&format!(
            "{base}\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676"
        ))
        .is_none());
        assert!(account_label(&format!("{base}\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\0002")).is_none());
    }

    #[test]
    fn models_an_account_with_utf16_host_and_dwords() {
        let text = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000002]\r\n\"IMAP Server\"=hex:69,00,6d,00,61,00,70,00,2e,00,65,00,78,00,61,00,6d,00,70,00,\\\r\n  6c,00,65,00,2e,00,6e,00,65,00,74,00,00,00\r\n\"IMAP Port\"=dword:000003e1\r\n\"IMAP Use SSL\"=dword:00000001\r\n\"SMTP Server\"=\"smtp.example.net\"\r\n\"SMTP Port\"=dword:0000024b\r\n\"SMTP Secure Connection\"=dword:00000002\r\n\"SMTP Use Auth\"=dword:00000001\r\n";
        let f = SourceFile::new("o.reg", text.as_bytes().to_vec());
        let parsed = reg::parse(&f.text);
        let p = build_profile(0, &f, &parsed);
        assert!(p.findings.is_empty(), "{:?}", p.findings);
        let imap = &p.servers[0];
        assert_eq!(
            (imap.protocol, imap.host_name()),
            (Protocol::Imap, "imap.example.net")
        );
        assert_eq!(
            (imap.port.value, imap.security.value),
            (993, Security::ImplicitTls)
        );
        let smtp = &p.servers[1];
        assert_eq!(
            (smtp.port.value, smtp.security.value),
            (587, Security::StartTls)
        );
        assert_eq!(
            smtp.auth.as_ref().map(|a| a.value),
            Some(AuthMethod::PasswordCleartext)
        );
    }
}
