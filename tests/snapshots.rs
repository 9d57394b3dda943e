//! Snapshot tests: each panel kind, and a whole page, drawn headless on
//! lavapipe from the simulated estate at a fixed instant.
//!
//! Refresh after a deliberate visual change with
//! `UPDATE_SNAPSHOTS=1 cargo test --release --test snapshots`, then look at the PNGs.

mod common;

use common::{fixture, single_panel};

fn snap(name: &str, panel: &str) {
    let f = fixture();
    let layout = f.layout(&single_panel(panel));
    let mut h = f.harness(&layout, [480, 270]);
    h.snapshot(name);
}

#[test]
fn header() {
    snap("header", "kind = \"header\"");
}

#[test]
fn stat() {
    snap(
        "stat",
        "kind = \"stat\"\ntitle = \"在线用户数\"\nkpi = \"etax_online_users\"\ntarget = \"etax-portal\"",
    );
}

#[test]
fn gauge() {
    snap(
        "gauge",
        "kind = \"gauge\"\ntitle = \"门户响应时间\"\nkpi = \"etax_response_time_s\"\ntarget = \"etax-portal\"",
    );
}

#[test]
fn timeseries() {
    snap(
        "timeseries",
        "kind = \"timeseries\"\ntitle = \"CPU TOP4\"\nkpi = \"host_cpu_total_pct\"\ntargets = \"host\"\ntop = 4",
    );
}

#[test]
fn table() {
    snap(
        "table",
        "kind = \"table\"\ntitle = \"主机\"\ntargets = \"host\"\ncolumns = [\"host_cpu_total_pct\", \"host_mem_used_pct\"]\ntop = 6",
    );
}

#[test]
fn status_grid() {
    snap(
        "status_grid",
        "kind = \"status_grid\"\ntitle = \"数据库\"\ntargets = \"database\"",
    );
}

#[test]
fn ticker() {
    snap("ticker", "kind = \"ticker\"\ntitle = \"实时告警\"");
}

#[test]
fn text() {
    snap(
        "text",
        "kind = \"text\"\ntitle = \"值班\"\ntext = \"值班员：李娜\\n电话：6110\"",
    );
}

#[test]
fn image() {
    snap("image", "kind = \"image\"\nimage = \"logo.png\"");
}

#[test]
fn whole_overview_page() {
    let f = fixture();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/layouts/command-center.toml"
    ))
    .unwrap();
    let layout = f.layout(&text);
    let mut h = f.harness(&layout, [1280, 720]);
    h.snapshot("page_overview");
}

#[test]
fn ticket_board() {
    snap(
        "ticket_board",
        "kind = \"ticket_board\"\ntitle = \"工单看板\"",
    );
}

#[test]
fn sla_stats() {
    snap("sla_stats", "kind = \"sla_stats\"\ntitle = \"本月SLA统计\"");
}

#[test]
fn fault_reports() {
    snap(
        "fault_reports",
        "kind = \"fault_reports\"\ntitle = \"故障报告待提交\"",
    );
}

#[test]
fn process() {
    snap(
        "process",
        "kind = \"process\"\ntitle = \"数据维护流程\"\nticket_kind = \"data_maintenance\"",
    );
}

#[test]
fn backups() {
    snap("backups", "kind = \"backups\"\ntitle = \"数据库备份\"");
}

#[test]
fn inspections() {
    snap(
        "inspections",
        "kind = \"inspections\"\ntitle = \"年度巡检\"",
    );
}

#[test]
fn hq_uplink() {
    snap(
        "hq_uplink",
        "kind = \"hq_uplink\"\ntitle = \"总局平台上报\"",
    );
}

#[test]
fn platform_check() {
    snap(
        "platform_check",
        "kind = \"platform_check\"\ntitle = \"运维平台自检\"",
    );
}
