//! The HTTP client a [`Client`](crate::Client) sends with: built by the crate (TLS with
//! extra root certificates, connect timeout, user agent, proxy) or given ready by the
//! caller; and how a failed handshake is told apart from other connection failures.

use std::fmt;
use std::time::Duration;

use rustls::pki_types::CertificateDer;

use crate::build_error::BuildError;

/// The connect timeout when none is set.
pub(crate) const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// What the builder collects for the HTTP client.
#[derive(Default)]
pub(crate) struct HttpOptions {
    /// `None`: [`DEFAULT_CONNECT_TIMEOUT`] (kept apart to tell "set" from "default").
    pub(crate) connect_timeout: Option<Duration>,
    /// The proxy URL as given; it may carry a password, so it is never printed whole.
    pub(crate) proxy: Option<String>,
    /// Extra trusted roots, parsed when they were added.
    pub(crate) root_certificates: Vec<CertificateDer<'static>>,
    /// The first PEM that did not parse, reported by `build()`.
    pub(crate) root_certificate_error: Option<String>,
    /// A ready client, used as it is.
    pub(crate) own: Option<reqwest::Client>,
}

impl fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpOptions")
            .field("connect_timeout", &self.connect_timeout)
            .field("proxy", &self.proxy.as_deref().map(without_userinfo))
            .field("root_certificates", &self.root_certificates.len())
            .field("own_http_client", &self.own.is_some())
            .finish()
    }
}

/// The client built from the options, and a short description of it for `Debug`.
pub(crate) struct Built {
    pub(crate) client: reqwest::Client,
    /// Whether it is the caller's own (the crate then sets each request's timeout).
    pub(crate) own: bool,
    /// The proxy, without user name and password, if one was set.
    pub(crate) proxy: Option<String>,
}

impl HttpOptions {
    pub(crate) fn add_root_certificates_pem(&mut self, pem: &[u8]) {
        match crate::tls::parse_root_certificates_pem(pem) {
            Ok(certificates) => self.root_certificates.extend(certificates),
            Err(error) => {
                self.root_certificate_error.get_or_insert(error);
            }
        }
    }

    /// The HTTP client: the caller's own (refusing the options it would ignore), or one
    /// built with this crate's TLS setup, `timeout` as its request timeout.
    pub(crate) fn build(
        self,
        timeout: Duration,
        user_agent: &'static str,
    ) -> Result<Built, BuildError> {
        if let Some(error) = self.root_certificate_error {
            return Err(BuildError::InvalidRootCertificate(error));
        }
        if let Some(client) = self.own {
            let conflict = [
                ("connect_timeout", self.connect_timeout.is_some()),
                ("proxy", self.proxy.is_some()),
                (
                    "add_root_certificates_pem",
                    !self.root_certificates.is_empty(),
                ),
            ]
            .into_iter()
            .find_map(|(option, set)| set.then_some(option));
            if let Some(option) = conflict {
                return Err(BuildError::ConflictsWithHttpClient { option });
            }
            return Ok(Built {
                client,
                own: true,
                proxy: None,
            });
        }
        let mut builder =
            crate::tls::configure(reqwest::Client::builder(), self.root_certificates)?
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .timeout(timeout)
                .user_agent(user_agent);
        let proxy = match &self.proxy {
            // Setting a proxy turns reqwest's environment proxies off; without one they
            // stay on (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`).
            Some(url) => {
                builder = builder.proxy(proxy(url)?);
                Some(without_userinfo(url))
            }
            None => None,
        };
        let client = builder.build().map_err(BuildError::Http)?;
        Ok(Built {
            client,
            own: false,
            proxy,
        })
    }
}

/// The proxy for every request, with its user name and password (if any) sent as
/// `Proxy-Authorization: Basic`.
fn proxy(url: &str) -> Result<reqwest::Proxy, BuildError> {
    let invalid = |reason: &str| BuildError::InvalidProxy {
        url: without_userinfo(url),
        reason: reason.to_owned(),
    };
    // The parser's messages never quote the URL.
    let parsed = reqwest::Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(invalid("the scheme must be http or https"));
    }
    if parsed.host_str().is_none() {
        return Err(invalid("the URL has no host"));
    }
    // reqwest's error would quote the URL, password included: say it without it.
    reqwest::Proxy::all(parsed).map_err(|_| invalid("reqwest does not accept it as a proxy"))
}

/// `url` with whatever could be a user name and password (the part between `://` and
/// the last `@` before the path) replaced by `***`, for messages about URLs that may
/// not even parse.
pub(crate) fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, url),
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => format!("***{}", &authority[at..]),
        None => authority.to_owned(),
    };
    match scheme {
        Some(scheme) => format!("{scheme}://{authority}{path}"),
        None => format!("{authority}{path}"),
    }
}

/// Whether `error`, or an error it was caused by, is rustls refusing the server's
/// certificate (unknown issuer, wrong name, expired, ...).
pub(crate) fn is_certificate_error(error: &(dyn std::error::Error + 'static)) -> bool {
    if let Some(rustls::Error::InvalidCertificate(_)) = error.downcast_ref::<rustls::Error>() {
        return true;
    }
    // An `io::Error` hides the error it wraps from `source()` (it returns that error's
    // own source), so look inside it; hyper-util wraps rustls's in two of them.
    if let Some(inner) = error
        .downcast_ref::<std::io::Error>()
        .and_then(|io| io.get_ref())
        && is_certificate_error(inner)
    {
        return true;
    }
    error.source().is_some_and(is_certificate_error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_is_hidden_even_in_urls_that_do_not_parse() {
        assert_eq!(
            without_userinfo("http://u:hunter2@proxy:3128/x"),
            "http://***@proxy:3128/x"
        );
        assert_eq!(without_userinfo("u:hunter2@[::1"), "***@[::1");
        assert_eq!(without_userinfo("http://proxy:3128"), "http://proxy:3128");
    }

    #[test]
    fn a_bad_proxy_url_is_refused_without_its_password() {
        for url in [
            "socks5://u:hunter2@proxy:1080",
            "http://u:hunter2@[::1",
            "u:hunter2@proxy",
        ] {
            let error = proxy(url).expect_err("refused");
            let text = format!("{error} {error:?}");
            assert!(text.contains("invalid proxy URL"), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
        }
    }

    #[test]
    fn a_rustls_certificate_error_is_found_inside_an_io_error() {
        let rustls_error =
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls_error);
        assert!(is_certificate_error(&io));
        let nested = std::io::Error::other(io);
        assert!(is_certificate_error(&nested));
        let other = std::io::Error::new(std::io::ErrorKind::InvalidData, "reset");
        assert!(!is_certificate_error(&other));
    }
}
