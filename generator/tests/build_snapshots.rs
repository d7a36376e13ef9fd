//! Snapshots of outputs people review: a resource page fragment, one GeoJSON feature,
//! and the sitemap. The build date is fixed by the helper and lastmod comes from the
//! records; any build-date stamp is normalised before comparing anyway.

mod common;

use common::*;

fn normalise_dates(s: &str) -> String {
    // <lastmod> of a sitemap index entry is the build date; nothing else varies.
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("<lastmod>") {
        out.push_str(&rest[..i + 9]);
        let after = &rest[i + 9..];
        let end = after.find("</lastmod>").unwrap();
        let date = &after[..end];
        out.push_str(if date == build_date().to_string() {
            "BUILD-DATE"
        } else {
            date
        });
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn section<'a>(html: &'a str, marker: &str) -> &'a str {
    let start = html[..html.find(marker).expect(marker)]
        .rfind("<section")
        .unwrap();
    let end = start + html[start..].find("</section>").unwrap() + "</section>".len();
    &html[start..end]
}

/// Breaks the minified HTML after each closing block tag so a diff points at one line.
fn lines(html: &str) -> String {
    let mut s = html.to_string();
    for t in ["</h2>", "</h3>", "</li>", "</ul>", "</ol>", "</p>", "</tr>"] {
        s = s.replace(t, &format!("{t}\n"));
    }
    s
}

#[test]
fn resource_page_schedule_and_accessibility() {
    let (_dir, out) = build_fixture("site-basic");
    let html = read(&out, "resources/kutsukake-yunosato-kayoinoba/index.html");
    insta::assert_snapshot!("schedule_section", lines(section(&html, "id=h-schedule")));
    insta::assert_snapshot!("access_section", lines(section(&html, "id=h-access")));
}

#[test]
fn geojson_feature() {
    let (_dir, out) = build_fixture("site-basic");
    let v: serde_json::Value = serde_json::from_str(&read(&out, "data/resources.geojson")).unwrap();
    let feature = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "toyoake-clinic")
        .unwrap();
    insta::assert_json_snapshot!("geojson_feature_clinic", feature);
}

#[test]
fn sitemap() {
    let (_dir, out) = build_fixture("site-basic");
    insta::assert_snapshot!("sitemap", normalise_dates(&read(&out, "sitemap.xml")));
}
