//! Bringing an assessment written in an older file format up to the current one, as a
//! table of steps each taking the raw TOML table from one `schema_version` to the next.
//!
//! Working on the raw table, not the typed record, is what lets a step rename or move a
//! field the current `Assessment` no longer knows. Version 1 is the first format, so
//! [`STEPS`] is empty today: the mechanism is exercised by tests with a test-only step,
//! and the first real format change adds its step here. The store keeps the original
//! file when it saves a migrated assessment.

use toml::{Table, Value};

/// One step: turns a table at `from` into a table at `from + 1`.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    pub from: u32,
    /// What changed, for the message shown when a file is migrated.
    pub describe: &'static str,
    pub apply: fn(&mut Table) -> Result<(), String>,
}

/// The real migration steps, oldest first. None yet: version 1 is the first format.
pub const STEPS: &[Step] = &[];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    #[error("schema_version {found} is older than any format this build can read (it can migrate from version {oldest} on)")]
    NoPath { found: u32, oldest: u32 },
    #[error("migrating from schema version {from} to {}: {message}", from + 1)]
    StepFailed { from: u32, message: String },
}

/// Applies the steps from `found` up to `target`, setting `schema_version` after each, and
/// returns what each applied step changed. The table is left untouched on error, so a
/// failed migration never half-changes what the caller holds.
pub fn migrate(
    table: &mut Table,
    found: u32,
    target: u32,
    steps: &[Step],
) -> Result<Vec<&'static str>, MigrationError> {
    let mut working = table.clone();
    let mut applied = Vec::new();
    for version in found..target {
        let Some(step) = steps.iter().find(|s| s.from == version) else {
            return Err(MigrationError::NoPath {
                found,
                oldest: steps.iter().map(|s| s.from).min().unwrap_or(target),
            });
        };
        (step.apply)(&mut working).map_err(|message| MigrationError::StepFailed {
            from: version,
            message,
        })?;
        working.insert(
            "schema_version".into(),
            Value::Integer(i64::from(version) + 1),
        );
        applied.push(step.describe);
    }
    *table = working;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A made-up version 0 that kept the system name at the top level, to test the
    /// mechanism; no such file was ever written.
    fn system_name_moved(table: &mut Table) -> Result<(), String> {
        let name = table
            .remove("system_name")
            .ok_or("there is no system_name")?;
        let mut system = Table::new();
        system.insert("name".into(), name);
        table.insert("system".into(), Value::Table(system));
        Ok(())
    }

    const TEST_STEPS: &[Step] = &[Step {
        from: 0,
        describe: "system_name moved to [system] name",
        apply: system_name_moved,
    }];

    fn table(text: &str) -> Table {
        toml::from_str(text).unwrap_or_default()
    }

    #[test]
    fn steps_apply_in_order_and_set_the_version() {
        let mut t = table("schema_version = 0\nsystem_name = \"Patient portal\"\n");
        let applied = migrate(&mut t, 0, 1, TEST_STEPS);
        assert_eq!(applied, Ok(vec!["system_name moved to [system] name"]));
        assert_eq!(
            t,
            table("schema_version = 1\n[system]\nname = \"Patient portal\"\n")
        );
    }

    #[test]
    fn the_current_version_needs_no_step() {
        let mut t = table("schema_version = 1\n");
        assert_eq!(migrate(&mut t, 1, 1, STEPS), Ok(vec![]));
    }

    #[test]
    fn a_failed_step_leaves_the_table_unchanged() {
        let original = table("schema_version = 0\nname = \"x\"\n");
        let mut t = original.clone();
        let result = migrate(&mut t, 0, 1, TEST_STEPS);
        assert_eq!(
            result,
            Err(MigrationError::StepFailed {
                from: 0,
                message: "there is no system_name".into()
            })
        );
        assert_eq!(t, original);
    }

    #[test]
    fn a_version_without_steps_is_refused() {
        let mut t = table("schema_version = 0\n");
        assert_eq!(
            migrate(&mut t, 0, 1, STEPS),
            Err(MigrationError::NoPath {
                found: 0,
                oldest: 1
            })
        );
    }
}
