// clientlint interop: load order probe (clientlint-9.js)
pref("mail.server.default.check_time", 22);
pref("mail.clientlint.order.dash10_vs_dash9", "clientlint-9.js");
pref("mail.clientlint.order.dash9_vs_dashA", "clientlint-9.js");
pref("mail.clientlint.order.dash9_vs_dasha", "clientlint-9.js");
pref("mail.clientlint.order.dash9_vs_underscoreb", "clientlint-9.js");
