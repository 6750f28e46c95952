//! 抽查任务 (第十五条至第十八条): the life of a [`Task`](TaskStatus), its window,
//! the shape of a joint task (联合抽查), and the closed lists of reasons the
//! rules give: inspections outside double-random (第三条,
//! [`OutsideRandomReason`]) and the replacement of an inspector (第十八条,
//! [`ReplacementReason`]).
//!
//! The allowed status changes are in one place: [`TaskStatus::next`]
//! ([`TaskStatus::transition`] adds the Chinese refusal).
//! Every status and action has an ASCII `code()` for storage and a Chinese
//! `label()`; `parse()` takes either.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate};

use crate::department::DepartmentCode;
use crate::item::FieldError;
use crate::transition::TransitionError;
use crate::vocab::vocabulary;

/// Length limit (characters) of a task name.
pub const MAX_TASK_NAME: usize = 60;

vocabulary! {
    /// 任务类型 (第二条、第十五条).
    TaskKind, "任务类型" {
        /// 双随机抽查 by one department.
        DoubleRandom = ("double_random", "双随机抽查", "双随机", "随机抽查"),
        /// 联合抽查: an initiating department (发起部门) and participating departments (参与部门).
        Joint = ("joint", "联合抽查", "部门联合抽查", "联合"),
    }
}

vocabulary! {
    /// 任务状态. 检查中 and later belong to the inspection issue but are part
    /// of the one machine already, so that their codes never change.
    TaskStatus, "任务状态" {
        /// 草稿: name, window, items and departments editable; eligibility shown.
        Draft = ("draft", "草稿"),
        /// 已锁定名单: every item's object draw is committed, revealed and confirmed (第十六条 确认锁定).
        ListLocked = ("list_locked", "已锁定名单", "已锁定"),
        /// 已派发: the list is sent to the executing units (第十六条 下发名单).
        Dispatched = ("dispatched", "已派发", "已下发"),
        /// 已匹配人员: every executing unit has drawn its teams (第十七条).
        Matched = ("matched", "已匹配人员", "已匹配"),
        /// 检查中.
        Inspecting = ("inspecting", "检查中"),
        /// 已录入: results entered (第二十三条).
        Entered = ("entered", "已录入"),
        /// 已公示.
        Published = ("published", "已公示"),
        /// 已归档 (第二十四条).
        Archived = ("archived", "已归档"),
    }
}

vocabulary! {
    /// What can be done to a task.
    TaskAction, "任务操作" {
        Edit = ("edit", "修改"),
        /// 确认锁定名单: the object draws are final.
        LockList = ("lock_list", "锁定名单"),
        /// 派发 the list to the executing units.
        Dispatch = ("dispatch", "派发"),
        /// All executing units have matched their inspectors.
        MatchInspectors = ("match_inspectors", "匹配人员"),
        /// 调整更换 an inspector (第十八条); the status does not change.
        ReplaceInspector = ("replace_inspector", "调整更换人员"),
        StartInspection = ("start_inspection", "开始检查"),
        EnterResults = ("enter_results", "录入结果"),
        Publish = ("publish", "公示"),
        Archive = ("archive", "归档"),
    }
}

impl TaskStatus {
    /// Every allowed status change, in one place: the status after `action`,
    /// `None` when it is not allowed. The order is the order of the rules: objects
    /// are drawn and locked before dispatch (第十六条), inspectors are matched
    /// by the executing units after dispatch (第十七条), a drawn inspector is
    /// replaced only once teams exist and before the results are in (第十八条).
    pub fn next(self, action: TaskAction) -> Option<TaskStatus> {
        use TaskAction as A;
        use TaskStatus as S;
        match (self, action) {
            (S::Draft, A::Edit) => Some(S::Draft),
            (S::Draft, A::LockList) => Some(S::ListLocked),
            (S::ListLocked, A::Dispatch) => Some(S::Dispatched),
            (S::Dispatched, A::MatchInspectors) => Some(S::Matched),
            (S::Matched, A::ReplaceInspector) => Some(S::Matched),
            (S::Inspecting, A::ReplaceInspector) => Some(S::Inspecting),
            (S::Matched, A::StartInspection) => Some(S::Inspecting),
            (S::Inspecting, A::EnterResults) => Some(S::Entered),
            (S::Entered, A::Publish) => Some(S::Published),
            (S::Published, A::Archive) => Some(S::Archived),
            _ => None,
        }
    }

    /// [`next`](Self::next) with the Chinese refusal when the action is not allowed.
    pub fn transition(self, action: TaskAction) -> Result<TaskStatus, TransitionError> {
        self.next(action).ok_or_else(|| TransitionError {
            what: "抽查任务",
            from: self.label(),
            action: action.label(),
            allowed: self.allowed().iter().map(|a| a.label()).collect(),
        })
    }

    /// True when `action` is allowed now.
    pub fn can(self, action: TaskAction) -> bool {
        self.next(action).is_some()
    }

    /// The actions allowed now, in the order of [`TaskAction::ALL`].
    pub fn allowed(self) -> Vec<TaskAction> {
        TaskAction::ALL.iter().copied().filter(|a| self.can(*a)).collect()
    }
}

vocabulary! {
    /// 第三条: inspections the rules take out of 双随机. Such an inspection
    /// never counts in the draw statistics or toward the two-per-year limit
    /// (第十四条), but a compliant result still spares the object the same
    /// 一般 item for the rest of the year (第十二条).
    OutsideRandomReason, "不适用双随机情形" {
        /// (一) 国务院、住房城乡建设部和省政府有专门要求或重点工作部署.
        SuperiorDeployment = ("superior_deployment", "上级专门部署", "专门要求", "重点工作部署"),
        /// (二) 投诉举报、大数据监测、依法履职中发现涉嫌违法违规.
        ComplaintOrDiscovery = ("complaint_or_discovery", "投诉举报、大数据监测、履职发现", "投诉举报", "大数据监测", "履职发现"),
        /// (三) 转办、交办、督办案件.
        ReferredCase = ("referred_case", "转办、交办、督办案件", "转办交办督办", "转办", "交办", "督办"),
        /// (四) 突发性安全生产事件.
        SafetyIncident = ("safety_incident", "突发性安全生产事件", "突发安全生产事件", "安全生产事件"),
        /// (五) 其他不适用的情形.
        Other = ("other", "其他", "其他情形"),
    }
}

impl OutsideRandomReason {
    /// The clause of the rules: `第三条第（二）项`.
    pub fn clause(self) -> &'static str {
        match self {
            Self::SuperiorDeployment => "第三条第（一）项",
            Self::ComplaintOrDiscovery => "第三条第（二）项",
            Self::ReferredCase => "第三条第（三）项",
            Self::SafetyIncident => "第三条第（四）项",
            Self::Other => "第三条第（五）项",
        }
    }
}

vocabulary! {
    /// 第十八条: the only reasons a drawn inspector may be replaced (with the
    /// 分管负责人's approval). 回避 also records the inspector's conflict with
    /// the object, so later draws leave them out.
    ReplacementReason, "调整更换原因" {
        PostChange = ("post_change", "岗位调整", "工作岗位调整"),
        WorkConflict = ("work_conflict", "工作冲突"),
        Health = ("health", "身体健康", "身体健康状况"),
        Recusal = ("recusal", "回避", "执行回避", "申请回避"),
    }
}

/// 执行时间 of a task: first and last day, both inside the plan's year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TaskWindow {
    start: NaiveDate,
    end: NaiveDate,
}

impl TaskWindow {
    /// `start ≤ end`, both in `plan_year`: a task carries out one year's plan
    /// (第十五条 执行抽查计划), and the two-per-year limit and the passed-item
    /// exclusion count by calendar year.
    pub fn new(start: NaiveDate, end: NaiveDate, plan_year: i32) -> Result<TaskWindow, FieldError> {
        let f = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let err = |message: String| FieldError {
            field: "window",
            message,
        };
        if start > end {
            return Err(err(format!(
                "执行时间的开始日期（{}）不能晚于结束日期（{}）",
                f(start),
                f(end)
            )));
        }
        for (what, d) in [("开始日期", start), ("结束日期", end)] {
            if d.year() != plan_year {
                return Err(err(format!(
                    "执行时间的{what}（{}）不在计划年度{plan_year}年内，任务须在计划年度内执行",
                    f(d)
                )));
            }
        }
        Ok(TaskWindow { start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    pub fn end(&self) -> NaiveDate {
        self.end
    }

    /// The number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.end - self.start).num_days() + 1
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.start..=self.end).contains(&date)
    }
}

/// A task name: one line, trimmed, 1..=[`MAX_TASK_NAME`] characters.
pub fn check_task_name(raw: &str) -> Result<String, FieldError> {
    let s = raw.trim();
    let err = |message: String| FieldError { field: "name", message };
    if s.is_empty() {
        return Err(err("任务名称不能为空".into()));
    }
    if s.chars().any(char::is_control) {
        return Err(err("任务名称须为一行文字，不能含有换行或控制字符".into()));
    }
    let n = s.chars().count();
    if n > MAX_TASK_NAME {
        return Err(err(format!("任务名称有{n}个字，超过{MAX_TASK_NAME}个字，请精简")));
    }
    Ok(s.to_string())
}

/// A department of a task and the items (item version ids) it checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitItems {
    pub department: DepartmentCode,
    pub items: Vec<i64>,
}

/// Checks who takes part in a task and with which items.
///
/// - 双随机抽查: the department alone, at least one item, no participants.
/// - 联合抽查 (第十五条): the initiating department and at least one
///   participating department, all different; each with at least one item,
///   the initiator included (its inspectors lead the teams, 第十七条, so it
///   checks something itself). An item belongs to one department of the task
///   only: results are entered and published by whoever checked
///   (谁检查、谁录入、谁公开, 第二十三条), so each item needs one owner.
pub fn check_units(kind: TaskKind, initiator: &UnitItems, participants: &[UnitItems]) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut err = |field: &'static str, message: String| errors.push(FieldError { field, message });
    match kind {
        TaskKind::DoubleRandom if !participants.is_empty() => err(
            "participants",
            "双随机抽查任务没有参与部门；需要其他部门参加的，请选择联合抽查".into(),
        ),
        TaskKind::Joint if participants.is_empty() => err(
            "participants",
            "联合抽查任务至少应有一个参与部门（发起部门以外）".into(),
        ),
        _ => {}
    }
    let who = |i: usize, u: &UnitItems| match (kind, i) {
        (TaskKind::DoubleRandom, _) => "本任务".to_string(),
        (TaskKind::Joint, 0) => format!("发起部门{}", u.department),
        (TaskKind::Joint, _) => format!("参与部门{}", u.department),
    };
    let mut departments: BTreeSet<&DepartmentCode> = BTreeSet::new();
    let mut owner: Vec<(i64, String)> = Vec::new();
    for (i, u) in std::iter::once(initiator).chain(participants).enumerate() {
        let field = if i == 0 { "items" } else { "participants" };
        let name = who(i, u);
        if !departments.insert(&u.department) {
            err(
                "participants",
                format!("部门{}在任务中重复出现，发起部门和参与部门应各不相同", u.department),
            );
            continue;
        }
        if u.items.is_empty() {
            err(field, format!("{name}未选择抽查事项，请至少选择一项"));
        }
        let mut own: BTreeSet<i64> = BTreeSet::new();
        for &item in &u.items {
            if !own.insert(item) {
                err(field, format!("{name}重复选择了事项版本{item}"));
            } else if let Some((_, first)) = owner.iter().find(|(it, _)| *it == item) {
                err(
                    field,
                    format!("事项版本{item}已由{first}承担，同一事项在一个任务中只能由一个部门检查"),
                );
            } else {
                owner.push((item, name.clone()));
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn unit(code: &str, items: &[i64]) -> UnitItems {
        UnitItems {
            department: DepartmentCode::parse(code).unwrap(),
            items: items.to_vec(),
        }
    }

    #[test]
    fn the_draw_comes_before_dispatch_and_matching_after() {
        use TaskAction as A;
        use TaskStatus as S;
        let mut s = S::Draft;
        for (a, next) in [
            (A::Edit, S::Draft),
            (A::LockList, S::ListLocked),
            (A::Dispatch, S::Dispatched),
            (A::MatchInspectors, S::Matched),
            (A::ReplaceInspector, S::Matched),
            (A::StartInspection, S::Inspecting),
            (A::ReplaceInspector, S::Inspecting),
            (A::EnterResults, S::Entered),
            (A::Publish, S::Published),
            (A::Archive, S::Archived),
        ] {
            s = s.transition(a).unwrap();
            assert_eq!(s, next);
        }
        assert!(S::Archived.allowed().is_empty());
        assert_eq!(
            S::Draft.transition(A::Dispatch).unwrap_err().to_string(),
            "抽查任务当前状态为“草稿”，不能执行“派发”操作（当前可执行：修改、锁定名单）"
        );
        assert!(!S::ListLocked.can(A::MatchInspectors));
        assert!(!S::ListLocked.can(A::Edit), "a locked list is never edited");
        assert!(
            !S::Dispatched.can(A::ReplaceInspector),
            "nobody to replace before matching"
        );
        assert!(!S::Entered.can(A::ReplaceInspector));
    }

    #[test]
    fn codes_and_labels() {
        assert_eq!(TaskStatus::ListLocked.code(), "list_locked");
        assert_eq!(TaskStatus::ListLocked.label(), "已锁定名单");
        for s in TaskStatus::ALL {
            assert_eq!(TaskStatus::parse(s.code()), Ok(*s));
            assert_eq!(TaskStatus::parse(s.label()), Ok(*s));
            assert!(s.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
        for a in TaskAction::ALL {
            assert_eq!(TaskAction::parse(a.code()), Ok(*a));
        }
        assert_eq!(TaskKind::parse("联合"), Ok(TaskKind::Joint));
        assert_eq!(TaskKind::Joint.label(), "联合抽查");
        assert_eq!(
            OutsideRandomReason::parse("投诉举报"),
            Ok(OutsideRandomReason::ComplaintOrDiscovery)
        );
        assert_eq!(OutsideRandomReason::SafetyIncident.clause(), "第三条第（四）项");
        assert_eq!(OutsideRandomReason::ALL.len(), 5);
        assert_eq!(ReplacementReason::parse("申请回避"), Ok(ReplacementReason::Recusal));
        assert_eq!(ReplacementReason::LABELS, ["岗位调整", "工作冲突", "身体健康", "回避"]);
        assert!(ReplacementReason::parse("不想去").is_err());
        let codes = OutsideRandomReason::ALL.iter().map(|r| r.code());
        for code in codes.chain(ReplacementReason::ALL.iter().map(|r| r.code())) {
            assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{code}");
        }
    }

    #[test]
    fn window_inside_the_plan_year() {
        let w = TaskWindow::new(date(2026, 4, 1), date(2026, 4, 30), 2026).unwrap();
        assert_eq!(w.days(), 30);
        assert!(w.contains(date(2026, 4, 30)) && !w.contains(date(2026, 5, 1)));
        assert_eq!(
            TaskWindow::new(date(2026, 4, 1), date(2026, 4, 1), 2026)
                .unwrap()
                .days(),
            1
        );
        let e = TaskWindow::new(date(2026, 5, 1), date(2026, 4, 1), 2026).unwrap_err();
        assert_eq!(e.field, "window");
        assert_eq!(
            e.message,
            "执行时间的开始日期（2026-05-01）不能晚于结束日期（2026-04-01）"
        );
        let e = TaskWindow::new(date(2026, 12, 1), date(2027, 1, 15), 2026).unwrap_err();
        assert_eq!(
            e.message,
            "执行时间的结束日期（2027-01-15）不在计划年度2026年内，任务须在计划年度内执行"
        );
        assert!(TaskWindow::new(date(2025, 12, 1), date(2026, 1, 15), 2026).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(
            check_task_name(" 2026年建筑市场双随机抽查 ").unwrap(),
            "2026年建筑市场双随机抽查"
        );
        assert_eq!(check_task_name("").unwrap_err().message, "任务名称不能为空");
        assert!(check_task_name("a\nb").is_err());
        assert!(
            check_task_name(&"名".repeat(61))
                .unwrap_err()
                .message
                .contains("超过60个字")
        );
    }

    #[test]
    fn double_random_shape() {
        assert_eq!(
            check_units(TaskKind::DoubleRandom, &unit("230102", &[1, 2]), &[]),
            Ok(())
        );
        let e = check_units(TaskKind::DoubleRandom, &unit("230102", &[]), &[unit("230103", &[3])]).unwrap_err();
        assert_eq!(
            e.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            [
                "双随机抽查任务没有参与部门；需要其他部门参加的，请选择联合抽查",
                "本任务未选择抽查事项，请至少选择一项"
            ]
        );
    }

    #[test]
    fn joint_shape() {
        let init = unit("230100", &[1]);
        assert_eq!(
            check_units(TaskKind::Joint, &init, &[unit("230102", &[2]), unit("230103", &[3])]),
            Ok(())
        );
        let e = check_units(TaskKind::Joint, &init, &[]).unwrap_err();
        assert_eq!(e[0].message, "联合抽查任务至少应有一个参与部门（发起部门以外）");
        let e = check_units(TaskKind::Joint, &init, &[unit("230100", &[2])]).unwrap_err();
        assert_eq!(e[0].message, "部门230100在任务中重复出现，发起部门和参与部门应各不相同");
        let e = check_units(TaskKind::Joint, &unit("230100", &[]), &[unit("230102", &[])]).unwrap_err();
        assert_eq!(
            e.iter().map(|e| (e.field, e.message.as_str())).collect::<Vec<_>>(),
            [
                ("items", "发起部门230100未选择抽查事项，请至少选择一项"),
                ("participants", "参与部门230102未选择抽查事项，请至少选择一项"),
            ]
        );
        let e = check_units(TaskKind::Joint, &init, &[unit("230102", &[1, 2, 2])]).unwrap_err();
        assert_eq!(
            e.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            [
                "事项版本1已由发起部门230100承担，同一事项在一个任务中只能由一个部门检查",
                "参与部门230102重复选择了事项版本2"
            ]
        );
    }

    proptest! {
        /// Whatever is tried, a task reaches 已匹配人员 only through 已锁定名单
        /// and 已派发, in that order, and never goes back.
        #[test]
        fn no_path_reaches_matched_without_dispatch(actions in proptest::collection::vec(0usize..9, 0..60)) {
            let mut s = TaskStatus::Draft;
            let mut seen = vec![s];
            for a in actions {
                let action = TaskAction::ALL[a];
                match s.transition(action) {
                    Ok(next) => {
                        prop_assert!(next >= s, "never back: {:?} -> {:?}", s, next);
                        s = next;
                        if seen.last() != Some(&s) { seen.push(s); }
                    }
                    Err(e) => {
                        prop_assert!(!s.allowed().contains(&action));
                        prop_assert!(e.to_string().contains(action.label()));
                    }
                }
            }
            if let Some(m) = seen.iter().position(|x| *x == TaskStatus::Matched) {
                let l = seen.iter().position(|x| *x == TaskStatus::ListLocked);
                let d = seen.iter().position(|x| *x == TaskStatus::Dispatched);
                prop_assert!(matches!((l, d), (Some(l), Some(d)) if l < d && d < m));
            }
            // Each step moves at most one status forward.
            for w in seen.windows(2) {
                let i = |x: TaskStatus| TaskStatus::ALL.iter().position(|y| *y == x).unwrap();
                prop_assert_eq!(i(w[1]), i(w[0]) + 1);
            }
        }

        #[test]
        fn a_window_in_the_year_is_accepted(year in 2000i32..2100, a in 0u32..365, b in 0u32..365) {
            let first = date(year, 1, 1);
            let (s, e) = (first + chrono::Duration::days(i64::from(a.min(b))), first + chrono::Duration::days(i64::from(a.max(b))));
            let ok = TaskWindow::new(s, e, year);
            prop_assert_eq!(ok.is_ok(), e.year() == year);
            prop_assert!(s == e || TaskWindow::new(e, s, year).is_err());
        }
    }
}
