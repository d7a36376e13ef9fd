//! QR codes (inline SVG) that lead a printed page back to its canonical URL.
//!
//! The `qrcode` crate encodes; the rest is done here because this runs once per
//! resource page (100,000 times for a large corpus):
//! - the mask is fixed instead of trying all eight and scoring each: the scoring was a
//!   fifth of the whole build's CPU time in a profile of a 10,000-resource build. Any of
//!   the eight masks makes a valid code (ISO/IEC 18004); the tests decode the result;
//! - each row's run of dark modules is one horizontal stroke one module wide, moved to
//!   relatively from the end of the previous run (`m2 0h3`): the same squares as one
//!   filled rectangle per run (`M13 5h3v1H13z`) in half the bytes, and one `<path>`;
//! - the markup is assembled by hand with `itoa`: `format!` per run was most of the
//!   time spent here.

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

/// Appends `n` in decimal. Path numbers are module counts (below 200 for any URL-sized
/// code), so one or two digits are written directly and larger ones go through `itoa`.
fn push_num(d: &mut Vec<u8>, n: usize) {
    if n < 10 {
        d.push(b'0' + n as u8);
    } else if n < 100 {
        d.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
    } else {
        d.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
    }
}

/// The path data of the dark modules: one stroke per horizontal run, centred on the
/// row (`y + 0.5`) so that a stroke one unit wide covers the row's squares exactly.
fn path_data(colors: &[Color], width: usize) -> String {
    let mut d = Vec::with_capacity(width * width);
    // Pen position after the previous run: (x at its end, row).
    let mut pen: Option<(usize, usize)> = None;
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] == Color::Dark {
                x += 1;
            }
            match pen {
                None => {
                    d.push(b'M');
                    push_num(&mut d, start + QUIET);
                    d.push(b' ');
                    push_num(&mut d, y + QUIET);
                    d.extend_from_slice(b".5");
                }
                Some((px, py)) => {
                    d.push(b'm');
                    // Negative when a row's first run starts left of the previous
                    // row's last run.
                    if start < px {
                        d.push(b'-');
                        push_num(&mut d, px - start);
                    } else {
                        push_num(&mut d, start - px);
                    }
                    d.push(b' ');
                    push_num(&mut d, y - py);
                }
            }
            d.push(b'h');
            push_num(&mut d, x - start);
            pen = Some((x, y));
        }
    }
    String::from_utf8(d).expect("ASCII digits and letters")
}

/// An inline `<svg>` encoding `url`; the stylesheet gives it its printed size. `label`
/// becomes the accessible name. `None` only for data too long for any QR version.
pub fn svg(url: &str, label: &str) -> Option<String> {
    let (colors, width) = modules(url)?;
    let d = path_data(&colors, width);
    let mut num = itoa::Buffer::new();
    let size = num.format(width + 2 * QUIET);
    let mut s = String::with_capacity(d.len() + label.len() + 400);
    s.push_str(r#"<svg class="qr" role="img" aria-label=""#);
    s.push_str(&crate::render::templates::escape_html(label));
    for part in [
        r#"" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#,
        size,
        " ",
        size,
        r#"" width=""#,
        size,
        r#"" height=""#,
        size,
        r##"" shape-rendering="crispEdges"><rect width=""##,
        size,
        r#"" height=""#,
        size,
        r##"" fill="#fff"/><path fill="none" stroke="#000" d=""##,
        &d,
        r#""/></svg>"#,
    ] {
        s.push_str(part);
    }
    Some(s)
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
