//! Thunderbird's servers: an account's incoming server and the outgoing (SMTP) servers,
//! with their effective security mode, port, authentication, poll interval and connection
//! cache (reference thunderbird.md §3–§6).

use super::builder::Builder;
use super::values::{auth_from_number, security_from_number};
use crate::model::{
    AuthMethod, Connections, FileFinding, FileFindingKind, Origin, Profile, Protocol, Role,
    Security, Server, Setting, Usage,
};
use crate::source::{FileId, Span};

impl Builder<'_> {
    fn security(
        &self,
        profile: &mut Profile,
        branch: &str,
        key: &str,
        name: &str,
        anchor: (FileId, Span),
        account: Option<&str>,
    ) -> Setting<Security> {
        let (raw, explicit) = self.server_int(branch, key, name, 0, anchor);
        if !explicit && branch == "mail.server" {
            // Legacy: `isSecure` counts only when socketType is unset (reference §3.2).
            if let Some(secure) = self.server_bool(key, "isSecure") {
                if secure.value {
                    return Setting {
                        value: Security::ImplicitTls,
                        origin: Origin::Default {
                            note: "socketType is absent and legacy isSecure is true: Thunderbird uses SSL/TLS".to_owned(),
                            anchor: secure.anchor(),
                            insert: (self.insertion(&format!("{branch}.{key}.{name}"))).map(Box::new),
                        },
                    };
                }
            }
        }
        let value = match security_from_number(raw.value) {
            Some(s) => s,
            None => {
                let (file, span) = raw.anchor();
                profile.findings.push(FileFinding {
                    kind: FileFindingKind::InvalidValue,
                    file,
                    span,
                    label: "unknown security mode".to_owned(),
                    message: format!(
                        "`{name}` is {}, which is not a security mode Thunderbird knows (0 none, 2 STARTTLS, 3 SSL/TLS): it connects without encryption",
                        raw.value
                    ),
                    help: Some("use 3 (SSL/TLS) or 2 (STARTTLS)".to_owned()),
                    notes: Vec::new(),
                    account: account.map(str::to_owned),
                    deferred: None,
                    client_line: None,
                });
                Security::None
            }
        };
        Setting {
            value,
            origin: raw.origin,
        }
    }

    fn auth(
        &self,
        profile: &mut Profile,
        branch: &str,
        key: &str,
        anchor: (FileId, Span),
        account: Option<&str>,
    ) -> Option<Setting<AuthMethod>> {
        let (raw, _) = self.server_int(branch, key, "authMethod", 3, anchor);
        match auth_from_number(raw.value) {
            Some(a) => Some(Setting {
                value: a,
                origin: raw.origin,
            }),
            None => {
                let (file, span) = raw.anchor();
                profile.findings.push(FileFinding {
                    kind: FileFindingKind::InvalidValue,
                    file,
                    span,
                    label: "unknown authentication method".to_owned(),
                    message: format!(
                        "`authMethod` is {}, which Thunderbird does not know (1–10): login fails",
                        raw.value
                    ),
                    help: Some("use 3 (normal password) or 10 (OAuth2)".to_owned()),
                    notes: Vec::new(),
                    account: account.map(str::to_owned),
                    deferred: None,
                    client_line: None,
                });
                None
            }
        }
    }

    /// The effective port, and whether it follows the security mode: -1, 0 or absent mean
    /// the protocol default for the mode (reference §5).
    #[allow(clippy::too_many_arguments)]
    fn port(
        &self,
        profile: &mut Profile,
        branch: &str,
        key: &str,
        protocol: Protocol,
        security: Security,
        anchor: (FileId, Span),
        account: Option<&str>,
    ) -> (Setting<i64>, bool) {
        let default_port = if security == Security::ImplicitTls {
            protocol.implicit_tls_port()
        } else {
            protocol.plain_port()
        };
        let own = format!("{branch}.{key}.port");
        let Some(e) = self.get(&own) else {
            let setting = Setting {
                value: default_port,
                origin: Origin::Default {
                    note: format!(
                        "`port` is absent: Thunderbird uses {default_port}, the {} port for {}",
                        protocol.name(),
                        security.describe()
                    ),
                    anchor,
                    insert: (self.insertion(&own)).map(Box::new),
                },
            };
            return (setting, true);
        };
        // Only ints reach here (a string is rejected by `expected_type`).
        let p = e.stmt.int().map(i64::from).unwrap_or(-1);
        let origin = self.origin(&e, &own);
        if p == -1 || p == 0 {
            let setting = Setting {
                value: default_port,
                origin,
            };
            return (setting, true);
        }
        if !(1..=65535).contains(&p) {
            let mut f = FileFinding::new(
                FileFindingKind::InvalidValue,
                e.stmt.file,
                e.stmt.value_span,
                "not a port",
                format!("port {p} is outside 1–65535: the connection fails"),
            )
            .help(format!("use {default_port}, or -1 for the default"));
            f.account = account.map(str::to_owned);
            profile.findings.push(f);
        }
        (Setting { value: p, origin }, false)
    }

    pub(super) fn incoming(
        &self,
        profile: &mut Profile,
        account: &str,
        key: &str,
        protocol: Protocol,
    ) -> Option<Server> {
        let branch = "mail.server";
        let anchor = self.server_anchor(branch, key);
        let host = self
            .string_setting(&format!("{branch}.{key}.realhostname"))
            .or_else(|| self.string_setting(&format!("{branch}.{key}.hostname")));
        let user = self
            .string_setting(&format!("{branch}.{key}.realuserName"))
            .or_else(|| self.string_setting(&format!("{branch}.{key}.userName")));
        let security = self.security(profile, branch, key, "socketType", anchor, Some(account));
        let (port, port_follows_security) = self.port(
            profile,
            branch,
            key,
            protocol,
            security.value,
            anchor,
            Some(account),
        );
        let auth = self.auth(profile, branch, key, anchor, Some(account));
        let poll_enabled = Some(self.server_bool(key, "check_new_mail").unwrap_or_else(|| {
            let on = protocol != Protocol::Nntp;
            Setting {
                value: on,
                origin: Origin::Default {
                    note: format!(
                        "`check_new_mail` is absent: Thunderbird {} {} accounts by default",
                        if on { "checks" } else { "does not check" },
                        protocol.name()
                    ),
                    anchor,
                    insert: (self.insertion(&format!("{branch}.{key}.check_new_mail")))
                        .map(Box::new),
                },
            }
        }));
        let (poll_minutes, _) = self.server_int(branch, key, "check_time", 10, anchor);
        let max_connections = (protocol == Protocol::Imap).then(|| {
            let (mut s, _) = self.server_int(branch, key, "max_cached_connections", 5, anchor);
            // 0 means 5 and a negative value means 1 (nsImapIncomingServer.cpp).
            if s.value == 0 {
                s.value = 5;
            } else if s.value < 0 {
                s.value = 1;
            }
            s
        });
        // IMAP caches up to max_cached_connections; NNTP defaults to 2; POP3 uses one
        // connection per check (reference §6).
        let connections = match (&max_connections, protocol) {
            (Some(max), _) => Connections::Cache(max.value.max(1)),
            (None, Protocol::Nntp) => Connections::Fixed {
                count: 2,
                why: "NNTP default of 2 connections",
            },
            (None, _) => Connections::Fixed {
                count: 1,
                why: "POP3 uses one connection",
            },
        };
        Some(Server {
            account: Some(account.to_owned()),
            key: key.to_owned(),
            role: Role::Incoming,
            protocol,
            host,
            user,
            port,
            port_follows_security,
            security,
            auth,
            max_connections,
            poll_enabled,
            poll_minutes: Some(poll_minutes),
            timeout_seconds: None,
            keepalive: None,
            bookmark: None,
            auth_is_mechanism: true,
            connections,
            anchor,
            usage: Usage::Always,
        })
    }

    pub(super) fn outgoing(&self, profile: &mut Profile, key: &str) -> Option<Server> {
        let branch = "mail.smtpserver";
        let anchor = self.server_anchor(branch, key);
        let host = self.string_setting(&format!("{branch}.{key}.hostname"));
        let user = self.string_setting(&format!("{branch}.{key}.username"));
        let security = self.security(profile, branch, key, "try_ssl", anchor, None);
        let (port, port_follows_security) = self.port(
            profile,
            branch,
            key,
            Protocol::Smtp,
            security.value,
            anchor,
            None,
        );
        let auth = self.auth(profile, branch, key, anchor, None);
        Some(Server {
            account: None,
            key: key.to_owned(),
            role: Role::Outgoing,
            protocol: Protocol::Smtp,
            host,
            user,
            port,
            port_follows_security,
            security,
            auth,
            max_connections: None,
            poll_enabled: None,
            poll_minutes: None,
            timeout_seconds: None,
            keepalive: None,
            bookmark: None,
            auth_is_mechanism: true,
            // SMTP sends one message at a time (reference §6).
            connections: Connections::Fixed {
                count: 1,
                why: "SMTP uses one connection",
            },
            anchor,
            usage: Usage::Always,
        })
    }
}
