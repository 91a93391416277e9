// clientlint interop: load order probe (clientlint_b.js)
pref("mail.server.default.check_time", 25);
pref("mail.clientlint.order.dash10_vs_underscoreb", "clientlint_b.js");
pref("mail.clientlint.order.dash9_vs_underscoreb", "clientlint_b.js");
pref("mail.clientlint.order.dashA_vs_underscoreb", "clientlint_b.js");
pref("mail.clientlint.order.dasha_vs_underscoreb", "clientlint_b.js");
