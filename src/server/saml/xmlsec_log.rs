//! libxmlsec1's error reports go through `tracing`, not straight to the process's stderr.
//!
//! By default libxmlsec1 prints every error it meets (`func=xmlSecOpenSSLEvpSignatureVerify:…
//! data do not match`) to stderr, outside the structured log, even though each one is already
//! answered as a typed refusal (a forged or altered response is an expected, reported outcome).
//! samael keeps its libxmlsec1 bindings private, so the one function needed is declared here; the
//! library is already linked through samael.

use std::borrow::Cow;
use std::ffi::{c_char, c_int, CStr};

/// libxmlsec1's `xmlSecErrorsCallback` (xmlsec/errors.h).
type ErrorsCallback = unsafe extern "C" fn(
    file: *const c_char,
    line: c_int,
    func: *const c_char,
    error_object: *const c_char,
    error_subject: *const c_char,
    reason: c_int,
    msg: *const c_char,
);

#[link(name = "xmlsec1")]
extern "C" {
    /// Replaces libxmlsec1's process-wide error callback (a plain global it calls on every error).
    fn xmlSecErrorsSetCallback(callback: ErrorsCallback);
    /// Whether libxmlsec1's default callback prints (a plain global flag).
    fn xmlSecErrorsDefaultCallbackEnableOutput(enabled: c_int);
}

/// Sends libxmlsec1's errors to the log from now on. Idempotent; call it at start-up, before
/// any signature is checked.
///
/// The crypto back end's initialisation (`xmlSecOpenSSLInit`) installs its own callback, and
/// samael runs it lazily on first use, which would replace ours. So samael is made to initialise
/// first, with printing switched off meanwhile (the warm-up's own key error stays quiet), and
/// only then is our callback installed.
pub fn route_to_log() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: both calls only store a value in a libxmlsec1 global. `Once` runs this at
        // start-up, before any verification thread calls into libxmlsec1.
        unsafe { xmlSecErrorsDefaultCallbackEnableOutput(0) };
        // A key that cannot load: samael initialises libxmlsec1 and its crypto back end before
        // loading it, then reports the failure, which is the expected outcome here.
        let _refused =
            <samael::crypto::Crypto as samael::crypto::CryptoProvider>::verify_signed_xml(
                "<warm-up/>",
                &samael::crypto::CertificateDer::from(vec![0u8]),
                None,
            );
        // SAFETY: `forward` has exactly the C signature libxmlsec1 expects for
        // `xmlSecErrorsCallback`, lives for the whole program, and never unwinds. The setters only
        // store values in libxmlsec1 globals; see above for when this runs.
        unsafe {
            xmlSecErrorsSetCallback(forward);
            xmlSecErrorsDefaultCallbackEnableOutput(1);
        }
    });
}

/// Text from one of libxmlsec1's C strings, or "" for none.
///
/// # Safety
/// `p` is null or points at a NUL-terminated string valid for the call.
unsafe fn text<'a>(p: *const c_char) -> Cow<'a, str> {
    if p.is_null() {
        Cow::Borrowed("")
    } else {
        // SAFETY: non-null, and libxmlsec1 passes NUL-terminated strings (`__FILE__`,
        // `__func__`, names, or its own formatted buffer) that outlive the callback.
        unsafe { CStr::from_ptr(p) }.to_string_lossy()
    }
}

/// Called by libxmlsec1 for each error. Logged at debug: the caller already turns the failure
/// into a typed refusal with its own log line; these are the library's details behind it.
unsafe extern "C" fn forward(
    file: *const c_char,
    line: c_int,
    func: *const c_char,
    error_object: *const c_char,
    error_subject: *const c_char,
    reason: c_int,
    msg: *const c_char,
) {
    // Unwinding into C is undefined; a panic here (there should be none) is dropped.
    let _ = std::panic::catch_unwind(|| {
        // SAFETY: each pointer comes from libxmlsec1 as described on `text`.
        let (file, func, object, subject, msg) = unsafe {
            (
                text(file),
                text(func),
                text(error_object),
                text(error_subject),
                text(msg),
            )
        };
        tracing::debug!(func = %func, object = %object, subject = %subject, reason, file = %file, line, "libxmlsec1: {msg}");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_and_non_utf8_strings_are_logged_without_panicking() {
        let func = c"xmlSecOpenSSLEvpSignatureVerify";
        let odd = [0xffu8, 0xfe, 0];
        // SAFETY: null pointers and NUL-terminated strings, as libxmlsec1 passes them.
        unsafe {
            forward(
                std::ptr::null(),
                0,
                std::ptr::null(),
                std::ptr::null(),
                std::ptr::null(),
                0,
                std::ptr::null(),
            );
            forward(
                odd.as_ptr().cast(),
                453,
                func.as_ptr(),
                odd.as_ptr().cast(),
                std::ptr::null(),
                18,
                c"data do not match".as_ptr(),
            );
            assert_eq!(text(odd.as_ptr().cast()), "\u{fffd}\u{fffd}");
            assert_eq!(text(std::ptr::null()), "");
        }
        route_to_log();
        route_to_log();
    }
}
