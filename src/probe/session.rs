//! What every dialog shares: connecting, the greeting (with the implicit-TLS check), the
//! TLS upgrade, ending politely, turning failures into findings, and the per-target
//! authentication check. Everything recorded from the server is escaped when the
//! [`Record`] becomes an [`Outcome`].

use std::net::{SocketAddr, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use super::addr::{refused_address, resolve, ResolveError};
use super::conn::{Conn, Failure, TlsFailure};
use super::escape::{escape_server_text, quote_server_text};
use super::limits::{parse_announced_limit, AnnouncedLimit};
use super::reply::{self, sniff_greeting, Invalid, Parse};
use super::tls::{TlsInfo, TlsSetup, TlsStart};
use super::{
    ftp, imap, pop3, smtp, ssh, AuthMethod, FindingKind, Options, Outcome, ProbeFinding, Protocol,
    Security, Target,
};

/// The context of one connection.
pub(crate) struct Ctx<'a> {
    pub(crate) target: &'a Target,
    pub(crate) options: &'a Options,
    pub(crate) tls: &'a TlsSetup,
    pub(crate) start: Instant,
}

/// What the server offered for authentication, as far as the capability lists tell.
#[derive(Debug, Clone, Default)]
pub(crate) struct Offered {
    /// SASL mechanisms, upper-cased.
    pub(crate) mechanisms: Vec<String>,
    /// A cleartext login outside SASL: IMAP `LOGIN` (not `LOGINDISABLED`), POP3 `USER`.
    pub(crate) plain_login: bool,
    /// POP3 APOP (a timestamp in the greeting).
    pub(crate) apop: bool,
    /// Whether the lists were read after TLS was established.
    pub(crate) after_tls: bool,
}

/// What one connection found, shared by every target with the same key.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    pub(crate) address: Option<SocketAddr>,
    pub(crate) greeting: Option<String>,
    pub(crate) capabilities: Vec<String>,
    pub(crate) tls: Option<TlsInfo>,
    pub(crate) limit: Option<AnnouncedLimit>,
    pub(crate) findings: Vec<ProbeFinding>,
    pub(crate) offered: Option<Offered>,
    pub(crate) commands: Vec<String>,
    pub(crate) elapsed: Duration,
    pub(crate) internal_error: Option<String>,
}

impl Record {
    /// Adds a finding; `server_text` (raw) is quoted and escaped, in the message too.
    pub(crate) fn push(
        &mut self,
        kind: FindingKind,
        message: impl Into<String>,
        server_text: Option<&str>,
    ) {
        let mut message = message.into();
        let server_text = server_text.map(|t| quote_server_text(t.trim()));
        if let Some(t) = &server_text {
            message.push_str(&format!(": \"{t}\""));
        }
        self.findings.push(ProbeFinding {
            kind,
            message,
            server_text,
        });
    }

    /// Records the greeting (raw) and any limit it states.
    pub(crate) fn set_greeting(&mut self, text: &str) {
        self.greeting = Some(text.to_owned());
        if self.limit.is_none() {
            self.limit = parse_announced_limit(text);
        }
    }

    /// A greeting that refuses the connection.
    pub(crate) fn refused(&mut self, ctx: &Ctx<'_>, text: &str) {
        self.set_greeting(text);
        let limit = match self.limit.as_ref().and_then(|l| l.reached) {
            Some(super::LimitScope::PerAddress) => " (its per-address connection limit is reached)",
            Some(super::LimitScope::ServerWide) => " (its connection limit is reached)",
            None => "",
        };
        self.push(
            FindingKind::ServerRefuses,
            format!("{} refused the connection{limit}", peer(ctx, self.address)),
            Some(text),
        );
    }

    /// The outcome for `target`: the shared record plus the target's own auth check.
    pub(crate) fn outcome(&self, target: &Target, options: &Options) -> Outcome {
        let mut findings = self.findings.clone();
        if let (Some(offered), Some(method)) = (&self.offered, target.auth) {
            if let Some(f) = auth_finding(target, method, offered) {
                findings.push(f);
            }
        }
        let bypassed = options.insecure
            && self
                .tls
                .as_ref()
                .map(|t| t.certificate_error.is_some())
                .unwrap_or(false);
        if bypassed {
            for f in &mut findings {
                f.message
                    .push_str(" (the certificate did not verify; --insecure continued past it)");
            }
        }
        let escape_list = |v: &[String]| v.iter().map(|s| escape_server_text(s)).collect();
        Outcome {
            target: target.clone(),
            address: self.address,
            greeting: self.greeting.as_deref().map(escape_server_text),
            capabilities: escape_list(&self.capabilities),
            tls: self.tls.clone(),
            announced_limit: self.limit.clone(),
            commands_sent: self.commands.clone(),
            findings,
            elapsed_ms: u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX),
            internal_error: self.internal_error.clone(),
        }
    }
}

/// `127.0.0.1:2121`, or the configured host and port before a connection exists.
pub(crate) fn peer(ctx: &Ctx<'_>, address: Option<SocketAddr>) -> String {
    match address {
        Some(a) => format!("the server at {a}"),
        None => format!(
            "the server at {}:{}",
            escape_server_text(&ctx.target.host),
            ctx.target.port
        ),
    }
}

/// Probes one target, turning a panic into an internal error rather than losing the run.
pub(crate) fn run_guarded(target: &Target, options: &Options, tls: &TlsSetup) -> Record {
    let start = Instant::now();
    let ctx = Ctx {
        target,
        options,
        tls,
        start,
    };
    let mut record = catch_unwind(AssertUnwindSafe(|| run(&ctx))).unwrap_or_else(|_| Record {
        internal_error: Some("the probe panicked (a bug in clientlint)".to_owned()),
        ..Record::default()
    });
    record.elapsed = start.elapsed();
    record
}

fn run(ctx: &Ctx<'_>) -> Record {
    let mut rec = Record::default();
    let Some(mut conn) = connect(ctx, &mut rec) else {
        return rec;
    };
    let result = dialog(&mut conn, ctx, &mut rec);
    rec.commands = std::mem::take(&mut conn.sent);
    if let Err(failure) = result {
        failure_finding(failure, ctx, &mut rec);
    }
    conn.close();
    rec
}

/// Resolves, applies the address policy and connects, within the deadline.
fn connect(ctx: &Ctx<'_>, rec: &mut Record) -> Option<Conn> {
    let t = ctx.target;
    let deadline = ctx.start + ctx.options.timeout;
    let secs = ctx.options.timeout.as_secs_f64();
    let addrs = match resolve(&t.host, t.port, deadline) {
        Ok(a) => a,
        Err(ResolveError::Timeout) => {
            rec.push(
                FindingKind::Timeout,
                format!(
                    "the host name `{}` did not resolve within {secs} s",
                    escape_server_text(&t.host)
                ),
                None,
            );
            return None;
        }
        Err(ResolveError::Failed(e)) => {
            rec.push(
                FindingKind::Unreachable,
                format!(
                    "the host name `{}` does not resolve ({e})",
                    escape_server_text(&t.host)
                ),
                None,
            );
            return None;
        }
    };
    let mut allowed = Vec::new();
    let mut refused = Vec::new();
    for a in addrs {
        match refused_address(a.ip()) {
            Some(why) if !ctx.options.allow_link_local => refused.push((a.ip(), why)),
            _ => allowed.push(a),
        }
    }
    if allowed.is_empty() {
        let host = escape_server_text(&t.host);
        let what = match refused.as_slice() {
            // An address literal: no name was resolved.
            [(ip, why)] if t.host.trim_matches(['[', ']']).parse() == Ok(*ip) => {
                format!("`{host}` is {why}")
            }
            _ => {
                let each: Vec<String> = refused
                    .iter()
                    .map(|(ip, why)| format!("{ip} ({why})"))
                    .collect();
                format!("`{host}` resolves only to {}", each.join(", "))
            }
        };
        rec.push(
            FindingKind::AddressNotAllowed,
            format!("not probed: {what}; pass --allow-link-local to probe it"),
            None,
        );
        return None;
    }
    let mut last_error = None;
    for a in &allowed {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(a, left) {
            Ok(tcp) => {
                rec.address = Some(*a);
                return Some(Conn::new(tcp, t.protocol, deadline));
            }
            Err(e) => last_error = Some((*a, e)),
        }
    }
    match last_error {
        Some((a, e))
            if !matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            let why = match e.kind() {
                std::io::ErrorKind::ConnectionRefused => {
                    "the connection was refused (nothing listens on that port)".to_owned()
                }
                _ => e.to_string(),
            };
            rec.push(
                FindingKind::Unreachable,
                format!("cannot connect to {a}: {why}"),
                None,
            );
        }
        _ => rec.push(
            FindingKind::Timeout,
            format!(
                "no connection to {}:{} within {secs} s",
                escape_server_text(&t.host),
                t.port
            ),
            None,
        ),
    }
    None
}

/// The protocol's dialog, after an implicit-TLS handshake where that is configured.
fn dialog(conn: &mut Conn, ctx: &Ctx<'_>, rec: &mut Record) -> Result<(), Failure> {
    let t = ctx.target;
    if t.security == Security::ImplicitTls && t.protocol != Protocol::Sftp {
        match conn.start_tls(ctx.tls, &t.host, TlsStart::Implicit) {
            Ok(info) => accept_tls(info, rec),
            Err(Failure::Tls(TlsFailure::PlainText(text))) => {
                let line = text.lines().next().unwrap_or_default().to_owned();
                if greets_as(t.protocol, &line) {
                    rec.set_greeting(&line);
                    rec.push(
                        FindingKind::TlsModeMismatch,
                        format!(
                            "{} answered the TLS handshake with a plain-text {} greeting: the port does not speak implicit TLS (use STARTTLS or the implicit-TLS port)",
                            peer(ctx, rec.address),
                            t.protocol.name()
                        ),
                        Some(&line),
                    );
                } else {
                    wrong_protocol(ctx, rec, &line, "a TLS handshake");
                }
                return Ok(());
            }
            Err(other) => return Err(other),
        }
    }
    match t.protocol {
        Protocol::Ftp => ftp::run(conn, ctx, rec),
        Protocol::Imap => imap::run(conn, ctx, rec),
        Protocol::Pop3 => pop3::run(conn, ctx, rec),
        Protocol::Smtp => smtp::run(conn, ctx, rec),
        Protocol::Sftp => ssh::run(conn, ctx, rec),
    }
}

/// Whether `line` is a greeting of `protocol` (as far as a first line tells).
fn greets_as(protocol: Protocol, line: &str) -> bool {
    matches!(
        (sniff_greeting(line), protocol),
        (Some("FTP" | "FTP or SMTP"), Protocol::Ftp)
            | (Some("SMTP" | "FTP or SMTP"), Protocol::Smtp)
            | (Some("IMAP"), Protocol::Imap)
            | (Some("POP3"), Protocol::Pop3)
            | (Some("SSH"), Protocol::Sftp)
    )
}

/// A line that is not `protocol`'s.
fn wrong_protocol(ctx: &Ctx<'_>, rec: &mut Record, line: &str, instead_of: &str) {
    let what = match sniff_greeting(line) {
        Some(other) => format!(
            "greets like an {other} server, not {}",
            ctx.target.protocol.name()
        ),
        None => format!("sent something that is not {}", ctx.target.protocol.name()),
    };
    rec.push(
        FindingKind::NotTheExpectedProtocol,
        format!("{} {what} (expected {instead_of})", peer(ctx, rec.address)),
        Some(line),
    );
}

/// Reads the greeting. A server that stays silent for half the timeout while plain text
/// or STARTTLS is configured gets a TLS ClientHello on the same connection: a server that
/// answers it speaks implicit TLS, which is a mode mismatch, not a timeout.
pub(crate) fn read_greeting<T>(
    conn: &mut Conn,
    ctx: &Ctx<'_>,
    parser: fn(&[u8]) -> Parse<T>,
) -> Result<T, Failure> {
    let t = ctx.target;
    if t.security != Security::ImplicitTls && t.protocol != Protocol::Sftp {
        let half = ctx.start + ctx.options.timeout / 2;
        if !conn.wait_for_data(half, "the greeting")? {
            return match conn.start_tls(ctx.tls, &t.host, TlsStart::Implicit) {
                Ok(_)
                | Err(Failure::Tls(TlsFailure::Certificate(_)))
                | Err(Failure::Tls(TlsFailure::Other {
                    server_spoke_tls: true,
                    ..
                })) => Err(Failure::ImplicitTlsServer),
                Err(_) => Err(Failure::Timeout {
                    what: "the greeting",
                }),
            };
        }
    }
    conn.read(parser, "the greeting")
}

/// STARTTLS-style upgrade after the server said yes.
pub(crate) fn upgrade(conn: &mut Conn, ctx: &Ctx<'_>, rec: &mut Record) -> Result<(), Failure> {
    let info = conn.start_tls(ctx.tls, &ctx.target.host, TlsStart::Starttls)?;
    accept_tls(info, rec);
    Ok(())
}

/// Records an established TLS session; with `--insecure`, a certificate that did not
/// verify is still a finding.
fn accept_tls(info: TlsInfo, rec: &mut Record) {
    if let Some(e) = &info.certificate_error {
        rec.push(FindingKind::CertificateInvalid, e.clone(), None);
    }
    rec.tls = Some(info);
}

/// Ends the dialog politely: `line` (QUIT or LOGOUT), waiting at most a second for the
/// answer, whose content does not matter.
pub(crate) fn quit<T>(conn: &mut Conn, line: &str, parser: fn(&[u8]) -> Parse<T>) {
    conn.shorten_deadline(Duration::from_secs(1));
    if conn.send(line).is_ok() {
        let _ = conn.read(parser, "the reply to QUIT");
    }
}

/// Turns a failed step into a finding.
fn failure_finding(failure: Failure, ctx: &Ctx<'_>, rec: &mut Record) {
    let who = peer(ctx, rec.address);
    let secs = ctx.options.timeout.as_secs_f64();
    let mode = ctx.target.security.describe(ctx.target.protocol);
    match failure {
        Failure::Timeout { what } => rec.push(
            FindingKind::Timeout,
            format!("{who} did not send {what} within {secs} s"),
            None,
        ),
        Failure::Closed { what, partial } if partial.trim().is_empty() => rec.push(
            FindingKind::ServerRefuses,
            format!("{who} closed the connection instead of sending {what}"),
            None,
        ),
        Failure::Closed { what, partial } => rec.push(
            FindingKind::NotTheExpectedProtocol,
            format!("{who} closed the connection in the middle of {what}"),
            Some(&partial),
        ),
        Failure::Io { what, error } => rec.push(
            FindingKind::Unreachable,
            format!(
                "the connection to {who} failed while waiting for {what}: {}",
                escape_server_text(&error.to_string())
            ),
            None,
        ),
        Failure::Invalid {
            what,
            invalid: invalid @ (Invalid::LineTooLong | Invalid::TooManyLines),
        } => rec.push(
            FindingKind::NotTheExpectedProtocol,
            format!(
                "{who} sent {} as {what}; a {} server does not",
                invalid.describe(),
                ctx.target.protocol.name()
            ),
            None,
        ),
        Failure::Invalid {
            what,
            invalid: Invalid::NotAReply { line },
        } => wrong_protocol(ctx, rec, &line, what),
        Failure::ImplicitTlsServer => rec.push(
            FindingKind::TlsModeMismatch,
            format!(
                "{who} sent no greeting and answered a TLS handshake instead: the port speaks implicit TLS, but the configuration says {mode}"
            ),
            None,
        ),
        Failure::Tls(TlsFailure::Certificate(why)) => {
            rec.push(FindingKind::CertificateInvalid, why, None);
        }
        Failure::Tls(TlsFailure::PlainText(text)) => rec.push(
            FindingKind::TlsHandshakeFailed,
            format!("{who} answered the TLS handshake in plain text"),
            Some(text.lines().next().unwrap_or_default()),
        ),
        Failure::Tls(TlsFailure::Closed) => rec.push(
            FindingKind::TlsHandshakeFailed,
            format!("{who} closed the connection during the TLS handshake"),
            None,
        ),
        Failure::Tls(TlsFailure::Other { error, .. }) => rec.push(
            FindingKind::TlsHandshakeFailed,
            format!(
                "the TLS handshake with {who} failed: {} (clientlint speaks TLS 1.2 and 1.3)",
                escape_server_text(&error)
            ),
            None,
        ),
        Failure::Forbidden(f) => {
            rec.internal_error = Some(format!(
                "refused to send `{}`: {} (a bug in clientlint; nothing was sent)",
                escape_server_text(&f.line),
                f.reason
            ));
        }
    }
}

/// Whether `offered` lets `method` log in; `None` when it does, else the finding.
fn auth_finding(target: &Target, method: AuthMethod, offered: &Offered) -> Option<ProbeFinding> {
    let has = |names: &[&str]| {
        offered
            .mechanisms
            .iter()
            .any(|m| names.contains(&m.as_str()))
    };
    let scram = offered.mechanisms.iter().any(|m| m.starts_with("SCRAM-"));
    let ok = match method {
        AuthMethod::Any => offered.plain_login || !offered.mechanisms.is_empty() || offered.apop,
        AuthMethod::PasswordCleartext => offered.plain_login || has(&["PLAIN", "LOGIN"]),
        AuthMethod::PasswordEncrypted => {
            scram
                || has(&["CRAM-MD5", "DIGEST-MD5"])
                || (target.protocol == Protocol::Pop3 && offered.apop)
        }
        AuthMethod::Secure => {
            scram
                || has(&[
                    "CRAM-MD5",
                    "DIGEST-MD5",
                    "GSSAPI",
                    "GSS-SPNEGO",
                    "NTLM",
                    "EXTERNAL",
                ])
                || (target.protocol == Protocol::Pop3 && offered.apop)
        }
        AuthMethod::Kerberos => has(&["GSSAPI", "GSS-SPNEGO"]),
        AuthMethod::Ntlm => has(&["NTLM"]),
        AuthMethod::TlsCertificate => has(&["EXTERNAL"]),
        AuthMethod::OAuth2 => has(&["XOAUTH2", "OAUTHBEARER"]),
    };
    if ok {
        return None;
    }
    let mut list: Vec<String> = offered.mechanisms.clone();
    if offered.plain_login {
        list.insert(
            0,
            match target.protocol {
                Protocol::Pop3 => "USER/PASS".to_owned(),
                _ => "the LOGIN command".to_owned(),
            },
        );
    }
    if offered.apop {
        list.push("APOP".to_owned());
    }
    let offers = if list.is_empty() {
        "offers no authentication method".to_owned()
    } else {
        format!("offers only {}", escape_server_text(&list.join(", ")))
    };
    let when = if offered.after_tls { " after TLS" } else { "" };
    let hint = if !offered.after_tls && target.security == Security::None {
        " (many servers offer authentication only over TLS)"
    } else {
        ""
    };
    Some(ProbeFinding {
        kind: FindingKind::AuthUnavailable,
        message: format!(
            "the {} server {offers}{when}, but the account is configured for {}{hint}",
            target.protocol.name(),
            method.describe()
        ),
        server_text: None,
    })
}

/// Collects SASL mechanisms from capability lines.
pub(crate) fn mechanisms(capabilities: &[String]) -> Vec<String> {
    reply::sasl_mechanisms(capabilities)
}

#[cfg(test)]
mod tests {
    use super::{auth_finding, Offered};
    use crate::probe::{AuthMethod, FindingKind, Protocol, Security, Target};

    fn target(protocol: Protocol, security: Security) -> Target {
        Target {
            host: "mail.test".to_owned(),
            port: 143,
            protocol,
            security,
            auth: None,
        }
    }

    #[test]
    fn auth_methods_against_offers() {
        let t = target(Protocol::Imap, Security::StartTls);
        let offered = Offered {
            mechanisms: vec!["PLAIN".to_owned(), "LOGIN".to_owned()],
            plain_login: true,
            apop: false,
            after_tls: true,
        };
        assert_eq!(
            auth_finding(&t, AuthMethod::PasswordCleartext, &offered),
            None
        );
        assert_eq!(auth_finding(&t, AuthMethod::Any, &offered), None);
        let f = auth_finding(&t, AuthMethod::PasswordEncrypted, &offered);
        assert_eq!(
            f.as_ref().map(|f| f.kind),
            Some(FindingKind::AuthUnavailable)
        );
        assert_eq!(
            f.map(|f| f.message),
            Some("the IMAP server offers only the LOGIN command, PLAIN, LOGIN after TLS, but the account is configured for an encrypted password (CRAM-MD5, DIGEST-MD5, SCRAM or APOP)".to_owned())
        );
        let none = Offered::default();
        let t = target(Protocol::Smtp, Security::None);
        assert_eq!(
            auth_finding(&t, AuthMethod::PasswordCleartext, &none).map(|f| f.message),
            Some("the SMTP server offers no authentication method, but the account is configured for a normal (cleartext) password (many servers offer authentication only over TLS)".to_owned())
        );
        let pop = Offered {
            apop: true,
            ..Offered::default()
        };
        let t = target(Protocol::Pop3, Security::None);
        assert_eq!(auth_finding(&t, AuthMethod::PasswordEncrypted, &pop), None);
        let oauth = Offered {
            mechanisms: vec!["XOAUTH2".to_owned()],
            ..Offered::default()
        };
        assert_eq!(auth_finding(&t, AuthMethod::OAuth2, &oauth), None);
        assert!(auth_finding(&t, AuthMethod::Ntlm, &oauth).is_some());
    }
}
