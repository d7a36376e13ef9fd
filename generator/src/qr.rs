//! QR codes (inline SVG) that lead a printed page back to its canonical URL.
//!
//! The `qrcode` crate encodes; two steps are done here because this runs once per
//! resource page (100,000 times for a large corpus):
//! - the mask is fixed instead of trying all eight and scoring each: the scoring was a
//!   fifth of the whole build's CPU time in a profile of a 10,000-resource build. Any of
//!   the eight masks makes a valid code (ISO/IEC 18004); the tests decode the result;
//! - the SVG merges each row's runs of dark modules into one rectangle, half the bytes
//!   of the crate's renderer (one square per module).

use std::fmt::Write as _;

use qrcode::canvas::{Canvas, MaskPattern};
use qrcode::{Color, EcLevel};

/// Light modules around the symbol, as the QR specification asks.
const QUIET: usize = 4;

/// The modules of the QR code for `data`, row by row, and the width.
pub fn modules(data: &str) -> Option<(Vec<Color>, usize)> {
    // Level M survives a smudged printout and keeps the symbol small for URLs.
    let ec_level = EcLevel::M;
    let bits = qrcode::bits::encode_auto(data.as_bytes(), ec_level).ok()?;
    let version = bits.version();
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, ec_level).ok()?;
    let mut canvas = Canvas::new(version, ec_level);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    Some((canvas.into_colors(), usize::try_from(version.width()).ok()?))
}

/// An inline `<svg>` encoding `url`; the stylesheet gives it its printed size. `label`
/// becomes the accessible name. `None` only for data too long for any QR version.
pub fn svg(url: &str, label: &str) -> Option<String> {
    let (colors, width) = modules(url)?;
    let size = width + 2 * QUIET;
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    let mut path = String::with_capacity(width * width / 2);
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let start = x;
                while x < width && row[x] == Color::Dark {
                    x += 1;
                }
                write!(
                    path,
                    "M{} {}h{}v1H{}z",
                    start + QUIET,
                    y + QUIET,
                    x - start,
                    start + QUIET
                )
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
    use qrcode::{EcLevel, QrCode};

    // Decoding the printed code with a real decoder is tested on built pages
    // (generator/tests/build_basic.rs, `decode_qr_svg`).

    #[test]
    fn svg_is_inline_labelled_and_compact() {
        let url = "https://tsunagu.example.jp/resources/kutsukake-yunosato-kayoinoba/";
        let s = super::svg(url, "QR \"x\"").unwrap();
        assert!(s.starts_with(r#"<svg class="qr" role="img" aria-label="QR &quot;x&quot;" "#));
        assert!(s.ends_with("</svg>"));
        let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).unwrap();
        let per_module = code
            .render::<qrcode::render::svg::Color<'_>>()
            .module_dimensions(1, 1)
            .build();
        assert!(
            s.len() * 10 < per_module.len() * 6,
            "{} vs {} bytes",
            s.len(),
            per_module.len()
        );
    }
}
