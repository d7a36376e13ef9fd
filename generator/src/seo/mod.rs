//! What search engines read: sitemap.xml (an index past 50,000 URLs), robots.txt and
//! schema.org JSON-LD. Canonical links, titles, descriptions and OGP tags are written by
//! the base template from each page's `meta`.

pub mod jsonld;
pub mod sitemap;

/// robots.txt: everything public may be crawled; the private workspace may not.
pub fn robots(base_url: &str) -> String {
    format!(
        "User-agent: *\nAllow: /\nDisallow: /pro/\nDisallow: /api/\n\nSitemap: {base_url}/sitemap.xml\n"
    )
}

/// Percent-encodes one path segment (tags and 町字 are Japanese), leaving ASCII
/// letters, digits and `-._~` as they are.
pub fn encode_segment(s: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    utf8_percent_encode(s, SEGMENT).to_string()
}
