//! The demo's inspected tasks, run through the use cases with every team's
//! work plan, checklist, findings, close and every member's sign-off:
//!
//! - a 哈尔滨市 double-random task of the third quarter, drawn, dispatched,
//!   staffed and inspected, whose results are entered (已录入), left for the
//!   user to publish (its deadline has passed: the overdue case);
//! - ([`App::load_demo_published`]) a June task of the same department,
//!   run on a clock set to the days each step happened and published within
//!   its 20 working days, with the problem found followed up, so the public
//!   result search shows real records from the start.
//!
//! The members sign with their own accounts: the demo opens one for every
//! drawn inspector who has none (`jc<执法证号>`, password `Demo#2026`, changed at
//! first login). Loaded by `spotcheck demo` only ([`App::load_full_demo`]):
//! the API tests load the rest of the demo for every test, and this part
//! costs a password check per member.

use crate::followups::FollowupInput;
use crate::inspections::{ConfirmInput, FindingEntry, InspectionInput, PointInput, PresentInput, StatementInput};
use crate::publication::PublishInput;
use crate::tasks::{LockInput, NewTaskInput};
use crate::{Actor, App, AppError};
use chrono::{DateTime, NaiveDate, Utc};
use spotcheck_domain::plan::PlanStatus;
use spotcheck_domain::role::Role;
use spotcheck_store::users::{self, NewUser};
use spotcheck_store::{inspectors, items, plans};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The finished task's name (also how a second load knows it is there).
const TASK_NAME: &str = "2026年第三季度建筑施工安全生产许可证动态核查";

/// The published task's name, and the plan item it comes from.
const PUBLISHED_NAME: &str = "2026年房地产开发企业资质动态核查";
const PUBLISHED_ITEM: &str = "房地产开发企业资质检查";

/// What a task's teams record: the first team finds one problem at the
/// checklist's second point, the others find none.
struct Visits {
    /// The first team's day; each next team visits on the next working day.
    first_day: NaiveDate,
    schedule: &'static str,
    /// The second point's note, the finding and its legal basis.
    note: &'static str,
    finding: &'static str,
    legal_basis: &'static str,
    /// The object's statement on the finding.
    statement: &'static str,
}

const Q3_VISITS: Visits = Visits {
    first_day: date(2026, 9, 7),
    schedule: "9月上旬完成现场检查；检查结束后3个工作日内提交检查结果",
    note: "2名专职安全生产管理人员中1人未取得安全生产考核合格证书（C证）",
    finding: "项目配备的专职安全生产管理人员张某未取得安全生产考核合格证书即上岗",
    legal_basis: "《建设工程安全生产管理条例》第三十六条；《建筑施工企业主要负责人、项目负责人和专职安全生产管理人员安全生产管理规定》第五条",
    statement: "对检查发现的问题无异议，将在整改期限内为该同志办理考核合格证书，期间调整其岗位。",
};

const JUNE_VISITS: Visits = Visits {
    first_day: date(2026, 6, 9),
    schedule: "6月中旬完成现场检查；检查结束后3个工作日内提交检查结果",
    note: "专职技术负责人5月离职后未补充，持证专业管理人员少于资质条件要求",
    finding: "企业专职技术负责人离职后未及时补充，专业管理人员不满足资质条件",
    legal_basis: "《房地产开发企业资质管理规定》（住房和城乡建设部令第54号）第五条",
    statement: "对检查发现的问题无异议，已着手招聘具有相应职称的专职技术负责人，将在整改期限内报送人员材料。",
};

const fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    match NaiveDate::from_ymd_opt(y, m, d) {
        Some(d) => d,
        None => panic!("a valid demo date"),
    }
}

impl App {
    /// Adds the finished task once; returns how many tasks were added.
    pub async fn load_demo_inspections(&self) -> Result<usize, AppError> {
        let Some((harbin, entry)) = self.demo_entry(TASK_NAME, None).await? else {
            return Ok(0);
        };
        let id = self
            .demo_staffed_task(&harbin, TASK_NAME, entry, ("2026-09-01", "2026-09-30"))
            .await?;
        self.demo_inspect_all(&harbin, id, &Q3_VISITS, &|_| {}).await?;
        Ok(1)
    }

    /// Adds the published June task once, each step on the day it happened:
    /// created, drawn, dispatched and staffed on 1 June, inspected on working
    /// days from 9 June, the problem re-checked on 3 July, published on
    /// 10 July (due 28 July).
    /// Returns how many tasks were added.
    pub async fn load_demo_published(&self) -> Result<usize, AppError> {
        let Some((harbin, entry)) = self.demo_entry(PUBLISHED_NAME, Some(PUBLISHED_ITEM)).await? else {
            return Ok(0);
        };
        let (past, clock) = self.on_demo_clock();
        clock.set(crate::demo_plans::at(6, 1, 9));
        let id = past
            .demo_staffed_task(&harbin, PUBLISHED_NAME, entry, ("2026-06-08", "2026-06-30"))
            .await?;
        past.demo_inspect_all(&harbin, id, &JUNE_VISITS, &|day| clock.set_day(day, 17))
            .await?;
        clock.set(crate::demo_plans::at(7, 3, 15));
        let db = past.store().conn();
        for inspection in spotcheck_store::inspections::of_task(db, id).await? {
            for f in spotcheck_store::inspections::findings_of(db, inspection.id).await? {
                past.record_followup(
                    &harbin,
                    inspection.id,
                    FollowupInput {
                        finding_id: f.id,
                        step: "recheck".into(),
                        receiving_body: "哈尔滨市住房和城乡建设综合行政执法支队".into(),
                        on_date: "2026-07-03".into(),
                        status: "done".into(),
                        note: "复查时企业已聘任专职技术负责人并报送人员材料，问题已整改".into(),
                    },
                )
                .await?;
            }
        }
        clock.set(crate::demo_plans::at(7, 10, 10));
        past.publish_task(&harbin, id, PublishInput::default()).await?;
        Ok(1)
    }

    /// 哈尔滨市's operator and the plan entry a demo task comes from (the
    /// published plan's entry of `item`, or its first), unless a task of
    /// that name is there already.
    async fn demo_entry(&self, name: &str, item: Option<&str>) -> Result<Option<(Actor, i64)>, AppError> {
        let db = self.store().conn();
        let Some(harbin) = self.demo_actor("hrb_admin").await? else {
            return Ok(None);
        };
        if spotcheck_store::tasks::list_in(db, &harbin.jurisdiction())
            .await?
            .iter()
            .any(|t| t.name == name)
        {
            return Ok(None);
        }
        let versions = plans::versions(db, harbin.department.id, 2026).await?;
        let Some(plan) = versions.into_iter().rev().find(|p| p.status == PlanStatus::Published) else {
            return Ok(None);
        };
        for entry in plans::entries(db, plan.id).await? {
            let Some(wanted) = item else {
                return Ok(Some((harbin, entry.id)));
            };
            if items::version(db, entry.item_version_id)
                .await?
                .is_some_and(|v| v.spec.name == wanted)
            {
                return Ok(Some((harbin, entry.id)));
            }
        }
        Ok(None)
    }

    /// A double-random task of one plan entry, drawn, dispatched and staffed
    /// (beacon `none`: a demo cannot wait for a future public value).
    async fn demo_staffed_task(
        &self,
        harbin: &Actor,
        name: &str,
        entry: i64,
        (start, end): (&str, &str),
    ) -> Result<i64, AppError> {
        let none = LockInput {
            beacon: "none".into(),
            source: String::new(),
        };
        let task = self
            .create_task(
                harbin,
                &NewTaskInput {
                    name: name.into(),
                    kind: "double_random".into(),
                    window_start: start.into(),
                    window_end: end.into(),
                    team_size: Some(2),
                    plan_entry_ids: vec![entry],
                    participants: Vec::new(),
                },
            )
            .await?;
        let id = task.task.id;
        for item in &task.items {
            self.lock_task_item(harbin, id, item.position, &none).await?;
            self.reveal_task_item(harbin, id, item.position, &Default::default())
                .await?;
        }
        self.confirm_task_list(harbin, id).await?;
        self.dispatch_task(harbin, id).await?;
        self.match_demo_shares(harbin, id, &none).await?;
        Ok(id)
    }

    /// Every team inspects (see [`Visits`]) and every member signs;
    /// `on_day` is told each visit's day before it happens.
    async fn demo_inspect_all(
        &self,
        harbin: &Actor,
        id: i64,
        visits: &Visits,
        on_day: &dyn Fn(NaiveDate),
    ) -> Result<(), AppError> {
        let calendar = self.work_calendar().await?;
        let d = self.get_task(harbin, id).await?;
        for (n, team) in d.staffing.teams.iter().enumerate() {
            let mut crew = Vec::new();
            for m in team.members.iter().filter(|m| m.active && m.role.code != "expert") {
                crew.push((m.role.code == "leader", self.demo_member_actor(&m.cert_no).await?));
            }
            crew.sort_by_key(|(leader, _)| !leader);
            let Some((_, leader)) = crew.first() else { continue };
            let day = calendar.add_workdays(visits.first_day, n as u32).date;
            on_day(day);
            self.demo_inspect(leader, team.id, day, visits, n == 0).await?;
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
        Ok(())
    }

    /// The same platform on a clock the caller sets: a past task's steps
    /// stamped with the days they happened.
    fn on_demo_clock(&self) -> (App, DemoClock) {
        let clock = DemoClock(Arc::new(AtomicI64::new(Utc::now().timestamp())));
        let secs = clock.0.clone();
        let app = App::with_clock(
            self.store().clone(),
            self.settings().clone(),
            self.sealer().clone(),
            Arc::new(move || DateTime::from_timestamp(secs.load(Ordering::Relaxed), 0).unwrap_or_default()),
        );
        (app, clock)
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

    /// One team's inspection on `day`, from the work plan to the leader's
    /// close, with the visits' finding when `problem`.
    async fn demo_inspect(
        &self,
        leader: &Actor,
        team_id: i64,
        day: NaiveDate,
        visits: &Visits,
        problem: bool,
    ) -> Result<(), AppError> {
        let v = self.start_inspection(leader, team_id).await?;
        self.record_work_plan(
            leader,
            team_id,
            &crate::inspections::WorkPlanInput {
                division: "组长负责询问、制作现场检查笔录；组员负责查阅证照和相关管理资料、拍照取证".into(),
                procedure: "出示执法证件，告知检查依据、内容和权利义务；逐项核查；发现问题当场制作笔录并告知整改要求；全组签字确认"
                    .into(),
                schedule: visits.schedule.into(),
            },
        )
        .await?;
        let points = v
            .items
            .iter()
            .flat_map(|i| i.points.iter())
            .enumerate()
            .map(|(i, p)| {
                let failed = problem && i == 1;
                PointInput {
                    id: p.id,
                    result: if failed { "noncompliant" } else { "compliant" }.into(),
                    note: if failed { visits.note.into() } else { String::new() },
                }
            })
            .collect();
        let findings = if problem {
            vec![FindingEntry {
                description: visits.finding.into(),
                legal_basis: visits.legal_basis.into(),
                measures: vec!["on_site_record".into(), "rectification".into()],
                rectify_by: (day + chrono::Duration::days(15)).to_string(),
            }]
        } else {
            Vec::new()
        };
        let representative = if v.object.legal_rep.is_empty() {
            "李卫东".to_string()
        } else {
            v.object.legal_rep.clone()
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
                    name: representative.clone(),
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
                    person: representative,
                    text: visits.statement.into(),
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

/// The demo's own clock (seconds since the epoch), set step by step.
#[derive(Clone)]
struct DemoClock(Arc<AtomicI64>);

impl DemoClock {
    fn set(&self, t: DateTime<Utc>) {
        self.0.store(t.timestamp(), Ordering::Relaxed);
    }

    /// `day` at `hour`:00 Beijing time.
    fn set_day(&self, day: NaiveDate, hour: u32) {
        self.set(crate::demo_plans::on(day, hour));
    }
}
