//! 归口部门 and 执行单位: who acts on the platform. Every division has its
//! 住房和城乡建设 department; a department may have executing units under it
//! (执法支队, 质量安全监督站 …) that inspect on its behalf.

use crate::division::DivisionCode;
use std::fmt;

/// A department's stable code: the division code for the 归口部门 of a
/// division (`230102`), the division code and a two-digit suffix for a unit
/// under it (`230102-01`). Codes never change once issued, so they can appear
/// in URLs, exports and published records.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DepartmentCode(String);

impl DepartmentCode {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim();
        let (division, suffix) = match s.split_once('-') {
            Some((d, u)) => (d, Some(u)),
            None => (s, None),
        };
        DivisionCode::parse(division).map_err(|e| format!("部门编码\"{s}\"无效：{e}"))?;
        if let Some(u) = suffix
            && (u.len() != 2 || !u.bytes().all(|b| b.is_ascii_digit()) || u == "00")
        {
            return Err(format!(
                "部门编码\"{s}\"无效：下属单位编码为区划代码加\"-\"和两位序号（01–99），如230102-01"
            ));
        }
        Ok(Self(s.to_string()))
    }

    /// The competent department of a division.
    pub fn for_division(code: &DivisionCode) -> Self {
        Self(code.as_str().to_string())
    }

    /// The `n`th executing unit under the competent department of `division`.
    pub fn unit(division: &DivisionCode, n: u8) -> Result<Self, String> {
        if !(1..=99).contains(&n) {
            return Err("下属单位序号应在01–99之间".to_string());
        }
        Ok(Self(format!("{}-{n:02}", division.as_str())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn division(&self) -> DivisionCode {
        DivisionCode::parse(&self.0[..6]).expect("a parsed department code starts with a division code")
    }

    pub fn is_unit(&self) -> bool {
        self.0.contains('-')
    }
}

impl fmt::Display for DepartmentCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// 归口部门 (the division's 住建 department) or 执行单位 under it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepartmentKind {
    Competent,
    ExecutingUnit,
}

impl DepartmentKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Competent => "competent",
            Self::ExecutingUnit => "unit",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "competent" => Some(Self::Competent),
            "unit" => Some(Self::ExecutingUnit),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Competent => "归口部门",
            Self::ExecutingUnit => "执行单位",
        }
    }
}

/// The name of a division's 住建 department: the province has a 厅, the others a 局.
pub fn competent_department_name(division_name: &str, is_province: bool) -> String {
    if is_province {
        format!("{division_name}住房和城乡建设厅")
    } else {
        format!("{division_name}住房和城乡建设局")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        let d = DepartmentCode::parse(" 230102-01 ").unwrap();
        assert!(d.is_unit());
        assert_eq!(d.division().as_str(), "230102");
        assert!(!DepartmentCode::parse("230102").unwrap().is_unit());
        assert!(DepartmentCode::parse("230102-1").is_err());
        assert!(DepartmentCode::parse("230102-00").is_err());
        assert!(DepartmentCode::parse("23010x").is_err());
        let div = DivisionCode::parse("230100").unwrap();
        assert_eq!(DepartmentCode::unit(&div, 3).unwrap().as_str(), "230100-03");
    }
}
