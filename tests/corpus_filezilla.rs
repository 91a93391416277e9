//! The real FileZilla files of fixtures/corpus (see SOURCES.md): each is classified by its
//! content (including the misnamed ones), parses without panicking, and gives exactly the
//! findings asserted here.

use std::collections::BTreeMap;
use std::path::Path;

use clientlint::clients::filezilla::FzFileKind;
use clientlint::engine::discover::recognise as classify;
use clientlint::report::OutputFormat;
use clientlint::settings::Settings;
use clientlint::{lint_paths, render};

type Counts = &'static [(&'static str, usize)];

const CASES: &[(&str, Option<FzFileKind>, Counts)] = &[
    // A site export saved as filezilla.xml: one FTP "TLS if available" site, empty password.
    (
        "filezilla/bagoes-filezilla-misnamed-export-emptypass.xml",
        Some(FzFileKind::SiteManager),
        &[("unencrypted-connection", 1)],
    ),
    // Site Manager content named filezilla.xml: 12 SFTP sites with base64 passwords.
    (
        "filezilla/bankafuy-filezilla-misnamed-sitemanager-3.39-win.xml",
        Some(FzFileKind::SiteManager),
        &[("password-stored-unencrypted", 12)],
    ),
    // 3.21 wrote Config Location and Disable update check, which 3.70 reads only from
    // fzdefaults.xml; LastServer keeps a base64 password.
    (
        "filezilla/beard-filezilla-3.21-win.xml",
        Some(FzFileKind::Settings),
        &[
            ("overridden-setting", 2),
            ("password-stored-unencrypted", 1),
        ],
    ),
    (
        "filezilla/beard-sitemanager-3.21-win.xml",
        Some(FzFileKind::SiteManager),
        &[
            ("password-stored-unencrypted", 2),
            ("unencrypted-connection", 1),
        ],
    ),
    // The shipped examples: a predefined FTP site with a plain-text password.
    (
        "filezilla/fzsrc-new-fzdefaults.xml.example",
        Some(FzFileKind::Defaults),
        &[
            ("password-stored-unencrypted", 1),
            ("unencrypted-connection", 1),
        ],
    ),
    (
        "filezilla/fzsrc-old-fzdefaults.xml.example",
        Some(FzFileKind::Defaults),
        &[
            ("password-stored-unencrypted", 1),
            ("unencrypted-connection", 1),
        ],
    ),
    (
        "filezilla/helvethor-filezilla-legacy-nix.xml",
        Some(FzFileKind::Settings),
        &[
            ("overridden-setting", 2),
            ("password-stored-unencrypted", 1),
        ],
    ),
    // 10 FTP entries, 8 with a plain password (logon type normal), 2 anonymous.
    (
        "filezilla/helvethor-recentservers-legacy-nix-plainpass.xml",
        Some(FzFileKind::RecentServers),
        &[
            ("password-stored-unencrypted", 8),
            ("unencrypted-connection", 10),
        ],
    ),
    (
        "filezilla/jjscaria-filezilla-3.39-nix.xml",
        Some(FzFileKind::Settings),
        &[
            ("overridden-setting", 2),
            ("password-stored-unencrypted", 1),
        ],
    ),
    (
        "filezilla/jjscaria-sitemanager-3.39-nix.xml",
        Some(FzFileKind::SiteManager),
        &[
            ("password-stored-unencrypted", 1),
            ("unencrypted-connection", 1),
        ],
    ),
    (
        "filezilla/n1kos-recentservers-3.15-win.xml",
        Some(FzFileKind::RecentServers),
        &[
            ("password-stored-unencrypted", 1),
            ("unencrypted-connection", 1),
        ],
    ),
    // 60 sites: 46 protocol 0, 1 protocol 6 (47 unencrypted), 13 protocol 4.
    (
        "filezilla/plusagc-sitemanager-3.52-mac.xml",
        Some(FzFileKind::SiteManager),
        &[
            ("password-stored-unencrypted", 60),
            ("unencrypted-connection", 47),
        ],
    ),
    (
        "filezilla/podorozniy-sitemanager-legacy-plainpass.xml",
        Some(FzFileKind::SiteManager),
        &[
            ("password-stored-unencrypted", 1),
            ("unencrypted-connection", 1),
        ],
    ),
    // Kiosk mode 1 and a LastServer with logon type ask and no password.
    (
        "filezilla/practicegolang-filezilla-3.13-win.xml",
        Some(FzFileKind::Settings),
        &[("overridden-setting", 2)],
    ),
    (
        "filezilla/sigsimple-recentservers-legacy-plainpass.xml",
        Some(FzFileKind::RecentServers),
        &[
            ("password-stored-unencrypted", 2),
            ("unencrypted-connection", 2),
        ],
    ),
    (
        "filezilla/takanori-fzdefaults-settings.xml",
        Some(FzFileKind::Defaults),
        &[],
    ),
    // Not FileZilla: an <appSettings> stub named recentservers.xml.
    (
        "other/kanchan-recentservers-misnamed-malformed.xml",
        None,
        &[],
    ),
];

#[test]
fn every_filezilla_corpus_file_is_listed() {
    let listed: Vec<&str> = CASES.iter().map(|(p, _, _)| *p).collect();
    let dir = Path::new("fixtures/corpus/filezilla");
    for entry in std::fs::read_dir(dir).expect("corpus dir").flatten() {
        let name = format!("filezilla/{}", entry.file_name().to_string_lossy());
        assert!(listed.contains(&name.as_str()), "{name} has no case");
    }
}

#[test]
fn corpus_files_are_classified_by_content() {
    for (rel, kind, _) in CASES {
        let path = Path::new("fixtures/corpus").join(rel);
        let bytes = std::fs::read(&path).expect("read corpus file");
        assert_eq!(
            classify(&path, &bytes),
            kind.map(FzFileKind::format),
            "{rel}"
        );
        // Under its usual name the content still decides.
        if let Some(k) = kind {
            let as_named = Path::new("dir").join(k.usual_file_name());
            assert_eq!(classify(&as_named, &bytes), Some(k.format()), "{rel}");
        }
    }
}

#[test]
fn corpus_findings_are_exactly_these() {
    for (rel, _, expected) in CASES {
        let path = Path::new("fixtures/corpus").join(rel);
        let analysis = lint_paths(&[path], &Settings::default());
        let mut got: BTreeMap<&str, usize> = BTreeMap::new();
        for d in &analysis.diagnostics {
            *got.entry(d.rule).or_default() += 1;
        }
        let want: BTreeMap<&str, usize> = expected.iter().copied().collect();
        assert_eq!(
            got,
            want,
            "{rel}:\n{}",
            render(&analysis, OutputFormat::Concise)
        );
    }
}

#[test]
fn corpus_messages_say_what_filezilla_does() {
    let concise = |rel: &str| {
        let analysis = lint_paths(
            &[Path::new("fixtures/corpus").join(rel)],
            &Settings::default(),
        );
        render(&analysis, OutputFormat::Concise)
    };
    let beard = concise("filezilla/beard-sitemanager-3.21-win.xml");
    assert!(
        beard.contains("the password of the site `本地测试` is stored base64-encoded"),
        "{beard}"
    );
    assert!(beard.contains("error [unencrypted-connection] the FTP server `127.0.0.1` of `本地测试` is reached without TLS"), "{beard}");
    let legacy = concise("filezilla/helvethor-filezilla-legacy-nix.xml");
    assert!(
        legacy.contains("`Config Location` is only read from fzdefaults.xml"),
        "{legacy}"
    );
    assert!(
        legacy.contains("the password of the last server `192.168.0.107` is stored in clear text"),
        "{legacy}"
    );
    let recent = concise("filezilla/helvethor-recentservers-legacy-nix-plainpass.xml");
    assert_eq!(
        recent.matches("error [unencrypted-connection]").count(),
        8,
        "{recent}"
    );
    assert_eq!(
        recent.matches("warning [unencrypted-connection]").count(),
        2,
        "{recent}"
    );
    let podorozniy = concise("filezilla/podorozniy-sitemanager-legacy-plainpass.xml");
    assert!(podorozniy.contains("site `Новый сайт`"), "{podorozniy}");
}

#[test]
fn corpus_model_values() {
    let analysis = lint_paths(
        &[Path::new("fixtures/corpus/filezilla/jjscaria-filezilla-3.39-nix.xml").to_path_buf()],
        &Settings::default(),
    );
    let g = &analysis.profiles[0].globals;
    assert_eq!(g.transfers.as_ref().map(|t| t.value), Some(1));
    assert_eq!(g.timeout_seconds.as_ref().map(|t| t.value), Some(20));
    assert_eq!(g.keepalive.as_ref().map(|t| t.value), Some(false));
    let sm = lint_paths(
        &[Path::new("fixtures/corpus/filezilla/plusagc-sitemanager-3.52-mac.xml").to_path_buf()],
        &Settings::default(),
    );
    let p = &sm.profiles[0];
    assert_eq!(p.servers.len(), 60);
    // Default Number of Transfers (2) plus one browsing tab, no site limit.
    assert_eq!(p.servers[0].connections.count(), 3);
}
