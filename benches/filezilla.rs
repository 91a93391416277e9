//! Throughput of the FileZilla reader: a generated sitemanager.xml with 10,000 sites,
//! timed as (a) read + decode into a SourceFile only, and (b) parse + lint, side by side.

// The same allocator as the shipped binary (src/main.rs), so the figures are the CLI's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

use clientlint::clients::filezilla::FzFileKind;
use clientlint::engine::discover::unit_for;
use clientlint::rules::{Context, ALL};
use clientlint::settings::Settings;
use clientlint::source::{Files, SourceFile};

fn sitemanager(sites: usize) -> Vec<u8> {
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3 version=\"3.70.6\" platform=\"*nix\">\n\t<Servers>\n");
    for i in 0..sites {
        let protocol = [0, 4, 6, 1][i % 4];
        s.push_str(&format!(
            "\t\t<Server>\n\t\t\t<Host>ftp{i}.example.com</Host>\n\t\t\t<Port>21</Port>\n\t\t\t<Protocol>{protocol}</Protocol>\n\t\t\t<Type>0</Type>\n\t\t\t<User>user{i}</User>\n\t\t\t<Pass encoding=\"base64\">c2VjcmV0LXBhc3N3b3Jk</Pass>\n\t\t\t<Logontype>1</Logontype>\n\t\t\t<PasvMode>MODE_DEFAULT</PasvMode>\n\t\t\t<MaximumMultipleConnections>{}</MaximumMultipleConnections>\n\t\t\t<EncodingType>Auto</EncodingType>\n\t\t\t<BypassProxy>0</BypassProxy>\n\t\t\t<Name>Site &amp; {i}</Name>\n\t\t\t<SyncBrowsing>0</SyncBrowsing>\n\t\t\t<DirectoryComparison>0</DirectoryComparison>\n\t\t</Server>\n",
            i % 12
        ));
    }
    s.push_str("\t</Servers>\n</FileZilla3>\n");
    s.into_bytes()
}

fn best_of(iterations: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut out = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        out = std::hint::black_box(f());
        best = best.min(start.elapsed());
    }
    (best, out)
}

#[allow(clippy::print_stdout)]
fn main() {
    let bytes = sitemanager(10_000);
    let path = std::path::PathBuf::from("sitemanager.xml");
    let units: Vec<_> = unit_for(&path, FzFileKind::SiteManager.format())
        .into_iter()
        .collect();
    let settings = Settings::default();
    let iterations = 10;
    let (decode, _) = best_of(iterations, || {
        SourceFile::new(path.clone(), bytes.clone()).text.len()
    });
    let (lint, diagnostics) = best_of(iterations, || {
        let mut files = Files::default();
        files.add(SourceFile::new(path.clone(), bytes.clone()));
        clientlint::analyze(&units, files, &settings)
            .diagnostics
            .len()
    });
    let (parse, _) = best_of(iterations, || {
        clientlint::syntax::xml::parse(&String::from_utf8_lossy(&bytes))
            .root
            .map(|r| r.children.len())
            .unwrap_or(0)
    });
    let mut files = Files::default();
    files.add(SourceFile::new(path.clone(), bytes.clone()));
    let profiles: Vec<_> = units
        .iter()
        .flat_map(|u| u.client.build(u, &files).profiles)
        .collect();
    let ctx = Context::of(&settings);
    let (rules, _) = best_of(iterations, || {
        let mut out = Vec::new();
        for profile in &profiles {
            for rule in ALL {
                rule.check(profile, &ctx, &mut out);
            }
        }
        out.len()
    });
    let mb = bytes.len() as f64 / 1_000_000.0;
    let rate = |d: Duration| mb / d.as_secs_f64();
    println!("sitemanager.xml, 10,000 sites, {mb:.1} MB, best of {iterations}:");
    println!(
        "  (a) read + decode:        {:>8.2} ms  {:>8.1} MB/s",
        decode.as_secs_f64() * 1000.0,
        rate(decode)
    );
    println!(
        "  (b) decode + parse + lint: {:>7.2} ms  {:>8.1} MB/s  ({diagnostics} diagnostics)",
        lint.as_secs_f64() * 1000.0,
        rate(lint)
    );
    println!(
        "      of which XML parse:   {:>7.2} ms",
        parse.as_secs_f64() * 1000.0
    );
    println!(
        "      of which rules:       {:>7.2} ms",
        rules.as_secs_f64() * 1000.0
    );
}
