//! The decoding rule that lets responses survive documentation drift.
//!
//! Tencent's descriptions and its own example answers disagree: members documented as
//! always present are missing, `null` arrives where a value was promised, scalars
//! arrive as strings (`"false"`, `"1"`, `"1.5"`), and some examples hold placeholders
//! (`"TotalIpAddressCount": "xx"`). Generated structs therefore decode every member
//! except a response's `RequestId` through [`optional`] (an `Option` field) or
//! [`required`] (a field the caller must send, which a response may still lack):
//!
//! - a missing member or `null` is *absent*: `None`, or the type's default for a
//!   required field (`""`, `0`, `false`, an empty list, an object of defaults);
//! - a number or boolean sent as text decodes to the declared type when the text is one
//!   (`"1"` or `"2.0"` for an integer, `"1.5"` for a float, `"true"`/`"false"` in any
//!   case or `"1"`/`"0"` for a boolean), and a number or boolean where text is declared
//!   decodes as its text;
//! - an integral float (`2.0`) is accepted for an integer, `0`/`1` for a boolean;
//! - text that is not a value of the declared scalar type (`""` or `"xx"` for an
//!   integer, `"yes"` for a boolean) is *absent* too: the text says nothing the type
//!   can hold, and failing the whole answer for it would lose everything else;
//! - anything else still fails, with the JSON path of the value: a structural mismatch
//!   (an object where a list is declared, a list where text is), a number out of the
//!   integer's range, a fraction for an integer, and an absent item inside a list
//!   (dropping it would shift every later index).
//!
//! Unknown members are ignored by every generated struct. A request's own members are
//! not affected: they serialize exactly their declared types and decode strictly (a
//! server reading a request gets what the description declares). Object types are
//! shared by requests and responses, so their members decode by this rule in both.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Unexpected, Visitor};

/// A type that decodes by the lenient rule. Implemented for the scalars, `Vec` and
/// (by the generator) every generated object type.
pub trait Lenient: Sized {
    /// Decodes `Self` from a present, non-null value, accepting the drift the module
    /// describes: `Ok(None)` when the value is absent for this type (text that is not
    /// one of its values).
    ///
    /// # Errors
    ///
    /// A value no rule accepts, as `D::Error` (with its path where the deserializer
    /// tracks one).
    fn deserialize_lenient<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error>;
}

/// The `deserialize_with` function of a generated `Option` member: absent (`null`, or
/// text the type cannot hold) is `None`. With `#[serde(default)]`, a missing member is
/// `None` too.
///
/// # Errors
///
/// A value no rule accepts.
pub fn optional<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient,
{
    nullable(deserializer)
}

/// The `deserialize_with` function of a generated required member: absent is the
/// type's default. With `#[serde(default)]`, a missing member is the default too.
///
/// # Errors
///
/// A value no rule accepts.
pub fn required<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient + Default,
{
    nullable(deserializer).map(Option::unwrap_or_default)
}

/// `null` is absent; anything else decodes by [`Lenient`].
fn nullable<'de, D: Deserializer<'de>, T: Lenient>(deserializer: D) -> Result<Option<T>, D::Error> {
    struct OptionVisitor<T>(PhantomData<T>);
    impl<'de, T: Lenient> Visitor<'de> for OptionVisitor<T> {
        type Value = Option<T>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a value or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            T::deserialize_lenient(d)
        }
    }
    deserializer.deserialize_option(OptionVisitor(PhantomData))
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        struct Seed<T>(PhantomData<T>);
        impl<'de, T: Lenient> DeserializeSeed<'de> for Seed<T> {
            type Value = T;
            fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
                nullable(d)?.ok_or_else(|| {
                    de::Error::custom("a list item is null or not a value of its type")
                })
            }
        }
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: Lenient> Visitor<'de> for SeqVisitor<T> {
            type Value = Vec<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // Bounded: a hostile size hint must not reserve memory up front.
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
                while let Some(item) = seq.next_element_seed(Seed(PhantomData))? {
                    items.push(item);
                }
                Ok(items)
            }
        }
        deserializer
            .deserialize_seq(SeqVisitor(PhantomData))
            .map(Some)
    }
}

impl Lenient for String {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = String;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string (or a number or boolean, kept as text)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
                Ok(v.to_owned())
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
                Ok(v)
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
                Ok(v.to_string())
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
                Ok(v.to_string())
            }
        }
        deserializer.deserialize_any(TextVisitor).map(Some)
    }
}

impl Lenient for bool {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        struct BoolVisitor;
        impl Visitor<'_> for BoolVisitor {
            type Value = Option<bool>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean (or \"true\", \"false\", 0 or 1)")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Option<bool>, E> {
                Ok(Some(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<bool>, E> {
                match v {
                    0 => Ok(Some(false)),
                    1 => Ok(Some(true)),
                    _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<bool>, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::invalid_value(Unexpected::Signed(v), &self)),
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<bool>, E> {
                let text = v.trim();
                Ok(if text.eq_ignore_ascii_case("true") || text == "1" {
                    Some(true)
                } else if text.eq_ignore_ascii_case("false") || text == "0" {
                    Some(false)
                } else {
                    None
                })
            }
        }
        deserializer.deserialize_any(BoolVisitor)
    }
}

/// Integers: native integers in range, integral floats, and decimal text.
macro_rules! lenient_integer {
    ($ty:ty, $what:literal, $min:literal, $max_exclusive:literal) => {
        impl Lenient for $ty {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(
                deserializer: D,
            ) -> Result<Option<Self>, D::Error> {
                struct IntVisitor;
                impl Visitor<'_> for IntVisitor {
                    type Value = Option<$ty>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str($what)
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<$ty>, E> {
                        <$ty>::try_from(v)
                            .map(Some)
                            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<$ty>, E> {
                        <$ty>::try_from(v)
                            .map(Some)
                            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<$ty>, E> {
                        // Integral and inside the type's range (the bounds are exact
                        // powers of two), so the cast below loses nothing.
                        if v.fract() == 0.0 && ($min..$max_exclusive).contains(&v) {
                            Ok(Some(v as $ty))
                        } else {
                            Err(E::invalid_value(Unexpected::Float(v), &self))
                        }
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<$ty>, E> {
                        // The text of an integer, or of an integral float (`"2.0"`), as
                        // the number itself would be read; anything else is absent.
                        let text = v.trim();
                        if let Ok(int) = text.parse::<$ty>() {
                            return Ok(Some(int));
                        }
                        Ok(text
                            .parse::<f64>()
                            .ok()
                            .and_then(|f| self.visit_f64::<E>(f).ok().flatten()))
                    }
                }
                deserializer.deserialize_any(IntVisitor)
            }
        }
    };
}

lenient_integer!(
    u64,
    "an unsigned integer (or its decimal text)",
    0.0,
    18_446_744_073_709_551_616.0
);
lenient_integer!(
    i64,
    "an integer (or its decimal text)",
    -9_223_372_036_854_775_808.0,
    9_223_372_036_854_775_808.0
);

impl Lenient for f64 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Self>, D::Error> {
        struct FloatVisitor;
        impl Visitor<'_> for FloatVisitor {
            type Value = Option<f64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number (or its text)")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<f64>, E> {
                Ok(Some(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<f64>, E> {
                Ok(Some(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<f64>, E> {
                Ok(Some(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<f64>, E> {
                Ok(v.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|parsed| parsed.is_finite()))
            }
        }
        deserializer.deserialize_any(FloatVisitor)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Inner {
        #[serde(rename = "N", default, deserialize_with = "required")]
        n: u64,
    }

    impl Lenient for Inner {
        fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
            <Self as Deserialize>::deserialize(d).map(Some)
        }
    }

    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Outer {
        #[serde(rename = "Count", default, deserialize_with = "optional")]
        count: Option<u64>,
        #[serde(rename = "Total", default, deserialize_with = "required")]
        total: i64,
        #[serde(rename = "Flag", default, deserialize_with = "optional")]
        flag: Option<bool>,
        #[serde(rename = "Ratio", default, deserialize_with = "optional")]
        ratio: Option<f64>,
        #[serde(rename = "Name", default, deserialize_with = "optional")]
        name: Option<String>,
        #[serde(rename = "Items", default, deserialize_with = "optional")]
        items: Option<Vec<Inner>>,
        #[serde(rename = "Ids", default, deserialize_with = "required")]
        ids: Vec<String>,
        #[serde(rename = "One", default, deserialize_with = "required")]
        one: Inner,
    }

    fn decode(value: serde_json::Value) -> Result<Outer, String> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            format!("{path}: {}", e.into_inner())
        })
    }

    #[test]
    fn missing_and_null_members_decode() {
        assert_eq!(decode(json!({})), Ok(Outer::default()));
        let nulls = json!({"Count": null, "Total": null, "Flag": null, "Ratio": null,
            "Name": null, "Items": null, "Ids": null, "One": null});
        assert_eq!(decode(nulls), Ok(Outer::default()));
    }

    #[test]
    fn scalars_sent_as_strings_decode_to_their_declared_type() {
        let outer = decode(json!({"Count": "1", "Total": "-3", "Flag": "false",
            "Ratio": "1.5", "Name": 42, "Items": [{"N": "7"}], "Ids": [1, true],
            "One": {"N": 2.0}}))
        .expect("decodes");
        assert_eq!(outer.count, Some(1));
        assert_eq!(outer.total, -3);
        assert_eq!(outer.flag, Some(false));
        assert_eq!(outer.ratio, Some(1.5));
        assert_eq!(outer.name.as_deref(), Some("42"));
        assert_eq!(outer.items, Some(vec![Inner { n: 7 }]));
        assert_eq!(outer.ids, ["1", "true"]);
        assert_eq!(outer.one, Inner { n: 2 });
        assert_eq!(
            decode(json!({"Flag": "TRUE"})).map(|o| o.flag),
            Ok(Some(true))
        );
        assert_eq!(decode(json!({"Flag": 1})).map(|o| o.flag), Ok(Some(true)));
        assert_eq!(
            decode(json!({"Flag": "0"})).map(|o| o.flag),
            Ok(Some(false))
        );
        assert_eq!(
            decode(json!({"Count": "2.0"})).map(|o| o.count),
            Ok(Some(2))
        );
    }

    #[test]
    fn text_the_type_cannot_hold_is_absent() {
        let outer = decode(
            json!({"Count": "xx", "Total": "", "Flag": "yes", "Ratio": "NaN",
            "One": {"N": "1.5"}}),
        )
        .expect("decodes");
        assert_eq!(outer, Outer::default());
    }

    #[test]
    fn values_no_rule_accepts_fail_with_their_path() {
        let err = decode(json!({"Items": {"N": 1}})).expect_err("object for a list");
        assert!(err.starts_with("Items: invalid type: map"), "{err}");
        let err = decode(json!({"Items": [{"N": 1}, {"N": -1}]})).expect_err("negative");
        assert!(err.starts_with("Items[1].N: invalid value"), "{err}");
        let err = decode(json!({"Ids": ["a", null]})).expect_err("a null item");
        assert!(err.starts_with("Ids[1]: a list item is null"), "{err}");
        assert!(decode(json!({"Count": -1})).is_err());
        assert!(decode(json!({"Count": 1.5})).is_err());
        assert!(decode(json!({"Flag": 2})).is_err());
        assert!(decode(json!({"Name": [1]})).is_err());
        assert!(decode(json!({"Ids": [null]})).is_err());
        assert!(decode(json!({"Total": 1e300})).is_err());
        assert!(decode(json!({"Count": 18_446_744_073_709_551_616.0})).is_err());
        assert_eq!(decode(json!({"Total": -2.0})).map(|o| o.total), Ok(-2));
    }

    #[test]
    fn decodes_from_bytes_as_well_as_from_values() {
        let outer: Outer =
            serde_json::from_slice(br#"{"Count":"5","Ids":["a"],"Extra":{"x":1}}"#).expect("ok");
        assert_eq!(outer.count, Some(5));
        assert_eq!(outer.ids, ["a"]);
    }
}
