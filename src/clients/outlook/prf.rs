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

use super::account::{spell, Account, Found, Keys, Syntax};
use super::values::{secure_connection_legend, Writers, PRF_WRITERS};
use crate::model::{FileFinding, FileFindingKind, Profile, Protocol};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::ini::{self, IniEntry, IniSection, ParsedIni};

/// Reads the PRF's INI structure.
pub(super) fn parse(file: &SourceFile) -> ParsedIni {
    ini::parse(&file.text)
}

/// Masks any value whose key names a credential ([`crate::secret`]). No published
/// `[AccountN]` block has one (reference §1.1), but a hand-edited file may; mapping lines
/// (`Password=PT_STRING8,0x6620`) are property IDs, not secrets — told by their whole shape,
/// so a password that merely begins `pt_` is still masked.
pub(super) fn secrets(parsed: &ParsedIni) -> Vec<Span> {
    let mut out = Vec::new();
    for s in &parsed.sections {
        for e in &s.entries {
            if crate::secret::is_credential_name(&e.key)
                && !is_mapping_line(&e.value)
                && !e.value.is_empty()
            {
                out.push(e.value_span);
            }
        }
    }
    out
}

/// `PT_<TYPE>,0x<hex>`: a line of a mapping section (reference §1.1).
fn is_mapping_line(value: &str) -> bool {
    let Some((ty, id)) = value.split_once(',') else {
        return false;
    };
    let ty_ok = ty.len() > 3
        && ty.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("PT_"))
        && ty
            .bytes()
            .skip(3)
            .all(|b| b.is_ascii_alphanumeric() || b == b'_');
    let id = id.trim();
    let hex = id.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("0x"))
        && id.len() > 2
        && id.bytes().skip(2).all(|b| b.is_ascii_hexdigit());
    ty_ok && hex
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

/// An `[AccountN]` section read through the file's own mapping section.
pub(super) struct Prf<'a> {
    section: &'a IniSection,
    mapping: &'a IniSection,
}

impl<'a> Prf<'a> {
    /// The first mapped entry of `key`: unmapped keys are written nowhere.
    fn get(&self, key: &str) -> Option<&'a IniEntry> {
        first(self.mapping, key)?;
        first(self.section, key)
    }

    fn maps(&self, key: &str) -> bool {
        first(self.mapping, key).is_some()
    }
}

fn found(e: &IniEntry) -> Found {
    Found {
        key: e.key.clone(),
        key_span: e.key_span,
        value_span: e.value_span,
    }
}

impl Syntax for Prf<'_> {
    const KEYS: Keys = Keys {
        server: "{p}Server",
        user: "{p}UserName",
        port: "{p}Port",
        use_ssl: "{p}UseSSL",
        secure_connection: "{p}SecureConnection",
        use_auth: "{p}UseAuth",
        use_spa: Some("{p}UseSPA"),
        auth_method: Some("{p}AuthMethod"),
        timeout: Some("ServerTimeOut"),
        leave_on_server: Some("LeaveOnServer"),
    };
    const WRITERS: Writers = PRF_WRITERS;
    const NUMBERS_DOCUMENTED: bool = true;

    fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    fn text(&self, key: &str) -> Option<(Found, String)> {
        let e = self.get(key)?;
        if e.value.is_empty() || is_placeholder(&e.value) {
            return None;
        }
        Some((found(e), e.value.clone()))
    }

    /// A PT_LONG key; a `%placeholder%` is unusable, a value that is not a number is
    /// reported as invalid.
    fn number(
        account: &Account<Self>,
        key: &str,
        findings: &mut Vec<FileFinding>,
    ) -> Option<(Found, i64)> {
        let e = account.values.get(key)?;
        if is_placeholder(&e.value) {
            return None;
        }
        let v = parse_long(&e.value);
        if v.is_none() {
            findings.push(
                account
                    .finding(
                        FileFindingKind::InvalidValue,
                        e.value_span,
                        "not a number",
                        format!(
                            "`{}` in `[{}]` is `{}`, not a number: it maps to a PT_LONG property, so Outlook cannot use it",
                            e.key, account.name, e.value
                        ),
                    )
                    .help("write a decimal number (or 0x hex)"),
            );
        }
        Some((found(e), v?))
    }

    /// Adds `key=…` after the last entry of `[AccountN]`, in the file's line endings;
    /// only when the mapping section maps the key (else Outlook would ignore it too).
    fn insertion(account: &Account<Self>, key: &str) -> Option<(usize, String)> {
        let prf = &account.values;
        // Outlook reads the first line of a key (`GetPrivateProfileString`), so a line
        // added after an existing but unusable one (`SMTPSecureConnection=2<junk>`)
        // would never be read: offer no insertion then; the invalid value is reported
        // where it is. (Found by the `fix_roundtrip` fuzz target.)
        if !prf.maps(key) || first(prf.section, key).is_some() {
            return None;
        }
        let at = prf
            .section
            .entries
            .last()
            .map(|e| e.line_span.end)
            .unwrap_or(prf.section.header_span.end);
        Some((at, format!("{}{key}=", account.eol)))
    }
}

/// Unmapped and duplicate keys of `[AccountN]`.
fn check_keys(account: &Account<Prf<'_>>, findings: &mut Vec<FileFinding>) {
    let Prf { section, mapping } = account.values;
    for (i, e) in section.entries.iter().enumerate() {
        let earlier = section
            .entries
            .iter()
            .take(i)
            .find(|p| p.key.eq_ignore_ascii_case(&e.key));
        if let Some(prev) = earlier {
            findings.push(
                account
                    .finding(
                        FileFindingKind::DuplicateSetting,
                        e.key_span,
                        "ignored copy",
                        format!(
                            "`{}` is set twice in `[{}]`: Outlook is assumed to use the first one, like Windows INI readers",
                            e.key, account.name
                        ),
                    )
                    .help("delete one of them so the file says what Outlook does")
                    .note(account.file, prev.key_span, "this first value wins"),
            );
            continue;
        }
        // A processor directive, not an account property (reference §1.4).
        if e.key.eq_ignore_ascii_case("UniqueService") || account.values.maps(&e.key) {
            continue;
        }
        findings.push(
            account
                .finding(
                    FileFindingKind::UnmappedPrfKey,
                    e.key_span,
                    "no mapping",
                    format!(
                        "`{}` in `[{}]` has no entry in this file's mapping section `[{}]`: Outlook ignores it",
                        e.key, account.name, mapping.name
                    ),
                )
                .help(unmapped_help(account, &e.key))
                .note(account.file, mapping.name_span, "the mapping section"),
        );
    }
}

/// What to do about a key the mapping section lacks: add its mapping line, or, for the
/// old `SMTPUseSSL` in a file that maps the newer enum, use that enum.
fn unmapped_help(account: &Account<Prf<'_>>, key: &str) -> String {
    let mapping = &account.values.mapping.name;
    let use_ssl = spell(Prf::KEYS.use_ssl, Protocol::Smtp);
    let secure = spell(Prf::KEYS.secure_connection, Protocol::Smtp);
    if key.eq_ignore_ascii_case(&use_ssl) && account.values.maps(&secure) {
        return format!(
            "this file's mapping uses `{secure}` ({}) instead; or add `{use_ssl}={}` to `[{mapping}]`",
            secure_connection_legend(),
            known_mapping(&use_ssl).unwrap_or_default()
        );
    }
    match known_mapping(key) {
        Some(m) => format!("add `{key}={m}` to `[{mapping}]`"),
        None => format!("use a key that `[{mapping}]` maps, or add a mapping for `{key}`"),
    }
}

/// Builds the model of one PRF file.
pub(super) fn build_profile(id: FileId, file: &SourceFile, parsed: &ParsedIni) -> Profile {
    let mut profile = Profile::new(super::ID, file.display_path());
    profile.files = vec![id];
    if let Some(encoding) = crate::source::utf16_without_bom(file.bytes()) {
        // Windows' profile reader takes a file without a byte-order mark for ANSI (Wine's
        // PROFILE_DetectTextEncoding, dlls/kernel32/profile.c): every other byte is then a
        // NUL inside the names, so no section matches and nothing is imported.
        profile.findings.push(
            FileFinding::new(
                FileFindingKind::SyntaxError,
                id,
                Span::new(0, 0),
                "no byte-order mark",
                format!(
                    "{} is {encoding} without a byte-order mark: Windows reads such a file as ANSI, so Outlook finds none of its sections and imports nothing",
                    file.path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
                ),
            )
            .help("save it as UTF-16 with a byte-order mark (\"Unicode\") or as ANSI"),
        );
        return profile;
    }
    let list = section(parsed, "Internet Account List");
    report_syntax(id, parsed, list, &mut profile.findings);
    let Some(list) = list else {
        return profile;
    };
    let mut findings = Vec::new();
    for (i, entry) in list.entries.iter().enumerate() {
        let Some((prf, protocol)) = listed_account(id, parsed, list, i, &mut findings) else {
            continue;
        };
        let account = Account::new(id, file, entry.key.clone(), prf.section.name_span, prf);
        check_keys(&account, &mut findings);
        profile
            .servers
            .extend(account.servers(Some(protocol), &mut findings));
    }
    profile.findings.extend(findings);
    profile
}

/// The `i`th entry of `[Internet Account List]` (`Account1=IMAP_I_Mail`): its section,
/// mapping section and incoming protocol, or `None` when Outlook makes no mail account
/// of it (reported when the file is at fault).
fn listed_account<'a>(
    id: FileId,
    parsed: &'a ParsedIni,
    list: &IniSection,
    i: usize,
    findings: &mut Vec<FileFinding>,
) -> Option<(Prf<'a>, Protocol)> {
    let entry = list.entries.get(i)?;
    let finding = |kind, span, label: &str, message: String| {
        FileFinding::new(kind, id, span, label, message).account(entry.key.clone())
    };
    if let Some(prev) = list
        .entries
        .iter()
        .take(i)
        .find(|p| p.key.eq_ignore_ascii_case(&entry.key))
    {
        findings.push(
            finding(
                FileFindingKind::DuplicateSetting,
                entry.key_span,
                "ignored copy",
                format!("`{}` is listed twice in `[Internet Account List]`: Outlook is assumed to use the first one", entry.key),
            )
            .help("delete one of them")
            .note(id, prev.key_span, "this first entry wins"),
        );
        return None;
    }
    let token = entry.value.as_str();
    let Some(mapping) = section(parsed, token) else {
        findings.push(
            finding(
                FileFindingKind::UnmappedPrfKey,
                entry.value_span,
                "no such mapping section",
                format!("`{}` uses the account type `{token}`, but the file has no `[{token}]` mapping section: Outlook ignores every key of `[{}]`", entry.key, entry.key),
            )
            .help("copy the `[I_Mail]` / `[IMAP_I_Mail]` mapping section from an OCT-generated PRF"),
        );
        return None;
    };
    let account_type = first(mapping, "AccountType").map(|e| e.value.to_ascii_uppercase());
    let protocol = match account_type.as_deref() {
        // One published sample writes `POP` (reference §1.2).
        Some("POP3") | Some("POP") => Protocol::Pop3,
        Some("IMAP") => Protocol::Imap,
        Some(_) => return None, // HTTP (legacy) and others: no servers to lint.
        None if token.eq_ignore_ascii_case("I_Mail") => Protocol::Pop3,
        None if token.eq_ignore_ascii_case("IMAP_I_Mail") => Protocol::Imap,
        None => return None,
    };
    let Some(section) = section(parsed, &entry.key) else {
        findings.push(
            finding(
                FileFindingKind::InvalidValue,
                entry.key_span,
                "no such section",
                format!("`{}` is listed, but the file has no `[{}]` section: the account gets no server settings", entry.key, entry.key),
            )
            .help("add the section, or remove the entry"),
        );
        return None;
    };
    Some((Prf { section, mapping }, protocol))
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
        out.push(
            FileFinding::new(
                FileFindingKind::SyntaxError,
                id,
                err.span,
                err.message,
                message,
            )
            .help("write it as `Key=Value`, or comment it out with `;`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::{build_profile, parse, parse_long, secrets};
    use crate::model::{FileFindingKind, Protocol, Security};
    use crate::source::SourceFile;

    #[test]
    fn a_password_beginning_pt_is_masked_and_mapping_lines_are_not() {
        let text = "[Account1]\r\nIMAPPassword=pt_secret,0xzz\r\nSMTPPwd=hunter2\r\n[IMAP_I_Mail]\r\nIMAPPassword=PT_UNICODE,0x0101\r\n";
        let mut f = SourceFile::new("a.prf", text.as_bytes().to_vec());
        f.secrets = secrets(&parse(&f));
        let m = f.masked_text();
        assert!(!m.contains("pt_secret") && !m.contains("hunter2"), "{m}");
        assert!(m.contains("PT_UNICODE,0x0101"), "{m}");
    }

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
