//! HTTPS for the endpoint: a `rustls::ServerConfig` from PEM files or text, over the
//! *ring* provider (the one `vpc-client` uses by default), speaking HTTP/1.1.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let tls = vpc_mock::tls::server_config_from_files("cert.pem", "key.pem")?;
//! let server = vpc_mock::MockServer::vpc(vpc_mock::VpcState::seeded())?
//!     .credential(vpc_mock::demo_credential())
//!     .tls(tls)
//!     .start()
//!     .await?;
//! assert!(server.url().starts_with("https://"));
//! # Ok(())
//! # }
//! ```

use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

/// Why a TLS configuration could not be made. Messages name the file (or the
/// argument) at fault and never quote the key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsConfigError {
    /// A PEM file could not be read.
    #[error("cannot read {what} `{path}`: {source}")]
    Read {
        /// `the certificate file` or `the key file`.
        what: &'static str,
        /// The path given.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The certificate PEM holds no certificate, or one that does not parse.
    #[error("invalid certificate chain{origin}: {reason}")]
    Certificate {
        /// ` in <path>` when it came from a file, else empty.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// The key PEM holds no private key (PKCS#8, PKCS#1 or SEC1), or one that does not
    /// parse.
    #[error("invalid private key{origin}: {reason}")]
    Key {
        /// ` in <path>` when it came from a file, else empty.
        origin: String,
        /// What is wrong.
        reason: String,
    },
    /// rustls refused the pair (a key that does not match the certificate, an
    /// unsupported key type).
    #[error("rustls refuses the certificate and key: {0}")]
    Rustls(#[from] rustls::Error),
}

/// A server configuration from a certificate chain (PEM, the server's certificate
/// first) and its private key (PEM), answering HTTP/1.1 by ALPN.
///
/// # Errors
///
/// [`TlsConfigError`] when either PEM holds nothing usable or the pair is refused.
pub fn server_config_from_pem(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
) -> Result<Arc<rustls::ServerConfig>, TlsConfigError> {
    config(cert_chain_pem, key_pem, String::new(), String::new())
}

/// [`server_config_from_pem`] from two files, as the `vpc-mock` binary's
/// `--tls-cert FILE --tls-key FILE` read them.
///
/// # Errors
///
/// [`TlsConfigError::Read`] naming the file, or as [`server_config_from_pem`].
pub fn server_config_from_files(
    cert_chain: impl AsRef<Path>,
    key: impl AsRef<Path>,
) -> Result<Arc<rustls::ServerConfig>, TlsConfigError> {
    let read = |what: &'static str, path: &Path| {
        std::fs::read(path).map_err(|source| TlsConfigError::Read {
            what,
            path: path.display().to_string(),
            source,
        })
    };
    let (cert_chain, key) = (cert_chain.as_ref(), key.as_ref());
    let cert_pem = read("the certificate file", cert_chain)?;
    let key_pem = read("the key file", key)?;
    config(
        &cert_pem,
        &key_pem,
        format!(" in `{}`", cert_chain.display()),
        format!(" in `{}`", key.display()),
    )
}

fn config(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    cert_origin: String,
    key_origin: String,
) -> Result<Arc<rustls::ServerConfig>, TlsConfigError> {
    let chain = CertificateDer::pem_slice_iter(cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| TlsConfigError::Certificate {
            origin: cert_origin.clone(),
            reason: error.to_string(),
        })?;
    if chain.is_empty() {
        return Err(TlsConfigError::Certificate {
            origin: cert_origin,
            reason: "no `BEGIN CERTIFICATE` section".to_owned(),
        });
    }
    let key = PrivateKeyDer::from_pem_slice(key_pem).map_err(|error| TlsConfigError::Key {
        origin: key_origin,
        reason: match error {
            rustls::pki_types::pem::Error::NoItemsFound => {
                "no `BEGIN PRIVATE KEY` (or RSA / EC) section".to_owned()
            }
            other => other.to_string(),
        },
    })?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    // The server speaks HTTP/1.1 only.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_or_mismatched_pem_is_refused_by_name() {
        let error = server_config_from_pem(b"", b"").expect_err("no certificate");
        assert!(
            error.to_string().contains("invalid certificate chain"),
            "{error}"
        );
        let error = server_config_from_files("/nonexistent/cert.pem", "/nonexistent/key.pem")
            .expect_err("no file");
        assert!(
            error
                .to_string()
                .contains("the certificate file `/nonexistent/cert.pem`"),
            "{error}"
        );
    }

    #[test]
    fn a_key_that_is_missing_or_not_the_certificates_is_refused() {
        let made =
            rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).expect("certificate");
        let cert = made.cert.pem();
        let key = made.signing_key.serialize_pem();
        server_config_from_pem(cert.as_bytes(), key.as_bytes()).expect("the pair is fine");
        let error = server_config_from_pem(cert.as_bytes(), cert.as_bytes()).expect_err("no key");
        assert!(
            error
                .to_string()
                .starts_with("invalid private key: no `BEGIN PRIVATE KEY`"),
            "{error}"
        );
        let other = rcgen::KeyPair::generate().expect("key").serialize_pem();
        let error =
            server_config_from_pem(cert.as_bytes(), other.as_bytes()).expect_err("mismatch");
        assert!(matches!(error, TlsConfigError::Rustls(_)), "{error:?}");
        assert!(!error.to_string().contains("PRIVATE KEY"), "{error}");
    }
}
