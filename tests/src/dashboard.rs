//! The mesh dashboard as a browser shows it: Debian's headless Chromium loads `/dashboard`, runs
//! its script against the node's REST API, and hands back the page's DOM (and a screenshot).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{bail, Context, Result};

use crate::process::run_with_timeout;

/// How long the page's clock may run (virtual time: waits for its fetches) before the DOM is read.
const PAGE_TIME_MS: u32 = 20_000;

fn chromium() -> Result<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        if let Ok(output) = Command::new("which").arg(name).output() {
            if output.status.success() {
                let path = String::from_utf8_lossy(&output.stdout).trim().to_string();
                return Ok(PathBuf::from(path));
            }
        }
    }
    bail!("Chromium is needed for the dashboard test (scripts/install-tools.sh installs it)")
}

fn headless(url: &str, extra: &[&str]) -> Result<String> {
    let profile = tempfile::tempdir()?;
    let mut command = Command::new(chromium()?);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            &format!("--virtual-time-budget={PAGE_TIME_MS}"),
            &format!("--user-data-dir={}", profile.path().display()),
        ])
        .args(extra)
        .arg(url);
    let output = run_with_timeout(&mut command, None, Duration::from_secs(120))?;
    if !output.success() {
        bail!("chromium failed on {url}: {}", output.stderr);
    }
    Ok(output.stdout)
}

/// The page's DOM once its script has read the node, and a screenshot saved at `screenshot`.
pub fn load(api_url: &str, screenshot: &Path) -> Result<String> {
    let url = format!("{api_url}/dashboard");
    let dom = headless(&url, &["--dump-dom"])?;
    if !dom.contains("data-ready=\"true\"") {
        bail!("the dashboard never finished reading the node; its DOM:\n{dom}");
    }
    if let Some(dir) = screenshot.parent() {
        std::fs::create_dir_all(dir)?;
    }
    headless(
        &url,
        &[
            "--window-size=1280,2000",
            &format!("--screenshot={}", screenshot.display()),
        ],
    )?;
    if !screenshot.exists() {
        bail!("chromium wrote no screenshot at {}", screenshot.display());
    }
    Ok(dom)
}

/// Where test artifacts (screenshots) are kept: beside the build, so they outlive the test.
pub fn artifact_path(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")));
    target.join("e2e-artifacts").join(name)
}

/// The element (start tag through its end) that carries `marker` among its attributes.
pub fn element<'a>(dom: &'a str, marker: &str) -> Result<&'a str> {
    let at = dom
        .find(marker)
        .with_context(|| format!("the page shows nothing marked {marker}"))?;
    let start = dom[..at].rfind('<').context("no tag start")?;
    let name: String = dom[start + 1..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let close = format!("</{name}>");
    let end = dom[start..]
        .find(&close)
        .map(|e| start + e + close.len())
        .context("no end tag")?;
    Ok(&dom[start..end])
}

/// The `data-value` of the cell marked `data-field="field"` within `scope`.
pub fn field_value(scope: &str, field: &str) -> Result<String> {
    let cell = element(scope, &format!("data-field=\"{field}\""))?;
    attribute(cell, "data-value")
}

/// An attribute of the first tag in `tag`.
pub fn attribute(tag: &str, name: &str) -> Result<String> {
    let head = &tag[..tag.find('>').unwrap_or(tag.len())];
    let key = format!("{name}=\"");
    let at = head
        .find(&key)
        .with_context(|| format!("no {name} in {head}"))?;
    let rest = &head[at + key.len()..];
    Ok(rest[..rest.find('"').unwrap_or(rest.len())].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_found_by_their_row_and_field() {
        let dom = r#"<table><tr data-provider="osmo"><td data-field="id">osmo</td><td class="num" data-value="1000" data-field="cap">1,000</td></tr></table>"#;
        let row = element(dom, "data-provider=\"osmo\"").unwrap();
        assert!(row.starts_with("<tr") && row.ends_with("</tr>"));
        assert_eq!(field_value(row, "cap").unwrap(), "1000");
        assert!(field_value(row, "price").is_err());
    }
}
