//! SMTP submission (RFC 5321, RFC 3207 STARTTLS, RFC 4954 AUTH): banner, `EHLO`,
//! `STARTTLS` and `EHLO` again, `QUIT`. The AUTH mechanisms are read from the `EHLO`
//! reply; `AUTH` itself is never sent.

use std::net::SocketAddr;

use super::conn::{Conn, Failure};
use super::reply::{parse_numeric_reply, smtp_extensions};
use super::session::{mechanisms, peer, quit, read_greeting, upgrade, Ctx, Offered, Record};
use super::{FindingKind, Security};

/// `EHLO [127.0.0.1]` / `EHLO [IPv6:::1]`: the client's own address as an address literal
/// (RFC 5321 §4.1.4), so that no local name leaks.
fn ehlo_line(local: Option<SocketAddr>) -> String {
    match local {
        Some(SocketAddr::V4(a)) => format!("EHLO [{}]", a.ip()),
        Some(SocketAddr::V6(a)) => format!("EHLO [IPv6:{}]", a.ip()),
        None => "EHLO [127.0.0.1]".to_owned(),
    }
}

pub(crate) fn run(conn: &mut Conn, ctx: &Ctx<'_>, rec: &mut Record) -> Result<(), Failure> {
    let greeting = read_greeting(conn, ctx, parse_numeric_reply)?;
    let text = greeting.text();
    if greeting.code != 220 {
        // 421 (busy, too many connections) and 554 (no service for you) alike.
        rec.refused(ctx, &text);
        return Ok(());
    }
    rec.set_greeting(&text);
    let ehlo = ehlo_line(conn.local_addr());
    let r = conn.command(&ehlo, parse_numeric_reply, "the reply to EHLO")?;
    if r.code != 250 {
        rec.push(
            FindingKind::ServerRefuses,
            format!("{} refused EHLO", peer(ctx, rec.address)),
            Some(&r.text()),
        );
        quit(conn, "QUIT", parse_numeric_reply);
        return Ok(());
    }
    let mut extensions = smtp_extensions(&r);
    if ctx.target.security == Security::StartTls {
        if !extensions
            .iter()
            .any(|e| e.eq_ignore_ascii_case("STARTTLS"))
        {
            rec.capabilities = extensions;
            rec.push(
                FindingKind::StarttlsUnavailable,
                format!(
                    "{} does not offer STARTTLS after EHLO",
                    peer(ctx, rec.address)
                ),
                None,
            );
            quit(conn, "QUIT", parse_numeric_reply);
            return Ok(());
        }
        let r = conn.command("STARTTLS", parse_numeric_reply, "the reply to STARTTLS")?;
        if r.code != 220 {
            rec.capabilities = extensions;
            rec.push(
                FindingKind::StarttlsUnavailable,
                format!("{} refused STARTTLS", peer(ctx, rec.address)),
                Some(&r.text()),
            );
            quit(conn, "QUIT", parse_numeric_reply);
            return Ok(());
        }
        upgrade(conn, ctx, rec)?;
        // RFC 3207 §4.2: forget what was learnt before TLS and ask again.
        let r = conn.command(
            &ehlo,
            parse_numeric_reply,
            "the reply to EHLO after STARTTLS",
        )?;
        extensions = if r.code == 250 {
            smtp_extensions(&r)
        } else {
            Vec::new()
        };
    }
    rec.offered = Some(Offered {
        mechanisms: mechanisms(&extensions),
        plain_login: false,
        apop: false,
        after_tls: conn.is_tls(),
    });
    rec.capabilities = extensions;
    quit(conn, "QUIT", parse_numeric_reply);
    Ok(())
}
