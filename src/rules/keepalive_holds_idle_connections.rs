//! `keepalive-holds-idle-connections`: a client that keeps idle sessions alive.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Value};
use crate::rules::{diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags clients that send keep-alive commands on idle connections: FileZilla's
    /// `FTP Keep-alive commands` = 1.
    ///
    /// ## Why is this bad?
    /// The server's idle timeout exists to free connection slots. Keep-alive commands
    /// defeat it, so a forgotten FileZilla window holds its connections for hours and
    /// counts against the server's per-IP limit. FileZilla's own settings page says: "A
    /// proper server does not require this."
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
    /// ## Fix
    /// safe: sets the value to 0. FileZilla reconnects by itself when an idle session was
    /// closed.
    pub(crate) struct KeepaliveHoldsIdleConnections {
        name: "keepalive-holds-idle-connections",
        severity: Info,
        fix: Always,
    }
}

impl Rule for KeepaliveHoldsIdleConnections {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let Some(k) = &profile.globals.keepalive else {
            return;
        };
        if !k.value {
            return;
        }
        let mut d = diagnostic(
            self,
            profile,
            k.anchor(),
            "keep-alive on",
            format!(
                "{} sends keep-alive commands on idle connections ({}), so the server never closes them",
                profile.client.display(),
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
        out.push(d);
    }
}
