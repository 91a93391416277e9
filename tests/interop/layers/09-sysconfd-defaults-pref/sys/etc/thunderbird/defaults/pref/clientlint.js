// clientlint interop: SysConfD/defaults/pref
pref("mail.server.default.max_cached_connections", 3);
pref("mail.clientlint.sysconfd_defaults_pref", true);
