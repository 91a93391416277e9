//! Stored passwords: how each `<Pass>` is kept on disk (plain, base64 or encrypted with
//! the master password, reference filezilla §4.4 and §5), and the passwords FileZilla
//! cannot read and so forgets.

use super::Builder;
use crate::model::{FileFinding, FileFindingKind, PasswordStorage, StoredPassword};
use crate::source::FileId;
use crate::syntax::xml::Element;

impl Builder<'_> {
    /// Finds the password inside `el` (a server-like block) and records it.
    pub(super) fn read_passwords_in(&mut self, file: FileId, el: Element<'_>, owner: String) {
        self.read_password(file, el.child("Pass"), owner);
    }

    /// Records the password `<Pass>` of a server-like block, if it holds one.
    pub(super) fn read_password(&mut self, file: FileId, pass: Option<Element<'_>>, owner: String) {
        let Some(pass) = pass else {
            return;
        };
        if pass.text().is_empty() {
            return;
        }
        let storage = match pass.attr("encoding").map(|a| a.value) {
            None => PasswordStorage::Plain,
            Some("base64") => PasswordStorage::Base64,
            Some("crypt") => {
                if !pubkey_is_usable(pass.attr("pubkey").map(|a| a.value)) {
                    let span = pass
                        .attr("pubkey")
                        .map(|a| a.value_span)
                        .unwrap_or(pass.start);
                    self.profile.findings.push(
                        FileFinding::new(
                            FileFindingKind::InvalidValue,
                            file,
                            span,
                            "not a usable public key",
                            format!("the master-password public key of {owner} cannot be read: FileZilla clears the stored password and asks for it at each connection"),
                        )
                        .help("re-enter the password in FileZilla, or restore the file's `Master password encryptor`"),
                    );
                    return;
                }
                PasswordStorage::Encrypted
            }
            Some(other) => {
                self.profile.findings.push(
                    FileFinding::new(
                        FileFindingKind::InvalidValue,
                        file,
                        pass.start,
                        "unknown encoding",
                        format!("the password of {owner} has encoding `{other}`, which FileZilla does not know: it ignores the password and asks for it at each connection"),
                    )
                    .help("re-enter the password in FileZilla"),
                );
                return;
            }
        };
        self.profile.passwords.push(StoredPassword {
            owner,
            storage,
            anchor: (file, pass.start),
            account: None,
        });
    }
}

/// Whether FileZilla can read a `crypt` password's `pubkey` attribute: if it cannot, it
/// clears the password and switches the site to "ask" (reference filezilla §5). The key
/// is `fz::public_key::to_base64()`, believed to be a 32-byte X25519 key and a 32-byte salt
/// (reference open question 2; unverified in libfilezilla's source), so anything that does
/// not decode to 64 bytes is taken as unusable — which the interop suite's FileZilla run
/// confirms for a 6-byte key (docs/interop.md, FZD1).
pub(crate) fn pubkey_is_usable(pubkey: Option<&str>) -> bool {
    use base64::Engine as _;
    let Some(key) = pubkey.map(str::trim) else {
        return false;
    };
    let padded = base64::engine::general_purpose::STANDARD.decode(key);
    let unpadded =
        base64::engine::general_purpose::STANDARD_NO_PAD.decode(key.trim_end_matches('='));
    padded.or(unpadded).map(|k| k.len() == 64).unwrap_or(false)
}

#[cfg(test)]
mod pubkey_tests {
    use super::pubkey_is_usable;

    #[test]
    fn a_64_byte_key_is_usable_believed_layout_unverified() {
        let key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKywtLi8wMTIzNDU2Nzg5Ojs8PT4/QA==";
        assert!(pubkey_is_usable(Some(key)));
        assert!(pubkey_is_usable(Some(key.trim_end_matches('='))));
        assert!(!pubkey_is_usable(Some("cHVia2V5")));
        assert!(!pubkey_is_usable(Some("not base64!")));
        assert!(!pubkey_is_usable(None));
    }
}
