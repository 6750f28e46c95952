//! Creating the platform's base data: the divisions of Heilongjiang and the
//! 住建 department of each, and accounts added from the command line.

use crate::audit::{By, Change, record};
use crate::crypto::hash_password;
use crate::users::check_username;
use crate::{App, AppError, RequestMeta};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::department::{DepartmentCode, DepartmentKind, competent_department_name};
use spotcheck_domain::division::{DivisionLevel, HEILONGJIANG_CSV, parse_divisions};
use spotcheck_domain::jurisdiction::child_path;
use spotcheck_domain::role::Role;
use spotcheck_store::departments::{self, NewDepartment};
use spotcheck_store::users::{self, NewUser};
use spotcheck_store::{ConnectionTrait, StoreError};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct InitReport {
    pub divisions_added: usize,
    pub departments_added: usize,
}

/// Adds the competent department of a division unless present; returns whether it was added.
pub(crate) async fn ensure_department(
    db: &impl ConnectionTrait,
    code: &DepartmentCode,
    name: &str,
    kind: DepartmentKind,
    division_code: &str,
    parent_code: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, AppError> {
    if departments::by_code(db, code.as_str()).await?.is_some() {
        return Ok(false);
    }
    let parent = match parent_code {
        Some(p) => Some(
            departments::by_code(db, p)
                .await?
                .ok_or_else(|| AppError::Internal(format!("上级部门{p}不存在")))?,
        ),
        None => None,
    };
    let path = child_path(parent.as_ref().map(|p| p.path.as_str()), code);
    departments::insert(
        db,
        NewDepartment {
            code,
            name,
            kind,
            division_code,
            parent_id: parent.map(|p| p.id),
            path: &path,
            now,
        },
    )
    .await?;
    Ok(true)
}

impl App {
    /// Creates or completes the division and department tree. Running it
    /// again changes nothing.
    pub async fn initialize(&self) -> Result<InitReport, AppError> {
        let divisions = parse_divisions(HEILONGJIANG_CSV).map_err(AppError::Internal)?;
        let now = self.now();
        let tx = self.store().begin().await?;
        let mut report = InitReport::default();
        for d in &divisions {
            if departments::ensure_division(&tx, d).await? {
                report.divisions_added += 1;
            }
            let code = DepartmentCode::for_division(&d.code);
            let name = competent_department_name(&d.name, d.level == DivisionLevel::Province);
            let parent = d.parent.as_ref().map(|p| p.as_str().to_string());
            if ensure_department(
                &tx,
                &code,
                &name,
                DepartmentKind::Competent,
                d.code.as_str(),
                parent.as_deref(),
                now,
            )
            .await?
            {
                report.departments_added += 1;
            }
        }
        if report != InitReport::default() {
            let root = divisions.iter().find(|d| d.parent.is_none()).expect("one root");
            record(
                &tx,
                &By::system(root.code.as_str(), RequestMeta::cli()),
                Change::new(AuditAction::SystemInitialized, "system", root.code.as_str())
                    .in_department(root.code.as_str())
                    .summary(format!(
                        "初始化行政区划{}个、住建部门{}个",
                        report.divisions_added, report.departments_added
                    )),
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(report)
    }

    /// Adds an account from the command line (the first 省级管理员 of a new
    /// installation comes this way). The password is checked against the policy.
    pub async fn add_user_cli(
        &self,
        username: &str,
        display_name: Option<&str>,
        role: Role,
        department_code: &str,
        password: &str,
    ) -> Result<(), AppError> {
        let username = check_username(username)?;
        self.settings()
            .password_policy
            .check(&username, password)
            .map_err(|m| AppError::invalid("password", m))?;
        let dept = departments::by_code(self.store().conn(), department_code.trim())
            .await?
            .ok_or_else(|| AppError::invalid("department", format!("部门编码“{}”不存在", department_code.trim())))?;
        if role == Role::ProvinceAdmin && dept.parent_id.is_some() {
            return Err(AppError::invalid(
                "role",
                "省级管理员只能属于省住房和城乡建设厅（部门编码230000）",
            ));
        }
        let pw = password.to_string();
        let hash = tokio::task::spawn_blocking(move || hash_password(&pw))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))??;
        let root = departments::root(self.store().conn())
            .await?
            .ok_or_else(|| AppError::Internal("数据库尚未初始化，请先运行 spotcheck init".into()))?;
        let tx = self.store().begin().await?;
        let row = users::insert(
            &tx,
            NewUser {
                username: &username,
                display_name: display_name.unwrap_or(&username),
                role,
                department_id: dept.id,
                phone: "",
                password_hash: &hash,
                must_change_password: false,
                now: self.now(),
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate { .. } => AppError::invalid("username", format!("用户名“{username}”已存在")),
            other => other.into(),
        })?;
        record(
            &tx,
            &By::system(root.code.as_str(), RequestMeta::cli()),
            Change::new(AuditAction::UserCreated, "user", row.id)
                .in_department(dept.code.as_str())
                .summary(format!(
                    "命令行新增用户 {}（{}，{}）",
                    username,
                    role.label(),
                    dept.name
                ))
                .after(
                    serde_json::json!({"username": username, "role": role.code(), "department": dept.code.as_str()}),
                ),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
