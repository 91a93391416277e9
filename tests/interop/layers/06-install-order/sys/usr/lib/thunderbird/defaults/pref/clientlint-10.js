// clientlint interop: load order probe (clientlint-10.js)
pref("mail.server.default.check_time", 21);
pref("mail.clientlint.order.dash10_vs_dash9", "clientlint-10.js");
pref("mail.clientlint.order.dash10_vs_dashA", "clientlint-10.js");
pref("mail.clientlint.order.dash10_vs_dasha", "clientlint-10.js");
pref("mail.clientlint.order.dash10_vs_underscoreb", "clientlint-10.js");
