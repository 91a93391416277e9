//! The WinSCP client's model, on small files: what each site becomes, defaults and their
//! insertion points, passwords, and both syntaxes reading the same tree.

use super::{build_profile, ini_secrets, store, INI, WINSCP};
use crate::clients::{Client, Confidence, Seen};
use crate::model::{
    Connections, FileFindingKind, PasswordStorage, Profile, Protocol, Security, Usage, Value,
};
use crate::source::SourceFile;
use std::path::Path;

fn ini(text: &str) -> (SourceFile, Profile) {
    let f = SourceFile::new("WinSCP.ini", text.as_bytes().to_vec());
    let (s, _) = store::from_ini(0, &f);
    let p = build_profile(&f, s);
    (f, p)
}

fn reg(text: &str) -> (SourceFile, Profile) {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let f = SourceFile::new("winscp.reg", bytes);
    let (s, _) = store::from_reg(0, &f);
    let p = build_profile(&f, s);
    (f, p)
}

/// The text after applying one edit.
fn apply(f: &SourceFile, edit: &crate::source::Edit) -> String {
    let mut t = f.text.clone();
    t.replace_range(edit.span.start..edit.span.end, &edit.replacement);
    t
}

#[test]
fn an_absent_key_means_the_factory_default_not_default_settings() {
    let (_, p) = ini("[Sessions\\Default%20Settings]\r\nFSProtocol=5\r\nTimeout=99\r\n\r\n[Sessions\\Web]\r\nHostName=example.com\r\n");
    assert_eq!(p.servers.len(), 2);
    let template = &p.servers[0];
    assert_eq!(template.usage, Usage::Hypothetical);
    assert_eq!(template.protocol, Protocol::Ftp);
    let web = &p.servers[1];
    assert_eq!(web.protocol, Protocol::Sftp);
    assert_eq!(web.port.value, 22);
    assert_eq!(web.timeout_seconds.as_ref().map(|t| t.value), Some(15));
    assert_eq!(web.keepalive.as_ref().map(|k| k.value), Some(false));
    assert_eq!(web.security.value, Security::ImplicitTls);
    assert_eq!(web.usage, Usage::OnDemand);
    assert_eq!(
        web.connections,
        Connections::BrowsingAndTransfers {
            transfers: 2,
            site_limit: false
        }
    );
}

#[test]
fn ftp_keeps_alive_by_default_and_the_fix_inserts_ftp_ping_type_in_the_site() {
    let text = "[Sessions\\Shop]\r\nHostName=ftp.example.com\r\nPortNumber=21\r\nFSProtocol=5\r\n\r\n[Sessions\\Next]\r\n";
    let (f, p) = ini(text);
    let shop = &p.servers[0];
    assert_eq!(shop.security.value, Security::None);
    let k = shop.keepalive.as_ref().map(|k| k.value);
    assert_eq!(k, Some(true));
    let edit = shop
        .keepalive
        .as_ref()
        .and_then(|k| k.edit_to(&Value::Bool(false)));
    let fixed = edit.map(|e| apply(&f, &e)).unwrap_or_default();
    assert!(
        fixed.contains("FSProtocol=5\r\nFtpPingType=0\r\n\r\n[Sessions\\Next]"),
        "{fixed}"
    );
    let tls = shop.security.edit_to(&Value::Security(Security::StartTls));
    let fixed = tls.map(|e| apply(&f, &e)).unwrap_or_default();
    assert!(fixed.contains("FSProtocol=5\r\nFtps=3\r\n"), "{fixed}");
}

#[test]
fn a_missing_interface_section_is_added_at_the_end_for_a_lower_transfer_limit() {
    let (f, p) = ini("[Sessions\\a]\nHostName=h");
    let t = p.globals.transfers.as_ref();
    assert_eq!(t.map(|t| t.value), Some(2));
    let edit = t.and_then(|t| t.edit_to(&Value::Int(1)));
    let fixed = edit.map(|e| apply(&f, &e)).unwrap_or_default();
    assert_eq!(
        fixed,
        "[Sessions\\a]\nHostName=h\n\n[Configuration\\Interface]\nQueueTransfersLimit=1\n"
    );
}

#[test]
fn passwords_are_plain_obfuscated_or_encrypted_by_their_key_and_prefix() {
    let (_, p) = ini("[Sessions\\a]\r\nHostName=h\r\nPassword=A35C4F4F\r\nPasswordPlain=x\r\n[Sessions\\b]\r\nHostName=h\r\nPassword=A35D0102\r\nProxyPasswordEnc=A35C00\r\nTunnelPassword=\r\n");
    let got: Vec<(String, PasswordStorage)> = p
        .passwords
        .iter()
        .map(|pw| (pw.owner.clone(), pw.storage))
        .collect();
    assert_eq!(
        got,
        vec![
            ("site `a`".to_owned(), PasswordStorage::Plain),
            ("site `b`".to_owned(), PasswordStorage::Encrypted),
            (
                "the proxy of site `b`".to_owned(),
                PasswordStorage::Obfuscated
            ),
        ]
    );
}

#[test]
fn secrets_are_masked_in_every_section_and_on_broken_lines() {
    let text = "[Configuration\\Security]\r\nMasterPasswordVerifier=ABCDEF\r\n[Sessions\\a]\r\nPassword=A35C99\r\nPassword A35C77\r\n";
    let parsed = crate::syntax::ini::parse(text);
    let spans = ini_secrets(text, &parsed);
    let masked = crate::source::mask_spans(text, &spans);
    for s in ["ABCDEF", "A35C99", "A35C77"] {
        assert!(!masked.contains(s), "{masked}");
    }
}

#[test]
fn sites_are_read_alike_from_ini_and_reg_with_user_at_host_and_workspaces() {
    let (_, a) = ini("[Sessions\\W/0000]\r\nHostName=bob@files.example.com\r\nUserName=alice\r\nFSProtocol=7\r\nFtps=1\r\nPortNumber=443\r\nIsWorkspace=1\r\n");
    let (_, b) = reg("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\W/0000]\r\n\"HostName\"=\"bob@files.example.com\"\r\n\"UserName\"=\"alice\"\r\n\"FSProtocol\"=dword:00000007\r\n\"Ftps\"=dword:00000001\r\n\"PortNumber\"=dword:000001bb\r\n\"IsWorkspace\"=dword:00000001\r\n");
    for p in [&a, &b] {
        let s = &p.servers[0];
        assert_eq!(s.key, "W/0000");
        assert_eq!(s.protocol, Protocol::S3);
        assert_eq!(s.security.value, Security::ImplicitTls);
        assert_eq!(s.host_name(), "files.example.com");
        assert_eq!(s.user.as_ref().map(|u| u.value.as_str()), Some("bob"));
        assert_eq!(s.port.value, 443);
        assert!(s.bookmark.is_none(), "a workspace tab is a copy by design");
        assert!(s.keepalive.is_none());
    }
}

#[test]
fn odd_values_are_reported_with_what_winscp_does() {
    let (_, p) = ini("[Configuration\\Interface]\r\nQueueTransfersLimit=many\r\n[Sessions\\a]\r\nHostName=h\r\nTimeout=0\r\nPortNumber=70000\r\nFSProtocol=3\r\nFtpSecure=1\r\n");
    let kinds: Vec<FileFindingKind> = p.findings.iter().map(|f| f.kind).collect();
    assert_eq!(
        kinds,
        vec![
            FileFindingKind::InvalidValue,
            FileFindingKind::UnknownSetting,
            FileFindingKind::InvalidValue,
            FileFindingKind::InvalidValue,
            FileFindingKind::InvalidValue,
        ],
        "{:#?}",
        p.findings
    );
    // An unknown protocol: no server to check, the default queue limit applies.
    assert!(p.servers.is_empty());
    assert_eq!(p.globals.transfers.as_ref().map(|t| t.value), Some(2));
}

#[test]
fn a_negative_queue_limit_is_no_cap_and_counted_as_the_dialogs_maximum() {
    let (_, p) = ini(
        "[Configuration\\Interface]\r\nQueueTransfersLimit=-1\r\n[Sessions\\a]\r\nHostName=h\r\n",
    );
    assert_eq!(p.servers[0].connections.count(), 10);
}

#[test]
fn the_format_names_are_stable() {
    assert_eq!(INI.name(), "winscp-ini");
    assert_eq!(super::REG.name(), "winscp-reg");
}

#[test]
fn recognises_its_files_by_name_and_content() {
    let p = Path::new("x/WinSCP.ini");
    assert!(WINSCP
        .recognise(p, "winscp.ini", b"", Seen::Walked)
        .is_some());
    let ini = b"\xEF\xBB\xBF[Configuration\\Interface]\r\nQueueTransfersLimit=2\r\n";
    let got = WINSCP.recognise(Path::new("a.ini"), "a.ini", ini, Seen::Walked);
    assert_eq!(got.map(|g| g.1), Some(Confidence::Sure));
    assert!(WINSCP
        .recognise(
            Path::new("profiles.ini"),
            "profiles.ini",
            b"[Profile0]\nPath=x\n",
            Seen::Walked
        )
        .is_none());
    let reg = "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\a]\r\n";
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(reg.encode_utf16().flat_map(u16::to_le_bytes));
    assert!(WINSCP
        .recognise(Path::new("w.reg"), "w.reg", &utf16, Seen::Walked)
        .is_some());
    let other = b"REGEDIT4\n[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2 Override]\n";
    assert!(WINSCP
        .recognise(Path::new("w.reg"), "w.reg", other, Seen::Named)
        .is_none());
}
