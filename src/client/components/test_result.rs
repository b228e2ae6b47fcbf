//! The outcome of one test sign-in: the mapped profile and everything the IdP sent, or a
//! diagnosis saying what to change where.

use crate::api::test_sign_in::{ReceivedAttribute, SignInTest, TestOutcome};
use crate::client::components::copy_box::CopyBox;
use crate::client::components::prose::Prose;
use crate::client::routes;
use crate::client::style::scoped;
use leptos::prelude::*;
use stylers_macro::style_str;

fn when(t: crate::api::time::Timestamp) -> String {
    crate::core::cert::format_datetime(t.unix())
}

/// One test's result, in full.
#[component]
pub fn TestResult(
    /// The test.
    test: SignInTest,
    /// The IdP's display name, for sentences.
    idp_name: &'static str,
    /// Shown inside a failure's explanation, after its fix steps: the buttons that lead to the
    /// fix (the portal's wizard passes them; the theme preview shows none).
    #[prop(optional)]
    children: Option<Children>,
    /// Where the attribute mapping is, linked from the remarks about it.
    #[prop(optional, into)]
    mapping_href: Option<String>,
) -> impl IntoView {
    let class = scoped(style_str! {
        .profile {
            display: grid;
            grid-template-columns: minmax(6rem, max-content) minmax(0, 1fr);
            gap: var(--space-2) var(--space-4);
            margin: 0;
        }
        .profile dt {
            overflow-wrap: anywhere;
        }
        .profile dd {
            margin: 0;
            min-width: 0;
            overflow-wrap: anywhere;
        }
        @media (max-width: 40rem) {
            .profile {
                grid-template-columns: minmax(0, 1fr);
                row-gap: 0;
            }
            .profile dd {
                margin-bottom: var(--space-3);
            }
        }
        .raw {
            max-height: 28rem;
            overflow: auto;
            font-size: var(--font-size-sm);
            background: var(--color-surface-alt);
            padding: var(--space-3);
            border-radius: var(--radius-md);
            white-space: pre;
        }
        .scroll {
            overflow-x: auto;
        }
        .fix {
            padding-left: var(--space-5);
        }
    });
    let finished = test.finished_at.map(when).unwrap_or_default();
    let headline = match test.outcome {
        TestOutcome::Success => view! { class=class,
            <div class="notice success stack" role="status" data-test-outcome="success">
                <h2>"Sign-in worked"</h2>
                <p>{format!("{} signed you in and sent everything we need ({finished}).", crate::core::catalog::sentence_start(idp_name))}</p>
            </div>
        }
        .into_any(),
        TestOutcome::Pending => view! { class=class,
            <div class="notice warning" role="status" data-test-outcome="pending">
                <p>{format!("Waiting for {idp_name} to answer. If you closed its sign-in page, start a new test.")}</p>
            </div>
        }
        .into_any(),
        TestOutcome::Failure => {
            let d = test.diagnosis.clone();
            match d {
                Some(d) => view! { class=class,
                    <div class="notice error stack" role="alert" data-test-outcome="failure" data-failure-code=d.code.as_str()>
                        <h2>{d.title.clone()}</h2>
                        <p><Prose text=d.message.clone()/></p>
                        {(!d.fix.is_empty()).then(|| view! { class=class,
                            <h3>"How to fix it"</h3>
                            <ol class="fix">{d.fix.iter().map(|f| view! { <li><Prose text=f.clone()/></li> }).collect_view()}</ol>
                        })}
                        {d.copy.iter().enumerate().map(|(i, c)| view! {
                            <CopyBox id=format!("fix-copy-{i}") label=c.label.clone() value=c.value.clone()/>
                        }).collect_view()}
                        {children.map(|c| c())}
                        {(!d.facts.is_empty()).then(|| view! { class=class,
                            <dl class="profile">
                                {d.facts.iter().map(|f| view! { class=class,
                                    <dt class="muted">{f.label.clone()}</dt><dd><code>{f.value.clone()}</code></dd>
                                }).collect_view()}
                            </dl>
                        })}
                        <p class="muted">"Error code " <code>{d.code.as_str()}</code> ", test " <code>{test.id.clone()}</code> ". Quote these if you contact support."</p>
                    </div>
                }
                .into_any(),
                None => view! { <div class="notice error" role="alert" data-test-outcome="failure"><p>"The test failed."</p></div> }.into_any(),
            }
        }
    };
    let profile = test.profile.clone().map(|p| {
        let row = |label: &'static str, v: Option<String>| {
            view! { class=class,
                <dt class="muted">{label}</dt>
                <dd>{match v { Some(v) => view! { <span>{v}</span> }.into_any(), None => view! { <span class="muted">"(none)"</span> }.into_any() }}</dd>
            }
        };
        let groups = (!p.groups.is_empty()).then(|| p.groups.join(", "));
        view! { class=class,
            <section aria-labelledby="profile-heading">
                <h3 id="profile-heading">"The profile your application will receive"</h3>
                <dl class="profile" data-profile>
                    {row("IdP user ID", Some(p.idp_id.clone()))}
                    {row("Email", p.email.clone())}
                    {row("First name", p.first_name.clone())}
                    {row("Last name", p.last_name.clone())}
                    {row("Groups", groups)}
                    {p.custom_attributes.iter().map(|(k, v)| view! { class=class,
                        <dt class="muted">{k.clone()}</dt><dd>{v.clone()}</dd>
                    }).collect_view()}
                </dl>
            </section>
        }
    });
    // Remarks about domains are not about the mapping: they get their own box and link.
    let (domain_remarks, mapping_remarks): (Vec<_>, Vec<_>) = test
        .mapping_issues
        .iter()
        .cloned()
        .partition(|i| i.kind == crate::api::mapping::MappingIssueKind::DomainUnverified);
    let issues = (!mapping_remarks.is_empty()).then(|| {
        view! {
            <div class="notice warning stack" data-mapping-issues>
                <h3>"About the attribute mapping"</h3>
                <ul>{mapping_remarks.into_iter().map(|i| view! { <li><Prose text=i.message/></li> }).collect_view()}</ul>
                {mapping_href.clone().map(|href| view! { <p><a href=href data-open-mapping>"Open the attribute mapping"</a></p> })}
            </div>
        }
    });
    let domains = (!domain_remarks.is_empty()).then(|| {
        view! {
            <div class="notice warning stack" data-domain-remarks>
                <h3>"Before your users sign in"</h3>
                <ul>{domain_remarks.into_iter().map(|i| view! { <li><Prose text=i.message/></li> }).collect_view()}</ul>
                <p><a href=routes::DOMAINS>"Verify your email domains"</a></p>
            </div>
        }
    });
    let attributes =
        (!test.attributes.is_empty()).then(|| attribute_table(class, &test.attributes, idp_name));
    let xml = test.saml_response_xml.clone().map(|x| {
        view! { class=class,
            <details>
                <summary>"The SAML response, as received (signatures shortened)"</summary>
                <pre class="raw" tabindex="0">{x}</pre>
            </details>
        }
    });
    let claims = test.id_token_claims.clone().map(|c| {
        let text = serde_json::to_string_pretty(&c).unwrap_or_default();
        view! { class=class,
            <details>
                <summary>"ID token claims"</summary>
                <pre class="raw" tabindex="0">{text}</pre>
            </details>
        }
    });
    view! { class=class,
        <div class="stack" data-test-id=test.id.clone()>
            {headline}
            {profile}
            {issues}
            {domains}
            {attributes}
            {xml}
            {claims}
        </div>
    }
}

fn attribute_table(
    class: &'static str,
    attrs: &[ReceivedAttribute],
    idp_name: &'static str,
) -> impl IntoView {
    view! { class=class,
        <details open=true>
            <summary>{format!("Everything {idp_name} sent ({} attributes)", attrs.len())}</summary>
            <div class="scroll">
                <table class="data" data-attributes>
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Format"</th><th scope="col">"Values"</th></tr></thead>
                    <tbody>
                        {attrs.iter().map(|a| view! { class=class,
                            <tr>
                                <td><code>{a.name.clone()}</code>{a.friendly_name.clone().map(|f| view! { <br/><span class="muted">{f}</span> })}</td>
                                <td>{a.format.clone().map(|f| f.rsplit(':').next().unwrap_or_default().to_owned()).unwrap_or_default()}</td>
                                <td>{a.values.join(", ")}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
