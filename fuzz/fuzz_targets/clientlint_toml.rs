//! Fuzzes clientlint.toml: parsing, applying to the settings, and rendering an error
//! (whose span must lie inside the text).
#![no_main]

use std::path::{Path, PathBuf};

use clientlint::settings::file::{self as config, LoadedConfig};
use clientlint::settings::Settings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("clientlint.toml");
    match config::parse(path, text) {
        Ok(file) => {
            let loaded = LoadedConfig {
                path: PathBuf::from(path),
                text: text.to_owned(),
                file,
            };
            if let Err(e) =
                Settings::default().apply_config(&loaded, &|r| clientlint::rules::find(r).is_some())
            {
                let _ = config::render_error(&e);
            }
        }
        Err(e) => {
            let _ = config::render_error(&e);
        }
    }
});
