//! 工作日: the shipped calendar against the State Council notices, deadline
//! arithmetic across 春节 and 国庆节 with their adjusted weekends, provisional
//! deadlines, CSV errors, and properties of `add_workdays`.

use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;
use spotcheck_domain::calendar::{CalendarEntry, CalendarError, DayKind, Deadline, EntryError, WorkCalendar};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn official() -> &'static WorkCalendar {
    WorkCalendar::official()
}

fn add(date: NaiveDate, n: u32) -> NaiveDate {
    let deadline = official().add_workdays(date, n);
    assert!(!deadline.provisional, "{date} + {n}");
    deadline.date
}

// ------------------------------------------------- the notices, independently

/// One item of a notice: the festival, its holiday period (first and last
/// day and the number of days the notice states) and the weekend days it
/// makes working days. Written from the notices' text, not from the CSV:
/// 国办发明电〔2023〕7号 (2024), 国办发明电〔2024〕12号 (2025), and the notice
/// of 2025-11-04 for 2026.
struct NoticeItem {
    names: &'static [&'static str],
    first: (i32, u32, u32),
    last: (i32, u32, u32),
    days: i64,
    workdays: &'static [(i32, u32, u32)],
}

const NOTICES: &[NoticeItem] = &[
    // 2024
    item(&["元旦"], (2024, 1, 1), (2024, 1, 1), 1, &[]), // 1月1日放假，与周末连休
    item(
        &["春节"],
        (2024, 2, 10),
        (2024, 2, 17),
        8,
        &[(2024, 2, 4), (2024, 2, 18)],
    ),
    item(&["清明节"], (2024, 4, 4), (2024, 4, 6), 3, &[(2024, 4, 7)]),
    item(
        &["劳动节"],
        (2024, 5, 1),
        (2024, 5, 5),
        5,
        &[(2024, 4, 28), (2024, 5, 11)],
    ),
    item(&["端午节"], (2024, 6, 10), (2024, 6, 10), 1, &[]), // 6月10日放假，与周末连休
    item(&["中秋节"], (2024, 9, 15), (2024, 9, 17), 3, &[(2024, 9, 14)]),
    item(
        &["国庆节"],
        (2024, 10, 1),
        (2024, 10, 7),
        7,
        &[(2024, 9, 29), (2024, 10, 12)],
    ),
    // 2025
    item(&["元旦"], (2025, 1, 1), (2025, 1, 1), 1, &[]), // 放假1天，不调休
    item(
        &["春节"],
        (2025, 1, 28),
        (2025, 2, 4),
        8,
        &[(2025, 1, 26), (2025, 2, 8)],
    ),
    item(&["清明节"], (2025, 4, 4), (2025, 4, 6), 3, &[]),
    item(&["劳动节"], (2025, 5, 1), (2025, 5, 5), 5, &[(2025, 4, 27)]),
    item(&["端午节"], (2025, 5, 31), (2025, 6, 2), 3, &[]),
    item(
        &["国庆节", "中秋节"], // 国庆节、中秋节：10月1日至8日，共8天
        (2025, 10, 1),
        (2025, 10, 8),
        8,
        &[(2025, 9, 28), (2025, 10, 11)],
    ),
    // 2026
    item(&["元旦"], (2026, 1, 1), (2026, 1, 3), 3, &[(2026, 1, 4)]),
    item(
        &["春节"],
        (2026, 2, 15),
        (2026, 2, 23),
        9,
        &[(2026, 2, 14), (2026, 2, 28)],
    ),
    item(&["清明节"], (2026, 4, 4), (2026, 4, 6), 3, &[]),
    item(&["劳动节"], (2026, 5, 1), (2026, 5, 5), 5, &[(2026, 5, 9)]),
    item(&["端午节"], (2026, 6, 19), (2026, 6, 21), 3, &[]),
    item(&["中秋节"], (2026, 9, 25), (2026, 9, 27), 3, &[]),
    item(
        &["国庆节"],
        (2026, 10, 1),
        (2026, 10, 7),
        7,
        &[(2026, 9, 20), (2026, 10, 10)],
    ),
];

const fn item(
    names: &'static [&'static str],
    first: (i32, u32, u32),
    last: (i32, u32, u32),
    days: i64,
    workdays: &'static [(i32, u32, u32)],
) -> NoticeItem {
    NoticeItem {
        names,
        first,
        last,
        days,
        workdays,
    }
}

fn date_of(t: (i32, u32, u32)) -> NaiveDate {
    d(t.0, t.1, t.2)
}

/// Working day per the notices alone, by an implementation that shares
/// nothing with `WorkCalendar`.
fn notice_is_workday(date: NaiveDate) -> bool {
    for item in NOTICES {
        if date_of(item.first) <= date && date <= date_of(item.last) {
            return false;
        }
        if item.workdays.iter().any(|&w| date_of(w) == date) {
            return true;
        }
    }
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

#[test]
fn the_shipped_csv_matches_the_notices_festival_by_festival() {
    let cal = official();
    let mut expected_entries = 0;
    for item in NOTICES {
        let (first, last) = (date_of(item.first), date_of(item.last));
        assert_eq!(
            (last - first).num_days() + 1,
            item.days,
            "{:?} {first}: the notice's day count",
            item.names
        );
        for day in first.iter_days().take_while(|x| *x <= last) {
            let entry = cal.entry(day).unwrap_or_else(|| panic!("{day} missing"));
            assert_eq!(entry.kind, DayKind::Holiday, "{day}");
            assert!(item.names.contains(&entry.name.as_str()), "{day}: {entry:?}");
        }
        for &w in item.workdays {
            let day = date_of(w);
            assert!(
                matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
                "{day} is a weekend day"
            );
            let entry = cal.entry(day).unwrap_or_else(|| panic!("{day} missing"));
            assert_eq!(entry.kind, DayKind::Workday, "{day}");
            assert!(item.names.contains(&entry.name.as_str()), "{day}: {entry:?}");
        }
        expected_entries += item.days as usize + item.workdays.len();
    }
    // Nothing else in the file.
    assert_eq!(cal.entries().count(), expected_entries);
    assert_eq!(cal.years().collect::<Vec<_>>(), vec![2024, 2025, 2026]);
}

#[test]
fn every_day_of_2024_to_2026_agrees_with_the_notices() {
    let cal = official();
    let mut workdays = 0;
    for day in d(2024, 1, 1).iter_days().take_while(|x| *x <= d(2026, 12, 31)) {
        assert_eq!(cal.is_workday(day), notice_is_workday(day), "{day}");
        workdays += i64::from(cal.is_workday(day));
    }
    // Yearly totals that follow from the notices. 2024: 262 weekdays, 19 of
    // them holidays (元旦 1, 春节 5, 清明 2, 劳动 3, 端午 1, 中秋 2, 国庆 5), plus
    // 8 weekend working days: 262 - 19 + 8 = 251. 2025 and 2026: 248 each.
    assert_eq!(cal.workdays_between(d(2023, 12, 31), d(2024, 12, 31)), 251);
    assert_eq!(cal.workdays_between(d(2024, 12, 31), d(2025, 12, 31)), 248);
    assert_eq!(cal.workdays_between(d(2025, 12, 31), d(2026, 12, 31)), 248);
    assert_eq!(workdays, 251 + 248 + 248);
}

#[test]
fn coverage() {
    let cal = official();
    assert!(!cal.covers(2023));
    assert!(cal.covers(2024) && cal.covers(2025) && cal.covers(2026));
    assert!(!cal.covers(2027));
    assert!(cal.covers_span(d(2026, 12, 1), d(2024, 1, 1)));
    assert!(!cal.covers_span(d(2026, 12, 1), d(2027, 1, 1)));
}

// ---------------------------------------------------------------- deadlines

#[test]
fn the_issue_example() {
    // 2025-09-26 (Fri) + 20: 9-28 (Sun, 调休上班), 9-29, 9-30, then 10-1..8
    // off, 10-9, 10-10, 10-11 (Sat, 调休上班), 10-13..17, 10-20..24, 10-27..30.
    assert_eq!(
        official().add_workdays(d(2025, 9, 26), 20),
        Deadline {
            date: d(2025, 10, 30),
            provisional: false
        }
    );
    assert_eq!(official().workdays_between(d(2025, 9, 26), d(2025, 10, 30)), 20);
}

#[test]
fn zero_days_is_the_date_itself() {
    assert_eq!(add(d(2025, 10, 3), 0), d(2025, 10, 3));
    assert_eq!(official().workdays_between(d(2025, 10, 3), d(2025, 10, 3)), 0);
}

#[test]
fn spring_festival_2024() {
    // 2-4 (Sun) works; 2-9 (除夕, Fri) is a working day (the notice only
    // encourages a day off); 2-10..17 off; 2-18 (Sun) works.
    assert_eq!(add(d(2024, 2, 2), 1), d(2024, 2, 4));
    assert_eq!(add(d(2024, 2, 8), 1), d(2024, 2, 9));
    assert_eq!(add(d(2024, 2, 9), 1), d(2024, 2, 18));
    assert_eq!(add(d(2024, 2, 9), 2), d(2024, 2, 19));
    assert!(official().is_workday(d(2024, 2, 9)));
    assert!(!official().is_workday(d(2024, 2, 10)));
}

#[test]
fn mid_autumn_and_national_day_2024() {
    // 9-14 (Sat) works, 9-15..17 off; 9-29 (Sun) works, 10-1..7 off,
    // 10-12 (Sat) works.
    assert_eq!(add(d(2024, 9, 13), 1), d(2024, 9, 14));
    assert_eq!(add(d(2024, 9, 13), 2), d(2024, 9, 18));
    assert_eq!(add(d(2024, 9, 27), 1), d(2024, 9, 29));
    assert_eq!(add(d(2024, 9, 27), 3), d(2024, 10, 8));
    assert_eq!(add(d(2024, 9, 30), 5), d(2024, 10, 12));
    // 20 working days: 10-8..12 (5), 10-14..18, 10-21..25, 10-28..31, 11-1.
    assert_eq!(add(d(2024, 9, 30), 20), d(2024, 11, 1));
}

#[test]
fn spring_festival_2025() {
    // 1-26 (Sun) works; 1-28..2-4 off; 2-8 (Sat) works.
    assert_eq!(add(d(2025, 1, 24), 1), d(2025, 1, 26));
    assert_eq!(add(d(2025, 1, 27), 1), d(2025, 2, 5));
    assert_eq!(add(d(2025, 2, 7), 1), d(2025, 2, 8));
    // 1-26, 1-27, 2-5, 2-6, 2-7, 2-8, 2-10, 2-11, 2-12, 2-13.
    assert_eq!(add(d(2025, 1, 24), 10), d(2025, 2, 13));
}

#[test]
fn national_day_2025() {
    assert_eq!(add(d(2025, 9, 30), 1), d(2025, 10, 9));
    assert!(!official().is_workday(d(2025, 10, 8)));
    assert!(official().is_workday(d(2025, 10, 11)));
}

#[test]
fn spring_festival_2026() {
    // 2-14 (Sat) works; 2-15..23 off (9 days); 2-28 (Sat) works.
    assert_eq!(add(d(2026, 2, 13), 1), d(2026, 2, 14));
    assert_eq!(add(d(2026, 2, 14), 1), d(2026, 2, 24));
    // 2-14, 2-24..28 (5, with Sat 2-28), 3-2..5.
    assert_eq!(add(d(2026, 2, 13), 10), d(2026, 3, 5));
    assert_eq!(add(d(2026, 2, 13), 20), d(2026, 3, 19));
}

#[test]
fn mid_autumn_and_national_day_2026() {
    // 9-20 (Sun) works; 9-25..27 off; 10-1..7 off; 10-10 (Sat) works.
    assert_eq!(add(d(2026, 9, 18), 1), d(2026, 9, 20));
    assert_eq!(add(d(2026, 9, 24), 1), d(2026, 9, 28));
    assert_eq!(add(d(2026, 9, 30), 1), d(2026, 10, 8));
    assert_eq!(add(d(2026, 9, 30), 3), d(2026, 10, 10));
}

#[test]
fn across_new_year_between_covered_years() {
    // 2025-12-31 (Wed) + 1: 2026-01-01..03 off, 01-04 (Sun) works.
    assert_eq!(add(d(2025, 12, 31), 1), d(2026, 1, 4));
    assert_eq!(add(d(2024, 12, 31), 1), d(2025, 1, 2));
}

#[test]
fn a_year_without_schedule_is_provisional() {
    let cal = official();
    // 2026-12-25 (Fri) + 10: 12-28..31 (4), then 2027 with weekends only:
    // 1-1 (Fri, surely 元旦, but not known yet) .. 1-8.
    assert_eq!(
        cal.add_workdays(d(2026, 12, 25), 10),
        Deadline {
            date: d(2027, 1, 8),
            provisional: true
        }
    );
    // Staying inside 2026 is final.
    assert!(!cal.add_workdays(d(2026, 12, 24), 1).provisional);
    // Starting in an uncovered year is provisional even if the result is in
    // a covered one.
    assert_eq!(
        cal.add_workdays(d(2023, 12, 29), 1),
        Deadline {
            date: d(2024, 1, 2),
            provisional: true
        }
    );
    assert!(cal.add_workdays(d(2027, 3, 1), 0).provisional);
    // Once the province adds 2027, the same deadline is final.
    let with_2027 = cal
        .with_year(2027, [CalendarEntry::new(d(2027, 1, 1), DayKind::Holiday, "元旦")])
        .unwrap();
    assert_eq!(
        with_2027.add_workdays(d(2026, 12, 25), 10),
        Deadline {
            date: d(2027, 1, 11),
            provisional: false
        }
    );
}

#[test]
fn an_empty_calendar_counts_weekends_only() {
    let cal = WorkCalendar::empty();
    assert_eq!(
        cal.add_workdays(d(2025, 9, 26), 20),
        Deadline {
            date: d(2025, 10, 24),
            provisional: true
        }
    );
}

#[test]
fn workdays_between_is_signed() {
    let cal = official();
    // (10-30, 11-4]: 10-31, 11-3, 11-4.
    assert_eq!(cal.workdays_between(d(2025, 10, 30), d(2025, 11, 4)), 3);
    assert_eq!(cal.workdays_between(d(2025, 11, 4), d(2025, 10, 30)), -3);
    // Holidays only: nothing left to count.
    assert_eq!(cal.workdays_between(d(2025, 9, 30), d(2025, 10, 8)), 0);
}

// --------------------------------------------------------------------- CSV

#[test]
fn csv_round_trip_and_formats() {
    let cal = official();
    assert_eq!(&WorkCalendar::from_csv(&cal.to_csv()).unwrap(), cal);
    // BOM, CRLF, no header, blank lines, spaces around fields.
    let text = "\u{feff}# 说明\r\n\r\n2027-01-01 , holiday , 元旦\r\n2027-02-06,workday,春节\r\n";
    let small = WorkCalendar::from_csv(text).unwrap();
    assert!(small.covers(2027));
    assert_eq!(small.entries().count(), 2);
    assert_eq!(
        small.entry(d(2027, 2, 6)),
        Some(&CalendarEntry::new(d(2027, 2, 6), DayKind::Workday, "春节"))
    );
    assert_eq!(DayKind::Workday.to_string(), "调休上班");
    assert_eq!(
        WorkCalendar::from_csv("# only comments\n").unwrap(),
        WorkCalendar::empty()
    );
}

fn csv_error(text: &str) -> CalendarError {
    WorkCalendar::from_csv(text).unwrap_err()
}

#[test]
fn csv_errors_name_the_line() {
    let head = "# 注释\ndate,kind,name\n2025-01-01,holiday,元旦\n";
    let e = csv_error(&format!("{head}2025-02-30,holiday,春节\n"));
    assert_eq!(
        e,
        CalendarError::Line {
            line: 4,
            error: EntryError::Date("2025-02-30".into())
        }
    );
    assert_eq!(
        e.to_string(),
        "第4行：日期\"2025-02-30\"无效，应为YYYY-MM-DD格式的真实日期，例如2025-10-01"
    );
    assert!(matches!(
        csv_error(&format!("{head}2025/1/28,holiday,春节\n")),
        CalendarError::Line {
            line: 4,
            error: EntryError::Date(_)
        }
    ));

    let e = csv_error(&format!("{head}2025-01-28,rest,春节\n"));
    assert_eq!(
        e.to_string(),
        "第4行：类型\"rest\"无效，应为holiday（放假）或workday（调休上班）"
    );

    let e = csv_error(&format!("{head}2025-01-28,holiday\n"));
    assert_eq!(e.to_string(), "第4行：应为\"日期,类型,名称\"三列，实际为2列");

    let e = csv_error(&format!("{head}\n2025-01-01,holiday,元旦\n"));
    assert_eq!(
        e,
        CalendarError::Line {
            line: 5,
            error: EntryError::DuplicateLine {
                date: d(2025, 1, 1),
                first_line: 3
            }
        }
    );
    assert_eq!(
        e.to_string(),
        "第5行：2025-01-01重复出现（第3行已有），同一日期只能出现一次"
    );

    let e = csv_error(&format!("{head}2025-01-27,workday,春节\n"));
    assert_eq!(
        e.to_string(),
        "第4行：2025-01-27是星期一，本来就是工作日，不能标为调休上班（workday只用于周六、周日）"
    );

    let e = csv_error(&format!("{head}2025-01-28,holiday, \n"));
    assert_eq!(e.to_string(), "第4行：2025-01-28缺少名称，请填写所属节日，例如\"春节\"");

    let e = csv_error("1899-01-01,holiday,元旦\n");
    assert_eq!(e.to_string(), "第1行：1899年不在可以处理的范围内（1900—9999年）");
}

#[test]
fn the_shipped_file_is_valid_and_parsed_once() {
    let a = WorkCalendar::official() as *const WorkCalendar;
    let b = WorkCalendar::official() as *const WorkCalendar;
    assert_eq!(a, b);
}

// --------------------------------------------------------- adding a year

fn schedule_2027() -> Vec<CalendarEntry> {
    // A made-up schedule, for the mechanics only.
    vec![
        CalendarEntry::new(d(2027, 1, 1), DayKind::Holiday, "元旦"),
        CalendarEntry::new(d(2027, 2, 6), DayKind::Workday, "春节"),
        CalendarEntry::new(d(2027, 2, 8), DayKind::Holiday, "春节"),
    ]
}

#[test]
fn with_year_adds_or_replaces_one_year() {
    let cal = official().with_year(2027, schedule_2027()).unwrap();
    assert!(cal.covers(2027));
    assert!(cal.is_workday(d(2027, 2, 6)));
    assert!(!cal.is_workday(d(2027, 2, 8)));
    assert_eq!(cal.entries_of_year(2027).count(), 3);
    // The other years are untouched.
    assert_eq!(
        cal.entries_of_year(2025).count(),
        official().entries_of_year(2025).count()
    );
    // Replacing 2027 drops its old entries.
    let replaced = cal
        .with_year(2027, [CalendarEntry::new(d(2027, 1, 1), DayKind::Holiday, "元旦")])
        .unwrap();
    assert_eq!(replaced.entries_of_year(2027).count(), 1);
    assert!(!replaced.is_workday(d(2027, 2, 6)));
    // The original calendar is a value: unchanged.
    assert!(!official().covers(2027));
}

#[test]
fn with_year_rejects_bad_schedules() {
    let cal = official();
    let e = cal
        .with_year(
            2027,
            [
                CalendarEntry::new(d(2027, 1, 1), DayKind::Holiday, "元旦"),
                CalendarEntry::new(d(2026, 12, 31), DayKind::Holiday, "元旦"),
            ],
        )
        .unwrap_err();
    assert_eq!(
        e,
        CalendarError::Entry {
            year: 2027,
            index: 2,
            error: EntryError::OutsideYear {
                date: d(2026, 12, 31),
                year: 2027
            }
        }
    );
    assert_eq!(
        e.to_string(),
        "2027年日程第2条：2026-12-31不属于2027年，请只填写2027年的日期"
    );

    // A date both 放假 and 调休上班 (or twice at all).
    let e = cal
        .with_year(
            2027,
            [
                CalendarEntry::new(d(2027, 2, 6), DayKind::Workday, "春节"),
                CalendarEntry::new(d(2027, 2, 6), DayKind::Holiday, "春节"),
            ],
        )
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "2027年日程第2条：2027-02-06重复出现（第1条已有），同一日期只能出现一次"
    );

    let e = cal
        .with_year(2027, [CalendarEntry::new(d(2027, 2, 8), DayKind::Workday, "春节")])
        .unwrap_err();
    assert!(matches!(
        e,
        CalendarError::Entry {
            error: EntryError::WorkdayOnWeekday { .. },
            ..
        }
    ));

    let e = cal.with_year(2027, []).unwrap_err();
    assert_eq!(e.to_string(), "2027年的日程为空，至少应有元旦等法定节假日");

    let e = cal
        .with_year(2027, [CalendarEntry::new(d(2027, 1, 1), DayKind::Holiday, "元,旦")])
        .unwrap_err();
    assert!(matches!(
        e,
        CalendarError::Entry {
            error: EntryError::BadName(_),
            ..
        }
    ));
}

#[test]
fn merge() {
    let province = WorkCalendar::empty().with_year(2027, schedule_2027()).unwrap();
    let merged = official().merge(&province).unwrap();
    assert_eq!(merged.years().collect::<Vec<_>>(), vec![2024, 2025, 2026, 2027]);
    // Merging the same year twice is fine when it is the same schedule.
    assert_eq!(merged.merge(official()).unwrap(), merged);
    // A different 2025 cannot be merged silently.
    let other_2025 = WorkCalendar::empty()
        .with_year(2025, [CalendarEntry::new(d(2025, 1, 1), DayKind::Holiday, "元旦")])
        .unwrap();
    let e = official().merge(&other_2025).unwrap_err();
    assert_eq!(
        e,
        CalendarError::MergeConflict {
            year: 2025,
            date: d(2025, 1, 26)
        }
    );
}

// --------------------------------------------------------------- properties

proptest! {
    #[test]
    fn add_and_count_agree(offset in 0i64..(6 * 366), n in 0u32..400) {
        let cal = official();
        let start = d(2023, 1, 1) + chrono::Duration::days(offset);
        let deadline = cal.add_workdays(start, n);
        prop_assert!(deadline.date >= start);
        prop_assert_eq!(cal.workdays_between(start, deadline.date), i64::from(n));
        prop_assert_eq!(cal.workdays_between(deadline.date, start), -i64::from(n));
        if n >= 1 {
            prop_assert!(cal.is_workday(deadline.date));
        } else {
            prop_assert_eq!(deadline.date, start);
        }
        prop_assert_eq!(deadline.provisional, !cal.covers_span(start, deadline.date));
    }

    #[test]
    fn one_more_day_is_the_next_working_day(offset in 0i64..(6 * 366), n in 0u32..200) {
        let cal = official();
        let start = d(2023, 1, 1) + chrono::Duration::days(offset);
        let a = cal.add_workdays(start, n).date;
        let b = cal.add_workdays(start, n + 1).date;
        prop_assert_eq!(cal.add_workdays(a, 1).date, b);
        prop_assert_eq!(cal.workdays_between(a, b), 1);
    }
}
