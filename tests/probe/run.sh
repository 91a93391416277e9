#!/bin/bash
# Runs the `clientlint probe` tests (tests/probe.rs: the library; tests/probe_rules.rs: the
# command, one test per probe rule) against real servers on 127.0.0.1: Dovecot (IMAP, POP3:
# STARTTLS and implicit TLS; a second instance without TLS), Postfix (submission with
# STARTTLS + AUTH through Dovecot SASL, SMTPS, SMTPS offering only TLS 1.0/1.1, one service
# without TLS, one with a per-address connection limit of 1), vsftpd (explicit FTPS,
# implicit FTPS, plain FTP with a "user N of M" banner, plain FTP with max_per_ip=2),
# pure-ftpd (a per-address limit of 2 it states with its number), and the Python fakes of
# fake_servers.py (silent, garbage, endless line, dribble, SSH banner, four recorders).
#
# Installs what is missing with apt-get (as root; no service is started by the install),
# makes a throw-away CA and server certificate with openssl, writes every configuration under
# one temp dir, picks free high ports, starts everything, runs
#   cargo test --test probe --test probe_rules -- --include-ignored
# with the ports in PROBE_* variables, and stops everything on exit (trap). Nothing under
# /etc is changed. Exit status: cargo's; 0 with "skipped: …" where the servers cannot run
# (not root: they need it for privilege separation; no apt-get to install them). Env:
# PROBE_KEEP=1 keeps the temp dir; PROBE_TEST passes a test-name filter to cargo test;
# PROBE_CMD runs that shell command instead of cargo test, with the servers up (debugging).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd); ROOT=$(cd "$HERE/../.." && pwd)
START=$(date +%s)
WORK=$(mktemp -d /tmp/clientlint-probe.XXXXXX)
chmod 755 "$WORK"   # the servers' unprivileged users must reach their files and sockets
PIDS=()
POSTFIX_STARTED=""

cleanup() {
  local rc=$?
  set +e
  [ -n "$POSTFIX_STARTED" ] && postfix -c "$WORK/postfix/etc" stop >/dev/null 2>&1
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null; done
  # Dovecot's and Postfix's children, by their own pid files only.
  for f in "$WORK"/dovecot*/run/master.pid "$WORK"/postfix/queue/pid/master.pid; do
    [ -f "$f" ] && kill "$(head -1 "$f" | tr -d ' ')" 2>/dev/null
  done
  if [ -n "${PROBE_KEEP:-}" ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  echo "tests/probe/run.sh: $(( $(date +%s) - START )) s in all"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- servers: install when missing -------------------------------------------------------
NEED=()
[ -x /usr/lib/dovecot/imap ] || NEED+=(dovecot-imapd)
[ -x /usr/lib/dovecot/pop3 ] || NEED+=(dovecot-pop3d)
[ -x /usr/sbin/postfix ] || NEED+=(postfix)
[ -x /usr/sbin/vsftpd ] || NEED+=(vsftpd)
command -v openssl >/dev/null || NEED+=(openssl)
command -v python3 >/dev/null || NEED+=(python3)
# The servers drop privileges after binding (Dovecot, Postfix, vsftpd, pure-ftpd refuse to
# start otherwise), so only root can run this suite: elsewhere it is skipped, loudly.
if [ "$(id -u)" != 0 ]; then
  echo "skipped: tests/probe/run.sh needs root (the mail and FTP servers start as root and drop privileges)"
  exit 0
fi
if [ ${#NEED[@]} -gt 0 ]; then
  echo "installing: ${NEED[*]}"
  command -v apt-get >/dev/null || { echo "skipped: ${NEED[*]} missing and no apt-get to install them"; exit 0; }
  # Keep the packages' own services from starting (ports 21, 25, 110, 143, …).
  POLICY=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; POLICY=1
  fi
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  # pure-ftpd's package asks nothing; its init script is kept from starting by the policy.
  ok=1
  { DEBIAN_FRONTEND=noninteractive timeout 900 apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq --no-install-recommends "${NEED[@]}"; } \
    > "$WORK/apt.log" 2>&1 || ok=0
  [ -n "$POLICY" ] && rm -f /usr/sbin/policy-rc.d
  [ $ok = 1 ] || { echo "FATAL: apt-get install failed:"; tail -20 "$WORK/apt.log"; exit 2; }
fi
# pure-ftpd and vsftpd conflict as Debian packages (each is "the" ftp-server), so unless
# pure-ftpd is installed, its binary is unpacked from the .deb into target/tools (kept for
# later runs) and run from there; its libraries are those of the servers above.
PURE_FTPD=/usr/sbin/pure-ftpd
if [ ! -x "$PURE_FTPD" ]; then
  TOOLS=${CARGO_TARGET_DIR:-$ROOT/target}/tools/pure-ftpd
  PURE_FTPD=$TOOLS/usr/sbin/pure-ftpd
  if [ ! -x "$PURE_FTPD" ]; then
    echo "unpacking pure-ftpd into $TOOLS"
    command -v apt-get >/dev/null || { echo "skipped: pure-ftpd missing and no apt-get to fetch it"; exit 0; }
    mkdir -p "$TOOLS"
    { cd "$TOOLS" && { timeout 300 apt-get download pure-ftpd ||
        { timeout 900 apt-get update -qq && timeout 300 apt-get download pure-ftpd; }; } &&
      dpkg-deb -x pure-ftpd_*.deb . && rm -f pure-ftpd_*.deb; } > "$WORK/pure-ftpd-fetch.log" 2>&1 ||
      { echo "FATAL: could not fetch pure-ftpd:"; tail -20 "$WORK/pure-ftpd-fetch.log"; exit 2; }
    cd "$ROOT"
  fi
fi
echo "servers: $(dpkg-query -W -f '${Package} ${Version}; ' dovecot-core postfix vsftpd 2>/dev/null)pure-ftpd $("$PURE_FTPD" --help 2>&1 | head -1 | grep -o 'v[0-9][0-9.]*' || echo '?')"

# ---- a throw-away CA and a server certificate for 127.0.0.1 and mail.test (not localhost) --
PKI=$WORK/pki; mkdir -p "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=clientlint probe test CA" \
  -keyout "$PKI/ca.key" -out "$PKI/ca.crt" >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj "/CN=mail.test" \
  -keyout "$PKI/server.key" -out "$PKI/server.csr" >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1,DNS:mail.test\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n' > "$PKI/ext.cnf"
openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
  -days 2 -extfile "$PKI/ext.cnf" -out "$PKI/server.crt" >/dev/null 2>&1
chmod 644 "$PKI"/*   # a test key; the servers read it after dropping privileges

# ---- free ports for the real servers ---------------------------------------------------
NAMES=(IMAP IMAPS POP3 POP3S IMAP_NOTLS POP3_NOTLS SMTP SMTPS SMTPS_OLD SMTP_NOTLS SMTP_LIMIT FTP FTPS FTP_NOTLS FTP_LIMIT FTP_PURE)
# Below the kernel's ephemeral range, so that no outgoing connection (of this run or of
# anything else on the machine) nor the fakes' OS-picked ports can take one meanwhile.
read -r -a PORTS <<< "$(python3 - ${#NAMES[@]} <<'PY'
import random, socket, sys
try:
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except OSError:
    low = 32768
ports = []
for port in random.sample(range(10000, max(low, 10001 + 64)), 2000):
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port))
        ports.append(port)
    except OSError:
        pass
    finally:
        s.close()
    if len(ports) == int(sys.argv[1]):
        break
print(" ".join(map(str, ports)))
PY
)"
[ ${#PORTS[@]} = ${#NAMES[@]} ] || { echo "FATAL: found only ${#PORTS[@]} free ports"; exit 2; }
for i in "${!NAMES[@]}"; do export "PROBE_PORT_${NAMES[$i]}=${PORTS[$i]}"; done

# ---- Dovecot: one instance with TLS, one without -----------------------------------------
dovecot_conf() { # DIR SSL IMAP_PORT POP3_PORT [IMAPS_PORT POP3S_PORT]
  local d=$1 ssl=$2; mkdir -p "$d/run" "$d/state" "$d/home"
  echo "probe:{PLAIN}unused-password" > "$d/passwd"
  cat > "$d/dovecot.conf" <<CONF
protocols = imap pop3
listen = 127.0.0.1
base_dir = $d/run
state_dir = $d/state
instance_name = clientlint-probe-$(basename "$d")
log_path = $d/dovecot.log
ssl = $ssl
disable_plaintext_auth = no
auth_mechanisms = plain login
passdb {
  driver = passwd-file
  args = $d/passwd
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/home/%u
}
mail_location = maildir:~/Maildir
CONF
  if [ "$ssl" = yes ]; then
    cat >> "$d/dovecot.conf" <<CONF
ssl_cert = <$PKI/server.crt
ssl_key = <$PKI/server.key
service imap-login {
  inet_listener imap {
    port = $3
  }
  inet_listener imaps {
    port = $5
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $4
  }
  inet_listener pop3s {
    port = $6
    ssl = yes
  }
}
service auth {
  unix_listener $d/auth-postfix {
    mode = 0666
  }
}
CONF
  else
    cat >> "$d/dovecot.conf" <<CONF
service imap-login {
  inet_listener imap {
    port = $3
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = $4
  }
  inet_listener pop3s {
    port = 0
  }
}
CONF
  fi
}
dovecot_conf "$WORK/dovecot" yes "$PROBE_PORT_IMAP" "$PROBE_PORT_POP3" "$PROBE_PORT_IMAPS" "$PROBE_PORT_POP3S"
dovecot_conf "$WORK/dovecot-notls" no "$PROBE_PORT_IMAP_NOTLS" "$PROBE_PORT_POP3_NOTLS"
for d in dovecot dovecot-notls; do
  dovecot -F -c "$WORK/$d/dovecot.conf" > "$WORK/$d/stdout.log" 2>&1 &
  PIDS+=($!)
done

# ---- Postfix: submission (STARTTLS, AUTH after TLS), SMTPS, no TLS, a limit of 1 ----------
PF=$WORK/postfix; mkdir -p "$PF/etc" "$PF/queue" "$PF/data"
chown postfix "$PF/data"
[ -f /etc/postfix/dynamicmaps.cf ] && cp /etc/postfix/dynamicmaps.cf "$PF/etc/"
cat > "$PF/etc/main.cf" <<CONF
compatibility_level = 3.6
queue_directory = $PF/queue
data_directory = $PF/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = mail.test
mydomain = test
myorigin = mail.test
mydestination =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
smtpd_banner = \$myhostname ESMTP Postfix
smtpd_tls_cert_file = $PKI/server.crt
smtpd_tls_key_file = $PKI/server.key
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_auth_enable = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = $WORK/dovecot/auth-postfix
smtpd_client_event_limit_exceptions =
smtpd_relay_restrictions = permit_sasl_authenticated, reject
CONF
cat > "$PF/etc/master.cf" <<CONF
127.0.0.1:$PROBE_PORT_SMTP inet n - n - - smtpd
127.0.0.1:$PROBE_PORT_SMTPS inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
127.0.0.1:$PROBE_PORT_SMTPS_OLD inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_protocols=<=TLSv1.1 -o smtpd_tls_mandatory_protocols=<=TLSv1.1
127.0.0.1:$PROBE_PORT_SMTP_NOTLS inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_sasl_auth_enable=no
127.0.0.1:$PROBE_PORT_SMTP_LIMIT inet n - n - - smtpd -o smtpd_client_connection_count_limit=1
cleanup   unix n - n - 0 cleanup
qmgr      unix n - n 300 1 qmgr
tlsmgr    unix - - n 1000? 1 tlsmgr
rewrite   unix - - n - - trivial-rewrite
bounce    unix - - n - 0 bounce
defer     unix - - n - 0 bounce
trace     unix - - n - 0 bounce
verify    unix - - n - 1 verify
flush     unix n - n 1000? 0 flush
proxymap  unix - - n - - proxymap
smtp      unix - - n - - smtp
relay     unix - - n - - smtp
showq     unix n - n - - showq
error     unix - - n - - error
retry     unix - - n - - error
discard   unix - - n - - discard
anvil     unix - - n - 1 anvil
scache    unix - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
CONF

# ---- vsftpd: explicit FTPS, implicit FTPS, plain with a banner, plain with max_per_ip=2 ---
FTP=$WORK/vsftpd; mkdir -p "$FTP/empty" "$FTP/root"; chmod 755 "$FTP/empty" "$FTP/root"
vsftpd_conf() { # NAME PORT EXTRA-LINES...
  local name=$1 port=$2; shift 2
  {
    cat <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$FTP/root
local_enable=NO
write_enable=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
secure_chroot_dir=$FTP/empty
xferlog_enable=NO
vsftpd_log_file=$FTP/$name.log
CONF
    printf '%s\n' "$@"
  } > "$FTP/$name.conf"
  vsftpd "$FTP/$name.conf" > "$FTP/$name.out" 2>&1 &
  PIDS+=($!)
}
TLS_LINES=(ssl_enable=YES "rsa_cert_file=$PKI/server.crt" "rsa_private_key_file=$PKI/server.key"
  ssl_ciphers=HIGH require_ssl_reuse=NO allow_anon_ssl=YES force_anon_logins_ssl=NO force_anon_data_ssl=NO)
vsftpd_conf explicit "$PROBE_PORT_FTP" "${TLS_LINES[@]}"
vsftpd_conf implicit "$PROBE_PORT_FTPS" "${TLS_LINES[@]}" implicit_ssl=YES
vsftpd_conf notls "$PROBE_PORT_FTP_NOTLS" ssl_enable=NO "ftpd_banner=You are user number 1 of 50 allowed."
vsftpd_conf limit "$PROBE_PORT_FTP_LIMIT" ssl_enable=NO max_per_ip=2

# ---- pure-ftpd: at most 2 connections per address ("421 Too many connections (2) from this
# IP"), 50 in all ("You are user number 1 of 50 allowed."); no anonymous login, no TLS ------
"$PURE_FTPD" -S "127.0.0.1,$PROBE_PORT_FTP_PURE" -C 2 -c 50 -E -A -H > "$WORK/pure-ftpd.log" 2>&1 &
PIDS+=($!)

# postfix(1) prints its fatal errors only to a terminal (else to syslog): give it one.
script -qec "postfix -c '$PF/etc' start" /dev/null > "$PF/start.log" 2>&1 ||
  { echo "FATAL: postfix did not start:"; cat "$PF/start.log"; tail -20 "$PF/maillog" 2>/dev/null; exit 2; }
POSTFIX_STARTED=1

# ---- wait until the real servers listen (30 s at most), then start the fakes -------------
# The fakes bind ports the OS picks; starting them only now keeps them off the ports chosen
# above for the real servers.
python3 - "${PORTS[@]}" <<'PY' || { echo "FATAL: some server is not listening; logs:"; tail -n 5 "$WORK"/*/*.log "$WORK"/*/*.out "$WORK"/*/stdout.log 2>/dev/null; exit 2; }
import socket, sys, time
deadline = time.time() + 30
for port in map(int, sys.argv[1:]):
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if time.time() > deadline:
                print("port %d not listening" % port)
                sys.exit(1)
            time.sleep(0.2)
PY
# ---- the Python fakes ------------------------------------------------------------------------
mkdir -p "$WORK/record"
python3 "$HERE/fake_servers.py" --cert "$PKI/server.crt" --key "$PKI/server.key" \
  --record-dir "$WORK/record" --ports-file "$WORK/fake-ports" > "$WORK/fake.log" 2>&1 &
PIDS+=($!)

for _ in $(seq 150); do [ -f "$WORK/fake-ports" ] && break; sleep 0.2; done
[ -f "$WORK/fake-ports" ] || { echo "FATAL: fake servers did not start:"; cat "$WORK/fake.log"; exit 2; }
set -a; . "$WORK/fake-ports"; set +a
echo "servers up after $(( $(date +%s) - START )) s; ports: $(env | grep ^PROBE_PORT_ | sort | tr '\n' ' ')"
# The checks above opened one connection to each port; let the limited servers forget them.
sleep 1

export PROBE_CA=$PKI/ca.crt PROBE_RECORD_DIR=$WORK/record
cd "$ROOT"
if [ -n "${PROBE_CMD:-}" ]; then
  bash -c "$PROBE_CMD"
else
  cargo test --locked --test probe --test probe_rules -- --include-ignored ${PROBE_TEST:-}
fi
