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
//! last copy of a value wins; `[-key]` deletes what came before.

use super::values::{
    default_port, no_writer, reg_int, reg_secure_connection, reg_use_auth, reg_use_ssl,
    security_from_secure_connection, security_from_use_ssl, smtp_auth,
};
use crate::model::{
    AuthMethod, Connections, FileFinding, FileFindingKind, Insertion, Location, Note, Origin,
    Profile, Protocol, Role, Security, Server, Setting, ValueWriter,
};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::reg::{ParsedReg, RegData, RegErrorKind, RegKey, RegValue};

/// The subkey that holds Outlook's internet accounts (reference §2.1).
const ACCOUNTS_GUID: &str = "9375CFF0413111d3B88A00104B2A6676";

/// True for a value name that holds a password (`IMAP Password`, `SMTP Password`, …).
fn is_secret_name(name: &str) -> bool {
    name.to_ascii_lowercase().contains("password")
}

/// Masks every password value, including one Regedit rejects and the continuation lines
/// it drops, so no output can show its bytes.
pub(super) fn secrets(file: &SourceFile, parsed: &ParsedReg) -> Vec<Span> {
    let mut spans = Vec::new();
    for key in &parsed.keys {
        for v in &key.values {
            if v.name.as_deref().map(is_secret_name).unwrap_or(false) {
                spans.push(v.data_span);
                spans.extend(v.orphan_spans.iter().copied());
            }
        }
    }
    for e in &parsed.errors {
        if let Some((name, extent)) = &e.value {
            if is_secret_name(name) {
                spans.push(*extent);
            }
        }
    }
    spans
        .into_iter()
        .flat_map(|span| line_pieces(&file.text, span))
        .collect()
}

/// Splits a span at its line breaks, leaving them out: masking replaces bytes one for one,
/// and a masked line break would shift every later line in the rendered snippet.
fn line_pieces(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = span.start;
    let body = text.get(span.start..span.end).unwrap_or("");
    for (i, b) in body.bytes().enumerate() {
        if b == b'\r' || b == b'\n' {
            let at = span.start + i;
            if at > start {
                out.push(Span::new(start, at));
            }
            start = at + 1;
        }
    }
    if span.end > start {
        out.push(Span::new(start, span.end));
    }
    out
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

/// One key path with every block that writes it, in file order.
struct Group<'a> {
    path_lower: String,
    blocks: Vec<&'a RegKey>,
}

impl Group<'_> {
    /// The values in effect: after the last `[-key]`, later copies replacing earlier.
    fn effective(&self) -> Vec<&RegValue> {
        let start = self
            .blocks
            .iter()
            .rposition(|k| k.delete)
            .map(|i| i + 1)
            .unwrap_or(0);
        let mut out: Vec<&RegValue> = Vec::new();
        for k in self.blocks.iter().skip(start) {
            for v in &k.values {
                out.retain(|p| !same_name(p, v));
                if v.data != RegData::Delete {
                    out.push(v);
                }
            }
        }
        out
    }
}

fn same_name(a: &RegValue, b: &RegValue) -> bool {
    match (&a.name, &b.name) {
        (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
        (None, None) => true,
        _ => false,
    }
}

fn groups(parsed: &ParsedReg) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for k in &parsed.keys {
        // Regedit matches key names case-insensitively and collapses repeated `\`.
        let lower: String = k
            .path
            .split('\\')
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join("\\")
            .to_ascii_lowercase();
        match out.iter_mut().find(|g| g.path_lower == lower) {
            Some(g) => g.blocks.push(k),
            None => out.push(Group {
                path_lower: lower,
                blocks: vec![k],
            }),
        }
    }
    out
}

/// A REG_DWORD value as read.
enum Dword<'a> {
    Absent,
    /// Present with another type (already reported).
    WrongType,
    Num(&'a RegValue, i64),
}

struct Account<'a> {
    file: FileId,
    file_name: String,
    eol: &'static str,
    label: String,
    anchor: Span,
    values: Vec<&'a RegValue>,
    /// Where a missing value is added: after the last line of the key's last block.
    insert_at: usize,
}

impl<'a> Account<'a> {
    fn get(&self, name: &str) -> Option<&'a RegValue> {
        self.values
            .iter()
            .copied()
            .find(|v| v.name.as_deref().map(|n| n.eq_ignore_ascii_case(name)) == Some(true))
    }

    fn location(&self, v: &RegValue, name: &str, writer: ValueWriter) -> Location {
        Location {
            file: self.file,
            file_name: self.file_name.clone(),
            key: name.to_owned(),
            key_span: v.name_span,
            value_span: v.data_span,
            writer,
        }
    }

    fn insertion(&self, name: &str, writer: ValueWriter) -> Option<Insertion> {
        Some(Insertion {
            file: self.file,
            file_name: self.file_name.clone(),
            at: self.insert_at,
            prefix: format!("{}\"{name}\"=", self.eol),
            suffix: String::new(),
            writer,
        })
    }

    fn default<T>(&self, value: T, note: String, insert: Option<Insertion>) -> Setting<T> {
        Setting {
            value,
            origin: Origin::Default {
                note,
                anchor: (self.file, self.anchor),
                insert: insert.map(Box::new),
            },
        }
    }

    fn dword(&self, name: &str, findings: &mut Vec<FileFinding>) -> Dword<'a> {
        let Some(v) = self.get(name) else {
            return Dword::Absent;
        };
        match &v.data {
            RegData::Dword(n) => Dword::Num(v, i64::from(*n)),
            // `hex(4):` with 4 bytes is a REG_DWORD written the long way.
            RegData::Hex { kind: 4, bytes } if bytes.len() == 4 => {
                let n = bytes
                    .iter()
                    .rev()
                    .fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                Dword::Num(v, i64::from(n))
            }
            _ => {
                findings.push(FileFinding {
                    kind: FileFindingKind::InvalidValue,
                    file: self.file,
                    span: v.data_span,
                    label: "not a dword".to_owned(),
                    message: format!(
                        "`{name}` must be a REG_DWORD (`dword:…`), but has another type: Outlook reads it as a number and ignores this value"
                    ),
                    help: Some(format!("write it as `\"{name}\"=dword:XXXXXXXX` (8 hex digits)")),
                    notes: Vec::new(),
                    account: Some(self.label.clone()),
                });
                Dword::WrongType
            }
        }
    }

    fn string(&self, name: &str) -> Option<Setting<String>> {
        let v = self.get(name)?;
        let s = v.data.as_utf16_string()?;
        (!s.is_empty()).then(|| Setting::explicit(s, self.location(v, name, no_writer)))
    }

    fn port(
        &self,
        name: &str,
        protocol: Protocol,
        security: Security,
        findings: &mut Vec<FileFinding>,
    ) -> Setting<i64> {
        let fallback = default_port(protocol, security);
        match self.dword(name, findings) {
            Dword::Num(v, p) => {
                if !(1..=65535).contains(&p) {
                    findings.push(FileFinding {
                        kind: FileFindingKind::InvalidValue,
                        file: self.file,
                        span: v.data_span,
                        label: "not a port".to_owned(),
                        message: format!("`{name}` is {p}, outside 1–65535: the connection fails"),
                        help: Some(format!("use {fallback} (`dword:{fallback:08x}`)")),
                        notes: Vec::new(),
                        account: Some(self.label.clone()),
                    });
                }
                Setting::explicit(p, self.location(v, name, reg_int))
            }
            Dword::Absent | Dword::WrongType => self.default(
                fallback,
                format!(
                    "`{name}` is not set: Outlook is assumed to use {fallback}, the {} port for {}",
                    protocol.name(),
                    security.describe()
                ),
                self.insertion(name, reg_int),
            ),
        }
    }

    fn server(&self, protocol: Protocol, role: Role, findings: &mut Vec<FileFinding>) -> Server {
        let p = protocol.name();
        let security = if role == Role::Outgoing {
            self.smtp_security(findings)
        } else {
            let name = format!("{p} Use SSL");
            match self.dword(&name, findings) {
                Dword::Num(v, n) => Setting::explicit(
                    security_from_use_ssl(n),
                    self.location(v, &name, reg_use_ssl),
                ),
                Dword::Absent | Dword::WrongType => self.default(
                    Security::None,
                    format!("`{name}` is not set: Outlook connects without SSL"),
                    self.insertion(&name, reg_use_ssl),
                ),
            }
        };
        let port = self.port(&format!("{p} Port"), protocol, security.value, findings);
        let auth = if role == Role::Outgoing {
            match self.dword("SMTP Use Auth", findings) {
                Dword::Num(v, n) => Setting::explicit(
                    smtp_auth(n, false),
                    self.location(v, "SMTP Use Auth", reg_use_auth),
                ),
                // [INF] absent is read as 0, as for the PRF key.
                Dword::Absent | Dword::WrongType => self.default(
                    AuthMethod::None,
                    "`SMTP Use Auth` is not set: Outlook sends without logging in".to_owned(),
                    self.insertion("SMTP Use Auth", reg_use_auth),
                ),
            }
        } else {
            // [INF] the registry name of the SPA switch is not known (reference §7 q.2):
            // the incoming login is assumed to send the password.
            self.default(
                AuthMethod::PasswordCleartext,
                "Outlook logs in with the password".to_owned(),
                None,
            )
        };
        Server {
            account: Some(self.label.clone()),
            key: format!("{}.{p}", self.label),
            role,
            protocol,
            host: self.string(&format!("{p} Server")),
            user: self.string(&format!("{p} User")),
            port,
            port_follows_security: false,
            security,
            auth: Some(auth),
            max_connections: None,
            poll_enabled: None,
            poll_minutes: None,
            // No registry value for the server timeout is known (reference §2.2).
            timeout_seconds: None,
            auth_is_mechanism: false,
            // No setting caps Outlook's connections (reference §1, §2): one per account
            // is counted, a lower bound. [INF]
            connections: Connections::Fixed {
                count: 1,
                why: "one connection per account (lower bound)",
            },
            anchor: (self.file, self.anchor),
            usage: crate::model::Usage::Always,
        }
    }

    fn smtp_security(&self, findings: &mut Vec<FileFinding>) -> Setting<Security> {
        let name = "SMTP Secure Connection";
        if let Dword::Num(v, n) = self.dword(name, findings) {
            let s = match security_from_secure_connection(n) {
                Some(s) => s,
                None => {
                    findings.push(FileFinding {
                        kind: FileFindingKind::InvalidValue,
                        file: self.file,
                        span: v.data_span,
                        label: "unknown security mode".to_owned(),
                        message: format!(
                            "`{name}` is {n}, which is not 0 (none), 1 (SSL), 2 (TLS) or 3 (auto): clientlint assumes no encryption"
                        ),
                        help: Some("use dword:00000002 (TLS, i.e. STARTTLS) on port 587 or dword:00000001 (SSL) on port 465".to_owned()),
                        notes: Vec::new(),
                        account: Some(self.label.clone()),
                    });
                    Security::None
                }
            };
            return Setting::explicit(s, self.location(v, name, reg_secure_connection));
        }
        if let Dword::Num(v, n) = self.dword("SMTP Use SSL", findings) {
            return Setting::explicit(
                security_from_use_ssl(n),
                self.location(v, "SMTP Use SSL", reg_use_ssl),
            );
        }
        self.default(
            Security::None,
            "neither `SMTP Secure Connection` nor `SMTP Use SSL` is set: Outlook sends without encryption".to_owned(),
            self.insertion(name, reg_secure_connection),
        )
    }
}

/// Builds the model of one `.reg` file.
pub(super) fn build_profile(id: FileId, file: &SourceFile, parsed: &ParsedReg) -> Profile {
    let mut profile = Profile::new(super::ID, file.display_path());
    profile.files = vec![id];
    for e in &parsed.errors {
        profile.findings.push(FileFinding {
            kind: match e.kind {
                RegErrorKind::Syntax => FileFindingKind::SyntaxError,
                RegErrorKind::InvalidValue => FileFindingKind::InvalidValue,
            },
            file: id,
            span: e.span,
            label: e.label.clone(),
            message: e.message.clone(),
            help: Some("Regedit skips what it cannot read; correct the line".to_owned()),
            notes: Vec::new(),
            account: None,
        });
    }
    let file_name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for g in groups(parsed) {
        report_duplicates(id, &g, &mut profile.findings);
        let Some(first) = g.blocks.first() else {
            continue;
        };
        let Some(label) = account_label(&first.path) else {
            continue;
        };
        let values = g.effective();
        if values.is_empty() {
            continue;
        }
        let last = g.blocks.last().copied().unwrap_or(first);
        let account = Account {
            file: id,
            file_name: file_name.clone(),
            eol: file.line_ending.as_str(),
            label,
            anchor: first.path_span,
            values,
            insert_at: last
                .values
                .last()
                .map(|v| v.line_span.end)
                .unwrap_or(last.line_span.end),
        };
        let mut findings = Vec::new();
        let incoming = if account.get("IMAP Server").is_some() {
            Some(Protocol::Imap)
        } else if account.get("POP3 Server").is_some() {
            Some(Protocol::Pop3)
        } else {
            None
        };
        if let Some(p) = incoming {
            profile
                .servers
                .push(account.server(p, Role::Incoming, &mut findings));
        }
        if account.get("SMTP Server").is_some() {
            profile
                .servers
                .push(account.server(Protocol::Smtp, Role::Outgoing, &mut findings));
        }
        profile.findings.extend(findings);
    }
    profile
}

/// The same value written twice for one key: Regedit writes both, the last one stays.
fn report_duplicates(id: FileId, g: &Group<'_>, out: &mut Vec<FileFinding>) {
    let start = g
        .blocks
        .iter()
        .rposition(|k| k.delete)
        .map(|i| i + 1)
        .unwrap_or(0);
    let all: Vec<&RegValue> = g
        .blocks
        .iter()
        .skip(start)
        .flat_map(|k| k.values.iter())
        .collect();
    for (i, v) in all.iter().enumerate() {
        if v.data == RegData::Delete {
            continue;
        }
        // Only the first copy of a name that is set again later is reported.
        let later = all
            .iter()
            .skip(i + 1)
            .find(|w| same_name(v, w) && w.data != RegData::Delete);
        let earlier = all
            .iter()
            .take(i)
            .any(|w| same_name(v, w) && w.data != RegData::Delete);
        let Some(later) = later else { continue };
        if earlier {
            continue;
        }
        out.push(FileFinding {
            kind: FileFindingKind::DuplicateSetting,
            file: id,
            span: v.name_span,
            label: "overwritten later".to_owned(),
            message: format!(
                "{} is set more than once for the same key: Regedit applies them in order, so only the last one stays",
                v.display_name()
            ),
            help: Some("delete the copies that do not count".to_owned()),
            notes: vec![Note {
                file: id,
                span: later.name_span,
                text: "a later value replaces it".to_owned(),
            }],
            account: account_label(&g.blocks.first().map(|k| k.path.clone()).unwrap_or_default()),
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
