// clientlint interop: load order probe (clientlint-A.js)
pref("mail.server.default.check_time", 23);
pref("mail.clientlint.order.dash10_vs_dashA", "clientlint-A.js");
pref("mail.clientlint.order.dash9_vs_dashA", "clientlint-A.js");
pref("mail.clientlint.order.dashA_vs_dasha", "clientlint-A.js");
pref("mail.clientlint.order.dashA_vs_underscoreb", "clientlint-A.js");
