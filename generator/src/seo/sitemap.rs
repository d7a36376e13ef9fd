//! sitemap.xml per the sitemaps.org protocol: at most 50,000 URLs per file; past that,
//! `sitemap.xml` becomes a sitemap index pointing at `sitemap-1.xml`, `sitemap-2.xml` ….

use chrono::NaiveDate;

/// Most URLs one sitemap file may hold (sitemaps.org).
pub const MAX_URLS: usize = 50_000;

pub struct Entry {
    /// Site-relative path, already percent-encoded, starting with '/'.
    pub path: String,
    pub lastmod: Option<NaiveDate>,
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

fn urlset(base_url: &str, entries: &[Entry]) -> Vec<u8> {
    let mut out = String::with_capacity(entries.len() * 90 + 200);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for e in entries {
        out.push_str("<url><loc>");
        out.push_str(&escape(base_url));
        out.push_str(&escape(&e.path));
        out.push_str("</loc>");
        if let Some(d) = e.lastmod {
            out.push_str(&format!("<lastmod>{}</lastmod>", d.format("%Y-%m-%d")));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

/// The sitemap files (path under public/, bytes). `today` dates the index entries.
pub fn files(base_url: &str, entries: &[Entry], today: NaiveDate) -> Vec<(String, Vec<u8>)> {
    if entries.len() <= MAX_URLS {
        return vec![("sitemap.xml".into(), urlset(base_url, entries))];
    }
    let mut out = Vec::new();
    let mut index = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (n, chunk) in entries.chunks(MAX_URLS).enumerate() {
        let name = format!("sitemap-{}.xml", n + 1);
        index.push_str(&format!(
            "<sitemap><loc>{}/{name}</loc><lastmod>{}</lastmod></sitemap>\n",
            escape(base_url),
            today.format("%Y-%m-%d")
        ));
        out.push((name, urlset(base_url, chunk)));
    }
    index.push_str("</sitemapindex>\n");
    out.insert(0, ("sitemap.xml".into(), index.into_bytes()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_past_the_limit() {
        let entries: Vec<Entry> = (0..MAX_URLS + 1)
            .map(|i| Entry {
                path: format!("/r/{i}/"),
                lastmod: None,
            })
            .collect();
        let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        let files = files("https://x.jp", &entries, today);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
        let index = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(index.contains("<sitemapindex"));
        assert!(index.contains("<loc>https://x.jp/sitemap-2.xml</loc>"));
        let second = String::from_utf8(files[2].1.clone()).unwrap();
        assert_eq!(second.matches("<url>").count(), 1);
        assert!(second.contains("https://x.jp/r/50000/"));
    }

    #[test]
    fn single_file_below_the_limit() {
        let entries = vec![Entry {
            path: "/a&b/".into(),
            lastmod: NaiveDate::from_ymd_opt(2026, 1, 2),
        }];
        let files = files(
            "https://x.jp",
            &entries,
            NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        );
        assert_eq!(files.len(), 1);
        let s = String::from_utf8(files[0].1.clone()).unwrap();
        assert!(
            s.contains("<url><loc>https://x.jp/a&amp;b/</loc><lastmod>2026-01-02</lastmod></url>")
        );
    }
}
