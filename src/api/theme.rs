//! STUB
#![allow(missing_docs)]
use serde::{Deserialize, Serialize};
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Theme { #[serde(default)] pub display_name: Option<String> }
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeInput { pub theme: Theme, #[serde(default)] pub accept_low_contrast: bool }
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind { Invalid, LowContrast }
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThemeProblem { pub field: String, pub message: String, pub kind: ProblemKind }
