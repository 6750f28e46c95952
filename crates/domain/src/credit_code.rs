//! 统一社会信用代码 (GB 32100-2015 with its amendment XG1-2016): the public
//! identifier of every enterprise and organisation the platform inspects.
//!
//! Codes arrive from spreadsheets, forms and OCR, so [`CreditCode::parse`]
//! cleans the usual noise (surrounding spaces, full-width characters, lower
//! case) and then checks everything the standard lets a machine check: the
//! length, the character set, the 登记管理部门 / 机构类别 pair, the division
//! digits, the 组织机构代码's own GB 11714 check character and the final
//! GB 32100 check character. A [`CreditCode`] therefore always holds a
//! well-formed code; whether it was actually issued only the registry knows.

use std::fmt;
use std::str::FromStr;

/// The 31 characters of GB 32100, in the order that gives each its value
/// (0–30): digits and upper-case letters without I, O, Z, S and V.
pub const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 for the check character: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Weights of the eight body characters of a GB 11714 组织机构代码.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// The table of GB 32100 (as amended): 登记管理部门代码 (position 1), its name,
/// and the 机构类别代码 (position 2) it allows.
///
/// Checked against the published table (as reproduced by several independent
/// sources): 1 机构编制 {1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体,
/// 9 其他}; 2 外交 {1 外国常住新闻机构, 9}; 3 司法行政 {1 律师执业机构, 2 公证处,
/// 3 基层法律服务所, 4 司法鉴定机构, 5 仲裁委员会, 9}; 4 文化 {1 外国在华文化中心, 9};
/// 5 民政 {1 社会团体, 2 民办非企业单位, 3 基金会, 9}; 6 旅游 {1 外国旅游部门常驻代表机构,
/// 2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9}; 7 宗教 {1 宗教活动场所, 2 宗教院校, 9};
/// 8 工会 {1 基层工会, 9}; 9 工商 (now 市场监管) {1 企业, 2 个体工商户, 3 农民专业合作社};
/// A 中央军委改革和编制办公室 {1 军队事业单位, 9}; N 农业 {1 组级, 2 村级, 3 乡镇级集体经济组织,
/// 9}; Y 其他 {1}. A new department or category added by a later amendment
/// needs a new row here.
const DEPARTMENTS: [(char, &str, &str); 12] = [
    ('1', "机构编制", "1239"),
    ('2', "外交", "19"),
    ('3', "司法行政", "123459"),
    ('4', "文化", "19"),
    ('5', "民政", "1239"),
    ('6', "旅游", "129"),
    ('7', "宗教", "129"),
    ('8', "工会", "19"),
    ('9', "工商", "123"),
    ('A', "中央军委改革和编制办公室", "19"),
    ('N', "农业", "1239"),
    ('Y', "其他", "1"),
];

/// A valid 统一社会信用代码: 18 characters, upper case, ASCII.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

/// Why a text is not a valid 统一社会信用代码. `Display` is the Chinese message
/// shown to the user: what is wrong and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码不能为空")]
    Empty,
    #[error("统一社会信用代码应为18位，实际为{actual}位{}", length_hint(*.actual))]
    WrongLength { actual: usize },
    /// One of I, O, Z, S, V, which GB 32100 leaves out because they are easily
    /// confused with 1, 0, 2, 5 and U.
    #[error(
        "第{position}位含有不允许的字符\"{found}\"（统一社会信用代码不使用I、O、Z、S、V）{}",
        excluded_letter_hint(*.found)
    )]
    ExcludedLetter { position: usize, found: char },
    #[error("第{position}位含有不允许的字符\"{found}\"（统一社会信用代码只由数字和大写英文字母组成）")]
    InvalidChar { position: usize, found: char },
    #[error(
        "第1位登记管理部门代码\"{found}\"无效，应为1、2、3、4、5、6、7、8、9、A、N、Y之一（企业为9），请核对代码是否抄错"
    )]
    UnknownDepartment { found: char },
    #[error(
        "第2位机构类别代码\"{found}\"与第1位登记管理部门\"{department}\"（{}）不符，{}，请核对代码是否抄错",
        department_name(*.department),
        allowed_categories(*.department)
    )]
    UnknownCategory { department: char, found: char },
    #[error("第3—8位登记管理机关行政区划码应为6位数字，实际为\"{found}\"，请核对代码是否抄错")]
    DivisionNotDigits { found: String },
    #[error("第18位校验码应为\"{expected}\"，实际为\"{found}\"，请核对代码是否抄错")]
    CheckChar { expected: char, found: char },
    /// Positions 9–17 are a GB 11714 组织机构代码 with its own check character.
    #[error(
        "第9—17位组织机构代码\"{org_code}\"校验不通过（按GB 11714第17位应为\"{expected}\"，实际为\"{found}\"），请核对代码是否抄错"
    )]
    OrgCodeCheck {
        org_code: String,
        expected: char,
        found: char,
    },
}

fn length_hint(actual: usize) -> &'static str {
    match actual {
        15 => "（15位的可能是旧的工商注册号，请填写营业执照上的18位统一社会信用代码）",
        9 | 10 => "（9位的可能是旧的组织机构代码，请填写18位统一社会信用代码）",
        _ => "，请核对是否多输或漏输",
    }
}

fn excluded_letter_hint(found: char) -> &'static str {
    match found {
        'I' => "，请核对是否应为数字1",
        'O' => "，请核对是否应为数字0",
        'Z' => "，请核对是否应为数字2",
        'S' => "，请核对是否应为数字5",
        _ => "，请核对代码是否抄错",
    }
}

fn department(code: char) -> Option<&'static (char, &'static str, &'static str)> {
    DEPARTMENTS.iter().find(|(c, _, _)| *c == code)
}

fn department_name(code: char) -> &'static str {
    department(code).map_or("未知", |d| d.1)
}

fn allowed_categories(code: char) -> String {
    let cats = department(code).map_or("", |d| d.2);
    let list: Vec<String> = cats.chars().map(String::from).collect();
    if list.len() == 1 {
        format!("应为{}", list[0])
    } else {
        format!("应为{}之一", list.join("、"))
    }
}

/// Cleans a code typed or pasted by a person: trims whitespace (ASCII, the
/// full-width space U+3000, and other Unicode spaces) and invisible marks
/// around it, turns full-width letters and digits into ASCII, and upper-cases
/// ASCII letters. Shared by [`CreditCode`] and
/// [`IdNumber`](crate::id_number::IdNumber).
pub(crate) fn clean_code_input(raw: &str) -> String {
    raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}')
        .chars()
        .map(|c| {
            let c = match c {
                '\u{ff10}'..='\u{ff19}' | '\u{ff21}'..='\u{ff3a}' | '\u{ff41}'..='\u{ff5a}' => {
                    char::from_u32(c as u32 - 0xfee0).unwrap_or(c)
                }
                _ => c,
            };
            c.to_ascii_uppercase()
        })
        .collect()
}

/// The GB 32100 value (0–30) of a character, or `None` outside the charset.
fn value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// The GB 32100 check character (position 18) for the first 17 characters
/// of a code, or `None` when `first17` is not 17 characters of the charset.
/// Useful to make valid demo and test data.
pub fn check_char(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value(c)? * w;
    }
    let index = (31 - sum % 31) % 31;
    CHARSET.chars().nth(index as usize)
}

/// The GB 11714 check character (the 9th) of a 组织机构代码 for its eight body
/// characters (digits and upper-case letters, A = 10 … Z = 35), or `None`
/// when `body8` is not eight such characters.
pub fn org_code_check_char(body8: &str) -> Option<char> {
    if body8.chars().count() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body8.chars().zip(ORG_WEIGHTS) {
        let v = match c {
            '0'..='9' => c as u32 - '0' as u32,
            'A'..='Z' => c as u32 - 'A' as u32 + 10,
            _ => return None,
        };
        sum += v * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        d => char::from_digit(d, 10)?,
    })
}

impl CreditCode {
    /// Cleans and validates a 统一社会信用代码; see the module doc.
    pub fn parse(raw: &str) -> Result<Self, CreditCodeError> {
        let s = clean_code_input(raw);
        if s.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let chars: Vec<char> = s.chars().collect();
        if chars.len() != 18 {
            return Err(CreditCodeError::WrongLength { actual: chars.len() });
        }
        for (i, &c) in chars.iter().enumerate() {
            if value(c).is_none() {
                let position = i + 1;
                return Err(if matches!(c, 'I' | 'O' | 'Z' | 'S' | 'V') {
                    CreditCodeError::ExcludedLetter { position, found: c }
                } else {
                    CreditCodeError::InvalidChar { position, found: c }
                });
            }
        }
        // From here on every character is ASCII, so byte slicing is safe.
        let Some(dept) = department(chars[0]) else {
            return Err(CreditCodeError::UnknownDepartment { found: chars[0] });
        };
        if !dept.2.contains(chars[1]) {
            return Err(CreditCodeError::UnknownCategory {
                department: chars[0],
                found: chars[1],
            });
        }
        let division = &s[2..8];
        if !division.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CreditCodeError::DivisionNotDigits {
                found: division.to_string(),
            });
        }
        // The overall check first: it catches every single wrong character,
        // and its message is the one people know.
        let expected = check_char(&s[..17]).unwrap_or('0');
        if expected != chars[17] {
            return Err(CreditCodeError::CheckChar {
                expected,
                found: chars[17],
            });
        }
        let org_expected = org_code_check_char(&s[8..16]).unwrap_or('0');
        if org_expected != chars[16] {
            return Err(CreditCodeError::OrgCodeCheck {
                org_code: s[8..17].to_string(),
                expected: org_expected,
                found: chars[16],
            });
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Position 1: 登记管理部门代码 (`9` for enterprises registered by 工商/市场监管).
    pub fn department_code(&self) -> char {
        self.0.as_bytes()[0] as char
    }

    /// The name of the 登记管理部门, e.g. `工商`.
    pub fn department_name(&self) -> &'static str {
        department_name(self.department_code())
    }

    /// Position 2: 机构类别代码 (under `9`: 1 企业, 2 个体工商户, 3 农民专业合作社).
    pub fn category_code(&self) -> char {
        self.0.as_bytes()[1] as char
    }

    /// Positions 3–8: the 行政区划码 of the registering authority (GB/T 2260),
    /// e.g. `230102`; `100000` for a national registration.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// Positions 9–17: the 组织机构代码 (主体标识码), GB 11714.
    pub fn org_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn cleaning() {
        assert_eq!(
            clean_code_input("\u{3000} ９１ａｂ3x\t"),
            "91AB3X",
            "full-width to ASCII, upper case, trimmed"
        );
    }
}
