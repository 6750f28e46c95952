//! Demo data: a realistic 住建 随机抽查事项清单 of 25 items, with version
//! history on four of them. Loading twice adds nothing.
//!
//! TYPICAL, NOT OFFICIAL. The item names, objects, check points and the laws
//! cited follow standard MOHURD and provincial practice (the typical list of 24
//! in the project's domain notes); the 重点/一般 category, the ratios, the caps
//! and the levels are typical values, NOT Heilongjiang's published list.
//! Replace them with the official 黑龙江省住房和城乡建设厅随机抽查事项清单 once it
//! is obtained. Every item goes through the same validation as one typed by
//! the province.

use crate::audit::By;
use crate::{App, AppError, RequestMeta};
use chrono::NaiveDate;
use spotcheck_domain::item::{CheckItemDraft, ItemStatus};
use spotcheck_store::items;
use spotcheck_store::{StoreError, departments};

/// An adjustment published after the first version.
struct Adjustment {
    effective: &'static str,
    reason: &'static str,
    /// What changes in the content (nothing for a withdrawal).
    change: fn(&mut CheckItemDraft),
    withdraw: bool,
}

struct DemoItem {
    name: &'static str,
    sub_item: &'static str,
    category: &'static str,
    object_kind: &'static str,
    enterprise_kinds: &'static [&'static str],
    check_points: &'static [&'static str],
    methods: &'static [&'static str],
    ratio: &'static str,
    ratio_cap: &'static str,
    frequency: &'static str,
    levels: &'static [&'static str],
    legal_basis: &'static [&'static str],
    fields: &'static [&'static str],
    effective: &'static str,
    adjustments: &'static [Adjustment],
}

impl DemoItem {
    fn draft(&self) -> CheckItemDraft {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        CheckItemDraft {
            name: self.name.to_string(),
            sub_item: self.sub_item.to_string(),
            category: self.category.to_string(),
            object_kind: self.object_kind.to_string(),
            enterprise_kinds: v(self.enterprise_kinds),
            check_points: v(self.check_points),
            methods: v(self.methods),
            ratio: self.ratio.to_string(),
            ratio_cap: self.ratio_cap.to_string(),
            frequency: self.frequency.to_string(),
            levels: v(self.levels),
            legal_basis: v(self.legal_basis),
            fields: v(self.fields),
        }
    }
}

const ANNUAL: &str = "每年一次";
const LIST_2024: &str = "2024-03-01";

const ITEMS: &[DemoItem] = &[
    DemoItem {
        name: "建筑业企业资质动态核查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["建筑业企业"],
        check_points: &[
            "注册建造师等注册人员的数量和专业是否满足资质标准要求",
            "技术负责人、中级以上职称人员是否与企业签订劳动合同并由企业缴纳社会保险",
            "申报资质时的工程业绩是否真实，与合同、竣工验收资料是否一致",
            "是否超越本企业资质等级或者范围承揽工程",
            "资质证书是否存在涂改、伪造、出借、转让等情形",
            "企业名称、注册地址、法定代表人等发生变更后是否按规定办理资质证书变更手续",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "5%",
        ratio_cap: "",
        frequency: ANNUAL,
        levels: &["省", "市", "县"],
        legal_basis: &[
            "《建筑法》第十三条",
            "《建筑业企业资质管理规定》（住建部令第22号）第二十四条",
        ],
        fields: &["建筑市场"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "建筑施工企业安全生产许可证动态核查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["建筑业企业"],
        check_points: &[
            "安全生产责任制度、安全生产规章制度和操作规程是否健全",
            "主要负责人、项目负责人、专职安全生产管理人员是否取得安全生产考核合格证书",
            "是否设置安全生产管理机构并按规定配备专职安全生产管理人员",
            "安全生产费用是否按规定提取和使用",
            "特种作业人员是否经专门培训并取得特种作业操作资格证书",
            "是否依法参加工伤保险，为施工现场从事危险作业人员办理意外伤害保险",
            "是否制定生产安全事故应急救援预案并定期组织演练",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "5%",
        ratio_cap: "",
        frequency: ANNUAL,
        levels: &["省"],
        legal_basis: &[
            "《安全生产许可证条例》第十四条",
            "《建筑施工企业安全生产许可证管理规定》（建设部令第128号）第四条",
        ],
        fields: &["施工安全"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "工程监理企业资质及监理行为检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["工程监理企业"],
        check_points: &[
            "注册监理工程师的数量和专业是否满足资质标准",
            "项目监理机构总监理工程师、专业监理工程师是否到岗履职",
            "是否按规定编制监理规划和监理实施细则",
            "是否对危险性较大的分部分项工程实施专项巡视检查",
            "旁站、平行检验、见证取样等监理记录是否真实完整",
            "是否转让监理业务，或者允许其他单位、个人以本企业名义承揽监理业务",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "5%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省", "市"],
        legal_basis: &[
            "《建设工程质量管理条例》第三十四条至第三十八条",
            "《工程监理企业资质管理规定》（建设部令第158号）",
        ],
        fields: &["工程监理"],
        effective: LIST_2024,
        adjustments: &[Adjustment {
            effective: "2026-01-01",
            reason: "2025年度抽查发现在建项目监理人员不到岗、监理记录补做等问题较多，\
                     省住建厅将本事项比例上限由5%调整为10%，抽查比例调整为8%，并增加监理人员实名考勤核查要点",
            change: |d| {
                d.ratio = "8%".into();
                d.ratio_cap = "10%".into();
                d.check_points
                    .push("项目监理人员实名考勤记录与监理日志、旁站记录是否一致".into());
            },
            withdraw: false,
        }],
    },
    DemoItem {
        name: "工程勘察设计企业资质检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["工程勘察企业", "工程设计企业"],
        check_points: &[
            "注册执业人员和主要专业技术人员是否满足资质标准",
            "技术装备及质量管理体系是否满足资质标准要求",
            "勘察、设计文件是否符合工程建设强制性标准",
            "注册执业人员是否在本单位执业并在勘察、设计文件上签字盖章",
            "是否超越资质等级承揽业务，或者转包、违法分包勘察设计业务",
        ],
        methods: &["书面检查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省"],
        legal_basis: &[
            "《建设工程勘察设计管理条例》第七条、第八条",
            "《建设工程勘察设计资质管理规定》（建设部令第160号）",
        ],
        fields: &["勘察设计"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "房地产开发企业资质检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["房地产开发企业"],
        check_points: &[
            "资质证书是否在有效期内，是否按核定的资质等级承担开发项目",
            "专业管理人员和注册执业人员是否满足资质条件",
            "是否按规定填写并报送《房地产开发项目手册》",
            "是否执行住宅质量保证书和住宅使用说明书制度",
            "商品房销售和广告宣传中是否存在违规行为",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省", "市"],
        legal_basis: &[
            "《城市房地产管理法》第三十条",
            "《城市房地产开发经营管理条例》第九条",
            "《房地产开发企业资质管理规定》",
        ],
        fields: &["房地产开发"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "商品房预售及预售资金监管检查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["房地产开发企业"],
        check_points: &[
            "是否取得商品房预售许可证后方进行预售",
            "预售款项是否全部存入预售资金监管账户",
            "预售资金使用是否符合监管协议约定的工程进度节点",
            "销售现场是否公示预售许可证、销售价格和可售房源",
            "是否存在未取得预售许可收取定金、认购款或者虚假宣传等行为",
            "商品房买卖合同是否按规定网签备案",
        ],
        methods: &["实地核查", "书面检查"],
        ratio: "10%",
        ratio_cap: "",
        frequency: "每半年一次",
        levels: &["市", "县"],
        legal_basis: &[
            "《城市房地产管理法》第四十五条",
            "《城市商品房预售管理办法》第六条、第十一条",
        ],
        fields: &["房地产市场"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "房地产经纪机构经营行为检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["房地产经纪机构"],
        check_points: &[
            "是否按规定办理备案，备案信息是否与实际经营情况一致",
            "经营场所是否公示营业执照、备案证明、服务项目及收费标准",
            "从业的房地产经纪人员是否实名登记",
            "是否使用规范的房地产经纪服务合同",
            "交易资金是否通过监管账户划转，有无挪用、截留",
            "是否发布虚假房源信息或者哄抬房价",
        ],
        methods: &["实地核查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["市", "县"],
        legal_basis: &["《房地产经纪管理办法》第十一条、第二十五条"],
        fields: &["房地产市场"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "房地产估价机构检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["房地产估价机构"],
        check_points: &[
            "是否按规定备案，注册房地产估价师人数是否符合要求",
            "估价报告是否由注册房地产估价师签名并加盖机构印章",
            "估价报告是否符合房地产估价规范，估价依据是否充分",
            "估价档案是否按规定保存",
            "是否出具虚假或者有重大遗漏的估价报告",
        ],
        methods: &["书面检查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省", "市"],
        legal_basis: &["《资产评估法》", "《房地产估价机构管理办法》（建设部令第142号）"],
        fields: &["房地产市场"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "物业服务企业服务行为检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["物业服务企业"],
        check_points: &[
            "物业服务合同是否依法签订并全面履行",
            "服务内容、服务标准、收费项目和收费标准是否在物业管理区域显著位置公示",
            "共用部位、共用设施设备经营收益是否按规定公示和使用",
            "消防车通道是否畅通，消防设施设备是否定期维护保养",
            "电梯、二次供水等共用设施设备是否按规定维护和检测",
            "物业服务合同终止后是否按规定退出物业管理区域并办理交接",
        ],
        methods: &["实地核查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["市", "县"],
        legal_basis: &["《民法典》第九百三十七条至第九百五十条", "《物业管理条例》"],
        fields: &["物业管理"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "建设工程质量检测机构检查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["建设工程质量检测机构"],
        check_points: &[
            "检测机构资质是否在有效期内，检测业务是否超出资质范围",
            "检测人员、仪器设备、检测场所是否满足资质标准",
            "检测报告是否真实，检测数据是否可追溯，是否出具虚假检测报告",
            "见证取样、样品收样、留样和管理是否规范",
            "检测设备是否按规定检定、校准并在有效期内",
            "检测结果不合格的，是否按规定及时报告",
            "检测原始记录是否完整，是否按规定使用检测管理信息系统",
        ],
        methods: &["书面检查", "实地核查", "检验检测"],
        ratio: "15%",
        ratio_cap: "",
        frequency: ANNUAL,
        levels: &["省", "市"],
        legal_basis: &[
            "《建设工程质量管理条例》第三十一条",
            "《建设工程质量检测管理办法》（住建部令第57号）",
        ],
        fields: &["质量检测"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "施工图审查机构检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["施工图审查机构"],
        check_points: &[
            "审查人员是否具备相应注册执业资格并满足数量要求",
            "是否按规定内容审查，有无违反强制性条文仍出具审查合格书",
            "审查意见是否明确，审查记录是否完整",
            "审查时限是否符合规定",
            "审查合格的施工图是否按规定加盖审查专用章并存档",
        ],
        methods: &["书面检查"],
        ratio: "10%",
        ratio_cap: "20%",
        frequency: ANNUAL,
        levels: &["省"],
        legal_basis: &[
            "《建设工程质量管理条例》第十一条",
            "《房屋建筑和市政基础设施工程施工图设计文件审查管理办法》（住建部令第13号）第十一条",
        ],
        fields: &["施工图审查"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "建设工程消防设计审查验收检查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["建设单位"],
        check_points: &[
            "特殊建设工程是否依法申请消防设计审查和消防验收",
            "其他建设工程是否在竣工验收合格后按规定办理消防验收备案",
            "建设单位是否组织消防查验，查验记录是否完整",
            "消防设施、防火分隔、安全疏散等是否与审查合格的消防设计文件一致",
            "消防产品和有防火性能要求的建筑材料是否符合设计要求",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "10%",
        ratio_cap: "",
        frequency: ANNUAL,
        levels: &["市", "县"],
        legal_basis: &[
            "《消防法》第十条至第十三条",
            "《建设工程消防设计审查验收管理暂行规定》（住建部令第51号）",
        ],
        fields: &["消防设计审查验收"],
        effective: "2022-03-01",
        adjustments: &[Adjustment {
            effective: "2023-10-30",
            reason: "《住房和城乡建设部关于修改〈建设工程消防设计审查验收管理暂行规定〉的决定》\
                     （住建部令第58号）自2023年10月30日起施行，更新检查依据，并增加备案抽查发现问题整改情况的检查要点",
            change: |d| {
                d.legal_basis = vec![
                    "《消防法》第十条至第十三条".into(),
                    "《建设工程消防设计审查验收管理暂行规定》（住建部令第51号，住建部令第58号修改）".into(),
                ];
                d.check_points
                    .push("备案抽查中发现的问题是否已责令整改并复查合格".into());
            },
            withdraw: false,
        }],
    },
    DemoItem {
        name: "城镇燃气经营许可检查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["燃气经营企业"],
        check_points: &[
            "是否取得燃气经营许可证并在许可范围内经营",
            "主要负责人、安全生产管理人员以及运行、维护和抢修人员是否经专业培训并考核合格",
            "气源是否稳定、合法，燃气设施是否符合国家标准",
            "是否建立并落实安全管理制度和燃气安全事故应急预案",
            "是否定期对用户燃气设施进行安全检查并指导安全用气",
            "是否向未取得燃气经营许可证的单位或者个人提供用于经营的燃气",
        ],
        methods: &["实地核查"],
        ratio: "10%",
        ratio_cap: "",
        frequency: "每半年一次",
        levels: &["市", "县"],
        legal_basis: &["《城镇燃气管理条例》第十五条", "《燃气经营许可管理办法》"],
        fields: &["城镇燃气"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "注册建造师执业行为检查",
        sub_item: "",
        category: "一般",
        object_kind: "从业人员",
        enterprise_kinds: &[],
        check_points: &[
            "注册单位与实际受聘单位、社会保险缴纳单位是否一致（有无“挂证”）",
            "是否在担任项目负责人的在建工程项目现场履职",
            "是否同时担任两个及以上在建工程项目的项目负责人",
            "签章文件是否由本人签署，执业印章使用是否规范",
            "是否按规定完成继续教育",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "2%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省", "市"],
        legal_basis: &["《建筑法》第十四条", "《注册建造师管理规定》（建设部令第153号）"],
        fields: &["注册执业人员", "建筑市场"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "注册监理工程师执业行为检查",
        sub_item: "",
        category: "一般",
        object_kind: "从业人员",
        enterprise_kinds: &[],
        check_points: &[
            "注册单位与实际受聘单位、社会保险缴纳单位是否一致",
            "是否在监理项目现场履行监理职责",
            "是否在规定的监理文件上签字并加盖执业印章",
            "是否以个人名义承接监理业务，或者允许他人以本人名义执业",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "2%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省", "市"],
        legal_basis: &[
            "《建设工程质量管理条例》第三十七条",
            "《注册监理工程师管理规定》（建设部令第147号）",
        ],
        fields: &["注册执业人员", "工程监理"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "注册造价工程师执业行为检查",
        sub_item: "",
        category: "一般",
        object_kind: "从业人员",
        enterprise_kinds: &[],
        check_points: &[
            "注册单位与实际工作单位是否一致",
            "工程造价成果文件是否由本人签字并加盖执业印章",
            "是否同时在两个或者两个以上单位执业",
            "出具的工程造价成果文件是否真实、准确",
        ],
        methods: &["书面检查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省"],
        legal_basis: &["《注册造价工程师管理办法》（建设部令第150号）"],
        fields: &["注册执业人员", "工程造价"],
        effective: "2019-01-01",
        adjustments: &[Adjustment {
            effective: "2020-02-19",
            reason: "《住房和城乡建设部关于修改〈注册造价工程师管理办法〉的决定》（住建部令第50号）公布施行，\
                     更新检查依据；注册造价工程师分为一级、二级，增加执业范围与注册级别是否相符的检查要点",
            change: |d| {
                d.legal_basis = vec!["《注册造价工程师管理办法》（建设部令第150号，住建部令第50号修改）".into()];
                d.check_points.push("执业范围是否与注册级别（一级、二级）相符".into());
            },
            withdraw: false,
        }],
    },
    DemoItem {
        name: "工程造价咨询企业资质检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["工程造价咨询企业"],
        check_points: &[
            "专职从事工程造价专业工作的人员及注册造价工程师人数是否满足资质标准",
            "是否超越资质等级承接工程造价咨询业务",
            "工程造价成果文件是否由注册造价工程师签字盖章",
            "是否同时接受招标人和投标人对同一工程项目的工程造价咨询业务",
        ],
        methods: &["书面检查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省"],
        legal_basis: &["《工程造价咨询企业管理办法》（建设部令第149号）"],
        fields: &["工程造价"],
        effective: "2019-01-01",
        adjustments: &[Adjustment {
            effective: "2021-07-01",
            reason: "《国务院关于深化“证照分离”改革进一步激发市场主体发展活力的通知》（国发〔2021〕7号）\
                     自2021年7月1日起取消工程造价咨询企业资质审批，本事项撤销；造价咨询执业行为纳入“注册造价工程师执业行为检查”",
            change: |_| {},
            withdraw: true,
        }],
    },
    DemoItem {
        name: "勘察设计注册工程师、注册建筑师执业检查",
        sub_item: "",
        category: "一般",
        object_kind: "从业人员",
        enterprise_kinds: &[],
        check_points: &[
            "注册单位与实际受聘单位是否一致",
            "勘察、设计文件上的签字盖章是否由本人完成",
            "是否同时在两个以上单位注册执业",
            "执业范围是否与注册专业一致",
        ],
        methods: &["书面检查"],
        ratio: "3%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["省"],
        legal_basis: &[
            "《注册建筑师条例》",
            "《勘察设计注册工程师管理规定》（建设部令第137号）",
        ],
        fields: &["勘察设计", "注册执业人员"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "房屋建筑和市政基础设施工程质量安全检查",
        sub_item: "在建项目",
        category: "重点",
        object_kind: "工程项目",
        enterprise_kinds: &[],
        check_points: &[
            "建设、勘察、设计、施工、监理单位质量安全责任落实情况",
            "施工单位项目负责人、专职安全生产管理人员是否到岗履职",
            "危险性较大的分部分项工程专项施工方案的编制、论证、实施和验收情况",
            "地基基础、主体结构等实体质量是否符合设计文件和标准要求",
            "进场建筑材料、构配件是否按规定检验，见证取样是否规范",
            "临边洞口防护、脚手架、临时用电等安全防护措施是否到位",
            "以往检查发现的质量安全隐患是否整改闭合",
        ],
        methods: &["实地核查"],
        ratio: "20%",
        ratio_cap: "",
        frequency: "每季度一次",
        levels: &["市", "县"],
        legal_basis: &[
            "《建设工程质量管理条例》",
            "《建设工程安全生产管理条例》",
            "《危险性较大的分部分项工程安全管理规定》（住建部令第37号）",
        ],
        fields: &["工程质量", "施工安全"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "建筑起重机械安全检查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["建筑起重机械相关单位"],
        check_points: &[
            "建筑起重机械是否办理备案，是否属于国家明令淘汰或者禁止使用的设备",
            "安装、拆卸单位是否具备相应资质和安全生产许可证",
            "安装、拆卸是否编制专项施工方案并经审批",
            "安装完毕后是否经检验检测和验收合格，并办理使用登记",
            "司机、信号司索工、安装拆卸工等特种作业人员是否持证上岗",
            "使用单位是否进行经常性和定期的检查、维护和保养",
        ],
        methods: &["实地核查"],
        ratio: "10%",
        ratio_cap: "",
        frequency: "每半年一次",
        levels: &["市", "县"],
        legal_basis: &[
            "《特种设备安全法》",
            "《建设工程安全生产管理条例》第三十五条",
            "《建筑起重机械安全监督管理规定》（建设部令第166号）",
        ],
        fields: &["建筑起重机械", "施工安全"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "房屋建筑和市政工程招标投标活动检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["建设单位", "招标代理机构"],
        check_points: &[
            "依法必须招标的项目是否招标，有无规避招标",
            "招标文件是否设置不合理条件限制、排斥潜在投标人",
            "评标委员会的组建和评标活动是否符合规定",
            "是否存在围标串标、弄虚作假骗取中标等行为",
            "中标候选人公示、中标结果公示和合同签订是否符合规定",
        ],
        methods: &["书面检查"],
        ratio: "10%",
        ratio_cap: "30%",
        frequency: ANNUAL,
        levels: &["省", "市", "县"],
        legal_basis: &["《招标投标法》", "《招标投标法实施条例》"],
        fields: &["招标投标", "建筑市场"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "建筑工人实名制及农民工工资支付检查",
        sub_item: "",
        category: "重点",
        object_kind: "企业",
        enterprise_kinds: &["建筑业企业"],
        check_points: &[
            "施工现场是否实行建筑工人实名制管理",
            "是否按规定开设农民工工资专用账户",
            "是否按规定存储工资保证金或者提供金融机构保函",
            "是否按月足额支付农民工工资，是否由施工总承包单位代发",
            "施工现场是否设置维权信息告示牌",
        ],
        methods: &["书面检查", "实地核查"],
        ratio: "10%",
        ratio_cap: "",
        frequency: "每半年一次",
        levels: &["市", "县"],
        legal_basis: &["《保障农民工工资支付条例》第二十六条、第二十八条、第三十二条、第三十四条"],
        fields: &["农民工工资"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "预拌混凝土企业质量检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["预拌混凝土生产企业"],
        check_points: &[
            "是否取得预拌混凝土专业承包资质",
            "原材料进场检验和使用是否符合标准要求",
            "试验室人员、设备是否满足要求，配合比设计是否规范",
            "出厂混凝土的质量证明文件是否齐全",
            "是否使用不合格原材料或者出具虚假质量证明文件",
        ],
        methods: &["实地核查", "检验检测"],
        ratio: "10%",
        ratio_cap: "10%",
        frequency: ANNUAL,
        levels: &["市"],
        legal_basis: &[
            "《建设工程质量管理条例》",
            "《建筑业企业资质管理规定》（住建部令第22号）",
        ],
        fields: &["工程质量", "质量检测"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "城市建筑垃圾处置核准事项检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["建筑垃圾处置企业"],
        check_points: &[
            "是否取得城市建筑垃圾处置核准",
            "运输车辆是否全密闭，是否按规定的时间和路线运输",
            "是否将建筑垃圾运至指定的消纳场所",
            "消纳场所是否受纳工业垃圾、生活垃圾和有毒有害垃圾",
        ],
        methods: &["实地核查"],
        ratio: "5%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["市", "县"],
        legal_basis: &[
            "《固体废物污染环境防治法》",
            "《城市建筑垃圾管理规定》（建设部令第139号）第七条",
        ],
        fields: &["建筑垃圾"],
        effective: LIST_2024,
        adjustments: &[],
    },
    DemoItem {
        name: "城镇污水排入排水管网许可检查",
        sub_item: "",
        category: "一般",
        object_kind: "企业",
        enterprise_kinds: &["排水户"],
        check_points: &[
            "是否依法取得污水排入排水管网许可证",
            "排放污水的水质、水量是否符合许可证要求",
            "是否按规定建设并正常运行预处理设施",
            "是否按规定设置检测井并对排水水质进行自行监测",
        ],
        methods: &["实地核查", "检验检测"],
        ratio: "5%",
        ratio_cap: "5%",
        frequency: ANNUAL,
        levels: &["市", "县"],
        legal_basis: &[
            "《城镇排水与污水处理条例》第二十一条",
            "《城镇污水排入排水管网许可管理办法》（住建部令第21号）",
        ],
        fields: &["城镇排水"],
        effective: LIST_2024,
        adjustments: &[],
    },
];

fn date(s: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| AppError::Internal(format!("演示日期{s}：{e}")))
}

impl App {
    /// Loads the demo item list in its own transaction; returns how many items
    /// were added (0 when they are already there).
    pub(crate) async fn load_demo_items(&self) -> Result<usize, AppError> {
        let root = departments::root(self.store().conn())
            .await?
            .ok_or_else(|| AppError::Internal("请先初始化部门".into()))?;
        let by = By::system(root.code.as_str(), RequestMeta::cli());
        let tx = self.store().begin().await?;
        let mut added = 0;
        for d in ITEMS {
            let sub = Some(d.sub_item).filter(|s| !s.is_empty());
            if items::current_by_name(&tx, d.name, sub).await?.is_some() {
                continue;
            }
            let mut draft = d.draft();
            let invalid = |e: Vec<spotcheck_domain::item::FieldError>| {
                AppError::Internal(format!(
                    "演示事项“{}”无效：{}",
                    d.name,
                    e.iter().map(ToString::to_string).collect::<Vec<_>>().join("；")
                ))
            };
            let spec = draft.validate().map_err(invalid)?;
            let (item, mut prev) = self
                .create_item_in(&tx, &by, &spec, "首次发布", date(d.effective)?)
                .await?;
            for a in d.adjustments {
                (a.change)(&mut draft);
                let spec = draft.validate().map_err(invalid)?;
                let status = if a.withdraw {
                    ItemStatus::Withdrawn
                } else {
                    ItemStatus::Published
                };
                prev = self
                    .publish_version_in(&tx, &by, &item, &prev, &spec, status, a.reason, date(a.effective)?)
                    .await?;
            }
            added += 1;
        }
        tx.commit().await.map_err(StoreError::from)?;
        Ok(added)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn every_demo_item_and_version_is_valid() {
        assert!(ITEMS.len() >= 15);
        let mut names = HashSet::new();
        let mut with_history = 0;
        for d in ITEMS {
            assert!(names.insert((d.name, d.sub_item)), "duplicate {}", d.name);
            let mut draft = d.draft();
            let spec = draft.validate().unwrap_or_else(|e| panic!("{}: {e:?}", d.name));
            assert!((4..=8).contains(&spec.check_points.len()), "{}", d.name);
            assert!(!spec.legal_basis.is_empty());
            let mut last = date(d.effective).unwrap();
            for a in d.adjustments {
                (a.change)(&mut draft);
                let next = draft.validate().unwrap_or_else(|e| panic!("{}: {e:?}", d.name));
                assert!(
                    a.withdraw || next != spec,
                    "{}: an adjustment changes something",
                    d.name
                );
                let (_, eff) = spotcheck_domain::item::check_adjustment(a.reason, a.effective, Some(last)).unwrap();
                last = eff;
            }
            with_history += usize::from(!d.adjustments.is_empty());
        }
        assert!(with_history >= 2);
    }
}
