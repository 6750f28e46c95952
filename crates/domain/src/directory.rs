//! 检查对象名录库 and 执行检查人员名录库 as rows of a spreadsheet: the four lists
//! (企业, 从业人员, 工程项目, 检查人员), their columns in the order of the import
//! template, the typed records a row becomes, and [`validate_row`], which checks
//! every cell of a row and reports every problem at once, in Chinese, with what
//! is wrong and how to fix it.
//!
//! This is the boundary where text typed by people (in Excel, WPS, a form)
//! becomes typed data, so the cell normalisation lives here: surrounding spaces
//! (ASCII and the full-width U+3000) are trimmed, full-width letters and digits
//! in codes become ASCII, yes/no accepts `是`/`否`, `Y`/`N`, `1`/`0`,
//! `TRUE`/`FALSE`, `√`/`×`, dates accept `2026-03-10`, `2026/3/10`,
//! `2026年3月10日`, `20260310` and Excel serial numbers given as text (`46091`),
//! counts accept `3.0`. A full 身份证号 never appears in a [`CellError`]: the
//! value is shown masked and no message repeats its middle digits.
//!
//! Pure: the department's jurisdiction and today's date come in a
//! [`RowContext`] from the caller. Duplicate keys within one file are found by
//! the spreadsheet engine (spotcheck-sheets), duplicates against the database
//! by the import use case.

use std::fmt;

use chrono::{Datelike, NaiveDate};

use crate::credit_code::{CreditCode, CreditCodeError, clean_code_input};
use crate::department::DepartmentCode;
use crate::division::DivisionCode;
use crate::id_number::{IdNumber, IdNumberError};
use crate::vocab::{self, InspectorStatus, ObjectKind, ProjectStage, RiskClass, UnknownTerm, vocabulary};

vocabulary! {
    /// The four lists that can be imported and exported (the argument of
    /// `spotcheck import <企业|从业人员|工程项目|检查人员>`).
    ListKind, "名录类型" {
        Enterprise = ("enterprise", "企业", "企业名录"),
        Practitioner = ("practitioner", "从业人员", "注册人员", "从业人员名录"),
        Project = ("project", "工程项目", "项目", "工程项目名录"),
        Inspector = ("inspector", "检查人员", "执法检查人员", "执法人员", "检查人员名录"),
    }
}

impl ListKind {
    /// The kind of inspection object, `None` for 检查人员.
    pub fn object_kind(self) -> Option<ObjectKind> {
        match self {
            Self::Enterprise => Some(ObjectKind::Enterprise),
            Self::Practitioner => Some(ObjectKind::Practitioner),
            Self::Project => Some(ObjectKind::Project),
            Self::Inspector => None,
        }
    }

    /// The column that holds the natural key ([`Record::key`]).
    pub fn key_column(self) -> &'static str {
        match self {
            Self::Enterprise => "统一社会信用代码",
            Self::Practitioner => "注册证书编号",
            Self::Project => "项目代码",
            Self::Inspector => "执法证号",
        }
    }
}

impl From<ObjectKind> for ListKind {
    fn from(k: ObjectKind) -> Self {
        match k {
            ObjectKind::Enterprise => Self::Enterprise,
            ObjectKind::Practitioner => Self::Practitioner,
            ObjectKind::Project => Self::Project,
        }
    }
}

/// What a column holds, for the template's cell formats and drop-downs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// Free text (names, addresses).
    Text,
    /// A code that must stay text in Excel (统一社会信用代码, 身份证号, 区划代码 …):
    /// as a number Excel would drop leading zeros or round it to 15 digits.
    Code,
    /// A calendar date.
    Date,
    /// A whole number ≥ 0.
    Count,
    /// One (or, when `multi`, several) of [`ColumnSpec::choices`].
    Choice,
}

/// One column of an import template. Header names and their order are the
/// issue's field lists, exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ColumnSpec {
    /// The header, without the `*` that marks required columns in the template.
    pub name: &'static str,
    /// The row is rejected when the cell is empty.
    pub required: bool,
    /// How to fill the cell, in Chinese.
    pub help: &'static str,
    /// The allowed values (labels) of a [`ValueKind::Choice`] column.
    pub choices: Option<&'static [&'static str]>,
    /// Several values in one cell, separated by `、` `；` `，` `,` `;` or a line break.
    pub multi: bool,
    /// A valid example value (used in the template's instructions).
    pub example: &'static str,
    pub value: ValueKind,
}

impl ColumnSpec {
    const fn new(
        name: &'static str,
        required: bool,
        value: ValueKind,
        help: &'static str,
        example: &'static str,
    ) -> Self {
        Self {
            name,
            required,
            help,
            choices: None,
            multi: false,
            example,
            value,
        }
    }

    const fn choice(mut self, choices: &'static [&'static str], multi: bool) -> Self {
        self.choices = Some(choices);
        self.multi = multi;
        self
    }

    /// The header as the template writes it: `统一社会信用代码*` for required columns.
    pub fn header(&self) -> String {
        if self.required {
            format!("{}*", self.name)
        } else {
            self.name.to_string()
        }
    }
}

use ValueKind::{Choice, Code, Count, Date, Text};

// Which columns are mandatory, and why. A column is required when the platform
// cannot do its job without it: the natural key (统一社会信用代码, 注册证书编号,
// 项目代码, 执法证号) identifies the record on re-import; the name is what every
// list, draw record and published result shows; 所在行政区划代码 decides which
// department's jurisdiction the object is in; 企业类别, 执业资格类别 and 专业执法资格
// match objects to items and inspectors to objects; 信用风险分类 decides the
// sampling stratum (差异化监管, 第十四条); 项目阶段 decides whether a project is
// drawn at all; the 身份证号 is what 回避 and the uniqueness of a person rest on;
// 聘用单位 is the point of the 注册人员 check ("人证合一"); 建设单位 and 施工单位
// exist for every 在建/停工/竣工 project; 所属部门, 执法证有效期至 and 状态 decide
// whether an inspector may be drawn. Everything else is optional: blanks in the
// three yes/no risk flags mean 否 and a blank complaint count means 0, because
// that is how operators leave "nothing to report" in a spreadsheet; 监理单位
// is optional because small projects need no supervisor by law; contact
// details, addresses, 职务 and 开工日期 are often unknown when a list is built.

const CREDIT_CODE: ColumnSpec = ColumnSpec::new(
    "统一社会信用代码",
    true,
    Code,
    "18位，见营业执照；由数字和大写字母组成（不使用I、O、Z、S、V）",
    "91230102MA1B2C3D8J",
);
const DIVISION: ColumnSpec = ColumnSpec::new(
    "所在行政区划代码",
    true,
    Code,
    "6位行政区划代码，须在本部门管辖范围内，如哈尔滨市道里区为230102",
    "230102",
);
const RISK_CLASS: ColumnSpec = ColumnSpec::new(
    "信用风险分类",
    true,
    Choice,
    "A类风险最低，D类风险最高；从下拉列表选择",
    "B类",
)
.choice(RiskClass::LABELS, false);
const ABNORMAL: ColumnSpec = ColumnSpec::new("列入经营异常名录", false, Choice, "填\"是\"或\"否\"，不填视为否", "否")
    .choice(vocab::YES_NO, false);
const KEY_FOCUS: ColumnSpec = ColumnSpec::new(
    "重点关注对象",
    false,
    Choice,
    "列入重点关注对象名单的填\"是\"，不填视为否",
    "否",
)
.choice(vocab::YES_NO, false);
const SERIOUS_VIOLATION: ColumnSpec = ColumnSpec::new(
    "严重违法失信",
    false,
    Choice,
    "列入严重违法失信名单的填\"是\"，不填视为否",
    "否",
)
.choice(vocab::YES_NO, false);
const COMPLAINTS: ColumnSpec = ColumnSpec::new(
    "近一年投诉举报次数",
    false,
    Count,
    "近12个月收到的投诉举报次数，填整数，不填视为0",
    "0",
);
const PHONE: ColumnSpec = ColumnSpec::new(
    "联系电话",
    false,
    Code,
    "手机号或带区号的固定电话，如0451-12345678",
    "0451-12345678",
);
const ID_NUMBER: ColumnSpec = ColumnSpec::new(
    "身份证号",
    true,
    Code,
    "18位居民身份证号；此列须为文本格式，否则Excel会把号码改成科学计数法并丢失末尾数字",
    "230102198001011236",
);
const PERSON_NAME: ColumnSpec = ColumnSpec::new("姓名", true, Text, "与身份证一致", "张三");

const ENTERPRISE_COLUMNS: &[ColumnSpec] = &[
    CREDIT_CODE,
    ColumnSpec::new(
        "企业名称",
        true,
        Text,
        "与营业执照上的名称一致",
        "哈尔滨市示例建筑工程有限公司",
    ),
    ColumnSpec::new("法定代表人", false, Text, "法定代表人或负责人姓名", "李四"),
    ColumnSpec::new("注册地址", false, Text, "营业执照上的住所", "哈尔滨市道里区示例路1号"),
    DIVISION,
    ColumnSpec::new(
        "企业类别",
        true,
        Choice,
        "可填多个，用顿号\"、\"分隔",
        "建筑业企业、工程监理企业",
    )
    .choice(vocab::ENTERPRISE_KINDS, true),
    RISK_CLASS,
    ABNORMAL,
    KEY_FOCUS,
    SERIOUS_VIOLATION,
    COMPLAINTS,
    PHONE,
];

const PRACTITIONER_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::new(
        "注册证书编号",
        true,
        Code,
        "见注册证书，4—32位数字、字母或汉字，不含空格",
        "黑1232018201901234",
    ),
    PERSON_NAME,
    ID_NUMBER,
    ColumnSpec::new("执业资格类别", true, Choice, "从下拉列表选择", "一级注册建造师")
        .choice(vocab::PRACTITIONER_QUALIFICATIONS, false),
    ColumnSpec::new(
        "聘用单位统一社会信用代码",
        true,
        Code,
        "注册证书上聘用单位的18位统一社会信用代码",
        "91230102MA1B2C3D8J",
    ),
    DIVISION,
    RISK_CLASS,
    ABNORMAL,
    KEY_FOCUS,
    SERIOUS_VIOLATION,
    COMPLAINTS,
];

const PROJECT_COLUMNS: &[ColumnSpec] = &[
    ColumnSpec::new(
        "项目代码",
        true,
        Code,
        "投资项目统一代码或本地项目编号，2—40位数字、字母或\"-\"",
        "2026-230102-47-01-000123",
    ),
    ColumnSpec::new("项目名称", true, Text, "与施工许可证上的名称一致", "示例小区1号楼工程"),
    ColumnSpec::new(
        "建设单位统一社会信用代码",
        true,
        Code,
        "建设单位的18位统一社会信用代码",
        "91230102123456788N",
    ),
    ColumnSpec::new(
        "施工单位统一社会信用代码",
        true,
        Code,
        "施工总承包单位的18位统一社会信用代码",
        "91230102MA1B2C3D8J",
    ),
    ColumnSpec::new(
        "监理单位统一社会信用代码",
        false,
        Code,
        "监理单位的18位统一社会信用代码；无监理的不填",
        "912301023001234591",
    ),
    ColumnSpec::new("项目地址", false, Text, "工程所在地址", "哈尔滨市道里区示例街88号"),
    DIVISION,
    ColumnSpec::new("项目阶段", true, Choice, "从下拉列表选择", "在建").choice(ProjectStage::LABELS, false),
    ColumnSpec::new(
        "开工日期",
        false,
        Date,
        "如2026-03-10，也可写2026/3/10或2026年3月10日",
        "2026-03-10",
    ),
    RISK_CLASS,
    ABNORMAL,
    KEY_FOCUS,
    SERIOUS_VIOLATION,
    COMPLAINTS,
];

const INSPECTOR_COLUMNS: &[ColumnSpec] = &[
    PERSON_NAME,
    ColumnSpec::new(
        "执法证号",
        true,
        Code,
        "见行政执法证，4—32位，不含空格",
        "23010220260001",
    ),
    ID_NUMBER,
    ColumnSpec::new("职务", false, Text, "如科长、科员", "科员"),
    ColumnSpec::new(
        "所属部门",
        true,
        Code,
        "部门编码：住建局为行政区划代码（如230102），下属执行单位为区划代码加\"-\"和两位序号（如230102-01）",
        "230102",
    ),
    ColumnSpec::new(
        "专业执法资格",
        true,
        Choice,
        "可填多个，用顿号\"、\"分隔",
        "工程质量、施工安全",
    )
    .choice(vocab::FIELDS, true),
    ColumnSpec::new(
        "非业务类别",
        false,
        Text,
        "非业务科室人员所属类别（如法制审核、综合管理），业务人员不填",
        "法制审核",
    ),
    ColumnSpec::new("执法证有效期至", true, Date, "执法证上的有效期截止日期", "2028-12-31"),
    PHONE,
    ColumnSpec::new("状态", true, Choice, "从下拉列表选择；只有在岗人员参与随机抽取", "在岗")
        .choice(InspectorStatus::LABELS, false),
    ColumnSpec::new("状态起始日期", false, Date, "休假、借调、调离的开始日期", "2026-01-01"),
    ColumnSpec::new("状态截止日期", false, Date, "休假、借调的预计结束日期", "2026-12-31"),
];

/// The columns of a list's template, in order.
pub fn columns(kind: ListKind) -> &'static [ColumnSpec] {
    match kind {
        ListKind::Enterprise => ENTERPRISE_COLUMNS,
        ListKind::Practitioner => PRACTITIONER_COLUMNS,
        ListKind::Project => PROJECT_COLUMNS,
        ListKind::Inspector => INSPECTOR_COLUMNS,
    }
}

/// A 项目代码: 2–40 characters of `0-9 A-Z -`, upper case (full-width and
/// lower-case letters are converted), e.g. the 投资项目统一代码
/// `2026-230102-47-01-000123`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProjectCode(String);

impl ProjectCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = clean_code_input(raw.trim_start_matches('\''));
        let n = s.chars().count();
        if !(2..=40).contains(&n) {
            return Err(format!("项目代码应为2—40位，实际为{n}位"));
        }
        if let Some(c) = s.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-')) {
            return Err(format!("项目代码含有不允许的字符\"{c}\"（只能是数字、字母和\"-\"）"));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A 注册证书编号 of a registered practitioner: 4–32 characters of letters,
/// digits, CJK characters and `-`, no spaces; ASCII letters upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegistrationCertNo(String);

impl RegistrationCertNo {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = clean_code_input(raw.trim_start_matches('\''));
        let n = s.chars().count();
        if !(4..=32).contains(&n) {
            return Err(format!("注册证书编号应为4—32位，实际为{n}位"));
        }
        if let Some(c) = s.chars().find(|c| !(c.is_alphanumeric() || *c == '-')) {
            return Err(format!(
                "注册证书编号含有不允许的字符\"{}\"（只能是数字、字母、汉字和\"-\"）",
                c.escape_default()
            ));
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A 执法证号 (行政执法证 number): 4–32 characters without whitespace or control
/// characters; full-width letters and digits become ASCII, ASCII letters upper case.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EnforcementCertNo(String);

impl EnforcementCertNo {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = clean_code_input(raw.trim_start_matches('\''));
        let n = s.chars().count();
        if !(4..=32).contains(&n) {
            return Err(format!("执法证号应为4—32位，实际为{n}位"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err("执法证号中间含有空格或不可见字符".to_string());
        }
        Ok(Self(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

macro_rules! display_as_str {
    ($($t:ty),+) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )+};
}
display_as_str!(ProjectCode, RegistrationCertNo, EnforcementCertNo);

/// The risk fields every inspection object has (差异化监管, 第十四条).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RiskInfo {
    pub risk_class: RiskClass,
    /// 列入经营异常名录.
    pub abnormal: bool,
    /// 重点关注对象.
    pub key_focus: bool,
    /// 严重违法失信.
    pub serious_violation: bool,
    /// 近一年投诉举报次数.
    pub complaints: u32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnterpriseRecord {
    pub credit_code: CreditCode,
    pub name: String,
    pub legal_rep: Option<String>,
    pub address: Option<String>,
    pub division: DivisionCode,
    /// Terms of [`vocab::ENTERPRISE_KINDS`], at least one, without repeats.
    pub kinds: Vec<String>,
    pub risk: RiskInfo,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PractitionerRecord {
    pub cert_no: RegistrationCertNo,
    pub name: String,
    pub id_number: IdNumber,
    /// A term of [`vocab::PRACTITIONER_QUALIFICATIONS`].
    pub qualification: String,
    /// 聘用单位.
    pub employer: CreditCode,
    pub division: DivisionCode,
    pub risk: RiskInfo,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectRecord {
    pub code: ProjectCode,
    pub name: String,
    /// 建设单位.
    pub builder: CreditCode,
    /// 施工单位.
    pub contractor: CreditCode,
    /// 监理单位.
    pub supervisor: Option<CreditCode>,
    pub address: Option<String>,
    pub division: DivisionCode,
    pub stage: ProjectStage,
    pub start_date: Option<NaiveDate>,
    pub risk: RiskInfo,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectorRecord {
    pub name: String,
    pub cert_no: EnforcementCertNo,
    pub id_number: IdNumber,
    /// 职务.
    pub title: Option<String>,
    /// 所属部门.
    pub department: DepartmentCode,
    /// 专业执法资格: terms of [`vocab::FIELDS`], at least one, without repeats.
    pub qualifications: Vec<String>,
    /// 非业务类别.
    pub non_business: Option<String>,
    /// 执法证有效期至.
    pub cert_valid_until: NaiveDate,
    pub phone: Option<String>,
    pub status: InspectorStatus,
    pub status_since: Option<NaiveDate>,
    pub status_until: Option<NaiveDate>,
}

/// A validated row of one of the four lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    Enterprise(EnterpriseRecord),
    Practitioner(PractitionerRecord),
    Project(ProjectRecord),
    Inspector(InspectorRecord),
}

/// How [`Record::to_cells`] writes a 身份证号.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdShown {
    /// `230102********1234`, for everyone without the right to see it in full.
    Masked,
    Full,
}

fn yes_no(b: bool) -> String {
    if b { "是" } else { "否" }.to_string()
}

fn risk_cells(r: &RiskInfo) -> [String; 5] {
    [
        r.risk_class.label().to_string(),
        yes_no(r.abnormal),
        yes_no(r.key_focus),
        yes_no(r.serious_violation),
        r.complaints.to_string(),
    ]
}

fn date_cell(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default()
}

impl Record {
    pub fn kind(&self) -> ListKind {
        match self {
            Self::Enterprise(_) => ListKind::Enterprise,
            Self::Practitioner(_) => ListKind::Practitioner,
            Self::Project(_) => ListKind::Project,
            Self::Inspector(_) => ListKind::Inspector,
        }
    }

    /// The natural key: 统一社会信用代码, 注册证书编号, 项目代码 or 执法证号.
    pub fn key(&self) -> &str {
        match self {
            Self::Enterprise(r) => r.credit_code.as_str(),
            Self::Practitioner(r) => r.cert_no.as_str(),
            Self::Project(r) => r.code.as_str(),
            Self::Inspector(r) => r.cert_no.as_str(),
        }
    }

    /// 企业名称, 姓名 or 项目名称.
    pub fn name(&self) -> &str {
        match self {
            Self::Enterprise(r) => &r.name,
            Self::Practitioner(r) => &r.name,
            Self::Project(r) => &r.name,
            Self::Inspector(r) => &r.name,
        }
    }

    /// The cells of the record in [`columns`] order, as an export writes them
    /// (`validate_row` of these cells gives the record back, when the
    /// 身份证号 is shown in full).
    pub fn to_cells(&self, id: IdShown) -> Vec<String> {
        let id_text = |n: &IdNumber| match id {
            IdShown::Masked => n.masked(),
            IdShown::Full => n.as_str().to_string(),
        };
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        match self {
            Self::Enterprise(r) => {
                let mut v = vec![
                    r.credit_code.to_string(),
                    r.name.clone(),
                    opt(&r.legal_rep),
                    opt(&r.address),
                    r.division.to_string(),
                    r.kinds.join("、"),
                ];
                v.extend(risk_cells(&r.risk));
                v.push(opt(&r.phone));
                v
            }
            Self::Practitioner(r) => {
                let mut v = vec![
                    r.cert_no.to_string(),
                    r.name.clone(),
                    id_text(&r.id_number),
                    r.qualification.clone(),
                    r.employer.to_string(),
                    r.division.to_string(),
                ];
                v.extend(risk_cells(&r.risk));
                v
            }
            Self::Project(r) => {
                let mut v = vec![
                    r.code.to_string(),
                    r.name.clone(),
                    r.builder.to_string(),
                    r.contractor.to_string(),
                    r.supervisor.as_ref().map(ToString::to_string).unwrap_or_default(),
                    opt(&r.address),
                    r.division.to_string(),
                    r.stage.label().to_string(),
                    date_cell(r.start_date),
                ];
                v.extend(risk_cells(&r.risk));
                v
            }
            Self::Inspector(r) => vec![
                r.name.clone(),
                r.cert_no.to_string(),
                id_text(&r.id_number),
                opt(&r.title),
                r.department.to_string(),
                r.qualifications.join("、"),
                opt(&r.non_business),
                date_cell(Some(r.cert_valid_until)),
                opt(&r.phone),
                r.status.label().to_string(),
                date_cell(r.status_since),
                date_cell(r.status_until),
            ],
        }
    }
}

/// What the caller knows about the importing department: today's date (in
/// Asia/Shanghai) and its jurisdiction. The closures are `Sync` so that a
/// validation in progress can be held across an `.await`.
pub struct RowContext<'a> {
    pub today: NaiveDate,
    /// True when an object in this division belongs to the department's jurisdiction.
    pub division_allowed: &'a (dyn Fn(&DivisionCode) -> bool + Sync),
    /// True when the department (by code) is the importing department or one below it.
    pub department_allowed: &'a (dyn Fn(&str) -> bool + Sync),
}

/// One problem of one cell, in plain Chinese. `Display` gives the one-line
/// form used in JSON answers: `统一社会信用代码"…"：问题。修改方法`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    /// The column's name (without `*`), or a pseudo-column such as `整行`.
    pub column: &'static str,
    /// The cell as given, trimmed; a 身份证号 masked.
    pub value: String,
    /// What is wrong.
    pub problem: String,
    /// How to fix it.
    pub fix: String,
}

impl CellError {
    /// A value that looks like a 身份证号 (17 digits and a digit or X) is
    /// masked whatever the column, in case a number landed in the wrong one;
    /// credit codes, which may be all digits too, are left as they are.
    pub fn new(
        column: &'static str,
        value: impl Into<String>,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        let mut value = value.into();
        if !column.contains("信用代码") && looks_like_id_number(&value) {
            value = mask_id_text(&value);
        }
        Self {
            column,
            value,
            problem: problem.into(),
            fix: fix.into(),
        }
    }
}

/// 18 characters: 17 ASCII digits and a digit or `X` (after trimming).
fn looks_like_id_number(s: &str) -> bool {
    let b = trim_cell(s).as_bytes();
    b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit) && (b[17].is_ascii_digit() || matches!(b[17], b'X' | b'x'))
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "{}：{}。{}", self.column, self.problem, self.fix)
        } else {
            write!(f, "{}\"{}\"：{}。{}", self.column, self.value, self.problem, self.fix)
        }
    }
}

/// Trims what people leave around a cell: ASCII and Unicode spaces (the
/// full-width U+3000, no-break space), line breaks, BOM and zero-width spaces.
pub fn trim_cell(raw: &str) -> &str {
    raw.trim_matches(|c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}'))
}

/// Full-width ASCII (`２０２６`, `Ａ`) to ASCII; everything else unchanged.
fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// Excel's day 0 for serial dates from 1900-03-01 on (serial 61).
fn excel_epoch() -> NaiveDate {
    NaiveDate::from_ymd_opt(1899, 12, 30).expect("valid date")
}

/// A date cell as people and spreadsheets write it: `2026-03-10`, `2026/3/10`,
/// `2026.3.10`, `2026年3月10日`, `20260310`, an Excel serial number as text
/// (`46091`, `46091.0`, 10000–99999, i.e. 1927–2173), each optionally followed
/// by a time (`2026-03-10 00:00:00`). Years outside 1900–2199 are refused.
pub fn parse_date_cell(raw: &str) -> Option<NaiveDate> {
    let s = half_width(trim_cell(raw));
    // Drop a time part: "2026-03-10 00:00:00", "2026-03-10T00:00", "2026/3/10 0:00".
    let s = match s.split_once([' ', 'T']) {
        Some((d, t)) if t.contains(':') || t.trim().is_empty() => d.trim().to_string(),
        _ => s,
    };
    let plausible = |d: NaiveDate| (1900..2200).contains(&d.year()).then_some(d);
    if s.bytes().all(|b| b.is_ascii_digit()) && s.len() == 8 {
        let (y, m, d) = (s[..4].parse().ok()?, s[4..6].parse().ok()?, s[6..].parse().ok()?);
        return NaiveDate::from_ymd_opt(y, m, d).and_then(plausible);
    }
    let serial = s.strip_suffix(".0").unwrap_or(&s);
    if !serial.is_empty() && serial.len() == 5 && serial.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = serial.parse().ok()?;
        return excel_epoch()
            .checked_add_signed(chrono::Duration::days(n))
            .and_then(plausible);
    }
    let unified: String = s
        .chars()
        .filter_map(|c| match c {
            '年' | '月' | '/' | '.' | '-' => Some('-'),
            '日' | '号' => None,
            c => Some(c),
        })
        .collect();
    let mut parts = unified.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return None;
    }
    if ![y, m, d].iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).and_then(plausible)
}

/// A count cell: `3`, `3.0`, `３`, `3次`; `None` for anything else (negative,
/// fractional, text).
pub fn parse_count_cell(raw: &str) -> Option<u32> {
    let s = half_width(trim_cell(raw));
    let s = s.strip_suffix('次').unwrap_or(&s).trim();
    let int = match s.split_once('.') {
        Some((i, frac)) if frac.bytes().all(|b| b == b'0') => i,
        Some(_) => return None,
        None => s,
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int.parse().ok()
}

/// Splits a multi-value cell at `、` `，` `,` `；` `;` `/` and line breaks,
/// trimming each part and dropping empty ones.
pub fn split_multi(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(['、', '，', ',', '；', ';', '\n', '\r', '/', '／'])
        .map(trim_cell)
        .filter(|p| !p.is_empty())
}

/// A masked form of any text typed into a 身份证号 column, valid or not: the
/// first six and the last four characters, the middle as `*`. Short texts keep
/// only their first two characters.
pub fn mask_id_text(raw: &str) -> String {
    let chars: Vec<char> = trim_cell(raw).chars().collect();
    let n = chars.len();
    if n >= 14 {
        let head: String = chars[..6].iter().collect();
        let tail: String = chars[n - 4..].iter().collect();
        format!("{head}{}{tail}", "*".repeat(n - 10))
    } else {
        let keep = n.min(2);
        let head: String = chars[..keep].iter().collect();
        format!("{head}{}", "*".repeat(n - keep))
    }
}

/// The 身份证号 problem in words that never repeat the middle digits (the
/// birth date): together with the masked value they would give the number away.
fn id_problem(e: &IdNumberError) -> String {
    match e {
        IdNumberError::InvalidBirthDate { .. } => "第7—14位出生日期不是有效的日期".to_string(),
        IdNumberError::BirthDateInFuture { .. } => "第7—14位出生日期晚于今天".to_string(),
        other => strip_fix(&other.to_string()),
    }
}

/// The validators' messages end with a generic "请核对…是否抄错"; the fix is
/// given separately, so it is cut here.
fn strip_fix(msg: &str) -> String {
    for suffix in ["，请核对代码是否抄错", "，请核对号码是否抄错", "，请核对是否多输或漏输"]
    {
        if let Some(s) = msg.strip_suffix(suffix) {
            return s.to_string();
        }
    }
    msg.to_string()
}

fn has_control(s: &str) -> bool {
    s.chars().any(|c| c.is_control())
}

struct Row<'r, 'c> {
    cols: &'static [ColumnSpec],
    cells: &'r [String],
    ctx: &'r RowContext<'c>,
    errors: Vec<CellError>,
}

impl Row<'_, '_> {
    fn raw(&self, i: usize) -> &str {
        trim_cell(self.cells.get(i).map_or("", String::as_str))
    }

    fn error(&mut self, i: usize, value: &str, problem: impl Into<String>, fix: impl Into<String>) {
        let column = self.cols[i].name;
        self.errors.push(CellError::new(column, value, problem, fix));
    }

    /// The trimmed cell, or `None` when empty (an error when the column is required).
    fn present(&mut self, i: usize) -> Option<String> {
        let v = self.raw(i).to_string();
        if v.is_empty() {
            let col = self.cols[i];
            if col.required {
                let fix = match col.choices {
                    Some(ch) if !col.multi => format!("请填写{}，可选：{}", col.name, ch.join("、")),
                    _ => format!("请填写{}：{}", col.name, col.help),
                };
                self.error(i, "", "必填项，不能为空", fix);
            }
            return None;
        }
        Some(v)
    }

    fn text(&mut self, i: usize, max: usize) -> Option<String> {
        let v = self.present(i)?;
        let n = v.chars().count();
        if n > max {
            self.error(i, &v, format!("长度为{n}个字，超过了{max}个字"), "请删减到规定长度以内");
            return None;
        }
        if has_control(&v) {
            self.error(
                i,
                &v,
                "含有换行或不可见的控制字符",
                "请删除单元格中的换行和不可见字符后重新输入",
            );
            return None;
        }
        Some(v)
    }

    /// A person's name: text without digits (a number here is a column mix-up).
    fn person(&mut self, i: usize) -> Option<String> {
        let v = self.text(i, PERSON_MAX)?;
        if v.chars().any(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
            self.error(i, &v, "姓名中不应有数字", "请核对是否把其他列的内容填到了这一列");
            return None;
        }
        Some(v)
    }

    fn optional_person(&mut self, i: usize) -> Option<Option<String>> {
        if self.raw(i).is_empty() {
            return Some(None);
        }
        self.person(i).map(Some)
    }

    fn credit_code(&mut self, i: usize) -> Option<CreditCode> {
        let v = self.present(i)?;
        match CreditCode::parse(v.trim_start_matches('\'')) {
            Ok(c) => Some(c),
            Err(e) => {
                let fix = match e {
                    CreditCodeError::WrongLength { .. } => "请填写营业执照上的18位统一社会信用代码",
                    _ => "请核对营业执照上的统一社会信用代码",
                };
                self.error(i, &v, strip_fix(&e.to_string()), fix);
                None
            }
        }
    }

    fn id_number(&mut self, i: usize) -> Option<IdNumber> {
        let v = self.present(i)?;
        let shown = mask_id_text(&v);
        if v.contains('*') {
            self.error(
                i,
                &shown,
                "身份证号中间的数字被隐藏（*），无法核对",
                "导出文件中的身份证号是隐藏部分数字的，请填写完整的18位身份证号",
            );
            return None;
        }
        match IdNumber::parse(v.trim_start_matches('\''), self.ctx.today) {
            Ok(n) => Some(n),
            Err(e) => {
                let fix = match e {
                    IdNumberError::WrongLength { .. } | IdNumberError::CheckChar { .. } => {
                        "请核对身份证上的号码；如果号码末尾变成了0或显示为科学计数法，请把此列设为文本格式后重新输入"
                    }
                    IdNumberError::OldFifteenDigit => "请填写二代身份证上的18位号码",
                    _ => "请核对身份证上的号码",
                };
                self.error(i, &shown, id_problem(&e), fix);
                None
            }
        }
    }

    fn division(&mut self, i: usize) -> Option<DivisionCode> {
        let v = self.present(i)?;
        let cleaned = clean_code_input(v.trim_start_matches('\''));
        let cleaned = cleaned.strip_suffix(".0").unwrap_or(&cleaned);
        match DivisionCode::parse(cleaned) {
            Ok(d) if (self.ctx.division_allowed)(&d) => Some(d),
            Ok(d) => {
                self.error(
                    i,
                    &v,
                    format!("行政区划{d}不在本部门的管辖范围内"),
                    "只能导入本部门管辖范围内的对象；请核对区划代码，或交由该区划的住建部门导入",
                );
                None
            }
            Err(e) => {
                self.error(i, &v, e, "请填写6位行政区划代码，如哈尔滨市道里区为230102");
                None
            }
        }
    }

    fn department(&mut self, i: usize) -> Option<DepartmentCode> {
        let v = self.present(i)?;
        let cleaned = clean_code_input(v.trim_start_matches('\''));
        match DepartmentCode::parse(&cleaned) {
            Ok(d) if (self.ctx.department_allowed)(d.as_str()) => Some(d),
            Ok(d) => {
                self.error(
                    i,
                    &v,
                    format!("部门{d}不是本部门或本部门下属的单位"),
                    "只能导入本部门及下属单位的人员；请核对部门编码",
                );
                None
            }
            Err(e) => {
                self.error(
                    i,
                    &v,
                    e,
                    "请填写部门编码：住建局为6位行政区划代码，下属单位为区划代码加\"-\"和两位序号，如230102-01",
                );
                None
            }
        }
    }

    fn term<T>(&mut self, i: usize, parse: fn(&str) -> Result<T, UnknownTerm>) -> Option<T> {
        let v = self.present(i)?;
        match parse(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                let fix = format!("请从下拉列表中选择：{}", e.allowed.join("、"));
                self.error(i, &v, format!("不是有效的{}", e.what), fix);
                None
            }
        }
    }

    fn single_from(&mut self, i: usize, find: fn(&str) -> Option<&'static str>) -> Option<String> {
        let v = self.present(i)?;
        match find(&v) {
            Some(t) => Some(t.to_string()),
            None => {
                let allowed = self.cols[i].choices.unwrap_or(&[]).join("、");
                let name = self.cols[i].name;
                self.error(
                    i,
                    &v,
                    format!("不是有效的{name}"),
                    format!("请从下拉列表中选择：{allowed}"),
                );
                None
            }
        }
    }

    fn multi_from(&mut self, i: usize, find: fn(&str) -> Option<&'static str>) -> Option<Vec<String>> {
        let v = self.present(i)?;
        let mut terms: Vec<String> = Vec::new();
        let mut unknown: Vec<&str> = Vec::new();
        for part in split_multi(&v) {
            match find(part) {
                Some(t) if !terms.iter().any(|x| x == t) => terms.push(t.to_string()),
                Some(_) => {}
                None => unknown.push(part),
            }
        }
        let name = self.cols[i].name;
        let allowed = self.cols[i].choices.unwrap_or(&[]).join("、");
        if !unknown.is_empty() {
            let bad = unknown
                .iter()
                .map(|u| format!("\"{u}\""))
                .collect::<Vec<_>>()
                .join("、");
            let problem = format!("{bad}不是有效的{name}");
            self.error(i, &v, problem, format!("可填多个，用顿号\"、\"分隔，可选：{allowed}"));
            return None;
        }
        if terms.is_empty() {
            self.error(i, &v, "没有填写有效的值", format!("请填写{name}，可选：{allowed}"));
            return None;
        }
        Some(terms)
    }

    fn yes_no(&mut self, i: usize) -> Option<bool> {
        let Some(v) = self.present(i) else {
            return Some(false);
        };
        match vocab::parse_yes_no(&v) {
            Some(b) => Some(b),
            None => {
                self.error(i, &v, "应填\"是\"或\"否\"", "请填写是或否（不填视为否）");
                None
            }
        }
    }

    fn count(&mut self, i: usize) -> Option<u32> {
        let Some(v) = self.present(i) else {
            return Some(0);
        };
        match parse_count_cell(&v) {
            Some(n) => Some(n),
            None => {
                self.error(i, &v, "应为不小于0的整数", "请填写整数次数，如0、3（不填视为0）");
                None
            }
        }
    }

    /// `Some(None)` when empty and optional; `None` on an error.
    fn date(&mut self, i: usize) -> Option<Option<NaiveDate>> {
        let Some(v) = self.present(i) else {
            return (!self.cols[i].required).then_some(None);
        };
        match parse_date_cell(&v) {
            Some(d) => Some(Some(d)),
            None => {
                self.error(
                    i,
                    &v,
                    "不是有效的日期",
                    "请按2026-03-10的格式填写（也可写2026/3/10或2026年3月10日）",
                );
                None
            }
        }
    }

    fn phone(&mut self, i: usize) -> Option<Option<String>> {
        let Some(v) = self.present(i) else {
            return Some(None);
        };
        let v = half_width(&v);
        let allowed = |c: char| c.is_ascii_digit() || " -+()（）转/、,，;；#".contains(c);
        let digits = v.chars().filter(char::is_ascii_digit).count();
        if !v.chars().all(allowed) || !(7..=40).contains(&digits) || v.chars().count() > 60 {
            self.error(
                i,
                &v,
                "联系电话格式不正确",
                "请填写手机号（11位）或带区号的固定电话（如0451-12345678），多个号码用顿号分隔",
            );
            return None;
        }
        Some(Some(v))
    }

    fn optional_text(&mut self, i: usize, max: usize) -> Option<Option<String>> {
        if self.raw(i).is_empty() {
            return Some(None);
        }
        self.text(i, max).map(Some)
    }

    fn coded<T>(&mut self, i: usize, parse: fn(&str) -> Result<T, String>, fix: &str) -> Option<T> {
        let v = self.present(i)?;
        match parse(&v) {
            Ok(t) => Some(t),
            Err(e) => {
                self.error(i, &v, e, fix);
                None
            }
        }
    }

    fn risk(&mut self, first: usize) -> Option<RiskInfo> {
        let risk_class = self.term(first, RiskClass::parse);
        let abnormal = self.yes_no(first + 1);
        let key_focus = self.yes_no(first + 2);
        let serious_violation = self.yes_no(first + 3);
        let complaints = self.count(first + 4);
        Some(RiskInfo {
            risk_class: risk_class?,
            abnormal: abnormal?,
            key_focus: key_focus?,
            serious_violation: serious_violation?,
            complaints: complaints?,
        })
    }

    fn finish<T>(self, record: Option<T>) -> Result<T, Vec<CellError>> {
        match record {
            Some(r) if self.errors.is_empty() => Ok(r),
            _ if self.errors.is_empty() => Err(vec![CellError::new(
                "整行",
                "",
                "无法识别这一行",
                "请按模板重新填写这一行",
            )]),
            _ => Err(self.errors),
        }
    }
}

const NAME_MAX: usize = 100;
const PERSON_MAX: usize = 50;
const ADDRESS_MAX: usize = 200;

fn enterprise(r: &mut Row) -> Option<EnterpriseRecord> {
    let credit_code = r.credit_code(0);
    let name = r.text(1, NAME_MAX);
    let legal_rep = r.optional_person(2);
    let address = r.optional_text(3, ADDRESS_MAX);
    let division = r.division(4);
    let kinds = r.multi_from(5, vocab::enterprise_kind);
    let risk = r.risk(6);
    let phone = r.phone(11);
    Some(EnterpriseRecord {
        credit_code: credit_code?,
        name: name?,
        legal_rep: legal_rep?,
        address: address?,
        division: division?,
        kinds: kinds?,
        risk: risk?,
        phone: phone?,
    })
}

fn practitioner(r: &mut Row) -> Option<PractitionerRecord> {
    let cert_no = r.coded(0, RegistrationCertNo::parse, "请核对注册证书上的注册证书编号");
    let name = r.person(1);
    let id_number = r.id_number(2);
    let qualification = r.single_from(3, vocab::practitioner_qualification);
    let employer = r.credit_code(4);
    let division = r.division(5);
    let risk = r.risk(6);
    Some(PractitionerRecord {
        cert_no: cert_no?,
        name: name?,
        id_number: id_number?,
        qualification: qualification?,
        employer: employer?,
        division: division?,
        risk: risk?,
    })
}

fn project(r: &mut Row) -> Option<ProjectRecord> {
    let code = r.coded(
        0,
        ProjectCode::parse,
        "请核对项目代码（投资项目统一代码或本地项目编号）",
    );
    let name = r.text(1, NAME_MAX);
    let builder = r.credit_code(2);
    let contractor = r.credit_code(3);
    let supervisor = if r.raw(4).is_empty() {
        Some(None)
    } else {
        r.credit_code(4).map(Some)
    };
    let address = r.optional_text(5, ADDRESS_MAX);
    let division = r.division(6);
    let stage = r.term(7, ProjectStage::parse);
    let mut start_date = r.date(8);
    if let Some(Some(d)) = start_date
        && d > r.ctx.today
    {
        let v = r.raw(8).to_string();
        let today = r.ctx.today.format("%Y-%m-%d");
        r.error(
            8,
            &v,
            format!("开工日期晚于今天（{today}）"),
            "请填写实际开工日期；尚未开工的项目暂不录入",
        );
        start_date = None;
    }
    let risk = r.risk(9);
    Some(ProjectRecord {
        code: code?,
        name: name?,
        builder: builder?,
        contractor: contractor?,
        supervisor: supervisor?,
        address: address?,
        division: division?,
        stage: stage?,
        start_date: start_date?,
        risk: risk?,
    })
}

fn inspector(r: &mut Row) -> Option<InspectorRecord> {
    let name = r.person(0);
    let cert_no = r.coded(1, EnforcementCertNo::parse, "请核对行政执法证上的执法证号");
    let id_number = r.id_number(2);
    let title = r.optional_text(3, PERSON_MAX);
    let department = r.department(4);
    let qualifications = r.multi_from(5, vocab::field);
    let non_business = r.optional_text(6, PERSON_MAX);
    let cert_valid_until = r.date(7);
    let phone = r.phone(8);
    let status = r.term(9, InspectorStatus::parse);
    let status_since = r.date(10);
    let mut status_until = r.date(11);
    if let (Some(Some(since)), Some(Some(until))) = (status_since, status_until)
        && until < since
    {
        let v = r.raw(11).to_string();
        r.error(
            11,
            &v,
            format!("状态截止日期早于状态起始日期（{}）", since.format("%Y-%m-%d")),
            "请核对两个日期",
        );
        status_until = None;
    }
    Some(InspectorRecord {
        name: name?,
        cert_no: cert_no?,
        id_number: id_number?,
        title: title?,
        department: department?,
        qualifications: qualifications?,
        non_business: non_business?,
        cert_valid_until: cert_valid_until??,
        phone: phone?,
        status: status?,
        status_since: status_since?,
        status_until: status_until?,
    })
}

/// Checks every cell of one row and returns the record, or every problem of
/// the row. `cells` are in [`columns`]`(kind)` order; missing trailing cells
/// count as empty and extra ones are ignored.
pub fn validate_row(kind: ListKind, cells: &[String], ctx: &RowContext) -> Result<Record, Vec<CellError>> {
    let mut row = Row {
        cols: columns(kind),
        cells,
        ctx,
        errors: Vec::new(),
    };
    match kind {
        ListKind::Enterprise => {
            let r = enterprise(&mut row);
            row.finish(r).map(Record::Enterprise)
        }
        ListKind::Practitioner => {
            let r = practitioner(&mut row);
            row.finish(r).map(Record::Practitioner)
        }
        ListKind::Project => {
            let r = project(&mut row);
            row.finish(r).map(Record::Project)
        }
        ListKind::Inspector => {
            let r = inspector(&mut row);
            row.finish(r).map(Record::Inspector)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 10);
        for s in [
            "2026-03-10",
            "2026/3/10",
            "2026年3月10日",
            "20260310",
            "46091",
            "46091.0",
            " 2026.3.10 ",
            "２０２６年３月１０日",
            "2026-03-10 00:00:00",
            "2026/3/10 0:00",
        ] {
            assert_eq!(parse_date_cell(s), d, "{s}");
        }
        for s in ["", "2026-02-30", "3", "2026-3", "明天", "1800-01-01", "20261310"] {
            assert_eq!(parse_date_cell(s), None, "{s}");
        }
    }

    #[test]
    fn counts() {
        assert_eq!(parse_count_cell("3.0"), Some(3));
        assert_eq!(parse_count_cell(" ３ "), Some(3));
        assert_eq!(parse_count_cell("3次"), Some(3));
        assert_eq!(parse_count_cell("3.5"), None);
        assert_eq!(parse_count_cell("-1"), None);
    }

    #[test]
    fn masking_any_text() {
        assert_eq!(mask_id_text("230102199002291238"), "230102********1238");
        assert_eq!(mask_id_text("23010219900229123"), "230102*******9123");
        assert_eq!(mask_id_text("12345"), "12***");
    }
}
