// clientlint interop: locked default prefs
pref("mail.server.server1.max_cached_connections", 2, locked);
pref("mail.server.server1.check_time", 3, locked);
pref("mail.server.server2.max_cached_connections", 4, locked);
