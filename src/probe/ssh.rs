//! SFTP: the SSH identification line only (RFC 4253 §4.2). Nothing is sent.

use super::conn::{Conn, Failure};
use super::reply::parse_ssh_banner;
use super::session::{peer, read_greeting, Ctx, Record};
use super::FindingKind;

pub(crate) fn run(conn: &mut Conn, ctx: &Ctx<'_>, rec: &mut Record) -> Result<(), Failure> {
    let banner = read_greeting(conn, ctx, parse_ssh_banner)?;
    rec.greeting = Some(banner.line.clone());
    if banner.proto_version != "2.0" && banner.proto_version != "1.99" {
        rec.push(
            FindingKind::NotTheExpectedProtocol,
            format!(
                "{} speaks SSH protocol version {}, but SFTP needs SSH 2",
                peer(ctx, rec.address),
                super::escape_server_text(&banner.proto_version)
            ),
            Some(&banner.line),
        );
    }
    Ok(())
}
