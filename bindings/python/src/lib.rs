//! Python binding (being built: see the open Python issue).
