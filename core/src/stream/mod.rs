//! Stream utilities: the `TextStream` wrapper and the bounded collector that turns a stream
//! into a `GenerateTextResult`, and the bounded fan-out (`TextStream::tee`).

mod collect;
mod fan_out;
mod simulate;
mod text_stream;

pub use collect::{StreamCollector, DEFAULT_MAX_COLLECTED_BYTES};
pub use fan_out::{fan_out, TeeEventStream, TeeTextStream};
pub use simulate::{response_events, split_words};
pub use text_stream::TextStream;
