//! Beacon sources (随机源, spec §1): the public randomness named at commit.
//!
//! Three kinds: `none` (reproducible but only as trustworthy as the
//! operator), a drand quicknet round, and a manual value such as the
//! 中国福利彩票 3D numbers of a named date. A manual source must state the
//! exact form of its value inside the source text, so that nobody can choose
//! among spellings after the fact; the form is declared in a closing
//! parenthesis, either as a known phrase or as a template:
//!
//! - `（三位数字，以单个空格分隔）` or `（3位数字，以单个空格分隔）`: `3 7 5`
//! - `（三位数字）`: `375`
//! - `（格式：## ## ## ## ## ## + ##）`: `#` is one decimal digit, every other
//!   character stands for itself (双色球-like results).

use std::fmt;

use crate::drand::{self, VerifiedRound};
use crate::error::{DrawError, Problem};
use crate::text::Text;

const DRAND_PREFIX: &str = "drand quicknet round ";

/// The beacon source of a draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BeaconSource {
    /// `none`: no beacon; the record must say the draw is only as
    /// trustworthy as the operator.
    None,
    /// `drand quicknet round <N>`.
    DrandQuicknet { round: u64 },
    /// Any other source: its text states the form of the value.
    Manual { text: Text, form: ValueForm },
}

/// How the verifier (spec §1) treats a `beacon_source`: it checks the form
/// only for `none` and for canonical drand sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceClass<'a> {
    None,
    /// The round number as written (ASCII digits, no sign or leading zeros).
    Drand(&'a str),
    Other,
}

/// Classifies a source text as the verifier must.
pub fn classify(source: &str) -> SourceClass<'_> {
    if source == "none" {
        return SourceClass::None;
    }
    if let Some(n) = source.strip_prefix(DRAND_PREFIX)
        && !n.is_empty()
        && n.bytes().all(|b| b.is_ascii_digit())
        && (n == "0" || !n.starts_with('0'))
    {
        return SourceClass::Drand(n);
    }
    SourceClass::Other
}

/// Checks `beacon` against `beacon_source` as the verifier does.
pub fn check_beacon_form(source: &str, beacon: &str) -> Result<(), Problem> {
    match classify(source) {
        SourceClass::None if beacon.is_empty() => Ok(()),
        SourceClass::None => Err(Problem::BeaconMustBeEmpty),
        _ if beacon.is_empty() => Err(Problem::BeaconMustNotBeEmpty),
        SourceClass::Drand(_) => crate::digest::Digest::parse_hex(beacon)
            .map(|_| ())
            .map_err(Problem::DrandBeaconForm),
        SourceClass::Other => Ok(()),
    }
}

/// One position of a value template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    /// Any decimal digit 0–9.
    Digit,
    /// Exactly this character.
    Literal(char),
}

/// The declared form of a manual beacon value: a fixed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueForm {
    slots: Vec<Slot>,
}

impl ValueForm {
    /// `n` digits, separated by single spaces when `spaced`.
    pub fn digits(n: usize, spaced: bool) -> ValueForm {
        let mut slots = Vec::new();
        for i in 0..n {
            if spaced && i > 0 {
                slots.push(Slot::Literal(' '));
            }
            slots.push(Slot::Digit);
        }
        ValueForm { slots }
    }

    /// A template where `#` is a digit and anything else is literal.
    pub fn template(t: &str) -> ValueForm {
        ValueForm {
            slots: t
                .chars()
                .map(|c| if c == '#' { Slot::Digit } else { Slot::Literal(c) })
                .collect(),
        }
    }

    /// Reads the form stated at the end of a source text.
    pub fn from_source(source: &str) -> Option<ValueForm> {
        let inner = source
            .strip_suffix('）')
            .and_then(|s| s.rfind('（').map(|i| &s[i + '（'.len_utf8()..]))
            .or_else(|| source.strip_suffix(')').and_then(|s| s.rfind('(').map(|i| &s[i + 1..])))?;
        if let Some(t) = inner.strip_prefix("格式：").or_else(|| inner.strip_prefix("格式:")) {
            let t = t.trim();
            return (!t.is_empty() && t.contains('#')).then(|| ValueForm::template(t));
        }
        let (count, rest) = inner.split_once("位数字")?;
        let n = parse_count(count)?;
        match rest {
            "" => Some(ValueForm::digits(n, false)),
            "，以单个空格分隔" | ",以单个空格分隔" => Some(ValueForm::digits(n, true)),
            _ => None,
        }
    }

    /// Whether `value` has exactly this form.
    pub fn matches(&self, value: &str) -> bool {
        let mut chars = value.chars();
        for slot in &self.slots {
            match (slot, chars.next()) {
                (Slot::Digit, Some(c)) if c.is_ascii_digit() => {}
                (Slot::Literal(l), Some(c)) if *l == c => {}
                _ => return false,
            }
        }
        chars.next().is_none()
    }
}

impl fmt::Display for ValueForm {
    /// The template with `#` for a digit, e.g. `# # #`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.slots {
            match s {
                Slot::Digit => f.write_str("#")?,
                Slot::Literal(c) => write!(f, "{c}")?,
            }
        }
        f.write_str(" where # is one digit")
    }
}

fn parse_count(s: &str) -> Option<usize> {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s.parse().ok().filter(|&n| (1..=64).contains(&n));
    }
    const DIGITS: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let n = match s {
        "两" => 2,
        _ => DIGITS.iter().position(|d| *d == s)? + 1,
    };
    Some(n)
}

impl BeaconSource {
    /// Reads a source text as the platform does at commit: `none`, a drand
    /// round ≥ 1, or a manual source that states its value's form.
    pub fn parse(text: &str) -> Result<BeaconSource, DrawError> {
        let t = Text::parse(text).map_err(|r| DrawError::new("beacon_source", Problem::Text(r)))?;
        match classify(text) {
            SourceClass::None => Ok(BeaconSource::None),
            SourceClass::Drand(n) => match n.parse::<u64>() {
                Ok(round) if round >= 1 => Ok(BeaconSource::DrandQuicknet { round }),
                _ => Err(DrawError::new(
                    "beacon_source",
                    Problem::BeaconSourceForm {
                        source: text.to_owned(),
                    },
                )),
            },
            SourceClass::Other => {
                let form = ValueForm::from_source(text).ok_or_else(|| {
                    DrawError::new(
                        "beacon_source",
                        Problem::BeaconSourceForm {
                            source: text.to_owned(),
                        },
                    )
                })?;
                Ok(BeaconSource::Manual { text: t, form })
            }
        }
    }

    /// `drand quicknet round <round>`.
    pub fn drand_quicknet(round: u64) -> BeaconSource {
        BeaconSource::DrandQuicknet { round }
    }

    /// The first quicknet round at least `margin_seconds` after `now` (Unix
    /// seconds): a value nobody can know at commit.
    pub fn drand_quicknet_after(now: u64, margin_seconds: u64) -> BeaconSource {
        BeaconSource::DrandQuicknet {
            round: drand::round_after(now, margin_seconds),
        }
    }

    /// Refuses a drand round whose value may already exist (or appear within
    /// `margin_seconds`) at Unix time `now`: the beacon must be unknowable at
    /// commit. Other sources are checked by people (a lottery's date).
    pub fn check_future(&self, now: u64, margin_seconds: u64) -> Result<(), DrawError> {
        match self {
            BeaconSource::DrandQuicknet { round } if drand::round_time(*round) < now.saturating_add(margin_seconds) => {
                Err(DrawError::new(
                    "beacon_source",
                    Problem::BeaconTooSoon {
                        round: *round,
                        due_at: drand::round_time(*round),
                        earliest: drand::round_after(now, margin_seconds),
                    },
                ))
            }
            _ => Ok(()),
        }
    }

    /// The `beacon_source` text of the record.
    pub fn text(&self) -> String {
        match self {
            BeaconSource::None => "none".to_owned(),
            BeaconSource::DrandQuicknet { round } => format!("{DRAND_PREFIX}{round}"),
            BeaconSource::Manual { text, .. } => text.to_string(),
        }
    }

    /// For a manual source: checks a typed value against the declared form.
    pub fn check_manual_value(&self, value: &str) -> Result<(), DrawError> {
        match self {
            BeaconSource::Manual { form, .. } if form.matches(value) => Ok(()),
            BeaconSource::Manual { form, .. } => Err(DrawError::new(
                "beacon",
                Problem::BeaconForm {
                    form: form.to_string(),
                    value: value.to_owned(),
                },
            )),
            other => Err(DrawError::new(
                "beacon",
                Problem::UnknownValue {
                    found: "a manual value".into(),
                    expected: match other {
                        BeaconSource::None => "no beacon (source none)",
                        _ => "a verified drand round",
                    },
                },
            )),
        }
    }
}

/// The value entered or fetched at reveal.
#[derive(Debug, Clone)]
pub enum BeaconValue {
    /// For source `none`.
    None,
    /// For a drand source: a round whose signature verified.
    Drand(VerifiedRound),
    /// For a manual source: the value as typed.
    Manual(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classify_as_the_verifier() {
        assert_eq!(classify("none"), SourceClass::None);
        assert_eq!(classify("None"), SourceClass::Other);
        assert_eq!(
            classify("drand quicknet round 21000000"),
            SourceClass::Drand("21000000")
        );
        assert_eq!(classify("drand quicknet round 021"), SourceClass::Other);
        assert_eq!(classify("drand quicknet round +1"), SourceClass::Other);
        assert_eq!(classify("drand quicknet round "), SourceClass::Other);
    }

    #[test]
    fn fucai_3d_form() {
        let src = BeaconSource::parse("中国福利彩票3D 2026-12-01 开奖号码（三位数字，以单个空格分隔）").unwrap();
        assert!(src.check_manual_value("3 7 5").is_ok());
        for bad in ["375", "3 7  5", " 3 7 5", "3 7 5 ", "3 7", "3 7 a", "３ 7 5"] {
            assert!(src.check_manual_value(bad).is_err(), "{bad:?}");
        }
        let plain = BeaconSource::parse("某开奖 2026-12-01（3位数字）").unwrap();
        assert!(plain.check_manual_value("375").is_ok());
        assert!(plain.check_manual_value("3 7 5").is_err());
        let tpl = BeaconSource::parse("双色球 2026-12-01 开奖号码（格式：## ## ## ## ## ## + ##）").unwrap();
        assert!(tpl.check_manual_value("01 05 12 20 28 33 + 07").is_ok());
        assert!(tpl.check_manual_value("01 05 12 20 28 33 07").is_err());
    }

    #[test]
    fn drand_rounds_must_lie_ahead() {
        let now = 1_780_000_000;
        let src = BeaconSource::drand_quicknet_after(now, 60);
        assert!(src.check_future(now, 60).is_ok());
        let BeaconSource::DrandQuicknet { round } = src else {
            panic!()
        };
        let e = BeaconSource::drand_quicknet(round - 1)
            .check_future(now, 60)
            .unwrap_err();
        assert!(matches!(e.problem, Problem::BeaconTooSoon { earliest, .. } if earliest == round));
        assert!(BeaconSource::None.check_future(now, 60).is_ok());
    }

    #[test]
    fn sources_without_form_are_refused() {
        assert!(BeaconSource::parse("福彩3D 2026-12-01").is_err());
        assert!(BeaconSource::parse("drand quicknet round 0").is_err());
        assert!(BeaconSource::parse(" none").is_err());
        assert_eq!(BeaconSource::parse("none").unwrap(), BeaconSource::None);
        assert_eq!(
            BeaconSource::parse("drand quicknet round 123").unwrap().text(),
            "drand quicknet round 123"
        );
    }

    #[test]
    fn beacon_form_as_the_verifier() {
        assert!(check_beacon_form("none", "").is_ok());
        assert_eq!(check_beacon_form("none", "x"), Err(Problem::BeaconMustBeEmpty));
        assert!(check_beacon_form("drand quicknet round 5", &"a".repeat(64)).is_ok());
        assert!(check_beacon_form("drand quicknet round 5", &"A".repeat(64)).is_err());
        assert!(check_beacon_form("福彩（三位数字）", "").is_err());
        assert!(check_beacon_form("福彩（三位数字）", "anything").is_ok());
    }
}
