#!/bin/sh
# Builds the seed corpora of every fuzz target from fixtures/ and fixtures/corpus/.
# Run from fuzz/. The targets that pick a format from the first byte get that byte
# prepended (see fuzz_targets/filezilla_xml.rs and fix_roundtrip.rs).
set -eu
cd "$(dirname "$0")"
F=../fixtures
rm -rf corpus && mkdir -p corpus
mk() { mkdir -p "corpus/$1"; }
for t in prefs_js filezilla_xml prf reg profiles_ini winscp clientlint_toml fix_roundtrip probe_replies; do mk "$t"; done
n=0
seed() { # target file [prefix-byte-in-octal]
  n=$((n+1))
  if [ $# -eq 3 ]; then { printf "\\$3"; cat "$2"; } > "corpus/$1/s$n"; else cp "$2" "corpus/$1/s$n"; fi
}
find $F -type f \( -name '*.js' -o -name '*.cfg' \) | while read -r f; do seed prefs_js "$f"; seed fix_roundtrip "$f" 000; done
find $F -type f \( -name '*.xml' -o -name '*.example' \) | while read -r f; do
  for k in 000 001 002 003; do seed filezilla_xml "$f" $k; done
  seed fix_roundtrip "$f" 001; seed fix_roundtrip "$f" 002
done
find $F -type f \( -iname '*.prf' \) | while read -r f; do seed prf "$f"; seed fix_roundtrip "$f" 003; done
find $F -type f \( -iname '*.reg' \) | while read -r f; do seed reg "$f"; seed fix_roundtrip "$f" 004; done
find $F -type f -iname '*.ini' | while read -r f; do seed profiles_ini "$f"; seed prf "$f"; seed winscp "$f" 000; done
find $F -type f -iname '*.reg' | while read -r f; do seed winscp "$f" 001; done
find .. -maxdepth 3 -name '*.toml' -path '*fixtures*' | while read -r f; do seed clientlint_toml "$f"; done
find ../tests ../docs -name '*.toml' 2>/dev/null | while read -r f; do seed clientlint_toml "$f"; done
printf 'max-connections = 2\nselect = ["smtp-port-25"]\n[severity]\nsmtp-port-25 = "error"\n[servers."imap.example.com"]\nconnection-limit = 4\n[per-path-ignores]\n"**/user.js" = ["poll-interval-too-short"]\n' > corpus/clientlint_toml/handmade
# Replies of the servers the probe tests run (vsftpd, pure-ftpd, Dovecot, Postfix, OpenSSH).
r=0
reply() { r=$((r+1)); printf '%b' "$1" > "corpus/probe_replies/r$r"; }
reply '220 (vsFTPd 3.0.3)\r\n'
reply '421 There are too many connections from your internet address.\r\n'
reply '220---------- Welcome to Pure-FTPd [privsep] [TLS] ----------\r\n220-You are user number 1 of 50 allowed.\r\n220 You will be disconnected after 15 minutes of inactivity.\r\n'
reply '421 Too many connections (2) from this IP\r\n'
reply '211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n UTF8\r\n211 End\r\n'
reply '* OK [CAPABILITY IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+ STARTTLS AUTH=PLAIN AUTH=LOGIN] Dovecot (Debian) ready.\r\n'
reply '* CAPABILITY IMAP4rev1 STARTTLS LOGINDISABLED\r\na1 OK Pre-login capabilities listed, post-login capabilities have more.\r\n'
reply '+OK Dovecot (Debian) ready. <1896.697170952@mail.test>\r\n'
reply '+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\nSTLS\r\nUSER\r\nSASL PLAIN LOGIN\r\n.\r\n'
reply '220 mail.test ESMTP Postfix\r\n'
reply '250-mail.test\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250-AUTH PLAIN LOGIN\r\n250 CHUNKING\r\n'
reply '421 4.7.0 mail.test Error: too many connections from 127.0.0.1\r\n'
reply 'SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n'
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
