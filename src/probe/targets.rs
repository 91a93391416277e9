//! Which configured servers the probe connects to: a server of the model becomes a
//! [`Target`], or says why it is not probed. The probe rules look their outcome up by the
//! same function, so a finding lands on every server that shares the connection.

use super::{AuthMethod, Protocol, Security, Target};
use crate::model::{self, Server, Usage};

/// Why a configured server is not probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// No host name, or a placeholder (`%EMAILDOMAIN%`) a managing layer fills in later.
    NoHost,
    /// The client only remembers the server (FileZilla's recent servers), or the entry
    /// stands for the accounts a managing file applies to.
    NotConnected,
    /// A protocol the probe does not speak (NNTP, WebDAV, S3).
    Protocol(&'static str),
    /// A port outside 1–65535 (the client drops or rejects it; `invalid-value` says so).
    Port(i64),
}

impl Skip {
    /// Why, in a few words.
    pub fn describe(self) -> String {
        match self {
            Skip::NoHost => "no host name".to_owned(),
            Skip::NotConnected => "not a server the client connects to on its own".to_owned(),
            Skip::Protocol(p) => format!("clientlint does not probe {p}"),
            Skip::Port(p) => format!("port {p} is not a TCP port"),
        }
    }
}

/// The target that probes `server` as its client would connect to it.
///
/// The security mode: "STARTTLS if available" (FileZilla protocol 0, Outlook "auto", the
/// removed Thunderbird mode) is probed as STARTTLS, since that is what the client tries
/// first; SFTP has none, and SCP (WinSCP) is probed as SFTP: both are SSH, and the probe
/// reads only the SSH banner. The authentication method is checked for mail servers only, and
/// only when the client stores a mechanism; a client that stores only "authenticate: yes"
/// (Outlook) is checked for any method.
pub fn target_of(server: &Server) -> Result<Target, Skip> {
    if matches!(server.usage, Usage::History | Usage::Hypothetical) {
        return Err(Skip::NotConnected);
    }
    let host = server.host_name().trim();
    if host.is_empty() || host.contains('%') {
        return Err(Skip::NoHost);
    }
    let protocol = match server.protocol {
        model::Protocol::Ftp => Protocol::Ftp,
        // SCP runs over SSH too: the same banner tells whether SSH answers.
        model::Protocol::Sftp | model::Protocol::Scp => Protocol::Sftp,
        model::Protocol::Imap => Protocol::Imap,
        model::Protocol::Pop3 => Protocol::Pop3,
        model::Protocol::Smtp => Protocol::Smtp,
        model::Protocol::Nntp => return Err(Skip::Protocol("NNTP")),
        model::Protocol::WebDav => return Err(Skip::Protocol("WebDAV")),
        model::Protocol::S3 => return Err(Skip::Protocol("S3")),
    };
    let port = u16::try_from(server.port.value)
        .ok()
        .filter(|p| *p != 0)
        .ok_or(Skip::Port(server.port.value))?;
    let security = match (protocol, server.security.value) {
        (Protocol::Sftp, _) | (_, model::Security::None) => Security::None,
        (_, model::Security::ImplicitTls) => Security::ImplicitTls,
        (
            _,
            model::Security::StartTls
            | model::Security::TryStartTls
            | model::Security::RemovedTryStartTls,
        ) => Security::StartTls,
    };
    let auth = match protocol {
        Protocol::Ftp | Protocol::Sftp => None,
        _ => server
            .auth
            .as_ref()
            .and_then(|a| auth_of(a.value, server.auth_is_mechanism)),
    };
    Ok(Target {
        host: host.to_owned(),
        port,
        protocol,
        security,
        auth,
    })
}

fn auth_of(method: model::AuthMethod, is_mechanism: bool) -> Option<AuthMethod> {
    use model::AuthMethod as M;
    if method == M::None {
        return None;
    }
    if !is_mechanism {
        return Some(AuthMethod::Any);
    }
    Some(match method {
        M::None => return None,
        M::Old | M::PasswordCleartext => AuthMethod::PasswordCleartext,
        M::PasswordEncrypted => AuthMethod::PasswordEncrypted,
        M::Gssapi => AuthMethod::Kerberos,
        M::Ntlm => AuthMethod::Ntlm,
        M::External => AuthMethod::TlsCertificate,
        M::Secure => AuthMethod::Secure,
        M::Anything => AuthMethod::Any,
        M::OAuth2 => AuthMethod::OAuth2,
    })
}

/// The budget's name for a protocol's family: FTP and SFTP are one server, one limit
/// (`model::budget` counts them together).
pub fn family(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Ftp | Protocol::Sftp => "FTP",
        other => other.name(),
    }
}

#[cfg(test)]
mod tests {
    use super::{target_of, Skip};
    use crate::model::{self, Origin, Role, Server, Setting, Usage};
    use crate::probe::{AuthMethod, Protocol, Security};
    use crate::source::Span;

    fn setting<T>(value: T) -> Setting<T> {
        Setting {
            value,
            origin: Origin::Default {
                note: String::new(),
                anchor: (0, Span::empty(0)),
                insert: None,
            },
        }
    }

    fn server(protocol: model::Protocol, port: i64, security: model::Security) -> Server {
        let mut s = Server::new(
            "s",
            Role::Incoming,
            protocol,
            setting(port),
            setting(security),
            (0, Span::empty(0)),
        );
        s.host = Some(setting(" Mail.Example.NET ".to_owned()));
        s
    }

    #[test]
    fn servers_become_targets_as_their_client_connects() {
        let mut s = server(model::Protocol::Imap, 143, model::Security::TryStartTls);
        s.auth = Some(setting(model::AuthMethod::PasswordEncrypted));
        s.auth_is_mechanism = true;
        let t = target_of(&s).expect("a target");
        assert_eq!(
            (t.host.as_str(), t.port, t.protocol, t.security, t.auth),
            (
                "Mail.Example.NET",
                143,
                Protocol::Imap,
                Security::StartTls,
                Some(AuthMethod::PasswordEncrypted)
            )
        );
        s.auth_is_mechanism = false;
        assert_eq!(target_of(&s).map(|t| t.auth), Ok(Some(AuthMethod::Any)));
        let sftp = server(model::Protocol::Sftp, 22, model::Security::ImplicitTls);
        assert_eq!(target_of(&sftp).map(|t| t.security), Ok(Security::None));
        let mut ftp = server(model::Protocol::Ftp, 21, model::Security::StartTls);
        ftp.auth = Some(setting(model::AuthMethod::PasswordCleartext));
        assert_eq!(target_of(&ftp).map(|t| t.auth), Ok(None));
    }

    #[test]
    fn some_servers_are_not_probed() {
        let nntp = server(model::Protocol::Nntp, 119, model::Security::None);
        assert_eq!(target_of(&nntp), Err(Skip::Protocol("NNTP")));
        let port = server(model::Protocol::Ftp, 70000, model::Security::None);
        assert_eq!(target_of(&port), Err(Skip::Port(70000)));
        let mut history = server(model::Protocol::Ftp, 21, model::Security::None);
        history.usage = Usage::History;
        assert_eq!(target_of(&history), Err(Skip::NotConnected));
        let mut placeholder = server(model::Protocol::Imap, 993, model::Security::None);
        placeholder.host = Some(setting("imap.%EMAILDOMAIN%".to_owned()));
        assert_eq!(target_of(&placeholder), Err(Skip::NoHost));
    }
}
