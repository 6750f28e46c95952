//! 期限提醒: when a deadline of 一公开 passes — results not published within 20
//! working days of the task's end (第二十三条), an objection not reviewed within
//! 20 working days of receipt or not answered within 15 of the decision
//! (第二十六条) — the department that must act gets a 待办 and its superior a
//! notice, once. The watch runs in every server process (hourly, and at
//! start); [`spotcheck_store::deadline_alerts::claim`] lets only one of them
//! send each alert. The 待办 closes when the thing is done.
//!
//! Who acts for an executing unit (执行单位) is its competent department,
//! whose operators hold the unit's results (see `teams::acts_for_unit`); both
//! are addressed, so a unit with its own accounts sees it too.

use crate::messages::{Notice, Recipient, notify};
use crate::{App, AppError};
use chrono::NaiveDate;
use spotcheck_domain::calendar::WorkCalendar;
use spotcheck_domain::department::DepartmentKind;
use spotcheck_domain::jurisdiction::Jurisdiction;
use spotcheck_domain::publication::{self as rules, DeadlineState, DeadlineStatus, PUBLISH_WORKDAYS};
use spotcheck_domain::role::Permission;
use spotcheck_domain::task::TaskStatus;
use spotcheck_store::ConnectionTrait;
use spotcheck_store::deadline_alerts;
use spotcheck_store::departments::{self, DepartmentRow};
use spotcheck_store::publication::{self as publication_store, ObjectionRow};
use spotcheck_store::tasks::{self, TaskRow};
use spotcheck_store::{StoreError, inspections as inspections_store};
use std::collections::HashSet;

/// How often the watch looks: deadlines are days, so an hour is prompt enough.
pub const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// The subject of a task's publication 待办 (closed when it is published).
pub(crate) fn publication_subject(task_id: i64) -> (&'static str, i64) {
    ("publication", task_id)
}

/// The subject of an objection's review 待办 (closed by the decision).
pub(crate) fn review_subject(objection_id: i64) -> (&'static str, i64) {
    ("objection_review", objection_id)
}

/// The subject of an objection's feedback 待办 (closed when the feedback is recorded).
pub(crate) fn feedback_subject(objection_id: i64) -> (&'static str, i64) {
    ("objection_feedback", objection_id)
}

/// Whether a task's results are due for publication: inspection has begun,
/// or its window has ended with teams matched.
pub(crate) fn publication_due(task: &TaskRow, status: TaskStatus, today: NaiveDate) -> bool {
    match status {
        TaskStatus::Inspecting | TaskStatus::Entered => true,
        TaskStatus::Matched => today > task.window_end,
        _ => false,
    }
}

/// The departments that act on `unit_id`'s results (the unit, and its
/// competent department when it is an executing unit) and the superior of
/// the last of them, who is told.
pub(crate) async fn handlers_of(
    db: &impl ConnectionTrait,
    unit_id: i64,
) -> Result<(Vec<DepartmentRow>, Option<DepartmentRow>), StoreError> {
    let mut acting = Vec::new();
    let mut next = Some(unit_id);
    while let Some(id) = next.take() {
        let Some(d) = departments::by_id(db, id).await? else {
            break;
        };
        if d.kind == DepartmentKind::ExecutingUnit {
            next = d.parent_id;
        }
        acting.push(d);
    }
    let superior = match acting.last().and_then(|d| d.parent_id) {
        Some(p) => departments::by_id(db, p).await?,
        None => None,
    };
    Ok((acting, superior))
}

/// A 待办 to the departments that act on a unit's results (see [`handlers_of`]).
pub(crate) async fn to_handlers(
    db: &impl ConnectionTrait,
    now: chrono::DateTime<chrono::Utc>,
    acting: &[DepartmentRow],
    kind: &'static str,
    title: String,
    link: &str,
    subject: (&'static str, i64),
) -> Result<(), AppError> {
    for d in acting {
        notify(
            db,
            now,
            Notice {
                to: Recipient::Department {
                    department_id: d.id,
                    permission: Permission::ManageTasks,
                },
                kind,
                title: title.clone(),
                body: String::new(),
                link: link.to_string(),
                action_required: true,
                subject,
            },
        )
        .await?;
    }
    Ok(())
}

/// The name of the object an objection is about.
pub(crate) async fn objection_object(
    db: &impl ConnectionTrait,
    o: &ObjectionRow,
) -> Result<Option<String>, StoreError> {
    Ok(match inspections_store::by_id(db, o.inspection_id).await? {
        Some(i) => spotcheck_store::objects::by_id(db, i.object_id)
            .await?
            .map(|x| x.data.name),
        None => None,
    })
}

/// One passed deadline about to be announced.
struct Alert {
    kind: &'static str,
    subject: (&'static str, i64),
    due: NaiveDate,
    /// The department whose deadline it is.
    unit_id: i64,
    /// To the departments that must act.
    todo: String,
    /// To the superior: names the department.
    notice: String,
    link: String,
}

impl Alert {
    /// `what` passed the deadline `term` by which someone had to `act`
    /// (e.g. "复核期限", "作出复核结论").
    #[allow(clippy::too_many_arguments)]
    fn new(
        kind: &'static str,
        subject: (&'static str, i64),
        d: &DeadlineStatus,
        unit_id: i64,
        what: &str,
        term: &str,
        act: &str,
        link: String,
    ) -> Self {
        let provisional = if d.provisional { "，暂按周末推算" } else { "" };
        Alert {
            kind,
            subject,
            due: d.due,
            unit_id,
            todo: format!("{what}已超过{term}（{}{provisional}），请尽快{act}", d.due),
            notice: format!("{what}逾期未{act}（{term}{}{provisional}）", d.due),
            link,
        }
    }
}

impl App {
    /// Announces every deadline that has passed since the last look: returns
    /// how many alerts this call sent (0 when another process sent them).
    pub async fn check_deadlines(&self) -> Result<u64, AppError> {
        let db = self.store().conn();
        let today = self.today();
        let cal = self.work_calendar().await?;
        let all = Jurisdiction::new("/");
        let mut alerts = self.publication_alerts(db, &all, &cal, today).await?;
        alerts.extend(self.objection_alerts(db, &all, &cal, today).await?);
        let mut sent = 0;
        for a in alerts {
            if self.send_alert(a).await? {
                sent += 1;
            }
        }
        Ok(sent)
    }

    async fn publication_alerts(
        &self,
        db: &impl ConnectionTrait,
        all: &Jurisdiction,
        cal: &WorkCalendar,
        today: NaiveDate,
    ) -> Result<Vec<Alert>, AppError> {
        let due: Vec<(TaskRow, TaskStatus)> = tasks::list_in(db, all)
            .await?
            .into_iter()
            .filter_map(|t| {
                let s = TaskStatus::parse(&t.status).ok()?;
                publication_due(&t, s, today).then_some((t, s))
            })
            .collect();
        let ids: Vec<i64> = due.iter().map(|(t, _)| t.id).collect();
        let published: HashSet<i64> = publication_store::task_publications(db, &ids)
            .await?
            .into_iter()
            .map(|p| p.task_id)
            .collect();
        let mut out = Vec::new();
        for (t, _) in due.into_iter().filter(|(t, _)| !published.contains(&t.id)) {
            let d = rules::deadline(cal, t.window_end, PUBLISH_WORKDAYS, None, today);
            if d.state != DeadlineState::Overdue {
                continue;
            }
            out.push(Alert::new(
                "publication_overdue",
                publication_subject(t.id),
                &d,
                t.department_id,
                &format!("任务{}“{}”的检查结果", t.code, t.name),
                "公示期限",
                "公示",
                format!("/tasks/{}#publication", t.id),
            ));
        }
        Ok(out)
    }

    async fn objection_alerts(
        &self,
        db: &impl ConnectionTrait,
        all: &Jurisdiction,
        cal: &WorkCalendar,
        today: NaiveDate,
    ) -> Result<Vec<Alert>, AppError> {
        let mut out = Vec::new();
        for o in publication_store::objections_in(db, all).await? {
            let (review, feedback) = crate::objections::objection_deadlines(cal, &o, today);
            let passed = |d: &DeadlineStatus| d.state == DeadlineState::Overdue;
            let step = if passed(&review) {
                Some((
                    "objection_review_overdue",
                    review_subject(o.id),
                    review,
                    "复核期限",
                    "作出复核结论",
                ))
            } else {
                feedback.filter(passed).map(|f| {
                    (
                        "objection_feedback_overdue",
                        feedback_subject(o.id),
                        f,
                        "反馈期限",
                        "向异议人反馈",
                    )
                })
            };
            let Some((kind, subject, d, term, act)) = step else {
                continue;
            };
            let what = match objection_object(db, &o).await? {
                Some(name) => format!("异议{}（{name}）", crate::objections::receipt_no(&o)),
                None => format!("异议{}", crate::objections::receipt_no(&o)),
            };
            out.push(Alert::new(
                kind,
                subject,
                &d,
                o.department_id,
                &what,
                term,
                act,
                format!("/results/{}", o.inspection_id),
            ));
        }
        Ok(out)
    }

    /// Claims and sends one alert in one transaction: true when this call sent it.
    async fn send_alert(&self, a: Alert) -> Result<bool, AppError> {
        let now = self.now();
        let tx = self.store().begin().await?;
        if !deadline_alerts::claim(&tx, a.kind, a.subject.1, a.due, now).await? {
            return Ok(false);
        }
        let (acting, superior) = handlers_of(&tx, a.unit_id).await?;
        to_handlers(&tx, now, &acting, a.kind, a.todo, &a.link, a.subject).await?;
        if let Some(s) = superior {
            let whose = acting.first().map(|d| d.name.as_str()).unwrap_or_default();
            notify(
                &tx,
                now,
                Notice {
                    to: Recipient::Department {
                        department_id: s.id,
                        // Those who see the jurisdiction's figures (监管看板).
                        permission: Permission::ViewDepartments,
                    },
                    kind: a.kind,
                    title: format!("{whose}：{}", a.notice),
                    body: "逾期情况见监管看板的逾期清单（第二十八条）。".into(),
                    link: "/dashboard".into(),
                    action_required: false,
                    subject: a.subject,
                },
            )
            .await?;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(true)
    }

    /// Starts the hourly deadline watch; any number of processes may run it.
    pub fn start_deadline_watch(&self) -> tokio::task::JoinHandle<()> {
        self.spawn_periodic(WATCH_EVERY, "deadline alerts sent", |app| async move {
            app.check_deadlines().await
        })
    }
}
