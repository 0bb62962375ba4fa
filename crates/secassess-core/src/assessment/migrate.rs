//! Bringing an assessment written in an older file format up to the current one, as a
//! table of steps each taking the raw TOML table from one `schema_version` to the next.
//!
//! Working on the raw table, not the typed record, is what lets a step rename or move a
//! field the current `Assessment` no longer knows. The store keeps the original file when
//! it saves a migrated assessment.
//!
//! Steps run whenever an older file is read, so a read-only command (`verify`, `export`)
//! sees the file as it will be saved; they must be deterministic (no clock).

use toml::{Table, Value};

/// One step: turns a table at `from` into a table at `from + 1`.
#[derive(Debug, Clone, Copy)]
pub struct Step {
    /// The `schema_version` it reads; it leaves the table at `from + 1` ([`migrate`] sets
    /// the number).
    pub from: u32,
    /// What changed, for the message shown when a file is migrated.
    pub describe: &'static str,
    /// The change, made on the raw TOML table of the whole file. `Err` says, in words,
    /// why the file cannot be migrated (see [`MigrationError::StepFailed`]).
    pub apply: fn(&mut Table) -> Result<(), String>,
}

/// The real migration steps, oldest first.
pub const STEPS: &[Step] = &[
    Step {
        from: 1,
        describe: "the system, assessor, creation time and questionnaire list are now pinned by the audit trail",
        apply: pin_header_v2,
    },
    Step {
        from: 2,
        describe: "sign-offs, risk acceptances and exception approvals can now carry an SSH signature",
        apply: signatures_v3,
    },
];

/// 2 to 3: format 3 adds optional SSH signatures (and the signing key's fingerprint in a
/// sign-off's audit pin). A format 2 file has none, so nothing changes but the version:
/// its sign-offs read as unsigned, which they are. A `signature` already in a format 2
/// file was not written by secassess, and is refused here rather than believed.
fn signatures_v3(table: &mut Table) -> Result<(), String> {
    let signed = |t: Option<&Value>| {
        t.and_then(Value::as_table)
            .is_some_and(|t| t.contains_key("signature"))
    };
    let mut places = Vec::new();
    if signed(table.get("sign_off")) {
        places.push(String::from("[sign_off]"));
    }
    if let Some(findings) = table.get("findings").and_then(Value::as_array) {
        for f in findings.iter().filter_map(Value::as_table) {
            let id = f.get("id").and_then(Value::as_str).unwrap_or("?");
            for part in ["acceptance", "exception"] {
                if signed(f.get(part)) {
                    places.push(format!("finding {id} {part}"));
                }
            }
        }
    }
    if places.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "it says schema_version 2, but has signatures ({}), which format 2 never had: the file was edited; restore it from its .bak or a copy you trust",
            places.join(", ")
        ))
    }
}

/// Who the entry written by a migration is recorded as.
pub const MIGRATION_ACTOR: &str = "secassess (file format migration)";

/// 1 to 2: format 1 did not record the assessment's creation, so its system, assessor,
/// creation time and questionnaire list could be edited unseen. This appends one
/// `migrated` entry pinning them as they are found (nothing can tell an earlier edit), at
/// the time of the file's last change, so reading the same file always gives the same
/// result. From then on `verify` checks them like everything else.
///
/// It reads the table through the current record type, which works while later formats
/// only add optional fields; a later step that makes a field required must give this
/// step its own copy of the format 2 types.
fn pin_header_v2(table: &mut Table) -> Result<(), String> {
    use super::audit::Action;
    use super::changes::pin_header;
    use super::record::{Assessment, Person};
    let mut assessment: Assessment = Value::Table(table.clone())
        .try_into()
        .map_err(|e: toml::de::Error| format!("cannot read it as a format 1 assessment: {e}"))?;
    let pinned = assessment.audit.iter().any(|e| {
        super::audit::HEADER_ACTIONS
            .iter()
            .any(|a| a.name() == e.action)
    });
    if pinned {
        // Format 1 never wrote these entries: the version number was edited. Pinning the
        // details as they are now would hide an edit, so `verify` checks the entries there.
        return Ok(());
    }
    let at = assessment
        .audit
        .last()
        .map_or(assessment.updated_at, |e| e.at.max(assessment.updated_at));
    let who = Person {
        name: MIGRATION_ACTOR.to_string(),
        ..Person::default()
    };
    pin_header(
        &mut assessment,
        Action::Migrated,
        String::from(
            "file format 1: system, assessor, creation time and questionnaires not pinned",
        ),
        &who,
        at,
    );
    assessment.updated_at = at;
    *table = Table::try_from(&assessment).map_err(|e| format!("cannot write it back: {e}"))?;
    Ok(())
}

/// Why a file in an older format could not be brought up to the current one. What the
/// caller holds is left as it was.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// No step reads one of the versions on the way: the file is older than any format
    /// this build migrates from.
    #[error("schema_version {found} is older than any format this build can read (it can migrate from version {oldest} on)")]
    NoPath {
        /// The `schema_version` in the file.
        found: u32,
        /// The oldest version a step reads (the target when there are no steps).
        oldest: u32,
    },
    /// A step refused the file, for example a format 2 file carrying signatures, which
    /// format 2 never had.
    #[error("migrating from schema version {from} to {}: {message}", from + 1)]
    StepFailed {
        /// The version the failing step reads.
        from: u32,
        /// What the step found wrong, and what to do.
        message: String,
    },
}

/// Applies the steps from `found` up to `target`, setting `schema_version` after each, and
/// returns what each applied step changed ([`Step::describe`], oldest first). The table
/// is left untouched on error, so a failed migration never half-changes what the caller
/// holds.
///
/// Errors: [`MigrationError::NoPath`] when `steps` has no step from some version between
/// `found` and `target`; [`MigrationError::StepFailed`] when a step refuses the table.
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
        let mut t = table("schema_version = 3\n");
        assert_eq!(migrate(&mut t, 3, 3, STEPS), Ok(vec![]));
    }

    #[test]
    fn format_2_gains_the_version_and_nothing_else() {
        let mut t = table("schema_version = 2\n[sign_off]\nstatement = \"ok\"\n");
        let applied = migrate(&mut t, 2, 3, STEPS).expect("migrates");
        assert_eq!(applied.len(), 1);
        assert_eq!(
            t,
            table("schema_version = 3\n[sign_off]\nstatement = \"ok\"\n")
        );
        // A signature in a format 2 file was not written by secassess.
        let mut forged = table(
            "schema_version = 2\n[[findings]]\nid = \"F-001\"\n[findings.acceptance.signature]\nsshsig = \"x\"\n",
        );
        let error = migrate(&mut forged, 2, 3, STEPS).expect_err("refused");
        assert!(
            error.to_string().contains("finding F-001 acceptance"),
            "{error}"
        );
    }

    #[test]
    fn format_1_gets_its_header_pinned_once_and_deterministically() {
        use crate::assessment::record::{header_pin, Assessment, Person, System};
        let catalogue = crate::questionnaire::load_embedded().expect("content loads");
        let who = Person {
            name: "Ann Lead".into(),
            role: "Project lead".into(),
            email: "ann@example.org".into(),
        };
        let at = chrono::DateTime::from_timestamp(1_790_000_000, 0).expect("valid");
        let mut old = Assessment::new(System::default(), who, &catalogue, at);
        // What format 1 wrote: no creation entry.
        old.audit.clear();
        old.schema_version = 1;
        let mut t = Table::try_from(&old).expect("serialises");
        let applied = migrate(&mut t, 1, 2, STEPS).expect("migrates");
        assert_eq!(applied.len(), 1);
        let mut t3 = t.clone();
        assert_eq!(migrate(&mut t3, 2, 3, STEPS).map(|a| a.len()), Ok(1));
        let again = {
            let mut t = Table::try_from(&old).expect("serialises");
            migrate(&mut t, 1, 2, STEPS).expect("migrates");
            t
        };
        assert_eq!(t, again, "the same file always migrates the same way");
        let new: Assessment = Value::Table(t).try_into().expect("reads");
        assert_eq!(new.schema_version, 2);
        assert_eq!(new.audit.len(), 1);
        assert_eq!(new.audit[0].action, "migrated");
        assert_eq!(new.audit[0].who, MIGRATION_ACTOR);
        assert_eq!(new.audit[0].at, at);
        assert_eq!(new.audit[0].pin, header_pin(&new));

        // A format 2 file whose version was edited back to 1 is not pinned again: its
        // edited details still show in verify.
        let mut edited = new.clone();
        edited.schema_version = 1;
        edited.system.name = "Something else".into();
        let mut t = Table::try_from(&edited).expect("serialises");
        migrate(&mut t, 1, 2, STEPS).expect("migrates");
        let after: Assessment = Value::Table(t).try_into().expect("reads");
        assert_eq!(after.audit.len(), 1, "nothing appended");
        assert_ne!(after.audit[0].pin, header_pin(&after));
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
            migrate(&mut t, 0, 2, STEPS),
            Err(MigrationError::NoPath {
                found: 0,
                oldest: 1
            })
        );
    }
}
