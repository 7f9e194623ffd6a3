//! The local time zone, for "today" and for local times in signer files.
//!
//! jiff's `TimeZone::system()` looks the zone's name up in the zoneinfo
//! database, which means listing every folder of it: a few milliseconds that
//! a pre-commit hook pays on every commit. When `TZ` is unset the zone is
//! `/etc/localtime`'s rules, read directly.

use std::sync::OnceLock;

use jiff::tz::TimeZone;

/// The local time zone, computed once.
pub fn zone() -> TimeZone {
    static ZONE: OnceLock<TimeZone> = OnceLock::new();
    ZONE.get_or_init(|| {
        if std::env::var_os("TZ").is_none()
            && let Ok(data) = std::fs::read("/etc/localtime")
            && let Ok(zone) = TimeZone::tzif("Local", &data)
        {
            return zone;
        }
        TimeZone::system()
    })
    .clone()
}

static TODAY: OnceLock<jiff::civil::Date> = OnceLock::new();

/// Check as of another day (`--today`): rules' activation dates, policy
/// packs' terms and approvals' expiry are judged on it. Set once, before
/// the check.
pub fn set_today(day: jiff::civil::Date) {
    let _ = TODAY.set(day);
}

/// Today's date where the user is, whatever `--today` says: the day an
/// approval is granted on.
pub fn real_today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned_datetime(zone()).date()
}

/// Today's date where the user is, or the day set by [`set_today`].
pub fn today() -> jiff::civil::Date {
    if let Some(day) = TODAY.get() {
        return *day;
    }
    jiff::Timestamp::now().to_zoned_datetime(zone()).date()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_zone_gives_the_same_date_as_jiff_system_zone() {
        let now = jiff::Timestamp::now();
        let ours = now.to_zoned_datetime(zone());
        let jiffs = now.to_zoned_datetime(TimeZone::system());
        assert_eq!(ours.offset(), jiffs.offset());
        assert_eq!(ours.date(), jiffs.date());
    }
}
