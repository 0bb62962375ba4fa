//! `secassess diff OLD NEW [--format text|json]`: what differs between two assessment
//! files (answers, obligations, findings), e.g. last year's against this year's; and
//! `secassess diff FILE --since-sign-off`: what the audit trail records after the last
//! sign-off, and which review decisions are stale. Reads only; exit 0 whatever it finds,
//! 2 when a file cannot be read.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use secassess::assessment::diff::{self, ChangeKind, Diff, SinceSignOff};
use secassess::questionnaire::expr::Truth;
use secassess::store;
use secassess::text::sanitise_line;

use super::show::local_time;
use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The earlier assessment file (or, with --since-sign-off, the only one).
    old: PathBuf,

    /// The later assessment file.
    #[arg(required_unless_present = "since_sign_off")]
    new: Option<PathBuf>,

    /// Instead of comparing two files: what changed in OLD after its last sign-off.
    #[arg(long, conflicts_with = "new")]
    since_sign_off: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let mut out = std::io::stdout().lock();
    let old = store::load(&args.old)?.assessment;
    let Some(new_path) = &args.new else {
        let evidence = store::evidence::observe_evidence(&old, &args.old);
        let since = diff::since_sign_off(&old, &evidence);
        match args.format {
            Format::Json => writeln!(
                out,
                "{}",
                to_json(&serde_json::json!({"file": args.old, "since_sign_off": since}))?
            )?,
            Format::Text => match &since {
                None => writeln!(
                    out,
                    "{} has not been signed off.",
                    sanitise_line(&args.old.display().to_string())
                )?,
                Some(s) => write_since(&mut out, s)?,
            },
        }
        return Ok(ExitCode::SUCCESS);
    };
    let new = store::load(new_path)?.assessment;
    let catalogue = context.catalogue()?;
    let d = diff::diff(&old, &new, &catalogue);
    match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            to_json(&serde_json::json!({"old": args.old, "new": new_path, "diff": d}))?
        )?,
        Format::Text => write_diff(&mut out, &d)?,
    }
    Ok(ExitCode::SUCCESS)
}

fn or_none(value: Option<&String>) -> String {
    value.map_or_else(|| String::from("(none)"), |v| sanitise_line(v))
}

fn truth(t: Option<Truth>) -> &'static str {
    match t {
        Some(Truth::True) => "applies",
        Some(Truth::False) => "does not apply",
        Some(Truth::Unknown) => "may apply",
        None => "not in the questionnaires",
    }
}

fn write_diff(out: &mut impl Write, d: &Diff) -> std::io::Result<()> {
    if d.is_empty() {
        return writeln!(out, "No differences in answers, obligations or findings.");
    }
    writeln!(out, "Answers ({} differ):", d.answers.len())?;
    for a in &d.answers {
        let id = sanitise_line(&a.question);
        match a.change {
            ChangeKind::Added => writeln!(out, "  + {id}: {}", or_none(a.new.as_ref()))?,
            ChangeKind::Removed => {
                writeln!(out, "  - {id}: {} (removed)", or_none(a.old.as_ref()))?
            }
            ChangeKind::Changed if a.old == a.new => writeln!(out, "  ~ {id}: notes only")?,
            ChangeKind::Changed => writeln!(
                out,
                "  ~ {id}: {} -> {}",
                or_none(a.old.as_ref()),
                or_none(a.new.as_ref())
            )?,
        }
        if let Some((old, new)) = &a.notes {
            writeln!(
                out,
                "      notes: \"{}\" -> \"{}\"",
                sanitise_line(old),
                sanitise_line(new)
            )?;
        }
    }
    writeln!(out, "Obligations ({} differ):", d.obligations.len())?;
    for o in &d.obligations {
        let status = |s: Option<secassess::rules::Status>| s.map_or("-", |s| s.name());
        writeln!(
            out,
            "  {} ({}): {} -> {}; {} -> {}",
            sanitise_line(&o.id),
            o.level.name(),
            status(o.old_status),
            status(o.new_status),
            truth(o.old_applies),
            truth(o.new_applies)
        )?;
    }
    writeln!(out, "Findings ({} differ):", d.findings.len())?;
    for f in &d.findings {
        let status =
            |s: Option<secassess::assessment::record::FindingStatus>| s.map_or("-", |s| s.label());
        let what = match f.change {
            ChangeKind::Added => format!("added, {}", status(f.new_status)),
            ChangeKind::Removed => format!("removed (was {})", status(f.old_status)),
            ChangeKind::Changed => {
                let mut w = format!("{} -> {}", status(f.old_status), status(f.new_status));
                if f.details_changed {
                    w.push_str("; details changed");
                }
                w
            }
        };
        writeln!(
            out,
            "  {} {}: {what}",
            sanitise_line(&f.id),
            sanitise_line(&f.title)
        )?;
    }
    Ok(())
}

fn write_since(out: &mut impl Write, s: &SinceSignOff) -> std::io::Result<()> {
    writeln!(
        out,
        "Signed off by {} on {}; {}.",
        sanitise_line(&s.signed_by),
        local_time(s.signed_at),
        if s.changed || !s.evidence_changed.is_empty() {
            "CHANGED SINCE SIGN-OFF"
        } else {
            "the content is what was signed off"
        }
    )?;
    if !s.answers_changed.is_empty() {
        writeln!(
            out,
            "Answers changed since: {}",
            sanitise_line(&s.answers_changed.join(", "))
        )?;
    }
    if !s.evidence_changed.is_empty() {
        writeln!(
            out,
            "Evidence files changed since they were attached: {}",
            sanitise_line(&s.evidence_changed.join("; "))
        )?;
    }
    if !s.stale_reviews.is_empty() {
        writeln!(
            out,
            "Review decisions now stale: {}",
            sanitise_line(&s.stale_reviews.join(", "))
        )?;
    }
    writeln!(
        out,
        "Audit entries after the sign-off ({}):",
        s.entries.len()
    )?;
    for e in &s.entries {
        let change = match (e.entry.old.is_empty(), e.entry.new.is_empty()) {
            (true, true) => String::new(),
            (true, false) => format!(": {}", e.entry.new),
            (false, _) => format!(": {} -> {}", e.entry.old, e.entry.new),
        };
        writeln!(
            out,
            "  {}. {} {} {} by {}{}",
            e.position,
            local_time(e.entry.at),
            sanitise_line(&e.entry.action),
            sanitise_line(&e.entry.subject),
            sanitise_line(&e.entry.who),
            sanitise_line(&change)
        )?;
    }
    Ok(())
}
