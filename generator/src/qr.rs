//! QR codes (inline SVG) that lead a printed page back to its canonical URL.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An inline `<svg>` (no XML declaration) encoding `url`, one unit per module so the
/// path stays short; the stylesheet gives it its printed size. `label` becomes the
/// accessible name. Returns `None` only for data too long for any QR version.
pub fn svg(url: &str, label: &str) -> Option<String> {
    // Level M survives a smudged printout and keeps the symbol small for URLs.
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .module_dimensions(1, 1)
        .quiet_zone(true)
        .dark_color(svg::Color("#000"))
        .light_color(svg::Color("#fff"))
        .build();
    let start = image.find("<svg")?;
    let label = label.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    Some(image[start..].replacen(
        "<svg ",
        &format!(r#"<svg class="qr" role="img" aria-label="{label}" "#),
        1,
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_is_inline_and_labelled() {
        let s = super::svg("https://tsunagu.example.jp/resources/a/", "QR \"x\"").unwrap();
        assert!(s.starts_with(r#"<svg class="qr" role="img" aria-label="QR &quot;x&quot;" "#));
        assert!(s.ends_with("</svg>"));
        assert!(!s.contains("<?xml"));
        assert!(s.contains("<path"));
    }
}
