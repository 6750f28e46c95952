//! 行政区划 (GB/T 2260): the administrative divisions of Heilongjiang that the
//! platform's departments and objects belong to. The shipped table is data,
//! not code: `data/heilongjiang-divisions.csv`, embedded in the binary.

use std::fmt;

/// A six-digit GB/T 2260 division code such as `230102` (道里区).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DivisionCode(String);

impl DivisionCode {
    /// Parses a code, trimming surrounding spaces; six ASCII digits, not all zero.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("行政区划代码应为6位数字，实际为\"{s}\""));
        }
        if s == "000000" {
            return Err("行政区划代码不能为000000".to_string());
        }
        Ok(Self(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code prefix that every division inside this one shares: `23` for a
    /// province, `2301` for a prefecture, the whole code for a county.
    pub fn prefix(&self) -> &str {
        let s = self.0.as_str();
        if s.ends_with("0000") {
            &s[..2]
        } else if s.ends_with("00") {
            &s[..4]
        } else {
            s
        }
    }

    /// True when `other` is this division or lies inside it.
    pub fn contains(&self, other: &DivisionCode) -> bool {
        other.0.starts_with(self.prefix())
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 省 / 地级 / 县级.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DivisionLevel {
    Province,
    Prefecture,
    County,
}

impl DivisionLevel {
    pub fn code(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::Prefecture => "prefecture",
            Self::County => "county",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "province" => Some(Self::Province),
            "prefecture" => Some(Self::Prefecture),
            "county" => Some(Self::County),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Province => "省级",
            Self::Prefecture => "市级",
            Self::County => "县级",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Division {
    pub code: DivisionCode,
    pub name: String,
    pub level: DivisionLevel,
    pub parent: Option<DivisionCode>,
}

/// The divisions shipped with the platform.
pub const HEILONGJIANG_CSV: &str = include_str!("../../../data/heilongjiang-divisions.csv");

/// Parses a `code,name,level,parent` table; parents must come before children
/// and the tree must have exactly one root.
pub fn parse_divisions(csv: &str) -> Result<Vec<Division>, String> {
    let mut out: Vec<Division> = Vec::new();
    for (i, line) in csv.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || (i == 0 && line.starts_with("code,")) {
            continue;
        }
        let cols: Vec<&str> = line.split(',').collect();
        if cols.len() != 4 {
            return Err(format!(
                "第{line_no}行应有4列（代码,名称,层级,上级），实际{}列",
                cols.len()
            ));
        }
        let code = DivisionCode::parse(cols[0]).map_err(|e| format!("第{line_no}行：{e}"))?;
        let level =
            DivisionLevel::parse(cols[2].trim()).ok_or_else(|| format!("第{line_no}行：层级\"{}\"无效", cols[2]))?;
        let parent = if cols[3].trim().is_empty() {
            None
        } else {
            let p = DivisionCode::parse(cols[3]).map_err(|e| format!("第{line_no}行上级：{e}"))?;
            if !out.iter().any(|d| d.code == p) {
                return Err(format!("第{line_no}行：上级区划{p}未在此前出现"));
            }
            Some(p)
        };
        if out.iter().any(|d| d.code == code) {
            return Err(format!("第{line_no}行：区划代码{code}重复"));
        }
        out.push(Division {
            code,
            name: cols[1].trim().to_string(),
            level,
            parent,
        });
    }
    if out.iter().filter(|d| d.parent.is_none()).count() != 1 {
        return Err("区划表必须恰好有一个顶级区划".to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_table_is_the_heilongjiang_tree() {
        let all = parse_divisions(HEILONGJIANG_CSV).unwrap();
        let count = |l| all.iter().filter(|d| d.level == l).count();
        assert_eq!(count(DivisionLevel::Province), 1);
        assert_eq!(count(DivisionLevel::Prefecture), 13);
        assert_eq!(count(DivisionLevel::County), 121);
        // Every county sits inside its prefecture by code as well as by parent.
        for d in &all {
            if let Some(p) = &d.parent {
                assert!(p.contains(&d.code), "{} not inside {}", d.code, p);
            }
        }
    }

    #[test]
    fn prefixes_nest() {
        let p = DivisionCode::parse("230000").unwrap();
        let c = DivisionCode::parse("230100").unwrap();
        let k = DivisionCode::parse("230102").unwrap();
        let other = DivisionCode::parse("230202").unwrap();
        assert!(p.contains(&k) && c.contains(&k) && k.contains(&k));
        assert!(!c.contains(&other) && !k.contains(&c));
    }

    #[test]
    fn bad_codes_are_refused_in_chinese() {
        assert!(DivisionCode::parse("23010").unwrap_err().contains("6位"));
        assert!(DivisionCode::parse("2301a2").is_err());
        assert!(parse_divisions("230000,省,province,\n230100,市,prefecture,239900\n").is_err());
    }
}
