// clientlint interop: .cfg functions in a default prefs file are parse errors
lockPref("mail.server.server1.max_cached_connections", 2);
pref("mail.server.server2.max_cached_connections", 4);
defaultPref("mail.server.server2.check_time", 3);
pref("mail.server.default.check_time", 12);
