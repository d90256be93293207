//! Why a [`Client`](crate::Client) could not be built: one type for the builder and the
//! TLS and HTTP setup it calls, kept apart so that neither imports the other.

/// Why a client could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// No region was given and `TENCENTCLOUD_REGION` is not set.
    #[error("no region: call `.region(...)` or set TENCENTCLOUD_REGION")]
    NoRegion,
    /// The region is empty or has characters no region name has (regions are like
    /// `ap-guangzhou`: ASCII letters, digits, `-` and `_`).
    #[error("invalid region `{0}`: expected a region name such as `ap-guangzhou`")]
    InvalidRegion(String),
    /// The endpoint URL does not parse or is not http(s).
    #[error("invalid endpoint URL `{url}`: {reason}")]
    InvalidEndpoint {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP stack could not be set up.
    #[error("cannot set up HTTP: {0}")]
    Http(#[source] reqwest::Error),
    /// TLS could not be set up: no crypto provider (see the crate's TLS features), or
    /// the platform's certificate verifier could not start.
    #[error("cannot set up TLS: {0}")]
    Tls(String),
    /// A PEM given to
    /// [`add_root_certificates_pem`](crate::ClientBuilder::add_root_certificates_pem)
    /// holds no certificate, or one that does not parse.
    #[error("invalid root certificate: {0}")]
    InvalidRootCertificate(String),
    /// The proxy URL does not parse or is not `http://` or `https://`. `url` is shown
    /// without its user name and password.
    #[error("invalid proxy URL `{url}`: {reason}")]
    InvalidProxy {
        /// The URL given, its user name and password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An option the crate can only apply to an HTTP client it builds itself was
    /// combined with [`http_client`](crate::ClientBuilder::http_client).
    #[error(
        "`.{option}(...)` cannot be combined with `.http_client(...)`: set it on the \
         reqwest::Client you pass instead"
    )]
    ConflictsWithHttpClient {
        /// The builder method, such as `proxy`.
        option: &'static str,
    },
}
