// clientlint interop: install dir
pref("mail.server.default.max_cached_connections", 2, locked);
pref("mail.server.default.check_time", 4);
