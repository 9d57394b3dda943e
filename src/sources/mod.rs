//! Sources: background tasks that fetch data and send [`Update`]s to the UI.
//!
//! Each source runs as a task on the one Tokio runtime `main` owns. It sends
//! over a bounded channel (a slow UI makes sources wait; it never grows a
//! queue) and asks for a repaint after each send. The UI thread never awaits
//! a source.

pub mod sim;

use std::sync::Arc;

use crate::store::Update;

/// What the workstation asks a source to do.
#[derive(Clone, Debug, PartialEq)]
pub enum SourceCommand {
    /// Open a ticket for an alert (转工单).
    CreateTicket { alert: crate::model::Alert },
}

/// Capacity of the channel of commands to a source.
pub const COMMAND_CAPACITY: usize = 16;

/// A command channel of the right capacity.
pub fn command_channel() -> (
    tokio::sync::mpsc::Sender<SourceCommand>,
    tokio::sync::mpsc::Receiver<SourceCommand>,
) {
    tokio::sync::mpsc::channel(COMMAND_CAPACITY)
}

/// Capacity of the channel from sources to the UI, in updates.
pub const CHANNEL_CAPACITY: usize = 64;

/// Called after an update is sent, to wake the UI.
pub type Repaint = Arc<dyn Fn() + Send + Sync>;

/// The sending half every source gets.
#[derive(Clone)]
pub struct Outbox {
    tx: tokio::sync::mpsc::Sender<Update>,
    repaint: Repaint,
}

impl Outbox {
    pub fn new(tx: tokio::sync::mpsc::Sender<Update>, repaint: Repaint) -> Outbox {
        Outbox { tx, repaint }
    }

    /// Sends updates, then wakes the UI once. Returns false once the UI is gone.
    pub async fn send(&self, updates: impl IntoIterator<Item = Update>) -> bool {
        for update in updates {
            if self.tx.send(update).await.is_err() {
                return false;
            }
        }
        (self.repaint)();
        true
    }
}

/// A channel of the right capacity.
pub fn channel() -> (
    tokio::sync::mpsc::Sender<Update>,
    tokio::sync::mpsc::Receiver<Update>,
) {
    tokio::sync::mpsc::channel(CHANNEL_CAPACITY)
}
