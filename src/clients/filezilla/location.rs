//! FileZilla's `Config Location`: the settings directory a fzdefaults.xml names instead of
//! the per-user default ones, found per home as FileZilla finds it.
//!
//! From FileZilla's own source (3.62 and 3.70, `src/commonui`): `XmlOptions::Load` loads
//! the fzdefaults.xml of `GetDefaultsDir()` first (`LoadGlobalDefaultOptions`), then
//! `XmlOptions::InitSettingsDir` takes its `Config Location` (a `predefined_only` option
//! with the `platform` flag: a `<Setting platform="…">` for another platform is skipped,
//! and the first copy wins), expands it with `ExpandPath` and resolves it with
//! `CLocalPath::ChangePath` against the directory holding that fzdefaults.xml; an empty
//! value leaves the default directory (`GetUnadjustedSettingsDir`). The directory is
//! created when missing, so FileZilla never falls back to the default one.
//!
//! `GetDefaultsDir` (`fz_paths.cpp`) decides which fzdefaults.xml that is: on Linux the
//! one in the home's own settings directory when there is one, else
//! `/etc/filezilla/fzdefaults.xml`, else the data directory; on Windows and macOS only the
//! install's. `ExpandPath` splits the value at `/` (and `\` on Windows); a segment that
//! starts with `$` is replaced by that environment variable (nothing when it is unset),
//! `$$…` gives the segment without its first `$`, and every segment is followed by a
//! separator. `ChangePath` takes a value that starts with `/` (on Windows: `X:`, `\\`)
//! as absolute, on Windows one that starts with a single `\` as relative to the drive, any
//! other as relative to the fzdefaults.xml's directory; `.` and `..` are resolved and `..`
//! stops at the root.
//!
//! clientlint expands variables per home, never from its own environment, except on this
//! machine (no path given), where the environment is the real one. In an image a home's
//! variables are those its directory tells: `$HOME` (Linux, macOS); `%USERPROFILE%`,
//! `%APPDATA%` (`AppData\Roaming`, as the home is searched), `%LOCALAPPDATA%` and
//! `%SystemDrive%` (Windows, where names match in any case). Any other variable cannot be
//! known for a home: that is said and the home's FileZilla settings are not read, rather
//! than guessed. In an image, drive `C:` is the image's root.

use std::path::{Path, PathBuf};

use crate::clients::{Found, Home, Layout, Recognised};
use crate::source::{ReadError, SourceFile};
use crate::syntax::xml;
use crate::tree::Tree;

/// Where FileZilla keeps a home's settings when a fzdefaults.xml decides it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Redirect {
    /// This directory (a path of the run).
    Dir(PathBuf),
    /// A directory clientlint cannot know or may not read (said in a warning).
    NotRead,
}

/// The name FileZilla gives the platform in a `<Setting platform="…">`.
fn platform_name(layout: Layout) -> &'static str {
    match layout {
        Layout::Windows => "win",
        Layout::MacOs => "mac",
        Layout::Linux => "unix",
    }
}

/// The machine-wide files of FileZilla are tagged with the layout they belong to.
pub(super) fn layout_set(layout: Layout) -> &'static str {
    match layout {
        Layout::Windows => "windows",
        Layout::MacOs => "macos",
        Layout::Linux => "linux",
    }
}

/// The machine's fzdefaults.xml for this home's layout, if the home is one of that layout:
/// in an image every home is searched in every layout, and a Windows install's
/// `Config Location` is no concern of a Linux home (a Windows profile has `AppData`).
pub(super) fn machine_defaults<'h>(tree: &Tree, home: &Home<'h>) -> Option<&'h Recognised> {
    let file = home
        .machine
        .iter()
        .find(|m| m.set.as_deref() == Some(layout_set(home.layout)))?;
    if tree.layouts().len() > 1 {
        let appdata = home.dir.join("AppData");
        let windows_profile = home.may_hold(&appdata) && tree.is_dir(&appdata);
        if windows_profile != (home.layout == Layout::Windows) {
            return None;
        }
    }
    Some(file)
}

/// True when this home's FileZilla files are searched in the other Unix layout instead:
/// Linux and macOS share the settings directories, so in an image (searched in both) one
/// pass reads them — the macOS one only when the image has a macOS install of FileZilla
/// and no Linux one, the Linux one otherwise.
pub(super) fn searched_in_the_other_unix_layout(tree: &Tree, home: &Home<'_>) -> bool {
    let layouts = tree.layouts();
    if !(layouts.contains(&Layout::Linux) && layouts.contains(&Layout::MacOs)) {
        return false;
    }
    let has = |l: Layout| {
        home.machine
            .iter()
            .any(|m| m.set.as_deref() == Some(layout_set(l)))
    };
    let mac = has(Layout::MacOs) && !has(Layout::Linux);
    match home.layout {
        Layout::Linux => mac,
        Layout::MacOs => !mac,
        Layout::Windows => false,
    }
}

/// The `Config Location` a fzdefaults.xml gives FileZilla on `layout`, if any: the first
/// `<Setting name="Config Location">` of the root's first `<Settings>` whose `platform`
/// is empty or this platform's, as its text. A file that does not parse gives nothing
/// (FileZilla loads nothing from it).
pub(super) fn config_location(text: &str, layout: Layout) -> Option<String> {
    let doc = xml::parse(text);
    if doc.error.is_some() {
        return None;
    }
    let root = doc.root?;
    let root = root.element();
    if root.name != "FileZilla3" {
        return None;
    }
    let settings = root.child("Settings")?;
    let setting = settings.elements().find(|el| {
        el.name == "Setting"
            && el
                .attr("name")
                .is_some_and(|a| a.value == "Config Location")
            && el
                .attr("platform")
                .map(|p| p.value.is_empty() || p.value == platform_name(layout))
                .unwrap_or(true)
    })?;
    let value = setting.text();
    (!value.is_empty()).then(|| value.to_owned())
}

/// What clientlint knows of one of a home's environment variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Lookup {
    Value(String),
    /// Not set (known only on this machine): FileZilla puts nothing in its place.
    Unset,
    /// Cannot be known for this home.
    Unknown,
}

/// A value expanded as `ExpandPath` expands it, or the variables that cannot be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expanded {
    pub(super) path: String,
    /// Variables that are not set (FileZilla expanded them to nothing).
    pub(super) unset: Vec<String>,
}

/// `ExpandPath`: each segment that starts with `$` is replaced by the variable it names.
pub(super) fn expand(
    value: &str,
    layout: Layout,
    lookup: &dyn Fn(&str) -> Lookup,
) -> Result<Expanded, Vec<String>> {
    let windows = layout == Layout::Windows;
    let sep = if windows { '\\' } else { '/' };
    let mut out = Expanded {
        path: String::new(),
        unset: Vec::new(),
    };
    let mut unknown = Vec::new();
    let mut rest = value;
    while !rest.is_empty() {
        let at = if windows {
            rest.find(['\\', '/'])
        } else {
            rest.find('/')
        };
        let (token, next) = match at {
            Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i + 1..).unwrap_or("")),
            None => (rest, ""),
        };
        rest = next;
        if let Some(name) = token.strip_prefix('$') {
            if name.starts_with('$') {
                out.path.push_str(name);
            } else if !name.is_empty() {
                match lookup(name) {
                    Lookup::Value(v) => out.path.push_str(&v),
                    Lookup::Unset => out.unset.push(name.to_owned()),
                    Lookup::Unknown => unknown.push(name.to_owned()),
                }
            }
        } else {
            out.path.push_str(token);
        }
        out.path.push(sep);
    }
    if unknown.is_empty() {
        Ok(out)
    } else {
        unknown.dedup();
        Err(unknown)
    }
}

/// `CLocalPath::ChangePath` on a POSIX system: absolute when it starts with `/`, else
/// relative to `base`; `.` and `..` resolved lexically, never above the root.
pub(super) fn resolve_posix(base: &str, new: &str) -> String {
    let joined = if new.starts_with('/') {
        new.to_owned()
    } else {
        format!("{base}/{new}")
    };
    let rooted = joined.starts_with('/');
    let parts = normalise(joined.split('/'));
    let body = parts.join("/");
    if rooted {
        format!("/{body}")
    } else {
        body
    }
}

/// `CLocalPath::ChangePath` on Windows: `X:…` and `\\server\share…` are absolute, a single
/// leading `\` or `/` is relative to the drive of `base`, anything else relative to
/// `base`. `None` when FileZilla cannot use the result (the list of drives, a drive
/// without a separator, a relative base).
pub(super) fn resolve_windows(base: &str, new: &str) -> Option<String> {
    if new == "\\" || new == "/" {
        return None;
    }
    let is_sep = |c: char| c == '\\' || c == '/';
    let has_drive = |s: &str| {
        let b = s.as_bytes();
        b.len() >= 2 && b.get(1) == Some(&b':') && b.first().is_some_and(u8::is_ascii_alphabetic)
    };
    let joined = if new.starts_with("\\\\") || has_drive(new) {
        new.to_owned()
    } else if new.starts_with(is_sep) {
        format!("{}{new}", base.get(..2).filter(|_| has_drive(base))?)
    } else {
        format!("{base}\\{new}")
    };
    if let Some(unc) = joined.strip_prefix("\\\\") {
        let parts = normalise(unc.split(is_sep));
        return (parts.len() >= 2).then(|| format!("\\\\{}", parts.join("\\")));
    }
    if !has_drive(&joined) {
        return None;
    }
    let (drive, rest) = joined.split_at(2);
    if !(rest.is_empty() || rest.starts_with(is_sep)) {
        return None;
    }
    let parts = normalise(rest.split(is_sep));
    Some(format!("{drive}\\{}", parts.join("\\")))
}

/// Path segments with empty ones and `.` dropped and `..` taking the previous one away
/// (never above the start).
fn normalise<'a>(segments: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::new();
    for s in segments {
        match s {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out
}

/// A directory of the run as the machine names it, in the layout's syntax: `C:\Program
/// Files\…` for `IMG/Program Files/…` in a Windows image.
fn machine_name(tree: &Tree, layout: Layout, dir: &Path) -> String {
    match tree.path_in_machine(dir) {
        Some(p) if tree.image_root().is_some() && layout == Layout::Windows => {
            format!("C:{}", p.replace('/', "\\"))
        }
        Some(p) => p,
        // A bounded tree is no machine: relative values resolve against the path as given.
        None => dir.to_string_lossy().into_owned(),
    }
}

/// The path of the run a machine path is, or why it is not in the tree.
fn run_path(tree: &Tree, layout: Layout, machine: &str) -> Result<PathBuf, &'static str> {
    if tree.image_root().is_none() {
        return Ok(PathBuf::from(machine));
    }
    if layout != Layout::Windows {
        return Ok(tree.machine_path(machine));
    }
    match machine.get(..2) {
        Some(d) if d.eq_ignore_ascii_case("C:") => {
            Ok(tree.machine_path(&machine.get(2..).unwrap_or("").replace('\\', "/")))
        }
        _ if machine.starts_with("\\\\") => Err("a network share, which is not in the image"),
        _ => Err("on another drive than C:, the image's"),
    }
}

/// A home's environment, as far as clientlint may know it (see the module documentation).
fn lookup(tree: &Tree, home: &Home<'_>, name: &str) -> Lookup {
    if tree.is_host() {
        return match std::env::var_os(name) {
            Some(v) => Lookup::Value(v.to_string_lossy().into_owned()),
            None => Lookup::Unset,
        };
    }
    if tree.image_root().is_none() {
        return Lookup::Unknown;
    }
    let known = |path: &Path| Lookup::Value(machine_name(tree, home.layout, path));
    match home.layout {
        Layout::Linux | Layout::MacOs if name == "HOME" => known(home.dir),
        Layout::Windows => match name.to_ascii_uppercase().as_str() {
            "USERPROFILE" => known(home.dir),
            "APPDATA" => known(&home.appdata()),
            "LOCALAPPDATA" => known(&home.dir.join("AppData").join("Local")),
            "SYSTEMDRIVE" => Lookup::Value("C:".to_owned()),
            _ => Lookup::Unknown,
        },
        _ => Lookup::Unknown,
    }
}

/// The variables clientlint knows for a home in an image, for messages.
fn known_variables(layout: Layout) -> &'static str {
    match layout {
        Layout::Windows => "$USERPROFILE, $APPDATA, $LOCALAPPDATA and $SystemDrive",
        Layout::Linux | Layout::MacOs => "$HOME",
    }
}

/// Where the fzdefaults.xml at `defaults` sends this home's FileZilla settings, if it
/// names a `Config Location`; what cannot be followed is said in `found.warnings`.
pub(super) fn redirect(
    tree: &Tree,
    home: &Home<'_>,
    defaults: &Path,
    found: &mut Found,
) -> Option<Redirect> {
    // Unreadable or oversized: the file's own unit reports it.
    let bytes = tree.read(defaults).ok()?;
    let file = SourceFile::new(defaults, bytes);
    let value = config_location(&file.text, home.layout)?;
    let layout = home.layout;
    let said = |what: String| {
        format!(
            "`{}` sets FileZilla's Config Location to `{value}`: {what}",
            defaults.display()
        )
    };
    let expanded = match expand(&value, layout, &|name| lookup(tree, home, name)) {
        Ok(e) => e,
        Err(unknown) => {
            let names: Vec<String> = unknown.iter().map(|n| format!("${n}")).collect();
            let knows = if tree.image_root().is_some() {
                format!(
                    "in an image clientlint knows only {} of a home",
                    known_variables(layout)
                )
            } else {
                "clientlint was given no machine to take it from".to_owned()
            };
            found.warnings.push(said(format!(
                "{} cannot be known for `{}` ({knows}), so where FileZilla keeps this home's settings is not known; not read",
                names.join(", "),
                home.dir.display()
            )));
            return Some(Redirect::NotRead);
        }
    };
    let base = defaults.parent().unwrap_or(Path::new(""));
    let base = machine_name(tree, layout, base);
    let resolved = match layout {
        Layout::Windows => resolve_windows(&base, &expanded.path),
        Layout::Linux | Layout::MacOs => Some(resolve_posix(&base, &expanded.path)),
    };
    let Some(resolved) = resolved else {
        found.warnings.push(said(
            "FileZilla cannot use that as a directory; not read".to_owned(),
        ));
        return Some(Redirect::NotRead);
    };
    if !expanded.unset.is_empty() {
        let names: Vec<String> = expanded.unset.iter().map(|n| format!("${n}")).collect();
        found.warnings.push(said(format!(
            "{} is not set, and FileZilla puts nothing in its place, so it reads `{resolved}`",
            names.join(", ")
        )));
    }
    if value.contains('%') && layout == Layout::Windows {
        found.warnings.push(said(
            "FileZilla expands only `$NAME` segments, never `%NAME%`, which it takes as written"
                .to_owned(),
        ));
    }
    let dir = match run_path(tree, layout, &resolved) {
        Ok(dir) => dir,
        Err(why) => {
            found
                .warnings
                .push(said(format!("`{resolved}` is {why}; not read")));
            return Some(Redirect::NotRead);
        }
    };
    if matches!(tree.check(&dir), Err(ReadError::Outside)) {
        found.warnings.push(said(format!(
            "`{}` is out of the tree clientlint was given; not read",
            dir.display()
        )));
        return Some(Redirect::NotRead);
    }
    Some(Redirect::Dir(dir))
}

#[cfg(test)]
mod tests {
    use super::{config_location, expand, resolve_posix, resolve_windows, Lookup};
    use crate::clients::Layout;

    fn env(name: &str) -> Lookup {
        match name {
            "HOME" => Lookup::Value("/home/a".to_owned()),
            "APPDATA" => Lookup::Value("C:\\Users\\a\\AppData\\Roaming".to_owned()),
            "GONE" => Lookup::Unset,
            _ => Lookup::Unknown,
        }
    }

    /// `ExpandPathImpl` in `src/commonui/fz_paths.cpp`, segment by segment.
    #[test]
    fn expands_whole_segments_only() {
        let e = |v: &str, l| expand(v, l, &env).map(|e| e.path);
        assert_eq!(e("$HOME/fz", Layout::Linux), Ok("/home/a/fz/".to_owned()));
        assert_eq!(e("/srv/fz", Layout::Linux), Ok("/srv/fz/".to_owned()));
        assert_eq!(e("$$HOME/x", Layout::Linux), Ok("$HOME/x/".to_owned()));
        assert_eq!(e("a/$/b", Layout::Linux), Ok("a//b/".to_owned()));
        assert_eq!(
            e("$HOME.x/fz", Layout::Linux),
            Err(vec!["HOME.x".to_owned()])
        );
        // On Windows both separators split, and `\` is written between segments.
        assert_eq!(
            e("$APPDATA\\FileZilla", Layout::Windows),
            Ok("C:\\Users\\a\\AppData\\Roaming\\FileZilla\\".to_owned())
        );
        // `\` splits nothing on Linux: the whole is one (unknown) variable's name.
        assert_eq!(
            e("$HOME\\fz", Layout::Linux),
            Err(vec!["HOME\\fz".to_owned()])
        );
        let unset = expand("$GONE/filezilla", Layout::Linux, &env).expect("expanded");
        assert_eq!(unset.path, "/filezilla/");
        assert_eq!(unset.unset, vec!["GONE".to_owned()]);
    }

    /// `CLocalPath::ChangePath` and `SetPath` in `src/engine/local_path.cpp`.
    #[test]
    fn resolves_like_change_path() {
        assert_eq!(resolve_posix("/etc/filezilla", "/srv/fz/"), "/srv/fz");
        assert_eq!(
            resolve_posix("/etc/filezilla", "shared/"),
            "/etc/filezilla/shared"
        );
        assert_eq!(resolve_posix("/etc/filezilla", "./"), "/etc/filezilla");
        assert_eq!(resolve_posix("/etc/filezilla", "../../../x/"), "/x");
        let base = "C:\\Program Files\\FileZilla FTP Client";
        assert_eq!(
            resolve_windows(base, "settings\\").as_deref(),
            Some("C:\\Program Files\\FileZilla FTP Client\\settings")
        );
        assert_eq!(resolve_windows(base, "\\FZ\\").as_deref(), Some("C:\\FZ"));
        assert_eq!(resolve_windows(base, "D:\\fz\\").as_deref(), Some("D:\\fz"));
        assert_eq!(
            resolve_windows(base, "\\\\srv\\share\\fz\\").as_deref(),
            Some("\\\\srv\\share\\fz")
        );
        assert_eq!(resolve_windows(base, "\\"), None);
        assert_eq!(resolve_windows(base, "C:fz\\"), None);
    }

    #[test]
    fn reads_the_first_config_location_of_this_platform() {
        let text = r#"<FileZilla3><Settings>
            <Setting name="Config Location" platform="win">C:\fz</Setting>
            <Setting name="Config Location">$HOME/fz</Setting>
            <Setting name="Config Location">/ignored</Setting>
        </Settings></FileZilla3>"#;
        assert_eq!(
            config_location(text, Layout::Linux).as_deref(),
            Some("$HOME/fz")
        );
        assert_eq!(
            config_location(text, Layout::Windows).as_deref(),
            Some("C:\\fz")
        );
        assert_eq!(
            config_location("<FileZilla3><Settings>", Layout::Linux),
            None
        );
        assert_eq!(
            config_location(
                "<FileZilla3><Settings><Setting name=\"Config Location\"/></Settings></FileZilla3>",
                Layout::Linux
            ),
            None
        );
    }
}
