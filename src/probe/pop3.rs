//! POP3 (RFC 1939, RFC 2449 CAPA, RFC 2595 STLS): greeting, `CAPA`, `STLS` and `CAPA`
//! again, `QUIT`. Never `USER`, `PASS`, `APOP` or `AUTH`.

use super::conn::{Conn, Failure};
use super::reply::{parse_pop3_multiline, parse_pop3_status};
use super::session::{mechanisms, peer, quit, read_greeting, upgrade, Ctx, Offered, Record};
use super::{FindingKind, Security};

/// `CAPA`: the capability lines, or `None` when the server does not know the command.
fn capa(conn: &mut Conn) -> Result<Option<Vec<String>>, Failure> {
    let status = conn.command("CAPA", parse_pop3_status, "the reply to CAPA")?;
    if !status.ok {
        return Ok(None);
    }
    conn.read(parse_pop3_multiline, "the capability list")
        .map(Some)
}

fn has(caps: &Option<Vec<String>>, name: &str) -> bool {
    caps.as_ref()
        .map(|c| {
            c.iter().any(|l| {
                l.split_ascii_whitespace()
                    .next()
                    .map(|w| w.eq_ignore_ascii_case(name))
                    .unwrap_or(false)
            })
        })
        .unwrap_or(false)
}

pub(crate) fn run(conn: &mut Conn, ctx: &Ctx<'_>, rec: &mut Record) -> Result<(), Failure> {
    let greeting = read_greeting(conn, ctx, parse_pop3_status)?;
    let text = format!(
        "{} {}",
        if greeting.ok { "+OK" } else { "-ERR" },
        greeting.text
    );
    if !greeting.ok {
        rec.refused(ctx, &text);
        return Ok(());
    }
    rec.set_greeting(&text);
    // APOP: the greeting carries a timestamp `<…@…>` (RFC 1939 §7).
    let apop = greeting
        .text
        .split_once('<')
        .map(|(_, rest)| rest.contains('@') && rest.contains('>'))
        .unwrap_or(false);
    let mut caps = capa(conn)?;
    if ctx.target.security == Security::StartTls {
        if caps.is_some() && !has(&caps, "STLS") {
            rec.capabilities = caps.unwrap_or_default();
            rec.push(
                FindingKind::StarttlsUnavailable,
                format!(
                    "{} does not offer STLS in its CAPA list",
                    peer(ctx, rec.address)
                ),
                None,
            );
            quit(conn, "QUIT", parse_pop3_status);
            return Ok(());
        }
        let r = conn.command("STLS", parse_pop3_status, "the reply to STLS")?;
        if !r.ok {
            rec.push(
                FindingKind::StarttlsUnavailable,
                format!("{} refused STLS", peer(ctx, rec.address)),
                Some(&format!("-ERR {}", r.text)),
            );
            quit(conn, "QUIT", parse_pop3_status);
            return Ok(());
        }
        upgrade(conn, ctx, rec)?;
        caps = capa(conn)?;
    }
    let lines = caps.clone().unwrap_or_default();
    rec.offered = Some(Offered {
        mechanisms: mechanisms(&lines),
        // USER is optional (RFC 2449 §6.8); a server without CAPA is assumed to have it.
        plain_login: caps.is_none() || has(&caps, "USER"),
        apop,
        after_tls: conn.is_tls(),
    });
    rec.capabilities = lines;
    quit(conn, "QUIT", parse_pop3_status);
    Ok(())
}
