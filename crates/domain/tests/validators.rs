//! 统一社会信用代码 and 身份证号: real published codes, every error kind with
//! its Chinese message, and properties of the check characters.

use chrono::NaiveDate;
use proptest::prelude::*;
use spotcheck_domain::credit_code::{self, CHARSET, CreditCode, CreditCodeError, org_code_check_char};
use spotcheck_domain::id_number::{self, Gender, IdNumber, IdNumberError};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A fixed "today" for the tests: parsing must not depend on the clock.
fn today() -> NaiveDate {
    date(2025, 11, 20)
}

/// Builds a credit code from its parts with both check characters computed:
/// `dept_cat` (2), `division` (6), `org_body` (8).
fn make_credit_code(dept_cat: &str, division: &str, org_body: &str) -> String {
    let org_check = org_code_check_char(org_body).expect("org body");
    let first17 = format!("{dept_cat}{division}{org_body}{org_check}");
    let check = credit_code::check_char(&first17).expect("first 17");
    format!("{first17}{check}")
}

/// Like [`make_credit_code`], but with the GB 32100 check character computed
/// over whatever 17 characters are given (so only the targeted rule fails).
fn with_check(first17: &str) -> String {
    format!("{first17}{}", credit_code::check_char(first17).unwrap())
}

// ---------------------------------------------------------------- CreditCode

/// Codes published on business licences and in public registers. Each passes
/// both the GB 32100 and the GB 11714 check character, which a made-up code
/// does with a probability of 1/341. The names are given as commonly published
/// alongside these codes.
const REAL_CODES: [&str; 10] = [
    "914403001922038216", // 华为技术有限公司
    "9144030071526726XG", // 腾讯科技（深圳）有限公司
    "91330100716105852F", // 阿里巴巴（中国）有限公司
    "91110000710925462X", // 中国石油天然气股份有限公司
    "91100000100003962T", // 中国工商银行股份有限公司 (national registration 100000)
    "91110108551385082Q", // 小米科技有限责任公司
    "91110000802100433B", // 北京百度网讯科技有限公司
    "91110000600037341L",
    "91110116348294556H",
    "91110108MA01G0FB09", // a post-2015 主体标识码 (MA…)
];

#[test]
fn real_codes_parse() {
    for raw in REAL_CODES {
        let code = CreditCode::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(code.as_str(), raw);
        assert_eq!(code.to_string(), raw);
        assert_eq!(code.department_code(), '9');
        assert_eq!(code.department_name(), "工商");
        assert_eq!(code.category_code(), '1');
    }
}

#[test]
fn accessors() {
    let code = CreditCode::parse("91110000802100433B").unwrap();
    assert_eq!(code.division_code(), "110000");
    assert_eq!(code.org_code(), "802100433");
    let parsed: CreditCode = "91110000802100433B".parse().unwrap();
    assert_eq!(parsed, code);
    assert_eq!(code.clone().into_string(), "91110000802100433B");
}

#[test]
fn cleaning_at_the_boundary() {
    let expected = "9144030071526726XG";
    for raw in [
        "  9144030071526726XG\t",
        "\u{3000}9144030071526726XG\u{3000}",
        "9144030071526726xg",
        "９１４４０３００７１５２６７２６ＸＧ",
        "９１４４０３００７１５２６７２６ｘｇ",
        "\u{feff}9144030071526726XG\r\n",
    ] {
        let code = CreditCode::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!(code.as_str(), expected, "{raw:?}");
    }
}

#[test]
fn a_wrong_code_names_the_expected_check_character() {
    // Often quoted as an example, but it is not valid: the check character
    // would be "A" (and the 组织机构代码 10000058-9 fails GB 11714 as well).
    let err = CreditCode::parse("91110000100000589B").unwrap_err();
    assert_eq!(
        err,
        CreditCodeError::CheckChar {
            expected: 'A',
            found: 'B'
        }
    );
    assert_eq!(
        err.to_string(),
        "第18位校验码应为\"A\"，实际为\"B\"，请核对代码是否抄错"
    );
}

#[test]
fn empty() {
    for raw in ["", "   ", "\u{3000}"] {
        assert_eq!(CreditCode::parse(raw), Err(CreditCodeError::Empty));
    }
    assert_eq!(CreditCodeError::Empty.to_string(), "统一社会信用代码不能为空");
}

#[test]
fn wrong_length() {
    let err = CreditCode::parse("91110000802100433").unwrap_err();
    assert_eq!(err, CreditCodeError::WrongLength { actual: 17 });
    assert_eq!(
        err.to_string(),
        "统一社会信用代码应为18位，实际为17位，请核对是否多输或漏输"
    );
    assert_eq!(
        CreditCode::parse("91110000802100433BB"),
        Err(CreditCodeError::WrongLength { actual: 19 })
    );
    // Characters, not bytes, are counted.
    assert_eq!(
        CreditCode::parse("9111000080210043号"),
        Err(CreditCodeError::WrongLength { actual: 17 })
    );
    let old_registration = CreditCode::parse("110108012345678").unwrap_err();
    assert!(
        old_registration.to_string().contains("旧的工商注册号"),
        "{old_registration}"
    );
    let old_org_code = CreditCode::parse("80210043-3").unwrap_err();
    assert!(old_org_code.to_string().contains("旧的组织机构代码"), "{old_org_code}");
}

#[test]
fn excluded_letters() {
    // 'I' where the 组织机构代码 begins.
    let err = CreditCode::parse("91110000I02100433B").unwrap_err();
    assert_eq!(
        err,
        CreditCodeError::ExcludedLetter {
            position: 9,
            found: 'I'
        }
    );
    assert_eq!(
        err.to_string(),
        "第9位含有不允许的字符\"I\"（统一社会信用代码不使用I、O、Z、S、V），请核对是否应为数字1"
    );
    for (letter, hint) in [('O', "数字0"), ('Z', "数字2"), ('S', "数字5"), ('V', "抄错")] {
        let raw = format!("9111000080210043{letter}B");
        let err = CreditCode::parse(&raw).unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::ExcludedLetter {
                position: 17,
                found: letter
            }
        );
        assert!(err.to_string().contains(hint), "{err}");
    }
    // Lower case is upper-cased first, so a lower-case 'o' is reported as 'O'.
    assert!(matches!(
        CreditCode::parse("91110000o02100433B"),
        Err(CreditCodeError::ExcludedLetter { found: 'O', .. })
    ));
}

#[test]
fn other_invalid_characters() {
    let err = CreditCode::parse("91110000-802100433").unwrap_err();
    assert_eq!(
        err,
        CreditCodeError::InvalidChar {
            position: 9,
            found: '-'
        }
    );
    assert_eq!(
        err.to_string(),
        "第9位含有不允许的字符\"-\"（统一社会信用代码只由数字和大写英文字母组成）"
    );
    assert!(matches!(
        CreditCode::parse("9111000080210 433B"),
        Err(CreditCodeError::InvalidChar {
            position: 14,
            found: ' '
        })
    ));
}

#[test]
fn unknown_department() {
    // 'B' is in the charset but no 登记管理部门 has it; the check character is
    // right, so only the department rule can reject it.
    let raw = with_check("B1110000802100433");
    let err = CreditCode::parse(&raw).unwrap_err();
    assert_eq!(err, CreditCodeError::UnknownDepartment { found: 'B' });
    assert_eq!(
        err.to_string(),
        "第1位登记管理部门代码\"B\"无效，应为1、2、3、4、5、6、7、8、9、A、N、Y之一（企业为9），请核对代码是否抄错"
    );
    for dept in ['0', 'C', 'J', 'X'] {
        let raw = with_check(&format!("{dept}1110000802100433"));
        assert_eq!(
            CreditCode::parse(&raw),
            Err(CreditCodeError::UnknownDepartment { found: dept })
        );
    }
}

#[test]
fn unknown_category() {
    let err = CreditCode::parse(&with_check("94110000802100433")).unwrap_err();
    assert_eq!(
        err,
        CreditCodeError::UnknownCategory {
            department: '9',
            found: '4'
        }
    );
    assert_eq!(
        err.to_string(),
        "第2位机构类别代码\"4\"与第1位登记管理部门\"9\"（工商）不符，应为1、2、3之一，请核对代码是否抄错"
    );
    let err = CreditCode::parse(&with_check("Y2110000802100433")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "第2位机构类别代码\"2\"与第1位登记管理部门\"Y\"（其他）不符，应为1，请核对代码是否抄错"
    );
    // 9 其他 exists for most departments, but not for 工商.
    assert!(CreditCode::parse(&with_check("99110000802100433")).is_err());
}

#[test]
fn the_whole_department_table() {
    let table: [(char, &str); 12] = [
        ('1', "1239"),
        ('2', "19"),
        ('3', "123459"),
        ('4', "19"),
        ('5', "1239"),
        ('6', "129"),
        ('7', "129"),
        ('8', "19"),
        ('9', "123"),
        ('A', "19"),
        ('N', "1239"),
        ('Y', "1"),
    ];
    for (dept, categories) in table {
        for cat in CHARSET.chars() {
            let raw = make_credit_code(&format!("{dept}{cat}"), "230100", "70000000");
            let result = CreditCode::parse(&raw);
            if categories.contains(cat) {
                assert!(result.is_ok(), "{raw}: {result:?}");
            } else {
                assert_eq!(
                    result,
                    Err(CreditCodeError::UnknownCategory {
                        department: dept,
                        found: cat
                    }),
                    "{raw}"
                );
            }
        }
    }
}

#[test]
fn division_must_be_digits() {
    let err = CreditCode::parse(&with_check("9123A100802100433")).unwrap_err();
    assert_eq!(err, CreditCodeError::DivisionNotDigits { found: "23A100".into() });
    assert_eq!(
        err.to_string(),
        "第3—8位登记管理机关行政区划码应为6位数字，实际为\"23A100\"，请核对代码是否抄错"
    );
}

#[test]
fn org_code_check_of_gb_11714() {
    // Right GB 32100 check character over a 组织机构代码 whose own check fails.
    let err = CreditCode::parse(&with_check("91110000802100434")).unwrap_err();
    assert_eq!(
        err,
        CreditCodeError::OrgCodeCheck {
            org_code: "802100434".into(),
            expected: '3',
            found: '4'
        }
    );
    assert_eq!(
        err.to_string(),
        "第9—17位组织机构代码\"802100434\"校验不通过（按GB 11714第17位应为\"3\"，实际为\"4\"），请核对代码是否抄错"
    );
    // GB 11714: 11 → '0' and 10 → 'X'.
    assert_eq!(org_code_check_char("MA01G0FB"), Some('0'));
    assert_eq!(org_code_check_char("71526726"), Some('X'));
    assert_eq!(org_code_check_char("7152672"), None);
    assert_eq!(org_code_check_char("7152672-"), None);
}

/// Codes of the draw-v1 test vectors (shared/specs/draw-v1-vectors.json):
/// all 36 distinct codes there have a right GB 32100 check character, but
/// only 4 have a right GB 11714 check character inside; the other 32 are
/// rejected. Fine for the draw (it treats them as opaque ids), but demo data
/// made the same way would not import.
#[test]
fn draw_vector_codes() {
    for ok in [
        "91230103702454891H",
        "91230104702534082P",
        "91230105700395955K",
        "91230106700475146R",
    ] {
        assert!(CreditCode::parse(ok).is_ok(), "{ok}");
    }
    for (bad, expected) in [
        ("912301007000000002", '1'),
        ("91230100700554337C", '8'),
        ("91230101701742182A", '9'),
        ("912301017006335284", 'X'),
        ("912301027018213732", '0'),
    ] {
        match CreditCode::parse(bad) {
            Err(CreditCodeError::OrgCodeCheck { expected: e, .. }) => {
                assert_eq!(e, expected, "{bad}")
            }
            other => panic!("{bad}: {other:?}"),
        }
    }
}

/// Department (position 1) and category (position 2) pairs of the table.
fn dept_cat() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "11", "12", "13", "19", "21", "29", "31", "32", "33", "34", "35", "39", "41", "49", "51", "52", "53", "59",
        "61", "62", "69", "71", "72", "79", "81", "89", "91", "92", "93", "A1", "A9", "N1", "N2", "N3", "N9", "Y1",
    ])
    .prop_map(String::from)
}

fn charset_char() -> impl Strategy<Value = char> {
    prop::sample::select(CHARSET.chars().collect::<Vec<_>>())
}

fn valid_credit_code() -> impl Strategy<Value = String> {
    (dept_cat(), "[0-9]{6}", prop::collection::vec(charset_char(), 8))
        .prop_map(|(dc, division, body)| make_credit_code(&dc, &division, &body.into_iter().collect::<String>()))
}

proptest! {
    #[test]
    fn computed_codes_parse(raw in valid_credit_code()) {
        let code = CreditCode::parse(&raw).unwrap();
        prop_assert_eq!(code.as_str(), raw.as_str());
        prop_assert_eq!(code.division_code(), &raw[2..8]);
        // Lower case and full width are the same code.
        let fullwidth: String = raw
            .to_ascii_lowercase()
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xfee0).unwrap())
            .collect();
        prop_assert_eq!(CreditCode::parse(&fullwidth).unwrap(), code);
    }

    /// GB 32100's claim: the check character catches every single wrong
    /// character. 31 is prime and every weight is non-zero mod 31, so a
    /// change of value d ≠ 0 at any position changes the sum by d·w ≢ 0.
    /// Checked here on the check character alone, then on `parse`.
    #[test]
    fn any_single_substitution_is_detected(
        raw in valid_credit_code(),
        position in 0usize..18,
        replacement in any::<char>(),
    ) {
        let mut chars: Vec<char> = raw.chars().collect();
        prop_assume!(chars[position] != replacement);
        // A lower-case or full-width form of the same character is the same code.
        let cleaned = match replacement {
            '\u{ff10}'..='\u{ff5a}' => char::from_u32(replacement as u32 - 0xfee0).unwrap(),
            c => c,
        };
        prop_assume!(cleaned.to_ascii_uppercase() != chars[position]);
        chars[position] = replacement;
        let changed: String = chars.iter().collect();
        if position < 17 && CHARSET.contains(replacement) {
            let first17: String = chars[..17].iter().collect();
            prop_assert_ne!(credit_code::check_char(&first17).unwrap(), chars[17]);
        }
        prop_assert!(CreditCode::parse(&changed).is_err(), "{} accepted", changed);
    }
}

/// The same claim, exhaustively for a few codes: every position, every other
/// character of the charset.
#[test]
fn every_single_substitution_of_real_codes_is_detected() {
    for raw in REAL_CODES {
        let original: Vec<char> = raw.chars().collect();
        for position in 0..18 {
            for c in CHARSET.chars().filter(|&c| c != original[position]) {
                let mut chars = original.clone();
                chars[position] = c;
                let changed: String = chars.iter().collect();
                assert!(CreditCode::parse(&changed).is_err(), "{changed}");
                if position < 17 {
                    let first17: String = chars[..17].iter().collect();
                    assert_ne!(credit_code::check_char(&first17).unwrap(), chars[17]);
                }
            }
        }
    }
}

// ------------------------------------------------------------------ IdNumber

#[test]
fn the_standards_examples() {
    // GB 11643-1999's own examples.
    let a = IdNumber::parse("11010519491231002X", today()).unwrap();
    assert_eq!(a.birth_date(), date(1949, 12, 31));
    assert_eq!(a.gender(), Gender::Female);
    assert_eq!(a.division_code(), "110105");
    assert_eq!(a.masked(), "110105********002X");
    let b = IdNumber::parse("440524188001010014", today()).unwrap();
    assert_eq!(b.birth_date(), date(1880, 1, 1));
    assert_eq!(b.gender(), Gender::Male);
    assert_eq!(b.gender().to_string(), "男");
    assert_eq!(b.as_str(), "440524188001010014");
}

#[test]
fn computed_examples() {
    // Check characters computed by hand with the MOD 11-2 weights.
    for (raw, birth, gender) in [
        ("230102198001011236", date(1980, 1, 1), Gender::Male),
        ("230102199003070023", date(1990, 3, 7), Gender::Female),
        ("440304198511114529", date(1985, 11, 11), Gender::Female),
        ("110101199001010015", date(1990, 1, 1), Gender::Male),
    ] {
        let id = IdNumber::parse(raw, today()).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(id.birth_date(), birth);
        assert_eq!(id.gender(), gender);
    }
    assert_eq!(id_number::check_char("11010519491231002"), Some('X'));
    assert_eq!(id_number::check_char("4405241880010100"), None);
    assert_eq!(id_number::check_char("4405241880010100A"), None);
}

#[test]
fn cleaning_and_lower_case_x() {
    for raw in [
        "11010519491231002x",
        " 11010519491231002X ",
        "\u{3000}１１０１０５１９４９１２３１００２Ｘ",
        "１１０１０５１９４９１２３１００２ｘ",
    ] {
        let id = IdNumber::parse(raw, today()).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!(id.as_str(), "11010519491231002X");
    }
}

#[test]
fn debug_never_shows_the_full_number() {
    let id = IdNumber::parse("230102198001011236", today()).unwrap();
    let debug = format!("{id:?}");
    assert_eq!(debug, "IdNumber(230102********1236)");
    assert!(!debug.contains("19800101"));
    let pretty = format!("{:#?}", Some(&id));
    assert!(!pretty.contains("230102198001011236"), "{pretty}");
}

#[test]
fn age() {
    let id = IdNumber::parse("230102198001011236", today()).unwrap();
    assert_eq!(id.age_on(date(2025, 12, 31)), 45);
    assert_eq!(id.age_on(date(2026, 1, 1)), 46);
    assert_eq!(id.age_on(date(1980, 1, 1)), 0);
}

#[test]
fn id_errors() {
    let t = today();
    assert_eq!(IdNumber::parse(" ", t), Err(IdNumberError::Empty));
    assert_eq!(IdNumberError::Empty.to_string(), "身份证号不能为空");

    let old = IdNumber::parse("110105491231002", t).unwrap_err();
    assert_eq!(old, IdNumberError::OldFifteenDigit);
    assert_eq!(
        old.to_string(),
        "这是15位的旧身份证号，请填写18位的居民身份证号（二代证上的号码）"
    );

    let short = IdNumber::parse("23010219800101123", t).unwrap_err();
    assert_eq!(short, IdNumberError::WrongLength { actual: 17 });
    assert_eq!(short.to_string(), "身份证号应为18位，实际为17位，请核对是否多输或漏输");

    let x_inside = IdNumber::parse("2301021980010112X6", t).unwrap_err();
    assert_eq!(
        x_inside,
        IdNumberError::InvalidChar {
            position: 17,
            found: 'X'
        }
    );
    assert_eq!(
        x_inside.to_string(),
        "第17位含有不允许的字符\"X\"（身份证号前17位只能是数字，第18位是数字或X）"
    );
    assert!(matches!(
        IdNumber::parse("23010219800101123Y", t),
        Err(IdNumberError::InvalidChar {
            position: 18,
            found: 'Y'
        })
    ));

    // 1999-02-30 does not exist (the check character is right for it).
    let feb30 = IdNumber::parse("230102199902301235", t).unwrap_err();
    assert_eq!(
        feb30,
        IdNumberError::InvalidBirthDate {
            found: "19990230".into()
        }
    );
    assert_eq!(feb30.to_string(), "第7—14位出生日期不是有效的日期，请核对号码是否抄错");
    for body in ["23010219991301123", "23010219990100123", "23010217990101123"] {
        let raw = format!("{body}{}", id_number::check_char(body).unwrap());
        assert!(
            matches!(IdNumber::parse(&raw, t), Err(IdNumberError::InvalidBirthDate { .. })),
            "{raw}"
        );
    }

    let future = IdNumber::parse("23010220300101123X", t).unwrap_err();
    assert_eq!(
        future,
        IdNumberError::BirthDateInFuture {
            birth: date(2030, 1, 1),
            today: t
        }
    );
    assert_eq!(future.to_string(), "第7—14位出生日期晚于今天，请核对号码是否抄错");
    // Born today is fine; tomorrow is not.
    let body = "23010220251120123";
    let born_today = format!("{body}{}", id_number::check_char(body).unwrap());
    assert!(IdNumber::parse(&born_today, t).is_ok());
    assert!(IdNumber::parse(&born_today, date(2025, 11, 19)).is_err());

    let wrong = IdNumber::parse("110105194912310021", t).unwrap_err();
    assert_eq!(
        wrong,
        IdNumberError::CheckChar {
            expected: 'X',
            found: '1'
        }
    );
    assert_eq!(
        wrong.to_string(),
        "第18位校验码应为\"X\"，实际为\"1\"，请核对号码是否抄错"
    );
}

fn valid_id() -> impl Strategy<Value = (String, NaiveDate)> {
    ("[1-9][0-9]{5}", 0i64..(365 * 125), "[0-9]{3}").prop_map(|(address, days, sequence)| {
        let birth = date(1900, 1, 1) + chrono::Duration::days(days);
        let body = format!("{address}{}{sequence}", birth.format("%Y%m%d"));
        let check = id_number::check_char(&body).unwrap();
        (format!("{body}{check}"), birth)
    })
}

proptest! {
    #[test]
    fn computed_ids_parse((raw, birth) in valid_id()) {
        let id = IdNumber::parse(&raw, today()).unwrap();
        prop_assert_eq!(id.birth_date(), birth);
        prop_assert_eq!(id.division_code(), &raw[..6]);
        let odd = (raw.as_bytes()[16] - b'0') % 2 == 1;
        prop_assert_eq!(id.gender() == Gender::Male, odd);
        prop_assert_eq!(id.masked(), format!("{}********{}", &raw[..6], &raw[14..]));
        let debug = format!("{id:?}");
        prop_assert!(!debug.contains(&raw));
    }

    /// MOD 11-2 catches every single wrong digit: 11 is prime and no weight
    /// is 0 mod 11.
    #[test]
    fn any_single_digit_change_is_detected(
        (raw, _) in valid_id(),
        position in 0usize..18,
        digit in 0u8..10,
    ) {
        let mut bytes = raw.clone().into_bytes();
        prop_assume!(bytes[position] != b'0' + digit);
        bytes[position] = b'0' + digit;
        let changed = String::from_utf8(bytes).unwrap();
        if position < 17 {
            prop_assert_ne!(
                id_number::check_char(&changed[..17]).unwrap(),
                changed.as_bytes()[17] as char
            );
        }
        prop_assert!(IdNumber::parse(&changed, today()).is_err(), "{} accepted", changed);
    }
}
