//! STUB
#![allow(missing_docs)]
use crate::api::theme::*;
pub fn default_theme() -> Theme { Theme::default() }
pub fn check(_t: &Theme) -> Vec<ThemeProblem> { vec![] }
pub fn stylesheet(t: &Theme) -> String { format!(":root{{--stub:{:?}}}", t.display_name) }
pub fn version(t: &Theme) -> String { format!("{:012x}", stylesheet(t).len()) }
