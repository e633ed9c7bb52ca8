//! Node binding (being built: see the open Node issue).
