//! Which objects a task item may draw (抽取检查对象), and how many from each
//! risk stratum (分层, 差异化监管): the pure rules, before anything is committed.
//!
//! For every candidate object the platform hands in plain facts
//! ([`ObjectFacts`]); [`decide`] puts it in its stratum and says whether it is
//! eligible or, if not, why ([`ExclusionReason`]); [`assess`] does it for a
//! whole list and gives the strata ([`Stratum`]) with their quotas, in the
//! shape of a draw-v1 `objects` draw (spec §3): stratum name, quota, sorted
//! candidate ids, sorted `excluded <id> <reason>` pairs. The platform passes
//! them to the draw crate's `canonical::objects` (this crate does not depend on
//! the draw crate).
//!
//! An object is eligible when, in this order (the first rule it fails is its
//! published reason):
//!
//! 1. it is active in the directory (not deregistered, not withdrawn; a
//!    finished project is inactive for the platform);
//! 2. it is of the item's object kind and of the plan entry's scope kinds;
//! 3. it lies in the department's jurisdiction (谁管辖、谁维护, 第九条) and
//! 4. in the entry's scope divisions (抽查范围, 第十三条) and
//! 5. in the entry's risk classes — except that an object flagged for
//!    attention is always in scope, see [`StratumKey::Focus`];
//! 6. it has not been drawn in [`MAX_DRAWS_PER_YEAR`] double-random tasks
//!    this calendar year, by any department (第十四条: 同一年度内对同一检查对象的
//!    抽查次数原则上不超过两次). Inspections outside double-random (第三条) do
//!    not count: complaints and incidents are dealt with outside the draw,
//!    which is also how 第十四条's "适当增加抽查频次" for flagged objects is met
//!    without breaking the cap;
//! 7. it has not been inspected and found compliant for this item this
//!    calendar year, unless the item is 重点 (第十二条: 除重点领域或者特殊情况外，
//!    在同一年度内不得对已检查合格的事项重复进行行政执法检查). Inspections outside
//!    double-random count here: a compliant result is compliant however the
//!    inspection came about.
//!
//! Every object, eligible or not, belongs to exactly one stratum
//! ([`StratumKey::of`]): 重点关注 when flagged (经营异常, 重点关注, 严重违法失信,
//! or at least [`DEFAULT_COMPLAINT_THRESHOLD`] complaints in the last year —
//! 第十四条's "被投诉举报多"), otherwise its 信用风险分类 A/B/C/D. An excluded
//! object is listed, with its reason, in the stratum it would have been drawn
//! from, so the public record shows what each stratum's quota was taken from.
//!
//! Each stratum's quota is ⌈ratio × eligible⌉ ([`crate::plan::ceil_ratio`]),
//! exact in integers. With a 重点 item at 100 % every eligible object is drawn
//! and the draw's order is the random batch order (检查批次顺序, 第八条).

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use crate::directory::RiskInfo;
use crate::division::DivisionCode;
use crate::item::{FieldError, Ratio};
use crate::plan::{PlanScope, ceil_ratio, ratio_ceiling};
use crate::vocab::{ItemCategory, ObjectKind, RiskClass};

/// 第十四条: at most two double-random draws of one object per calendar year.
pub const MAX_DRAWS_PER_YEAR: u32 = 2;

/// "被投诉举报多" (第十四条): this many complaints in the last twelve months put
/// an object in the 重点关注 stratum. The rules give no number; three is the
/// default, and a task may set another (at least one).
pub const DEFAULT_COMPLAINT_THRESHOLD: u32 = 3;

/// The default ratio of each stratum, as a percentage of the task item's base
/// ratio (the plan entry's 抽查比例), before the item's ceiling:
/// A 100 %, B 150 %, C 200 %, D 300 %, 重点关注 400 %.
///
/// Why so: the plan's ratio is what 第十三条 asks the department to carry
/// out, so it is the floor and applies to the lowest-risk class A
/// (对守法市场主体干扰最小化, 第一条); 第十四条 asks for *more* checks of riskier
/// and flagged objects (加大抽查比例), so every stratum above A gets a multiple.
/// Each default is then cut to the item's ceiling ([`ratio_ceiling`]): a
/// 一般 item never goes above its cap (第八条), and a 重点 item never above
/// 100 %. Under the cap the defaults still rise with risk where there is room
/// and are equal where there is not (a 一般 item planned at its cap samples
/// every stratum at the cap: 第八条's cap is the harder rule).
pub const DEFAULT_FACTORS_PERCENT: [(StratumKey, u32); 5] = [
    (StratumKey::Class(RiskClass::A), 100),
    (StratumKey::Class(RiskClass::B), 150),
    (StratumKey::Class(RiskClass::C), 200),
    (StratumKey::Class(RiskClass::D), 300),
    (StratumKey::Focus, 400),
];

/// A risk stratum (分层). Ordered from lowest to highest risk; the draw-v1
/// names sort the same way by bytes (`A类` … `D类`, then `重点关注`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StratumKey {
    /// 信用风险分类 A (lowest risk) … D.
    Class(RiskClass),
    /// 重点关注: flagged 经营异常 / 重点关注 / 严重违法失信, or frequent complaints.
    /// Takes precedence over the class: 第十四条 asks for more checks of these
    /// whatever their class, so the flag never lowers an object's ratio. For
    /// the same reason a plan entry's risk-class scope never leaves them out.
    Focus,
}

impl StratumKey {
    /// From lowest to highest risk.
    pub const ALL: [StratumKey; 5] = [
        StratumKey::Class(RiskClass::A),
        StratumKey::Class(RiskClass::B),
        StratumKey::Class(RiskClass::C),
        StratumKey::Class(RiskClass::D),
        StratumKey::Focus,
    ];

    /// The draw-v1 stratum name: `A类` … `D类`, `重点关注`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Class(c) => c.label(),
            Self::Focus => "重点关注",
        }
    }

    /// The ASCII code for storage: `A` … `D`, `focus`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Class(c) => c.code(),
            Self::Focus => "focus",
        }
    }

    /// Accepts the code or the name.
    pub fn parse(s: &str) -> Option<StratumKey> {
        Self::ALL.into_iter().find(|k| k.code() == s || k.name() == s)
    }

    /// The stratum of an object with these risk fields.
    pub fn of(risk: &RiskInfo, complaint_threshold: u32) -> StratumKey {
        if is_focus(risk, complaint_threshold) {
            Self::Focus
        } else {
            Self::Class(risk.risk_class)
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Class(RiskClass::A) => 0,
            Self::Class(RiskClass::B) => 1,
            Self::Class(RiskClass::C) => 2,
            Self::Class(RiskClass::D) => 3,
            Self::Focus => 4,
        }
    }
}

impl fmt::Display for StratumKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// True for an object 第十四条 singles out: 经营异常, 重点关注, 严重违法失信, or
/// at least `complaint_threshold` complaints in the last year.
pub fn is_focus(risk: &RiskInfo, complaint_threshold: u32) -> bool {
    risk.abnormal || risk.key_focus || risk.serious_violation || risk.complaints >= complaint_threshold
}

/// The ratio of each stratum, set in the task.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StratumRatios([Ratio; 5]);

impl StratumRatios {
    /// The same ratio for every stratum.
    pub fn uniform(ratio: Ratio) -> Self {
        Self([ratio; 5])
    }

    /// The defaults for a base ratio (the plan entry's) under an item's
    /// ceiling: see [`DEFAULT_FACTORS_PERCENT`]. Rounded up to a whole basis
    /// point, then cut to `ceiling`.
    pub fn defaults(base: Ratio, ceiling: Ratio) -> Self {
        let mut out = [base; 5];
        for (key, factor) in DEFAULT_FACTORS_PERCENT {
            let bp = (u32::from(base.basis_points()) * factor).div_ceil(100);
            let bp = bp.min(u32::from(ceiling.basis_points()));
            // bp ≤ ceiling ≤ 10000.
            out[key.index()] = Ratio::from_basis_points(bp as u16).unwrap_or(ceiling);
        }
        Self(out)
    }

    pub fn get(&self, key: StratumKey) -> Ratio {
        self.0[key.index()]
    }

    /// The ratios with `key`'s set to `ratio`.
    pub fn with(mut self, key: StratumKey, ratio: Ratio) -> Self {
        self.0[key.index()] = ratio;
        self
    }

    /// Checks the ratios a task sets for an item, every problem at once:
    ///
    /// - each above 0 %: a stratum at 0 % would take a whole class out of the
    ///   random draw, while 第四条 promises every market subject the same
    ///   chance (机会平等); leaving a class out is what the plan's scope is for;
    /// - none above the item's ceiling (第八条: a 一般 item's cap, 100 % for 重点);
    /// - never lower for a higher risk (A ≤ B ≤ C ≤ D ≤ 重点关注), as 第十四条's
    ///   差异化监管 asks. Equal is allowed: under a cap strictly higher may be impossible.
    pub fn check(&self, category: ItemCategory, cap: Option<Ratio>) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |message: String| {
            errors.push(FieldError {
                field: "stratum_ratios",
                message,
            })
        };
        let ceiling = match ratio_ceiling(category, cap) {
            Ok(c) => Some(c),
            Err(m) => {
                err(m);
                None
            }
        };
        for key in StratumKey::ALL {
            let r = self.get(key);
            if r.basis_points() == 0 {
                err(format!("{key}的抽查比例须大于0%"));
            } else if let Some(c) = ceiling.filter(|c| r > *c) {
                err(format!(
                    "{key}的抽查比例（{r}）不能高于该一般检查事项的比例上限（{c}）（第八条）"
                ));
            }
        }
        for pair in StratumKey::ALL.windows(2) {
            let (lower, higher) = (pair[0], pair[1]);
            if self.get(higher) < self.get(lower) {
                err(format!(
                    "{higher}的抽查比例（{}）不能低于{lower}（{}）：风险越高，抽查比例应越高（第十四条）",
                    self.get(higher),
                    self.get(lower)
                ));
            }
        }
        if errors.is_empty() { Ok(()) } else { Err(errors) }
    }
}

/// What the platform knows about one candidate object, as plain values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectFacts {
    /// The draw id: the directory's natural key (统一社会信用代码, 注册证书编号, 项目代码).
    pub id: String,
    /// Active in the directory (not deregistered or withdrawn; a project not finished).
    pub active: bool,
    pub kind: ObjectKind,
    pub division: DivisionCode,
    pub risk: RiskInfo,
    /// How many double-random tasks drew it this calendar year, all
    /// departments together, the task being drawn not included;
    /// outside-random inspections not counted.
    pub drawn_this_year: u32,
    /// Inspected and found compliant for this item this calendar year,
    /// outside-random inspections included.
    pub compliant_this_year: bool,
}

/// The task item the objects are assessed for.
pub struct ItemContext<'a> {
    pub category: ItemCategory,
    /// The item's cap (`Some` for a 一般 item).
    pub ratio_cap: Option<Ratio>,
    /// The object kinds the item applies to.
    pub item_object_kinds: BTreeSet<ObjectKind>,
    /// The plan entry's scope.
    pub scope: PlanScope,
    /// True when an object in this division is in the department's
    /// jurisdiction. `Sync` so that an assessment can be held across an `.await`.
    pub in_jurisdiction: &'a (dyn Fn(&DivisionCode) -> bool + Sync),
    /// See [`DEFAULT_COMPLAINT_THRESHOLD`]; at least 1.
    pub complaint_threshold: u32,
    pub ratios: StratumRatios,
}

/// Why an object is not drawn. [`text`](Self::text) is the reason published in
/// the draw record: short Chinese text, NFC, no control characters, no white
/// space at either end (draw-v1 §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExclusionReason {
    Inactive,
    KindMismatch,
    OutsideJurisdiction,
    OutsideScopeDivision,
    OutsideScopeRiskClass,
    /// Drawn this many times this year (≥ [`MAX_DRAWS_PER_YEAR`]).
    DrawLimit {
        times: u32,
    },
    CompliantThisYear,
}

impl ExclusionReason {
    /// ASCII code for storage and statistics.
    pub fn code(self) -> &'static str {
        match self {
            Self::Inactive => "inactive",
            Self::KindMismatch => "kind_mismatch",
            Self::OutsideJurisdiction => "outside_jurisdiction",
            Self::OutsideScopeDivision => "outside_scope_division",
            Self::OutsideScopeRiskClass => "outside_scope_risk_class",
            Self::DrawLimit { .. } => "draw_limit",
            Self::CompliantThisYear => "compliant_this_year",
        }
    }

    /// The published reason.
    pub fn text(self) -> String {
        match self {
            Self::Inactive => "对象已注销或停用".into(),
            Self::KindMismatch => "对象类型不在本事项抽查范围内".into(),
            Self::OutsideJurisdiction => "不在本部门管辖范围内".into(),
            Self::OutsideScopeDivision => "不在计划抽查区域内".into(),
            Self::OutsideScopeRiskClass => "信用风险分类不在计划抽查范围内".into(),
            Self::DrawLimit { times } => format!("本年度已被双随机抽查{times}次（第十四条）"),
            Self::CompliantThisYear => "本年度本事项已检查合格（第十二条）".into(),
        }
    }
}

impl fmt::Display for ExclusionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// The stratum of one object, and why it is excluded (`None`: eligible).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decision {
    pub stratum: StratumKey,
    pub excluded: Option<ExclusionReason>,
}

/// Decides one object (see the module documentation for the rules and their order).
pub fn decide(object: &ObjectFacts, ctx: &ItemContext<'_>) -> Decision {
    use ExclusionReason as X;
    let stratum = StratumKey::of(&object.risk, ctx.complaint_threshold);
    let excluded = if !object.active {
        Some(X::Inactive)
    } else if !ctx.item_object_kinds.contains(&object.kind) || !ctx.scope.covers_kind(object.kind) {
        Some(X::KindMismatch)
    } else if !(ctx.in_jurisdiction)(&object.division) {
        Some(X::OutsideJurisdiction)
    } else if !ctx.scope.covers_division(&object.division) {
        Some(X::OutsideScopeDivision)
    } else if stratum != StratumKey::Focus && !ctx.scope.covers_risk_class(object.risk.risk_class) {
        Some(X::OutsideScopeRiskClass)
    } else if object.drawn_this_year >= MAX_DRAWS_PER_YEAR {
        Some(X::DrawLimit {
            times: object.drawn_this_year,
        })
    } else if object.compliant_this_year && ctx.category == ItemCategory::General {
        Some(X::CompliantThisYear)
    } else {
        None
    };
    Decision { stratum, excluded }
}

/// An object left out, with its reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excluded {
    pub id: String,
    pub reason: ExclusionReason,
}

/// One stratum of a task item, shaped for a draw-v1 `objects` draw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stratum {
    pub key: StratumKey,
    /// The draw-v1 stratum name ([`StratumKey::name`]).
    pub name: String,
    pub ratio: Ratio,
    /// ⌈ratio × candidates⌉.
    pub quota: u64,
    /// Eligible ids, sorted by UTF-8 bytes.
    pub candidates: Vec<String>,
    /// Excluded ids with reasons, sorted by id.
    pub excluded: Vec<Excluded>,
}

impl Stratum {
    /// `(id, reason text)` pairs, the form the draw crate's raw stratum takes.
    pub fn excluded_pairs(&self) -> Vec<(String, String)> {
        self.excluded.iter().map(|e| (e.id.clone(), e.reason.text())).collect()
    }
}

/// The strata of one task item, sorted by name (as draw-v1 orders them). A
/// stratum is present when the scope covers it (重点关注 always) or when an
/// object, eligible or not, belongs to it; so the list is never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
    pub strata: Vec<Stratum>,
}

impl Assessment {
    pub fn eligible_count(&self) -> usize {
        self.strata.iter().map(|s| s.candidates.len()).sum()
    }

    pub fn excluded_count(&self) -> usize {
        self.strata.iter().map(|s| s.excluded.len()).sum()
    }

    /// The number of objects the draw will select.
    pub fn total_quota(&self) -> u64 {
        self.strata.iter().map(|s| s.quota).sum()
    }
}

/// True for an id draw-v1 accepts as it is, as far as this crate can tell:
/// non-empty, no control character, no white space at either end. (NFC is
/// the draw crate's business: its canonicaliser normalises ids.)
fn id_is_clean(id: &str) -> bool {
    !id.is_empty()
        && !id.chars().any(char::is_control)
        && !id.starts_with(char::is_whitespace)
        && !id.ends_with(char::is_whitespace)
}

/// Assesses every candidate for one task item. Refused (with every problem)
/// when the ratios break [`StratumRatios::check`], the complaint threshold is
/// 0, or an id is empty, unclean or repeated.
pub fn assess(objects: &[ObjectFacts], ctx: &ItemContext<'_>) -> Result<Assessment, Vec<FieldError>> {
    let mut errors = ctx.ratios.check(ctx.category, ctx.ratio_cap).err().unwrap_or_default();
    if ctx.complaint_threshold == 0 {
        errors.push(FieldError {
            field: "complaint_threshold",
            message: "投诉举报次数阈值须至少为1次".into(),
        });
    }
    // A hash set, not an ordered one: the whole directory (a million ids)
    // is checked at every preview and commit.
    let mut seen: HashSet<&str> = HashSet::with_capacity(objects.len());
    for o in objects {
        if !id_is_clean(&o.id) {
            errors.push(FieldError {
                field: "objects",
                message: format!(
                    "检查对象标识“{}”为空或含有空白、控制字符，请先在名录中更正",
                    o.id.escape_debug()
                ),
            });
        } else if !seen.insert(&o.id) {
            errors.push(FieldError {
                field: "objects",
                message: format!("检查对象“{}”重复出现", o.id),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut members: BTreeMap<StratumKey, (Vec<String>, Vec<Excluded>)> = BTreeMap::new();
    for o in objects {
        let d = decide(o, ctx);
        let (candidates, excluded) = members.entry(d.stratum).or_default();
        match d.excluded {
            None => candidates.push(o.id.clone()),
            Some(reason) => excluded.push(Excluded {
                id: o.id.clone(),
                reason,
            }),
        }
    }
    let present: Vec<StratumKey> = StratumKey::ALL
        .into_iter()
        .filter(|k| match k {
            StratumKey::Focus => true,
            StratumKey::Class(c) => ctx.scope.covers_risk_class(*c) || members.contains_key(k),
        })
        .collect();
    let mut strata: Vec<Stratum> = present
        .into_iter()
        .map(|key| {
            let (mut candidates, mut excluded) = members.remove(&key).unwrap_or_default();
            candidates.sort();
            excluded.sort_by(|a, b| a.id.cmp(&b.id));
            let ratio = ctx.ratios.get(key);
            Stratum {
                key,
                name: key.name().to_string(),
                ratio,
                quota: ceil_ratio(ratio, candidates.len() as u64),
                candidates,
                excluded,
            }
        })
        .collect();
    strata.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(Assessment { strata })
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

    fn risk(class: RiskClass) -> RiskInfo {
        RiskInfo {
            risk_class: class,
            abnormal: false,
            key_focus: false,
            serious_violation: false,
            complaints: 0,
        }
    }

    fn object(id: &str) -> ObjectFacts {
        ObjectFacts {
            id: id.into(),
            active: true,
            kind: ObjectKind::Enterprise,
            division: div("230102"),
            risk: risk(RiskClass::B),
            drawn_this_year: 0,
            compliant_this_year: false,
        }
    }

    fn harbin(d: &DivisionCode) -> bool {
        div("230100").contains(d)
    }

    fn ctx(category: ItemCategory) -> ItemContext<'static> {
        let cap = (category == ItemCategory::General).then(|| r(500));
        ItemContext {
            category,
            ratio_cap: cap,
            item_object_kinds: BTreeSet::from([ObjectKind::Enterprise]),
            scope: PlanScope::default(),
            in_jurisdiction: &harbin,
            complaint_threshold: DEFAULT_COMPLAINT_THRESHOLD,
            ratios: StratumRatios::defaults(r(300), ratio_ceiling(category, cap).unwrap()),
        }
    }

    fn reason(o: &ObjectFacts, c: &ItemContext<'_>) -> Option<ExclusionReason> {
        decide(o, c).excluded
    }

    /// Draw-v1 §2 text, checked conservatively: non-empty, no white space at
    /// either end, and every character from ranges that are NFC whatever
    /// surrounds them (printable ASCII, CJK ideographs and punctuation,
    /// full-width forms), so no control character either.
    fn draw_clean(s: &str) -> bool {
        !s.is_empty()
            && !s.starts_with(char::is_whitespace)
            && !s.ends_with(char::is_whitespace)
            && s.chars().all(|c| {
                matches!(c, '\u{21}'..='\u{7e}' | '\u{3001}'..='\u{303f}' | '\u{4e00}'..='\u{9fff}' | '\u{ff01}'..='\u{ff5e}')
            })
    }

    #[test]
    fn an_ordinary_object_is_eligible() {
        let c = ctx(ItemCategory::General);
        assert_eq!(
            decide(&object("X1"), &c),
            Decision {
                stratum: StratumKey::Class(RiskClass::B),
                excluded: None
            }
        );
    }

    #[test]
    fn inactive_objects_are_excluded() {
        let c = ctx(ItemCategory::General);
        let mut o = object("X1");
        o.active = false;
        assert_eq!(reason(&o, &c), Some(ExclusionReason::Inactive));
    }

    #[test]
    fn object_kind_must_match_item_and_scope() {
        let mut c = ctx(ItemCategory::General);
        let mut o = object("X1");
        o.kind = ObjectKind::Project;
        assert_eq!(reason(&o, &c), Some(ExclusionReason::KindMismatch));
        o.kind = ObjectKind::Enterprise;
        c.scope.object_kinds = BTreeSet::from([ObjectKind::Practitioner]);
        assert_eq!(reason(&o, &c), Some(ExclusionReason::KindMismatch));
        c.scope.object_kinds = BTreeSet::from([ObjectKind::Enterprise]);
        assert_eq!(reason(&o, &c), None);
    }

    #[test]
    fn jurisdiction_and_scope_divisions() {
        let mut c = ctx(ItemCategory::General);
        let mut o = object("X1");
        o.division = div("230202"); // 齐齐哈尔: not Harbin's
        assert_eq!(reason(&o, &c), Some(ExclusionReason::OutsideJurisdiction));
        o.division = div("230102");
        c.scope.divisions = BTreeSet::from([div("230103")]);
        assert_eq!(reason(&o, &c), Some(ExclusionReason::OutsideScopeDivision));
        c.scope.divisions = BTreeSet::from([div("230103"), div("230102")]);
        assert_eq!(reason(&o, &c), None);
    }

    #[test]
    fn scope_risk_classes_never_leave_out_flagged_objects() {
        let mut c = ctx(ItemCategory::General);
        c.scope.risk_classes = BTreeSet::from([RiskClass::C, RiskClass::D]);
        let mut o = object("X1");
        o.risk.risk_class = RiskClass::A;
        assert_eq!(reason(&o, &c), Some(ExclusionReason::OutsideScopeRiskClass));
        o.risk.abnormal = true;
        assert_eq!(
            decide(&o, &c),
            Decision {
                stratum: StratumKey::Focus,
                excluded: None
            }
        );
        o.risk.abnormal = false;
        o.risk.risk_class = RiskClass::C;
        assert_eq!(reason(&o, &c), None);
    }

    #[test]
    fn article_14_at_most_two_draws_a_year() {
        let c = ctx(ItemCategory::Key);
        let mut o = object("X1");
        o.drawn_this_year = 1;
        assert_eq!(reason(&o, &c), None);
        o.drawn_this_year = 2;
        let why = reason(&o, &c).unwrap();
        assert_eq!(why, ExclusionReason::DrawLimit { times: 2 });
        assert_eq!(why.text(), "本年度已被双随机抽查2次（第十四条）");
        // The limit holds for 重点 items and flagged objects too.
        o.risk.serious_violation = true;
        assert_eq!(reason(&o, &c), Some(ExclusionReason::DrawLimit { times: 2 }));
    }

    #[test]
    fn article_12_no_second_check_of_a_passed_general_item() {
        let mut o = object("X1");
        o.compliant_this_year = true;
        let general = ctx(ItemCategory::General);
        assert_eq!(reason(&o, &general), Some(ExclusionReason::CompliantThisYear));
        assert_eq!(
            ExclusionReason::CompliantThisYear.text(),
            "本年度本事项已检查合格（第十二条）"
        );
        // 重点领域: checked again.
        assert_eq!(reason(&o, &ctx(ItemCategory::Key)), None);
        o.compliant_this_year = false;
        assert_eq!(reason(&o, &general), None);
    }

    #[test]
    fn strata_by_risk_with_focus_first() {
        let t = DEFAULT_COMPLAINT_THRESHOLD;
        let mut rk = risk(RiskClass::D);
        assert_eq!(StratumKey::of(&rk, t), StratumKey::Class(RiskClass::D));
        rk.complaints = 2;
        assert_eq!(StratumKey::of(&rk, t), StratumKey::Class(RiskClass::D));
        rk.complaints = 3;
        assert_eq!(StratumKey::of(&rk, t), StratumKey::Focus);
        assert_eq!(StratumKey::of(&rk, 4), StratumKey::Class(RiskClass::D));
        for flag in 0..3 {
            let mut rk = risk(RiskClass::A);
            match flag {
                0 => rk.abnormal = true,
                1 => rk.key_focus = true,
                _ => rk.serious_violation = true,
            }
            assert_eq!(StratumKey::of(&rk, t), StratumKey::Focus);
        }
        let names: Vec<&str> = StratumKey::ALL.iter().map(|k| k.name()).collect();
        assert_eq!(names, ["A类", "B类", "C类", "D类", "重点关注"]);
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(sorted, names, "risk order is the draw-v1 byte order");
        for k in StratumKey::ALL {
            assert_eq!(StratumKey::parse(k.code()), Some(k));
            assert_eq!(StratumKey::parse(k.name()), Some(k));
        }
    }

    #[test]
    fn default_ratios_rise_with_risk_under_the_cap() {
        let d = StratumRatios::defaults(r(300), r(500));
        let got: Vec<u16> = StratumKey::ALL.iter().map(|k| d.get(*k).basis_points()).collect();
        assert_eq!(got, [300, 450, 500, 500, 500]);
        let key = StratumRatios::defaults(r(500), Ratio::FULL);
        let got: Vec<u16> = StratumKey::ALL.iter().map(|k| key.get(*k).basis_points()).collect();
        assert_eq!(got, [500, 750, 1000, 1500, 2000]);
        let at_cap = StratumRatios::defaults(r(500), r(500));
        assert_eq!(at_cap, StratumRatios::uniform(r(500)));
        assert_eq!(
            StratumRatios::defaults(r(5), Ratio::FULL).get(StratumKey::Class(RiskClass::B)),
            r(8)
        );
        assert_eq!(
            StratumRatios::defaults(r(4000), Ratio::FULL).get(StratumKey::Focus),
            Ratio::FULL
        );
    }

    #[test]
    fn ratio_checks() {
        let ok = StratumRatios::defaults(r(300), r(500));
        assert_eq!(ok.check(ItemCategory::General, Some(r(500))), Ok(()));
        let too_high = ok.with(StratumKey::Focus, r(800));
        assert_eq!(
            too_high.check(ItemCategory::General, Some(r(500))).unwrap_err()[0].message,
            "重点关注的抽查比例（8%）不能高于该一般检查事项的比例上限（5%）（第八条）"
        );
        assert_eq!(too_high.check(ItemCategory::Key, None), Ok(()));
        let inverted = ok.with(StratumKey::Class(RiskClass::C), r(100));
        let msgs: Vec<String> = inverted
            .check(ItemCategory::General, Some(r(500)))
            .unwrap_err()
            .into_iter()
            .map(|e| e.message)
            .collect();
        assert_eq!(
            msgs,
            ["C类的抽查比例（1%）不能低于B类（4.5%）：风险越高，抽查比例应越高（第十四条）",]
        );
        let zero = ok.with(StratumKey::Class(RiskClass::A), r(0));
        assert_eq!(
            zero.check(ItemCategory::General, Some(r(500))).unwrap_err()[0].message,
            "A类的抽查比例须大于0%"
        );
        assert!(
            ok.check(ItemCategory::General, None).unwrap_err()[0]
                .message
                .contains("须设置比例上限")
        );
    }

    #[test]
    fn assessment_in_draw_shape() {
        let mut c = ctx(ItemCategory::General);
        c.scope.risk_classes = BTreeSet::from([RiskClass::B, RiskClass::C]);
        let mut objects: Vec<ObjectFacts> = (0..40).map(|i| object(&format!("B{i:02}"))).collect();
        let mut a = object("A01");
        a.risk.risk_class = RiskClass::A;
        objects.push(a);
        let mut f = object("F01");
        f.risk.complaints = 5;
        objects.push(f);
        let mut twice = object("B99");
        twice.drawn_this_year = 2;
        objects.push(twice);
        let got = assess(&objects, &c).unwrap();
        let summary: Vec<(&str, u64, usize, usize)> = got
            .strata
            .iter()
            .map(|s| (s.name.as_str(), s.quota, s.candidates.len(), s.excluded.len()))
            .collect();
        // A类: only its excluded object; B类 4.5 % of 40 = 1.8 → 2; C类 in scope, empty; 重点关注 1 → 1.
        assert_eq!(
            summary,
            [
                ("A类", 0, 0, 1),
                ("B类", 2, 40, 1),
                ("C类", 0, 0, 0),
                ("重点关注", 1, 1, 0)
            ]
        );
        assert_eq!(
            got.strata[0].excluded_pairs(),
            [("A01".to_string(), "信用风险分类不在计划抽查范围内".to_string())]
        );
        assert_eq!(got.strata[1].candidates[0], "B00");
        assert_eq!(got.eligible_count(), 41);
        assert_eq!(got.excluded_count(), 2);
        assert_eq!(got.total_quota(), 3);
    }

    #[test]
    fn assessment_refuses_bad_input() {
        let mut c = ctx(ItemCategory::General);
        c.complaint_threshold = 0;
        let e = assess(&[object("X1"), object("X1"), object(" X2")], &c).unwrap_err();
        let msgs: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            msgs,
            [
                "投诉举报次数阈值须至少为1次",
                "检查对象“X1”重复出现",
                "检查对象标识“ X2”为空或含有空白、控制字符，请先在名录中更正"
            ]
        );
    }

    #[test]
    fn key_item_at_full_ratio_draws_everyone() {
        let mut c = ctx(ItemCategory::Key);
        c.ratios = StratumRatios::uniform(Ratio::FULL);
        let objects: Vec<ObjectFacts> = (0..7).map(|i| object(&format!("K{i}"))).collect();
        let got = assess(&objects, &c).unwrap();
        assert_eq!(got.total_quota(), 7);
    }

    fn arb_object() -> impl Strategy<Value = ObjectFacts> {
        (
            "[0-9A-Z]{1,6}",
            any::<bool>(),
            0usize..3,
            prop::sample::select(vec!["230102", "230103", "230202", "230100"]),
            0usize..4,
            (
                prop::bool::weighted(0.1),
                prop::bool::weighted(0.1),
                prop::bool::weighted(0.1),
                0u32..6,
            ),
            0u32..4,
            any::<bool>(),
        )
            .prop_map(
                |(id, active, kind, d, class, (ab, kf, sv, comp), drawn, compliant)| ObjectFacts {
                    id,
                    active,
                    kind: ObjectKind::ALL[kind],
                    division: div(d),
                    risk: RiskInfo {
                        risk_class: RiskClass::ALL[class],
                        abnormal: ab,
                        key_focus: kf,
                        serious_violation: sv,
                        complaints: comp,
                    },
                    drawn_this_year: drawn,
                    compliant_this_year: compliant,
                },
            )
    }

    proptest! {
        #[test]
        fn every_candidate_lands_exactly_once(
            objects in proptest::collection::vec(arb_object(), 0..60),
            key in any::<bool>(),
            classes in proptest::sample::subsequence(RiskClass::ALL.to_vec(), 0..=4),
            base in 1u16..=3000,
        ) {
            let mut seen = BTreeSet::new();
            let objects: Vec<ObjectFacts> = objects.into_iter().filter(|o| seen.insert(o.id.clone())).collect();
            let mut c = ctx(if key { ItemCategory::Key } else { ItemCategory::General });
            c.scope.risk_classes = classes.into_iter().collect();
            let ceiling = ratio_ceiling(c.category, c.ratio_cap).unwrap();
            c.ratios = StratumRatios::defaults(r(base.min(ceiling.basis_points())), ceiling);
            let got = assess(&objects, &c).unwrap();
            let mut placed: Vec<&str> = Vec::new();
            for s in &got.strata {
                placed.extend(s.candidates.iter().map(String::as_str));
                placed.extend(s.excluded.iter().map(|e| e.id.as_str()));
                // Quota = ⌈ratio × eligible⌉ and never more than the candidates.
                let n = s.candidates.len() as u64;
                prop_assert!(s.quota <= n);
                prop_assert_eq!(u128::from(s.quota), (u128::from(s.ratio.basis_points()) * u128::from(n)).div_ceil(10_000));
                prop_assert!(s.ratio <= ceiling);
                prop_assert!(s.candidates.windows(2).all(|w| w[0] < w[1]));
                prop_assert!(s.excluded.windows(2).all(|w| w[0].id < w[1].id));
                prop_assert!(draw_clean(&s.name));
                for e in &s.excluded {
                    prop_assert!(draw_clean(&e.reason.text()), "{}", e.reason.text());
                    prop_assert_eq!(decide(objects.iter().find(|o| o.id == e.id).unwrap(), &c).excluded, Some(e.reason));
                }
                for id in &s.candidates {
                    let d = decide(objects.iter().find(|o| &o.id == id).unwrap(), &c);
                    prop_assert_eq!(d, Decision { stratum: s.key, excluded: None });
                }
            }
            placed.sort();
            let mut ids: Vec<&str> = objects.iter().map(|o| o.id.as_str()).collect();
            ids.sort();
            prop_assert_eq!(placed, ids);
            prop_assert!(!got.strata.is_empty());
            prop_assert!(got.strata.windows(2).all(|w| w[0].name.as_bytes() < w[1].name.as_bytes()));
        }

        #[test]
        fn a_general_item_never_gets_a_stratum_ratio_above_its_cap(base in 0u16..=10000, cap in 1u16..=10000) {
            let d = StratumRatios::defaults(r(base), r(cap));
            for k in StratumKey::ALL {
                prop_assert!(d.get(k) <= r(cap));
            }
            // Defaults never fall with risk, and A keeps the base when the cap allows.
            for w in StratumKey::ALL.windows(2) {
                prop_assert!(d.get(w[0]) <= d.get(w[1]));
            }
            prop_assert_eq!(d.get(StratumKey::Class(RiskClass::A)), r(base.min(cap)));
            if base > 0 {
                prop_assert_eq!(d.check(ItemCategory::General, Some(r(cap))), Ok(()));
            }
            // Any ratio above the cap is refused.
            let over = d.with(StratumKey::Focus, r(cap.saturating_add(1).min(10000)));
            prop_assert_eq!(over.check(ItemCategory::General, Some(r(cap))).is_ok(), cap == 10000 && base > 0);
        }

        #[test]
        fn reasons_are_clean_draw_text(times in 0u32..=u32::MAX) {
            for reason in [
                ExclusionReason::Inactive,
                ExclusionReason::KindMismatch,
                ExclusionReason::OutsideJurisdiction,
                ExclusionReason::OutsideScopeDivision,
                ExclusionReason::OutsideScopeRiskClass,
                ExclusionReason::DrawLimit { times },
                ExclusionReason::CompliantThisYear,
            ] {
                prop_assert!(draw_clean(&reason.text()));
                prop_assert!(reason.code().bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            }
        }
    }
}
