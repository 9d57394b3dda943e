//! Backup status per database: age of the last full backup, whether it was
//! verified, the last restore test, and a failed run called out.

use egui::{Align2, CornerRadius, Rect, Ui, pos2, vec2};
use serde::Serialize;

use super::{Ctx, format_age};
use crate::app::theme::{self, size};
use crate::model::Severity;

#[derive(Clone, Debug, Serialize)]
pub struct BackupRow {
    pub target: String,
    pub name: String,
    /// Age of the last good full backup, seconds.
    pub age_s: Option<f64>,
    pub last_full: String,
    pub verified: Option<bool>,
    pub restore_test: String,
    pub failed_run: bool,
    pub size_gb: f64,
    pub severity: Severity,
}

#[derive(Clone, Debug, Serialize)]
pub struct BackupsModel {
    pub rows: Vec<BackupRow>,
    pub stale_age_s: Option<f64>,
}

/// A weekly backup older than this is overdue.
const OVERDUE_S: f64 = 8.0 * 86_400.0;

pub fn model(cx: &Ctx<'_>) -> BackupsModel {
    let rows = cx
        .store
        .routine()
        .backups
        .iter()
        .map(|b| {
            let age_s = b
                .last_full_ms
                .map(|t| (cx.now_ms - t).max(0) as f64 / 1000.0);
            let severity = match (age_s, b.verified) {
                (None, _) => Severity::Critical,
                (Some(a), _) if a > OVERDUE_S => Severity::Critical,
                (_, Some(false)) => Severity::Warning,
                _ if b.last_attempt_failed => Severity::Warning,
                _ => Severity::Normal,
            };
            BackupRow {
                target: b.target.clone(),
                name: cx.target_name(&b.target).to_owned(),
                age_s,
                last_full: b
                    .last_full_ms
                    .map_or_else(|| "无".to_owned(), |t| cx.local(t, "%m-%d %H:%M")),
                verified: b.verified,
                restore_test: b
                    .last_restore_test_ms
                    .map_or_else(|| "—".to_owned(), |t| cx.local(t, "%m-%d")),
                failed_run: b.last_attempt_failed,
                size_gb: b.size_gb,
                severity,
            }
        })
        .collect();
    BackupsModel {
        rows,
        stale_age_s: cx.sources_stale_age_s(),
    }
}

pub fn ui(ui: &mut Ui, rect: Rect, m: &BackupsModel) {
    let p = ui.painter().with_clip_rect(rect.intersect(ui.clip_rect()));
    let cols = [0.0, 0.34, 0.52, 0.70, 0.84];
    let x = |i: usize| rect.min.x + rect.width() * cols[i];
    let head = ["数据库", "最近全备", "距今", "校验", "恢复测试"];
    for (i, h) in head.iter().enumerate() {
        p.text(
            pos2(x(i), rect.min.y + 16.0),
            Align2::LEFT_CENTER,
            *h,
            theme::font(size::SMALL),
            theme::TEXT_DIM,
        );
    }
    let row_h = ((rect.height() - 40.0) / m.rows.len().max(1) as f32).min(96.0);
    for (k, row) in m.rows.iter().enumerate() {
        let r = Rect::from_min_size(
            pos2(rect.min.x, rect.min.y + 40.0 + k as f32 * row_h),
            vec2(rect.width(), row_h - 6.0),
        );
        let color = theme::severity(row.severity);
        p.rect_filled(
            r,
            CornerRadius::same(4),
            theme::faded(
                color,
                if row.severity == Severity::Normal {
                    0.08
                } else {
                    0.2
                },
            ),
        );
        let y = r.center().y;
        let f = theme::font(size::BODY);
        p.text(
            pos2(x(0) + 8.0, y),
            Align2::LEFT_CENTER,
            &row.name,
            f.clone(),
            theme::TEXT,
        );
        p.text(
            pos2(x(1), y),
            Align2::LEFT_CENTER,
            &row.last_full,
            f.clone(),
            theme::TEXT,
        );
        let age = row.age_s.map_or_else(|| "—".to_owned(), format_age);
        let age_color = if row.severity == Severity::Critical {
            theme::CRITICAL
        } else {
            theme::TEXT
        };
        p.text(
            pos2(x(2), y),
            Align2::LEFT_CENTER,
            age,
            theme::bold(size::BODY),
            age_color,
        );
        let (v, vc) = match row.verified {
            Some(true) => ("✓ 通过", theme::NORMAL),
            Some(false) => ("× 失败", theme::CRITICAL),
            None => ("待校验", theme::TEXT_DIM),
        };
        p.text(pos2(x(3), y), Align2::LEFT_CENTER, v, f.clone(), vc);
        p.text(
            pos2(x(4), y),
            Align2::LEFT_CENTER,
            &row.restore_test,
            f.clone(),
            theme::TEXT,
        );
        if row.failed_run {
            p.text(
                pos2(r.max.x - 8.0, y),
                Align2::RIGHT_CENTER,
                "本次备份失败",
                theme::bold(size::SMALL),
                theme::WARNING,
            );
        }
    }
}
