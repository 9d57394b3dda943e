//! The page carousel: which page is up, and when the next one is due.
//!
//! Kept apart from the window so its rules can be tested: a page stays up for
//! its dwell time, pausing holds it, and no clock oddity (time standing still
//! or running backwards after a suspend) can stall the rotation.

/// Where the carousel is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Carousel {
    pub page: usize,
    /// UI time the page was shown, seconds.
    pub shown_at_s: f64,
    pub paused: bool,
}

impl Carousel {
    /// Shows `page` from `now_s` on.
    pub fn show(&mut self, page: usize, now_s: f64) {
        self.page = page;
        self.shown_at_s = now_s;
    }

    /// Steps `by` pages (negative: back), wrapping around `pages`.
    pub fn step(&mut self, by: isize, pages: usize, now_s: f64) {
        let n = pages.max(1) as isize;
        let next = (self.page as isize + by).rem_euclid(n) as usize;
        self.show(next, now_s);
    }

    pub fn toggle_pause(&mut self, now_s: f64) {
        self.paused = !self.paused;
        self.shown_at_s = now_s;
    }

    /// Advances to the next page when the current one's dwell is over.
    /// `dwell_s` gives each page's dwell. Returns seconds until the next
    /// change, or `None` when nothing will change (paused, or one page).
    pub fn tick(&mut self, now_s: f64, dwell_s: &[f64]) -> Option<f64> {
        let n = dwell_s.len();
        if self.page >= n {
            self.show(0, now_s);
        }
        if self.paused || n < 2 {
            return None;
        }
        let dwell = dwell_s[self.page];
        let shown_for = now_s - self.shown_at_s;
        if shown_for >= dwell || shown_for < 0.0 {
            self.show((self.page + 1) % n, now_s);
            return Some(dwell_s[self.page]);
        }
        Some(dwell - shown_for)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotates_after_each_dwell_and_wraps() {
        let mut c = Carousel::default();
        let dwell = [10.0, 20.0, 5.0];
        assert_eq!(c.tick(0.0, &dwell), Some(10.0));
        assert_eq!(c.tick(9.9, &dwell).map(|s| (s * 10.0).round()), Some(1.0));
        assert_eq!(c.page, 0);
        assert_eq!(c.tick(10.0, &dwell), Some(20.0));
        assert_eq!(c.page, 1);
        c.tick(30.0, &dwell);
        assert_eq!(c.page, 2);
        c.tick(35.0, &dwell);
        assert_eq!(c.page, 0);
    }

    #[test]
    fn pause_holds_the_page_and_resume_restarts_its_dwell() {
        let mut c = Carousel::default();
        let dwell = [10.0, 10.0];
        c.tick(0.0, &dwell);
        c.toggle_pause(5.0);
        assert_eq!(c.tick(500.0, &dwell), None);
        assert_eq!(c.page, 0);
        c.toggle_pause(500.0);
        assert_eq!(c.tick(509.0, &dwell).map(f64::round), Some(1.0));
        assert_eq!(c.tick(510.0, &dwell), Some(10.0));
        assert_eq!(c.page, 1);
    }

    #[test]
    fn a_clock_running_backwards_does_not_stall_rotation() {
        let mut c = Carousel::default();
        let dwell = [10.0, 10.0];
        c.show(0, 1_000.0);
        // The UI clock restarted (e.g. after a suspend): time is now earlier.
        c.tick(3.0, &dwell);
        assert_eq!(c.page, 1, "moves on instead of waiting ~1000 s");
        assert_eq!(c.tick(12.9, &dwell).map(f64::round), Some(0.0));
        c.tick(13.0, &dwell);
        assert_eq!(c.page, 0);
    }

    #[test]
    fn keys_step_and_wrap_and_a_shrunk_layout_resets() {
        let mut c = Carousel::default();
        c.step(-1, 3, 0.0);
        assert_eq!(c.page, 2);
        c.step(1, 3, 0.0);
        assert_eq!(c.page, 0);
        c.show(5, 0.0);
        assert_eq!(c.tick(1.0, &[10.0, 10.0]), Some(10.0));
        assert_eq!(c.page, 0);
    }
}
