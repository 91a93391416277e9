//! Reading a connection limit out of what a server says: "421 Too many connections (8)
//! from this IP", "You are user number 3 of 50 allowed", and their relatives. A pure
//! function over text, tested on the replies of the servers named below.

use super::escape::quote_server_text;

/// Which limit a server's text is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LimitScope {
    /// Connections from one client address (or one user at one address).
    PerAddress,
    /// Connections to the whole server, from anyone.
    ServerWide,
}

/// A connection limit that a server stated in its greeting or refusal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnnouncedLimit {
    /// The per-address limit, when the server gave its number.
    pub per_address: Option<u32>,
    /// The server-wide limit, when the server gave its number.
    pub server_wide: Option<u32>,
    /// Which limit the server says is reached right now (it refused this connection
    /// because of it), if any.
    pub reached: Option<LimitScope>,
    /// The server's words, escaped (safe for any output).
    pub text: String,
}

/// Phrases that tie a limit to the client's address. Sources: pure-ftpd ("Too many
/// connections (8) from this IP"), vsftpd ("too many connections from your internet
/// address"), pyftpdlib ("Too many connections from the same IP address"), ProFTPD
/// MaxClientsPerHost ("connections (%m) for your host"), Postfix anvil ("too many
/// connections from 192.0.2.1"), Dovecot (`mail_max_userip_connections`), Exchange
/// ("exceeded a per source limit").
const PER_ADDRESS: &[&str] = &[
    "from this ip",
    "from your ip",
    "from the same ip",
    "from your internet address",
    "from your address",
    "from this address",
    "from your host",
    "for your host",
    "per ip",
    "per-ip",
    "per address",
    "per-address",
    "per source",
    "per host",
    "userip",
    "user+ip",
    "connections from ",
];

/// Phrases of a server-wide limit: vsftpd max_clients ("too many connected users"),
/// ProFTPD MaxClients ("maximum number of allowed clients (%m)"), pure-ftpd ("N users (the
/// maximum) are already logged in"), pyftpdlib ("Too many connections. Service temporarily
/// unavailable."), Postfix ("All server ports are busy").
const SERVER_WIDE: &[&str] = &[
    "too many connected users",
    "too many users",
    "too many clients",
    "allowed clients",
    "(the maximum)",
    "server ports are busy",
    "too many connections. service",
    "maximum number of connections reached",
    "server is full",
];

/// Words that say the limit is reached now, not merely stated.
const REACHED: &[&str] = &[
    "too many", "maximum", "already", "exceeded", "busy", "limit", "full",
];

/// Reads a connection limit from a greeting or refusal text. `None` when the text states
/// no limit that clientlint can attribute to a scope.
pub fn parse_announced_limit(text: &str) -> Option<AnnouncedLimit> {
    let lower = text.to_ascii_lowercase();
    let quoted = quote_server_text(text.trim());
    if let Some(max) = user_n_of_m(&lower) {
        return Some(AnnouncedLimit {
            per_address: None,
            server_wide: Some(max),
            reached: None,
            text: quoted,
        });
    }
    let scope = if PER_ADDRESS.iter().any(|p| lower.contains(p)) {
        LimitScope::PerAddress
    } else if SERVER_WIDE.iter().any(|p| lower.contains(p)) {
        LimitScope::ServerWide
    } else {
        return None;
    };
    let number = stated_number(&lower);
    let reached = REACHED.iter().any(|w| lower.contains(w)).then_some(scope);
    Some(AnnouncedLimit {
        per_address: number.filter(|_| scope == LimitScope::PerAddress),
        server_wide: number.filter(|_| scope == LimitScope::ServerWide),
        reached,
        text: quoted,
    })
}

/// "user 3 of 50", "user number 3 of 50", "user no. 3 of 50" → 50.
fn user_n_of_m(lower: &str) -> Option<u32> {
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if *w != "user" {
            continue;
        }
        let mut j = i + 1;
        while matches!(words.get(j), Some(&"number" | &"no" | &"nr")) {
            j += 1;
        }
        let (Some(n), Some(&"of"), Some(m)) = (words.get(j), words.get(j + 1), words.get(j + 2))
        else {
            continue;
        };
        if let (Ok(_), Ok(m)) = (n.parse::<u32>(), m.parse::<u32>()) {
            return Some(m);
        }
    }
    None
}

/// The number a refusal states: `(8)`, `=10`, `limit of 8`, `limit is 8`, `max 8`, or a
/// leading count as in pure-ftpd's "1 users (the maximum)".
fn stated_number(lower: &str) -> Option<u32> {
    let bytes = lower.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'(' || *b == b'=' {
            let digits: String = lower[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            let closed = *b == b'=' || lower[i + 1 + digits.len()..].starts_with(')');
            if !digits.is_empty() && closed {
                return digits.parse().ok();
            }
        }
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in words.iter().enumerate() {
        if matches!(*w, "limit" | "max" | "maximum") {
            let mut j = i + 1;
            while matches!(words.get(j), Some(&"is" | &"of")) {
                j += 1;
            }
            if let Some(n) = words.get(j).and_then(|n| n.parse().ok()) {
                return Some(n);
            }
        }
    }
    // "1 users (the maximum) are already logged in"
    match (words.first(), words.get(1)) {
        (Some(n), Some(&"users")) => n.parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_announced_limit, AnnouncedLimit, LimitScope};

    fn limit(text: &str) -> (Option<u32>, Option<u32>, Option<LimitScope>) {
        let l: AnnouncedLimit =
            parse_announced_limit(text).unwrap_or_else(|| panic!("no limit in {text:?}"));
        (l.per_address, l.server_wide, l.reached)
    }

    #[test]
    fn per_address_refusals() {
        use LimitScope::PerAddress as P;
        assert_eq!(
            limit("Too many connections (8) from this IP"),
            (Some(8), None, Some(P))
        );
        assert_eq!(
            limit("There are too many connections from your internet address."),
            (None, None, Some(P))
        );
        assert_eq!(
            limit("Too many connections from the same IP address."),
            (None, None, Some(P))
        );
        assert_eq!(
            limit(
                "Sorry, the maximum number of connections (3) for your host are already connected."
            ),
            (Some(3), None, Some(P))
        );
        assert_eq!(
            limit("4.7.0 mail.test Error: too many connections from 127.0.0.1"),
            (None, None, Some(P))
        );
        assert_eq!(
            limit("Maximum number of connections from user+IP exceeded (mail_max_userip_connections=10)"),
            (Some(10), None, Some(P))
        );
        assert_eq!(
            limit("4.3.2 The maximum number of concurrent server connections has exceeded a per source limit"),
            (None, None, Some(P))
        );
    }

    #[test]
    fn server_wide_limits() {
        use LimitScope::ServerWide as W;
        assert_eq!(
            limit("You are user number 3 of 50 allowed."),
            (None, Some(50), None)
        );
        assert_eq!(limit("Welcome! user 7 of 10"), (None, Some(10), None));
        assert_eq!(
            limit("There are too many connected users, please try later."),
            (None, None, Some(W))
        );
        assert_eq!(
            limit("Sorry, the maximum number of allowed clients (20) are already connected."),
            (None, Some(20), Some(W))
        );
        assert_eq!(
            limit("1 users (the maximum) are already logged in, sorry"),
            (None, Some(1), Some(W))
        );
        assert_eq!(
            limit("Too many connections. Service temporarily unavailable."),
            (None, None, Some(W))
        );
        assert_eq!(
            limit("4.3.2 All server ports are busy"),
            (None, None, Some(W))
        );
    }

    #[test]
    fn no_limit() {
        assert_eq!(parse_announced_limit("(vsFTPd 3.0.3)"), None);
        assert_eq!(
            parse_announced_limit("mail.test ESMTP Postfix (Debian/GNU)"),
            None
        );
        assert_eq!(parse_announced_limit("Service not available"), None);
        assert_eq!(parse_announced_limit("user of"), None);
    }

    #[test]
    fn text_is_escaped() {
        let l = parse_announced_limit("Too many connections (8) from this IP\x1b[2J");
        assert_eq!(
            l.map(|l| l.text),
            Some("Too many connections (8) from this IP\\x1b[2J".to_owned())
        );
    }
}
