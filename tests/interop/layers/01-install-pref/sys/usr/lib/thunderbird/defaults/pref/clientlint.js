// clientlint interop: install-dir default prefs
pref("mail.server.default.max_cached_connections", 3);
pref("mail.server.default.check_time", 4);
