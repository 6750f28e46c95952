//! 第二十六条 as use cases: objections (异议) to a result. The inspected object
//! files one on the public site with the 核验码 printed on its 检查结果告知书, or
//! the executing unit enters a paper submission on its behalf. The unit
//! reviews it within 20 working days of receipt and records 维持 or 更正 with
//! its reasons (更正 starts a correction request for the 主要负责人); it then
//! tells the object within 15 working days of the decision and records how
//! and when. Every deadline is shown with the working days left and flagged
//! once missed.

use crate::audit::{By, Change, record};
use crate::evidence::evidence_error;
use crate::plans::Term;
use crate::publication::{CorrectionInput, DeadlineView, invalid, term};
use crate::{Actor, App, AppError, RequestMeta};
use bytes::Bytes;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::calendar::WorkCalendar;
use spotcheck_domain::inspection::{InspectionStatus, normalize_code};
use spotcheck_domain::publication::{
    self as rules, DeadlineStatus, FEEDBACK_WORKDAYS, FeedbackMethod, ObjectionChannel, ObjectionDecision,
    ObjectionStatus, REVIEW_WORKDAYS,
};
use spotcheck_domain::role::Permission;
use spotcheck_store::inspections::{self as inspections_store, InspectionRow};
use spotcheck_store::publication::{self as store, NewObjection, NewObjectionFile, ObjectionRow};
use spotcheck_store::{ConnectionTrait, StoreError, departments, objects};
use utoipa::ToSchema;

/// Size limit of one attachment of an objection.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ObjectionFileView {
    pub id: i64,
    pub file_name: String,
    pub size: i64,
    pub mime: String,
    pub sha256: String,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ObjectionView {
    pub id: i64,
    /// `YY2026-000012`: what the object quotes.
    pub receipt_no: String,
    pub inspection_id: i64,
    pub object_name: String,
    pub unit: String,
    pub channel: Term,
    pub submitter: String,
    pub contact: String,
    pub content: String,
    pub received_on: NaiveDate,
    pub recorded_by: String,
    pub status: Term,
    /// 复核: 20 working days from receipt.
    pub review: DeadlineView,
    pub decision: Option<Term>,
    pub decision_reason: String,
    pub decided_by: String,
    pub decided_on: Option<NaiveDate>,
    pub correction_id: Option<i64>,
    /// 反馈: 15 working days from the decision (once decided).
    pub feedback: Option<DeadlineView>,
    pub feedback_method: Option<Term>,
    pub feedback_note: String,
    pub feedback_on: Option<NaiveDate>,
    pub feedback_by: String,
    pub files: Vec<ObjectionFileView>,
    /// Either deadline was or is missed.
    pub overdue: bool,
}

/// What the object sees about its objections on the public site.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PublicObjectionStatus {
    pub receipt_no: String,
    pub received_on: NaiveDate,
    pub status: Term,
    pub review_due: NaiveDate,
    pub decision: Option<Term>,
    pub decision_reason: String,
    pub decided_on: Option<NaiveDate>,
    pub feedback_on: Option<NaiveDate>,
}

/// An objection filed on the public site.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PublicObjectionInput {
    /// The 核验码 of the 检查结果告知书, e.g. `7K3M-Q9TX-2HBD`.
    #[serde(default)]
    pub code: String,
    /// Who files it (the enterprise's contact or the practitioner).
    #[serde(default)]
    pub submitter: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub content: String,
}

/// A paper submission entered by the unit on the object's behalf.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct PaperObjectionInput {
    #[serde(default)]
    pub submitter: String,
    #[serde(default)]
    pub contact: String,
    #[serde(default)]
    pub content: String,
    /// The day the paper was received (`2026-05-20`); today when empty.
    #[serde(default)]
    pub received_on: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ObjectionDecisionInput {
    /// `maintain` (维持) or `correct` (更正).
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub reason: String,
    /// For 更正: the corrected result category and text.
    #[serde(default)]
    pub result_category: String,
    #[serde(default)]
    pub result_summary: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct FeedbackInput {
    /// A 反馈方式 code or label.
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub note: String,
    /// The day the object was told (`2026-06-02`); today when empty.
    #[serde(default)]
    pub on: String,
}

/// An attachment as received.
pub struct Attachment {
    pub file_name: String,
    pub bytes: Bytes,
}

pub(crate) fn receipt_no(o: &ObjectionRow) -> String {
    format!("YY{}-{:06}", o.received_on.year(), o.id)
}

fn day(field: &'static str, label: &str, raw: &str, today: NaiveDate) -> Result<NaiveDate, AppError> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(today);
    }
    let d = NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, format!("{label}“{s}”应为“年-月-日”，如 2026-05-20")))?;
    if d > today {
        return Err(AppError::invalid(field, format!("{label}不能晚于今天")));
    }
    Ok(d)
}

/// An objection's two deadlines (第二十六条): review, 20 working days from
/// receipt; feedback, 15 from the decision (once decided).
pub(crate) fn objection_deadlines(
    cal: &WorkCalendar,
    o: &ObjectionRow,
    today: NaiveDate,
) -> (DeadlineStatus, Option<DeadlineStatus>) {
    (
        rules::deadline(cal, o.received_on, REVIEW_WORKDAYS, o.decided_on, today),
        o.decided_on
            .map(|d| rules::deadline(cal, d, FEEDBACK_WORKDAYS, o.feedback_on, today)),
    )
}

fn review_deadline(cal: &WorkCalendar, o: &ObjectionRow, today: NaiveDate) -> DeadlineView {
    objection_deadlines(cal, o, today).0.into()
}

fn feedback_deadline(cal: &WorkCalendar, o: &ObjectionRow, today: NaiveDate) -> Option<DeadlineView> {
    objection_deadlines(cal, o, today).1.map(Into::into)
}

impl App {
    pub(crate) async fn objection_view(
        &self,
        db: &impl ConnectionTrait,
        cal: &WorkCalendar,
        o: &ObjectionRow,
    ) -> Result<ObjectionView, AppError> {
        let today = self.today();
        let i = inspections_store::by_id(db, o.inspection_id).await?;
        let object = match &i {
            Some(i) => objects::by_id(db, i.object_id).await?,
            None => None,
        };
        let unit = departments::by_id(db, o.department_id).await?;
        let status = ObjectionStatus::parse(&o.status).unwrap_or(ObjectionStatus::Received);
        let channel = ObjectionChannel::parse(&o.channel).unwrap_or(ObjectionChannel::Online);
        let review = review_deadline(cal, o, today);
        let feedback = feedback_deadline(cal, o, today);
        let overdue = review.missed() || feedback.as_ref().is_some_and(DeadlineView::missed);
        Ok(ObjectionView {
            id: o.id,
            receipt_no: receipt_no(o),
            inspection_id: o.inspection_id,
            object_name: object.map(|o| o.data.name).unwrap_or_default(),
            unit: unit.map(|u| u.name).unwrap_or_default(),
            channel: term(channel.code(), channel.label()),
            submitter: o.submitter.clone(),
            contact: o.contact.clone(),
            content: o.content.clone(),
            received_on: o.received_on,
            recorded_by: o.recorded_by.clone(),
            status: term(status.code(), status.label()),
            review,
            decision: ObjectionDecision::parse(&o.decision)
                .ok()
                .map(|d| term(d.code(), d.label())),
            decision_reason: o.decision_reason.clone(),
            decided_by: o.decided_by.clone(),
            decided_on: o.decided_on,
            correction_id: o.correction_id,
            feedback,
            feedback_method: FeedbackMethod::parse(&o.feedback_method)
                .ok()
                .map(|m| term(m.code(), m.label())),
            feedback_note: o.feedback_note.clone(),
            feedback_on: o.feedback_on,
            feedback_by: o.feedback_by.clone(),
            files: store::objection_files(db, o.id)
                .await?
                .into_iter()
                .map(|f| ObjectionFileView {
                    id: f.id,
                    file_name: f.file_name,
                    size: f.size,
                    mime: f.mime,
                    sha256: f.sha256,
                })
                .collect(),
            overdue,
        })
    }

    pub(crate) async fn objection_views(
        &self,
        db: &impl ConnectionTrait,
        i: &InspectionRow,
    ) -> Result<Vec<ObjectionView>, AppError> {
        let cal = self.work_calendar().await?;
        let mut out = Vec::new();
        for o in store::objections_of(db, i.id).await? {
            out.push(self.objection_view(db, &cal, &o).await?);
        }
        Ok(out)
    }

    /// Objections reviewed inside the actor's jurisdiction, newest first.
    pub async fn objections(&self, actor: &Actor) -> Result<Vec<ObjectionView>, AppError> {
        actor.require(Permission::ViewPlans)?;
        let db = self.store().conn();
        let cal = self.work_calendar().await?;
        let mut out = Vec::new();
        for o in store::objections_in(db, &actor.jurisdiction()).await? {
            out.push(self.objection_view(db, &cal, &o).await?);
        }
        Ok(out)
    }

    /// One objection, if its reviewing unit is in the actor's jurisdiction.
    pub async fn objection(&self, actor: &Actor, id: i64) -> Result<ObjectionView, AppError> {
        let db = self.store().conn();
        let o = self.objection_row(db, actor, id).await?;
        let cal = self.work_calendar().await?;
        self.objection_view(db, &cal, &o).await
    }

    async fn objection_row(&self, db: &impl ConnectionTrait, actor: &Actor, id: i64) -> Result<ObjectionRow, AppError> {
        let o = store::objection(db, id)
            .await?
            .ok_or_else(|| AppError::not_found("异议"))?;
        // Authorised through the result's task, like every result page.
        self.result_ctx(db, actor, o.inspection_id)
            .await
            .map_err(|_| AppError::not_found("异议"))?;
        Ok(o)
    }

    /// An objection and its inspection, if the actor handles the reviewing unit's results.
    async fn objection_to_handle(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        objection_id: i64,
        what: &str,
    ) -> Result<(ObjectionRow, InspectionRow), AppError> {
        let o = self.objection_row(db, actor, objection_id).await?;
        let (i, _) = self.result_ctx(db, actor, o.inspection_id).await?;
        if !self.handles_results(db, actor, &i).await? {
            return Err(AppError::Forbidden(format!("只有检查实施单位的管理员可以{what}")));
        }
        Ok((o, i))
    }

    /// The final inspection a 核验码 belongs to.
    async fn inspection_by_code(&self, db: &impl ConnectionTrait, code: &str) -> Result<InspectionRow, AppError> {
        let normalized = normalize_code(code).ok_or_else(|| {
            AppError::invalid(
                "code",
                "核验码格式不正确：应为检查结果告知书上的 12 位核验码，如 7K3M-Q9TX-2HBD",
            )
        })?;
        let hash = self.sealer().lookup_hash(&normalized);
        inspections_store::by_verification(db, &hash)
            .await?
            .into_iter()
            .find(|i| i.status == InspectionStatus::Final.code())
            .ok_or_else(|| AppError::invalid("code", "未找到该核验码对应的检查结果，请核对检查结果告知书上的核验码"))
    }

    /// Stores the attachments in the evidence store (before the row, like evidence).
    async fn store_attachments(&self, files: Vec<Attachment>) -> Result<Vec<NewObjectionFile>, AppError> {
        if files.len() > rules::MAX_OBJECTION_FILES {
            return Err(AppError::invalid(
                "files",
                format!("附件最多 {} 个", rules::MAX_OBJECTION_FILES),
            ));
        }
        let mut out = Vec::new();
        for f in files {
            if f.bytes.is_empty() {
                continue;
            }
            if f.bytes.len() > MAX_ATTACHMENT_BYTES {
                return Err(AppError::invalid(
                    "files",
                    format!("附件“{}”超过 20 MB，请压缩后再提交", f.file_name),
                ));
            }
            let name = f.file_name.rsplit(['/', '\\']).next().unwrap_or_default().trim();
            let name = rules::optional_text("files", "文件名", name, 200).map_err(invalid)?;
            let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(f.bytes) });
            let stored = self.evidence_store()?.store(stream).await.map_err(evidence_error)?;
            out.push(NewObjectionFile {
                objection_id: 0,
                storage_key: stored.key,
                sha256: stored.sha256,
                size: stored.size as i64,
                mime: stored.mime,
                file_name: if name.is_empty() { "附件".into() } else { name },
                uploaded_at: self.now(),
            });
        }
        Ok(out)
    }

    /// The object files an objection on the public site with its 核验码.
    pub async fn file_objection(
        &self,
        meta: RequestMeta,
        input: PublicObjectionInput,
        files: Vec<Attachment>,
    ) -> Result<PublicObjectionStatus, AppError> {
        let submitter =
            rules::required_text("submitter", "提交人", &input.submitter, rules::MAX_NAME).map_err(invalid)?;
        let contact = rules::check_phone("contact", &input.contact).map_err(invalid)?;
        let content =
            rules::required_text("content", "异议内容", &input.content, rules::MAX_OBJECTION_TEXT).map_err(invalid)?;
        let i = self.inspection_by_code(self.store().conn(), &input.code).await?;
        let stored = self.store_attachments(files).await?;
        let tx = self.store().begin().await?;
        let unit = self.unit_code(&tx, i.department_id).await?;
        let by = By {
            user_id: None,
            name: format!("{submitter}（网上提交）"),
            role: String::new(),
            department: unit,
            meta,
        };
        let o = self
            .insert_objection(
                &tx,
                &by,
                &i,
                ObjectionChannel::Online,
                submitter,
                contact,
                content,
                self.today(),
                stored,
            )
            .await?;
        let cal = self.work_calendar().await?;
        let status = public_status(&cal, &o, self.today());
        tx.commit().await.map_err(StoreError::from)?;
        Ok(status)
    }

    /// The unit enters a paper objection on the object's behalf.
    pub async fn record_objection(
        &self,
        actor: &Actor,
        inspection_id: i64,
        input: PaperObjectionInput,
        files: Vec<Attachment>,
    ) -> Result<ObjectionView, AppError> {
        let db = self.store().conn();
        let (i, _) = self.result_ctx(db, actor, inspection_id).await?;
        if !self.handles_results(db, actor, &i).await? {
            return Err(AppError::Forbidden("只有检查实施单位的管理员可以代录异议".into()));
        }
        if i.status != InspectionStatus::Final.code() {
            return Err(AppError::Conflict("检查结果尚未全组签字确认，不能提出异议".into()));
        }
        let submitter =
            rules::required_text("submitter", "提交人", &input.submitter, rules::MAX_NAME).map_err(invalid)?;
        let contact = rules::check_phone("contact", &input.contact).map_err(invalid)?;
        let content =
            rules::required_text("content", "异议内容", &input.content, rules::MAX_OBJECTION_TEXT).map_err(invalid)?;
        let received_on = day("received_on", "收到日期", &input.received_on, self.today())?;
        let stored = self.store_attachments(files).await?;
        let tx = self.store().begin().await?;
        let o = self
            .insert_objection(
                &tx,
                &By::actor(actor),
                &i,
                ObjectionChannel::Paper,
                submitter,
                contact,
                content,
                received_on,
                stored,
            )
            .await?;
        let cal = self.work_calendar().await?;
        let view = self.objection_view(&tx, &cal, &o).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view)
    }

    #[allow(clippy::too_many_arguments)]
    async fn insert_objection(
        &self,
        db: &impl ConnectionTrait,
        by: &By,
        i: &InspectionRow,
        channel: ObjectionChannel,
        submitter: String,
        contact: String,
        content: String,
        received_on: NaiveDate,
        files: Vec<NewObjectionFile>,
    ) -> Result<ObjectionRow, AppError> {
        let o = store::insert_objection(
            db,
            NewObjection {
                inspection_id: i.id,
                department_id: i.department_id,
                channel: channel.code().into(),
                submitter,
                contact,
                content,
                received_on,
                recorded_by: by.name.clone(),
                recorded_at: self.now(),
            },
        )
        .await?;
        let n = files.len();
        for mut f in files {
            f.objection_id = o.id;
            store::insert_objection_file(db, f).await?;
        }
        let unit = self.unit_code(db, i.department_id).await?;
        let cal = self.work_calendar().await?;
        let due = review_deadline(&cal, &o, self.today());
        let (acting, _) = crate::deadlines::handlers_of(db, i.department_id).await?;
        let object = crate::deadlines::objection_object(db, &o).await?.unwrap_or_default();
        crate::deadlines::to_handlers(
            db,
            self.now(),
            &acting,
            "objection_received",
            format!(
                "收到异议{}（{object}，{}），请在{}前作出复核结论",
                receipt_no(&o),
                channel.label(),
                due.due
            ),
            &format!("/results/{}", i.id),
            crate::deadlines::review_subject(o.id),
        )
        .await?;
        record(
            db,
            by,
            Change::new(AuditAction::ObjectionReceived, "objection", o.id)
                .in_department(&unit)
                .summary(format!(
                    "受理异议 {}（{}，附件 {n} 个），复核期限 {}",
                    receipt_no(&o),
                    channel.label(),
                    due.due
                ))
                .after(serde_json::json!({
                    "inspection_id": i.id,
                    "channel": channel.code(),
                    "received_on": o.received_on,
                    "content": o.content,
                })),
        )
        .await?;
        Ok(o)
    }

    /// The review decision: 维持, or 更正 (which files a correction request).
    pub async fn decide_objection(
        &self,
        actor: &Actor,
        objection_id: i64,
        input: ObjectionDecisionInput,
    ) -> Result<ObjectionView, AppError> {
        let tx = self.store().begin().await?;
        let (o, i) = self.objection_to_handle(&tx, actor, objection_id, "复核异议").await?;
        let decision = ObjectionDecision::parse(&input.decision)
            .map_err(|_| AppError::invalid("decision", "请选择复核结论：维持或更正"))?;
        let reason = rules::required_text("reason", "复核理由", &input.reason, rules::MAX_NOTE).map_err(invalid)?;
        if o.status != ObjectionStatus::Received.code() {
            return Err(AppError::Conflict("该异议已经作出复核结论".into()));
        }
        let correction_id = if decision == ObjectionDecision::Correct {
            let c = self
                .insert_correction(
                    &tx,
                    actor,
                    &i,
                    CorrectionInput {
                        reason: format!("异议复核（{}）：{reason}", receipt_no(&o)),
                        result_category: input.result_category.clone(),
                        result_summary: input.result_summary.clone(),
                    },
                    Some(o.id),
                )
                .await?;
            Some(c.id)
        } else {
            None
        };
        let by = By::actor(actor);
        let today = self.today();
        if !store::decide_objection(&tx, o.id, decision.code(), &reason, &by.name, today, correction_id).await? {
            return Err(AppError::Conflict("该异议已经作出复核结论".into()));
        }
        let cal = self.work_calendar().await?;
        let o = store::objection(&tx, o.id).await?.expect("exists");
        crate::messages::close_todos(&tx, self.now(), crate::deadlines::review_subject(o.id)).await?;
        let review = review_deadline(&cal, &o, today);
        let unit = self.unit_code(&tx, i.department_id).await?;
        record(
            &tx,
            &by,
            Change::new(AuditAction::ObjectionDecided, "objection", o.id)
                .in_department(&unit)
                .summary(format!(
                    "异议 {} 复核结论：{}（{}）{}",
                    receipt_no(&o),
                    decision.label(),
                    review.text,
                    if correction_id.is_some() {
                        "，已提交更正申请待主要负责人批准"
                    } else {
                        ""
                    }
                ))
                .after(serde_json::json!({
                    "decision": decision.code(),
                    "reason": reason,
                    "correction_id": correction_id,
                })),
        )
        .await?;
        let view = self.objection_view(&tx, &cal, &o).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view)
    }

    /// Records that (and how) the object was told the outcome.
    pub async fn answer_objection(
        &self,
        actor: &Actor,
        objection_id: i64,
        input: FeedbackInput,
    ) -> Result<ObjectionView, AppError> {
        let tx = self.store().begin().await?;
        let (o, i) = self
            .objection_to_handle(&tx, actor, objection_id, "登记异议反馈")
            .await?;
        let method = FeedbackMethod::parse(&input.method).map_err(|e| AppError::invalid("method", e.to_string()))?;
        let note = rules::optional_text("note", "反馈情况", &input.note, rules::MAX_NOTE).map_err(invalid)?;
        let on = day("on", "反馈日期", &input.on, self.today())?;
        match o.decided_on {
            None => return Err(AppError::Conflict("该异议尚未作出复核结论，不能登记反馈".into())),
            Some(d) if on < d => {
                return Err(AppError::invalid("on", "反馈日期不能早于复核日期"));
            }
            _ => {}
        }
        let by = By::actor(actor);
        if !store::answer_objection(&tx, o.id, method.code(), &note, &by.name, on).await? {
            return Err(AppError::Conflict("该异议的反馈已经登记".into()));
        }
        let cal = self.work_calendar().await?;
        let o = store::objection(&tx, o.id).await?.expect("exists");
        crate::messages::close_todos(&tx, self.now(), crate::deadlines::feedback_subject(o.id)).await?;
        let feedback = feedback_deadline(&cal, &o, self.today());
        let unit = self.unit_code(&tx, i.department_id).await?;
        record(
            &tx,
            &by,
            Change::new(AuditAction::ObjectionAnswered, "objection", o.id)
                .in_department(&unit)
                .summary(format!(
                    "异议 {} 已{}反馈（{}）",
                    receipt_no(&o),
                    method.label(),
                    feedback.map(|f| f.text).unwrap_or_default()
                ))
                .after(serde_json::json!({"method": method.code(), "on": on, "note": note})),
        )
        .await?;
        let view = self.objection_view(&tx, &cal, &o).await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(view)
    }

    /// What the object may see of its objections, by 核验码.
    pub async fn objection_status(&self, code: &str) -> Result<Vec<PublicObjectionStatus>, AppError> {
        let db = self.store().conn();
        let i = self.inspection_by_code(db, code).await?;
        let cal = self.work_calendar().await?;
        let today = self.today();
        Ok(store::objections_of(db, i.id)
            .await?
            .iter()
            .map(|o| public_status(&cal, o, today))
            .collect())
    }

    /// An attachment of an objection the actor may see: its row and a reader.
    pub async fn read_objection_file(
        &self,
        actor: &Actor,
        file_id: i64,
    ) -> Result<
        (
            spotcheck_store::publication::ObjectionFileRow,
            spotcheck_evidence::EvidenceReader,
        ),
        AppError,
    > {
        let db = self.store().conn();
        let f = store::objection_file(db, file_id)
            .await?
            .ok_or_else(|| AppError::not_found("附件"))?;
        self.objection_row(db, actor, f.objection_id).await?;
        let reader = self
            .evidence_store()?
            .read(&f.storage_key)
            .await
            .map_err(evidence_error)?;
        Ok((f, reader))
    }
}

fn public_status(cal: &WorkCalendar, o: &ObjectionRow, today: NaiveDate) -> PublicObjectionStatus {
    let status = ObjectionStatus::parse(&o.status).unwrap_or(ObjectionStatus::Received);
    // The outcome is public to the object once it has been told.
    let told = status == ObjectionStatus::Answered;
    PublicObjectionStatus {
        receipt_no: receipt_no(o),
        received_on: o.received_on,
        status: term(status.code(), status.label()),
        review_due: review_deadline(cal, o, today).due,
        decision: ObjectionDecision::parse(&o.decision)
            .ok()
            .filter(|_| told)
            .map(|d| term(d.code(), d.label())),
        decision_reason: if told { o.decision_reason.clone() } else { String::new() },
        decided_on: o.decided_on,
        feedback_on: o.feedback_on,
    }
}
