//! The home page's figures: real counts from the database, chosen per role.

use crate::actor::china;
use crate::{Actor, App, AppError};
use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::Serialize;
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::role::{Permission, Role};
use spotcheck_store::{audit, departments, users};
use utoipa::ToSchema;

/// One figure on the home page.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Figure {
    pub label: String,
    pub value: i64,
    /// A short explanation under the number.
    pub hint: String,
    /// Where the figure's detail is (a page of the platform), if anywhere.
    pub link: Option<String>,
    /// `normal`, or `warn` when the figure needs attention.
    pub tone: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HomeView {
    pub role_label: String,
    pub department_name: String,
    pub figures: Vec<Figure>,
}

fn fig(label: &str, value: u64, hint: &str, link: Option<&str>) -> Figure {
    Figure {
        label: label.to_string(),
        value: value as i64,
        hint: hint.to_string(),
        link: link.map(str::to_string),
        tone: "normal".to_string(),
    }
}

/// Midnight of today in Beijing, as UTC.
fn start_of_day(now: DateTime<Utc>) -> DateTime<Utc> {
    let local = now
        .with_timezone(&china())
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .expect("midnight");
    china()
        .from_local_datetime(&local)
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

impl App {
    pub async fn home(&self, actor: &Actor) -> Result<HomeView, AppError> {
        let db = self.store().conn();
        let scope = actor.jurisdiction();
        let now = self.now();
        let today = start_of_day(now);
        let mut figures = Vec::new();

        if actor.may(Permission::ViewDepartments) {
            let depts = departments::list_in(db, &scope).await?;
            let competent = depts.iter().filter(|d| d.kind == DepartmentKind::Competent).count() as u64;
            let units = depts.len() as u64 - competent;
            figures.push(fig(
                "管辖归口部门",
                competent,
                "本部门及下级住建部门",
                Some("/departments"),
            ));
            figures.push(fig("执行单位", units, "执法支队、监督站等", Some("/departments")));
        }
        if actor.may(Permission::ViewPlans) {
            // 第三条: inspections outside 双随机 are their own category of the figures.
            let year = now.with_timezone(&china()).year();
            let outside = self.outside_figures(actor, year).await?;
            figures.push(fig(
                "不适用双随机的检查",
                outside.total,
                &format!("{year}年度，第三条所列情形，不计入随机抽查"),
                Some("/outside-inspections"),
            ));
        }
        if actor.may(Permission::ManageUsers) || actor.may(Permission::ReadAudit) {
            let by_role = users::count_by_role_in(db, &scope).await?;
            let total: u64 = by_role.iter().map(|(_, n)| n).sum();
            let inspectors = by_role
                .iter()
                .find(|(r, _)| *r == Role::Inspector)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            let link = actor.may(Permission::ManageUsers).then_some("/users");
            figures.push(fig("在用账号", total, "管辖范围内启用的账号", link));
            figures.push(fig("检查人员账号", inspectors, "可登录平台的执法检查人员", link));
            let locked = users::count_locked_in(db, &scope, now).await?;
            let mut f = fig("锁定中的账号", locked, "连续登录失败被锁定", link);
            if locked > 0 {
                f.tone = "warn".to_string();
            }
            figures.push(f);
        }
        if actor.may(Permission::ReadAudit) {
            let entries = audit::count_since_in(db, &scope, today, None).await?;
            let logins = audit::count_since_in(db, &scope, today, Some(AuditAction::Login.code())).await?;
            let failed = audit::count_since_in(db, &scope, today, Some(AuditAction::LoginFailed.code())).await?;
            figures.push(fig("今日操作记录", entries, "今日写入审计链的记录", Some("/audit")));
            figures.push(fig(
                "今日登录",
                logins,
                "今日成功登录次数",
                Some("/audit?action=auth.login"),
            ));
            let mut f = fig(
                "今日登录失败",
                failed,
                "用户名或密码、动态口令错误",
                Some("/audit?action=auth.login_failed"),
            );
            if failed > 0 {
                f.tone = "warn".to_string();
            }
            figures.push(f);
        }
        if figures.is_empty() {
            // Roles without management rights see their own activity.
            let mine = spotcheck_store::audit::AuditFilter {
                actor: Some(actor.user.username.clone()),
                from: Some(today),
                ..Default::default()
            };
            let (_, n) = audit::list_in(db, &scope, &mine, 1, 1).await?;
            figures.push(fig("我今日的操作", n, "今日以本人账号留下的操作记录", None));
            let since = now - chrono::Duration::days(30);
            let logins = spotcheck_store::audit::AuditFilter {
                actor: Some(actor.user.username.clone()),
                action: Some(AuditAction::Login.code().to_string()),
                from: Some(since),
                ..Default::default()
            };
            let (_, n) = audit::list_in(db, &scope, &logins, 1, 1).await?;
            figures.push(fig("近30天登录", n, "本人账号成功登录次数", None));
        }
        // Every role: what awaits the user (站内消息 asking them to act).
        let counts = self.message_counts(actor).await?;
        let mut todo = fig(
            "待办事项",
            counts.todo,
            "需要您或本部门处理的事项",
            Some("/messages?box=todo"),
        );
        if counts.todo > 0 {
            todo.tone = "warn".to_string();
        }
        figures.insert(0, todo);
        Ok(HomeView {
            role_label: actor.role().label().to_string(),
            department_name: actor.department.name.clone(),
            figures,
        })
    }
}
