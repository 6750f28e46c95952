//! 居民身份证号 (GB 11643-1999 公民身份号码): identifies practitioners and
//! inspectors. It is personal data: the platform stores it encrypted and shows
//! it masked, so this type never prints the full number by accident — its
//! `Debug` shows [`IdNumber::masked`], it has no `Display`, and the full
//! number is only reachable through the explicit [`IdNumber::as_str`].
//!
//! [`IdNumber::parse`] cleans the usual noise (surrounding spaces, full-width
//! characters, a lower-case `x`) and checks the structure: a 6-digit address
//! code, an 8-digit date of birth that is a real date not after `today`, a
//! 3-digit sequence and the ISO 7064 MOD 11-2 check character. The address
//! code is only checked to be six digits: codes of abolished divisions stay
//! valid in numbers issued long ago.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::credit_code::clean_code_input;

/// Weights of positions 1–17: 2^(18-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Birth dates before this are taken as typing errors. The standard's own
/// example, 440524188001010014, was born in 1880.
const EARLIEST_BIRTH_YEAR: i32 = 1800;

/// A valid 18-character 公民身份号码 (digits, the last one possibly `X`).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

/// 性别, from the parity of the 17th digit (odd = 男).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    /// `男` or `女`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Male => "男",
            Self::Female => "女",
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Why a text is not a valid 身份证号. `Display` is the Chinese message shown
/// to the user. No variant carries the full number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号不能为空")]
    Empty,
    #[error("这是15位的旧身份证号，请填写18位的居民身份证号（二代证上的号码）")]
    OldFifteenDigit,
    #[error("身份证号应为18位，实际为{actual}位，请核对是否多输或漏输")]
    WrongLength { actual: usize },
    #[error("第{position}位含有不允许的字符\"{found}\"（身份证号前17位只能是数字，第18位是数字或X）")]
    InvalidChar { position: usize, found: char },
    // The messages never repeat the birth date: beside a masked number
    // (first 6 and last 4 digits) it would give the whole number away.
    #[error("第7—14位出生日期不是有效的日期，请核对号码是否抄错")]
    InvalidBirthDate { found: String },
    #[error("第7—14位出生日期晚于今天，请核对号码是否抄错")]
    BirthDateInFuture { birth: NaiveDate, today: NaiveDate },
    #[error("第18位校验码应为\"{expected}\"，实际为\"{found}\"，请核对号码是否抄错")]
    CheckChar { expected: char, found: char },
}

/// The ISO 7064 MOD 11-2 check character (the 18th) for the first 17 digits,
/// or `None` when `first17` is not 17 ASCII digits. Useful to make valid demo
/// and test data.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    Some(match (12 - sum % 11) % 11 {
        10 => 'X',
        d => char::from_digit(d, 10)?,
    })
}

fn parse_birth_date(digits: &str) -> Option<NaiveDate> {
    let year: i32 = digits[0..4].parse().ok()?;
    let month: u32 = digits[4..6].parse().ok()?;
    let day: u32 = digits[6..8].parse().ok()?;
    if year < EARLIEST_BIRTH_YEAR {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

impl IdNumber {
    /// Cleans and validates an 18-digit 居民身份证号. `today` (the calendar date
    /// in Asia/Shanghai) bounds the date of birth, which keeps this function
    /// pure: the caller passes its clock.
    pub fn parse(raw: &str, today: NaiveDate) -> Result<Self, IdNumberError> {
        let s = clean_code_input(raw);
        if s.is_empty() {
            return Err(IdNumberError::Empty);
        }
        let count = s.chars().count();
        if count == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdNumberError::OldFifteenDigit);
        }
        if count != 18 {
            return Err(IdNumberError::WrongLength { actual: count });
        }
        for (i, c) in s.chars().enumerate() {
            let ok = c.is_ascii_digit() || (i == 17 && c == 'X');
            if !ok {
                return Err(IdNumberError::InvalidChar {
                    position: i + 1,
                    found: c,
                });
            }
        }
        // All ASCII from here on.
        let birth = parse_birth_date(&s[6..14]).ok_or_else(|| IdNumberError::InvalidBirthDate {
            found: s[6..14].to_string(),
        })?;
        if birth > today {
            return Err(IdNumberError::BirthDateInFuture { birth, today });
        }
        let expected = check_char(&s[..17]).unwrap_or('0');
        let found = s.as_bytes()[17] as char;
        if expected != found {
            return Err(IdNumberError::CheckChar { expected, found });
        }
        Ok(Self(s))
    }

    /// The full number, for encryption and storage only; show [`masked`](Self::masked).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `230102********1234`: the address code, eight `*`, the last four characters.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.0[..6], &self.0[14..])
    }

    /// Positions 1–6: the 行政区划 code of the place of first registration.
    pub fn division_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> NaiveDate {
        parse_birth_date(&self.0[6..14]).expect("checked by parse")
    }

    /// Full years of age on `today` (0 before the first birthday).
    pub fn age_on(&self, today: NaiveDate) -> u32 {
        let birth = self.birth_date();
        let mut age = today.year() - birth.year();
        if (today.month(), today.day()) < (birth.month(), birth.day()) {
            age -= 1;
        }
        u32::try_from(age).unwrap_or(0)
    }

    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        }
    }
}

/// Prints the masked form: a full number must never reach a log.
impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_two_mod_11() {
        for (i, w) in WEIGHTS.iter().enumerate() {
            assert_eq!(*w, (1u32 << (17 - i)) % 11);
        }
    }
}
