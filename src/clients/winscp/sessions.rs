//! WinSCP's stored sites (`[Sessions\<name>]`) → the model's servers and stored passwords.
//!
//! A site holds only what differs from WinSCP's factory defaults (`TSessionData::DoSave`
//! deletes a value equal to the default), and WinSCP loads each site from those defaults,
//! not from `[Sessions\Default%20Settings]`, which is only the template for new sites
//! (`TStoredSessionList::Load`). A key that is absent therefore means the factory default
//! in [`super::facts::default`]. Each site is a bookmark the user opens: it uses one
//! connection plus the background transfer queue's (`QueueTransfersLimit`).

use super::facts::{self, default};
use super::munge::unmunge;
use super::store::{Data, Entry, Key, Store, Syntax};
use crate::clients::KnownNames;
use crate::model::{
    AuthMethod, Connections, FileFinding, FileFindingKind, Origin, PasswordStorage, Profile,
    Protocol, Role, Security, Server, Setting, StoredPassword, Usage, Value, ValueWriter,
};
use crate::source::{FileId, Span};

/// The prefix of a site's key path.
pub(super) const SESSIONS: &str = "Sessions\\";

/// One site being read.
struct Site<'s> {
    store: &'s Store,
    key: &'s Key,
    /// The unmunged name, folders included (`Backup/Web server`).
    name: String,
    anchor: (FileId, Span),
    findings: Vec<FileFinding>,
}

/// Reads the site at `key` into `profile`: its server (unless WinSCP cannot tell what the
/// site connects with), its stored passwords and what is wrong with its values.
/// `queue` is `QueueTransfersLimit`.
pub(super) fn read(store: &Store, key: &Key, queue: i64, profile: &mut Profile) {
    let raw = key.path.get(SESSIONS.len()..).unwrap_or("");
    let mut site = Site {
        store,
        key,
        name: unmunge(raw),
        anchor: (store.file, key.path_span),
        findings: Vec::new(),
    };
    site.unknown_keys();
    site.passwords(profile);
    if let Some(server) = site.server(queue) {
        profile.servers.push(server);
    }
    profile.findings.append(&mut site.findings);
}

impl Site<'_> {
    fn is_template(&self) -> bool {
        self.name == facts::DEFAULT_SETTINGS
    }

    /// "site `Web server`" or "the default site template".
    fn owner(&self) -> String {
        if self.is_template() {
            "the default site template (`Default Settings`)".to_owned()
        } else {
            format!("site `{}`", self.name)
        }
    }

    fn push(&mut self, finding: FileFinding) {
        self.findings.push(finding.account(self.name.clone()));
    }

    /// A finding about one of the site's values.
    fn invalid(&mut self, entry: &Entry, label: &str, message: String, help: &str) {
        let f = FileFinding::new(
            FileFindingKind::InvalidValue,
            self.store.file,
            entry.data_span,
            label,
            message,
        )
        .help(help);
        self.push(f);
    }

    /// The site's number `name`: explicit, or (absent or unreadable) the default, whose
    /// `meaning` completes the note ("`Ftps` is absent: WinSCP uses 0, no TLS").
    fn int(
        &mut self,
        name: &str,
        default: i64,
        writer: ValueWriter,
        meaning: &str,
    ) -> Setting<i64> {
        let Some(entry) = self.key.get(name) else {
            return Setting {
                value: default,
                origin: Origin::Default {
                    note: format!("`{name}` is absent: WinSCP uses {default}{meaning}"),
                    anchor: self.anchor,
                    insert: Some(self.store.insertion(Some(self.key), "", name, writer)),
                },
            };
        };
        match self.store.int(entry, &format!("`{name}`"), default) {
            Ok(v) => self.store.explicit(v, entry, writer),
            Err(f) => {
                self.push(*f);
                Setting {
                    value: default,
                    origin: Origin::Default {
                        note: format!("`{name}` cannot be read: WinSCP uses {default}{meaning}"),
                        anchor: (self.store.file, entry.data_span),
                        insert: None,
                    },
                }
            }
        }
    }

    /// A boolean the site stores (`1`/`0`, `on`/`off` in an INI file, a REG_DWORD in the
    /// registry); false when absent or unreadable.
    fn flag(&self, name: &str) -> bool {
        match self.key.get(name).map(|e| &e.data) {
            Some(Data::Dword(n)) => *n != 0,
            Some(Data::Text(t)) => {
                let t = t.trim();
                t.eq_ignore_ascii_case("on")
                    || super::store::delphi_int(t).map(|n| n != 0).unwrap_or(false)
            }
            _ => false,
        }
    }

    /// Keys WinSCP does not read in a site.
    fn unknown_keys(&mut self) {
        let key = self.key;
        for e in &key.entries {
            if facts::SESSION_KEYS
                .iter()
                .any(|k| k.eq_ignore_ascii_case(&e.name))
            {
                continue;
            }
            // The "did you mean" is worked out only if unknown-setting reports it.
            let f = FileFinding::new(
                FileFindingKind::UnknownSetting,
                self.store.file,
                e.name_span,
                "unknown setting",
                format!(
                    "`{}` is not a setting WinSCP reads in a site: WinSCP ignores it",
                    e.name
                ),
            )
            .deferred(&e.name, suggest_key)
            .help("remove it, or use the name WinSCP reads (see winscp.net/eng/docs/rawsettings)");
            self.push(f);
        }
    }

    /// The stored passwords, passphrases and keys of the site.
    fn passwords(&self, profile: &mut Profile) {
        for (clear, obfuscated, what) in facts::PASSWORDS {
            let stored = |name: &str| {
                self.key.get(name).filter(|e| match &e.data {
                    Data::Text(t) => !t.trim().is_empty(),
                    _ => true,
                })
            };
            // The clear value is read in preference to the obfuscated one.
            let (entry, storage) = match (stored(clear), stored(obfuscated)) {
                (Some(e), _) => (e, PasswordStorage::Plain),
                (None, Some(e)) => {
                    let encrypted = matches!(&e.data, Data::Text(t) if facts::is_master_password_encrypted(t.trim()));
                    let storage = if encrypted {
                        PasswordStorage::Encrypted
                    } else {
                        PasswordStorage::Obfuscated
                    };
                    (e, storage)
                }
                (None, None) => continue,
            };
            let owner = match *what {
                "site" => self.owner(),
                other => format!("the {other} of {}", self.owner()),
            };
            profile.passwords.push(StoredPassword {
                owner,
                storage,
                anchor: (self.store.file, entry.name_span),
                account: Some(self.name.clone()),
            });
        }
    }

    /// The server the site connects to, or `None` when its protocol or TLS mode is not one
    /// WinSCP has (reported as an invalid value).
    fn server(&mut self, queue: i64) -> Option<Server> {
        let int_writer = self.store.int_writer();
        // Read (and report) what does not depend on the protocol first.
        let port = self.port(int_writer);
        let timeout = self.timeout(int_writer);
        let (host, user) = self.host_and_user();
        let fs = self.int("FSProtocol", default::FS_PROTOCOL, no_writer, ", SFTP");
        let Some(protocol) = facts::protocol(fs.value) else {
            if let Some(e) = self.key.get("FSProtocol") {
                self.invalid(
                    e,
                    "no such protocol",
                    format!(
                        "`FSProtocol` is {}: WinSCP has no protocol with that number (0 SCP, 1 SFTP, 2 SFTP only, 5 FTP, 6 WebDAV, 7 S3; 3 and 4 are obsolete); clientlint does not check this site further",
                        fs.value
                    ),
                    "choose the protocol again in WinSCP's Login dialog",
                );
            }
            return None;
        };
        let security = self.security(protocol)?;
        let mut server = Server::new(
            self.name.clone(),
            Role::Incoming,
            protocol,
            port,
            security,
            self.anchor,
        );
        server.account = Some(self.name.clone());
        server.auth = self.auth(protocol, user.as_ref());
        server.host = host;
        server.user = user;
        server.timeout_seconds = timeout;
        server.keepalive = self.keepalive(protocol, int_writer);
        server.connections = connections(queue);
        let workspace = self.flag("IsWorkspace");
        if self.is_template() {
            // A template for new sites: its values are checked, but it opens nothing.
            server.usage = Usage::Hypothetical;
        } else {
            server.usage = Usage::OnDemand;
            // A workspace's tabs are copies of sites by design; a site is told from
            // another site of the same account by the directories it opens.
            if !workspace {
                server.bookmark = Some(self.directories());
            }
        }
        Some(server)
    }

    /// `Ftps` read for the site's protocol (SSH encrypts without it).
    fn security(&mut self, protocol: Protocol) -> Option<Setting<Security>> {
        if protocol.is_ssh() {
            return Some(Setting {
                value: Security::ImplicitTls,
                origin: Origin::Default {
                    note: format!(
                        "{} runs over SSH, which encrypts the connection",
                        protocol.name()
                    ),
                    anchor: self.anchor,
                    insert: None,
                },
            });
        }
        let ftp = protocol == Protocol::Ftp;
        let writer: ValueWriter = match (ftp, self.store.syntax) {
            (true, Syntax::Ini) => ini_ftps_ftp,
            (true, Syntax::Reg) => reg_ftps_ftp,
            (false, Syntax::Ini) => ini_ftps_http,
            (false, Syntax::Reg) => reg_ftps_http,
        };
        let ftps = self.int("Ftps", default::FTPS, writer, ", no TLS");
        let security = if ftp {
            facts::ftp_security(ftps.value)
        } else {
            Some(facts::http_security(ftps.value))
        };
        let Some(security) = security else {
            if let Some(e) = self.key.get("Ftps") {
                self.invalid(
                    e,
                    "no such TLS mode",
                    format!(
                        "`Ftps` is {}, outside 0–3 (0 none, 1 implicit TLS, 2 explicit SSL, 3 explicit TLS): WinSCP has no such mode; clientlint does not check this site's connection further",
                        ftps.value
                    ),
                    "choose the encryption again in WinSCP's Login dialog",
                );
            }
            return None;
        };
        Some(Setting {
            value: security,
            origin: ftps.origin,
        })
    }

    /// `PortNumber` (22 when absent, whatever the protocol).
    fn port(&mut self, writer: ValueWriter) -> Setting<i64> {
        let port = self.int(
            "PortNumber",
            default::PORT,
            writer,
            ", whatever the protocol",
        );
        if !(1..=65535).contains(&port.value) {
            if let Some(e) = self.key.get("PortNumber") {
                self.invalid(
                    e,
                    "no such port",
                    format!(
                        "`PortNumber` is {}, outside 1–65535: the site cannot connect",
                        port.value
                    ),
                    "set the server's port",
                );
            }
        }
        port
    }

    /// `HostName` and `UserName`. WinSCP reads `HostName` after `UserName`, and a
    /// `user@host` there sets both (`TSessionData::SetHostName`).
    fn host_and_user(&mut self) -> (Option<Setting<String>>, Option<Setting<String>>) {
        let writer: ValueWriter = no_writer;
        let user = self.key.get("UserName").and_then(|e| {
            let u = self.store.text(e)?;
            (!u.is_empty()).then(|| self.store.explicit(u, e, writer))
        });
        let Some((entry, host)) = self
            .key
            .get("HostName")
            .and_then(|e| Some((e, self.store.text(e)?)))
        else {
            return (None, user);
        };
        match host.rsplit_once('@') {
            Some((u, h)) if !u.is_empty() => (
                Some(self.store.explicit(h.to_owned(), entry, writer)),
                Some(self.store.explicit(u.to_owned(), entry, writer)),
            ),
            _ => (
                (!host.is_empty()).then(|| self.store.explicit(host, entry, writer)),
                user,
            ),
        }
    }

    /// How the site logs in, as far as the transport's rules need it: an FTP or WebDAV
    /// login sends the password as it is (anonymous logins send none); S3 signs requests
    /// with its secret key instead of sending it; SSH encrypts the login anyway. A site
    /// without a user name is taken to log in with a password too (WinSCP asks for what
    /// is missing; unverified in its source).
    fn auth(
        &self,
        protocol: Protocol,
        user: Option<&Setting<String>>,
    ) -> Option<Setting<AuthMethod>> {
        if protocol.is_ssh() {
            return None;
        }
        let anonymous = user
            .map(|u| u.value.trim().eq_ignore_ascii_case("anonymous"))
            .unwrap_or(false);
        let method = match protocol {
            Protocol::S3 => AuthMethod::PasswordEncrypted,
            _ if anonymous => AuthMethod::None,
            _ => AuthMethod::PasswordCleartext,
        };
        Some(match user {
            Some(u) => Setting {
                value: method,
                origin: u.origin.clone(),
            },
            None => Setting {
                value: method,
                origin: Origin::Default {
                    note: "no `UserName` is stored: WinSCP asks for the login".to_owned(),
                    anchor: self.anchor,
                    insert: None,
                },
            },
        })
    }

    /// `Timeout` in seconds; `None` when it is 0 or negative, which WinSCP does not read
    /// as "no timeout" (reported as an invalid value).
    fn timeout(&mut self, writer: ValueWriter) -> Option<Setting<i64>> {
        let t = self.int("Timeout", default::TIMEOUT, writer, " seconds");
        if t.value > 0 {
            return Some(t);
        }
        if let Some(e) = self.key.get("Timeout") {
            let (low, high) = facts::TIMEOUT_RANGE;
            self.invalid(
                e,
                "no such timeout",
                format!(
                    "`Timeout` is {}, which does not switch the timeout off: WinSCP stops waiting for the server at once (SFTP and SCP ask at every wait whether to keep waiting, FTP closes the connection); its site dialog allows {low}–{high} seconds",
                    t.value
                ),
                "set a timeout in seconds, such as 15 (WinSCP's default) or 60",
            );
        }
        None
    }

    /// Keep-alives on the site's idle connections: `PingType` for SFTP and SCP (off by
    /// default), `FtpPingType` for FTP (on by default); WinSCP sends them when the value
    /// is not 0 (`TSFTPFileSystem::Idle`; `OPTION_KEEPALIVE` in `TFTPFileSystem`).
    /// WebDAV and S3 have none.
    fn keepalive(&mut self, protocol: Protocol, writer: ValueWriter) -> Option<Setting<bool>> {
        let (name, default) = match protocol {
            Protocol::Ftp => ("FtpPingType", default::FTP_PING_TYPE),
            p if p.is_ssh() => ("PingType", default::PING_TYPE),
            _ => return None,
        };
        let meaning = if protocol == Protocol::Ftp {
            let interval = self
                .key
                .get("FtpPingInterval")
                .and_then(|e| self.store.int(e, "", 0).ok())
                .unwrap_or(default::FTP_PING_INTERVAL);
            format!(", a dummy command every {interval} s")
        } else {
            ", no keep-alives".to_owned()
        };
        let ping = self.int(name, default, writer, &meaning);
        let on = ping.value != 0;
        let origin = ping.origin;
        Some(Setting { value: on, origin })
    }

    /// What the site opens: its local and remote directories.
    fn directories(&self) -> String {
        let dir = |name: &str| {
            self.key
                .get(name)
                .and_then(|e| self.store.text(e))
                .unwrap_or_default()
        };
        format!("{}\n{}", dir("LocalDirectory"), dir("RemoteDirectory"))
    }
}

/// The connections a site may open: its own, plus the background queue's.
fn connections(queue: i64) -> Connections {
    if queue < 0 {
        Connections::Fixed {
            count: 1 + facts::UNCAPPED_QUEUE_COUNTED_AS,
            why: "1 browsing + uncapped transfers (QueueTransfersLimit < 0, counted as 9)",
        }
    } else {
        Connections::BrowsingAndTransfers {
            transfers: queue,
            site_limit: false,
        }
    }
}

fn no_writer(_: &Value) -> Option<String> {
    None
}

fn ftps_number(v: &Value, for_ftp: bool) -> Option<i64> {
    match v {
        Value::Security(s) if for_ftp => facts::ftps_for_ftp(*s),
        Value::Security(s) => facts::ftps_for_http(*s),
        _ => None,
    }
}

fn ini_ftps_ftp(v: &Value) -> Option<String> {
    super::store::ini_int(&Value::Int(ftps_number(v, true)?))
}
fn reg_ftps_ftp(v: &Value) -> Option<String> {
    super::store::reg_int(&Value::Int(ftps_number(v, true)?))
}
fn ini_ftps_http(v: &Value) -> Option<String> {
    super::store::ini_int(&Value::Int(ftps_number(v, false)?))
}
fn reg_ftps_http(v: &Value) -> Option<String> {
    super::store::reg_int(&Value::Int(ftps_number(v, false)?))
}

/// Names the closest site key in an unknown-setting finding about `name`, when one is
/// near enough to be a typo.
fn suggest_key(name: &str, finding: &mut FileFinding) {
    static KEYS: std::sync::OnceLock<KnownNames> = std::sync::OnceLock::new();
    let keys = KEYS.get_or_init(|| KnownNames::new(facts::SESSION_KEYS.iter().copied()));
    if let Some(n) = keys.nearest(name) {
        finding.message = format!(
            "`{name}` is not a setting WinSCP reads in a site: WinSCP ignores it; did you mean `{n}`?"
        );
    }
}
