//! 随机抽查事项清单 (第七条、第八条): one item's content as people type it
//! ([`CheckItemDraft`], text only) and as the platform keeps it
//! ([`CheckItemSpec`], every field typed), with the rules between the two.
//!
//! - **抽查比例** is a [`Ratio`] in basis points (0.01 %), 0..=10000. Parsing
//!   takes a percentage: `5%`, `5％`, `12.5%`, and a bare number is read as
//!   percent too (`5` = 5 %, the way a column headed 抽查比例（%） is filled).
//!   A bare number between 0 and 1 (`0.05`) is refused as ambiguous, with a
//!   message that asks for `5%` or `0.05%`. At most two decimals. Shown as
//!   `5%`, `12.5%`, `12.34%`.
//! - **第八条**: a 一般 item has a ratio cap set by the province, and its ratio
//!   is never above that cap (≤ 100 %); a 重点 item has no cap (不设上限) and
//!   may go up to 100 %.
//! - **抽查内容** is a list of [`CheckPoint`]s, one per line (later the
//!   inspection checklist): trimmed, blank lines dropped, a typed numbering
//!   (`1.`, `2、`, `（3）`, `④`) removed because the platform numbers them,
//!   no duplicates, at least one.
//! - **检查依据** is a list of [`LegalBasis`] (law and article), parsed from
//!   `《建筑法》第十三条`, `依据《消防法》第十条、第十一条`, `建筑法第十三条`,
//!   one per line or separated by `；`.
//!
//! Every message is Chinese, names the field, the value and how to fix it.
//! Versions, reasons and dates of adjustments (动态调整) are checked by
//! [`check_adjustment`]; item codes (`ZJ001`) are [`ItemCode`]s.

use std::collections::HashSet;
use std::fmt;

use chrono::NaiveDate;

use crate::directory::{parse_date_cell, split_multi, trim_cell};
use crate::vocab::{self, InspectionMethod, ItemCategory, Level, ObjectKind, normalize_term, vocabulary};

vocabulary! {
    /// 状态 of an item version: published, or withdrawn (法律废止 etc.; still a
    /// version, never a deletion).
    ItemStatus, "事项状态" {
        Published = ("published", "已发布", "发布", "有效"),
        Withdrawn = ("withdrawn", "已撤销", "撤销", "废止", "已废止"),
    }
}

/// Length limits (characters).
pub const MAX_NAME: usize = 60;
pub const MAX_SUB_ITEM: usize = 60;
pub const MAX_CHECK_POINT: usize = 200;
pub const MAX_CHECK_POINTS: usize = 60;
pub const MAX_FREQUENCY: usize = 30;
pub const MAX_LAW: usize = 60;
pub const MAX_ARTICLE: usize = 60;
pub const MAX_LEGAL_BASIS: usize = 20;
pub const MAX_REASON: usize = 500;

/// The Chinese label of each field key (the keys are the names of the
/// draft's fields, also used by the API's error `field` and by the forms).
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("name", "事项名称"),
    ("sub_item", "子项"),
    ("category", "事项类别"),
    ("object_kind", "检查对象类型"),
    ("enterprise_kinds", "企业类别"),
    ("check_points", "抽查内容"),
    ("methods", "检查方式"),
    ("ratio", "抽查比例"),
    ("ratio_cap", "比例上限"),
    ("frequency", "抽查频次"),
    ("levels", "实施层级"),
    ("legal_basis", "检查依据"),
    ("fields", "专业领域"),
    ("reason", "调整原因"),
    ("effective_date", "生效日期"),
];

/// The Chinese label of a field key (the key itself when unknown).
pub fn field_label(field: &str) -> &str {
    FIELD_LABELS
        .iter()
        .find(|(k, _)| *k == field)
        .map(|(_, l)| *l)
        .unwrap_or(field)
}

/// A problem with one field. `message` is a whole Chinese sentence that
/// starts with the field's label.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field key, e.g. `ratio` (see [`FIELD_LABELS`]).
    pub field: &'static str,
    pub message: String,
}

impl FieldError {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FieldError {}

// ---------------------------------------------------------------------------
// Ratio

/// A sampling ratio in basis points (1 = 0.01 %), 0..=10000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ratio(u16);

impl Ratio {
    /// 100 %.
    pub const FULL: Ratio = Ratio(10_000);

    /// `None` above 10000 (100 %).
    pub fn from_basis_points(bp: u16) -> Option<Ratio> {
        (bp <= 10_000).then_some(Ratio(bp))
    }

    pub fn basis_points(self) -> u16 {
        self.0
    }

    /// Parses a percentage (see the module documentation). The error is the
    /// part of a sentence after the value: `不是有效的比例…`.
    pub fn parse(raw: &str) -> Result<Ratio, String> {
        let s: String = trim_cell(raw)
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                '％' => '%',
                '．' | '。' => '.',
                _ => c,
            })
            .filter(|c| !c.is_whitespace())
            .collect();
        if s.is_empty() {
            return Err("不能为空，请填写百分数，如 5%".into());
        }
        let (num, has_percent) = match s.strip_suffix('%') {
            Some(n) => (n, true),
            None => (s.as_str(), false),
        };
        let (int, frac) = num.split_once('.').unwrap_or((num, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty() || !digits(int) || !digits(frac) || (num.contains('.') && frac.is_empty()) {
            return Err("不是有效的比例，请填写百分数，如 5% 或 12.5%".into());
        }
        let frac_trimmed = frac.trim_end_matches('0');
        if frac_trimmed.len() > 2 {
            return Err("的小数位过多，比例最多精确到 0.01%".into());
        }
        let int_value: u64 = if int.len() > 4 {
            u64::MAX
        } else {
            int.parse().unwrap_or(u64::MAX)
        };
        let frac_value: u64 = format!("{frac_trimmed:0<2}").parse().unwrap_or(0);
        let bp = int_value.saturating_mul(100).saturating_add(frac_value);
        if !has_percent && int_value == 0 && bp > 0 {
            let meant = Ratio(bp.min(100) as u16 * 100).percent_number();
            return Err(format!(
                "含义不明确：如指 {meant}%，请填写“{meant}%”；如确指 {num}%，请填写“{num}%”"
            ));
        }
        if bp > 10_000 {
            return Err("超过100%，比例最高为100%".into());
        }
        Ok(Ratio(bp as u16))
    }

    /// The number before the `%`: `5`, `12.5`, `12.34`.
    fn percent_number(self) -> String {
        let (int, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => int.to_string(),
            f if f % 10 == 0 => format!("{int}.{}", f / 10),
            f => format!("{int}.{f:02}"),
        }
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}%", self.percent_number())
    }
}

// ---------------------------------------------------------------------------
// Check points and legal basis

/// One line of 抽查内容, later one line of the inspection checklist.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CheckPoint(String);

impl CheckPoint {
    /// A stored check point, trusted as written.
    pub fn from_stored(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CheckPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Removes a numbering people type before a line: `1.`, `2、`, `3)`, `（4）`,
/// `(5)`, `⑥`, `七、`. `1.5米` keeps its number.
fn strip_numbering(line: &str) -> &str {
    let line = trim_cell(line);
    let rest = if let Some(r) = line.strip_prefix(['（', '(']) {
        let n = r
            .chars()
            .take_while(|c| c.is_ascii_digit() || is_cn_numeral(*c))
            .count();
        let after = &r[r.char_indices().nth(n).map_or(r.len(), |(i, _)| i)..];
        match after.strip_prefix(['）', ')']) {
            Some(a) if n > 0 && n <= 3 => a,
            _ => line,
        }
    } else if line.starts_with(|c: char| ('①'..='⑳').contains(&c)) {
        &line[line.chars().next().map_or(0, char::len_utf8)..]
    } else {
        let n = line.chars().take_while(char::is_ascii_digit).count();
        let m = line.chars().take_while(|c| is_cn_numeral(*c)).count();
        if (1..=3).contains(&n) {
            let after = &line[n..];
            let mut chars = after.chars();
            match chars.next() {
                Some('、' | '．' | ')' | '）') => chars.as_str(),
                Some('.') if !chars.as_str().starts_with(|c: char| c.is_ascii_digit()) => chars.as_str(),
                _ => line,
            }
        } else if (1..=3).contains(&m) {
            let after = &line[line.char_indices().nth(m).map_or(line.len(), |(i, _)| i)..];
            after.strip_prefix('、').unwrap_or(line)
        } else {
            line
        }
    };
    trim_cell(rest)
}

fn is_cn_numeral(c: char) -> bool {
    matches!(c, '一' | '二' | '三' | '四' | '五' | '六' | '七' | '八' | '九' | '十')
}

/// Parses 抽查内容: every element may hold several lines.
pub fn parse_check_points(lines: &[String]) -> Result<Vec<CheckPoint>, FieldError> {
    let mut out: Vec<CheckPoint> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let all = lines.iter().flat_map(|l| l.split(['\n', '\r']));
    for (i, raw) in all.map(strip_numbering).filter(|l| !l.is_empty()).enumerate() {
        let n = i + 1;
        if raw.chars().any(char::is_control) {
            return Err(FieldError::new(
                "check_points",
                format!("抽查内容第{n}条含有控制字符，请删除后重新填写"),
            ));
        }
        let len = raw.chars().count();
        if len > MAX_CHECK_POINT {
            return Err(FieldError::new(
                "check_points",
                format!("抽查内容第{n}条有{len}个字，超过{MAX_CHECK_POINT}个字，请拆分为多条（每行一条）"),
            ));
        }
        if !seen.insert(normalize_term(raw)) {
            return Err(FieldError::new(
                "check_points",
                format!("抽查内容第{n}条“{raw}”与前面的内容重复，请删除重复的一行"),
            ));
        }
        out.push(CheckPoint(raw.to_string()));
    }
    if out.is_empty() {
        return Err(FieldError::new(
            "check_points",
            "抽查内容不能为空，请逐行填写检查要点，每行一条（将作为检查时的检查清单）",
        ));
    }
    if out.len() > MAX_CHECK_POINTS {
        return Err(FieldError::new(
            "check_points",
            format!(
                "抽查内容共{}条，超过{MAX_CHECK_POINTS}条，请合并或拆分为子项",
                out.len()
            ),
        ));
    }
    Ok(out)
}

/// 检查依据: a law (its title, without 《》) and an article (`第十三条`,
/// `第三十四—三十八条`, `（住建部令第22号）第二十条`; empty when the whole
/// law or regulation is cited).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LegalBasis {
    pub law: String,
    pub article: String,
}

/// Suffixes of the titles of laws, regulations and rules, for citations typed
/// without 《》.
const LAW_SUFFIXES: &[&str] = &[
    "法", "条例", "规定", "办法", "细则", "规则", "决定", "规范", "标准", "意见", "通知", "法典",
];

impl LegalBasis {
    /// Parses one citation; the error is a whole sentence naming 检查依据.
    pub fn parse(raw: &str) -> Result<LegalBasis, String> {
        let s = trim_cell(raw).trim_end_matches(['。', '；', ';', '，', ',', '、']);
        let s = trim_cell(s);
        let quoted = |s: &str| format!("检查依据“{s}”");
        if s.is_empty() {
            return Err("检查依据不能为空".into());
        }
        if s.chars().any(char::is_control) {
            return Err(format!("{}含有控制字符，请删除", quoted(s)));
        }
        let unprefixed = ["依据", "根据", "按照"]
            .iter()
            .find_map(|p| s.strip_prefix(p))
            .map(trim_cell)
            .unwrap_or(s);
        let (law, article) = if let Some(rest) = unprefixed.strip_prefix('《') {
            let Some((law, article)) = rest.split_once('》') else {
                return Err(format!(
                    "{}缺少“》”，请写成《法规名称》第几条，如《建筑法》第十三条",
                    quoted(s)
                ));
            };
            (trim_cell(law).to_string(), trim_cell(article).to_string())
        } else if unprefixed.contains('《') {
            return Err(format!(
                "{}应以法规名称开头，请写成《法规名称》第几条，如《建筑法》第十三条",
                quoted(s)
            ));
        } else {
            let (law, article) = split_at_article(unprefixed);
            if !LAW_SUFFIXES.iter().any(|x| law.ends_with(x)) {
                return Err(format!(
                    "{}未标明法规名称，请用书名号写成《法规名称》第几条，如《建筑法》第十三条",
                    quoted(s)
                ));
            }
            (law.to_string(), article.to_string())
        };
        if law.is_empty() {
            return Err(format!("{}的书名号内没有法规名称", quoted(s)));
        }
        if law.contains(['《', '》']) || article.contains(['《', '》']) {
            return Err(format!("{}含有多个法规，请每行只写一项依据", quoted(s)));
        }
        if law.chars().count() > MAX_LAW {
            return Err(format!("{}的法规名称超过{MAX_LAW}个字", quoted(s)));
        }
        if article.chars().count() > MAX_ARTICLE {
            return Err(format!("{}的条款部分超过{MAX_ARTICLE}个字", quoted(s)));
        }
        let article = article.replace('(', "（").replace(')', "）");
        Ok(LegalBasis { law, article })
    }
}

/// Splits `建筑法第十三条` before its first `第…条/章/节/款/项`.
fn split_at_article(s: &str) -> (&str, &str) {
    for (i, _) in s.match_indices('第') {
        let rest = &s[i + '第'.len_utf8()..];
        let n = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || is_cn_numeral(*c) || matches!(c, '百' | '零' | '〇'))
            .count();
        let after = rest.chars().nth(n);
        if n > 0 && matches!(after, Some('条' | '章' | '节' | '款' | '项')) {
            return (trim_cell(&s[..i]), &s[i..]);
        }
    }
    (s, "")
}

impl fmt::Display for LegalBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "《{}》{}", self.law, self.article)
    }
}

/// Parses 检查依据: one citation per line, or several separated by `；`.
pub fn parse_legal_basis(lines: &[String]) -> Result<Vec<LegalBasis>, FieldError> {
    let mut out: Vec<LegalBasis> = Vec::new();
    let parts = lines
        .iter()
        .flat_map(|l| l.split(['\n', '\r', '；', ';']))
        .map(trim_cell)
        .filter(|p| !p.is_empty());
    for p in parts {
        let b = LegalBasis::parse(p).map_err(|m| FieldError::new("legal_basis", m))?;
        if out.contains(&b) {
            return Err(FieldError::new(
                "legal_basis",
                format!("检查依据“{b}”重复填写，请删除重复的一项"),
            ));
        }
        out.push(b);
    }
    if out.is_empty() {
        return Err(FieldError::new(
            "legal_basis",
            "检查依据不能为空，请至少填写一项法律、法规或规章及条款，如《建筑法》第十三条",
        ));
    }
    if out.len() > MAX_LEGAL_BASIS {
        return Err(FieldError::new(
            "legal_basis",
            format!("检查依据共{}项，超过{MAX_LEGAL_BASIS}项", out.len()),
        ));
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// The item

/// An item as typed (form, API, spreadsheet): text only. Multi-valued fields
/// are lists, and each element may itself hold several values (`、`, `，`,
/// `；`, line breaks), so a form's checkboxes and a typed cell both work.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckItemDraft {
    pub name: String,
    pub sub_item: String,
    /// 重点 or 一般 (code or label).
    pub category: String,
    /// 企业, 从业人员 or 工程项目.
    pub object_kind: String,
    /// For 企业: terms of [`vocab::ENTERPRISE_KINDS`].
    pub enterprise_kinds: Vec<String>,
    /// One check point per line.
    pub check_points: Vec<String>,
    pub methods: Vec<String>,
    pub ratio: String,
    /// Only for 一般 items.
    pub ratio_cap: String,
    pub frequency: String,
    pub levels: Vec<String>,
    /// One citation per line.
    pub legal_basis: Vec<String>,
    /// Terms of [`vocab::FIELDS`].
    pub fields: Vec<String>,
}

/// A validated item: what one published version holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckItemSpec {
    pub name: String,
    pub sub_item: Option<String>,
    pub category: ItemCategory,
    pub object_kind: ObjectKind,
    /// Terms of [`vocab::ENTERPRISE_KINDS`] in its order; empty unless the
    /// object kind is 企业.
    pub enterprise_kinds: Vec<String>,
    pub check_points: Vec<CheckPoint>,
    /// In the order of [`InspectionMethod::ALL`].
    pub methods: Vec<InspectionMethod>,
    pub ratio: Ratio,
    /// `Some` exactly for 一般 items.
    pub ratio_cap: Option<Ratio>,
    pub frequency: String,
    /// In the order of [`Level::ALL`].
    pub levels: Vec<Level>,
    pub legal_basis: Vec<LegalBasis>,
    /// Terms of [`vocab::FIELDS`] in its order.
    pub fields: Vec<String>,
}

fn single_line(field: &'static str, raw: &str, max: usize, required: bool) -> Result<String, FieldError> {
    let label = field_label(field);
    let s = trim_cell(raw);
    if s.is_empty() {
        return if required {
            Err(FieldError::new(field, format!("{label}不能为空")))
        } else {
            Ok(String::new())
        };
    }
    if s.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            format!("{label}须为一行文字，不能含有换行或控制字符"),
        ));
    }
    let n = s.chars().count();
    if n > max {
        return Err(FieldError::new(
            field,
            format!("{label}有{n}个字，超过{max}个字，请精简"),
        ));
    }
    Ok(s.to_string())
}

/// Splits multi-value inputs and maps each value; reports the first unknown.
fn multi<T: PartialEq + Copy>(
    field: &'static str,
    raw: &[String],
    parse: impl Fn(&str) -> Option<T>,
    allowed: &[&str],
    order: &[T],
) -> Result<Vec<T>, FieldError> {
    let label = field_label(field);
    let mut got = Vec::new();
    for v in raw.iter().flat_map(|r| split_multi(r)) {
        match parse(v) {
            Some(t) => got.push(t),
            None => {
                return Err(FieldError::new(
                    field,
                    format!("{label}“{v}”不在可选范围内，可选：{}", allowed.join("、")),
                ));
            }
        }
    }
    Ok(order.iter().copied().filter(|t| got.contains(t)).collect())
}

impl CheckItemDraft {
    /// Checks every field and reports every problem, in the order of the form.
    pub fn validate(&self) -> Result<CheckItemSpec, Vec<FieldError>> {
        let mut errors: Vec<FieldError> = Vec::new();
        macro_rules! keep {
            ($e:expr) => {
                match $e {
                    Ok(v) => Some(v),
                    Err(e) => {
                        errors.push(e);
                        None
                    }
                }
            };
        }
        let name = keep!(single_line("name", &self.name, MAX_NAME, true));
        let sub_item = keep!(single_line("sub_item", &self.sub_item, MAX_SUB_ITEM, false));
        let category = keep!(if trim_cell(&self.category).is_empty() {
            Err(FieldError::new("category", "事项类别不能为空，请选择重点或一般"))
        } else {
            ItemCategory::parse(&self.category).map_err(|e| {
                FieldError::new(
                    "category",
                    format!("事项类别“{}”不在可选范围内，可选：重点、一般", e.value),
                )
            })
        });
        let object_kind = keep!(if trim_cell(&self.object_kind).is_empty() {
            Err(FieldError::new(
                "object_kind",
                "检查对象类型不能为空，请选择企业、从业人员或工程项目",
            ))
        } else {
            ObjectKind::parse(&self.object_kind).map_err(|e| {
                FieldError::new(
                    "object_kind",
                    format!(
                        "检查对象类型“{}”不在可选范围内，可选：{}",
                        e.value,
                        ObjectKind::LABELS.join("、")
                    ),
                )
            })
        });
        let kinds = keep!(multi(
            "enterprise_kinds",
            &self.enterprise_kinds,
            vocab::enterprise_kind,
            vocab::ENTERPRISE_KINDS,
            vocab::ENTERPRISE_KINDS,
        ));
        let kinds = match (object_kind, kinds) {
            (Some(ObjectKind::Enterprise), Some(k)) if k.is_empty() => keep!(Err(FieldError::new(
                "enterprise_kinds",
                "检查对象为企业时，请至少选择一种企业类别",
            ))),
            (Some(kind), Some(k)) if kind != ObjectKind::Enterprise && !k.is_empty() => {
                keep!(Err(FieldError::new(
                    "enterprise_kinds",
                    format!("检查对象类型为{}时不填写企业类别，请取消所选的企业类别", kind.label()),
                )))
            }
            (_, k) => k,
        };
        let check_points = keep!(parse_check_points(&self.check_points));
        let methods = keep!(multi(
            "methods",
            &self.methods,
            |s| InspectionMethod::parse(s).ok(),
            InspectionMethod::LABELS,
            InspectionMethod::ALL,
        ));
        let methods = match methods {
            Some(m) if m.is_empty() => keep!(Err(FieldError::new(
                "methods",
                format!(
                    "检查方式不能为空，请至少选择一种：{}",
                    InspectionMethod::LABELS.join("、")
                ),
            ))),
            m => m,
        };
        let ratio = keep!(if trim_cell(&self.ratio).is_empty() {
            Err(FieldError::new("ratio", "抽查比例不能为空，请填写百分数，如 5%"))
        } else {
            Ratio::parse(&self.ratio)
                .map_err(|m| FieldError::new("ratio", format!("抽查比例“{}”{m}", trim_cell(&self.ratio))))
                .and_then(|r| {
                    if r.basis_points() == 0 {
                        Err(FieldError::new("ratio", "抽查比例须大于0%"))
                    } else {
                        Ok(r)
                    }
                })
        });
        let cap_text = trim_cell(&self.ratio_cap);
        let cap = keep!(if cap_text.is_empty() {
            Ok(None)
        } else {
            Ratio::parse(cap_text)
                .map_err(|m| FieldError::new("ratio_cap", format!("比例上限“{cap_text}”{m}")))
                .and_then(|r| {
                    if r.basis_points() == 0 {
                        Err(FieldError::new("ratio_cap", "比例上限须大于0%"))
                    } else {
                        Ok(Some(r))
                    }
                })
        });
        let cap = match (category, cap) {
            (Some(ItemCategory::General), Some(None)) => keep!(Err(FieldError::new(
                "ratio_cap",
                "一般检查事项须设置比例上限（第八条），请填写如 5%",
            ))),
            (Some(ItemCategory::Key), Some(Some(_))) => keep!(Err(FieldError::new(
                "ratio_cap",
                "重点检查事项的抽查比例不设上限（第八条，最高可达100%），请清空比例上限",
            ))),
            (_, c) => c,
        };
        if let (Some(ItemCategory::General), Some(r), Some(Some(c))) = (category, ratio, cap)
            && r > c
        {
            errors.push(FieldError::new(
                "ratio",
                format!("抽查比例（{r}）不能高于本事项的比例上限（{c}），请调低抽查比例或先调整比例上限"),
            ));
        }
        let frequency = keep!(if trim_cell(&self.frequency).is_empty() {
            Err(FieldError::new(
                "frequency",
                "抽查频次不能为空，如：每年一次、每半年一次",
            ))
        } else {
            single_line("frequency", &self.frequency, MAX_FREQUENCY, true)
        });
        let levels = keep!(multi(
            "levels",
            &self.levels,
            |s| Level::parse(s).ok(),
            Level::LABELS,
            Level::ALL,
        ));
        let levels = match levels {
            Some(l) if l.is_empty() => keep!(Err(FieldError::new(
                "levels",
                "实施层级不能为空，请至少选择省、市、县中的一级",
            ))),
            l => l,
        };
        let legal_basis = keep!(parse_legal_basis(&self.legal_basis));
        let fields = keep!(multi(
            "fields",
            &self.fields,
            vocab::field,
            vocab::FIELDS,
            vocab::FIELDS
        ));
        let fields = match fields {
            Some(f) if f.is_empty() => keep!(Err(FieldError::new(
                "fields",
                "专业领域不能为空，请至少选择一个（用于匹配具有相应执法资格的检查人员）",
            ))),
            f => f,
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        match (
            name,
            sub_item,
            category,
            object_kind,
            kinds,
            check_points,
            methods,
            ratio,
            cap,
            frequency,
            levels,
            legal_basis,
            fields,
        ) {
            (
                Some(name),
                Some(sub_item),
                Some(category),
                Some(object_kind),
                Some(kinds),
                Some(check_points),
                Some(methods),
                Some(ratio),
                Some(ratio_cap),
                Some(frequency),
                Some(levels),
                Some(legal_basis),
                Some(fields),
            ) => Ok(CheckItemSpec {
                name,
                sub_item: Some(sub_item).filter(|s| !s.is_empty()),
                category,
                object_kind,
                enterprise_kinds: kinds.into_iter().map(str::to_string).collect(),
                check_points,
                methods,
                ratio,
                ratio_cap,
                frequency,
                levels,
                legal_basis,
                fields: fields.into_iter().map(str::to_string).collect(),
            }),
            _ => unreachable!("every field is Some when there is no error"),
        }
    }
}

/// One difference between two versions, for the version history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecChange {
    pub field: &'static str,
    /// `抽查比例：5% → 3%`, `检查依据：增加《消防法》第十三条`.
    pub description: String,
}

fn list_change(field: &'static str, before: &[String], after: &[String]) -> Option<SpecChange> {
    if before == after {
        return None;
    }
    let added: Vec<&String> = after.iter().filter(|a| !before.contains(a)).collect();
    let removed: Vec<&String> = before.iter().filter(|b| !after.contains(b)).collect();
    let quote = |v: &[&String]| v.iter().map(|s| format!("“{s}”")).collect::<Vec<_>>().join("、");
    let mut parts = Vec::new();
    if !added.is_empty() {
        parts.push(format!("增加{}", quote(&added)));
    }
    if !removed.is_empty() {
        parts.push(format!("删除{}", quote(&removed)));
    }
    if parts.is_empty() {
        parts.push("调整顺序".to_string());
    }
    Some(SpecChange {
        field,
        description: format!("{}：{}", field_label(field), parts.join("；")),
    })
}

fn scalar_change(field: &'static str, before: &str, after: &str) -> Option<SpecChange> {
    let show = |s: &str| {
        if s.is_empty() {
            "（无）".to_string()
        } else {
            s.to_string()
        }
    };
    (before != after).then(|| SpecChange {
        field,
        description: format!("{}：{} → {}", field_label(field), show(before), show(after)),
    })
}

impl CheckItemSpec {
    /// `事项名称（子项）`.
    pub fn title(&self) -> String {
        match &self.sub_item {
            Some(s) => format!("{}（{s}）", self.name),
            None => self.name.clone(),
        }
    }

    /// The highest ratio a plan may use for this item: the cap of a 一般
    /// item, 100 % for a 重点 item.
    pub fn max_ratio(&self) -> Ratio {
        self.ratio_cap.unwrap_or(Ratio::FULL)
    }

    /// The draft that validates back to this spec (to prefill a revise form).
    pub fn to_draft(&self) -> CheckItemDraft {
        CheckItemDraft {
            name: self.name.clone(),
            sub_item: self.sub_item.clone().unwrap_or_default(),
            category: self.category.label().to_string(),
            object_kind: self.object_kind.label().to_string(),
            enterprise_kinds: self.enterprise_kinds.clone(),
            check_points: self.check_points.iter().map(|p| p.0.clone()).collect(),
            methods: self.methods.iter().map(|m| m.label().to_string()).collect(),
            ratio: self.ratio.to_string(),
            ratio_cap: self.ratio_cap.map(|r| r.to_string()).unwrap_or_default(),
            frequency: self.frequency.clone(),
            levels: self.levels.iter().map(|l| l.label().to_string()).collect(),
            legal_basis: self.legal_basis.iter().map(ToString::to_string).collect(),
            fields: self.fields.clone(),
        }
    }

    /// What changed from `prev` to `self`, field by field, in form order.
    pub fn changes_from(&self, prev: &CheckItemSpec) -> Vec<SpecChange> {
        let labels = |v: &[&'static str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let points = |s: &CheckItemSpec| s.check_points.iter().map(|p| p.0.clone()).collect::<Vec<_>>();
        let basis = |s: &CheckItemSpec| s.legal_basis.iter().map(ToString::to_string).collect::<Vec<_>>();
        let cap = |s: &CheckItemSpec| s.ratio_cap.map(|r| r.to_string()).unwrap_or_default();
        [
            scalar_change("name", &prev.name, &self.name),
            scalar_change(
                "sub_item",
                prev.sub_item.as_deref().unwrap_or(""),
                self.sub_item.as_deref().unwrap_or(""),
            ),
            scalar_change("category", prev.category.label(), self.category.label()),
            scalar_change("object_kind", prev.object_kind.label(), self.object_kind.label()),
            list_change("enterprise_kinds", &prev.enterprise_kinds, &self.enterprise_kinds),
            list_change("check_points", &points(prev), &points(self)),
            list_change(
                "methods",
                &labels(&prev.methods.iter().map(|m| m.label()).collect::<Vec<_>>()),
                &labels(&self.methods.iter().map(|m| m.label()).collect::<Vec<_>>()),
            ),
            scalar_change("ratio", &prev.ratio.to_string(), &self.ratio.to_string()),
            scalar_change("ratio_cap", &cap(prev), &cap(self)),
            scalar_change("frequency", &prev.frequency, &self.frequency),
            list_change(
                "levels",
                &labels(&prev.levels.iter().map(|l| l.label()).collect::<Vec<_>>()),
                &labels(&self.levels.iter().map(|l| l.label()).collect::<Vec<_>>()),
            ),
            list_change("legal_basis", &basis(prev), &basis(self)),
            list_change("fields", &prev.fields, &self.fields),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

// ---------------------------------------------------------------------------
// Codes and adjustments

/// An item's stable code: `ZJ` and at least three digits, assigned in order
/// (`ZJ001`, `ZJ002`, …). Never reused, never changed by a new version.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemCode(String);

impl ItemCode {
    pub const PREFIX: &'static str = "ZJ";

    /// The `n`-th code (from 1).
    pub fn nth(n: u32) -> Self {
        Self(format!("{}{n:03}", Self::PREFIX))
    }

    /// Accepts `ZJ001`, `zj001`, ` ZJ001 `; refuses anything else.
    pub fn parse(raw: &str) -> Option<Self> {
        let s = trim_cell(raw).to_ascii_uppercase();
        let digits = s.strip_prefix(Self::PREFIX)?;
        (digits.len() >= 3 && digits.len() <= 6 && digits.bytes().all(|b| b.is_ascii_digit())).then_some(Self(s))
    }

    pub fn number(&self) -> u32 {
        self.0[Self::PREFIX.len()..].parse().unwrap_or(0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code after the highest of `existing`.
    pub fn next_after<'a>(existing: impl IntoIterator<Item = &'a str>) -> Self {
        let max = existing
            .into_iter()
            .filter_map(ItemCode::parse)
            .map(|c| c.number())
            .max()
            .unwrap_or(0);
        Self::nth(max + 1)
    }
}

impl fmt::Display for ItemCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The reason and effective date of an adjustment (a new version, 动态调整并
/// 及时公布): the reason is required (2–500 characters); the date is parsed
/// as people type it and may not be earlier than the previous version's.
pub fn check_adjustment(
    reason: &str,
    effective_date: &str,
    not_before: Option<NaiveDate>,
) -> Result<(String, NaiveDate), Vec<FieldError>> {
    let mut errors = Vec::new();
    let r = trim_cell(reason);
    let n = r.chars().count();
    if n == 0 {
        errors.push(FieldError::new(
            "reason",
            "调整原因不能为空，请写明依据哪项法律法规的立改废释或何种监管需要进行调整",
        ));
    } else if !(2..=MAX_REASON).contains(&n) {
        errors.push(FieldError::new(
            "reason",
            format!("调整原因须为2–{MAX_REASON}个字（现为{n}个字）"),
        ));
    } else if r.chars().any(|c| c.is_control() && c != '\n' && c != '\r') {
        errors.push(FieldError::new("reason", "调整原因含有控制字符，请删除"));
    }
    let d = trim_cell(effective_date);
    let date = if d.is_empty() {
        errors.push(FieldError::new("effective_date", "生效日期不能为空，格式如 2026-03-10"));
        None
    } else {
        match parse_date_cell(d) {
            None => {
                errors.push(FieldError::new(
                    "effective_date",
                    format!("生效日期“{d}”不是有效日期，格式如 2026-03-10"),
                ));
                None
            }
            Some(date) => match not_before {
                Some(nb) if date < nb => {
                    errors.push(FieldError::new(
                        "effective_date",
                        format!(
                            "生效日期（{}）不能早于上一版本的生效日期（{}）",
                            date.format("%Y-%m-%d"),
                            nb.format("%Y-%m-%d")
                        ),
                    ));
                    None
                }
                _ => Some(date),
            },
        }
    };
    match date {
        Some(date) if errors.is_empty() => Ok((r.replace("\r\n", "\n"), date)),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(v: &str) -> String {
        v.to_string()
    }

    fn draft() -> CheckItemDraft {
        CheckItemDraft {
            name: s("建筑业企业资质动态核查"),
            sub_item: s(""),
            category: s("一般"),
            object_kind: s("企业"),
            enterprise_kinds: vec![s("建筑业企业")],
            check_points: vec![s(
                "1. 注册人员数量是否满足资质标准\n2、技术负责人是否在岗\n\n（3）企业业绩是否真实",
            )],
            methods: vec![s("书面检查"), s("实地核查")],
            ratio: s("3%"),
            ratio_cap: s("5%"),
            frequency: s("每年一次"),
            levels: vec![s("省"), s("市")],
            legal_basis: vec![s("《建筑法》第十三条\n《建筑业企业资质管理规定》第二十四条")],
            fields: vec![s("建筑市场")],
        }
    }

    fn errors_of(d: &CheckItemDraft) -> Vec<FieldError> {
        d.validate().unwrap_err()
    }

    #[test]
    fn ratios_parse_and_display() {
        for (raw, bp) in [
            ("5%", 500),
            ("5", 500),
            ("５％", 500),
            (" 12.5 % ", 1250),
            ("12.34%", 1234),
            ("100%", 10000),
            ("0.05%", 5),
            ("0%", 0),
            ("5.00%", 500),
            ("1", 100),
        ] {
            assert_eq!(Ratio::parse(raw).map(Ratio::basis_points), Ok(bp), "{raw}");
        }
        assert_eq!(Ratio(500).to_string(), "5%");
        assert_eq!(Ratio(1250).to_string(), "12.5%");
        assert_eq!(Ratio(1234).to_string(), "12.34%");
        assert_eq!(Ratio(5).to_string(), "0.05%");
        assert_eq!(Ratio::FULL.to_string(), "100%");
        let amb = Ratio::parse("0.05").unwrap_err();
        assert!(
            amb.contains("含义不明确") && amb.contains("5%") && amb.contains("0.05%"),
            "{amb}"
        );
        assert!(Ratio::parse("101%").unwrap_err().contains("超过100%"));
        assert!(Ratio::parse("5.125%").unwrap_err().contains("0.01%"));
        for bad in ["abc", "5%%", "-5%", "5.", ".5", "", "１０００００"] {
            assert!(Ratio::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Ratio::from_basis_points(10001), None);
    }

    #[test]
    fn a_valid_draft_becomes_a_typed_spec() {
        let spec = draft().validate().unwrap();
        assert_eq!(spec.category, ItemCategory::General);
        assert_eq!(spec.object_kind, ObjectKind::Enterprise);
        assert_eq!(spec.enterprise_kinds, vec![s("建筑业企业")]);
        assert_eq!(
            spec.check_points.iter().map(CheckPoint::as_str).collect::<Vec<_>>(),
            ["注册人员数量是否满足资质标准", "技术负责人是否在岗", "企业业绩是否真实"]
        );
        // Canonical order, whatever order was typed.
        assert_eq!(spec.methods, [InspectionMethod::OnSite, InspectionMethod::Documentary]);
        assert_eq!(spec.levels, [Level::Province, Level::City]);
        assert_eq!(spec.ratio, Ratio(300));
        assert_eq!(spec.ratio_cap, Some(Ratio(500)));
        assert_eq!(spec.max_ratio(), Ratio(500));
        assert_eq!(spec.legal_basis[0].law, "建筑法");
        assert_eq!(spec.legal_basis[0].article, "第十三条");
        assert_eq!(spec.title(), "建筑业企业资质动态核查");
        assert_eq!(spec.to_draft().validate().unwrap(), spec);
    }

    #[test]
    fn article_8_ratio_and_cap() {
        let mut d = draft();
        d.ratio = s("8%");
        let e = errors_of(&d);
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "ratio");
        assert_eq!(
            e[0].message,
            "抽查比例（8%）不能高于本事项的比例上限（5%），请调低抽查比例或先调整比例上限"
        );
        d.ratio = s("5%");
        assert!(d.validate().is_ok(), "equal to the cap is allowed");
        d.ratio_cap = s("");
        assert_eq!(errors_of(&d)[0].field, "ratio_cap");
        assert!(errors_of(&d)[0].message.contains("一般检查事项须设置比例上限"));
        d.ratio_cap = s("120%");
        assert!(errors_of(&d)[0].message.starts_with("比例上限“120%”超过100%"));
        // 重点: no cap, up to 100 %.
        d.category = s("重点");
        d.ratio_cap = s("");
        d.ratio = s("100%");
        let spec = d.validate().unwrap();
        assert_eq!(spec.ratio_cap, None);
        assert_eq!(spec.max_ratio(), Ratio::FULL);
        d.ratio_cap = s("50%");
        assert!(errors_of(&d)[0].message.contains("不设上限"));
        d.ratio_cap = s("");
        d.ratio = s("0%");
        assert_eq!(errors_of(&d)[0].message, "抽查比例须大于0%");
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let d = CheckItemDraft::default();
        let e = errors_of(&d);
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "name",
                "category",
                "object_kind",
                "check_points",
                "methods",
                "ratio",
                "frequency",
                "levels",
                "legal_basis",
                "fields"
            ]
        );
        for err in &e {
            assert!(err.message.starts_with(field_label(err.field)), "{}", err.message);
        }
    }

    #[test]
    fn vocabularies_and_object_kinds() {
        let mut d = draft();
        d.methods = vec![s("电话抽查")];
        assert_eq!(
            errors_of(&d)[0].message,
            "检查方式“电话抽查”不在可选范围内，可选：实地核查、书面检查、检验检测、委托专业机构"
        );
        let mut d = draft();
        d.enterprise_kinds = vec![];
        assert!(errors_of(&d)[0].message.contains("至少选择一种企业类别"));
        d.object_kind = s("工程项目");
        assert!(d.validate().is_ok());
        d.enterprise_kinds = vec![s("施工企业")];
        assert!(errors_of(&d)[0].message.contains("工程项目时不填写企业类别"));
        let mut d = draft();
        d.enterprise_kinds = vec![s("施工企业、监理企业")];
        d.fields = vec![s("监理"), s("建筑市场")];
        d.levels = vec![s("县级,省")];
        let spec = d.validate().unwrap();
        assert_eq!(spec.enterprise_kinds, [s("建筑业企业"), s("工程监理企业")]);
        assert_eq!(spec.fields, [s("建筑市场"), s("工程监理")]);
        assert_eq!(spec.levels, [Level::Province, Level::County]);
        d.fields = vec![s("天文")];
        assert!(errors_of(&d)[0].message.starts_with("专业领域“天文”不在可选范围内"));
    }

    #[test]
    fn check_points() {
        let p = |t: &str| parse_check_points(&[s(t)]);
        let got = p("1.5米以上临边防护是否到位\n（2）安全员是否在岗\n③ 特种作业人员持证\n四、资料是否齐全").unwrap();
        assert_eq!(
            got.iter().map(CheckPoint::as_str).collect::<Vec<_>>(),
            [
                "1.5米以上临边防护是否到位",
                "安全员是否在岗",
                "特种作业人员持证",
                "资料是否齐全"
            ]
        );
        assert_eq!(
            p("安全员是否在岗\n 安全员是否在岗 ").unwrap_err().message,
            "抽查内容第2条“安全员是否在岗”与前面的内容重复，请删除重复的一行"
        );
        assert!(p("\n \n").unwrap_err().message.starts_with("抽查内容不能为空"));
        assert!(p(&"长".repeat(201)).unwrap_err().message.contains("超过200个字"));
    }

    #[test]
    fn legal_basis_forms() {
        let b = |t: &str| LegalBasis::parse(t);
        assert_eq!(
            b("《建筑法》第十三条").unwrap(),
            LegalBasis {
                law: s("建筑法"),
                article: s("第十三条")
            }
        );
        assert_eq!(
            b("依据《消防法》第十条、第十一条。").unwrap().article,
            "第十条、第十一条"
        );
        assert_eq!(
            b("建设工程质量管理条例第三十四条").unwrap(),
            LegalBasis {
                law: s("建设工程质量管理条例"),
                article: s("第三十四条")
            }
        );
        assert_eq!(b("《物业管理条例》").unwrap().article, "");
        assert_eq!(b("物业管理条例").unwrap().law, "物业管理条例");
        let decree = b("《建筑业企业资质管理规定》(住建部令第22号)第二十四条").unwrap();
        assert_eq!(decree.article, "（住建部令第22号）第二十四条");
        assert_eq!(
            decree.to_string(),
            "《建筑业企业资质管理规定》（住建部令第22号）第二十四条"
        );
        assert!(b("《建筑法第十三条").unwrap_err().contains("缺少“》”"));
        assert!(b("第十三条").unwrap_err().contains("未标明法规名称"));
        assert!(b("见附件《建筑法》").unwrap_err().contains("应以法规名称开头"));
        assert!(b("《》第十条").unwrap_err().contains("没有法规名称"));
        assert!(b("《建筑法》第十三条《消防法》").unwrap_err().contains("每行只写一项"));
        let list = parse_legal_basis(&[s("《建筑法》第十三条；《消防法》第十条\n")]).unwrap();
        assert_eq!(list.len(), 2);
        assert!(
            parse_legal_basis(&[s("《建筑法》第十三条\n《建筑法》 第十三条")])
                .unwrap_err()
                .message
                .contains("重复")
        );
        assert!(
            parse_legal_basis(&[])
                .unwrap_err()
                .message
                .starts_with("检查依据不能为空")
        );
    }

    #[test]
    fn changes_between_versions() {
        let v1 = draft().validate().unwrap();
        let mut d = draft();
        d.ratio = s("2%");
        d.ratio_cap = s("3%");
        d.legal_basis.push(s("《消防法》第十三条"));
        d.check_points = vec![s(
            "注册人员数量是否满足资质标准\n企业业绩是否真实\n安全生产许可证是否有效",
        )];
        let v2 = d.validate().unwrap();
        let c: Vec<String> = v2.changes_from(&v1).into_iter().map(|c| c.description).collect();
        assert_eq!(
            c,
            [
                "抽查内容：增加“安全生产许可证是否有效”；删除“技术负责人是否在岗”",
                "抽查比例：3% → 2%",
                "比例上限：5% → 3%",
                "检查依据：增加“《消防法》第十三条”",
            ]
        );
        assert!(v1.changes_from(&v1).is_empty());
    }

    #[test]
    fn codes() {
        assert_eq!(ItemCode::nth(1).as_str(), "ZJ001");
        assert_eq!(ItemCode::nth(1234).as_str(), "ZJ1234");
        assert_eq!(ItemCode::parse(" zj017 ").unwrap().number(), 17);
        assert_eq!(ItemCode::parse("ZJ1"), None);
        assert_eq!(ItemCode::parse("230102"), None);
        assert_eq!(ItemCode::next_after(["ZJ001", "ZJ009", "bad"]).as_str(), "ZJ010");
        assert_eq!(ItemCode::next_after([]).as_str(), "ZJ001");
        assert_eq!(ItemStatus::parse("已撤销"), Ok(ItemStatus::Withdrawn));
    }

    #[test]
    fn adjustments() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(
            check_adjustment(" 住建部令第58号修改 ", "2026/3/1", Some(d(2026, 1, 1))).unwrap(),
            (s("住建部令第58号修改"), d(2026, 3, 1))
        );
        let e = check_adjustment("", "", None).unwrap_err();
        assert_eq!(
            e.iter().map(|e| e.field).collect::<Vec<_>>(),
            ["reason", "effective_date"]
        );
        let e = check_adjustment("法规修订", "2025-12-31", Some(d(2026, 1, 1))).unwrap_err();
        assert_eq!(
            e[0].message,
            "生效日期（2025-12-31）不能早于上一版本的生效日期（2026-01-01）"
        );
        assert!(
            check_adjustment("法规修订", "明天", None).unwrap_err()[0]
                .message
                .contains("不是有效日期")
        );
    }

    fn arb_spec() -> impl Strategy<Value = CheckItemSpec> {
        (
            "[一-龥]{2,20}",
            proptest::option::of("[一-龥]{1,10}"),
            any::<bool>(),
            0usize..3,
            proptest::sample::subsequence(vocab::ENTERPRISE_KINDS.to_vec(), 1..4),
            proptest::collection::btree_set("[一-龥]{2,30}", 1..8),
            proptest::sample::subsequence(InspectionMethod::ALL.to_vec(), 1..=4),
            (1u16..=10000, 1u16..=10000),
            proptest::sample::subsequence(Level::ALL.to_vec(), 1..=3),
            proptest::collection::btree_set(("[一-龥]{2,12}", "第[一二三四五六七八九十]{1,3}条"), 1..5),
            proptest::sample::subsequence(vocab::FIELDS.to_vec(), 1..4),
        )
            .prop_map(
                |(name, sub, key, kind, kinds, points, methods, (a, b), levels, basis, fields)| {
                    let object_kind = ObjectKind::ALL[kind];
                    let (ratio, cap) = if key { (a, None) } else { (a.min(b), Some(a.max(b))) };
                    CheckItemSpec {
                        name,
                        sub_item: sub,
                        category: if key { ItemCategory::Key } else { ItemCategory::General },
                        object_kind,
                        enterprise_kinds: if object_kind == ObjectKind::Enterprise {
                            kinds.into_iter().map(str::to_string).collect()
                        } else {
                            vec![]
                        },
                        check_points: points.into_iter().map(CheckPoint).collect(),
                        methods,
                        ratio: Ratio(ratio),
                        ratio_cap: cap.map(Ratio),
                        frequency: "每年一次".to_string(),
                        levels,
                        legal_basis: basis
                            .into_iter()
                            .map(|(law, article)| LegalBasis {
                                law: format!("{law}条例"),
                                article,
                            })
                            .collect(),
                        fields: fields.into_iter().map(str::to_string).collect(),
                    }
                },
            )
    }

    proptest! {
        #[test]
        fn ratio_text_round_trips(bp in 0u16..=10000) {
            let r = Ratio(bp);
            prop_assert_eq!(Ratio::parse(&r.to_string()), Ok(r));
        }

        #[test]
        fn ratio_parse_never_panics(raw in "\\PC{0,12}") {
            if let Ok(r) = Ratio::parse(&raw) {
                prop_assert!(r.basis_points() <= 10000);
            }
        }

        #[test]
        fn a_spec_survives_its_draft(spec in arb_spec()) {
            prop_assert_eq!(spec.to_draft().validate(), Ok(spec.clone()));
            prop_assert!(spec.changes_from(&spec).is_empty());
        }

        #[test]
        fn a_general_item_never_exceeds_its_cap(spec in arb_spec(), ratio in 1u16..=10000) {
            let mut d = spec.to_draft();
            d.ratio = Ratio(ratio).to_string();
            match d.validate() {
                Ok(s) => prop_assert!(s.ratio <= s.max_ratio()),
                Err(e) => {
                    prop_assert!(spec.category == ItemCategory::General);
                    prop_assert!(Ratio(ratio) > spec.max_ratio());
                    prop_assert_eq!(e[0].field, "ratio");
                }
            }
        }

        #[test]
        fn legal_basis_text_round_trips(law in "[一-龥]{1,20}", article in "(第[一二三四五六七八九十]{1,3}条)?") {
            let b = LegalBasis { law: law.clone(), article };
            prop_assert_eq!(LegalBasis::parse(&b.to_string()), Ok(b));
        }
    }
}
