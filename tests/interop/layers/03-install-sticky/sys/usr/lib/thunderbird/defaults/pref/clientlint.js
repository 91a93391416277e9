// clientlint interop: sticky default prefs, each equal to the profile's user value
sticky_pref("mail.server.server1.check_time", 7);
pref("mail.server.server1.max_cached_connections", 9);
pref("mail.server.server2.check_time", 12, sticky);
pref("mail.server.server2.max_cached_connections", 4);
