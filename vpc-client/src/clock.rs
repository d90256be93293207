//! HTTP dates (RFC 7231 IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`), read from a
//! server's `Date` header to correct the signing clock when the service answers
//! `AuthFailure.SignatureExpire`, and written by the local endpoint.

const DAY_NAMES: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTH_NAMES: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Parses an IMF-fixdate into Unix seconds. `None` for anything else (the obsolete
/// RFC 850 and asctime forms included), for impossible dates and for dates before 1970.
/// The day name is checked for form, not against the date.
///
/// ```
/// use vpc_client::clock::parse_http_date;
///
/// assert_eq!(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
/// assert_eq!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"), None);
/// ```
pub fn parse_http_date(text: &str) -> Option<u64> {
    let bytes = text.trim().as_bytes();
    // "Sun, 06 Nov 1994 08:49:37 GMT": 29 bytes at fixed positions.
    if bytes.len() != 29
        || bytes[3..5] != *b", "
        || bytes[7] != b' '
        || bytes[11] != b' '
        || bytes[16] != b' '
        || bytes[19] != b':'
        || bytes[22] != b':'
        || bytes[25..] != *b" GMT"
    {
        return None;
    }
    if !DAY_NAMES.iter().any(|d| d.as_bytes() == &bytes[..3]) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let digits = bytes.get(range)?;
        digits.iter().try_fold(0u32, |acc, b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let day = number(5..7)?;
    let month = MONTH_NAMES
        .iter()
        .position(|m| m.as_bytes() == &bytes[8..11])?;
    let month = u32::try_from(month).ok()? + 1;
    let year = number(12..16)?;
    let (hour, minute, second) = (number(17..19)?, number(20..22)?, number(23..25)?);
    // 60 is a leap second, which Unix time folds into the next minute's first second.
    if year < 1970 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(days * 86_400 + u64::from(hour * 3600 + minute * 60 + second))
}

/// Formats Unix seconds as an IMF-fixdate, the form of the HTTP `Date` header.
///
/// ```
/// use vpc_client::clock::format_http_date;
///
/// assert_eq!(format_http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
pub fn format_http_date(unix_seconds: u64) -> String {
    let days = unix_seconds / 86_400;
    let seconds = unix_seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    // The Unix epoch was a Thursday.
    let weekday = DAY_NAMES[(days % 7) as usize];
    let month = MONTH_NAMES[(month - 1) as usize];
    format!(
        "{weekday}, {day:02} {month} {year:04} {:02}:{:02}:{:02} GMT",
        seconds / 3600,
        seconds % 3600 / 60,
        seconds % 60
    )
}

fn is_leap(year: u32) -> bool {
    year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400))
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date on or after it (Howard
/// Hinnant's `days_from_civil`).
fn days_from_civil(year: u32, month: u32, day: u32) -> u64 {
    let year = u64::from(if month <= 2 { year - 1 } else { year });
    let era = year / 400;
    let yoe = year - era * 400;
    let month = u64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + u64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the Unix epoch on the local clock (0 for a clock set before it).
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// The date `(year, month, day)` of a day count since 1970-01-01, by Howard Hinnant's
/// `civil_from_days`; used for the credential scope's date in [`crate::signing`], and by
/// the local endpoint for the times it answers.
///
/// ```
/// assert_eq!(vpc_client::clock::civil_from_days(0), (1970, 1, 1));
/// assert_eq!(vpc_client::clock::civil_from_days(17_869), (2018, 12, 4));
/// ```
pub fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        let cases = [
            ("Thu, 01 Jan 1970 00:00:00 GMT", 0),
            ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777),
            ("Tue, 29 Feb 2000 23:59:59 GMT", 951_868_799),
            ("Tue, 14 Nov 2023 22:13:20 GMT", 1_700_000_000),
            ("Fri, 01 Jan 2100 00:00:00 GMT", 4_102_444_800),
        ];
        for (text, seconds) in cases {
            assert_eq!(parse_http_date(text), Some(seconds), "{text}");
            assert_eq!(format_http_date(seconds), text);
        }
    }

    #[test]
    fn round_trips_across_the_calendar() {
        for seconds in (0..5_000_000_000u64).step_by(86_399 * 37) {
            assert_eq!(
                parse_http_date(&format_http_date(seconds)),
                Some(seconds),
                "{seconds}"
            );
        }
    }

    #[test]
    fn rejects_other_forms_and_impossible_dates() {
        for text in [
            "",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Xyz, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 30 Feb 2000 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 00 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sun, 06 Nov 1969 08:49:37 GMT",
            "Sun, 06 Nov 19a4 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT ",
            "Sun, 06 Nov 1994 08:49:+7 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMTX",
            "Sun, 06 Nov 1994 08:49:3７ GMT",
        ] {
            // Surrounding whitespace is allowed (header values may carry it).
            if text.trim() != text {
                assert!(parse_http_date(text).is_some(), "{text:?}");
                continue;
            }
            assert_eq!(parse_http_date(text), None, "{text:?}");
        }
    }
}
