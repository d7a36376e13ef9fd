//! QR codes (inline SVG) that lead a printed page back to its canonical URL.
//!
//! The `qrcode` crate encodes; the SVG is drawn here because its renderer emits one
//! square per dark module (about 10 KB per code), while merging each row's runs of dark
//! modules into one rectangle gives the same image in about a third of the bytes —
//! this is on every resource page.

use std::fmt::Write as _;

use qrcode::{Color, EcLevel, QrCode};

/// Light modules around the symbol, as the QR specification asks.
const QUIET: usize = 4;

/// An inline `<svg>` encoding `url`; the stylesheet gives it its printed size. `label`
/// becomes the accessible name. `None` only for data too long for any QR version.
pub fn svg(url: &str, label: &str) -> Option<String> {
    // Level M survives a smudged printout and keeps the symbol small for URLs.
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET;
    let label = label.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    let mut path = String::with_capacity(width * width / 2);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                write!(path, "M{} {}h{}v1H{}z", start + QUIET, y + QUIET, x - start, start + QUIET)
                    .expect("writing to a String cannot fail");
            } else {
                x += 1;
            }
        }
    }
    Some(format!(
        r##"<svg class="qr" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="#fff"/><path fill="#000" d="{path}"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    use qrcode::{Color, EcLevel, QrCode};

    #[test]
    fn svg_is_inline_labelled_and_compact() {
        let url = "https://tsunagu.example.jp/resources/kutsukake-yunosato-kayoinoba/";
        let s = super::svg(url, "QR \"x\"").unwrap();
        assert!(s.starts_with(r#"<svg class="qr" role="img" aria-label="QR &quot;x&quot;" "#));
        assert!(s.ends_with("</svg>"));
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let per_module = code.render::<qrcode::render::svg::Color<'_>>().module_dimensions(1, 1).build();
        assert!(s.len() * 10 < per_module.len() * 6, "{} vs {} bytes", s.len(), per_module.len());
    }

    #[test]
    fn path_covers_exactly_the_dark_modules() {
        // Re-rasterise the path and compare with the encoder's modules: the run merging
        // must neither drop nor add a module.
        let url = "https://tsunagu.example.jp/resources/a/";
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let w = code.width();
        let s = super::svg(url, "x").unwrap();
        let d = &s[s.find(" d=\"").unwrap() + 4..s.rfind("\"/>").unwrap()];
        let mut dark = vec![false; w * w];
        for seg in d.split('M').filter(|p| !p.is_empty()) {
            let (xy, rest) = seg.split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let len: usize = rest.split('v').next().unwrap().parse().unwrap();
            let (x, y): (usize, usize) = (x.parse::<usize>().unwrap() - 4, y.parse::<usize>().unwrap() - 4);
            for i in x..x + len {
                dark[y * w + i] = true;
            }
        }
        let expected: Vec<bool> = code.to_colors().into_iter().map(|c| c == Color::Dark).collect();
        assert_eq!(dark, expected);
    }
}
