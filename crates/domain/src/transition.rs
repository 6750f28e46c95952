//! The refusal of a status change, shared by the status machines of
//! [`crate::plan`] (年度抽查计划) and [`crate::task`] (抽查任务). Each machine
//! keeps its table of allowed changes in one function; this is only the
//! message it gives when a change is not in the table.

use std::fmt;

/// An action that the current status does not allow. `Display` is the Chinese
/// message for the user: what was asked, in which status, and what is possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransitionError {
    /// What has the status, e.g. `年度抽查计划` or `抽查任务`.
    pub what: &'static str,
    /// The label of the current status, e.g. `已报备`.
    pub from: &'static str,
    /// The label of the refused action, e.g. `修改`.
    pub action: &'static str,
    /// The labels of the actions the current status allows (empty at the end of the life).
    pub allowed: Vec<&'static str>,
}

impl fmt::Display for TransitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}当前状态为“{}”，不能执行“{}”操作",
            self.what, self.from, self.action
        )?;
        if self.allowed.is_empty() {
            f.write_str("（该状态下不能再执行任何操作）")
        } else {
            write!(f, "（当前可执行：{}）", self.allowed.join("、"))
        }
    }
}

impl std::error::Error for TransitionError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message() {
        let e = TransitionError {
            what: "抽查任务",
            from: "草稿",
            action: "派发",
            allowed: vec!["修改", "锁定名单"],
        };
        assert_eq!(
            e.to_string(),
            "抽查任务当前状态为“草稿”，不能执行“派发”操作（当前可执行：修改、锁定名单）"
        );
        let end = TransitionError { allowed: vec![], ..e };
        assert!(end.to_string().ends_with("（该状态下不能再执行任何操作）"));
    }
}
