//! 第三条: inspections the rules take out of 双随机 (上级专门部署, 投诉举报,
//! 转办交办督办, 突发安全生产事件, 其他). A department records them with the
//! reason ([`OutsideRandomReason`](crate::task::OutsideRandomReason)) and
//! its basis (依据: the deployment document, the complaint number…).
//!
//! Such an inspection never counts in the draw statistics or toward the
//! two-per-year limit (第十四条): it is not a draw. But a result of
//! [`ItemResult::Compliant`] for an item still spares the object that item for
//! the rest of the calendar year (第十二条 已检查合格的事项不得重复检查), unless
//! the record is voided (作废).
//!
//! Records are append-only: a wrong record is voided with a reason, never
//! edited or deleted. The checks of the entered text are here, so a form, an
//! API call and the demo refuse the same things with the same words.

use chrono::{Datelike, NaiveDate};

use crate::item::FieldError;
use crate::vocab::vocabulary;

/// The earliest year a record may be dated in.
pub const MIN_YEAR: i32 = 2000;
/// Length limit (characters) of the basis (依据).
pub const MAX_BASIS: usize = 200;
/// Length limit of the inspectors' names and 执法证号.
pub const MAX_INSPECTORS: usize = 300;
/// Length limit of the note (备注).
pub const MAX_NOTE: usize = 500;
/// Length limit of a void reason.
pub const MAX_VOID_REASON: usize = 200;
/// Most items one record may list.
pub const MAX_ITEMS: usize = 50;

vocabulary! {
    /// The result of one item of an inspection outside 双随机.
    ItemResult, "检查结果" {
        /// 符合: spares the object this item for the rest of the year (第十二条).
        Compliant = ("compliant", "符合", "合格", "未发现问题"),
        /// 不符合: problems found.
        Noncompliant = ("noncompliant", "不符合", "不合格", "发现问题"),
        /// 不适用: the item did not apply to the object.
        NotApplicable = ("not_applicable", "不适用"),
    }
}

fn err(field: &'static str, message: String) -> FieldError {
    FieldError { field, message }
}

/// The inspection date: not after `today` (Beijing) and not before [`MIN_YEAR`].
pub fn check_date(date: NaiveDate, today: NaiveDate) -> Result<(), FieldError> {
    if date > today {
        return Err(err(
            "inspection_date",
            format!("检查日期{date}晚于今天（{today}），只能登记已经实施的检查"),
        ));
    }
    if date.year() < MIN_YEAR {
        return Err(err(
            "inspection_date",
            format!("检查日期{date}早于{MIN_YEAR}年，请核对日期"),
        ));
    }
    Ok(())
}

/// Parses `2026-11-20` (also `2026/11/20`, `2026年11月20日`).
pub fn parse_date(raw: &str) -> Result<NaiveDate, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(err("inspection_date", "请填写检查日期，如 2026-11-20".into()));
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Ok(d);
        }
    }
    Err(err(
        "inspection_date",
        format!("检查日期“{s}”格式不正确，应为 2026-11-20 这样的日期"),
    ))
}

/// Trims `text` and checks it against a length limit; `required` refuses it empty.
pub fn check_text(
    field: &'static str,
    label: &str,
    text: &str,
    max: usize,
    required: Option<&str>,
) -> Result<String, FieldError> {
    let t = text.trim();
    if t.is_empty()
        && let Some(hint) = required
    {
        return Err(err(field, format!("请填写{label}（{hint}）")));
    }
    let n = t.chars().count();
    if n > max {
        return Err(err(field, format!("{label}最多{max}个字，现有{n}个字，请精简")));
    }
    Ok(t.to_string())
}

/// The basis (依据) of a record: required, at most [`MAX_BASIS`] characters.
pub fn check_basis(text: &str) -> Result<String, FieldError> {
    check_text(
        "basis",
        "依据",
        text,
        MAX_BASIS,
        Some("如部署文件文号、投诉举报编号、交办单号或事件名称"),
    )
}

/// Who went: required, at most [`MAX_INSPECTORS`] characters.
pub fn check_inspectors(text: &str) -> Result<String, FieldError> {
    check_text(
        "inspectors",
        "检查人员",
        text,
        MAX_INSPECTORS,
        Some("实施检查人员的姓名和执法证号"),
    )
}

/// The reason a record is voided: required, at most [`MAX_VOID_REASON`] characters.
pub fn check_void_reason(text: &str) -> Result<String, FieldError> {
    check_text(
        "reason",
        "作废原因",
        text,
        MAX_VOID_REASON,
        Some("如：检查对象登记错误，已重新登记"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn results_parse_codes_labels_and_aliases() {
        assert_eq!(ItemResult::parse("符合"), Ok(ItemResult::Compliant));
        assert_eq!(ItemResult::parse("compliant"), Ok(ItemResult::Compliant));
        assert_eq!(ItemResult::parse("不合格"), Ok(ItemResult::Noncompliant));
        assert_eq!(ItemResult::parse("不适用"), Ok(ItemResult::NotApplicable));
        let e = ItemResult::parse("还行").unwrap_err().to_string();
        assert!(e.contains("符合、不符合、不适用"), "{e}");
    }

    #[test]
    fn dates_are_past_and_not_before_2000() {
        let today = d(2026, 11, 27);
        assert!(check_date(today, today).is_ok());
        assert!(check_date(d(2000, 1, 1), today).is_ok());
        assert!(
            check_date(d(2026, 11, 28), today)
                .unwrap_err()
                .message
                .contains("晚于今天")
        );
        assert!(
            check_date(d(1999, 12, 31), today)
                .unwrap_err()
                .message
                .contains("早于2000年")
        );
        assert_eq!(parse_date("2026年3月5日").unwrap(), d(2026, 3, 5));
        assert_eq!(parse_date(" 2026/03/05 ").unwrap(), d(2026, 3, 5));
        assert!(parse_date("下周").unwrap_err().message.contains("格式不正确"));
        assert!(parse_date("").unwrap_err().message.contains("请填写检查日期"));
    }

    #[test]
    fn texts_are_trimmed_required_and_bounded() {
        assert_eq!(check_basis("  哈建质〔2026〕12号 ").unwrap(), "哈建质〔2026〕12号");
        assert!(check_basis(" ").unwrap_err().message.contains("请填写依据"));
        let long = "字".repeat(MAX_BASIS + 1);
        assert!(check_basis(&long).unwrap_err().message.contains("最多200个字"));
        assert!(check_inspectors("").is_err());
        assert!(check_void_reason("").unwrap_err().message.contains("作废原因"));
        assert_eq!(check_text("note", "备注", "", MAX_NOTE, None).unwrap(), "");
    }
}
