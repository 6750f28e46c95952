//! 全程留痕、责任可溯: the audit trail as a hash chain. Each entry's hash
//! covers its own fields and its predecessor's hash, so changing, removing or
//! reordering any entry breaks every hash after it. This module is the one
//! definition of that hash, used when appending and when verifying.

use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened. The code is stored; the label is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditAction {
    SystemInitialized,
    DemoLoaded,
    Login,
    LoginFailed,
    AccountLocked,
    LoginRefusedLocked,
    Logout,
    PasswordChanged,
    TotpEnrolled,
    TotpDisabled,
    UserCreated,
    UserUpdated,
    UserPasswordReset,
    UserUnlocked,
    UserDeactivated,
    UserReactivated,
    DepartmentCreated,
    DepartmentUpdated,
    AuditExported,
    ItemCreated,
    ItemRevised,
    ItemWithdrawn,
    ObjectCreated,
    ObjectUpdated,
    ObjectDeactivated,
    ObjectReactivated,
    ObjectsImported,
    ObjectsClaimed,
    MasterListLoaded,
    InspectorCreated,
    InspectorUpdated,
    InspectorDeactivated,
    ExpertCreated,
    ExpertUpdated,
    ConflictDeclared,
    ConflictWithdrawn,
    IdNumberViewed,
    DirectoryExported,
    PlanCreated,
    PlanEdited,
    PlanFiled,
    PlanAcknowledged,
    PlanReturned,
    PlanPublished,
    PlanAdjusted,
    TaskCreated,
    TaskItemRatiosSet,
    DrawCommitted,
    DrawRevealed,
    TaskListLocked,
    TaskDispatched,
    TaskMatched,
    ExpertAttached,
    ExpertRemoved,
    ReplacementRequested,
    ReplacementApproved,
    ReplacementRejected,
    InspectorReplaced,
    OutsideInspectionRecorded,
    OutsideInspectionVoided,
    TaskInspectionStarted,
    TaskResultsEntered,
    InspectionPlanRecorded,
    InspectionSaved,
    InspectionClosed,
    InspectionReopened,
    InspectionConfirmed,
    StatementRecorded,
    EvidenceUploaded,
    ResultCategorySaved,
    TaskArchived,
    CalendarYearSet,
    TaskPublished,
    CorrectionRequested,
    CorrectionApproved,
    CorrectionRejected,
    ObjectionReceived,
    ObjectionDecided,
    ObjectionAnswered,
    FollowupRecorded,
}

impl AuditAction {
    pub const ALL: [AuditAction; 80] = [
        AuditAction::SystemInitialized,
        AuditAction::DemoLoaded,
        AuditAction::Login,
        AuditAction::LoginFailed,
        AuditAction::AccountLocked,
        AuditAction::LoginRefusedLocked,
        AuditAction::Logout,
        AuditAction::PasswordChanged,
        AuditAction::TotpEnrolled,
        AuditAction::TotpDisabled,
        AuditAction::UserCreated,
        AuditAction::UserUpdated,
        AuditAction::UserPasswordReset,
        AuditAction::UserUnlocked,
        AuditAction::UserDeactivated,
        AuditAction::UserReactivated,
        AuditAction::DepartmentCreated,
        AuditAction::DepartmentUpdated,
        AuditAction::AuditExported,
        AuditAction::ItemCreated,
        AuditAction::ItemRevised,
        AuditAction::ItemWithdrawn,
        AuditAction::ObjectCreated,
        AuditAction::ObjectUpdated,
        AuditAction::ObjectDeactivated,
        AuditAction::ObjectReactivated,
        AuditAction::ObjectsImported,
        AuditAction::ObjectsClaimed,
        AuditAction::MasterListLoaded,
        AuditAction::InspectorCreated,
        AuditAction::InspectorUpdated,
        AuditAction::InspectorDeactivated,
        AuditAction::ExpertCreated,
        AuditAction::ExpertUpdated,
        AuditAction::ConflictDeclared,
        AuditAction::ConflictWithdrawn,
        AuditAction::IdNumberViewed,
        AuditAction::DirectoryExported,
        AuditAction::PlanCreated,
        AuditAction::PlanEdited,
        AuditAction::PlanFiled,
        AuditAction::PlanAcknowledged,
        AuditAction::PlanReturned,
        AuditAction::PlanPublished,
        AuditAction::PlanAdjusted,
        AuditAction::TaskCreated,
        AuditAction::TaskItemRatiosSet,
        AuditAction::DrawCommitted,
        AuditAction::DrawRevealed,
        AuditAction::TaskListLocked,
        AuditAction::TaskDispatched,
        AuditAction::TaskMatched,
        AuditAction::ExpertAttached,
        AuditAction::ExpertRemoved,
        AuditAction::ReplacementRequested,
        AuditAction::ReplacementApproved,
        AuditAction::ReplacementRejected,
        AuditAction::InspectorReplaced,
        AuditAction::OutsideInspectionRecorded,
        AuditAction::OutsideInspectionVoided,
        AuditAction::TaskInspectionStarted,
        AuditAction::TaskResultsEntered,
        AuditAction::InspectionPlanRecorded,
        AuditAction::InspectionSaved,
        AuditAction::InspectionClosed,
        AuditAction::InspectionReopened,
        AuditAction::InspectionConfirmed,
        AuditAction::StatementRecorded,
        AuditAction::EvidenceUploaded,
        AuditAction::ResultCategorySaved,
        AuditAction::TaskArchived,
        AuditAction::CalendarYearSet,
        AuditAction::TaskPublished,
        AuditAction::CorrectionRequested,
        AuditAction::CorrectionApproved,
        AuditAction::CorrectionRejected,
        AuditAction::ObjectionReceived,
        AuditAction::ObjectionDecided,
        AuditAction::ObjectionAnswered,
        AuditAction::FollowupRecorded,
    ];

    pub fn code(self) -> &'static str {
        use AuditAction::*;
        match self {
            SystemInitialized => "system.initialized",
            DemoLoaded => "system.demo_loaded",
            Login => "auth.login",
            LoginFailed => "auth.login_failed",
            AccountLocked => "auth.account_locked",
            LoginRefusedLocked => "auth.login_refused_locked",
            Logout => "auth.logout",
            PasswordChanged => "auth.password_changed",
            TotpEnrolled => "auth.totp_enrolled",
            TotpDisabled => "auth.totp_disabled",
            UserCreated => "user.created",
            UserUpdated => "user.updated",
            UserPasswordReset => "user.password_reset",
            UserUnlocked => "user.unlocked",
            UserDeactivated => "user.deactivated",
            UserReactivated => "user.reactivated",
            DepartmentCreated => "department.created",
            DepartmentUpdated => "department.updated",
            AuditExported => "audit.exported",
            ItemCreated => "item.created",
            ItemRevised => "item.revised",
            ItemWithdrawn => "item.withdrawn",
            ObjectCreated => "object.created",
            ObjectUpdated => "object.updated",
            ObjectDeactivated => "object.deactivated",
            ObjectReactivated => "object.reactivated",
            ObjectsImported => "object.imported",
            ObjectsClaimed => "object.claimed",
            MasterListLoaded => "object.master_loaded",
            InspectorCreated => "inspector.created",
            InspectorUpdated => "inspector.updated",
            InspectorDeactivated => "inspector.deactivated",
            ExpertCreated => "expert.created",
            ExpertUpdated => "expert.updated",
            ConflictDeclared => "conflict.declared",
            ConflictWithdrawn => "conflict.withdrawn",
            IdNumberViewed => "personal.id_viewed",
            DirectoryExported => "directory.exported",
            PlanCreated => "plan.created",
            PlanEdited => "plan.edited",
            PlanFiled => "plan.filed",
            PlanAcknowledged => "plan.acknowledged",
            PlanReturned => "plan.returned",
            PlanPublished => "plan.published",
            PlanAdjusted => "plan.adjusted",
            TaskCreated => "task.created",
            TaskItemRatiosSet => "task.item_ratios_set",
            DrawCommitted => "draw.committed",
            DrawRevealed => "draw.revealed",
            TaskListLocked => "task.list_locked",
            TaskDispatched => "task.dispatched",
            TaskMatched => "task.matched",
            ExpertAttached => "team.expert_attached",
            ExpertRemoved => "team.expert_removed",
            ReplacementRequested => "replacement.requested",
            ReplacementApproved => "replacement.approved",
            ReplacementRejected => "replacement.rejected",
            InspectorReplaced => "replacement.done",
            OutsideInspectionRecorded => "outside.recorded",
            OutsideInspectionVoided => "outside.voided",
            TaskInspectionStarted => "task.inspection_started",
            TaskResultsEntered => "task.results_entered",
            InspectionPlanRecorded => "inspection.plan_recorded",
            InspectionSaved => "inspection.saved",
            InspectionClosed => "inspection.closed",
            InspectionReopened => "inspection.reopened",
            InspectionConfirmed => "inspection.confirmed",
            StatementRecorded => "inspection.statement_recorded",
            EvidenceUploaded => "evidence.uploaded",
            ResultCategorySaved => "result_category.saved",
            TaskArchived => "task.archived",
            CalendarYearSet => "calendar.year_set",
            TaskPublished => "task.published",
            CorrectionRequested => "correction.requested",
            CorrectionApproved => "correction.approved",
            CorrectionRejected => "correction.rejected",
            ObjectionReceived => "objection.received",
            ObjectionDecided => "objection.decided",
            ObjectionAnswered => "objection.answered",
            FollowupRecorded => "followup.recorded",
        }
    }

    pub fn label(self) -> &'static str {
        use AuditAction::*;
        match self {
            SystemInitialized => "系统初始化",
            DemoLoaded => "载入演示数据",
            Login => "登录成功",
            LoginFailed => "登录失败",
            AccountLocked => "账号锁定",
            LoginRefusedLocked => "锁定期间尝试登录",
            Logout => "退出登录",
            PasswordChanged => "修改密码",
            TotpEnrolled => "绑定动态口令",
            TotpDisabled => "解除动态口令",
            UserCreated => "新增用户",
            UserUpdated => "修改用户",
            UserPasswordReset => "重置密码",
            UserUnlocked => "解除锁定",
            UserDeactivated => "停用用户",
            UserReactivated => "启用用户",
            DepartmentCreated => "新增部门",
            DepartmentUpdated => "修改部门",
            AuditExported => "导出审计记录",
            ItemCreated => "新增抽查事项",
            ItemRevised => "调整抽查事项",
            ItemWithdrawn => "撤销抽查事项",
            ObjectCreated => "新增检查对象",
            ObjectUpdated => "修改检查对象",
            ObjectDeactivated => "停用检查对象",
            ObjectReactivated => "启用检查对象",
            ObjectsImported => "导入名录",
            ObjectsClaimed => "认领检查对象",
            MasterListLoaded => "载入全省名录",
            InspectorCreated => "新增检查人员",
            InspectorUpdated => "修改检查人员",
            InspectorDeactivated => "停用检查人员",
            ExpertCreated => "新增专家",
            ExpertUpdated => "修改专家",
            ConflictDeclared => "登记利害关系",
            ConflictWithdrawn => "撤销利害关系",
            IdNumberViewed => "查看完整身份证号",
            DirectoryExported => "导出名录",
            PlanCreated => "新建年度抽查计划",
            PlanEdited => "修改年度抽查计划",
            PlanFiled => "报备年度抽查计划",
            PlanAcknowledged => "确认计划报备",
            PlanReturned => "退回年度抽查计划",
            PlanPublished => "公开年度抽查计划",
            PlanAdjusted => "调整年度抽查计划",
            TaskCreated => "新建抽查任务",
            TaskItemRatiosSet => "设定分层抽查比例",
            DrawCommitted => "锁定抽取（公布承诺）",
            DrawRevealed => "揭晓抽取结果",
            TaskListLocked => "确认锁定检查对象名单",
            TaskDispatched => "派发检查对象名单",
            TaskMatched => "完成检查人员匹配",
            ExpertAttached => "为检查组添加专家",
            ExpertRemoved => "移出检查组专家",
            ReplacementRequested => "申请调整更换检查人员",
            ReplacementApproved => "批准调整更换检查人员",
            ReplacementRejected => "不批准调整更换检查人员",
            InspectorReplaced => "完成检查人员调整更换",
            OutsideInspectionRecorded => "登记不适用双随机的检查",
            OutsideInspectionVoided => "作废不适用双随机的检查记录",
            TaskInspectionStarted => "任务开始检查",
            TaskResultsEntered => "任务检查结果全部确认",
            InspectionPlanRecorded => "记录检查工作方案",
            InspectionSaved => "保存检查记录",
            InspectionClosed => "提交检查结果待全组签字确认",
            InspectionReopened => "退回修改检查记录",
            InspectionConfirmed => "签字确认检查结果",
            StatementRecorded => "记录权利告知和陈述申辩",
            EvidenceUploaded => "上传执法证据文件",
            ResultCategorySaved => "维护检查结果类别",
            TaskArchived => "抽查任务归档",
            CalendarYearSet => "录入年度放假安排",
            TaskPublished => "公示抽查结果",
            CorrectionRequested => "申请更正已公示结果",
            CorrectionApproved => "批准更正已公示结果",
            CorrectionRejected => "不批准更正已公示结果",
            ObjectionReceived => "受理异议",
            ObjectionDecided => "作出异议复核结论",
            ObjectionAnswered => "反馈异议复核结果",
            FollowupRecorded => "登记后续处置",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// The label of a stored code; codes written by a newer version still show.
    pub fn label_of(code: &str) -> &str {
        Self::parse(code).map(Self::label).unwrap_or(code)
    }
}

/// The fields of one entry that its hash covers, in hash order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditFields {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    /// The username, or the name tried in a failed login, or `system`.
    pub actor: String,
    pub actor_role: String,
    /// The acting department's code ("" for none).
    pub department: String,
    /// The department the target belongs to ("" for none).
    pub target_department: String,
    pub action: String,
    pub target_type: String,
    pub target_id: String,
    pub summary: String,
    pub before_digest: String,
    pub after_digest: String,
    pub client_addr: String,
    pub request_id: String,
}

/// The timestamp as hashed: microseconds, the precision both databases keep.
pub fn hash_time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Truncates a time to the precision that survives a round trip through either database.
pub fn truncate_time(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(t.timestamp_micros()).expect("a current time fits in microseconds")
}

/// The hash of an entry given its predecessor's hash.
pub fn entry_hash(prev_hash: &str, f: &AuditFields) -> String {
    // A JSON array gives every field an unambiguous boundary whatever it contains.
    let fields = serde_json::json!([
        "spotcheck-audit-v1",
        prev_hash,
        f.seq,
        hash_time(&f.occurred_at),
        f.actor_user_id,
        f.actor,
        f.actor_role,
        f.department,
        f.target_department,
        f.action,
        f.target_type,
        f.target_id,
        f.summary,
        f.before_digest,
        f.after_digest,
        f.client_addr,
        f.request_id,
    ]);
    hex::encode(Sha256::digest(fields.to_string().as_bytes()))
}

/// The digest of a record's state before or after a change: SHA-256 of its
/// canonical JSON (object members sorted by name at every level), so the
/// digest does not depend on how the value was built.
pub fn state_digest(value: &serde_json::Value) -> String {
    let mut out = String::new();
    canonical_json(value, &mut out);
    hex::encode(Sha256::digest(out.as_bytes()))
}

fn canonical_json(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut members: Vec<_> = map.iter().collect();
            members.sort_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                canonical_json(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical_json(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Why the chain does not verify, naming the first bad entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainBreak {
    /// An entry's stored hash does not match its fields: it was changed.
    Altered { seq: i64 },
    /// An entry does not point to the hash of the entry before it.
    BrokenLink { seq: i64 },
    /// Sequence numbers are not consecutive: entries were removed or reordered.
    Gap { expected: i64, found: i64 },
    /// The chain ends before the last entry the head records: entries were removed at the end.
    Truncated { expected_last: i64, found_last: i64 },
    /// The recorded head does not match the last entry.
    HeadMismatch { seq: i64 },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => write!(f, "第{seq}条审计记录的内容已被改动（哈希不符）"),
            ChainBreak::BrokenLink { seq } => {
                write!(f, "第{seq}条审计记录与前一条的链接断开（前序哈希不符）")
            }
            ChainBreak::Gap { expected, found } => {
                write!(
                    f,
                    "审计记录序号不连续：应为第{expected}条，实际为第{found}条（记录被删除或调换）"
                )
            }
            ChainBreak::Truncated {
                expected_last,
                found_last,
            } => write!(
                f,
                "审计记录在第{found_last}条后缺失：链头记录最后一条为第{expected_last}条（末尾记录被删除）"
            ),
            ChainBreak::HeadMismatch { seq } => {
                write!(f, "链头与第{seq}条审计记录不符（末尾记录被改动或链头被篡改）")
            }
        }
    }
}

/// A stored entry as the verifier sees it.
pub struct StoredEntry {
    pub fields: AuditFields,
    pub prev_hash: String,
    pub hash: String,
}

/// Verifies entries fed in `seq` order; finish with the recorded head.
pub struct ChainVerifier {
    next_seq: i64,
    prev_hash: String,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            next_seq: 1,
            prev_hash: GENESIS_HASH.to_string(),
        }
    }
}

impl ChainVerifier {
    pub fn feed(&mut self, e: &StoredEntry) -> Result<(), ChainBreak> {
        if e.fields.seq != self.next_seq {
            return Err(ChainBreak::Gap {
                expected: self.next_seq,
                found: e.fields.seq,
            });
        }
        if e.prev_hash != self.prev_hash {
            return Err(ChainBreak::BrokenLink { seq: e.fields.seq });
        }
        if entry_hash(&e.prev_hash, &e.fields) != e.hash {
            return Err(ChainBreak::Altered { seq: e.fields.seq });
        }
        self.next_seq += 1;
        self.prev_hash = e.hash.clone();
        Ok(())
    }

    /// Number of entries verified so far.
    pub fn count(&self) -> i64 {
        self.next_seq - 1
    }

    /// Checks the end of the chain against the head (last seq and hash) the store keeps.
    pub fn finish(&self, head_seq: i64, head_hash: &str) -> Result<i64, ChainBreak> {
        let last = self.count();
        if last < head_seq {
            return Err(ChainBreak::Truncated {
                expected_last: head_seq,
                found_last: last,
            });
        }
        if last > head_seq || self.prev_hash != head_hash {
            return Err(ChainBreak::HeadMismatch { seq: last });
        }
        Ok(last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(seq: i64) -> AuditFields {
        AuditFields {
            seq,
            occurred_at: DateTime::from_timestamp(1_790_000_000, 123_456_000).unwrap(),
            actor_user_id: Some(1),
            actor: "admin".into(),
            actor_role: "province_admin".into(),
            department: "230000".into(),
            target_department: "230102".into(),
            action: AuditAction::UserCreated.code().into(),
            target_type: "user".into(),
            target_id: seq.to_string(),
            summary: "新增用户".into(),
            before_digest: String::new(),
            after_digest: state_digest(&serde_json::json!({"b": 1, "a": 2})),
            client_addr: "127.0.0.1".into(),
            request_id: "r".into(),
        }
    }

    fn chain(n: i64) -> Vec<StoredEntry> {
        let mut prev = GENESIS_HASH.to_string();
        (1..=n)
            .map(|seq| {
                let f = fields(seq);
                let hash = entry_hash(&prev, &f);
                let e = StoredEntry {
                    fields: f,
                    prev_hash: prev.clone(),
                    hash: hash.clone(),
                };
                prev = hash;
                e
            })
            .collect()
    }

    fn verify(entries: &[StoredEntry], head: (i64, &str)) -> Result<i64, ChainBreak> {
        let mut v = ChainVerifier::default();
        for e in entries {
            v.feed(e)?;
        }
        v.finish(head.0, head.1)
    }

    #[test]
    fn intact_chain_verifies() {
        let c = chain(5);
        assert_eq!(verify(&c, (5, &c[4].hash.clone())), Ok(5));
    }

    #[test]
    fn every_kind_of_tampering_is_named() {
        let c = chain(5);
        let head = c[4].hash.clone();
        let mut altered = chain(5);
        altered[2].fields.summary = "改过".into();
        let h = altered[4].hash.clone();
        assert_eq!(verify(&altered, (5, &h)), Err(ChainBreak::Altered { seq: 3 }));

        let mut removed = chain(5);
        removed.remove(1);
        assert_eq!(
            verify(&removed, (5, &head)),
            Err(ChainBreak::Gap { expected: 2, found: 3 })
        );

        let mut swapped = chain(5);
        swapped.swap(1, 2);
        assert!(matches!(verify(&swapped, (5, &head)), Err(ChainBreak::Gap { .. })));

        let truncated = chain(5).into_iter().take(4).collect::<Vec<_>>();
        assert_eq!(
            verify(&truncated, (5, &head)),
            Err(ChainBreak::Truncated {
                expected_last: 5,
                found_last: 4
            })
        );

        // Rehashing one entry after changing it still breaks the next link.
        let mut rehashed = chain(5);
        rehashed[1].fields.actor = "someone".into();
        rehashed[1].hash = entry_hash(&rehashed[1].prev_hash, &rehashed[1].fields);
        assert_eq!(verify(&rehashed, (5, &head)), Err(ChainBreak::BrokenLink { seq: 3 }));
    }

    #[test]
    fn digest_ignores_member_order() {
        let a = serde_json::json!({"a": 1, "b": [1, 2]});
        let b: serde_json::Value = serde_json::from_str(r#"{"b":[1,2],"a":1}"#).unwrap();
        assert_eq!(state_digest(&a), state_digest(&b));
    }

    #[test]
    fn action_codes_are_unique() {
        let mut codes: Vec<_> = AuditAction::ALL.iter().map(|a| a.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), AuditAction::ALL.len());
    }
}
