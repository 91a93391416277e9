#!/bin/bash
# Owned by the interop suite (issue 9): pins what settled D2 of docs/interop.md. Wine's
# `reg import` reads `dword:24b` (fewer than 8 hex digits) as 0x24b, as regedit's
# `convert_hex_to_dword` does and as clientlint now reads it (issue 17, R1). If Wine ever
# rejects it, this fails and the reader must follow.
set -u
W=$(realpath -m "$1"); HERE=$(cd "$(dirname "$0")" && pwd); rm -rf "$W"; mkdir -p "$W"
KEY='HKEY_CURRENT_USER\Software\clientlint-interop\pin'
printf 'REGEDIT4\r\n\r\n[%s]\r\n"Short"=dword:24b\r\n"Full"=dword:0000024b\r\n' "$KEY" > "$W/in.reg"
"$HERE/wine_reg_oracle.sh" "$W/in.reg" "$KEY" "$W/out.reg" "${INTEROP_WINEPREFIX:-$W/prefix}" > "$W/oracle.out" 2>&1 ||
  { echo "oracle failed: $(cat "$W/oracle.out")"; exit 1; }
got=$(iconv -f utf-16 -t utf-8 "$W/out.reg" | tr -d '\r' | grep -i '^"short"=')
[ "$got" = '"Short"=dword:0000024b' ] || { echo "expected Wine to read dword:24b as 0x24b, export has: ${got:-nothing}"; exit 1; }
echo "  pinned (D2, settled): Wine reads dword:24b as 0x0000024b, as clientlint does"
