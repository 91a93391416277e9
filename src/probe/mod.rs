//! `clientlint probe`: one connection to each configured server, to check what a
//! configuration file cannot tell — that the port speaks the configured TLS mode, that
//! STARTTLS and the configured authentication method are offered, that the certificate is
//! valid for the configured host, and whether the server refuses connections right now
//! ("421 Too many connections (8) from this IP") or announces its limits.
//!
//! **The probe never authenticates and never sends a credential.** It sends only what
//! [`commands::ALLOWED`] lists — `FEAT`, `CAPABILITY`/`CAPA`, `EHLO`, `STARTTLS`/`STLS`,
//! `AUTH TLS` with `PBSZ`/`PROT`, `NOOP`, `QUIT`/`LOGOUT` — and a TLS handshake (without a
//! client certificate); every command passes [`commands::check`] before it is written, and
//! every command sent is recorded in [`Outcome::commands_sent`]. For SFTP it reads the SSH
//! banner and sends nothing.
//!
//! Everything a server sends is untrusted: every server text in an [`Outcome`] has been
//! through [`escape_server_text`] (control characters shown as visible escapes), replies are
//! read with a line limit ([`reply::MAX_LINE`]) and a size limit, and each connection has
//! one deadline ([`Options::timeout`]) for resolving, connecting, TLS and every reply.
//!
//! This module knows nothing of configuration files, rules or output formats: [`target_of`]
//! turns a server of the model into a [`Target`], [`probe_all`] probes the targets, and
//! [`Probed`] holds the outcomes for the rules (`src/rules/probe_*.rs`), which turn each
//! [`ProbeFinding`] into a diagnostic of the rule [`FindingKind::name`] at the server's
//! configuration line.
//!
//! Layout: [`reply`] and [`limits`] are pure parsers; `conn` owns reading, writing and the
//! TLS upgrade; `tls` the trust store; `session` what is common to the dialogs; `ftp`,
//! `imap`, `pop3`, `smtp`, `ssh` one dialog each; `addr` resolution and address policy;
//! `targets` the model's servers as targets; `results` the outcomes by target.

pub mod commands;
pub mod limits;
pub mod reply;

mod addr;
mod conn;
mod escape;
mod ftp;
mod imap;
mod kind;
mod pop3;
mod results;
mod session;
mod smtp;
mod ssh;
mod targets;
mod tls;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

pub use addr::refused_address;
pub use escape::{escape_server_text, quote_server_text, QUOTE_CHARS};
pub use kind::FindingKind;
pub use limits::{parse_announced_limit, AnnouncedLimit, LimitScope};
pub use results::{Announced, Probed};
pub use targets::{family, target_of, Skip};
pub use tls::{TlsInfo, TlsStart};

/// The protocol a client speaks to a server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// FTP, with or without TLS (FTPS).
    Ftp,
    /// SFTP (SSH): only the SSH banner is read.
    Sftp,
    /// IMAP.
    Imap,
    /// POP3.
    Pop3,
    /// SMTP submission.
    Smtp,
}

impl Protocol {
    /// The protocol's usual name, e.g. `IMAP`.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Ftp => "FTP",
            Protocol::Sftp => "SFTP",
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Smtp => "SMTP",
        }
    }
}

/// How the configuration secures the connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Security {
    /// No TLS.
    None,
    /// Plain text first, then STARTTLS / STLS / FTP `AUTH TLS` (explicit FTPS).
    StartTls,
    /// TLS from the first byte (993, 995, 465, FTPS on 990).
    ImplicitTls,
}

impl Security {
    /// How a message names the mode for `protocol`.
    pub fn describe(self, protocol: Protocol) -> &'static str {
        match (self, protocol) {
            (_, Protocol::Sftp) => "SSH",
            (Security::None, _) => "no TLS",
            (Security::StartTls, Protocol::Ftp) => "explicit TLS (AUTH TLS)",
            (Security::StartTls, Protocol::Pop3) => "STARTTLS (STLS)",
            (Security::StartTls, _) => "STARTTLS",
            (Security::ImplicitTls, _) => "implicit TLS",
        }
    }
}

/// The authentication method an account is configured with (the probe checks that the
/// server offers it; it never uses it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// Any method the server offers (Thunderbird "any", the client picks).
    Any,
    /// A password sent as is: IMAP `LOGIN`/`AUTH=PLAIN`, POP3 `USER`/`PASS`, SMTP `AUTH PLAIN`/`LOGIN`.
    PasswordCleartext,
    /// A challenge-response password: CRAM-MD5, DIGEST-MD5, SCRAM, or POP3 APOP.
    PasswordEncrypted,
    /// Any method that does not send the password as is (Thunderbird "any secure
    /// method"): an encrypted password, Kerberos, NTLM or a TLS client certificate.
    Secure,
    /// Kerberos / GSSAPI.
    Kerberos,
    /// NTLM.
    Ntlm,
    /// A TLS client certificate (SASL EXTERNAL).
    TlsCertificate,
    /// OAuth2 (XOAUTH2 or OAUTHBEARER).
    #[serde(rename = "oauth2")]
    OAuth2,
}

impl AuthMethod {
    /// How a message names the method.
    pub fn describe(self) -> &'static str {
        match self {
            AuthMethod::Any => "any method",
            AuthMethod::PasswordCleartext => "a normal (cleartext) password",
            AuthMethod::PasswordEncrypted => {
                "an encrypted password (CRAM-MD5, DIGEST-MD5, SCRAM or APOP)"
            }
            AuthMethod::Secure => {
                "a secure method (an encrypted password, Kerberos, NTLM or a TLS certificate)"
            }
            AuthMethod::Kerberos => "Kerberos (GSSAPI)",
            AuthMethod::Ntlm => "NTLM",
            AuthMethod::TlsCertificate => "a TLS client certificate (EXTERNAL)",
            AuthMethod::OAuth2 => "OAuth2 (XOAUTH2 or OAUTHBEARER)",
        }
    }
}

/// One configured server to probe.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
pub struct Target {
    /// The host name or IP address as configured (an IPv6 literal may be bracketed).
    pub host: String,
    /// The port as configured (the caller applies the client's default port).
    pub port: u16,
    /// The protocol.
    pub protocol: Protocol,
    /// The configured security mode (ignored for SFTP).
    pub security: Security,
    /// The configured authentication method; `None` when the account authenticates not
    /// at all (e.g. SMTP without authentication) or the method does not matter (FTP, SFTP).
    pub auth: Option<AuthMethod>,
}

impl Target {
    /// `IMAP with STARTTLS at mail.example.net:143`, the host escaped (it comes from a
    /// file that may be hostile).
    pub fn describe(&self) -> String {
        format!(
            "{} with {} at {}:{}",
            self.protocol.name(),
            self.security.describe(self.protocol),
            escape_server_text(&self.host),
            self.port
        )
    }

    /// The connection this target needs: targets with the same key share one connection.
    fn key(&self) -> (String, u16, Protocol, Security) {
        (
            self.host.to_ascii_lowercase(),
            self.port,
            self.protocol,
            self.security,
        )
    }
}

/// How to probe.
#[derive(Debug, Clone)]
pub struct Options {
    /// The deadline of each connection: resolving, connecting, TLS and every reply.
    pub timeout: Duration,
    /// Extra trusted roots (PEM), e.g. a company CA or a test's self-signed CA.
    pub ca_file: Option<PathBuf>,
    /// Continue past a certificate that does not verify; every finding then says so.
    pub insecure: bool,
    /// Allow link-local and cloud-metadata addresses (refused by default).
    pub allow_link_local: bool,
    /// How many servers are probed at once (at least 1).
    pub jobs: usize,
}

impl Default for Options {
    /// 10 s, no CA file, certificates verified, link-local refused, 4 at once.
    fn default() -> Options {
        Options {
            timeout: Duration::from_secs(10),
            ca_file: None,
            insecure: false,
            allow_link_local: false,
            jobs: 4,
        }
    }
}

/// One thing wrong with a configured server.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProbeFinding {
    /// The kind, i.e. the rule that reports it (serialized as `rule`: its name).
    #[serde(rename = "rule")]
    pub kind: FindingKind,
    /// What was found, in one sentence; server text in it is quoted and escaped.
    pub message: String,
    /// The server's own words behind the finding, escaped, when there are any.
    pub server_text: Option<String>,
}

/// What probing one target found.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Outcome {
    /// The target, as given.
    pub target: Target,
    /// The address connected to, when a connection was made.
    pub address: Option<SocketAddr>,
    /// The greeting (FTP/SMTP banner, IMAP/POP3 greeting, SSH identification), escaped.
    pub greeting: Option<String>,
    /// The capabilities the server listed last (FEAT, CAPABILITY, CAPA, EHLO), escaped.
    pub capabilities: Vec<String>,
    /// The TLS session, when TLS was established.
    pub tls: Option<TlsInfo>,
    /// A connection limit the server announced in its greeting or refusal.
    pub announced_limit: Option<AnnouncedLimit>,
    /// Every command sent, in order, without line endings. Targets with the same host,
    /// port, protocol and security share one connection, and so this list.
    pub commands_sent: Vec<String>,
    /// What is wrong; empty when the server works as configured.
    pub findings: Vec<ProbeFinding>,
    /// How long the connection took, in milliseconds.
    pub elapsed_ms: u64,
    /// A failure of the probe itself (a bug), not of the server.
    pub internal_error: Option<String>,
}

/// A failure that stops the whole probe run before any connection (a tool error, exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// `ca_file` could not be read or holds no PEM certificate.
    CaFile {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The platform's trust store could not be loaded (and no `ca_file` was given).
    TrustStore(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::CaFile { path, reason } => {
                write!(f, "cannot use the CA file `{}`: {reason}", path.display())
            }
            Error::TrustStore(reason) => {
                write!(f, "cannot load the system's trusted certificates: {reason}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// Probes every target: one connection per distinct (host, port, protocol, security), at
/// most `options.jobs` at a time. Returns one [`Outcome`] per target, in the order given.
pub fn probe_all(targets: &[Target], options: &Options) -> Result<Vec<Outcome>, Error> {
    let setup = tls::TlsSetup::new(options.ca_file.as_deref(), options.insecure)?;
    let mut keys: Vec<(String, u16, Protocol, Security)> = Vec::new();
    let mut first_target: Vec<&Target> = Vec::new();
    let mut slot_of: Vec<usize> = Vec::with_capacity(targets.len());
    for t in targets {
        let key = t.key();
        let slot = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                keys.push(key);
                first_target.push(t);
                keys.len() - 1
            }
        };
        slot_of.push(slot);
    }
    let sessions: Vec<Mutex<Option<session::Record>>> =
        first_target.iter().map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let workers = options.jobs.max(1).min(first_target.len());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(target) = first_target.get(i) else {
                    break;
                };
                let record = session::run_guarded(target, options, &setup);
                if let Some(slot) = sessions.get(i) {
                    if let Ok(mut s) = slot.lock() {
                        *s = Some(record);
                    }
                }
            });
        }
    });
    let sessions: Vec<Option<session::Record>> = sessions
        .into_iter()
        .map(|m| m.into_inner().ok().flatten())
        .collect();
    Ok(targets
        .iter()
        .zip(slot_of)
        .map(
            |(t, slot)| match sessions.get(slot).and_then(Option::as_ref) {
                Some(record) => record.outcome(t, options),
                None => session::Record::default().outcome(t, options),
            },
        )
        .collect())
}

/// Probes one target; see [`probe_all`].
pub fn probe(target: &Target, options: &Options) -> Result<Outcome, Error> {
    let mut all = probe_all(std::slice::from_ref(target), options)?;
    Ok(all.remove(0))
}
