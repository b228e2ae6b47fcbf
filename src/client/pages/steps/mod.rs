//! The wizard's steps, one component each.

pub mod configure;
pub mod details;
pub mod draft;
pub mod fix_actions;
pub mod go_live;
pub mod mapping;
pub mod oidc_form;
pub mod provider;
pub mod review;
pub mod saml_form;
pub mod test;
pub mod test_run;
