//! C ABI for the Go binding (being built: see the open Go issue).
