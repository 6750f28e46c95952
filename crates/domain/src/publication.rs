//! 一公开 (第二十三条、第二十五条、第二十六条): publishing a task's results, the
//! correction of a published result, objections (异议) and follow-up
//! (后续处置), with the deadlines the rules set in working days.
//!
//! Everything here is pure: a deadline is computed from a [`WorkCalendar`] and
//! a date the caller passes as "today", so a test fixes the clock by passing
//! a date.

use chrono::NaiveDate;

use crate::calendar::WorkCalendar;
use crate::item::FieldError;
use crate::vocab::vocabulary;

/// 第二十三条: results are entered and published within 20 working days after the task ends.
pub const PUBLISH_WORKDAYS: u32 = 20;
/// 第二十六条: an objection is reviewed within 20 working days of its receipt.
pub const REVIEW_WORKDAYS: u32 = 20;
/// 第二十六条: the object hears the outcome within 15 working days of the decision.
pub const FEEDBACK_WORKDAYS: u32 = 15;
/// A deadline this close (working days) is shown as 即将到期.
pub const DUE_SOON_WORKDAYS: i64 = 3;

/// Length limits (characters).
pub const MAX_REASON: usize = 500;
pub const MAX_OBJECTION_TEXT: usize = 5000;
pub const MAX_NAME: usize = 60;
pub const MAX_CONTACT: usize = 60;
pub const MAX_BODY: usize = 100;
pub const MAX_NOTE: usize = 1000;
/// Attachments of one objection.
pub const MAX_OBJECTION_FILES: usize = 10;

vocabulary! {
    /// A correction request of a published result (第二十三条: 经单位主要负责人批准).
    CorrectionStatus, "更正申请状态" {
        Pending = ("pending", "待审批"),
        Approved = ("approved", "已批准"),
        Rejected = ("rejected", "未批准", "不予批准"),
    }
}

vocabulary! {
    /// How an objection reached the department.
    ObjectionChannel, "异议提交方式" {
        /// The object filed it on the public site with its 核验码.
        Online = ("online", "网上提交"),
        /// The department entered a paper submission on the object's behalf.
        Paper = ("paper", "书面提交（部门代录）", "书面提交", "代录"),
    }
}

vocabulary! {
    /// Where an objection stands.
    ObjectionStatus, "异议状态" {
        /// 待复核: received, review due within 20 working days.
        Received = ("received", "待复核"),
        /// 已复核待反馈: decided, feedback due within 15 working days.
        Decided = ("decided", "已复核待反馈"),
        /// 已反馈: the object has been told.
        Answered = ("answered", "已反馈"),
    }
}

vocabulary! {
    /// 复核结论.
    ObjectionDecision, "复核结论" {
        /// 维持: the published result stands.
        Maintain = ("maintain", "维持"),
        /// 更正: the result is corrected through the head's approval.
        Correct = ("correct", "更正"),
    }
}

vocabulary! {
    /// How the object was told the outcome (反馈方式).
    FeedbackMethod, "反馈方式" {
        InPerson = ("in_person", "当面送达"),
        Mail = ("mail", "邮寄送达"),
        Phone = ("phone", "电话告知"),
        Sms = ("sms", "短信告知"),
        Platform = ("platform", "平台告知"),
    }
}

vocabulary! {
    /// 第二十五条: what happens next to a problem found.
    FollowupStep, "后续处置方式" {
        Transfer = ("transfer", "移交审批/主管部门", "移交审批部门", "移交主管部门", "移交"),
        Case = ("case", "立案查处", "立案"),
        Judicial = ("judicial", "移送司法机关", "移送司法"),
        Recheck = ("recheck", "整改复查", "复查"),
    }
}

vocabulary! {
    /// Where one follow-up step stands.
    FollowupStatus, "处置状态" {
        InProgress = ("in_progress", "办理中"),
        Done = ("done", "已办结"),
    }
}

vocabulary! {
    /// 后续处置 of a published result, from its problems' latest steps.
    Disposal, "后续处置情况" {
        /// No problem was found.
        NotNeeded = ("not_needed", "无需后续处置"),
        /// A problem has no follow-up step yet.
        Pending = ("pending", "待处置"),
        InProgress = ("in_progress", "处置中"),
        Done = ("done", "已办结"),
    }
}

/// The disposal of a result with `latest`, the status of each problem's
/// latest follow-up step (`None`: no step yet).
pub fn disposal(latest: &[Option<FollowupStatus>]) -> Disposal {
    if latest.is_empty() {
        Disposal::NotNeeded
    } else if latest.iter().all(|s| *s == Some(FollowupStatus::Done)) {
        Disposal::Done
    } else if latest.iter().all(Option::is_none) {
        Disposal::Pending
    } else {
        Disposal::InProgress
    }
}

/// How a deadline stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeadlineState {
    /// Open, more than [`DUE_SOON_WORKDAYS`] working days left.
    Open,
    /// Open, due within [`DUE_SOON_WORKDAYS`] working days (or today).
    DueSoon,
    /// Open and past its date.
    Overdue,
    /// Done on or before the date.
    Met,
    /// Done after the date.
    MetLate,
}

impl DeadlineState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::DueSoon => "due_soon",
            Self::Overdue => "overdue",
            Self::Met => "met",
            Self::MetLate => "met_late",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "未到期",
            Self::DueSoon => "即将到期",
            Self::Overdue => "已逾期",
            Self::Met => "按期完成",
            Self::MetLate => "逾期完成",
        }
    }

    /// Whether the deadline was or is missed.
    pub fn missed(self) -> bool {
        matches!(self, Self::Overdue | Self::MetLate)
    }
}

/// A deadline N working days after a date, as it stands on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeadlineStatus {
    /// The day the period starts after (not counted).
    pub from: NaiveDate,
    pub workdays: u32,
    pub due: NaiveDate,
    /// Computed through a year without an official schedule: may still move.
    pub provisional: bool,
    /// When the thing was done, if it was.
    pub done_on: Option<NaiveDate>,
    /// Working days from today (or from the day it was done) to the due date:
    /// positive = left, negative = over.
    pub days_left: i64,
    pub state: DeadlineState,
}

impl DeadlineStatus {
    /// Working days over the deadline (0 when not missed).
    pub fn days_over(&self) -> i64 {
        (-self.days_left).max(0)
    }

    /// `剩余 5 个工作日`, `已逾期 3 个工作日`, `按期完成（2026-05-06）`.
    pub fn describe(&self) -> String {
        let when = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        match (self.state, self.done_on) {
            (DeadlineState::Met, Some(d)) => format!("按期完成（{}）", when(d)),
            (DeadlineState::MetLate, Some(d)) => {
                format!("逾期 {} 个工作日完成（{}）", self.days_over(), when(d))
            }
            (DeadlineState::Overdue, _) => format!("已逾期 {} 个工作日", self.days_over()),
            _ if self.days_left == 0 => "今日到期".to_string(),
            _ => format!("剩余 {} 个工作日", self.days_left),
        }
    }
}

/// The deadline `workdays` working days after `from`, as it stands on `today`
/// (or as it ended, when `done_on` is given).
pub fn deadline(
    cal: &WorkCalendar,
    from: NaiveDate,
    workdays: u32,
    done_on: Option<NaiveDate>,
    today: NaiveDate,
) -> DeadlineStatus {
    let d = cal.add_workdays(from, workdays);
    let (days_left, state) = match done_on {
        Some(done) => {
            let left = cal.workdays_between(done, d.date);
            let state = if done <= d.date {
                DeadlineState::Met
            } else {
                DeadlineState::MetLate
            };
            // Done on a rest day after the date still counts as one day late.
            (if done <= d.date { 0 } else { left.min(-1) }, state)
        }
        None => {
            let mut left = cal.workdays_between(today, d.date);
            if today > d.date {
                // A rest day after the date is already one day over.
                left = left.min(-1);
            }
            let state = if today > d.date {
                DeadlineState::Overdue
            } else if left <= DUE_SOON_WORKDAYS {
                DeadlineState::DueSoon
            } else {
                DeadlineState::Open
            };
            (left, state)
        }
    };
    DeadlineStatus {
        from,
        workdays,
        due: d.date,
        provisional: d.provisional,
        done_on,
        days_left,
        state,
    }
}

/// Checks a required text: trimmed, not empty, at most `max` characters.
pub fn required_text(field: &'static str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldError {
            field,
            message: format!("请填写{label}"),
        });
    }
    optional_text(field, label, s, max)
}

/// Checks an optional text: trimmed, at most `max` characters.
pub fn optional_text(field: &'static str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let s = raw.trim();
    let n = s.chars().count();
    if n > max {
        return Err(FieldError {
            field,
            message: format!("{label}最多 {max} 个字（现为 {n} 个字）"),
        });
    }
    Ok(s.to_string())
}

/// A contact phone: digits with an optional area-code dash or leading +, 5–20 characters.
pub fn check_phone(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let ok = (5..=20).contains(&s.chars().count())
        && s.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || c == '-' || (i == 0 && c == '+'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(FieldError {
            field,
            message: format!("联系电话“{s}”格式不正确，应为手机号或带区号的固定电话，如 13800000000 或 0451-12345678"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn publication_deadline_across_national_day() {
        // A task ending 2025-09-26 must publish by 2025-10-30: the National
        // Day week is off, and Sunday 28 Sep and Saturday 11 Oct are worked.
        let cal = WorkCalendar::official();
        let s = deadline(cal, d("2025-09-26"), PUBLISH_WORKDAYS, None, d("2025-10-09"));
        assert_eq!(s.due, d("2025-10-30"));
        assert!(!s.provisional);
        // 10-10, 10-11 (调休), 13–17, 20–24, 27–30 = 1 + 1 + 5 + 5 + 4 = 16.
        assert_eq!(s.days_left, 16);
        assert_eq!(s.state, DeadlineState::Open);
        assert_eq!(s.describe(), "剩余 16 个工作日");
    }

    #[test]
    fn review_deadline_across_spring_festival() {
        // Received Friday 2026-02-13; the Spring Festival holiday runs
        // 15–23 Feb and Saturday 14 Feb and Saturday 28 Feb are worked.
        let cal = WorkCalendar::official();
        let s = deadline(cal, d("2026-02-13"), REVIEW_WORKDAYS, None, d("2026-02-13"));
        // 14 Feb (调休) = 1; 24–27 = 4; 28 (调休) = 1; then 14 more weekdays
        // from 2 Mar: 2–6, 9–13, 16–19 → 19 Mar.
        assert_eq!(s.due, d("2026-03-19"));
        assert_eq!(s.days_left, 20);
    }

    #[test]
    fn states_at_a_fixed_clock() {
        let cal = WorkCalendar::official();
        let from = d("2026-06-01");
        let due = cal.add_workdays(from, 15).date;
        assert_eq!(deadline(cal, from, 15, None, due).state, DeadlineState::DueSoon);
        assert_eq!(deadline(cal, from, 15, None, due).describe(), "今日到期");
        let after = cal.add_workdays(due, 2).date;
        let over = deadline(cal, from, 15, None, after);
        assert_eq!(over.state, DeadlineState::Overdue);
        assert_eq!(over.days_over(), 2);
        assert_eq!(over.describe(), "已逾期 2 个工作日");
        let met = deadline(cal, from, 15, Some(due), after);
        assert_eq!(met.state, DeadlineState::Met);
        assert_eq!(met.days_over(), 0);
        let late = deadline(cal, from, 15, Some(after), after);
        assert_eq!(late.state, DeadlineState::MetLate);
        assert_eq!(late.days_over(), 2);
        assert!(late.state.missed() && over.state.missed() && !met.state.missed());
    }

    #[test]
    fn disposal_from_steps() {
        use FollowupStatus::*;
        assert_eq!(disposal(&[]), Disposal::NotNeeded);
        assert_eq!(disposal(&[None, None]), Disposal::Pending);
        assert_eq!(disposal(&[Some(Done), None]), Disposal::InProgress);
        assert_eq!(disposal(&[Some(InProgress)]), Disposal::InProgress);
        assert_eq!(disposal(&[Some(Done), Some(Done)]), Disposal::Done);
    }

    #[test]
    fn texts_and_phones() {
        assert_eq!(required_text("r", "理由", "  更正笔误 ", 10).unwrap(), "更正笔误");
        assert_eq!(required_text("r", "理由", " ", 10).unwrap_err().message, "请填写理由");
        assert!(optional_text("r", "理由", &"字".repeat(11), 10).is_err());
        assert!(check_phone("p", "0451-12345678").is_ok());
        assert!(check_phone("p", "+8613800000000").is_ok());
        assert!(check_phone("p", "1380000abcd").is_err());
        assert!(check_phone("p", "12").is_err());
    }

    proptest! {
        /// Whatever the day, an open deadline is overdue exactly when today is
        /// after the due date, and the working days left then count down to it.
        #[test]
        fn open_deadlines_are_consistent(from_off in 0i64..1000, today_off in 0i64..1100, n in 1u32..40) {
            let cal = WorkCalendar::official();
            let from = d("2024-01-01") + chrono::Duration::days(from_off);
            let today = d("2024-01-01") + chrono::Duration::days(today_off);
            let s = deadline(cal, from, n, None, today);
            prop_assert_eq!(s.state == DeadlineState::Overdue, today > s.due);
            if today <= s.due {
                prop_assert_eq!(s.days_left, cal.workdays_between(today, s.due));
            } else {
                prop_assert!(s.days_over() >= 1);
                prop_assert!(s.days_over() >= -cal.workdays_between(today, s.due));
            }
            if today <= from {
                prop_assert!(s.days_left >= n as i64);
            }
        }
    }
}
