// Interop case (tests/interop, issue 9): errors: a digit run followed by letters ("123abc"), a
// stray "/" and an unterminated /* comment at the end of the file.
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "user@example.com");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.com");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.check_time", 15abc);
user_pref("mail.server.server1.socketType", 3);
/ user_pref("mail.server.server1.max_cached_connections", 2);
user_pref("mail.smtpserver.smtp1.try_ssl", 3);
/* never closed
user_pref("mail.server.server1.port", 1993);
