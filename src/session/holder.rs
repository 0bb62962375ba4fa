//! The holder of an assessment's lock in words: whose secassess, on which computer,
//! since when and how long ago; why a stale lock keeps the file read-only and what the
//! user can do; what taking it over overrides.

use std::path::Path;

use chrono::{DateTime, Local, Utc};

use crate::store::{lock, LockInfo, Staleness};
use crate::text::sanitise_line;

/// "Ann Lead <ann@nhs.net>'s secassess (process 4242) on this computer", or "on computer
/// WARD-PC (account alead)" for another host. Sanitised.
pub(super) fn holder_phrase(info: &LockInfo) -> String {
    let who = sanitise_line(&info.holder);
    if info.host.is_empty() {
        return format!("{who}'s secassess");
    }
    if info.host == lock::this_host() {
        return format!("{who}'s secassess (process {}) on this computer", info.pid);
    }
    let account = info
        .account
        .as_deref()
        .map(|a| format!(", account {}", sanitise_line(a)))
        .unwrap_or_default();
    format!(
        "{who}'s secassess on computer {}{account}",
        sanitise_line(&info.host)
    )
}

/// Why a stale lock keeps the file read-only, and what the user can do about it.
pub(super) fn stale_reason(
    info: &LockInfo,
    staleness: Staleness,
    lock_file: &Path,
    now: DateTime<Utc>,
) -> String {
    let holder = holder_phrase(info);
    let since = since(info.started_at, now);
    let age = age(info.started_at, now);
    let lock_file = sanitise_line(&lock_file.display().to_string());
    match staleness {
        Staleness::Ended => format!(
            "it was left open by {holder} since {since} ({age}), which is no longer running; it can be taken over"
        ),
        Staleness::PidReused => format!(
            "it was left open by {holder} since {since} ({age}); that secassess has ended and its process number now belongs to another program, so it can be taken over"
        ),
        Staleness::OwnPid => format!(
            "it was left open by {holder} since {since} ({age}): that process number is now this secassess's own, so the program that wrote the lock has ended; it can be taken over"
        ),
        Staleness::Unreadable => format!(
            "its lock file {lock_file} cannot be read, so nobody can be shown as holding it; it can be taken over (or delete {lock_file} once you are sure no secassess has the file open)"
        ),
        Staleness::OtherHost => format!(
            "it is locked by {holder} since {since} ({age}), and this computer cannot see whether it is still open there. If it is, ask them to close it. If you are sure it is not (that computer crashed or was switched off, or the lock is old), it can be taken over: their secassess will then refuse to save over your work. Deleting {lock_file} also clears it"
        ),
        Staleness::Unverifiable => format!(
            "it is locked by {holder} since {since} ({age}); the lock does not say when that program started and process {} is running, so it may still be open. Close it there if it is; if you are sure it is not, it can be taken over. Deleting {lock_file} also clears it",
            info.pid
        ),
    }
}

/// What taking over a lock overrides, in one sentence: "Took over the lock held by Ann
/// Lead's secassess on computer WARD-PC since 2026-09-01 10:00 (2 months ago)."
/// Sanitised.
pub fn take_over_notice(info: &LockInfo, now: DateTime<Utc>) -> String {
    if info.is_unreadable() {
        // A lock file that was garbage, a pipe or a device names nobody and no time.
        return "Took over the lock: its lock file could not be read, so it named nobody."
            .to_string();
    }
    format!(
        "Took over the lock held by {} since {} ({}).",
        holder_phrase(info),
        since(info.started_at, now),
        age(info.started_at, now)
    )
}

/// "09:41" on the day of `now`, "2025-06-01 09:41" on another day, in the user's local
/// time (the offset in force at `at`).
pub(super) fn since(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    if local.date_naive() == now.with_timezone(&Local).date_naive() {
        local.format("%H:%M").to_string()
    } else {
        local.format("%Y-%m-%d %H:%M").to_string()
    }
}

/// How long ago `at` was, in rough words: "3 minutes ago", "2 months ago".
pub fn age(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes();
    let plural = |n: i64, unit: &str| format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" });
    match minutes {
        i64::MIN..=0 => String::from("just now"),
        1..=59 => plural(minutes, "minute"),
        60..=2879 => plural(minutes / 60, "hour"),
        2880..=86_399 => plural(minutes / 1440, "day"),
        86_400..=1_051_199 => plural(minutes / 43_200, "month"),
        _ => plural(minutes / 525_600, "year"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_s_age_is_said_in_rough_words() {
        let now = Utc::now();
        assert_eq!(age(now, now), "just now");
        assert_eq!(age(now - chrono::Duration::minutes(1), now), "1 minute ago");
        assert_eq!(age(now - chrono::Duration::hours(5), now), "5 hours ago");
        assert_eq!(age(now - chrono::Duration::days(3), now), "3 days ago");
        assert_eq!(age(now - chrono::Duration::days(61), now), "2 months ago");
        assert_eq!(age(now - chrono::Duration::days(800), now), "2 years ago");
    }
}
