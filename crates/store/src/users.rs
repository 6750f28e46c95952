//! Accounts.

use crate::entity::{department, user};
use crate::{StoreError, scope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use spotcheck_domain::jurisdiction::Jurisdiction;
use spotcheck_domain::role::Role;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub department_id: i64,
    pub phone: String,
    pub password_hash: String,
    pub must_change_password: bool,
    pub failed_logins: u32,
    pub locked_until: Option<DateTime<Utc>>,
    pub totp_secret_sealed: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub password_changed_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
}

impl From<user::Model> for UserRow {
    fn from(m: user::Model) -> Self {
        Self {
            id: m.id,
            username: m.username,
            display_name: m.display_name,
            // An unknown stored role can only come from a newer version; treat
            // it as the least privileged role rather than failing the page.
            role: Role::parse(&m.role).unwrap_or(Role::Inspector),
            department_id: m.department_id,
            phone: m.phone,
            password_hash: m.password_hash,
            must_change_password: m.must_change_password,
            failed_logins: m.failed_logins.max(0) as u32,
            locked_until: m.locked_until,
            totp_secret_sealed: m.totp_secret_sealed,
            totp_enabled: m.totp_enabled,
            totp_last_step: m.totp_last_step,
            active: m.active,
            created_at: m.created_at,
            updated_at: m.updated_at,
            password_changed_at: m.password_changed_at,
            last_login_at: m.last_login_at,
        }
    }
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub department_id: i64,
    pub phone: &'a str,
    pub password_hash: &'a str,
    pub must_change_password: bool,
    pub now: DateTime<Utc>,
}

pub async fn insert(db: &impl ConnectionTrait, u: NewUser<'_>) -> Result<UserRow, StoreError> {
    let m = user::ActiveModel {
        username: Set(u.username.to_string()),
        display_name: Set(u.display_name.to_string()),
        role: Set(u.role.code().to_string()),
        department_id: Set(u.department_id),
        phone: Set(u.phone.to_string()),
        password_hash: Set(u.password_hash.to_string()),
        must_change_password: Set(u.must_change_password),
        failed_logins: Set(0),
        locked_until: Set(None),
        totp_secret_sealed: Set(None),
        totp_enabled: Set(false),
        totp_last_step: Set(None),
        active: Set(true),
        created_at: Set(u.now),
        updated_at: Set(u.now),
        password_changed_at: Set(None),
        last_login_at: Set(None),
        ..Default::default()
    };
    let id = user::Entity::insert(m).exec(db).await?.last_insert_id;
    Ok(by_id(db, id).await?.expect("just inserted"))
}

/// Unscoped: for login and for loading the user behind a session.
pub async fn by_username(db: &impl ConnectionTrait, username: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(user::Entity::find()
        .filter(user::Column::Username.eq(username))
        .one(db)
        .await?
        .map(Into::into))
}

/// Unscoped: for loading the user behind a session.
pub async fn by_id(db: &impl ConnectionTrait, id: i64) -> Result<Option<UserRow>, StoreError> {
    Ok(user::Entity::find_by_id(id).one(db).await?.map(Into::into))
}

/// A user whose department lies inside `scope`; None otherwise.
pub async fn get_in(db: &impl ConnectionTrait, scope: &Jurisdiction, id: i64) -> Result<Option<UserRow>, StoreError> {
    Ok(user::Entity::find_by_id(id)
        .filter(user::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .one(db)
        .await?
        .map(Into::into))
}

#[derive(Clone, Debug, Default)]
pub struct UserFilter {
    /// Matches username or display name.
    pub text: Option<String>,
    pub role: Option<Role>,
    pub department_id: Option<i64>,
    pub active: Option<bool>,
}

/// One page of users inside `scope`, with the total count.
pub async fn list_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    f: &UserFilter,
    page: u64,
    page_size: u64,
) -> Result<(Vec<UserRow>, u64), StoreError> {
    let mut cond = Condition::all().add(user::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)));
    if let Some(t) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        cond = cond.add(
            Condition::any()
                .add(user::Column::Username.like(crate::scope::contains(t)))
                .add(user::Column::DisplayName.like(crate::scope::contains(t))),
        );
    }
    if let Some(r) = f.role {
        cond = cond.add(user::Column::Role.eq(r.code()));
    }
    if let Some(d) = f.department_id {
        cond = cond.add(user::Column::DepartmentId.eq(d));
    }
    if let Some(a) = f.active {
        cond = cond.add(user::Column::Active.eq(a));
    }
    let q = user::Entity::find().filter(cond);
    let total = q.clone().count(db).await?;
    let rows = q
        .order_by_asc(user::Column::DepartmentId)
        .order_by_asc(user::Column::Id)
        .offset(page.saturating_sub(1) * page_size)
        .limit(page_size)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(Into::into).collect(), total))
}

/// Number of active accounts per role inside `scope`.
pub async fn count_by_role_in(db: &impl ConnectionTrait, scope: &Jurisdiction) -> Result<Vec<(Role, u64)>, StoreError> {
    let mut out = Vec::new();
    for r in Role::ALL {
        let n = user::Entity::find()
            .filter(user::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
            .filter(user::Column::Role.eq(r.code()))
            .filter(user::Column::Active.eq(true))
            .count(db)
            .await?;
        out.push((r, n));
    }
    Ok(out)
}

/// Accounts inside `scope` that are locked at `now`.
pub async fn count_locked_in(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
    now: DateTime<Utc>,
) -> Result<u64, StoreError> {
    Ok(user::Entity::find()
        .filter(user::Column::DepartmentId.in_subquery(scope::department_ids_in(scope)))
        .filter(user::Column::LockedUntil.gt(now))
        .count(db)
        .await?)
}

pub async fn record_failure(
    db: &impl ConnectionTrait,
    id: i64,
    failures: u32,
    locked_until: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let mut q = user::Entity::update_many().col_expr(user::Column::FailedLogins, Expr::value(failures as i32));
    if let Some(t) = locked_until {
        q = q.col_expr(user::Column::LockedUntil, Expr::value(t));
    }
    q.filter(user::Column::Id.eq(id)).exec(db).await?;
    Ok(())
}

pub async fn record_login(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(user::Column::LastLoginAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn unlock(db: &impl ConnectionTrait, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn set_password(
    db: &impl ConnectionTrait,
    id: i64,
    password_hash: &str,
    must_change: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::PasswordHash, Expr::value(password_hash))
        .col_expr(user::Column::MustChangePassword, Expr::value(must_change))
        .col_expr(user::Column::PasswordChangedAt, Expr::value(now))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .col_expr(user::Column::FailedLogins, Expr::value(0))
        .col_expr(user::Column::LockedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Stores a pending (not yet confirmed) or confirmed TOTP secret.
pub async fn set_totp(
    db: &impl ConnectionTrait,
    id: i64,
    sealed_secret: Option<&str>,
    enabled: bool,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(
            user::Column::TotpSecretSealed,
            Expr::value(sealed_secret.map(str::to_string)),
        )
        .col_expr(user::Column::TotpEnabled, Expr::value(enabled))
        .col_expr(user::Column::TotpLastStep, Expr::value(Option::<i64>::None))
        .col_expr(user::Column::UpdatedAt, Expr::value(now))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Records the TOTP step just used; refuses (returns false) when a step at or
/// after it was already used, so one code cannot serve twice.
pub async fn use_totp_step(db: &impl ConnectionTrait, id: i64, step: i64) -> Result<bool, StoreError> {
    let res = user::Entity::update_many()
        .col_expr(user::Column::TotpLastStep, Expr::value(step))
        .filter(user::Column::Id.eq(id))
        .filter(
            Condition::any()
                .add(user::Column::TotpLastStep.is_null())
                .add(user::Column::TotpLastStep.lt(step)),
        )
        .exec(db)
        .await?;
    Ok(res.rows_affected == 1)
}

pub struct ProfileChange<'a> {
    pub display_name: &'a str,
    pub role: Role,
    pub department_id: i64,
    pub phone: &'a str,
    pub active: bool,
    pub now: DateTime<Utc>,
}

pub async fn update_profile(db: &impl ConnectionTrait, id: i64, c: ProfileChange<'_>) -> Result<(), StoreError> {
    user::Entity::update_many()
        .col_expr(user::Column::DisplayName, Expr::value(c.display_name))
        .col_expr(user::Column::Role, Expr::value(c.role.code()))
        .col_expr(user::Column::DepartmentId, Expr::value(c.department_id))
        .col_expr(user::Column::Phone, Expr::value(c.phone))
        .col_expr(user::Column::Active, Expr::value(c.active))
        .col_expr(user::Column::UpdatedAt, Expr::value(c.now))
        .filter(user::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Names of departments for a set of users, to show beside them.
pub async fn department_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> Result<std::collections::HashMap<i64, (String, String)>, StoreError> {
    let ids: Vec<i64> = ids.into_iter().collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    Ok(department::Entity::find()
        .filter(department::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, (d.code, d.name)))
        .collect())
}
