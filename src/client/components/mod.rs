//! Reusable pieces of the portal's screens.

pub mod activity_log;
pub mod copy_box;
pub mod embed_events;
pub mod error_notice;
pub mod field;
pub mod flow_picture;
pub mod guide_step;
pub mod lazy;
pub mod prose;
pub mod require_session;
pub mod session_banner;
pub mod shell;
pub mod sign_in_log;
pub mod stepper;
pub mod sync_log;
pub mod test_result;
