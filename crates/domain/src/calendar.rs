//! 工作日: the official working-day calendar with 调休, for the deadlines of
//! the rules ("20个工作日内公示", 异议复核 and 反馈 deadlines).
//!
//! A day is a working day unless the State Council's yearly notice
//! (国务院办公厅关于部分节假日安排的通知) makes it a holiday, or it is a
//! Saturday or Sunday that the notice does not make a working day (调休上班).
//! The notices come one year at a time, usually in November for the next
//! year. So a [`WorkCalendar`] knows which years it *covers*; in a year it
//! does not cover, only weekends count as days off, and a deadline that runs
//! through such a year is [`Deadline::provisional`] until the province adds
//! that year's schedule ([`WorkCalendar::with_year`]).
//!
//! The schedules for 2024–2026 ship in `data/cn-workday-calendar.csv` (with
//! the addresses of the notices) and are embedded in the binary:
//! [`WorkCalendar::official`].
//!
//! A schedule belongs to the calendar year of its dates. A notice that lists
//! a day of the previous December (the 2012 notice made Saturday 2011-12-31
//! a working day) must have that day entered in the previous year's schedule.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, Weekday};

/// The shipped CSV: `date,kind,name` lines after `#` comments.
const OFFICIAL_CSV: &str = include_str!("../../../data/cn-workday-calendar.csv");

/// What the notice makes of a date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayKind {
    /// 放假: a day of an official holiday period, weekend days included.
    Holiday,
    /// 调休上班: a Saturday or Sunday that is a working day.
    Workday,
}

impl DayKind {
    /// The CSV word: `holiday` or `workday`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Holiday => "holiday",
            Self::Workday => "workday",
        }
    }

    /// The CSV word, or the label as an operator types it (`放假`, `调休上班`, `上班`).
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "holiday" | "放假" | "休息" => Some(Self::Holiday),
            "workday" | "调休上班" | "上班" | "调休" => Some(Self::Workday),
            _ => None,
        }
    }

    /// `放假` or `调休上班`.
    pub fn label(self) -> &'static str {
        match self {
            Self::Holiday => "放假",
            Self::Workday => "调休上班",
        }
    }
}

/// One line of a notice: a date, what it is, and the festival it belongs to
/// (`春节`, `国庆节` …).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CalendarEntry {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: String,
}

impl CalendarEntry {
    pub fn new(date: NaiveDate, kind: DayKind, name: impl Into<String>) -> Self {
        Self {
            date,
            kind,
            name: name.into(),
        }
    }
}

/// What is wrong with one entry (a CSV line or an entry of a year's schedule).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("应为\"日期,类型,名称\"三列，实际为{0}列")]
    Columns(usize),
    #[error("日期\"{0}\"无效，应为YYYY-MM-DD格式的真实日期，例如2025-10-01")]
    Date(String),
    #[error("类型\"{0}\"无效，应为holiday（放假）或workday（调休上班）")]
    Kind(String),
    #[error("{0}缺少名称，请填写所属节日，例如\"春节\"")]
    EmptyName(NaiveDate),
    #[error("{date}是{}，本来就是工作日，不能标为调休上班（workday只用于周六、周日）", weekday_label(*.date))]
    WorkdayOnWeekday { date: NaiveDate },
    #[error("名称\"{0}\"不能含有逗号或换行")]
    BadName(String),
    #[error("{date}重复出现（第{first_line}行已有），同一日期只能出现一次")]
    DuplicateLine { date: NaiveDate, first_line: usize },
    #[error("{date}重复出现（第{first_index}条已有），同一日期只能出现一次")]
    DuplicateEntry { date: NaiveDate, first_index: usize },
    #[error("{0}年不在可以处理的范围内（1900—9999年）")]
    YearOutOfRange(i32),
    #[error("{date}不属于{year}年，请只填写{year}年的日期")]
    OutsideYear { date: NaiveDate, year: i32 },
}

/// Why a calendar or a year's schedule was rejected. `Display` is the Chinese
/// message for the user.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A line of a CSV file (1-based, counting comment and header lines).
    #[error("第{line}行：{error}")]
    Line { line: usize, error: EntryError },
    /// An entry of the schedule given for `year` (1-based position).
    #[error("{year}年日程第{index}条：{error}")]
    Entry { year: i32, index: usize, error: EntryError },
    #[error("{year}年的日程为空，至少应有元旦等法定节假日")]
    EmptyYear { year: i32 },
    #[error("{year}年不在可以处理的范围内（1900—9999年）")]
    YearOutOfRange { year: i32 },
    #[error("两份日历中{year}年的日程不一致（{date}不同），无法合并")]
    MergeConflict { year: i32, date: NaiveDate },
}

fn weekday_label(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Strict `YYYY-MM-DD` (exactly ten characters) to a real date.
fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// A deadline: the date, and whether it was computed through a year without
/// an official schedule (weekends alone), so it may still move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Deadline {
    pub date: NaiveDate,
    pub provisional: bool,
}

/// The working-day calendar: the official schedules of the years it covers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    years: BTreeSet<i32>,
    entries: BTreeMap<NaiveDate, CalendarEntry>,
}

impl WorkCalendar {
    /// A calendar that covers no year: weekends only, every deadline provisional.
    pub fn empty() -> Self {
        Self::default()
    }

    /// The schedules shipped with the platform (`data/cn-workday-calendar.csv`),
    /// parsed once.
    pub fn official() -> &'static WorkCalendar {
        static OFFICIAL: OnceLock<WorkCalendar> = OnceLock::new();
        OFFICIAL.get_or_init(|| {
            WorkCalendar::from_csv(OFFICIAL_CSV).expect("the shipped data/cn-workday-calendar.csv is valid (tested)")
        })
    }

    /// Parses `date,kind,name` lines: `#` comment lines, blank lines and a
    /// `date,kind,name` header are skipped; `kind` is `holiday` or `workday`.
    /// Every year with at least one entry is covered. Errors name the line.
    pub fn from_csv(text: &str) -> Result<Self, CalendarError> {
        let mut first_line: BTreeMap<NaiveDate, usize> = BTreeMap::new();
        let mut calendar = Self::empty();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let content = raw.trim_start_matches('\u{feff}').trim();
            if content.is_empty() || content.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = content.split(',').map(str::trim).collect();
            if fields.len() == 3 && fields[0] == "date" && fields[1] == "kind" {
                continue;
            }
            let err = |error| CalendarError::Line { line, error };
            if fields.len() != 3 {
                return Err(err(EntryError::Columns(fields.len())));
            }
            let date = parse_iso_date(fields[0]).ok_or_else(|| err(EntryError::Date(fields[0].into())))?;
            let kind = DayKind::parse(fields[1]).ok_or_else(|| err(EntryError::Kind(fields[1].into())))?;
            let entry = CalendarEntry::new(date, kind, fields[2]);
            check_entry(&entry).map_err(err)?;
            if let Some(&first) = first_line.get(&date) {
                return Err(err(EntryError::DuplicateLine {
                    date,
                    first_line: first,
                }));
            }
            first_line.insert(date, line);
            calendar.years.insert(date.year());
            calendar.entries.insert(date, entry);
        }
        Ok(calendar)
    }

    /// The calendar with `year`'s official schedule set to `entries`,
    /// replacing any schedule it had for that year. Every entry must fall in
    /// `year`; a date may appear only once (so it cannot be both 放假 and
    /// 调休上班); 调休上班 is only for Saturdays and Sundays; an empty schedule
    /// is refused (every year has at least 元旦).
    pub fn with_year(
        &self,
        year: i32,
        entries: impl IntoIterator<Item = CalendarEntry>,
    ) -> Result<Self, CalendarError> {
        if !(1900..=9999).contains(&year) {
            return Err(CalendarError::YearOutOfRange { year });
        }
        let mut new_entries: BTreeMap<NaiveDate, (usize, CalendarEntry)> = BTreeMap::new();
        for (i, entry) in entries.into_iter().enumerate() {
            let index = i + 1;
            let err = |error| CalendarError::Entry { year, index, error };
            if entry.date.year() != year {
                return Err(err(EntryError::OutsideYear { date: entry.date, year }));
            }
            check_entry(&entry).map_err(err)?;
            if let Some((first, _)) = new_entries.get(&entry.date) {
                return Err(err(EntryError::DuplicateEntry {
                    date: entry.date,
                    first_index: *first,
                }));
            }
            new_entries.insert(entry.date, (index, entry));
        }
        if new_entries.is_empty() {
            return Err(CalendarError::EmptyYear { year });
        }
        let mut calendar = self.clone();
        calendar.entries.retain(|d, _| d.year() != year);
        calendar
            .entries
            .extend(new_entries.into_iter().map(|(d, (_, e))| (d, e)));
        calendar.years.insert(year);
        Ok(calendar)
    }

    /// The union of two calendars, e.g. the official one and the years the
    /// province entered. A year that both cover must have the same schedule.
    pub fn merge(&self, other: &WorkCalendar) -> Result<Self, CalendarError> {
        for &year in self.years.intersection(&other.years) {
            let mine: Vec<_> = self.entries_of_year(year).collect();
            let theirs: Vec<_> = other.entries_of_year(year).collect();
            if mine != theirs {
                let date = first_difference(&mine, &theirs);
                return Err(CalendarError::MergeConflict { year, date });
            }
        }
        let mut calendar = self.clone();
        calendar.years.extend(other.years.iter().copied());
        calendar
            .entries
            .extend(other.entries.iter().map(|(d, e)| (*d, e.clone())));
        Ok(calendar)
    }

    /// True when the calendar has an official schedule for `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// True when every year from `from`'s to `to`'s (either order) is covered.
    pub fn covers_span(&self, from: NaiveDate, to: NaiveDate) -> bool {
        let (a, b) = if from <= to { (from, to) } else { (to, from) };
        (a.year()..=b.year()).all(|y| self.covers(y))
    }

    /// The covered years, ascending.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// All entries, by date.
    pub fn entries(&self) -> impl Iterator<Item = &CalendarEntry> + '_ {
        self.entries.values()
    }

    /// The entries of one year, by date.
    pub fn entries_of_year(&self, year: i32) -> impl Iterator<Item = &CalendarEntry> + '_ {
        let range = NaiveDate::from_ymd_opt(year, 1, 1).zip(NaiveDate::from_ymd_opt(year, 12, 31));
        range
            .into_iter()
            .flat_map(move |(a, b)| self.entries.range(a..=b).map(|(_, e)| e))
    }

    /// The entry for `date`, if the notice mentions it.
    pub fn entry(&self, date: NaiveDate) -> Option<&CalendarEntry> {
        self.entries.get(&date)
    }

    /// The calendar as CSV in the shipped format (header line, no comments),
    /// which [`from_csv`](Self::from_csv) reads back.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("date,kind,name\n");
        for e in self.entries.values() {
            out.push_str(&format!("{},{},{}\n", e.date, e.kind.code(), e.name));
        }
        out
    }

    /// 放假 → false; 调休上班 → true; otherwise Monday–Friday are working days.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        match self.entries.get(&date).map(|e| e.kind) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !is_weekend(date),
        }
    }

    /// The date `n` working days after `date` (`date` itself not counted; 0
    /// gives `date`). Provisional when a year from `date`'s to the result's
    /// has no schedule. Saturates at the last date chrono can represent.
    pub fn add_workdays(&self, date: NaiveDate, n: u32) -> Deadline {
        let mut current = date;
        let mut left = n;
        while left > 0 {
            match current.succ_opt() {
                Some(next) => current = next,
                None => break,
            }
            if self.is_workday(current) {
                left -= 1;
            }
        }
        Deadline {
            date: current,
            provisional: !self.covers_span(date, current),
        }
    }

    /// The number of working days in `(from, to]`, for "剩余 N 个工作日".
    /// Antisymmetric: when `to` is before `from` the result is minus the
    /// number of working days in `(to, from]`, so for a deadline `d`,
    /// `workdays_between(today, d)` is the days left and, once negative, minus
    /// the working days overdue. 0 when `from == to`. Use
    /// [`covers_span`](Self::covers_span) to know whether the count is final.
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to < from {
            return -self.workdays_between(to, from);
        }
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_workday(*d))
            .count() as i64
    }
}

/// Checks that depend on the entry alone.
fn check_entry(entry: &CalendarEntry) -> Result<(), EntryError> {
    if !(1900..=9999).contains(&entry.date.year()) {
        return Err(EntryError::YearOutOfRange(entry.date.year()));
    }
    if entry.name.trim().is_empty() {
        return Err(EntryError::EmptyName(entry.date));
    }
    if entry.name.contains([',', '\n', '\r']) {
        return Err(EntryError::BadName(entry.name.clone()));
    }
    if entry.kind == DayKind::Workday && !is_weekend(entry.date) {
        return Err(EntryError::WorkdayOnWeekday { date: entry.date });
    }
    Ok(())
}

/// The first date on which two schedules of the same year differ.
fn first_difference(a: &[&CalendarEntry], b: &[&CalendarEntry]) -> NaiveDate {
    let a: BTreeMap<NaiveDate, &CalendarEntry> = a.iter().map(|e| (e.date, *e)).collect();
    let b: BTreeMap<NaiveDate, &CalendarEntry> = b.iter().map(|e| (e.date, *e)).collect();
    a.keys()
        .chain(b.keys())
        .filter(|d| a.get(d) != b.get(d))
        .min()
        .copied()
        .unwrap_or(NaiveDate::MIN)
}

impl fmt::Display for DayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}
