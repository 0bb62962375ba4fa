//! The audit trail summary, the integrity appendix and the full audit trail appendix.

use super::*;

fn change_words(old: &str, new: &str) -> String {
    match (old.is_empty(), new.is_empty()) {
        (true, true) => String::new(),
        (true, false) => new.to_string(),
        (false, true) => format!("{old} -> (nothing)"),
        (false, false) => format!("{old} -> {new}"),
    }
}

fn chain_words(pack: &Pack) -> String {
    if pack.audit.chain_intact {
        format!(
            "Chain verification: INTACT. All {} entries follow each other and match their hashes.",
            pack.audit.entries.len()
        )
    } else {
        format!(
            "Chain verification: BROKEN. {} problem(s) found; the entries named below were edited, deleted, inserted or moved outside secassess.",
            pack.audit.problems.len()
        )
    }
}

/// The audit trail on one page: the chain verification, the first and last entries, and
/// how many entries each person made of each kind, with when; the full trail is the last
/// appendix.
pub(super) fn audit_trail(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[6]);
    b.paragraph(chain_words(pack));
    b.list(pack.audit.problems.clone());
    let entries = &pack.audit.entries;
    let (Some(first), Some(last)) = (entries.first(), entries.last()) else {
        b.paragraph("The audit trail is empty.");
        return;
    };
    let entry_words = |n: usize, e: &crate::report::model::AuditEntryView| {
        format!(
            "#{n}, {}: {} {} by {}",
            when(e.at),
            e.action,
            e.subject,
            e.who
        )
    };
    b.key_value(vec![
        ("Entries", entries.len().to_string()),
        ("First", entry_words(1, first)),
        ("Last", entry_words(entries.len(), last)),
    ]);
    b.heading(2, "Entries by person and action");
    // Entries of one kind by one person: how many, first and last.
    struct Group<'p> {
        who: &'p str,
        action: &'p str,
        entries: usize,
        first: DateTime<Utc>,
        last: DateTime<Utc>,
    }
    let mut groups: Vec<Group<'_>> = Vec::new();
    for e in entries {
        match groups
            .iter_mut()
            .find(|g| g.who == e.who.as_str() && g.action == e.action.as_str())
        {
            Some(g) => {
                g.entries += 1;
                g.first = g.first.min(e.at);
                g.last = g.last.max(e.at);
            }
            None => groups.push(Group {
                who: &e.who,
                action: &e.action,
                entries: 1,
                first: e.at,
                last: e.at,
            }),
        }
    }
    groups.sort_by(|a, b| a.who.cmp(b.who).then(a.first.cmp(&b.first)));
    let rows = groups
        .iter()
        .map(|g| {
            vec![
                g.who.to_string(),
                g.action.to_string(),
                g.entries.to_string(),
                when(g.first),
                when(g.last),
            ]
        })
        .collect();
    b.table(
        &[
            ("Person", 34),
            ("Action", 20),
            ("Entries", 9),
            ("First", 18),
            ("Last", 18),
        ],
        rows,
    );
    b.references(vec![Reference {
        text: format!("Every entry, with what it changed: {}", PARTS[8]),
        target: part_anchor(PARTS[8]),
    }]);
}

/// The name part of "Name <email>".
fn name_of(who: &str) -> &str {
    who.split_once(" <").map_or(who, |(name, _)| name)
}

/// The full audit trail, entry by entry, in a compact table: times to the minute in UTC,
/// people by name (their addresses are in the summary's table; a name two people share
/// keeps its address).
pub(super) fn audit_appendix(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[8]);
    b.paragraph(chain_words(pack));
    if pack.audit.entries.is_empty() {
        b.paragraph("The audit trail is empty.");
        return;
    }
    let mut people: BTreeMap<&str, std::collections::BTreeSet<&str>> = BTreeMap::new();
    for e in &pack.audit.entries {
        people.entry(name_of(&e.who)).or_default().insert(&e.who);
    }
    let who = |signature: &str| -> String {
        let name = name_of(signature);
        if people.get(name).is_some_and(|all| all.len() == 1) && !name.is_empty() {
            name.to_string()
        } else {
            signature.to_string()
        }
    };
    b.paragraph("Times are UTC. People are named as in \"Entries by person and action\" in the audit trail part, which gives their addresses.");
    let rows = pack
        .audit
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            vec![
                (i + 1).to_string(),
                e.at.format("%Y-%m-%d %H:%M").to_string(),
                who(&e.who),
                format!("{} {}", e.action, e.subject),
                change_words(&e.old, &e.new),
            ]
        })
        .collect();
    b.anchored_table(
        &[
            ("#", 5),
            ("When (UTC)", 14),
            ("Who", 16),
            ("What", 28),
            ("Change", 37),
        ],
        rows,
        Vec::new(),
        true,
    );
}

fn verify_kind(kind: ProblemKind) -> &'static str {
    match kind {
        ProblemKind::AuditChain => "audit chain",
        ProblemKind::Header => "assessment details",
        ProblemKind::Answer => "answer",
        ProblemKind::Review => "review",
        ProblemKind::Finding => "finding",
        ProblemKind::SignOff => "sign-off",
    }
}

/// How a reader checks this pack, with the exact command that makes it again.
fn how_to_check(pack: &Pack) -> Vec<String> {
    let i = &pack.integrity;
    let mut command = format!(
        "secassess export {} --pdf PACK.pdf --generated-at {} --date {}",
        i.assessment_file,
        pack.generated_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        pack.dates_checked_on
    );
    if pack.marking_raised {
        command.push_str(&format!(" --marking {}", pack.marking));
    }
    vec![
        format!(
            "Is this the pack of that file? Compute the SHA-256 of the assessment file (sha256sum FILE on Linux, shasum -a 256 FILE on macOS, Get-FileHash FILE in PowerShell) and compare it with {}. Its first 16 characters are printed at the top of every page.",
            i.assessment_sha256
        ),
        "Does the file match its audit trail? Run secassess verify FILE: it reports the same problems as listed above (none, when it matches).".into(),
        format!(
            "Was the pack changed after it was made? Make it again with secassess {} and the same questionnaires: {command}. The new PDF is byte-identical to an unchanged one (compare their SHA-256).",
            pack.tool_version
        ),
        "What changed since the sign-off, or since last year's assessment? Run secassess diff OLD NEW.".into(),
    ]
}

pub(super) fn integrity(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[7]);
    let i = &pack.integrity;
    b.key_value(vec![
        ("Assessment file", i.assessment_file.clone()),
        ("SHA-256 of its content", i.assessment_sha256.clone()),
        ("Verification", i.verify.clone()),
        (
            "Audit trail",
            format!(
                "{} entries, chain {}",
                i.audit_entries,
                if i.audit_chain_intact {
                    "intact"
                } else {
                    "BROKEN"
                }
            ),
        ),
        ("Matches its audit trail", integrity_words(pack)),
        ("Sign-off", sign_off_words(pack)),
    ]);
    b.heading(2, "What secassess verify finds");
    if i.verify_problems.is_empty() {
        b.paragraph("Nothing: the audit trail's hash chain is intact, and every answer, review decision, finding and the sign-off is what its latest audit entry recorded.");
    } else {
        let rows = i
            .verify_problems
            .iter()
            .map(|p| {
                vec![
                    p.entry.map(|e| e.to_string()).unwrap_or_else(|| "-".into()),
                    verify_kind(p.kind).to_string(),
                    p.message.clone(),
                    format!("expected {}\nfound {}", p.expected, p.found),
                ]
            })
            .collect();
        b.table(
            &[
                ("Entry", 6),
                ("What", 10),
                ("Problem", 44),
                ("Audit trail says / file holds", 40),
            ],
            rows,
        );
    }
    b.heading(2, "How to check this pack");
    b.list(how_to_check(pack));
    b.heading(2, "Questionnaires used");
    let rows = pack
        .questionnaires
        .iter()
        .map(|q| {
            let recorded = match (&q.recorded_version, &q.recorded_sha256) {
                _ if q.matches_record => "same as recorded".to_string(),
                (Some(v), Some(s)) => format!("recorded {v}, SHA-256 {s}"),
                (Some(v), None) => format!("recorded {v}, no hash"),
                (None, _) => "not recorded in the assessment".to_string(),
            };
            vec![
                format!("{} {}", q.id, q.version),
                q.sha256.clone(),
                recorded,
            ]
        })
        .collect();
    b.table(
        &[
            ("Questionnaire", 22),
            ("SHA-256 used for this pack", 48),
            ("In the assessment", 30),
        ],
        rows,
    );
    if !i.finding_problems.is_empty() {
        b.heading(2, "Findings register problems");
        b.list(i.finding_problems.clone());
    }
    b.heading(2, "Evidence files");
    if i.evidence_files.is_empty() {
        b.paragraph("No local evidence files are referenced.");
    } else {
        let rows = i
            .evidence_files
            .iter()
            .map(|e| {
                vec![
                    e.path.clone(),
                    e.recorded_sha256.clone().unwrap_or_else(|| "none".into()),
                    e.check
                        .as_ref()
                        .map(EvidenceCheck::words)
                        .unwrap_or_else(|| "not checked".into()),
                ]
            })
            .collect();
        b.table(
            &[("Path", 30), ("Recorded SHA-256", 40), ("At export", 30)],
            rows,
        );
        let not_rechecked = i
            .evidence_files
            .iter()
            .filter(|e| e.check == Some(EvidenceCheck::NotRechecked))
            .count();
        if not_rechecked > 0 {
            b.paragraph(format!(
                "{not_rechecked} evidence file(s) outside the assessment's folder were not re-checked at this export, so this pack says nothing about their current content; the SHA-256 shown is the one recorded when each was attached. Whoever owns the files can re-check them with secassess export --recheck-evidence."
            ));
        }
    }
}
