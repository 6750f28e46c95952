//! 检查对象名录库 and the inspector directory as use cases: listing, adding
//! and editing entries (through the same row validation as imports, so a
//! form, an API call and a spreadsheet row obey one rule set), deactivating
//! instead of deleting, exporting, revealing a 身份证号 to those allowed, and
//! claiming (认领) from the province's master list.

use crate::audit::{By, Change, record};
use crate::crypto::Sealer;
use crate::users::Page;
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::directory::{CellError, ListKind, Record, RowContext, columns, validate_row};
use spotcheck_domain::division::DivisionCode;
use spotcheck_domain::jurisdiction::Jurisdiction;
use spotcheck_domain::role::Permission;
use spotcheck_domain::vocab::{InspectorStatus, ObjectKind, ProjectStage, RiskClass};
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::inspectors::{self, InspectorData, InspectorFilter, InspectorRow};
use spotcheck_store::objects::{self, MasterFilter, ObjectData, ObjectFilter, ObjectRow, Source};
use spotcheck_store::{ConnectionTrait, StoreError};
use std::collections::{BTreeMap, HashMap};
use utoipa::ToSchema;

// ---- records <-> stored data ----

fn seal_id(sealer: &Sealer, id: &spotcheck_domain::id_number::IdNumber) -> (Option<String>, String, String) {
    (
        Some(sealer.seal(id.as_str())),
        id.masked(),
        sealer.lookup_hash(id.as_str()),
    )
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// The stored form of an object record; `None` for an inspector record.
pub(crate) fn object_data(rec: &Record, sealer: &Sealer) -> Option<ObjectData> {
    let risk = |r: &spotcheck_domain::directory::RiskInfo, d: &mut ObjectData| {
        d.risk_class = r.risk_class.code().to_string();
        d.abnormal = r.abnormal;
        d.key_focus = r.key_focus;
        d.serious_violation = r.serious_violation;
        d.complaints = r.complaints.min(i32::MAX as u32) as i32;
    };
    let mut d = ObjectData::default();
    match rec {
        Record::Enterprise(r) => {
            d.kind = ObjectKind::Enterprise.code().to_string();
            d.key_code = r.credit_code.as_str().to_string();
            d.name = r.name.clone();
            d.legal_rep = opt(&r.legal_rep);
            d.address = opt(&r.address);
            d.division_code = r.division.as_str().to_string();
            d.enterprise_kinds = r.kinds.clone();
            d.phone = opt(&r.phone);
            risk(&r.risk, &mut d);
        }
        Record::Practitioner(r) => {
            d.kind = ObjectKind::Practitioner.code().to_string();
            d.key_code = r.cert_no.as_str().to_string();
            d.name = r.name.clone();
            (d.id_sealed, d.id_masked, d.id_lookup) = seal_id(sealer, &r.id_number);
            d.qualification = r.qualification.clone();
            d.employer_code = r.employer.as_str().to_string();
            d.division_code = r.division.as_str().to_string();
            risk(&r.risk, &mut d);
        }
        Record::Project(r) => {
            d.kind = ObjectKind::Project.code().to_string();
            d.key_code = r.code.as_str().to_string();
            d.name = r.name.clone();
            d.builder_code = r.builder.as_str().to_string();
            d.contractor_code = r.contractor.as_str().to_string();
            d.supervisor_code = r
                .supervisor
                .as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default();
            d.address = opt(&r.address);
            d.division_code = r.division.as_str().to_string();
            d.stage = r.stage.code().to_string();
            d.start_date = r.start_date;
            risk(&r.risk, &mut d);
        }
        Record::Inspector(_) => return None,
    }
    Some(d)
}

/// The stored form of an inspector record with its department code.
pub(crate) fn inspector_data(rec: &Record, sealer: &Sealer) -> Option<(InspectorData, String)> {
    let Record::Inspector(r) = rec else { return None };
    let (id_sealed, id_masked, id_lookup) = seal_id(sealer, &r.id_number);
    Some((
        InspectorData {
            name: r.name.clone(),
            cert_no: r.cert_no.as_str().to_string(),
            id_sealed,
            id_masked,
            id_lookup,
            title: opt(&r.title),
            qualifications: r.qualifications.clone(),
            non_business: opt(&r.non_business),
            cert_valid_until: r.cert_valid_until,
            phone: opt(&r.phone),
            status: r.status.code().to_string(),
            status_since: r.status_since,
            status_until: r.status_until,
        },
        r.department.as_str().to_string(),
    ))
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

fn date_text(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

fn risk_label(code: &str) -> String {
    RiskClass::parse(code)
        .map(|r| r.label().to_string())
        .unwrap_or_else(|_| code.to_string())
}

/// An object's cells in template column order, 身份证号 masked: what exports
/// write and what edit forms show.
pub fn object_cells(d: &ObjectData) -> Vec<String> {
    let risk = [
        risk_label(&d.risk_class),
        yes_no(d.abnormal),
        yes_no(d.key_focus),
        yes_no(d.serious_violation),
        d.complaints.to_string(),
    ];
    let mut v = match ObjectKind::parse(&d.kind) {
        Ok(ObjectKind::Enterprise) => vec![
            d.key_code.clone(),
            d.name.clone(),
            d.legal_rep.clone(),
            d.address.clone(),
            d.division_code.clone(),
            d.enterprise_kinds.join("、"),
        ],
        Ok(ObjectKind::Practitioner) => vec![
            d.key_code.clone(),
            d.name.clone(),
            d.id_masked.clone(),
            d.qualification.clone(),
            d.employer_code.clone(),
            d.division_code.clone(),
        ],
        _ => vec![
            d.key_code.clone(),
            d.name.clone(),
            d.builder_code.clone(),
            d.contractor_code.clone(),
            d.supervisor_code.clone(),
            d.address.clone(),
            d.division_code.clone(),
            ProjectStage::parse(&d.stage)
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
            date_text(d.start_date),
        ],
    };
    v.extend(risk);
    if d.kind == ObjectKind::Enterprise.code() {
        v.push(d.phone.clone());
    }
    v
}

/// An inspector's cells in template column order, 身份证号 masked.
pub fn inspector_cells(d: &InspectorData, department_code: &str) -> Vec<String> {
    vec![
        d.name.clone(),
        d.cert_no.clone(),
        d.id_masked.clone(),
        d.title.clone(),
        department_code.to_string(),
        d.qualifications.join("、"),
        d.non_business.clone(),
        date_text(Some(d.cert_valid_until)),
        d.phone.clone(),
        InspectorStatus::parse(&d.status)
            .map(|s| s.label().to_string())
            .unwrap_or_default(),
        date_text(d.status_since),
        date_text(d.status_until),
    ]
}

// ---- views ----

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ObjectView {
    pub id: i64,
    /// `enterprise`, `practitioner` or `project`.
    pub kind: String,
    pub kind_label: String,
    pub department_code: String,
    pub department_name: String,
    /// 统一社会信用代码, 注册证书编号 or 项目代码.
    pub key_code: String,
    pub name: String,
    pub division_code: String,
    pub risk_class: String,
    pub risk_label: String,
    pub abnormal: bool,
    pub key_focus: bool,
    pub serious_violation: bool,
    pub complaints: i32,
    /// The template's columns and this object's values, in order (身份证号 masked).
    pub fields: Vec<FieldValue>,
    pub active: bool,
    /// `manual`, `import` or `claim`.
    pub source: String,
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FieldValue {
    pub name: String,
    pub value: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InspectorView {
    pub id: i64,
    pub department_code: String,
    pub department_name: String,
    pub name: String,
    /// 执法证号.
    pub cert_no: String,
    pub id_masked: String,
    pub title: String,
    pub qualifications: Vec<String>,
    pub non_business: String,
    pub cert_valid_until: NaiveDate,
    pub phone: String,
    pub status: String,
    pub status_label: String,
    pub status_since: Option<NaiveDate>,
    pub status_until: Option<NaiveDate>,
    /// The platform account the inspector logs in with, if linked.
    pub username: Option<String>,
    pub fields: Vec<FieldValue>,
    pub active: bool,
    pub revision: i32,
    pub updated_at: DateTime<Utc>,
}

/// A previous state, for the history shown under an entry.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub revision: i32,
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    pub reason: String,
}

fn fields_of(kind: ListKind, cells: Vec<String>) -> Vec<FieldValue> {
    columns(kind)
        .iter()
        .zip(cells)
        .map(|(c, v)| FieldValue {
            name: c.name.to_string(),
            value: v,
        })
        .collect()
}

/// The values of a directory entry keyed by the template's column names
/// (e.g. `{"统一社会信用代码": "…", "企业名称": "…"}`), as forms and API
/// clients send them; a trailing `*` on a name is accepted.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct EntryInput {
    pub fields: BTreeMap<String, String>,
}

impl EntryInput {
    /// The cells in column order; unknown names are an error naming them.
    fn cells(&self, kind: ListKind) -> Result<Vec<String>, AppError> {
        let cols = columns(kind);
        let mut cells = vec![String::new(); cols.len()];
        for (name, value) in &self.fields {
            let n = name.trim().trim_end_matches(['*', '＊']);
            match cols.iter().position(|c| c.name == n) {
                Some(i) => cells[i] = value.clone(),
                None => {
                    let known: Vec<_> = cols.iter().map(|c| c.name).collect();
                    return Err(AppError::invalid(
                        "fields",
                        format!("未知字段“{name}”，{}名录的字段为：{}", kind.label(), known.join("、")),
                    ));
                }
            }
        }
        Ok(cells)
    }
}

/// Row errors as one validation error naming the first column, with every problem listed.
fn row_error(errors: Vec<CellError>) -> AppError {
    let field = errors.first().map(|e| e.column.to_string()).unwrap_or_default();
    let message = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("；");
    AppError::Validation { field, message }
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ObjectQuery {
    /// `enterprise`, `practitioner`, `project` (or 企业 / 从业人员 / 工程项目).
    pub kind: Option<String>,
    /// Part of the name, or the start of the code.
    pub q: Option<String>,
    /// 行政区划代码: objects in this division or below.
    pub division: Option<String>,
    /// A–D.
    pub risk: Option<String>,
    /// Department code: only this department's directory.
    pub department: Option<String>,
    /// `true` active, `false` deactivated; all when absent.
    pub active: Option<bool>,
    /// An exact 身份证号 (practitioners), matched without decrypting.
    pub id_number: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectorQuery {
    /// Part of the name, or the start of the 执法证号.
    pub q: Option<String>,
    pub department: Option<String>,
    /// 在岗 / 休假 / 借调 / 调离 (or the codes).
    pub status: Option<String>,
    /// 专业执法资格.
    pub qualification: Option<String>,
    pub active: Option<bool>,
    pub id_number: Option<String>,
    pub page: Option<u64>,
    pub page_size: Option<u64>,
}

/// Whether an entry is switched on or off, and why.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ActiveChange {
    pub active: bool,
    /// Why (e.g. 企业已注销, 人员调离).
    pub reason: String,
}

impl ActiveChange {
    /// The trimmed reason, once the change is checked against the entry's
    /// current state; `what` names the entry (检查对象, 检查人员).
    fn checked(&self, currently_active: bool, what: &str) -> Result<&str, AppError> {
        let reason = self.reason.trim();
        if reason.is_empty() || reason.chars().count() > 200 {
            return Err(AppError::invalid("reason", "请填写停用或启用的原因（不超过200字）"));
        }
        if currently_active == self.active {
            let state = if self.active { "已是启用状态" } else { "已停用" };
            return Err(AppError::Conflict(format!("该{what}{state}")));
        }
        Ok(reason)
    }
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl App {
    /// The validation context of a department: its divisions and the departments below it.
    pub(crate) async fn row_context_parts(
        &self,
        dept: &DepartmentRow,
    ) -> Result<(DivisionCode, Vec<String>), AppError> {
        let division = DivisionCode::parse(&dept.division_code).map_err(AppError::Internal)?;
        let below = departments::list_in(self.store().conn(), &dept.jurisdiction())
            .await?
            .into_iter()
            .map(|d| d.code.as_str().to_string())
            .collect();
        Ok((division, below))
    }

    async fn department_names(
        &self,
        ids: impl IntoIterator<Item = i64>,
    ) -> Result<HashMap<i64, (String, String)>, AppError> {
        Ok(spotcheck_store::users::department_names(self.store().conn(), ids).await?)
    }

    fn object_view(&self, o: &ObjectRow, dept: &(String, String)) -> ObjectView {
        let kind = ObjectKind::parse(&o.data.kind).unwrap_or(ObjectKind::Enterprise);
        ObjectView {
            id: o.id,
            kind: o.data.kind.clone(),
            kind_label: kind.label().to_string(),
            department_code: dept.0.clone(),
            department_name: dept.1.clone(),
            key_code: o.data.key_code.clone(),
            name: o.data.name.clone(),
            division_code: o.data.division_code.clone(),
            risk_class: o.data.risk_class.clone(),
            risk_label: risk_label(&o.data.risk_class),
            abnormal: o.data.abnormal,
            key_focus: o.data.key_focus,
            serious_violation: o.data.serious_violation,
            complaints: o.data.complaints,
            fields: fields_of(kind.into(), object_cells(&o.data)),
            active: o.active,
            source: o.source.clone(),
            revision: o.revision,
            updated_at: o.updated_at,
        }
    }

    async fn inspector_view(&self, i: &InspectorRow, dept: &(String, String)) -> Result<InspectorView, AppError> {
        let username = match i.user_id {
            Some(u) => spotcheck_store::users::by_id(self.store().conn(), u)
                .await?
                .map(|u| u.username),
            None => None,
        };
        Ok(InspectorView {
            id: i.id,
            department_code: dept.0.clone(),
            department_name: dept.1.clone(),
            name: i.data.name.clone(),
            cert_no: i.data.cert_no.clone(),
            id_masked: i.data.id_masked.clone(),
            title: i.data.title.clone(),
            qualifications: i.data.qualifications.clone(),
            non_business: i.data.non_business.clone(),
            cert_valid_until: i.data.cert_valid_until,
            phone: i.data.phone.clone(),
            status: i.data.status.clone(),
            status_label: InspectorStatus::parse(&i.data.status)
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
            status_since: i.data.status_since,
            status_until: i.data.status_until,
            username,
            fields: fields_of(ListKind::Inspector, inspector_cells(&i.data, &dept.0)),
            active: i.active,
            revision: i.revision,
            updated_at: i.updated_at,
        })
    }

    async fn object_filter(&self, actor: &Actor, q: &ObjectQuery) -> Result<ObjectFilter, AppError> {
        let mut f = ObjectFilter {
            text: non_empty(&q.q),
            active: q.active,
            ..Default::default()
        };
        if let Some(k) = non_empty(&q.kind) {
            f.kind = Some(
                ObjectKind::parse(&k)
                    .map_err(|e| AppError::invalid("kind", e.to_string()))?
                    .code()
                    .to_string(),
            );
        }
        if let Some(d) = non_empty(&q.division) {
            f.division_prefix = Some(
                DivisionCode::parse(&d)
                    .map_err(|m| AppError::invalid("division", m))?
                    .prefix()
                    .to_string(),
            );
        }
        if let Some(r) = non_empty(&q.risk) {
            f.risk_class = Some(
                RiskClass::parse(&r)
                    .map_err(|e| AppError::invalid("risk", e.to_string()))?
                    .code()
                    .to_string(),
            );
        }
        if let Some(d) = non_empty(&q.department) {
            f.department_id = Some(self.department_in_scope(actor, &d).await?.id);
        }
        if let Some(n) = non_empty(&q.id_number) {
            f.id_lookup = Some(self.sealer().lookup_hash(&n.to_uppercase()));
        }
        Ok(f)
    }

    pub async fn list_objects(&self, actor: &Actor, q: &ObjectQuery) -> Result<Page<ObjectView>, AppError> {
        actor.require(Permission::ViewDirectories)?;
        let f = self.object_filter(actor, q).await?;
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        let (rows, total) = objects::list_in(self.store().conn(), &actor.jurisdiction(), &f, page, page_size).await?;
        let names = self.department_names(rows.iter().map(|o| o.department_id)).await?;
        let items = rows
            .iter()
            .map(|o| self.object_view(o, &names.get(&o.department_id).cloned().unwrap_or_default()))
            .collect();
        Ok(Page {
            items,
            total,
            page,
            page_size,
        })
    }

    async fn object_in_scope(&self, actor: &Actor, id: i64) -> Result<ObjectRow, AppError> {
        actor.require(Permission::ViewDirectories)?;
        objects::get_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("检查对象"))
    }

    pub async fn get_object(&self, actor: &Actor, id: i64) -> Result<(ObjectView, Vec<HistoryView>), AppError> {
        let o = self.object_in_scope(actor, id).await?;
        let names = self.department_names([o.department_id]).await?;
        let history = objects::history(self.store().conn(), id)
            .await?
            .into_iter()
            .map(|h| HistoryView {
                revision: h.revision,
                changed_at: h.changed_at,
                changed_by: h.changed_by,
                reason: h.reason,
            })
            .collect();
        Ok((
            self.object_view(&o, &names.get(&o.department_id).cloned().unwrap_or_default()),
            history,
        ))
    }

    /// Validates one entry's cells for a department, as an import row would be.
    async fn validate_entry(&self, kind: ListKind, dept: &DepartmentRow, cells: &[String]) -> Result<Record, AppError> {
        let (division, below) = self.row_context_parts(dept).await?;
        let division_allowed = move |d: &DivisionCode| division.contains(d);
        let department_allowed = move |c: &str| below.iter().any(|b| b == c);
        let ctx = RowContext {
            today: self.today(),
            division_allowed: &division_allowed,
            department_allowed: &department_allowed,
        };
        validate_row(kind, cells, &ctx).map_err(row_error)
    }

    /// Adds an object to a department's directory by hand.
    pub async fn create_object(
        &self,
        actor: &Actor,
        department_code: &str,
        kind: &str,
        input: &EntryInput,
    ) -> Result<ObjectView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let kind = ObjectKind::parse(kind).map_err(|e| AppError::invalid("kind", e.to_string()))?;
        let dept = self.department_in_scope(actor, department_code).await?;
        let rec = self
            .validate_entry(kind.into(), &dept, &input.cells(kind.into())?)
            .await?;
        let data = object_data(&rec, self.sealer()).expect("an object record");
        let tx = self.store().begin().await?;
        if !objects::by_keys(&tx, dept.id, &data.kind, std::slice::from_ref(&data.key_code))
            .await?
            .is_empty()
        {
            return Err(AppError::invalid(
                ListKind::from(kind).key_column(),
                format!(
                    "{}“{}”已在{}的名录中，请在列表中找到并编辑",
                    ListKind::from(kind).key_column(),
                    data.key_code,
                    dept.name
                ),
            ));
        }
        let row = objects::insert(&tx, dept.id, &data, Source::Manual, None, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ObjectCreated, "object", row.id)
                .in_department(dept.code.as_str())
                .summary(format!("新增{} {}（{}）", kind.label(), data.name, data.key_code))
                .after(serde_json::from_str(&data.history_state()).expect("json")),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(self.object_view(&row, &(dept.code.as_str().to_string(), dept.name.clone())))
    }

    /// Replaces an object's data; the key cannot change and the previous state is kept.
    pub async fn update_object(&self, actor: &Actor, id: i64, input: &EntryInput) -> Result<ObjectView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let current = self.object_in_scope(actor, id).await?;
        let kind = ObjectKind::parse(&current.data.kind).map_err(|e| AppError::Internal(e.to_string()))?;
        let dept = departments::by_id(self.store().conn(), current.department_id)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        let mut cells = input.cells(kind.into())?;
        // A form shows the 身份证号 masked; left unchanged, it means "keep the stored number".
        let id_col = columns(kind.into()).iter().position(|c| c.name == "身份证号");
        if let (Some(i), Some(sealed)) = (id_col, &current.data.id_sealed)
            && (cells[i].trim() == current.data.id_masked || cells[i].trim().is_empty())
        {
            cells[i] = self.sealer().open(sealed)?;
        }
        let rec = self.validate_entry(kind.into(), &dept, &cells).await?;
        let mut data = object_data(&rec, self.sealer()).expect("an object record");
        if data.key_code != current.data.key_code {
            return Err(AppError::invalid(
                ListKind::from(kind).key_column(),
                format!(
                    "{}不能修改；如确需更换，请停用本条后新增",
                    ListKind::from(kind).key_column()
                ),
            ));
        }
        if data.id_lookup == current.data.id_lookup {
            data.id_sealed = current.data.id_sealed.clone();
        }
        if data.same_as(&current.data) {
            let names = self.department_names([dept.id]).await?;
            return Ok(self.object_view(&current, &names.get(&dept.id).cloned().unwrap_or_default()));
        }
        let now = self.now();
        let tx = self.store().begin().await?;
        objects::update(&tx, &current, &data, &actor.user.username, "修改", None, now).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ObjectUpdated, "object", id)
                .in_department(dept.code.as_str())
                .summary(format!("修改{} {}（{}）", kind.label(), data.name, data.key_code))
                .before(serde_json::from_str(&current.data.history_state()).expect("json"))
                .after(serde_json::from_str(&data.history_state()).expect("json")),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_object(actor, id).await.map(|(v, _)| v)
    }

    /// Deactivates (or reactivates) an object; nothing is ever deleted.
    pub async fn set_object_active(
        &self,
        actor: &Actor,
        id: i64,
        change: &ActiveChange,
    ) -> Result<ObjectView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let current = self.object_in_scope(actor, id).await?;
        let reason = change.checked(current.active, "检查对象")?;
        let dept = departments::by_id(self.store().conn(), current.department_id)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        let action = if change.active {
            AuditAction::ObjectReactivated
        } else {
            AuditAction::ObjectDeactivated
        };
        let tx = self.store().begin().await?;
        objects::set_active(&tx, &current, change.active, &actor.user.username, reason, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(action, "object", id)
                .in_department(dept.code.as_str())
                .summary(format!(
                    "{} {}（{}）：{}",
                    action.label(),
                    current.data.name,
                    current.data.key_code,
                    reason
                ))
                .before(serde_json::json!({"active": current.active}))
                .after(serde_json::json!({"active": change.active, "reason": reason})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_object(actor, id).await.map(|(v, _)| v)
    }

    /// The full 身份证号 of a practitioner, for roles allowed to see it; every viewing is audited.
    pub async fn reveal_object_id_number(&self, actor: &Actor, id: i64) -> Result<String, AppError> {
        actor.require(Permission::ViewIdNumbers)?;
        let o = self.object_in_scope(actor, id).await?;
        let sealed = o
            .data
            .id_sealed
            .clone()
            .ok_or_else(|| AppError::Conflict("该检查对象不是从业人员，没有身份证号".into()))?;
        let full = self.sealer().open(&sealed)?;
        self.audit_id_view(actor, o.department_id, "object", id, &o.data.name)
            .await?;
        Ok(full)
    }

    async fn audit_id_view(
        &self,
        actor: &Actor,
        department_id: i64,
        target: &'static str,
        id: i64,
        name: &str,
    ) -> Result<(), AppError> {
        let dept = departments::by_id(self.store().conn(), department_id).await?;
        let code = dept.map(|d| d.code.as_str().to_string()).unwrap_or_default();
        let tx = self.store().begin().await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::IdNumberViewed, target, id)
                .in_department(&code)
                .summary(format!("查看 {name} 的完整身份证号")),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// The current filter's objects as an .xlsx with the template's columns
    /// (身份证号 masked), written as the rows stream from the database.
    pub async fn export_objects(&self, actor: &Actor, q: &ObjectQuery) -> Result<(String, Vec<u8>), AppError> {
        actor.require(Permission::ViewDirectories)?;
        let kind_text = non_empty(&q.kind)
            .ok_or_else(|| AppError::invalid("kind", "请先选择要导出的对象类型（企业、从业人员或工程项目）"))?;
        let kind = ObjectKind::parse(&kind_text).map_err(|e| AppError::invalid("kind", e.to_string()))?;
        let f = self.object_filter(actor, q).await?;
        let scope = actor.jurisdiction();
        let mut rows = Vec::new();
        let mut after = 0;
        loop {
            let slice = objects::slice_in(self.store().conn(), &scope, &f, after, 2000).await?;
            let Some(last) = slice.last() else { break };
            after = last.id;
            rows.extend(slice.iter().map(|o| object_cells(&o.data)));
        }
        let n = rows.len();
        let bytes = spotcheck_sheets::export(kind.into(), rows).map_err(|e| AppError::Internal(e.to_string()))?;
        self.audit_export(actor, &format!("导出{}名录{}条", kind.label(), n))
            .await?;
        Ok((format!("{}名录.xlsx", kind.label()), bytes))
    }

    async fn audit_export(&self, actor: &Actor, summary: &str) -> Result<(), AppError> {
        let tx = self.store().begin().await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(
                AuditAction::DirectoryExported,
                "directory",
                actor.department.code.as_str(),
            )
            .in_department(actor.department.code.as_str())
            .summary(summary),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    // ---- inspectors ----

    async fn inspector_filter(&self, actor: &Actor, q: &InspectorQuery) -> Result<InspectorFilter, AppError> {
        let mut f = InspectorFilter {
            text: non_empty(&q.q),
            active: q.active,
            qualification: non_empty(&q.qualification),
            ..Default::default()
        };
        if let Some(d) = non_empty(&q.department) {
            f.department_id = Some(self.department_in_scope(actor, &d).await?.id);
        }
        if let Some(s) = non_empty(&q.status) {
            f.status = Some(
                InspectorStatus::parse(&s)
                    .map_err(|e| AppError::invalid("status", e.to_string()))?
                    .code()
                    .to_string(),
            );
        }
        if let Some(n) = non_empty(&q.id_number) {
            f.id_lookup = Some(self.sealer().lookup_hash(&n.to_uppercase()));
        }
        Ok(f)
    }

    pub async fn list_inspectors(&self, actor: &Actor, q: &InspectorQuery) -> Result<Page<InspectorView>, AppError> {
        actor.require(Permission::ViewDirectories)?;
        let f = self.inspector_filter(actor, q).await?;
        let page = q.page.unwrap_or(1).max(1);
        let page_size = q.page_size.unwrap_or(20).clamp(1, 200);
        let (rows, total) =
            inspectors::list_in(self.store().conn(), &actor.jurisdiction(), &f, page, page_size).await?;
        let names = self.department_names(rows.iter().map(|i| i.department_id)).await?;
        let mut items = Vec::with_capacity(rows.len());
        for i in &rows {
            items.push(
                self.inspector_view(i, &names.get(&i.department_id).cloned().unwrap_or_default())
                    .await?,
            );
        }
        Ok(Page {
            items,
            total,
            page,
            page_size,
        })
    }

    async fn inspector_in_scope(&self, actor: &Actor, id: i64) -> Result<InspectorRow, AppError> {
        actor.require(Permission::ViewDirectories)?;
        inspectors::get_in(self.store().conn(), &actor.jurisdiction(), id)
            .await?
            .ok_or_else(|| AppError::not_found("检查人员"))
    }

    pub async fn get_inspector(&self, actor: &Actor, id: i64) -> Result<(InspectorView, Vec<HistoryView>), AppError> {
        let i = self.inspector_in_scope(actor, id).await?;
        let names = self.department_names([i.department_id]).await?;
        let history = inspectors::history(self.store().conn(), id)
            .await?
            .into_iter()
            .map(|h| HistoryView {
                revision: h.revision,
                changed_at: h.changed_at,
                changed_by: h.changed_by,
                reason: h.reason,
            })
            .collect();
        Ok((
            self.inspector_view(&i, &names.get(&i.department_id).cloned().unwrap_or_default())
                .await?,
            history,
        ))
    }

    /// Resolves the 所属部门 of an inspector record inside the actor's jurisdiction.
    async fn inspector_department(&self, actor: &Actor, code: &str) -> Result<DepartmentRow, AppError> {
        departments::get_code_in(self.store().conn(), &actor.jurisdiction(), code)
            .await?
            .ok_or_else(|| AppError::invalid("所属部门", format!("所属部门“{code}”不存在或不在您的管辖范围内")))
    }

    pub async fn create_inspector(&self, actor: &Actor, input: &EntryInput) -> Result<InspectorView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let cells = input.cells(ListKind::Inspector)?;
        let rec = self
            .validate_entry(ListKind::Inspector, &actor.department, &cells)
            .await?;
        let (data, dept_code) = inspector_data(&rec, self.sealer()).expect("an inspector record");
        let dept = self.inspector_department(actor, &dept_code).await?;
        let tx = self.store().begin().await?;
        if let Some(existing) = inspectors::by_cert_nos(&tx, std::slice::from_ref(&data.cert_no))
            .await?
            .first()
        {
            let owner = departments::by_id(&tx, existing.department_id)
                .await?
                .map(|d| d.name)
                .unwrap_or_default();
            return Err(AppError::invalid(
                "执法证号",
                format!("执法证号“{}”已由{}登记，执法证号全省唯一", data.cert_no, owner),
            ));
        }
        let row = inspectors::insert(&tx, dept.id, &data, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectorCreated, "inspector", row.id)
                .in_department(dept.code.as_str())
                .summary(format!("新增检查人员 {}（执法证号 {}）", data.name, data.cert_no))
                .after(serde_json::from_str(&data.history_state()).expect("json")),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.inspector_view(&row, &(dept.code.as_str().to_string(), dept.name.clone()))
            .await
    }

    pub async fn update_inspector(
        &self,
        actor: &Actor,
        id: i64,
        input: &EntryInput,
    ) -> Result<InspectorView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let current = self.inspector_in_scope(actor, id).await?;
        let mut cells = input.cells(ListKind::Inspector)?;
        let id_col = columns(ListKind::Inspector)
            .iter()
            .position(|c| c.name == "身份证号")
            .expect("column");
        if let Some(sealed) = &current.data.id_sealed
            && (cells[id_col].trim() == current.data.id_masked || cells[id_col].trim().is_empty())
        {
            cells[id_col] = self.sealer().open(sealed)?;
        }
        let rec = self
            .validate_entry(ListKind::Inspector, &actor.department, &cells)
            .await?;
        let (mut data, dept_code) = inspector_data(&rec, self.sealer()).expect("an inspector record");
        if data.cert_no != current.data.cert_no {
            return Err(AppError::invalid(
                "执法证号",
                "执法证号不能修改；换发新证的，请停用本条后新增",
            ));
        }
        if data.id_lookup == current.data.id_lookup {
            data.id_sealed = current.data.id_sealed.clone();
        }
        let dept = self.inspector_department(actor, &dept_code).await?;
        if data.same_as(&current.data) && dept.id == current.department_id {
            return self.get_inspector(actor, id).await.map(|(v, _)| v);
        }
        let tx = self.store().begin().await?;
        inspectors::update(
            &tx,
            &current,
            dept.id,
            &data,
            &actor.user.username,
            "修改",
            None,
            self.now(),
        )
        .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectorUpdated, "inspector", id)
                .in_department(dept.code.as_str())
                .summary(format!("修改检查人员 {}（执法证号 {}）", data.name, data.cert_no))
                .before(serde_json::from_str(&current.data.history_state()).expect("json"))
                .after(serde_json::from_str(&data.history_state()).expect("json")),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_inspector(actor, id).await.map(|(v, _)| v)
    }

    pub async fn set_inspector_active(
        &self,
        actor: &Actor,
        id: i64,
        change: &ActiveChange,
    ) -> Result<InspectorView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let current = self.inspector_in_scope(actor, id).await?;
        let reason = change.checked(current.active, "检查人员")?;
        let dept = departments::by_id(self.store().conn(), current.department_id)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        let tx = self.store().begin().await?;
        inspectors::set_active(&tx, &current, change.active, &actor.user.username, reason, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(
                if change.active {
                    AuditAction::InspectorUpdated
                } else {
                    AuditAction::InspectorDeactivated
                },
                "inspector",
                id,
            )
            .in_department(dept.code.as_str())
            .summary(format!(
                "{}检查人员 {}：{}",
                if change.active { "启用" } else { "停用" },
                current.data.name,
                reason
            ))
            .before(serde_json::json!({"active": current.active}))
            .after(serde_json::json!({"active": change.active, "reason": reason})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_inspector(actor, id).await.map(|(v, _)| v)
    }

    pub async fn reveal_inspector_id_number(&self, actor: &Actor, id: i64) -> Result<String, AppError> {
        actor.require(Permission::ViewIdNumbers)?;
        let i = self.inspector_in_scope(actor, id).await?;
        let sealed = i
            .data
            .id_sealed
            .clone()
            .ok_or_else(|| AppError::Conflict("该检查人员没有登记身份证号".into()))?;
        let full = self.sealer().open(&sealed)?;
        self.audit_id_view(actor, i.department_id, "inspector", id, &i.data.name)
            .await?;
        Ok(full)
    }

    pub async fn export_inspectors(&self, actor: &Actor, q: &InspectorQuery) -> Result<(String, Vec<u8>), AppError> {
        actor.require(Permission::ViewDirectories)?;
        let f = self.inspector_filter(actor, q).await?;
        let scope = actor.jurisdiction();
        let mut rows = Vec::new();
        let mut after = 0;
        let mut codes: HashMap<i64, String> = HashMap::new();
        loop {
            let slice = inspectors::slice_in(self.store().conn(), &scope, &f, after, 2000).await?;
            let Some(last) = slice.last() else { break };
            after = last.id;
            let missing: Vec<i64> = slice
                .iter()
                .map(|i| i.department_id)
                .filter(|d| !codes.contains_key(d))
                .collect();
            for (id, (code, _)) in self.department_names(missing).await? {
                codes.insert(id, code);
            }
            rows.extend(
                slice
                    .iter()
                    .map(|i| inspector_cells(&i.data, codes.get(&i.department_id).map(String::as_str).unwrap_or(""))),
            );
        }
        let n = rows.len();
        let bytes =
            spotcheck_sheets::export(ListKind::Inspector, rows).map_err(|e| AppError::Internal(e.to_string()))?;
        self.audit_export(actor, &format!("导出检查人员名录{n}条")).await?;
        Ok(("检查人员名录.xlsx".to_string(), bytes))
    }

    /// Links an inspector to the platform account the inspector logs in with (or unlinks).
    pub async fn link_inspector_account(
        &self,
        actor: &Actor,
        id: i64,
        username: Option<&str>,
    ) -> Result<InspectorView, AppError> {
        actor.require(Permission::ManageDirectories)?;
        let current = self.inspector_in_scope(actor, id).await?;
        let user = match username.map(str::trim).filter(|u| !u.is_empty()) {
            Some(u) => {
                let not_found = || AppError::invalid("username", format!("账号“{u}”不存在或不在您的管辖范围内"));
                let user = spotcheck_store::users::by_username(self.store().conn(), u)
                    .await?
                    .ok_or_else(not_found)?;
                departments::get_in(self.store().conn(), &actor.jurisdiction(), user.department_id)
                    .await?
                    .ok_or_else(not_found)?;
                if inspectors::by_user(self.store().conn(), user.id)
                    .await?
                    .is_some_and(|i| i.id != id)
                {
                    return Err(AppError::invalid("username", format!("账号“{u}”已关联其他检查人员")));
                }
                Some(user)
            }
            None => None,
        };
        let dept = departments::by_id(self.store().conn(), current.department_id)
            .await?
            .ok_or_else(|| AppError::not_found("部门"))?;
        let tx = self.store().begin().await?;
        inspectors::link_user(&tx, id, user.as_ref().map(|u| u.id)).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectorUpdated, "inspector", id)
                .in_department(dept.code.as_str())
                .summary(match &user {
                    Some(u) => format!("检查人员 {} 关联平台账号 {}", current.data.name, u.username),
                    None => format!("检查人员 {} 取消关联平台账号", current.data.name),
                }),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.get_inspector(actor, id).await.map(|(v, _)| v)
    }
}

/// Counts of a department's directories, for home pages.
pub async fn directory_counts(
    db: &impl ConnectionTrait,
    scope: &Jurisdiction,
) -> Result<(Vec<(String, u64)>, u64), StoreError> {
    Ok((
        objects::count_by_kind_in(db, scope).await?,
        inspectors::count_in(db, scope, true).await?,
    ))
}

// ---- the province's master list and 认领 ----

#[derive(Clone, Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MasterQuery {
    pub kind: Option<String>,
    pub q: Option<String>,
    /// The department that will claim (default: the caller's).
    pub department: Option<String>,
    pub page: Option<u64>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct MasterView {
    pub id: i64,
    pub kind: String,
    pub kind_label: String,
    pub key_code: String,
    pub name: String,
    pub division_code: String,
    pub risk_label: String,
}

#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ClaimInput {
    /// The department whose directory receives the objects.
    pub department_code: String,
    /// Ids of master-list entries.
    pub ids: Vec<i64>,
}

impl App {
    /// Master-list entries a department may claim: inside its divisions, not yet in its directory.
    pub async fn list_master(&self, actor: &Actor, q: &MasterQuery) -> Result<Page<MasterView>, AppError> {
        actor.require(Permission::ViewDirectories)?;
        let dept = match non_empty(&q.department) {
            Some(code) => self.department_in_scope(actor, &code).await?,
            None => actor.department.clone(),
        };
        let division = DivisionCode::parse(&dept.division_code).map_err(AppError::Internal)?;
        let kind = match non_empty(&q.kind) {
            Some(k) => Some(
                ObjectKind::parse(&k)
                    .map_err(|e| AppError::invalid("kind", e.to_string()))?
                    .code()
                    .to_string(),
            ),
            None => None,
        };
        let f = MasterFilter {
            kind,
            text: non_empty(&q.q),
            division_prefixes: vec![division.prefix().to_string()],
            not_in_department: Some(dept.id),
        };
        let page = q.page.unwrap_or(1).max(1);
        let (rows, total) = objects::list_master(self.store().conn(), &f, page, 20).await?;
        let items = rows
            .into_iter()
            .map(|m| MasterView {
                id: m.id,
                kind_label: ObjectKind::parse(&m.data.kind)
                    .map(|k| k.label().to_string())
                    .unwrap_or_default(),
                kind: m.data.kind,
                key_code: m.data.key_code,
                name: m.data.name,
                division_code: m.data.division_code,
                risk_label: risk_label(&m.data.risk_class),
            })
            .collect();
        Ok(Page {
            items,
            total,
            page,
            page_size: 20,
        })
    }

    /// Claims master-list entries into a department's directory (认领).
    pub async fn claim_objects(&self, actor: &Actor, input: &ClaimInput) -> Result<u64, AppError> {
        actor.require(Permission::ManageDirectories)?;
        if input.ids.is_empty() || input.ids.len() > 1000 {
            return Err(AppError::invalid("ids", "请选择要认领的检查对象（一次最多1000个）"));
        }
        let dept = self.department_in_scope(actor, &input.department_code).await?;
        let division = DivisionCode::parse(&dept.division_code).map_err(AppError::Internal)?;
        let masters = objects::master_by_ids(self.store().conn(), &input.ids).await?;
        if masters.len() != input.ids.len() {
            return Err(AppError::invalid("ids", "部分检查对象不在全省名录中，请刷新后重试"));
        }
        for m in &masters {
            let d = DivisionCode::parse(&m.data.division_code).map_err(AppError::Internal)?;
            if !division.contains(&d) {
                return Err(AppError::invalid(
                    "ids",
                    format!("“{}”位于{}，不在{}的管辖范围内", m.data.name, d, dept.name),
                ));
            }
        }
        let now = self.now();
        let tx = self.store().begin().await?;
        let mut claimed = 0u64;
        for m in &masters {
            if !objects::by_keys(&tx, dept.id, &m.data.kind, std::slice::from_ref(&m.data.key_code))
                .await?
                .is_empty()
            {
                continue;
            }
            objects::insert(&tx, dept.id, &m.data, Source::Claim, Some(m.id), now).await?;
            claimed += 1;
        }
        let names: Vec<String> = masters.iter().take(5).map(|m| m.data.name.clone()).collect();
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ObjectsClaimed, "directory", dept.code.as_str())
                .in_department(dept.code.as_str())
                .summary(format!(
                    "从全省名录认领检查对象{claimed}个：{}{}",
                    names.join("、"),
                    if masters.len() > 5 { "等" } else { "" }
                ))
                .after(serde_json::json!({"keys": masters.iter().map(|m| &m.data.key_code).collect::<Vec<_>>()})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(claimed)
    }
}
