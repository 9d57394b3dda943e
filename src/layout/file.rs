//! The layout file as written: serde types that mirror the TOML, with spans
//! kept so every later error can name its line.

use serde::Deserialize;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLayout {
    pub wall: Spanned<RawWall>,
    #[serde(default)]
    pub page: Vec<Spanned<RawPage>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawWall {
    pub title: String,
    #[serde(default)]
    pub subtitle: Option<String>,
    pub design: Spanned<[u32; 2]>,
    #[serde(default = "default_scale")]
    pub scale: Spanned<String>,
    pub grid: Spanned<[u32; 2]>,
    /// Space between panels, design pixels.
    #[serde(default)]
    pub gap: Option<f32>,
    /// Hours east of UTC shown on the wall; Beijing by default.
    #[serde(default)]
    pub utc_offset_h: Option<i32>,
    /// Flip counters and eased ticker steps; off for a wall that must stay still.
    #[serde(default)]
    pub animations: Option<bool>,
}

fn default_scale() -> Spanned<String> {
    Spanned::new(0..0, "fit".to_owned())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPage {
    pub name: String,
    #[serde(default)]
    pub dwell_s: Option<Spanned<f64>>,
    #[serde(default)]
    pub panel: Vec<Spanned<RawPanel>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeries {
    pub kpi: Spanned<String>,
    pub target: Spanned<String>,
    #[serde(default)]
    pub label: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPanel {
    pub kind: Spanned<String>,
    #[serde(default)]
    pub title: Option<String>,
    pub at: Spanned<[u32; 4]>,
    #[serde(default)]
    pub kpi: Option<Spanned<String>>,
    #[serde(default)]
    pub target: Option<Spanned<String>>,
    /// A target kind (`host`, `database`, `weblogic`…) the panel covers.
    #[serde(default)]
    pub targets: Option<Spanned<String>>,
    /// Application systems the panel covers; all when absent.
    #[serde(default)]
    pub systems: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub top: Option<Spanned<usize>>,
    #[serde(default)]
    pub series: Vec<RawSeries>,
    #[serde(default)]
    pub columns: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub range_min: Option<Spanned<u32>>,
    #[serde(default)]
    pub agg: Option<Spanned<String>>,
    #[serde(default)]
    pub metric: Option<Spanned<String>>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub image: Option<Spanned<String>>,
    #[serde(default)]
    pub rows: Option<Spanned<usize>>,
    #[serde(default)]
    pub min_severity: Option<Spanned<String>>,
    #[serde(default)]
    pub sort: Option<Spanned<String>>,
    /// Ticket kind (`emergency`, `data_maintenance`, `patch_release`…).
    #[serde(default)]
    pub ticket_kind: Option<Spanned<String>>,
}
