//! [`load_files`]: raw questionnaire files turned into a validated [`Catalogue`], one kind
//! of item at a time (standards, questionnaires with their sections and questions,
//! derived values, conditions and their dependencies, notices, obligations, exclusions),
//! every problem recorded with its position and all reported together.

use std::collections::{BTreeMap, HashMap, HashSet};

use sha2::{Digest, Sha256};

use super::checker::{
    kebab_char, option_value_valid, snake_char, At, Checker, Diagnostic, LoadError, PendingExpr,
};
use super::dependencies::{report_cycles, report_deep_chain};
use super::expressions::type_check;
use super::raw::{RawDerived, RawFile, RawSource, SourceFile, MAX_FILE_BYTES, MAX_NESTING};
use crate::questionnaire::model::*;
use crate::text::toml_too_deep;

/// Loads and validates a set of files into a catalogue. Files are taken in the order
/// given; ids must be unique across all of them. Fails with [`LoadError::Invalid`]
/// listing every problem found (never the first only), or when no file has a
/// `[questionnaire]` header.
pub fn load_files(files: Vec<SourceFile>) -> Result<Catalogue, LoadError> {
    let mut checker = Checker {
        files: &files,
        diagnostics: Vec::new(),
        missing_short: HashSet::new(),
    };

    // Parse each file; a file that does not parse contributes only its diagnostic.
    let mut parsed: Vec<(usize, RawFile)> = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let whole = At {
            file: index,
            span: 0..0,
        };
        if file.text.len() > MAX_FILE_BYTES {
            checker.error(
                &whole,
                format!(
                    "file is {} bytes; questionnaire files are limited to {MAX_FILE_BYTES} bytes",
                    file.text.len()
                ),
            );
            continue;
        }
        if let Some(offset) = toml_too_deep(&file.text, MAX_NESTING) {
            checker.error(
                &At {
                    file: index,
                    span: offset..offset,
                },
                format!("brackets or dotted keys (a.b.c) nest more than {MAX_NESTING} deep; questionnaire files never need that"),
            );
            continue;
        }
        match toml::from_str::<RawFile>(&file.text) {
            Ok(raw) => parsed.push((index, raw)),
            Err(err) => {
                let span = err.span().unwrap_or(0..0);
                let message = err.message().trim().to_string();
                checker.error(
                    &At { file: index, span },
                    format!("invalid questionnaire TOML: {message}"),
                );
            }
        }
    }

    let mut standards: BTreeMap<String, Standard> = BTreeMap::new();
    let mut standard_at: HashMap<String, At> = HashMap::new();
    for (file, raw) in &parsed {
        for s in &raw.standards {
            let at = At {
                file: *file,
                span: s.id.span(),
            };
            let id = s.id.get_ref().clone();
            checker.check_id(&at, &id, "standard", kebab_char);
            if let Some(first) = standard_at.get(&id) {
                let first = checker.describe(first);
                checker.error(
                    &at,
                    format!("duplicate standard id '{id}' (first defined at {first})"),
                );
                continue;
            }
            standard_at.insert(id.clone(), at);
            standards.insert(
                id.clone(),
                Standard {
                    id,
                    title: s.title.clone(),
                    path: s.path.clone(),
                    file: s.file.clone(),
                    url: s.url.clone(),
                    last_updated: s.last_updated.clone(),
                    exceptions_approved_by: s.exceptions_approved_by.clone(),
                },
            );
        }
    }

    let convert_sources = |checker: &mut Checker<'_>, file: usize, raw: &[RawSource]| {
        let mut out = Vec::new();
        for source in raw {
            let at = At {
                file,
                span: source.standard.span(),
            };
            if !standards.contains_key(source.standard.get_ref()) {
                let known: Vec<&str> = standards.keys().map(String::as_str).collect();
                checker.error(
                    &at,
                    format!(
                        "unknown standard '{}'; known standards: {}",
                        source.standard.get_ref(),
                        known.join(", ")
                    ),
                );
            }
            let quote_at = At {
                file,
                span: source.quote.span(),
            };
            checker.require_text(&quote_at, source.quote.get_ref(), "quote");
            out.push(Source {
                standard: source.standard.get_ref().clone(),
                section: source.section.clone(),
                quote: source.quote.get_ref().clone(),
            });
        }
        out
    };

    // Questionnaires, sections and questions.
    let mut questionnaires: Vec<Questionnaire> = Vec::new();
    let mut questionnaire_at: HashMap<String, At> = HashMap::new();
    let mut questions: BTreeMap<String, Question> = BTreeMap::new();
    let mut question_at: HashMap<String, At> = HashMap::new();
    let mut pending_ask_if: Vec<(String, PendingExpr)> = Vec::new();
    for (file, raw) in &parsed {
        let file = *file;
        let Some(header) = &raw.questionnaire else {
            if let Some(q) = raw.questions.first() {
                let at = At {
                    file,
                    span: q.id.span(),
                };
                checker.error(
                    &at,
                    "questions need a [questionnaire] header in the same file",
                );
            }
            if let Some(s) = raw.sections.first() {
                let at = At {
                    file,
                    span: s.id.span(),
                };
                checker.error(
                    &at,
                    "sections need a [questionnaire] header in the same file",
                );
            }
            if let Some(o) = raw.obligations.first() {
                let at = At {
                    file,
                    span: o.id.span(),
                };
                checker.error(
                    &at,
                    "obligations need a [questionnaire] header in the same file",
                );
            }
            continue;
        };
        let header_ref = header.get_ref();
        let qid = header_ref.id.get_ref().clone();
        let at = At {
            file,
            span: header_ref.id.span(),
        };
        checker.check_id(&at, &qid, "questionnaire", kebab_char);
        if let Some(first) = questionnaire_at.get(&qid) {
            let first = checker.describe(first);
            checker.error(
                &at,
                format!("duplicate questionnaire id '{qid}' (first defined at {first})"),
            );
            continue;
        }
        questionnaire_at.insert(qid.clone(), at);
        let version_at = At {
            file,
            span: header_ref.version.span(),
        };
        checker.require_text(&version_at, header_ref.version.get_ref(), "version");

        let mut sections: Vec<Section> = Vec::new();
        for s in &raw.sections {
            let at = At {
                file,
                span: s.id.span(),
            };
            checker.check_id(&at, s.id.get_ref(), "section", kebab_char);
            if sections.iter().any(|x| x.id == *s.id.get_ref()) {
                checker.error(&at, format!("duplicate section id '{}'", s.id.get_ref()));
                continue;
            }
            sections.push(Section {
                id: s.id.get_ref().clone(),
                title: s.title.clone(),
                intro: s.intro.clone(),
                questions: Vec::new(),
            });
        }

        for q in &raw.questions {
            let id = q.id.get_ref().clone();
            let at = At {
                file,
                span: q.id.span(),
            };
            checker.check_id(&at, &id, "question", snake_char);
            if let Some(first) = question_at.get(&id) {
                let first = checker.describe(first);
                checker.error(
                    &at,
                    format!("duplicate question id '{id}' (first defined at {first})"),
                );
                continue;
            }
            question_at.insert(id.clone(), at.clone());
            let kind_at = At {
                file,
                span: q.kind.span(),
            };
            let Some(kind) = AnswerKind::parse(q.kind.get_ref()) else {
                checker.error(
                    &kind_at,
                    format!(
                        "unknown kind '{}'; use yes-no, single, multiple, text, date or evidence",
                        q.kind.get_ref()
                    ),
                );
                continue;
            };
            for (field, value) in [
                ("prompt", &q.prompt),
                ("help", &q.help),
                ("who_can_answer", &q.who_can_answer),
            ] {
                let field_at = At {
                    file,
                    span: value.span(),
                };
                checker.require_text(&field_at, value.get_ref(), field);
            }
            let choice = matches!(kind, AnswerKind::Single | AnswerKind::Multiple);
            if choice {
                if q.options.len() < 2 {
                    checker.error(
                        &kind_at,
                        format!(
                            "a {} question needs at least two [[questions.options]]",
                            kind.name()
                        ),
                    );
                }
                if q.short.as_deref().is_none_or(|s| s.trim().is_empty()) {
                    checker.error(&at, format!("a {} question needs `short`, the phrase used in reasons (e.g. \"audience\")", kind.name()));
                }
            } else if let Some(first) = q.options.first() {
                let option_at = At {
                    file,
                    span: first.value.span(),
                };
                checker.error(
                    &option_at,
                    format!(
                        "a {} question has no options; remove them or change `kind`",
                        kind.name()
                    ),
                );
            }
            if kind == AnswerKind::YesNo && (q.when_yes.is_none() || q.when_no.is_none()) {
                checker.error(
                    &at,
                    "a yes-no question needs `when_yes` and `when_no`, the phrases used in reasons",
                );
            }
            if q.ordered && kind != AnswerKind::Single {
                checker.error(
                    &kind_at,
                    "`ordered = true` is only for single-choice questions",
                );
            }
            let mut options: Vec<Choice> = Vec::new();
            for o in &q.options {
                let option_at = At {
                    file,
                    span: o.value.span(),
                };
                let value = o.value.get_ref();
                if !option_value_valid(value) {
                    checker.error(&option_at, format!("option value '{value}' must start with a lowercase letter or digit and use only lowercase letters, digits and '-'"));
                }
                if options.iter().any(|c| c.value == *value) {
                    checker.error(&option_at, format!("duplicate option value '{value}'"));
                    continue;
                }
                let blank = |t: &Option<String>| t.as_deref().is_none_or(|t| t.trim().is_empty());
                if choice && !q.ordered && blank(&o.when_chosen) {
                    checker.error(&option_at, format!("option '{value}' needs `when_chosen`, the phrase a reason uses when it is chosen (e.g. \"the penetration test is booked, not done yet\")"));
                }
                if kind == AnswerKind::Multiple && !o.exclusive && blank(&o.when_not_chosen) {
                    checker.error(&option_at, format!("option '{value}' of a multiple-choice question needs `when_not_chosen`, the phrase a reason uses when it is left out (e.g. \"members of the public do not sign in to use it\")"));
                }
                if o.exclusive && kind != AnswerKind::Multiple {
                    checker.error(
                        &option_at,
                        "`exclusive = true` is only for options of multiple-choice questions",
                    );
                }
                if o.exclusive && q.options.iter().filter(|x| x.exclusive).count() > 1 {
                    checker.error(
                        &option_at,
                        "a question can have only one `exclusive` option",
                    );
                }
                options.push(Choice {
                    value: value.clone(),
                    label: o.label.clone(),
                    help: o.help.clone(),
                    when_chosen: o.when_chosen.clone(),
                    when_not_chosen: o.when_not_chosen.clone(),
                    exclusive: o.exclusive,
                });
            }
            let section_at = At {
                file,
                span: q.section.span(),
            };
            match sections.iter_mut().find(|s| s.id == *q.section.get_ref()) {
                Some(section) => section.questions.push(id.clone()),
                None => {
                    let known: Vec<&str> = sections.iter().map(|s| s.id.as_str()).collect();
                    checker.error(
                        &section_at,
                        format!(
                            "unknown section '{}' in questionnaire '{qid}'; its sections are: {}",
                            q.section.get_ref(),
                            known.join(", ")
                        ),
                    );
                }
            }
            if let Some(raw_expr) = &q.ask_if {
                if let Some(pending) = checker.parse_expr(file, raw_expr) {
                    pending_ask_if.push((id.clone(), pending));
                }
            }
            let sources = convert_sources(&mut checker, file, &q.sources);
            questions.insert(
                id.clone(),
                Question {
                    id,
                    questionnaire: qid.clone(),
                    section: q.section.get_ref().clone(),
                    kind,
                    prompt: q.prompt.get_ref().clone(),
                    help: q.help.get_ref().clone(),
                    who_can_answer: q.who_can_answer.get_ref().clone(),
                    short: q.short.clone(),
                    when_yes: q.when_yes.clone(),
                    when_no: q.when_no.clone(),
                    ordered: q.ordered,
                    options,
                    ask_if: None,
                    sources,
                },
            );
        }
        for section in &sections {
            if section.questions.is_empty() {
                if let Some(s) = raw.sections.iter().find(|s| *s.id.get_ref() == section.id) {
                    let at = At {
                        file,
                        span: s.id.span(),
                    };
                    checker.error(&at, format!("section '{}' has no questions", section.id));
                }
            }
        }
        let text = files.get(file).map(|f| f.text.as_str()).unwrap_or("");
        questionnaires.push(Questionnaire {
            id: qid,
            version: header_ref.version.get_ref().clone(),
            title: header_ref.title.clone(),
            order: header_ref.order,
            summary: header_ref.summary.clone(),
            sections,
            origin: files.get(file).map(|f| f.name.clone()).unwrap_or_default(),
            sha256: hex_sha256(text.as_bytes()),
        });
    }

    // Derived values: checked before expressions, which may use them.
    let mut derived_from: HashMap<String, String> = HashMap::new();
    let mut derived_at: HashMap<String, At> = HashMap::new();
    let mut derived_raw: Vec<(usize, &RawDerived)> = Vec::new();
    for (file, raw) in &parsed {
        for d in &raw.derived {
            let id = d.id.get_ref().clone();
            let at = At {
                file: *file,
                span: d.id.span(),
            };
            checker.check_id(&at, &id, "derived value", snake_char);
            if questions.contains_key(&id) || derived_at.contains_key(&id) {
                checker.error(
                    &at,
                    format!("'{id}' is already defined as a question or derived value"),
                );
                continue;
            }
            let from_at = At {
                file: *file,
                span: d.from.span(),
            };
            match questions.get(d.from.get_ref()) {
                Some(q) if q.kind == AnswerKind::Single && q.ordered => {
                    for raise in &d.raise {
                        if q.option(raise.to.get_ref()).is_none() {
                            let to_at = At {
                                file: *file,
                                span: raise.to.span(),
                            };
                            checker.error(&to_at, format!("'{}' is not an option of '{}'", raise.to.get_ref(), q.id));
                        }
                    }
                }
                Some(q) => checker.error(&from_at, format!("'{}' must be a single-choice question with `ordered = true` to derive a value from it", q.id)),
                None => checker.error(&from_at, format!("unknown question '{}'", d.from.get_ref())),
            }
            derived_at.insert(id.clone(), at);
            derived_from.insert(id, d.from.get_ref().clone());
            derived_raw.push((*file, d));
        }
    }

    // Dependency graph for cycle detection: question -> names in its ask_if; derived ->
    // its source question and the names in its raise conditions.
    let mut depends: BTreeMap<String, Vec<(String, At)>> = BTreeMap::new();
    // How deeply each one's conditions nest: what it adds to a chain (see
    // `MAX_DEPENDENCY_DEPTH`).
    let mut weights: HashMap<String, usize> = HashMap::new();

    for (qid, pending) in pending_ask_if {
        type_check(&mut checker, &pending, &questions, &derived_from);
        let edges = pending
            .expr
            .names()
            .into_iter()
            .map(|(name, span)| (name.to_string(), checker.inner(&pending, &span)))
            .collect();
        depends.insert(qid.clone(), edges);
        weights.insert(qid.clone(), pending.expr.depth());
        if let Some(q) = questions.get_mut(&qid) {
            q.ask_if = Some((pending.expr, pending.text));
        }
    }

    let mut derived: Vec<Derived> = Vec::new();
    for (file, d) in derived_raw {
        let mut raises = Vec::new();
        let mut edges = vec![(
            d.from.get_ref().clone(),
            At {
                file,
                span: d.from.span(),
            },
        )];
        for raise in &d.raise {
            if let Some(pending) = checker.parse_expr(file, &raise.when) {
                type_check(&mut checker, &pending, &questions, &derived_from);
                for (name, span) in pending.expr.names() {
                    edges.push((name.to_string(), checker.inner(&pending, &span)));
                }
                raises.push(Raise {
                    to: raise.to.get_ref().clone(),
                    when: pending.expr,
                    when_text: pending.text,
                    because: raise.because.clone(),
                });
            }
        }
        depends.insert(d.id.get_ref().clone(), edges);
        weights.insert(
            d.id.get_ref().clone(),
            raises.iter().map(|r| r.when.depth()).max().unwrap_or(1),
        );
        derived.push(Derived {
            id: d.id.get_ref().clone(),
            short: d.short.clone(),
            from: d.from.get_ref().clone(),
            raise: raises,
        });
    }
    let before = checker.diagnostics.len();
    report_cycles(&mut checker, &depends);
    if checker.diagnostics.len() == before {
        report_deep_chain(&mut checker, &depends, &weights);
    }

    // Notices.
    let mut notices: Vec<Notice> = Vec::new();
    for (file, raw) in &parsed {
        for n in &raw.notices {
            let at = At {
                file: *file,
                span: n.id.span(),
            };
            checker.check_id(&at, n.id.get_ref(), "notice", kebab_char);
            if notices.iter().any(|x| x.id == *n.id.get_ref()) {
                checker.error(&at, format!("duplicate notice id '{}'", n.id.get_ref()));
                continue;
            }
            let severity_at = At {
                file: *file,
                span: n.severity.span(),
            };
            let severity = match n.severity.get_ref().as_str() {
                "stop" => NoticeSeverity::Stop,
                "warning" => NoticeSeverity::Warning,
                "info" => NoticeSeverity::Info,
                other => {
                    checker.error(
                        &severity_at,
                        format!("unknown severity '{other}'; use stop, warning or info"),
                    );
                    continue;
                }
            };
            let Some(pending) = checker.parse_expr(*file, &n.show_if) else {
                continue;
            };
            type_check(&mut checker, &pending, &questions, &derived_from);
            notices.push(Notice {
                id: n.id.get_ref().clone(),
                show_if: pending.expr,
                severity,
                title: n.title.clone(),
                text: n.text.clone(),
                contact: n.contact.clone(),
            });
        }
    }

    // Obligations.
    let mut obligations: Vec<Obligation> = Vec::new();
    let mut obligation_at: HashMap<String, At> = HashMap::new();
    for (file, raw) in &parsed {
        let file = *file;
        let Some(header) = &raw.questionnaire else {
            continue;
        };
        let qid = header.get_ref().id.get_ref().clone();
        for o in &raw.obligations {
            let id = o.id.get_ref().clone();
            let at = At {
                file,
                span: o.id.span(),
            };
            checker.check_id(&at, &id, "obligation", kebab_char);
            if let Some(first) = obligation_at.get(&id) {
                let first = checker.describe(first);
                checker.error(
                    &at,
                    format!("duplicate obligation id '{id}' (first defined at {first})"),
                );
                continue;
            }
            obligation_at.insert(id.clone(), at.clone());
            let level_at = At {
                file,
                span: o.level.span(),
            };
            let Some(level) = Level::parse(o.level.get_ref()) else {
                checker.error(&level_at, format!("unknown level '{}'; use MUST, SHOULD, MAY or GOOD PRACTICE (a MUST NOT is a MUST with a negative title)", o.level.get_ref()));
                continue;
            };
            let scope = match o.scope.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
                None | Some(("system", _)) => Scope::System,
                Some(("organisation", _)) => Scope::Organisation,
                Some((other, span)) => {
                    checker.error(
                        &At { file, span },
                        format!("unknown scope '{other}'; use system or organisation"),
                    );
                    continue;
                }
            };
            if o.sources.is_empty() {
                checker.error(&at, "an obligation needs at least one [[obligations.sources]] quoting the requirement");
            }
            if let Some(evidence) = &o.evidence {
                let evidence_at = At {
                    file,
                    span: evidence.span(),
                };
                match questions.get(evidence.get_ref()) {
                    Some(q) if q.kind == AnswerKind::Evidence => {}
                    Some(q) => checker.error(
                        &evidence_at,
                        format!(
                            "'{}' is a {} question; `evidence` must name an evidence question",
                            q.id,
                            q.kind.name()
                        ),
                    ),
                    None => checker.error(
                        &evidence_at,
                        format!("unknown question '{}'", evidence.get_ref()),
                    ),
                }
            }
            let applies = checker.parse_expr(file, &o.applies_if);
            let met = checker.parse_expr(file, &o.met_if);
            let sources = convert_sources(&mut checker, file, &o.sources);
            let (Some(applies), Some(met)) = (applies, met) else {
                continue;
            };
            type_check(&mut checker, &applies, &questions, &derived_from);
            type_check(&mut checker, &met, &questions, &derived_from);
            let exception_approver = o
                .exception_approver
                .clone()
                .or_else(|| o.requires_approval.clone())
                .or_else(|| {
                    sources.iter().find_map(|s| {
                        standards
                            .get(&s.standard)
                            .and_then(|st| st.exceptions_approved_by.clone())
                    })
                });
            obligations.push(Obligation {
                id,
                questionnaire: qid.clone(),
                level,
                scope,
                title: o.title.clone(),
                involves: o.involves.clone(),
                applies_if: applies.expr,
                applies_if_text: applies.text,
                met_if: met.expr,
                met_if_text: met.text,
                evidence: o.evidence.as_ref().map(|e| e.get_ref().clone()),
                requires_approval: o.requires_approval.clone(),
                exception_approver,
                guidance: o.guidance.clone(),
                sources,
            });
        }
    }

    // Exclusions are read by the coverage test; checked here so a typo is caught early.
    for (file, raw) in &parsed {
        for e in &raw.exclusions {
            if !standards.contains_key(e.standard.get_ref()) {
                let at = At {
                    file: *file,
                    span: e.standard.span(),
                };
                checker.error(&at, format!("unknown standard '{}'", e.standard.get_ref()));
            }
            let reason_at = At {
                file: *file,
                span: e.reason.span(),
            };
            checker.require_text(&reason_at, e.reason.get_ref(), "reason");
        }
    }

    if checker.diagnostics.is_empty() && questionnaires.is_empty() {
        checker.diagnostics.push(Diagnostic {
            file: files
                .first()
                .map(|f| f.name.clone())
                .unwrap_or_else(|| String::from("<none>")),
            line: 1,
            column: 1,
            message: String::from(
                "no questionnaire found: at least one file needs a [questionnaire] header",
            ),
        });
    }
    if !checker.diagnostics.is_empty() {
        return Err(LoadError::Invalid(checker.diagnostics));
    }
    questionnaires.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
    Ok(Catalogue {
        questionnaires,
        questions,
        obligations,
        derived,
        notices,
        standards,
    })
}

/// The SHA-256 of `bytes` as 64 lowercase hex digits: how questionnaire files, findings
/// (their audit pins) and the assessment's content are fingerprinted.
pub fn hex_sha256(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for byte in digest {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0xf)]));
    }
    out
}
