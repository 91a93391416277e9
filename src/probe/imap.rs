//! IMAP (RFC 9051 / 3501): greeting, `CAPABILITY`, `STARTTLS` and `CAPABILITY` again,
//! `LOGOUT`. Never `LOGIN` or `AUTHENTICATE`.

use super::conn::{Conn, Failure};
use super::reply::{imap_capabilities, parse_imap_line, ImapLine, ImapStatus, Invalid, MAX_LINES};
use super::session::{mechanisms, peer, quit, read_greeting, upgrade, Ctx, Offered, Record};
use super::{FindingKind, Security};

/// Sends `tag command` and reads up to its tagged reply (or an untagged BYE); returns that
/// line and the capabilities seen on the way.
fn tagged(
    conn: &mut Conn,
    tag: &str,
    command: &str,
    what: &'static str,
) -> Result<(ImapLine, Vec<String>), Failure> {
    conn.send(&format!("{tag} {command}"))?;
    let mut caps = Vec::new();
    for _ in 0..MAX_LINES {
        let line = conn.read(parse_imap_line, what)?;
        if line.tag == "*" && line.status.is_none() {
            let c = imap_capabilities(&line.text);
            if !c.is_empty() {
                caps = c;
            }
            continue;
        }
        if let Some(code) = &line.code {
            let c = imap_capabilities(code);
            if !c.is_empty() {
                caps = c;
            }
        }
        if line.tag.eq_ignore_ascii_case(tag) || line.status == Some(ImapStatus::Bye) {
            return Ok((line, caps));
        }
    }
    Err(Failure::Invalid {
        what,
        invalid: Invalid::TooManyLines,
    })
}

fn line_text(l: &ImapLine) -> String {
    let status = match l.status {
        Some(ImapStatus::Ok) => "OK",
        Some(ImapStatus::No) => "NO",
        Some(ImapStatus::Bad) => "BAD",
        Some(ImapStatus::Bye) => "BYE",
        Some(ImapStatus::Preauth) => "PREAUTH",
        None => "",
    };
    match &l.code {
        Some(code) => format!("{} {status} [{code}] {}", l.tag, l.text),
        None => format!("{} {status} {}", l.tag, l.text),
    }
}

pub(crate) fn run(conn: &mut Conn, ctx: &Ctx<'_>, rec: &mut Record) -> Result<(), Failure> {
    let greeting = read_greeting(conn, ctx, parse_imap_line)?;
    let text = line_text(&greeting);
    match (greeting.tag.as_str(), greeting.status) {
        ("*", Some(ImapStatus::Ok | ImapStatus::Preauth)) => rec.set_greeting(&text),
        ("*", Some(ImapStatus::Bye | ImapStatus::No | ImapStatus::Bad)) => {
            rec.refused(ctx, &text);
            return Ok(());
        }
        _ => {
            return Err(Failure::Invalid {
                what: "the greeting",
                invalid: Invalid::NotAReply { line: text },
            })
        }
    }
    let (r, mut caps) = tagged(conn, "a1", "CAPABILITY", "the reply to CAPABILITY")?;
    if r.status == Some(ImapStatus::Bye) {
        rec.refused(ctx, &line_text(&r));
        return Ok(());
    }
    if ctx.target.security == Security::StartTls {
        if !caps.iter().any(|c| c == "STARTTLS") {
            rec.capabilities = caps;
            rec.push(
                FindingKind::StarttlsUnavailable,
                format!(
                    "{} does not offer STARTTLS in its capabilities",
                    peer(ctx, rec.address)
                ),
                None,
            );
            quit(conn, "a9 LOGOUT", parse_imap_line);
            return Ok(());
        }
        let (r, _) = tagged(conn, "a2", "STARTTLS", "the reply to STARTTLS")?;
        if r.status != Some(ImapStatus::Ok) {
            rec.capabilities = caps;
            rec.push(
                FindingKind::StarttlsUnavailable,
                format!("{} refused STARTTLS", peer(ctx, rec.address)),
                Some(&line_text(&r)),
            );
            quit(conn, "a9 LOGOUT", parse_imap_line);
            return Ok(());
        }
        upgrade(conn, ctx, rec)?;
        // RFC 9051 §6.2.1: capabilities from before TLS must be discarded.
        let (_, after) = tagged(
            conn,
            "a3",
            "CAPABILITY",
            "the reply to CAPABILITY after STARTTLS",
        )?;
        caps = after;
    }
    rec.offered = Some(Offered {
        mechanisms: mechanisms(&caps),
        plain_login: !caps.iter().any(|c| c == "LOGINDISABLED"),
        apop: false,
        after_tls: conn.is_tls(),
    });
    rec.capabilities = caps;
    quit(conn, "a9 LOGOUT", parse_imap_line);
    Ok(())
}
