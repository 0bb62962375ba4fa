//! [`build`]: gathering an assessment into a [`Pack`]. Everything the pack states comes
//! from the assessment modules' own rules (findings, review, sign-off, signatures,
//! verify), evaluated once here, with every string from the file sanitised on the way in.

use std::collections::{BTreeMap, BTreeSet};

use super::marking::{
    marking_levels, pack_marking, weaknesses_listed, ReportError, Weaknesses, DEFAULT_MARKING,
};
use super::pack::*;
use super::summary::next_steps;
use super::words::{clean, clean_line, evidence_words, truth_word, when};
use crate::assessment::allowed_signers::AllowedSigners;
use crate::assessment::evidence::{EvidenceFiles, FileState};
use crate::assessment::findings;
use crate::assessment::index::ProblemsByFinding;
use crate::assessment::record::{Assessment, Finding, StoredValue};
use crate::assessment::review;
use crate::assessment::sign_off::{self, Judged, SignOffState, SIGN_OFF_VALID};
use crate::assessment::signature;
use crate::assessment::verify::{self, ProblemKind};
use crate::questionnaire::answer::{display_answer, EvidenceRef};
use crate::questionnaire::expr::Truth;
use crate::questionnaire::model::Catalogue;
use crate::rules::Status;

fn evidence_view(evidence: &EvidenceRef, checks: &BTreeMap<String, EvidenceCheck>) -> EvidenceView {
    EvidenceView {
        title: clean_line(&evidence.title),
        link: evidence.link.as_deref().map(clean_line),
        path: evidence.path.as_deref().map(clean_line),
        sha256: evidence.sha256.as_deref().map(clean_line),
        size: evidence.size,
        check: evidence.path.as_ref().and_then(|p| checks.get(p).cloned()),
    }
}

/// A review decision in words: where it stands (the review module's own label, e.g.
/// "stale — answer changed after review (was accepted)"), by whom and when.
fn review_words(review: &ReviewView) -> String {
    let mut words = format!(
        "{}; decided by {} on {}",
        review.label,
        review.reviewer,
        when(review.decided_at)
    );
    if review.stale {
        words.push_str("; the reviewer needs to look at it again");
    }
    if review.edited_outside {
        words.push_str("; EDITED OUTSIDE SECASSESS: this review does not match its audit entry");
    }
    words
}

fn stored_words(value: &Option<StoredValue>) -> Option<String> {
    match value {
        Some(StoredValue::One(v)) => Some(v.clone()),
        Some(StoredValue::Many(vs)) => Some(vs.join(", ")),
        None => None,
    }
}

fn finding_view(
    view: &findings::FindingView<'_>,
    checks: &BTreeMap<String, EvidenceCheck>,
    edited_outside: bool,
    treatment: Result<String, String>,
) -> FindingView {
    let f: &Finding = view.finding;
    FindingView {
        edited_outside,
        treated: treatment.is_ok(),
        treatment: clean_line(&treatment.unwrap_or_else(|missing| missing)),
        id: clean_line(&f.id),
        title: clean_line(&f.title),
        severity: f.severity,
        status: f.status,
        owner: clean_line(&f.owner),
        obligations: f.obligations.iter().map(|o| clean_line(o)).collect(),
        questions: f.questions.iter().map(|q| clean_line(q)).collect(),
        description: clean(&f.description),
        raised_by: clean_line(&f.raised_by),
        raised_at: f.raised_at,
        updated_at: f.updated_at,
        mitigation: f.mitigation.as_ref().map(|m| {
            let mut words = format!(
                "{} Owner: {}. Target date: {}.",
                clean(m.actions.trim_end()),
                clean_line(&m.owner),
                m.target_date
            );
            if let Some(done) = m.completed_on {
                words.push_str(&format!(" Completed on {done}."));
            }
            if let Some(e) = &m.evidence {
                words.push_str(&format!(
                    "\nEvidence: {}",
                    evidence_words(&evidence_view(e, checks))
                ));
            }
            words
        }),
        acceptance: f.acceptance.as_ref().map(|a| {
            format!(
                "Accepted by {} on {}, review by {}. Rationale: {}",
                clean_line(&a.accepted_by.signature()),
                a.accepted_on,
                a.review_date,
                clean(&a.rationale)
            )
        }),
        exception: f.exception.as_ref().map(|e| {
            format!(
                "Approved by {} on {}, reference {}",
                clean_line(&e.approved_by.signature()),
                e.approved_on,
                clean_line(&e.reference)
            )
        }),
        overdue: view.overdue.iter().map(|o| o.to_string()).collect(),
        needs_escalation: view.needs_escalation,
        no_longer_applies: view.no_longer_applies.as_deref().map(clean_line),
        problems: view
            .problems
            .iter()
            .map(|p| clean_line(&p.to_string()))
            .collect(),
    }
}

/// The export's re-checks of local evidence files as the files found, for the sign-off
/// and review rules: a file found unchanged has the content recorded for it.
fn observed(a: &Assessment, checks: &BTreeMap<String, EvidenceCheck>) -> EvidenceFiles {
    let references: Vec<&EvidenceRef> = a
        .answers
        .values()
        .filter_map(|r| r.evidence.as_ref())
        .chain(
            a.findings
                .iter()
                .filter_map(|f| f.mitigation.as_ref()?.evidence.as_ref()),
        )
        .collect();
    let mut files = EvidenceFiles::not_checked();
    for (path, check) in checks {
        let state = match check {
            EvidenceCheck::Unchanged => {
                let Some(recorded) = references
                    .iter()
                    .find(|e| e.path.as_deref() == Some(path.as_str()))
                else {
                    continue;
                };
                FileState::Present {
                    sha256: recorded.sha256.clone().unwrap_or_default(),
                    size: recorded.size.unwrap_or_default(),
                }
            }
            EvidenceCheck::Changed { sha256, size }
            | EvidenceCheck::NoRecordedHash { sha256, size } => FileState::Present {
                sha256: sha256.clone(),
                size: *size,
            },
            EvidenceCheck::Missing => FileState::Missing,
            EvidenceCheck::Unreadable { reason } => FileState::Unreadable {
                reason: reason.clone(),
            },
            // Not read: nothing is known about it, as for a file never checked.
            EvidenceCheck::NotRechecked => continue,
        };
        files.insert(path, state);
    }
    files
}

/// Gathers everything the evidence pack shows.
pub fn build(input: &Input<'_>) -> Result<Pack, ReportError> {
    let a = input.assessment;
    let catalogue = input.catalogue;
    let (evaluation, answer_problems) = findings::evaluate(a, catalogue);
    let (typed, _) = a.typed_answers(catalogue);
    let problems = findings::check_consistency(a, catalogue);
    let standings =
        findings::standings(&a.findings, &problems, catalogue, &evaluation, input.today);
    let gate = findings::gate(a, catalogue, input.today);
    let files = observed(a, input.evidence);
    let judged = Judged {
        catalogue,
        evidence: &files,
        today: input.today,
    };
    let report = verify::verify(a, &judged);
    let readiness = sign_off::readiness(a, &judged);
    // Looked up once per answer, review and finding: a set, not a scan of the report.
    let edited_subjects: std::collections::HashSet<(ProblemKind, &str)> = report
        .problems
        .iter()
        .map(|p| (p.kind, p.subject.as_str()))
        .collect();
    let edited = |kind: ProblemKind, subject: &str| edited_subjects.contains(&(kind, subject));
    let by_finding = ProblemsByFinding::new(&problems);
    let signatures = signature_views(a, input.allowed_signers);
    let mut finding_views: Vec<FindingView> =
        findings::views(a, catalogue, &evaluation, &problems, input.today)
            .iter()
            .map(|v| {
                finding_view(
                    v,
                    input.evidence,
                    edited(ProblemKind::Finding, &v.finding.id),
                    sign_off::finding_treatment(v.finding, &by_finding, input.today),
                )
            })
            .collect();
    add_decision_signatures(&mut finding_views, &signatures);

    let classification = match &evaluation.effective_classification {
        Some(ec) => ClassificationView {
            text: ec
                .label
                .clone()
                .unwrap_or_else(|| format!("at least {} (not settled)", ec.at_least_label)),
            settled: ec.label.is_some(),
            at_least: ec.at_least_label.clone(),
            because: ec.because.clone(),
            explanation: ec.explanation.clone(),
        },
        None => ClassificationView {
            text: "not known yet".into(),
            settled: false,
            at_least: DEFAULT_MARKING.into(),
            because: Vec::new(),
            explanation: String::new(),
        },
    };

    let questionnaires = catalogue
        .questionnaires
        .iter()
        .map(|q| {
            let recorded = a.questionnaires.iter().find(|r| r.id == q.id);
            QuestionnaireView {
                id: q.id.clone(),
                title: q.title.clone(),
                version: q.version.clone(),
                sha256: q.sha256.clone(),
                recorded_version: recorded.map(|r| clean_line(&r.version)),
                recorded_sha256: recorded
                    .filter(|r| !r.sha256.is_empty())
                    .map(|r| clean_line(&r.sha256)),
                matches_record: recorded
                    .is_some_and(|r| r.version == q.version && r.sha256 == q.sha256),
            }
        })
        .collect();

    // Reviews.
    let review_records: Vec<ReviewView> = a
        .reviews
        .iter()
        .map(|(question, r)| {
            let status = review::status(a, question, &files);
            (question, r, status)
        })
        .map(|(question, r, status)| ReviewView {
            question: clean_line(question),
            decision: r.decision,
            reviewer: clean_line(&r.reviewer),
            decided_at: r.decided_at,
            stale: status.stale,
            open_query: status.open_query,
            resolved: r.resolved,
            label: status.label(),
            edited_outside: edited(ProblemKind::Review, question),
            thread: r
                .thread
                .iter()
                .map(|c| CommentView {
                    author: clean_line(&c.author),
                    at: c.at,
                    text: clean(&c.text),
                })
                .collect(),
        })
        .collect();
    let reviews_by_question: BTreeMap<&str, &ReviewView> = a
        .reviews
        .keys()
        .zip(&review_records)
        .map(|(k, v)| (k.as_str(), v))
        .collect();

    // Answers by section.
    let answer_view = |id: &str, prompt: &str, asked: Truth| -> AnswerView {
        let not_asked_because = (asked == Truth::False).then(|| {
            let because = catalogue
                .question(id)
                .map(|q| crate::walkthrough::why_not_asked(catalogue, &typed, q))
                .unwrap_or_default();
            clean_line(&because)
        });
        let record = a.answers.get(id);
        let question = catalogue.question(id);
        let answer = match (question, typed.get(id), record) {
            (Some(q), Some(value), _) => Some(clean(&display_answer(q, value))),
            (_, None, Some(r)) => stored_words(&r.value).map(|v| clean(&v)),
            _ => None,
        };
        let has_answer =
            record.is_some_and(|r| r.value.is_some() || r.dont_know || r.evidence.is_some());
        AnswerView {
            question: clean_line(id),
            prompt: clean_line(prompt),
            answer,
            dont_know: record.is_some_and(|r| r.dont_know),
            answered_by: record
                .filter(|_| has_answer)
                .map(|r| clean_line(&r.answered_by)),
            answered_at: record.filter(|_| has_answer).map(|r| r.answered_at),
            notes: record
                .map(|r| clean(r.notes.trim_end()))
                .unwrap_or_default(),
            evidence: record
                .and_then(|r| r.evidence.as_ref())
                .map(|e| evidence_view(e, input.evidence)),
            flagged: record.is_some_and(|r| r.flagged),
            asked: truth_word(asked).to_string(),
            not_asked_because,
            review: reviews_by_question.get(id).map(|r| review_words(r)),
            edited_outside: edited(ProblemKind::Answer, id),
        }
    };
    let mut sections = Vec::new();
    let mut no_longer_asked = Vec::new();
    let mut in_catalogue = BTreeSet::new();
    for questionnaire in &catalogue.questionnaires {
        for section in &questionnaire.sections {
            let mut view = SectionView {
                questionnaire: questionnaire.id.clone(),
                questionnaire_title: questionnaire.title.clone(),
                id: section.id.clone(),
                title: section.title.clone(),
                answers: Vec::new(),
                not_asked: Vec::new(),
            };
            for id in &section.questions {
                let Some(question) = catalogue.question(id) else {
                    continue;
                };
                in_catalogue.insert(id.as_str());
                let asked = evaluation.asked.get(id).copied().unwrap_or(Truth::Unknown);
                let answered = a.answers.get(id).is_some_and(review::has_answer);
                if asked == Truth::False && answered {
                    // Answered earlier, no longer asked: shown apart and counted nowhere.
                    no_longer_asked.push(answer_view(id, &question.prompt, asked));
                    view.not_asked.push(question.prompt.clone());
                } else if asked == Truth::False {
                    view.not_asked.push(question.prompt.clone());
                } else {
                    view.answers.push(answer_view(id, &question.prompt, asked));
                }
            }
            sections.push(view);
        }
    }
    let other_answers: Vec<AnswerView> = a
        .answers
        .keys()
        .filter(|id| !in_catalogue.contains(id.as_str()))
        .map(|id| {
            answer_view(
                id,
                "(a question the loaded questionnaires do not have)",
                Truth::Unknown,
            )
        })
        .collect();

    // Obligations.
    let obligations: Vec<ObligationView> = evaluation
        .obligations
        .iter()
        .map(|o| {
            let standing = standings.iter().find(|s| s.obligation == o.id);
            ObligationView {
                id: o.id.clone(),
                level: o.level,
                scope: o.scope,
                exception_approver: o.exception_approver.clone(),
                title: o.title.clone(),
                status: standing.map_or(o.status, |s| s.status),
                applies: truth_word(o.applies).to_string(),
                reasons: o.reasons.iter().map(|r| clean(r)).collect(),
                sources: o.sources.clone(),
                findings: standing
                    .map(|s| s.findings.iter().map(|f| clean_line(f)).collect())
                    .unwrap_or_default(),
                treatment: standing
                    .and_then(|s| s.treatment.as_ref())
                    .map(|t| clean_line(&t.summary)),
                blocks: standing.and_then(|s| s.blocks.as_deref()).map(clean_line),
            }
        })
        .collect();

    // The pack's own marking: it lists these weaknesses.
    let weaknesses = Weaknesses {
        unmet_obligations: obligations
            .iter()
            .filter(|o| o.status == Status::NotMet)
            .count(),
        untreated_findings: finding_views.iter().filter(|f| !f.treated).count(),
    };
    debug_assert_eq!(
        weaknesses,
        weaknesses_listed(a, catalogue, &evaluation, &problems, input.today)
    );
    let marking = pack_marking(
        &marking_levels(catalogue),
        evaluation
            .effective_classification
            .as_ref()
            .map(|ec| ec.at_least.as_str()),
        weaknesses,
        input.marking,
    )?;

    // Audit trail, and everything verify found.
    let chain: Vec<&verify::Problem> = report
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::AuditChain)
        .collect();
    let verify_problems: Vec<VerifyProblemView> = report
        .problems
        .iter()
        .map(|p| VerifyProblemView {
            kind: p.kind,
            subject: clean_line(&p.subject),
            entry: p.entry,
            expected: clean_line(&p.expected),
            found: clean_line(&p.found),
            message: clean_line(&p.message),
        })
        .collect();
    let audit_view = AuditView {
        entries: a
            .audit
            .iter()
            .map(|e| AuditEntryView {
                at: e.at,
                who: clean_line(&e.who),
                action: clean_line(&e.action),
                subject: clean_line(&e.subject),
                old: clean(&e.old),
                new: clean(&e.new),
                hash: clean_line(&e.hash),
            })
            .collect(),
        chain_intact: chain.is_empty(),
        problems: chain.iter().map(|p| clean_line(&p.message)).collect(),
    };

    // Evidence files, everywhere they are referenced.
    let mut evidence_files: BTreeMap<String, EvidenceFileView> = BTreeMap::new();
    let mut note_evidence = |e: &EvidenceRef| {
        if let Some(path) = &e.path {
            evidence_files
                .entry(path.clone())
                .or_insert_with(|| EvidenceFileView {
                    path: clean_line(path),
                    recorded_sha256: e.sha256.as_deref().map(clean_line),
                    check: input.evidence.get(path).cloned(),
                });
        }
    };
    for record in a.answers.values() {
        if let Some(e) = &record.evidence {
            note_evidence(e);
        }
    }
    for f in &a.findings {
        if let Some(e) = f.mitigation.as_ref().and_then(|m| m.evidence.as_ref()) {
            note_evidence(e);
        }
    }
    let evidence_files: Vec<EvidenceFileView> = evidence_files.into_values().collect();

    let review_summary = summarise_reviews(a, catalogue, &evaluation, &files, &review_records);
    let sign_off = sign_off_view(a, &report, &signatures, input.complete);
    let mut verify = Vec::new();
    if !input.complete {
        verify.push(String::from(INCOMPLETE));
    }
    if !report.problems.is_empty() {
        verify.push(format!(
            "the file does not match its audit trail: {} problem(s), {} of them in the audit trail's own chain",
            report.problems.len(),
            chain.len()
        ));
    }
    if let Some(s) = sign_off.as_ref().filter(|s| !s.holds) {
        verify.push(format!("the sign-off does not hold: {}", s.state));
    }
    if !problems.is_empty() {
        verify.push(format!("{} findings register problem(s)", problems.len()));
    }
    if !answer_problems.is_empty() {
        verify.push(format!(
            "{} answer(s) that could not be used",
            answer_problems.len()
        ));
    }
    let evidence_attention = evidence_files
        .iter()
        .filter(|e| e.check.as_ref().is_some_and(EvidenceCheck::needs_attention))
        .count();
    if evidence_attention > 0 {
        verify.push(format!(
            "{evidence_attention} evidence file(s) changed, missing or unreadable"
        ));
    }
    let verify = if verify.is_empty() {
        "passed: the audit trail chain is intact, every answer, review, finding and sign-off matches its audit entry, the findings register is consistent and every answer could be read".to_string()
    } else {
        format!("NOT PASSED: {}", verify.join("; "))
    };

    let gate_view = GateView {
        passed: gate.passed,
        outside_self_assessment: gate
            .outside_self_assessment
            .iter()
            .map(|n| clean_line(&format!("{}: {}", n.title.trim_end_matches('.'), n.text)))
            .collect(),
        must: gate.must,
        met: gate.met,
        treated: gate.treated,
        blockers: gate
            .blockers
            .iter()
            .map(|b| BlockerView {
                obligation: b.obligation.clone(),
                title: b.title.clone(),
                reason: clean_line(&b.reason),
            })
            .collect(),
        warnings: gate.warnings.iter().map(|w| clean_line(w)).collect(),
    };
    let progress = ProgressView {
        answered: evaluation.progress.answered,
        dont_know: evaluation.progress.dont_know,
        total: evaluation.progress.total,
    };
    let gaps = findings::gaps_without_finding(&a.findings, &evaluation);
    let next_steps = next_steps(
        &progress,
        &gate_view,
        gaps.len(),
        &finding_views,
        &review_summary,
        sign_off.as_ref(),
        &verify_problems,
        evidence_attention,
    );

    let system = SystemView {
        name: clean_line(&a.system.name),
        description: clean(a.system.description.trim_end()),
    };
    Ok(Pack {
        schema: PACK_SCHEMA,
        schema_version: PACK_SCHEMA_VERSION,
        title: if gate.outside_self_assessment.is_empty() {
            format!("Security self-assessment: {}", system.name)
        } else {
            format!("Outside self-assessment: {}", system.name)
        },
        marking: marking.marking,
        marking_reason: marking.reason,
        generated_at: input.generated_at,
        dates_checked_on: input.today,
        tool_version: input.tool_version.to_string(),
        marking_raised: input.marking.is_some(),
        system,
        assessor: clean_line(&a.assessor.signature()),
        assessor_role: clean_line(&a.assessor.role),
        created_at: a.created_at,
        updated_at: a.updated_at,
        classification,
        questionnaires,
        progress,
        reviews: review_summary,
        sign_off,
        signatures,
        readiness: ReadinessView {
            ready: readiness.ready(),
            blockers: readiness
                .blockers
                .iter()
                .map(|b| clean_line(&format!("{}: {}", b.subject, b.reason)))
                .collect(),
        },
        gate: gate_view,
        next_steps,
        notices: evaluation
            .notices
            .iter()
            .map(|n| NoticeView {
                severity: format!("{:?}", n.severity).to_uppercase(),
                title: n.title.clone(),
                text: n.text.clone(),
            })
            .collect(),
        obligations,
        findings: finding_views,
        sections,
        no_longer_asked,
        other_answers,
        answer_problems: answer_problems
            .iter()
            .map(|p| clean_line(&p.problem))
            .collect(),
        review_records,
        integrity: IntegrityView {
            assessment_file: clean_line(input.file_name),
            assessment_sha256: input.file_sha256.to_string(),
            audit_entries: a.audit.len(),
            audit_chain_intact: chain.is_empty(),
            matches_audit_trail: verify_problems.is_empty(),
            file_complete: input.complete,
            verify_problems,
            finding_problems: problems
                .iter()
                .map(|p| clean_line(&p.to_string()))
                .collect(),
            evidence_files,
            verify,
        },
        audit: audit_view,
    })
}

/// The review summary, counted by the review module itself.
fn summarise_reviews(
    a: &Assessment,
    catalogue: &Catalogue,
    evaluation: &crate::rules::Evaluation,
    files: &EvidenceFiles,
    records: &[ReviewView],
) -> ReviewSummary {
    let reviewers: BTreeSet<String> = records.iter().map(|r| r.reviewer.clone()).collect();
    let reviewed_by = reviewers
        .iter()
        .map(|who| ReviewerView {
            who: who.clone(),
            role: a
                .sign_off
                .as_ref()
                .filter(|s| crate::assessment::identity::same_person(&s.signed_by.signature(), who))
                .map(|s| clean_line(&s.signed_by.role))
                .unwrap_or_default(),
            decisions: records.iter().filter(|r| &r.reviewer == who).count(),
        })
        .collect();
    let progress = review::progress(a, catalogue, evaluation, files);
    let open = review::open_queries(a, catalogue, evaluation);
    ReviewSummary {
        reviewers: reviewers.into_iter().collect(),
        reviewed_by,
        answers: progress.answers,
        accepted: progress.accepted,
        queries: progress.open_queries + progress.resolved_queries,
        open_queries: open.len(),
        resolved_queries: progress.resolved_queries,
        stale: progress.stale,
        not_reviewed: progress.not_reviewed,
        open_query_questions: open.iter().map(|q| clean_line(&q.question)).collect(),
        text: progress.to_string(),
    }
}

/// Every sign-off's signature, checked against the allowed-signers file when given.
fn signature_views(a: &Assessment, allowed: Option<&AllowedSigners>) -> Vec<SignatureView> {
    signature::check_all(a, allowed)
        .into_iter()
        .map(|c| SignatureView {
            what: clean_line(&c.what()),
            kind: c.kind,
            finding: c.finding.as_deref().map(clean_line),
            words: clean_line(&c.state.words()),
            state: c.state,
        })
        .collect()
}

/// A signed risk acceptance or exception says so where it is shown (an unsigned one, as
/// every one was before signatures, says nothing more).
fn add_decision_signatures(views: &mut [FindingView], signatures: &[SignatureView]) {
    for s in signatures.iter().filter(|s| s.state.signed()) {
        let Some(view) = views.iter_mut().find(|v| Some(&v.id) == s.finding.as_ref()) else {
            continue;
        };
        let text = match s.kind {
            signature::Kind::RiskAcceptance => view.acceptance.as_mut(),
            signature::Kind::ExceptionApproval => view.exception.as_mut(),
            signature::Kind::SignOff => None,
        };
        if let Some(text) = text {
            text.push_str(&format!("\nSignature: {}", s.words));
        }
    }
}

/// The sign-off with where it stands, as [`sign_off::state`] (in the verify report)
/// decides, and its signature; in a file that may have been cut short (`complete` false)
/// it never holds.
fn sign_off_view(
    a: &Assessment,
    report: &verify::Report,
    signatures: &[SignatureView],
    complete: bool,
) -> Option<SignOffView> {
    let s = a.sign_off.as_ref()?;
    let (entries_after, reasons) = match &report.sign_off {
        SignOffState::ChangedSince {
            entries_after,
            reasons,
            ..
        } => (*entries_after, reasons.clone()),
        SignOffState::NoLongerValid { reasons, .. } => (0, reasons.clone()),
        _ => (0, Vec::new()),
    };
    let state = match &report.sign_off {
        SignOffState::Intact { .. } if !complete => format!(
            "{SIGN_OFF_UNRELIABLE}: the content matches what was signed off, but {INCOMPLETE}"
        ),
        SignOffState::Intact { .. } => SIGN_OFF_VALID.to_string(),
        other => format!(
            "{}; the reviewer needs to review the changes and sign off again",
            other.words()
        ),
    };
    Some(SignOffView {
        signed_by: clean_line(&s.signed_by.signature()),
        role: clean_line(&s.signed_by.role),
        signed_at: s.signed_at,
        statement: clean(&s.statement),
        content_hash: clean_line(&s.content_hash),
        current_content_hash: sign_off::content_hash(a),
        changed_since: matches!(report.sign_off, SignOffState::ChangedSince { .. }),
        holds: report.sign_off.holds() && complete,
        reasons: reasons.iter().map(|r| clean_line(r)).collect(),
        entries_after,
        state: clean_line(&state),
        signature: signatures
            .iter()
            .find(|s| s.kind == signature::Kind::SignOff)
            .map_or_else(|| String::from("unsigned"), |s| s.words.clone()),
    })
}
