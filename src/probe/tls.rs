//! TLS for the probe: rustls (ring provider, TLS 1.2 and 1.3) with the operating system's
//! trust store through rustls-platform-verifier, plus the roots of `--ca-file`, and a
//! verifier wrapper that records why a certificate failed and, with `--insecure`, lets the
//! handshake continue past it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use pki_types::pem::PemObject;
use pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

use super::Error;

/// What a TLS session negotiated, and whether the certificate was verified.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TlsInfo {
    /// How TLS was started: `implicit` (on connect) or `starttls` (STARTTLS, STLS, AUTH TLS).
    pub started: TlsStart,
    /// `TLSv1.3` or `TLSv1.2`.
    pub version: String,
    /// The negotiated cipher suite, e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher_suite: String,
    /// The name the certificate was checked against (the configured host).
    pub server_name: String,
    /// True when the certificate chain and name verified.
    pub certificate_verified: bool,
    /// Why verification failed, when it did (and `--insecure` continued past it).
    pub certificate_error: Option<String>,
}

/// How a TLS session was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsStart {
    /// The handshake began right after connecting.
    Implicit,
    /// The handshake followed STARTTLS, STLS or AUTH TLS.
    Starttls,
}

/// The TLS set-up shared by every connection of a run.
#[derive(Debug)]
pub(crate) struct TlsSetup {
    verifier: Arc<dyn ServerCertVerifier>,
    provider: Arc<CryptoProvider>,
    insecure: bool,
}

impl TlsSetup {
    /// The platform's roots plus those of `ca_file` (PEM, one or more certificates).
    pub(crate) fn new(ca_file: Option<&Path>, insecure: bool) -> Result<TlsSetup, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let extra = match ca_file {
            None => Vec::new(),
            Some(path) => read_ca_file(path)?,
        };
        let verifier =
            rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
                .map_err(|e| Error::TrustStore(e.to_string()))?;
        Ok(TlsSetup {
            verifier: Arc::new(verifier),
            provider,
            insecure,
        })
    }

    /// A client configuration for one connection, and the recorder of its certificate
    /// verdict.
    pub(crate) fn config(&self) -> Result<(Arc<ClientConfig>, Arc<Recording>), String> {
        let recording = Arc::new(Recording {
            inner: self.verifier.clone(),
            insecure: self.insecure,
            error: Mutex::new(None),
        });
        let config = ClientConfig::builder_with_provider(self.provider.clone())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .dangerous()
            .with_custom_certificate_verifier(recording.clone())
            .with_no_client_auth();
        Ok((Arc::new(config), recording))
    }
}

fn read_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, Error> {
    let ca_error = |reason: String| Error::CaFile {
        path: path.to_owned(),
        reason,
    };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
        .map_err(|e| ca_error(e.to_string()))?
        .collect::<Result<_, _>>()
        .map_err(|e| ca_error(e.to_string()))?;
    if certs.is_empty() {
        return Err(ca_error("no PEM certificate in the file".to_owned()));
    }
    Ok(certs)
}

/// Wraps the real verifier: keeps the first error it reported, and with `insecure`
/// accepts the certificate anyway. Handshake signatures are always checked.
#[derive(Debug)]
pub(crate) struct Recording {
    inner: Arc<dyn ServerCertVerifier>,
    insecure: bool,
    error: Mutex<Option<rustls::Error>>,
}

impl Recording {
    /// The verification error, if the certificate did not verify.
    pub(crate) fn error(&self) -> Option<rustls::Error> {
        self.error.lock().ok().and_then(|e| e.clone())
    }
}

impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        match self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Ok(v) => Ok(v),
            Err(e) => {
                if let Ok(mut slot) = self.error.lock() {
                    slot.get_or_insert(e.clone());
                }
                if self.insecure {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(e)
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A certificate error in words a user can act on.
pub(crate) fn describe_certificate_error(e: &rustls::Error, host: &str) -> String {
    use rustls::CertificateError as C;
    match e {
        rustls::Error::InvalidCertificate(c) => match c {
            C::UnknownIssuer => {
                "the certificate is not signed by a trusted authority (self-signed or a private CA; see --ca-file)".to_owned()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => {
                format!(
                    "the certificate is not valid for the configured host name `{}`",
                    super::escape_server_text(host)
                )
            }
            C::Expired | C::ExpiredContext { .. } => "the certificate has expired".to_owned(),
            C::NotValidYet | C::NotValidYetContext { .. } => "the certificate is not valid yet".to_owned(),
            C::Revoked => "the certificate has been revoked".to_owned(),
            other => format!("the certificate is invalid ({other:?})"),
        },
        other => format!("the certificate could not be verified ({other})"),
    }
}

/// `TLSv1_3` → `TLSv1.3`.
pub(crate) fn version_name(v: Option<rustls::ProtocolVersion>) -> String {
    match v {
        Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_owned(),
        Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_owned(),
        Some(other) => format!("{other:?}"),
        None => "unknown".to_owned(),
    }
}
