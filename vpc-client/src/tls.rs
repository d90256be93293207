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
//! trust store), as reqwest does by default.

use crate::client::BuildError;

/// A `reqwest::ClientBuilder` with this crate's TLS setup, for HTTP next to the
/// [`Client`](crate::Client): the instance-role credentials provider uses it, and so
/// can a test or a benchmark that needs a bare reqwest client. (With the crate's
/// features, reqwest has no crypto provider of its own, and `reqwest::Client::new()`
/// would panic.)
///
/// # Errors
///
/// [`BuildError::Tls`], as for [`ClientBuilder::build`](crate::ClientBuilder::build).
pub fn http_client_builder() -> Result<reqwest::ClientBuilder, BuildError> {
    configure(reqwest::Client::builder())
}

/// Sets the TLS backend of `builder` as the features say (see the module docs).
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::ClientBuilder, BuildError> {
    #[cfg(feature = "rustls-aws-lc")]
    {
        Ok(builder)
    }
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls-aws-lc")))]
    {
        use rustls_platform_verifier::BuilderVerifierExt;
        let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|config| config.with_platform_verifier())
            .map_err(|error| BuildError::Tls(error.to_string()))?
            .with_no_client_auth();
        Ok(builder.tls_backend_preconfigured(config))
    }
    #[cfg(not(any(feature = "rustls-ring", feature = "rustls-aws-lc")))]
    {
        match rustls::crypto::CryptoProvider::get_default() {
            Some(_) => Ok(builder),
            None => Err(BuildError::Tls(
                "no TLS crypto provider: enable the `rustls-ring` or `rustls-aws-lc` \
                 feature, or install one with rustls::crypto::CryptoProvider::install_default"
                    .to_owned(),
            )),
        }
    }
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
