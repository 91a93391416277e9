//! Machine-wide layers in every install layout (issue 15): Windows, macOS, the snap and the
//! Flatpak, whose locations come from Mozilla's and the stores' layouts (source only; the
//! Linux .deb layout is checked against real Thunderbird in tests/layers.rs and the
//! interop suite). Each image under fixtures/machines/ has an install whose
//! distribution/policies.json locks `mail.server.default.max_cached_connections` at 2, and
//! a profile where that OS keeps it: the profile must take the lock.
//!
//! Also FileZilla's `Config Location` followed per home in an image, and Thunderbird's
//! Windows registry policies read from `.reg` exports named on the command line (an image
//! holds the registry in hive files, which clientlint does not read).

use std::path::Path;

use clientlint::model::Origin;
use clientlint::settings::Settings;

/// The connection cache of every IMAP server, per profile, and whether it is locked.
fn caches(image: &str) -> Vec<(String, i64, bool)> {
    let analysis = clientlint::lint_sysroot(Path::new(image), &Settings::default());
    let mut out = Vec::new();
    for p in &analysis.profiles {
        for s in p.servers.iter().filter(|s| s.key == "server1") {
            if let Some(m) = &s.max_connections {
                let locked = matches!(&m.origin, Origin::Managed(x) if x.how.starts_with("locked"));
                out.push((p.name.clone(), m.value, locked));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn windows_and_macos_installs_apply_their_distribution_policies() {
    for image in [
        "fixtures/machines/windows.sysroot",
        "fixtures/machines/macos.sysroot",
    ] {
        let found = caches(image);
        assert_eq!(found.len(), 1, "{image}: {found:?}");
        assert_eq!((found[0].1, found[0].2), (2, true), "{image}: {found:?}");
    }
}

#[test]
fn snap_and_flatpak_profiles_take_their_own_install_and_native_profiles_do_not() {
    let found = caches("fixtures/machines/flatpak.sysroot");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].1, found[0].2), (2, true), "{found:?}");
    let found = caches("fixtures/machines/snap.sysroot");
    let snap: Vec<_> = found.iter().filter(|f| f.0.contains("/snap/")).collect();
    let native: Vec<_> = found.iter().filter(|f| f.0.contains("/bob/")).collect();
    assert_eq!(snap.len(), 1, "{found:?}");
    assert_eq!((snap[0].1, snap[0].2), (2, true), "{found:?}");
    // No native install in this image: Thunderbird's built-in 5, unlocked.
    assert_eq!(native.len(), 1, "{found:?}");
    assert_eq!((native[0].1, native[0].2), (5, false), "{found:?}");
}

/// The FileZilla files a run over `image` reads, relative to the image, and what
/// discovery said on stderr.
fn filezilla_files(image: &str) -> (Vec<String>, Vec<String>) {
    let root = Path::new(image);
    let analysis = clientlint::lint_sysroot(root, &Settings::default());
    let mut files: Vec<String> = analysis
        .files
        .iter()
        .filter(|(id, _)| {
            analysis
                .infos
                .get(*id)
                .and_then(Option::as_ref)
                .is_some_and(|i| i.client.name() == "filezilla")
        })
        .map(|(_, f)| {
            f.path
                .strip_prefix(root)
                .unwrap_or(&f.path)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let warnings = clientlint::engine::discover::from_sysroot(root, &[]).warnings;
    (files, warnings)
}

/// The number of transfers of each FileZilla profile that has a settings file, by the
/// settings file's path in the image.
fn transfers(image: &str) -> Vec<(String, i64)> {
    let root = Path::new(image);
    let analysis = clientlint::lint_sysroot(root, &Settings::default());
    let mut out: Vec<(String, i64)> = analysis
        .profiles
        .iter()
        .filter(|p| p.client.name() == "filezilla")
        .filter_map(|p| {
            let t = p.globals.transfers.as_ref()?;
            let Origin::Explicit(loc) = &t.origin else {
                return None;
            };
            let path = &analysis.files.get(loc.file)?.path;
            let rel = path.strip_prefix(root).unwrap_or(path);
            Some((rel.to_string_lossy().into_owned(), t.value))
        })
        .collect();
    out.sort();
    out
}

/// fzdefaults.xml's `Config Location` as an absolute path: every home's settings are
/// there, inside the image, and the homes' own default directories are not read.
#[test]
fn filezilla_config_location_absolute_is_a_path_of_the_image() {
    let image = "fixtures/machines/filezilla-absolute.sysroot";
    let (files, warnings) = filezilla_files(image);
    assert_eq!(
        files,
        [
            "etc/filezilla/fzdefaults.xml",
            "srv/filezilla/filezilla.xml",
            "srv/filezilla/sitemanager.xml",
        ]
    );
    assert_eq!(
        transfers(image),
        [("srv/filezilla/filezilla.xml".to_owned(), 8)]
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("alice/.config/filezilla` is not read")),
        "{warnings:?}"
    );
}

/// A relative `Config Location` is relative to the directory holding fzdefaults.xml (a
/// portable Windows install keeping its settings beside filezilla.exe).
#[test]
fn filezilla_config_location_relative_is_beside_fzdefaults() {
    let image = "fixtures/machines/filezilla-relative.sysroot";
    let (files, _) = filezilla_files(image);
    assert_eq!(
        files,
        [
            "Program Files/FileZilla FTP Client/fzdefaults.xml",
            "Program Files/FileZilla FTP Client/settings/filezilla.xml",
        ]
    );
}

/// `$HOME` is each home's own; a home whose settings directory holds its own
/// fzdefaults.xml follows that one instead (Linux: `GetDefaultsDir`); a home without the
/// named directory has no FileZilla settings (FileZilla would create an empty one).
#[test]
fn filezilla_config_location_home_is_expanded_per_home() {
    let image = "fixtures/machines/filezilla-home.sysroot";
    let (files, warnings) = filezilla_files(image);
    assert_eq!(
        files,
        [
            "etc/filezilla/fzdefaults.xml",
            "home/alice/.filezilla-managed/filezilla.xml",
            "home/bob/.filezilla-managed/sitemanager.xml",
            "home/dave/.config/filezilla-dave/filezilla.xml",
            "home/dave/.config/filezilla/fzdefaults.xml",
        ]
    );
    assert_eq!(
        transfers(image),
        [
            ("home/alice/.filezilla-managed/filezilla.xml".to_owned(), 8),
            (
                "home/dave/.config/filezilla-dave/filezilla.xml".to_owned(),
                7
            ),
        ]
    );
    for bypassed in ["carol/.config/filezilla`", "dave/.config/filezilla`"] {
        assert!(
            warnings.iter().any(|w| w.contains(bypassed)),
            "{bypassed}: {warnings:?}"
        );
    }
}

/// `$APPDATA` of a Windows home, with the `platform="unix"` copy skipped on Windows.
#[test]
fn filezilla_config_location_appdata_on_windows() {
    let image = "fixtures/machines/filezilla-appdata.sysroot";
    let (files, _) = filezilla_files(image);
    assert_eq!(
        files,
        [
            "Program Files/FileZilla FTP Client/fzdefaults.xml",
            "Users/alice/AppData/Roaming/FileZilla Managed/filezilla.xml",
        ]
    );
}

/// A variable an image does not tell is said, and nothing is guessed: neither the home's
/// default directory nor any other is read for it.
#[test]
fn filezilla_config_location_with_an_unknown_variable_is_said_not_guessed() {
    let image = "fixtures/machines/filezilla-unknown-variable.sysroot";
    let (files, warnings) = filezilla_files(image);
    assert_eq!(files, ["etc/filezilla/fzdefaults.xml"]);
    let said: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("$SHARED_CONFIG cannot be known"))
        .collect();
    assert_eq!(said.len(), 1, "{warnings:?}");
    assert!(said[0].contains("home/alice"), "{said:?}");
}

/// The IMAP "every account" server of the Thunderbird unit named `unit_suffix` when `paths`
/// are linted together: (max cached connections, its file, how), (poll minutes, how).
fn registry_case(paths: &[&str], unit_suffix: &str) -> ((i64, String, String), (i64, String)) {
    let paths: Vec<std::path::PathBuf> = paths.iter().map(std::path::PathBuf::from).collect();
    let analysis = clientlint::lint_paths(&paths, &Settings::default());
    let profile = analysis
        .profiles
        .iter()
        .find(|p| p.name.ends_with(unit_suffix))
        .unwrap_or_else(|| panic!("no unit {unit_suffix}"));
    let server = profile
        .servers
        .iter()
        .find(|s| s.key == "default" && s.protocol == clientlint::model::Protocol::Imap)
        .expect("every IMAP account");
    let describe = |origin: &Origin| match origin {
        Origin::Managed(m) => {
            let file = analysis
                .files
                .get(m.location.file)
                .map(|f| f.path.display().to_string())
                .unwrap_or_default();
            (file, m.how.clone())
        }
        Origin::Explicit(_) => (String::new(), "explicit".to_owned()),
        Origin::Default { note, .. } => (String::new(), note.clone()),
    };
    let cache = server.max_connections.as_ref().expect("cache");
    let (file, how) = describe(&cache.origin);
    let poll = server.poll_minutes.as_ref().expect("poll");
    (
        (cache.value, file, how),
        (poll.value, describe(&poll.origin).1),
    )
}

/// HKLM's `Preferences` replaces the policies.json `Preferences` whole (the JSON's lock of
/// 9 connections and its 1-minute poll are gone) and HKCU's (whose 30 minutes are gone):
/// the cache is HKLM's locked 2, the poll Thunderbird's built-in 10.
#[test]
fn registry_preferences_replace_the_json_and_hkcu_ones_whole() {
    let (cache, poll) = registry_case(
        &[
            "fixtures/registry/policies.json",
            "fixtures/registry/thunderbird-policies.reg",
        ],
        "thunderbird-policies.reg",
    );
    assert_eq!(cache.0, 2, "{cache:?}");
    assert!(cache.1.ends_with("thunderbird-policies.reg"), "{cache:?}");
    assert!(cache.2.starts_with("locked by"), "{cache:?}");
    assert!(cache.2.contains("Status \"locked\""), "{cache:?}");
    assert_eq!(poll.0, 10, "{poll:?}");
    assert!(!poll.1.contains("locked"), "{poll:?}");
}

/// A registry with another top-level policy only leaves the policies.json `Preferences`
/// in force: its lock of 9 connections and 1-minute poll apply, from policies.json.
#[test]
fn registry_without_preferences_leaves_the_json_preferences() {
    let (cache, poll) = registry_case(
        &[
            "fixtures/registry/policies.json",
            "fixtures/registry/thunderbird-other-policy.reg",
        ],
        "thunderbird-other-policy.reg",
    );
    assert_eq!((cache.0, poll.0), (9, 1), "{cache:?} {poll:?}");
    assert!(cache.1.ends_with("policies.json"), "{cache:?}");
}

/// A `.reg` export alone is a deployment artefact: its policies over built-in defaults.
#[test]
fn registry_export_alone_is_an_artefact() {
    let (cache, poll) = registry_case(
        &["fixtures/registry/thunderbird-policies.reg"],
        "thunderbird-policies.reg",
    );
    assert_eq!((cache.0, poll.0), (2, 10), "{cache:?} {poll:?}");
}

/// Two `Config Location` copies for different platforms are not a duplicate setting
/// (FileZilla skips the copy that is not its platform's); two for the same platform are.
#[test]
fn filezilla_platform_copies_are_not_duplicates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lint = |body: &str| {
        let path = dir.path().join("fzdefaults.xml");
        std::fs::write(
            &path,
            format!("<FileZilla3><Settings>{body}</Settings></FileZilla3>\n"),
        )
        .expect("write");
        let analysis = clientlint::lint_paths(&[path], &Settings::default());
        analysis
            .diagnostics
            .iter()
            .filter(|d| d.rule == "duplicate-setting")
            .count()
    };
    assert_eq!(
        lint(
            r#"<Setting name="Config Location" platform="unix">/a</Setting><Setting name="Config Location" platform="win">C:\a</Setting>"#
        ),
        0
    );
    assert_eq!(
        lint(
            r#"<Setting name="Config Location" platform="win">C:\b</Setting><Setting name="Config Location" platform="win">C:\a</Setting>"#
        ),
        1
    );
}
