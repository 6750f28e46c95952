//! Which inspectors may be drawn for one object of a task (匹配检查人员,
//! 第十七条), who may lead its team, and whether the object can be staffed at
//! all — the pure rules before a draw of kind `inspectors` (or `replacement`,
//! 第十八条) is committed.
//!
//! An inspector is eligible for an object when, in this order (the first
//! rule failed is the reason shown):
//!
//! 1. active in the 执法检查人员名录库;
//! 2. of an executing unit of the task (for a joint task: of the
//!    participating units) — 各任务执行单位…进行检查人员的匹配操作 (第十七条);
//! 3. 在岗 for the whole task window: no 休假 / 借调 / 调离 period overlaps it
//!    (a drawn inspector should not need replacing for a reason known at the draw);
//! 4. holding a 执法证 valid through the window's last day (第十一条: the
//!    directory holds only people 具有行政执法资格);
//! 5. holding the 专业执法资格 of the object's items: for **every** item, at
//!    least **one** of that item's 专业领域 (all items, any field per item).
//!    Why all items: draw-v1 draws a team from one pool with no constraint
//!    on its make-up, so only a rule every member meets guarantees that any
//!    drawn team can check every item in one visit (一次到位, 第二十条) and
//!    sign for all of it (第二十一条). Why any field: an item's fields name
//!    the domains it touches (e.g. 工程质量 and 施工安全); competence in one of
//!    them is competence for the item. An object whose items no one covers is
//!    refused by [`ObjectMatch::check_staffing`], naming the shortfall;
//! 6. no declared conflict of interest with the object (利害关系，应当申请回避, 第十八条);
//! 7. not on the team that inspected the object last time (rotation).
//!
//! A team has at least [`MIN_TEAM_SIZE`] inspectors (第十七条); a task may ask
//! for more. For a joint task the leader (组长) comes from the initiating
//! department (第十七条). Experts (专家, 第十一条) may be attached to a team by
//! hand, but never count toward its size and are never drawn: they are not
//! inputs here at all.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;

use crate::department::DepartmentCode;
use crate::directory::InspectorRecord;
use crate::item::FieldError;
use crate::task::TaskWindow;
use crate::vocab::InspectorStatus;

/// 第十七条: 每个检查对象应安排不少于2名检查人员.
pub const MIN_TEAM_SIZE: u32 = 2;

/// A period in which an inspector has a status (休假 from … until …).
/// Open ends are unbounded: `until: None` for 调离 means for good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusPeriod {
    pub status: InspectorStatus,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
}

impl StatusPeriod {
    /// The period a directory record describes (状态, 状态起始日期, 状态截止日期);
    /// `None` for 在岗, which needs no period.
    pub fn from_record(status: InspectorStatus, since: Option<NaiveDate>, until: Option<NaiveDate>) -> Option<Self> {
        (status != InspectorStatus::OnDuty).then_some(Self {
            status,
            from: since,
            until,
        })
    }

    /// True when the period shares a day with the window.
    fn overlaps(&self, window: &TaskWindow) -> bool {
        self.from.is_none_or(|f| f <= window.end()) && self.until.is_none_or(|u| u >= window.start())
    }
}

/// What the platform knows about one inspector, as plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectorFacts {
    /// The draw id: the 执法证号.
    pub cert_no: String,
    /// 所属部门 (the department or executing unit).
    pub department: DepartmentCode,
    /// Active in the directory.
    pub active: bool,
    /// Periods away from duty; the inspector is 在岗 on every day no
    /// non-在岗 period covers. 在岗 periods are ignored.
    pub periods: Vec<StatusPeriod>,
    /// 执法证有效期至.
    pub cert_valid_until: NaiveDate,
    /// 专业执法资格 (terms of [`crate::vocab::FIELDS`]).
    pub qualifications: BTreeSet<String>,
    /// Ids of the objects the inspector has declared an interest in (利害关系).
    pub conflicts: BTreeSet<String>,
}

impl InspectorFacts {
    /// The facts of a directory record, with what the record does not hold.
    pub fn from_record(record: &InspectorRecord, active: bool, conflicts: BTreeSet<String>) -> Self {
        Self {
            cert_no: record.cert_no.as_str().to_string(),
            department: record.department.clone(),
            active,
            periods: StatusPeriod::from_record(record.status, record.status_since, record.status_until)
                .into_iter()
                .collect(),
            cert_valid_until: record.cert_valid_until,
            qualifications: record.qualifications.iter().cloned().collect(),
            conflicts,
        }
    }
}

/// An item checked on the object, with its 专业领域 (an inspector needs one of them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequiredItem {
    /// The item's title, for messages.
    pub title: String,
    /// The item's 专业领域; empty means no particular qualification.
    pub fields: Vec<String>,
}

/// One drawn object to be staffed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectToStaff {
    /// The object's draw id.
    pub id: String,
    /// The items the team checks on it.
    pub items: Vec<RequiredItem>,
    /// 执法证号 of every member of the team that inspected it last time.
    pub last_inspectors: BTreeSet<String>,
}

/// The task's side of the match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchContext {
    pub window: TaskWindow,
    /// The executing units whose inspectors may be drawn (for a joint task,
    /// the participating units, initiator included).
    pub units: BTreeSet<DepartmentCode>,
    /// Who may lead: `None` for any eligible inspector; for a joint task the
    /// initiating department (and its units, if they inspect for it).
    pub leader_units: Option<BTreeSet<DepartmentCode>>,
    /// Inspectors per team, at least [`MIN_TEAM_SIZE`].
    pub team_size: u32,
}

/// Why an inspector cannot be drawn for an object. `Display` is the Chinese reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InspectorExclusion {
    Inactive,
    OtherUnit,
    NotOnDuty {
        status: InspectorStatus,
        from: Option<NaiveDate>,
        until: Option<NaiveDate>,
    },
    CertExpires {
        valid_until: NaiveDate,
        window_end: NaiveDate,
    },
    MissingQualification {
        item: String,
        fields: Vec<String>,
    },
    Conflict,
    Rotation,
}

impl InspectorExclusion {
    /// ASCII code for storage and statistics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Inactive => "inactive",
            Self::OtherUnit => "other_unit",
            Self::NotOnDuty { .. } => "not_on_duty",
            Self::CertExpires { .. } => "cert_expires",
            Self::MissingQualification { .. } => "missing_qualification",
            Self::Conflict => "conflict",
            Self::Rotation => "rotation",
        }
    }

    /// A short label for counts (`执法证有效期不足2名`).
    pub fn short_label(&self) -> &'static str {
        match self {
            Self::Inactive => "已停用",
            Self::OtherUnit => "非执行单位人员",
            Self::NotOnDuty { .. } => "检查期间不在岗",
            Self::CertExpires { .. } => "执法证有效期不足",
            Self::MissingQualification { .. } => "缺少专业执法资格",
            Self::Conflict => "需回避",
            Self::Rotation => "上次检查过该对象",
        }
    }
}

fn ymd(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

impl fmt::Display for InspectorExclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Inactive => f.write_str("人员已停用"),
            Self::OtherUnit => f.write_str("不属于本任务的执行单位"),
            Self::NotOnDuty { status, from, until } => {
                write!(f, "检查期间{}", status.label())?;
                match (from, until) {
                    (Some(a), Some(b)) => write!(f, "（{}至{}）", ymd(*a), ymd(*b)),
                    (Some(a), None) => write!(f, "（自{}起）", ymd(*a)),
                    (None, Some(b)) => write!(f, "（至{}）", ymd(*b)),
                    (None, None) => Ok(()),
                }
            }
            Self::CertExpires {
                valid_until,
                window_end,
            } => write!(
                f,
                "执法证有效期至{}，早于检查结束日期{}",
                ymd(*valid_until),
                ymd(*window_end)
            ),
            Self::MissingQualification { item, fields } => {
                write!(f, "未持有“{item}”所需的专业执法资格（{}）", fields.join("或"))
            }
            Self::Conflict => f.write_str("与该检查对象有利害关系，应当回避（第十八条）"),
            Self::Rotation => f.write_str("上次检查过该对象，按轮换原则不再抽取"),
        }
    }
}

/// Decides one inspector for one object (see the module documentation).
pub fn decide_inspector(
    inspector: &InspectorFacts,
    object: &ObjectToStaff,
    ctx: &MatchContext,
) -> Result<(), InspectorExclusion> {
    use InspectorExclusion as X;
    if !inspector.active {
        return Err(X::Inactive);
    }
    if !ctx.units.contains(&inspector.department) {
        return Err(X::OtherUnit);
    }
    if let Some(p) = inspector
        .periods
        .iter()
        .find(|p| p.status != InspectorStatus::OnDuty && p.overlaps(&ctx.window))
    {
        return Err(X::NotOnDuty {
            status: p.status,
            from: p.from,
            until: p.until,
        });
    }
    if inspector.cert_valid_until < ctx.window.end() {
        return Err(X::CertExpires {
            valid_until: inspector.cert_valid_until,
            window_end: ctx.window.end(),
        });
    }
    if let Some(item) = object
        .items
        .iter()
        .find(|i| !i.fields.is_empty() && !i.fields.iter().any(|f| inspector.qualifications.contains(f)))
    {
        return Err(X::MissingQualification {
            item: item.title.clone(),
            fields: item.fields.clone(),
        });
    }
    if inspector.conflicts.contains(&object.id) {
        return Err(X::Conflict);
    }
    if object.last_inspectors.contains(&inspector.cert_no) {
        return Err(X::Rotation);
    }
    Ok(())
}

/// Who may lead a team, in the draw-v1 sense.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LeaderPool {
    /// Any eligible inspector may lead (draw-v1: no `leader-eligible` lines).
    AnyEligible,
    /// Only these (sorted), a subset of the eligible (joint task: the initiator's).
    Restricted(Vec<String>),
}

/// A refusal to staff (or to replace on) an object, in Chinese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffingError {
    /// The object's id; `None` for a problem of the whole match (team size, inspector list).
    pub object: Option<String>,
    pub message: String,
}

impl fmt::Display for StaffingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StaffingError {}

/// The inspectors of one object: every inspector is either eligible or excluded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectMatch {
    pub object: String,
    /// 执法证号, sorted by UTF-8 bytes.
    pub eligible: Vec<String>,
    pub leader_pool: LeaderPool,
    /// Sorted by 执法证号.
    pub excluded: Vec<(String, InspectorExclusion)>,
}

impl ObjectMatch {
    /// The draw-v1 `leader_eligible` list: empty when any eligible inspector may lead.
    pub fn leader_eligible(&self) -> &[String] {
        match &self.leader_pool {
            LeaderPool::AnyEligible => &[],
            LeaderPool::Restricted(v) => v,
        }
    }

    /// `检查期间不在岗2名、执法证有效期不足1名`: the exclusions counted by kind.
    fn exclusion_summary(&self) -> String {
        let mut counts: BTreeMap<(usize, &'static str), usize> = BTreeMap::new();
        for (_, x) in &self.excluded {
            let order = EXCLUSION_ORDER
                .iter()
                .position(|c| *c == x.code())
                .unwrap_or(usize::MAX);
            *counts.entry((order, x.short_label())).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|((_, label), n)| format!("{label}{n}名"))
            .collect::<Vec<_>>()
            .join("、")
    }

    /// Refuses an object that cannot be staffed, naming it and why: fewer
    /// eligible inspectors than `team_size`, or a restricted leader pool that is empty.
    pub fn check_staffing(&self, team_size: u32) -> Result<(), StaffingError> {
        let n = self.eligible.len();
        let why = |message: String| StaffingError {
            object: Some(self.object.clone()),
            message,
        };
        if (n as u64) < u64::from(team_size) {
            let summary = self.exclusion_summary();
            let detail = if summary.is_empty() {
                String::new()
            } else {
                format!("（不符合条件的：{summary}）")
            };
            return Err(why(format!(
                "检查对象“{}”无法组成检查组：符合条件的检查人员{n}名，少于检查组人数{team_size}名{detail}",
                self.object
            )));
        }
        if matches!(&self.leader_pool, LeaderPool::Restricted(v) if v.is_empty()) {
            return Err(why(format!(
                "检查对象“{}”无法选定组长：符合条件的{n}名检查人员中没有发起部门的人员（第十七条：联合抽查由发起部门的执法检查人员任组长）",
                self.object
            )));
        }
        Ok(())
    }
}

/// The order of the rules, for summaries.
const EXCLUSION_ORDER: [&str; 7] = [
    "inactive",
    "other_unit",
    "not_on_duty",
    "cert_expires",
    "missing_qualification",
    "conflict",
    "rotation",
];

/// Matches every inspector against one object (no staffing check: see
/// [`ObjectMatch::check_staffing`] and [`match_objects`]).
pub fn match_object(inspectors: &[InspectorFacts], object: &ObjectToStaff, ctx: &MatchContext) -> ObjectMatch {
    let mut eligible: Vec<&InspectorFacts> = Vec::new();
    let mut excluded: Vec<(String, InspectorExclusion)> = Vec::new();
    for i in inspectors {
        match decide_inspector(i, object, ctx) {
            Ok(()) => eligible.push(i),
            Err(x) => excluded.push((i.cert_no.clone(), x)),
        }
    }
    eligible.sort_by(|a, b| a.cert_no.cmp(&b.cert_no));
    excluded.sort_by(|a, b| a.0.cmp(&b.0));
    let leader_pool = match &ctx.leader_units {
        None => LeaderPool::AnyEligible,
        Some(units) => LeaderPool::Restricted(
            eligible
                .iter()
                .filter(|i| units.contains(&i.department))
                .map(|i| i.cert_no.clone())
                .collect(),
        ),
    };
    ObjectMatch {
        object: object.id.clone(),
        eligible: eligible.into_iter().map(|i| i.cert_no.clone()).collect(),
        leader_pool,
        excluded,
    }
}

/// The team size a task asks for: at least [`MIN_TEAM_SIZE`].
pub fn check_team_size(team_size: u32) -> Result<u32, FieldError> {
    if team_size < MIN_TEAM_SIZE {
        return Err(FieldError {
            field: "team_size",
            message: format!(
                "检查组人数须不少于{MIN_TEAM_SIZE}名（第十七条），当前为{team_size}名；专家不计入检查组人数"
            ),
        });
    }
    Ok(team_size)
}

fn id_is_clean(id: &str) -> bool {
    !id.is_empty()
        && !id.chars().any(char::is_control)
        && !id.starts_with(char::is_whitespace)
        && !id.ends_with(char::is_whitespace)
}

/// Matches every object of an executing unit's share of a task, refusing
/// (with every problem at once) when the team size is below
/// [`MIN_TEAM_SIZE`], an id is empty, unclean or repeated, or an object cannot
/// be staffed. On success the matches are in object order, ready for a draw
/// of kind `inspectors`.
pub fn match_objects(
    inspectors: &[InspectorFacts],
    objects: &[ObjectToStaff],
    ctx: &MatchContext,
) -> Result<Vec<ObjectMatch>, Vec<StaffingError>> {
    let mut errors = Vec::new();
    let whole = |message: String| StaffingError { object: None, message };
    if let Err(e) = check_team_size(ctx.team_size) {
        errors.push(whole(e.message));
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for i in inspectors {
        if !id_is_clean(&i.cert_no) {
            errors.push(whole(format!(
                "执法证号“{}”为空或含有空白、控制字符，请先在名录中更正",
                i.cert_no.escape_debug()
            )));
        } else if !seen.insert(&i.cert_no) {
            errors.push(whole(format!("执法证号“{}”重复出现", i.cert_no)));
        }
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for o in objects {
        if !id_is_clean(&o.id) {
            errors.push(whole(format!(
                "检查对象标识“{}”为空或含有空白、控制字符",
                o.id.escape_debug()
            )));
        } else if !seen.insert(&o.id) {
            errors.push(whole(format!("检查对象“{}”重复出现", o.id)));
        }
    }
    if objects.is_empty() {
        errors.push(whole("没有需要匹配检查人员的检查对象".into()));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let matches: Vec<ObjectMatch> = objects.iter().map(|o| match_object(inspectors, o, ctx)).collect();
    let errors: Vec<StaffingError> = matches
        .iter()
        .filter_map(|m| m.check_staffing(ctx.team_size).err())
        .collect();
    if errors.is_empty() { Ok(matches) } else { Err(errors) }
}

/// The pool for replacing `replaced` on an object's team (第十八条: 调整更换人员在具备执法资格的其他人员中随机抽取):
/// the object's eligible inspectors (from a match computed *now*, with
/// today's facts) minus the team and the replaced inspector. When the
/// replaced inspector led a team whose leader must come from the initiating
/// department, the pool is that department's eligible inspectors only, so the
/// team keeps a leader as 第十七条 requires. Refused when nobody is left.
pub fn replacement_pool(
    m: &ObjectMatch,
    team: &[String],
    replaced: &str,
    replaced_is_leader: bool,
) -> Result<Vec<String>, StaffingError> {
    let from: &[String] = match (&m.leader_pool, replaced_is_leader) {
        (LeaderPool::Restricted(v), true) => v,
        _ => &m.eligible,
    };
    let pool: Vec<String> = from
        .iter()
        .filter(|i| i.as_str() != replaced && !team.contains(i))
        .cloned()
        .collect();
    if pool.is_empty() {
        let who = if replaced_is_leader && matches!(m.leader_pool, LeaderPool::Restricted(_)) {
            "发起部门中符合条件且不在检查组内的检查人员"
        } else {
            "符合条件且不在检查组内的检查人员"
        };
        return Err(StaffingError {
            object: Some(m.object.clone()),
            message: format!("检查对象“{}”无法调整更换检查人员“{replaced}”：没有{who}", m.object),
        });
    }
    Ok(pool)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn dept(s: &str) -> DepartmentCode {
        DepartmentCode::parse(s).unwrap()
    }

    fn inspector(cert: &str, unit: &str) -> InspectorFacts {
        InspectorFacts {
            cert_no: cert.into(),
            department: dept(unit),
            active: true,
            periods: vec![],
            cert_valid_until: date(2028, 12, 31),
            qualifications: BTreeSet::from(["工程质量".to_string(), "施工安全".to_string()]),
            conflicts: BTreeSet::new(),
        }
    }

    fn object(id: &str) -> ObjectToStaff {
        ObjectToStaff {
            id: id.into(),
            items: vec![RequiredItem {
                title: "在建工程质量安全检查".into(),
                fields: vec!["工程质量".into(), "施工安全".into()],
            }],
            last_inspectors: BTreeSet::new(),
        }
    }

    fn ctx() -> MatchContext {
        MatchContext {
            window: TaskWindow::new(date(2026, 4, 1), date(2026, 4, 30), 2026).unwrap(),
            units: BTreeSet::from([dept("230102"), dept("230102-01")]),
            leader_units: None,
            team_size: 2,
        }
    }

    fn why(i: &InspectorFacts, o: &ObjectToStaff, c: &MatchContext) -> Option<String> {
        decide_inspector(i, o, c).err().map(|x| x.to_string())
    }

    #[test]
    fn an_ordinary_inspector_is_eligible() {
        assert_eq!(
            decide_inspector(&inspector("Z1", "230102"), &object("P1"), &ctx()),
            Ok(())
        );
    }

    #[test]
    fn inactive_and_other_units() {
        let mut i = inspector("Z1", "230103");
        assert_eq!(why(&i, &object("P1"), &ctx()).unwrap(), "不属于本任务的执行单位");
        i.department = dept("230102-01");
        assert_eq!(why(&i, &object("P1"), &ctx()), None);
        i.active = false;
        assert_eq!(why(&i, &object("P1"), &ctx()).unwrap(), "人员已停用");
    }

    #[test]
    fn on_duty_for_the_whole_window() {
        let mut i = inspector("Z1", "230102");
        i.periods = vec![StatusPeriod {
            status: InspectorStatus::OnLeave,
            from: Some(date(2026, 3, 20)),
            until: Some(date(2026, 4, 1)),
        }];
        assert_eq!(
            why(&i, &object("P1"), &ctx()).unwrap(),
            "检查期间休假（2026-03-20至2026-04-01）"
        );
        // Back on the day before the window starts: eligible.
        i.periods[0].until = Some(date(2026, 3, 31));
        assert_eq!(why(&i, &object("P1"), &ctx()), None);
        // Transferred from the last day of the window, for good.
        i.periods = StatusPeriod::from_record(InspectorStatus::Transferred, Some(date(2026, 4, 30)), None)
            .into_iter()
            .collect();
        assert_eq!(
            why(&i, &object("P1"), &ctx()).unwrap(),
            "检查期间调离（自2026-04-30起）"
        );
        // An 在岗 record gives no period.
        assert_eq!(StatusPeriod::from_record(InspectorStatus::OnDuty, None, None), None);
        i.periods = vec![StatusPeriod {
            status: InspectorStatus::OnDuty,
            from: None,
            until: None,
        }];
        assert_eq!(why(&i, &object("P1"), &ctx()), None);
    }

    #[test]
    fn certificate_valid_through_the_window() {
        let mut i = inspector("Z1", "230102");
        i.cert_valid_until = date(2026, 4, 29);
        assert_eq!(
            why(&i, &object("P1"), &ctx()).unwrap(),
            "执法证有效期至2026-04-29，早于检查结束日期2026-04-30"
        );
        i.cert_valid_until = date(2026, 4, 30);
        assert_eq!(why(&i, &object("P1"), &ctx()), None);
    }

    #[test]
    fn qualification_for_every_item_any_field() {
        let mut i = inspector("Z1", "230102");
        i.qualifications = BTreeSet::from(["施工安全".to_string()]);
        let mut o = object("P1");
        assert_eq!(why(&i, &o, &ctx()), None, "one of the item's fields is enough");
        o.items.push(RequiredItem {
            title: "建筑起重机械检查".into(),
            fields: vec!["建筑起重机械".into()],
        });
        assert_eq!(
            why(&i, &o, &ctx()).unwrap(),
            "未持有“建筑起重机械检查”所需的专业执法资格（建筑起重机械）"
        );
        i.qualifications.insert("建筑起重机械".into());
        assert_eq!(why(&i, &o, &ctx()), None);
        i.qualifications.clear();
        o.items.truncate(1);
        assert_eq!(
            why(&i, &o, &ctx()).unwrap(),
            "未持有“在建工程质量安全检查”所需的专业执法资格（工程质量或施工安全）"
        );
    }

    #[test]
    fn declared_conflicts_and_rotation() {
        let mut i = inspector("Z1", "230102");
        i.conflicts.insert("P1".into());
        assert_eq!(
            why(&i, &object("P1"), &ctx()).unwrap(),
            "与该检查对象有利害关系，应当回避（第十八条）"
        );
        assert_eq!(why(&i, &object("P2"), &ctx()), None);
        let i = inspector("Z1", "230102");
        let mut o = object("P1");
        o.last_inspectors = BTreeSet::from(["Z1".to_string(), "Z9".to_string()]);
        assert_eq!(why(&i, &o, &ctx()).unwrap(), "上次检查过该对象，按轮换原则不再抽取");
        o.last_inspectors = BTreeSet::from(["Z9".to_string()]);
        assert_eq!(why(&i, &o, &ctx()), None);
    }

    #[test]
    fn staffing_refuses_a_short_object_naming_why() {
        let mut late = inspector("Z2", "230102");
        late.cert_valid_until = date(2026, 1, 1);
        let mut away = inspector("Z3", "230102");
        away.periods = vec![StatusPeriod {
            status: InspectorStatus::Seconded,
            from: None,
            until: None,
        }];
        let list = [inspector("Z1", "230102"), late, away];
        let e = match_objects(&list, &[object("P1")], &ctx()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].object.as_deref(), Some("P1"));
        assert_eq!(
            e[0].message,
            "检查对象“P1”无法组成检查组：符合条件的检查人员1名，少于检查组人数2名（不符合条件的：检查期间不在岗1名、执法证有效期不足1名）"
        );
        let ok = [inspector("Z1", "230102"), inspector("Z4", "230102-01")];
        let m = match_objects(&ok, &[object("P1")], &ctx()).unwrap();
        assert_eq!(m[0].eligible, ["Z1", "Z4"]);
        assert_eq!(m[0].leader_eligible(), [] as [String; 0]);
    }

    #[test]
    fn joint_task_leader_from_the_initiator() {
        let mut c = ctx();
        c.units.insert(dept("230103"));
        c.leader_units = Some(BTreeSet::from([dept("230103")]));
        let list = [inspector("Z1", "230102"), inspector("Z2", "230102-01")];
        let e = match_objects(&list, &[object("P1")], &c).unwrap_err();
        assert_eq!(
            e[0].message,
            "检查对象“P1”无法选定组长：符合条件的2名检查人员中没有发起部门的人员（第十七条：联合抽查由发起部门的执法检查人员任组长）"
        );
        let list = [inspector("Z1", "230102"), inspector("Z2", "230103")];
        let m = match_objects(&list, &[object("P1")], &c).unwrap();
        assert_eq!(m[0].leader_pool, LeaderPool::Restricted(vec!["Z2".into()]));
        assert_eq!(m[0].leader_eligible(), ["Z2"]);
    }

    #[test]
    fn team_size_at_least_two() {
        assert_eq!(check_team_size(3), Ok(3));
        assert_eq!(
            check_team_size(1).unwrap_err().message,
            "检查组人数须不少于2名（第十七条），当前为1名；专家不计入检查组人数"
        );
        let mut c = ctx();
        c.team_size = 1;
        let list = [inspector("Z1", "230102"), inspector("Z1", "230102")];
        let e = match_objects(&list, &[], &c).unwrap_err();
        let msgs: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "检查组人数须不少于2名（第十七条），当前为1名；专家不计入检查组人数",
                "执法证号“Z1”重复出现",
                "没有需要匹配检查人员的检查对象"
            ]
        );
    }

    #[test]
    fn replacement_pools() {
        let list: Vec<InspectorFacts> = ["Z1", "Z2", "Z3"].iter().map(|c| inspector(c, "230102")).collect();
        let m = match_object(&list, &object("P1"), &ctx());
        let team = vec!["Z1".to_string(), "Z2".to_string()];
        assert_eq!(replacement_pool(&m, &team, "Z2", false).unwrap(), ["Z3"]);
        let e = replacement_pool(&m, &["Z1".into(), "Z2".into(), "Z3".into()], "Z3", false).unwrap_err();
        assert_eq!(
            e.message,
            "检查对象“P1”无法调整更换检查人员“Z3”：没有符合条件且不在检查组内的检查人员"
        );
        // Joint task: a leader is replaced from the initiator's inspectors.
        let mut c = ctx();
        c.units.insert(dept("230103"));
        c.leader_units = Some(BTreeSet::from([dept("230103")]));
        let list = [
            inspector("L1", "230103"),
            inspector("L2", "230103"),
            inspector("Z1", "230102"),
            inspector("Z2", "230102"),
        ];
        let m = match_object(&list, &object("P1"), &c);
        assert_eq!(
            replacement_pool(&m, &["L1".into(), "Z1".into()], "L1", true).unwrap(),
            ["L2"]
        );
        assert_eq!(
            replacement_pool(&m, &["L1".into(), "Z1".into()], "Z1", false).unwrap(),
            ["L2", "Z2"]
        );
    }

    #[test]
    fn from_a_directory_record() {
        use crate::directory::EnforcementCertNo;
        use crate::id_number::IdNumber;
        // The sample number of the import template.
        let id_number = IdNumber::parse("230102198001011236", date(2026, 1, 1)).unwrap();
        let record = InspectorRecord {
            name: "张三".into(),
            cert_no: EnforcementCertNo::parse("23010220260001").unwrap(),
            id_number,
            title: None,
            department: dept("230102"),
            qualifications: vec!["工程质量".into()],
            non_business: None,
            cert_valid_until: date(2028, 12, 31),
            phone: None,
            status: InspectorStatus::OnLeave,
            status_since: Some(date(2026, 4, 10)),
            status_until: Some(date(2026, 4, 20)),
        };
        let f = InspectorFacts::from_record(&record, true, BTreeSet::new());
        assert_eq!(f.cert_no, "23010220260001");
        assert_eq!(
            why(&f, &object("P1"), &ctx()).unwrap(),
            "检查期间休假（2026-04-10至2026-04-20）"
        );
    }

    fn arb_inspector() -> impl Strategy<Value = InspectorFacts> {
        (
            "Z[0-9]{1,3}",
            prop::sample::select(vec!["230102", "230102-01", "230103", "230104"]),
            prop::bool::weighted(0.9),
            proptest::option::of((0usize..4, 0i64..60, 0i64..30)),
            0i64..60,
            proptest::sample::subsequence(vec!["工程质量", "施工安全", "建筑市场"], 0..=3),
            proptest::sample::subsequence(vec!["P1", "P2", "P3"], 0..=2),
        )
            .prop_map(
                |(cert, unit, active, period, cert_days, quals, conflicts)| InspectorFacts {
                    cert_no: cert,
                    department: dept(unit),
                    active,
                    periods: period
                        .map(|(s, from, len)| StatusPeriod {
                            status: InspectorStatus::ALL[s],
                            from: Some(date(2026, 3, 15) + chrono::Duration::days(from)),
                            until: Some(date(2026, 3, 15) + chrono::Duration::days(from + len)),
                        })
                        .into_iter()
                        .collect(),
                    cert_valid_until: date(2026, 4, 1) + chrono::Duration::days(cert_days),
                    qualifications: quals.into_iter().map(str::to_string).collect(),
                    conflicts: conflicts.into_iter().map(str::to_string).collect(),
                },
            )
    }

    proptest! {
        #[test]
        fn every_inspector_is_eligible_or_excluded_once(
            list in proptest::collection::vec(arb_inspector(), 0..30),
            joint in any::<bool>(),
            team_size in 2u32..5,
            last in proptest::sample::subsequence(vec!["Z1", "Z2", "Z3"], 0..=2),
        ) {
            let mut seen = BTreeSet::new();
            let list: Vec<InspectorFacts> = list.into_iter().filter(|i| seen.insert(i.cert_no.clone())).collect();
            let mut c = ctx();
            c.team_size = team_size;
            if joint {
                c.units.insert(dept("230103"));
                c.leader_units = Some(BTreeSet::from([dept("230103")]));
            }
            let mut o = object("P1");
            o.last_inspectors = last.into_iter().map(str::to_string).collect();
            let m = match_object(&list, &o, &c);
            let mut all: Vec<&str> = m.eligible.iter().map(String::as_str).chain(m.excluded.iter().map(|(i, _)| i.as_str())).collect();
            all.sort();
            let mut ids: Vec<&str> = list.iter().map(|i| i.cert_no.as_str()).collect();
            ids.sort();
            prop_assert_eq!(all, ids);
            prop_assert!(m.eligible.windows(2).all(|w| w[0] < w[1]));
            for id in &m.eligible {
                let i = list.iter().find(|i| &i.cert_no == id).unwrap();
                prop_assert!(i.active && c.units.contains(&i.department));
                prop_assert!(i.cert_valid_until >= c.window.end());
                prop_assert!(!i.conflicts.contains("P1") && !o.last_inspectors.contains(id));
                prop_assert!(i.periods.iter().all(|p| p.status == InspectorStatus::OnDuty || !p.overlaps(&c.window)));
            }
            for (_, x) in &m.excluded {
                let text = x.to_string();
                prop_assert!(!text.is_empty() && !text.chars().any(char::is_control));
            }
            match &m.leader_pool {
                LeaderPool::AnyEligible => prop_assert!(!joint),
                LeaderPool::Restricted(v) => {
                    prop_assert!(joint);
                    prop_assert!(v.iter().all(|l| m.eligible.contains(l)));
                }
            }
            let staffed = m.check_staffing(team_size).is_ok();
            prop_assert_eq!(
                staffed,
                m.eligible.len() >= team_size as usize && !m.leader_eligible().is_empty() || (!joint && m.eligible.len() >= team_size as usize)
            );
        }
    }
}
