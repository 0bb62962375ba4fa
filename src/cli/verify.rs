//! `secassess verify FILE [--format text|json] [--date YYYY-MM-DD] [--allowed-signers
//! FILE] [--export-signed-content DIR]`: checks the audit trail's hash chain, the
//! assessment's own details, every answer (who and when too), review and finding against
//! its latest audit entry, and the sign-off against the content it was pinned to, the
//! evidence files as they are now and the rule for "ready to sign off" (which includes
//! the gate, judged on `--date`), and says exactly what does not match. Then each
//! sign-off's SSH signature (the sign-off, risk acceptances, exception approvals),
//! against an allowed-signers file when given; `--export-signed-content` writes what was
//! signed and the signatures, for `ssh-keygen -Y verify`. Reads only the assessment.
//! Exit 0: everything matches; 1: something does not (or the sign-off no longer holds,
//! or a signature does not match, or with `--allowed-signers` a signature's key is not
//! trusted); 2: the file cannot be read.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use secassess::assessment::sign_off::Judged;
use secassess::assessment::signature::{self, SignatureCheck, SignatureState};
use secassess::assessment::verify::{self, Report, SignOffState};
use secassess::session::observe_evidence;
use secassess::store::{self, atomic};
use secassess::text::sanitise_line;

use super::findings::{parse_date, today};
use super::show::local_time;
use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// The assessment file (*.secassess.toml).
    assessment: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// The day the gate's target and review dates are judged against, for whether the
    /// sign-off still holds, instead of today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,

    /// Check each signature's key against this file, in OpenSSH's allowed_signers format
    /// ("EMAIL [namespaces=\"secassess\"] KEYTYPE BASE64-KEY" per line), as `ssh-keygen
    /// -Y verify -f FILE` does: a signature is "trusted" only when the file lists its key
    /// for the signer's e-mail address.
    #[arg(long, value_name = "FILE")]
    allowed_signers: Option<PathBuf>,

    /// Write what each signature signs (NAME.txt) and the signature (NAME.txt.sig) into
    /// this folder, with the ssh-keygen commands that check them without secassess
    /// (HOW-TO-CHECK.txt).
    #[arg(long, value_name = "DIR")]
    export_signed_content: Option<PathBuf>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let loaded = store::load(&args.assessment)?;
    let evidence = observe_evidence(&loaded.assessment, &args.assessment);
    let judged = Judged {
        catalogue: &catalogue,
        evidence: &evidence,
        today: today(args.date),
    };
    let report = verify::verify(&loaded.assessment, &judged);
    let allowed = super::allowed_signers(args.allowed_signers.as_deref())?;
    let signatures = signature::check_all(&loaded.assessment, allowed.as_ref());
    let signatures_ok = signatures_hold(&signatures, allowed.is_some());
    let exported = match &args.export_signed_content {
        Some(dir) => Some(export_signed_content(&loaded.assessment, dir)?),
        None => None,
    };
    let ok = report.is_ok() && signatures_ok;
    let mut out = std::io::stdout().lock();
    match args.format {
        Format::Json => {
            let json = serde_json::json!({
                "file": args.assessment,
                "ok": ok,
                "complete": loaded.complete,
                "report": report,
                "allowed_signers": args.allowed_signers,
                "signatures": signatures,
                "signed_content": exported,
            });
            writeln!(out, "{}", to_json(&json)?)?;
        }
        Format::Text => {
            write_text(&mut out, &args.assessment, &report)?;
            write_signatures(&mut out, &signatures, args.allowed_signers.as_deref())?;
            if let Some(files) = &exported {
                write_exported(&mut out, files)?;
            }
            writeln!(
                out,
                "Result: {}",
                if ok {
                    "OK"
                } else if !report.problems.is_empty() {
                    "problems found"
                } else if matches!(report.sign_off, SignOffState::ChangedSince { .. }) {
                    "changed since sign-off"
                } else if report.sign_off.broken() {
                    "sign-off no longer valid"
                } else {
                    "a signature is not trusted"
                }
            )?;
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Whether the signatures let `verify` pass: none that does not match its content, and
/// with an allowed-signers file none whose key it does not list. Unsigned ones pass
/// (`check --require-signed` is the gate for them).
pub fn signatures_hold(signatures: &[SignatureCheck], checked: bool) -> bool {
    signatures.iter().all(|c| match &c.state {
        SignatureState::DoesNotMatch { .. } => false,
        SignatureState::KeyNotAllowed { .. } => !checked,
        _ => true,
    })
}

/// Each sign-off's signature in one line, as `verify` and `check` print them.
pub fn write_signatures(
    out: &mut impl Write,
    signatures: &[SignatureCheck],
    allowed_signers: Option<&Path>,
) -> std::io::Result<()> {
    if signatures.is_empty() {
        return Ok(());
    }
    match allowed_signers {
        Some(file) => writeln!(
            out,
            "Signatures (keys checked against {}):",
            sanitise_line(&file.display().to_string())
        )?,
        None => writeln!(
            out,
            "Signatures (keys not checked: give --allowed-signers FILE to say whose keys to trust):"
        )?,
    }
    for check in signatures {
        writeln!(
            out,
            "  - {}: {}",
            sanitise_line(&check.what()),
            sanitise_line(&check.state.words())
        )?;
    }
    Ok(())
}

/// One signed statement written out for `ssh-keygen -Y verify`.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ExportedSignature {
    pub content: PathBuf,
    pub signature: PathBuf,
    pub principal: String,
    /// The command that checks it, run in the folder.
    pub command: String,
}

/// Writes NAME.txt (the statement as the file says it now) and NAME.txt.sig for every
/// signed decision, and HOW-TO-CHECK.txt, into `dir` (created if needed), owner-only.
fn export_signed_content(
    assessment: &secassess::assessment::Assessment,
    dir: &Path,
) -> Result<Vec<ExportedSignature>, CliError> {
    let signed = signature::signed_content(assessment);
    atomic::create_private_dir(dir).map_err(|e| {
        CliError::Usage(format!(
            "cannot create {}: {e}",
            sanitise_line(&dir.display().to_string())
        ))
    })?;
    let write = |path: &Path, bytes: &[u8]| {
        atomic::write_private(path, bytes).map_err(|e| {
            CliError::Usage(format!(
                "cannot write {}: {e}",
                sanitise_line(&path.display().to_string())
            ))
        })
    };
    let mut exported = Vec::new();
    let mut how = String::from(
        "What each signature in this assessment signs (NAME.txt) and the signature itself\n\
         (NAME.txt.sig, SSHSIG, namespace secassess). Check one without secassess, with an\n\
         allowed_signers file listing the keys you trust (\"EMAIL KEYTYPE BASE64-KEY\" per line):\n\n",
    );
    for (stem, principal, content, sig) in signed {
        let content_path = dir.join(format!("{stem}.txt"));
        let sig_path = dir.join(format!("{stem}.txt.sig"));
        write(&content_path, &content)?;
        write(&sig_path, sig.as_bytes())?;
        let command = format!(
            "ssh-keygen -Y verify -f allowed_signers -I {principal} -n {} -s {stem}.txt.sig < {stem}.txt",
            signature::NAMESPACE
        );
        how.push_str(&format!("  {command}\n"));
        exported.push(ExportedSignature {
            content: content_path,
            signature: sig_path,
            principal,
            command,
        });
    }
    if exported.is_empty() {
        how.push_str("  (nothing in this assessment is signed)\n");
    }
    how.push_str(
        "\nssh-keygen prints Good \"secassess\" signature for EMAIL with ... key SHA256:... when the\n\
         signature is over that text and the file lists the key for EMAIL. The text names the\n\
         assessment and the hash of its content; `secassess verify` says whether the assessment\n\
         file still has that content.\n",
    );
    write(&dir.join("HOW-TO-CHECK.txt"), how.as_bytes())?;
    Ok(exported)
}

fn write_exported(out: &mut impl Write, files: &[ExportedSignature]) -> std::io::Result<()> {
    writeln!(
        out,
        "Signed content written ({} signature(s)); check each without secassess, in that folder:",
        files.len()
    )?;
    for f in files {
        writeln!(out, "  {}", sanitise_line(&f.command))?;
    }
    Ok(())
}

fn write_text(out: &mut impl Write, path: &Path, report: &Report) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {} audit entries, {} answers, {} reviews, {} findings checked.",
        sanitise_line(&path.display().to_string()),
        report.entries,
        report.answers,
        report.reviews,
        report.findings
    )?;
    match &report.sign_off {
        SignOffState::NotSignedOff => writeln!(out, "Sign-off: not signed off.")?,
        SignOffState::Intact {
            signed_by,
            signed_at,
            ..
        } => writeln!(
            out,
            "Sign-off: by {} on {}; the content and evidence are what was signed off, and it is still ready to sign off.",
            sanitise_line(signed_by),
            local_time(*signed_at)
        )?,
        SignOffState::ChangedSince {
            signed_by,
            signed_at,
            expected,
            found,
            entries_after,
            reasons,
            ..
        } => {
            writeln!(
                out,
                "Sign-off: by {} on {}; CHANGED SINCE SIGN-OFF ({entries_after} audit entries after it; `secassess diff FILE --since-sign-off` lists them):",
                sanitise_line(signed_by),
                local_time(*signed_at)
            )?;
            for reason in reasons {
                writeln!(out, "  - {}", sanitise_line(reason))?;
            }
            if expected != found {
                writeln!(out, "    signed content hash: {}", sanitise_line(expected))?;
                writeln!(out, "    content hash now:    {}", sanitise_line(found))?;
            }
        }
        SignOffState::NoLongerValid {
            signed_by,
            signed_at,
            reasons,
            ..
        } => {
            writeln!(
                out,
                "Sign-off: by {} on {}; NO LONGER VALID: the content is what was signed, but the assessment would not be signed off now:",
                sanitise_line(signed_by),
                local_time(*signed_at)
            )?;
            for reason in reasons {
                writeln!(out, "  - {}", sanitise_line(reason))?;
            }
        }
    }
    if !report.stale_reviews.is_empty() {
        writeln!(
            out,
            "Stale reviews (answer or its evidence file changed after review): {}",
            sanitise_line(&report.stale_reviews.join(", "))
        )?;
    }
    if report.problems.is_empty() {
        writeln!(
            out,
            "Audit trail: intact; every answer, review and finding matches its latest entry."
        )?;
    } else {
        writeln!(
            out,
            "\n{} thing(s) do not match the audit trail:",
            report.problems.len()
        )?;
        for p in &report.problems {
            let entry = p
                .entry
                .map(|e| format!(", audit entry {e}"))
                .unwrap_or_default();
            let kind = serde_json::to_value(p.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            writeln!(out, "  - [{kind}{entry}] {}", sanitise_line(&p.message))?;
            writeln!(out, "      expected: {}", sanitise_line(&p.expected))?;
            writeln!(out, "      found:    {}", sanitise_line(&p.found))?;
        }
        writeln!(
            out,
            "\nThe file was edited outside secassess. Compare it with its previous version (FILE.bak) or a copy you trust; secassess records changes made through it in the audit trail."
        )?;
    }
    Ok(())
}

/// Where the sign-off stands and whether the assessment is ready to sign off, for
/// `check` (the same functions `verify`, `review`, the TUI and the pack use).
pub fn sign_off_standing(
    assessment: &secassess::assessment::Assessment,
    path: &Path,
    catalogue: &secassess::questionnaire::Catalogue,
    today: NaiveDate,
) -> (SignOffState, secassess::assessment::sign_off::Readiness) {
    let evidence = observe_evidence(assessment, path);
    let judged = Judged {
        catalogue,
        evidence: &evidence,
        today,
    };
    let problems = verify::record_problems(assessment);
    (
        secassess::assessment::sign_off::state(assessment, &judged, &problems),
        secassess::assessment::sign_off::readiness(assessment, &judged),
    )
}

/// The sign-off and readiness as `check` prints them, after the gate.
pub fn write_sign_off_standing(
    out: &mut impl Write,
    state: &SignOffState,
    readiness: &secassess::assessment::sign_off::Readiness,
) -> std::io::Result<()> {
    match state.signer() {
        None => writeln!(out, "\nSign-off: not signed off.")?,
        Some((by, _, at)) => writeln!(
            out,
            "\nSign-off: by {} on {}; {}.",
            sanitise_line(by),
            local_time(at),
            sanitise_line(&state.words())
        )?,
    }
    if readiness.ready() {
        writeln!(out, "Ready for sign-off: yes.")
    } else {
        writeln!(
            out,
            "Ready for sign-off: no; {} thing(s) stand in the way (secassess review FILE lists them all):",
            readiness.blockers.len()
        )?;
        for b in readiness.blockers.iter().take(5) {
            writeln!(
                out,
                "  - {}: {}",
                sanitise_line(&b.subject),
                sanitise_line(&b.reason)
            )?;
        }
        if readiness.blockers.len() > 5 {
            writeln!(out, "  - and {} more", readiness.blockers.len() - 5)?;
        }
        Ok(())
    }
}
