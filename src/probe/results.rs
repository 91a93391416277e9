//! The outcomes of a probe run, as the rules read them: by target, and the per-address
//! connection limits the servers announced, for the connection budget.

use std::collections::HashMap;

use super::targets::family;
use super::{Outcome, Target};

/// What one `clientlint probe` (or `connections --probe`) run found, server by server.
#[derive(Debug, Default)]
pub struct Probed {
    outcomes: Vec<Outcome>,
    index: HashMap<Target, usize>,
}

/// A per-address connection limit a server stated with its number ("421 Too many
/// connections (8) from this IP"), for the connection budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announced {
    /// The host as configured.
    pub host: String,
    /// The budget's protocol family (`FTP` for FTP and SFTP, `IMAP`, …).
    pub family: &'static str,
    /// The limit.
    pub limit: u32,
    /// The server's words, escaped.
    pub text: String,
}

impl Probed {
    /// The outcomes of [`super::probe_all`], one per target.
    pub fn new(outcomes: Vec<Outcome>) -> Probed {
        let index = outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| (o.target.clone(), i))
            .collect();
        Probed { outcomes, index }
    }

    /// The outcome of probing `target`, if it was probed.
    pub fn get(&self, target: &Target) -> Option<&Outcome> {
        self.index.get(target).and_then(|&i| self.outcomes.get(i))
    }

    /// Every outcome, in the order probed.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// Every per-address connection limit a server stated with its number, in the order
    /// probed. A statement without a number ("too many connections from your internet
    /// address") is not a limit the budget can use.
    pub fn announced(&self) -> Vec<Announced> {
        self.outcomes
            .iter()
            .filter_map(|o| {
                let limit = o.announced_limit.as_ref()?;
                Some(Announced {
                    host: o.target.host.trim().to_owned(),
                    family: family(o.target.protocol),
                    limit: limit.per_address?,
                    text: limit.text.clone(),
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::Probed;
    use crate::probe::{AnnouncedLimit, Outcome, Protocol, Security, Target};

    fn outcome(host: &str, protocol: Protocol, per_address: Option<u32>) -> Outcome {
        Outcome {
            target: Target {
                host: host.to_owned(),
                port: 21,
                protocol,
                security: Security::None,
                auth: None,
            },
            address: None,
            greeting: None,
            capabilities: Vec::new(),
            tls: None,
            announced_limit: Some(AnnouncedLimit {
                per_address,
                server_wide: None,
                reached: None,
                text: format!("({per_address:?})"),
            }),
            commands_sent: Vec::new(),
            findings: Vec::new(),
            elapsed_ms: 0,
            internal_error: None,
        }
    }

    #[test]
    fn numbered_per_address_limits_are_announced_with_their_family() {
        let probed = Probed::new(vec![
            outcome("ftp.example.net", Protocol::Ftp, Some(8)),
            outcome(" FTP.example.net", Protocol::Sftp, Some(4)),
            outcome("ftp.example.net", Protocol::Imap, Some(2)),
            outcome("ftp.example.net", Protocol::Ftp, None),
        ]);
        let got: Vec<(String, &str, u32)> = probed
            .announced()
            .into_iter()
            .map(|a| (a.host, a.family, a.limit))
            .collect();
        assert_eq!(
            got,
            [
                ("ftp.example.net".to_owned(), "FTP", 8),
                ("FTP.example.net".to_owned(), "FTP", 4),
                ("ftp.example.net".to_owned(), "IMAP", 2),
            ]
        );
    }
}
