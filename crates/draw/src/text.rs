//! Canonical strings (spec §2).
//!
//! Every string that enters the commitment text must already be in one
//! canonical spelling, or two honest implementations would hash different
//! bytes for "the same" id. The verifier therefore *rejects* text that is not
//! NFC, holds a control character or starts/ends with white space; it never
//! repairs it (repairing is the platform's job, see [`crate::canonical`]).

use std::cmp::Ordering;
use std::fmt;

use unicode_normalization::{UnicodeNormalization, is_nfc};

/// Why a string is not canonical text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextRule {
    /// The string is empty where the spec requires text.
    Empty,
    /// A control character (U+0000–U+001F, U+007F–U+009F) at this char index.
    ControlCharacter { index: usize, ch: char },
    /// White space (the Unicode White_Space property) at the start.
    LeadingWhiteSpace { ch: char },
    /// White space at the end.
    TrailingWhiteSpace { ch: char },
    /// Not in Unicode Normalization Form C.
    NotNfc,
}

impl fmt::Display for TextRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TextRule::Empty => write!(f, "must not be empty"),
            TextRule::ControlCharacter { index, ch } => write!(
                f,
                "contains control character U+{:04X} at character {index} (control characters are not allowed)",
                *ch as u32
            ),
            TextRule::LeadingWhiteSpace { ch } => {
                write!(f, "begins with white space U+{:04X}", *ch as u32)
            }
            TextRule::TrailingWhiteSpace { ch } => {
                write!(f, "ends with white space U+{:04X}", *ch as u32)
            }
            TextRule::NotNfc => write!(f, "is not in Unicode NFC (text is rejected, never normalised)"),
        }
    }
}

/// Control characters as the spec lists them (the Unicode `Cc` category).
pub fn is_control(c: char) -> bool {
    matches!(c, '\u{0000}'..='\u{001F}' | '\u{007F}'..='\u{009F}')
}

/// The Unicode White_Space property, spelled out as in spec §2 so the rule
/// does not move with the Unicode version of the toolchain.
pub fn is_white_space(c: char) -> bool {
    matches!(
        c,
        '\u{0009}'..='\u{000D}'
            | '\u{0020}'
            | '\u{0085}'
            | '\u{00A0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200A}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202F}'
            | '\u{205F}'
            | '\u{3000}'
    )
}

/// Checks the rules of spec §2 for a string that may be empty (only `beacon`
/// may be, and only when the source is `none`).
pub fn check_text_allow_empty(s: &str) -> Result<(), TextRule> {
    if s.is_empty() {
        return Ok(());
    }
    // ASCII fast path: a million ids are checked in a verification.
    if s.is_ascii() {
        let b = s.as_bytes();
        if let Some(i) = b.iter().position(|&c| c < 0x20 || c == 0x7f) {
            return Err(TextRule::ControlCharacter {
                index: i,
                ch: b[i] as char,
            });
        }
        if b[0] == b' ' {
            return Err(TextRule::LeadingWhiteSpace { ch: ' ' });
        }
        if b[b.len() - 1] == b' ' {
            return Err(TextRule::TrailingWhiteSpace { ch: ' ' });
        }
        return Ok(());
    }
    if let Some((i, ch)) = s.chars().enumerate().find(|&(_, c)| is_control(c)) {
        return Err(TextRule::ControlCharacter { index: i, ch });
    }
    let first = s.chars().next().expect("non-empty");
    if is_white_space(first) {
        return Err(TextRule::LeadingWhiteSpace { ch: first });
    }
    let last = s.chars().next_back().expect("non-empty");
    if is_white_space(last) {
        return Err(TextRule::TrailingWhiteSpace { ch: last });
    }
    if !is_nfc(s) {
        return Err(TextRule::NotNfc);
    }
    Ok(())
}

/// Checks the rules of spec §2 for a string that must be non-empty.
pub fn check_text(s: &str) -> Result<(), TextRule> {
    if s.is_empty() {
        return Err(TextRule::Empty);
    }
    check_text_allow_empty(s)
}

/// A non-empty string that satisfies spec §2: NFC, no control characters, no
/// white space at either end. Once made, always valid.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Text(String);

impl Text {
    /// Accepts `s` only if it is already canonical.
    pub fn parse(s: impl Into<String>) -> Result<Text, TextRule> {
        let s = s.into();
        check_text(&s)?;
        Ok(Text(s))
    }

    /// Makes canonical text out of raw platform input: NFC-normalises and
    /// trims White_Space at both ends. Control characters inside and empty
    /// results are still errors: those need a human decision.
    pub fn clean(raw: &str) -> Result<Text, TextRule> {
        // Already canonical (every 统一社会信用代码 is ASCII): one copy, no more.
        if raw.is_ascii() && check_text(raw).is_ok() {
            return Ok(Text(raw.to_owned()));
        }
        let normalized: String = if raw.is_ascii() {
            raw.to_owned()
        } else {
            raw.nfc().collect()
        };
        let trimmed = normalized.trim_matches(is_white_space);
        Text::parse(trimmed)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl PartialOrd for Text {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Ordered by the raw UTF-8 bytes (spec §2), which is what `str` does.
impl Ord for Text {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.as_bytes().cmp(other.0.as_bytes())
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Text {
    fn borrow(&self) -> &str {
        &self.0
    }
}

/// A JSON integer as spec §2 allows: 0 ≤ n ≤ 2⁵³ − 1.
pub const MAX_NUMBER: u64 = (1 << 53) - 1;

/// Why a list is not in canonical order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrderRule {
    /// Element `index` is smaller than the one before it.
    NotSorted { index: usize },
    /// Element `index` repeats the one before it.
    Duplicate { index: usize },
}

/// Checks that `items` is strictly ascending by the bytes of `key`.
pub fn check_sorted_unique<T>(items: &[T], key: impl Fn(&T) -> &str) -> Result<(), OrderRule> {
    for (i, w) in items.windows(2).enumerate() {
        match key(&w[0]).as_bytes().cmp(key(&w[1]).as_bytes()) {
            Ordering::Less => {}
            Ordering::Equal => return Err(OrderRule::Duplicate { index: i + 1 }),
            Ordering::Greater => return Err(OrderRule::NotSorted { index: i + 1 }),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_is_the_unicode_property() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            assert_eq!(is_white_space(c), c.is_whitespace(), "U+{:04X}", c as u32);
            assert_eq!(is_control(c), c.is_control(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn rules() {
        assert_eq!(check_text(""), Err(TextRule::Empty));
        assert!(check_text("912301007000000002").is_ok());
        assert!(check_text("黑龙江 某某 公司").is_ok());
        assert!(matches!(
            check_text("a\tb"),
            Err(TextRule::ControlCharacter { index: 1, .. })
        ));
        assert!(matches!(
            check_text("项目\u{85}"),
            Err(TextRule::ControlCharacter { .. })
        ));
        assert!(matches!(check_text(" a"), Err(TextRule::LeadingWhiteSpace { .. })));
        assert!(matches!(
            check_text("a\u{3000}"),
            Err(TextRule::TrailingWhiteSpace { .. })
        ));
        assert_eq!(check_text("cafe\u{301}"), Err(TextRule::NotNfc));
        assert!(check_text("café").is_ok());
    }

    #[test]
    fn clean_trims_and_normalises_but_keeps_errors() {
        assert_eq!(Text::clean("\u{3000} cafe\u{301}\n").unwrap().as_str(), "café");
        assert_eq!(Text::clean("   "), Err(TextRule::Empty));
        assert!(matches!(Text::clean("a\u{0}b"), Err(TextRule::ControlCharacter { .. })));
    }

    #[test]
    fn byte_order_is_not_utf16_order() {
        // U+FF5E (～) sorts before U+20000 (𠀀) by UTF-8 bytes, after it by UTF-16 units.
        let a = Text::parse("～").unwrap();
        let b = Text::parse("𠀀").unwrap();
        assert!(a < b);
    }
}
