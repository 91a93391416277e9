// clientlint interop: load order probe (clientlint-a.js)
pref("mail.server.default.check_time", 24);
pref("mail.clientlint.order.dash10_vs_dasha", "clientlint-a.js");
pref("mail.clientlint.order.dash9_vs_dasha", "clientlint-a.js");
pref("mail.clientlint.order.dashA_vs_dasha", "clientlint-a.js");
pref("mail.clientlint.order.dasha_vs_underscoreb", "clientlint-a.js");
