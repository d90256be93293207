//! Decoding an answer: the Tencent envelope, the typed response or the typed error, and
//! a [`ResponseError`] that keeps what a person debugging needs for everything else.
//!
//! The `Content-Type` is recorded but never decides how the body is read: an error body
//! sent as `application/json; charset=utf-8` is still an error.
//!
//! Two paths, one outcome. A 2xx answer is first read in one pass straight from the
//! bytes into the typed response ([`direct`]); that pass refuses (and so hands the
//! answer to the second path) anything it could not decide exactly as the second path
//! would: an `Error` member in `Response`, a `Response` that is not an object or comes
//! twice, a duplicate member, and any failure at all. The second path ([`analysed`])
//! parses the body into a [`Value`], finds the envelope, RequestId and `Error`, and
//! then decodes the typed response with its JSON path on a mismatch; it alone builds
//! every error. A success therefore costs one typed parse, and every other answer
//! (small, in practice) decodes exactly as it always did.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess,
    SeqAccess, VariantAccess, Visitor,
};
use serde_json::Value;

use crate::action::ActionError;
use crate::error::{Error, ResponseError, ResponseErrorKind, ServiceError};

/// The parts of an HTTP answer that decoding looks at.
#[derive(Debug, Clone, Copy)]
pub struct RawAnswer<'a> {
    /// HTTP status code.
    pub status: u16,
    /// `Content-Type` header, if any.
    pub content_type: Option<&'a str>,
    /// The complete body.
    pub body: &'a [u8],
}

/// Decodes an answer into `R`, the action's error `E`, or a [`ResponseError`]. Never panics.
pub fn decode<R: DeserializeOwned, E: ActionError>(answer: RawAnswer<'_>) -> Result<R, Error<E>> {
    if (200..300).contains(&answer.status)
        && let Some(response) = direct::<R>(answer.body)
    {
        return Ok(response);
    }
    analysed(answer)
}

/// The envelope, RequestId, `Error`, status and typed response, each decided from a
/// [`Value`] of the whole body: what [`decode`] answers for everything [`direct`]
/// does not accept.
fn analysed<R: DeserializeOwned, E: ActionError>(answer: RawAnswer<'_>) -> Result<R, Error<E>> {
    let fail = |kind, request_id: Option<String>| {
        Error::Response(Box::new(response_error(answer, kind, request_id)))
    };
    let value: Value = match serde_json::from_slice(answer.body) {
        Ok(value) => value,
        Err(err) => {
            let kind = if (200..300).contains(&answer.status) {
                ResponseErrorKind::NotJson {
                    message: err.to_string(),
                }
            } else {
                ResponseErrorKind::HttpStatus
            };
            return Err(fail(kind, None));
        }
    };
    let Some(Value::Object(response)) = value.get("Response") else {
        let kind = if (200..300).contains(&answer.status) {
            ResponseErrorKind::MissingEnvelope
        } else {
            ResponseErrorKind::HttpStatus
        };
        return Err(fail(kind, None));
    };
    let request_id = response
        .get("RequestId")
        .and_then(Value::as_str)
        .map(str::to_owned);
    if let Some(error) = response.get("Error") {
        let code = error.get("Code").and_then(Value::as_str);
        let message = error.get("Message").and_then(Value::as_str);
        return match (code, message) {
            (Some(code), Some(message)) => {
                Err(Error::Service(E::from_service_error(ServiceError {
                    code: code.to_owned(),
                    message: message.to_owned(),
                    request_id,
                })))
            }
            _ => Err(fail(ResponseErrorKind::MalformedError, request_id)),
        };
    }
    if !(200..300).contains(&answer.status) {
        return Err(fail(ResponseErrorKind::HttpStatus, request_id));
    }
    let inner = value.get("Response").unwrap_or(&Value::Null);
    serde_path_to_error::deserialize(inner).map_err(|err| {
        let path = err.path().to_string();
        let path = if path == "." {
            "Response".to_owned()
        } else {
            format!("Response.{path}")
        };
        fail(
            ResponseErrorKind::Mismatch {
                path,
                message: err.into_inner().to_string(),
            },
            request_id.clone(),
        )
    })
}

// ---- the direct path ------------------------------------------------------------------
//
// `direct` returns `Some` only where `analysed` would return `Ok` with the same value:
//
// - the body is one JSON value that `serde_json::Value` accepts: every value is read by
//   serde_json's own parser with `Value`'s checks (the typed methods check at least as
//   much; a value the response ignores goes through `Strict`, which reads it with
//   `deserialize_any` as `Value` does instead of serde_json's unchecked skipping, so
//   nesting depth, UTF-8, escapes and number range are checked alike), and nothing
//   but whitespace follows it;
// - it is an object whose one `Response` member is an object without an `Error`
//   member (keys are compared unescaped, as `Value` stores them);
// - the typed response decodes from that object. Decoding a `Value` makes the same
//   visitor calls in the same order (a `Value` keeps members in document order), except
//   where a key repeats: `Value` keeps the last value, the typed struct fails on a
//   repeated field, and a repeated `Response` is refused here; both failures fall back.

/// The typed response of a success answer, read in one pass, or `None` for anything
/// [`analysed`] must decide.
fn direct<R: DeserializeOwned>(body: &[u8]) -> Option<R> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let response = deserializer
        .deserialize_map(EnvelopeVisitor::<R>(PhantomData))
        .ok()?;
    deserializer.end().ok()?;
    Some(response)
}

/// A member name as the parser hands it over: borrowed from the body unless it had
/// escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }
}

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// `{"Response": R, ...}`: other members are read and ignored; a second `Response` or
/// none is refused.
struct EnvelopeVisitor<R>(PhantomData<R>);

impl<'de, R: de::Deserialize<'de>> Visitor<'de> for EnvelopeVisitor<R> {
    type Value = R;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with a `Response` member")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<R, A::Error> {
        let mut response = None;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == "Response" {
                if response.is_some() {
                    return Err(de::Error::custom("`Response` twice"));
                }
                response = Some(map.next_value_seed(ResponseSeed::<R>(PhantomData))?);
            } else {
                map.next_value_seed(Strict(PhantomData::<IgnoredAny>))?;
            }
        }
        response.ok_or_else(|| de::Error::custom("no `Response` member"))
    }
}

/// The `Response` object, handed to `R` member by member through [`ResponseMembers`].
struct ResponseSeed<R>(PhantomData<R>);

impl<'de, R: de::Deserialize<'de>> DeserializeSeed<'de> for ResponseSeed<R> {
    type Value = R;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<R, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, R: de::Deserialize<'de>> Visitor<'de> for ResponseSeed<R> {
    type Value = R;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the `Response` object")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R, A::Error> {
        R::deserialize(de::value::MapAccessDeserializer::new(ResponseMembers(map)))
    }
}

/// The members of `Response` as `R` reads them, stopping at an `Error` member (an
/// error answer, which every lenient response type would otherwise accept).
struct ResponseMembers<A>(A);

impl<'de, A: MapAccess<'de>> MapAccess<'de> for ResponseMembers<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.0.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        if key.as_str() == "Error" {
            return Err(de::Error::custom("an error answer"));
        }
        match key {
            Key::Borrowed(key) => seed.deserialize(de::value::BorrowedStrDeserializer::new(key)),
            Key::Owned(key) => seed.deserialize(de::value::StringDeserializer::new(key)),
        }
        .map(Some)
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(Strict(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// Passes everything through to the wrapped deserializer, seed, visitor or access,
/// wrapping whatever it hands on, except that a value the caller ignores is read with
/// `deserialize_any` (checked like every other value) instead of being skipped
/// unchecked. Bytes, which serde_json reads from a string without checking its UTF-8,
/// are refused (no generated type has them).
struct Strict<T>(T);

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Strict<S> {
    type Value = S::Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(Strict(deserializer))
    }
}

macro_rules! forward_deserialize {
    ($($method:ident($($arg:ident: $ty:ty),*)),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, D::Error> {
                self.0.$method($($arg,)* Strict(visitor))
            }
        )*
    };
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Strict<D> {
    type Error = D::Error;
    forward_deserialize! {
        deserialize_any(), deserialize_bool(), deserialize_i8(), deserialize_i16(),
        deserialize_i32(), deserialize_i64(), deserialize_i128(), deserialize_u8(),
        deserialize_u16(), deserialize_u32(), deserialize_u64(), deserialize_u128(),
        deserialize_f32(), deserialize_f64(), deserialize_char(), deserialize_str(),
        deserialize_string(), deserialize_option(), deserialize_unit(),
        deserialize_unit_struct(name: &'static str),
        deserialize_newtype_struct(name: &'static str), deserialize_seq(),
        deserialize_tuple(len: usize),
        deserialize_tuple_struct(name: &'static str, len: usize), deserialize_map(),
        deserialize_struct(name: &'static str, fields: &'static [&'static str]),
        deserialize_enum(name: &'static str, variants: &'static [&'static str]),
        deserialize_identifier(),
    }
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        self.0.deserialize_any(Strict(visitor))
    }
    fn deserialize_bytes<V: Visitor<'de>>(self, _: V) -> Result<V::Value, D::Error> {
        Err(de::Error::custom("bytes are left to the checked path"))
    }
    fn deserialize_byte_buf<V: Visitor<'de>>(self, _: V) -> Result<V::Value, D::Error> {
        Err(de::Error::custom("bytes are left to the checked path"))
    }
    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

macro_rules! forward_visit {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(
            fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
                self.0.$method(v)
            }
        )*
    };
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Strict<V> {
    type Value = V::Value;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }
    forward_visit! {
        visit_bool(bool), visit_i8(i8), visit_i16(i16), visit_i32(i32), visit_i64(i64),
        visit_i128(i128), visit_u8(u8), visit_u16(u16), visit_u32(u32), visit_u64(u64),
        visit_u128(u128), visit_f32(f32), visit_f64(f64), visit_char(char),
        visit_str(&str), visit_borrowed_str(&'de str), visit_string(String),
        visit_bytes(&[u8]), visit_borrowed_bytes(&'de [u8]), visit_byte_buf(Vec<u8>),
    }
    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }
    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Strict(deserializer))
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(Strict(deserializer))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(Strict(seq))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Strict(map))
    }
    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Strict(data))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Strict<A> {
    type Error = A::Error;
    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Strict(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Strict<A> {
    type Error = A::Error;
    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Strict(seed))
    }
    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.0.next_value_seed(Strict(seed))
    }
    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Strict<A> {
    type Error = A::Error;
    type Variant = Strict<A::Variant>;
    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Self::Variant), A::Error> {
        self.0
            .variant_seed(Strict(seed))
            .map(|(value, variant)| (value, Strict(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Strict<A> {
    type Error = A::Error;
    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Strict(seed))
    }
    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Strict(visitor))
    }
    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Strict(visitor))
    }
}

// ---- errors ---------------------------------------------------------------------------

pub(crate) fn response_error(
    answer: RawAnswer<'_>,
    kind: ResponseErrorKind,
    request_id: Option<String>,
) -> ResponseError {
    ResponseError {
        status: answer.status,
        content_type: answer.content_type.map(str::to_owned),
        request_id,
        kind,
        body_excerpt: excerpt(answer.body),
    }
}

/// The start of a body, lossily decoded, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let limit = ResponseError::EXCERPT_BYTES;
    if body.len() <= limit {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut text = String::from_utf8_lossy(&body[..limit]).into_owned();
    // A multi-byte character cut in half decodes as U+FFFD at the end; drop it.
    if text.ends_with('\u{FFFD}') {
        text.pop();
    }
    text.push_str(&format!("… ({} more bytes)", body.len() - limit));
    text
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde::Deserialize;

    use super::*;
    use crate::lenient::{Lenient, optional};

    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Item {
        #[serde(rename = "N", default, deserialize_with = "optional")]
        n: Option<u64>,
        #[serde(rename = "S", default, deserialize_with = "optional")]
        s: Option<String>,
    }

    impl Lenient for Item {
        fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
            <Self as de::Deserialize>::deserialize(d).map(Some)
        }
    }

    /// A response shaped like a generated one: a strict RequestId, lenient members.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    struct Answer {
        #[serde(rename = "Total", default, deserialize_with = "optional")]
        total: Option<i64>,
        #[serde(rename = "Items", default, deserialize_with = "optional")]
        items: Option<Vec<Item>>,
        #[serde(rename = "RequestId")]
        request_id: String,
    }

    #[derive(Debug, thiserror::Error)]
    #[error("{0}")]
    struct AnyError(ServiceError);

    impl ActionError for AnyError {
        type CommonError = crate::NoCommonErrors;
        fn from_service_error(error: ServiceError) -> Self {
            Self(error)
        }
        fn service_error(&self) -> &ServiceError {
            &self.0
        }
        fn common(&self) -> Option<&crate::NoCommonErrors> {
            None
        }
    }

    fn ok(body: &str) -> Result<Answer, Error<AnyError>> {
        decode(RawAnswer {
            status: 200,
            content_type: None,
            body: body.as_bytes(),
        })
    }

    #[test]
    fn a_success_takes_the_direct_path() {
        let body = r#"{"Response":{"Total":"2","Items":[{"N":1,"S":5},{"X":[1,{"y":null}]}],"New":{"a":[true]},"RequestId":"id"},"Other":1}"#;
        let direct = direct::<Answer>(body.as_bytes()).expect("direct");
        assert_eq!(direct.request_id, "id");
        assert_eq!(direct.total, Some(2));
        assert_eq!(direct.items.as_ref().map(Vec::len), Some(2));
        assert_eq!(ok(body).expect("decodes"), direct);
    }

    /// Answers the direct path must leave to the analysis, each with what it decodes to.
    #[test]
    fn the_direct_path_refuses_what_it_cannot_decide() {
        let deep = format!("{}0{}", "[".repeat(200), "]".repeat(200));
        let cases: Vec<(String, &str)> = vec![
            (
                r#"{"Response":{"Error":{"Code":"InternalError","Message":"m"},"RequestId":"id"}}"#
                    .into(),
                "service",
            ),
            (
                r#"{"Response":{"RequestId":"id","Err\u006fr":{"Code":"C","Message":"m"}}}"#.into(),
                "service",
            ),
            (
                r#"{"Response":{"RequestId":"id","Error":null}}"#.into(),
                "response.malformed_error",
            ),
            (r#"{"Response":["id"]}"#.into(), "response.missing_envelope"),
            (
                r#"{"Response":{"RequestId":"id"}} x"#.into(),
                "response.not_json",
            ),
            (
                format!(r#"{{"Response":{{"RequestId":"id","X":{deep}}}}}"#),
                "response.not_json",
            ),
            (
                format!(r#"{{"Response":{{"RequestId":"id"}},"X":{deep}}}"#),
                "response.not_json",
            ),
            (
                r#"{"Response":{"RequestId":"id","Items":[{"X":1e400}]}}"#.into(),
                "response.not_json",
            ),
            (
                r#"{"Response":{"RequestId":"id","X":"\ud800"}}"#.into(),
                "response.not_json",
            ),
            (
                r#"{"Response":{"RequestId":"id","Items":[{"N":-1}]}}"#.into(),
                "response.mismatch",
            ),
            (r#"{"Response":{"Total":1}}"#.into(), "response.mismatch"),
        ];
        for (body, kind) in cases {
            assert!(direct::<Answer>(body.as_bytes()).is_none(), "{body}");
            match ok(&body) {
                Ok(answer) => panic!("{body}: decoded {answer:?}"),
                Err(error) => assert_eq!(error.kind_name(), kind, "{body}"),
            }
        }
        // Invalid UTF-8 in a member nothing reads.
        let mut body = br#"{"Response":{"RequestId":"id","X":"ab"}}"#.to_vec();
        let at = body.len() - 4;
        body[at] = 0xff;
        assert!(direct::<Answer>(&body).is_none());
        assert!(
            decode::<Answer, AnyError>(RawAnswer {
                status: 200,
                content_type: None,
                body: &body
            })
            .is_err()
        );
    }

    /// Repeated keys: `Value` keeps the last value, so the analysis decides.
    #[test]
    fn repeated_keys_fall_back_and_decode_as_before() {
        for body in [
            r#"{"Response":{"RequestId":"a","RequestId":"b"}}"#,
            r#"{"Response":{"RequestId":"a"},"Response":{"RequestId":"b"}}"#,
            r#"{"Response":{"Items":{"bad":1},"RequestId":"b","Items":[]}}"#,
        ] {
            assert!(direct::<Answer>(body.as_bytes()).is_none(), "{body}");
            assert_eq!(ok(body).expect(body).request_id, "b");
        }
    }

    #[test]
    fn a_mismatch_keeps_its_path_and_request_id() {
        let error = ok(r#"{"Response":{"Items":[{"N":1},{"N":"1"},{"N":[]}],"RequestId":"id"}}"#)
            .expect_err("a list for a number");
        let Error::Response(error) = error else {
            panic!("{error:?}")
        };
        assert_eq!(error.request_id.as_deref(), Some("id"));
        match &error.kind {
            ResponseErrorKind::Mismatch { path, .. } => assert_eq!(path, "Response.Items[2].N"),
            other => panic!("{other:?}"),
        }
    }

    /// Small JSON texts made of the pieces the two paths could disagree on.
    fn bodies() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_owned()),
            Just("true".to_owned()),
            Just("\"id\"".to_owned()),
            Just("\"\\u0045rror\"".to_owned()),
            Just("\"\\ud800\"".to_owned()),
            Just("1".to_owned()),
            Just("-1".to_owned()),
            Just("1.5".to_owned()),
            Just("1e400".to_owned()),
            Just("\"2\"".to_owned()),
        ];
        let key = prop::sample::select(vec![
            "\"RequestId\"",
            "\"Total\"",
            "\"Items\"",
            "\"N\"",
            "\"S\"",
            "\"Error\"",
            "\"Err\\u006fr\"",
            "\"Response\"",
            "\"X\"",
        ]);
        let value = leaf.prop_recursive(4, 32, 4, move |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4)
                    .prop_map(|items| format!("[{}]", items.join(","))),
                prop::collection::vec((key.clone(), inner), 0..4).prop_map(|members| {
                    let members: Vec<String> = members
                        .into_iter()
                        .map(|(k, v)| format!("{k}:{v}"))
                        .collect();
                    format!("{{{}}}", members.join(","))
                }),
            ]
        });
        (
            value,
            prop::collection::vec(("\"(Total|Items|X|Error)\"", any::<u8>()), 0..3),
        )
            .prop_map(|(extra, mut members)| {
                members.push(("\"RequestId\"".to_owned(), 0));
                let inner: Vec<String> = members
                    .iter()
                    .map(|(k, n)| match k.as_str() {
                        "\"RequestId\"" => format!("{k}:\"id\""),
                        _ if n % 2 == 0 => format!("{k}:{extra}"),
                        _ => format!("{k}:[{{\"N\":{n}}},{extra}]"),
                    })
                    .collect();
                format!("{{\"Response\":{{{}}}}}", inner.join(","))
            })
    }

    proptest! {
        /// Whatever the body: when the direct path decodes it, the analysis decodes it
        /// to the same response.
        #[test]
        fn the_direct_path_agrees_with_the_analysis(body in bodies()) {
            if let Some(direct) = direct::<Answer>(body.as_bytes()) {
                let answer = RawAnswer { status: 200, content_type: None, body: body.as_bytes() };
                match analysed::<Answer, AnyError>(answer) {
                    Ok(analysed) => prop_assert_eq!(direct, analysed),
                    Err(error) => prop_assert!(false, "{}: direct Ok, analysis {:?}", body, error),
                }
            }
        }
    }
}
