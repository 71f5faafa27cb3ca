//! The cluster key file, with the same rules as the TypeScript services (libs/config
//! cluster-key.ts): hex, at least 32 bytes, readable by its owner only.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

pub fn load(file: &Path) -> Result<Vec<u8>, String> {
    let bad = |why: String| format!("cluster key {}: {why}", file.display());
    let meta = std::fs::metadata(file).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let mode = meta.permissions().mode();
    if mode & 0o077 != 0 {
        return Err(bad(format!(
            "permissions {:04o} let other users read the key; run chmod 600",
            mode & 0o777
        )));
    }
    let text = std::fs::read_to_string(file).map_err(|e| bad(format!("cannot read it ({e})")))?;
    parse(text.trim()).map_err(bad)
}

fn parse(hex: &str) -> Result<Vec<u8>, String> {
    if hex.is_empty() || hex.len() % 2 != 0 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err("the key must be an even number of hex digits".into());
    }
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    if bytes.len() < 32 {
        return Err(format!(
            "the key is {} bytes long; at least 32 bytes are needed",
            bytes.len()
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_hex_keys_of_32_bytes_or_more() {
        assert_eq!(parse(&"ab".repeat(32)).unwrap(), vec![0xab; 32]);
        assert!(parse(&"ab".repeat(31)).unwrap_err().contains("31 bytes"));
        assert!(parse("xyz").is_err());
        assert!(parse("abc").is_err());
    }
}
