// Interop case (tests/interop, issue 9): max_cached_connections 0 (means 5) and negative (means 1),
// check_time from mail.server.default, a per-server check_time, check_new_mail false.
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "user@example.com");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.com");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.server.default.check_time", 20);
user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.max_cached_connections", 0);
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server2.check_new_mail", false);
user_pref("mail.server.server2.check_time", 3);
user_pref("mail.server.server2.hostname", "imap2.example.com");
user_pref("mail.server.server2.max_cached_connections", -4);
user_pref("mail.server.server2.socketType", 2);
user_pref("mail.server.server2.type", "imap");
