//! Editing a node's CometBFT config.toml.

use super::*;

/// Sets `key = value` (value given as TOML, e.g. `"\"1s\""` or `"true"`) in `[section]` of a
/// CometBFT config.toml; `section` "" is the top level. Fails if the key is not there.
pub fn set_toml(path: &Path, section: &str, key: &str, value: &str) -> Result<()> {
    let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut current = String::new();
    let mut found = false;
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            current = t[1..t.len() - 1].to_string();
        } else if current == section && t.split('=').next().map(str::trim) == Some(key) && !found {
            out.push_str(&format!("{key} = {value}\n"));
            found = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    ensure!(found, "{}: no key {key} in [{section}]", path.display());
    fs::write(path, out)?;
    Ok(())
}

/// The value of `key` in `[section]` of a CometBFT config.toml (quotes removed).
pub fn get_toml(path: &Path, section: &str, key: &str) -> Result<String> {
    let text = fs::read_to_string(path)?;
    let mut current = String::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            current = t[1..t.len() - 1].to_string();
        } else if current == section {
            if let Some((k, v)) = t.split_once('=') {
                if k.trim() == key {
                    return Ok(v.trim().trim_matches('"').to_string());
                }
            }
        }
    }
    bail!("{}: no key {key} in [{section}]", path.display())
}
