//! Resolving a configured host, and the addresses the probe refuses to contact.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, ToSocketAddrs};
use std::sync::mpsc;
use std::time::Instant;

/// Why the probe will not contact `ip` (unless allowed), or `None`.
///
/// Link-local addresses (169.254.0.0/16, fe80::/10) are where cloud metadata services
/// answer (169.254.169.254, and fd00:ec2::254 on AWS IPv6), and a host name from a scanned
/// image must not make clientlint talk to the metadata service of the machine it runs on.
pub fn refused_address(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refused_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return refused_v4(v4);
            }
            if v6 == Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x254) {
                Some("a cloud metadata address (fd00:ec2::254)")
            } else if v6.segments()[0] & 0xffc0 == 0xfe80 {
                Some("a link-local address (fe80::/10)")
            } else {
                None
            }
        }
    }
}

fn refused_v4(v4: Ipv4Addr) -> Option<&'static str> {
    if v4 == Ipv4Addr::new(169, 254, 169, 254) {
        Some("the cloud metadata address 169.254.169.254")
    } else if v4.is_link_local() {
        Some("a link-local address (169.254.0.0/16)")
    } else if v4 == Ipv4Addr::new(100, 100, 100, 200) {
        Some("a cloud metadata address (100.100.100.200)")
    } else {
        None
    }
}

/// How resolving failed.
#[derive(Debug)]
pub(crate) enum ResolveError {
    /// The resolver did not answer before the deadline.
    Timeout,
    /// The resolver said no.
    Failed(String),
}

/// Resolves `host` (a name, an IP literal, or a bracketed IPv6 literal) with a deadline.
/// The system resolver has no timeout of its own, so a name is resolved on a helper thread
/// that is abandoned if it does not answer in time.
pub(crate) fn resolve(
    host: &str,
    port: u16,
    deadline: Instant,
) -> Result<Vec<SocketAddr>, ResolveError> {
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, port)]);
    }
    let (tx, rx) = mpsc::channel();
    let name = bare.to_owned();
    std::thread::Builder::new()
        .name("clientlint-resolve".to_owned())
        .spawn(move || {
            let result = (name.as_str(), port)
                .to_socket_addrs()
                .map(Iterator::collect::<Vec<_>>)
                .map_err(|e| e.to_string());
            let _ = tx.send(result);
        })
        .map_err(|e| ResolveError::Failed(e.to_string()))?;
    let wait = deadline.saturating_duration_since(Instant::now());
    match rx.recv_timeout(wait) {
        Ok(Ok(addrs)) if addrs.is_empty() => Err(ResolveError::Failed("no address".to_owned())),
        Ok(Ok(addrs)) => Ok(addrs),
        Ok(Err(e)) => Err(ResolveError::Failed(e)),
        Err(_) => Err(ResolveError::Timeout),
    }
}

#[cfg(test)]
mod tests {
    use super::refused_address;
    use std::net::IpAddr;

    fn refused(s: &str) -> bool {
        refused_address(s.parse::<IpAddr>().unwrap_or(IpAddr::from([0, 0, 0, 0]))).is_some()
    }

    #[test]
    fn link_local_and_metadata_are_refused() {
        for a in [
            "169.254.169.254",
            "169.254.0.1",
            "fe80::1",
            "febf::1",
            "fd00:ec2::254",
            "::ffff:169.254.169.254",
            "100.100.100.200",
        ] {
            assert!(refused(a), "{a}");
        }
        for a in [
            "127.0.0.1",
            "::1",
            "192.0.2.1",
            "fec0::1",
            "2001:db8::1",
            "10.0.0.1",
        ] {
            assert!(!refused(a), "{a}");
        }
    }
}
