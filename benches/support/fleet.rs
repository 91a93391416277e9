//! Writes a fleet of realistic home directories for benchmarks: each home has a
//! Thunderbird root with one profile (a ~20 KB prefs.js with 2–3 accounts, whose SMTP
//! servers every home shares), a FileZilla settings directory (a filezilla.xml with the
//! ~130 options FileZilla 3.39 writes, from the corpus, and a ~20-site sitemanager.xml),
//! and unrelated files that discovery must skip. [`Fleet::unknown_options`] adds options
//! this clientlint does not know (as a newer FileZilla writes them). Shared by
//! `examples/gen-fleet.rs` and the fleet benches.

use std::fmt::Write as _;
use std::path::Path;

fn prefs_js(home: usize) -> String {
    let accounts = 2 + home % 2;
    let mut out = String::from("// Mozilla User Preferences\n\n");
    let list: Vec<String> = (1..=accounts).map(|i| format!("account{i}")).collect();
    let _ = writeln!(
        out,
        "user_pref(\"mail.accountmanager.accounts\", \"{}\");",
        list.join(",")
    );
    for i in 1..=accounts {
        let _ = write!(
            out,
            "user_pref(\"mail.account.account{i}.server\", \"server{i}\");\n\
             user_pref(\"mail.account.account{i}.identities\", \"id{i}\");\n\
             user_pref(\"mail.identity.id{i}.smtpServer\", \"smtp{i}\");\n\
             user_pref(\"mail.identity.id{i}.useremail\", \"user{home}@example{i}.com\");\n\
             user_pref(\"mail.server.server{i}.hostname\", \"imap.example{i}.com\");\n\
             user_pref(\"mail.server.server{i}.userName\", \"user{home}@example{i}.com\");\n\
             user_pref(\"mail.server.server{i}.type\", \"imap\");\n\
             user_pref(\"mail.server.server{i}.socketType\", {});\n\
             user_pref(\"mail.server.server{i}.check_time\", {});\n\
             user_pref(\"mail.smtpserver.smtp{i}.hostname\", \"smtp.example{i}.com\");\n\
             user_pref(\"mail.smtpserver.smtp{i}.port\", {});\n",
            if home % 5 == 0 { 2 } else { 3 },
            1 + (home + i) % 15,
            if home % 7 == 0 { 25 } else { 587 },
        );
    }
    let smtp: Vec<String> = (1..=accounts).map(|i| format!("smtp{i}")).collect();
    let _ = writeln!(
        out,
        "user_pref(\"mail.smtpservers\", \"{}\");",
        smtp.join(",")
    );
    let mut n = 0;
    while out.len() < 20_000 {
        let _ = writeln!(
            out,
            "user_pref(\"extensions.addon{n}.lastState\", \"{{\\\"enabled\\\":true,\\\"n\\\":{n}}}\");"
        );
        let _ = writeln!(out, "user_pref(\"browser.pref{n}.count\", {n});");
        n += 1;
    }
    out
}

fn sitemanager(home: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3 version=\"3.66.4\" platform=\"*nix\">\n\t<Servers>\n",
    );
    for s in 0..20 {
        let _ = write!(
            out,
            "\t\t<Server>\n\t\t\t<Host>ftp{}.example.net</Host>\n\t\t\t<Port>21</Port>\n\t\t\t<Protocol>{}</Protocol>\n\t\t\t<Type>0</Type>\n\t\t\t<User>user{home}</User>\n\t\t\t<Pass encoding=\"base64\">c2VjcmV0</Pass>\n\t\t\t<Logontype>1</Logontype>\n\t\t\t<PasvMode>MODE_DEFAULT</PasvMode>\n\t\t\t<MaximumMultipleConnections>{}</MaximumMultipleConnections>\n\t\t\t<EncodingType>Auto</EncodingType>\n\t\t\t<BypassProxy>0</BypassProxy>\n\t\t\t<Name>site {s}</Name>\n\t\t\t<SyncBrowsing>0</SyncBrowsing>\n\t\t\t<DirectoryComparison>0</DirectoryComparison>\n\t\t</Server>\n",
            s % 7,
            if s % 3 == 0 { 6 } else { 4 },
            s % 5,
        );
    }
    out.push_str("\t</Servers>\n</FileZilla3>\n");
    out
}

/// The options FileZilla 3.39 wrote in a real filezilla.xml (fixtures/corpus), one line
/// each: those FileZilla honours in filezilla.xml, without the three each home varies.
fn corpus_settings() -> impl Iterator<Item = &'static str> {
    include_str!("../../fixtures/corpus/filezilla/jjscaria-filezilla-3.39-nix.xml")
        .lines()
        .filter(|l| {
            l.starts_with("\t\t<Setting name=\"")
                && (l.ends_with("</Setting>") || l.ends_with("/>"))
        })
        .filter(|l| {
            ![
                "Number of Transfers",
                "Timeout",
                "FTP Keep-alive commands",
                "Config Location",
                "Disable update check",
            ]
            .iter()
            .any(|n| l.contains(&format!("\"{n}\"")))
        })
}

/// Names a newer FileZilla writes that this clientlint does not know: new versions of
/// known options (FileZilla renames an option it changes, "… (v2)"), so each is near a
/// known name and the "did you mean" search has work to do.
fn unknown_option(i: usize) -> String {
    const BASES: [&str; 10] = [
        "Splitter positions",
        "Queue columns",
        "Local filelist columns",
        "Remote filelist columns",
        "Window position and size",
        "Size format",
        "Theme icon size",
        "Message log position",
        "Filelist status bar",
        "Comparison threshold",
    ];
    format!("{} (v{})", BASES[i % BASES.len()], 3 + i / BASES.len())
}

fn filezilla_xml(home: usize, unknown: usize) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3 version=\"3.66.4\" platform=\"*nix\">\n\t<Settings>\n",
    );
    let _ = write!(
        out,
        "\t\t<Setting name=\"Number of Transfers\">{}</Setting>\n\t\t<Setting name=\"Timeout\">{}</Setting>\n\t\t<Setting name=\"FTP Keep-alive commands\">{}</Setting>\n",
        2 + home % 4,
        if home % 3 == 0 { 120 } else { 20 },
        home % 2
    );
    for line in corpus_settings() {
        out.push_str(line);
        out.push('\n');
    }
    for i in 0..unknown {
        let _ = writeln!(
            out,
            "\t\t<Setting name=\"{}\">1</Setting>",
            unknown_option(i)
        );
    }
    out.push_str("\t</Settings>\n</FileZilla3>\n");
    out
}

/// What to write besides the defaults.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Fleet {
    /// Options of a newer FileZilla in each filezilla.xml.
    pub(crate) unknown_options: usize,
}

/// Writes `homes` homes under `dir` (as `dir/userN`).
#[allow(dead_code)] // not every bench uses every entry point
pub(crate) fn generate(dir: &Path, homes: usize) -> std::io::Result<()> {
    generate_with(dir, homes, Fleet::default())
}

/// Writes `homes` homes under `dir` (as `dir/userN`), with what `fleet` asks for.
pub(crate) fn generate_with(dir: &Path, homes: usize, fleet: Fleet) -> std::io::Result<()> {
    for h in 0..homes {
        let home = dir.join(format!("user{h:05}"));
        let tb = home.join(".thunderbird");
        let profile = tb.join("abcd1234.default-release");
        std::fs::create_dir_all(&profile)?;
        std::fs::write(
            tb.join("profiles.ini"),
            "[Profile0]\nName=default-release\nIsRelative=1\nPath=abcd1234.default-release\nDefault=1\n\n[General]\nStartWithLastProfile=1\nVersion=2\n",
        )?;
        std::fs::write(profile.join("prefs.js"), prefs_js(h))?;
        std::fs::create_dir_all(profile.join("ImapMail/imap.example1.com"))?;
        std::fs::write(profile.join("ImapMail/imap.example1.com/INBOX"), "From x\n")?;
        let fz = home.join(".config/filezilla");
        std::fs::create_dir_all(&fz)?;
        std::fs::write(
            fz.join("filezilla.xml"),
            filezilla_xml(h, fleet.unknown_options),
        )?;
        std::fs::write(fz.join("sitemanager.xml"), sitemanager(h))?;
        // Unrelated files that discovery must pass over cheaply.
        let docs = home.join("Documents");
        std::fs::create_dir_all(&docs)?;
        for d in 0..5 {
            std::fs::write(
                docs.join(format!("notes{d}.txt")),
                "nothing to see\n".repeat(50),
            )?;
        }
        std::fs::create_dir_all(home.join(".cache/app"))?;
        std::fs::write(home.join(".cache/app/blob.bin"), [0u8; 2048])?;
        std::fs::write(home.join(".bashrc"), "export PATH=$PATH\n")?;
    }
    Ok(())
}
