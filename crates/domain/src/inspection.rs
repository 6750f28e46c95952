//! 第十九条至第二十二条: the inspection of one drawn object by its 检查组.
//!
//! One inspection per team (一次到位: one visit covers every item of the task that
//! applies to the object). Its life is [`InspectionStatus`]: the team fills it
//! in (填写中), the leader closes it (待签字确认), and once every member has
//! confirmed it (签字确认) it is final (已确认) and nobody can change it.
//! Reopening a closed inspection before it is final voids the confirmations
//! given so far, so a member never confirms something other than what is final.
//!
//! The checks of the entered data are here, so a form, an API call and the
//! demo refuse the same things with the same words: [`check_draft`] for what
//! can be saved at any time, [`check_close`] for what must be complete before
//! the team signs.

use chrono::{NaiveDate, NaiveDateTime};

use crate::item::FieldError;
use crate::outside::ItemResult;
use crate::vocab::{InspectionMethod, vocabulary};

/// Length limits (characters).
pub const MAX_PLAN_TEXT: usize = 2000;
pub const MAX_POINT_NOTE: usize = 500;
pub const MAX_PLACE: usize = 200;
pub const MAX_PRESENT: usize = 20;
pub const MAX_PERSON_FIELD: usize = 60;
pub const MAX_FINDINGS: usize = 50;
pub const MAX_FINDING_TEXT: usize = 1000;
pub const MAX_BASIS_TEXT: usize = 300;
pub const MAX_SUMMARY: usize = 1000;
pub const MAX_STATEMENT: usize = 20_000;
pub const MAX_EVIDENCE_NOTE: usize = 200;

vocabulary! {
    /// Where an inspection stands.
    InspectionStatus, "检查记录状态" {
        /// 填写中: the team enters the checklist, findings and evidence.
        Draft = ("draft", "填写中"),
        /// 待签字确认: the leader closed it; every member must confirm it.
        Closed = ("closed", "待签字确认"),
        /// 已确认: all members confirmed; nobody can change it any more.
        Final = ("final", "已确认"),
    }
}

vocabulary! {
    /// 第二十一条: the measures a team takes on a problem it finds.
    Measure, "处置措施" {
        OnSiteRecord = ("on_site_record", "制作现场笔录", "现场笔录"),
        EvidenceTaken = ("evidence_taken", "初步提取证据", "提取证据"),
        OrderedToStop = ("ordered_to_stop", "责令停止违法违规活动", "责令停止"),
        /// 督促整改, with a deadline.
        Rectification = ("rectification", "督促整改", "责令整改", "整改"),
        CaseReferral = ("case_referral", "移交/立案建议", "移交立案建议", "移交", "立案建议"),
    }
}

vocabulary! {
    /// What an evidence file records (执法全过程记录, 第二十二条), from its content type.
    EvidenceKind, "证据类型" {
        Photo = ("photo", "照片"),
        Audio = ("audio", "录音"),
        Video = ("video", "录像"),
        Document = ("document", "书证文件", "文件"),
    }
}

impl EvidenceKind {
    /// The kind of a file from the MIME type read from its content.
    pub fn of_mime(mime: &str) -> EvidenceKind {
        match mime.split('/').next().unwrap_or_default() {
            "image" => EvidenceKind::Photo,
            "audio" => EvidenceKind::Audio,
            "video" => EvidenceKind::Video,
            _ => EvidenceKind::Document,
        }
    }
}

vocabulary! {
    /// How a member proved it was them when confirming (签字确认).
    ConfirmMethod, "确认方式" {
        Password = ("password", "重新输入登录密码", "密码"),
        OneTimeCode = ("one_time_code", "一次性验证码", "验证码"),
    }
}

/// What a result category demands of the findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingRule {
    /// 未发现问题: no 不符合 check point and no finding.
    NoProblem,
    /// 发现问题…: at least one finding.
    Problem,
    /// The object could not be inspected as planned (无经营活动, 无法联系, 不配合,
    /// 已注销): check points may stay open, findings are optional.
    NotInspectable,
}

impl FindingRule {
    pub fn code(self) -> &'static str {
        match self {
            FindingRule::NoProblem => "no_problem",
            FindingRule::Problem => "problem",
            FindingRule::NotInspectable => "not_inspectable",
        }
    }

    pub fn parse(s: &str) -> Option<FindingRule> {
        [
            FindingRule::NoProblem,
            FindingRule::Problem,
            FindingRule::NotInspectable,
        ]
        .into_iter()
        .find(|r| r.code() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            FindingRule::NoProblem => "未发现问题类",
            FindingRule::Problem => "发现问题类",
            FindingRule::NotInspectable => "无法按计划检查类",
        }
    }
}

/// The default 检查结果 list (configurable afterwards by the province): code,
/// label, rule. The wording follows the categories in use in production
/// systems (shared/reference/domain-notes.md); "查无下落" is the local label of
/// "通过登记的住所（经营场所）无法联系", kept together.
pub const DEFAULT_RESULT_CATEGORIES: [(&str, &str, FindingRule); 7] = [
    ("no_problem", "未发现问题", FindingRule::NoProblem),
    ("rectified", "发现问题已责令改正", FindingRule::Problem),
    ("follow_up", "发现问题待后续处理", FindingRule::Problem),
    (
        "no_activity",
        "未发现开展本次抽查涉及的经营活动",
        FindingRule::NotInspectable,
    ),
    ("refused", "不配合检查情节严重", FindingRule::NotInspectable),
    (
        "unreachable",
        "查无下落（通过登记的住所或经营场所无法联系）",
        FindingRule::NotInspectable,
    ),
    ("deregistered", "已注销或被吊销", FindingRule::NotInspectable),
];

/// A person present for the object (在场人员).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Present {
    pub name: String,
    pub position: String,
    pub phone: String,
}

/// One problem found (发现问题) as entered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FindingInput {
    pub description: String,
    pub legal_basis: String,
    pub measures: Vec<Measure>,
    /// 整改期限, required with [`Measure::Rectification`].
    pub rectify_by: Option<NaiveDate>,
}

/// What [`check_close`] looks at: the inspection as it would be closed.
#[derive(Clone, Debug)]
pub struct CloseFacts<'a> {
    /// Each check point: its title for the message, and the verdict if given.
    pub points: &'a [(String, Option<ItemResult>)],
    pub findings: &'a [FindingInput],
    pub method: Option<InspectionMethod>,
    pub started_at: Option<NaiveDateTime>,
    pub ended_at: Option<NaiveDateTime>,
    pub place: &'a str,
    pub present: &'a [Present],
    /// The chosen result category's label and rule.
    pub category: Option<(&'a str, FindingRule)>,
    /// The first day of the task's window (检查时间不得早于任务开始).
    pub window_start: NaiveDate,
    /// Now, Beijing time: the inspection cannot end in the future.
    pub now: NaiveDateTime,
    /// A 陈述申辩 was recorded (its text is not empty): the 陈述申辩笔录 then
    /// states when the object was heard.
    pub statement_given: bool,
    pub statement_started_at: Option<NaiveDateTime>,
    pub statement_ended_at: Option<NaiveDateTime>,
}

fn err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// A free text field: trimmed, at most `max` characters, no control characters
/// but line breaks.
pub fn check_text(field: &'static str, label: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let text = raw.trim().replace("\r\n", "\n");
    if text.chars().count() > max {
        return Err(err(field, format!("{label}不能超过{max}个字")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(err(field, format!("{label}含有不可见的控制字符")));
    }
    Ok(text)
}

/// The 检查方式 of an inspection: 第十九条 names 实地核查 and 书面检查.
pub fn check_method(method: InspectionMethod) -> Result<InspectionMethod, FieldError> {
    match method {
        InspectionMethod::OnSite | InspectionMethod::Documentary => Ok(method),
        other => Err(err(
            "method",
            format!(
                "检查方式应为实地核查或书面检查（第十九条），“{}”是事项的辅助方式",
                other.label()
            ),
        )),
    }
}

/// The persons present: each has a name; at most [`MAX_PRESENT`].
pub fn check_present(present: &[Present]) -> Result<Vec<Present>, FieldError> {
    if present.len() > MAX_PRESENT {
        return Err(err("present", format!("在场人员最多{MAX_PRESENT}人")));
    }
    let mut out = Vec::new();
    for (i, p) in present.iter().enumerate() {
        let n = i + 1;
        let name = check_text("present", &format!("第{n}位在场人员的姓名"), &p.name, MAX_PERSON_FIELD)?;
        let position = check_text(
            "present",
            &format!("第{n}位在场人员的职务"),
            &p.position,
            MAX_PERSON_FIELD,
        )?;
        let phone = check_text("present", &format!("第{n}位在场人员的电话"), &p.phone, MAX_PERSON_FIELD)?;
        if name.is_empty() && position.is_empty() && phone.is_empty() {
            continue;
        }
        if name.is_empty() {
            return Err(err("present", format!("第{n}位在场人员缺少姓名")));
        }
        out.push(Present { name, position, phone });
    }
    Ok(out)
}

/// One finding as it may be saved: the texts within their limits. Completeness
/// (basis, measures, deadline) is [`check_close`]'s.
pub fn check_finding(n: usize, f: &FindingInput) -> Result<FindingInput, FieldError> {
    let mut measures = f.measures.clone();
    measures.sort_by_key(|m| Measure::ALL.iter().position(|x| x == m));
    measures.dedup();
    Ok(FindingInput {
        description: check_text(
            "findings",
            &format!("第{n}个问题的描述"),
            &f.description,
            MAX_FINDING_TEXT,
        )?,
        legal_basis: check_text(
            "findings",
            &format!("第{n}个问题的法律依据"),
            &f.legal_basis,
            MAX_BASIS_TEXT,
        )?,
        rectify_by: if measures.contains(&Measure::Rectification) {
            f.rectify_by
        } else {
            None
        },
        measures,
    })
}

/// Everything that must hold before the leader closes an inspection and the
/// team signs, all problems at once.
pub fn check_close(f: &CloseFacts<'_>) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some((category, rule)) = f.category else {
        errors.push(err("result_category", "请选择检查结果"));
        return Err(errors);
    };
    match f.method {
        None => errors.push(err("method", "请选择检查方式（实地核查或书面检查）")),
        Some(m) => {
            if let Err(e) = check_method(m) {
                errors.push(e);
            }
        }
    }
    match (f.started_at, f.ended_at) {
        (Some(s), Some(e)) => {
            if e < s {
                errors.push(err("ended_at", "检查结束时间早于开始时间"));
            }
            if s.date() < f.window_start {
                errors.push(err(
                    "started_at",
                    format!("检查开始时间早于任务的检查期限（{}起）", f.window_start),
                ));
            }
            if e > f.now {
                errors.push(err("ended_at", "检查结束时间不能晚于现在"));
            }
        }
        _ => errors.push(err("started_at", "请填写检查的开始和结束时间")),
    }
    if f.statement_given {
        match (f.statement_started_at, f.statement_ended_at) {
            (Some(s), Some(e)) => {
                if e < s {
                    errors.push(err("statement", "陈述申辩结束时间早于开始时间"));
                }
                // Heard after the visit began (at its end, or days later in
                // writing), never before it.
                if f.started_at.is_some_and(|start| s < start) {
                    errors.push(err("statement", "陈述申辩开始时间早于检查开始时间"));
                }
                if e > f.now {
                    errors.push(err("statement", "陈述申辩结束时间不能晚于现在"));
                }
            }
            _ => errors.push(err("statement", "记录了陈述申辩内容，请填写陈述申辩的开始和结束时间")),
        }
    }
    let on_site = f.method == Some(InspectionMethod::OnSite);
    if on_site && f.place.trim().is_empty() {
        errors.push(err("place", "实地核查须填写检查地点"));
    }
    if on_site && rule != FindingRule::NotInspectable && f.present.is_empty() {
        errors.push(err("present", "实地核查须记录检查对象的在场人员"));
    }
    let open: Vec<&str> = f
        .points
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(t, _)| t.as_str())
        .collect();
    if rule != FindingRule::NotInspectable && !open.is_empty() {
        let shown: Vec<&str> = open.iter().take(3).copied().collect();
        errors.push(err(
            "points",
            format!(
                "还有{}条抽查内容未填写结果（{}{}），一次检查须覆盖全部事项（一次到位）",
                open.len(),
                shown.join("；"),
                if open.len() > 3 { "……" } else { "" }
            ),
        ));
    }
    let failed = f
        .points
        .iter()
        .filter(|(_, v)| *v == Some(ItemResult::Noncompliant))
        .count();
    match rule {
        FindingRule::NoProblem => {
            if failed > 0 || !f.findings.is_empty() {
                errors.push(err(
                    "result_category",
                    format!(
                        "检查结果为“{category}”，但有{failed}条抽查内容不符合、记录了{}个问题",
                        f.findings.len()
                    ),
                ));
            }
        }
        FindingRule::Problem => {
            if f.findings.is_empty() {
                errors.push(err(
                    "findings",
                    format!("检查结果为“{category}”，请至少记录一个发现的问题及处置措施（第二十一条）"),
                ));
            }
        }
        FindingRule::NotInspectable => {}
    }
    if rule == FindingRule::NotInspectable && failed > 0 {
        errors.push(err(
            "result_category",
            format!("有{failed}条抽查内容不符合，检查结果应为发现问题类"),
        ));
    }
    for (i, finding) in f.findings.iter().enumerate() {
        let n = i + 1;
        if finding.description.trim().is_empty() {
            errors.push(err("findings", format!("第{n}个问题缺少描述")));
        }
        if finding.legal_basis.trim().is_empty() {
            errors.push(err("findings", format!("第{n}个问题缺少法律依据")));
        }
        if finding.measures.is_empty() {
            errors.push(err("findings", format!("第{n}个问题未选择采取的措施")));
        }
        if finding.measures.contains(&Measure::Rectification) {
            match (finding.rectify_by, f.ended_at) {
                (None, _) => errors.push(err("findings", format!("第{n}个问题选择了督促整改，请填写整改期限"))),
                (Some(d), Some(end)) if d < end.date() => {
                    errors.push(err("findings", format!("第{n}个问题的整改期限{d}早于检查日期")))
                }
                _ => {}
            }
        }
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

/// The members who still have to confirm: `required` in order, less `confirmed`.
pub fn missing_confirmations<T: PartialEq + Clone>(required: &[T], confirmed: &[T]) -> Vec<T> {
    required.iter().filter(|m| !confirmed.contains(m)).cloned().collect()
}

/// The alphabet of verification codes: Crockford's base 32 (no I, L, O, U), so
/// a code read from paper is typed back without confusion.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A 核验码 for the 检查结果告知书, `XXXX-XXXX-XXXX`, from 60 random bits.
pub fn verification_code(random: [u8; 8]) -> String {
    let mut v = u64::from_le_bytes(random);
    let mut out = String::with_capacity(14);
    for i in 0..12 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(CODE_ALPHABET[(v & 31) as usize] as char);
        v >>= 5;
    }
    out
}

/// A code as typed by a person, in the canonical form: upper case, I/L read
/// as 1 and O as 0, spaces and dashes ignored; `None` if it cannot be a code.
pub fn normalize_code(typed: &str) -> Option<String> {
    let mut chars = Vec::new();
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' | '－' => continue,
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        if !CODE_ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
            return None;
        }
        chars.push(c);
    }
    if chars.len() != 12 {
        return None;
    }
    let mut out = String::with_capacity(14);
    for (i, c) in chars.into_iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        out.push(c);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(d: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M").unwrap()
    }

    fn facts<'a>(
        points: &'a [(String, Option<ItemResult>)],
        findings: &'a [FindingInput],
        present: &'a [Present],
        category: (&'a str, FindingRule),
    ) -> CloseFacts<'a> {
        CloseFacts {
            points,
            findings,
            method: Some(InspectionMethod::OnSite),
            started_at: Some(at("2026-05-10 09:00")),
            ended_at: Some(at("2026-05-10 11:30")),
            place: "哈尔滨市道里区友谊路388号",
            present,
            category: Some(category),
            window_start: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            now: at("2026-05-11 08:00"),
            statement_given: false,
            statement_started_at: None,
            statement_ended_at: None,
        }
    }

    fn present() -> Vec<Present> {
        vec![Present {
            name: "王建国".into(),
            position: "项目经理".into(),
            phone: String::new(),
        }]
    }

    fn finding() -> FindingInput {
        FindingInput {
            description: "3号楼脚手架连墙件缺失".into(),
            legal_basis: "《建设工程安全生产管理条例》第二十八条".into(),
            measures: vec![Measure::Rectification],
            rectify_by: NaiveDate::from_ymd_opt(2026, 5, 20),
        }
    }

    #[test]
    fn a_complete_compliant_inspection_closes() {
        let points = vec![("资质".to_string(), Some(ItemResult::Compliant))];
        let p = present();
        assert_eq!(
            check_close(&facts(&points, &[], &p, ("未发现问题", FindingRule::NoProblem))),
            Ok(())
        );
    }

    #[test]
    fn open_points_and_missing_facts_are_all_named() {
        let points = vec![
            ("资质".to_string(), None),
            ("人员".to_string(), Some(ItemResult::Compliant)),
        ];
        let mut f = facts(&points, &[], &[], ("未发现问题", FindingRule::NoProblem));
        f.place = " ";
        let errors = check_close(&f).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, vec!["place", "present", "points"]);
        assert!(errors[2].message.contains("还有1条抽查内容未填写结果（资质）"));
    }

    #[test]
    fn no_problem_refuses_a_failed_point_and_problem_needs_a_finding() {
        let points = vec![("资质".to_string(), Some(ItemResult::Noncompliant))];
        let p = present();
        let e = check_close(&facts(&points, &[], &p, ("未发现问题", FindingRule::NoProblem))).unwrap_err();
        assert!(e[0].message.contains("有1条抽查内容不符合"), "{e:?}");
        let e = check_close(&facts(&points, &[], &p, ("发现问题已责令改正", FindingRule::Problem))).unwrap_err();
        assert_eq!(e[0].field, "findings");
        let ok = [finding()];
        assert_eq!(
            check_close(&facts(&points, &ok, &p, ("发现问题已责令改正", FindingRule::Problem))),
            Ok(())
        );
        // Unreachable objects: points may stay open, nobody present, but a
        // failed point contradicts the category.
        let open = vec![("资质".to_string(), None)];
        assert_eq!(
            check_close(&facts(&open, &[], &[], ("查无下落", FindingRule::NotInspectable))),
            Ok(())
        );
        let e = check_close(&facts(&points, &[], &[], ("查无下落", FindingRule::NotInspectable))).unwrap_err();
        assert!(e[0].message.contains("应为发现问题类"));
    }

    #[test]
    fn a_finding_needs_basis_measures_and_a_deadline_not_before_the_visit() {
        let points = vec![("资质".to_string(), Some(ItemResult::Noncompliant))];
        let p = present();
        let mut bad = finding();
        bad.legal_basis.clear();
        bad.rectify_by = NaiveDate::from_ymd_opt(2026, 5, 1);
        let e = check_close(&facts(
            &points,
            &[bad],
            &p,
            ("发现问题待后续处理", FindingRule::Problem),
        ))
        .unwrap_err();
        let m: Vec<&str> = e.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            m,
            vec!["第1个问题缺少法律依据", "第1个问题的整改期限2026-05-01早于检查日期"]
        );
        let mut none = finding();
        none.measures.clear();
        let e = check_close(&facts(
            &points,
            &[none],
            &p,
            ("发现问题待后续处理", FindingRule::Problem),
        ))
        .unwrap_err();
        assert_eq!(e[0].message, "第1个问题未选择采取的措施");
    }

    #[test]
    fn times_are_checked_against_the_window_and_now() {
        let points = vec![("资质".to_string(), Some(ItemResult::Compliant))];
        let p = present();
        let mut f = facts(&points, &[], &p, ("未发现问题", FindingRule::NoProblem));
        f.started_at = Some(at("2026-04-30 09:00"));
        f.ended_at = Some(at("2026-05-12 09:00"));
        let e = check_close(&f).unwrap_err();
        assert_eq!(e.len(), 2);
        assert!(e[0].message.contains("早于任务的检查期限"));
        assert_eq!(e[1].message, "检查结束时间不能晚于现在");
        f.method = Some(InspectionMethod::Testing);
        f.started_at = Some(at("2026-05-10 09:00"));
        f.ended_at = Some(at("2026-05-10 08:00"));
        let e = check_close(&f).unwrap_err();
        assert!(e[0].message.contains("第十九条"));
        assert_eq!(e[1].message, "检查结束时间早于开始时间");
    }

    #[test]
    fn a_recorded_statement_needs_its_own_time_after_the_visit_began() {
        let points = vec![("资质".to_string(), Some(ItemResult::Compliant))];
        let p = present();
        let mut f = facts(&points, &[], &p, ("未发现问题", FindingRule::NoProblem));
        f.statement_given = true;
        let e = check_close(&f).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "statement");
        assert!(e[0].message.contains("请填写陈述申辩的开始和结束时间"));
        f.statement_started_at = Some(at("2026-05-10 08:30"));
        f.statement_ended_at = Some(at("2026-05-10 08:20"));
        let m: Vec<String> = check_close(&f).unwrap_err().into_iter().map(|e| e.message).collect();
        assert_eq!(m, ["陈述申辩结束时间早于开始时间", "陈述申辩开始时间早于检查开始时间"]);
        f.statement_started_at = Some(at("2026-05-10 11:40"));
        f.statement_ended_at = Some(at("2026-05-11 09:00"));
        let m: Vec<String> = check_close(&f).unwrap_err().into_iter().map(|e| e.message).collect();
        assert_eq!(m, ["陈述申辩结束时间不能晚于现在"]);
        // At the end of the visit, or the next morning in writing.
        f.statement_ended_at = Some(at("2026-05-10 12:00"));
        assert_eq!(check_close(&f), Ok(()));
        f.statement_started_at = Some(at("2026-05-11 07:30"));
        f.statement_ended_at = Some(at("2026-05-11 07:50"));
        assert_eq!(check_close(&f), Ok(()));
        // Waived or not made: no time asked.
        f.statement_given = false;
        f.statement_started_at = None;
        f.statement_ended_at = None;
        assert_eq!(check_close(&f), Ok(()));
    }

    #[test]
    fn a_saved_finding_keeps_its_deadline_only_with_rectification() {
        let mut f = finding();
        f.measures = vec![Measure::CaseReferral, Measure::OnSiteRecord, Measure::OnSiteRecord];
        let saved = check_finding(1, &f).unwrap();
        assert_eq!(saved.measures, vec![Measure::OnSiteRecord, Measure::CaseReferral]);
        assert_eq!(saved.rectify_by, None);
    }

    #[test]
    fn present_rows_without_a_name_are_refused_and_empty_rows_dropped() {
        let rows = vec![
            Present::default(),
            Present {
                name: String::new(),
                position: "安全员".into(),
                phone: String::new(),
            },
        ];
        assert_eq!(check_present(&rows).unwrap_err().message, "第2位在场人员缺少姓名");
        assert_eq!(check_present(&rows[..1]).unwrap(), vec![]);
    }

    #[test]
    fn default_categories_are_unique_and_cover_the_rules_list() {
        let mut codes: Vec<&str> = DEFAULT_RESULT_CATEGORIES.iter().map(|c| c.0).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), DEFAULT_RESULT_CATEGORIES.len());
        for label in [
            "未发现问题",
            "发现问题已责令改正",
            "发现问题待后续处理",
            "不配合检查情节严重",
            "已注销或被吊销",
        ] {
            assert!(DEFAULT_RESULT_CATEGORIES.iter().any(|c| c.1 == label), "{label}");
        }
        for c in DEFAULT_RESULT_CATEGORIES {
            assert_eq!(FindingRule::parse(c.2.code()), Some(c.2));
        }
    }

    #[test]
    fn missing_confirmations_keep_the_order() {
        assert_eq!(missing_confirmations(&[3, 1, 2], &[1]), vec![3, 2]);
        assert!(missing_confirmations(&[1, 2], &[2, 1]).is_empty());
    }

    proptest! {
        #[test]
        fn codes_round_trip_through_typing(bytes in any::<[u8; 8]>(), lower in any::<bool>()) {
            let code = verification_code(bytes);
            prop_assert_eq!(code.len(), 14);
            let typed = if lower { code.to_lowercase().replace('-', " ") } else { code.clone() };
            prop_assert_eq!(normalize_code(&typed), Some(code));
        }

        #[test]
        fn wrong_lengths_and_letters_are_not_codes(s in "[A-Z0-9-]{0,20}") {
            let n = s.chars().filter(|c| *c != '-').count();
            if n != 12 || s.contains('U') {
                prop_assert_eq!(normalize_code(&s), None);
            }
        }
    }
}
