#!/usr/bin/env python3
"""Misbehaving and recording servers for the probe tests (tests/probe/run.sh starts this).

Each server listens on 127.0.0.1 on a port the OS picks; the ports are written to
--ports-file as shell assignments (PROBE_PORT_NAME=1234), one per line, once all listen.
Servers:
  SILENT      accepts and never sends a byte
  GARBAGE     sends binary bytes and terminal escape sequences, then waits
  ENDLESS     sends "220 " and then a line that never ends (up to 16 MiB), as fast as the
              client reads; ENDLESS_IMAP, ENDLESS_POP3 and ENDLESS_SSH start with "* OK ",
              "+OK " and "SSH-2.0-"
  DRIBBLE     sends "220 " and then one byte every 0.3 s, never a line end
  SSH         sends an SSH identification line, then waits (for the SFTP probe)
  REC_FTP, REC_IMAP, REC_POP3, REC_SMTP
              speak just enough of each protocol, STARTTLS included (the test CA's
              certificate), answer credential commands as a naive server would, and append
              every line they receive to --record-dir/<proto>.log
Runs until killed. Standard library only.
"""
import argparse
import os
import socket
import socketserver
import ssl
import threading
import time

LOCK = threading.Lock()
ARGS = None


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Lines:
    """Line reading over a socket that may be upgraded to TLS."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def readline(self):
        while b"\n" not in self.buf:
            if len(self.buf) > 65536:
                return None
            try:
                chunk = self.sock.recv(4096)
            except OSError:
                return None
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("latin-1")

    def send(self, text):
        self.sock.sendall(text.encode("latin-1"))

    def starttls(self):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.cert, ARGS.key)
        self.buf = b""
        self.sock = ctx.wrap_socket(self.sock, server_side=True)


def wait_for_close(sock, limit=60):
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass


def record(proto, line):
    with LOCK:
        with open(os.path.join(ARGS.record_dir, proto + ".log"), "a") as f:
            f.write(line + "\n")


class Silent(socketserver.BaseRequestHandler):
    def handle(self):
        wait_for_close(self.request)


class Garbage(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b"\x00\x01\xff\xfe\x1b[2J\x1b]52;c;aGVsbG8=\x07 garbage \x9b31m\r\n")
        wait_for_close(self.request)


def endless(prefix):
    """A handler that sends `prefix` (a valid start of a greeting) and then a line that
    never ends."""

    class Endless(socketserver.BaseRequestHandler):
        def handle(self):
            chunk = b"A" * 4096
            try:
                self.request.sendall(prefix)
                for _ in range(4096):
                    self.request.sendall(chunk)
            except OSError:
                pass

    return Endless


class Dribble(socketserver.BaseRequestHandler):
    def handle(self):
        try:
            self.request.sendall(b"220 ")
            for _ in range(200):
                time.sleep(0.3)
                self.request.sendall(b"x")
        except OSError:
            pass


class Ssh(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.sendall(b"SSH-2.0-OpenSSH_9.2p1 clientlint-fake\r\n")
        wait_for_close(self.request, 10)


class RecFtp(socketserver.BaseRequestHandler):
    def handle(self):
        io = Lines(self.request)
        io.send("220 recorder FTP ready\r\n")
        while True:
            line = io.readline()
            if line is None:
                return
            record("ftp", line)
            verb = line.split(" ")[0].upper()
            if line.upper() == "AUTH TLS":
                io.send("234 Proceed with negotiation.\r\n")
                io.starttls()
            elif verb == "PBSZ":
                io.send("200 PBSZ=0\r\n")
            elif verb == "PROT":
                io.send("200 Protection level set.\r\n")
            elif verb == "FEAT":
                io.send("211-Features:\r\n AUTH TLS\r\n PBSZ\r\n PROT\r\n UTF8\r\n211 End\r\n")
            elif verb == "USER":
                io.send("331 Please specify the password.\r\n")
            elif verb == "PASS":
                io.send("230 Login successful.\r\n")
            elif verb == "QUIT":
                io.send("221 Goodbye.\r\n")
                return
            else:
                io.send("500 Unknown command.\r\n")


class RecImap(socketserver.BaseRequestHandler):
    def handle(self):
        io = Lines(self.request)
        tls = False
        io.send("* OK [CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=LOGIN] recorder ready\r\n")
        while True:
            line = io.readline()
            if line is None:
                return
            record("imap", line)
            parts = line.split(" ")
            tag, cmd = parts[0], (parts[1].upper() if len(parts) > 1 else "")
            if cmd == "CAPABILITY":
                caps = "IMAP4rev1 AUTH=PLAIN AUTH=LOGIN" if tls else "IMAP4rev1 STARTTLS AUTH=PLAIN AUTH=LOGIN"
                io.send("* CAPABILITY %s\r\n%s OK CAPABILITY completed\r\n" % (caps, tag))
            elif cmd == "STARTTLS":
                io.send("%s OK Begin TLS negotiation now\r\n" % tag)
                io.starttls()
                tls = True
            elif cmd == "LOGOUT":
                io.send("* BYE Logging out\r\n%s OK Logout completed\r\n" % tag)
                return
            else:
                io.send("%s OK done\r\n" % tag)


class RecPop3(socketserver.BaseRequestHandler):
    def handle(self):
        io = Lines(self.request)
        io.send("+OK recorder ready <1896.697170952@mail.test>\r\n")
        tls = False
        while True:
            line = io.readline()
            if line is None:
                return
            record("pop3", line)
            verb = line.split(" ")[0].upper()
            if verb == "CAPA":
                io.send("+OK\r\nUSER\r\nSASL PLAIN LOGIN\r\n" + ("" if tls else "STLS\r\n") + ".\r\n")
            elif verb == "STLS":
                io.send("+OK Begin TLS negotiation\r\n")
                io.starttls()
                tls = True
            elif verb == "QUIT":
                io.send("+OK Bye\r\n")
                return
            else:
                io.send("+OK\r\n")


class RecSmtp(socketserver.BaseRequestHandler):
    def handle(self):
        io = Lines(self.request)
        io.send("220 mail.test ESMTP recorder\r\n")
        tls = False
        while True:
            line = io.readline()
            if line is None:
                return
            record("smtp", line)
            verb = line.split(" ")[0].upper()
            if verb == "EHLO":
                io.send("250-mail.test\r\n" + ("" if tls else "250-STARTTLS\r\n") + "250 AUTH PLAIN LOGIN\r\n")
            elif verb == "STARTTLS":
                io.send("220 2.0.0 Ready to start TLS\r\n")
                io.starttls()
                tls = True
            elif verb == "AUTH":
                io.send("235 2.7.0 Authentication successful\r\n")
            elif verb == "QUIT":
                io.send("221 2.0.0 Bye\r\n")
                return
            else:
                io.send("250 OK\r\n")


HANDLERS = {
    "SILENT": Silent,
    "GARBAGE": Garbage,
    "ENDLESS": endless(b"220 "),
    "ENDLESS_IMAP": endless(b"* OK "),
    "ENDLESS_POP3": endless(b"+OK "),
    "ENDLESS_SSH": endless(b"SSH-2.0-"),
    "DRIBBLE": Dribble,
    "SSH": Ssh,
    "REC_FTP": RecFtp,
    "REC_IMAP": RecImap,
    "REC_POP3": RecPop3,
    "REC_SMTP": RecSmtp,
}


def main():
    global ARGS
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--record-dir", required=True)
    p.add_argument("--ports-file", required=True)
    ARGS = p.parse_args()
    lines = []
    for name, handler in HANDLERS.items():
        server = Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        lines.append("PROBE_PORT_%s=%d" % (name, server.server_address[1]))
    tmp = ARGS.ports_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.rename(tmp, ARGS.ports_file)
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
