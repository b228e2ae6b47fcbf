//! The portal's paths, in one place: the wizard's steps and every screen a link or a redirect
//! points at. Pages and the wizard's steps import this module; it imports none of them, so
//! there is no cycle between the wizard and its steps.
//!
//! The router's own table (`client::mod`) keeps its literal paths: `path!` wants literals.

/// The home screen: what this link may do.
pub const HOME: &str = "/";
/// The single sign-on overview: the organization's connections.
pub const SSO: &str = "/sso";
/// Email domain verification.
pub const DOMAINS: &str = "/domains";
/// The theme editor.
pub const THEME: &str = "/theme";
/// The theme editor's sample pages, shown in its preview frame.
pub const THEME_PREVIEW: &str = "/theme/preview";
/// Where a theme link is redeemed: the designer's module serves it (see [`is_designer`]).
pub const THEME_SETUP: &str = "/theme/setup";
/// Starting a new connection: the wizard's first step, which needs no connection yet.
pub const NEW_CONNECTION: &str = "/sso/setup/provider";
/// Directory sync: the organization's directory, or a way to start one.
pub const DIRECTORY: &str = "/directory";
/// Starting a directory: the directory wizard's first step, which needs no directory yet.
pub const NEW_DIRECTORY: &str = "/directory/setup/provider";

/// Whether the designer's module serves `path` (the theme editor and its preview); the admin's
/// serves every other. The page's loader applies the same rule (`pattern_script` in Trunk.toml).
pub fn is_designer(path: &str) -> bool {
    path == THEME || path.starts_with("/theme/")
}

/// The setup link that exchanges `token` for a session (already URI-encoded by the caller
/// when it came from outside).
pub fn setup_with_token(encoded_token: &str) -> String {
    format!("/setup?token={encoded_token}")
}

/// The wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Choose the identity provider.
    Provider,
    /// Copy our values into the IdP.
    Configure,
    /// Give us the IdP's values.
    Details,
    /// Review and save.
    Review,
    /// A real sign-in round trip.
    Test,
    /// How attributes become the profile; activation.
    Mapping,
}

impl Step {
    /// All steps in order.
    pub const ALL: [Step; 6] = [
        Step::Provider,
        Step::Configure,
        Step::Details,
        Step::Review,
        Step::Test,
        Step::Mapping,
    ];
    /// Their titles, for the stepper.
    pub const TITLES: &'static [&'static str] = &[
        "Identity provider",
        "Our values",
        "Your values",
        "Review",
        "Test sign-in",
        "Attributes",
    ];

    /// The URL segment.
    pub fn slug(self) -> &'static str {
        match self {
            Step::Provider => "provider",
            Step::Configure => "configure",
            Step::Details => "details",
            Step::Review => "review",
            Step::Test => "test",
            Step::Mapping => "mapping",
        }
    }

    /// The step for a URL segment.
    pub fn parse(s: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// Position, from 0.
    pub fn index(self) -> usize {
        Step::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }

    /// The URL of this step for a connection.
    pub fn href(self, connection_id: &str) -> String {
        format!("/sso/setup/{}?connection={connection_id}", self.slug())
    }
}

/// The directory sync wizard's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectoryStep {
    /// Choose the directory provider.
    Provider,
    /// The provider's guide, with our SCIM base URL and a token to copy.
    Instructions,
    /// Wait for the provider's first request, watching the sync log live.
    Connect,
    /// Map the groups received to the vendor's roles.
    Roles,
    /// Read the vendor's custom attributes from the SCIM attributes received.
    Attributes,
    /// All set.
    Done,
}

impl DirectoryStep {
    /// All steps in order.
    pub const ALL: [DirectoryStep; 6] = [
        DirectoryStep::Provider,
        DirectoryStep::Instructions,
        DirectoryStep::Connect,
        DirectoryStep::Roles,
        DirectoryStep::Attributes,
        DirectoryStep::Done,
    ];
    /// Their titles, for the stepper.
    pub const TITLES: &'static [&'static str] = &[
        "Directory provider",
        "Our values",
        "First sync",
        "Roles",
        "Attributes",
        "Done",
    ];

    /// The URL segment.
    pub fn slug(self) -> &'static str {
        match self {
            DirectoryStep::Provider => "provider",
            DirectoryStep::Instructions => "instructions",
            DirectoryStep::Connect => "connect",
            DirectoryStep::Roles => "roles",
            DirectoryStep::Attributes => "attributes",
            DirectoryStep::Done => "done",
        }
    }

    /// The step for a URL segment.
    pub fn parse(s: &str) -> Option<DirectoryStep> {
        DirectoryStep::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// Position, from 0.
    pub fn index(self) -> usize {
        DirectoryStep::ALL
            .iter()
            .position(|s| *s == self)
            .unwrap_or(0)
    }

    /// The URL of this step for a directory.
    pub fn href(self, directory_id: &str) -> String {
        format!("/directory/setup/{}?directory={directory_id}", self.slug())
    }
}
