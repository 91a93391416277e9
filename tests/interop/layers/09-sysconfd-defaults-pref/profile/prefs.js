// clientlint interop (issue 15): two IMAP accounts and Local Folders.
// server1 has its own max_cached_connections (9) and check_time (7); server2 has none.
user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.identities", "id2");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.account.account3.server", "server3");
user_pref("mail.accountmanager.accounts", "account1,account2,account3");
user_pref("mail.accountmanager.defaultaccount", "account1");
user_pref("mail.accountmanager.localfoldersserver", "server3");
user_pref("mail.identity.id1.fullName", "A");
user_pref("mail.identity.id1.useremail", "a@example.com");
user_pref("mail.identity.id2.fullName", "B");
user_pref("mail.identity.id2.useremail", "b@example.com");
user_pref("mail.server.server1.check_time", 7);
user_pref("mail.server.server1.hostname", "imap1.example.com");
user_pref("mail.server.server1.max_cached_connections", 9);
user_pref("mail.server.server1.name", "a@example.com");
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "a");
user_pref("mail.server.server2.hostname", "imap2.example.com");
user_pref("mail.server.server2.name", "b@example.com");
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server2.userName", "b");
user_pref("mail.server.server3.hostname", "Local Folders");
user_pref("mail.server.server3.name", "Local Folders");
user_pref("mail.server.server3.type", "none");
user_pref("mail.server.server3.userName", "nobody");
