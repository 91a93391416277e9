// user.js: server1 8 connections / 6 min, and mail.server.default.* 8 / 6 (locked by /etc)
user_pref("mail.server.server1.max_cached_connections", 8);
user_pref("mail.server.server1.check_time", 6);
user_pref("mail.server.default.max_cached_connections", 8);
user_pref("mail.server.default.check_time", 6);
