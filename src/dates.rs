//! Dates as pages write them → the forms the front matter uses.

use std::sync::LazyLock;

use chrono::{DateTime, NaiveDate, SecondsFormat};
use regex::Regex;

/// Year, month, day with any separators: `2025.1.14`, `2024年3月5日`, `2023-1-5`, `2023/01/05`.
static YMD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(\d{4})\s*[年./\-／．]\s*(\d{1,2})\s*[月./\-／．]\s*(\d{1,2})")
        .expect("valid date pattern")
});

/// A calendar date in a card or a date line → `YYYY-MM-DD`, when it is a real date.
pub fn ymd(text: &str) -> Option<String> {
    let caps = YMD.captures(text)?;
    let number = |i: usize| caps.get(i)?.as_str().parse::<u32>().ok();
    let year = i32::try_from(number(1)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(2)?, number(3)?)?;
    Some(date.format("%Y-%m-%d").to_string())
}

/// The `日期：` header line: RFC 2822 (`Thu, 02 Jul 2020 18:28:24 +0000`), dated in its own
/// offset, or anything `ymd` reads.
pub fn date_line(text: &str) -> Option<String> {
    if let Ok(when) = DateTime::parse_from_rfc2822(text.trim()) {
        return Some(when.format("%Y-%m-%d").to_string());
    }
    if let Ok(when) = DateTime::parse_from_rfc3339(text.trim()) {
        return Some(when.format("%Y-%m-%d").to_string());
    }
    ymd(text)
}

/// Milliseconds since the epoch → RFC 3339 in UTC (`2025-01-15T02:59:30Z`).
pub fn archived(ms: i64) -> Option<String> {
    DateTime::from_timestamp_millis(ms).map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_date_forms() {
        assert_eq!(ymd("2025.1.14").as_deref(), Some("2025-01-14"));
        assert_eq!(ymd("2024年3月5日").as_deref(), Some("2024-03-05"));
        assert_eq!(ymd("2023-1-5").as_deref(), Some("2023-01-05"));
        assert_eq!(ymd(" 2023/01/05 ").as_deref(), Some("2023-01-05"));
        assert_eq!(ymd("2023年 12 月 31 日").as_deref(), Some("2023-12-31"));
        assert_eq!(ymd("2023.2.30"), None);
        assert_eq!(ymd("2023.13.1"), None);
        assert_eq!(ymd("昨天"), None);
    }

    #[test]
    fn date_lines() {
        assert_eq!(
            date_line("Thu, 02 Jul 2020 18:28:24 +0000").as_deref(),
            Some("2020-07-02")
        );
        assert_eq!(
            date_line("Thu, 02 Jul 2020 23:28:24 -0800").as_deref(),
            Some("2020-07-02")
        );
        assert_eq!(
            date_line("02 Jul 2020 18:28:24 GMT").as_deref(),
            Some("2020-07-02")
        );
        assert_eq!(
            date_line("2020-07-02T10:00:00+08:00").as_deref(),
            Some("2020-07-02")
        );
        assert_eq!(date_line("nonsense"), None);
    }

    #[test]
    fn archived_time() {
        assert_eq!(
            archived(1_736_909_970_000).as_deref(),
            Some("2025-01-15T02:59:30Z")
        );
        assert_eq!(
            archived(1_736_909_970_250).as_deref(),
            Some("2025-01-15T02:59:30.250Z")
        );
        assert_eq!(archived(i64::MAX), None);
    }
}
