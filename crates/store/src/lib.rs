//! spotcheck-store
