//! 工作日历 as use cases: the calendar in force (the schedules shipped for
//! 2024–2026, then every year the province has entered, the newest entry of a
//! year winning), a deadline N working days after a date, and the province's
//! entry of a new year's schedule once the State Council publishes it.

use crate::audit::{By, Change, record};
use crate::{Actor, App, AppError};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use spotcheck_domain::audit::AuditAction;
use spotcheck_domain::calendar::{CalendarEntry, WorkCalendar};
use spotcheck_domain::role::Permission;
use spotcheck_store::StoreError;
use spotcheck_store::calendar;
use utoipa::ToSchema;

/// A year of the calendar and where its schedule comes from.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CalendarYearView {
    pub year: i32,
    /// 随平台发布 (shipped) or 省级录入 (entered by the province).
    pub origin: String,
    pub source: String,
    pub added_by: String,
    pub added_at: Option<DateTime<Utc>>,
    pub entries: Vec<CalendarDayView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CalendarDayView {
    pub date: NaiveDate,
    /// `holiday` (放假) or `workday` (调休上班).
    pub kind: String,
    pub label: String,
    pub name: String,
}

/// A date N working days after another.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    pub from: NaiveDate,
    pub workdays: u32,
    pub date: NaiveDate,
    /// Computed through a year without an official schedule (weekends only): may still move.
    pub provisional: bool,
}

/// A year's schedule to enter: `date,kind,name` lines (kind `holiday`/放假 or
/// `workday`/调休上班), as in data/cn-workday-calendar.csv.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct CalendarYearInput {
    #[serde(default)]
    pub entries: String,
    /// The notice, e.g. `国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）`.
    #[serde(default)]
    pub source: String,
}

fn day(e: &CalendarEntry) -> CalendarDayView {
    CalendarDayView {
        date: e.date,
        kind: e.kind.code().into(),
        label: e.kind.label().into(),
        name: e.name.clone(),
    }
}

impl App {
    /// The calendar in force: the shipped schedules, then the province's entries.
    pub async fn work_calendar(&self) -> Result<WorkCalendar, AppError> {
        let mut cal = WorkCalendar::official().clone();
        for row in calendar::in_force(self.store().conn()).await? {
            let entered = WorkCalendar::from_csv(&row.entries)
                .map_err(|e| AppError::Internal(format!("{}年的放假安排无法读取：{e}", row.year)))?;
            cal = cal
                .with_year(row.year, entered.entries_of_year(row.year).cloned())
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        Ok(cal)
    }

    /// The date `n` working days after `from` (`from` itself not counted).
    pub async fn add_workdays(&self, from: NaiveDate, n: u32) -> Result<DeadlineView, AppError> {
        let d = self.work_calendar().await?.add_workdays(from, n);
        Ok(DeadlineView {
            from,
            workdays: n,
            date: d.date,
            provisional: d.provisional,
        })
    }

    /// Every year the calendar covers, with its days.
    pub async fn calendar_years(&self) -> Result<Vec<CalendarYearView>, AppError> {
        let cal = self.work_calendar().await?;
        let entered = calendar::in_force(self.store().conn()).await?;
        Ok(cal
            .years()
            .map(|year| {
                let row = entered.iter().find(|r| r.year == year);
                CalendarYearView {
                    year,
                    origin: if row.is_some() {
                        "省级录入"
                    } else {
                        "随平台发布"
                    }
                    .into(),
                    source: row
                        .map(|r| r.source.clone())
                        .unwrap_or_else(|| "data/cn-workday-calendar.csv（国务院办公厅通知）".into()),
                    added_by: row.map(|r| r.added_by.clone()).unwrap_or_default(),
                    added_at: row.map(|r| r.added_at),
                    entries: cal.entries_of_year(year).map(day).collect(),
                }
            })
            .collect())
    }

    /// The province enters (or corrects) a year's official schedule. Deadlines
    /// through that year stop being provisional; the previous entry stays on record.
    pub async fn set_calendar_year(
        &self,
        actor: &Actor,
        year: i32,
        input: &CalendarYearInput,
    ) -> Result<CalendarYearView, AppError> {
        actor.require(Permission::ManageItems)?;
        let source = input.source.trim();
        if source.is_empty() {
            return Err(AppError::invalid(
                "source",
                "请写明放假安排的来源（国务院办公厅通知的名称或文号）",
            ));
        }
        if source.chars().count() > 300 {
            return Err(AppError::invalid("source", "来源不能超过300个字"));
        }
        let parsed = WorkCalendar::from_csv(&input.entries).map_err(|e| AppError::invalid("entries", e.to_string()))?;
        let entries: Vec<CalendarEntry> = parsed.entries().cloned().collect();
        if let Some(e) = entries.iter().find(|e| e.date.year() != year) {
            return Err(AppError::invalid(
                "entries",
                format!("{}不在{year}年内：一年的放假安排只录入该年的日期", e.date),
            ));
        }
        let current = self.work_calendar().await?;
        let next = current
            .with_year(year, entries.iter().cloned())
            .map_err(|e| AppError::invalid("entries", e.to_string()))?;
        let text: String = next
            .entries_of_year(year)
            .map(|e| format!("{},{},{}\n", e.date, e.kind.code(), e.name))
            .collect();
        let holidays = entries.iter().filter(|e| e.kind.code() == "holiday").count();
        let tx = self.store().begin().await?;
        let row = calendar::insert(&tx, year, &text, source, &actor.user.username, self.now()).await?;
        record(
            &tx,
            &By::actor(actor),
            Change::new(AuditAction::CalendarYearSet, "calendar_year", row.id)
                .in_department(actor.department.code.as_str())
                .summary(format!(
                    "录入{year}年放假安排：放假{holidays}天、调休上班{}天；来源：{source}",
                    entries.len() - holidays
                ))
                .after(serde_json::json!({"year": year, "entries": text})),
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        self.calendar_years()
            .await?
            .into_iter()
            .find(|y| y.year == year)
            .ok_or_else(|| AppError::Internal("刚录入的年度不在日历中".into()))
    }
}
