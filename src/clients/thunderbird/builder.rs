//! Reading the model out of the pref table: a pref's effective value as a [`Setting`] with
//! its origin (the profile's own bytes, a default, or a managing layer), where a missing
//! pref is inserted, and the accounts and servers the prefs describe (their settings are
//! read in `servers.rs`).

use super::build::{place, LayerInput, Subject};
use super::layers::{Effective, How, Src, Stmt, Table};
use super::values::{write_reg_dword, write_value};
use crate::model::{
    Insertion, Location, Managed, Origin, Profile, Protocol, Setting, Usage, ValueWriter,
};
use crate::source::{FileId, Files, Span};
use crate::syntax::prefs::{self, PrefEntry};

pub(super) struct Builder<'a> {
    pub(super) files: &'a Files,
    pub(super) table: Table<'a>,
    pub(super) insert_target: Option<&'a LayerInput<'a>>,
    /// Whether the insert target is sorted, computed once.
    pub(super) insert_target_sorted: bool,
    pub(super) fallback_anchor: (FileId, Span),
    pub(super) subject: Subject,
    /// The AutoConfig file's bytes are shifted (`obscure_value`): not rewritable in place.
    pub(super) cfg_obscured: bool,
    /// The `.reg` export registry policies come from, if any: its values are rewritten in
    /// Regedit's syntax.
    pub(super) registry: Option<FileId>,
}

impl<'a> Builder<'a> {
    pub(super) fn get(&self, name: &str) -> Option<Effective<'a>> {
        self.table.effective(name)
    }

    pub(super) fn get_str(&self, name: &str) -> Option<&'a str> {
        self.get(name)?.stmt.str()
    }

    /// The file a statement is in, as messages name it.
    fn file_label(&self, stmt: &Stmt<'_>) -> String {
        match stmt.src {
            Src::Profile { layer, .. } => layer.file_label().to_owned(),
            _ => self
                .files
                .get(stmt.file)
                .and_then(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_default(),
        }
    }

    /// How a value in the statement's file is rewritten: numbers and booleans are written
    /// the same in prefs files, AutoConfig and JSON; an obscured AutoConfig file cannot be
    /// rewritten in place.
    fn writer(&self, stmt: &Stmt<'_>) -> ValueWriter {
        fn none(_: &crate::model::Value) -> Option<String> {
            None
        }
        match stmt.src {
            Src::Cfg(_) if self.cfg_obscured => none,
            // A registry value written as `dword:…` takes another DWORD; any other form
            // (a string, JSON in a REG_MULTI_SZ) is not rewritten.
            Src::Policy(_) if self.registry == Some(stmt.file) => {
                let written = self
                    .files
                    .get(stmt.file)
                    .and_then(|f| f.text.get(stmt.value_span.start..stmt.value_span.end))
                    .unwrap_or("");
                if written
                    .get(..6)
                    .is_some_and(|p| p.eq_ignore_ascii_case("dword:"))
                {
                    write_reg_dword
                } else {
                    none
                }
            }
            _ => write_value,
        }
    }

    fn location(&self, stmt: &Stmt<'_>) -> Location {
        Location {
            file: stmt.file,
            file_name: self.file_label(stmt),
            key: stmt.name.rsplit('.').next().unwrap_or(stmt.name).to_owned(),
            key_span: stmt.name_span,
            value_span: stmt.value_span,
            writer: self.writer(stmt),
        }
    }

    /// Where the effective value `e` comes from, for a setting whose own pref is `own`.
    pub(super) fn origin(&self, e: &Effective<'a>, own: &str) -> Origin {
        let stmt = &e.stmt;
        let managed = |how: String| {
            Origin::Managed(Box::new(Managed {
                location: self.location(stmt),
                how,
            }))
        };
        match e.how {
            How::ProfileValue => Origin::Explicit(Box::new(self.location(stmt))),
            How::Locked => {
                let by = e.locked_by.unwrap_or(*stmt);
                managed(format!(
                    "locked by {} ({})",
                    place(self.files, &by),
                    by.src.describe()
                ))
            }
            How::Reapplied => managed(format!(
                "set at every start by {} ({})",
                place(self.files, stmt),
                stmt.src.describe()
            )),
            // `pref(` in a profile file, or the artefact's own default: its bytes.
            How::Default if stmt.src.is_profile() || self.subject == Subject::Artefact => {
                Origin::Explicit(Box::new(self.location(stmt)))
            }
            How::Default => Origin::Default {
                note: format!(
                    "`{}` is a default from {} ({}); a value in the profile would win",
                    stmt.name.rsplit('.').next().unwrap_or(stmt.name),
                    place(self.files, stmt),
                    stmt.src.describe()
                ),
                anchor: (stmt.file, stmt.value_span),
                insert: self.insertion(own).map(Box::new),
            },
        }
    }

    /// The insertion of `user_pref("name", …);` in the target layer, in its style.
    pub(super) fn insertion(&self, name: &str) -> Option<Insertion> {
        let target = self.insert_target?;
        let file = self.files.get(target.file)?;
        let eol = file.line_ending.as_str();
        let new_prefix = format!("user_pref({}, ", prefs::quote(name));
        let entries = &target.parsed.entries;
        let statement = |e: &PrefEntry| file.slice(e.statement_span);
        // Gecko writes prefs.js sorted byte-wise by line: keep a sorted file sorted. The
        // first statement after the new one is found by halving, as the file is sorted (a
        // profile asks this for every pref it lacks, and a scan was entries × prefs).
        let before = if self.insert_target_sorted && !entries.is_empty() {
            let after = entries.partition_point(|e| statement(e) <= new_prefix.as_str());
            entries
                .get(after)
                // Only insert before a statement that starts its own line.
                .filter(|e| {
                    file.slice(Span::new(
                        file.line_start(e.statement_span.start),
                        e.statement_span.start,
                    ))
                    .trim()
                    .is_empty()
                })
        } else {
            None
        };
        let (at, prefix) = match before {
            Some(e) => (file.line_start(e.statement_span.start), new_prefix),
            None => {
                let end = file.text.len();
                let needs_eol = !file.text.is_empty() && !file.text.ends_with('\n');
                (
                    end,
                    if needs_eol {
                        format!("{eol}{new_prefix}")
                    } else {
                        new_prefix
                    },
                )
            }
        };
        Some(Insertion {
            file: target.file,
            file_name: target.layer.file_label().to_owned(),
            at,
            prefix,
            suffix: format!(");{eol}"),
            writer: write_value,
        })
    }

    /// An int pref of a server, falling back to the branch's `default` key, then to
    /// `builtin`. The bool is true when a layer names the value.
    pub(super) fn server_int(
        &self,
        branch: &str,
        key: &str,
        name: &str,
        builtin: i64,
        anchor: (FileId, Span),
    ) -> (Setting<i64>, bool) {
        let own = format!("{branch}.{key}.{name}");
        for candidate in [own.clone(), format!("{branch}.default.{name}")] {
            if let Some(e) = self.get(&candidate) {
                if let Some(v) = e.stmt.int() {
                    let setting = Setting {
                        value: i64::from(v),
                        origin: self.origin(&e, &own),
                    };
                    return (setting, true);
                }
            }
        }
        (self.builtin(&own, name, builtin, anchor), false)
    }

    /// The built-in value of a pref no layer sets (or one a managing layer clears at
    /// every start, which no value in the profile can change).
    fn builtin<T: std::fmt::Display>(
        &self,
        own: &str,
        name: &str,
        builtin: T,
        anchor: (FileId, Span),
    ) -> Setting<T> {
        let cleared = self.table.state(own).and_then(|s| s.cleared_by());
        let origin = match cleared {
            Some(by) => Origin::Default {
                note: format!(
                    "`{name}` is cleared at every start by {} ({}): Thunderbird uses {builtin}",
                    place(self.files, &by),
                    by.src.describe()
                ),
                anchor: (by.file, by.name_span),
                insert: None,
            },
            None => Origin::Default {
                note: format!("`{name}` is absent: Thunderbird uses {builtin}"),
                anchor,
                insert: self.insertion(own).map(Box::new),
            },
        };
        Setting {
            value: builtin,
            origin,
        }
    }

    /// A bool pref of an incoming server, falling back to `mail.server.default.`.
    pub(super) fn server_bool(&self, key: &str, name: &str) -> Option<Setting<bool>> {
        let own = format!("mail.server.{key}.{name}");
        [own.clone(), format!("mail.server.default.{name}")]
            .iter()
            .find_map(|candidate| {
                let e = self.get(candidate)?;
                let value = e.stmt.bool()?;
                Some(Setting {
                    value,
                    origin: self.origin(&e, &own),
                })
            })
    }

    pub(super) fn string_setting(&self, name: &str) -> Option<Setting<String>> {
        let e = self.get(name)?;
        let value = e.stmt.str()?.to_owned();
        Some(Setting {
            value,
            origin: self.origin(&e, name),
        })
    }

    /// Where diagnostics about a server as a whole point: its hostname, else its type.
    pub(super) fn server_anchor(&self, branch: &str, key: &str) -> (FileId, Span) {
        ["hostname", "type", "name"]
            .iter()
            .find_map(|n| self.get(&format!("{branch}.{key}.{n}")))
            .filter(|e| e.stmt.src.is_profile() || self.subject == Subject::Artefact)
            .map(|e| (e.stmt.file, e.stmt.statement_span))
            .unwrap_or(self.fallback_anchor)
    }

    pub(super) fn build_servers(&self, profile: &mut Profile) {
        let accounts = self
            .get_str("mail.accountmanager.accounts")
            .map(split_list)
            .unwrap_or_default();
        for account in accounts {
            let Some(key) = self.get_str(&format!("mail.account.{account}.server")) else {
                continue;
            };
            let key = key.trim();
            let protocol = match self.get_str(&format!("mail.server.{key}.type")) {
                Some("imap") => Protocol::Imap,
                Some("pop3") => Protocol::Pop3,
                Some("nntp") => Protocol::Nntp,
                _ => continue,
            };
            if let Some(server) = self.incoming(profile, account, key, protocol) {
                profile.servers.push(server);
            }
        }
        let smtp = self
            .get_str("mail.smtpservers")
            .map(split_list)
            .unwrap_or_default();
        for key in smtp {
            match self.get_str(&format!("mail.smtpserver.{key}.type")) {
                None | Some("smtp") => {}
                Some(_) => continue,
            }
            if let Some(server) = self.outgoing(profile, key) {
                profile.servers.push(server);
            }
        }
    }

    /// An artefact's accounts: one per protocol with no value of its own (what every
    /// account on a machine that gets the file inherits), and each server key the layers
    /// name. None of them counts towards a connection budget.
    pub(super) fn build_hypothetical_servers(&self, profile: &mut Profile) {
        let mut incoming: Vec<(String, Protocol)> = vec![
            ("default".to_owned(), Protocol::Imap),
            ("default".to_owned(), Protocol::Pop3),
        ];
        let mut outgoing: Vec<String> = vec!["default".to_owned()];
        let mut named: Vec<&str> = self.table.iter().map(|(n, _)| *n).collect();
        named.sort_unstable();
        for name in named {
            if let Some(key) = server_key(name, "mail.server.") {
                if key != "default" && !incoming.iter().any(|(k, _)| k == key) {
                    let protocol = match self.get_str(&format!("mail.server.{key}.type")) {
                        Some("pop3") => Protocol::Pop3,
                        Some("nntp") => Protocol::Nntp,
                        _ => Protocol::Imap,
                    };
                    incoming.push((key.to_owned(), protocol));
                }
            } else if let Some(key) = server_key(name, "mail.smtpserver.") {
                if !outgoing.iter().any(|k| k == key) {
                    outgoing.push(key.to_owned());
                }
            }
        }
        for (key, protocol) in incoming {
            let account = if key == "default" {
                format!("every {} account", protocol.name())
            } else {
                format!("server {key}")
            };
            if let Some(mut server) = self.incoming(profile, &account, &key, protocol) {
                server.usage = Usage::Hypothetical;
                profile.servers.push(server);
            }
        }
        for key in outgoing {
            if let Some(mut server) = self.outgoing(profile, &key) {
                server.usage = Usage::Hypothetical;
                if key == "default" {
                    server.account = Some("every SMTP server".to_owned());
                }
                profile.servers.push(server);
            }
        }
    }
}

/// `server1` of `mail.server.server1.check_time`.
fn server_key<'n>(name: &'n str, prefix: &str) -> Option<&'n str> {
    let rest = name.strip_prefix(prefix)?;
    rest.split_once('.').map(|(k, _)| k)
}

fn split_list(s: &str) -> Vec<&str> {
    s.split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect()
}
