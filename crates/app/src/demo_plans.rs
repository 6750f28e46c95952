//! Demo data: the 2026 annual plans of the demo departments, at every stage a
//! real year shows by November — published plans (one of them adjusted in
//! the summer, so the public site shows two versions), a filing still waiting
//! for the city's answer and a plan sent back with a comment — with the dates
//! they would have had (filed in early March, one late).
//!
//! Written through the store with those dates, since the use cases stamp the
//! present; each plan gets its events and one audit entry saying it is demo data.

use crate::audit::{By, Change, record};
use crate::{App, AppError, RequestMeta};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::item::{ItemStatus, Ratio};
use spotcheck_domain::plan::{PlanScope, PlanStatus};
use spotcheck_domain::vocab::{ItemCategory, RiskClass};
use spotcheck_store::departments;
use spotcheck_store::items::{self, ItemFilter};
use spotcheck_store::plans::{self, NewEntry, NewEvent, NewPlan, StatusFields};
use spotcheck_store::{ConnectionTrait, StoreError};
use std::collections::BTreeSet;

/// Where a demo plan ends up.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Published,
    /// Published in March, adjusted (version 2 published) in July.
    Adjusted,
    /// Filed, waiting for the superior's answer.
    Filed,
    /// Returned by the superior with a comment.
    Returned,
}

struct DemoPlan {
    department: &'static str,
    /// Day of March 2026 the plan was filed.
    filed_day: u32,
    end: End,
    /// (item name, months, risk classes or empty for all)
    entries: &'static [(&'static str, &'static [u32], &'static [&'static str])],
}

const PLANS: &[DemoPlan] = &[
    DemoPlan {
        department: "230000",
        filed_day: 5,
        end: End::Published,
        entries: &[
            ("建筑业企业资质动态核查", &[4, 5, 9], &[]),
            ("工程监理企业资质及监理行为检查", &[5, 6], &[]),
            ("建设工程质量检测机构检查", &[6, 10], &[]),
            ("施工图审查机构检查", &[9], &[]),
            ("注册建造师执业行为检查", &[4, 10], &[]),
        ],
    },
    DemoPlan {
        department: "230100",
        filed_day: 9,
        end: End::Published,
        entries: &[
            ("建筑施工企业安全生产许可证动态核查", &[4, 5], &[]),
            ("房地产开发企业资质检查", &[6], &[]),
            ("房屋建筑和市政基础设施工程质量安全检查", &[5, 6, 9], &[]),
            ("建筑起重机械安全检查", &[4, 8], &[]),
            ("物业服务企业服务行为检查", &[7], &["C", "D"]),
        ],
    },
    DemoPlan {
        department: "230102",
        filed_day: 10,
        end: End::Adjusted,
        entries: &[
            ("建筑业企业资质动态核查", &[5], &[]),
            ("房屋建筑和市政基础设施工程质量安全检查", &[6, 9], &[]),
            ("建筑工人实名制及农民工工资支付检查", &[11, 12], &[]),
        ],
    },
    DemoPlan {
        department: "230103",
        filed_day: 16,
        end: End::Filed,
        entries: &[
            ("房地产经纪机构经营行为检查", &[6], &[]),
            ("商品房预售及预售资金监管检查", &[7, 8], &[]),
        ],
    },
    DemoPlan {
        department: "230200",
        filed_day: 8,
        end: End::Returned,
        entries: &[
            ("建筑业企业资质动态核查", &[5], &[]),
            ("城镇燃气经营许可检查", &[10], &[]),
        ],
    },
];

/// The running single task's name (also how a second load knows the tasks are there).
const WINTER_TASK: &str = "2026年冬季建筑施工安全生产许可证动态核查";

/// 2026-`month`-`day` at `hour`:00 Beijing time.
pub(crate) fn at(month: u32, day: u32, hour: u32) -> DateTime<Utc> {
    on(
        NaiveDate::from_ymd_opt(2026, month, day).expect("valid demo date"),
        hour,
    )
}

/// `day` at `hour`:00 Beijing time.
pub(crate) fn on(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    let local = day.and_hms_opt(hour, 0, 0).expect("valid demo hour");
    crate::actor::china()
        .from_local_datetime(&local)
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

impl App {
    /// Loads the demo plans unless the demo departments have plans already.
    pub(crate) async fn load_demo_plans(&self) -> Result<usize, AppError> {
        let db = self.store().conn();
        let Some(root) = departments::root(db).await? else {
            return Ok(0);
        };
        let (current, _) = items::list_current(db, &ItemFilter::default(), 1, 10_000).await?;
        let tx = self.store().begin().await?;
        let by = By::system(root.code.as_str(), RequestMeta::cli());
        let mut added = 0;
        for spec in PLANS {
            let Some(dept) = departments::by_code(&tx, spec.department).await? else {
                continue;
            };
            if !plans::versions(&tx, dept.id, 2026).await?.is_empty() {
                continue;
            }
            let superior = match dept.parent_id {
                Some(p) => departments::by_id(&tx, p).await?,
                None => None,
            };
            let mut entries = Vec::new();
            for (name, months, classes) in spec.entries {
                let Some((_, v)) = current
                    .iter()
                    .find(|(_, v)| v.spec.name == *name && v.status == ItemStatus::Published)
                else {
                    continue;
                };
                // The listed ratio (never above a 一般 item's cap); a 重点 item a little more.
                let ratio = match v.spec.category {
                    ItemCategory::Key => {
                        Ratio::from_basis_points((v.spec.ratio.basis_points() * 2).min(10_000)).unwrap_or(Ratio::FULL)
                    }
                    ItemCategory::General => v.spec.ratio,
                };
                entries.push(NewEntry {
                    item_version_id: v.id,
                    scope: PlanScope {
                        risk_classes: classes.iter().filter_map(|c| RiskClass::parse(c).ok()).collect(),
                        ..Default::default()
                    },
                    ratio,
                    months: months.iter().copied().collect::<BTreeSet<u32>>(),
                    note: String::new(),
                });
            }
            let created = at(2, 24 + (spec.filed_day % 4), 9);
            let filed = at(3, spec.filed_day, 15);
            let answered = at(3, spec.filed_day + 2, 10);
            let published = at(3, spec.filed_day + 3, 9);
            let p = plans::insert(
                &tx,
                NewPlan {
                    department_id: dept.id,
                    year: 2026,
                    version: 1,
                    adjustment_reason: "",
                    created_by: "system",
                    now: created,
                },
            )
            .await?;
            plans::replace_entries(&tx, p.id, &entries, created).await?;
            let superior_name = superior.as_ref().map(|s| s.name.as_str()).unwrap_or("住房和城乡建设部");
            let answerer = superior.as_ref().map(|s| s.name.as_str()).unwrap_or(dept.name.as_str());
            let mut steps: Vec<(DateTime<Utc>, PlanStatus, &str, &str, String)> = vec![
                (created, PlanStatus::Draft, "create", dept.name.as_str(), String::new()),
                (filed, PlanStatus::Filed, "file", dept.name.as_str(), String::new()),
            ];
            match spec.end {
                End::Filed => {}
                End::Returned => steps.push((
                    answered,
                    PlanStatus::Returned,
                    "return",
                    answerer,
                    "城镇燃气经营许可检查的抽查比例偏低，请结合冬季供暖期安全形势调整，并补充建筑施工安全生产许可证动态核查".into(),
                )),
                End::Published | End::Adjusted => {
                    let comment = if superior.is_none() {
                        "2026年3月6日经全国住房城乡建设监管平台向住房和城乡建设部报备".to_string()
                    } else {
                        "同意".to_string()
                    };
                    steps.push((answered, PlanStatus::Acknowledged, "acknowledge", answerer, comment));
                    steps.push((published, PlanStatus::Published, "publish", dept.name.as_str(), String::new()));
                }
            }
            self.demo_plan_steps(&tx, p.id, &steps).await?;
            added += 1;
            if spec.end == End::Adjusted {
                let reason = "根据省住建厅关于开展城镇燃气安全专项整治的部署，增加城镇燃气经营许可检查";
                let v2 = plans::insert(
                    &tx,
                    NewPlan {
                        department_id: dept.id,
                        year: 2026,
                        version: 2,
                        adjustment_reason: reason,
                        created_by: "system",
                        now: at(7, 1, 9),
                    },
                )
                .await?;
                if let Some((_, gas)) = current.iter().find(|(_, v)| v.spec.name == "城镇燃气经营许可检查") {
                    entries.push(NewEntry {
                        item_version_id: gas.id,
                        scope: PlanScope::default(),
                        ratio: gas.spec.ratio,
                        months: [9, 10].into(),
                        note: "燃气专项整治".into(),
                    });
                }
                plans::replace_entries(&tx, v2.id, &entries, at(7, 1, 9)).await?;
                let steps = vec![
                    (
                        at(7, 1, 9),
                        PlanStatus::Draft,
                        "adjust",
                        dept.name.as_str(),
                        reason.to_string(),
                    ),
                    (
                        at(7, 2, 15),
                        PlanStatus::Filed,
                        "file",
                        dept.name.as_str(),
                        String::new(),
                    ),
                    (
                        at(7, 6, 10),
                        PlanStatus::Acknowledged,
                        "acknowledge",
                        answerer,
                        "同意".to_string(),
                    ),
                    (
                        at(7, 7, 9),
                        PlanStatus::Published,
                        "publish",
                        dept.name.as_str(),
                        String::new(),
                    ),
                ];
                self.demo_plan_steps(&tx, v2.id, &steps).await?;
                plans::set_status(
                    &tx,
                    p.id,
                    PlanStatus::Published,
                    PlanStatus::Superseded,
                    StatusFields {
                        superseded_at: Some(at(7, 7, 9)),
                        ..Default::default()
                    },
                    at(7, 7, 9),
                )
                .await?;
            }
            record(
                &tx,
                &by,
                Change::new(AuditAction::PlanCreated, "plan", p.id)
                    .in_department(dept.code.as_str())
                    .summary(format!(
                        "演示数据：{}2026年度抽查计划（{}项，报备至{superior_name}）",
                        dept.name,
                        entries.len()
                    )),
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(added)
    }

    /// Applies a demo plan's steps with their dates: the status changes and the events.
    async fn demo_plan_steps(
        &self,
        db: &impl ConnectionTrait,
        plan_id: i64,
        steps: &[(DateTime<Utc>, PlanStatus, &str, &str, String)],
    ) -> Result<(), AppError> {
        let mut status = PlanStatus::Draft;
        for (when, to, action, who, comment) in steps {
            if *to != status {
                let mut fields = StatusFields::default();
                match to {
                    PlanStatus::Filed => fields.filed_at = Some(*when),
                    PlanStatus::Acknowledged | PlanStatus::Returned => {
                        fields.answered_at = Some(*when);
                        fields.answer_comment = Some(comment.clone());
                    }
                    PlanStatus::Published => fields.published_at = Some(*when),
                    _ => {}
                }
                plans::set_status(db, plan_id, status, *to, fields, *when).await?;
                status = *to;
            }
            plans::add_event(
                db,
                NewEvent {
                    plan_id,
                    at: *when,
                    action,
                    actor_name: "演示账号",
                    actor_department: who,
                    comment,
                },
            )
            .await?;
        }
        Ok(())
    }
}

/// The demo's tasks, run through the use cases as the departments' operators
/// would: a double-random task of 哈尔滨市 drawn and dispatched, and a joint
/// task of 哈尔滨市 with 道里区 drawn and locked. Their draws name no beacon
/// (`none`, with the record's warning): a demo cannot name a future public
/// random value and wait for it. Every record verifies with the spec.
impl App {
    pub(crate) async fn load_demo_tasks(&self) -> Result<usize, AppError> {
        let db = self.store().conn();
        let Some(harbin) = self.demo_actor("hrb_admin").await? else {
            return Ok(0);
        };
        if spotcheck_store::tasks::list_in(db, &harbin.jurisdiction())
            .await?
            .iter()
            .any(|t| t.name == WINTER_TASK)
        {
            return Ok(0);
        }
        let Some(daoli) = self.demo_actor("daoli_admin").await? else {
            return Ok(0);
        };
        let entries = |dept: i64| async move {
            let versions = plans::versions(self.store().conn(), dept, 2026).await?;
            let Some(p) = versions.into_iter().rev().find(|p| p.status == PlanStatus::Published) else {
                return Ok::<Vec<i64>, AppError>(Vec::new());
            };
            Ok(plans::entries(self.store().conn(), p.id)
                .await?
                .into_iter()
                .map(|e| e.id)
                .collect())
        };
        let harbin_entries = entries(harbin.department.id).await?;
        let daoli_entries = entries(daoli.department.id).await?;
        if harbin_entries.len() < 2 || daoli_entries.is_empty() {
            return Ok(0);
        }
        let none = crate::tasks::LockInput {
            beacon: "none".into(),
            source: String::new(),
        };
        let single = self
            .create_task(
                &harbin,
                &crate::tasks::NewTaskInput {
                    name: WINTER_TASK.into(),
                    kind: "double_random".into(),
                    window_start: "2026-11-16".into(),
                    window_end: "2026-12-25".into(),
                    team_size: Some(2),
                    plan_entry_ids: vec![harbin_entries[0]],
                    participants: Vec::new(),
                },
            )
            .await?;
        let id = single.task.id;
        for item in &single.items {
            self.lock_task_item(&harbin, id, item.position, &none).await?;
            self.reveal_task_item(&harbin, id, item.position, &Default::default())
                .await?;
        }
        self.confirm_task_list(&harbin, id).await?;
        self.dispatch_task(&harbin, id).await?;
        let joint = self
            .create_task(
                &harbin,
                &crate::tasks::NewTaskInput {
                    name: "2026年房屋建筑工程质量安全联合抽查".into(),
                    kind: "joint".into(),
                    window_start: "2026-11-23".into(),
                    window_end: "2026-12-28".into(),
                    team_size: Some(3),
                    plan_entry_ids: vec![harbin_entries[1]],
                    participants: vec![crate::tasks::ParticipantInput {
                        department_code: daoli.department.code.as_str().to_string(),
                        plan_entry_ids: vec![daoli_entries[0]],
                    }],
                },
            )
            .await?;
        for item in &joint.items {
            self.lock_task_item(&harbin, joint.task.id, item.position, &none)
                .await?;
            self.reveal_task_item(&harbin, joint.task.id, item.position, &Default::default())
                .await?;
        }
        self.confirm_task_list(&harbin, joint.task.id).await?;
        self.dispatch_task(&harbin, joint.task.id).await?;

        // The single task is fully staffed, with one replacement approved by
        // the 分管负责人; in the joint task the city's unit has matched and
        // 道里's unit still has it to do (a 待办 for daoli_admin).
        self.match_demo_shares(&harbin, id, &none).await?;
        self.demo_replacement(&harbin, id).await?;
        self.match_demo_shares(&harbin, joint.task.id, &none).await?;
        Ok(2)
    }

    /// Locks and reveals the inspectors draw of every share the actor runs.
    pub(crate) async fn match_demo_shares(
        &self,
        actor: &crate::Actor,
        task_id: i64,
        beacon: &crate::draws::LockInput,
    ) -> Result<(), AppError> {
        let d = self.get_task(actor, task_id).await?;
        for s in d.staffing.shares.iter().filter(|s| s.can_match) {
            self.commit_match(actor, task_id, &s.unit_code, beacon).await?;
            self.reveal_match(actor, task_id, &s.unit_code, &Default::default())
                .await?;
        }
        Ok(())
    }

    /// 工作冲突: the operator asks to replace the first team's second member;
    /// the 分管负责人 approves; the replacement draw is revealed.
    async fn demo_replacement(&self, harbin: &crate::Actor, task_id: i64) -> Result<(), AppError> {
        let Some(deputy) = self.demo_actor("hrb_deputy").await? else {
            return Ok(());
        };
        let d = self.get_task(harbin, task_id).await?;
        let Some(member) = d
            .staffing
            .teams
            .first()
            .and_then(|t| t.members.iter().find(|m| m.role.code == "member"))
        else {
            return Ok(());
        };
        let id = self
            .request_replacement(
                harbin,
                member.id,
                &crate::replacements::ReplacementInput {
                    reason: "work_conflict".into(),
                    note: "该同志同期抽调参加省厅安全生产大检查，无法按时参加".into(),
                },
            )
            .await?;
        self.decide_replacement(
            &deputy,
            id,
            &crate::replacements::DecisionInput {
                approve: true,
                note: "同意，按程序随机抽取替换人员".into(),
                beacon: crate::draws::LockInput {
                    beacon: "none".into(),
                    source: String::new(),
                },
            },
        )
        .await?;
        self.reveal_replacement(harbin, id, &Default::default()).await
    }

    /// A demo account acting from the command line.
    pub(crate) async fn demo_actor(&self, username: &str) -> Result<Option<crate::Actor>, AppError> {
        let db = self.store().conn();
        let Some(user) = spotcheck_store::users::by_username(db, username).await? else {
            return Ok(None);
        };
        let Some(department) = departments::by_id(db, user.department_id).await? else {
            return Ok(None);
        };
        Ok(Some(crate::Actor {
            user,
            department,
            session: String::new(),
            session_kind: "cli".into(),
            stage: "full".into(),
            csrf_token: String::new(),
            meta: RequestMeta::cli(),
        }))
    }
}
