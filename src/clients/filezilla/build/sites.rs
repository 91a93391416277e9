//! The Site Manager's sites and the recent servers: the walk of `<Servers>` and its
//! `<Folder>`s (a folder without a name is skipped with its sites, reference filezilla
//! §4.1), each site's path and name, and the reading of many sites in parallel, in
//! document order. Each site itself is read in [`super::server`].

use super::{file_name, Builder};
use crate::clients::filezilla::{FzFileKind, ParsedFile};
use crate::model::{FileFinding, FileFindingKind, Profile};
use crate::source::FileId;
use crate::syntax::xml::Element;

/// Below this many sites, reading them is too little work to be worth spreading.
const PARALLEL_SITES: usize = 512;

/// Sites per parallel task: enough that the tasks' vectors are few and grow like the
/// profile's own would (one small vector per site made the parallel read slower than the
/// sequential one, page faults mostly).
const SITES_PER_TASK: usize = 256;

/// What a walk of the Site Manager's folders finds, in document order.
enum SiteItem<'a> {
    /// A `<Server>` and its path (`folder/…/name`).
    Site { el: Element<'a>, path: String },
    /// A folder FileZilla skips.
    Finding(FileFinding),
}

impl<'a> Builder<'a> {
    /// Reads the sites of the Site Manager and of fzdefaults.xml (as `predefined/…`) and
    /// the recent servers, from the files FileZilla uses (`usable`), in their order.
    pub(super) fn read_all_sites(&mut self, usable: &[(&ParsedFile, Element<'a>)]) {
        for (p, root) in usable {
            match p.kind {
                FzFileKind::SiteManager | FzFileKind::Defaults => {
                    if let Some(servers) = root.child("Servers") {
                        let prefix = if p.kind == FzFileKind::Defaults {
                            "predefined/"
                        } else {
                            ""
                        };
                        self.read_folder(p.file, p.kind, servers, prefix);
                    }
                }
                FzFileKind::RecentServers => {
                    if let Some(recent) = root.child("RecentServers") {
                        let sites = recent
                            .elements()
                            .filter(|e| e.name == "Server")
                            .enumerate()
                            .map(|(i, el)| SiteItem::Site {
                                el,
                                path: format!("recent server {}", i + 1),
                            })
                            .collect();
                        self.read_sites(p.file, p.kind, sites);
                    }
                }
                FzFileKind::Settings => {}
            }
        }
    }

    /// Reads the sites of a `<Servers>` element and its folders.
    fn read_folder(&mut self, file: FileId, kind: FzFileKind, folder: Element<'a>, prefix: &str) {
        let mut items = Vec::new();
        walk_folder(file, folder, prefix, &mut items);
        self.read_sites(file, kind, items);
    }

    /// Reads sites (and keeps findings about their folders) in document order. Sites are
    /// independent of each other, so a large Site Manager is read in parallel, in runs of
    /// sites each read into a profile of its own; those are appended in order, so the
    /// result is the same as reading the sites one by one.
    fn read_sites(&mut self, file: FileId, kind: FzFileKind, items: Vec<SiteItem<'a>>) {
        self.read_sites_split(file, kind, items, PARALLEL_SITES, SITES_PER_TASK);
    }

    /// [`Builder::read_sites`], in parallel from `parallel_from` sites on, `per_task` sites
    /// per task (the tests vary both).
    fn read_sites_split(
        &mut self,
        file: FileId,
        kind: FzFileKind,
        items: Vec<SiteItem<'a>>,
        parallel_from: usize,
        per_task: usize,
    ) {
        use rayon::prelude::*;
        let fname = file_name(self.files, file);
        if items.len() < parallel_from {
            for item in items {
                self.read_site(file, kind, item, &fname);
            }
            return;
        }
        let files = self.files;
        let parts: Vec<Profile> = items
            .into_par_iter()
            .chunks(per_task.max(1))
            .map(|chunk| {
                let mut b = Builder {
                    files,
                    profile: Profile::new(crate::clients::filezilla::ID, String::new()),
                };
                for item in chunk {
                    b.read_site(file, kind, item, &fname);
                }
                b.profile
            })
            .collect();
        let total = |f: fn(&Profile) -> usize| parts.iter().map(f).sum::<usize>();
        self.profile.findings.reserve(total(|p| p.findings.len()));
        self.profile.passwords.reserve(total(|p| p.passwords.len()));
        self.profile.servers.reserve(total(|p| p.servers.len()));
        for part in parts {
            self.profile.findings.extend(part.findings);
            self.profile.passwords.extend(part.passwords);
            self.profile.servers.extend(part.servers);
        }
    }

    /// Reads one item of a walk: a site, or a finding about its folder.
    fn read_site(&mut self, file: FileId, kind: FzFileKind, item: SiteItem<'a>, fname: &str) {
        match item {
            SiteItem::Site { el, path } => self.read_server(file, kind, el, &path, fname),
            SiteItem::Finding(f) => self.profile.findings.push(f),
        }
    }
}

/// Lists the sites of a `<Servers>` or `<Folder>` element, recursively.
fn walk_folder<'a>(file: FileId, folder: Element<'a>, prefix: &str, out: &mut Vec<SiteItem<'a>>) {
    for el in folder.elements() {
        match el.name.as_ref() {
            "Server" => {
                let name = site_name(el);
                let path = if prefix.is_empty() {
                    name
                } else {
                    format!("{prefix}{name}")
                };
                out.push(SiteItem::Site { el, path });
            }
            "Folder" => {
                let fname: String = el
                    .first_text()
                    .map(|t| t.value.trim().chars().take(255).collect())
                    .unwrap_or_default();
                if fname.is_empty() {
                    out.push(SiteItem::Finding(
                        FileFinding::new(
                            FileFindingKind::InvalidValue,
                            file,
                            el.start,
                            "folder without a name",
                            "this Site Manager folder has no name: FileZilla skips it, so none of the sites in it appear",
                        )
                        .help("give the folder a name (its own text)"),
                    ));
                    continue;
                }
                walk_folder(file, el, &format!("{prefix}{fname}/"), out);
            }
            _ => {}
        }
    }
}

/// A site's name: `<Name>`, else the trimmed text of `<Server>` itself (reference §4.1).
fn site_name(el: Element<'_>) -> String {
    let name = el.child("Name").map(|n| n.text().trim()).unwrap_or("");
    if !name.is_empty() {
        return name.to_owned();
    }
    el.texts()
        .find(|t| !t.value.trim().is_empty())
        .map(|t| t.value.trim().to_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod site_tests {
    use super::walk_folder;
    use crate::clients::filezilla::build::Builder;
    use crate::clients::filezilla::{parse_file, FzFileKind};
    use crate::model::Profile;
    use crate::source::{Files, SourceFile};

    /// Sites read in parallel give the same profile, in the same order, as read one by one:
    /// across task boundaries, with folders, unnamed and dropped sites and bad values.
    #[test]
    fn parallel_site_reading_matches_sequential() -> Result<(), &'static str> {
        let mut xml = String::from("<FileZilla3>\n<Servers>\n");
        for i in 0..300 {
            let host = if i % 17 == 0 {
                String::new()
            } else {
                format!("h{}.example", i % 40)
            };
            let name = if i % 23 == 0 {
                String::new()
            } else {
                format!("s{i}")
            };
            let site = format!(
                "<Server><Host>{host}</Host><Port>{}</Port><Protocol>{}</Protocol><User>u{i}</User><Pass encoding=\"{}\">cA==</Pass><Logontype>{}</Logontype><MaximumMultipleConnections>{}</MaximumMultipleConnections><Name>{name}</Name></Server>\n",
                if i % 29 == 0 { "x1" } else { "21" },
                [0, 1, 3, 4, 6, 9][i % 6],
                if i % 31 == 0 { "rot13" } else { "base64" },
                i % 9,
                (i % 13) as i64 - 2,
            );
            match i % 50 {
                0 => xml.push_str(&format!("<Folder>f{i}\n{site}")),
                10 => xml.push_str(&format!("{site}</Folder>\n")),
                25 => xml.push_str(&format!("<Folder>\n{site}</Folder>\n")),
                _ => xml.push_str(&site),
            }
        }
        xml.push_str("</Servers>\n</FileZilla3>\n");
        let mut files = Files::default();
        let id = files.add(SourceFile::new("sitemanager.xml", xml.into_bytes()));
        let file = files.get(id).ok_or("no file")?;
        let (parsed, _) = parse_file(file, id, FzFileKind::SiteManager);
        assert!(parsed.doc.error.is_none(), "{:?}", parsed.doc.error);
        let servers = parsed
            .doc
            .root
            .as_ref()
            .and_then(|r| r.element().child("Servers"))
            .ok_or("no <Servers>")?;
        let read = |parallel_from: usize, per_task: usize| {
            let mut b = Builder {
                files: &files,
                profile: Profile::new(crate::clients::filezilla::ID, String::new()),
            };
            let mut items = Vec::new();
            walk_folder(id, servers, "", &mut items);
            b.read_sites_split(id, FzFileKind::SiteManager, items, parallel_from, per_task);
            format!("{:?}", b.profile)
        };
        let sequential = read(usize::MAX, 1);
        assert!(
            sequential.contains("InvalidValue"),
            "the sample has findings"
        );
        for per_task in [1, 7, 64, 1000] {
            assert_eq!(read(0, per_task), sequential, "{per_task} sites per task");
        }
        Ok(())
    }
}
