//! Which clock times are shown in: the user's local time zone, converted with the offset
//! in force at each instant (an answer given in July shows in summer time, one given in
//! January in winter time, whatever the date today), or a fixed offset for tests and
//! snapshots. Rendering stays a function of the app's state and the time zone rules.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, Offset, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Zone {
    /// The computer's time zone (on Unix, `TZ` or the system's), with its summer time.
    Local,
    /// One offset for every instant (UTC in tests).
    Fixed(FixedOffset),
}

impl Zone {
    /// `at` as a local date and time, with the offset in force at that instant.
    pub fn local(self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        match self {
            Zone::Local => at.with_timezone(&Local).fixed_offset(),
            Zone::Fixed(offset) => at.with_timezone(&offset),
        }
    }

    /// The local date at instant `at`.
    pub fn date(self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date_naive()
    }
}

impl Default for Zone {
    /// UTC: what the app starts with until the shell says otherwise.
    fn default() -> Zone {
        Zone::Fixed(Utc.fix())
    }
}
