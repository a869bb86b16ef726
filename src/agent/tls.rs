//! HTTPS for the agent: the acceptor its listener runs each connection's handshake with
//! (in the connection's own task, under the header deadline: see `crate::listen`).

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;

/// Why the agent's certificate and key cannot serve HTTPS.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("tls cert {file}: {source}")]
    Cert {
        file: String,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error("tls cert {file}: no certificate in the file")]
    NoCert { file: String },
    #[error("tls key {file}: {source}")]
    Key {
        file: String,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error("tls cert {file} and its key: {source}")]
    Config {
        file: String,
        #[source]
        source: rustls::Error,
    },
}

/// A TLS acceptor from PEM files: the certificate chain and its private key.
pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, TlsError> {
    let file = cert.display().to_string();
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|source| TlsError::Cert {
            file: file.clone(),
            source,
        })?;
    if certs.is_empty() {
        return Err(TlsError::NoCert { file });
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(|source| TlsError::Key {
        file: key.display().to_string(),
        source,
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .and_then(|b| b.with_no_client_auth().with_single_cert(certs, key))
        .map_err(|source| TlsError::Config { file, source })?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}
