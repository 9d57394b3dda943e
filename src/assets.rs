//! Pictures shipped with opswall, compiled in so a wall needs no files but
//! its layout.

const IMAGES: [(&str, &[u8]); 1] = [("logo.png", include_bytes!("../assets/logo.png"))];

/// The bytes of a shipped image by file name.
pub fn image(name: &str) -> Option<&'static [u8]> {
    IMAGES.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

/// Names of the shipped images.
pub fn names() -> Vec<&'static str> {
    IMAGES.iter().map(|(n, _)| *n).collect()
}
