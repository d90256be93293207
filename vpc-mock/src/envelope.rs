//! Response envelopes and RequestIds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::handler::ApiError;

/// The body of a successful answer: `{"Response":{...members..., "RequestId":..}}`.
pub(crate) fn success_body(mut members: Map<String, Value>, request_id: &str) -> Vec<u8> {
    members.insert("RequestId".to_owned(), Value::String(request_id.to_owned()));
    let mut root = Map::new();
    root.insert("Response".to_owned(), Value::Object(members));
    to_vec(&Value::Object(root))
}

/// The body of an error answer:
/// `{"Response":{"Error":{"Code":..,"Message":..},"RequestId":..}}`.
pub(crate) fn error_body(error: &ApiError, request_id: &str) -> Vec<u8> {
    let mut detail = Map::new();
    detail.insert("Code".to_owned(), Value::String(error.code.clone()));
    detail.insert("Message".to_owned(), Value::String(error.message.clone()));
    let mut response = Map::new();
    response.insert("Error".to_owned(), Value::Object(detail));
    response.insert("RequestId".to_owned(), Value::String(request_id.to_owned()));
    let mut root = Map::new();
    root.insert("Response".to_owned(), Value::Object(response));
    to_vec(&Value::Object(root))
}

fn to_vec(value: &Value) -> Vec<u8> {
    // Serializing a `Value` cannot fail (its keys are strings); answer something valid
    // anyway rather than panic.
    serde_json::to_vec(value).unwrap_or_else(|_| b"{\"Response\":{}}".to_vec())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A fresh random-looking UUID v4 (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`), from the
/// clock, a process-wide counter and the address of a stack value, mixed by SplitMix64.
/// Unique within a process; not cryptographic.
pub(crate) fn new_request_id() -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let local = 0u8;
    let address = std::ptr::addr_of!(local) as usize as u64;
    let seed = nanos ^ address.rotate_left(32);
    let hi = splitmix64(seed ^ splitmix64(count));
    let lo = splitmix64(hi ^ count.wrapping_mul(0x2545_f491_4f6c_dd1d));
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = String::with_capacity(36);
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn request_ids_look_like_uuid_v4_and_are_unique() {
        let mut seen = HashSet::new();
        for _ in 0..10_000 {
            let id = new_request_id();
            assert_eq!(id.len(), 36);
            let groups: Vec<&str> = id.split('-').collect();
            assert_eq!(
                groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
                [8, 4, 4, 4, 12]
            );
            assert!(
                id.bytes()
                    .all(|b| b == b'-' || b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
            assert!(groups[2].starts_with('4'));
            assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn envelopes() {
        let mut members = Map::new();
        members.insert("TotalCount".into(), Value::from(0));
        members.insert("RequestId".into(), Value::from("handler-supplied"));
        let body: Value = serde_json::from_slice(&success_body(members, "rid")).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"Response": {"TotalCount": 0, "RequestId": "rid"}})
        );
        let body: Value =
            serde_json::from_slice(&error_body(&ApiError::new("A.B", "msg"), "rid")).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"Response": {"Error": {"Code": "A.B", "Message": "msg"}, "RequestId": "rid"}})
        );
    }
}
