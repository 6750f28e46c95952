//! From the input structs to the JSON the templates read (`/data.json`).
//!
//! Everything the templates print is decided here as text: labels of enums,
//! dates in Chinese (`2026年3月12日`), the fixed sentences of the rules. The
//! templates only lay the text out, so a wording lives in one place and a
//! test can read it. The data never becomes markup: typst reads it with
//! `json(...)` and prints strings as strings.

use chrono::{NaiveDate, NaiveDateTime, Timelike};
use serde_json::{Value, json};

use crate::error::DocumentError;
use crate::fonts::FontChoice;
use crate::model::*;

/// The JSON for `doc`, checked for the fields it cannot do without.
pub(crate) fn data(doc: &Document, fonts: &FontChoice) -> Result<Value, DocumentError> {
    let kind = doc.kind();
    let check = Check { kind };
    let issuer = doc.issuer();
    check.text("发文机关名称", &issuer.authority)?;
    let mut v = match doc {
        Document::Notice(d) => notice(&check, d)?,
        Document::SiteRecord(d) => site_record(&check, d)?,
        Document::ResultNotice(d) => result_notice(&check, d)?,
        Document::RightsNotice(d) => rights_notice(&check, d)?,
        Document::Statement(d) => statement(&check, d)?,
        Document::DutyRecord(d) => duty_record(&check, d)?,
    };
    v["subject"] = json!(subject(doc));
    v["fonts"] = json!({ "body": fonts.body, "heading": fonts.heading, "mono": fonts.mono });
    v["title"] = json!(kind.title());
    v["authority"] = json!(issuer.authority.trim());
    v["doc_number"] = json!(issuer.doc_number.trim());
    v["date"] = json!(date(issuer.date));
    Ok(v)
}

/// Whom or what the document is about, for the PDF's title:
/// `现场检查笔录（哈尔滨龙江建筑工程有限公司）`.
fn subject(doc: &Document) -> String {
    match doc {
        Document::Notice(d) => d.object.name.trim().to_string(),
        Document::SiteRecord(d) => d.object.name.trim().to_string(),
        Document::ResultNotice(d) => d.object.name.trim().to_string(),
        Document::RightsNotice(d) => d.object.name.trim().to_string(),
        Document::Statement(d) => d.object.name.trim().to_string(),
        Document::DutyRecord(d) => duty_scope(&d.scope).1,
    }
}

struct Check {
    kind: DocumentKind,
}

impl Check {
    fn fail(&self, field: &str, problem: &str) -> DocumentError {
        DocumentError::InvalidField {
            kind: self.kind,
            field: field.to_string(),
            problem: problem.to_string(),
        }
    }

    fn text(&self, field: &str, value: &str) -> Result<(), DocumentError> {
        if value.trim().is_empty() {
            Err(self.fail(field, "不能为空"))
        } else {
            Ok(())
        }
    }

    fn some<T>(&self, field: &str, list: &[T]) -> Result<(), DocumentError> {
        if list.is_empty() {
            Err(self.fail(field, "至少要有一项"))
        } else {
            Ok(())
        }
    }

    fn span(&self, field: &str, start: NaiveDateTime, end: NaiveDateTime) -> Result<(), DocumentError> {
        if end < start {
            Err(self.fail(field, "的结束时间早于开始时间"))
        } else {
            Ok(())
        }
    }

    fn object(&self, o: &InspectionObject) -> Result<(), DocumentError> {
        self.text("检查对象名称", &o.name)
    }

    fn team(&self, field: &str, team: &[Inspector]) -> Result<(), DocumentError> {
        self.some(field, team)?;
        for m in team {
            self.text("检查人员姓名", &m.name)?;
            self.text(&format!("{}的执法证号", m.name.trim()), &m.cert_no)?;
        }
        Ok(())
    }
}

/// `2026年3月12日`.
pub(crate) fn date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

/// `9时05分`.
fn clock(t: NaiveDateTime) -> String {
    format!("{}时{:02}分", t.hour(), t.minute())
}

/// `2026年3月12日 9时30分`.
fn date_time(t: NaiveDateTime) -> String {
    format!("{} {}", date(t.date()), clock(t))
}

/// `2026年3月12日 9时30分至11时20分`, or both dates when they differ.
fn time_span(start: NaiveDateTime, end: NaiveDateTime) -> String {
    if start.date() == end.date() {
        format!("{} {}至{}", date(start.date()), clock(start), clock(end))
    } else {
        format!("{}至{}", date_time(start), date_time(end))
    }
}

fn object(o: &InspectionObject) -> Value {
    let (label, code) = match &o.code {
        ObjectCode::CreditCode(c) => ("统一社会信用代码", c.as_str()),
        ObjectCode::ProjectCode(c) => ("项目代码", c.as_str()),
        ObjectCode::Other { label, code } => (label.as_str(), code.as_str()),
    };
    let rep_label = match o.code {
        ObjectCode::ProjectCode(_) => "项目负责人",
        _ => "法定代表人",
    };
    json!({
        "name": o.name.trim(),
        "code_label": label,
        "code": code.trim(),
        "address": o.address.trim(),
        "rep_label": rep_label,
        "rep": o.legal_representative.as_deref().map(str::trim).unwrap_or(""),
    })
}

fn method(m: InspectionMethod) -> &'static str {
    match m {
        InspectionMethod::OnSite => "实地核查",
        InspectionMethod::Documentary => "书面检查",
    }
}

fn team(t: &[Inspector]) -> Value {
    t.iter()
        .map(|m| json!({ "name": m.name.trim(), "cert_no": m.cert_no.trim(), "role": if m.leader { "组长" } else { "组员" } }))
        .collect()
}

fn person(p: &Person) -> Value {
    json!({ "name": p.name.trim(), "position": p.position.trim(), "phone": p.phone.trim() })
}

fn point_result(r: PointResult) -> &'static str {
    match r {
        PointResult::Compliant => "符合",
        PointResult::Noncompliant => "不符合",
        PointResult::NotApplicable => "不适用",
    }
}

fn measure(m: &Measure) -> String {
    match m {
        Measure::OnSiteRecord => "制作现场笔录".into(),
        Measure::EvidenceTaken => "初步提取证据".into(),
        Measure::OrderedToStop => "责令停止违法违规活动".into(),
        Measure::Rectification { deadline } => format!("督促整改，整改期限至{}", date(*deadline)),
        Measure::CaseReferral => "移交立案建议".into(),
    }
}

fn findings(f: &[Finding]) -> Value {
    f.iter()
        .map(|f| {
            json!({
                "description": f.description.trim(),
                "legal_basis": f.legal_basis.trim(),
                "measures": f.measures.iter().map(measure).collect::<Vec<_>>(),
            })
        })
        .collect()
}

fn result(r: &OverallResult) -> Value {
    json!({ "category": r.category.trim(), "summary": r.summary.trim() })
}

fn evidence_kind(k: EvidenceKind) -> &'static str {
    match k {
        EvidenceKind::Photo => "照片",
        EvidenceKind::Audio => "录音",
        EvidenceKind::Video => "录像",
        EvidenceKind::Document => "书证",
    }
}

fn confirm_method(m: ConfirmMethod) -> &'static str {
    match m {
        ConfirmMethod::PasswordReentry => "重新输入登录密码",
        ConfirmMethod::OneTimeCode => "一次性验证码",
    }
}

/// Text with line breaks as a list of paragraphs (blank lines dropped).
fn paragraphs(text: &str) -> Vec<&str> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
}

fn lines(list: &[String]) -> Vec<&str> {
    list.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).collect()
}

fn notice(c: &Check, d: &Notice) -> Result<Value, DocumentError> {
    c.object(&d.object)?;
    c.text("抽查任务名称", &d.task_name)?;
    c.some("检查事项", &lines(&d.items))?;
    c.team("检查组成员", &d.team)?;
    let when = match d.planned_until {
        Some(until) if until != d.planned_date => format!("{}至{}", date(d.planned_date), date(until)),
        _ => date(d.planned_date),
    };
    Ok(json!({
        "object": object(&d.object),
        "task_name": d.task_name.trim(),
        "items": lines(&d.items),
        "method": method(d.method),
        "when": when,
        "team": team(&d.team),
        "legal_basis": lines(&d.legal_basis),
        "materials": lines(&d.materials),
        "contact": person(&d.contact),
    }))
}

fn site_record(c: &Check, d: &SiteRecord) -> Result<Value, DocumentError> {
    c.object(&d.object)?;
    c.text("抽查任务名称", &d.task_name)?;
    c.span("检查时间", d.started_at, d.ended_at)?;
    c.text("检查地点", &d.place)?;
    c.team("检查人员", &d.inspectors)?;
    c.text("记录人", &d.recorder)?;
    c.some("检查要点", &d.check_points)?;
    for e in &d.evidence {
        let h = e.sha256.trim();
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(c.fail(
                &format!("证据 {} 的 SHA-256 值", e.file_name.trim()),
                "不是 64 位十六进制数",
            ));
        }
    }
    let points = points(&d.check_points);
    let evidence: Vec<Value> = d
        .evidence
        .iter()
        .map(|e| {
            let h = e.sha256.trim().to_ascii_lowercase();
            json!({ "file_name": e.file_name.trim(), "kind": evidence_kind(e.kind), "sha256": [&h[..32], &h[32..]] })
        })
        .collect();
    Ok(json!({
        "object": object(&d.object),
        "task_name": d.task_name.trim(),
        "time": time_span(d.started_at, d.ended_at),
        "place": d.place.trim(),
        "method": method(d.method),
        "inspectors": team(&d.inspectors),
        "present": d.present.iter().map(person).collect::<Vec<_>>(),
        "recorder": d.recorder.trim(),
        "points": points,
        "findings": findings(&d.findings),
        "result": result(&d.result),
        "evidence": evidence,
    }))
}

/// The 异议 and review sentence of 第二十三条.
fn objection_text(url: &str, code: Option<&str>) -> String {
    let verify = match code {
        Some(code) => format!("登录{url}，输入核验码{code}可查验本告知书的真伪，并"),
        None => format!("登录{url}，"),
    };
    format!(
        "你单位对检查结果有异议的，可{verify}在该网站提交异议申请及相关材料，也可向本机关书面提出。\
         本机关自接到申请材料之日起20个工作日内进行复核，经复核确有错误的予以更正，\
         并自作出复核结果后15个工作日内将复核情况反馈你单位。"
    )
}

/// The check points as both the 笔录 and the 告知书 print them.
fn points(check_points: &[CheckPoint]) -> Vec<Value> {
    check_points
        .iter()
        .map(|p| {
            json!({
                "item": p.item.trim(),
                "content": p.content.trim(),
                "result": point_result(p.result),
                "note": p.note.trim(),
            })
        })
        .collect()
}

fn result_notice(c: &Check, d: &ResultNotice) -> Result<Value, DocumentError> {
    c.object(&d.object)?;
    c.text("抽查任务名称", &d.task_name)?;
    c.some("检查事项", &lines(&d.items))?;
    c.team("检查组成员", &d.team)?;
    c.text("核验码", &d.verification_code)?;
    c.text("公示网站地址", &d.public_url)?;
    let confirmations: Vec<Value> = d
        .confirmations
        .iter()
        .map(|k| {
            json!({
                "name": k.name.trim(),
                "cert_no": k.cert_no.trim(),
                "at": format!("{} {}", date(k.confirmed_at.date()), k.confirmed_at.format("%H:%M")),
                "method": confirm_method(k.method),
            })
        })
        .collect();
    Ok(json!({
        "object": object(&d.object),
        "task_name": d.task_name.trim(),
        "inspected_on": date(d.inspected_on),
        "method": method(d.method),
        "items": lines(&d.items),
        "points": points(&d.check_points),
        "result": result(&d.result),
        "findings": findings(&d.findings),
        "team": team(&d.team),
        "confirmations": confirmations,
        "code": d.verification_code.trim(),
        "url": d.public_url.trim(),
        "objection": objection_text(d.public_url.trim(), Some(d.verification_code.trim())),
        "contact": person(&d.contact),
    }))
}

/// The object's rights during an inspection, each with what it means.
fn rights(url: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "要求出示执法证件",
            "检查人员不得少于两人，并应当主动出示行政执法证件。检查人员未出示执法证件的，你单位有权拒绝接受检查。"
                .into(),
        ),
        (
            "申请回避",
            "你单位认为检查人员与你单位有直接利害关系或者其他关系，可能影响公正检查的，有权申请其回避。".into(),
        ),
        (
            "陈述、申辩",
            "你单位对检查中发现的问题有权进行陈述和申辩，检查人员应当听取并如实记录。".into(),
        ),
        (
            "核对笔录",
            "你单位有权核对现场检查笔录，认为记录有遗漏或者差错的，有权要求补充或者更正。".into(),
        ),
        (
            "要求保守秘密",
            "检查人员对检查中知悉的商业秘密和个人信息负有保密义务，你单位有权要求依法保密。".into(),
        ),
        ("对检查结果提出异议", objection_text(url, None)),
        (
            "申请行政复议、提起行政诉讼",
            "你单位对依据检查结果作出的行政行为不服的，可以依法申请行政复议或者提起行政诉讼。".into(),
        ),
    ]
}

fn rights_notice(c: &Check, d: &RightsNotice) -> Result<Value, DocumentError> {
    c.object(&d.object)?;
    c.text("抽查任务名称", &d.task_name)?;
    c.team("检查组成员", &d.team)?;
    c.text("公示网站地址", &d.public_url)?;
    let rights: Vec<Value> = rights(d.public_url.trim())
        .into_iter()
        .map(|(title, text)| json!({ "title": title, "text": text }))
        .collect();
    Ok(json!({
        "object": object(&d.object),
        "task_name": d.task_name.trim(),
        "team": team(&d.team),
        "rights": rights,
        "duty": "你单位应当如实回答询问，提供有关资料，配合检查，不得拒绝、阻挠或者隐瞒。",
        "contact": person(&d.contact),
    }))
}

fn statement(c: &Check, d: &Statement) -> Result<Value, DocumentError> {
    c.object(&d.object)?;
    c.text("抽查任务名称", &d.task_name)?;
    c.span("陈述申辩时间", d.started_at, d.ended_at)?;
    c.text("地点", &d.place)?;
    c.text("陈述申辩人姓名", &d.stater.name)?;
    c.team("承办人", &d.inspectors)?;
    c.text("记录人", &d.recorder)?;
    c.text("陈述申辩内容", &d.statement)?;
    Ok(json!({
        "object": object(&d.object),
        "task_name": d.task_name.trim(),
        "time": time_span(d.started_at, d.ended_at),
        "place": d.place.trim(),
        "stater": person(&d.stater),
        "inspectors": team(&d.inspectors),
        "recorder": d.recorder.trim(),
        "paragraphs": paragraphs(&d.statement),
    }))
}

/// The label and the text of what a 履职记录 covers: (`年度`, `2026年度`) or
/// (`抽查任务`, `RW2026-230100-003 2026年第三季度……`).
fn duty_scope(scope: &DutyScope) -> (&'static str, String) {
    match scope {
        DutyScope::Year { year } => ("年度", format!("{year}年度")),
        DutyScope::Task { code, name } => ("抽查任务", format!("{} {}", code.trim(), name.trim())),
    }
}

fn duty_record(c: &Check, d: &DutyRecord) -> Result<Value, DocumentError> {
    if let DutyScope::Task { code, .. } = &d.scope {
        c.text("任务编号", code)?;
    }
    for t in &d.tasks {
        c.text("任务编号", &t.code)?;
    }
    let (scope_label, scope) = duty_scope(&d.scope);
    let tasks: Vec<Value> = d
        .tasks
        .iter()
        .map(|t| {
            let draws: Vec<Value> = t
                .draws
                .iter()
                .map(|x| {
                    json!({
                        "draw_id": x.draw_id.trim(),
                        "kind": x.kind.trim(),
                        "status": x.status.trim(),
                        "beacon": x.beacon.trim(),
                        "committed_at": x.committed_at.trim(),
                        "revealed_at": x.revealed_at.trim(),
                        "operator": x.operator.trim(),
                        "record_url": x.record_url.trim(),
                    })
                })
                .collect();
            let inspections: Vec<Value> = t
                .inspections
                .iter()
                .map(|i| {
                    json!({
                        "unit": i.unit.trim(),
                        "object_name": i.object_name.trim(),
                        "object_code": i.object_code.trim(),
                        "team": lines(&i.team),
                        "draw_id": i.draw_id.trim(),
                        "status": i.status.trim(),
                        "inspected_at": i.inspected_at.trim(),
                        "document_no": i.document_no.trim(),
                        "confirmed_at": i.confirmed_at.trim(),
                    })
                })
                .collect();
            json!({
                "code": t.code.trim(),
                "name": t.name.trim(),
                "department": t.department.trim(),
                "window": t.window.trim(),
                "status": t.status.trim(),
                "plan": t.plan.trim(),
                "draws": draws,
                "inspections": inspections,
                "publish_due": t.publish_due.trim(),
                "published_on": t.published_on.trim(),
                "publication": t.publication.trim(),
                "published_by": t.published_by.trim(),
            })
        })
        .collect();
    let draws: usize = d.tasks.iter().map(|t| t.draws.len()).sum();
    let teams: usize = d.tasks.iter().map(|t| t.inspections.len()).sum();
    Ok(json!({
        "scope_label": scope_label,
        "scope": scope,
        "counts": format!("抽查任务 {} 项，随机抽取 {draws} 次，检查组 {teams} 个", d.tasks.len()),
        "intro": "本记录由监管平台根据留存的抽查计划、随机抽取、现场检查和结果公示数据生成，\
                  记录各项工作的依据、经办人和完成时间；随机抽取过程可凭抽取编号在公开记录中核验。",
        "tasks": tasks,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn dates_read_as_chinese() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()), "2026年3月2日");
        assert_eq!(
            time_span(at("2026-03-12 09:05"), at("2026-03-12 11:20")),
            "2026年3月12日 9时05分至11时20分"
        );
        assert_eq!(
            time_span(at("2026-03-12 09:05"), at("2026-03-13 10:00")),
            "2026年3月12日 9时05分至2026年3月13日 10时00分"
        );
    }

    #[test]
    fn paragraphs_drop_blank_lines() {
        assert_eq!(paragraphs("  一、\n\n二、 \r\n"), vec!["一、", "二、"]);
    }
}
