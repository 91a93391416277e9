//! FTP (RFC 959) with explicit (RFC 4217 `AUTH TLS`) or implicit TLS: greeting, the TLS
//! upgrade with `PBSZ 0` / `PROT P`, `FEAT`, `QUIT`. Never `USER` or `PASS`.

use super::conn::{Conn, Failure};
use super::reply::{ftp_features, parse_numeric_reply};
use super::session::{peer, quit, read_greeting, upgrade, Ctx, Record};
use super::{FindingKind, Security};

pub(crate) fn run(conn: &mut Conn, ctx: &Ctx<'_>, rec: &mut Record) -> Result<(), Failure> {
    let mut greeting = read_greeting(conn, ctx, parse_numeric_reply)?;
    if greeting.code == 120 {
        // "Service ready in nnn minutes": the real greeting follows.
        rec.set_greeting(&greeting.text());
        greeting = conn.read(parse_numeric_reply, "the greeting after 120")?;
    }
    let text = greeting.text();
    if greeting.code != 220 {
        rec.refused(ctx, &text);
        return Ok(());
    }
    rec.set_greeting(&text);
    if ctx.target.security == Security::StartTls {
        let r = conn.command("AUTH TLS", parse_numeric_reply, "the reply to AUTH TLS")?;
        if r.code != 234 {
            rec.push(
                FindingKind::StarttlsUnavailable,
                format!(
                    "{} refused AUTH TLS, so explicit FTPS cannot start",
                    peer(ctx, rec.address)
                ),
                Some(&r.text()),
            );
            quit(conn, "QUIT", parse_numeric_reply);
            return Ok(());
        }
        upgrade(conn, ctx, rec)?;
    }
    if conn.is_tls() {
        for (line, what) in [
            ("PBSZ 0", "the reply to PBSZ"),
            ("PROT P", "the reply to PROT"),
        ] {
            let r = conn.command(line, parse_numeric_reply, what)?;
            if r.code / 100 != 2 {
                rec.push(
                    FindingKind::StarttlsUnavailable,
                    format!(
                        "{} refused `{line}` after TLS: directory listings and transfers would not be encrypted",
                        peer(ctx, rec.address)
                    ),
                    Some(&r.text()),
                );
                break;
            }
        }
    }
    let feat = conn.command("FEAT", parse_numeric_reply, "the reply to FEAT")?;
    rec.capabilities = ftp_features(&feat);
    quit(conn, "QUIT", parse_numeric_reply);
    Ok(())
}
