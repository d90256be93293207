//! The keys the endpoint accepts: long-term credentials given at start or added later,
//! and the temporary ones its STS side issues, each with the server-clock second it
//! expires at. One [`KeyStore`] is shared by the server and whoever issues keys.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

use vpc_client::credentials::Credential;

/// The accepted credentials, by SecretId; cheap to clone, clones share one store.
///
/// A server built with [`MockServerBuilder::key_store`](crate::MockServerBuilder::key_store)
/// uses the store given, so a handler (the STS side) can add the temporary keys it
/// issues and the next request signed with them verifies. A later key with the same
/// SecretId replaces an earlier one.
#[derive(Clone, Default)]
pub struct KeyStore {
    keys: Arc<RwLock<HashMap<String, Key>>>,
}

#[derive(Clone)]
pub(crate) struct Key {
    pub(crate) credential: Credential,
    /// Unix second (by the server's clock) from which the key is refused; `None` for a
    /// long-term key.
    pub(crate) expires_at: Option<u64>,
}

impl fmt::Debug for KeyStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The SecretIds only: never a secret key or token.
        let keys = self.keys.read().unwrap_or_else(PoisonError::into_inner);
        let mut ids: Vec<&String> = keys.keys().collect();
        ids.sort();
        f.debug_struct("KeyStore")
            .field("secret_ids", &ids)
            .finish()
    }
}

impl KeyStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Accepts `credential` from now on, for good (if it has a token, requests must
    /// send it in `X-TC-Token`).
    pub fn insert(&self, credential: Credential) {
        self.insert_key(credential, None);
    }

    /// Accepts `credential` until the server clock reaches `expires_at` (Unix seconds);
    /// from then on a request signed with it is refused with `AuthFailure.TokenFailure`
    /// (the key stays in the store, so the answer says it expired rather than that it
    /// never existed).
    pub fn insert_expiring(&self, credential: Credential, expires_at: u64) {
        self.insert_key(credential, Some(expires_at));
    }

    /// Stops accepting the key with this SecretId; whether there was one.
    pub fn remove(&self, secret_id: &str) -> bool {
        self.write().remove(secret_id).is_some()
    }

    /// Whether a key with this SecretId is accepted (expired or not).
    pub fn contains(&self, secret_id: &str) -> bool {
        self.read().contains_key(secret_id)
    }

    /// How many keys the store holds.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    /// Whether the store holds no key.
    pub fn is_empty(&self) -> bool {
        self.read().is_empty()
    }

    fn insert_key(&self, credential: Credential, expires_at: Option<u64>) {
        self.write().insert(
            credential.secret_id().to_owned(),
            Key {
                credential,
                expires_at,
            },
        );
    }

    /// The key with this SecretId, copied out of the lock.
    pub(crate) fn get(&self, secret_id: &str) -> Option<Key> {
        self.read().get(secret_id).cloned()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Key>> {
        // A panic while holding the lock cannot leave the map half-written (every
        // write is one insert or remove), so a poisoned lock is still good.
        self.keys.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Key>> {
        self.keys.write().unwrap_or_else(PoisonError::into_inner)
    }
}
