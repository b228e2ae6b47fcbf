//! STUB
pub fn diagnose(r: &crate::api::signin::Rejection, _idp: &str, _sp: &crate::api::portal::SpValues, _d: &[String]) -> crate::api::signin::Diagnosis {
    crate::api::signin::Diagnosis { code: r.code, title: r.code.as_str().into(), message: String::new(), fix: vec![], copy: vec![], facts: r.facts.clone() }
}
