//! A test certificate authority, made fresh by each test (rcgen): its root in PEM, and
//! a server certificate it signed for `127.0.0.1` and `localhost`, with its key.

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, IsCa, KeyPair, KeyUsagePurpose,
};

/// A CA and one server certificate it issued, all in PEM.
pub(crate) struct TestPki {
    /// The CA's (self-signed) root certificate.
    pub(crate) ca_pem: String,
    /// The server's certificate, signed by the CA.
    pub(crate) server_cert_pem: String,
    /// The server's private key (PKCS#8).
    pub(crate) server_key_pem: String,
}

impl TestPki {
    /// A CA named `common_name`, and a server certificate for `names` (IP addresses
    /// become IP SANs).
    pub(crate) fn new(common_name: &str, names: &[&str]) -> Self {
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, common_name.to_owned());
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = CertifiedIssuer::self_signed(ca, KeyPair::generate().expect("CA key"))
            .expect("CA certificate");
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let server_key = KeyPair::generate().expect("server key");
        let server = CertificateParams::new(names)
            .expect("server params")
            .signed_by(&server_key, &ca)
            .expect("server certificate");
        Self {
            ca_pem: ca.pem(),
            server_cert_pem: server.pem(),
            server_key_pem: server_key.serialize_pem(),
        }
    }

    /// The usual one: a server certificate for 127.0.0.1 and localhost.
    #[allow(dead_code, reason = "not every test binary serves HTTPS")]
    pub(crate) fn localhost() -> Self {
        Self::new("tcvpc test CA", &["127.0.0.1", "localhost"])
    }

    /// The server's rustls configuration, for `MockServerBuilder::tls`.
    #[allow(dead_code, reason = "not every test binary serves HTTPS")]
    pub(crate) fn server_config(&self) -> std::sync::Arc<rustls::ServerConfig> {
        vpc_mock::tls::server_config_from_pem(
            self.server_cert_pem.as_bytes(),
            self.server_key_pem.as_bytes(),
        )
        .expect("the test certificate and key make a server configuration")
    }
}
