//! One site or recent server (`<Server>`), read as FileZilla reads it: the checks that
//! make FileZilla drop the entry (reference filezilla §4.2), then the model's server with
//! its host, user, port, security, logon type and per-site connection limit.

use std::borrow::Cow;
use std::ops::RangeInclusive;

use super::write::{
    defaulted, location, value_span, write_into_empty_max_connections, write_value,
};
use super::Builder;
use crate::clients::filezilla::{options, FzFileKind};
use crate::model::{
    AuthMethod, Connections, FileFinding, FileFindingKind, Protocol, Role, Security, Server,
    Setting, Usage,
};
use crate::source::{FileId, Span};
use crate::syntax::xml::Element;

/// One `<Server>` being read.
struct Site<'s, 'a> {
    file: FileId,
    /// The file's name, for messages.
    fname: &'s str,
    el: Element<'a>,
    kids: ServerChildren<'a>,
    /// `folder/…/name`, `predefined/…` or `recent server N`.
    path: &'s str,
    /// A recent server (quick-connect history) rather than a site.
    recent: bool,
}

/// What FileZilla reads of a site it keeps: each value with the element it comes from
/// (`None` when absent and FileZilla uses 0).
struct Kept<'a> {
    host: Element<'a>,
    port: (i64, Element<'a>),
    protocol: (i64, Option<Element<'a>>),
    logon: (i64, Option<Element<'a>>),
    user: Option<Element<'a>>,
}

impl<'a> Builder<'a> {
    /// Reads one `<Server>`; FileZilla drops the entries it cannot read (reference §4.2).
    /// `fname` is the file's name, for messages.
    pub(super) fn read_server(
        &mut self,
        file: FileId,
        kind: FzFileKind,
        el: Element<'a>,
        path: &str,
        fname: &str,
    ) {
        let recent = kind == FzFileKind::RecentServers;
        let unnamed = !recent && path.rsplit('/').next().unwrap_or("").is_empty();
        let path: &str = &if unnamed {
            Cow::Owned(format!("{path}(unnamed site)"))
        } else {
            Cow::Borrowed(path)
        };
        let site = Site {
            file,
            fname,
            el,
            kids: ServerChildren::of(el),
            path,
            recent,
        };
        let host = site
            .kids
            .child("Host")
            .map(|h| h.text().trim())
            .unwrap_or("");
        let owner = if recent {
            format!("the recent server `{host}`")
        } else {
            format!("the site `{path}`")
        };
        self.read_password(file, site.kids.child("Pass"), owner);
        if unnamed {
            let why = "this site has no `<Name>` and no name text".to_owned();
            self.drop_site(&site, el.start, "no name", why);
            return;
        }
        let Some(kept) = self.keep_site(&site) else {
            return;
        };
        // Protocols outside the model (HTTP, S3, WebDAV, cloud storage) give no server.
        let Some((protocol, security)) = model_protocol(kept.protocol.0) else {
            return;
        };
        let server = self.site_server(&site, kept, protocol, security);
        self.profile.servers.push(server);
    }

    /// Runs the checks that make FileZilla drop a site, in its order, reporting the first
    /// that fails; returns what the site is read from when none does.
    fn keep_site(&mut self, site: &Site<'_, 'a>) -> Option<Kept<'a>> {
        let (path, el) = (site.path, site.el);
        let host_el = site.kids.child("Host");
        let Some(host) = host_el.filter(|h| !h.text().trim().is_empty()) else {
            let span = host_el.map(|h| h.span()).unwrap_or(el.start);
            self.drop_site(site, span, "empty host", format!("`{path}` has no host"));
            return None;
        };
        let port = self.site_port(site)?;
        let protocol = self.site_int_in(site, "Protocol", 0..=24, "unknown protocol", |n| {
            format!("protocol {n} of `{path}` is not one FileZilla knows (0–24)")
        })?;
        self.site_int_in(site, "Type", 0..=10, "unknown server type", |t| {
            format!("server type {t} of `{path}` is outside 0–10")
        })?;
        // A missing Logontype reads as 0, anonymous (GetTextElementInt's default; unverified).
        let logon = self.site_int_in(site, "Logontype", 0..=7, "unknown logon type", |n| {
            format!("logon type {n} of `{path}` is not one FileZilla knows (0–7)")
        })?;
        let user = site.kids.child("User");
        // Protocols without a user: Storj grant 21, Google Drive 14, Dropbox 15, OneDrive 16,
        // Box 18, GCS service account 23 (reference §4.2).
        let needs_user = logon.0 != 0
            && !matches!(logon.0, 2 | 3)
            && !matches!(protocol.0, 14 | 15 | 16 | 18 | 21 | 23);
        if needs_user && user.map(|u| u.text()).unwrap_or("").is_empty() {
            let span = user.map(|u| u.span()).unwrap_or(el.start);
            let why = format!("`{path}` has no user, which its logon type requires");
            self.drop_site(site, span, "no user", why);
            return None;
        }
        self.site_int_in(
            site,
            "TimezoneOffset",
            -1440..=1440,
            "bad timezone offset",
            |tz| format!("timezone offset {tz} of `{path}` is outside −1440..1440 minutes"),
        )?;
        let encoding = site.kids.child("EncodingType");
        let custom = site.kids.child("CustomEncoding");
        if encoding.map(|e| e.text().trim()) == Some("Custom")
            && custom.map(|e| e.text().trim()).unwrap_or("").is_empty()
        {
            let span = encoding.map(|e| e.span()).unwrap_or(el.start);
            let why = format!("`{path}` uses a custom encoding but names none");
            self.drop_site(site, span, "no custom encoding", why);
            return None;
        }
        Some(Kept {
            host,
            port,
            protocol,
            logon,
            user,
        })
    }

    /// The site's port, or `None` (the site dropped) when it is absent or outside 1–65535.
    fn site_port(&mut self, site: &Site<'_, 'a>) -> Option<(i64, Element<'a>)> {
        let path = site.path;
        match self.site_int(site, "Port") {
            Some((p, c)) if (1..=65535).contains(&p) => Some((p, c)),
            Some((p, c)) => {
                let why = format!("port {p} of `{path}` is outside 1–65535");
                self.drop_site(site, value_span(c), "not a port", why);
                None
            }
            None => {
                let why = format!("`{path}` has no `<Port>`, which FileZilla reads as 0");
                self.drop_site(site, site.el.start, "no port", why);
                None
            }
        }
    }

    /// The integer child `child` of the site, 0 when absent; `None` (the site dropped,
    /// labelled `label`, for the reason `why` gives) when it is outside `range`.
    fn site_int_in(
        &mut self,
        site: &Site<'_, 'a>,
        child: &str,
        range: RangeInclusive<i64>,
        label: &str,
        why: impl FnOnce(i64) -> String,
    ) -> Option<(i64, Option<Element<'a>>)> {
        let read = self.site_int(site, child);
        let value = read.map(|(v, _)| v).unwrap_or(0);
        if !range.contains(&value) {
            let span = read.map(|(_, c)| value_span(c)).unwrap_or(site.el.start);
            self.drop_site(site, span, label, why(value));
            return None;
        }
        Some((value, read.map(|(_, c)| c)))
    }

    /// The integer child `child` of the site, read with `as_int`; a non-numeric text is
    /// reported with what it reads as.
    fn site_int(&mut self, site: &Site<'_, 'a>, child: &str) -> Option<(i64, Element<'a>)> {
        let c = site.kids.child(child)?;
        let (v, clean) = options::as_int(c.text());
        if !clean {
            self.profile.findings.push(
                FileFinding::new(
                    FileFindingKind::InvalidValue,
                    site.file,
                    value_span(c),
                    format!("reads as {v}"),
                    format!(
                        "`{child}` of `{}` is `{}`, not a number: FileZilla reads it as {v}",
                        site.path,
                        c.text().trim()
                    ),
                )
                .help("write a plain number")
                .account(site.path),
            );
        }
        Some((v, c))
    }

    /// Reports that FileZilla drops the site, because of `why`, pointing at `span`.
    fn drop_site(&mut self, site: &Site<'_, '_>, span: Span, label: &str, why: String) {
        let consequence = if site.recent {
            "FileZilla drops this recent server and deletes it from recentservers.xml".to_owned()
        } else {
            format!(
                "FileZilla drops the site `{}`: it does not appear in the Site Manager",
                site.path
            )
        };
        self.profile.findings.push(
            FileFinding::new(
                FileFindingKind::InvalidValue,
                site.file,
                span,
                label,
                format!("{why}: {consequence}"),
            )
            .help("correct the value in FileZilla's Site Manager, or here with FileZilla closed")
            .account(site.path),
        );
    }

    /// The model's server for a site FileZilla keeps.
    fn site_server(
        &mut self,
        site: &Site<'_, 'a>,
        kept: Kept<'a>,
        protocol: Protocol,
        security: Security,
    ) -> Server {
        let (file, path) = (site.file, site.path);
        let anchor_el = site
            .kids
            .child("Name")
            .filter(|n| !n.text().trim().is_empty())
            .unwrap_or(kept.host);
        let anchor = (file, value_span(anchor_el));
        let loc = |c: Element<'_>, key: &str| {
            location(file, site.fname, key, c.name_span, c, write_value)
        };
        let security = match kept.protocol.1 {
            Some(c) => Setting::explicit(security, loc(c, "Protocol")),
            None => defaulted(
                security,
                "`Protocol` is absent: FileZilla uses 0, FTP with TLS if available".to_owned(),
                anchor,
                None,
            ),
        };
        let auth = logon_auth(kept.logon.0);
        let auth = match kept.logon.1 {
            Some(c) => Setting::explicit(auth, loc(c, "Logontype")),
            None => defaulted(
                auth,
                "`Logontype` is absent: FileZilla uses anonymous".to_owned(),
                anchor,
                None,
            ),
        };
        let (port, port_el) = kept.port;
        let port = Setting::explicit(port, loc(port_el, "Port"));
        let mut server = Server::new(path, Role::Incoming, protocol, port, security, anchor);
        server.account = Some(path.to_owned());
        server.host = Some(Setting::explicit(
            kept.host.text().trim().to_owned(),
            loc(kept.host, "Host"),
        ));
        server.user = kept
            .user
            .map(|u| Setting::explicit(u.text().to_owned(), loc(u, "User")));
        server.auth = Some(auth);
        // The quick-connect history has no per-site limit to set.
        server.max_connections = if site.recent {
            None
        } else {
            Some(self.site_max_connections(site, anchor))
        };
        // Worked out once the whole directory is read: see `build_profile`.
        server.connections = Connections::BrowsingAndTransfers {
            transfers: 0,
            site_limit: false,
        };
        // Recent servers are history; sites are bookmarks opened on demand.
        server.usage = if site.recent {
            Usage::History
        } else {
            Usage::OnDemand
        };
        server
    }

    /// The site's `MaximumMultipleConnections`: 0 (no limit) when absent; a negative value
    /// reads as a huge unsigned number, so also no limit.
    fn site_max_connections(
        &mut self,
        site: &Site<'_, 'a>,
        anchor: (FileId, Span),
    ) -> Setting<i64> {
        let (file, path) = (site.file, site.path);
        let Some((v, c)) = self.site_int(site, "MaximumMultipleConnections") else {
            return defaulted(
                0,
                "`MaximumMultipleConnections` is absent: the site has no connection limit"
                    .to_owned(),
                anchor,
                self.max_connections_insertion(file, site.el),
            );
        };
        let v = if v < 0 {
            self.profile.findings.push(
                FileFinding::new(
                    FileFindingKind::InvalidValue,
                    file,
                    value_span(c),
                    "no limit",
                    format!("`MaximumMultipleConnections` of `{path}` is {v}: FileZilla reads it as a huge unsigned number, so the site has no connection limit"),
                )
                .help("write a limit between 1 and 10")
                .account(path),
            );
            0
        } else {
            v
        };
        Setting::explicit(
            v,
            location(
                file,
                site.fname,
                "MaximumMultipleConnections",
                c.name_span,
                c,
                write_into_empty_max_connections,
            ),
        )
    }
}

/// The model's protocol and security for a FileZilla protocol number; `None` for the
/// protocols outside the model (HTTP, S3, WebDAV, cloud storage).
fn model_protocol(number: i64) -> Option<(Protocol, Security)> {
    Some(match number {
        0 => (Protocol::Ftp, Security::TryStartTls),
        1 => (Protocol::Sftp, Security::ImplicitTls),
        3 => (Protocol::Ftp, Security::ImplicitTls),
        4 => (Protocol::Ftp, Security::StartTls),
        6 => (Protocol::Ftp, Security::None),
        _ => return None,
    })
}

/// The authentication of a FileZilla logon type.
fn logon_auth(number: i64) -> AuthMethod {
    match number {
        0 => AuthMethod::None,
        5 => AuthMethod::External,
        6 | 7 => AuthMethod::Secure,
        _ => AuthMethod::PasswordCleartext,
    }
}

/// The children of a `<Server>` that [`Builder::read_server`] reads, found in one pass:
/// a site has about fifteen child elements and is asked for a dozen of them by name,
/// which `Element::child` would find by a scan each. Each is the first child of its name,
/// as with `child` (pugixml's `child(name)`).
struct ServerChildren<'a> {
    el: Element<'a>,
    found: [Option<Element<'a>>; 12],
}

impl<'a> ServerChildren<'a> {
    fn slot(name: &str) -> Option<usize> {
        Some(match name {
            "Host" => 0,
            "Port" => 1,
            "Protocol" => 2,
            "Type" => 3,
            "User" => 4,
            "Pass" => 5,
            "Logontype" => 6,
            "TimezoneOffset" => 7,
            "EncodingType" => 8,
            "CustomEncoding" => 9,
            "Name" => 10,
            "MaximumMultipleConnections" => 11,
            _ => return None,
        })
    }

    fn of(el: Element<'a>) -> Self {
        let mut found = [None; 12];
        for child in el.elements() {
            if let Some(slot) = Self::slot(&child.name).and_then(|i| found.get_mut(i)) {
                if slot.is_none() {
                    *slot = Some(child);
                }
            }
        }
        ServerChildren { el, found }
    }

    /// The first child element named `name`.
    fn child(&self, name: &str) -> Option<Element<'a>> {
        match Self::slot(name) {
            Some(i) => self.found.get(i).copied().flatten(),
            None => self.el.child(name),
        }
    }
}
