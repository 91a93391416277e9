//! One Outlook account → its incoming and outgoing [`Server`], read the same way from a
//! PRF `[AccountN]` section (`prf.rs`) and from a `.reg` account key (`reg.rs`).
//!
//! Everything about what Outlook does with an account's values lives here once: which
//! properties make a server, which port applies when none is set, that the newer
//! `SMTPSecureConnection` enum is read before the `SMTPUseSSL` boolean, how SPA and
//! `SMTPUseAuth` decide the login, and what each default note and finding says. A syntax
//! supplies only what differs between the files ([`Syntax`]): how it spells each property
//! ([`Keys`]), how a value is looked up and where its bytes are ([`Found`]), how a number is
//! read, how a fix writes a value ([`Writers`]) and where and how a missing key is inserted.

use super::values::{
    default_port, no_writer, secure_connection_choices, secure_connection_code,
    security_from_secure_connection, security_from_use_ssl, smtp_auth, Writers,
};
use crate::model::{
    AuthMethod, Connections, FileFinding, FileFindingKind, Insertion, Location, Origin, Protocol,
    Role, Security, Server, Setting, Value, ValueWriter,
};
use crate::source::{FileId, SourceFile, Span};

/// How one syntax spells the account properties clientlint reads. `{p}` stands for the
/// protocol's name (`IMAP`, `POP3`, `SMTP`); `None` means the syntax has no known
/// spelling, so the property is not read and Outlook's default is assumed.
pub(super) struct Keys {
    /// PROP_INET_SERVER / PROP_SMTP_SERVER: the host; an account has an outgoing server
    /// when its SMTP host is present.
    pub(super) server: &'static str,
    /// PROP_INET_USER / PROP_SMTP_USER.
    pub(super) user: &'static str,
    /// PROP_INET_PORT / PROP_SMTP_PORT.
    pub(super) port: &'static str,
    /// PROP_INET_SSL / PROP_SMTP_SSL: the boolean (see `values::security_from_use_ssl`).
    pub(super) use_ssl: &'static str,
    /// PROP_SMTP_SECURE_CONNECTION: the newer SMTP enum.
    pub(super) secure_connection: &'static str,
    /// PROP_SMTP_USE_AUTH.
    pub(super) use_auth: &'static str,
    /// PROP_INET_USE_SPA / PROP_SMTP_USE_SPA: Secure Password Authentication (NTLM).
    pub(super) use_spa: Option<&'static str>,
    /// PROP_SMTP_AUTH_METHOD: which credentials the SMTP login uses.
    pub(super) auth_method: Option<&'static str>,
    /// Property 0x0209 (no documented name): the incoming server's timeout.
    pub(super) timeout: Option<&'static str>,
    /// PROP_POP_LEAVE_ON_SERVER (POP3 only): only checked for being a number.
    pub(super) leave_on_server: Option<&'static str>,
}

/// A key as `protocol`'s account spells it (`{p}Port` → `IMAPPort`).
pub(super) fn spell(template: &str, protocol: Protocol) -> String {
    template.replace("{p}", protocol.name())
}

/// A value found in the file: its key for messages and where its bytes are.
pub(super) struct Found {
    pub(super) key: String,
    pub(super) key_span: Span,
    pub(super) value_span: Span,
}

/// What a file syntax supplies to read an Outlook account.
pub(super) trait Syntax: Sized {
    /// How this syntax spells the properties.
    const KEYS: Keys;
    /// How a fix writes a value in this syntax.
    const WRITERS: Writers;
    /// True when Microsoft documents what this syntax's numbers mean (the PRF's PT_LONG
    /// properties); the registry values are read as the same numbers by inference [INF].
    const NUMBERS_DOCUMENTED: bool;

    /// True when the account holds `key` as Outlook reads it.
    fn has(&self, key: &str) -> bool;

    /// A text value Outlook would use: not empty, and not a template placeholder.
    fn text(&self, key: &str) -> Option<(Found, String)>;

    /// A number, or `None` when absent or unusable; a value Outlook cannot read as a
    /// number is reported in `findings`.
    fn number(
        account: &Account<Self>,
        key: &str,
        findings: &mut Vec<FileFinding>,
    ) -> Option<(Found, i64)>;

    /// Where and with which text before the value a missing `key` is added, in the file's
    /// own style; `None` when an added line would not be read.
    fn insertion(account: &Account<Self>, key: &str) -> Option<(usize, String)>;
}

/// One account of one file, with the syntax's view of its values.
pub(super) struct Account<S> {
    pub(super) file: FileId,
    /// The file's short name, for messages.
    file_name: String,
    pub(super) eol: &'static str,
    /// The account as messages name it (`Account1`, `Outlook\00000002`).
    pub(super) name: String,
    /// Where the account is defined: diagnostics about defaults point here.
    anchor: Span,
    pub(super) values: S,
}

impl<S: Syntax> Account<S> {
    pub(super) fn new(
        id: FileId,
        file: &SourceFile,
        name: String,
        anchor: Span,
        values: S,
    ) -> Self {
        Account {
            file: id,
            file_name: file.short_name(),
            eol: file.line_ending.as_str(),
            name,
            anchor,
            values,
        }
    }

    /// The incoming server of `incoming`'s protocol, if any, and the outgoing server when
    /// the account has an SMTP host.
    pub(super) fn servers(
        &self,
        incoming: Option<Protocol>,
        findings: &mut Vec<FileFinding>,
    ) -> Vec<Server> {
        let mut out = Vec::new();
        if let Some(protocol) = incoming {
            out.push(self.incoming(protocol, findings));
        }
        if self.has_server(Protocol::Smtp) {
            out.push(self.outgoing(findings));
        }
        out
    }

    /// True when the account names a host for `protocol`.
    pub(super) fn has_server(&self, protocol: Protocol) -> bool {
        self.values.has(&spell(S::KEYS.server, protocol))
    }

    /// A finding about this account.
    pub(super) fn finding(
        &self,
        kind: FileFindingKind,
        span: Span,
        label: &str,
        message: String,
    ) -> FileFinding {
        FileFinding::new(kind, self.file, span, label, message).account(self.name.clone())
    }

    fn location(&self, found: Found, writer: ValueWriter) -> Location {
        Location {
            file: self.file,
            file_name: self.file_name.clone(),
            key: found.key,
            key_span: found.key_span,
            value_span: found.value_span,
            writer,
        }
    }

    fn insertion(&self, key: &str, writer: ValueWriter) -> Option<Insertion> {
        let (at, prefix) = S::insertion(self, key)?;
        Some(Insertion {
            file: self.file,
            file_name: self.file_name.clone(),
            at,
            prefix,
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

    /// A number; one Outlook cannot read is reported and counts as absent.
    fn number(&self, key: &str, findings: &mut Vec<FileFinding>) -> Option<(Found, i64)> {
        S::number(self, key, findings)
    }

    /// A number under a key the syntax may not know.
    fn optional_number(
        &self,
        key: Option<&str>,
        findings: &mut Vec<FileFinding>,
    ) -> Option<(Found, i64)> {
        self.number(key?, findings)
    }

    /// How this syntax writes the number `n` (`2`, `dword:00000002`).
    fn literal(&self, n: i64) -> String {
        (S::WRITERS.int)(&Value::Int(n)).unwrap_or_else(|| n.to_string())
    }

    fn string(&self, key: &str) -> Option<Setting<String>> {
        let (found, s) = self.values.text(key)?;
        Some(Setting::explicit(s, self.location(found, no_writer)))
    }

    fn port(
        &self,
        protocol: Protocol,
        security: Security,
        findings: &mut Vec<FileFinding>,
    ) -> Setting<i64> {
        let key = spell(S::KEYS.port, protocol);
        let fallback = default_port(protocol, security);
        let Some((found, p)) = self.number(&key, findings) else {
            // [INF] Outlook's default port is not documented; see `default_port`.
            return self.default(
                fallback,
                format!(
                    "`{key}` is not set: Outlook is assumed to use {fallback}, the {} port for {}",
                    protocol.name(),
                    security.describe()
                ),
                self.insertion(&key, S::WRITERS.int),
            );
        };
        if !(1..=65535).contains(&p) {
            let literal = self.literal(fallback);
            let help = if literal == fallback.to_string() {
                format!("use {fallback}")
            } else {
                format!("use {fallback} (`{literal}`)")
            };
            findings.push(
                self.finding(
                    FileFindingKind::InvalidValue,
                    found.value_span,
                    "not a port",
                    format!("`{key}` is {p}, outside 1–65535: the connection fails"),
                )
                .help(help),
            );
        }
        Setting::explicit(p, self.location(found, S::WRITERS.int))
    }

    /// The incoming server's `…UseSSL`.
    fn use_ssl(&self, protocol: Protocol, findings: &mut Vec<FileFinding>) -> Setting<Security> {
        let key = spell(S::KEYS.use_ssl, protocol);
        match self.number(&key, findings) {
            Some((found, v)) => Setting::explicit(
                security_from_use_ssl(v),
                self.location(found, S::WRITERS.use_ssl),
            ),
            // [INF] an absent PROP_INET_SSL is read as 0, like the API's "zero" case.
            None => self.default(
                Security::None,
                format!("`{key}` is not set: Outlook connects without SSL"),
                self.insertion(&key, S::WRITERS.use_ssl),
            ),
        }
    }

    fn smtp_security(&self, findings: &mut Vec<FileFinding>) -> Setting<Security> {
        let secure = spell(S::KEYS.secure_connection, Protocol::Smtp);
        let use_ssl = spell(S::KEYS.use_ssl, Protocol::Smtp);
        // [INF] When both generations are present, the newer enum is assumed to win.
        if let Some((found, v)) = self.number(&secure, findings) {
            let security = security_from_secure_connection(v).unwrap_or_else(|| {
                findings.push(self.unknown_secure_connection(&secure, v, found.value_span));
                Security::None
            });
            return Setting::explicit(security, self.location(found, S::WRITERS.secure_connection));
        }
        if let Some((found, v)) = self.number(&use_ssl, findings) {
            return Setting::explicit(
                security_from_use_ssl(v),
                self.location(found, S::WRITERS.use_ssl),
            );
        }
        let insert = self
            .insertion(&secure, S::WRITERS.secure_connection)
            .or_else(|| self.insertion(&use_ssl, S::WRITERS.use_ssl));
        self.default(
            Security::None,
            format!("neither `{secure}` nor `{use_ssl}` is set: Outlook sends without encryption"),
            insert,
        )
    }

    fn unknown_secure_connection(&self, key: &str, v: i64, span: Span) -> FileFinding {
        let undefined = if S::NUMBERS_DOCUMENTED {
            "Outlook's behaviour is undefined; "
        } else {
            ""
        };
        let choice = |s: Security| self.literal(secure_connection_code(s).unwrap_or_default());
        self.finding(
            FileFindingKind::InvalidValue,
            span,
            "unknown security mode",
            format!(
                "`{key}` is {v}, which is not {}: {undefined}clientlint assumes no encryption",
                secure_connection_choices()
            ),
        )
        .help(format!(
            "use {} (TLS, i.e. STARTTLS) on port {} or {} (SSL) on port {}",
            choice(Security::StartTls),
            default_port(Protocol::Smtp, Security::StartTls),
            choice(Security::ImplicitTls),
            default_port(Protocol::Smtp, Security::ImplicitTls),
        ))
    }

    /// The incoming login always sends the password, unless SPA (NTLM) is on.
    fn incoming_auth(
        &self,
        protocol: Protocol,
        findings: &mut Vec<FileFinding>,
    ) -> Setting<AuthMethod> {
        let key = S::KEYS.use_spa.map(|k| spell(k, protocol));
        match self.optional_number(key.as_deref(), findings) {
            Some((found, v)) => Setting::explicit(
                if v != 0 {
                    AuthMethod::Ntlm
                } else {
                    AuthMethod::PasswordCleartext
                },
                self.location(found, no_writer),
            ),
            None => self.default(
                AuthMethod::PasswordCleartext,
                match key {
                    Some(key) => format!("`{key}` is not set: Outlook logs in with the password"),
                    // [INF] the registry name of the SPA switch is not known (reference §7
                    // q.2): the incoming login is assumed to send the password.
                    None => "Outlook logs in with the password".to_owned(),
                },
                None,
            ),
        }
    }

    fn smtp_auth(&self, findings: &mut Vec<FileFinding>) -> Setting<AuthMethod> {
        let spa_key = S::KEYS.use_spa.map(|k| spell(k, Protocol::Smtp));
        let spa =
            matches!(self.optional_number(spa_key.as_deref(), findings), Some((_, v)) if v != 0);
        let key = spell(S::KEYS.use_auth, Protocol::Smtp);
        match self.number(&key, findings) {
            Some((found, v)) => {
                Setting::explicit(smtp_auth(v, spa), self.location(found, S::WRITERS.use_auth))
            }
            // [INF] an absent PROP_SMTP_USE_AUTH is read as 0 (Outlook's dialog starts
            // with "My outgoing server requires authentication" unticked).
            None => self.default(
                AuthMethod::None,
                format!("`{key}` is not set: Outlook sends without logging in"),
                self.insertion(&key, S::WRITERS.use_auth),
            ),
        }
    }

    /// `SMTPAuthMethod`: only checked for being one of its three values.
    fn check_auth_method(&self, findings: &mut Vec<FileFinding>) {
        let Some(key) = S::KEYS.auth_method.map(|k| spell(k, Protocol::Smtp)) else {
            return;
        };
        let Some((found, v)) = self.number(&key, findings) else {
            return;
        };
        if !(0..=2).contains(&v) {
            findings.push(
                self.finding(
                    FileFindingKind::InvalidValue,
                    found.value_span,
                    "unknown method",
                    format!(
                        "`{key}` is {v}, which is not 0 (same as incoming), 1 (user name and password) or 2 (log on to incoming first)"
                    ),
                )
                .help("use 0 or 1"),
            );
        }
    }

    fn incoming(&self, protocol: Protocol, findings: &mut Vec<FileFinding>) -> Server {
        let security = self.use_ssl(protocol, findings);
        let port = self.port(protocol, security.value, findings);
        let auth = self.incoming_auth(protocol, findings);
        // [INF] ServerTimeOut's unit is undocumented; samples use 60, read as seconds.
        let timeout = self
            .optional_number(S::KEYS.timeout, findings)
            .map(|(found, v)| Setting::explicit(v, self.location(found, S::WRITERS.int)));
        if protocol == Protocol::Pop3 {
            // Only checked for being a number: nothing in the model reads it.
            let _ = self.optional_number(S::KEYS.leave_on_server, findings);
        }
        let mut server = self.server(Role::Incoming, protocol, port, security, auth);
        server.timeout_seconds = timeout;
        server
    }

    fn outgoing(&self, findings: &mut Vec<FileFinding>) -> Server {
        let security = self.smtp_security(findings);
        let port = self.port(Protocol::Smtp, security.value, findings);
        let auth = self.smtp_auth(findings);
        self.check_auth_method(findings);
        self.server(Role::Outgoing, Protocol::Smtp, port, security, auth)
    }

    fn server(
        &self,
        role: Role,
        protocol: Protocol,
        port: Setting<i64>,
        security: Setting<Security>,
        auth: Setting<AuthMethod>,
    ) -> Server {
        let key = format!("{}.{}", self.name, protocol.name());
        let mut server = Server::new(
            key,
            role,
            protocol,
            port,
            security,
            (self.file, self.anchor),
        );
        server.account = Some(self.name.clone());
        server.host = self.string(&spell(S::KEYS.server, protocol));
        server.user = self.string(&spell(S::KEYS.user, protocol));
        server.auth = Some(auth);
        // No setting caps Outlook's connections (reference §1, §2): one per account is
        // counted, a lower bound. [INF]
        server.connections = Connections::Fixed {
            count: 1,
            why: "one connection per account (lower bound)",
        };
        server
    }
}
