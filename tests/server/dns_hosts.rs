//! The DNS-host how-tos for domain verification: all present, rendered, and served as data.

use crate::*;
use portico::api::dns_hosts::{DnsHostList, PLACEHOLDERS};

const KEYS: [&str; 7] = [
    "cloudflare",
    "route53",
    "godaddy",
    "namecheap",
    "google-cloud-dns",
    "azure-dns",
    "squarespace",
];

#[test]
fn every_host_is_rendered_markdown_with_known_placeholders() {
    let hosts = portico::server::dns_hosts::all();
    assert_eq!(
        hosts.len(),
        KEYS.len(),
        "{:?}",
        hosts.iter().map(|h| &h.key).collect::<Vec<_>>()
    );
    for key in KEYS {
        let h = portico::server::dns_hosts::find(key)
            .unwrap_or_else(|| panic!("no DNS host guide {key}"));
        assert!(
            !h.name.is_empty() && !h.name.starts_with('#'),
            "{key}: {}",
            h.name
        );
        assert!(
            h.html.contains("<ol>") && h.html.contains("<li>") && h.html.contains("<strong>"),
            "{key}: {}",
            h.html
        );
        for raw in ["**", "\n#", "](", "\n1. ", "<script", "<img"] {
            assert!(!h.html.contains(raw), "{key}: raw `{raw}` in {}", h.html);
        }
        // Every guide says what to type as the name and what to paste as the value.
        assert!(
            h.html.contains("<code>{{host}}</code>") && h.html.contains("{{value}}"),
            "{key}: {}",
            h.html
        );
        let mut rest = h.html.as_str();
        while let Some(start) = rest.find("{{") {
            let end = rest[start..].find("}}").unwrap();
            assert!(
                PLACEHOLDERS.contains(&&rest[start + 2..start + end]),
                "{key}: {}",
                &rest[start..start + end + 2]
            );
            rest = &rest[start + end + 2..];
        }
    }
    let names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "listed by name");
}

#[tokio::test]
async fn dns_hosts_are_served_publicly_and_cached() {
    let app = App::new().await;
    let r = app
        .raw(
            Request::get("/portal/api/dns_hosts")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.headers[header::CACHE_CONTROL], "public, max-age=3600");
    let list: DnsHostList = serde_json::from_value(r.body.clone()).unwrap();
    let mut keys: Vec<&str> = list.data.iter().map(|h| h.key.as_str()).collect();
    keys.sort();
    let mut want = KEYS.to_vec();
    want.sort();
    assert_eq!(keys, want);
    let cloudflare = list.data.iter().find(|h| h.key == "cloudflare").unwrap();
    assert_eq!(cloudflare.name, "Cloudflare");
    let filled = cloudflare.fill(&[
        ("host", "_portico-challenge"),
        ("name", "_portico-challenge.acme.com"),
        ("value", "portico-verification=abc"),
        ("domain", "acme.com"),
    ]);
    assert!(
        filled.contains("<code>_portico-challenge</code>")
            && filled.contains("portico-verification=abc")
            && !filled.contains("{{"),
        "{filled}"
    );
}
