// clientlint interop: /etc/thunderbird/pref (defaults/syspref)
pref("mail.clientlint.dirs.install_vs_syspref", "syspref");
pref("mail.clientlint.dirs.syspref_vs_sysconfd", "syspref");
pref("mail.server.default.check_time", 22);
