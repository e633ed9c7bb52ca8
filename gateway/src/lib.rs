//! ditto-gateway (being built: see the open gateway issue).
