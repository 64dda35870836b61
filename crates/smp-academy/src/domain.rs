//! The academy's domain types: each checks its input once, where it enters (the command line,
//! a form, the API), so the rest of the server can take it as it is.

use std::fmt;

/// What an account may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Sets the academy up: courses, accounts, assignments; sees everything.
    Admin,
    /// Teaches courses: reviews, signs notes, releases feedback.
    Instructor,
    /// Submits attempts and sees their own work and released feedback.
    Trainee,
}

impl Role {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Instructor => "instructor",
            Role::Trainee => "trainee",
        }
    }

    /// The role stored as `s`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "instructor" => Some(Role::Instructor),
            "trainee" => Some(Role::Trainee),
            _ => None,
        }
    }
}

/// Why a value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// A sign-in name: 1–64 of a–z, 0–9, `.`, `_` and `-`, starting with a letter or digit.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Checks `s` (lower-cased first).
    pub fn parse(s: &str) -> Result<Username, Invalid> {
        let s = s.trim().to_ascii_lowercase();
        let ok = (1..=64).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
            && s.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
        if ok {
            Ok(Username(s))
        } else {
            Err(Invalid(format!(
                "{:?} is not a user name: 1–64 of a–z, 0–9, '.', '_', '-', starting with a letter or digit",
                smp_core::text::for_terminal(&s)
            )))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A name shown to people (a person's or a course's title): 1–200 characters, no control
/// characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShownName(String);

impl ShownName {
    /// Checks `s`.
    pub fn parse(s: &str) -> Result<ShownName, Invalid> {
        let s = s.trim();
        if s.is_empty()
            || s.chars().count() > smp_core::limits::MAX_TEXT
            || smp_core::text::has_control(s, false)
        {
            return Err(Invalid(format!(
                "a name must be 1–{} characters without control characters",
                smp_core::limits::MAX_TEXT
            )));
        }
        Ok(ShownName(s.to_string()))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A course's code: 1–32 of A–Z, a–z, 0–9, `-` and `_`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CourseCode(String);

impl CourseCode {
    /// Checks `s`.
    pub fn parse(s: &str) -> Result<CourseCode, Invalid> {
        let s = s.trim();
        let ok = (1..=32).contains(&s.len())
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(CourseCode(s.to_string()))
        } else {
            Err(Invalid(format!(
                "{:?} is not a course code: 1–32 of A–Z, a–z, 0–9, '-', '_'",
                smp_core::text::for_terminal(s)
            )))
        }
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed: kept out of every `Debug` and log.
#[derive(Clone)]
pub struct Password(String);

/// Fewest characters in a password.
pub const MIN_PASSWORD: usize = 8;
/// Most characters in a password (argon2 takes any length; this bounds the work).
pub const MAX_PASSWORD: usize = 1024;

impl Password {
    /// Checks a new password's length.
    pub fn new(s: String) -> Result<Password, Invalid> {
        let n = s.chars().count();
        if !(MIN_PASSWORD..=MAX_PASSWORD).contains(&n) {
            return Err(Invalid(format!(
                "a password must be {MIN_PASSWORD}–{MAX_PASSWORD} characters"
            )));
        }
        Ok(Password(s))
    }

    /// A password as typed at sign-in (any length up to the maximum; a wrong one just fails).
    pub fn typed(s: String) -> Password {
        Password(s.chars().take(MAX_PASSWORD).collect())
    }

    /// The text, for hashing only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// How many attempts an assignment takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// At most this many attempts.
    AtMost(u32),
    /// Resubmit until one passes; none after that.
    UntilPassed,
}

impl Policy {
    /// The policy as stored: `max_attempts`, NULL for until passed.
    pub fn from_column(max: Option<i64>) -> Policy {
        match max {
            Some(n) => Policy::AtMost(u32::try_from(n.max(1)).unwrap_or(u32::MAX)),
            None => Policy::UntilPassed,
        }
    }

    /// The column value.
    pub fn to_column(self) -> Option<i64> {
        match self {
            Policy::AtMost(n) => Some(i64::from(n)),
            Policy::UntilPassed => None,
        }
    }

    /// In words.
    pub fn describe(self) -> String {
        match self {
            Policy::AtMost(1) => "one attempt".into(),
            Policy::AtMost(n) => format!("at most {n} attempts"),
            Policy::UntilPassed => "until passed".into(),
        }
    }

    /// Why one more attempt is refused, given how many were made and whether one passed.
    pub fn refusal(self, made: i64, passed: bool) -> Option<String> {
        match self {
            Policy::AtMost(n) if made >= i64::from(n) => Some(format!(
                "this assignment takes at most {n} attempt{}, and {made} {} been submitted",
                if n == 1 { "" } else { "s" },
                if made == 1 { "has" } else { "have" }
            )),
            Policy::UntilPassed if passed => {
                Some("this assignment is passed: it takes no more attempts".into())
            }
            _ => None,
        }
    }
}

/// Where an attempt is in its marking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkingState {
    /// Received and scored; no instructor has started on it.
    Submitted,
    /// An instructor is writing notes; the trainee does not see them yet.
    InReview,
    /// Feedback is released to the trainee.
    Released,
}

impl MarkingState {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            MarkingState::Submitted => "submitted",
            MarkingState::InReview => "in_review",
            MarkingState::Released => "released",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            MarkingState::Submitted => "submitted",
            MarkingState::InReview => "in review",
            MarkingState::Released => "released",
        }
    }

    /// The state stored as `s` (anything else reads as submitted).
    pub fn parse(s: &str) -> MarkingState {
        match s {
            "in_review" => MarkingState::InReview,
            "released" => MarkingState::Released,
            _ => MarkingState::Submitted,
        }
    }
}

/// What the server found worth an instructor's eye in an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// The stored score is not what the samples give.
    Mismatch,
    /// The file was made on another level file than the academy's.
    LevelChanged,
    /// The stored score was made by an older version of the scoring rules.
    OlderVersion,
    /// The file says a program made the samples, not a hand.
    Synthetic,
    /// The file names another trainee than the account that sent it.
    OtherName,
}

impl Flag {
    /// Every flag, in the order shown.
    pub const ALL: [Flag; 5] = [
        Flag::Mismatch,
        Flag::LevelChanged,
        Flag::OlderVersion,
        Flag::Synthetic,
        Flag::OtherName,
    ];

    /// As stored and sent.
    pub fn as_str(self) -> &'static str {
        match self {
            Flag::Mismatch => "mismatch",
            Flag::LevelChanged => "level-changed",
            Flag::OlderVersion => "older-version",
            Flag::Synthetic => "synthetic",
            Flag::OtherName => "other-name",
        }
    }

    /// The flags stored as a comma list.
    pub fn parse_list(s: &str) -> Vec<Flag> {
        Flag::ALL
            .into_iter()
            .filter(|f| s.split(',').any(|p| p == f.as_str()))
            .collect()
    }

    /// A comma list of flags.
    pub fn to_list(flags: &[Flag]) -> String {
        flags
            .iter()
            .map(|f| f.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert_eq!(Username::parse(" Ana.B ").unwrap().as_str(), "ana.b");
        assert!(Username::parse("-x").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("../etc").is_err());
        assert!(CourseCode::parse("SMP-2026_A").is_ok());
        assert!(CourseCode::parse("a/b").is_err());
        assert!(ShownName::parse("Marta \u{1b}[31mCosta").is_err());
        assert!(Password::new("short".into()).is_err());
        assert_eq!(
            format!("{:?}", Password::new("secret-pass".into()).unwrap()),
            "Password(…)"
        );
    }

    #[test]
    fn policies_refuse_what_they_should() {
        assert!(Policy::AtMost(2).refusal(1, false).is_none());
        assert!(
            Policy::AtMost(2)
                .refusal(2, false)
                .unwrap()
                .contains("at most 2")
        );
        assert!(Policy::UntilPassed.refusal(9, false).is_none());
        assert!(Policy::UntilPassed.refusal(1, true).is_some());
        assert_eq!(
            Policy::from_column(Policy::AtMost(3).to_column()),
            Policy::AtMost(3)
        );
        assert_eq!(Policy::from_column(None), Policy::UntilPassed);
    }

    #[test]
    fn flags_round_trip() {
        let f = vec![Flag::Mismatch, Flag::Synthetic];
        assert_eq!(Flag::parse_list(&Flag::to_list(&f)), f);
        assert!(Flag::parse_list("").is_empty());
    }
}
