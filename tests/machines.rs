//! Machine-wide layers in every install layout (issue 15): Windows, macOS, the snap and the
//! Flatpak, whose locations come from Mozilla's and the stores' layouts (source only; the
//! Linux .deb layout is checked against real Thunderbird in tests/layers.rs and the
//! interop suite). Each image under fixtures/machines/ has an install whose
//! distribution/policies.json locks `mail.server.default.max_cached_connections` at 2, and
//! a profile where that OS keeps it: the profile must take the lock.

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
