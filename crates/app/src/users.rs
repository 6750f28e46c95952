//! User management: 部门管理员 manage the accounts of their jurisdiction;
//! the province manages all.

use crate::audit::{By, Change, record};
use crate::crypto::{hash_password, temporary_password};
use crate::{Actor, App, AppError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::lockout::LockoutPolicy;
use spotcheck_domain::role::{Permission, Role};
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::users::{self, NewUser, ProfileChange, UserFilter, UserRow};
use spotcheck_store::{StoreError, sessions};
use utoipa::ToSchema;

/// A user as shown to administrators (never the password hash or secrets).
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    /// Role code, e.g. `department_admin`.
    pub role: String,
    pub role_label: String,
    pub department_code: String,
    pub department_name: String,
    pub phone: String,
    pub active: bool,
    pub locked_until: Option<DateTime<Utc>>,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl UserView {
    fn of(u: &UserRow, dept_code: &str, dept_name: &str) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            role: u.role.code().to_string(),
            role_label: u.role.label().to_string(),
            department_code: dept_code.to_string(),
            department_name: dept_name.to_string(),
            phone: u.phone.clone(),
            active: u.active,
            locked_until: u.locked_until,
            must_change_password: u.must_change_password,
            totp_enabled: u.totp_enabled,
            last_login_at: u.last_login_at,
            created_at: u.created_at,
        }
    }

    pub fn is_locked(&self, now: DateTime<Utc>) -> bool {
        LockoutPolicy::is_locked(self.locked_until, now)
    }

    /// What the audit digests cover: the fields an administrator can change.
    fn state(&self) -> serde_json::Value {
        serde_json::json!({
            "username": self.username, "display_name": self.display_name, "role": self.role,
            "department": self.department_code, "phone": self.phone, "active": self.active,
        })
    }
}

/// A page of results.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// Filter for the user list.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Part of the username or name.
    pub q: Option<String>,
    /// Role code.
    pub role: Option<String>,
    /// Department code.
    pub department: Option<String>,
    /// `true` for active accounts, `false` for deactivated ones.
    pub active: Option<bool>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// A new account.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct NewUserInput {
    pub username: String,
    pub display_name: String,
    /// Role code or Chinese name.
    pub role: String,
    pub department_code: String,
    #[serde(default)]
    pub phone: String,
    /// Optional initial password; one is generated when absent. The user must change it at first login.
    #[serde(default)]
    pub password: Option<String>,
}

/// Changes to an account.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct UserUpdate {
    pub display_name: String,
    pub role: String,
    pub department_code: String,
    #[serde(default)]
    pub phone: String,
    pub active: bool,
}

/// An account just created, with its one-time password.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CreatedUser {
    pub user: UserView,
    /// Shown once; the user must change it at first login.
    pub initial_password: String,
}

pub(crate) fn check_username(s: &str) -> Result<String, AppError> {
    let s = s.trim();
    let ok = (3..=32).contains(&s.len())
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'));
    if ok {
        Ok(s.to_string())
    } else {
        Err(AppError::invalid(
            "username",
            format!("用户名“{s}”无效：须为3–32位小写字母、数字或 _ . -，并以字母开头"),
        ))
    }
}

fn check_display_name(s: &str) -> Result<String, AppError> {
    let s = s.trim();
    let n = s.chars().count();
    if n == 0 || n > 32 || s.chars().any(char::is_control) {
        return Err(AppError::invalid("display_name", "姓名不能为空，且不超过32个字"));
    }
    Ok(s.to_string())
}

fn check_phone(s: &str) -> Result<String, AppError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(String::new());
    }
    let ok = (7..=20).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit() || c == '-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(AppError::invalid(
            "phone",
            format!("联系电话“{s}”无效：只能包含数字和“-”，7–20位"),
        ))
    }
}

fn parse_role(s: &str) -> Result<Role, AppError> {
    Role::parse(s).ok_or_else(|| {
        let all: Vec<_> = Role::ALL
            .iter()
            .map(|r| format!("{}（{}）", r.label(), r.code()))
            .collect();
        AppError::invalid("role", format!("角色“{s}”无效，可选：{}", all.join("、")))
    })
}

impl App {
    /// A department inside the actor's jurisdiction, by code.
    pub(crate) async fn department_in_scope(&self, actor: &Actor, code: &str) -> Result<DepartmentRow, AppError> {
        departments::get_code_in(self.store().conn(), &actor.jurisdiction(), code.trim())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "department_code",
                    format!("部门“{}”不存在或不在您的管辖范围内", code.trim()),
                )
            })
    }

    async fn view(&self, u: &UserRow) -> Result<UserView, AppError> {
        let d = departments::by_id(self.store().conn(), u.department_id).await?;
        let (code, name) = d.map(|d| (d.code.as_str().to_string(), d.name)).unwrap_or_default();
        Ok(UserView::of(u, &code, &name))
    }

    pub async fn list_users(&self, actor: &Actor, q: &UserQuery) -> Result<Page<UserView>, AppError> {
        actor.require(Permission::ManageUsers)?;
        let mut f = UserFilter {
            text: q.q.clone(),
            active: q.active,
            ..Default::default()
        };
        if let Some(r) = q.role.as_deref().filter(|s| !s.is_empty()) {
            f.role = Some(parse_role(r)?);
        }
        if let Some(d) = q.department.as_deref().filter(|s| !s.is_empty()) {
            f.department_id = Some(self.department_in_scope(actor, d).await?.id);
        }
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        let (rows, total) = users::list_in(self.store().conn(), &actor.jurisdiction(), &f, page, page_size).await?;
        let names = users::department_names(self.store().conn(), rows.iter().map(|u| u.department_id)).await?;
        let items = rows
            .iter()
            .map(|u| {
                let (c, n) = names.get(&u.department_id).cloned().unwrap_or_default();
                UserView::of(u, &c, &n)
            })
            .collect();
        Ok(Page {
            items,
            total,
            page,
            page_size,
        })
    }

    async fn user_in_scope(&self, actor: &Actor, id: i64) -> Result<UserRow, AppError> {
        actor.require(Permission::ManageUsers)?;
        users::get_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("用户"))
    }

    pub async fn get_user(&self, actor: &Actor, id: i64) -> Result<UserView, AppError> {
        let u = self.user_in_scope(actor, id).await?;
        self.view(&u).await
    }

    /// Checks that `role` may be given to an account of `dept` by `actor`.
    fn check_assignment(&self, actor: &Actor, role: Role, dept: &DepartmentRow) -> Result<(), AppError> {
        if !actor.role().may_assign(role) {
            return Err(AppError::Forbidden(format!("您不能设置“{}”角色", role.label())));
        }
        if role == Role::ProvinceAdmin && dept.parent_id.is_some() {
            return Err(AppError::invalid("role", "省级管理员只能属于省住房和城乡建设厅"));
        }
        Ok(())
    }

    pub async fn create_user(&self, actor: &Actor, input: &NewUserInput) -> Result<CreatedUser, AppError> {
        actor.require(Permission::ManageUsers)?;
        let username = check_username(&input.username)?;
        let display_name = check_display_name(&input.display_name)?;
        let phone = check_phone(&input.phone)?;
        let role = parse_role(&input.role)?;
        let dept = self.department_in_scope(actor, &input.department_code).await?;
        self.check_assignment(actor, role, &dept)?;
        let password = match input.password.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => {
                self.settings()
                    .password_policy
                    .check(&username, p)
                    .map_err(|m| AppError::invalid("password", m))?;
                p.to_string()
            }
            None => temporary_password(),
        };
        let pw = password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let now = self.now();
        let tx = self.store().begin().await?;
        let row = users::insert(
            &tx,
            NewUser {
                username: &username,
                display_name: &display_name,
                role,
                department_id: dept.id,
                phone: &phone,
                password_hash: &hash,
                must_change_password: true,
                now,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate { .. } => {
                AppError::invalid("username", format!("用户名“{username}”已存在，请换一个"))
            }
            other => other.into(),
        })?;
        let view = UserView::of(&row, dept.code.as_str(), &dept.name);
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::UserCreated, "user", row.id)
                .in_department(dept.code.as_str())
                .summary(format!(
                    "新增用户 {}（{}，{}，{}）",
                    username,
                    display_name,
                    role.label(),
                    dept.name
                ))
                .after(view.state()),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(CreatedUser {
            user: view,
            initial_password: password,
        })
    }

    pub async fn update_user(&self, actor: &Actor, id: i64, input: &UserUpdate) -> Result<UserView, AppError> {
        let current = self.user_in_scope(actor, id).await?;
        let before = self.view(&current).await?;
        let display_name = check_display_name(&input.display_name)?;
        let phone = check_phone(&input.phone)?;
        let role = parse_role(&input.role)?;
        let dept = self.department_in_scope(actor, &input.department_code).await?;
        if current.role != role || current.department_id != dept.id {
            self.check_assignment(actor, current.role, &dept)?;
            self.check_assignment(actor, role, &dept)?;
        }
        if id == actor.user.id && (role != current.role || dept.id != current.department_id || !input.active) {
            return Err(AppError::Forbidden(
                "不能修改本人的角色、部门或停用本人账号，请由其他管理员操作".into(),
            ));
        }
        let now = self.now();
        let tx = self.store().begin().await?;
        users::update_profile(
            &tx,
            id,
            ProfileChange {
                display_name: &display_name,
                role,
                department_id: dept.id,
                phone: &phone,
                active: input.active,
                now,
            },
        )
        .await?;
        if !input.active {
            sessions::delete_for_user(&tx, id, None).await?;
        }
        let updated = users::by_id(&tx, id)
            .await?
            .ok_or_else(|| AppError::not_found("用户"))?;
        let after = UserView::of(&updated, dept.code.as_str(), &dept.name);
        let action = match (current.active, input.active) {
            (true, false) => AuditAction::UserDeactivated,
            (false, true) => AuditAction::UserReactivated,
            _ => AuditAction::UserUpdated,
        };
        record(
            &tx,
            &By::actor(actor),
            Change::new(action, "user", id)
                .in_department(dept.code.as_str())
                .summary(format!(
                    "{} {}（{}）",
                    action.label(),
                    updated.username,
                    describe_changes(&before, &after)
                ))
                .before(before.state())
                .after(after.state()),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(after)
    }

    /// Sets a new one-time password; the user must change it at next login.
    pub async fn reset_password(&self, actor: &Actor, id: i64) -> Result<String, AppError> {
        let u = self.user_in_scope(actor, id).await?;
        let dept = departments::by_id(self.store().conn(), u.department_id).await?;
        let dept_code = dept.map(|d| d.code.as_str().to_string()).unwrap_or_default();
        if !actor.role().may_assign(u.role) {
            return Err(AppError::forbidden());
        }
        let password = temporary_password();
        let pw = password.clone();
        let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let tx = self.store().begin().await?;
        users::set_password(&tx, id, &hash, true, self.now()).await?;
        sessions::delete_for_user(&tx, id, None).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::UserPasswordReset, "user", id)
                .in_department(&dept_code)
                .summary(format!("重置用户 {} 的密码（下次登录须修改）", u.username)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(password)
    }

    pub async fn unlock_user(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let u = self.user_in_scope(actor, id).await?;
        let dept = departments::by_id(self.store().conn(), u.department_id).await?;
        let dept_code = dept.map(|d| d.code.as_str().to_string()).unwrap_or_default();
        let tx = self.store().begin().await?;
        users::unlock(&tx, id, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::UserUnlocked, "user", id)
                .in_department(&dept_code)
                .summary(format!("解除用户 {} 的登录锁定", u.username)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Removes a user's second factor (a lost phone); the user enrols again.
    pub async fn reset_user_totp(&self, actor: &Actor, id: i64) -> Result<(), AppError> {
        let u = self.user_in_scope(actor, id).await?;
        if !actor.role().may_assign(u.role) {
            return Err(AppError::forbidden());
        }
        let dept = departments::by_id(self.store().conn(), u.department_id).await?;
        let dept_code = dept.map(|d| d.code.as_str().to_string()).unwrap_or_default();
        let tx = self.store().begin().await?;
        users::set_totp(&tx, id, None, false, self.now()).await?;
        sessions::delete_for_user(&tx, id, None).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::TotpDisabled, "user", id)
                .in_department(&dept_code)
                .summary(format!("管理员解除用户 {} 的动态口令（须重新绑定）", u.username)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}

fn describe_changes(before: &UserView, after: &UserView) -> String {
    let mut parts = Vec::new();
    if before.display_name != after.display_name {
        parts.push(format!("姓名 {}→{}", before.display_name, after.display_name));
    }
    if before.role != after.role {
        parts.push(format!("角色 {}→{}", before.role_label, after.role_label));
    }
    if before.department_code != after.department_code {
        parts.push(format!("部门 {}→{}", before.department_name, after.department_name));
    }
    if before.phone != after.phone {
        parts.push("联系电话".to_string());
    }
    if before.active != after.active {
        parts.push(if after.active { "启用" } else { "停用" }.to_string());
    }
    if parts.is_empty() {
        "无变化".to_string()
    } else {
        parts.join("；")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert!(check_username("zhang.san").is_ok());
        assert!(check_username(" hrb_admin ").is_ok());
        assert!(check_username("Zhang").is_err());
        assert!(check_username("张三").is_err());
        assert!(check_username("ab").is_err());
        assert!(check_username("1abc").is_err());
    }

    #[test]
    fn phones_and_names() {
        assert!(check_phone("0451-86361234").is_ok());
        assert!(check_phone("").is_ok());
        assert!(check_phone("电话").is_err());
        assert!(check_display_name("").is_err());
        assert_eq!(check_display_name(" 张三 ").unwrap(), "张三");
    }
}
