//! The common settings model that every rule reads: profiles, servers and settings that
//! know where their value came from.
//!
//! Format parsers (`formats/`) build these values; rules never see XML, prefs.js or registry
//! syntax. A [`Setting`] carries its [`Origin`]: either the exact bytes in a file, or the
//! client's built-in default together with the place where an explicit value would be
//! inserted. That is what lets a rule point at the right bytes and offer a fix without
//! knowing the file's syntax.

use crate::diagnostic::Edit;
use crate::source::{FileId, Span};

/// The client whose configuration a profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Client {
    Thunderbird,
    FileZilla,
    Outlook,
    WinScp,
}

impl Client {
    /// Stable lower-case name used in every output format.
    pub fn name(self) -> &'static str {
        match self {
            Client::Thunderbird => "thunderbird",
            Client::FileZilla => "filezilla",
            Client::Outlook => "outlook",
            Client::WinScp => "winscp",
        }
    }

    /// Name for prose ("Thunderbird uses 5").
    pub fn display(self) -> &'static str {
        match self {
            Client::Thunderbird => "Thunderbird",
            Client::FileZilla => "FileZilla",
            Client::Outlook => "Outlook",
            Client::WinScp => "WinSCP",
        }
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
            Protocol::Sftp => 22,
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
            Protocol::Sftp => 22,
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
            Protocol::Sftp => (22, Security::ImplicitTls),
        }
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
    /// "STARTTLS if available": legacy Thunderbird mode 1, falls back to plain text.
    TryStartTls,
    /// STARTTLS required, on the protocol's normal port.
    StartTls,
    /// TLS from the first byte, on the protocol's TLS port.
    ImplicitTls,
}

impl Security {
    pub fn describe(self) -> &'static str {
        match self {
            Security::None => "no encryption",
            Security::TryStartTls => "STARTTLS if available",
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

/// Where a setting's effective value comes from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Set in a file, at these bytes.
    Explicit(Box<Location>),
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
            Origin::Default { anchor, .. } => *anchor,
        }
    }

    pub fn is_explicit(&self) -> bool {
        matches!(self.origin, Origin::Explicit(_))
    }

    /// "`check_time` in user.js" or "`check_time` is absent: Thunderbird uses 10". A
    /// `Display`: it is always part of a message, and is written straight into it.
    pub fn provenance(&self) -> Provenance<'_> {
        Provenance(&self.origin)
    }

    /// The edit that makes this setting's effective value `value`: replace the explicit
    /// value in place, or insert the key where the format says it goes.
    pub fn edit_to(&self, value: &Value) -> Option<Edit> {
        match &self.origin {
            Origin::Explicit(loc) => Some(Edit {
                file: loc.file,
                span: loc.value_span,
                replacement: (loc.writer)(value)?,
            }),
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
    /// Where the server is defined, for diagnostics about the server as a whole.
    pub anchor: (FileId, Span),
    /// Whether the client connects on its own, on demand, or only remembers the server.
    pub usage: Usage,
}

impl Server {
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
}

/// A secondary place a finding refers to.
#[derive(Debug, Clone)]
pub struct Note {
    pub file: FileId,
    pub span: Span,
    pub text: String,
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
}

/// How a stored password is protected on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordStorage {
    /// As typed.
    Plain,
    /// base64: an encoding, not encryption (FileZilla `encoding="base64"`).
    Base64,
    /// A reversible scramble with a fixed key (WinSCP `Password`).
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
            PasswordStorage::Obfuscated => "obfuscated with a fixed, public key",
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
    /// Keep-alive commands on idle connections (FileZilla `FTP Keep-alive commands`).
    pub keepalive: Option<Setting<bool>>,
    /// Connection timeout in seconds for every server (FileZilla `Timeout`).
    pub timeout_seconds: Option<Setting<i64>>,
}

/// One client instance: a Thunderbird profile directory, a FileZilla settings directory,
/// an Outlook PRF or .reg export.
#[derive(Debug, Clone)]
pub struct Profile {
    pub client: Client,
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
    /// The most connections this profile may open to `server` at once, with how that
    /// number comes about. Each client's connection model:
    /// - Thunderbird: IMAP caches up to `max_cached_connections`; POP3 uses one connection
    ///   per check; SMTP is forced to one (reference thunderbird §6).
    /// - FileZilla: one browsing connection per open tab plus
    ///   min(Number of Transfers, the site's cap if set) (reference filezilla, connection
    ///   model).
    /// - Outlook: no setting caps IMAP connections (reference outlook §1, §2); one per
    ///   account is counted, so the figure is a lower bound. [INF]
    pub fn worst_case_connections(&self, server: &Server) -> (i64, String) {
        let count = self.worst_case_connection_count(server);
        let why = match self.client {
            Client::FileZilla | Client::WinScp => {
                let transfers = count - 1;
                let capped = server
                    .max_connections
                    .as_ref()
                    .map(|c| c.value > 0 && c.value == transfers)
                    .unwrap_or(false);
                if capped {
                    format!("1 browsing + {transfers} transfers (site limit)")
                } else {
                    format!("1 browsing + {transfers} transfers")
                }
            }
            Client::Thunderbird => match server.protocol {
                Protocol::Imap if server.max_connections.is_some() => {
                    format!("IMAP max_cached_connections {count}")
                }
                Protocol::Nntp => "NNTP default of 2 connections".to_owned(),
                p => format!("{} uses one connection", p.name()),
            },
            Client::Outlook => "one connection per account (lower bound)".to_owned(),
        };
        (count, why)
    }

    /// The count of [`Profile::worst_case_connections`] alone, without formatting.
    pub fn worst_case_connection_count(&self, server: &Server) -> i64 {
        match self.client {
            Client::FileZilla | Client::WinScp => {
                let transfers = self
                    .globals
                    .transfers
                    .as_ref()
                    .map(|t| t.value)
                    .unwrap_or(2)
                    .max(1);
                let cap = server
                    .max_connections
                    .as_ref()
                    .map(|c| c.value)
                    .unwrap_or(0);
                ftp_worst_case_connections(1, transfers, cap)
            }
            Client::Thunderbird => match (server.protocol, &server.max_connections) {
                (Protocol::Imap, Some(max)) => max.value.max(1),
                (Protocol::Nntp, _) => 2,
                _ => 1,
            },
            Client::Outlook => 1,
        }
    }

    pub fn new(client: Client, name: String) -> Self {
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

/// The most connections FileZilla may open to one site (reference filezilla §3,
/// "Connection model"): each tab browsing it holds one, and the queue adds up to
/// `Number of Transfers`, capped by the site's `MaximumMultipleConnections` when that is
/// above 0. An upper bound: with a cap, FileZilla also counts the browsing tab against it.
pub fn ftp_worst_case_connections(tabs: i64, transfers: i64, site_cap: i64) -> i64 {
    let queue = if site_cap > 0 {
        transfers.min(site_cap)
    } else {
        transfers
    };
    tabs + queue
}

/// Rewrites every file id a value holds, when profiles built separately are merged into
/// one run's file arena.
pub trait RemapFiles {
    fn remap_files(&mut self, map: &dyn Fn(FileId) -> FileId);
}

impl RemapFiles for Origin {
    fn remap_files(&mut self, map: &dyn Fn(FileId) -> FileId) {
        match self {
            Origin::Explicit(loc) => loc.file = map(loc.file),
            Origin::Default { anchor, insert, .. } => {
                anchor.0 = map(anchor.0);
                if let Some(ins) = insert {
                    ins.file = map(ins.file);
                }
            }
        }
    }
}

impl<T> RemapFiles for Setting<T> {
    fn remap_files(&mut self, map: &dyn Fn(FileId) -> FileId) {
        self.origin.remap_files(map);
    }
}

impl<T: RemapFiles> RemapFiles for Option<T> {
    fn remap_files(&mut self, map: &dyn Fn(FileId) -> FileId) {
        if let Some(v) = self {
            v.remap_files(map);
        }
    }
}

impl RemapFiles for Server {
    fn remap_files(&mut self, map: &dyn Fn(FileId) -> FileId) {
        self.host.remap_files(map);
        self.user.remap_files(map);
        self.port.remap_files(map);
        self.security.remap_files(map);
        self.auth.remap_files(map);
        self.max_connections.remap_files(map);
        self.poll_enabled.remap_files(map);
        self.poll_minutes.remap_files(map);
        self.timeout_seconds.remap_files(map);
        self.anchor.0 = map(self.anchor.0);
    }
}

impl RemapFiles for Profile {
    fn remap_files(&mut self, map: &dyn Fn(FileId) -> FileId) {
        for f in &mut self.files {
            *f = map(*f);
        }
        self.globals.transfers.remap_files(map);
        self.globals.keepalive.remap_files(map);
        self.globals.timeout_seconds.remap_files(map);
        for s in &mut self.servers {
            s.remap_files(map);
        }
        for p in &mut self.passwords {
            p.anchor.0 = map(p.anchor.0);
        }
        for f in &mut self.findings {
            f.file = map(f.file);
            for n in &mut f.notes {
                n.file = map(n.file);
            }
        }
    }
}
