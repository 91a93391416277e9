// clientlint interop: install dir
pref("mail.clientlint.dirs.install_vs_syspref", "install");
pref("mail.clientlint.dirs.install_vs_sysconfd", "install");
pref("mail.server.default.check_time", 21);
