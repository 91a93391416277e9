//! FileZilla's option registry as far as clientlint needs it: names, types, defaults,
//! ranges (clamp or discard) and layer flags, from reference filezilla §2.1 and §3 (FZ370
//! source), plus the names FileZilla writes that we do not check.

use crate::clients::KnownNames;

/// How a numeric option treats a value outside its range (reference §2 "Range enforcement").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutOfRange {
    /// `numeric_clamp`: the value is clamped to the range.
    Clamp,
    /// No clamp flag: the value is discarded and the previous/default value stays.
    Discard,
}

/// The type of an option's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An integer; `range` is `None` where the reference gives no enforced range.
    Int {
        default: i64,
        range: Option<(i64, i64, OutOfRange)>,
    },
    /// A boolean `0`/`1`: an implicit range 0..1 without clamp, so `2` is discarded.
    Bool { default: bool },
    /// A string (not checked).
    Str,
    /// An XML-valued option ("Tab data").
    Xml,
    /// Known to FileZilla (written by it, or removed in later versions) but not checked.
    Unchecked,
}

/// Where an option may be set (reference §1.3, §2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layering {
    /// fzdefaults.xml < filezilla.xml.
    Normal,
    /// `predefined_priority`: a value in fzdefaults.xml overrides the user's.
    PredefinedPriority,
    /// `predefined_only`: honoured only in fzdefaults.xml, ignored in filezilla.xml.
    PredefinedOnly,
}

#[derive(Debug, Clone, Copy)]
pub struct Opt {
    pub name: &'static str,
    pub kind: Kind,
    pub layering: Layering,
    /// Holds a password (masked in every output).
    pub secret: bool,
}

const fn int(name: &'static str, default: i64, min: i64, max: i64, r: OutOfRange) -> Opt {
    Opt {
        name,
        kind: Kind::Int {
            default,
            range: Some((min, max, r)),
        },
        layering: Layering::Normal,
        secret: false,
    }
}

const fn int_unranged(name: &'static str, default: i64) -> Opt {
    Opt {
        name,
        kind: Kind::Int {
            default,
            range: None,
        },
        layering: Layering::Normal,
        secret: false,
    }
}

const fn boolean(name: &'static str, default: bool) -> Opt {
    Opt {
        name,
        kind: Kind::Bool { default },
        layering: Layering::Normal,
        secret: false,
    }
}

const fn string(name: &'static str) -> Opt {
    Opt {
        name,
        kind: Kind::Str,
        layering: Layering::Normal,
        secret: false,
    }
}

const fn secret(name: &'static str) -> Opt {
    Opt {
        name,
        kind: Kind::Str,
        layering: Layering::Normal,
        secret: true,
    }
}

const fn layered(mut o: Opt, layering: Layering) -> Opt {
    o.layering = layering;
    o
}

use OutOfRange::{Clamp, Discard};

pub const NUMBER_OF_TRANSFERS: &str = "Number of Transfers";
pub const TIMEOUT: &str = "Timeout";
pub const KEEPALIVE: &str = "FTP Keep-alive commands";

/// Options with a checked type, default and range (reference §3 table, FZ370).
pub const CHECKED: &[Opt] = &[
    int(NUMBER_OF_TRANSFERS, 2, 1, 10, Clamp),
    int("Concurrent download limit", 0, 0, 10, Clamp),
    int("Concurrent upload limit", 0, 0, 10, Clamp),
    // Discard outside 0–9999; a validator then turns 1–9 into 10 (see `validate`).
    int(TIMEOUT, 20, 0, 9999, Discard),
    int("Reconnect count", 2, 0, 99, Clamp),
    int("Reconnect delay", 5, 0, 999, Clamp),
    int("Use Pasv mode", 1, 0, 1, Discard),
    boolean("Allow transfermode fallback", true),
    int("Pasv reply fallback mode", 0, 0, 2, Discard),
    boolean(KEEPALIVE, false),
    int("TCP Keepalive Interval", 15, 1, 10000, Clamp),
    boolean("Limit local ports", false),
    int("Limit ports low", 6000, 1, 65535, Discard),
    int("Limit ports high", 7000, 1, 65535, Discard),
    // The reference gives −65534..65534 without saying clamp or discard: unchecked.
    int_unranged("Limit ports offset", 0),
    int("External IP mode", 0, 0, 2, Discard),
    string("External IP"),
    string("External address resolver"),
    boolean("No external ip on local conn", true),
    boolean("Enable speed limits", false),
    int("Speedlimit inbound", 1000, 0, 999_999_999, Clamp),
    int("Speedlimit outbound", 100, 0, 999_999_999, Clamp),
    int("Speedlimit burst tolerance", 0, 0, 2, Discard),
    boolean("Preserve timestamps", false),
    boolean("Preallocate space", false),
    int("Minimum TLS Version", 2, 0, 3, Clamp),
    boolean("Trust system trust store", false),
    int("Ascii Binary mode", 0, 0, 2, Discard),
    string("Auto Ascii files"),
    string("Auto Ascii no extension"),
    boolean("Auto Ascii dotfiles", true),
    boolean("Allow ascii resume", false),
    int(
        "Socket recv buffer size (v2)",
        4_194_304,
        -1,
        67_108_864,
        Clamp,
    ),
    int("Proxy type", 0, 0, 3, Discard),
    string("Proxy host"),
    // "1–65535, default 0": the default lies outside the range, so whether 0 is
    // discarded is unverified; unchecked.
    int_unranged("Proxy port", 0),
    string("Proxy user"),
    secret("Proxy password"),
    int("FTP Proxy type", 0, 0, 4, Discard),
    string("FTP Proxy host"),
    string("FTP Proxy user"),
    secret("FTP Proxy password"),
    string("FTP Proxy login sequence"),
    string("SFTP keyfiles"),
    boolean("SFTP compression", false),
    int("Cache TTL", 600, 30, 86400, Clamp),
    int(
        "Directory listing item limit",
        10_000_000,
        1_000_000,
        2_000_000_000,
        Clamp,
    ),
    // Ranges given without clamp/discard in the reference: unchecked.
    int_unranged("Logging Debug Level", 0),
    string("Logging file"),
    int_unranged("Logging filesize limit", 10),
    int("File exists action download", 0, 0, 7, Discard),
    int("File exists action upload", 0, 0, 7, Discard),
    layered(
        int("Kiosk mode", 0, 0, 2, Discard),
        Layering::PredefinedPriority,
    ),
    string("Master password encryptor"),
    layered(string("Config Location"), Layering::PredefinedOnly),
    layered(string("Cache directory"), Layering::PredefinedPriority),
    layered(
        boolean("Disable update check", false),
        Layering::PredefinedOnly,
    ),
    int_unranged("Update Check", 1),
    int_unranged("Update Check Interval", 7),
    int_unranged("Update Check Check Beta", 0),
    int_unranged("Prompt password save", 0),
    Opt {
        name: "Tab data",
        kind: Kind::Xml,
        layering: Layering::Normal,
        secret: false,
    },
];

/// Names FileZilla knows that clientlint does not check. FileZilla writes every registered
/// option on save (reference §2 "Missing options"), so the names in files it wrote are its
/// registry: these come from the corpus files written by FileZilla 3.13–3.39
/// (fixtures/corpus/SOURCES.md), plus the names the reference lists as removed since 3.62
/// or seen only in 3.21. A name FileZilla 3.70 added and none of these files has is not
/// here, so `unknown-setting` may flag it (unverified against the 3.70 registry).
pub const UNCHECKED: &[&str] = &[
    "Already connected choice",
    "Always use default editor",
    "Comparison hide identical",
    "Comparison mode",
    "Comparison threshold",
    "Custom file associations",
    "Date Format",
    "Default editor",
    "Dir doubleclick action",
    "Dir doubleclock action",
    "Disable update footer",
    "Display current speed",
    "Drag and Drop disabled",
    "Edit status dialog size",
    "Edit track local",
    "Enable invalid char filter",
    "File Pane Layout",
    "File Pane Swap",
    "File doubleclick action",
    "File doubleclock action",
    "Filelist directory sort",
    "Filelist name sort",
    "Filelist status bar",
    "Filter toggle state",
    "Filteredit window size",
    "Greeting resources",
    "Greeting version",
    "Icon scale",
    "Icon theme",
    "Inherit system associations",
    "Invalid char replace",
    "Language Code",
    "Last Server Path",
    "Last automatic update check",
    "Last automatic update version",
    "Last connected site",
    "Last local directory",
    "Last resolved IP",
    "Local filelist column order",
    "Local filelist colwidths",
    "Local filelist shown columns",
    "Local filelist sortorder",
    "Logging Raw Listing",
    "Logging show detailed logs",
    "Messagelog position",
    "Minimize to tray",
    "Onetime Dialogs",
    "Persistent Choices",
    "Prevent idle sleep",
    "Prompt password change",
    "Queue column widths",
    "Queue completion action",
    "Queue completion command",
    "Queue successful autoclear",
    "Remote filelist column order",
    "Remote filelist colwidths",
    "Remote filelist shown columns",
    "Remote filelist sortorder",
    "Search column order",
    "Search column shown",
    "Search column widths",
    "Search sort order",
    "Search window size",
    "Show Site Manager on startup",
    "Show Tree Local",
    "Show Tree Remote",
    "Show debug menu",
    "Show message log",
    "Show notification bubbles",
    "Show queue",
    "Show quickconnect bar",
    "Site Manager position",
    "Sitemanager last selected",
    "Size decimal places",
    "Size format",
    "Size thousands separator",
    "Socket send buffer size (v2)",
    "Splitter positions (v2)",
    "Startup action",
    "Strip VMS revisions",
    "Theme",
    "Theme icon size",
    "Time Format",
    "Timestamp in message log",
    "Toolbar hidden",
    "Trusted root certificate",
    "Update Check Download Dir",
    "Update Check New Version",
    "View hidden files",
    "Window position and size",
    "fzsftp executable",
    "fzstorj executable",
];

/// Every known name, checked ones first: built once per run, so a lookup is one hash
/// probe, and a suggestion never lowers a known name again.
struct Registry {
    /// Each option, with its name's rank in byte order among the known names.
    by_name: foldhash::HashMap<&'static str, (Opt, usize)>,
    /// The names, for "did you mean", in the order of `CHECKED` then `UNCHECKED`.
    names: KnownNames,
}

fn registry() -> &'static Registry {
    static REGISTRY: std::sync::OnceLock<Registry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        let unchecked = UNCHECKED.iter().map(|n| Opt {
            name: n,
            kind: Kind::Unchecked,
            layering: Layering::Normal,
            secret: false,
        });
        let all: Vec<Opt> = CHECKED.iter().copied().chain(unchecked).collect();
        let mut first: foldhash::HashMap<&'static str, Opt> = foldhash::HashMap::default();
        for o in &all {
            // The first entry of a name wins, as the linear search did.
            first.entry(o.name).or_insert(*o);
        }
        let mut sorted: Vec<&'static str> = first.keys().copied().collect();
        sorted.sort_unstable();
        let by_name = sorted
            .iter()
            .enumerate()
            .filter_map(|(rank, name)| Some((*name, (*first.get(name)?, rank))))
            .collect();
        let names = KnownNames::new(all.iter().map(|o| o.name));
        Registry { by_name, names }
    })
}

/// The option named exactly `name` (FileZilla matches names case-sensitively).
pub fn find(name: &str) -> Option<Opt> {
    find_ranked(name).map(|(opt, _)| opt)
}

/// [`find`], with the rank of the option's name in byte order among the [`count`] known
/// names: a slot per option in a plain array, walked in name order.
pub fn find_ranked(name: &str) -> Option<(Opt, usize)> {
    registry().by_name.get(name).copied()
}

/// How many distinct option names FileZilla knows.
pub fn count() -> usize {
    registry().by_name.len()
}

/// The known name closest to `name`, when it is close enough to be a typo (see
/// [`KnownNames::nearest`]). Called only for a reported `unknown-setting` finding.
pub fn nearest(name: &str) -> Option<&'static str> {
    registry().names.nearest(name)
}

/// pugixml's `as_int`: skips leading whitespace, takes a sign and a `0x` prefix, stops at
/// the first non-digit (`12abc` → 12), gives 0 for non-numeric input and saturates at the
/// 32-bit limits. Returns the value and whether the text was a clean number.
pub fn as_int(text: &str) -> (i64, bool) {
    let t = text.trim_start();
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    let (radix, digits) = match rest.get(..2) {
        Some("0x") | Some("0X") => (16, rest.get(2..).unwrap_or("")),
        _ => (10, rest),
    };
    let end = digits
        .char_indices()
        .find(|(_, c)| !c.is_digit(radix))
        .map(|(i, _)| i)
        .unwrap_or(digits.len());
    let num = digits.get(..end).unwrap_or("");
    let mut v: i64 = 0;
    for c in num.chars() {
        v = v
            .saturating_mul(i64::from(radix))
            .saturating_add(i64::from(c.to_digit(radix).unwrap_or(0)));
        v = v.min(i64::from(i32::MAX) + 1);
    }
    let v = if neg { -v } else { v };
    let v = v.clamp(i64::from(i32::MIN), i64::from(i32::MAX));
    let clean = !num.is_empty() && digits.get(end..).unwrap_or("").trim().is_empty();
    (v, clean)
}

#[cfg(test)]
mod tests {
    use super::{as_int, count, find, find_ranked, nearest, Kind, CHECKED, TIMEOUT, UNCHECKED};

    /// The settings layers keep one slot per option at its rank and merge by walking the
    /// slots: that is name order only if every name has its own rank, in byte order.
    #[test]
    fn ranks_number_the_distinct_names_in_byte_order() {
        let mut names: Vec<&str> = CHECKED
            .iter()
            .map(|o| o.name)
            .chain(UNCHECKED.iter().copied())
            .collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(count(), names.len());
        for (rank, name) in names.iter().enumerate() {
            let (opt, found) = find_ranked(name).expect("a known name");
            assert_eq!((opt.name, found), (*name, rank));
        }
        assert!(
            find_ranked("Number of transfers").is_none(),
            "names are matched exactly"
        );
    }

    #[test]
    fn as_int_mirrors_pugixml() {
        assert_eq!(as_int("12"), (12, true));
        assert_eq!(as_int(" 12 "), (12, true));
        assert_eq!(as_int("12abc"), (12, false));
        assert_eq!(as_int("true"), (0, false));
        assert_eq!(as_int("0x10"), (16, true));
        assert_eq!(as_int("-3"), (-3, true));
        assert_eq!(as_int(""), (0, false));
        assert_eq!(as_int("99999999999"), (2_147_483_647, true));
    }

    #[test]
    fn near_names_are_suggested() {
        assert_eq!(nearest("Number of transfers"), Some("Number of Transfers"));
        assert_eq!(nearest("Timeot"), Some("Timeout"));
        assert_eq!(nearest("timeout"), Some("Timeout"));
        assert_eq!(nearest("TIMEÖUT"), Some("Timeout"));
        assert_eq!(nearest("Completely different"), None);
        assert_eq!(nearest(""), None);
        assert_eq!(nearest(&"Timeout".repeat(20)), None);
        assert!(find("Number of transfers").is_none());
        assert!(find("View hidden files").is_some());
        assert!(matches!(
            find(TIMEOUT).map(|o| o.kind),
            Some(Kind::Int { .. })
        ));
    }

    /// The bounded search suggests what the plain edit distance over every known option
    /// suggests (the first name at the smallest distance, if within the limit).
    #[test]
    fn bounded_search_agrees_with_the_full_distance() {
        fn full(a: &str, b: &str) -> usize {
            let b: Vec<char> = b.chars().collect();
            let mut prev: Vec<usize> = (0..=b.len()).collect();
            for (i, ca) in a.chars().enumerate() {
                let mut cur = vec![i + 1; b.len() + 1];
                for (j, cb) in b.iter().enumerate() {
                    cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                        .min(prev[j + 1] + 1)
                        .min(cur[j] + 1);
                }
                prev = cur;
            }
            prev[b.len()]
        }
        fn reference(name: &str) -> Option<&'static str> {
            let lower = name.to_lowercase();
            let all = CHECKED
                .iter()
                .map(|o| o.name)
                .chain(UNCHECKED.iter().copied());
            let mut best: Option<(usize, &'static str)> = None;
            for known in all {
                let d = full(&lower, &known.to_lowercase());
                if best.map(|(bd, _)| d < bd).unwrap_or(true) {
                    best = Some((d, known));
                }
            }
            let max = if name.chars().count() > 12 { 3 } else { 2 };
            best.filter(|(d, _)| *d <= max).map(|(_, n)| n)
        }
        let mut names: Vec<String> = Vec::new();
        for known in CHECKED
            .iter()
            .map(|o| o.name)
            .chain(UNCHECKED.iter().copied())
        {
            names.push(known.to_uppercase());
            names.push(known.replacen(' ', "", 1));
            names.push(format!("{known}x"));
            names.push(format!("{known}xyz"));
            names.push(known.chars().skip(2).collect());
            names.push(known.chars().rev().collect());
        }
        names
            .extend(["Timeout2", "Timeout (v2)", "Numberof Transfer", "x", "ab"].map(String::from));
        for name in &names {
            assert_eq!(nearest(name), reference(name), "{name}");
        }
    }
}
