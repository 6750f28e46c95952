//! What every verifiable draw of the platform shares (spotcheck-draw-v1):
//! choosing the beacon at commit, committing with a fresh secret nonce that
//! is kept sealed with the platform key, restoring a committed draw after a
//! restart, and obtaining the beacon's value at reveal. Objects
//! ([`crate::tasks`]), inspectors and replacements ([`crate::teams`]) go
//! through these same steps, so a record of any kind is made and published
//! the same way.

use crate::{Actor, App, AppError};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use spotcheck_draw::json::Json;
use spotcheck_draw::{BeaconSource, BeaconValue, CommittedDraw, DrawInputs, Nonce, Text};
use spotcheck_store::ConnectionTrait;
use spotcheck_store::tasks::{self, DrawRow, NewDraw};
use utoipa::ToSchema;

/// How far ahead the drand round named at commit lies: the round must not
/// exist yet when the record is published.
pub const DRAND_MARGIN_SECONDS: u64 = 60;

/// The beacon of a draw, chosen at lock time.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct LockInput {
    /// `drand` (default: the first drand quicknet round at least a minute
    /// ahead), `manual` (a public lottery result named in `source`, with the
    /// form of its value), or `none` (no beacon: the record says the draw is
    /// only as trustworthy as the operator).
    #[serde(default)]
    pub beacon: String,
    /// For `manual`: e.g. `中国福利彩票3D 2026-12-01 开奖号码（三位数字，以单个空格分隔）`.
    #[serde(default)]
    pub source: String,
}

#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
pub struct RevealInput {
    /// For a manual beacon: the published value exactly as printed.
    /// For drand in a closed network: the round's signature (hex), copied by hand.
    #[serde(default)]
    pub value: String,
}

pub(crate) fn draw_error(context: &str, errors: Vec<spotcheck_draw::DrawError>) -> AppError {
    let list: Vec<String> = errors.iter().take(5).map(|e| e.to_string()).collect();
    AppError::invalid("draw", format!("{context}：{}", list.join("；")))
}

pub(crate) fn unix(t: DateTime<Utc>) -> u64 {
    u64::try_from(t.timestamp()).unwrap_or(0)
}

/// The beacon named at commit, from the operator's choice.
pub(crate) fn beacon_source(input: &LockInput, now: DateTime<Utc>) -> Result<BeaconSource, AppError> {
    match input.beacon.trim() {
        "" | "drand" => Ok(BeaconSource::drand_quicknet_after(unix(now), DRAND_MARGIN_SECONDS)),
        "none" => Ok(BeaconSource::None),
        "manual" => BeaconSource::parse(input.source.trim()).map_err(|e| {
            AppError::invalid(
                "source",
                format!("随机信标说明无效（{e}）：请写明开奖名称、期号或日期和号码形式，如“中国福利彩票3D 2026-12-01 开奖号码（三位数字，以单个空格分隔）”"),
            )
        }),
        other => Err(AppError::invalid(
            "beacon",
            format!("随机信标“{other}”无效，应为 drand、manual 或 none"),
        )),
    }
}

/// A draw about to be committed: who it belongs to.
pub(crate) struct DrawOwner {
    pub draw_id: String,
    pub task_id: i64,
    pub task_item_id: Option<i64>,
    /// The executing unit of an inspectors or replacement draw.
    pub department_id: Option<i64>,
}

impl App {
    /// Commits a draw inside the caller's transaction: a fresh nonce, the
    /// record stored (and so public) at once, the nonce sealed beside it.
    pub(crate) async fn commit_draw(
        &self,
        tx: &impl ConnectionTrait,
        actor: &Actor,
        owner: DrawOwner,
        source: BeaconSource,
        inputs: DrawInputs,
    ) -> Result<CommittedDraw, AppError> {
        let kind = inputs.kind().as_str().to_string();
        let draw_text = Text::parse(&owner.draw_id).map_err(|_| AppError::Internal("抽取编号无效".into()))?;
        let committed = CommittedDraw::commit_fresh(draw_text, source, inputs)
            .map_err(|e| AppError::Internal(format!("系统随机数不可用：{e}")))?;
        tasks::insert_draw(
            tx,
            NewDraw {
                draw_id: owner.draw_id,
                task_id: owner.task_id,
                task_item_id: owner.task_item_id,
                kind,
                beacon_source: committed.record().beacon_source().as_str().to_string(),
                commitment: committed.record().commitment().to_hex(),
                committed_record: committed.record().to_json(),
                nonce_sealed: self.sealer().seal(&committed.nonce().to_hex()),
                committed_by: actor.user.username.clone(),
                department_id: owner.department_id,
                now: self.now(),
            },
        )
        .await?;
        Ok(committed)
    }

    /// A committed draw as it was at commit, from its published record and
    /// its sealed nonce: what makes a reveal possible after any crash.
    pub(crate) fn restore_draw(&self, d: &DrawRow) -> Result<CommittedDraw, AppError> {
        if d.status != "committed" {
            return Err(AppError::Conflict(format!("抽取{}已经揭晓", d.draw_id)));
        }
        let nonce = Nonce::parse_hex(&self.sealer().open(&d.nonce_sealed)?)
            .map_err(|_| AppError::Internal("抽取的秘密随机数已损坏".into()))?;
        let json = Json::parse(d.committed_record.as_bytes())
            .map_err(|_| AppError::Internal("已公布的抽取记录无法读取".into()))?;
        let parsed =
            spotcheck_draw::record::parse_record(&json).map_err(|e| draw_error("已公布的抽取记录有误", vec![e]))?;
        CommittedDraw::restore(parsed.committed, nonce).map_err(|e| draw_error("无法恢复抽取", vec![e]))
    }

    /// The beacon's value for a reveal: none, a lottery result typed by the
    /// operator (checked against the form named at commit), or the drand
    /// round — fetched and verified, or its signature typed by hand where the
    /// network cannot reach drand.
    pub(crate) async fn beacon_value(
        &self,
        committed: &CommittedDraw,
        input: &RevealInput,
    ) -> Result<BeaconValue, AppError> {
        match committed.source() {
            BeaconSource::None => Ok(BeaconValue::None),
            BeaconSource::Manual { .. } => {
                let v = input.value.trim_matches(|c: char| c == '\n' || c == '\r');
                committed.source().check_manual_value(v).map_err(|e| {
                    AppError::invalid("value", format!("开奖号码与锁定时公布的形式不符（{e}），请按原样填写"))
                })?;
                Ok(BeaconValue::Manual(v.to_string()))
            }
            BeaconSource::DrandQuicknet { round } => {
                let round = *round;
                let due = spotcheck_draw::drand::round_time(round);
                if unix(self.now()) < due {
                    return Err(AppError::Conflict(format!(
                        "锁定时指定的 drand 第{round}轮随机数尚未产生，请在{}后揭晓",
                        crate::actor::local_time_secs(&DateTime::from_timestamp(due as i64, 0).unwrap_or_default())
                    )));
                }
                if input.value.trim().is_empty() {
                    let client = spotcheck_beacon::DrandClient::new()
                        .map_err(|e| AppError::Internal(format!("drand 客户端不可用：{e}")))?;
                    let verified = client.fetch_round(round).await.map_err(|e| {
                        AppError::Conflict(format!(
                            "暂时无法取得 drand 第{round}轮随机数（{e}）。抽取记录和秘密随机数已保存，可稍后重试；在无法访问互联网的网络中，可从 drand 官网抄录该轮签名后填入"
                        ))
                    })?;
                    Ok(BeaconValue::Drand(verified))
                } else {
                    let verified = spotcheck_beacon::verify_manual(round, input.value.trim())
                        .map_err(|e| AppError::invalid("value", format!("drand 第{round}轮签名校验未通过：{e}")))?;
                    Ok(BeaconValue::Drand(verified))
                }
            }
        }
    }
}
