//! Where the test sign-in and mapping types used to live; they are now by resource in
//! [`test_sign_in`](crate::api::test_sign_in) and [`mapping`](crate::api::mapping).

pub use crate::api::mapping::*;
pub use crate::api::test_sign_in::*;
