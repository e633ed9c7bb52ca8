//! The control plane: keys, rate limits, budgets with reserve → settle, and the reaper.

mod budget;
mod keys;
mod ledger;
pub mod rate;

pub use budget::{Control, Ticket};
pub use keys::{KeyEntry, KeyState, KeyTable};
