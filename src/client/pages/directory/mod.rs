//! Directory sync (SCIM provisioning): the directory's home page and its setup wizard, one file
//! per step. The wizard's step lives in the URL (`/directory/setup/:step?directory=…`), so reload
//! and back/forward work, as in the single sign-on wizard.

pub mod attributes;
pub mod cards;
pub mod connect;
pub mod home;
pub mod instructions;
pub mod provider;
pub mod roles;
pub mod wizard;

use crate::api::directory::{Directory, DirectoryProvider};
use crate::client::api::{self, ApiError};
use crate::client::routes::DirectoryStep;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeMap;
use std::future::Future;

/// A step's "Back" and its way on when there is nothing to save: "Continue" to the next step,
/// or "Skip for now" when the step could not load (the step saves nothing either way).
#[component]
pub fn StepLinks(
    /// The directory.
    id: String,
    /// The step "Back" returns to.
    back: DirectoryStep,
    /// The step after this one.
    next: DirectoryStep,
    /// Whether going on skips this step (it failed to load) rather than continues.
    #[prop(optional)]
    skip: bool,
) -> impl IntoView {
    let (class, label) = if skip {
        ("button", "Skip for now")
    } else {
        ("button primary", "Continue")
    };
    view! {
        <div class="actions">
            <a class="button" href=back.href(&id)>"Back"</a>
            <a class=class href=next.href(&id)>{label}</a>
        </div>
    }
}

/// A directory with its catalog entry (name, whether it pushes SCIM, its sync cycle).
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    /// The directory.
    pub directory: Directory,
    /// Its provider's catalog entry, when the catalog still has it.
    pub provider: Option<DirectoryProvider>,
}

impl Loaded {
    /// The provider's name, for sentences: "Okta", but "your directory" for the generic entry
    /// ("Other SCIM 2.0 directory" reads badly in the middle of one).
    pub fn provider_name(&self) -> String {
        match &self.provider {
            Some(p) if p.key != "generic" => p.name.clone(),
            Some(_) => "your directory".into(),
            None => "your directory provider".into(),
        }
    }
}

/// Loads one of the organization's directories with its provider (there is no single-directory
/// read in the portal API: the organization's list is short).
pub async fn load(id: &str) -> Result<Option<Loaded>, ApiError> {
    let directories = api::directories().await?;
    let Some(directory) = directories.into_iter().find(|d| d.id == id) else {
        return Ok(None);
    };
    // The catalog only names the provider: a directory stays usable without it.
    let provider = api::directory_providers()
        .await
        .ok()
        .and_then(|l| l.into_iter().find(|p| p.key == directory.provider));
    Ok(Some(Loaded {
        directory,
        provider,
    }))
}

/// The token generated during this visit, with its secret: the server shows a secret once, so
/// the wizard keeps it while the admin moves between steps (never stored in the browser).
#[derive(Clone, Copy)]
pub struct HeldToken(pub leptos::prelude::RwSignal<Option<crate::api::directory::DirectoryToken>>);

/// The save button's action of a mapping step (roles, attributes): `save` sends the mapping of
/// directory `id`; on success the wizard goes on to `next` (the action's value stays `true`, so
/// the button stays busy until the next step replaces this one), on a refusal the error lands
/// in `error` and nothing moves.
pub fn save_then_go<F, Fut, T>(
    id: String,
    next: DirectoryStep,
    error: RwSignal<Option<ApiError>>,
    save: F,
) -> Action<BTreeMap<String, String>, bool>
where
    F: Fn(String, BTreeMap<String, String>) -> Fut + Clone + 'static,
    Fut: Future<Output = Result<T, ApiError>> + 'static,
{
    let navigate = use_navigate();
    Action::new_local(move |m: &BTreeMap<String, String>| {
        let (id, sent, navigate) = (id.clone(), save(id.clone(), m.clone()), navigate.clone());
        async move {
            match sent.await {
                Ok(_) => {
                    navigate(&next.href(&id), Default::default());
                    true
                }
                Err(e) => {
                    error.set(Some(e));
                    false
                }
            }
        }
    })
}
