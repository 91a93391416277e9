//! Readers that know no client: the Mozilla prefs grammar, INI, JSON, Regedit `.reg` files
//! and XML. Each keeps a span on everything it reads, never rewrites its input, never panics,
//! and goes on after an error the way the program that reads the format does; what the
//! keys mean is the clients' business (`crate::clients`).

pub mod ini;
pub mod json;
pub mod prefs;
pub mod reg;
pub mod xml;
