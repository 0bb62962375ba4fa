//! `secassess list`: the assessments in the data directory, with each one's effective
//! classification, progress and when it last changed. A file that cannot be read is
//! listed with the reason, not left out, so a damaged assessment is noticed.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use secassess::store::locations;
use secassess::text::sanitise_line;

use super::show::{local_time, Summary};
use super::{to_json, CliError, Context, Format};

#[derive(clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

struct Row {
    path: PathBuf,
    summary: Result<Summary, String>,
}

pub fn run(context: &Context, args: Args) -> Result<ExitCode, CliError> {
    let dir = locations::data_dir(context.data_dir.as_deref())?;
    let paths = locations::list_assessments(&dir)?;
    let catalogue = context.catalogue()?;
    let mut rows: Vec<Row> = paths
        .into_iter()
        .map(|path| Row {
            summary: Summary::read(&path, &catalogue).map_err(|e| e.to_string()),
            path,
        })
        .collect();
    // Most recently changed first; unreadable files last, by path.
    rows.sort_by(|a, b| match (&a.summary, &b.summary) {
        (Ok(x), Ok(y)) => y
            .loaded
            .assessment
            .updated_at
            .cmp(&x.loaded.assessment.updated_at),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.path.cmp(&b.path),
    });
    let mut out = std::io::stdout().lock();
    if args.format == Format::Json {
        let json: Vec<serde_json::Value> = rows
            .iter()
            .map(|row| match &row.summary {
                Ok(s) => serde_json::json!({
                    "file": row.path,
                    "system": s.loaded.assessment.system.name,
                    "effective_classification": s.classification(),
                    "answered": s.evaluation.progress.answered,
                    "total": s.evaluation.progress.total,
                    "updated_at": s.loaded.assessment.updated_at,
                }),
                Err(e) => serde_json::json!({"file": row.path, "error": e}),
            })
            .collect();
        writeln!(out, "{}", to_json(&json)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let shown_dir = sanitise_line(&dir.display().to_string());
    if rows.is_empty() {
        writeln!(
            out,
            "No assessments in {shown_dir}. Start one with: secassess new \"System name\""
        )?;
        return Ok(ExitCode::SUCCESS);
    }
    let table: Vec<[String; 5]> = rows
        .iter()
        .map(|row| {
            let file = sanitise_line(&row.path.file_name().unwrap_or_default().to_string_lossy());
            match &row.summary {
                Ok(s) => [
                    sanitise_line(&s.loaded.assessment.system.name),
                    s.classification(),
                    format!(
                        "{}/{}",
                        s.evaluation.progress.answered, s.evaluation.progress.total
                    ),
                    local_time(s.loaded.assessment.updated_at),
                    file,
                ],
                Err(e) => [
                    "(cannot be read)".into(),
                    String::new(),
                    String::new(),
                    String::new(),
                    format!("{file}: {}", sanitise_line(e)),
                ],
            }
        })
        .collect();
    let header = [
        "SYSTEM",
        "CLASSIFICATION",
        "ANSWERED",
        "LAST CHANGED",
        "FILE",
    ];
    let mut widths = header.map(|h| h.chars().count());
    for row in &table {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    writeln!(out, "Assessments in {shown_dir}:")?;
    let mut write_row = |cells: [&str; 5]| -> std::io::Result<()> {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < cells.len() {
                let pad = widths[i] + 2 - cell.chars().count();
                line.push_str(&" ".repeat(pad));
            }
        }
        writeln!(out, "{}", line.trim_end())
    };
    write_row(header)?;
    for row in &table {
        write_row([&row[0], &row[1], &row[2], &row[3], &row[4]])?;
    }
    Ok(ExitCode::SUCCESS)
}
