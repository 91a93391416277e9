// clientlint interop: install dir
pref("mail.server.default.max_cached_connections", 3);
pref("mail.server.default.check_time", 4);
pref("mail.clientlint.only_install", "install");
pref("mail.clientlint.both", "install");
