//! 执法检查人员名录库: inspectors (through the shared directory pipeline in
//! `objects`), experts who assist teams, and declared conflicts of interest.

use crate::audit::{By, Change, record};
use crate::users::Page;
use crate::{Actor, App, AppError};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::role::Permission;
use spotcheck_store::StoreError;
use spotcheck_store::departments;
use spotcheck_store::inspectors::{self, ExpertData, ExpertRow};
use spotcheck_store::objects;
use utoipa::ToSchema;

/// The kinds of organisation an expert may come from (第十一条).
pub const EXPERT_ORGANISATION_KINDS: [&str; 4] = ["检测机构", "科研院所", "高等院校", "其他"];

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ExpertView {
    pub id: i64,
    pub department_code: String,
    pub department_name: String,
    pub name: String,
    pub organisation: String,
    pub organisation_kind: String,
    pub expertise: String,
    pub phone: String,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ExpertInput {
    /// The department keeping the expert (inside the caller's jurisdiction).
    pub department_code: String,
    pub name: String,
    pub organisation: String,
    /// 检测机构, 科研院所, 高等院校 or 其他.
    pub organisation_kind: String,
    /// Fields of expertise, free text.
    pub expertise: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

fn text_field(field: &str, label: &str, s: &str, max: usize, required: bool) -> Result<String, AppError> {
    let s = s.trim();
    let n = s.chars().count();
    if required && n == 0 {
        return Err(AppError::invalid(field, format!("{label}不能为空")));
    }
    if n > max || s.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::invalid(
            field,
            format!("{label}不能超过{max}个字，且不能包含控制字符"),
        ));
    }
    Ok(s.to_string())
}

impl ExpertInput {
    fn validate(&self) -> Result<ExpertData, AppError> {
        let kind = self.organisation_kind.trim();
        if !EXPERT_ORGANISATION_KINDS.contains(&kind) {
            return Err(AppError::invalid(
                "organisation_kind",
                format!("单位类型“{kind}”无效，可选：{}", EXPERT_ORGANISATION_KINDS.join("、")),
            ));
        }
        let phone = self.phone.trim();
        if !phone.is_empty() && !phone.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return Err(AppError::invalid(
                "phone",
                format!("联系电话“{phone}”只能包含数字和“-”"),
            ));
        }
        Ok(ExpertData {
            name: text_field("name", "姓名", &self.name, 32, true)?,
            organisation: text_field("organisation", "所在单位", &self.organisation, 60, true)?,
            organisation_kind: kind.to_string(),
            expertise: text_field("expertise", "专业特长", &self.expertise, 200, true)?,
            phone: phone.to_string(),
        })
    }
}

/// A declared conflict of interest.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ConflictView {
    pub id: i64,
    pub inspector_id: i64,
    pub object_id: i64,
    /// The object's code and name.
    pub object_code: String,
    pub object_name: String,
    pub reason: String,
    pub declared_by: String,
    pub declared_at: DateTime<Utc>,
    pub active: bool,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub withdrawn_reason: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ConflictInput {
    pub object_id: i64,
    /// Why the inspector must not inspect this object (亲属关系, 曾任职, 经济往来 …).
    pub reason: String,
}

impl App {
    async fn expert_view(&self, e: ExpertRow) -> Result<ExpertView, AppError> {
        let d = departments::by_id(self.store().conn(), e.department_id).await?;
        let (code, name) = d.map(|d| (d.code.as_str().to_string(), d.name)).unwrap_or_default();
        Ok(ExpertView {
            id: e.id,
            department_code: code,
            department_name: name,
            name: e.data.name,
            organisation: e.data.organisation,
            organisation_kind: e.data.organisation_kind,
            expertise: e.data.expertise,
            phone: e.data.phone,
            active: e.active,
            updated_at: e.updated_at,
        })
    }

    pub async fn list_experts(
        &self,
        actor: &Actor,
        text: Option<&str>,
        page: u64,
    ) -> Result<Page<ExpertView>, AppError> {
        actor.require(Permission::ViewDirectories)?;
        let page = page.max(1);
        let (rows, total) = inspectors::experts_in(self.store().conn(), &actor.jurisdiction(), text, page, 20).await?;
        let mut items = Vec::with_capacity(rows.len());
        for r in rows {
            items.push(self.expert_view(r).await?);
        }
        Ok(Page {
            items,
            total,
            page,
            page_size: 20,
        })
    }

    pub async fn get_expert(&self, actor: &Actor, id: i64) -> Result<ExpertView, AppError> {
        actor.require(Permission::ViewDirectories)?;
        let e = inspectors::expert_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("专家"))?;
        self.expert_view(e).await
    }

    pub async fn create_expert(&self, actor: &Actor, input: &ExpertInput) -> Result<ExpertView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let data = input.validate()?;
        let dept = self.department_in_scope(actor, &input.department_code).await?;
        let tx = self.store().begin().await?;
        let row = inspectors::insert_expert(&tx, dept.id, &data, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ExpertCreated, "expert", row.id)
                .in_department(dept.code.as_str())
                .summary(format!("新增专家 {}（{}）", data.name, data.organisation))
                .after(serde_json::to_value(&data).expect("json")),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.expert_view(row).await
    }

    pub async fn update_expert(&self, actor: &Actor, id: i64, input: &ExpertInput) -> Result<ExpertView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let current = inspectors::expert_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("专家"))?;
        let data = input.validate()?;
        let dept = departments::by_id(self.store().conn(), current.department_id)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        let tx = self.store().begin().await?;
        inspectors::update_expert(&tx, id, &data, input.active, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ExpertUpdated, "expert", id)
                .in_department(dept.code.as_str())
                .summary(format!(
                    "修改专家 {}{}",
                    data.name,
                    if input.active { "" } else { "（停用）" }
                ))
                .before(serde_json::json!({"data": current.data, "active": current.active}))
                .after(serde_json::json!({"data": data, "active": input.active})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_expert(actor, id).await
    }

    pub async fn conflicts_of_inspector(
        &self,
        actor: &Actor,
        inspector_id: i64,
    ) -> Result<Vec<ConflictView>, AppError> {
        actor.require(Permission::ViewDirectories)?;
        inspectors::get_in(self.store().conn(), &actor.jurisdiction(), inspector_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查人员"))?;
        let rows = inspectors::conflicts_of(self.store().conn(), Some(inspector_id), None, false).await?;
        let ids: Vec<i64> = rows.iter().map(|c| c.object_id).collect();
        let labels = inspectors::object_labels(self.store().conn(), &ids).await?;
        Ok(rows
            .into_iter()
            .map(|c| {
                let (code, name) = labels.get(&c.object_id).cloned().unwrap_or_default();
                ConflictView {
                    id: c.id,
                    inspector_id: c.inspector_id,
                    object_id: c.object_id,
                    object_code: code,
                    object_name: name,
                    reason: c.reason,
                    declared_by: c.declared_by,
                    declared_at: c.declared_at,
                    active: c.active,
                    withdrawn_at: c.withdrawn_at,
                    withdrawn_reason: c.withdrawn_reason,
                }
            })
            .collect())
    }

    /// Records that an inspector has an interest in an object (利害关系); the
    /// matching draw will exclude this inspector from this object.
    pub async fn declare_conflict(
        &self,
        actor: &Actor,
        inspector_id: i64,
        input: &ConflictInput,
    ) -> Result<ConflictView, AppError> {
        // An inspector may declare its own conflict; administrators record any inside their jurisdiction.
        let scope = actor.jurisdiction();
        let inspector = inspectors::get_in(self.store().conn(), &scope, inspector_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查人员"))?;
        let own = inspector.user_id == Some(actor.user.id);
        if !own {
            actor.require(Permission::ManageDirectories)?;
        }
        let object = objects::get_in(self.store().conn(), &scope, input.object_id)
            .await?
            .ok_or_else(|| AppError::invalid("object_id", "检查对象不存在或不在您的管辖范围内"))?;
        let reason = text_field("reason", "利害关系说明", &input.reason, 200, true)?;
        let existing = inspectors::conflicts_of(self.store().conn(), Some(inspector_id), Some(object.id), true).await?;
        if !existing.is_empty() {
            return Err(AppError::Conflict(format!(
                "已登记{}与“{}”的利害关系",
                inspector.data.name, object.data.name
            )));
        }
        let dept = departments::by_id(self.store().conn(), inspector.department_id).await?;
        let dept_code = dept.map(|d| d.code.as_str().to_string()).unwrap_or_default();
        let tx = self.store().begin().await?;
        let row = inspectors::declare_conflict(&tx, inspector_id, object.id, &reason, &actor.user.username, self.now())
            .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ConflictDeclared, "conflict", row.id)
                .in_department(&dept_code)
                .summary(format!(
                    "登记利害关系：{}（{}）与{}（{}）：{}",
                    inspector.data.name, inspector.data.cert_no, object.data.name, object.data.key_code, reason
                ))
                .after(serde_json::json!({"inspector": inspector.data.cert_no, "object": object.data.key_code, "reason": reason})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        let views = self.conflicts_of_inspector(actor, inspector_id).await?;
        views
            .into_iter()
            .find(|c| c.id == row.id)
            .ok_or_else(|| AppError::not_found("利害关系"))
    }

    pub async fn withdraw_conflict(&self, actor: &Actor, conflict_id: i64, reason: &str) -> Result<(), AppError> {
        actor.require(Permission::ManageDirectories)?;
        let c = inspectors::conflict_in(self.store().conn(), &actor.jurisdiction(), conflict_id)
            .await?
            .ok_or_else(|| AppError::not_found("利害关系"))?;
        if !c.active {
            return Err(AppError::Conflict("该利害关系已撤销".into()));
        }
        let reason = text_field("reason", "撤销原因", reason, 200, true)?;
        let inspector = inspectors::get_in(self.store().conn(), &actor.jurisdiction(), c.inspector_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查人员"))?;
        let dept = departments::by_id(self.store().conn(), inspector.department_id).await?;
        let dept_code = dept.map(|d| d.code.as_str().to_string()).unwrap_or_default();
        let tx = self.store().begin().await?;
        inspectors::withdraw_conflict(&tx, conflict_id, &reason, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ConflictWithdrawn, "conflict", conflict_id)
                .in_department(&dept_code)
                .summary(format!("撤销{}的利害关系登记：{}", inspector.data.name, reason)),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
