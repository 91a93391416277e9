// clientlint interop: enables AutoConfig
pref("general.config.filename", "clientlint.cfg");
pref("general.config.obscure_value", 0);
