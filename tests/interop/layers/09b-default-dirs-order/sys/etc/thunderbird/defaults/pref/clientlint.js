// clientlint interop: /etc/thunderbird/defaults/pref (SysConfD/defaults/pref)
pref("mail.clientlint.dirs.install_vs_sysconfd", "sysconfd");
pref("mail.clientlint.dirs.syspref_vs_sysconfd", "sysconfd");
pref("mail.server.default.check_time", 23);
