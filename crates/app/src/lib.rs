//! spotcheck-app
