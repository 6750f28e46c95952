//! The population of a plan entry or task item: the active objects of a
//! department's directory that an item and its 抽查范围 cover (第十三条). Used
//! for a plan entry's live 预估数量 and, later, as the candidate set of a draw.

use crate::StoreError;
use crate::entity::object;
use crate::scope;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use spotcheck_domain::eligibility::DEFAULT_COMPLAINT_THRESHOLD;
use spotcheck_domain::plan::PlanScope;
use spotcheck_domain::vocab::ObjectKind;
use std::collections::BTreeSet;

/// What decides whether an object is in the population.
#[derive(Clone, Debug)]
pub struct Population<'a> {
    /// The directory: the department's own (谁管辖、谁维护, 第九条).
    pub department_id: i64,
    /// The item's object kinds.
    pub item_object_kinds: &'a BTreeSet<ObjectKind>,
    pub scope: &'a PlanScope,
}

/// The condition in SQL. The risk-class scope never leaves out a flagged
/// object (经营异常, 重点关注, 严重违法失信, frequent complaints): 第十四条 asks for
/// more checks of those, see `spotcheck_domain::plan::PlanScope`.
fn condition(p: &Population<'_>) -> Condition {
    let kinds: Vec<&str> = p
        .item_object_kinds
        .iter()
        .filter(|k| p.scope.covers_kind(**k))
        .map(|k| k.code())
        .collect();
    let mut c = Condition::all()
        .add(object::Column::DepartmentId.eq(p.department_id))
        .add(object::Column::Active.eq(true))
        .add(object::Column::Kind.is_in(kinds));
    if !p.scope.divisions.is_empty() {
        let mut any = Condition::any();
        for d in &p.scope.divisions {
            any = any.add(object::Column::DivisionCode.like(scope::starts_with(d.prefix())));
        }
        c = c.add(any);
    }
    if !p.scope.risk_classes.is_empty() {
        c = c.add(
            Condition::any()
                .add(object::Column::RiskClass.is_in(p.scope.risk_classes.iter().map(|r| r.code())))
                .add(object::Column::Abnormal.eq(true))
                .add(object::Column::KeyFocus.eq(true))
                .add(object::Column::SeriousViolation.eq(true))
                .add(object::Column::Complaints.gte(DEFAULT_COMPLAINT_THRESHOLD as i32)),
        );
    }
    c
}

/// How many objects the population has now.
pub async fn count(db: &impl ConnectionTrait, p: &Population<'_>) -> Result<u64, StoreError> {
    Ok(object::Entity::find().filter(condition(p)).count(db).await?)
}

/// What the eligibility rules need of one object of the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FactsRow {
    pub id: i64,
    pub kind: String,
    pub key_code: String,
    pub name: String,
    pub division_code: String,
    pub risk_class: String,
    pub abnormal: bool,
    pub key_focus: bool,
    pub serious_violation: bool,
    pub complaints: i32,
    pub active: bool,
}

type FactsTuple = (i64, String, String, String, String, String, bool, bool, bool, i32, bool);

/// Every object of the item's kinds in a department's directory, active or
/// not (an inactive one is listed as excluded with its reason), read by key
/// in slices so that a directory of millions streams through bounded queries.
pub async fn facts(
    db: &impl ConnectionTrait,
    department_id: i64,
    kinds: &BTreeSet<ObjectKind>,
) -> Result<Vec<FactsRow>, StoreError> {
    use sea_orm::{QueryOrder, QuerySelect};
    const SLICE: u64 = 20_000;
    let kinds: Vec<&str> = kinds.iter().map(|k| k.code()).collect();
    let mut out = Vec::new();
    let mut after = 0i64;
    loop {
        let rows: Vec<FactsTuple> = object::Entity::find()
            .select_only()
            .columns([
                object::Column::Id,
                object::Column::Kind,
                object::Column::KeyCode,
                object::Column::Name,
                object::Column::DivisionCode,
                object::Column::RiskClass,
                object::Column::Abnormal,
                object::Column::KeyFocus,
                object::Column::SeriousViolation,
                object::Column::Complaints,
                object::Column::Active,
            ])
            .filter(object::Column::DepartmentId.eq(department_id))
            .filter(object::Column::Kind.is_in(kinds.clone()))
            .filter(object::Column::Id.gt(after))
            .order_by_asc(object::Column::Id)
            .limit(SLICE)
            .into_tuple()
            .all(db)
            .await?;
        let n = rows.len();
        if let Some(last) = rows.last() {
            after = last.0;
        }
        out.extend(rows.into_iter().map(|r| FactsRow {
            id: r.0,
            kind: r.1,
            key_code: r.2,
            name: r.3,
            division_code: r.4,
            risk_class: r.5,
            abnormal: r.6,
            key_focus: r.7,
            serious_violation: r.8,
            complaints: r.9,
            active: r.10,
        }));
        if (n as u64) < SLICE {
            return Ok(out);
        }
    }
}
