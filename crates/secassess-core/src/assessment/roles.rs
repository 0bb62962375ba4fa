//! Who may do what in an assessment. Identities are self-declared (see README), so a
//! person's part in an assessment is read from the assessment itself: the assessor who
//! created it is its project lead; someone who has recorded a review decision or a
//! sign-off is a reviewer; someone who has given answers or notes is a contributor.
//! "Same person" is always [`identity::same_person`](super::identity::same_person).
//!
//! The rules, enforced by every front end through these functions:
//! - the project lead and contributors answer, write notes, attach evidence, raise and
//!   treat findings and reply to queries;
//! - a reviewer accepts, queries and resolves answers and signs off; a reviewer does not
//!   change answers or notes (they query them, and the lead changes them), never accepts
//!   an answer they gave, and the project lead never reviews or signs off their own
//!   assessment;
//! - a business owner's risk acceptance, and an approver's exception, are recorded by
//!   whoever runs the command, naming the person who decided.

use super::identity::same_person;
use super::record::Assessment;
use super::review::REVIEW_ACTIONS;
use crate::assessment::audit::Action;
use crate::assessment::record::Person;

/// A person's part in one assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The assessor named when the assessment was created.
    ProjectLead,
    /// Has recorded a review decision, comment or sign-off on it.
    Reviewer,
    /// Has given an answer or notes in it.
    Contributor,
    /// Has done nothing in it yet.
    Newcomer,
}

impl Role {
    /// In words, for messages: "project lead", "reviewer", "contributor", "newcomer".
    pub fn name(self) -> &'static str {
        match self {
            Role::ProjectLead => "project lead",
            Role::Reviewer => "reviewer",
            Role::Contributor => "contributor",
            Role::Newcomer => "newcomer",
        }
    }
}

/// `who`'s part in `assessment`, read from what the file records.
pub fn role_in(assessment: &Assessment, who: &Person) -> Role {
    let me = who.signature();
    if same_person(&assessment.assessor.signature(), &me) {
        return Role::ProjectLead;
    }
    let reviewing = |action: &str| {
        REVIEW_ACTIONS.iter().any(|a| a.name() == action) || action == Action::SignOff.name()
    };
    let answering = |action: &str| {
        [
            Action::AnswerSet,
            Action::AnswerChanged,
            Action::NotesChanged,
        ]
        .iter()
        .any(|a| a.name() == action)
    };
    let mine = || assessment.audit.iter().filter(|e| same_person(&e.who, &me));
    let reviewed = mine().any(|e| reviewing(&e.action))
        || assessment
            .reviews
            .values()
            .any(|r| same_person(&r.reviewer, &me))
        || assessment
            .sign_off
            .as_ref()
            .is_some_and(|s| same_person(&s.signed_by.signature(), &me));
    if reviewed {
        Role::Reviewer
    } else if mine().any(|e| answering(&e.action)) {
        Role::Contributor
    } else {
        Role::Newcomer
    }
}

/// Why `who` may not change answers, notes or the system's details, if so: a reviewer
/// queries instead. `Err` holds the whole message, naming `who` and what to do.
pub fn may_change_answers(assessment: &Assessment, who: &Person) -> Result<(), String> {
    match role_in(assessment, who) {
        Role::Reviewer => Err(format!(
            "{} is reviewing this assessment, and a reviewer does not change the project lead's answers, notes or system details: query the answer instead (Q in the walkthrough, q in secassess review), and the project lead changes it",
            who.signature()
        )),
        _ => Ok(()),
    }
}

/// Why `who` may not record review decisions on this assessment, if so: the project lead
/// does not review their own assessment. `Err` holds the whole message, naming `who` and
/// what to do. Also asked before a sign-off.
pub fn may_review(assessment: &Assessment, who: &Person) -> Result<(), String> {
    match role_in(assessment, who) {
        Role::ProjectLead => Err(format!(
            "{} is this assessment's project lead (its assessor), and the project lead does not review or sign off their own assessment; ask the Information Governance representative to review it, acting as themselves (--as)",
            who.signature()
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::record::System;

    fn person(name: &str, email: &str) -> Person {
        Person {
            name: name.into(),
            role: String::new(),
            email: email.into(),
        }
    }

    #[test]
    fn roles_come_from_what_the_file_records() {
        let catalogue = crate::questionnaire::load_embedded().expect("content loads");
        let lead = person("Ann Lead", "ann@example.org");
        let tech = person("Tom Tech", "tom@example.org");
        let ivy = person("Ivy Reviewer", "ivy@example.org");
        let now = chrono::Utc::now();
        let mut a = Assessment::new(System::default(), lead.clone(), &catalogue, now);
        let q = catalogue.question("personal_data").expect("exists");
        a.set_answer(
            q,
            &crate::questionnaire::answer::AnswerValue::YesNo(true),
            &tech,
            now,
        )
        .expect("fits");
        assert_eq!(role_in(&a, &lead), Role::ProjectLead);
        // By email, whatever the name or case.
        assert_eq!(
            role_in(&a, &person("A. Lead", "ANN@example.org")),
            Role::ProjectLead
        );
        assert_eq!(role_in(&a, &tech), Role::Contributor);
        assert_eq!(role_in(&a, &ivy), Role::Newcomer);
        crate::assessment::review::decide(
            &mut a,
            "personal_data",
            crate::assessment::review::Decision::Accept,
            &ivy,
            now,
            &crate::assessment::evidence::EvidenceFiles::not_checked(),
        )
        .expect("accepted");
        assert_eq!(role_in(&a, &ivy), Role::Reviewer);
        assert!(may_change_answers(&a, &ivy).is_err());
        assert!(may_change_answers(&a, &tech).is_ok());
        assert!(may_review(&a, &lead).is_err());
        assert!(may_review(&a, &ivy).is_ok());
    }
}
