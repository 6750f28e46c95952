//! 管辖范围: a user acts for its own department and every department below
//! it; the province sees everything. The tree is stored as a materialised path
//! (`/230000/230100/230102/`) on each department, so "inside my jurisdiction"
//! is one prefix test here and one indexed prefix condition in SQL.

use crate::department::DepartmentCode;

/// The jurisdiction of one department: its path in the department tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jurisdiction {
    path: String,
}

impl Jurisdiction {
    /// `path` must be a department path as built by [`child_path`].
    pub fn new(path: impl Into<String>) -> Self {
        let path = path.into();
        debug_assert!(path.starts_with('/') && path.ends_with('/'));
        Self { path }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// True when the department with `department_path` is inside this jurisdiction.
    pub fn contains(&self, department_path: &str) -> bool {
        department_path.starts_with(&self.path)
    }

    /// The SQL `LIKE` pattern that matches every department path inside.
    /// Codes hold only digits and `-`, so no escaping is needed.
    pub fn like_pattern(&self) -> String {
        format!("{}%", self.path)
    }
}

/// The path of a department whose parent has `parent_path` (None for the root).
pub fn child_path(parent_path: Option<&str>, code: &DepartmentCode) -> String {
    format!("{}{}/", parent_path.unwrap_or("/"), code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> DepartmentCode {
        DepartmentCode::parse(s).unwrap()
    }

    #[test]
    fn nested_paths() {
        let province = child_path(None, &code("230000"));
        let harbin = child_path(Some(&province), &code("230100"));
        let daoli = child_path(Some(&harbin), &code("230102"));
        let unit = child_path(Some(&harbin), &code("230100-01"));
        let qiqihar = child_path(Some(&province), &code("230200"));
        assert_eq!(daoli, "/230000/230100/230102/");
        let h = Jurisdiction::new(harbin.clone());
        assert!(h.contains(&daoli) && h.contains(&unit) && h.contains(&harbin));
        assert!(!h.contains(&qiqihar) && !h.contains(&province));
        assert!(!Jurisdiction::new(daoli).contains(&unit));
        assert!(Jurisdiction::new(province).contains(&qiqihar));
    }

    #[test]
    fn a_code_is_not_a_prefix_of_its_neighbour() {
        // 230100 must not contain 2301001… style codes by string accident:
        // the trailing slash makes the prefix exact.
        let a = child_path(None, &code("230100"));
        let b = child_path(None, &code("230100-01"));
        assert!(!Jurisdiction::new(a).contains(&b));
    }
}
