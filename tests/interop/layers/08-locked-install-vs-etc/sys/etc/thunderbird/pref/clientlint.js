// clientlint interop: /etc/thunderbird/pref
pref("mail.server.default.max_cached_connections", 6);
pref("mail.server.default.check_time", 3, locked);
