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

use std::sync::OnceLock;

use qrcode::canvas::{Canvas, MaskPattern, Module};
use qrcode::{EcLevel, Version};

/// Light modules around the symbol, as the QR specification asks.
const QUIET: usize = 4;

/// Level M survives a smudged printout and keeps the symbol small for URLs.
const EC_LEVEL: EcLevel = EcLevel::M;

/// Any of the eight masks makes a valid code; see the module comment.
const MASK: MaskPattern = MaskPattern::Checkerboard;

/// What every code of one version shares: the finder, timing, alignment, format and
/// version patterns and the mask are the same for every URL, and so is the module each
/// bit of the codeword stream lands on. Drawing all of that through the crate's canvas
/// for every page (placing each bit by walking the zig-zag and skipping the functional
/// modules again) was most of the QR code's cost; here it is done once per version.
struct Layout {
    width: usize,
    /// Dark (1) or light (0) of each module, row by row, for an all-zero codeword
    /// stream: functional patterns, format information and the mask on the data area.
    base: Vec<u8>,
    /// For each bit of the codeword stream (data then error correction, most
    /// significant bit first), the index of the module it is drawn on.
    order: Vec<u32>,
}

impl Layout {
    /// Derived from the `qrcode` crate's own canvas, so that placement and masking
    /// stay exactly the crate's: a dark data bit flips the masked module under it.
    /// Bit `d` of every stream position is drawn in pass `d` (one draw per bit of the
    /// position, not one per position), and each data module reads its position back
    /// from the passes in which it came out dark.
    fn new(version: Version, codewords: usize) -> Self {
        let blank = || {
            let mut c = Canvas::new(version, EC_LEVEL);
            c.draw_all_functional_patterns();
            c
        };
        let width = usize::try_from(version.width()).expect("QR widths are positive");
        let w = version.width();
        let coords = move || (0..w).flat_map(move |y| (0..w).map(move |x| (x, y)));
        let bits = codewords * 8;
        let mut position = vec![0u32; width * width];
        let mut is_data = vec![false; width * width];
        let passes = usize::BITS - bits.leading_zeros();
        for d in 0..passes {
            let stream: Vec<u8> = (0..codewords)
                .map(|byte| {
                    (0..8).fold(0u8, |acc, j| {
                        let k = byte * 8 + j;
                        (acc << 1) | u8::from((k >> d) & 1 == 1)
                    })
                })
                .collect();
            let mut c = blank();
            c.draw_data(&stream, &[]);
            for (i, (x, y)) in coords().enumerate() {
                match c.get(x, y) {
                    Module::Unmasked(colour) => {
                        is_data[i] = true;
                        if colour == qrcode::Color::Dark {
                            position[i] |= 1 << d;
                        }
                    }
                    Module::Empty | Module::Masked(_) => {}
                }
            }
        }
        let mut order = vec![u32::MAX; bits];
        for (i, _) in is_data.iter().enumerate().filter(|(_, d)| **d) {
            order[position[i] as usize] = u32::try_from(i).expect("fewer than 2^32 modules");
        }
        assert!(
            order.iter().all(|&m| m != u32::MAX),
            "every codeword bit has a module"
        );
        let mut c = blank();
        c.draw_data(&vec![0; codewords], &[]);
        c.apply_mask(MASK);
        let base = coords()
            .map(|(x, y)| u8::from(c.get(x, y).is_dark()))
            .collect();
        Self { width, base, order }
    }
}

/// One lazily made layout per normal QR version (1 to 40), shared by all threads.
static LAYOUTS: [OnceLock<Layout>; 40] = [const { OnceLock::new() }; 40];

/// The modules of the QR code for `data` (1 for dark), row by row, and the width.
fn modules(data: &str) -> Option<(Vec<u8>, usize)> {
    let bits = qrcode::bits::encode_auto(data.as_bytes(), EC_LEVEL).ok()?;
    let version = bits.version();
    let Version::Normal(n) = version else {
        return None; // encode_auto only makes normal (not Micro) codes
    };
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EC_LEVEL).ok()?;
    let slot = LAYOUTS.get(usize::try_from(n).ok()?.checked_sub(1)?)?;
    let layout = slot.get_or_init(|| Layout::new(version, data.len() + ec.len()));
    let mut m = layout.base.clone();
    let mut order = layout.order.chunks_exact(8);
    for &byte in data.iter().chain(&ec) {
        let targets = order.next()?;
        for (j, &target) in targets.iter().enumerate() {
            m[target as usize] ^= (byte >> (7 - j)) & 1;
        }
    }
    Some((m, layout.width))
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
fn path_data(modules: &[u8], width: usize) -> String {
    let mut d = Vec::with_capacity(width * width);
    // Pen position after the previous run: (x at its end, row).
    let mut pen: Option<(usize, usize)> = None;
    for (y, row) in modules.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == 0 {
                x += 1;
                continue;
            }
            let start = x;
            while x < width && row[x] != 0 {
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
    let (modules, width) = modules(url)?;
    let d = path_data(&modules, width);
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

    /// The code drawn the crate's way, module by module on its canvas.
    fn canvas_modules(data: &str) -> (Vec<u8>, usize) {
        use qrcode::canvas::Canvas;
        let bits = qrcode::bits::encode_auto(data.as_bytes(), super::EC_LEVEL).unwrap();
        let version = bits.version();
        let (d, ec) =
            qrcode::ec::construct_codewords(&bits.into_bytes(), version, super::EC_LEVEL).unwrap();
        let mut c = Canvas::new(version, super::EC_LEVEL);
        c.draw_all_functional_patterns();
        c.draw_data(&d, &ec);
        c.apply_mask(super::MASK);
        let width = usize::try_from(version.width()).unwrap();
        let m = c
            .into_colors()
            .into_iter()
            .map(|c| u8::from(c == qrcode::Color::Dark))
            .collect();
        (m, width)
    }

    #[test]
    fn shared_layout_draws_what_the_crate_draws() {
        // URL lengths from 1 to 400 bytes cover versions 1 to 14 (alignment patterns,
        // version information from 7 on, several block layouts); mixed content makes
        // the encoder switch modes. Twice, so the second pass uses cached layouts.
        for _ in 0..2 {
            for len in 1..=400 {
                let url: String = format!("https://tsunagu.example.jp/resources/r{len}-")
                    .chars()
                    .chain("abcXYZ0123456789-_/~%".chars().cycle())
                    .take(len)
                    .collect();
                assert_eq!(super::modules(&url).unwrap(), canvas_modules(&url), "{url}");
            }
        }
    }

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
