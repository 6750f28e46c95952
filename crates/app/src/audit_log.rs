//! Reading the audit trail: 审计员 and the province see the entries of their
//! jurisdiction, filter them, export them, and check the chain.

use crate::actor::{china, local_time_secs};
use crate::audit::{By, Change, record};
use crate::users::Page;
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::role::{Permission, Role};
use spotcheck_store::StoreError;
use spotcheck_store::audit::{self, AuditEntryRow, AuditFilter, ChainReport};
use utoipa::ToSchema;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuditEntryView {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor: String,
    pub actor_role: String,
    pub actor_role_label: String,
    /// Code of the acting department.
    pub department: String,
    /// Code of the department the target belongs to ("" when none).
    pub target_department: String,
    pub action: String,
    pub action_label: String,
    pub target_type: String,
    pub target_id: String,
    /// The target in words, e.g. `用户（编号 12）`.
    pub target_label: String,
    pub summary: String,
    pub before_digest: String,
    pub after_digest: String,
    pub client_addr: String,
    pub request_id: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditEntryRow> for AuditEntryView {
    fn from(r: AuditEntryRow) -> Self {
        let f = r.fields;
        Self {
            seq: f.seq,
            occurred_at: f.occurred_at,
            actor_role_label: Role::parse(&f.actor_role)
                .map(|r| r.label().to_string())
                .unwrap_or_default(),
            actor: f.actor,
            actor_role: f.actor_role,
            department: f.department,
            target_department: f.target_department,
            action_label: AuditAction::label_of(&f.action).to_string(),
            action: f.action,
            target_label: target_label(&f.target_type, &f.target_id),
            target_type: f.target_type,
            target_id: f.target_id,
            summary: f.summary,
            before_digest: f.before_digest,
            after_digest: f.after_digest,
            client_addr: f.client_addr,
            request_id: f.request_id,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// The kind of a target in Chinese.
pub fn target_type_label(t: &str) -> &str {
    match t {
        "user" => "用户",
        "department" => "部门",
        "object" => "检查对象",
        "inspector" => "检查人员",
        "expert" => "专家",
        "conflict" => "利害关系",
        "item" => "抽查事项",
        "directory" => "名录",
        "import" => "导入批次",
        "audit" => "审计记录",
        "system" => "系统",
        "outside_inspection" => "不适用双随机的检查记录",
        other => other,
    }
}

fn target_label(t: &str, id: &str) -> String {
    if id.is_empty() {
        target_type_label(t).to_string()
    } else {
        format!("{}（编号 {id}）", target_type_label(t))
    }
}

/// Filter for the audit trail. Dates are calendar days in Beijing time.
#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Department code: entries by or about this department.
    pub department: Option<String>,
    /// Username of the actor.
    pub actor: Option<String>,
    /// Action code, e.g. `auth.login_failed`.
    pub action: Option<String>,
    /// First day, `2026-03-01`.
    pub from: Option<String>,
    /// Last day (inclusive), `2026-03-31`.
    pub to: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// The chain check's outcome.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ChainStatus {
    pub intact: bool,
    pub entries: i64,
    /// The first problem found, in Chinese, naming the entry.
    pub problem: Option<String>,
}

fn day_start(s: &str, field: &str) -> Result<DateTime<Utc>, AppError> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, format!("日期“{s}”格式错误，应为 2026-03-10 这样的形式")))?;
    let local = china()
        .from_local_datetime(&d.and_hms_opt(0, 0, 0).expect("midnight"))
        .single()
        .expect("fixed offset");
    Ok(local.with_timezone(&Utc))
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl App {
    async fn audit_filter(&self, actor: &Actor, q: &AuditQuery) -> Result<AuditFilter, AppError> {
        actor.require(Permission::ReadAudit)?;
        let mut f = AuditFilter {
            actor: non_empty(&q.actor),
            action: non_empty(&q.action),
            target_type: non_empty(&q.target_type),
            target_id: non_empty(&q.target_id),
            ..Default::default()
        };
        if let Some(d) = non_empty(&q.department) {
            f.department = Some(self.department_in_scope(actor, &d).await?.code.as_str().to_string());
        }
        if let Some(s) = non_empty(&q.from) {
            f.from = Some(day_start(&s, "from")?);
        }
        if let Some(s) = non_empty(&q.to) {
            f.to = Some(day_start(&s, "to")? + chrono::Duration::days(1));
        }
        if let (Some(a), Some(b)) = (f.from, f.to)
            && a >= b
        {
            return Err(AppError::invalid("to", "结束日期不能早于开始日期"));
        }
        Ok(f)
    }

    pub async fn list_audit(&self, actor: &Actor, q: &AuditQuery) -> Result<Page<AuditEntryView>, AppError> {
        let f = self.audit_filter(actor, q).await?;
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        let (rows, total) = audit::list_in(self.store().conn(), &actor.jurisdiction(), &f, page, page_size).await?;
        Ok(Page {
            items: rows.into_iter().map(Into::into).collect(),
            total,
            page,
            page_size,
        })
    }

    pub async fn get_audit_entry(&self, actor: &Actor, seq: i64) -> Result<AuditEntryView, AppError> {
        actor.require(Permission::ReadAudit)?;
        audit::get_in(self.store().conn(), &actor.jurisdiction(), seq)
            .await?
            .map(Into::into)
            .ok_or_else(|| AppError::not_found("审计记录"))
    }

    /// The filtered entries as CSV (UTF-8 with BOM so that Excel opens it in
    /// Chinese). The export itself is audited.
    pub async fn export_audit_csv(&self, actor: &Actor, q: &AuditQuery) -> Result<Vec<u8>, AppError> {
        const MAX_ROWS: u64 = 100_000;
        let f = self.audit_filter(actor, q).await?;
        let scope = actor.jurisdiction();
        let mut w = csv::Writer::from_writer(Vec::from("\u{feff}".as_bytes()));
        let header = [
            "序号",
            "时间",
            "操作人",
            "角色",
            "操作部门",
            "对象所属部门",
            "操作",
            "对象类型",
            "对象标识",
            "摘要",
            "变更前摘要值",
            "变更后摘要值",
            "客户端地址",
            "请求编号",
            "前序哈希",
            "本条哈希",
        ];
        w.write_record(header).map_err(|e| AppError::Internal(e.to_string()))?;
        let mut page = 1;
        let mut written = 0u64;
        loop {
            let (rows, total) = audit::list_in(self.store().conn(), &scope, &f, page, 1000).await?;
            if total > MAX_ROWS {
                return Err(AppError::invalid(
                    "from",
                    format!("符合条件的记录有{total}条，超过单次导出上限{MAX_ROWS}条，请缩小时间范围"),
                ));
            }
            let n = rows.len();
            for r in rows {
                let v = AuditEntryView::from(r);
                w.write_record([
                    v.seq.to_string(),
                    local_time_secs(&v.occurred_at),
                    v.actor,
                    v.actor_role_label,
                    v.department,
                    v.target_department,
                    v.action_label,
                    v.target_type,
                    v.target_id,
                    v.summary,
                    v.before_digest,
                    v.after_digest,
                    v.client_addr,
                    v.request_id,
                    v.prev_hash,
                    v.hash,
                ])
                .map_err(|e| AppError::Internal(e.to_string()))?;
                written += 1;
            }
            if n < 1000 {
                break;
            }
            page += 1;
        }
        let bytes = w.into_inner().map_err(|e| AppError::Internal(e.to_string()))?;
        let tx = self.store().begin().await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::AuditExported, "audit", actor.department.code.as_str())
                .in_department(actor.department.code.as_str())
                .summary(format!("导出审计记录{written}条"))
                .after(serde_json::json!({
                    "department": f.department, "actor": f.actor, "action": f.action,
                    "from": q.from, "to": q.to, "rows": written,
                })),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(bytes)
    }

    /// Recomputes the whole chain (every department's entries link into it).
    pub async fn verify_audit_chain(&self, actor: &Actor) -> Result<ChainStatus, AppError> {
        actor.require(Permission::ReadAudit)?;
        Ok(chain_status(audit::verify_chain(self.store().conn()).await?))
    }
}

pub fn chain_status(r: ChainReport) -> ChainStatus {
    match r {
        ChainReport::Intact { entries } => ChainStatus {
            intact: true,
            entries,
            problem: None,
        },
        ChainReport::Broken(b) => ChainStatus {
            intact: false,
            entries: 0,
            problem: Some(b.to_string()),
        },
    }
}
