//! `public/_headers`: the security headers Cloudflare's asset server adds to every file
//! of the static portal (wrangler reads `_headers` from the root of the assets directory
//! and does not serve the file itself).
//!
//! The set is the one the workspace Router sends (edge `web::guard`), so the two halves
//! of one origin behave alike; a test compares them header by header. Two differences,
//! both required by the portal's pages: map tiles come from the site's tile server, and
//! category colours are set in `style="--cat: …"` attributes. Scripts stay `'self'` only.

use crate::model::Site;

/// The headers both halves send, verbatim (name, value). The CSP is built per site.
pub const COMMON: &[(&str, &str)] = &[
    (
        "Strict-Transport-Security",
        "max-age=63072000; includeSubDomains",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    (
        "Permissions-Policy",
        "camera=(), microphone=(), geolocation=(self), payment=()",
    ),
];

/// The portal's Content-Security-Policy.
pub fn csp(site: &Site) -> String {
    let img = match tile_origin(&site.map.tile_url) {
        Some(origin) => format!("'self' data: {origin}"),
        None => "'self' data:".to_owned(),
    };
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; \
         img-src {img}; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// The CSP source for a Leaflet tile template: `https://host[:port]`, with a `{s}`
/// subdomain placeholder widened to `*.`; `None` for a same-origin (relative) template.
fn tile_origin(template: &str) -> Option<String> {
    let (scheme, rest) = template.split_once("://")?;
    if scheme != "https" && scheme != "http" {
        return None;
    }
    let host = rest.split('/').next().filter(|h| !h.is_empty())?;
    let host = host.replace("{s}.", "*.");
    // Any other placeholder in the host cannot be expressed as a CSP source.
    if host.contains('{') {
        return None;
    }
    Some(format!("{scheme}://{host}"))
}

/// The text of `public/_headers`.
pub fn file(site: &Site) -> String {
    let mut out = String::from(
        "# Written by `tsunagu build`: security headers for the static portal (see docs/edge-runtime.md).\n/*\n",
    );
    out.push_str(&format!("  Content-Security-Policy: {}\n", csp(site)));
    for (name, value) in COMMON {
        out.push_str(&format!("  {name}: {value}\n"));
    }
    // Open data is meant to be fetched by other sites' code.
    out.push_str("/data/*\n  Access-Control-Allow-Origin: *\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_origin_of_common_templates() {
        assert_eq!(
            tile_origin("https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png").as_deref(),
            Some("https://cyberjapandata.gsi.go.jp")
        );
        assert_eq!(
            tile_origin("https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png").as_deref(),
            Some("https://*.tile.openstreetmap.org")
        );
        assert_eq!(tile_origin("/tiles/{z}/{x}/{y}.png"), None);
    }
}
