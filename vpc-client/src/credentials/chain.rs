//! [`DefaultChain`]: tries providers in order.

use super::{
    CredentialsError, CredentialsFuture, EnvProvider, InstanceRoleProvider, ProfileProvider,
    ProvideCredentials, ProviderFailure, WebIdentityProvider,
};

/// Tries providers in order and returns the first credentials found.
///
/// [`DefaultChain::new`] tries [`EnvProvider`], then [`WebIdentityProvider`] (a pod's
/// identity on TKE), then [`ProfileProvider`], then [`InstanceRoleProvider`]: the
/// official SDKs' order, with the pod's web identity before the profile file and the
/// instance role, so that on a TKE node the pod's own identity wins over the node's
/// role (AWS's default chain orders web identity before the instance metadata for the
/// same reason). Off a CVM the instance
/// role finds nothing (the metadata host does not resolve or answer; its connect
/// timeout is 1 s), so the chain fails with every provider's reason instead. A provider that finds nothing ([`CredentialsError::is_not_found`]) passes to the
/// next one; any other error (a file that exists but cannot be read, credentials with
/// the secret key missing) stops the chain, so that a broken configuration is
/// reported instead of silently replaced by other credentials. Either way the error
/// is [`CredentialsError::Chain`], listing every provider tried and its error.
#[derive(Debug)]
pub struct DefaultChain {
    providers: Vec<Box<dyn ProvideCredentials>>,
}

impl DefaultChain {
    /// Environment variables, then the TKE web identity (see
    /// [`WebIdentityProvider::from_env`]), then the profile file (see
    /// [`ProfileProvider::new`]), then the CVM instance role (see
    /// [`InstanceRoleProvider::new`]).
    pub fn new() -> Self {
        Self::from_providers(vec![
            Box::new(EnvProvider::new()),
            Box::new(WebIdentityProvider::from_env()),
            Box::new(ProfileProvider::new()),
            Box::new(InstanceRoleProvider::new()),
        ])
    }

    /// A chain of the given providers, tried in order.
    pub fn from_providers(providers: Vec<Box<dyn ProvideCredentials>>) -> Self {
        Self { providers }
    }

    /// Appends a provider, tried after the others.
    pub fn with_provider(mut self, provider: impl ProvideCredentials + 'static) -> Self {
        self.providers.push(Box::new(provider));
        self
    }

    /// The providers, in the order they are tried.
    pub fn providers(&self) -> &[Box<dyn ProvideCredentials>] {
        &self.providers
    }
}

impl Default for DefaultChain {
    fn default() -> Self {
        Self::new()
    }
}

impl ProvideCredentials for DefaultChain {
    fn provide_credentials(&self) -> CredentialsFuture<'_> {
        Box::pin(async move {
            let mut failures = Vec::new();
            for provider in &self.providers {
                match provider.provide_credentials().await {
                    Ok(credential) => return Ok(credential),
                    Err(error) => {
                        let go_on = error.is_not_found();
                        failures.push(ProviderFailure {
                            provider: provider.name().to_owned(),
                            error,
                        });
                        if !go_on {
                            break;
                        }
                    }
                }
            }
            Err(CredentialsError::Chain { failures })
        })
    }

    fn name(&self) -> &str {
        "provider chain"
    }
}
