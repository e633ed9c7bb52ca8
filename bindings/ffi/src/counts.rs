//! Live handle counts: a leak check for the bindings' tests (every handle freed exactly once
//! brings its count back to where it started).

use std::sync::atomic::{AtomicI64, Ordering};

static CLIENTS: AtomicI64 = AtomicI64::new(0);
static STREAMS: AtomicI64 = AtomicI64::new(0);
static CANCELS: AtomicI64 = AtomicI64::new(0);
static CODECS: AtomicI64 = AtomicI64::new(0);
static HOST_CALLS: AtomicI64 = AtomicI64::new(0);

/// Which counter a handle type moves.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    Client,
    Stream,
    Cancel,
    Codec,
    HostCall,
}

fn counter(kind: Kind) -> &'static AtomicI64 {
    match kind {
        Kind::Client => &CLIENTS,
        Kind::Stream => &STREAMS,
        Kind::Cancel => &CANCELS,
        Kind::Codec => &CODECS,
        Kind::HostCall => &HOST_CALLS,
    }
}

/// A value that counts as one live handle of `kind` until dropped.
#[derive(Debug)]
pub(crate) struct Live(Kind);

impl Live {
    pub(crate) fn new(kind: Kind) -> Self {
        counter(kind).fetch_add(1, Ordering::SeqCst);
        Live(kind)
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        counter(self.0).fetch_sub(1, Ordering::SeqCst);
    }
}

/// How many handles of each type are alive (created and not yet freed).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DittoHandleCounts {
    /// Live `DittoClient`s.
    pub clients: i64,
    /// Live `DittoStream`s.
    pub streams: i64,
    /// Live `DittoCancel`s.
    pub cancels: i64,
    /// Live `DittoCodec`s.
    pub codecs: i64,
    /// Host-function invocations still running (or queued to run).
    pub host_calls: i64,
}

/// The number of live handles of each type, for leak checks in tests.
#[no_mangle]
pub extern "C" fn ditto_handle_counts() -> DittoHandleCounts {
    DittoHandleCounts {
        clients: CLIENTS.load(Ordering::SeqCst),
        streams: STREAMS.load(Ordering::SeqCst),
        cancels: CANCELS.load(Ordering::SeqCst),
        codecs: CODECS.load(Ordering::SeqCst),
        host_calls: HOST_CALLS.load(Ordering::SeqCst),
    }
}
