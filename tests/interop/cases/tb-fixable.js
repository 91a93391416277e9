// Interop case (tests/interop, issue 9): a clean file with findings --fix repairs: plain-text IMAP,
// a 1-minute poll, 20 cached connections, SMTP on port 25 without TLS.
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "user@example.com");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.com");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.server.server1.check_time", 1);
user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.max_cached_connections", 20);
user_pref("mail.server.server1.socketType", 0);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.smtpserver.smtp1.port", 25);
user_pref("mail.smtpserver.smtp1.try_ssl", 0);
