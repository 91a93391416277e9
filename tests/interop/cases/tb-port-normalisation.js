// Interop case (tests/interop, issue 9): ports Thunderbird normalises: an explicit port equal to the
// default for SSL, -1 and 0 (both mean "protocol default"), an SMTP port 0, and a port that
// is not the default.
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "user@example.com");
user_pref("mail.smtpservers", "smtp1");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.com");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.account.account3.server", "server3");
user_pref("mail.accountmanager.accounts", "account1,account2,account3");
user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.port", 993);
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server2.hostname", "pop.example.com");
user_pref("mail.server.server2.port", -1);
user_pref("mail.server.server2.socketType", 3);
user_pref("mail.server.server2.type", "pop3");
user_pref("mail.server.server3.hostname", "imap2.example.com");
user_pref("mail.server.server3.port", 0);
user_pref("mail.server.server3.type", "imap");
user_pref("mail.smtpserver.smtp1.port", 0);
user_pref("mail.smtpserver.smtp1.try_ssl", 3);
