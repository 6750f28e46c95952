//! The platform's fixed vocabularies: the words that the rules, the item list
//! and the two directories share, each with a stable ASCII `code` (what the
//! database stores) and its Chinese `label` (what people read and type).
//!
//! Two shapes live here:
//!
//! - closed sets that the regulation itself fixes (信用风险分类 A–D, 项目阶段,
//!   人员状态, 事项类别, 检查方式, 实施层级) are enums with `code()`, `label()`
//!   and a forgiving `parse()` that accepts the code, the label, and the forms
//!   people type into spreadsheets (`A`, `a`, `A类`, `Ａ类`, `A 级`);
//! - open lists that follow the province's item list (企业类别, 专业领域 /
//!   专业执法资格, 执业资格类别) are `const` slices of Chinese terms, derived from
//!   the typical 住建 item list of 24 items (see the project's domain notes), with
//!   lookup functions that also accept common short forms. When the official
//!   Heilongjiang list is published, these slices are the one place to change.

use std::fmt;

/// A text that is not a term of a vocabulary. `Display` is the Chinese message:
/// what was typed, and the allowed terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownTerm {
    /// The vocabulary's Chinese name, e.g. `信用风险分类`.
    pub what: &'static str,
    /// The text as given (trimmed).
    pub value: String,
    /// The labels that would have been accepted.
    pub allowed: &'static [&'static str],
}

impl fmt::Display for UnknownTerm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "\"{}\"不是有效的{}，应为{}之一",
            self.value,
            self.what,
            self.allowed.join("、")
        )
    }
}

impl std::error::Error for UnknownTerm {}

/// The comparison form of a term: no whitespace at all (ASCII, U+3000, …),
/// full-width ASCII letters and digits as ASCII, ASCII letters upper case,
/// and ASCII parentheses as full-width ones (`(岩土)` = `（岩土）`).
pub fn normalize_term(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\u{feff}' | '\u{200b}'))
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            '\u{ff01}'..='\u{ff5e}' if !matches!(c, '（' | '）') => {
                char::from_u32(c as u32 - 0xfee0).map_or(c, |a| a.to_ascii_uppercase())
            }
            _ => c.to_ascii_uppercase(),
        })
        .collect()
}

/// Defines a closed vocabulary: the enum, `ALL`, `LABELS`, `code`, `label`,
/// `parse`, `Display` (the label) and `FromStr` (= `parse`).
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = ($code:literal, $label:literal $(, $alias:literal)* $(,)?) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every term, in the order of the vocabulary.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// The Chinese labels, in the order of [`Self::ALL`] (the drop-down of a template).
            pub const LABELS: &'static [&'static str] = &[$($label),+];
            /// The vocabulary's Chinese name.
            pub const WHAT: &'static str = $what;

            /// The stable ASCII code stored in the database.
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code),+
                }
            }

            /// The Chinese label shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label),+
                }
            }

            /// Other spellings people type for this term.
            fn aliases(self) -> &'static [&'static str] {
                match self {
                    $(Self::$variant => &[$($alias),*]),+
                }
            }

            /// Accepts the code, the label or a known alias, ignoring whitespace,
            /// full-width letters and the case of ASCII letters.
            pub fn parse(raw: &str) -> Result<Self, $crate::vocab::UnknownTerm> {
                let trimmed = raw.trim_matches(|c: char| c.is_whitespace());
                if let Some(t) = Self::ALL.iter().find(|t| t.label() == trimmed || t.code() == trimmed) {
                    return Ok(*t);
                }
                let n = $crate::vocab::normalize_term(trimmed);
                Self::ALL
                    .iter()
                    .find(|t| {
                        $crate::vocab::normalize_term(t.code()) == n
                            || $crate::vocab::normalize_term(t.label()) == n
                            || t.aliases().iter().any(|a| $crate::vocab::normalize_term(a) == n)
                    })
                    .copied()
                    .ok_or_else(|| $crate::vocab::UnknownTerm {
                        what: $what,
                        value: trimmed.to_string(),
                        allowed: Self::LABELS,
                    })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.label())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::vocab::UnknownTerm;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}
pub(crate) use vocabulary;

vocabulary! {
    /// 检查对象类型: what a directory entry (and an item) is about.
    ObjectKind, "检查对象类型" {
        Enterprise = ("enterprise", "企业", "单位", "市场主体"),
        Practitioner = ("practitioner", "从业人员", "注册人员", "注册执业人员", "人员"),
        Project = ("project", "工程项目", "项目"),
    }
}

vocabulary! {
    /// 信用风险分类: the credit-risk class of an object, A (lowest risk) to D.
    RiskClass, "信用风险分类" {
        A = ("A", "A类", "A级"),
        B = ("B", "B类", "B级"),
        C = ("C", "C类", "C级"),
        D = ("D", "D类", "D级"),
    }
}

vocabulary! {
    /// 项目阶段 of an 工程项目.
    ProjectStage, "项目阶段" {
        UnderConstruction = ("under_construction", "在建", "施工中", "在施"),
        Suspended = ("suspended", "停工", "停建", "暂停施工"),
        Completed = ("completed", "竣工", "已竣工", "竣工验收"),
    }
}

vocabulary! {
    /// 状态 of an inspector: only 在岗 inspectors are drawn.
    InspectorStatus, "人员状态" {
        OnDuty = ("on_duty", "在岗", "在职", "正常"),
        OnLeave = ("on_leave", "休假", "请假", "病假"),
        Seconded = ("seconded", "借调", "外借"),
        Transferred = ("transferred", "调离", "离岗"),
    }
}

vocabulary! {
    /// 事项类别: 重点检查事项 (up to 100 %) or 一般检查事项 (under a ratio cap).
    ItemCategory, "事项类别" {
        Key = ("key", "重点", "重点检查事项", "重点事项"),
        General = ("general", "一般", "一般检查事项", "一般事项"),
    }
}

vocabulary! {
    /// 检查方式 (第十九条: 实地核查、书面检查 …).
    InspectionMethod, "检查方式" {
        OnSite = ("on_site", "实地核查", "实地检查", "现场检查", "实地"),
        Documentary = ("documentary", "书面检查", "书面审查", "书面"),
        Testing = ("testing", "检验检测", "抽样检测"),
        Entrusted = ("entrusted", "委托专业机构", "委托专业机构辅助", "委托第三方"),
    }
}

vocabulary! {
    /// 实施层级: which level of the 住建 system carries an item out.
    Level, "实施层级" {
        Province = ("province", "省", "省级", "省本级"),
        City = ("city", "市", "市级", "地市", "地市级"),
        County = ("county", "县", "县级", "县区", "县（市、区）"),
    }
}

/// 是 and 否, the labels of the yes/no columns.
pub const YES_NO: &[&str] = &["是", "否"];

/// A yes/no cell: `是`/`否`, `Y`/`N`, `yes`/`no`, `1`/`0`, `TRUE`/`FALSE`,
/// `√`/`×`, `有`/`无` (whitespace and case ignored). `None` for anything else,
/// including the empty text.
pub fn parse_yes_no(raw: &str) -> Option<bool> {
    match normalize_term(raw).as_str() {
        "是" | "Y" | "YES" | "1" | "TRUE" | "√" | "✓" | "✔" | "有" | "真" => Some(true),
        "否" | "N" | "NO" | "0" | "FALSE" | "×" | "✗" | "✘" | "无" | "假" => Some(false),
        _ => None,
    }
}

/// 企业类别: the kinds of enterprises the 住建 item list inspects, one per object
/// of the typical list of 24 items (建设单位 for the 消防设计审查验收 and
/// 招标投标 items, whose object is the project owner).
pub const ENTERPRISE_KINDS: &[&str] = &[
    "建筑业企业",
    "房地产开发企业",
    "工程监理企业",
    "工程勘察企业",
    "工程设计企业",
    "工程造价咨询企业",
    "房地产经纪机构",
    "房地产估价机构",
    "物业服务企业",
    "建设工程质量检测机构",
    "施工图审查机构",
    "燃气经营企业",
    "预拌混凝土生产企业",
    "建筑起重机械相关单位",
    "建筑垃圾处置企业",
    "排水户",
    "招标代理机构",
    "建设单位",
];

const ENTERPRISE_KIND_ALIASES: &[(&str, &str)] = &[
    ("建筑施工企业", "建筑业企业"),
    ("施工企业", "建筑业企业"),
    ("监理企业", "工程监理企业"),
    ("监理单位", "工程监理企业"),
    ("勘察企业", "工程勘察企业"),
    ("设计企业", "工程设计企业"),
    ("造价咨询企业", "工程造价咨询企业"),
    ("房地产经纪机构及分支机构", "房地产经纪机构"),
    ("物业企业", "物业服务企业"),
    ("物业公司", "物业服务企业"),
    ("质量检测机构", "建设工程质量检测机构"),
    ("检测机构", "建设工程质量检测机构"),
    ("图审机构", "施工图审查机构"),
    ("燃气企业", "燃气经营企业"),
    ("预拌混凝土企业", "预拌混凝土生产企业"),
    ("建筑起重机械产权单位", "建筑起重机械相关单位"),
    ("建筑起重机械使用单位", "建筑起重机械相关单位"),
    ("建筑起重机械安拆单位", "建筑起重机械相关单位"),
    ("建筑垃圾运输企业", "建筑垃圾处置企业"),
    ("建筑垃圾消纳企业", "建筑垃圾处置企业"),
    ("招标代理", "招标代理机构"),
];

/// 专业领域 of an item and 专业执法资格 of an inspector (the same vocabulary, so
/// that items are matched to inspectors). Together they cover the 24 typical
/// items: 资质 and 市场行为 (建筑市场), 安全生产许可 and 起重机械 (施工安全,
/// 建筑起重机械), 监理, 勘察设计, 施工图审查, 房地产开发 and 预售, 经纪 and 估价
/// (房地产市场), 物业, 质量检测, 消防设计审查验收, 燃气, 注册人员, 在建项目
/// (工程质量, 施工安全), 招标投标, 农民工工资, 预拌混凝土 (工程质量), 建筑垃圾,
/// 排水, 造价.
pub const FIELDS: &[&str] = &[
    "建筑市场",
    "工程质量",
    "施工安全",
    "房地产开发",
    "房地产市场",
    "物业管理",
    "勘察设计",
    "施工图审查",
    "工程监理",
    "工程造价",
    "质量检测",
    "城镇燃气",
    "建筑起重机械",
    "消防设计审查验收",
    "建筑垃圾",
    "城镇排水",
    "招标投标",
    "农民工工资",
    "注册执业人员",
];

const FIELD_ALIASES: &[(&str, &str)] = &[
    ("质量", "工程质量"),
    ("质量安全", "工程质量"),
    ("安全", "施工安全"),
    ("安全生产", "施工安全"),
    ("房地产", "房地产市场"),
    ("物业", "物业管理"),
    ("监理", "工程监理"),
    ("造价", "工程造价"),
    ("检测", "质量检测"),
    ("燃气", "城镇燃气"),
    ("起重机械", "建筑起重机械"),
    ("消防", "消防设计审查验收"),
    ("排水", "城镇排水"),
    ("招投标", "招标投标"),
    ("农民工工资支付", "农民工工资"),
    ("注册人员", "注册执业人员"),
];

/// 执业资格类别 of a registered practitioner (注册执业人员).
pub const PRACTITIONER_QUALIFICATIONS: &[&str] = &[
    "一级注册建造师",
    "二级注册建造师",
    "注册监理工程师",
    "一级注册造价工程师",
    "二级注册造价工程师",
    "一级注册建筑师",
    "二级注册建筑师",
    "一级注册结构工程师",
    "注册土木工程师（岩土）",
    "注册房地产估价师",
    "房地产经纪人",
    "其他注册执业人员",
];

const QUALIFICATION_ALIASES: &[(&str, &str)] = &[
    ("一级建造师", "一级注册建造师"),
    ("二级建造师", "二级注册建造师"),
    ("监理工程师", "注册监理工程师"),
    ("一级造价工程师", "一级注册造价工程师"),
    ("二级造价工程师", "二级注册造价工程师"),
    ("一级建筑师", "一级注册建筑师"),
    ("二级建筑师", "二级注册建筑师"),
    ("一级结构工程师", "一级注册结构工程师"),
    ("岩土工程师", "注册土木工程师（岩土）"),
    ("注册岩土工程师", "注册土木工程师（岩土）"),
    ("房地产估价师", "注册房地产估价师"),
];

/// Finds `raw` in `list` (ignoring whitespace, full-width letters, ASCII case
/// and the width of parentheses), or through `aliases` (alias, term).
pub fn find_term(list: &'static [&'static str], aliases: &[(&str, &'static str)], raw: &str) -> Option<&'static str> {
    if let Some(t) = list.iter().find(|t| **t == raw) {
        return Some(t);
    }
    let n = normalize_term(raw);
    if n.is_empty() {
        return None;
    }
    list.iter()
        .copied()
        .find(|t| normalize_term(t) == n)
        .or_else(|| aliases.iter().find(|(a, _)| normalize_term(a) == n).map(|(_, t)| *t))
}

/// The [`ENTERPRISE_KINDS`] term for a typed 企业类别 (e.g. `施工企业` → `建筑业企业`).
pub fn enterprise_kind(raw: &str) -> Option<&'static str> {
    find_term(ENTERPRISE_KINDS, ENTERPRISE_KIND_ALIASES, raw)
}

/// The [`FIELDS`] term for a typed 专业领域 / 专业执法资格 (e.g. `消防` → `消防设计审查验收`).
pub fn field(raw: &str) -> Option<&'static str> {
    find_term(FIELDS, FIELD_ALIASES, raw)
}

/// The [`PRACTITIONER_QUALIFICATIONS`] term for a typed 执业资格类别
/// (e.g. `一级建造师` → `一级注册建造师`).
pub fn practitioner_qualification(raw: &str) -> Option<&'static str> {
    find_term(PRACTITIONER_QUALIFICATIONS, QUALIFICATION_ALIASES, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_vocabularies_parse_codes_labels_and_typed_forms() {
        for s in ["A", "a", "A类", "Ａ类", " a 类\u{3000}", "A级"] {
            assert_eq!(RiskClass::parse(s), Ok(RiskClass::A), "{s}");
        }
        assert_eq!(RiskClass::D.label(), "D类");
        assert_eq!(
            ProjectStage::parse("under_construction"),
            Ok(ProjectStage::UnderConstruction)
        );
        assert_eq!(InspectorStatus::parse("在岗").unwrap().code(), "on_duty");
        assert_eq!(Level::parse("县级"), Ok(Level::County));
        assert_eq!(InspectionMethod::parse("实地检查"), Ok(InspectionMethod::OnSite));
        assert_eq!(ObjectKind::parse("项目"), Ok(ObjectKind::Project));
        let e = RiskClass::parse("E").unwrap_err();
        assert_eq!(e.to_string(), "\"E\"不是有效的信用风险分类，应为A类、B类、C类、D类之一");
    }

    #[test]
    fn codes_and_labels_are_unique_and_round_trip() {
        fn check<T: Copy + PartialEq + fmt::Debug>(
            all: &[T],
            code: fn(T) -> &'static str,
            label: fn(T) -> &'static str,
            parse: fn(&str) -> Result<T, UnknownTerm>,
        ) {
            for &t in all {
                assert!(code(t).is_ascii());
                assert_eq!(parse(code(t)).unwrap(), t);
                assert_eq!(parse(label(t)).unwrap(), t);
            }
        }
        check(ObjectKind::ALL, ObjectKind::code, ObjectKind::label, ObjectKind::parse);
        check(RiskClass::ALL, RiskClass::code, RiskClass::label, RiskClass::parse);
        check(
            ProjectStage::ALL,
            ProjectStage::code,
            ProjectStage::label,
            ProjectStage::parse,
        );
        check(
            InspectorStatus::ALL,
            InspectorStatus::code,
            InspectorStatus::label,
            InspectorStatus::parse,
        );
        check(
            ItemCategory::ALL,
            ItemCategory::code,
            ItemCategory::label,
            ItemCategory::parse,
        );
        check(
            InspectionMethod::ALL,
            InspectionMethod::code,
            InspectionMethod::label,
            InspectionMethod::parse,
        );
        check(Level::ALL, Level::code, Level::label, Level::parse);
    }

    #[test]
    fn yes_no() {
        for s in ["是", "Y", "y", "1", "TRUE", "true", "√", " 是\u{3000}"] {
            assert_eq!(parse_yes_no(s), Some(true), "{s}");
        }
        for s in ["否", "N", "0", "FALSE", "×"] {
            assert_eq!(parse_yes_no(s), Some(false), "{s}");
        }
        assert_eq!(parse_yes_no(""), None);
        assert_eq!(parse_yes_no("可能"), None);
    }

    #[test]
    fn lists_and_aliases() {
        assert_eq!(
            practitioner_qualification("注册土木工程师(岩土)"),
            Some("注册土木工程师（岩土）")
        );
        assert_eq!(practitioner_qualification("一级建造师"), Some("一级注册建造师"));
        assert_eq!(enterprise_kind(" 施工企业 "), Some("建筑业企业"));
        assert_eq!(field("消防"), Some("消防设计审查验收"));
        assert_eq!(field("天文"), None);
        assert_eq!(field(""), None);
        // Every alias points at a real term; no term is listed twice.
        for (aliases, list) in [
            (ENTERPRISE_KIND_ALIASES, ENTERPRISE_KINDS),
            (FIELD_ALIASES, FIELDS),
            (QUALIFICATION_ALIASES, PRACTITIONER_QUALIFICATIONS),
        ] {
            for (_, t) in aliases {
                assert!(list.contains(t), "{t}");
            }
            let mut sorted = list.to_vec();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len());
        }
    }
}
