//! `secassess check FILE [--format text|json] [--date YYYY-MM-DD]`: the pipeline gate.
//! Exit 0 when every applicable MUST obligation is met or treated (see
//! `findings::gate`), 1 with the list of what blocks and what to do (or, first, that the
//! system is outside self-assessment), 2 when the file or the questionnaires cannot be
//! used. Organisation duties are listed as context after the verdict, then the sign-off
//! and each sign-off's SSH signature (`--require-signed` with `--allowed-signers` makes
//! a pipeline insist on trusted signatures).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use secassess::assessment::findings::{self, GateReport};
use secassess::assessment::signature::{self, SignatureCheck};
use secassess::assessment::verify::SignOffState;
use secassess::assessment::Assessment;
use secassess::store;
use secassess::text::sanitise_line;

use super::findings::{parse_date, today};
use super::{reader_went_away, to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// The day to judge target and review dates against, instead of today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,

    /// Also fail (exit 1) unless the assessment is signed off and the sign-off still
    /// holds (nothing changed, evidence files as attached, still ready to sign off).
    #[arg(long)]
    require_sign_off: bool,

    /// Also fail (exit 1) unless the sign-off holds and every sign-off in the file (the
    /// reviewer's, each risk acceptance and exception approval) is signed with a key the
    /// --allowed-signers file trusts for its signer's e-mail address.
    #[arg(long, requires = "allowed_signers")]
    require_signed: bool,

    /// The allowed-signers file (OpenSSH's format) that says whose SSH keys to trust.
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let loaded = store::load(&args.assessment)?;
    let assessment = loaded.assessment;
    let mut report = findings::gate(&assessment, &catalogue, today(args.date));
    if !loaded.complete {
        report.warnings.insert(
            0,
            format!(
                "the file does not end with '{}': it may have been cut short, so this result may be wrong; compare it with its .bak",
                store::END_MARKER
            ),
        );
    }
    let (sign_off, readiness) =
        super::verify::sign_off_standing(&assessment, &args.assessment, &catalogue, report.today);
    let allowed = super::allowed_signers(args.allowed_signers.as_deref())?;
    let signatures = signature::check_all(&assessment, allowed.as_ref());
    let checking_signatures = args.require_signed || args.allowed_signers.is_some();
    let unsigned = if args.require_signed {
        not_signed(&sign_off, &signatures)
    } else {
        Vec::new()
    };
    let mut out = std::io::stdout().lock();
    let written = match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "file": args.assessment,
                "system": assessment.system.name,
                "report": report,
                "sign_off": sign_off,
                "ready_for_sign_off": readiness,
                "signatures": signatures,
                "not_signed": unsigned,
            });
            writeln!(out, "{}", to_json(&json)?)
        }
        Format::Text => write_text(&mut out, &args.assessment, &assessment, &report)
            .and_then(|()| super::verify::write_sign_off_standing(&mut out, &sign_off, &readiness))
            .and_then(|()| {
                // Unsigned sign-offs are the norm without keys: listed only when something
                // is signed or signatures were asked about.
                if signatures.iter().any(|c| c.state.signed()) || checking_signatures {
                    writeln!(out)?;
                    super::verify::write_signatures(
                        &mut out,
                        &signatures,
                        args.allowed_signers.as_deref(),
                    )?;
                }
                Ok(())
            })
            .and_then(|()| write_not_signed(&mut out, &unsigned)),
    };
    // `secassess check FILE | head` must not turn a failed gate into a pass.
    match written {
        Err(e) if reader_went_away(&e) => {}
        other => other?,
    }
    let sign_off_required = args.require_sign_off || args.require_signed;
    Ok(
        if report.passed
            && (!sign_off_required || sign_off.holds())
            && unsigned.is_empty()
            && (!checking_signatures
                || super::verify::signatures_hold(&signatures, allowed.is_some()))
        {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        },
    )
}

/// What `--require-signed` finds wanting: no sign-off, or a sign-off (the reviewer's, a
/// risk acceptance, an exception approval) not signed with a trusted key.
fn not_signed(sign_off: &SignOffState, signatures: &[SignatureCheck]) -> Vec<String> {
    let mut out = Vec::new();
    if matches!(sign_off, SignOffState::NotSignedOff) {
        out.push(String::from("the assessment is not signed off"));
    }
    out.extend(
        signatures
            .iter()
            .filter(|c| !c.state.trusted())
            .map(|c| format!("{}: {}", c.what(), c.state.words())),
    );
    out
}

fn write_not_signed(out: &mut impl Write, unsigned: &[String]) -> std::io::Result<()> {
    if unsigned.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "\nNot signed as --require-signed requires ({}): each sign-off needs an SSH signature by a key the allowed-signers file trusts for its signer:",
        unsigned.len()
    )?;
    for line in unsigned {
        writeln!(out, "  - {}", sanitise_line(line))?;
    }
    Ok(())
}

fn write_text(
    out: &mut impl Write,
    path: &Path,
    assessment: &Assessment,
    report: &GateReport,
) -> std::io::Result<()> {
    let file = sanitise_line(&path.display().to_string());
    // Outside self-assessment comes first and alone decides the verdict's wording: no
    // count of met obligations may read as if this system could pass.
    if let Some(stop) = report.outside_self_assessment.first() {
        writeln!(
            out,
            "FAILED ({}): this system is outside self-assessment and must go to the {}: {}.",
            report.today,
            sanitise_line(stop.contact.as_deref().unwrap_or("Cyber Security team")),
            sanitise_line(stop.title.trim_end_matches('.'))
        )?;
        writeln!(out, "  {}", sanitise_line(&stop.text))?;
        if report.blockers.is_empty() {
            writeln!(
                out,
                "  Every applicable MUST obligation being met or treated does not change this."
            )?;
        } else {
            writeln!(
                out,
                "\n{} of the {} MUST obligations that apply (or may) also block; meeting them would not change the verdict.",
                report.blockers.len(),
                report.must
            )?;
        }
    } else if report.passed {
        writeln!(
            out,
            "PASSED ({}): all {} MUST obligations that apply are met ({}) or treated ({}).",
            report.today, report.must, report.met, report.treated
        )?;
    } else {
        writeln!(
            out,
            "FAILED ({}): {} of the {} MUST obligations that apply (or may) block.",
            report.today,
            report.blockers.len(),
            report.must
        )?;
    }
    for b in &report.blockers {
        writeln!(out, "\n  {}  {}", b.obligation, sanitise_line(&b.title))?;
        writeln!(out, "      {}", sanitise_line(&b.reason))?;
        let linked: Vec<&str> = assessment
            .findings
            .iter()
            .filter(|f| f.obligations.contains(&b.obligation))
            .map(|f| f.id.as_str())
            .collect();
        // A gap whose standard names an exception approver is never treated by a risk
        // acceptance, so the advice does not offer one.
        let treatments = match &b.exception_approver {
            Some(who) => format!(
                "a mitigation plan (secassess finding plan {file} ID ...) or the {}'s approval recorded as an exception (finding exception); a risk acceptance does not treat it",
                sanitise_line(who)
            ),
            None => format!(
                "a mitigation plan (secassess finding plan {file} ID ...) or a risk acceptance (finding accept)"
            ),
        };
        let todo = if !b.answer.is_empty() {
            format!(
                "answer {} (secassess open {file})",
                sanitise_line(&b.answer.join(", "))
            )
        } else if linked.is_empty() {
            format!(
                "raise a finding (secassess finding add {file} --obligation {} --owner NAME), then treat it with {treatments}",
                b.obligation
            )
        } else {
            format!(
                "treat {} with {treatments}",
                sanitise_line(&linked.join(", "))
            )
        };
        writeln!(out, "      To do: {todo}")?;
    }
    if !report.problems.is_empty() {
        writeln!(
            out,
            "\nProblems in the findings register ({}); a finding with a problem treats nothing:",
            report.problems.len()
        )?;
        for p in &report.problems {
            writeln!(out, "  - {}", sanitise_line(&p.to_string()))?;
        }
    }
    if !report.warnings.is_empty() {
        writeln!(out, "\nWarnings ({}):", report.warnings.len())?;
        for w in &report.warnings {
            writeln!(out, "  - {}", sanitise_line(w))?;
        }
    }
    if !report.organisation.is_empty() {
        writeln!(
            out,
            "\nOrganisation context (the organisation's duties, not the project's; they never block):"
        )?;
        for duty in &report.organisation {
            // The first reason says it is the organisation's duty, as the heading does;
            // the rest say whether it is met and why ("Met: the organisation submitted
            // its DSPT with the result Approaching Standards ...").
            let why = duty
                .reasons
                .iter()
                .skip(1)
                .map(|r| sanitise_line(r))
                .collect::<Vec<_>>()
                .join(" ");
            writeln!(
                out,
                "  {}  {}\n      {why}",
                duty.obligation,
                sanitise_line(&duty.title)
            )?;
        }
    }
    Ok(())
}
