//! `opswall render`: a PNG of the asked size and JSON naming every panel,
//! the same for the same inputs.
#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

use std::process::Command;

fn render(
    dir: &std::path::Path,
    name: &str,
    page: &str,
    size: &str,
) -> (image::RgbaImage, serde_json::Value, Vec<u8>) {
    let png = dir.join(format!("{name}.png"));
    let json = dir.join(format!("{name}.json"));
    let out = Command::new(env!("CARGO_BIN_EXE_opswall"))
        .args([
            "render",
            "--page",
            page,
            "--size",
            size,
            "--at",
            "2026-12-10 10:30",
            "--seed",
            "7",
        ])
        .arg("--out")
        .arg(&png)
        .arg("--state")
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let img = image::open(&png).unwrap().to_rgba8();
    let raw = std::fs::read(&json).unwrap();
    (img, serde_json::from_slice(&raw).unwrap(), raw)
}

#[test]
fn render_writes_a_png_of_the_asked_size_and_json_naming_every_panel() {
    let dir = tempfile::tempdir().unwrap();
    let layout = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/layouts/command-center.toml"
    ))
    .unwrap();
    let panels_on_page_1 = layout
        .split("[[page]]")
        .nth(2)
        .unwrap()
        .matches("[[page.panel]]")
        .count();

    let (img, state, _) = render(dir.path(), "a", "1", "1920x1080");
    assert_eq!(img.dimensions(), (1920, 1080));
    let panels = state["panels"].as_array().unwrap();
    assert_eq!(panels.len(), panels_on_page_1);
    assert_eq!(state["page_name"], "基础设施");
    for p in panels {
        assert!(
            p["kind"].is_string() && p["title"].is_string() && p["severity"].is_string(),
            "{p}"
        );
        assert!(p["stale"].is_boolean());
    }
    // A stat shows a value and a severity from the catalogue.
    let stat = panels
        .iter()
        .find(|p| p["title"] == "表空间使用率（最高）")
        .unwrap();
    assert!(stat["shows"]["reading"]["value"].as_f64().unwrap() > 0.0);

    // The canvas is not blank: the wall's navy background with lighter content.
    let bright = img
        .pixels()
        .filter(|p| p.0[0] > 150 && p.0[1] > 150)
        .count();
    assert!(bright > 5_000, "only {bright} bright pixels");
}

#[test]
fn same_inputs_give_the_same_output() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _, ja) = render(dir.path(), "a", "0", "1280x720");
    let (b, _, jb) = render(dir.path(), "b", "0", "1280x720");
    assert_eq!(ja, jb, "state JSON differs");
    assert!(a == b, "PNG pixels differ");
}

#[test]
fn a_missing_page_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_opswall"))
        .args([
            "render",
            "--page",
            "9",
            "--size",
            "640x360",
            "--at",
            "2026-12-10 10:30",
        ])
        .arg("--out")
        .arg(dir.path().join("x.png"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("page 9 does not exist"));
}
