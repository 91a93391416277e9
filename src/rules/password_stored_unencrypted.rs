//! `password-stored-unencrypted`: a password anyone who can read the file can recover.

use crate::diagnostic::Diagnostic;
use crate::model::Profile;
use crate::rules::{diagnostic, Context, Rule};

declare_rule! {
    /// ## What it does
    /// Flags passwords stored so that anyone who can read the file can recover them: in
    /// clear text or base64-encoded (FileZilla `<Pass encoding="base64">`, which is an
    /// encoding, not encryption), including proxy passwords; WinSCP's `PasswordPlain`,
    /// `ProxyPassword`, `TunnelPasswordPlain`, `TunnelPassphrasePlain` and `EncryptKeyPlain`
    /// (clear) and its `Password` and the other obfuscated forms, which WinSCP scrambles
    /// with a published scheme keyed only by the user and host names, so they are as
    /// recoverable as clear text. Passwords protected by a master password (FileZilla's
    /// `crypt`, WinSCP's `A35D…`) are not flagged.
    /// The password itself is never shown in any output.
    ///
    /// ## Why is this bad?
    /// Configuration files end up in backups, dotfile repositories, support tickets and
    /// home-directory images; every copy hands out the server login.
    ///
    /// ## Example
    /// ```xml
    /// <Pass encoding="base64">c2VjcmV0</Pass>
    /// ```
    /// Use instead: set a master password in FileZilla (Edit → Settings → Interface →
    /// Passwords), or do not save passwords (`<Logontype>3</Logontype>`, "ask"). In WinSCP:
    /// Preferences → Security → "Use master password", or do not save the site's password.
    ///
    /// ## Fix
    /// None: re-storing the password needs the client (master password or kiosk mode).
    pub(crate) struct PasswordStoredUnencrypted {
        name: "password-stored-unencrypted",
        severity: Warning,
        fix: Never,
    }
}

impl Rule for PasswordStoredUnencrypted {
    fn check(&self, profile: &Profile, _ctx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        // The same for every password of the profile: written once, copied into each.
        let help = format!(
            "protect stored passwords with {}'s master password, or let it ask for the password",
            profile.client.display()
        );
        for pw in &profile.passwords {
            if !pw.storage.is_recoverable() {
                continue;
            }
            let mut d = diagnostic(
                self,
                profile,
                pw.anchor,
                "password stored here",
                format!(
                    "the password of {} is stored {}",
                    pw.owner,
                    pw.storage.describe()
                ),
            );
            d.help = Some(help.clone());
            d.account = pw.account.clone();
            out.push(d);
        }
    }
}
