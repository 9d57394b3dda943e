//! Watches a layout file and tells the UI when it changed, so open walls
//! pick up an admin's edit without a restart.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TryRecvError, sync_channel};

use notify::{RecursiveMode, Watcher};
use tracing::warn;

/// A running watch; dropping it stops watching.
pub struct LayoutWatcher {
    _watcher: notify::RecommendedWatcher,
    changed: Receiver<()>,
}

impl LayoutWatcher {
    /// Watches `path` (through its folder, so editors that replace the file
    /// are seen too). `wake` is called on every change.
    pub fn new(path: &Path, wake: Arc<dyn Fn() + Send + Sync>) -> notify::Result<LayoutWatcher> {
        let (tx, changed): (SyncSender<()>, Receiver<()>) = sync_channel(1);
        let file: PathBuf = path.file_name().map(PathBuf::from).unwrap_or_default();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
                Ok(e)
                    if e.paths
                        .iter()
                        .any(|p| p.file_name() == Some(file.as_os_str())) =>
                {
                    // A full channel already says "changed"; one signal is enough.
                    let _ = tx.try_send(());
                    wake();
                }
                Ok(_) => {}
                Err(err) => warn!(%err, "layout watch error"),
            })?;
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        watcher.watch(dir, RecursiveMode::NonRecursive)?;
        Ok(LayoutWatcher {
            _watcher: watcher,
            changed,
        })
    }

    /// Whether the file changed since the last call.
    pub fn changed(&self) -> bool {
        let mut any = false;
        loop {
            match self.changed.try_recv() {
                Ok(()) => any = true,
                Err(TryRecvError::Empty | TryRecvError::Disconnected) => return any,
            }
        }
    }
}

/// A layout file kept live: reloaded when it changes, the last good layout
/// kept (with the errors to show) when an edit breaks it.
pub struct LiveLayout {
    path: PathBuf,
    current: super::Layout,
    errors: Vec<super::LayoutError>,
    watcher: Option<LayoutWatcher>,
}

impl LiveLayout {
    /// Starts watching `path`, whose good contents are `current`.
    pub fn new(
        path: PathBuf,
        current: super::Layout,
        wake: Arc<dyn Fn() + Send + Sync>,
    ) -> LiveLayout {
        let watcher = LayoutWatcher::new(&path, wake)
            .inspect_err(|e| warn!(%e, file = %path.display(), "cannot watch the layout file; edits need a restart"))
            .ok();
        LiveLayout {
            path,
            current,
            errors: Vec::new(),
            watcher,
        }
    }

    /// Starts out showing `errors` (the file was already broken when read).
    #[must_use]
    pub fn with_errors(mut self, errors: Vec<super::LayoutError>) -> LiveLayout {
        self.errors = errors;
        self
    }

    /// The layout to draw: the newest one that was valid.
    pub fn layout(&self) -> &super::Layout {
        &self.current
    }

    /// Problems of the file on disk, if its newest version is broken.
    pub fn errors(&self) -> &[super::LayoutError] {
        &self.errors
    }

    /// Reloads if the file changed. Returns true when a new layout replaced the old one.
    pub fn poll(&mut self, known: &super::Known<'_>) -> bool {
        if !self.watcher.as_ref().is_some_and(LayoutWatcher::changed) {
            return false;
        }
        match super::load(&self.path, known) {
            Ok(new) => {
                self.errors.clear();
                if new == self.current {
                    return false;
                }
                tracing::info!(file = %self.path.display(), pages = new.pages.len(), "layout reloaded");
                self.current = new;
                true
            }
            Err(errors) => {
                warn!(file = %self.path.display(), errors = errors.len(), "layout file has errors; keeping the last good layout");
                self.errors = errors;
                false
            }
        }
    }
}
