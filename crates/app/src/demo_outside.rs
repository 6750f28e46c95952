//! Demo data: three inspections outside 双随机 (第三条) by the 哈尔滨市 department
//! in the autumn of 2026 — a complaint that proved unfounded (符合 for a 一般
//! item, so 第十二条 spares the object that item for the rest of the year), a
//! special campaign the city deployed, and the checks after a safety incident.
//!
//! Recorded through the use case as the demo's department administrator, so
//! they are validated and audited like any other record. Loaded once.

use crate::outside::{NewOutsideInput, OutsideItemInput};
use crate::{App, AppError};
use chrono::NaiveDate;
use spotcheck_domain::item::ItemStatus;
use spotcheck_store::items::{self, ItemFilter};
use spotcheck_store::objects::{self, ObjectFilter};
use spotcheck_store::outside::{self, OutsideFilter};

struct DemoOutside {
    reason: &'static str,
    basis: &'static str,
    /// Day of 2026 (month, day); today if that is still ahead.
    date: (u32, u32),
    /// The 企业类别 of the enterprise inspected.
    enterprise_kind: &'static str,
    /// (item name, result)
    items: &'static [(&'static str, &'static str)],
    inspectors: &'static str,
    note: &'static str,
}

const RECORDS: &[DemoOutside] = &[
    DemoOutside {
        reason: "complaint_or_discovery",
        basis: "12345政务服务便民热线工单 HRB2026091400321（业主投诉公共收益未公示）",
        date: (9, 16),
        enterprise_kind: "物业服务企业",
        items: &[("物业服务企业服务行为检查", "compliant")],
        inspectors: "赵明（执法证号 23010020190001）、马骏（执法证号 23010020190002）",
        note: "经现场核查，公共收益已按季度在小区公告栏公示，投诉反映的问题不属实，已答复投诉人。",
    },
    DemoOutside {
        reason: "superior_deployment",
        basis: "《哈尔滨市住房和城乡建设局关于开展房地产开发企业违法违规行为专项整治的通知》（哈建发〔2026〕45号）",
        date: (10, 21),
        enterprise_kind: "房地产开发企业",
        items: &[
            ("房地产开发企业资质检查", "compliant"),
            ("商品房预售及预售资金监管检查", "noncompliant"),
        ],
        inspectors: "赵明（执法证号 23010020190001）、马骏（执法证号 23010020190002）",
        note: "预售资金未全部存入监管账户，已责令限期整改。",
    },
    DemoOutside {
        reason: "safety_incident",
        basis: "2026年11月3日在建项目塔式起重机附着装置失稳事件（哈建安快报〔2026〕7号）",
        date: (11, 5),
        enterprise_kind: "建筑业企业",
        items: &[
            ("建筑施工企业安全生产许可证动态核查", "noncompliant"),
            ("建筑工人实名制及农民工工资支付检查", "not_applicable"),
        ],
        inspectors: "赵明（执法证号 23010020190001）、马骏（执法证号 23010020190002）、专家 王立（哈尔滨市建设工程质量安全监督站）",
        note: "专职安全生产管理人员配备不足，已移交执法支队立案调查。",
    },
];

impl App {
    /// Loads the demo records unless the 哈尔滨市 department has records already.
    pub(crate) async fn load_demo_outside(&self) -> Result<usize, AppError> {
        let db = self.store().conn();
        let Some(harbin) = self.demo_actor("hrb_admin").await? else {
            return Ok(0);
        };
        let scope = harbin.jurisdiction();
        if outside::list_in(db, &scope, &OutsideFilter::default(), 1, 1).await?.1 > 0 {
            return Ok(0);
        }
        let (current, _) = items::list_current(db, &ItemFilter::default(), 1, 10_000).await?;
        let filter = ObjectFilter {
            kind: Some("enterprise".into()),
            department_id: Some(harbin.department.id),
            active: Some(true),
            ..Default::default()
        };
        let (enterprises, _) = objects::list_in(db, &scope, &filter, 1, 200).await?;
        let today = self.today();
        let mut added = 0;
        for r in RECORDS {
            let Some(object) = enterprises
                .iter()
                .find(|o| o.data.enterprise_kinds.iter().any(|k| k == r.enterprise_kind))
            else {
                continue;
            };
            let mut results = Vec::new();
            for (name, result) in r.items {
                if let Some((_, v)) = current
                    .iter()
                    .find(|(_, v)| v.spec.name == *name && v.status == ItemStatus::Published)
                {
                    results.push(OutsideItemInput {
                        item_version_id: v.id,
                        result: result.to_string(),
                    });
                }
            }
            if results.is_empty() {
                continue;
            }
            let date = NaiveDate::from_ymd_opt(2026, r.date.0, r.date.1)
                .expect("valid demo date")
                .min(today);
            self.record_outside_inspection(
                &harbin,
                &NewOutsideInput {
                    object_id: Some(object.id),
                    reason: r.reason.into(),
                    basis: r.basis.into(),
                    inspection_date: date.to_string(),
                    inspectors: r.inspectors.into(),
                    note: r.note.into(),
                    items: results,
                    ..Default::default()
                },
            )
            .await?;
            added += 1;
        }
        Ok(added)
    }
}
