//! What panels show when data goes stale: the last good value, marked stale
//! with its age, never a blank panel.

mod common;

use common::{at_ms, fixture, single_panel};
use opswall::model::Severity;
use opswall::panels::{self, Ctx, Model};

#[test]
fn a_stat_keeps_its_last_good_value_and_says_how_old_it_is() {
    let f = fixture();
    let layout = f.layout(&single_panel(
        "kind = \"stat\"\ntitle = \"在线用户\"\nkpi = \"etax_online_users\"\ntarget = \"etax-portal\"",
    ));
    let panel = &layout.pages[0].panels[0];
    let fresh = Ctx::at_rest(&f.store, &f.catalog, &f.sla, &layout, at_ms());
    let state = panels::state(panel, &fresh);
    assert!(!state.stale);
    let Model::Stat(m) = &state.shows else {
        panic!("not a stat")
    };
    let value = m.reading.value.unwrap();

    // Twenty minutes later with no new data (the source stopped answering).
    let later = Ctx {
        now_ms: at_ms() + 20 * 60_000,
        ..fresh
    };
    let state = panels::state(panel, &later);
    assert!(state.stale);
    assert_eq!(state.severity, Severity::Unknown);
    let age = state.stale_age_s.unwrap();
    assert!((1200.0..=1260.0).contains(&age), "age {age}");
    let Model::Stat(m) = &state.shows else {
        panic!("not a stat")
    };
    assert_eq!(
        m.reading.value,
        Some(value),
        "the last good value stays on screen"
    );
    assert_ne!(m.text, "—");
}

#[test]
fn a_target_going_silent_turns_its_tile_unknown_or_worse_not_normal() {
    let f = fixture();
    let layout = f.layout(&single_panel("kind = \"status_grid\"\ntargets = \"host\""));
    let panel = &layout.pages[0].panels[0];
    let cx = Ctx::at_rest(&f.store, &f.catalog, &f.sla, &layout, at_ms() + 3_600_000);
    let Model::StatusGrid(m) = panels::state(panel, &cx).shows else {
        panic!("not a grid")
    };
    let tiles: Vec<_> = m.groups.iter().flat_map(|g| &g.tiles).collect();
    assert!(tiles.len() >= 40);
    assert!(
        tiles.iter().all(|t| t.severity == Severity::Unknown),
        "stale data is never shown as normal"
    );
}

#[test]
fn every_page_draws_with_stale_data_and_no_missing_glyph() {
    // kittest fails on any character the bundled font cannot draw; stale
    // badges, empty boards and every page's text go through it here.
    let f = fixture();
    let text = include_str!("../layouts/command-center.toml");
    let layout = f.layout(text);
    let later = at_ms() + 30 * 60_000;
    for page in 0..layout.pages.len() {
        let mut h = opswall::render::harness(
            &layout,
            page,
            &f.store,
            &f.catalog,
            &f.sla,
            later,
            [960, 540],
        );
        h.run_steps(1);
    }
}

#[test]
fn a_health_rate_over_silent_targets_says_it_does_not_know() {
    let f = fixture();
    let layout = f.layout(&single_panel(
        "kind = \"stat\"\ntitle = \"服务器健康率\"\nmetric = \"healthy_pct\"\ntargets = \"host\"",
    ));
    let panel = &layout.pages[0].panels[0];
    let fresh = Ctx::at_rest(&f.store, &f.catalog, &f.sla, &layout, at_ms());
    let Model::Stat(m) = panels::state(panel, &fresh).shows else {
        panic!("not a stat")
    };
    let pct = m.reading.value.unwrap();
    assert!((50.0..=100.0).contains(&pct), "{pct}");

    // An hour without data: every host is unknown, so no share is claimed.
    let later = Ctx {
        now_ms: at_ms() + 3_600_000,
        ..fresh
    };
    let state = panels::state(panel, &later);
    let Model::Stat(m) = &state.shows else {
        panic!("not a stat")
    };
    assert_eq!(m.text, "—");
    assert_eq!(m.reading.value, None);
    assert_eq!(state.severity, Severity::Unknown);
    assert!(m.label.contains("未知 43"), "{}", m.label);
}
