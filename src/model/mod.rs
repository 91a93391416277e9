//! The common settings model that every rule reads: profiles, servers and settings that
//! know where their value came from.
//!
//! Format parsers (`formats/`) build these values; rules never see XML, prefs.js or registry
//! syntax. A [`Setting`] carries its [`Origin`]: either the exact bytes in a file, or the
//! client's built-in default together with the place where an explicit value would be
//! inserted. That is what lets a rule point at the right bytes and offer a fix without
//! knowing the file's syntax.

use crate::source::{Edit, FileId, Span};

pub mod budget;

/// The client whose configuration a profile describes: its stable name (in every output
/// format) and its name in prose. Each client's folder defines its own; the model compares
/// them only for equality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ClientId {
    name: &'static str,
    display: &'static str,
}

impl ClientId {
    pub const fn new(name: &'static str, display: &'static str) -> ClientId {
        ClientId { name, display }
    }

    /// Stable lower-case name used in every output format.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Name for prose ("Thunderbird uses 5").
    pub fn display(self) -> &'static str {
        self.display
    }
}

/// The protocol a server entry speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    Imap,
    Pop3,
    Smtp,
    Nntp,
    Ftp,
    Sftp,
    /// SCP over SSH (WinSCP).
    Scp,
    /// WebDAV over HTTP(S) (WinSCP).
    WebDav,
    /// Amazon S3 and compatible object storage over HTTP(S) (WinSCP).
    S3,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Smtp => "SMTP",
            Protocol::Nntp => "NNTP",
            Protocol::Ftp => "FTP",
            Protocol::Sftp => "SFTP",
            Protocol::Scp => "SCP",
            Protocol::WebDav => "WebDAV",
            Protocol::S3 => "S3",
        }
    }

    /// The port used without TLS or with STARTTLS.
    pub fn plain_port(self) -> i64 {
        match self {
            Protocol::Imap => 143,
            Protocol::Pop3 => 110,
            Protocol::Smtp => 587,
            Protocol::Nntp => 119,
            Protocol::Ftp => 21,
            Protocol::Sftp | Protocol::Scp => 22,
            Protocol::WebDav | Protocol::S3 => 80,
        }
    }

    /// The implicit-TLS port.
    pub fn implicit_tls_port(self) -> i64 {
        match self {
            Protocol::Imap => 993,
            Protocol::Pop3 => 995,
            Protocol::Smtp => 465,
            Protocol::Nntp => 563,
            Protocol::Ftp => 990,
            Protocol::Sftp | Protocol::Scp => 22,
            Protocol::WebDav | Protocol::S3 => 443,
        }
    }

    /// The port and security mode RULES.md recommends for this protocol.
    pub fn recommended(self) -> (i64, Security) {
        match self {
            Protocol::Imap => (993, Security::ImplicitTls),
            Protocol::Pop3 => (995, Security::ImplicitTls),
            Protocol::Smtp => (587, Security::StartTls),
            Protocol::Nntp => (563, Security::ImplicitTls),
            Protocol::Ftp => (21, Security::StartTls),
            Protocol::Sftp | Protocol::Scp => (22, Security::ImplicitTls),
            Protocol::WebDav | Protocol::S3 => (443, Security::ImplicitTls),
        }
    }

    /// True for the protocols that run over SSH, whose encryption is not TLS: port and
    /// TLS-mode rules do not apply to them.
    pub fn is_ssh(self) -> bool {
        matches!(self, Protocol::Sftp | Protocol::Scp)
    }

    pub fn is_mail(self) -> bool {
        matches!(self, Protocol::Imap | Protocol::Pop3 | Protocol::Smtp)
    }
}

/// Transport security of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Security {
    /// No TLS at all.
    None,
    /// "TLS if available": STARTTLS when the server offers it, else plain text without
    /// asking (FileZilla protocol 0, Outlook `SMTPSecureConnection` 3).
    TryStartTls,
    /// "STARTTLS if available" as a removed mode that the client migrates to STARTTLS
    /// when it upgrades (Thunderbird socketType/try_ssl 1, gone since Thunderbird 132).
    RemovedTryStartTls,
    /// STARTTLS required, on the protocol's normal port.
    StartTls,
    /// TLS from the first byte, on the protocol's TLS port.
    ImplicitTls,
}

impl Security {
    pub fn describe(self) -> &'static str {
        match self {
            Security::None => "no encryption",
            Security::TryStartTls | Security::RemovedTryStartTls => "STARTTLS if available",
            Security::StartTls => "STARTTLS",
            Security::ImplicitTls => "SSL/TLS",
        }
    }
}

/// How the client authenticates. Thunderbird's `nsMsgAuthMethod` numbering is the widest,
/// so it is the vocabulary; other clients map into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthMethod {
    None,
    Old,
    PasswordCleartext,
    PasswordEncrypted,
    Gssapi,
    Ntlm,
    External,
    Secure,
    Anything,
    OAuth2,
}

impl AuthMethod {
    pub fn describe(self) -> &'static str {
        match self {
            AuthMethod::None => "no authentication",
            AuthMethod::Old => "original login (USER/PASS, LOGIN)",
            AuthMethod::PasswordCleartext => "normal password",
            AuthMethod::PasswordEncrypted => "encrypted password (CRAM-MD5)",
            AuthMethod::Gssapi => "Kerberos/GSSAPI",
            AuthMethod::Ntlm => "NTLM",
            AuthMethod::External => "TLS certificate",
            AuthMethod::Secure => "any secure method",
            AuthMethod::Anything => "any method, including insecure",
            AuthMethod::OAuth2 => "OAuth2",
        }
    }

    /// True when this method puts a password or bearer token on the wire as is, so that
    /// anyone who can read an unencrypted connection can reuse it.
    pub fn sends_secret_in_clear(self) -> bool {
        matches!(
            self,
            AuthMethod::Old
                | AuthMethod::PasswordCleartext
                | AuthMethod::Anything
                | AuthMethod::OAuth2
        )
    }
}

/// Incoming or outgoing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Incoming,
    Outgoing,
}

/// A value a fix writes, independent of any file syntax; the format's writer renders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Bool(bool),
    Security(Security),
    Auth(AuthMethod),
}

/// Renders a [`Value`] in a format's own syntax, or `None` when the format cannot express
/// it (then no fix is offered).
pub type ValueWriter = fn(&Value) -> Option<String>;

/// An explicit value in a file.
#[derive(Debug, Clone)]
pub struct Location {
    pub file: FileId,
    /// Short name of the file ("user.js") for messages.
    pub file_name: String,
    /// The key's short name for messages (`check_time`).
    pub key: String,
    pub key_span: Span,
    pub value_span: Span,
    pub writer: ValueWriter,
}

/// Where an explicit value would be inserted when the key is absent.
#[derive(Debug, Clone)]
pub struct Insertion {
    pub file: FileId,
    pub file_name: String,
    pub at: usize,
    /// Text before and after the rendered value, in the file's own style.
    pub prefix: String,
    pub suffix: String,
    pub writer: ValueWriter,
}

/// A value decided by a layer that manages the client from outside the user's own files:
/// a lock, or a value set or cleared again at every start (Thunderbird's enterprise
/// policies, AutoConfig, system default prefs). Editing the user's files has no effect on
/// it; only the managing file can change it.
#[derive(Debug, Clone)]
pub struct Managed {
    /// The managing value's bytes (and how to write that file).
    pub location: Location,
    /// What the layer does, with its place, for messages: `locked by
    /// /etc/thunderbird/policies/policies.json:5 (Preferences, Status "locked")`.
    pub how: String,
}

/// Where a setting's effective value comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Set in a file, at these bytes.
    Explicit(Box<Location>),
    /// Decided by a managing layer (see [`Managed`]).
    Managed(Box<Managed>),
    /// Not set (or set to a value the client ignores): the client uses a built-in value.
    Default {
        /// Why this value applies, for messages ("absent: Thunderbird uses 5").
        note: String,
        /// Where to point a diagnostic: the definition of the server or section.
        anchor: (FileId, Span),
        /// How to add an explicit value; `None` when the format cannot take one here.
        /// Boxed: most defaults are never fixed, and servers hold many settings.
        insert: Option<Box<Insertion>>,
    },
}

/// An effective value and its origin.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

impl<T> Setting<T> {
    pub fn explicit(value: T, location: Location) -> Self {
        Setting {
            value,
            origin: Origin::Explicit(Box::new(location)),
        }
    }

    /// Where a diagnostic about this value points.
    pub fn anchor(&self) -> (FileId, Span) {
        match &self.origin {
            Origin::Explicit(loc) => (loc.file, loc.value_span),
            Origin::Managed(m) => (m.location.file, m.location.value_span),
            Origin::Default { anchor, .. } => *anchor,
        }
    }

    /// True when a file names this value (the user's own, or a managing layer's).
    pub fn is_explicit(&self) -> bool {
        matches!(self.origin, Origin::Explicit(_) | Origin::Managed(_))
    }

    /// The managing layer that decides this value, if one does.
    pub fn managed(&self) -> Option<&Managed> {
        match &self.origin {
            Origin::Managed(m) => Some(m),
            _ => None,
        }
    }

    /// "`check_time` in user.js" or "`check_time` is absent: Thunderbird uses 10". A
    /// `Display`: it is always part of a message, and is written straight into it.
    pub fn provenance(&self) -> Provenance<'_> {
        Provenance(&self.origin)
    }

    /// The edit that makes this setting's effective value `value`: replace the explicit
    /// value in place (for a managed value: in the managing file, which only a run that was
    /// given that file may write), or insert the key where the format says it goes.
    pub fn edit_to(&self, value: &Value) -> Option<Edit> {
        let replace = |loc: &Location| {
            Some(Edit {
                file: loc.file,
                span: loc.value_span,
                replacement: (loc.writer)(value)?,
            })
        };
        match &self.origin {
            Origin::Explicit(loc) => replace(loc),
            Origin::Managed(m) => replace(&m.location),
            Origin::Default {
                insert: Some(ins), ..
            } => Some(Edit {
                file: ins.file,
                span: Span::empty(ins.at),
                replacement: format!("{}{}{}", ins.prefix, (ins.writer)(value)?, ins.suffix),
            }),
            Origin::Default { insert: None, .. } => None,
        }
    }

    /// The file an edit of this setting goes to, for messages ("in user.js").
    pub fn target_file_name(&self) -> Option<&str> {
        match &self.origin {
            Origin::Explicit(loc) => Some(&loc.file_name),
            Origin::Managed(m) => Some(&m.location.file_name),
            Origin::Default {
                insert: Some(ins), ..
            } => Some(&ins.file_name),
            Origin::Default { insert: None, .. } => None,
        }
    }
}

/// Where a setting's value comes from, for messages: see [`Setting::provenance`].
pub struct Provenance<'a>(&'a Origin);

impl std::fmt::Display for Provenance<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Origin::Explicit(loc) => write!(f, "`{}` in {}", loc.key, loc.file_name),
            Origin::Managed(m) => write!(f, "`{}` is {}", m.location.key, m.how),
            Origin::Default { note, .. } => f.write_str(note),
        }
    }
}

/// How a client uses a configured server, which decides how it counts towards a server's
/// connection budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Usage {
    /// An account the client keeps connected or polls on its own (mail accounts).
    Always,
    /// A bookmark the user connects to on demand (a FileZilla site): of several bookmarks
    /// to one server, only one is counted.
    OnDemand,
    /// History (FileZilla recent servers): not counted.
    History,
    /// An account that stands for every account a managing file applies to (a
    /// policies.json or AutoConfig file linted on its own): not counted.
    Hypothetical,
}

/// One server (incoming or outgoing) of a profile, as the client will use it.
#[derive(Debug, Clone)]
pub struct Server {
    /// The account this server belongs to, for output (`account1`), if any.
    pub account: Option<String>,
    /// The client's own key for the server (`server2`, `smtp1`, a site path).
    pub key: String,
    pub role: Role,
    pub protocol: Protocol,
    pub host: Option<Setting<String>>,
    pub user: Option<Setting<String>>,
    pub port: Setting<i64>,
    /// True when the port is the protocol default for the security mode (absent, or a
    /// "use the default" value): changing the security mode then changes the port too.
    pub port_follows_security: bool,
    pub security: Setting<Security>,
    pub auth: Option<Setting<AuthMethod>>,
    /// Most simultaneous connections the client keeps to this server.
    pub max_connections: Option<Setting<i64>>,
    /// Automatic new-mail check switched on.
    pub poll_enabled: Option<Setting<bool>>,
    /// Minutes between automatic checks.
    pub poll_minutes: Option<Setting<i64>>,
    /// Connection timeout in seconds, where the client sets one per server (Outlook
    /// `ServerTimeOut`, WinSCP session `Timeout`).
    pub timeout_seconds: Option<Setting<i64>>,
    /// Keep-alive commands on this server's idle connections, where the client sets them
    /// per server (WinSCP `PingType` / `FtpPingType`).
    pub keepalive: Option<Setting<bool>>,
    /// For a bookmark ([`Usage::OnDemand`]): what sets it apart from another bookmark of
    /// the same server and user (its directories). Two bookmarks with the same account and
    /// the same value are copies of one another; `None` when the client's bookmarks are
    /// not compared.
    pub bookmark: Option<String>,
    /// True when the client stores a chosen authentication mechanism, some of which are
    /// insecure by themselves (Thunderbird's `authMethod`); false when it stores only
    /// whether to authenticate (Outlook's `SMTPUseAuth`).
    pub auth_is_mechanism: bool,
    /// The most connections the client may open to this server at once.
    pub connections: Connections,
    /// Where the server is defined, for diagnostics about the server as a whole.
    pub anchor: (FileId, Span),
    /// Whether the client connects on its own, on demand, or only remembers the server.
    pub usage: Usage,
}

/// The most simultaneous connections a client may open to one server, and how that number
/// comes about. Each client works it out from its own connection model when it builds the
/// server (see its folder); the budget and `clientlint connections` read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Connections {
    /// One browsing connection plus the transfer queue: `transfers`, already capped by the
    /// site's own limit when `site_limit` (FTP clients).
    BrowsingAndTransfers { transfers: i64, site_limit: bool },
    /// A connection cache of this size (IMAP `max_cached_connections`).
    Cache(i64),
    /// A number the client's connection model fixes, with the reason in prose.
    Fixed { count: i64, why: &'static str },
}

impl Connections {
    pub fn count(self) -> i64 {
        match self {
            Connections::BrowsingAndTransfers { transfers, .. } => 1 + transfers,
            Connections::Cache(n) => n,
            Connections::Fixed { count, .. } => count,
        }
    }

    /// How the count comes about, for messages ("IMAP max_cached_connections 5").
    pub fn why(self) -> String {
        match self {
            Connections::BrowsingAndTransfers {
                transfers,
                site_limit: true,
            } => format!("1 browsing + {transfers} transfers (site limit)"),
            Connections::BrowsingAndTransfers { transfers, .. } => {
                format!("1 browsing + {transfers} transfers")
            }
            Connections::Cache(n) => format!("IMAP max_cached_connections {n}"),
            Connections::Fixed { why, .. } => why.to_owned(),
        }
    }
}

impl Server {
    /// A server with what every server has; the optional settings start absent, the usage
    /// as an account the client keeps connected, one connection, and the authentication as
    /// an on/off choice. Clients fill in the rest.
    pub fn new(
        key: impl Into<String>,
        role: Role,
        protocol: Protocol,
        port: Setting<i64>,
        security: Setting<Security>,
        anchor: (FileId, Span),
    ) -> Server {
        Server {
            account: None,
            key: key.into(),
            role,
            protocol,
            host: None,
            user: None,
            port,
            port_follows_security: false,
            security,
            auth: None,
            max_connections: None,
            poll_enabled: None,
            poll_minutes: None,
            timeout_seconds: None,
            keepalive: None,
            bookmark: None,
            auth_is_mechanism: false,
            connections: Connections::Fixed {
                count: 1,
                why: "one connection",
            },
            anchor,
            usage: Usage::Always,
        }
    }

    /// "account1 (server2)" or "smtp1", for messages.
    pub fn label(&self) -> String {
        match &self.account {
            Some(a) if a != &self.key => format!("{a} ({})", self.key),
            _ => self.key.clone(),
        }
    }

    pub fn host_name(&self) -> &str {
        self.host.as_ref().map(|h| h.value.as_str()).unwrap_or("")
    }
}

/// A finding about the file itself rather than about a setting's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFindingKind {
    SyntaxError,
    InvalidValue,
    UnknownSetting,
    DuplicateSetting,
    OverriddenSetting,
    UnmappedPrfKey,
    /// Line 1 of an AutoConfig file holds more than a comment (Thunderbird skips it).
    AutoconfigFirstLine,
    /// AutoConfig code clientlint does not evaluate.
    AutoconfigNotEvaluated,
    /// The AutoConfig file a default prefs file names is not in the install directory.
    AutoconfigMissing,
    /// A distribution policies.json that a system one hides.
    PoliciesShadowed,
    /// A managing layer's setting that clientlint lists but does not model (an Outlook
    /// Group Policy key in a .reg export).
    PolicyNotModelled,
}

/// A secondary place a finding refers to (a *related location* in JSON and SARIF).
#[derive(Debug, Clone)]
pub struct Note {
    pub file: FileId,
    pub span: Span,
    pub text: String,
    /// The connections this place contributes, for a connection-budget finding.
    pub connections: Option<i64>,
}

/// What a format parser found wrong with a file: syntax, values the client rejects,
/// duplicate or overridden keys. Rules of the "file validity" group report these.
#[derive(Debug, Clone)]
pub struct FileFinding {
    pub kind: FileFindingKind,
    pub file: FileId,
    pub span: Span,
    /// Label drawn under the span.
    pub label: String,
    pub message: String,
    pub help: Option<String>,
    pub notes: Vec<Note>,
    /// The account concerned, if any.
    pub account: Option<String>,
    /// Text worked out only when the finding is reported (see [`Deferred`]).
    pub deferred: Option<Deferred>,
    /// The line the client itself reports the problem on, where it has one (Thunderbird's
    /// `prefs parse error` console lines); it may differ from the line of `span`.
    pub client_line: Option<usize>,
}

/// The part of a finding's text that costs more than the finding itself — a "did you
/// mean" search over every name the client knows — and so is worked out only when the
/// finding is reported: a rule that is not selected never pays for it.
#[derive(Clone)]
pub struct Deferred {
    /// What the text is about (the unknown name).
    pub subject: Box<str>,
    /// Completes the finding's message and help from `subject`.
    pub finish: fn(&str, &mut FileFinding),
}

impl std::fmt::Debug for Deferred {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deferred")
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

impl FileFinding {
    /// A finding of `kind` at `span` of `file`, without help, notes or account: add them
    /// with [`FileFinding::help`], [`FileFinding::note`] and [`FileFinding::account`].
    pub fn new(
        kind: FileFindingKind,
        file: FileId,
        span: Span,
        label: impl Into<String>,
        message: impl Into<String>,
    ) -> FileFinding {
        FileFinding {
            kind,
            file,
            span,
            label: label.into(),
            message: message.into(),
            help: None,
            notes: Vec::new(),
            account: None,
            deferred: None,
            client_line: None,
        }
    }

    /// The same finding, with the line the client reports it on.
    pub fn client_line(mut self, line: Option<usize>) -> FileFinding {
        self.client_line = line;
        self
    }

    /// The same finding, with what to do.
    pub fn help(mut self, help: impl Into<String>) -> FileFinding {
        self.help = Some(help.into());
        self
    }

    /// The same finding, with one more place it refers to.
    pub fn note(mut self, file: FileId, span: Span, text: impl Into<String>) -> FileFinding {
        self.notes.push(Note {
            file,
            span,
            text: text.into(),
            connections: None,
        });
        self
    }

    /// The same finding, about this account.
    pub fn account(mut self, account: impl Into<String>) -> FileFinding {
        self.account = Some(account.into());
        self
    }

    /// The same finding, its text completed by `finish(subject, …)` when it is reported.
    pub fn deferred(mut self, subject: &str, finish: fn(&str, &mut FileFinding)) -> FileFinding {
        self.deferred = Some(Deferred {
            subject: subject.into(),
            finish,
        });
        self
    }

    /// The finding as it is reported: its deferred text, if any, worked out.
    pub fn finished(&self) -> std::borrow::Cow<'_, FileFinding> {
        match &self.deferred {
            None => std::borrow::Cow::Borrowed(self),
            Some(d) => {
                let mut done = self.clone();
                done.deferred = None;
                (d.finish)(&d.subject, &mut done);
                std::borrow::Cow::Owned(done)
            }
        }
    }
}

/// How a stored password is protected on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordStorage {
    /// As typed.
    Plain,
    /// base64: an encoding, not encryption (FileZilla `encoding="base64"`).
    Base64,
    /// Scrambled with a published, keyless scheme that anyone can reverse (WinSCP's stored
    /// `Password`: each byte XOR-ed with a constant, keyed only by the user and host names).
    Obfuscated,
    /// Encrypted with a key the user holds (FileZilla master password `crypt`).
    Encrypted,
}

impl PasswordStorage {
    /// True when anyone who can read the file can recover the password.
    pub fn is_recoverable(self) -> bool {
        !matches!(self, PasswordStorage::Encrypted)
    }

    pub fn describe(self) -> &'static str {
        match self {
            PasswordStorage::Plain => "in clear text",
            PasswordStorage::Base64 => "base64-encoded, which anyone can decode",
            PasswordStorage::Obfuscated => {
                "only obfuscated, with a published scheme that anyone can reverse without a key"
            }
            PasswordStorage::Encrypted => "encrypted",
        }
    }
}

/// A password stored in a configuration file. The value itself is never kept in the model.
#[derive(Debug, Clone)]
pub struct StoredPassword {
    /// What it belongs to, for messages ("site `Clients/Acme`", "the FTP proxy").
    pub owner: String,
    pub storage: PasswordStorage,
    /// The element or key holding it (never the value: the value is masked anyway).
    pub anchor: (FileId, Span),
    pub account: Option<String>,
}

/// Settings that apply to a whole client instance rather than to one server.
#[derive(Debug, Clone, Default)]
pub struct Globals {
    /// Most simultaneous transfers (FileZilla `Number of Transfers`, WinSCP
    /// `QueueTransfersLimit`).
    pub transfers: Option<Setting<i64>>,
    /// Keep-alive commands on idle connections for every server (FileZilla `FTP
    /// Keep-alive commands`).
    pub keepalive: Option<Setting<bool>>,
    /// Connection timeout in seconds for every server (FileZilla `Timeout`).
    pub timeout_seconds: Option<Setting<i64>>,
}

/// One client instance: a Thunderbird profile directory, a FileZilla settings directory,
/// an Outlook PRF or .reg export.
#[derive(Debug, Clone)]
pub struct Profile {
    pub client: ClientId,
    /// Display name: the profile directory or file as given.
    pub name: String,
    /// The files of this profile, lowest-precedence layer first.
    pub files: Vec<FileId>,
    pub globals: Globals,
    pub servers: Vec<Server>,
    pub passwords: Vec<StoredPassword>,
    pub findings: Vec<FileFinding>,
}

impl Profile {
    pub fn new(client: ClientId, name: String) -> Self {
        Profile {
            client,
            name,
            files: Vec::new(),
            globals: Globals::default(),
            servers: Vec::new(),
            passwords: Vec::new(),
            findings: Vec::new(),
        }
    }
}
