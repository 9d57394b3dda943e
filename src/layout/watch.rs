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
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| match event {
            Ok(e) if e.paths.iter().any(|p| p.file_name() == Some(file.as_os_str())) => {
                // A full channel already says "changed"; one signal is enough.
                let _ = tx.try_send(());
                wake();
            }
            Ok(_) => {}
            Err(err) => warn!(%err, "layout watch error"),
        })?;
        let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
        watcher.watch(dir, RecursiveMode::NonRecursive)?;
        Ok(LayoutWatcher { _watcher: watcher, changed })
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
