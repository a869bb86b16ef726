//! HTTPS for the agent: a listener that hands axum only connections whose TLS handshake
//! finished. Handshakes run in their own tasks with a deadline, so one slow or silent
//! client cannot hold up everyone else's accept.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A client gets this long to finish its handshake.
const HANDSHAKE: Duration = Duration::from_secs(10);
/// Finished handshakes waiting for axum to pick them up.
const BACKLOG: usize = 256;

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

pub struct TlsListener {
    local: std::io::Result<SocketAddr>,
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    _accepting: crate::agent::collect::AbortOnDrop,
}

impl TlsListener {
    pub fn new(listener: TcpListener, acceptor: TlsAcceptor) -> TlsListener {
        let local = listener.local_addr();
        let (tx, ready) = mpsc::channel(BACKLOG);
        let task = tokio::spawn(async move {
            loop {
                let (tcp, peer) = match listener.accept().await {
                    Ok(x) => x,
                    Err(e) => {
                        // out of descriptors and the like: wait instead of spinning
                        tracing::warn!("accept: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                };
                let (acceptor, tx) = (acceptor.clone(), tx.clone());
                tokio::spawn(async move {
                    match tokio::time::timeout(HANDSHAKE, acceptor.accept(tcp)).await {
                        Ok(Ok(tls)) => {
                            let _ = tx.send((tls, peer)).await;
                        }
                        Ok(Err(e)) => tracing::warn!("TLS handshake with {peer}: {e}"),
                        Err(_) => tracing::warn!("TLS handshake with {peer}: timed out"),
                    }
                });
            }
        });
        TlsListener {
            local,
            ready,
            _accepting: crate::agent::collect::AbortOnDrop(task),
        }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(x) => x,
            // the accepting task ended (it never does on its own): stop taking connections
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        match &self.local {
            Ok(a) => Ok(*a),
            Err(e) => Err(std::io::Error::new(e.kind(), e.to_string())),
        }
    }
}
