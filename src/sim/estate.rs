//! The shape of the simulated bureau: application systems, hosts, Oracle
//! databases with tablespaces and ASM disk groups, `WebLogic` servers with JDBC
//! pools and JMS servers, and the e-tax portal with its businesses.
//!
//! `parent` links say what runs on what (business → `WebLogic` → host,
//! tablespace → database → host), which is the topology health rolls up over.

use crate::model::{AppSystem, Inventory, Target, TargetKind};

/// One application system of the estate and how big it is.
struct SystemPlan {
    id: &'static str,
    name: &'static str,
    /// Database name and whether its hosts run AIX.
    db: (&'static str, bool),
    app_hosts: usize,
    web_hosts: usize,
    weblogic: usize,
    jms: bool,
    app_tablespaces: [&'static str; 2],
}

const PLAN: [SystemPlan; 7] = [
    SystemPlan {
        id: "hx",
        name: "核心征管",
        db: ("HXDB", true),
        app_hosts: 5,
        web_hosts: 1,
        weblogic: 2,
        jms: true,
        app_tablespaces: ["HX_DATA", "HX_INDEX"],
    },
    SystemPlan {
        id: "etax",
        name: "电子税务局",
        db: ("ETAXDB", false),
        app_hosts: 5,
        web_hosts: 4,
        weblogic: 3,
        jms: false,
        app_tablespaces: ["ETAX_DATA", "ETAX_LOG"],
    },
    SystemPlan {
        id: "fp",
        name: "发票管理",
        db: ("FPDB", true),
        app_hosts: 3,
        web_hosts: 1,
        weblogic: 1,
        jms: false,
        app_tablespaces: ["FP_DATA", "FP_HIS"],
    },
    SystemPlan {
        id: "gs",
        name: "自然人税收管理",
        db: ("GSDB", false),
        app_hosts: 3,
        web_hosts: 1,
        weblogic: 1,
        jms: false,
        app_tablespaces: ["GS_DATA", "GS_INDEX"],
    },
    SystemPlan {
        id: "jc",
        name: "决策分析",
        db: ("JCDW", true),
        app_hosts: 2,
        web_hosts: 0,
        weblogic: 0,
        jms: false,
        app_tablespaces: ["DW_FACT", "DW_STAGE"],
    },
    SystemPlan {
        id: "jh",
        name: "数据交换平台",
        db: ("JHDB", false),
        app_hosts: 2,
        web_hosts: 1,
        weblogic: 1,
        jms: true,
        app_tablespaces: ["JH_DATA", "JH_QUEUE"],
    },
    SystemPlan {
        id: "yw",
        name: "运维管理平台",
        db: ("", false),
        app_hosts: 3,
        web_hosts: 0,
        weblogic: 0,
        jms: false,
        app_tablespaces: ["", ""],
    },
];

/// The e-tax businesses (业务) watched end to end, with their target ids.
pub const ETAX_BUSINESSES: [(&str, &str); 5] = [
    ("etax-login", "登录"),
    ("etax-declare", "申报"),
    ("etax-pay", "缴款"),
    ("etax-invoice", "发票"),
    ("etax-query", "查询"),
];

/// The target id of the e-tax portal as a whole.
pub const ETAX_PORTAL: &str = "etax-portal";

fn target(
    id: String,
    name: String,
    kind: TargetKind,
    system: &str,
    parent: Option<String>,
    detail: &str,
) -> Target {
    Target {
        id,
        name,
        kind,
        system: system.to_owned(),
        parent,
        detail: detail.to_owned(),
    }
}

/// Builds the estate's inventory. The same every time: only values are random.
pub fn build_inventory() -> Inventory {
    let mut systems = Vec::new();
    let mut targets = Vec::new();
    for plan in &PLAN {
        systems.push(AppSystem {
            id: plan.id.to_owned(),
            name: plan.name.to_owned(),
        });
        add_system(plan, &mut targets);
    }
    Inventory { systems, targets }
}

fn add_system(plan: &SystemPlan, targets: &mut Vec<Target>) {
    let sys = plan.id;
    let (db_name, aix) = plan.db;
    let host_os = if aix { "AIX 7.2" } else { "Red Hat 7.9" };

    // Database hosts (a two-node RAC) with the instance, tablespaces and disk groups.
    if !db_name.is_empty() {
        for n in 1..=2 {
            targets.push(target(
                format!("{sys}-db{n:02}"),
                format!("{}数据库主机{n}", plan.name),
                TargetKind::Host,
                sys,
                None,
                host_os,
            ));
        }
        let db_id = format!("{sys}-ora");
        targets.push(target(
            db_id.clone(),
            format!("{db_name}({})", plan.name),
            TargetKind::Database,
            sys,
            Some(format!("{sys}-db01")),
            "Oracle 19c RAC",
        ));
        let ts_names = [
            "SYSTEM",
            "SYSAUX",
            "UNDOTBS1",
            plan.app_tablespaces[0],
            plan.app_tablespaces[1],
        ];
        for ts in ts_names {
            targets.push(target(
                format!("{db_id}/{ts}"),
                format!("{db_name}.{ts}"),
                TargetKind::Tablespace,
                sys,
                Some(db_id.clone()),
                "表空间",
            ));
        }
        for dg in ["DATA", "FRA"] {
            targets.push(target(
                format!("{db_id}/+{dg}"),
                format!("{db_name} +{dg}"),
                TargetKind::AsmDiskGroup,
                sys,
                Some(db_id.clone()),
                "ASM",
            ));
        }
    }

    // Application and web hosts; WebLogic servers run on the first app hosts.
    for n in 1..=plan.app_hosts {
        targets.push(target(
            format!("{sys}-app{n:02}"),
            format!("{}应用服务器{n}", plan.name),
            TargetKind::Host,
            sys,
            None,
            if aix && n > plan.weblogic {
                "AIX 7.2"
            } else {
                "Red Hat 7.9"
            },
        ));
    }
    for n in 1..=plan.web_hosts {
        targets.push(target(
            format!("{sys}-web{n:02}"),
            format!("{}前置服务器{n}", plan.name),
            TargetKind::Host,
            sys,
            None,
            "Kylin V10",
        ));
    }
    for n in 1..=plan.weblogic {
        let wls = format!("{sys}-wls{n:02}");
        targets.push(target(
            wls.clone(),
            format!("{}中间件{n}", plan.name),
            TargetKind::Weblogic,
            sys,
            Some(format!("{sys}-app{n:02}")),
            "WebLogic 12.2.1.4",
        ));
        targets.push(target(
            format!("{wls}/jdbc"),
            format!("{}连接池{n}", plan.name),
            TargetKind::JdbcPool,
            sys,
            Some(wls.clone()),
            "JDBC",
        ));
        if plan.jms && n == 1 {
            targets.push(target(
                format!("{wls}/jms"),
                format!("{}消息服务", plan.name),
                TargetKind::JmsServer,
                sys,
                Some(wls.clone()),
                "JMS",
            ));
        }
    }

    // The e-tax portal and its businesses, served by the e-tax WebLogic servers.
    if sys == "etax" {
        targets.push(target(
            ETAX_PORTAL.to_owned(),
            "电子税务局门户".to_owned(),
            TargetKind::Business,
            sys,
            Some("etax-wls01".to_owned()),
            "门户",
        ));
        for (i, (id, name)) in ETAX_BUSINESSES.iter().enumerate() {
            targets.push(target(
                (*id).to_owned(),
                format!("{name}业务"),
                TargetKind::Business,
                sys,
                Some(format!("etax-wls{:02}", i % plan.weblogic + 1)),
                "业务",
            ));
        }
    }
}

/// The KPIs the estate produces for a target.
pub fn kpis_for(target: &Target) -> &'static [&'static str] {
    match target.kind {
        TargetKind::Host => &[
            "host_cpu_user_pct",
            "host_cpu_total_pct",
            "host_mem_used_pct",
            "host_swap_used_pct",
            "host_icmp_up",
            "host_icmp_loss_pct",
            "host_fs_used_pct",
            "host_agent_up",
        ],
        TargetKind::Database => &[
            "ora_instance_up",
            "ora_listener_port_up",
            "ora_session_count",
            "ora_session_usage_pct",
            "ora_process_usage_pct",
            "ora_active_session_pct",
            "ora_long_txn_count",
            "ora_longest_txn_minutes",
            "ora_long_locked_sessions",
            "ora_sga_size_bytes",
            "ora_shared_pool_free_pct",
            "ora_pga_allocated_bytes",
            "ora_pga_used_pct",
        ],
        TargetKind::Tablespace => &["ora_tablespace_used_pct"],
        TargetKind::AsmDiskGroup => &["ora_asm_dg_used_pct"],
        TargetKind::Weblogic => &[
            "wls_server_state",
            "wls_server_health",
            "wls_heap_free_pct",
            "wls_threadpool_queue_length",
            "wls_pending_user_requests",
            "wls_stuck_thread_count",
            "wls_hogging_thread_count",
            "wls_listen_port_up",
        ],
        TargetKind::JdbcPool => &[
            "wls_jdbc_pool_state",
            "wls_jdbc_active_connections",
            "wls_jdbc_pool_usage_pct",
            "wls_jdbc_waiting_for_connection",
            "wls_jdbc_leaked_connections",
            "wls_jdbc_failed_reserve",
        ],
        TargetKind::JmsServer => &["wls_jms_server_health", "wls_jms_messages_pending"],
        TargetKind::Business if target.id == ETAX_PORTAL => &[
            "etax_portal_up",
            "etax_availability_pct",
            "etax_response_time_s",
            "etax_http_error_rate_pct",
            "etax_online_users",
            "etax_declare_success_rate_pct",
            "etax_payment_success_rate_pct",
            "etax_invoice_success_rate_pct",
            "etax_tls_cert_days_left",
        ],
        TargetKind::Business => match target.id.as_str() {
            "etax-declare" => &[
                "etax_response_time_s",
                "etax_http_error_rate_pct",
                "etax_declare_success_rate_pct",
            ],
            "etax-pay" => &[
                "etax_response_time_s",
                "etax_http_error_rate_pct",
                "etax_payment_success_rate_pct",
            ],
            "etax-invoice" => &[
                "etax_response_time_s",
                "etax_http_error_rate_pct",
                "etax_invoice_success_rate_pct",
            ],
            _ => &["etax_response_time_s", "etax_http_error_rate_pct"],
        },
    }
}
