// user.js: server1 8 connections, 6 minutes (beats prefs.js when nothing manages them)
user_pref("mail.server.server1.max_cached_connections", 8);
user_pref("mail.server.server1.check_time", 6);
