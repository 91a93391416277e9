// Mozilla User Preferences
// Interop case (issue 17, P2): a string that runs to the end of the file. Thunderbird's
// console reports it on the line where the file ends, not where the string starts;
// clientlint's client_line must name that line.

user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "user@example.com");
user_pref("mail.server.server1.check_time", "10);
// everything from the quote above to the end of the file is one unterminated string

