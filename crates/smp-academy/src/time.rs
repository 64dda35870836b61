//! Time as the academy stores it: Unix seconds (UTC), shown as dates and minutes, without a
//! time-zone database (everything is UTC).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Days since the epoch → (year, month, day), proleptic Gregorian (Howard Hinnant's
/// `civil_from_days`).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since the epoch (`days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a time.
pub fn date(t: i64) -> String {
    let (y, m, d) = civil_from_days(t.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `YYYY-MM-DD HH:MM` (UTC) of a time.
pub fn minute(t: i64) -> String {
    let s = t.rem_euclid(86_400);
    format!("{} {:02}:{:02}", date(t), s / 3600, s % 3600 / 60)
}

/// A due time from `YYYY-MM-DD` (the end of that day, 23:59:59 UTC) or `YYYY-MM-DDTHH:MM`
/// (that minute, UTC). `None` when it is neither.
pub fn parse_due(s: &str) -> Option<i64> {
    let s = s.trim();
    let (day, clock) = match s.split_once(['T', ' ']) {
        Some((d, c)) => (d, Some(c)),
        None => (s, None),
    };
    if !smp_core::text::valid_date(day) {
        return None;
    }
    let y: i64 = day.get(0..4)?.parse().ok()?;
    let m: u32 = day.get(5..7)?.parse().ok()?;
    let d: u32 = day.get(8..10)?.parse().ok()?;
    let days = days_from_civil(y, m, d);
    if civil_from_days(days) != (y, m, d) {
        return None;
    }
    let start = days * 86_400;
    match clock {
        None => Some(start + 86_399),
        Some(c) => {
            let (h, min) = c.trim_end_matches('Z').split_once(':')?;
            let (h, min): (i64, i64) = (h.parse().ok()?, min.get(..2)?.parse().ok()?);
            ((0..24).contains(&h) && (0..60).contains(&min)).then_some(start + h * 3600 + min * 60)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(minute(1_795_000_000), "2026-11-18 11:06");
        for t in [0, 951_782_400, 1_709_164_800, 4_102_444_800] {
            let d = date(t);
            assert_eq!(
                parse_due(&d),
                Some(t - t.rem_euclid(86_400) + 86_399),
                "{d}"
            );
        }
        assert_eq!(
            parse_due("2026-12-01T09:30"),
            parse_due("2026-12-01").map(|t| t - 86_399 + 9 * 3600 + 1800)
        );
        assert_eq!(parse_due("2026-02-30"), None);
        assert_eq!(parse_due("tomorrow"), None);
        assert_eq!(parse_due("2026-12-01T25:00"), None);
    }
}
