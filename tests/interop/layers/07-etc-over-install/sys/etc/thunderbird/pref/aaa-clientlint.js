// clientlint interop: /etc/thunderbird/pref
pref("mail.server.default.max_cached_connections", 6);
pref("mail.clientlint.only_etc", "etc");
pref("mail.clientlint.both", "etc");
