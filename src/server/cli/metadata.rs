//! `portico metadata inspect`: the server's metadata inspector on the command line, for
//! support staff and scripts. It reads no data directory and opens no database.

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::{json, Value};

use crate::core::metadata::{self, EntityChoice, IdpMetadata, MAX_METADATA_BYTES};
use crate::server::config::Settings;
use crate::server::time::rfc3339;
use crate::server::{fetch, Clock, SystemClock};

/// What `portico metadata` can do.
#[derive(Subcommand)]
pub enum MetadataAction {
    /// Check an IdP's SAML metadata the way the portal does, and print what Portico would use.
    Inspect {
        /// A file, an http(s) URL (downloaded with the same guard as the portal, so private
        /// addresses need PORTICO_FETCH_ALLOWLIST), or `-` for standard input.
        source: String,
        /// Print JSON instead of a report.
        #[arg(long)]
        json: bool,
        /// The entity ID of the identity provider to read when the file lists several.
        #[arg(long)]
        entity: Option<String>,
    },
}

/// Runs a `metadata` command: exit 0 when the metadata would be accepted (warnings
/// included), 1 when it would be refused or cannot be read.
pub async fn run(action: MetadataAction, settings: &Settings) -> ExitCode {
    let MetadataAction::Inspect {
        source,
        json,
        entity,
    } = action;
    let outcome = match read_source(&source, settings).await {
        Ok(bytes) => {
            metadata::inspect_idp_metadata_bytes(&bytes, SystemClock.now(), entity.as_deref())
                .map_err(|p| Refusal {
                    code: p.code,
                    message: p.message,
                    entities: p.entities,
                })
        }
        Err(refusal) => Err(refusal),
    };
    let accepted = outcome.is_ok();
    match outcome {
        Ok(meta) if json => out(&format!("{}\n", to_json(&meta))),
        Ok(meta) => out(&report(&meta)),
        Err(r) if json => {
            let mut error = json!({ "code": r.code, "message": r.message });
            if !r.entities.is_empty() {
                error["entities"] = json!(r.entities);
            }
            out(&format!("{}\n", json!({ "error": error })));
        }
        Err(r) => {
            let mut text = format!("portico: {} ({})\n", r.message, r.code);
            for e in &r.entities {
                text.push_str(&format!(
                    "  {}{}\n",
                    e.entity_id,
                    name_suffix(&e.display_name)
                ));
            }
            if !r.entities.is_empty() {
                text.push_str("Choose one with --entity ENTITY_ID.\n");
            }
            let _ = std::io::stderr().write_all(text.as_bytes());
        }
    }
    if accepted {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Why nothing could be inspected, in the inspector's shape.
struct Refusal {
    code: String,
    message: String,
    entities: Vec<EntityChoice>,
}

impl Refusal {
    fn new(code: &str, message: String) -> Refusal {
        Refusal {
            code: code.to_owned(),
            message,
            entities: Vec::new(),
        }
    }
}

/// Writes to stdout, ignoring a closed pipe (`| head`) rather than panicking on it.
fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush());
}

/// The document's bytes, at most one byte over the inspector's cap so that it can say
/// "too large" without us holding a huge upload in memory.
async fn read_source(source: &str, settings: &Settings) -> Result<Vec<u8>, Refusal> {
    let limit = MAX_METADATA_BYTES as u64 + 1;
    let mut bytes = Vec::new();
    if source == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| {
                Refusal::new(
                    "source_unreadable",
                    format!("Could not read standard input: {e}."),
                )
            })?;
        return Ok(bytes);
    }
    if source.starts_with("http://") || source.starts_with("https://") {
        let fetcher = fetch::Fetcher::new(settings.fetch_allowlist.clone());
        let accept = "application/samlmetadata+xml, application/xml, text/xml";
        let mut body = fetcher
            .get(source, accept)
            .await
            .map_err(|e| Refusal::new("metadata_fetch_failed", e.0))?;
        body.truncate(limit as usize);
        return Ok(body);
    }
    let unreadable = |e: std::io::Error| {
        Refusal::new(
            "source_unreadable",
            format!("Could not read {source}: {e}."),
        )
    };
    let file = std::fs::File::open(source).map_err(unreadable)?;
    if file.metadata().map_err(unreadable)?.is_dir() {
        return Err(Refusal::new(
            "source_unreadable",
            format!("{source} is a folder; give the metadata file inside it."),
        ));
    }
    file.take(limit)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    Ok(bytes)
}

/// The `--json` shape: stable keys for scripts.
fn to_json(meta: &IdpMetadata) -> Value {
    let certificates: Vec<Value> = meta
        .signing_certificates
        .iter()
        .map(|c| {
            json!({
                "subject": c.subject,
                "issuer": c.issuer,
                "not_before": rfc3339(c.not_before),
                "not_after": rfc3339(c.not_after),
                "sha256_fingerprint": c.sha256_fingerprint,
                "key_algorithm": c.key_algorithm,
                "key_bits": c.key_bits,
                "expired": c.expired,
            })
        })
        .collect();
    let warnings: Vec<Value> = meta
        .warnings
        .iter()
        .map(|w| json!({ "code": w.code, "message": w.message }))
        .collect();
    let mut value = json!({
        "entity_id": meta.entity_id,
        "sso_services": meta.sso_services,
        "signing_certificates": certificates,
        "valid_until": meta.valid_until.map(rfc3339),
        "warnings": warnings,
    });
    if !meta.entities.is_empty() {
        value["entities"] = json!(meta.entities);
    }
    value
}

fn name_suffix(name: &Option<String>) -> String {
    name.as_deref()
        .map(|n| format!("  ({n})"))
        .unwrap_or_default()
}

/// The readable report: what Portico would store, then what the admin should know.
fn report(meta: &IdpMetadata) -> String {
    let mut r = String::new();
    let mut line = |label: &str, value: &str| r.push_str(&format!("{label:<14}{value}\n"));
    line("Entity ID", &meta.entity_id);
    if let Some(name) = &meta.display_name {
        line("Name", name);
    }
    for (i, s) in meta.sso_services.iter().enumerate() {
        line(
            if i == 0 { "Sign-in URL" } else { "" },
            &format!("{:<9} {}", s.binding, s.url),
        );
    }
    if let Some(until) = meta.valid_until {
        line("Valid until", &rfc3339(until));
    }
    let count = meta.signing_certificates.len();
    for (i, c) in meta.signing_certificates.iter().enumerate() {
        let state = if c.expired { "  EXPIRED" } else { "" };
        r.push_str(&format!(
            "Signing certificate {} of {count}{state}\n",
            i + 1
        ));
        let mut field = |label: &str, value: &str| r.push_str(&format!("  {label:<12}{value}\n"));
        field("Subject", &c.subject);
        field("Issuer", &c.issuer);
        field("Serial", &c.serial);
        field(
            "Valid",
            &format!("{} to {}", rfc3339(c.not_before), rfc3339(c.not_after)),
        );
        field(
            "Key",
            &format!(
                "{} {} bits, signed with {}",
                c.key_algorithm, c.key_bits, c.signature_algorithm
            ),
        );
        field("SHA-256", &c.sha256_fingerprint);
    }
    if meta.warnings.is_empty() {
        r.push_str("No warnings: Portico would accept this metadata as it is.\n");
    } else {
        r.push_str("Warnings (Portico would still accept this metadata):\n");
        for w in &meta.warnings {
            r.push_str(&format!("  - {} ({})\n", w.message, w.code));
        }
    }
    if !meta.entities.is_empty() {
        r.push_str(&format!(
            "This file lists {} identity providers:\n",
            meta.entities.len()
        ));
        for e in &meta.entities {
            r.push_str(&format!(
                "  {}{}\n",
                e.entity_id,
                name_suffix(&e.display_name)
            ));
        }
    }
    r
}
