//! `too-many-site-connections`: an FTP site that may get more connections than the limit.

use crate::diagnostic::{Applicability, Diagnostic, Fix};
use crate::model::{Profile, Protocol, Value};
use crate::rules::{describe_server, server_diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags FileZilla sites whose own connection limit (`MaximumMultipleConnections` in
    /// sitemanager.xml) is above `max-transfers` (default 3), or that have no limit (0 or
    /// absent) while the global `Number of Transfers` is above it.
    ///
    /// ## Why is this bad?
    /// FileZilla opens one connection per tab browsing a site plus one per running
    /// transfer, up to `Number of Transfers` over all servers and the site's own limit.
    /// A server that allows few connections per IP answers the rest with `421 Too many
    /// connections`. A per-site limit keeps that one server safe whatever the global
    /// setting is.
    ///
    /// ## Example
    /// ```xml
    /// <Server>
    ///     <Host>ftp.example.com</Host>
    ///     <MaximumMultipleConnections>8</MaximumMultipleConnections>
    /// </Server>
    /// ```
    /// Use instead:
    /// ```xml
    ///     <MaximumMultipleConnections>3</MaximumMultipleConnections>
    /// ```
    ///
    /// ## Fix
    /// safe: sets the site's limit to `max-transfers`, inserting
    /// `<MaximumMultipleConnections>` when it is absent. Transfers to that site queue up
    /// instead of failing.
    pub(crate) struct TooManySiteConnections {
        name: "too-many-site-connections",
        severity: Warning,
        fix: Always,
    }
}

impl Rule for TooManySiteConnections {
    fn check(&self, profile: &Profile, ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        let limit = ctx.settings.limits.max_transfers;
        let transfers = profile.globals.transfers.as_ref();
        // The same for every site: written once, copied into each finding.
        let fix = format!("limit the site to {limit} simultaneous connections");
        let help = format!("{fix} (Site Manager → Transfer Settings)");
        for server in &profile.servers {
            if !matches!(server.protocol, Protocol::Ftp | Protocol::Sftp) {
                continue;
            }
            let Some(cap) = &server.max_connections else {
                continue;
            };
            let over = if cap.value > limit {
                None
            } else if cap.value == 0 {
                let Some(t) = transfers.filter(|t| t.value > limit) else {
                    continue;
                };
                Some(t)
            } else {
                continue;
            };
            let worst = server.connections.count();
            let message = match over {
                None => format!(
                    "the {} allows {} simultaneous connections ({}), more than the limit of {limit}; with one browsing tab that is up to {worst} connections",
                    describe_server(server),
                    cap.value,
                    cap.provenance()
                ),
                Some(t) => format!(
                    "the {} has no connection limit ({}), so it gets up to {} transfers ({}), more than the limit of {limit}; with one browsing tab that is up to {worst} connections",
                    describe_server(server),
                    cap.provenance(),
                    t.value,
                    t.provenance()
                ),
            };
            let mut d = server_diagnostic(
                self,
                profile,
                server,
                cap.anchor(),
                if cap.value == 0 {
                    "no limit".to_owned()
                } else {
                    format!("{} connections", cap.value)
                },
                message,
            );
            d.help = Some(help.clone());
            d.fix = Fix::new(
                Applicability::Safe,
                fix.clone(),
                vec![cap.edit_to(&Value::Int(limit))],
            );
            out.push(d);
        }
    }
}
