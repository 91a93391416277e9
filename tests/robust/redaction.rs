//! The secret-redaction audit: a distinctive password planted in every place each format
//! can hold one, next to findings (so snippets and diff hunks draw the lines around it),
//! and every output of the CLI searched for the password, its base64 and its hex.

use std::path::Path;

use super::{clientlint, run};

/// The places, each with its own password so a leak names where it came from.
const PLACES: &[&str] = &[
    "FzSitePlain",
    "FzSiteBase64",
    "FzSiteCrypt",
    "FzFolderSite",
    "FzRecent",
    "FzTabPlain",
    "FzTabBase64",
    "FzProxy",
    "FzFtpProxy",
    "FzBroken",
    "TbImap",
    "TbSmtp",
    "TbUserJs",
    "TbBroken",
    "TbRunaway",
    "RegUtf16String",
    "RegUtf16Hex",
    "RegUtf8String",
    "RegUtf8Hex",
    "RegBroken",
    "PrfImap",
    "PrfSmtp",
    "WinscpPlain",
    "WinscpObfuscated",
    "WinscpProxy",
    "WinscpTunnel",
    "WinscpVerifier",
    "WinscpBroken",
    "WinscpRegUtf16",
    "WinscpRegBroken",
];

fn password(place: &str) -> String {
    format!("Zq9{place}Pw7")
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn hex(bytes: &[u8], sep: &str) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(sep)
}

fn utf16le(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// Every spelling of a password that must never be printed.
fn forms(pw: &str) -> Vec<String> {
    let mut out = vec![
        pw.to_owned(),
        base64(pw.as_bytes()),
        hex(pw.as_bytes(), ""),
        hex(pw.as_bytes(), ",").to_owned(),
        hex(&utf16le(pw), ","),
        hex(&utf16le(pw), ""),
    ];
    let upper: Vec<String> = out.iter().skip(2).map(|h| h.to_uppercase()).collect();
    out.extend(upper);
    // Base64 without padding, as a truncated printer might show it.
    out.push(base64(pw.as_bytes()).trim_end_matches('=').to_owned());
    out
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, bytes).expect("write");
}

fn plant(root: &Path) {
    let pw = password;
    // FileZilla: sites (plain, base64, crypt, in a folder), next to findings (plain FTP,
    // too many connections).
    let site = |name: &str, pass: &str| {
        format!(
            "<Server><Host>{name}.example.com</Host><Port>21</Port><Protocol>0</Protocol><Type>0</Type><User>u</User>{pass}<Logontype>1</Logontype><MaximumMultipleConnections>9</MaximumMultipleConnections><Name>{name}</Name></Server>\n"
        )
    };
    write(
        &root.join("fz/sitemanager.xml"),
        format!(
            "<?xml version=\"1.0\"?>\n<FileZilla3>\n<Servers>\n{}{}{}<Folder expanded=\"1\">f\n{}</Folder>\n</Servers>\n</FileZilla3>\n",
            site("a", &format!("<Pass>{}</Pass>", pw("FzSitePlain"))),
            site(
                "b",
                &format!("<Pass encoding=\"base64\">{}</Pass>", base64(pw("FzSiteBase64").as_bytes()))
            ),
            site(
                "c",
                &format!("<Pass encoding=\"crypt\" pubkey=\"cHVia2V5\">{}</Pass>", pw("FzSiteCrypt"))
            ),
            site("d", &format!("<Pass>{}</Pass>", pw("FzFolderSite"))),
        ),
    );
    write(
        &root.join("fz/recentservers.xml"),
        format!(
            "<?xml version=\"1.0\"?>\n<FileZilla3>\n<RecentServers>\n{}</RecentServers>\n</FileZilla3>\n",
            site("r", &format!("<Pass>{}</Pass>", pw("FzRecent")))
        ),
    );
    write(
        &root.join("fz/filezilla.xml"),
        format!(
            "<?xml version=\"1.0\"?>\n<FileZilla3>\n<Settings>\n<Setting name=\"Timeout\">0</Setting>\n<Setting name=\"Proxy type\">2</Setting>\n<Setting name=\"Proxy host\">proxy.example.com</Setting>\n<Setting name=\"Proxy password\">{}</Setting>\n<Setting name=\"FTP Proxy password\">{}</Setting>\n<Setting name=\"Number of Transfers\">10</Setting>\n<Setting name=\"Tab data\"><Tabs><Tab connected=\"1\">{}</Tab><Tab>{}</Tab></Tabs></Setting>\n</Settings>\n</FileZilla3>\n",
            pw("FzProxy"),
            pw("FzFtpProxy"),
            site("t1", &format!("<Pass>{}</Pass>", pw("FzTabPlain"))).trim_end(),
            site(
                "t2",
                &format!("<Pass encoding=\"base64\">{}</Pass>", base64(pw("FzTabBase64").as_bytes()))
            )
            .trim_end(),
        ),
    );
    // A malformed file: the tree stops at the error, right after the password.
    write(
        &root.join("fz-broken/sitemanager.xml"),
        format!(
            "<FileZilla3><Servers><Server><Host>x</Host><Port>21</Port><Pass>{}</Pass><Port>21<</Server></Servers></FileZilla3>\n",
            pw("FzBroken")
        ),
    );

    // Thunderbird: password prefs next to fixable findings, one inside a statement with
    // a syntax error, one in a runaway string that swallows the next statements.
    let base = include_str!("../../fixtures/rules/poll-interval-too-short/thunderbird.bad.js");
    let prefs = base.replace(
        "user_pref(\"mail.server.server1.check_time\", 1);\n",
        &format!(
            "user_pref(\"mail.server.server1.check_time\", 1);\nuser_pref(\"mail.server.server1.password\", \"{}\");\nuser_pref(\"mail.smtpserver.smtp1.password\", \"{}\");\nuser_pref(\"mail.server.server2.password\", \"{}\"\nuser_pref(\"mail.server.server1.max_cached_connections\", 9);\n",
            pw("TbImap"),
            pw("TbSmtp"),
            pw("TbBroken"),
        ),
    );
    write(&root.join("tb/prefs.js"), prefs);
    write(
        &root.join("tb/user.js"),
        format!(
            "user_pref(\"mail.server.server1.check_time\", 2);\nuser_pref(\"mail.server.server1.password\", \"{}\");\nuser_pref(\"mail.server.server3.password\", \"{}\n);\nuser_pref(\"a\", 1);\n",
            pw("TbUserJs"),
            pw("TbRunaway"),
        ),
    );

    // Outlook .reg: string and binary (hex) password values, UTF-16LE with BOM and UTF-8,
    // next to plain-text connections; and a value Regedit rejects.
    let reg = |string_pw: &str, hex_pw: &str, broken: Option<&str>| {
        let mut s = format!(
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000002]\r\n\"Account Name\"=\"user@example.net\"\r\n\"IMAP Server\"=\"imap.example.net\"\r\n\"IMAP User\"=\"user@example.net\"\r\n\"IMAP Password\"=\"{string_pw}\"\r\n\"SMTP Password\"=hex:{},\\\r\n  00,00\r\n\"IMAP Port\"=dword:0000008f\r\n\"IMAP Use SSL\"=dword:00000000\r\n\"SMTP Server\"=\"smtp.example.net\"\r\n\"SMTP Port\"=dword:00000019\r\n\"SMTP Secure Connection\"=dword:00000000\r\n",
            hex(&utf16le(hex_pw), ","),
        );
        if let Some(b) = broken {
            s.push_str(&format!(
                "\"POP3 Password\"=hex:{},zz\r\n",
                hex(b.as_bytes(), ",")
            ));
        }
        s
    };
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(utf16le(&reg(
        &pw("RegUtf16String"),
        &pw("RegUtf16Hex"),
        None,
    )));
    write(&root.join("outlook/utf16.reg"), utf16);
    write(
        &root.join("outlook/utf8.reg"),
        reg(
            &pw("RegUtf8String"),
            &pw("RegUtf8Hex"),
            Some(&pw("RegBroken")),
        ),
    );

    // PRF: password keys in an account block, next to findings.
    let prf = include_str!("../../fixtures/rules/unencrypted-connection/outlook-pop3.bad.prf")
        .replace(
            "POP3Port=110\n",
            &format!(
                "POP3Port=110\nPOP3Password={}\nIMAPPassword={}\nSMTPPassword={}\n",
                pw("PrfImap"),
                pw("PrfImap"),
                pw("PrfSmtp")
            ),
        );
    write(&root.join("outlook/profile.prf"), prf);

    // WinSCP: every key that holds a password (in clear, as WinSCP's hex, the master
    // password's verifier), a line without `=`, in a plain-FTP site; and a registry
    // export in UTF-16LE with a value Regedit rejects.
    write(
        &root.join("winscp/WinSCP.ini"),
        format!(
            "[Configuration\\Security]\r\nMasterPasswordVerifier={}\r\n\r\n[Sessions\\Shop]\r\nHostName=ftp.example.com\r\nPortNumber=21\r\nUserName=u\r\nFSProtocol=5\r\nPasswordPlain={}\r\nPassword={}\r\nProxyPassword={}\r\nTunnelPasswordPlain={}\r\nPassword {}\r\n",
            hex(pw("WinscpVerifier").as_bytes(), "").to_uppercase(),
            pw("WinscpPlain"),
            hex(pw("WinscpObfuscated").as_bytes(), "").to_uppercase(),
            pw("WinscpProxy"),
            pw("WinscpTunnel"),
            pw("WinscpBroken"),
        ),
    );
    let winscp_reg = format!(
        "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\Shop]\r\n\"HostName\"=\"ftp.example.com\"\r\n\"PortNumber\"=dword:00000015\r\n\"FSProtocol\"=dword:00000005\r\n\"Password\"=\"{}\"\r\n\"TunnelPassword\"=\"{}\r\n",
        pw("WinscpRegUtf16"),
        pw("WinscpRegBroken"),
    );
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(utf16le(&winscp_reg));
    write(&root.join("winscp/winscp.reg"), utf16);
}

#[test]
fn no_output_shows_a_planted_password_in_any_encoding() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path();
    plant(root);
    // The passwords really are in the files (in their own encodings).
    let mut on_disk = Vec::new();
    for e in walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
    {
        if e.file_type().is_file() {
            on_disk.extend(std::fs::read(e.path()).expect("read"));
        }
    }
    let on_disk_lossy = String::from_utf8_lossy(&on_disk).into_owned();
    let utf16_view: String = char::decode_utf16(
        on_disk
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]])),
    )
    .filter_map(Result::ok)
    .collect();
    for place in PLACES {
        let pw = password(place);
        assert!(
            forms(&pw)
                .iter()
                .any(|f| on_disk_lossy.contains(f.as_str()) || utf16_view.contains(f.as_str())),
            "{place} was not planted"
        );
    }

    let mut outputs: Vec<(String, String)> = Vec::new();
    for format in ["text", "concise", "json", "sarif", "github"] {
        for extra in [&[][..], &["--statistics"][..], &["--select", "all"][..]] {
            let r = run(clientlint()
                .args(["--format", format])
                .args(extra)
                .arg(root));
            assert!(r.code == 1, "{format}: {}{}", r.stderr, r.stdout);
            outputs.push((format!("{format} {extra:?} stdout"), r.stdout));
            outputs.push((format!("{format} {extra:?} stderr"), r.stderr));
        }
    }
    let r = run(clientlint().args(["--diff", "--unsafe-fixes"]).arg(root));
    assert!(
        r.stdout.contains("+++"),
        "the diff shows changes: {}",
        r.stderr
    );
    outputs.push(("diff stdout".to_owned(), r.stdout));
    outputs.push(("diff stderr".to_owned(), r.stderr));
    // The findings the passwords sit next to were reported, so their lines were drawn.
    let text = &outputs[0].1;
    for rule in [
        "password-stored-unencrypted",
        "syntax-error",
        "unencrypted-connection",
    ] {
        assert!(text.contains(rule), "{rule} missing:\n{text}");
    }

    for (what, out) in &outputs {
        assert!(
            !out.contains("Zq9"),
            "{what} shows part of a password:\n{out}"
        );
        for place in PLACES {
            for form in forms(&password(place)) {
                assert!(
                    !out.contains(&form),
                    "{what} shows {place}'s password as `{form}`:\n{out}"
                );
            }
        }
    }
}
