//! Stream utilities: the `TextStream` wrapper and the bounded collector that turns a stream
//! into a `GenerateTextResult`.

mod collect;
mod simulate;
mod text_stream;

pub use collect::{StreamCollector, DEFAULT_MAX_COLLECTED_BYTES};
pub use simulate::{response_events, split_words};
pub use text_stream::TextStream;
