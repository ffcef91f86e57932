//! `X-Date`, the request time the signature covers: `YYYYMMDDTHHMMSSZ` in UTC, whose first
//! eight characters are the date of the credential scope.

use std::time::{SystemTime, UNIX_EPOCH};

/// The date part (`YYYYMMDD`) of an `X-Date`.
pub(super) fn date_of(x_date: &str) -> &str {
    x_date.get(..8).unwrap_or(x_date)
}

/// `X-Date` for `time`: `YYYYMMDDTHHMMSSZ` in UTC.
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use volcengine_runtime::signing::format_x_date;
///
/// assert_eq!(format_x_date(UNIX_EPOCH), "19700101T000000Z");
/// assert_eq!(format_x_date(UNIX_EPOCH + Duration::from_secs(951_782_400)), "20000229T000000Z");
/// ```
pub fn format_x_date(time: SystemTime) -> String {
    let mut fixed = [0u8; 16];
    if let Some(x_date) = write_x_date(time, &mut fixed) {
        return x_date.to_owned();
    }
    let (year, month, day, second_of_day) = civil_of(time);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// [`format_x_date`] into `out` without allocating, for years 0 to 9999 (`None` otherwise).
pub(crate) fn write_x_date(time: SystemTime, out: &mut [u8; 16]) -> Option<&str> {
    let (year, month, day, second_of_day) = civil_of(time);
    let year = u32::try_from(year).ok().filter(|year| *year <= 9999)?;
    let second_of_day = u32::try_from(second_of_day).ok()?;
    let fields = [
        (year, 4),
        (month, 2),
        (day, 2),
        (second_of_day / 3600, 2),
        (second_of_day / 60 % 60, 2),
        (second_of_day % 60, 2),
    ];
    let mut at = 0;
    for (index, (mut value, width)) in fields.into_iter().enumerate() {
        if index == 3 {
            out[at] = b'T';
            at += 1;
        }
        for position in (at..at + width).rev() {
            out[position] = b'0' + (value % 10) as u8;
            value /= 10;
        }
        at += width;
    }
    out[15] = b'Z';
    std::str::from_utf8(&out[..]).ok()
}

/// (year, month, day, second of the day) of `time` in UTC.
fn civil_of(time: SystemTime) -> (i64, u32, u32, i64) {
    let seconds: i64 = match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
        Err(before) => {
            let before = before.duration();
            let whole = i64::try_from(before.as_secs()).unwrap_or(i64::MAX);
            -whole - i64::from(before.subsec_nanos() > 0)
        }
    };
    let days = seconds.div_euclid(86_400);
    let second_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    (year, month, day, second_of_day)
}

/// Proleptic Gregorian (year, month, day) of a count of days since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Shift the epoch to 0000-03-01, so leap days end each 400-year era's years.
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097); // [0, 146096]
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365; // [0, 399]
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100); // [0, 365]
    let month_from_march = (5 * day_of_year + 2) / 153; // [0, 11]
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1; // [1, 31]
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are within range by construction.
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn at(seconds: u64) -> String {
        format_x_date(UNIX_EPOCH + Duration::from_secs(seconds))
    }

    #[test]
    fn x_date_of_known_instants() {
        assert_eq!(at(0), "19700101T000000Z");
        assert_eq!(at(86_399), "19700101T235959Z");
        // 2000-02-29 (leap day of a year divisible by 400) and the day after.
        assert_eq!(at(951_782_400), "20000229T000000Z");
        assert_eq!(at(951_868_800), "20000301T000000Z");
        // 2024-02-29T12:34:56Z.
        assert_eq!(at(1_709_210_096), "20240229T123456Z");
        // 2023-12-31T23:59:59Z, then the new year.
        assert_eq!(at(1_704_067_199), "20231231T235959Z");
        assert_eq!(at(1_704_067_200), "20240101T000000Z");
        // 2100-03-01 (2100 is not a leap year).
        assert_eq!(at(4_107_542_400), "21000301T000000Z");
        // Before the epoch.
        assert_eq!(
            format_x_date(UNIX_EPOCH - Duration::from_secs(1)),
            "19691231T235959Z"
        );
        // Year 10000: no longer 16 characters, but no panic either.
        assert_eq!(
            format_x_date(UNIX_EPOCH + Duration::from_secs(253_402_300_800)),
            "100000101T000000Z"
        );
    }
}
