//! TLS for the HTTP client: rustls, with the crypto provider the crate's features pick.
//!
//! - `rustls-ring` (the default): rustls over *ring*. Its C and assembly build in
//!   seconds, where aws-lc-sys's build script alone takes over a minute on two cores,
//!   so a fresh checkout's first build is that much shorter. The client configures it
//!   for itself (its own `rustls::ClientConfig`, the platform's certificate verifier,
//!   TLS 1.2 and 1.3): nothing process-wide is installed, and a provider the
//!   application installs for its other TLS is left alone.
//! - `rustls-aws-lc`: reqwest's own default, rustls over aws-lc-rs, for applications
//!   that want its extras (a FIPS-validated build, the post-quantum hybrid key exchange
//!   `X25519MLKEM768` offered first). It wins when both features are on.
//! - Neither: the provider the application installed with
//!   `rustls::crypto::CryptoProvider::install_default`; without one, building a
//!   client fails with [`BuildError::Tls`] instead of reqwest's panic.
//!
//! Either way certificates are checked by `rustls-platform-verifier` (the system's
//! trust store), as reqwest does by default. Root certificates given to
//! [`ClientBuilder::add_root_certificates_pem`](crate::ClientBuilder::add_root_certificates_pem)
//! are trusted in addition to it, with every feature: the crate passes them to
//! `rustls_platform_verifier::Verifier::new_with_extra_roots` itself (`rustls-ring`), or
//! to reqwest's `tls_certs_merge`, which does the same (`rustls-aws-lc`, or an installed
//! provider). (Android's platform verifier takes no extra roots: there, such a client
//! fails to build with [`BuildError::Tls`].)

use rustls::pki_types::CertificateDer;

use crate::build_error::BuildError;

/// A `reqwest::ClientBuilder` with this crate's TLS setup, for HTTP next to the
/// [`Client`](crate::Client): the instance-role credentials provider uses it, and so
/// can a test or a benchmark that needs a bare reqwest client. (With the crate's
/// features, reqwest has no crypto provider of its own, and `reqwest::Client::new()`
/// would panic.) Also the start for a client given to
/// [`ClientBuilder::http_client`](crate::ClientBuilder::http_client). With `rustls-ring`
/// the TLS configuration is handed to reqwest ready-made, so reqwest's own TLS options
/// on this builder (`tls_certs_merge`, ...) have no effect there.
///
/// # Errors
///
/// [`BuildError::Tls`], as for [`ClientBuilder::build`](crate::ClientBuilder::build).
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, BuildError> {
    configure(reqwest::Client::builder(), Vec::new())
}

/// Sets the TLS backend of `builder` as the features say (see the module docs), trusting
/// `extra_roots` besides the platform's roots.
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<reqwest::ClientBuilder, BuildError> {
    #[cfg(feature = "rustls-aws-lc")]
    {
        Ok(merge_roots(builder, extra_roots))
    }
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|error| BuildError::Tls(error.to_string()))?;
        let config = if extra_roots.is_empty() {
            config.with_platform_verifier()
        } else {
            with_extra_roots(config, extra_roots)
        }
        .map_err(|error| BuildError::Tls(error.to_string()))?
        .with_no_client_auth();
        Ok(builder.tls_backend_preconfigured(config))
    }
    #[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc")))]
    {
        match rustls::crypto::CryptoProvider::get_default() {
            Some(_) => Ok(merge_roots(builder, extra_roots)),
            None => Err(BuildError::Tls(
                "no TLS crypto provider: enable the `rustls-ring` or `rustls-aws-lc` \
                 feature, or install one with rustls::crypto::CryptoProvider::install_default"
                    .to_owned(),
            )),
        }
    }
}

/// The platform verifier over the config's provider, with `extra_roots` added to the
/// platform's roots.
#[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
fn with_extra_roots(
    config: rustls::ConfigBuilder<rustls::ClientConfig, rustls::WantsVerifier>,
    extra_roots: Vec<CertificateDer<'static>>,
) -> Result<
    rustls::ConfigBuilder<rustls::ClientConfig, rustls::client::WantsClientCert>,
    rustls::Error,
> {
    #[cfg(not(target_os = "android"))]
    {
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
            extra_roots,
            std::sync::Arc::clone(config.crypto_provider()),
        )?;
        Ok(config
            .dangerous()
            .with_custom_certificate_verifier(std::sync::Arc::new(verifier)))
    }
    #[cfg(target_os = "android")]
    {
        let _ = (config, extra_roots);
        Err(rustls::Error::General(
            "the Android platform verifier takes no extra root certificates".to_owned(),
        ))
    }
}

/// Hands `extra_roots` to reqwest, which builds the platform verifier with them when it
/// sets up TLS itself.
#[cfg(any(feature = "rustls-aws-lc", not(feature = "rustls-ring")))]
fn merge_roots(
    builder: reqwest::ClientBuilder,
    extra_roots: Vec<CertificateDer<'static>>,
) -> reqwest::ClientBuilder {
    if extra_roots.is_empty() {
        return builder;
    }
    // `from_der` only keeps the bytes; they were parsed when they were added.
    let certificates = extra_roots
        .iter()
        .filter_map(|der| reqwest::Certificate::from_der(der).ok());
    builder.tls_certs_merge(certificates)
}

/// Every certificate of a PEM text (sections of other kinds, such as keys, are
/// skipped), each checked to be usable as a root. An error says what is wrong, never
/// quoting the text.
pub(crate) fn parse_root_certificates_pem(
    pem: &[u8],
) -> Result<Vec<CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    let mut certificates = Vec::new();
    for (index, item) in CertificateDer::pem_slice_iter(pem).enumerate() {
        let certificate = item.map_err(|error| format!("the PEM text does not parse: {error}"))?;
        // Checked now, so that a bad one fails `build()`, not the first handshake.
        rustls::RootCertStore::empty()
            .add(certificate.clone())
            .map_err(|error| {
                format!(
                    "certificate {} of the PEM text is no usable root: {error}",
                    index + 1
                )
            })?;
        certificates.push(certificate);
    }
    if certificates.is_empty() {
        return Err("the PEM text holds no `BEGIN CERTIFICATE` section".to_owned());
    }
    Ok(certificates)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_default_features_configure_tls_without_a_process_wide_provider() {
        let builder = super::http_client_builder().expect("configures");
        builder.build().expect("reqwest accepts the configuration");
        #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
        assert!(
            rustls::crypto::CryptoProvider::get_default().is_none(),
            "nothing was installed process-wide"
        );
    }
}
