// clientlint interop: enables AutoConfig
pref("general.config.filename", "clientlint.cfg");
