//! One probe connection: reads bounded in length and time, writes only through the
//! allow-list, and the TLS upgrade.
//!
//! Every read is bounded by the connection's deadline (the socket's read timeout is set to
//! the time left before each read, so a server that sends one byte a second cannot stretch
//! it) and by the parsers' line limit plus [`MAX_REPLY`] bytes per reply.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use pki_types::ServerName;
use rustls::ClientConnection;

use super::commands::{self, Forbidden};
use super::reply::{Invalid, Parse};
use super::tls::{describe_certificate_error, version_name, TlsInfo, TlsSetup, TlsStart};
use super::Protocol;

/// The most bytes one reply may take, whatever its lines.
pub(crate) const MAX_REPLY: usize = 64 * 1024;

/// Why a step of the dialog could not complete.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The deadline passed while waiting for `what`.
    Timeout { what: &'static str },
    /// The server closed the connection while we waited for `what`; `partial` is what it
    /// had sent of it.
    Closed { what: &'static str, partial: String },
    /// A socket error other than a timeout.
    Io {
        what: &'static str,
        error: io::Error,
    },
    /// The server sent something that is not a reply of the protocol.
    Invalid {
        what: &'static str,
        invalid: Invalid,
    },
    /// The TLS handshake failed.
    Tls(TlsFailure),
    /// The server sent no greeting but answered a TLS handshake: it speaks implicit TLS.
    ImplicitTlsServer,
    /// The allow-list refused a command (a bug in the probe; nothing was sent).
    Forbidden(Forbidden),
}

/// How a TLS handshake failed.
#[derive(Debug)]
pub(crate) enum TlsFailure {
    /// The certificate did not verify (and `--insecure` was not given).
    Certificate(String),
    /// The server answered the handshake in plain text: `text` is what it sent.
    PlainText(String),
    /// The server closed the connection during the handshake.
    Closed,
    /// Any other TLS error; `server_spoke_tls` tells whether TLS records came back.
    Other {
        error: String,
        server_spoke_tls: bool,
    },
}

/// An open connection to one server.
pub(crate) struct Conn {
    tcp: TcpStream,
    tls: Option<Box<ClientConnection>>,
    buf: Vec<u8>,
    deadline: Instant,
    protocol: Protocol,
    /// Every command sent, without its line ending, in order.
    pub(crate) sent: Vec<String>,
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl Conn {
    pub(crate) fn new(tcp: TcpStream, protocol: Protocol, deadline: Instant) -> Conn {
        let _ = tcp.set_nodelay(true);
        Conn {
            tcp,
            tls: None,
            buf: Vec::new(),
            deadline,
            protocol,
            sent: Vec::new(),
        }
    }

    /// The local address, for SMTP's `EHLO [address]`.
    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        self.tcp.local_addr().ok()
    }

    /// True when TLS is active.
    pub(crate) fn is_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Time left before the deadline, or `None` when it has passed.
    fn remaining(&self, until: Instant) -> Option<Duration> {
        let left = until
            .min(self.deadline)
            .saturating_duration_since(Instant::now());
        (left >= Duration::from_millis(1)).then_some(left)
    }

    /// Reads once into the buffer, waiting at most until `until` (and the deadline).
    /// `Ok(false)`: nothing arrived in time.
    fn fill(&mut self, until: Instant, what: &'static str) -> Result<bool, Failure> {
        let Some(left) = self.remaining(until) else {
            return Ok(false);
        };
        if let Err(error) = self.tcp.set_read_timeout(Some(left)) {
            return Err(Failure::Io { what, error });
        }
        let mut chunk = [0u8; 4096];
        let read = match self.tls.as_deref_mut() {
            Some(tls) => rustls::Stream::new(tls, &mut self.tcp).read(&mut chunk),
            None => self.tcp.read(&mut chunk),
        };
        match read {
            Ok(0) => Err(Failure::Closed {
                what,
                partial: String::from_utf8_lossy(&self.buf).into_owned(),
            }),
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                Ok(true)
            }
            Err(e) if is_timeout(&e) => Ok(false),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(true),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::UnexpectedEof | io::ErrorKind::ConnectionReset
                ) =>
            {
                Err(Failure::Closed {
                    what,
                    partial: String::from_utf8_lossy(&self.buf).into_owned(),
                })
            }
            Err(error) => Err(Failure::Io { what, error }),
        }
    }

    /// Waits until some bytes have arrived or `until` passes; `Ok(false)` when none did.
    pub(crate) fn wait_for_data(
        &mut self,
        until: Instant,
        what: &'static str,
    ) -> Result<bool, Failure> {
        while self.buf.is_empty() {
            if !self.fill(until, what)? && self.remaining(until).is_none() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Reads one reply with `parser`, within the deadline and [`MAX_REPLY`] bytes.
    pub(crate) fn read<T>(
        &mut self,
        parser: fn(&[u8]) -> Parse<T>,
        what: &'static str,
    ) -> Result<T, Failure> {
        loop {
            match parser(&self.buf) {
                Parse::Complete(value, used) => {
                    self.buf.drain(..used.min(self.buf.len()));
                    return Ok(value);
                }
                Parse::Invalid(invalid) => return Err(Failure::Invalid { what, invalid }),
                Parse::Incomplete if self.buf.len() > MAX_REPLY => {
                    return Err(Failure::Invalid {
                        what,
                        invalid: Invalid::TooManyLines,
                    })
                }
                Parse::Incomplete => {
                    if !self.fill(self.deadline, what)? && self.remaining(self.deadline).is_none() {
                        return Err(Failure::Timeout { what });
                    }
                }
            }
        }
    }

    /// Sends one command line, after the allow-list has passed it, and records it.
    pub(crate) fn send(&mut self, line: &str) -> Result<(), Failure> {
        commands::check(self.protocol, line).map_err(Failure::Forbidden)?;
        self.sent.push(line.to_owned());
        let what = "sending a command";
        let Some(left) = self.remaining(self.deadline) else {
            return Err(Failure::Timeout { what });
        };
        let _ = self.tcp.set_write_timeout(Some(left));
        let bytes = format!("{line}\r\n");
        let written = match self.tls.as_deref_mut() {
            Some(tls) => {
                let mut s = rustls::Stream::new(tls, &mut self.tcp);
                s.write_all(bytes.as_bytes()).and_then(|()| s.flush())
            }
            None => self.tcp.write_all(bytes.as_bytes()),
        };
        written.map_err(|error| {
            if is_timeout(&error) {
                Failure::Timeout { what }
            } else {
                Failure::Io { what, error }
            }
        })
    }

    /// Sends `line` and reads the reply with `parser`.
    pub(crate) fn command<T>(
        &mut self,
        line: &str,
        parser: fn(&[u8]) -> Parse<T>,
        what: &'static str,
    ) -> Result<T, Failure> {
        self.send(line)?;
        self.read(parser, what)
    }

    /// Runs the TLS handshake on this connection, within the deadline.
    ///
    /// Bytes the server sent before the handshake (after the STARTTLS reply) are dropped:
    /// acting on them would allow STARTTLS response injection (CVE-2011-0411 class).
    pub(crate) fn start_tls(
        &mut self,
        setup: &TlsSetup,
        host: &str,
        started: TlsStart,
    ) -> Result<TlsInfo, Failure> {
        self.buf.clear();
        let bare = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let name = ServerName::try_from(bare.to_owned()).map_err(|e| {
            Failure::Tls(TlsFailure::Other {
                error: format!(
                    "`{}` is not a valid TLS server name ({e})",
                    super::escape_server_text(bare)
                ),
                server_spoke_tls: false,
            })
        })?;
        let (config, recording) = setup.config().map_err(|error| {
            Failure::Tls(TlsFailure::Other {
                error,
                server_spoke_tls: false,
            })
        })?;
        let mut tls = ClientConnection::new(Arc::clone(&config), name).map_err(|e| {
            Failure::Tls(TlsFailure::Other {
                error: e.to_string(),
                server_spoke_tls: false,
            })
        })?;
        let mut rec = Recorder {
            tcp: &mut self.tcp,
            first: Vec::new(),
        };
        while tls.is_handshaking() {
            let Some(left) = self
                .deadline
                .checked_duration_since(Instant::now())
                .filter(|d| !d.is_zero())
            else {
                return Err(Failure::Timeout {
                    what: "the TLS handshake",
                });
            };
            let _ = rec.tcp.set_read_timeout(Some(left));
            let _ = rec.tcp.set_write_timeout(Some(left));
            match tls.complete_io(&mut rec) {
                Ok(_) => {}
                Err(e) if is_timeout(&e) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let spoke_tls = looks_like_tls(&rec.first);
                    let text = String::from_utf8_lossy(&rec.first).into_owned();
                    if !rec.first.is_empty() && !spoke_tls {
                        return Err(Failure::Tls(TlsFailure::PlainText(text)));
                    }
                    if let Some(cert) = recording.error() {
                        return Err(Failure::Tls(TlsFailure::Certificate(
                            describe_certificate_error(&cert, bare),
                        )));
                    }
                    if rec.first.is_empty()
                        || e.kind() == io::ErrorKind::UnexpectedEof && !spoke_tls
                    {
                        return Err(Failure::Tls(TlsFailure::Closed));
                    }
                    return Err(Failure::Tls(TlsFailure::Other {
                        error: e.to_string(),
                        server_spoke_tls: spoke_tls,
                    }));
                }
            }
        }
        let certificate_error = recording
            .error()
            .map(|e| describe_certificate_error(&e, bare));
        let info = TlsInfo {
            started,
            version: version_name(tls.protocol_version()),
            cipher_suite: tls
                .negotiated_cipher_suite()
                .map(|s| format!("{:?}", s.suite()))
                .unwrap_or_default(),
            server_name: bare.to_owned(),
            certificate_verified: certificate_error.is_none(),
            certificate_error,
        };
        self.tls = Some(Box::new(tls));
        Ok(info)
    }

    /// Brings the deadline forward to at most `within` from now (for the polite QUIT at
    /// the end, which must not keep a probe waiting).
    pub(crate) fn shorten_deadline(&mut self, within: Duration) {
        self.deadline = self.deadline.min(Instant::now() + within);
    }

    /// Ends the connection: a TLS close_notify when TLS is up, then the socket is dropped.
    pub(crate) fn close(mut self) {
        if let Some(tls) = self.tls.as_deref_mut() {
            tls.send_close_notify();
            let _ = self.tcp.set_write_timeout(Some(Duration::from_millis(200)));
            let _ = tls.write_tls(&mut self.tcp);
        }
        let _ = self.tcp.shutdown(std::net::Shutdown::Both);
    }
}

/// A TLS record starts with its content type (handshake 22, alert 21) and version 3.x.
fn looks_like_tls(first: &[u8]) -> bool {
    matches!(first, [0x14..=0x17, 0x03, ..] | [0x14..=0x17])
}

/// The socket during a handshake, keeping the first bytes the server sent, so that a plain
/// text greeting where TLS was expected can be quoted.
struct Recorder<'a> {
    tcp: &'a mut TcpStream,
    first: Vec<u8>,
}

impl Read for Recorder<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let n = self.tcp.read(out)?;
        let keep = n.min(512usize.saturating_sub(self.first.len()));
        self.first.extend_from_slice(&out[..keep]);
        Ok(n)
    }
}

impl Write for Recorder<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.tcp.write(data)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_tls;

    #[test]
    fn tls_records_are_told_from_text() {
        assert!(looks_like_tls(&[0x16, 0x03, 0x03, 0x00]));
        assert!(looks_like_tls(&[0x15, 0x03, 0x01]));
        assert!(!looks_like_tls(b"220 ready"));
        assert!(!looks_like_tls(b""));
    }
}
