//! Tickets (工单): what the service desk works on, with the timestamps the
//! service contract's clocks are measured from and the stage of the kind's
//! process.

use serde::{Deserialize, Serialize};

use super::TimestampMs;

/// What kind of work a ticket is; decides its process and its SLA clocks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketKind {
    Incident,
    Emergency,
    DataMaintenance,
    PatchRelease,
    Change,
    Consultation,
}

impl TicketKind {
    pub const ALL: [TicketKind; 6] = [
        TicketKind::Incident,
        TicketKind::Emergency,
        TicketKind::DataMaintenance,
        TicketKind::PatchRelease,
        TicketKind::Change,
        TicketKind::Consultation,
    ];

    /// The name used in policy and layout files.
    pub fn key(self) -> &'static str {
        match self {
            TicketKind::Incident => "incident",
            TicketKind::Emergency => "emergency",
            TicketKind::DataMaintenance => "data_maintenance",
            TicketKind::PatchRelease => "patch_release",
            TicketKind::Change => "change",
            TicketKind::Consultation => "consultation",
        }
    }

    pub fn from_key(key: &str) -> Option<TicketKind> {
        TicketKind::ALL.into_iter().find(|k| k.key() == key)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            TicketKind::Incident => "故障",
            TicketKind::Emergency => "应急",
            TicketKind::DataMaintenance => "数据维护",
            TicketKind::PatchRelease => "补丁发布",
            TicketKind::Change => "变更",
            TicketKind::Consultation => "咨询",
        }
    }

    /// Whether a fault report (故障报告) follows resolution.
    pub fn has_fault_report(self) -> bool {
        matches!(self, TicketKind::Incident | TicketKind::Emergency)
    }

    /// The stages of the kind's process, in order.
    pub fn stages(self) -> &'static [&'static str] {
        match self {
            TicketKind::Emergency => &[
                "沟通确认",
                "恢复系统",
                "查找问题原因",
                "出具方案",
                "问题跟踪",
            ],
            TicketKind::DataMaintenance => &[
                "沟通确认",
                "分析数据",
                "出具方案",
                "方案审核",
                "方案测试",
                "方案实施",
                "填写运维处理单",
            ],
            TicketKind::PatchRelease => &[
                "补丁验证",
                "模拟环境测试",
                "发布升级通知",
                "升级实施",
                "汇总",
            ],
            TicketKind::Incident => &["受理", "响应", "到场处理", "解决", "故障报告"],
            TicketKind::Change => &["申请", "审批", "实施", "验证"],
            TicketKind::Consultation => &["受理", "答复"],
        }
    }
}

/// How urgent a ticket is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Urgent,
    High,
    Medium,
    Low,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Urgent,
        Priority::High,
        Priority::Medium,
        Priority::Low,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Priority::Urgent => "urgent",
            Priority::High => "high",
            Priority::Medium => "medium",
            Priority::Low => "low",
        }
    }

    pub fn from_key(key: &str) -> Option<Priority> {
        Priority::ALL.into_iter().find(|p| p.key() == key)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Priority::Urgent => "紧急",
            Priority::High => "高",
            Priority::Medium => "中",
            Priority::Low => "低",
        }
    }
}

/// One ticket as it stands now. Timestamps are UTC; `None` means not yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    /// Unique, e.g. `GZ20261210010`.
    pub id: String,
    pub kind: TicketKind,
    pub priority: Priority,
    pub title: String,
    /// Application system id.
    pub system: String,
    pub target: Option<String>,
    /// Ids of the alerts this ticket was opened for.
    pub alerts: Vec<String>,
    pub owner: Option<String>,
    pub reported_ms: TimestampMs,
    pub responded_ms: Option<TimestampMs>,
    pub on_site_ms: Option<TimestampMs>,
    pub resolved_ms: Option<TimestampMs>,
    pub report_ms: Option<TimestampMs>,
    /// Index into `kind.stages()`.
    pub stage: usize,
}

impl Ticket {
    /// The current stage's name.
    pub fn stage_name(&self) -> &'static str {
        let stages = self.kind.stages();
        stages[self.stage.min(stages.len() - 1)]
    }

    pub fn is_resolved(&self) -> bool {
        self.resolved_ms.is_some()
    }
}
