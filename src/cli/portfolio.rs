//! `secassess portfolio DIR...`: every assessment under some folders (a shared drive, a
//! git repository), one row each, for a Cyber Security or IG team. Parses the flags,
//! asks the store to find and read the files (in parallel) and git about them, and
//! prints or writes the listing in the format asked for. `--since REV` lists what changed
//! since a git revision instead of the table.
//!
//! Exit 0 when the listing was made (files that could not be read are listed in it), 2
//! when it could not be (a folder that does not exist, git needed and missing, a bad
//! flag).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Local, NaiveDate, Utc};
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use secassess::portfolio::{
    self, Change, ChangeKind, ClassificationFilter, Filter, GateFilter, Row, Sort, Unreadable,
};
use secassess::questionnaire::Catalogue;
use secassess::report::portfolio::{self as render, Listing, Since};
use secassess::session::observe_evidence;
use secassess::store::git::{self, GitError, Revision, WorkTree};
use secassess::store::portfolio::{self as walk, Found, Walk};
use secassess::store::{self, atomic, locations::ASSESSMENT_SUFFIX};
use secassess::text::sanitise_line;

use super::findings::{parse_date, today};
use super::{CliError, Context};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListingFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum GateArg {
    Passed,
    Failed,
}

#[derive(clap::Args)]
pub struct Args {
    /// Folders to search, with their subfolders, for *.secassess.toml files (symbolic
    /// links are not followed); an assessment file may be given too.
    #[arg(required = true, value_name = "DIR")]
    folders: Vec<PathBuf>,

    /// Only this effective classification, or with + that or above, e.g.
    /// official-sensitive+. Judged on the lowest it can still be while answers are
    /// missing, as the protective marking is.
    #[arg(long, value_name = "LEVEL[+]")]
    classification: Option<String>,

    /// Only assessments whose gate (`secassess check`) failed, or passed.
    #[arg(long, value_enum, value_name = "failed|passed")]
    gate: Option<GateArg>,

    /// Only assessments with a finding whose target or review date has passed.
    #[arg(long)]
    overdue: bool,

    /// Only assessments without a valid sign-off (none, changed since, or no longer
    /// valid), whether or not a sign-off carries an SSH signature.
    #[arg(long)]
    unsigned: bool,

    /// Order: system, file, classification (highest first), gate (failed first), gaps,
    /// overdue, sign-off (changed since first) or changed (newest first).
    #[arg(long, value_parser = Sort::parse, default_value = "system", value_name = "ORDER")]
    sort: Sort,

    /// The day to judge target and review dates (and so the gate) against, instead of
    /// today.
    #[arg(long, value_parser = parse_date, value_name = "YYYY-MM-DD")]
    date: Option<NaiveDate>,

    /// What to print: a text table (the default), JSON (versioned schema) or CSV.
    #[arg(long, value_enum, value_name = "FORMAT")]
    format: Option<ListingFormat>,

    /// Write the listing as one self-contained HTML page here.
    #[arg(long, value_name = "OUT.html")]
    html: Option<PathBuf>,

    /// Write the listing as a PDF register here, marked with the highest protective
    /// marking among the assessments it lists.
    #[arg(long, value_name = "OUT.pdf")]
    pdf: Option<PathBuf>,

    /// List what changed since this git revision (a commit, tag or branch): new and
    /// removed assessments, sign-offs, gates and classifications. Needs git, and the
    /// folders in one git work tree.
    #[arg(long, value_name = "REV")]
    since: Option<String>,

    /// Lay the text table out for this many columns (0: no limit). Default: the
    /// terminal's width, or no limit when the output is not a terminal.
    #[arg(long, value_name = "COLUMNS")]
    width: Option<usize>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let catalogue = context.catalogue()?;
    let today = today(args.date);
    let filter = Filter {
        classification: args
            .classification
            .as_deref()
            .map(|c| ClassificationFilter::parse(c, &catalogue))
            .transpose()
            .map_err(CliError::Usage)?,
        gate: args.gate.map(|g| match g {
            GateArg::Passed => GateFilter::Passed,
            GateArg::Failed => GateFilter::Failed,
        }),
        overdue: args.overdue,
        unsigned: args.unsigned,
    };
    check_outputs(&args)?;
    let found = walk::find(&args.folders).map_err(|e| match e {
        // The folder was given on the command line, not by --data-dir: say so.
        store::StoreError::Directory { path, source } => CliError::Usage(format!(
            "cannot list {}: {source}; give folders that exist (a shared drive, a repository) or assessment files",
            sanitise_line(&path.display().to_string())
        )),
        other => other.into(),
    })?;
    let mut results = walk::summarise(&found.files, &catalogue, today);
    let mut notes = Vec::new();
    let trees = walk::work_trees(&args.folders, &mut notes);
    walk::mark_git_states(&found, &trees, &mut results, &mut notes);
    let since = match &args.since {
        Some(rev) => Some(changes_since(
            &args.folders,
            &trees,
            &found,
            &results,
            rev,
            &catalogue,
            &filter,
        )?),
        None => None,
    };
    let mut listing = Listing::new(
        args.folders
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        today,
        filter,
        args.sort,
        results,
        found.skipped,
        notes,
        &catalogue,
    );
    listing.since = since;
    write_outputs(&args, &listing)
}

/// Refuses outputs that would overwrite an assessment, or each other, before any work.
fn check_outputs(args: &Args) -> Result<(), CliError> {
    for out in [&args.html, &args.pdf].into_iter().flatten() {
        let name = out.file_name().unwrap_or_default().to_string_lossy();
        if name.ends_with(ASSESSMENT_SUFFIX) {
            return Err(CliError::Usage(format!(
                "{} looks like an assessment file; give the register another name",
                sanitise_line(&out.display().to_string())
            )));
        }
    }
    if let (Some(a), Some(b)) = (&args.html, &args.pdf) {
        if store::same_file(a, b) {
            return Err(CliError::Usage(format!(
                "--html and --pdf both name {}; give each a different name",
                sanitise_line(&a.display().to_string())
            )));
        }
    }
    Ok(())
}

/// One assessment file to compare: named relative to the work tree's top.
struct Pair<'a> {
    relative: String,
    /// Where it is now, if it is still there, with its row (or why it has none).
    now: Option<(&'a Found, &'a Result<Row, Unreadable>)>,
    at_revision: bool,
    content_changed: bool,
    /// How to name it when it is gone: the folder as given, then the path under it.
    shown: String,
}

fn changes_since(
    folders: &[PathBuf],
    trees: &[Option<WorkTree>],
    found: &Walk,
    results: &[Result<Row, Unreadable>],
    rev: &str,
    catalogue: &Catalogue,
    filter: &Filter,
) -> Result<Since, CliError> {
    let git_error = |e: GitError| CliError::Usage(e.to_string());
    let mut tops: BTreeSet<PathBuf> = BTreeSet::new();
    for (folder, tree) in folders.iter().zip(trees) {
        match tree {
            Some(tree) => {
                tops.insert(tree.top.clone());
            }
            None => {
                // Say why: git missing, or not a work tree.
                return Err(git_error(match git::work_tree(folder) {
                    Err(GitError::NotInstalled(_)) => {
                        GitError::NotInstalled("--since cannot compare with an earlier revision")
                    }
                    Err(e) => e,
                    Ok(_) => GitError::NotAWorkTree {
                        dir: folder.clone(),
                        why: "there is no earlier revision to compare it with (--since)",
                    },
                }));
            }
        }
    }
    if tops.len() > 1 {
        return Err(CliError::Usage(String::from(
            "--since compares folders of one git repository; these folders are in different ones. Run it once per repository.",
        )));
    }
    let Some(first) = trees.iter().flatten().next() else {
        return Err(CliError::Usage(String::from("--since needs a folder")));
    };
    let revision = git::revision(first, rev).map_err(git_error)?;
    let judged_then = revision.committed_at.date_naive();

    let mut pairs: BTreeMap<String, Pair<'_>> = BTreeMap::new();
    for (index, tree) in trees.iter().enumerate() {
        let Some(tree) = tree else { continue };
        let changed: BTreeSet<String> = git::changed_since(tree, &revision)
            .map_err(git_error)?
            .into_iter()
            .collect();
        for relative in git::files_at(tree, &revision).map_err(git_error)? {
            let under = if tree.folder.is_empty() {
                relative.as_str()
            } else {
                relative
                    .strip_prefix(&format!("{}/", tree.folder))
                    .unwrap_or(&relative)
            };
            let shown = folders[index]
                .join(under.split('/').collect::<PathBuf>())
                .display()
                .to_string();
            let content_changed = changed.contains(&relative);
            pairs.entry(relative.clone()).or_insert(Pair {
                relative,
                now: None,
                at_revision: true,
                content_changed,
                shown,
            });
        }
        for (file, result) in found.files.iter().zip(results) {
            if file.root != index {
                continue;
            }
            let Some(relative) = tree.relative(&walk::canonical(&file.path)) else {
                continue;
            };
            let content_changed = changed.contains(&relative);
            let pair = pairs.entry(relative.clone()).or_insert(Pair {
                relative,
                now: None,
                at_revision: false,
                content_changed: true,
                shown: file.path.display().to_string(),
            });
            pair.now = Some((file, result));
            if pair.at_revision {
                pair.content_changed = content_changed;
            }
        }
    }
    let pairs: Vec<Pair<'_>> = pairs.into_values().collect();
    let tree = first;
    let compared: Vec<Vec<Change>> = pairs
        .par_iter()
        .map(|pair| compare(pair, tree, &revision, catalogue, judged_then, filter))
        .collect();
    let unchanged = compared.iter().filter(|c| c.is_empty()).count();
    Ok(Since {
        revision: revision.name.clone(),
        commit: revision.commit.clone(),
        committed_at: revision.committed_at,
        judged_then,
        changes: compared.into_iter().flatten().collect(),
        unchanged,
    })
}

/// What changed in one file since the revision, judged then on the revision's date and
/// now on the date asked for; empty when nothing did or the filter leaves it out.
fn compare(
    pair: &Pair<'_>,
    tree: &WorkTree,
    revision: &Revision,
    catalogue: &Catalogue,
    judged_then: NaiveDate,
    filter: &Filter,
) -> Vec<Change> {
    let shown = pair
        .now
        .map(|(f, _)| f.path.display().to_string())
        .unwrap_or_else(|| pair.shown.clone());
    let unreadable = |side: &str, error: &str| {
        vec![Change {
            file: sanitise_line(&shown),
            system: String::new(),
            kind: ChangeKind::Unreadable,
            before: String::new(),
            after: sanitise_line(&format!("{side}: {error}")),
        }]
    };
    let before: Option<Row> = if !pair.at_revision {
        None
    } else if !pair.content_changed {
        // The same content; only the date it is judged on differs.
        match pair.now {
            Some((file, _)) => match walk::summarise_file(&file.path, catalogue, judged_then) {
                Ok(row) => Some(row),
                Err(_) => return Vec::new(),
            },
            None => None,
        }
    } else {
        let text = match git::text_at(tree, revision, &pair.relative) {
            Ok(text) => text,
            Err(e) => return unreadable("at the revision", &e.to_string()),
        };
        match store::format::decode(Path::new(&shown), &text) {
            // Evidence files as they are now, as for the other side: only the content
            // and the date differ between the two.
            Ok(decoded) => Some(portfolio::summarise(
                &shown,
                &decoded,
                &observe_evidence(&decoded.assessment, Path::new(&shown)),
                catalogue,
                judged_then,
            )),
            Err(e) => {
                if let Some((_, Ok(_))) = pair.now {
                    return unreadable("could not be read at the revision", &e.to_string());
                }
                None
            }
        }
    };
    let after = match pair.now {
        Some((_, Ok(row))) => Some(row),
        Some((_, Err(u))) => {
            return if pair.content_changed || !pair.at_revision {
                unreadable("cannot be read now", &u.error)
            } else {
                Vec::new()
            }
        }
        None => None,
    };
    let shown_row = after.or(before.as_ref());
    if !filter.is_empty() && !shown_row.is_some_and(|r| filter.matches(r)) {
        return Vec::new();
    }
    portfolio::changes(before.as_ref(), after, pair.content_changed)
}

/// `--width`, or the terminal's, or none.
fn text_width(args: &Args) -> Option<usize> {
    match args.width {
        Some(0) => None,
        Some(n) => Some(n),
        None if std::io::stdout().is_terminal() => ratatui::crossterm::terminal::size()
            .ok()
            .map(|(w, _)| usize::from(w)),
        None => None,
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A word for a shell command line, quoted when it needs to be.
fn shell_word(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:+=@".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// The command that prints the JSON the PDF's fingerprint is of.
fn json_command(args: &Args, listing: &Listing) -> String {
    let mut words = vec![String::from("secassess"), String::from("portfolio")];
    words.extend(
        args.folders
            .iter()
            .map(|f| shell_word(&f.display().to_string())),
    );
    if let Some(c) = &args.classification {
        words.push(format!("--classification {}", shell_word(c)));
    }
    if let Some(g) = args.gate {
        words.push(format!(
            "--gate {}",
            if g == GateArg::Failed {
                "failed"
            } else {
                "passed"
            }
        ));
    }
    if args.overdue {
        words.push("--overdue".into());
    }
    if args.unsigned {
        words.push("--unsigned".into());
    }
    words.push(format!("--sort {}", listing.sort.name()));
    words.push(format!("--date {}", listing.date));
    if let Some(rev) = &args.since {
        words.push(format!("--since {}", shell_word(rev)));
    }
    words.push(String::from("--format json"));
    sanitise_line(&words.join(" "))
}

fn write_file(what: &str, path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    atomic::write_private(path, bytes).map_err(|e| {
        CliError::Output(std::io::Error::new(
            e.kind(),
            format!(
                "cannot write {what} to {}: {e}; check that the folder exists and that you can write to it",
                sanitise_line(&path.display().to_string())
            ),
        ))
    })
}

fn write_outputs(args: &Args, listing: &Listing) -> Result<ExitCode, CliError> {
    // Each instant with the offset in force then (summer time or not).
    let local = |at: chrono::DateTime<Utc>| at.with_timezone(&Local).fixed_offset();
    let generated_at = super::export::source_date_epoch()
        .map_err(CliError::Export)?
        .unwrap_or_else(Utc::now);
    let json = render::json(listing).map_err(|e| CliError::Output(std::io::Error::other(e)))?;
    let mut written = Vec::new();
    if let Some(path) = &args.html {
        let page = render::html::render(listing, generated_at, local);
        write_file("the HTML register", path, page.as_bytes())?;
        written.push(format!(
            "HTML register ({} assessments, marked {}): {}",
            listing.assessments.len(),
            listing.marking,
            sanitise_line(&path.display().to_string())
        ));
    }
    if let Some(path) = &args.pdf {
        let document = render::register::document(
            listing,
            generated_at,
            local,
            &sha256_hex(json.as_bytes()),
            &json_command(args, listing),
        );
        let rendered =
            secassess::report::pdf::render(&document).map_err(|e| CliError::Export(e.into()))?;
        write_file("the PDF register", path, &rendered.bytes)?;
        written.push(format!(
            "PDF register ({} pages, {} assessments, marked {}): {}",
            rendered.pages,
            listing.assessments.len(),
            listing.marking,
            sanitise_line(&path.display().to_string())
        ));
        if !rendered.replaced.is_empty() {
            eprintln!(
                "secassess: note: the PDF font has no glyph for {} character(s), printed as '{}' instead; the HTML and JSON keep them.",
                rendered.replaced.len(),
                secassess::report::pdf::REPLACEMENT
            );
        }
    }
    let format = match (args.format, written.is_empty()) {
        (Some(f), _) => Some(f),
        (None, true) => Some(ListingFormat::Text),
        (None, false) => None,
    };
    let mut out = std::io::stdout().lock();
    let printed = match format {
        Some(ListingFormat::Json) => out.write_all(json.as_bytes()),
        Some(ListingFormat::Csv) => match &listing.since {
            Some(since) => out.write_all(&render::changes_csv(since)),
            None => out.write_all(&render::csv(listing)),
        },
        Some(ListingFormat::Text) => {
            let width = text_width(args);
            let text = match &listing.since {
                Some(_) => render::text::render_since(listing, width),
                None => render::text::render(listing, width, local),
            };
            out.write_all(text.as_bytes())
        }
        None => Ok(()),
    };
    printed?;
    for line in written {
        writeln!(out, "{line}")?;
    }
    Ok(ExitCode::SUCCESS)
}
