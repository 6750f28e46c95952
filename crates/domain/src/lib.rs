//! spotcheck-domain
