//! Idempotency tokens: an action with a `ClientToken` member runs once per token. A
//! request whose token was seen before (same SecretId, region and action) with the same
//! parameters gets the first success's output again without running the handler; with
//! other parameters, the action's mismatch code. Memory is bounded: the oldest tokens
//! are forgotten past a capacity.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Map, Value};
use tokio::sync::OnceCell;

/// The error code Tencent answers when a `ClientToken` comes back with other parameters.
pub const IDEMPOTENT_PARAMETER_MISMATCH: &str = "UnsupportedOperation.IdempotentParameterMismatch";

/// How many tokens the endpoint remembers by default (over all accounts, regions and
/// actions); past it, the oldest is forgotten.
pub const DEFAULT_IDEMPOTENCY_CAPACITY: usize = 10_000;

/// An action's idempotency token: the member that carries it and the code answered when
/// a token comes back with other parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    /// The token member's wire name (`ClientToken`).
    pub member: String,
    /// The code answered for a known token with other parameters: the action's
    /// documented [`IDEMPOTENT_PARAMETER_MISMATCH`], or the common `InvalidParameterValue`
    /// for an action that does not document it.
    pub mismatch_code: String,
}

/// Who sent a token for what: SecretId, region, action, token.
pub(crate) type Key = (String, String, String, String);

/// The output of the first successful run of a token, once there is one.
pub(crate) type Answer = Arc<OnceCell<Map<String, Value>>>;

struct Entry {
    params: Map<String, Value>,
    answer: Answer,
}

#[derive(Default)]
struct Tokens {
    entries: HashMap<Key, Entry>,
    /// Keys in the order they were first seen, for forgetting the oldest.
    order: VecDeque<Key>,
}

/// What to do with a request carrying a token.
pub(crate) enum Claim {
    /// The token is known with other parameters.
    Mismatch,
    /// Run the handler through this cell (at most once while it holds a success), or
    /// answer what it holds.
    Run(Answer),
}

/// The tokens one server remembers.
pub(crate) struct Store {
    tokens: Mutex<Tokens>,
    capacity: usize,
}

impl Store {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            tokens: Mutex::new(Tokens::default()),
            capacity,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Tokens> {
        self.tokens
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cell for `key`, or [`Claim::Mismatch`] when the token was first sent with
    /// other parameters. A new token is remembered (the oldest forgotten past the
    /// capacity).
    pub(crate) fn claim(&self, key: Key, params: &Map<String, Value>) -> Claim {
        let mut tokens = self.lock();
        if let Some(entry) = tokens.entries.get(&key) {
            return if entry.params == *params {
                Claim::Run(Arc::clone(&entry.answer))
            } else {
                Claim::Mismatch
            };
        }
        if self.capacity == 0 {
            return Claim::Run(Answer::default());
        }
        while tokens.entries.len() >= self.capacity {
            let Some(oldest) = tokens.order.pop_front() else {
                break;
            };
            tokens.entries.remove(&oldest);
        }
        let answer = Answer::default();
        tokens.order.push_back(key.clone());
        tokens.entries.insert(
            key,
            Entry {
                params: params.clone(),
                answer: Arc::clone(&answer),
            },
        );
        Claim::Run(answer)
    }

    /// Forgets `key` after a failed run, when its cell is still `answer` and holds no
    /// success: nothing was created, so the token is free again.
    pub(crate) fn release(&self, key: &Key, answer: &Answer) {
        let mut tokens = self.lock();
        let unanswered = tokens
            .entries
            .get(key)
            .is_some_and(|entry| Arc::ptr_eq(&entry.answer, answer) && !answer.initialized());
        if unanswered {
            tokens.entries.remove(key);
            tokens.order.retain(|k| k != key);
        }
    }

    /// How many tokens are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.lock().entries.len()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key(token: &str) -> Key {
        (
            "AKID".to_owned(),
            "ap-guangzhou".to_owned(),
            "CreateThing".to_owned(),
            token.to_owned(),
        )
    }

    fn params(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn same_parameters_share_a_cell_other_parameters_mismatch() {
        let store = Store::new(10);
        let a = params(json!({"Name": "a", "ClientToken": "t"}));
        let b = params(json!({"Name": "b", "ClientToken": "t"}));
        let Claim::Run(first) = store.claim(key("t"), &a) else {
            panic!("a new token runs");
        };
        let Claim::Run(again) = store.claim(key("t"), &a) else {
            panic!("the same parameters run through the same cell");
        };
        assert!(Arc::ptr_eq(&first, &again));
        assert!(matches!(store.claim(key("t"), &b), Claim::Mismatch));
        // Another account's token of the same text is another token.
        let other = ("AKID2".to_owned(), key("t").1, key("t").2, key("t").3);
        assert!(matches!(store.claim(other, &b), Claim::Run(_)));
    }

    #[test]
    fn a_failed_run_frees_the_token_and_the_oldest_is_forgotten() {
        let store = Store::new(2);
        let a = params(json!({"Name": "a"}));
        let Claim::Run(cell) = store.claim(key("t1"), &a) else {
            panic!("a new token runs");
        };
        store.release(&key("t1"), &cell);
        assert_eq!(store.len(), 0);
        let b = params(json!({"Name": "b"}));
        assert!(matches!(store.claim(key("t1"), &b), Claim::Run(_)));
        assert!(matches!(store.claim(key("t2"), &b), Claim::Run(_)));
        assert!(matches!(store.claim(key("t3"), &b), Claim::Run(_)));
        assert_eq!(store.len(), 2);
        // t1, the oldest, was forgotten: other parameters run again.
        assert!(matches!(store.claim(key("t1"), &a), Claim::Run(_)));
        assert!(matches!(store.claim(key("t3"), &a), Claim::Mismatch));
    }
}
