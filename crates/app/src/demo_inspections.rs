//! The demo's finished task: a 哈尔滨市 double-random task of the third
//! quarter, drawn, dispatched, staffed, and inspected by its teams through the
//! use cases — work plan, checklist, a problem found by the first team with its
//! measures and the object's statement, close, and every member's sign-off —
//! so that its results are entered (已录入) and its documents can be printed.
//!
//! The members sign with their own accounts: the demo opens one for every
//! drawn inspector who has none (`jc<执法证号>`, password `Demo#2026`, changed at
//! first login). Loaded by `spotcheck demo` only: the API tests load the rest
//! of the demo for every test, and this part costs a password check per member.

use crate::inspections::{ConfirmInput, FindingEntry, InspectionInput, PointInput, PresentInput, StatementInput};
use crate::tasks::{LockInput, NewTaskInput};
use crate::{Actor, App, AppError};
use chrono::NaiveDate;
use spotcheck_domain::plan::PlanStatus;
use spotcheck_domain::role::Role;
use spotcheck_store::users::{self, NewUser};
use spotcheck_store::{inspectors, plans};

/// The finished task's name (also how a second load knows it is there).
const TASK_NAME: &str = "2026年第三季度建筑施工安全生产许可证动态核查";

impl App {
    /// Adds the finished task once; returns how many tasks were added.
    pub async fn load_demo_inspections(&self) -> Result<usize, AppError> {
        let db = self.store().conn();
        let Some(harbin) = self.demo_actor("hrb_admin").await? else {
            return Ok(0);
        };
        if spotcheck_store::tasks::list_in(db, &harbin.jurisdiction())
            .await?
            .iter()
            .any(|t| t.name == TASK_NAME)
        {
            return Ok(0);
        }
        let versions = plans::versions(db, harbin.department.id, 2026).await?;
        let Some(plan) = versions.into_iter().rev().find(|p| p.status == PlanStatus::Published) else {
            return Ok(0);
        };
        let Some(entry) = plans::entries(db, plan.id).await?.into_iter().next() else {
            return Ok(0);
        };
        let none = LockInput {
            beacon: "none".into(),
            source: String::new(),
        };
        let task = self
            .create_task(
                &harbin,
                &NewTaskInput {
                    name: TASK_NAME.into(),
                    kind: "double_random".into(),
                    window_start: "2026-09-01".into(),
                    window_end: "2026-09-30".into(),
                    team_size: Some(2),
                    plan_entry_ids: vec![entry.id],
                    participants: Vec::new(),
                },
            )
            .await?;
        let id = task.task.id;
        for item in &task.items {
            self.lock_task_item(&harbin, id, item.position, &none).await?;
            self.reveal_task_item(&harbin, id, item.position, &Default::default())
                .await?;
        }
        self.confirm_task_list(&harbin, id).await?;
        self.dispatch_task(&harbin, id).await?;
        let d = self.get_task(&harbin, id).await?;
        for s in d.staffing.shares.iter().filter(|s| s.can_match) {
            self.commit_match(&harbin, id, &s.unit_code, &none).await?;
            self.reveal_match(&harbin, id, &s.unit_code, &Default::default())
                .await?;
        }
        let d = self.get_task(&harbin, id).await?;
        for (n, team) in d.staffing.teams.iter().enumerate() {
            let mut crew = Vec::new();
            for m in team.members.iter().filter(|m| m.active && m.role.code != "expert") {
                crew.push((m.role.code == "leader", self.demo_member_actor(&m.cert_no).await?));
            }
            crew.sort_by_key(|(leader, _)| !leader);
            let Some((_, leader)) = crew.first() else { continue };
            self.demo_inspect(leader, team.id, n).await?;
            for (_, member) in &crew {
                self.confirm_inspection(
                    member,
                    team.id,
                    &ConfirmInput {
                        password: crate::demo::DEMO_PASSWORD.into(),
                        code: String::new(),
                    },
                )
                .await?;
            }
        }
        Ok(1)
    }

    /// The account of the inspector with this 执法证号, opened for the demo if it has none.
    async fn demo_member_actor(&self, cert_no: &str) -> Result<Actor, AppError> {
        let db = self.store().conn();
        let inspector = inspectors::by_cert_nos(db, &[cert_no.to_string()])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal(format!("演示检查人员{cert_no}不存在")))?;
        let user = match inspector.user_id {
            Some(u) => users::by_id(db, u)
                .await?
                .ok_or_else(|| AppError::Internal("演示账号不存在".into()))?,
            None => {
                let hash = tokio::task::spawn_blocking(|| crate::crypto::hash_password(crate::demo::DEMO_PASSWORD))
                    .await
                    .map_err(|e| AppError::Internal(e.to_string()))??;
                let username = format!("jc{cert_no}");
                let tx = self.store().begin().await?;
                let row = users::insert(
                    &tx,
                    NewUser {
                        username: &username,
                        display_name: &inspector.data.name,
                        role: Role::Inspector,
                        department_id: inspector.department_id,
                        phone: "",
                        password_hash: &hash,
                        must_change_password: true,
                        now: self.now(),
                    },
                )
                .await?;
                inspectors::link_user(&tx, inspector.id, Some(row.id)).await?;
                crate::audit::record(
                    &tx,
                    &crate::audit::By::system("230000", crate::RequestMeta::cli()),
                    crate::audit::Change::new(spotcheck_domain::audit::AuditAction::UserCreated, "user", row.id)
                        .summary(format!(
                            "演示数据：为检查人员{}（{cert_no}）开通账号 {username}",
                            inspector.data.name
                        )),
                )
                .await?;
                tx.commit().await.map_err(spotcheck_store::StoreError::from)?;
                row
            }
        };
        self.demo_actor(&user.username)
            .await?
            .ok_or_else(|| AppError::Internal("演示账号不存在".into()))
    }

    /// One team's inspection, from the work plan to the leader's close. The
    /// first team finds a problem; the others find none.
    async fn demo_inspect(&self, leader: &Actor, team_id: i64, n: usize) -> Result<(), AppError> {
        let v = self.start_inspection(leader, team_id).await?;
        self.record_work_plan(
            leader,
            team_id,
            &crate::inspections::WorkPlanInput {
                division: "组长负责询问、制作现场检查笔录；组员负责查阅证照和安全生产管理资料、拍照取证".into(),
                procedure: "出示执法证件，告知检查依据、内容和权利义务；逐项核查；发现问题当场制作笔录并告知整改要求；全组签字确认"
                    .into(),
                schedule: "9月上旬完成现场检查；检查结束后3个工作日内提交检查结果".into(),
            },
        )
        .await?;
        let day = NaiveDate::from_ymd_opt(2026, 9, 7).expect("date") + chrono::Duration::days((n % 20) as i64);
        let problem = n == 0;
        let mut points = Vec::new();
        for (i, p) in v.items.iter().flat_map(|i| i.points.iter()).enumerate() {
            points.push(PointInput {
                id: p.id,
                result: if problem && i == 1 { "noncompliant" } else { "compliant" }.into(),
                note: if problem && i == 1 {
                    "2名专职安全生产管理人员中1人未取得安全生产考核合格证书（C证）".into()
                } else {
                    String::new()
                },
            });
        }
        let findings = if problem {
            vec![FindingEntry {
                description: "项目配备的专职安全生产管理人员张某未取得安全生产考核合格证书即上岗".into(),
                legal_basis: "《建设工程安全生产管理条例》第三十六条；《建筑施工企业主要负责人、项目负责人和专职安全生产管理人员安全生产管理规定》第五条"
                    .into(),
                measures: vec!["on_site_record".into(), "rectification".into()],
                rectify_by: (day + chrono::Duration::days(15)).to_string(),
            }]
        } else {
            Vec::new()
        };
        self.save_inspection(
            leader,
            team_id,
            &InspectionInput {
                method: Some("on_site".into()),
                started_at: Some(format!("{day} 09:00")),
                ended_at: Some(format!("{day} 11:30")),
                place: Some(if v.object.address.is_empty() {
                    "检查对象经营场所".into()
                } else {
                    v.object.address.clone()
                }),
                present: Some(vec![PresentInput {
                    name: if v.object.legal_rep.is_empty() {
                        "李卫东".into()
                    } else {
                        v.object.legal_rep.clone()
                    },
                    position: "法定代表人".into(),
                    phone: String::new(),
                }]),
                points,
                findings: Some(findings),
                result_category: Some(if problem { "rectified" } else { "no_problem" }.into()),
                result_summary: Some(if problem {
                    "发现1项问题，已责令限期整改".into()
                } else {
                    "抽查内容均符合要求".into()
                }),
                rights_notified_at: Some(format!("{day} 09:05")),
                statement: problem.then(|| StatementInput {
                    person: if v.object.legal_rep.is_empty() {
                        "李卫东".into()
                    } else {
                        v.object.legal_rep.clone()
                    },
                    text: "对检查发现的问题无异议，将在整改期限内为该同志办理考核合格证书，期间调整其岗位。".into(),
                    waived: false,
                    // Heard when the visit ended.
                    started_at: format!("{day} 11:35"),
                    ended_at: format!("{day} 11:50"),
                }),
            },
        )
        .await?;
        self.close_inspection(leader, team_id).await?;
        Ok(())
    }
}
