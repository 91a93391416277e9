// clientlint interop: user_pref inside a default prefs file
user_pref("mail.server.server2.max_cached_connections", 4);
user_pref("mail.server.server1.check_time", 3);
user_pref("mail.server.server2.check_time", 11);
