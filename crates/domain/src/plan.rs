//! 年度抽查计划 (第十二条、第十三条): a department's [`AnnualPlan`] for a year,
//! its [`PlanEntry`]s, the filing deadline and the plan's status machine.
//!
//! - **第十三条**: each entry states the 抽查范围 ([`PlanScope`]: object kinds,
//!   divisions, risk classes), the 时间安排 (planned months) and the 抽查比例;
//!   the 预估数量 is computed live from the directory
//!   ([`PlanEntry::estimated_count`]), never stored.
//! - **第八条**: a 一般 item's ratio never exceeds the item's cap; a 重点 item
//!   goes up to 100 % ([`ratio_ceiling`]).
//! - **第十二条**: the plan is filed (报备) with the superior department in
//!   3月上旬, i.e. by 10 March of the plan's year ([`filing_deadline`],
//!   [`filing_timeliness`]), and published (社会公开); it is adjusted as work
//!   requires (动态调整): an adjustment after publication is a new version with
//!   a reason ([`check_adjustment_reason`]), and every published version stays
//!   public.
//!
//! The allowed status changes are in one place: [`PlanStatus::next`]
//! ([`PlanStatus::transition`] adds the Chinese refusal).
//!
//! **Publication comes after acknowledgement** (已确认 → 已公开), not right
//! after filing. Why: the issue gives the superior the power to return a
//! filed plan with a comment, so a filed plan is not final yet; every
//! published version stays public for good, so publishing before the
//! superior's answer would put on the public site versions that the superior
//! then sends back. 第十二条 names 备案 before 公开, and both belong to
//! 3月上旬, so the superior is expected to answer promptly; the plan waiting
//! for an answer is shown to both sides with its dates. A department whose
//! superior is not on the platform (the 省住建厅, which files with the
//! 住房城乡建设部) records the outside acknowledgement itself
//! ([`PlanAction::Acknowledge`] with a comment naming the filing); the machine
//! does not care who acts, the app's rights do. Changing the rule to "publish
//! once filed" is one line in [`PlanStatus::next`].

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;

use crate::department::DepartmentCode;
use crate::division::DivisionCode;
use crate::item::Ratio;
use crate::transition::TransitionError;
use crate::vocab::{ItemCategory, ObjectKind, RiskClass, vocabulary};

/// The years a plan may be made for.
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2099;
/// 3月上旬: the first ten days of March; the 10th is the last day to file.
pub const FILING_DEADLINE_MONTH: u32 = 3;
pub const FILING_DEADLINE_DAY: u32 = 10;
/// Length limit (characters) of a return comment and of an adjustment reason.
pub const MAX_COMMENT: usize = 500;

/// A problem of a plan: of the plan itself (`entry` is `None`) or of one entry
/// (`entry` is its 1-based position). `message` is a whole Chinese sentence
/// that names the entry and the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError {
    pub entry: Option<usize>,
    /// The field key: `year`, `entries`, `item`, `object_kinds`, `divisions`,
    /// `risk_classes`, `ratio`, `months`, `comment` or `reason`.
    pub field: &'static str,
    pub message: String,
}

impl PlanError {
    fn plan(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            entry: None,
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PlanError {}

/// The highest ratio an item allows (第八条): 100 % for a 重点 item (不设上限,
/// whatever cap it may carry), the cap for a 一般 item. A 一般 item without a
/// cap is malformed (the item list refuses it); the error says so.
pub fn ratio_ceiling(category: ItemCategory, cap: Option<Ratio>) -> Result<Ratio, String> {
    match (category, cap) {
        (ItemCategory::Key, _) => Ok(Ratio::FULL),
        (ItemCategory::General, Some(cap)) => Ok(cap),
        (ItemCategory::General, None) => {
            Err("一般检查事项须设置比例上限（第八条），请先在抽查事项清单中为该事项设置比例上限".into())
        }
    }
}

/// ⌈ratio × n⌉ in exact integer arithmetic: the number of objects a ratio asks
/// for out of `n` (a stratum's quota, a plan entry's 预估数量). Rounding up
/// means a non-empty population always gives at least one object when the
/// ratio is above 0 (统一组织、全面覆盖, 第十二条). Never more than `n`.
pub fn ceil_ratio(ratio: Ratio, n: u64) -> u64 {
    let bp = u128::from(ratio.basis_points());
    let q = (bp * u128::from(n)).div_ceil(10_000);
    // bp ≤ 10000, so q ≤ n and fits.
    q as u64
}

/// 抽查范围 of an entry. Every set is "all" when empty: all the item's object
/// kinds, the department's whole jurisdiction, all risk classes.
///
/// The risk-class scope never leaves out an object flagged 经营异常 / 重点关注 /
/// 严重违法失信 or with frequent complaints: 第十四条 asks for *more* checks of
/// those (差异化监管), so an entry limited to, say, C and D still draws a
/// flagged A-class object (in its 重点关注 stratum, see
/// [`crate::eligibility`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PlanScope {
    pub object_kinds: BTreeSet<ObjectKind>,
    /// 行政区划代码; a city code covers its counties. Must lie in the department's division.
    pub divisions: BTreeSet<DivisionCode>,
    pub risk_classes: BTreeSet<RiskClass>,
}

impl PlanScope {
    /// True when an object of `kind` is in scope (the item's kinds are checked separately).
    pub fn covers_kind(&self, kind: ObjectKind) -> bool {
        self.object_kinds.is_empty() || self.object_kinds.contains(&kind)
    }

    /// True when an object in `division` is in scope.
    pub fn covers_division(&self, division: &DivisionCode) -> bool {
        self.divisions.is_empty() || self.divisions.iter().any(|d| d.contains(division))
    }

    /// True when an object of risk class `class` (and no risk flag) is in scope.
    pub fn covers_risk_class(&self, class: RiskClass) -> bool {
        self.risk_classes.is_empty() || self.risk_classes.contains(&class)
    }

    /// True when some object could be in both scopes.
    fn overlaps(&self, other: &PlanScope) -> bool {
        fn sets_meet<T: Ord>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> bool {
            a.is_empty() || b.is_empty() || a.intersection(b).next().is_some()
        }
        let divisions_meet = self.divisions.is_empty()
            || other.divisions.is_empty()
            || self
                .divisions
                .iter()
                .any(|a| other.divisions.iter().any(|b| a.contains(b) || b.contains(a)));
        sets_meet(&self.object_kinds, &other.object_kinds)
            && divisions_meet
            && sets_meet(&self.risk_classes, &other.risk_classes)
    }
}

/// One entry of a plan: an item version (as the item list had it when
/// planned), its scope, ratio and months.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanEntry {
    /// The id of the item version (`check_item_version.id`): a plan keeps the
    /// version in force when it was made.
    pub item_version_id: i64,
    /// The item's title as shown (`建筑业企业资质动态核查`), for messages.
    pub item_title: String,
    pub category: ItemCategory,
    /// `Some` for a 一般 item.
    pub ratio_cap: Option<Ratio>,
    /// The object kinds the item applies to (today one per item).
    pub item_object_kinds: BTreeSet<ObjectKind>,
    pub scope: PlanScope,
    pub ratio: Ratio,
    /// Months 1..=12 in which the checks are planned.
    pub months: BTreeSet<u32>,
}

impl PlanEntry {
    /// `第2项“建筑业企业资质动态核查”` (`n` is 1-based).
    fn name(&self, n: usize) -> String {
        let title = self.item_title.trim();
        if title.is_empty() {
            format!("第{n}项（事项版本{}）", self.item_version_id)
        } else {
            format!("第{n}项“{title}”")
        }
    }

    /// 预估数量 for a population of `n` objects in scope: ⌈ratio × n⌉.
    pub fn estimated_count(&self, n: u64) -> u64 {
        ceil_ratio(self.ratio, n)
    }

    /// Checks the entry alone; `n` is its 1-based position, `department`
    /// the planning department (the scope's divisions must be inside its division).
    pub fn validate(&self, n: usize, department: &DepartmentCode) -> Vec<PlanError> {
        let name = self.name(n);
        let mut errors = Vec::new();
        let mut err = |field: &'static str, message: String| {
            errors.push(PlanError {
                entry: Some(n),
                field,
                message,
            })
        };
        if self.item_version_id <= 0 {
            err("item", format!("{name}未选择抽查事项，请从抽查事项清单中选择"));
        }
        match ratio_ceiling(self.category, self.ratio_cap) {
            Err(m) => err("ratio", format!("{name}：{m}")),
            Ok(_) if self.ratio.basis_points() == 0 => err("ratio", format!("{name}的抽查比例须大于0%")),
            Ok(ceiling) if self.ratio > ceiling => err(
                "ratio",
                format!(
                    "{name}的抽查比例（{}）不能高于该一般检查事项的比例上限（{ceiling}）（第八条），请调低抽查比例",
                    self.ratio
                ),
            ),
            Ok(_) => {}
        }
        if self.item_object_kinds.is_empty() {
            err("object_kinds", format!("{name}的抽查事项未指明检查对象类型"));
        }
        for kind in &self.scope.object_kinds {
            if !self.item_object_kinds.contains(kind) {
                let allowed: Vec<&str> = self.item_object_kinds.iter().map(|k| k.label()).collect();
                err(
                    "object_kinds",
                    format!(
                        "{name}的检查对象类型“{}”不属于该事项的检查对象（{}）",
                        kind.label(),
                        allowed.join("、")
                    ),
                );
            }
        }
        let own = department.division();
        for d in &self.scope.divisions {
            if !own.contains(d) {
                err(
                    "divisions",
                    format!("{name}的抽查区域{d}不在本部门管辖的行政区划（{own}）内"),
                );
            }
        }
        if self.months.is_empty() {
            err("months", format!("{name}未安排抽查月份，请至少选择一个月份"));
        }
        for m in &self.months {
            if !(1..=12).contains(m) {
                err("months", format!("{name}的抽查月份“{m}”无效，应为1—12月"));
            }
        }
        errors
    }
}

/// A department's 年度抽查计划 (one version of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnnualPlan {
    pub department: DepartmentCode,
    pub year: i32,
    pub entries: Vec<PlanEntry>,
}

impl AnnualPlan {
    /// Checks the plan and every entry, reporting every problem in entry order.
    /// Two entries of the same item version whose scopes and months overlap
    /// are refused: the same objects would be counted twice for one check.
    /// (Two entries of one item in different months or divisions are fine:
    /// 抽查频次 is the department's choice, 第八条.)
    pub fn validate(&self) -> Result<(), Vec<PlanError>> {
        let mut errors = Vec::new();
        if !(MIN_YEAR..=MAX_YEAR).contains(&self.year) {
            errors.push(PlanError::plan(
                "year",
                format!("计划年度“{}”无效，应为{MIN_YEAR}—{MAX_YEAR}年", self.year),
            ));
        }
        if self.entries.is_empty() {
            errors.push(PlanError::plan(
                "entries",
                "年度抽查计划至少应有一项计划事项，请从抽查事项清单中添加",
            ));
        }
        for (i, e) in self.entries.iter().enumerate() {
            errors.extend(e.validate(i + 1, &self.department));
            for (j, earlier) in self.entries[..i].iter().enumerate() {
                if earlier.item_version_id == e.item_version_id
                    && earlier.scope.overlaps(&e.scope)
                    && earlier.months.intersection(&e.months).next().is_some()
                {
                    errors.push(PlanError {
                        entry: Some(i + 1),
                        field: "item",
                        message: format!(
                            "{}与第{}项是同一抽查事项，抽查范围和月份有重叠，请合并为一项或调整范围、月份",
                            e.name(i + 1),
                            j + 1
                        ),
                    });
                    break;
                }
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

// ---------------------------------------------------------------------------
// Filing deadline

/// The last day to file the plan of `year`: 10 March (3月上旬, 第十二条).
/// `None` only for a year chrono cannot represent.
pub fn filing_deadline(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, FILING_DEADLINE_MONTH, FILING_DEADLINE_DAY)
}

/// Whether a filing (or, for a plan not filed yet, today) is after the deadline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FilingTimeliness {
    pub deadline: NaiveDate,
    /// Calendar days after the deadline; 0 when on time (on the 10th included).
    pub days_late: u32,
}

impl FilingTimeliness {
    pub fn is_late(&self) -> bool {
        self.days_late > 0
    }

    /// For a filed plan, shown to both sides: `按期报备（截止2026年3月10日）`
    /// or `逾期5天报备（截止2026年3月10日）`.
    pub fn filed_label(&self) -> String {
        let d = self.deadline.format("%Y年%-m月%-d日");
        if self.is_late() {
            format!("逾期{}天报备（截止{d}）", self.days_late)
        } else {
            format!("按期报备（截止{d}）")
        }
    }
}

/// The timeliness of a filing made on `filed_on` for the plan of `year`.
/// Calendar days, not working days: the rule names a part of the month
/// (上旬), not a count of working days.
pub fn filing_timeliness(year: i32, filed_on: NaiveDate) -> Option<FilingTimeliness> {
    let deadline = filing_deadline(year)?;
    let late = (filed_on - deadline).num_days().max(0);
    Some(FilingTimeliness {
        deadline,
        days_late: u32::try_from(late).unwrap_or(u32::MAX),
    })
}

/// For a plan not filed yet, on `today`: `距报备截止（2026年3月10日）还有3天`,
/// `今天（2026年3月10日）是报备截止日`, or `已逾期2天未报备（截止2026年3月10日）`.
pub fn pending_filing_label(year: i32, today: NaiveDate) -> Option<String> {
    let deadline = filing_deadline(year)?;
    let d = deadline.format("%Y年%-m月%-d日");
    let left = (deadline - today).num_days();
    Some(match left {
        n if n > 0 => format!("距报备截止（{d}）还有{n}天"),
        0 => format!("今天（{d}）是报备截止日"),
        n => format!("已逾期{}天未报备（截止{d}）", -n),
    })
}

// ---------------------------------------------------------------------------
// Status machine

vocabulary! {
    /// 状态 of one version of a plan.
    PlanStatus, "计划状态" {
        /// 草稿: being written, editable.
        Draft = ("draft", "草稿"),
        /// 已报备: sent to the superior department, awaiting its answer; not editable.
        Filed = ("filed", "已报备", "待确认"),
        /// 已确认: the superior has taken the filing (备案); ready to publish.
        Acknowledged = ("acknowledged", "已确认", "已备案"),
        /// 已退回: the superior sent it back with a comment; editable, then filed again.
        Returned = ("returned", "已退回"),
        /// 已公开: on the public site; never edited again, only adjusted by a new version.
        Published = ("published", "已公开", "已公示"),
        /// 已调整: a newer version has been published; this one stays public as history.
        Superseded = ("superseded", "已调整", "已被调整"),
    }
}

vocabulary! {
    /// What can be done to one version of a plan.
    PlanAction, "计划操作" {
        /// 修改 the entries.
        Edit = ("edit", "修改"),
        /// 报备 to the superior department.
        File = ("file", "报备"),
        /// The superior 确认 the filing.
        Acknowledge = ("acknowledge", "确认"),
        /// The superior 退回 the plan with a comment ([`check_return_comment`]).
        Return = ("return", "退回"),
        /// 公开 on the public site.
        Publish = ("publish", "公开"),
        /// 调整: start a new version of a published plan, with a reason
        /// ([`check_adjustment_reason`]); this version stays 已公开 meanwhile.
        Adjust = ("adjust", "调整"),
        /// The new version has been published: this one becomes 已调整.
        Supersede = ("supersede", "替代"),
    }
}

/// Who performs an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PlanActor {
    /// The planning department.
    Department,
    /// The superior department the plan is filed with.
    Superior,
}

impl PlanAction {
    pub fn actor(self) -> PlanActor {
        match self {
            Self::Acknowledge | Self::Return => PlanActor::Superior,
            _ => PlanActor::Department,
        }
    }
}

impl PlanStatus {
    /// Every allowed status change, in one place: the status after `action`,
    /// `None` when it is not allowed.
    pub fn next(self, action: PlanAction) -> Option<PlanStatus> {
        use PlanAction as A;
        use PlanStatus as S;
        match (self, action) {
            (S::Draft, A::Edit) => Some(S::Draft),
            (S::Returned, A::Edit) => Some(S::Returned),
            (S::Draft | S::Returned, A::File) => Some(S::Filed),
            (S::Filed, A::Acknowledge) => Some(S::Acknowledged),
            (S::Filed, A::Return) => Some(S::Returned),
            (S::Acknowledged, A::Publish) => Some(S::Published),
            (S::Published, A::Adjust) => Some(S::Published),
            (S::Published, A::Supersede) => Some(S::Superseded),
            _ => None,
        }
    }

    /// [`next`](Self::next) with the Chinese refusal when the action is not allowed.
    pub fn transition(self, action: PlanAction) -> Result<PlanStatus, TransitionError> {
        self.next(action).ok_or_else(|| TransitionError {
            what: "年度抽查计划",
            from: self.label(),
            action: action.label(),
            allowed: self.allowed().iter().map(|a| a.label()).collect(),
        })
    }

    /// True when `action` is allowed now.
    pub fn can(self, action: PlanAction) -> bool {
        self.next(action).is_some()
    }

    /// The actions allowed now, in the order of [`PlanAction::ALL`].
    pub fn allowed(self) -> Vec<PlanAction> {
        PlanAction::ALL.iter().copied().filter(|a| self.can(*a)).collect()
    }

    /// True when the entries may be changed.
    pub fn is_editable(self) -> bool {
        self.can(PlanAction::Edit)
    }

    /// True when this version is on the public site (published versions stay public).
    pub fn is_public(self) -> bool {
        matches!(self, Self::Published | Self::Superseded)
    }
}

/// A comment or reason: trimmed, CRLF as LF, not empty, at most
/// [`MAX_COMMENT`] characters, no control characters but line breaks.
fn check_text(field: &'static str, label: &str, hint: &str, raw: &str) -> Result<String, PlanError> {
    let s = raw.trim().replace("\r\n", "\n");
    if s.is_empty() {
        return Err(PlanError::plan(field, format!("{label}不能为空，{hint}")));
    }
    if s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(PlanError::plan(field, format!("{label}含有控制字符，请删除后重新填写")));
    }
    let n = s.chars().count();
    if n > MAX_COMMENT {
        return Err(PlanError::plan(
            field,
            format!("{label}有{n}个字，超过{MAX_COMMENT}个字，请精简"),
        ));
    }
    Ok(s)
}

/// The superior's comment when returning a plan ([`PlanAction::Return`]): required,
/// so the department knows what to change.
pub fn check_return_comment(raw: &str) -> Result<String, PlanError> {
    check_text("comment", "退回意见", "请写明需要修改的内容", raw)
}

/// The reason of an adjustment after publication ([`PlanAction::Adjust`]):
/// required, and published with the new version (动态调整, 第十二条).
pub fn check_adjustment_reason(raw: &str) -> Result<String, PlanError> {
    check_text(
        "reason",
        "调整原因",
        "请写明调整的原因，如事项清单调整、上级部署变化",
        raw,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn r(bp: u16) -> Ratio {
        Ratio::from_basis_points(bp).unwrap()
    }

    fn div(s: &str) -> DivisionCode {
        DivisionCode::parse(s).unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn entry() -> PlanEntry {
        PlanEntry {
            item_version_id: 7,
            item_title: "建筑业企业资质动态核查".into(),
            category: ItemCategory::General,
            ratio_cap: Some(r(500)),
            item_object_kinds: BTreeSet::from([ObjectKind::Enterprise]),
            scope: PlanScope {
                object_kinds: BTreeSet::new(),
                divisions: BTreeSet::from([div("230102")]),
                risk_classes: BTreeSet::new(),
            },
            ratio: r(300),
            months: BTreeSet::from([4, 5]),
        }
    }

    fn plan(entries: Vec<PlanEntry>) -> AnnualPlan {
        AnnualPlan {
            department: DepartmentCode::parse("230100").unwrap(),
            year: 2026,
            entries,
        }
    }

    fn errors(p: &AnnualPlan) -> Vec<PlanError> {
        p.validate().unwrap_err()
    }

    #[test]
    fn a_valid_plan_passes() {
        assert_eq!(plan(vec![entry()]).validate(), Ok(()));
    }

    #[test]
    fn article_8_general_ratio_never_above_cap() {
        let mut e = entry();
        e.ratio = r(800);
        let err = errors(&plan(vec![e.clone()]));
        assert_eq!(err.len(), 1);
        assert_eq!((err[0].entry, err[0].field), (Some(1), "ratio"));
        assert_eq!(
            err[0].message,
            "第1项“建筑业企业资质动态核查”的抽查比例（8%）不能高于该一般检查事项的比例上限（5%）（第八条），请调低抽查比例"
        );
        e.ratio = r(500);
        assert_eq!(plan(vec![e.clone()]).validate(), Ok(()), "equal to the cap is allowed");
        e.ratio_cap = None;
        assert!(errors(&plan(vec![e.clone()]))[0].message.contains("须设置比例上限"));
        // 重点: up to 100 %, a cap is ignored (不设上限).
        e.category = ItemCategory::Key;
        e.ratio = Ratio::FULL;
        assert_eq!(plan(vec![e.clone()]).validate(), Ok(()));
        e.ratio_cap = Some(r(500));
        assert_eq!(plan(vec![e.clone()]).validate(), Ok(()));
        e.ratio = r(0);
        assert_eq!(
            errors(&plan(vec![e]))[0].message,
            "第1项“建筑业企业资质动态核查”的抽查比例须大于0%"
        );
    }

    #[test]
    fn plan_level_problems() {
        let mut p = plan(vec![]);
        p.year = 1999;
        let e = errors(&p);
        assert_eq!(e.iter().map(|e| e.field).collect::<Vec<_>>(), ["year", "entries"]);
        assert!(e.iter().all(|e| e.entry.is_none()));
        assert!(e[1].message.starts_with("年度抽查计划至少应有一项"));
    }

    #[test]
    fn scope_months_and_item() {
        let mut e = entry();
        e.item_version_id = 0;
        e.item_title = String::new();
        e.scope.object_kinds = BTreeSet::from([ObjectKind::Project]);
        e.scope.divisions = BTreeSet::from([div("230102"), div("230202")]);
        e.months = BTreeSet::from([0, 13]);
        let err = errors(&plan(vec![entry(), e]));
        let got: Vec<(Option<usize>, &str, &str)> =
            err.iter().map(|e| (e.entry, e.field, e.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    Some(2),
                    "item",
                    "第2项（事项版本0）未选择抽查事项，请从抽查事项清单中选择"
                ),
                (
                    Some(2),
                    "object_kinds",
                    "第2项（事项版本0）的检查对象类型“工程项目”不属于该事项的检查对象（企业）"
                ),
                (
                    Some(2),
                    "divisions",
                    "第2项（事项版本0）的抽查区域230202不在本部门管辖的行政区划（230100）内"
                ),
                (Some(2), "months", "第2项（事项版本0）的抽查月份“0”无效，应为1—12月"),
                (Some(2), "months", "第2项（事项版本0）的抽查月份“13”无效，应为1—12月"),
            ]
        );
        let mut e = entry();
        e.months.clear();
        assert!(errors(&plan(vec![e]))[0].message.contains("未安排抽查月份"));
    }

    #[test]
    fn overlapping_entries_of_one_item() {
        let mut second = entry();
        second.scope.divisions = BTreeSet::from([div("230100")]); // contains 230102
        second.months = BTreeSet::from([5, 6]);
        let err = errors(&plan(vec![entry(), second.clone()]));
        assert_eq!(err.len(), 1);
        assert_eq!(
            err[0].message,
            "第2项“建筑业企业资质动态核查”与第1项是同一抽查事项，抽查范围和月份有重叠，请合并为一项或调整范围、月份"
        );
        // Another half of the year: a second round, allowed.
        second.months = BTreeSet::from([10, 11]);
        assert_eq!(plan(vec![entry(), second.clone()]).validate(), Ok(()));
        // Disjoint risk classes: allowed.
        second.months = BTreeSet::from([5]);
        second.scope.risk_classes = BTreeSet::from([RiskClass::D]);
        let mut first = entry();
        first.scope.risk_classes = BTreeSet::from([RiskClass::A, RiskClass::B]);
        assert_eq!(plan(vec![first, second]).validate(), Ok(()));
    }

    #[test]
    fn scope_coverage() {
        let s = PlanScope {
            object_kinds: BTreeSet::new(),
            divisions: BTreeSet::from([div("230100")]),
            risk_classes: BTreeSet::from([RiskClass::C]),
        };
        assert!(s.covers_division(&div("230102")));
        assert!(!s.covers_division(&div("230202")));
        assert!(s.covers_risk_class(RiskClass::C) && !s.covers_risk_class(RiskClass::A));
        assert!(s.covers_kind(ObjectKind::Project));
        assert!(PlanScope::default().covers_division(&div("239900")));
    }

    #[test]
    fn estimated_count_rounds_up() {
        let e = entry(); // 3 %
        assert_eq!(e.estimated_count(0), 0);
        assert_eq!(e.estimated_count(1), 1);
        assert_eq!(e.estimated_count(100), 3);
        assert_eq!(e.estimated_count(101), 4);
        assert_eq!(ceil_ratio(Ratio::FULL, u64::MAX), u64::MAX);
    }

    #[test]
    fn filing_deadline_is_10_march() {
        assert_eq!(filing_deadline(2026), Some(date(2026, 3, 10)));
        let on_time = filing_timeliness(2026, date(2026, 3, 10)).unwrap();
        assert!(!on_time.is_late());
        assert_eq!(on_time.filed_label(), "按期报备（截止2026年3月10日）");
        assert!(!filing_timeliness(2026, date(2025, 12, 20)).unwrap().is_late());
        let late = filing_timeliness(2026, date(2026, 3, 15)).unwrap();
        assert_eq!(late.days_late, 5);
        assert_eq!(late.filed_label(), "逾期5天报备（截止2026年3月10日）");
        assert_eq!(
            pending_filing_label(2026, date(2026, 3, 7)).unwrap(),
            "距报备截止（2026年3月10日）还有3天"
        );
        assert_eq!(
            pending_filing_label(2026, date(2026, 3, 10)).unwrap(),
            "今天（2026年3月10日）是报备截止日"
        );
        assert_eq!(
            pending_filing_label(2026, date(2026, 3, 12)).unwrap(),
            "已逾期2天未报备（截止2026年3月10日）"
        );
    }

    #[test]
    fn status_machine() {
        use PlanAction as A;
        use PlanStatus as S;
        let s = S::Draft.transition(A::File).unwrap();
        assert_eq!(s, S::Filed);
        assert!(!s.is_editable());
        assert_eq!(
            s.transition(A::Edit).unwrap_err().to_string(),
            "年度抽查计划当前状态为“已报备”，不能执行“修改”操作（当前可执行：确认、退回）"
        );
        // Returned: editable, filed again.
        let back = s.transition(A::Return).unwrap();
        assert_eq!(back, S::Returned);
        assert!(back.is_editable());
        assert_eq!(back.transition(A::File), Ok(S::Filed));
        // Publication needs the acknowledgement.
        assert!(!S::Filed.can(A::Publish));
        assert!(!S::Draft.can(A::Publish));
        let ack = S::Filed.transition(A::Acknowledge).unwrap();
        let public = ack.transition(A::Publish).unwrap();
        assert!(public.is_public() && !public.is_editable());
        // Adjusting keeps the published version public until the new one replaces it.
        assert_eq!(public.transition(A::Adjust), Ok(S::Published));
        assert_eq!(public.transition(A::Supersede), Ok(S::Superseded));
        assert!(S::Superseded.is_public());
        assert!(S::Superseded.allowed().is_empty());
        assert_eq!(A::Return.actor(), PlanActor::Superior);
        assert_eq!(A::Publish.actor(), PlanActor::Department);
        for s in S::ALL {
            assert_eq!(S::parse(s.code()), Ok(*s));
        }
    }

    #[test]
    fn comments_and_reasons() {
        assert_eq!(
            check_return_comment("  第2项比例过低\r\n请调整 ").unwrap(),
            "第2项比例过低\n请调整"
        );
        assert_eq!(
            check_return_comment(" ").unwrap_err().message,
            "退回意见不能为空，请写明需要修改的内容"
        );
        assert!(
            check_adjustment_reason("a\u{7}b")
                .unwrap_err()
                .message
                .contains("控制字符")
        );
        assert!(
            check_adjustment_reason(&"长".repeat(501))
                .unwrap_err()
                .message
                .contains("超过500个字")
        );
        assert_eq!(check_adjustment_reason("事项清单调整").unwrap(), "事项清单调整");
    }

    proptest! {
        #[test]
        fn a_general_ratio_above_its_cap_is_always_refused(cap in 1u16..=10000, ratio in 1u16..=10000) {
            let mut e = entry();
            e.ratio_cap = Some(r(cap));
            e.ratio = r(ratio);
            let ok = plan(vec![e]).validate().is_ok();
            prop_assert_eq!(ok, ratio <= cap);
        }

        #[test]
        fn ceil_ratio_is_the_exact_ceiling(bp in 0u16..=10000, n in 0u64..(1u64 << 53)) {
            let q = ceil_ratio(r(bp), n);
            prop_assert!(q <= n);
            // q - 1 < bp·n/10000 ≤ q
            let exact = u128::from(bp) * u128::from(n);
            prop_assert!(u128::from(q) * 10_000 >= exact);
            prop_assert!(q == 0 || u128::from(q - 1) * 10_000 < exact);
        }

        #[test]
        fn lateness_is_days_after_10_march(year in 2000i32..2100, offset in -400i64..400) {
            let deadline = date(year, 3, 10);
            let t = filing_timeliness(year, deadline + chrono::Duration::days(offset)).unwrap();
            prop_assert_eq!(i64::from(t.days_late), offset.max(0));
            prop_assert_eq!(t.is_late(), offset > 0);
        }

        #[test]
        fn nothing_is_published_without_acknowledgement(actions in proptest::collection::vec(0usize..7, 0..40)) {
            let mut s = PlanStatus::Draft;
            let mut acknowledged = false;
            for a in actions {
                let action = PlanAction::ALL[a];
                if let Ok(next) = s.transition(action) {
                    if next == PlanStatus::Acknowledged { acknowledged = true; }
                    if next == PlanStatus::Filed { acknowledged = false; }
                    if next == PlanStatus::Published && s != PlanStatus::Published {
                        prop_assert!(acknowledged && s == PlanStatus::Acknowledged);
                    }
                    // Once out of the editable states, only the superior's return reopens a plan.
                    if !s.is_editable() && next.is_editable() {
                        prop_assert!(s == PlanStatus::Filed && action == PlanAction::Return);
                    }
                    s = next;
                } else {
                    prop_assert!(!s.allowed().contains(&action));
                }
            }
        }
    }
}
