//! Outlook PRF profile files (`outlook.exe /importprf`) → the common model.
//!
//! The INI syntax is read by `ini.rs` (spans on sections, keys and values; `;` comments).
//! This module owns what the sections mean (reference `outlook.md` §1): `[Internet Account
//! List]` names each account and its type token (`Account1=IMAP_I_Mail`); the token names
//! the file's own mapping section (`[IMAP_I_Mail]`), whose `AccountType` says POP3 or IMAP
//! and whose keys say which `[AccountN]` keys Outlook writes at all. A key the mapping
//! section lacks is "written nowhere" (Microsoft, cc179062): it is reported and not
//! modelled. `%placeholders%` are template values filled in by a deployment script.
//!
//! [INF] Outlook's PRF reader is undocumented; it is assumed to behave like Windows'
//! `GetPrivateProfileString`: section and key names are case-insensitive, the first
//! section and the first key of a name win, lines without `=` are ignored.

use super::values::{
    default_port, no_writer, prf_int, prf_secure_connection, prf_use_auth, prf_use_ssl,
    security_from_secure_connection, security_from_use_ssl, smtp_auth,
};
use crate::model::{
    AuthMethod, Connections, FileFinding, FileFindingKind, Insertion, Location, Note, Origin,
    Profile, Protocol, Role, Security, Server, Setting, ValueWriter,
};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::ini::{self, IniEntry, IniSection, ParsedIni};

/// Reads the PRF's INI structure.
pub(super) fn parse(file: &SourceFile) -> ParsedIni {
    ini::parse(&file.text)
}

/// Masks any value whose key names a password. No published `[AccountN]` block has one
/// (reference §1.1), but a hand-edited file may; mapping lines (`Password=PT_STRING8,…`)
/// are property IDs, not secrets.
pub(super) fn secrets(parsed: &ParsedIni) -> Vec<Span> {
    let mut out = Vec::new();
    for s in &parsed.sections {
        for e in &s.entries {
            let key = e.key.to_ascii_lowercase();
            let is_mapping = e.value.get(..3).map(|p| p.eq_ignore_ascii_case("PT_")) == Some(true);
            if key.contains("password") && !is_mapping && !e.value.is_empty() {
                out.push(e.value_span);
            }
        }
    }
    out
}

/// The first section of this name ([INF] as `GetPrivateProfileString` does).
fn section<'a>(parsed: &'a ParsedIni, name: &str) -> Option<&'a IniSection> {
    parsed
        .sections
        .iter()
        .find(|s| s.name.eq_ignore_ascii_case(name))
}

/// The first entry of this key in a section.
fn first<'a>(s: &'a IniSection, key: &str) -> Option<&'a IniEntry> {
    s.entries.iter().find(|e| e.key.eq_ignore_ascii_case(key))
}

/// True for `%mail%`: a value a deployment script substitutes before import.
fn is_placeholder(v: &str) -> bool {
    v.len() > 2 && v.starts_with('%') && v.ends_with('%')
}

/// A PT_LONG value: decimal, or `0x` hex as in `LeaveOnServer=0x20007`.
fn parse_long(v: &str) -> Option<i64> {
    let v = v.trim();
    match v.get(..2) {
        Some("0x") | Some("0X") => i64::from_str_radix(v.get(2..)?, 16).ok(),
        _ => v.parse().ok(),
    }
}

/// The mapping lines of the keys clientlint reads, for help texts (reference §1.4).
fn known_mapping(key: &str) -> Option<&'static str> {
    const KNOWN: &[(&str, &str)] = &[
        ("POP3Server", "PT_UNICODE,0x0100"),
        ("IMAPServer", "PT_UNICODE,0x0100"),
        ("POP3Port", "PT_LONG,0x0104"),
        ("IMAPPort", "PT_LONG,0x0104"),
        ("POP3UseSSL", "PT_LONG,0x0105"),
        ("IMAPUseSSL", "PT_LONG,0x0105"),
        ("SMTPServer", "PT_UNICODE,0x0200"),
        ("SMTPPort", "PT_LONG,0x0201"),
        ("SMTPUseSSL", "PT_LONG,0x0202"),
        ("SMTPUseAuth", "PT_LONG,0x0203"),
        ("SMTPAuthMethod", "PT_LONG,0x0208"),
        ("ServerTimeOut", "PT_LONG,0x0209"),
        ("SMTPSecureConnection", "PT_LONG,0x020A"),
        ("LeaveOnServer", "PT_LONG,0x1000"),
    ];
    KNOWN
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, m)| *m)
}

/// What a PT_LONG key holds.
enum Long<'a> {
    Absent,
    /// A `%placeholder%` or a value that is not a number (already reported).
    Unusable,
    Num(&'a IniEntry, i64),
}

struct Account<'a> {
    file: FileId,
    file_name: String,
    eol: &'static str,
    /// `Account1` as written in the list.
    name: String,
    section: &'a IniSection,
    mapping: &'a IniSection,
}

impl<'a> Account<'a> {
    /// The first mapped entry of `key`: unmapped keys are written nowhere.
    fn get(&self, key: &str) -> Option<&'a IniEntry> {
        first(self.mapping, key)?;
        first(self.section, key)
    }

    fn maps(&self, key: &str) -> bool {
        first(self.mapping, key).is_some()
    }

    fn location(&self, e: &IniEntry, writer: ValueWriter) -> Location {
        Location {
            file: self.file,
            file_name: self.file_name.clone(),
            key: e.key.clone(),
            key_span: e.key_span,
            value_span: e.value_span,
            writer,
        }
    }

    fn anchor(&self) -> (FileId, Span) {
        (self.file, self.section.name_span)
    }

    /// Adds `key=…` after the last entry of `[AccountN]`, in the file's line endings;
    /// only when the mapping section maps the key (else Outlook would ignore it too).
    fn insertion(&self, key: &str, writer: ValueWriter) -> Option<Insertion> {
        // Outlook reads the first line of a key (`GetPrivateProfileString`), so a line
        // added after an existing but unusable one (`SMTPSecureConnection=2<junk>`)
        // would never be read: offer no insertion then; the invalid value is reported
        // where it is. (Found by the `fix_roundtrip` fuzz target.)
        if !self.maps(key) || first(self.section, key).is_some() {
            return None;
        }
        let at = self
            .section
            .entries
            .last()
            .map(|e| e.line_span.end)
            .unwrap_or(self.section.header_span.end);
        Some(Insertion {
            file: self.file,
            file_name: self.file_name.clone(),
            at,
            prefix: format!("{}{key}=", self.eol),
            suffix: String::new(),
            writer,
        })
    }

    fn finding(
        &self,
        kind: FileFindingKind,
        span: Span,
        label: &str,
        message: String,
    ) -> FileFinding {
        FileFinding {
            kind,
            file: self.file,
            span,
            label: label.to_owned(),
            message,
            help: None,
            notes: Vec::new(),
            account: Some(self.name.clone()),
        }
    }

    /// A PT_LONG key; a value that is not a number is reported as invalid.
    fn long(&self, key: &str, findings: &mut Vec<FileFinding>) -> Long<'a> {
        let Some(e) = self.get(key) else {
            return Long::Absent;
        };
        if is_placeholder(&e.value) {
            return Long::Unusable;
        }
        match parse_long(&e.value) {
            Some(v) => Long::Num(e, v),
            None => {
                let mut f = self.finding(
                    FileFindingKind::InvalidValue,
                    e.value_span,
                    "not a number",
                    format!(
                        "`{}` in `[{}]` is `{}`, not a number: it maps to a PT_LONG property, so Outlook cannot use it",
                        e.key, self.name, e.value
                    ),
                );
                f.help = Some("write a decimal number (or 0x hex)".to_owned());
                findings.push(f);
                Long::Unusable
            }
        }
    }

    fn string(&self, key: &str) -> Option<Setting<String>> {
        let e = self.get(key)?;
        if e.value.is_empty() || is_placeholder(&e.value) {
            return None;
        }
        Some(Setting::explicit(
            e.value.clone(),
            self.location(e, no_writer),
        ))
    }

    fn default<T>(&self, value: T, note: String, insert: Option<Insertion>) -> Setting<T> {
        Setting {
            value,
            origin: Origin::Default {
                note,
                anchor: self.anchor(),
                insert: insert.map(Box::new),
            },
        }
    }

    fn port(
        &self,
        key: &str,
        protocol: Protocol,
        security: Security,
        findings: &mut Vec<FileFinding>,
    ) -> Setting<i64> {
        let fallback = default_port(protocol, security);
        match self.long(key, findings) {
            Long::Num(e, p) => {
                if !(1..=65535).contains(&p) {
                    let mut f = self.finding(
                        FileFindingKind::InvalidValue,
                        e.value_span,
                        "not a port",
                        format!("`{key}` is {p}, outside 1–65535: the connection fails"),
                    );
                    f.help = Some(format!("use {fallback}"));
                    findings.push(f);
                }
                Setting::explicit(p, self.location(e, prf_int))
            }
            // [INF] Outlook's default port is not documented; see `default_port`.
            Long::Absent | Long::Unusable => self.default(
                fallback,
                format!(
                    "`{key}` is not set: Outlook is assumed to use {fallback}, the {} port for {}",
                    protocol.name(),
                    security.describe()
                ),
                self.insertion(key, prf_int),
            ),
        }
    }

    fn incoming(&self, protocol: Protocol, findings: &mut Vec<FileFinding>) -> Server {
        let p = protocol.name();
        let ssl_key = format!("{p}UseSSL");
        let security = match self.long(&ssl_key, findings) {
            Long::Num(e, v) => {
                Setting::explicit(security_from_use_ssl(v), self.location(e, prf_use_ssl))
            }
            // [INF] an absent PROP_INET_SSL is read as 0, like the API's "zero" case.
            Long::Absent | Long::Unusable => self.default(
                Security::None,
                format!("`{ssl_key}` is not set: Outlook connects without SSL"),
                self.insertion(&ssl_key, prf_use_ssl),
            ),
        };
        let port = self.port(&format!("{p}Port"), protocol, security.value, findings);
        let spa_key = format!("{p}UseSPA");
        // The incoming login always sends the password, unless SPA (NTLM) is on.
        let auth = match self.long(&spa_key, findings) {
            Long::Num(e, v) => Setting::explicit(
                if v != 0 {
                    AuthMethod::Ntlm
                } else {
                    AuthMethod::PasswordCleartext
                },
                self.location(e, no_writer),
            ),
            Long::Absent | Long::Unusable => self.default(
                AuthMethod::PasswordCleartext,
                format!("`{spa_key}` is not set: Outlook logs in with the password"),
                None,
            ),
        };
        // [INF] ServerTimeOut's unit is undocumented; samples use 60, read as seconds.
        let timeout_seconds = match self.long("ServerTimeOut", findings) {
            Long::Num(e, v) => Some(Setting::explicit(v, self.location(e, prf_int))),
            Long::Absent | Long::Unusable => None,
        };
        if protocol == Protocol::Pop3 {
            // Only checked for being a number: nothing in the model reads it.
            let _ = self.long("LeaveOnServer", findings);
        }
        Server {
            account: Some(self.name.clone()),
            key: format!("{}.{p}", self.name),
            role: Role::Incoming,
            protocol,
            host: self.string(&format!("{p}Server")),
            user: self.string(&format!("{p}UserName")),
            port,
            port_follows_security: false,
            security,
            auth: Some(auth),
            max_connections: None,
            poll_enabled: None,
            poll_minutes: None,
            timeout_seconds,
            auth_is_mechanism: false,
            // No setting caps Outlook's connections (reference §1, §2): one per account
            // is counted, a lower bound. [INF]
            connections: Connections::Fixed {
                count: 1,
                why: "one connection per account (lower bound)",
            },
            anchor: self.anchor(),
            usage: crate::model::Usage::Always,
        }
    }

    fn smtp_security(&self, findings: &mut Vec<FileFinding>) -> Setting<Security> {
        // [INF] When both generations are present, the newer enum is assumed to win.
        if let Long::Num(e, v) = self.long("SMTPSecureConnection", findings) {
            match security_from_secure_connection(v) {
                Some(s) => return Setting::explicit(s, self.location(e, prf_secure_connection)),
                None => {
                    let mut f = self.finding(
                        FileFindingKind::InvalidValue,
                        e.value_span,
                        "unknown security mode",
                        format!(
                            "`SMTPSecureConnection` is {v}, which is not 0 (none), 1 (SSL), 2 (TLS) or 3 (auto): Outlook's behaviour is undefined; clientlint assumes no encryption"
                        ),
                    );
                    f.help = Some(
                        "use 2 (TLS, i.e. STARTTLS) on port 587 or 1 (SSL) on port 465".to_owned(),
                    );
                    findings.push(f);
                    return Setting::explicit(
                        Security::None,
                        self.location(e, prf_secure_connection),
                    );
                }
            }
        }
        if let Long::Num(e, v) = self.long("SMTPUseSSL", findings) {
            return Setting::explicit(security_from_use_ssl(v), self.location(e, prf_use_ssl));
        }
        let insert = self
            .insertion("SMTPSecureConnection", prf_secure_connection)
            .or_else(|| self.insertion("SMTPUseSSL", prf_use_ssl));
        self.default(
            Security::None,
            "neither `SMTPSecureConnection` nor `SMTPUseSSL` is set: Outlook sends without encryption".to_owned(),
            insert,
        )
    }

    fn outgoing(&self, findings: &mut Vec<FileFinding>) -> Server {
        let security = self.smtp_security(findings);
        let port = self.port("SMTPPort", Protocol::Smtp, security.value, findings);
        let spa = matches!(self.long("SMTPUseSPA", findings), Long::Num(_, v) if v != 0);
        let auth = match self.long("SMTPUseAuth", findings) {
            Long::Num(e, v) => Setting::explicit(smtp_auth(v, spa), self.location(e, prf_use_auth)),
            // [INF] an absent PROP_SMTP_USE_AUTH is read as 0 (Outlook's dialog starts
            // with "My outgoing server requires authentication" unticked).
            Long::Absent | Long::Unusable => self.default(
                AuthMethod::None,
                "`SMTPUseAuth` is not set: Outlook sends without logging in".to_owned(),
                self.insertion("SMTPUseAuth", prf_use_auth),
            ),
        };
        if let Long::Num(e, v) = self.long("SMTPAuthMethod", findings) {
            if !(0..=2).contains(&v) {
                let mut f = self.finding(
                    FileFindingKind::InvalidValue,
                    e.value_span,
                    "unknown method",
                    format!(
                        "`SMTPAuthMethod` is {v}, which is not 0 (same as incoming), 1 (user name and password) or 2 (log on to incoming first)"
                    ),
                );
                f.help = Some("use 0 or 1".to_owned());
                findings.push(f);
            }
        }
        Server {
            account: Some(self.name.clone()),
            key: format!("{}.SMTP", self.name),
            role: Role::Outgoing,
            protocol: Protocol::Smtp,
            host: self.string("SMTPServer"),
            user: self.string("SMTPUserName"),
            port,
            port_follows_security: false,
            security,
            auth: Some(auth),
            max_connections: None,
            poll_enabled: None,
            poll_minutes: None,
            timeout_seconds: None,
            auth_is_mechanism: false,
            // No setting caps Outlook's connections (reference §1, §2): one per account
            // is counted, a lower bound. [INF]
            connections: Connections::Fixed {
                count: 1,
                why: "one connection per account (lower bound)",
            },
            anchor: self.anchor(),
            usage: crate::model::Usage::Always,
        }
    }

    /// Unmapped and duplicate keys of `[AccountN]`.
    fn check_keys(&self, findings: &mut Vec<FileFinding>) {
        for (i, e) in self.section.entries.iter().enumerate() {
            let earlier = self
                .section
                .entries
                .iter()
                .take(i)
                .find(|p| p.key.eq_ignore_ascii_case(&e.key));
            if let Some(prev) = earlier {
                let mut f = self.finding(
                    FileFindingKind::DuplicateSetting,
                    e.key_span,
                    "ignored copy",
                    format!(
                        "`{}` is set twice in `[{}]`: Outlook is assumed to use the first one, like Windows INI readers",
                        e.key, self.name
                    ),
                );
                f.help = Some("delete one of them so the file says what Outlook does".to_owned());
                f.notes.push(Note {
                    file: self.file,
                    span: prev.key_span,
                    text: "this first value wins".to_owned(),
                });
                findings.push(f);
                continue;
            }
            // A processor directive, not an account property (reference §1.4).
            if e.key.eq_ignore_ascii_case("UniqueService") || self.maps(&e.key) {
                continue;
            }
            let mut f = self.finding(
                FileFindingKind::UnmappedPrfKey,
                e.key_span,
                "no mapping",
                format!(
                    "`{}` in `[{}]` has no entry in this file's mapping section `[{}]`: Outlook ignores it",
                    e.key, self.name, self.mapping.name
                ),
            );
            f.help = Some(match known_mapping(&e.key) {
                Some(m) => format!("add `{}={m}` to `[{}]`", e.key, self.mapping.name),
                None => format!(
                    "use a key that `[{}]` maps, or add a mapping for `{}`",
                    self.mapping.name, e.key
                ),
            });
            if e.key.eq_ignore_ascii_case("SMTPUseSSL") && self.maps("SMTPSecureConnection") {
                f.help = Some(format!(
                    "this file's mapping uses `SMTPSecureConnection` (0 none, 1 SSL, 2 TLS, 3 auto) instead; or add `SMTPUseSSL=PT_LONG,0x0202` to `[{}]`",
                    self.mapping.name
                ));
            }
            f.notes.push(Note {
                file: self.file,
                span: self.mapping.name_span,
                text: "the mapping section".to_owned(),
            });
            findings.push(f);
        }
    }
}

/// Builds the model of one PRF file.
pub(super) fn build_profile(id: FileId, file: &SourceFile, parsed: &ParsedIni) -> Profile {
    let mut profile = Profile::new(super::ID, file.display_path());
    profile.files = vec![id];
    let file_name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let list = section(parsed, "Internet Account List");
    report_syntax(id, parsed, list, &mut profile.findings);
    let Some(list) = list else {
        return profile;
    };
    let mut findings = Vec::new();
    for (i, entry) in list.entries.iter().enumerate() {
        let simple = |kind, span, label: &str, message: String, help: &str| FileFinding {
            kind,
            file: id,
            span,
            label: label.to_owned(),
            message,
            help: Some(help.to_owned()),
            notes: Vec::new(),
            account: Some(entry.key.clone()),
        };
        if let Some(prev) = list
            .entries
            .iter()
            .take(i)
            .find(|p| p.key.eq_ignore_ascii_case(&entry.key))
        {
            let mut f = simple(
                FileFindingKind::DuplicateSetting,
                entry.key_span,
                "ignored copy",
                format!("`{}` is listed twice in `[Internet Account List]`: Outlook is assumed to use the first one", entry.key),
                "delete one of them",
            );
            f.notes.push(Note {
                file: id,
                span: prev.key_span,
                text: "this first entry wins".to_owned(),
            });
            findings.push(f);
            continue;
        }
        let token = entry.value.as_str();
        let Some(mapping) = section(parsed, token) else {
            findings.push(simple(
                FileFindingKind::UnmappedPrfKey,
                entry.value_span,
                "no such mapping section",
                format!("`{}` uses the account type `{token}`, but the file has no `[{token}]` mapping section: Outlook ignores every key of `[{}]`", entry.key, entry.key),
                "copy the `[I_Mail]` / `[IMAP_I_Mail]` mapping section from an OCT-generated PRF",
            ));
            continue;
        };
        let account_type = first(mapping, "AccountType").map(|e| e.value.to_ascii_uppercase());
        let protocol = match account_type.as_deref() {
            // One published sample writes `POP` (reference §1.2).
            Some("POP3") | Some("POP") => Protocol::Pop3,
            Some("IMAP") => Protocol::Imap,
            Some(_) => continue, // HTTP (legacy) and others: no servers to lint.
            None if token.eq_ignore_ascii_case("I_Mail") => Protocol::Pop3,
            None if token.eq_ignore_ascii_case("IMAP_I_Mail") => Protocol::Imap,
            None => continue,
        };
        let Some(sec) = section(parsed, &entry.key) else {
            findings.push(simple(
                FileFindingKind::InvalidValue,
                entry.key_span,
                "no such section",
                format!("`{}` is listed, but the file has no `[{}]` section: the account gets no server settings", entry.key, entry.key),
                "add the section, or remove the entry",
            ));
            continue;
        };
        let account = Account {
            file: id,
            file_name: file_name.clone(),
            eol: file.line_ending.as_str(),
            name: entry.key.clone(),
            section: sec,
            mapping,
        };
        account.check_keys(&mut findings);
        profile
            .servers
            .push(account.incoming(protocol, &mut findings));
        if account.get("SMTPServer").is_some() {
            profile.servers.push(account.outgoing(&mut findings));
        }
    }
    profile.findings.extend(findings);
    profile
}

/// Lines the reader could not place. A header without `]` is always reported; a line
/// without `=` only inside the account list or an account section, where it loses a
/// setting ([INF] INI readers skip it). Elsewhere, e.g. the `--- POP3 Account Settings
/// ---` lines one published script leaves in `[I_Mail]`, it is harmless and not reported.
fn report_syntax(
    id: FileId,
    parsed: &ParsedIni,
    list: Option<&IniSection>,
    out: &mut Vec<FileFinding>,
) {
    let accounts: Vec<&str> = list
        .map(|l| l.entries.iter().map(|e| e.key.as_str()).collect())
        .unwrap_or_default();
    for err in &parsed.errors {
        let owner = parsed
            .sections
            .iter()
            .rfind(|s| s.header_span.start <= err.span.start);
        let in_account = owner
            .map(|s| {
                s.name.eq_ignore_ascii_case("Internet Account List")
                    || accounts.iter().any(|a| a.eq_ignore_ascii_case(&s.name))
            })
            .unwrap_or(false);
        let is_header = err.message.starts_with("section header");
        if !is_header && !in_account {
            continue;
        }
        let message = if is_header {
            "a section header without `]`: the keys after it do not land in the section meant"
                .to_owned()
        } else {
            format!(
                "this line in `[{}]` has no `=`: Outlook ignores it, so it sets nothing",
                owner.map(|s| s.name.as_str()).unwrap_or("")
            )
        };
        out.push(FileFinding {
            kind: FileFindingKind::SyntaxError,
            file: id,
            span: err.span,
            label: err.message.to_owned(),
            message,
            help: Some("write it as `Key=Value`, or comment it out with `;`".to_owned()),
            notes: Vec::new(),
            account: None,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{build_profile, parse, parse_long};
    use crate::model::{FileFindingKind, Protocol, Security};
    use crate::source::SourceFile;

    const PRF: &str = "[Internet Account List]\r\nAccount1=IMAP_I_Mail\r\n\r\n[Account1]\r\nIMAPServer=imap.example.net\r\nIMAPPort=143\r\nIMAPUseSSL=1\r\nSMTPServer=%smtp%\r\nSMTPUseSSL=1\r\nsmtpport=587\r\nIMAPPort=993\r\n\r\n[IMAP_I_Mail]\r\nAccountType=IMAP\r\nIMAPServer=PT_UNICODE,0x0100\r\nIMAPPort=PT_LONG,0x0104\r\nIMAPUseSSL=PT_LONG,0x0105\r\nSMTPServer=PT_UNICODE,0x0200\r\nSMTPPort=PT_LONG,0x0201\r\nSMTPSecureConnection=PT_LONG,0x020A\r\n";

    #[test]
    fn keys_are_read_through_the_files_own_mapping_and_the_first_copy_wins() {
        let f = SourceFile::new("a.prf", PRF.as_bytes().to_vec());
        let p = build_profile(0, &f, &parse(&f));
        let imap = &p.servers[0];
        assert_eq!(imap.protocol, Protocol::Imap);
        assert_eq!(imap.host_name(), "imap.example.net");
        assert_eq!(imap.port.value, 143, "the first IMAPPort wins");
        assert_eq!(imap.security.value, Security::ImplicitTls);
        let smtp = &p.servers[1];
        assert!(smtp.host.is_none());
        assert_eq!(smtp.port.value, 587, "key names are case-insensitive");
        // SMTPUseSSL is not mapped here, so it does not count.
        assert_eq!(smtp.security.value, Security::None);
        let kinds: Vec<_> = p.findings.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![
                FileFindingKind::UnmappedPrfKey,
                FileFindingKind::DuplicateSetting
            ]
        );
    }

    #[test]
    fn pt_long_accepts_decimal_and_hex() {
        assert_eq!(parse_long("0x20007"), Some(0x20007));
        assert_eq!(parse_long("60"), Some(60));
        assert_eq!(parse_long("sixty"), None);
    }
}
