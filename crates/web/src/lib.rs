//! spotcheck-web
