//! The input of the documents: plain data, one struct per 文书 and the pieces
//! they share. Text is Chinese as it should be printed; dates and times are
//! local (Asia/Shanghai) calendar values, already converted by the caller.
//!
//! Everything here is (de)serialisable, so a document can be stored, sent as
//! JSON or kept as a test fixture. The renderer copies no field into markup:
//! any text (with `#`, `*`, `$`, `[`, `]`, `\` …) is printed as written.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// Who issues the document and under which number; printed centred at the top
/// (机关名称, then the title, then the 文号) and again in the 盖章 area at the
/// bottom right (机关名称 and date).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issuer {
    /// 执行单位 (the issuing authority), e.g. `哈尔滨市住房和城乡建设局`.
    pub authority: String,
    /// 文号 or 编号 of this document, e.g. `哈住建检通〔2026〕12号`; empty to print none.
    pub doc_number: String,
    /// 落款日期 (date of issue), printed under the authority's name in the 盖章 area.
    pub date: NaiveDate,
}

/// The code that identifies an inspection object (检查对象) publicly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum ObjectCode {
    /// 统一社会信用代码 of an enterprise (18 characters).
    CreditCode(String),
    /// 项目代码 of a construction project (投资项目统一代码).
    ProjectCode(String),
    /// Another code, with its printed label (e.g. 注册证书编号 of a practitioner).
    Other {
        /// The label, e.g. `注册证书编号`.
        label: String,
        /// The code itself.
        code: String,
    },
}

/// The inspected enterprise, project or practitioner (检查对象).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InspectionObject {
    /// Name, e.g. `哈尔滨龙江建筑工程有限公司` or a project's name.
    pub name: String,
    /// Its public code (统一社会信用代码 or 项目代码).
    pub code: ObjectCode,
    /// Address (住所 / 项目地址), e.g. `哈尔滨市道里区友谊路 388 号`.
    pub address: String,
    /// 法定代表人 (or 项目负责人); `None` to leave it out.
    pub legal_representative: Option<String>,
}

/// One 执法检查人员 of the team (检查组).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspector {
    /// 姓名.
    pub name: String,
    /// 执法证号, e.g. `23010020260015`.
    pub cert_no: String,
    /// Whether this member is the team's 组长 (第十七条: one per team).
    pub leader: bool,
}

/// A person to contact, or a person present for the inspected object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// 姓名.
    pub name: String,
    /// 职务 (or relation to the object, e.g. `项目经理`); empty if not known.
    pub position: String,
    /// 联系电话; empty if not known.
    pub phone: String,
}

/// 检查方式 (第十九条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InspectionMethod {
    /// 实地核查.
    OnSite,
    /// 书面检查.
    Documentary,
}

/// The result of one check point (抽查内容), as in the domain's `ItemResult`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PointResult {
    /// 符合.
    Compliant,
    /// 不符合.
    Noncompliant,
    /// 不适用.
    NotApplicable,
}

/// One line of the checklist as checked (检查要点).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckPoint {
    /// The 抽查事项 the point belongs to, e.g. `建筑施工企业安全生产许可检查`.
    pub item: String,
    /// The 抽查内容 text, e.g. `安全生产许可证是否在有效期内`.
    pub content: String,
    /// 符合 / 不符合 / 不适用.
    pub result: PointResult,
    /// 备注 (what was seen); empty for none.
    pub note: String,
}

/// A 监管措施 taken on a finding (第二十一条), or the 移交立案建议 that follows one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Measure {
    /// 制作现场笔录.
    OnSiteRecord,
    /// 初步提取证据.
    EvidenceTaken,
    /// 责令停止违法违规活动.
    OrderedToStop,
    /// 督促整改, to be done by `deadline` (整改期限).
    Rectification {
        /// 整改期限.
        deadline: NaiveDate,
    },
    /// 移交立案建议 (handed over for a case to be opened).
    CaseReferral,
}

/// A problem found (发现问题) with its basis and the measures taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// What was found, e.g. `3 号楼脚手架连墙件缺失……`.
    pub description: String,
    /// 法律依据 (law and article), e.g. `《建设工程安全生产管理条例》第二十八条`.
    pub legal_basis: String,
    /// Measures taken, in order.
    pub measures: Vec<Measure>,
}

/// The overall result of the inspection (检查结果).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverallResult {
    /// The 检查结果 category as configured (e.g. `未发现问题`, `发现问题已责令改正`).
    pub category: String,
    /// 检查结论 in a sentence or two; empty to print the category alone.
    pub summary: String,
}

/// Kind of an evidence file (执法全过程记录).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// 照片.
    Photo,
    /// 录音.
    Audio,
    /// 录像.
    Video,
    /// 书证 / 文件.
    Document,
}

/// One evidence file, identified by its SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// File name, e.g. `IMG_20260312_093512.jpg`.
    pub file_name: String,
    /// Photo, audio, video or document.
    pub kind: EvidenceKind,
    /// SHA-256 of the file, 64 hexadecimal digits.
    pub sha256: String,
}

/// How a team member confirmed the result (签字确认, 第二十一条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConfirmMethod {
    /// 重新输入登录密码.
    PasswordReentry,
    /// 一次性验证码.
    OneTimeCode,
}

/// One member's confirmation of the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// 姓名 of the member.
    pub name: String,
    /// 执法证号 of the member.
    pub cert_no: String,
    /// When the member confirmed (local time).
    pub confirmed_at: NaiveDateTime,
    /// How the member proved it was them.
    pub method: ConfirmMethod,
}

/// 检查通知书: sent before a visit (optional; not for unannounced checks).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    /// Authority, 文号 and date of issue.
    pub issuer: Issuer,
    /// The object to be inspected.
    pub object: InspectionObject,
    /// 抽查任务 name, e.g. `2026年度建筑施工安全生产“双随机、一公开”抽查`.
    pub task_name: String,
    /// 检查事项 (抽查事项 names), at least one.
    pub items: Vec<String>,
    /// 检查方式.
    pub method: InspectionMethod,
    /// Planned first day of the visit.
    pub planned_date: NaiveDate,
    /// Planned last day if the visit spans several days; `None` for one day.
    pub planned_until: Option<NaiveDate>,
    /// The team (姓名, 执法证号, 组长).
    pub team: Vec<Inspector>,
    /// 检查依据 (law and article), one per line.
    pub legal_basis: Vec<String>,
    /// Materials the object should prepare; may be empty.
    pub materials: Vec<String>,
    /// 联系人 and 联系电话 at the authority (`position` is printed if not empty).
    pub contact: Person,
}

/// 现场检查笔录: the record of the inspection itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteRecord {
    /// Authority, 编号 and date.
    pub issuer: Issuer,
    /// 抽查任务 name.
    pub task_name: String,
    /// The inspected object.
    pub object: InspectionObject,
    /// Start of the inspection (local time).
    pub started_at: NaiveDateTime,
    /// End of the inspection (local time).
    pub ended_at: NaiveDateTime,
    /// 检查地点.
    pub place: String,
    /// 检查方式.
    pub method: InspectionMethod,
    /// The inspectors present (姓名, 执法证号); each gets a signature line.
    pub inspectors: Vec<Inspector>,
    /// Persons present for the object (姓名, 职务, 电话).
    pub present: Vec<Person>,
    /// 记录人 (one of the inspectors, usually).
    pub recorder: String,
    /// Every check point with its result, in order.
    pub check_points: Vec<CheckPoint>,
    /// Problems found; empty when none.
    pub findings: Vec<Finding>,
    /// 检查结果.
    pub result: OverallResult,
    /// Evidence files taken; empty when none.
    pub evidence: Vec<Evidence>,
}

/// 检查结果告知书: the result as sent to the object, with its remedies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultNotice {
    /// Authority, 文号 and date of issue.
    pub issuer: Issuer,
    /// The inspected object.
    pub object: InspectionObject,
    /// 抽查任务 name.
    pub task_name: String,
    /// Day of the inspection.
    pub inspected_on: NaiveDate,
    /// 检查方式.
    pub method: InspectionMethod,
    /// 检查事项 checked.
    pub items: Vec<String>,
    /// Every check point with its result, as recorded in the 现场检查笔录.
    pub check_points: Vec<CheckPoint>,
    /// 检查结果.
    pub result: OverallResult,
    /// Problems found with measures and deadlines; empty when none.
    pub findings: Vec<Finding>,
    /// The team (姓名 + 执法证号).
    pub team: Vec<Inspector>,
    /// Each member's 签字确认 of the result.
    pub confirmations: Vec<Confirmation>,
    /// 核验码 printed on the notice, e.g. `K7Q2-9XPM-3D`.
    pub verification_code: String,
    /// Public site where the notice is verified and an 异议 filed,
    /// e.g. `https://spotcheck.hljzjt.gov.cn/public/verify`.
    pub public_url: String,
    /// 联系人 and 联系电话 at the authority for 陈述、申辩.
    pub contact: Person,
}

/// 权利告知书: the object's rights, acknowledged by its representative.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightsNotice {
    /// Authority, 编号 and date.
    pub issuer: Issuer,
    /// The inspected object.
    pub object: InspectionObject,
    /// 抽查任务 name.
    pub task_name: String,
    /// The inspectors showing their 执法证件.
    pub team: Vec<Inspector>,
    /// 联系人 and 联系电话 at the authority (for 回避 and 异议).
    pub contact: Person,
    /// Public site where an 异议 can be filed.
    pub public_url: String,
}

/// 陈述申辩笔录: what the object stated in its defence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statement {
    /// Authority, 编号 and date.
    pub issuer: Issuer,
    /// The object the statement is made for.
    pub object: InspectionObject,
    /// 抽查任务 name.
    pub task_name: String,
    /// Start of the statement (local time).
    pub started_at: NaiveDateTime,
    /// End of the statement (local time).
    pub ended_at: NaiveDateTime,
    /// 地点.
    pub place: String,
    /// Who stated (陈述申辩人): name, position, phone.
    pub stater: Person,
    /// The inspectors who heard it (承办人).
    pub inspectors: Vec<Inspector>,
    /// 记录人.
    pub recorder: String,
    /// The statement as said; paragraphs separated by line breaks. Any length:
    /// it flows over as many pages as it needs.
    pub statement: String,
}

/// What a [`DutyRecord`] covers: a department's year, or one 抽查任务.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DutyScope {
    /// Every task the department (and those below it) initiated in the year.
    Year {
        /// The year, e.g. `2026`.
        year: i32,
    },
    /// One task.
    Task {
        /// 任务编号, e.g. `RW2026-230100-003`.
        code: String,
        /// 任务名称.
        name: String,
    },
}

/// One random draw (随机抽取) of a task, with where its record is public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyDraw {
    /// 抽取编号, e.g. `RW2026-230100-003-1`.
    pub draw_id: String,
    /// 抽取类型, e.g. `检查对象抽取`.
    pub kind: String,
    /// `已承诺` or `已揭晓`.
    pub status: String,
    /// The public randomness beacon (随机信标) used, as recorded.
    pub beacon: String,
    /// 承诺时间 (local time, as printed).
    pub committed_at: String,
    /// 揭晓时间; empty while not revealed.
    pub revealed_at: String,
    /// Who made the draw (操作人).
    pub operator: String,
    /// Where anyone can verify it (公开记录), e.g. `/public/draws/RW2026-230100-003-1.json`.
    pub record_url: String,
}

/// One inspection team (检查组) of a task and what its inspection came to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyInspection {
    /// 实施单位.
    pub unit: String,
    /// 检查对象 name.
    pub object_name: String,
    /// Its public code (统一社会信用代码, 项目代码 …).
    pub object_code: String,
    /// The members, one line each, e.g. `王立军（组长，23010020260015）`;
    /// a replaced member stays listed with why.
    pub team: Vec<String>,
    /// 抽取编号 of the draw that chose the inspectors.
    pub draw_id: String,
    /// 检查记录状态, e.g. `已确认` or `未开始`.
    pub status: String,
    /// 检查时间 (start, local time); empty when not started.
    pub inspected_at: String,
    /// 文书文号 of the inspection's documents; empty when not started.
    pub document_no: String,
    /// 签字确认时间 (result final); empty when not confirmed.
    pub confirmed_at: String,
}

/// One task of a [`DutyRecord`]: the plan it followed, its draws, its
/// inspections and its publication (公示) against the deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyTask {
    /// 任务编号.
    pub code: String,
    /// 任务名称.
    pub name: String,
    /// 发起部门.
    pub department: String,
    /// 执行时间, e.g. `2026-07-01 至 2026-09-30`.
    pub window: String,
    /// 任务状态, e.g. `结果已录入`.
    pub status: String,
    /// 依据的年度抽查计划, e.g. `2026年度抽查计划 第1版（已公开，2026-03-02 公开）`; `—` for none.
    pub plan: String,
    /// Every draw of the task, in order.
    pub draws: Vec<DutyDraw>,
    /// Every team of the task, in order.
    pub inspections: Vec<DutyInspection>,
    /// 公示期限 (20 working days after the window), e.g. `2026-11-03`.
    pub publish_due: String,
    /// 公示日期, or `未公示`.
    pub published_on: String,
    /// 公示情况 against the deadline, e.g. `已逾期 12 个工作日`.
    pub publication: String,
    /// 公示人; empty when not published.
    pub published_by: String,
}

/// 履职记录 (第二十七条, 尽职免责): what a department did for one task or for
/// a year's tasks, as the platform recorded it. Cells are text as printed
/// (dates as `2026-11-03`, times as `2026-09-01 09:30`), the same as in the
/// 履职记录 workbook, so the two read alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyRecord {
    /// The department whose record it is (printed at the top and in the 盖章
    /// area), no 编号, and the day the record was made.
    pub issuer: Issuer,
    /// The year or the task the record covers.
    pub scope: DutyScope,
    /// The tasks, in order; may be empty (a year without tasks).
    pub tasks: Vec<DutyTask>,
}

/// One 行政执法检查文书 to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "data")]
pub enum Document {
    /// 检查通知书.
    Notice(Notice),
    /// 现场检查笔录.
    SiteRecord(SiteRecord),
    /// 检查结果告知书.
    ResultNotice(ResultNotice),
    /// 权利告知书.
    RightsNotice(RightsNotice),
    /// 陈述申辩笔录.
    Statement(Statement),
    /// 履职记录.
    DutyRecord(DutyRecord),
}

/// Which 文书 a [`Document`] is, without its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 检查通知书.
    Notice,
    /// 现场检查笔录.
    SiteRecord,
    /// 检查结果告知书.
    ResultNotice,
    /// 权利告知书.
    RightsNotice,
    /// 陈述申辩笔录.
    Statement,
    /// 履职记录 (not a 文书 of an inspection: a department's record of its tasks).
    DutyRecord,
}

impl DocumentKind {
    /// Every kind: the 文书 in the order of an inspection, then the 履职记录.
    pub const ALL: [DocumentKind; 6] = [
        DocumentKind::Notice,
        DocumentKind::RightsNotice,
        DocumentKind::SiteRecord,
        DocumentKind::Statement,
        DocumentKind::ResultNotice,
        DocumentKind::DutyRecord,
    ];

    /// The printed title, e.g. `现场检查笔录`.
    pub fn title(self) -> &'static str {
        match self {
            DocumentKind::Notice => "检查通知书",
            DocumentKind::SiteRecord => "现场检查笔录",
            DocumentKind::ResultNotice => "检查结果告知书",
            DocumentKind::RightsNotice => "权利告知书",
            DocumentKind::Statement => "陈述申辩笔录",
            DocumentKind::DutyRecord => "履职记录",
        }
    }
}

impl Document {
    /// Which 文书 this is.
    pub fn kind(&self) -> DocumentKind {
        match self {
            Document::Notice(_) => DocumentKind::Notice,
            Document::SiteRecord(_) => DocumentKind::SiteRecord,
            Document::ResultNotice(_) => DocumentKind::ResultNotice,
            Document::RightsNotice(_) => DocumentKind::RightsNotice,
            Document::Statement(_) => DocumentKind::Statement,
            Document::DutyRecord(_) => DocumentKind::DutyRecord,
        }
    }

    /// Authority, number and date of the document.
    pub fn issuer(&self) -> &Issuer {
        match self {
            Document::Notice(d) => &d.issuer,
            Document::SiteRecord(d) => &d.issuer,
            Document::ResultNotice(d) => &d.issuer,
            Document::RightsNotice(d) => &d.issuer,
            Document::Statement(d) => &d.issuer,
            Document::DutyRecord(d) => &d.issuer,
        }
    }
}
