//! One step of an IdP's setup guide: its text, with our values in live copy boxes. The setup
//! step shows every step in order; a failed test shows the one step that fixes it.

use crate::api::connection::SpValues;
use crate::api::guide::{GuideBlock, GuideStep};
use crate::client::components::copy_box::CopyBox;
use leptos::prelude::*;

/// Our value for a guide placeholder.
pub fn sp_value(sp: &SpValues, key: &str) -> Option<String> {
    Some(match key {
        "acs_url" => sp.acs_url.clone(),
        "entity_id" => sp.entity_id.clone(),
        "metadata_url" => sp.metadata_url.clone(),
        "redirect_uri" => sp.redirect_uri.clone(),
        _ => return None,
    })
}

/// The body of one guide step (its title is the caller's: a numbered heading in the guide, a
/// "from the guide" heading after a failure).
#[component]
pub fn GuideStepBody(
    /// The step.
    step: GuideStep,
    /// Our values, for the copy boxes.
    sp: SpValues,
    /// Prefix of the copy boxes' ids, unique on the page (`sp`, `fix-guide`).
    id_prefix: &'static str,
    /// Copy boxes already on the page before this step, so ids stay unique across steps.
    #[prop(optional)]
    numbered_from: usize,
) -> impl IntoView {
    let mut n = numbered_from;
    step.blocks
        .into_iter()
        .map(|b| match b {
            GuideBlock::Html(h) => view! { <div inner_html=h></div> }.into_any(),
            GuideBlock::Copy(c) => {
                n += 1;
                match sp_value(&sp, &c.value) {
                    Some(value) => view! {
                        <CopyBox id=format!("{id_prefix}-{}-{n}", c.value.replace('_', "-")) label=c.label value/>
                    }
                    .into_any(),
                    None => ().into_any(),
                }
            }
        })
        .collect_view()
}

/// How many copy boxes a step has, to number the next step's.
pub fn copy_count(step: &GuideStep) -> usize {
    step.blocks
        .iter()
        .filter(|b| matches!(b, GuideBlock::Copy(_)))
        .count()
}
