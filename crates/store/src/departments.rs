//! Divisions and departments.

use crate::StoreError;
use crate::entity::{department, division};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use spotcheck_domain::department::{DepartmentCode, DepartmentKind};
use spotcheck_domain::division::Division;
use spotcheck_domain::jurisdiction::Jurisdiction;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DepartmentRow {
    pub id: i64,
    pub code: DepartmentCode,
    pub name: String,
    pub kind: DepartmentKind,
    pub division_code: String,
    pub parent_id: Option<i64>,
    pub path: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

impl DepartmentRow {
    pub fn jurisdiction(&self) -> Jurisdiction {
        Jurisdiction::new(self.path.clone())
    }

    /// Depth in the tree: 0 for the province.
    pub fn depth(&self) -> usize {
        self.path.matches('/').count().saturating_sub(2)
    }
}

impl From<department::Model> for DepartmentRow {
    fn from(m: department::Model) -> Self {
        Self {
            id: m.id,
            code: DepartmentCode::parse(&m.code).expect("stored department codes are valid"),
            name: m.name,
            kind: DepartmentKind::parse(&m.kind).unwrap_or(DepartmentKind::ExecutingUnit),
            division_code: m.division_code,
            parent_id: m.parent_id,
            path: m.path,
            active: m.active,
            created_at: m.created_at,
        }
    }
}

pub struct NewDepartment<'a> {
    pub code: &'a DepartmentCode,
    pub name: &'a str,
    pub kind: DepartmentKind,
    pub division_code: &'a str,
    pub parent_id: Option<i64>,
    pub path: &'a str,
    pub now: DateTime<Utc>,
}

/// Inserts a division unless it exists; returns whether it was new.
pub async fn ensure_division(db: &impl ConnectionTrait, d: &Division) -> Result<bool, StoreError> {
    if division::Entity::find_by_id(d.code.as_str().to_string())
        .one(db)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    division::Entity::insert(division::ActiveModel {
        code: Set(d.code.as_str().to_string()),
        name: Set(d.name.clone()),
        level: Set(d.level.code().to_string()),
        parent_code: Set(d.parent.as_ref().map(|p| p.as_str().to_string())),
    })
    .exec(db)
    .await?;
    Ok(true)
}

pub async fn division_name(db: &impl ConnectionTrait, code: &str) -> Result<Option<String>, StoreError> {
    Ok(division::Entity::find_by_id(code.to_string())
        .one(db)
        .await?
        .map(|d| d.name))
}

pub async fn insert(db: &impl ConnectionTrait, d: NewDepartment<'_>) -> Result<DepartmentRow, StoreError> {
    let m = department::ActiveModel {
        code: Set(d.code.as_str().to_string()),
        name: Set(d.name.to_string()),
        kind: Set(d.kind.code().to_string()),
        division_code: Set(d.division_code.to_string()),
        parent_id: Set(d.parent_id),
        path: Set(d.path.to_string()),
        active: Set(true),
        created_at: Set(d.now),
        ..Default::default()
    };
    let id = department::Entity::insert(m).exec(db).await?.last_insert_id;
    Ok(by_id(db, id).await?.expect("just inserted"))
}

/// Unscoped lookup, for resolving a user's own department.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<DepartmentRow>, StoreError> {
    Ok(department::Entity::find_by_id(id).one(db).await?.map(Into::into))
}

/// Unscoped lookup by code, for the CLI and for resolving references.
pub async fn by_code(db: &impl ConnectionTrait, code: &str) -> Result<Option<DepartmentRow>, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .one(db)
        .await?
        .map(Into::into))
}

/// The root of the tree (the province's department).
pub async fn root(db: &impl ConnectionTrait) -> Result<Option<DepartmentRow>, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::ParentId.is_null())
        .order_by_asc(department::Column::Id)
        .one(db)
        .await?
        .map(Into::into))
}

/// A department inside `scope`, or None (also when it exists outside).
pub async fn get_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    id: i64,
) -> Result<Option<DepartmentRow>, StoreError> {
    Ok(department::Entity::find_by_id(id)
        .filter(department::Column::Path.like(scope.like_pattern()))
        .one(db)
        .await?
        .map(Into::into))
}

/// By code, inside `scope`.
pub async fn get_code_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    code: &str,
) -> Result<Option<DepartmentRow>, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::Code.eq(code))
        .filter(department::Column::Path.like(scope.like_pattern()))
        .one(db)
        .await?
        .map(Into::into))
}

/// Every department inside `scope`, in tree order.
pub async fn list_in(db: &impl ConnectionTrait, scope: &Jurisdiction) -> Result<Vec<DepartmentRow>, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::Path.like(scope.like_pattern()))
        .order_by_asc(department::Column::Path)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn count_in(db: &impl ConnectionTrait, scope: &Jurisdiction) -> Result<u64, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::Path.like(scope.like_pattern()))
        .count(db)
        .await?)
}

/// The executing units directly under a department.
pub async fn units_of(db: &impl ConnectionTrait, parent_id: i64) -> Result<Vec<DepartmentRow>, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::ParentId.eq(parent_id))
        .filter(department::Column::Kind.eq(DepartmentKind::ExecutingUnit.code()))
        .order_by_asc(department::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

pub async fn rename(db: &impl ConnectionTrait, id: i64, name: &str, active: bool) -> Result<(), StoreError> {
    department::Entity::update_many()
        .col_expr(department::Column::Name, name.into())
        .col_expr(department::Column::Active, active.into())
        .filter(department::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The 归口部门 directly under a department (a city's counties, the province's cities).
pub async fn subordinates_of(db: &impl ConnectionTrait, parent_id: i64) -> Result<Vec<DepartmentRow>, StoreError> {
    Ok(department::Entity::find()
        .filter(department::Column::ParentId.eq(parent_id))
        .filter(department::Column::Kind.eq(DepartmentKind::Competent.code()))
        .order_by_asc(department::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(Into::into)
        .collect())
}

/// The divisions directly under `parent_code` (a city's counties), by code:
/// `(code, name)`.
pub async fn divisions_under(
    db: &impl ConnectionTrait,
    parent_code: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(division::Entity::find()
        .filter(division::Column::ParentCode.eq(parent_code))
        .order_by_asc(division::Column::Code)
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect())
}
