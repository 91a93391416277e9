#!/bin/sh
# Builds the seed corpora of every fuzz target from fixtures/ and fixtures/corpus/.
# Run from fuzz/. The targets that pick a format from the first byte get that byte
# prepended (see fuzz_targets/filezilla_xml.rs and fix_roundtrip.rs).
set -eu
cd "$(dirname "$0")"
F=../fixtures
rm -rf corpus && mkdir -p corpus
mk() { mkdir -p "corpus/$1"; }
for t in prefs_js filezilla_xml prf reg profiles_ini winscp clientlint_toml fix_roundtrip; do mk "$t"; done
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
for t in corpus/*; do echo "$t: $(ls "$t" | wc -l) seeds"; done
