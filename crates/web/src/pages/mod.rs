//! The server-rendered pages of the working platform (Chinese, askama
//! templates). Every page that shows department data takes a [`WebUser`];
//! every form arrives through [`WebForm`], which checks the CSRF token.

mod account;
mod audit;
mod calendar;
mod categories;
mod dashboard;
mod departments;
mod directory;
mod experts;
pub(crate) mod home;
mod inspections;
mod items;
mod login;
pub(crate) mod messages;
mod outside;
mod plans;
mod public;
pub(crate) mod public_results;
mod results;
pub(crate) mod tasks;
mod teams;
mod users;

use crate::AppState;
use axum::Router;
use axum::routing::{get, post};
use spotcheck_app::Actor;
use spotcheck_domain::role::Permission;

/// Pages that take an identifier in their path: the jurisdiction test walks
/// each of them with another department's identifier and expects 404.
/// `{id}` is a user id, `{code}` a department code, `{seq}` an audit entry.
pub const ID_ROUTES: &[(&str, &str)] = &[
    ("GET", "/users/{id}"),
    ("GET", "/users/{id}/edit"),
    ("POST", "/users/{id}"),
    ("POST", "/users/{id}/reset-password"),
    ("POST", "/users/{id}/unlock"),
    ("POST", "/users/{id}/reset-totp"),
    ("GET", "/departments/{code}"),
    ("POST", "/departments/{code}"),
    ("POST", "/departments/{code}/units"),
    ("GET", "/audit/{seq}"),
    ("GET", "/experts/{expert_id}"),
    ("POST", "/experts/{expert_id}"),
    ("GET", "/objects/{object_id}"),
    ("GET", "/objects/{object_id}/edit"),
    ("POST", "/objects/{object_id}"),
    ("POST", "/objects/{object_id}/active"),
    ("POST", "/objects/{object_id}/id-number"),
    ("GET", "/inspectors/{inspector_id}"),
    ("GET", "/inspectors/{inspector_id}/edit"),
    ("POST", "/inspectors/{inspector_id}"),
    ("POST", "/inspectors/{inspector_id}/active"),
    ("POST", "/inspectors/{inspector_id}/account"),
    ("POST", "/inspectors/{inspector_id}/id-number"),
    ("POST", "/inspectors/{inspector_id}/conflicts"),
    ("POST", "/conflicts/{conflict_id}/withdraw"),
    ("GET", "/imports/{job_id}"),
    ("GET", "/imports/{job_id}/status"),
    ("GET", "/imports/{job_id}/errors.xlsx"),
    ("GET", "/plans/{plan_id}"),
    ("POST", "/plans/{plan_id}/entries"),
    ("GET", "/plans/{plan_id}/entries/{position}/edit"),
    ("POST", "/plans/{plan_id}/entries/{position}"),
    ("POST", "/plans/{plan_id}/entries/{position}/delete"),
    ("POST", "/plans/{plan_id}/file"),
    ("POST", "/plans/{plan_id}/acknowledge"),
    ("POST", "/plans/{plan_id}/return"),
    ("POST", "/plans/{plan_id}/publish"),
    ("POST", "/plans/{plan_id}/adjust"),
    ("GET", "/tasks/{task_id}"),
    ("POST", "/tasks/{task_id}/items/{position}/lock"),
    ("POST", "/tasks/{task_id}/items/{position}/reveal"),
    ("POST", "/tasks/{task_id}/confirm"),
    ("POST", "/tasks/{task_id}/dispatch"),
    ("POST", "/tasks/{task_id}/archives"),
    ("GET", "/tasks/{task_id}/archive.zip"),
    ("POST", "/tasks/{task_id}/publication"),
    ("GET", "/results/{inspection_id}"),
    ("POST", "/results/{inspection_id}/corrections"),
    ("POST", "/results/{inspection_id}/objections"),
    ("POST", "/results/{inspection_id}/followups"),
    ("POST", "/corrections/{correction_id}/decision"),
    ("POST", "/objections/{objection_id}/decision"),
    ("POST", "/objections/{objection_id}/feedback"),
    ("GET", "/objection-files/{file_id}"),
    ("GET", "/tasks/{task_id}/units/{unit_code}/match"),
    ("POST", "/tasks/{task_id}/units/{unit_code}/match/lock"),
    ("POST", "/tasks/{task_id}/units/{unit_code}/match/reveal"),
    ("POST", "/teams/{team_id}/experts"),
    ("POST", "/team-members/{member_id}/remove-expert"),
    ("POST", "/team-members/{member_id}/replacements"),
    ("POST", "/replacements/{replacement_id}/decision"),
    ("POST", "/replacements/{replacement_id}/reveal"),
    ("GET", "/teams/{team_id}/inspection"),
    ("POST", "/teams/{team_id}/inspection"),
    ("POST", "/teams/{team_id}/inspection/plan"),
    ("POST", "/teams/{team_id}/inspection/save"),
    ("POST", "/teams/{team_id}/inspection/close"),
    ("POST", "/teams/{team_id}/inspection/reopen"),
    ("POST", "/teams/{team_id}/inspection/confirm"),
    ("GET", "/teams/{team_id}/evidence/{evidence_id}"),
    ("GET", "/teams/{team_id}/uploads/{upload_id}"),
    ("GET", "/teams/{team_id}/documents/{kind}"),
    ("GET", "/outside-inspections/{outside_id}"),
    ("POST", "/outside-inspections/{outside_id}/void"),
    ("GET", "/messages/{message_id}/open"),
    ("POST", "/messages/{message_id}/read"),
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route("/login", get(login::form).post(login::submit))
        .route("/login/totp", get(login::totp_form).post(login::totp_submit))
        .route("/logout", post(login::logout))
        .route(
            "/account/password",
            get(account::password_form).post(account::password_submit),
        )
        .route("/account/totp", get(account::totp_page))
        .route("/account/totp/begin", post(account::totp_begin))
        .route("/account/totp/confirm", post(account::totp_confirm))
        .route("/account/totp/disable", post(account::totp_disable))
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/edit", get(users::edit_form))
        .route("/users/{id}/reset-password", post(users::reset_password))
        .route("/users/{id}/unlock", post(users::unlock))
        .route("/users/{id}/reset-totp", post(users::reset_totp))
        .route("/departments", get(departments::list))
        .route("/departments/{code}", get(departments::show).post(departments::update))
        .route("/departments/{code}/units", post(departments::create_unit))
        .route("/audit", get(audit::list))
        .route("/audit/export.csv", get(audit::export))
        .route("/audit/verify", post(audit::verify))
        .route("/audit/{seq}", get(audit::show))
        .route("/messages", get(messages::list))
        .route("/messages/read-all", post(messages::mark_all_read))
        .route("/messages/{message_id}/open", get(messages::open))
        .route("/messages/{message_id}/read", post(messages::mark_read))
        .merge(items::router())
        .merge(experts::router())
        .merge(directory::router())
        .merge(plans::router())
        .merge(public::router())
        .merge(tasks::router())
        .merge(teams::router())
        .merge(outside::router())
        .merge(inspections::router())
        .merge(categories::router())
        .merge(calendar::router())
        .merge(dashboard::router())
        .merge(results::router())
        .merge(public_results::router())
}

pub struct MenuItem {
    pub label: &'static str,
    pub href: &'static str,
    pub active: bool,
}

pub struct MenuGroup {
    pub title: &'static str,
    pub items: Vec<MenuItem>,
}

/// What every page of the working platform shows around its body.
pub struct Frame {
    pub platform: String,
    pub user_name: String,
    pub department: String,
    pub role_label: String,
    pub csrf: String,
    pub menu: Vec<MenuGroup>,
    pub crumbs: Vec<(String, Option<String>)>,
    pub notice: Option<String>,
    /// Open 待办 of the user, for the top bar (None on pages before the user is fully logged in).
    pub todo: Option<u64>,
    /// Unread 站内消息 of the user.
    pub unread: Option<u64>,
}

/// The menu a role may use, grouped as the rules' chapters. Entries appear
/// only for what exists and what the role may do; a user with a pending step
/// (password change, TOTP enrolment) sees only that.
fn menu(actor: &Actor, gated: bool, active: &str) -> Vec<MenuGroup> {
    let item = |label, href: &'static str| MenuItem {
        label,
        href,
        active: active == href,
    };
    if !gated {
        return vec![MenuGroup {
            title: "个人设置",
            items: vec![item("修改密码", "/account/password"), item("动态口令", "/account/totp")],
        }];
    }
    let mut groups = vec![MenuGroup {
        title: "工作台",
        items: vec![item("首页", "/"), item("站内消息", "/messages")],
    }];
    let mut directories = vec![item("抽查事项清单", "/items")];
    if actor.may(Permission::ViewDirectories) {
        directories.push(item("检查对象名录库", "/objects"));
        directories.push(item("执法检查人员名录库", "/inspectors"));
        directories.push(item("专家库", "/experts"));
    }
    if !directories.is_empty() {
        groups.push(MenuGroup {
            title: "一单两库",
            items: directories,
        });
    }
    if actor.may(Permission::ViewPlans) {
        groups.push(MenuGroup {
            title: "抽查计划与任务",
            items: vec![
                item("年度抽查计划", "/plans"),
                item("抽查任务", "/tasks"),
                item("不适用双随机的检查", "/outside-inspections"),
                item("异议与更正", "/objections"),
                item("监管看板", "/dashboard"),
            ],
        });
    }
    let mut system = Vec::new();
    if actor.may(Permission::ManageUsers) {
        system.push(item("用户管理", "/users"));
    }
    if actor.may(Permission::ViewDepartments) {
        system.push(item("部门与执行单位", "/departments"));
    }
    if actor.may(Permission::ManageItems) {
        system.push(item("检查结果类别", "/result-categories"));
    }
    if actor.may(Permission::ViewPlans) {
        system.push(item("工作日历", "/calendar"));
    }
    if actor.may(Permission::ReadAudit) {
        system.push(item("审计日志", "/audit"));
    }
    if !system.is_empty() {
        groups.push(MenuGroup {
            title: "系统",
            items: system,
        });
    }
    groups.push(MenuGroup {
        title: "个人设置",
        items: vec![item("修改密码", "/account/password"), item("动态口令", "/account/totp")],
    });
    groups
}

impl Frame {
    pub fn new(state: &AppState, actor: &Actor, active: &str) -> Self {
        let gated = state.app.gate(actor).is_ok();
        Self {
            platform: state.app.settings().platform_name.clone(),
            user_name: actor.user.display_name.clone(),
            department: actor.department.name.clone(),
            role_label: actor.role().label().to_string(),
            csrf: actor.csrf_token.clone(),
            menu: menu(actor, gated, active),
            crumbs: Vec::new(),
            notice: None,
            todo: gated.then(messages::topbar_counts).flatten().map(|c| c.todo),
            unread: gated.then(messages::topbar_counts).flatten().map(|c| c.unread),
        }
    }

    pub fn crumb(mut self, label: impl Into<String>, href: Option<&str>) -> Self {
        self.crumbs.push((label.into(), href.map(str::to_string)));
        self
    }

    /// The confirmation shown after a redirect (`?ok=…`).
    pub fn notice_from(mut self, ok: Option<&str>) -> Self {
        self.notice = ok.and_then(notice_text).map(str::to_string);
        self
    }
}

fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "saved" => "已保存。",
        "recusal" => "已提交回避申请，待分管负责人审批。",
        "created" => "已创建。",
        "unlocked" => "已解除锁定。",
        "totp-reset" => "已解除该用户的动态口令，用户下次登录时须重新绑定（如角色要求）。",
        "password" => "密码已修改。",
        "totp" => "动态口令已绑定，下次登录时需要输入。",
        "totp-off" => "动态口令已解除。",
        _ => return None,
    })
}

#[derive(serde::Deserialize, Default)]
pub struct OkQuery {
    pub ok: Option<String>,
}

/// `2026-03-10 14:30`, or — for nothing.
pub fn time_or_dash(t: Option<&chrono::DateTime<chrono::Utc>>) -> String {
    t.map(spotcheck_app::actor::local_time)
        .unwrap_or_else(|| "—".to_string())
}

/// The page sizes a list offers (ui.md: `共 N 条`, page size).
pub const PAGE_SIZES: [u64; 3] = [20, 50, 100];

/// The page size asked for in the address, if it is one of [`PAGE_SIZES`].
pub fn page_size(requested: Option<u64>, default: u64) -> u64 {
    requested.filter(|n| PAGE_SIZES.contains(n)).unwrap_or(default)
}

/// The pager under a list: `共 N 条`, page links keeping the filters, and —
/// for a list whose `query` carries a `page_size` key — the page-size choice.
pub fn pager(total: u64, page: u64, page_size: u64, base: &str, query: &[(&str, String)]) -> String {
    let pages = total.div_ceil(page_size).max(1);
    let href = |extra: &[(&str, String)], skip_size: bool| {
        let mut q: Vec<(&str, String)> = query
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .filter(|(k, _)| !skip_size || *k != "page_size")
            .cloned()
            .collect();
        q.extend(extra.iter().cloned());
        html_escape(&format!(
            "{base}?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        ))
    };
    let link = |p: u64| href(&[("page", p.to_string())], false);
    let mut out = format!(
        "<div class=\"pager\"><span>共 {} 条，第 {page}/{pages} 页</span>",
        thousands(total)
    );
    if page > 1 {
        out.push_str(&format!("<a href=\"{}\">上一页</a>", link(page - 1)));
    }
    let lo = page.saturating_sub(3).max(1);
    let hi = (page + 3).min(pages);
    for p in lo..=hi {
        if p == page {
            out.push_str(&format!("<span class=\"cur\">{p}</span>"));
        } else {
            out.push_str(&format!("<a href=\"{}\">{p}</a>", link(p)));
        }
    }
    if page < pages {
        out.push_str(&format!("<a href=\"{}\">下一页</a>", link(page + 1)));
    }
    if query.iter().any(|(k, _)| *k == "page_size") {
        out.push_str("<span class=\"sizes\">每页");
        for n in PAGE_SIZES {
            if n == page_size {
                out.push_str(&format!("<span class=\"cur\">{n}</span>"));
            } else {
                let to = href(&[("page_size", n.to_string())], true);
                out.push_str(&format!("<a href=\"{to}\" title=\"每页显示{n}条\">{n}</a>"));
            }
        }
        out.push_str("条</span>");
    }
    out.push_str("</div>");
    out
}

/// `1,234,567`: figures in tables are read faster with separators.
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Department options for select boxes: (code, indented name).
pub fn department_options(depts: &[spotcheck_app::departments::DepartmentView]) -> Vec<(String, String)> {
    let base = depts.iter().map(|d| d.depth).min().unwrap_or(0);
    depts
        .iter()
        .map(|d| (d.code.clone(), format!("{}{}", "　".repeat(d.depth - base), d.name)))
        .collect()
}

pub type PageResult = Result<axum::response::Response, crate::error::PageError>;

/// Renders a template into a response.
pub fn render(t: impl askama::Template) -> PageResult {
    use axum::response::IntoResponse;
    Ok(axum::response::Html(t.render()?).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn pager_offers_page_sizes_only_to_lists_that_take_them() {
        let plain = super::pager(45, 1, 20, "/x", &[("q", "a".into())]);
        assert!(plain.contains("共 45 条，第 1/3 页") && !plain.contains("每页"));
        let sized = super::pager(45, 2, 20, "/x", &[("q", "a".into()), ("page_size", String::new())]);
        assert!(sized.contains("<span class=\"cur\">20</span>"), "{sized}");
        assert!(
            sized.contains("href=\"/x?q=a&amp;page_size=50\""),
            "a size link starts at page 1: {sized}"
        );
        assert!(sized.contains("href=\"/x?q=a&amp;page=3\""), "{sized}");
        let fifty = super::pager(45, 1, 50, "/x", &[("page_size", "50".into())]);
        assert!(fifty.contains("共 45 条，第 1/1 页") && fifty.contains("<span class=\"cur\">50</span>"));
        assert_eq!(super::page_size(Some(50), 20), 50);
        assert_eq!(super::page_size(Some(7), 20), 20, "only the offered sizes");
        assert_eq!(super::page_size(None, 30), 30);
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(0), "0");
        assert_eq!(super::thousands(1234), "1,234");
        assert_eq!(super::thousands(1234567), "1,234,567");
    }
}
