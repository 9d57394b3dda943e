//! Per-panel view state: what a panel remembers between frames (flip
//! animation, ticker position, table sort, decimated chart data), keyed by
//! the panel's stable id and dropped when the layout changes.

use std::collections::HashMap;

/// State of a flip counter (翻牌器): the text it shows and the one it is leaving.
#[derive(Clone, Debug, Default)]
pub struct Flip {
    pub shown: String,
    pub previous: String,
    /// UI time the value changed, seconds.
    pub changed_at_s: f64,
}

/// State of a ticker board: which row is on top and since when.
#[derive(Clone, Debug, Default)]
pub struct TickerPos {
    pub offset: usize,
    /// UI time of the last step, seconds.
    pub stepped_at_s: f64,
}

/// Decimated chart data, valid for one store generation and plot width.
#[derive(Clone, Debug, Default)]
pub struct ChartCache {
    pub generation: u64,
    pub columns: usize,
    pub from_ms: i64,
    /// One decimated line per series: x in seconds since `from_ms`.
    pub lines: Vec<Vec<egui_plot::PlotPoint>>,
}

/// Everything one panel remembers.
#[derive(Clone, Debug, Default)]
pub struct PanelView {
    pub flip: Flip,
    pub ticker: TickerPos,
    /// Column index and whether ascending.
    pub sort: Option<(usize, bool)>,
    pub chart: ChartCache,
}

/// View states of every panel of a layout.
#[derive(Debug, Default)]
pub struct ViewStates {
    views: HashMap<String, PanelView>,
}

impl ViewStates {
    pub fn get_mut(&mut self, panel_id: &str) -> &mut PanelView {
        self.views.entry(panel_id.to_owned()).or_default()
    }

    pub fn get(&self, panel_id: &str) -> Option<&PanelView> {
        self.views.get(panel_id)
    }

    /// Forgets everything (after a layout reload: ids may mean other panels now).
    pub fn clear(&mut self) {
        self.views.clear();
    }
}
