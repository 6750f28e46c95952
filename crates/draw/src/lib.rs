//! spotcheck-draw
