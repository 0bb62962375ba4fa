//! The obligations part: grouped by status, then level, each requirement quoted once in a
//! numbered list the tables refer to.

use super::*;

/// The order obligations are shown in: by status (not met, unknown, met, not
/// applicable), then by level, then as the questionnaires list them.
pub const STATUS_ORDER: [Status; 4] = [
    Status::NotMet,
    Status::Unknown,
    Status::Met,
    Status::NotApplicable,
];

fn status_heading(status: Status) -> &'static str {
    match status {
        Status::NotMet => "Not met",
        Status::Unknown => "Unknown: not known yet whether met",
        Status::Met => "Met",
        Status::NotApplicable => "Not applicable to this system",
    }
}

fn level_rank(level: Level) -> usize {
    Level::ALL
        .iter()
        .position(|l| *l == level)
        .unwrap_or(usize::MAX)
}

/// Every quoted requirement, numbered in the order the obligations tables first cite
/// it: a sentence gets one number however many obligations rest on it, and one entry
/// naming every standard that says it (the Testing and Application Security standards
/// share some sentences word for word).
struct Quotes {
    numbers: BTreeMap<String, usize>,
    /// Sources and the sentence, by number - 1.
    list: Vec<(Vec<String>, String)>,
}

impl Quotes {
    fn number(&mut self, c: &Citation) -> usize {
        let source = format!("{}, {}", c.reference(), c.section);
        if let Some(n) = self.numbers.get(&c.quote) {
            if let Some((sources, _)) = self.list.get_mut(n - 1) {
                if !sources.contains(&source) {
                    sources.push(source);
                }
            }
            return *n;
        }
        self.list.push((vec![source], c.quote.clone()));
        let n = self.list.len();
        self.numbers.insert(c.quote.clone(), n);
        n
    }

    fn rows(self) -> Vec<Vec<String>> {
        self.list
            .into_iter()
            .enumerate()
            .map(|(i, (sources, quote))| {
                vec![
                    format!("[{}]", i + 1),
                    format!("\"{quote}\"\n{}", sources.join("\nAlso: ")),
                ]
            })
            .collect()
    }
}

/// The obligations of `scope` in reading order: grouped by status, then level.
fn reading_order(pack: &Pack, scope: Scope) -> Vec<&ObligationView> {
    let mut rows: Vec<&ObligationView> = pack
        .obligations
        .iter()
        .filter(|o| o.scope == scope)
        .collect();
    rows.sort_by_key(|o| {
        (
            STATUS_ORDER.iter().position(|s| *s == o.status),
            level_rank(o.level),
        )
    });
    rows
}

fn obligation_row(o: &ObligationView, quotes: &mut Quotes, with_status: bool) -> Vec<String> {
    // The rules engine ends the reasons with "Required by ...", quoting the source; the
    // requirement is quoted once in the numbered list, so it is not said here.
    let reasons: Vec<&str> = o
        .reasons
        .iter()
        .map(String::as_str)
        .filter(|r| !r.starts_with(REQUIRED_BY) && !r.starts_with(GOOD_PRACTICE_BASIS))
        .collect();
    let mut why = format!("{}\n{}", o.title, reasons.join("\n"));
    if let (Some(who), false) = (&o.exception_approver, o.status == Status::Met) {
        why.push_str(&format!(
            "\nExceptions: only the {who} can approve one; a risk acceptance does not treat a gap."
        ));
    }
    if let Some(t) = &o.treatment {
        why.push_str(&format!("\nTreatment: {t}"));
    }
    if let Some(blocks) = &o.blocks {
        why.push_str(&format!("\nBLOCKS THE GATE: {blocks}"));
    }
    let mut numbers: Vec<usize> = Vec::new();
    for c in &o.sources {
        let n = quotes.number(c);
        if !numbers.contains(&n) {
            numbers.push(n);
        }
    }
    let quoted = numbers
        .iter()
        .map(|n| format!("[{n}]"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut row = vec![o.id.clone(), o.level.name().to_string()];
    if with_status {
        row.push(status_word(o.status).to_string());
    }
    row.push(why);
    row.push(quoted);
    row
}

pub(super) fn obligations(b: &mut Builder, pack: &Pack) {
    b.heading(1, PARTS[2]);
    if !pack.gate.outside_self_assessment.is_empty() {
        b.paragraph("OUTSIDE SELF-ASSESSMENT: the obligations below are the baseline for OFFICIAL systems only and are NOT sufficient for this system, whatever their status.");
    }
    b.paragraph("Every obligation in the questionnaires, grouped by status (not met, unknown, met, not applicable) and then by level: whether it applies to this system, why, and how a gap is treated. The requirement each comes from is quoted once, in the numbered list \"Requirements quoted\" at the end of this part; the last column gives its numbers. Organisation duties are the organisation's, not the project's: context that never blocks the gate, listed last. Good practice is advice that supports a standard, not a requirement of it.");
    let mut quotes = Quotes {
        numbers: BTreeMap::new(),
        list: Vec::new(),
    };
    let system = reading_order(pack, Scope::System);
    for status in STATUS_ORDER {
        let group: Vec<&&ObligationView> = system.iter().filter(|o| o.status == status).collect();
        b.heading(2, format!("{} ({})", status_heading(status), group.len()));
        if group.is_empty() {
            b.paragraph("None.");
            continue;
        }
        let anchors = group.iter().map(|o| obligation_anchor(&o.id)).collect();
        let rows = group
            .iter()
            .map(|o| obligation_row(o, &mut quotes, false))
            .collect();
        b.anchored_table(
            &[
                ("ID", 22),
                ("Level", 10),
                ("Obligation and why", 56),
                ("Quoted", 12),
            ],
            rows,
            anchors,
            false,
        );
    }
    let organisation = reading_order(pack, Scope::Organisation);
    if !organisation.is_empty() {
        b.heading(
            2,
            format!(
                "Organisation context ({}): the organisation's duties, never the project's blockers",
                organisation.len()
            ),
        );
        let anchors = organisation
            .iter()
            .map(|o| obligation_anchor(&o.id))
            .collect();
        let rows = organisation
            .iter()
            .map(|o| obligation_row(o, &mut quotes, true))
            .collect();
        b.anchored_table(
            &[
                ("ID", 20),
                ("Level", 10),
                ("Status", 11),
                ("Obligation and why", 47),
                ("Quoted", 12),
            ],
            rows,
            anchors,
            false,
        );
    }
    b.heading(2, "Requirements quoted");
    b.paragraph("Each sentence of the standards that an obligation above rests on, quoted once, with the standard, its page and the date it was last updated.");
    let anchors = (1..=quotes.list.len())
        .map(|n| anchor_id("quote", &n.to_string()))
        .collect();
    let rows = quotes.rows();
    b.anchored_table(
        &[("No.", 7), ("Requirement quoted", 93)],
        rows,
        anchors,
        false,
    );
}
