//! The admin's screens that are downloaded when first needed, one chunk per group of screens,
//! so the first visit of a setup link carries only the screens it opens first.
//!
//! Each function here is a split point: `wasm_split` moves it, and everything only it reaches,
//! into the chunk it names (`.ci/wasm-split` cuts the module after cargo links it; code two
//! chunks share goes into a shared chunk both load). What a function returns is a plain `fn`
//! building the screen, which `components::lazy::Lazy` renders once the chunk is here. Calling
//! one ahead of need is a prefetch: it only downloads.

use super::components::lazy::ChunkFailed;
use super::pages;
use leptos::prelude::*;

/// A screen that takes no props.
pub type Screen = fn() -> AnyView;

/// Declares a split point. The lib's own test build (run by wasm-bindgen-test-runner, which
/// does not cut modules) gets an ordinary async function instead.
macro_rules! split_point {
    ($(#[doc = $doc:literal])* $chunk:ident :: $name:ident -> $out:ty $body:block) => {
        $(#[doc = $doc])*
        #[cfg(not(test))]
        #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name() -> Result<$out, ChunkFailed> $body

        $(#[doc = $doc])*
        #[cfg(test)]
        pub async fn $name() -> Result<$out, ChunkFailed> $body
    };
}

split_point! {
    /// The single sign-on overview's list of connections, with their sign-in and activity
    /// logs (the page around it, and what it says without a connection, are in the first
    /// download).
    sso_home::sso_home -> Screen {
        Ok(|| view! { <pages::sso::connections::ConnectionsList/> }.into_any())
    }
}

split_point! {
    /// The connection wizard's steps after the provider (our values, theirs, review, test,
    /// mapping), with the connection they load.
    sso_steps::sso_steps -> pages::steps::StepFor {
        Ok(pages::steps::step_for)
    }
}

split_point! {
    /// The page a test sign-in run in a new tab ends on (from an embedded portal).
    sso_steps::test_done_in_tab -> Screen {
        Ok(|| view! { <pages::steps::test::TestDoneInTab/> }.into_any())
    }
}

split_point! {
    /// Email domain verification: the page, with its form (its cards are `domain_cards`).
    domains::domains -> Screen {
        Ok(|| view! { <pages::domains::Domains/> }.into_any())
    }
}

split_point! {
    /// The domains page's cards: the record to create, what DNS said, the DNS hosts' guides
    /// (a first visit has no card to show). The route provides this loader to the page
    /// (`pages::domains::CardsLoader`).
    domain_cards::domain_cards -> pages::domains::card::CardsView {
        Ok(pages::domains::card::cards_view)
    }
}

split_point! {
    /// The directory page's cards, with their sync logs (the page around them, and what it
    /// says without a directory, are in the first download).
    directory::directory_home -> Screen {
        Ok(|| view! { <pages::directory::cards::DirectoryCards/> }.into_any())
    }
}

split_point! {
    /// The directory wizard.
    directory_setup::directory_wizard -> Screen {
        Ok(|| view! { <pages::directory::wizard::DirectoryWizard/> }.into_any())
    }
}

split_point! {
    /// Talking to the page that embeds the portal, when it is framed.
    embed::embed -> fn() {
        Ok(super::embed::parent::start)
    }
}

split_point! {
    /// The portal's root, `/`, which only a bookmark or a hand-typed address opens.
    home::home -> Screen {
        Ok(|| view! { <pages::home::Home/> }.into_any())
    }
}
