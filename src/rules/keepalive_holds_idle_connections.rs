//! `keepalive-holds-idle-connections`: a client that keeps idle sessions alive.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Setting, Value};
use crate::rules::{describe_server, diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags clients that send keep-alive commands on idle connections: FileZilla's
    /// `FTP Keep-alive commands` = 1; a WinSCP site's `FtpPingType` (FTP, on unless it is
    /// 0: WinSCP's default is 2, a dummy command every 30 s) or `PingType` (SFTP and SCP,
    /// off by default).
    ///
    /// ## Why is this bad?
    /// The server's idle timeout exists to free connection slots. Keep-alive commands
    /// defeat it, so a forgotten FileZilla window holds its connections for hours and
    /// counts against the server's per-IP limit. FileZilla's own settings page says: "A
    /// proper server does not require this." WinSCP also keeps the idle connections of its
    /// background transfer queue open and lets them idle in turn, which is when each sends
    /// its keep-alive, so an open session tab holds its own connection and up to
    /// `QueueTransfersLimit` more.
    ///
    /// ## Example
    /// ```xml
    /// <Setting name="FTP Keep-alive commands">1</Setting>
    /// ```
    /// Use instead:
    /// ```xml
    /// <Setting name="FTP Keep-alive commands">0</Setting>
    /// ```
    ///
    /// ```ini
    /// [Sessions\Shop%20FTPS]
    /// HostName=ftp.example.com
    /// FSProtocol=5
    /// ```
    /// Use instead:
    /// ```ini
    /// [Sessions\Shop%20FTPS]
    /// HostName=ftp.example.com
    /// FSProtocol=5
    /// FtpPingType=0
    /// ```
    ///
    /// ## Fix
    /// safe: sets the value to 0 (inserting `FtpPingType=0` into a WinSCP site that relies
    /// on the default). FileZilla and WinSCP reconnect by themselves when an idle session
    /// was closed.
    pub(crate) struct KeepaliveHoldsIdleConnections {
        name: "keepalive-holds-idle-connections",
        severity: Info,
        fix: Always,
    }
}

impl KeepaliveHoldsIdleConnections {
    fn make(&self, profile: &Profile, k: &Setting<bool>, whose: String) -> Diagnostic {
        let mut d = diagnostic(
            self,
            profile,
            k.anchor(),
            "keep-alive on",
            format!(
                "{whose} sends keep-alive commands on idle connections ({}), so the server never closes them",
                k.provenance()
            ),
        );
        d.help = Some(
            "switch keep-alive off; idle connections then time out and free the server's slots"
                .to_owned(),
        );
        d.fix = Fix::new(
            Applicability::Safe,
            "switch keep-alive commands off",
            vec![k.edit_to(&Value::Bool(false))],
        );
        d
    }
}

impl Rule for KeepaliveHoldsIdleConnections {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        if let Some(k) = profile.globals.keepalive.as_ref().filter(|k| k.value) {
            out.push(self.make(profile, k, profile.client.display().to_owned()));
        }
        for server in &profile.servers {
            let Some(k) = server.keepalive.as_ref().filter(|k| k.value) else {
                continue;
            };
            let mut d = self.make(profile, k, format!("the {}", describe_server(server)));
            d.account = server.account.clone().or_else(|| Some(server.key.clone()));
            out.push(d);
        }
    }
}
