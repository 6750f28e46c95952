//! 行政执法检查文书 of an inspection as PDF (spotcheck-documents): the data is
//! read from the inspection as the team and the officials see it, so a
//! document never shows anything the platform does not hold.
//!
//! Which document when: the 检查通知书 and 权利告知书 once the inspection has
//! begun; the 现场检查笔录 once method, times and place are entered; the
//! 陈述申辩笔录 once a statement is recorded; the 检查结果告知书, with the
//! confirmations and the 核验码 for an objection, only once the result is final.

use crate::inspections::InspectionView;
use crate::{Actor, App, AppError};
use chrono::NaiveDate;
use spotcheck_documents as doc;
use spotcheck_documents::{Document, DocumentKind, Renderer};
use std::sync::Arc;

/// The documents a user may ask for, by the URL word.
pub fn kind_of(word: &str) -> Option<DocumentKind> {
    Some(match word {
        "notice" => DocumentKind::Notice,
        "rights" => DocumentKind::RightsNotice,
        "site-record" => DocumentKind::SiteRecord,
        "statement" => DocumentKind::Statement,
        "result-notice" => DocumentKind::ResultNotice,
        _ => return None,
    })
}

/// The URL word of a document kind.
pub fn word_of(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Notice => "notice",
        DocumentKind::RightsNotice => "rights",
        DocumentKind::SiteRecord => "site-record",
        DocumentKind::Statement => "statement",
        DocumentKind::ResultNotice => "result-notice",
        // Not a document of an inspection (`kind_of` never yields it): a
        // department's record, downloaded from the 监管看板.
        DocumentKind::DutyRecord => "duty-record",
    }
}

/// The 文号 prefix of each document.
fn prefix(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Notice => "检通",
        DocumentKind::RightsNotice => "权告",
        DocumentKind::SiteRecord => "检录",
        DocumentKind::Statement => "陈录",
        DocumentKind::ResultNotice => "检告",
        // The 履职记录 carries no 文号.
        DocumentKind::DutyRecord => "",
    }
}

/// The documents that can be produced for the inspection now, in order.
pub fn available(v: &InspectionView) -> Vec<DocumentKind> {
    if v.id.is_none() {
        return Vec::new();
    }
    let mut out = vec![DocumentKind::Notice, DocumentKind::RightsNotice];
    if v.method.is_some() && v.started_at.is_some() && v.ended_at.is_some() && !v.place.is_empty() {
        out.push(DocumentKind::SiteRecord);
    }
    if !v.statement.is_empty() {
        out.push(DocumentKind::Statement);
    }
    if v.finalized_at.is_some() {
        out.push(DocumentKind::ResultNotice);
    }
    out
}

fn object(v: &InspectionView) -> doc::InspectionObject {
    let code = match v.object.kind.code.as_str() {
        "enterprise" => doc::ObjectCode::CreditCode(v.object.code.clone()),
        "project" => doc::ObjectCode::ProjectCode(v.object.code.clone()),
        _ => doc::ObjectCode::Other {
            label: "注册证书编号".into(),
            code: v.object.code.clone(),
        },
    };
    doc::InspectionObject {
        name: v.object.name.clone(),
        code,
        address: v.object.address.clone(),
        legal_representative: Some(v.object.legal_rep.clone()).filter(|s| !s.is_empty()),
    }
}

fn team(v: &InspectionView) -> Vec<doc::Inspector> {
    v.members
        .iter()
        .map(|m| doc::Inspector {
            name: m.name.clone(),
            cert_no: m.cert_no.clone(),
            leader: m.role.code == "leader",
        })
        .collect()
}

fn method(v: &InspectionView) -> doc::InspectionMethod {
    match v.method.as_ref().map(|m| m.code.as_str()) {
        Some("documentary") => doc::InspectionMethod::Documentary,
        _ => doc::InspectionMethod::OnSite,
    }
}

fn leader_contact(v: &InspectionView) -> doc::Person {
    let leader = v.members.iter().find(|m| m.role.code == "leader");
    doc::Person {
        name: leader.map(|m| m.name.clone()).unwrap_or_default(),
        position: "检查组组长".into(),
        phone: String::new(),
    }
}

fn findings(v: &InspectionView) -> Vec<doc::Finding> {
    v.findings
        .iter()
        .map(|f| doc::Finding {
            description: f.description.clone(),
            legal_basis: f.legal_basis.clone(),
            measures: f
                .measures
                .iter()
                .filter_map(|m| {
                    Some(match m.code.as_str() {
                        "on_site_record" => doc::Measure::OnSiteRecord,
                        "evidence_taken" => doc::Measure::EvidenceTaken,
                        "ordered_to_stop" => doc::Measure::OrderedToStop,
                        "rectification" => doc::Measure::Rectification {
                            deadline: f.rectify_by?,
                        },
                        "case_referral" => doc::Measure::CaseReferral,
                        _ => return None,
                    })
                })
                .collect(),
        })
        .collect()
}

fn result(v: &InspectionView) -> doc::OverallResult {
    doc::OverallResult {
        category: v.result_category.as_ref().map(|c| c.label.clone()).unwrap_or_default(),
        summary: v.result_summary.clone(),
    }
}

fn check_points(v: &InspectionView) -> Vec<doc::CheckPoint> {
    v.items
        .iter()
        .flat_map(|i| {
            i.points.iter().map(|p| doc::CheckPoint {
                item: i.item_name.clone(),
                content: p.content.clone(),
                result: match p.result.as_ref().map(|r| r.code.as_str()) {
                    Some("compliant") => doc::PointResult::Compliant,
                    Some("noncompliant") => doc::PointResult::Noncompliant,
                    _ => doc::PointResult::NotApplicable,
                },
                note: p.note.clone(),
            })
        })
        .collect()
}

fn item_names(v: &InspectionView) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in &v.items {
        if !out.contains(&i.item_name) {
            out.push(i.item_name.clone());
        }
    }
    out
}

impl App {
    /// The shared renderer, made on first use (it scans the font folders).
    fn renderer(&self) -> Result<Arc<Renderer>, AppError> {
        let made = self.inner.renderer.get_or_init(|| {
            Renderer::new(&self.settings().font_dirs)
                .map(Arc::new)
                .map_err(|e| e.to_string())
        });
        made.clone().map_err(AppError::Internal)
    }

    /// Lays `document` out as PDF on the shared renderer, off the async
    /// threads (rendering is CPU-bound). A field the document cannot do
    /// without is the data's fault (409); anything else is the platform's.
    pub(crate) async fn render_document(&self, document: Document) -> Result<Vec<u8>, AppError> {
        let renderer = self.renderer()?;
        tokio::task::spawn_blocking(move || renderer.render(&document))
            .await
            .map_err(|e| AppError::Internal(e.to_string()))?
            .map_err(|e| match e {
                spotcheck_documents::DocumentError::InvalidField { .. } => AppError::Conflict(e.to_string()),
                other => AppError::Internal(other.to_string()),
            })
    }

    /// One document of an inspection as PDF, with its download name.
    pub async fn inspection_document(
        &self,
        actor: &Actor,
        team_id: i64,
        kind: DocumentKind,
    ) -> Result<(String, Vec<u8>), AppError> {
        let v = self.team_inspection(actor, team_id).await?;
        let document = self.document_of(&v, kind)?;
        let pdf = self.render_document(document).await?;
        let name = format!("{}-{}-{}.pdf", kind.title(), v.task_code, v.object.code);
        Ok((name, pdf))
    }

    /// The document's data from the inspection, or why it cannot be made yet.
    pub fn document_of(&self, v: &InspectionView, kind: DocumentKind) -> Result<Document, AppError> {
        if !available(v).contains(&kind) {
            let why = match kind {
                DocumentKind::SiteRecord => "请先填写检查方式、开始和结束时间及检查地点",
                DocumentKind::Statement => "尚未记录陈述申辩",
                DocumentKind::ResultNotice => "检查结果经检查组全体成员签字确认后才能生成检查结果告知书",
                _ => "检查尚未开始",
            };
            return Err(AppError::Conflict(format!("现在不能生成{}：{why}", kind.title())));
        }
        let today = self.today();
        let day = |t: Option<chrono::NaiveDateTime>| t.map(|t| t.date()).unwrap_or(today);
        let issuer = |date: NaiveDate| doc::Issuer {
            authority: v.unit.clone(),
            doc_number: format!("{}{}号", prefix(kind), v.document_no),
            date,
        };
        let public_url = match &self.settings().outbound.link_base {
            Some(base) => format!("{}/public/verify", base.trim_end_matches('/')),
            None => "本平台公开网站“核验检查结果”栏目".to_string(),
        };
        let recorder = v
            .members
            .iter()
            .find(|m| m.role.code == "leader")
            .map(|m| m.name.clone())
            .unwrap_or_default();
        Ok(match kind {
            DocumentKind::Notice => Document::Notice(doc::Notice {
                issuer: issuer(today),
                object: object(v),
                task_name: v.task_name.clone(),
                items: item_names(v),
                method: method(v),
                planned_date: v.started_at.map(|t| t.date()).unwrap_or(v.window_start),
                planned_until: Some(v.window_end).filter(|e| v.started_at.is_none() && *e != v.window_start),
                team: team(v),
                legal_basis: {
                    let mut b: Vec<String> = Vec::new();
                    for i in &v.items {
                        for l in &i.legal_basis {
                            if !b.contains(l) {
                                b.push(l.clone());
                            }
                        }
                    }
                    b
                },
                materials: Vec::new(),
                contact: leader_contact(v),
            }),
            DocumentKind::RightsNotice => Document::RightsNotice(doc::RightsNotice {
                issuer: issuer(day(v.rights_notified_at.or(v.started_at))),
                object: object(v),
                task_name: v.task_name.clone(),
                team: team(v),
                contact: leader_contact(v),
                public_url,
            }),
            DocumentKind::SiteRecord => Document::SiteRecord(doc::SiteRecord {
                issuer: issuer(day(v.ended_at)),
                task_name: v.task_name.clone(),
                object: object(v),
                started_at: v.started_at.expect("available"),
                ended_at: v.ended_at.expect("available"),
                place: v.place.clone(),
                method: method(v),
                inspectors: team(v),
                present: v
                    .present
                    .iter()
                    .map(|p| doc::Person {
                        name: p.name.clone(),
                        position: p.position.clone(),
                        phone: p.phone.clone(),
                    })
                    .collect(),
                recorder,
                check_points: check_points(v),
                findings: findings(v),
                result: result(v),
                evidence: v
                    .evidence
                    .iter()
                    .map(|e| doc::Evidence {
                        file_name: e.file_name.clone(),
                        kind: match e.kind.code.as_str() {
                            "photo" => doc::EvidenceKind::Photo,
                            "audio" => doc::EvidenceKind::Audio,
                            "video" => doc::EvidenceKind::Video,
                            _ => doc::EvidenceKind::Document,
                        },
                        sha256: e.sha256.clone(),
                    })
                    .collect(),
            }),
            DocumentKind::Statement => {
                // Statements recorded before their time was asked for
                // (migration 000018) print the visit's end, as they did.
                let visit_end = v.ended_at.or(v.started_at);
                let (started_at, ended_at) = match (v.statement_started_at, v.statement_ended_at) {
                    (Some(s), Some(e)) => (s, e),
                    _ => {
                        let t = visit_end.unwrap_or_else(|| today.and_hms_opt(9, 0, 0).expect("valid"));
                        (t, t)
                    }
                };
                Document::Statement(doc::Statement {
                    issuer: issuer(day(v.statement_ended_at.or(v.ended_at))),
                    object: object(v),
                    task_name: v.task_name.clone(),
                    started_at,
                    ended_at,
                    place: v.place.clone(),
                    stater: doc::Person {
                        name: v.statement_person.clone(),
                        position: String::new(),
                        phone: String::new(),
                    },
                    inspectors: team(v),
                    recorder,
                    statement: v.statement.clone(),
                })
            }
            DocumentKind::ResultNotice => Document::ResultNotice(doc::ResultNotice {
                issuer: issuer(
                    v.finalized_at
                        .map(|t| t.with_timezone(&crate::actor::china()).date_naive())
                        .unwrap_or(today),
                ),
                object: object(v),
                task_name: v.task_name.clone(),
                inspected_on: day(v.started_at),
                method: method(v),
                items: item_names(v),
                check_points: check_points(v),
                result: result(v),
                findings: findings(v),
                team: team(v),
                confirmations: v
                    .members
                    .iter()
                    .filter_map(|m| {
                        Some(doc::Confirmation {
                            name: m.name.clone(),
                            cert_no: m.cert_no.clone(),
                            confirmed_at: m.confirmed_at?.with_timezone(&crate::actor::china()).naive_local(),
                            method: match m.method.as_ref().map(|x| x.code.as_str()) {
                                Some("one_time_code") => doc::ConfirmMethod::OneTimeCode,
                                _ => doc::ConfirmMethod::PasswordReentry,
                            },
                        })
                    })
                    .collect(),
                verification_code: v.verification_code.clone(),
                public_url,
                contact: leader_contact(v),
            }),
            // `available` never lists it, so the check above has answered.
            DocumentKind::DutyRecord => return Err(AppError::not_found("文书")),
        })
    }
}
