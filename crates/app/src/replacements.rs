//! 调整更换 (第十八条) and experts on a team.
//!
//! A member is replaced only through a request with a reason of 第十八条
//! ([`App::request_replacement`]: by the unit's operator, or 申请回避 by the
//! inspector himself), approved by the 分管负责人 ([`App::decide_replacement`],
//! which commits a draw of kind `replacement` among the inspectors eligible
//! now and not on the team) and revealed ([`App::reveal_replacement`]). No
//! other path changes a team's inspectors. Experts (专家, 第十一条) are
//! attached by hand and never count toward the team size.

use crate::audit::{By, Change, record};
use crate::draws::{DrawOwner, LockInput, RevealInput, beacon_source, draw_error};
use crate::messages::{Notice, Recipient, close_todos, notify};
use crate::teams::reason_term;
use crate::{Actor, App, AppError};
use serde::Deserialize;
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::matching::{match_object, replacement_pool};
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::{ReplacementReason, TaskAction, TaskStatus};
use spotcheck_draw::canonical;
use spotcheck_draw::{DrawInputs, DrawResult};
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::inspectors;
use spotcheck_store::tasks::{self, DrawRow, TaskRow};
use spotcheck_store::teams::{self, MemberRow, NewMember, NewReplacement, ReplacementRow, TeamRow};
use spotcheck_store::{ConnectionTrait, StoreError};
use utoipa::ToSchema;

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct ReplacementInput {
    /// 岗位调整, 工作冲突, 身体健康 or 回避 (codes post_change, work_conflict, health, recusal).
    #[serde(default)]
    pub reason: String,
    /// The facts behind the reason; for 回避 the interest in the object.
    #[serde(default)]
    pub note: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct DecisionInput {
    /// true to approve (the replacement draw is committed at once), false to refuse.
    #[serde(default)]
    pub approve: bool,
    /// Required when refusing.
    #[serde(default)]
    pub note: String,
    /// The beacon of the replacement draw.
    #[serde(default)]
    pub beacon: LockInput,
}

impl App {
    /// A team and its unit, for someone who may see the task.
    async fn team_for(
        &self,
        db: &impl ConnectionTrait,
        actor: &Actor,
        team_id: i64,
    ) -> Result<(TaskRow, TeamRow, DepartmentRow), AppError> {
        let team = teams::team(db, team_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查组"))?;
        let t = self.task_for(db, actor, team.task_id).await?;
        let unit = departments::by_id(db, team.department_id)
            .await?
            .ok_or_else(|| AppError::Internal("执行单位不存在".into()))?;
        Ok((t, team, unit))
    }

    fn teams_open(t: &TaskRow) -> Result<(), AppError> {
        let status = TaskStatus::parse(&t.status).unwrap_or(TaskStatus::Draft);
        if status.can(TaskAction::ReplaceInspector) {
            Ok(())
        } else {
            Err(AppError::Conflict(format!("任务{}，检查组不能再调整", status.label())))
        }
    }

    /// Attaches an expert of the unit's jurisdiction to a team (第十一条). Experts never count toward the team size.
    pub async fn attach_expert(&self, actor: &Actor, team_id: i64, expert_id: i64) -> Result<(), AppError> {
        let db = self.store().conn();
        let (t, team, unit) = self.team_for(db, actor, team_id).await?;
        if !Self::acts_for_unit(actor, &unit) {
            return Err(AppError::Forbidden("只有执行单位的管理员可以为检查组添加专家".into()));
        }
        Self::teams_open(&t)?;
        let expert = inspectors::expert_in(db, &actor.jurisdiction(), expert_id)
            .await?
            .filter(|e| e.active)
            .ok_or_else(|| AppError::invalid("expert_id", "专家不存在或已停用，请从本部门的专家库中选择"))?;
        let members = teams::members_of_task(db, t.id).await?;
        let current: Vec<&MemberRow> = members.iter().filter(|m| m.team_id == team.id && m.active).collect();
        if current.iter().any(|m| m.expert_id == Some(expert.id)) {
            return Err(AppError::Conflict(format!("专家{}已在该检查组中", expert.data.name)));
        }
        let position = current.iter().map(|m| m.position).max().unwrap_or(0) + 1;
        let now = self.now();
        let tx = self.store().begin().await?;
        teams::insert_member(
            &tx,
            NewMember {
                team_id: team.id,
                inspector_id: None,
                expert_id: Some(expert.id),
                name: expert.data.name.clone(),
                cert_no: String::new(),
                role: "expert",
                position,
                draw_id: None,
                added_by: actor.user.username.clone(),
                now,
            },
        )
        .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ExpertAttached, "team", team.id)
                .in_department(unit.code.as_str())
                .summary(format!(
                    "为任务{}检查对象{}的检查组添加专家{}（{}），专家不计入检查组人数",
                    t.code, team.object_code, expert.data.name, expert.data.organisation
                )),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// Takes an expert off a team (the row stays, marked as left).
    pub async fn remove_expert(&self, actor: &Actor, member_id: i64) -> Result<(), AppError> {
        let db = self.store().conn();
        let m = teams::member(db, member_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查组成员"))?;
        let (t, team, unit) = self.team_for(db, actor, m.team_id).await?;
        if m.role != "expert" {
            return Err(AppError::Conflict(
                "只能直接移出专家；检查人员须申请调整更换，经分管负责人批准后随机抽取替换人员（第十八条）".into(),
            ));
        }
        if !Self::acts_for_unit(actor, &unit) {
            return Err(AppError::Forbidden("只有执行单位的管理员可以调整检查组专家".into()));
        }
        Self::teams_open(&t)?;
        let now = self.now();
        let tx = self.store().begin().await?;
        teams::deactivate_member(&tx, m.id, "移出专家", now).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ExpertRemoved, "team", team.id)
                .in_department(unit.code.as_str())
                .summary(format!(
                    "将专家{}移出任务{}检查对象{}的检查组",
                    m.name, t.code, team.object_code
                )),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    /// 申请调整更换 (第十八条): by the unit's operator for any of the four
    /// reasons, or by the inspector himself — 申请回避 when he has an interest
    /// in the object. The request waits for the 分管负责人.
    pub async fn request_replacement(
        &self,
        actor: &Actor,
        member_id: i64,
        input: &ReplacementInput,
    ) -> Result<i64, AppError> {
        let db = self.store().conn();
        let m = teams::member(db, member_id)
            .await?
            .filter(|m| m.inspector_id.is_some())
            .ok_or_else(|| AppError::not_found("检查组成员"))?;
        let team = teams::team(db, m.team_id)
            .await?
            .ok_or_else(|| AppError::not_found("检查组"))?;
        let unit = departments::by_id(db, team.department_id)
            .await?
            .ok_or_else(|| AppError::Internal("执行单位不存在".into()))?;
        let own = inspectors::by_user(db, actor.user.id)
            .await?
            .is_some_and(|i| Some(i.id) == m.inspector_id);
        let t = if own {
            tasks::by_id(db, team.task_id)
                .await?
                .ok_or_else(|| AppError::not_found("抽查任务"))?
        } else {
            let t = self.task_for(db, actor, team.task_id).await?;
            if !Self::acts_for_unit(actor, &unit) {
                return Err(AppError::Forbidden(
                    "只有执行单位的管理员或检查人员本人可以申请调整更换".into(),
                ));
            }
            t
        };
        // The members who sign are the team of the result: once the leader has
        // submitted it for sign-off, the team no longer changes.
        if spotcheck_store::inspections::by_team(db, team.id)
            .await?
            .is_some_and(|i| i.status != "draft")
        {
            return Err(AppError::Conflict(
                "该检查组的检查结果已提交签字确认，不能再调整检查组成员".into(),
            ));
        }
        let reason = ReplacementReason::parse(input.reason.trim()).map_err(|_| {
            AppError::invalid(
                "reason",
                "调整更换原因应为岗位调整、工作冲突、身体健康或回避（第十八条）",
            )
        })?;
        let note = input.note.trim();
        if note.chars().count() < 4 {
            return Err(AppError::invalid(
                "note",
                if reason == ReplacementReason::Recusal {
                    "请写明与检查对象的利害关系（至少4个字）"
                } else {
                    "请写明调整更换的具体情况（至少4个字）"
                },
            ));
        }
        if note.chars().count() > 500 {
            return Err(AppError::invalid("note", "情况说明不能超过500个字"));
        }
        if !m.active {
            return Err(AppError::Conflict(format!("{}已不在该检查组中", m.name)));
        }
        Self::teams_open(&t)?;
        if teams::open_replacement_of(db, m.id).await?.is_some() {
            return Err(AppError::Conflict(format!(
                "{}的调整更换申请正在办理中，请等待分管负责人审批",
                m.name
            )));
        }
        let now = self.now();
        let tx = self.store().begin().await?;
        let id = teams::insert_replacement(
            &tx,
            NewReplacement {
                task_id: t.id,
                team_id: team.id,
                member_id: m.id,
                reason: reason.code().to_string(),
                note: note.to_string(),
                requested_by: actor.user.username.clone(),
                now,
            },
        )
        .await?;
        let what = if reason == ReplacementReason::Recusal {
            "申请回避"
        } else {
            "申请调整更换"
        };
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ReplacementRequested, "replacement", id)
                .in_department(unit.code.as_str())
                .summary(format!(
                    "{what}：任务{}检查对象{}的检查人员{}（{}），原因：{}",
                    t.code,
                    team.object_code,
                    m.name,
                    m.cert_no,
                    reason.label()
                ))
                .after(serde_json::json!({"member": m.cert_no, "reason": reason.code(), "note": note})),
        )
        .await?;
        // The 分管负责人 of the unit, and of the department it belongs to.
        let mut approvers = vec![unit.id];
        approvers.extend(unit.parent_id);
        for department_id in approvers {
            notify(
                &tx,
                now,
                Notice {
                    to: Recipient::Department {
                        department_id,
                        permission: Permission::ApproveReplacements,
                    },
                    kind: "replacement_requested",
                    title: format!(
                        "任务{}检查对象{}：{}{}（{}），待您审批",
                        t.code,
                        team.object_code,
                        m.name,
                        what,
                        reason.label()
                    ),
                    body: note.to_string(),
                    link: format!("/tasks/{}#replacement-{id}", t.id),
                    action_required: true,
                    subject: ("replacement", id),
                },
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(id)
    }

    /// The 分管负责人's decision. Approval commits the replacement draw at
    /// once (among the eligible inspectors, with today's facts, not on the
    /// team); for 回避 the interest is also recorded as a conflict, so the
    /// inspector is never drawn for this object again.
    pub async fn decide_replacement(&self, actor: &Actor, id: i64, input: &DecisionInput) -> Result<(), AppError> {
        let db = self.store().conn();
        let r = teams::replacement(db, id)
            .await?
            .ok_or_else(|| AppError::not_found("调整更换申请"))?;
        let (t, team, unit) = self.team_for(db, actor, r.team_id).await?;
        if !Self::approves_for_unit(actor, &unit) {
            return Err(AppError::Forbidden(
                "调整更换检查人员须经分管负责人批准（第十八条）".into(),
            ));
        }
        if r.status != "pending" {
            return Err(AppError::Conflict("该申请已经处理".into()));
        }
        let m = teams::member(db, r.member_id)
            .await?
            .ok_or_else(|| AppError::Internal("被调整的成员不存在".into()))?;
        let reason = ReplacementReason::parse(&r.reason).unwrap_or(ReplacementReason::PostChange);
        let note = input.note.trim();
        let now = self.now();
        if !input.approve {
            if note.chars().count() < 2 {
                return Err(AppError::invalid("note", "不批准时请写明理由"));
            }
            let tx = self.store().begin().await?;
            teams::decide_replacement(&tx, r.id, "rejected", &actor.user.username, note, None, now).await?;
            close_todos(&tx, now, ("replacement", r.id)).await?;
            record(
                &tx,
                &By::actor(actor),
                Change::new(AuditAction::ReplacementRejected, "replacement", r.id)
                    .in_department(unit.code.as_str())
                    .summary(format!(
                        "不批准调整更换任务{}检查对象{}的检查人员{}：{note}",
                        t.code, team.object_code, m.name
                    )),
            )
            .await?;
            self.tell_requester(&tx, &r, format!("您对{}的调整更换申请未获批准：{note}", m.name), t.id)
                .await?;
            tx.commit().await.map_err(StoreError::from)?;
            return Ok(());
        }
        Self::teams_open(&t)?;
        if !m.active {
            return Err(AppError::Conflict(format!("{}已不在该检查组中", m.name)));
        }
        let source = beacon_source(&input.beacon, now)?;
        // The pool: a match for this object now, with today's facts (and the
        // declared interest when this is a recusal).
        let share = self
            .shares(db, &t)
            .await?
            .into_iter()
            .find(|s| s.unit.id == unit.id)
            .ok_or_else(|| AppError::Internal("执行单位的检查对象不存在".into()))?;
        let mut inputs = self.match_inputs(db, &t, &share).await?;
        if reason == ReplacementReason::Recusal
            && let Some(f) = inputs.facts.iter_mut().find(|f| f.cert_no == m.cert_no)
        {
            f.conflicts.insert(team.object_code.clone());
        }
        let object = inputs
            .staff
            .iter()
            .find(|o| o.id == team.object_code)
            .ok_or_else(|| AppError::Internal("检查对象不在本单位名单中".into()))?;
        let matched = match_object(&inputs.facts, object, &inputs.ctx);
        let members = teams::members_of_task(db, t.id).await?;
        let team_certs: Vec<String> = members
            .iter()
            .filter(|x| x.team_id == team.id && x.active && x.inspector_id.is_some() && x.id != m.id)
            .map(|x| x.cert_no.clone())
            .collect();
        let pool = replacement_pool(&matched, &team_certs, &m.cert_no, m.role == "leader")
            .map_err(|e| AppError::Conflict(e.message))?;
        let cleaned = canonical::replacement(&team.object_code, &m.cert_no, &team_certs, &pool)
            .map_err(|e| draw_error("抽取输入有误", e))?;
        let draw_id = format!("{}-R-{}", t.code, r.id);
        let tx = self.store().begin().await?;
        teams::decide_replacement(&tx, r.id, "approved", &actor.user.username, note, Some(&draw_id), now).await?;
        let committed = self
            .commit_draw(
                &tx,
                actor,
                DrawOwner {
                    draw_id: draw_id.clone(),
                    task_id: t.id,
                    task_item_id: None,
                    department_id: Some(unit.id),
                },
                source,
                DrawInputs::Replacement(cleaned.value),
            )
            .await?;
        if reason == ReplacementReason::Recusal
            && let Some(inspector_id) = m.inspector_id
        {
            inspectors::declare_conflict(&tx, inspector_id, team.object_id, &r.note, &r.requested_by, now).await?;
            record(
                &tx,
                &By::actor(actor),
                Change::new(AuditAction::ConflictDeclared, "inspector", inspector_id)
                    .in_department(unit.code.as_str())
                    .summary(format!(
                        "检查人员{}申请回避获批，登记与检查对象{}的利害关系：{}",
                        m.name, team.object_code, r.note
                    )),
            )
            .await?;
        }
        close_todos(&tx, now, ("replacement", r.id)).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::ReplacementApproved, "replacement", r.id)
                .in_department(unit.code.as_str())
                .summary(format!(
                    "批准调整更换任务{}检查对象{}的检查人员{}（{}），在{}名符合条件的人员中抽取，抽取编号{draw_id}",
                    t.code,
                    team.object_code,
                    m.name,
                    reason.label(),
                    pool.len()
                ))
                .after(serde_json::json!({"draw_id": draw_id, "commitment": committed.record().commitment().to_hex()})),
        )
        .await?;
        self.tell_requester(
            &tx,
            &r,
            format!("您对{}的调整更换申请已获批准，替换人员抽取已锁定，待揭晓", m.name),
            t.id,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }

    async fn tell_requester(
        &self,
        db: &impl ConnectionTrait,
        r: &ReplacementRow,
        title: String,
        task_id: i64,
    ) -> Result<(), AppError> {
        if let Some(u) = spotcheck_store::users::by_username(db, &r.requested_by).await? {
            notify(
                db,
                self.now(),
                Notice {
                    to: Recipient::User(u.id),
                    kind: "replacement_decided",
                    title,
                    body: String::new(),
                    link: format!("/tasks/{task_id}#replacement-{}", r.id),
                    action_required: false,
                    subject: ("replacement_decided", r.id),
                },
            )
            .await?;
        }
        Ok(())
    }

    /// 揭晓 an approved replacement: the chosen inspector takes the replaced
    /// member's place (and role); the replaced member stays on record as left.
    pub async fn reveal_replacement(&self, actor: &Actor, id: i64, input: &RevealInput) -> Result<(), AppError> {
        let db = self.store().conn();
        let r = teams::replacement(db, id)
            .await?
            .ok_or_else(|| AppError::not_found("调整更换申请"))?;
        let (t, team, unit) = self.team_for(db, actor, r.team_id).await?;
        if !Self::acts_for_unit(actor, &unit) && !Self::approves_for_unit(actor, &unit) {
            return Err(AppError::Forbidden(
                "只有执行单位的管理员或分管负责人可以揭晓替换人员抽取".into(),
            ));
        }
        let draw_id = match (r.status.as_str(), &r.draw_id) {
            ("approved", Some(d)) => d.clone(),
            ("pending", _) => {
                return Err(AppError::Conflict(
                    "该申请尚未经分管负责人批准，不能调整检查人员（第十八条）".into(),
                ));
            }
            _ => return Err(AppError::Conflict("该申请已经处理完毕".into())),
        };
        let d: DrawRow = tasks::draw_by_draw_id(db, &draw_id)
            .await?
            .ok_or_else(|| AppError::Internal("替换人员抽取记录不存在".into()))?;
        let committed = self.restore_draw(&d)?;
        let value = self.beacon_value(&committed, input).await?;
        let revealed = committed.reveal(value).map_err(|e| draw_error("揭晓失败", vec![e]))?;
        let DrawResult::Replacement(result) = revealed.result() else {
            return Err(AppError::Internal("抽取类型不符".into()));
        };
        let chosen = inspectors::by_cert_nos(db, &[result.chosen.as_str().to_string()])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("抽中的检查人员不在名录中".into()))?;
        let m = teams::member(db, r.member_id)
            .await?
            .ok_or_else(|| AppError::Internal("被调整的成员不存在".into()))?;
        let reason = reason_term(&r.reason);
        let now = self.now();
        let tx = self.store().begin().await?;
        tasks::set_revealed(&tx, d.id, &revealed.to_json(), now).await?;
        teams::deactivate_member(&tx, m.id, &format!("调整更换（{}）", reason.label), now).await?;
        let new_id = teams::insert_member(
            &tx,
            NewMember {
                team_id: team.id,
                inspector_id: Some(chosen.id),
                expert_id: None,
                name: chosen.data.name.clone(),
                cert_no: chosen.data.cert_no.clone(),
                role: if m.role == "leader" { "leader" } else { "member" },
                position: m.position,
                draw_id: Some(draw_id.clone()),
                added_by: actor.user.username.clone(),
                now,
            },
        )
        .await?;
        teams::finish_replacement(&tx, r.id, new_id).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::DrawRevealed, "draw", &draw_id)
                .in_department(unit.code.as_str())
                .summary(format!(
                    "揭晓任务{}检查对象{}的替换人员抽取：抽中{}（{}）",
                    t.code, team.object_code, chosen.data.name, chosen.data.cert_no
                ))
                .after(serde_json::json!({"draw_id": draw_id, "seed": revealed.seed().to_hex(), "chosen": chosen.data.cert_no})),
        )
        .await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::InspectorReplaced, "team", team.id)
                .in_department(unit.code.as_str())
                .summary(format!(
                    "任务{}检查对象{}的检查组：{}（{}）调整为{}（{}），原因：{}",
                    t.code, team.object_code, m.name, m.cert_no, chosen.data.name, chosen.data.cert_no, reason.label
                ))
                .before(serde_json::json!({"member": m.cert_no}))
                .after(serde_json::json!({"member": chosen.data.cert_no})),
        )
        .await?;
        if let Some(user) = chosen.user_id {
            notify(
                &tx,
                now,
                Notice {
                    to: Recipient::User(user),
                    kind: "assignment",
                    title: format!(
                        "您经随机抽取替换{}，参加任务{}“{}”对{}的检查",
                        m.name, t.code, t.name, team.object_code
                    ),
                    body: format!("执行时间{}至{}。", t.window_start, t.window_end),
                    link: "/".into(),
                    action_required: false,
                    subject: ("task_assignment", t.id),
                },
            )
            .await?;
        }
        if let Some(inspector_id) = m.inspector_id
            && let Some(user) = inspectors::by_id(&tx, inspector_id).await?.and_then(|i| i.user_id)
        {
            notify(
                &tx,
                now,
                Notice {
                    to: Recipient::User(user),
                    kind: "replacement_decided",
                    title: format!(
                        "您已调出任务{}对{}的检查组，由{}接替",
                        t.code, team.object_code, chosen.data.name
                    ),
                    body: String::new(),
                    link: "/".into(),
                    action_required: false,
                    subject: ("replacement_decided", r.id),
                },
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(())
    }
}
