//! Rust names for wire names: snake_case fields and methods, PascalCase types and
//! variants, keyword escaping. Validation uses these to find names that collide after
//! conversion, so the generator never meets a collision.

/// Mixed-case acronyms that a plain case split would tear apart (`IPv6` -> `i`, `pv6`).
const MIXED_ACRONYMS: &[&str] = &["IPv4", "IPv6"];

/// Splits a wire name into lowercase words: `PrivateIPv6Address` -> `private ipv6 address`,
/// `IKEVersion` -> `ike version`, `VpnGatewayId` -> `vpn gateway id`.
pub fn words(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(acronym) = MIXED_ACRONYMS
            .iter()
            .find(|a| chars[i..].iter().take(a.len()).copied().eq(a.chars()))
        {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            words.push(acronym.to_lowercase());
            i += acronym.len();
            continue;
        }
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            i += 1;
            continue;
        }
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let boundary = c.is_uppercase()
            && !current.is_empty()
            && match prev {
                Some(p) if p.is_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_uppercase() => next.is_some_and(char::is_lowercase),
                _ => false,
            };
        if boundary {
            words.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
        i += 1;
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// `snake_case` of a wire name, escaped where it is a Rust keyword (see [`escape_keyword`]).
pub fn snake_case(name: &str) -> String {
    escape_keyword(&words(name).join("_"))
}

/// `PascalCase` of a wire name, keeping the wire name's own capitals
/// (`VpnConnection` stays, `vpc.id` becomes `VpcId`).
pub fn pascal_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper_next = true;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            upper_next = true;
        } else if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The enum variant for a dotted error code: `UnsupportedOperation.VpnConnInvalidState`
/// -> `UnsupportedOperationVpnConnInvalidState`.
///
/// Two codes can meet here (`InvalidParameter.ValueTooLarge` and
/// `InvalidParameterValue.TooLarge`); [`error_variants`] names those apart.
pub fn error_variant(code: &str) -> String {
    pascal_case(code)
}

/// The variant for a code whose plain [`error_variant`] another code shares: the
/// segments joined by `Dot`, so the code's own dots stay visible and the name is
/// distinct (`InvalidParameterDotValueTooLarge`, `InvalidParameterValueDotTooLarge`).
pub fn error_variant_dotted(code: &str) -> String {
    code.split('.')
        .map(pascal_case)
        .collect::<Vec<_>>()
        .join("Dot")
}

/// Variant names an error code never takes: the action enums' own `Common` (the
/// service's shared [common codes](crate::ir::Service::common_errors)) and `Unknown`
/// (codes the client does not know).
pub const RESERVED_VARIANTS: &[&str] = &["Common", "Unknown"];

/// The variant of every code, decided over a whole service so that one code has the
/// same variant in every enum it appears in (an action's enum or the service's common
/// one). Three rules, depending only on the set of codes, not on their order:
///
/// 1. [`error_variant`], unless another code has the same one, in which case every code
///    of that group takes [`error_variant_dotted`];
/// 2. a name in [`RESERVED_VARIANTS`] takes a `Code` suffix (`Unknown` -> `UnknownCode`);
/// 3. names still shared (`A.B` dotted is `ADotB`, which a code `ADotB` also is) are
///    numbered in code byte order by [`disambiguate`], the first keeping the name.
pub fn error_variants<'a>(
    codes: impl IntoIterator<Item = &'a str>,
) -> std::collections::BTreeMap<&'a str, String> {
    use std::collections::{BTreeMap, BTreeSet};
    let mut by_variant: BTreeMap<String, BTreeSet<&'a str>> = BTreeMap::new();
    for code in codes {
        by_variant
            .entry(error_variant(code))
            .or_default()
            .insert(code);
    }
    let mut bases: Vec<(&'a str, String)> = Vec::new();
    for (variant, codes) in by_variant {
        let alone = codes.len() == 1;
        for code in codes {
            let base = if alone {
                variant.clone()
            } else {
                error_variant_dotted(code)
            };
            let base = if RESERVED_VARIANTS.contains(&base.as_str()) {
                format!("{base}Code")
            } else {
                base
            };
            bases.push((code, base));
        }
    }
    let reserved: Vec<String> = RESERVED_VARIANTS.iter().map(|r| (*r).to_owned()).collect();
    let resolved = disambiguate(&bases, "", &reserved);
    bases
        .into_iter()
        .map(|(code, _)| code)
        .zip(resolved)
        .collect()
}

/// A module (and file) name for a wire or type name: snake_case words, with a trailing
/// underscore where the name is a keyword or starts with a digit (`Type` -> `type_`),
/// so no raw identifier is ever a file name.
pub fn module_name(name: &str) -> String {
    let plain = words(name).join("_");
    if plain.is_empty() || plain.starts_with(|c: char| c.is_ascii_digit()) {
        format!("m_{plain}")
    } else if RAW_KEYWORDS.contains(&plain.as_str()) || NON_RAW_KEYWORDS.contains(&plain.as_str()) {
        format!("{plain}_")
    } else {
        plain
    }
}

/// Makes names distinct, deterministically. `names[i]` is `(key, base)`: items whose
/// bases are equal are ordered by their (distinct) keys; the first keeps the base, the
/// others get `{base}{sep}2`, `{base}{sep}3`, ... (skipping any name already taken).
/// `taken` holds names that are not available at all.
pub fn disambiguate(names: &[(&str, String)], sep: &str, taken: &[String]) -> Vec<String> {
    use std::collections::{BTreeMap, HashSet};
    let mut groups: BTreeMap<&str, Vec<(&str, usize)>> = BTreeMap::new();
    for (index, (key, base)) in names.iter().enumerate() {
        groups.entry(base.as_str()).or_default().push((key, index));
    }
    let taken: HashSet<&str> = taken.iter().map(String::as_str).collect();
    // Every name already spoken for: the taken ones and each group's own base.
    let mut used: HashSet<String> = taken.iter().map(|t| (*t).to_owned()).collect();
    used.extend(groups.keys().map(|base| (*base).to_owned()));
    let mut out = vec![String::new(); names.len()];
    for (base, mut members) in groups {
        members.sort();
        let base_free = !taken.contains(base);
        let mut next = 2;
        for (position, (_, index)) in members.into_iter().enumerate() {
            if position == 0 && base_free {
                out[index] = base.to_owned();
                continue;
            }
            loop {
                let candidate = format!("{base}{sep}{next}");
                next += 1;
                if used.insert(candidate.clone()) {
                    out[index] = candidate;
                    break;
                }
            }
        }
    }
    out
}

/// Strict and reserved keywords of every edition (2015 to 2024) that raw identifiers fix.
const RAW_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "try", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing underscore instead.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Makes a snake_case name usable as an identifier: `type` -> `r#type`, `self` -> `self_`,
/// a leading digit -> a leading underscore.
pub fn escape_keyword(name: &str) -> String {
    if NON_RAW_KEYWORDS.contains(&name) {
        format!("{name}_")
    } else if RAW_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        format!("_{name}")
    } else {
        name.to_owned()
    }
}

/// Whether `name` is an ASCII identifier: a letter, then letters, digits or underscores.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `code` is a well-formed Tencent error code: dot-separated segments of ASCII
/// letters, digits and underscores, the first starting with a capital letter.
pub fn is_error_code(code: &str) -> bool {
    code.starts_with(|c: char| c.is_ascii_uppercase())
        && code.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms_and_keywords() {
        let cases = [
            ("VpnGatewayId", "vpn_gateway_id"),
            ("PrivateIPv6Address", "private_ipv6_address"),
            ("Ipv6CidrBlock", "ipv6_cidr_block"),
            ("IKEVersion", "ike_version"),
            ("IPSECEncryptAlgorithm", "ipsec_encrypt_algorithm"),
            ("VPCId", "vpc_id"),
            ("RequestId", "request_id"),
            ("Type", "r#type"),
            ("Self", "self_"),
            ("ResetVpnConnection", "reset_vpn_connection"),
            ("Limit", "limit"),
            ("SubnetIds", "subnet_ids"),
            ("Version2Id", "version2_id"),
            ("snake_already", "snake_already"),
            ("IPv4Address", "ipv4_address"),
        ];
        for (wire, expected) in cases {
            assert_eq!(snake_case(wire), expected, "{wire}");
        }
    }

    #[test]
    fn colliding_codes_get_distinct_dotted_variants() {
        let variants = error_variants([
            "InvalidParameterValue.TooLarge",
            "InvalidParameter.ValueTooLarge",
            "ResourceNotFound",
        ]);
        assert_eq!(
            variants["InvalidParameter.ValueTooLarge"],
            "InvalidParameterDotValueTooLarge"
        );
        assert_eq!(
            variants["InvalidParameterValue.TooLarge"],
            "InvalidParameterValueDotTooLarge"
        );
        assert_eq!(variants["ResourceNotFound"], "ResourceNotFound");
        // The order codes come in does not matter.
        assert_eq!(
            error_variants([
                "InvalidParameter.ValueTooLarge",
                "InvalidParameterValue.TooLarge"
            ]),
            error_variants([
                "InvalidParameterValue.TooLarge",
                "InvalidParameter.ValueTooLarge"
            ])
        );
    }

    #[test]
    fn reserved_and_still_shared_variants_are_renamed() {
        let variants = error_variants([
            "Unknown",
            "Common",
            "Common.Thing",
            "Unknown.Code",
            "A.B",
            "AB",
            "ADotB",
        ]);
        // `Common` and `Unknown` are the action enums' own variants.
        assert_eq!(variants["Common"], "CommonCode");
        assert_eq!(variants["Common.Thing"], "CommonThing");
        // `Unknown` takes the suffix, then meets `Unknown.Code`: numbered in byte order.
        assert_eq!(variants["Unknown"], "UnknownCode");
        assert_eq!(variants["Unknown.Code"], "UnknownCode2");
        // `A.B` and `AB` meet and take dotted names; `A.B`'s is `ADotB`, like the code
        // `ADotB`'s plain one.
        assert_eq!(variants["A.B"], "ADotB");
        assert_eq!(variants["ADotB"], "ADotB2");
        assert_eq!(variants["AB"], "AB");
        let names: std::collections::BTreeSet<&String> = variants.values().collect();
        assert_eq!(names.len(), variants.len(), "every variant is distinct");
        assert!(
            variants
                .values()
                .all(|v| !RESERVED_VARIANTS.contains(&v.as_str()))
        );
    }

    #[test]
    fn disambiguation_orders_by_key_and_skips_taken_names() {
        let names = [
            ("InstanceId", "instance_id".to_owned()),
            ("InstanceID", "instance_id".to_owned()),
            ("Other", "other".to_owned()),
            ("Taken", "taken".to_owned()),
        ];
        assert_eq!(
            disambiguate(&names, "_", &["taken".to_owned()]),
            ["instance_id_2", "instance_id", "other", "taken_2"]
        );
    }

    #[test]
    fn module_names_are_plain_identifiers() {
        assert_eq!(module_name("ResetVpnConnection"), "reset_vpn_connection");
        assert_eq!(module_name("Type"), "type_");
        assert_eq!(module_name("Self"), "self_");
        assert_eq!(module_name("IPv6Address"), "ipv6_address");
    }

    #[test]
    fn variants_and_codes() {
        assert_eq!(
            error_variant("UnsupportedOperation.VpnConnInvalidState"),
            "UnsupportedOperationVpnConnInvalidState"
        );
        assert_eq!(error_variant("ResourceNotFound"), "ResourceNotFound");
        assert!(is_error_code("RequestLimitExceeded.IPLimitExceeded"));
        assert!(!is_error_code("requestLimitExceeded"));
        assert!(!is_error_code("Auth..Failure"));
        assert!(!is_error_code("Auth Failure"));
        assert!(!is_error_code(""));
    }
}
