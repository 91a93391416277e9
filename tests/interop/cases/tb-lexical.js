// Interop case (tests/interop, issue 9): lexical corners: single quotes, \u and \x escapes, a
// duplicate key (the last wins), legacy isSecure without socketType, realhostname.
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "user@example.com");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.com");
user_pref('mail.accountmanager.accounts', 'account1');
user_pref("mail.server.server1.hostname", "imap.\u0065xample.com");
user_pref("mail.server.server1.realhostname", 'real\x2dimap.example.com');
user_pref("mail.server.server1.isSecure", true);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.check_time", 7);
user_pref("mail.server.server1.check_time", 12);
user_pref("mail.smtpserver.smtp1.try_ssl", 2);
