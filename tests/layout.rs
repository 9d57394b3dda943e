//! Layout files: the shipped ones resolve; every kind of mistake is reported
//! with its line, all of them at once; `opswall check` says so and fails.
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::process::Command;

use opswall::kpi::Catalog;
use opswall::layout::{self, Known, LayoutError, PanelKind};
use opswall::sim::Estate;

fn parse(text: &str) -> Result<opswall::layout::Layout, Vec<LayoutError>> {
    let catalog = Catalog::builtin();
    let estate = Estate::new(1);
    let known = Known {
        catalog: &catalog,
        inventory: Some(estate.inventory()),
    };
    layout::parse(text, "bad.toml", &known)
}

const WALL: &str =
    "[wall]\ntitle = \"t\"\ndesign = [3840, 2160]\ngrid = [24, 12]\n\n[[page]]\nname = \"p\"\n";

fn errors(panels: &str) -> Vec<LayoutError> {
    parse(&format!("{WALL}{panels}")).expect_err("should fail")
}

fn one(panels: &str) -> LayoutError {
    let errs = errors(panels);
    assert_eq!(errs.len(), 1, "{errs:?}");
    errs.into_iter().next().unwrap()
}

#[test]
fn shipped_layout_resolves_with_three_full_pages_using_every_kind() {
    let text = include_str!("../layouts/command-center.toml");
    let l = parse(text).unwrap();
    assert!(l.pages.len() >= 3);
    for p in l.pages.iter().take(4) {
        assert!(
            p.panels.len() >= 12,
            "page {} has {}",
            p.name,
            p.panels.len()
        );
    }
    let names: Vec<&str> = l.pages.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        ["总览", "基础设施", "电子税务局", "工单与SLA", "运维保障"]
    );
    for kind in [
        PanelKind::Header,
        PanelKind::Stat,
        PanelKind::Gauge,
        PanelKind::Timeseries,
        PanelKind::Table,
        PanelKind::StatusGrid,
        PanelKind::Ticker,
        PanelKind::Text,
        PanelKind::Image,
    ] {
        assert!(
            l.pages
                .iter()
                .flat_map(|p| &p.panels)
                .any(|p| p.kind == kind),
            "{kind:?} unused"
        );
    }
}

#[test]
fn toml_syntax_error_names_its_line() {
    let e = one("[[page.panel]]\nkind = \"stat\"\nat = [0, 0, 1, 1\n");
    assert_eq!(e.line, 10, "{e}");
    assert!(e.to_string().starts_with("bad.toml:10: TOML"), "{e}");
}

#[test]
fn unknown_kind_names_its_line_and_the_known_kinds() {
    let e = one("[[page.panel]]\nkind = \"pie\"\nat = [0, 0, 1, 1]\n");
    assert_eq!(e.line, 9);
    assert!(
        e.message.contains("unknown panel kind `pie`") && e.message.contains("timeseries"),
        "{e}"
    );
}

#[test]
fn unknown_kpi_and_unknown_target_name_their_lines() {
    let e = one(
        "[[page.panel]]\nkind = \"stat\"\nat = [0, 0, 2, 2]\nkpi = \"cpu_usage\"\ntarget = \"hx-db01\"\n",
    );
    assert_eq!(
        (e.line, e.message.contains("unknown KPI `cpu_usage`")),
        (11, true),
        "{e}"
    );
    let e = one(
        "[[page.panel]]\nkind = \"stat\"\nat = [0, 0, 2, 2]\nkpi = \"host_cpu_total_pct\"\ntarget = \"nosuch\"\n",
    );
    assert_eq!(
        (e.line, e.message.contains("unknown target `nosuch`")),
        (12, true),
        "{e}"
    );
}

#[test]
fn panel_off_the_grid_names_its_line() {
    let e = one("[[page.panel]]\nkind = \"text\"\ntext = \"x\"\nat = [20, 10, 5, 3]\n");
    assert_eq!(e.line, 11);
    assert!(e.message.contains("off the 24×12 grid"), "{e}");
}

#[test]
fn overlapping_panels_name_both_lines() {
    let e = one(
        "[[page.panel]]\nkind = \"text\"\ntitle = \"a\"\ntext = \"x\"\nat = [0, 0, 4, 4]\n\n\
         [[page.panel]]\nkind = \"text\"\ntitle = \"b\"\ntext = \"y\"\nat = [3, 3, 4, 4]\n",
    );
    assert_eq!(e.line, 14, "{e}");
    assert!(e.message.contains("overlaps panel `a` (line 8)"), "{e}");
}

#[test]
fn touching_panels_do_not_overlap() {
    let ok = parse(&format!(
        "{WALL}[[page.panel]]\nkind = \"text\"\ntext = \"x\"\nat = [0, 0, 4, 4]\n\n[[page.panel]]\nkind = \"text\"\ntext = \"y\"\nat = [4, 0, 4, 4]\n"
    ));
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let errs = errors(
        "[[page.panel]]\nkind = \"pie\"\nat = [0, 0, 1, 1]\n\n\
         [[page.panel]]\nkind = \"gauge\"\nkpi = \"nope\"\nat = [0, 2, 2, 2]\n\n\
         [[page.panel]]\nkind = \"text\"\ntext = \"t\"\nat = [23, 0, 2, 1]\n",
    );
    let lines: Vec<usize> = errs.iter().map(|e| e.line).collect();
    assert_eq!(lines.len(), 4, "{errs:?}");
    // Unknown kind (9); the gauge's unknown KPI (14) and its missing target (12); off the grid (20).
    assert_eq!(lines, vec![9, 12, 14, 20], "{errs:?}");
}

#[test]
fn missing_binding_and_unknown_field_are_reported() {
    let e = one("[[page.panel]]\nkind = \"table\"\nat = [0, 0, 4, 4]\n");
    assert!(e.message.contains("needs `columns`"), "{e}");
    let e =
        one("[[page.panel]]\nkind = \"text\"\ntext = \"x\"\nat = [0, 0, 4, 4]\ncolour = \"red\"\n");
    assert!(e.message.contains("colour"), "{e}");
    assert_eq!(e.line, 12, "{e}");
}

#[test]
fn check_command_prints_file_line_errors_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!("{WALL}[[page.panel]]\nkind = \"pie\"\nat = [0, 0, 1, 1]\n"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opswall"))
        .arg("check")
        .arg(&bad)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains(&format!("{}:9: unknown panel kind `pie`", bad.display())),
        "{stdout}"
    );

    let bad_sla = dir.path().join("sla.toml");
    std::fs::write(
        &bad_sla,
        "warning_at = 0.5\n\n[[rule]]\nkind = \"outage\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opswall"))
        .arg("check")
        .arg(&bad_sla)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success());
    assert!(
        stdout.contains(&format!(
            "{}:3: unknown ticket kind `outage`",
            bad_sla.display()
        )),
        "{stdout}"
    );

    let good = concat!(env!("CARGO_MANIFEST_DIR"), "/layouts/command-center.toml");
    let catalog = concat!(env!("CARGO_MANIFEST_DIR"), "/layouts/kpi-catalog.toml");
    let sla = concat!(env!("CARGO_MANIFEST_DIR"), "/layouts/sla-policy.toml");
    let out = Command::new(env!("CARGO_BIN_EXE_opswall"))
        .args(["check", good, catalog, sla])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn live_layout_reloads_good_edits_and_keeps_the_last_good_one_on_bad_edits() {
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    let catalog = Catalog::builtin();
    let estate = Estate::new(1);
    let known = Known {
        catalog: &catalog,
        inventory: Some(estate.inventory()),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wall.toml");
    let v1 = format!(
        "{WALL}[[page.panel]]\nkind = \"text\"\ntitle = \"v1\"\ntext = \"x\"\nat = [0, 0, 4, 4]\n"
    );
    std::fs::write(&path, &v1).unwrap();
    let first = layout::load(&path, &known).unwrap();
    let mut live = opswall::layout::watch::LiveLayout::new(path.clone(), first, Arc::new(|| {}));

    // Poll until the watcher reports the edit, bounded in time.
    let wait_for = |live: &mut opswall::layout::watch::LiveLayout,
                    want: &dyn Fn(&opswall::layout::watch::LiveLayout) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            live.poll(&known);
            if want(live) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    };

    std::fs::write(&path, v1.replace("v1", "v2")).unwrap();
    assert!(wait_for(&mut live, &|l| l.layout().pages[0].panels[0]
        .title
        == "v2"));

    std::fs::write(&path, v1.replace("kind = \"text\"", "kind = \"pie\"")).unwrap();
    assert!(wait_for(&mut live, &|l| !l.errors().is_empty()));
    assert_eq!(
        live.layout().pages[0].panels[0].title,
        "v2",
        "the last good layout stays"
    );
    assert_eq!(live.errors()[0].line, 9);

    std::fs::write(&path, v1.replace("v1", "v3")).unwrap();
    assert!(wait_for(&mut live, &|l| l.errors().is_empty()
        && l.layout().pages[0].panels[0].title == "v3"));
}

#[test]
fn absurd_numbers_are_errors_not_crashes() {
    let e = one("[[page.panel]]\nkind = \"text\"\ntext = \"x\"\nat = [4294967295, 0, 2, 1]\n");
    assert!(e.message.contains("off the 24×12 grid"), "{e}");
    let errs = parse("[wall]\ntitle = \"t\"\ndesign = [3840, 2160]\ngrid = [24, 12]\n\n[[page]]\nname = \"p\"\ndwell_s = nan\n\n[[page.panel]]\nkind = \"text\"\ntext = \"x\"\nat = [0, 0, 1, 1]\n")
        .unwrap_err();
    assert!(errs[0].message.contains("dwell_s = NaN"), "{errs:?}");
    assert_eq!(errs[0].line, 8);
}
