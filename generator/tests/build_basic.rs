//! The basic fixture site (tests/fixtures/site-basic) built end to end: pages, sitemap,
//! canonical links, JSON-LD, QR codes, GeoJSON, and the atomic write.

mod common;

use std::collections::BTreeSet;

use common::*;

/// Every `<tag ...>` opening tag in `html` named `name`.
fn tags<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    let open = format!("<{name}");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i..];
        let end = after.find('>').expect("tag closes");
        let tag = &after[..=end];
        if tag[open.len()..].starts_with([' ', '>', '/']) {
            out.push(tag);
        }
        rest = &after[end..];
    }
    out
}

fn canonical_links(html: &str) -> Vec<&str> {
    tags(html, "link")
        .into_iter()
        .filter(|t| t.contains("rel=canonical") || t.contains("rel=\"canonical\""))
        .collect()
}

fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("application/ld+json") {
        let after = &rest[i..];
        let start = after.find('>').unwrap() + 1;
        let end = after.find("</script>").unwrap();
        out.push(serde_json::from_str(&after[start..end]).expect("JSON-LD parses"));
        rest = &after[end..];
    }
    out
}

fn published_ids() -> BTreeSet<String> {
    fixture_records("site-basic")
        .into_iter()
        .filter(|(_, v)| v["status"].as_str() != Some("closed"))
        .map(|(id, _)| id)
        .collect()
}

#[test]
fn one_page_per_published_resource_and_none_for_closed() {
    let (_dir, out) = build_fixture("site-basic");
    let written: BTreeSet<String> = std::fs::read_dir(out.join("resources"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(written, published_ids());
    for id in &written {
        assert!(
            out.join("resources").join(id).join("index.html").is_file(),
            "{id}"
        );
    }
    assert!(
        !out.join("resources/closed-salon").exists(),
        "closed records get no page"
    );
}

#[test]
fn every_sitemap_url_exists_in_the_output() {
    let (_dir, out) = build_fixture("site-basic");
    let sitemap = read(&out, "sitemap.xml");
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert!(locs.len() > 20, "{locs:?}");
    for loc in &locs {
        let path = loc
            .strip_prefix("https://tsunagu.example.jp/")
            .expect("absolute URL on base_url");
        let path = percent_encoding::percent_decode_str(path)
            .decode_utf8()
            .unwrap();
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        assert!(out.join(&file).is_file(), "{loc} → {file} missing");
    }
    for id in published_ids() {
        assert!(
            locs.contains(&format!("https://tsunagu.example.jp/resources/{id}/").as_str()),
            "{id} not in sitemap"
        );
    }
    assert!(!sitemap.contains("closed-salon") && !sitemap.contains("404.html"));
    assert!(read(&out, "robots.txt").contains("Sitemap: https://tsunagu.example.jp/sitemap.xml"));
}

#[test]
fn resource_pages_have_one_canonical_typed_json_ld_and_a_qr_code() {
    let (_dir, out) = build_fixture("site-basic");
    let expected_type = |id: &str| match id {
        "toyoake-clinic" => "MedicalClinic",
        "sakae-pharmacy" => "Pharmacy",
        "chubu-elementary-shelter" => "EmergencyService",
        // salon and exercise inherit "Place" from 通いの場; AED has no type at all.
        _ => "Place",
    };
    for id in published_ids() {
        let html = read(&out, &format!("resources/{id}/index.html"));
        let url = format!("https://tsunagu.example.jp/resources/{id}/");
        let canon = canonical_links(&html);
        assert_eq!(canon.len(), 1, "{id}: {canon:?}");
        assert!(canon[0].contains(&url), "{id}: {}", canon[0]);
        let ld = json_ld(&html);
        assert_eq!(ld.len(), 1, "{id}");
        assert_eq!(ld[0]["@type"], expected_type(&id), "{id}");
        assert_eq!(ld[0]["url"], url.as_str());
        let qr = tags(&html, "svg")
            .into_iter()
            .find(|t| t.contains("class=qr") || t.contains("class=\"qr\""))
            .unwrap_or_else(|| panic!("{id}: no QR"));
        assert!(
            qr.contains("role=img") || qr.contains("role=\"img\""),
            "{qr}"
        );
        let svg_start = html.find("<svg class=\"qr\"").expect("QR svg");
        let svg = &html[svg_start..svg_start + html[svg_start..].find("</svg>").unwrap()];
        assert_eq!(
            decode_qr_svg(svg),
            url,
            "{id}: the QR code leads to the page"
        );
        assert!(
            html.contains(&url),
            "the URL the QR encodes is printed under it"
        );
        assert!(html.starts_with("<!doctype html><html lang=ja>"), "{id}");
    }
    // The clinic's weekly hours become openingHoursSpecification, geo comes from the record.
    let ld = &json_ld(&read(&out, "resources/toyoake-clinic/index.html"))[0];
    assert_eq!(ld["geo"]["latitude"], 35.0507);
    assert_eq!(ld["geo"]["longitude"], 137.0131);
    assert_eq!(ld["telephone"], "0562-92-0001");
    assert_eq!(ld["openingHoursSpecification"].as_array().unwrap().len(), 2);
    assert_eq!(ld["openingHoursSpecification"][1]["opens"], "16:00");
}

#[test]
fn geojson_parses_with_lon_lat_order() {
    let (_dir, out) = build_fixture("site-basic");
    let records = fixture_records("site-basic");
    let fc: geojson::FeatureCollection = read(&out, "data/resources.geojson")
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    let ids: BTreeSet<String> = fc
        .features
        .iter()
        .map(|f| f.property("id").unwrap().as_str().unwrap().to_string())
        .collect();
    let located: BTreeSet<String> = published_ids()
        .into_iter()
        .filter(|id| records[id].get("location").is_some())
        .collect();
    assert_eq!(
        ids, located,
        "every published resource with a location, nothing else"
    );
    for f in &fc.features {
        let id = f.property("id").unwrap().as_str().unwrap();
        let geojson::Value::Point(p) = &f.geometry.as_ref().unwrap().value else {
            panic!("{id}: not a point")
        };
        let loc = &records[id]["location"];
        assert_eq!(
            p[0],
            loc["lon"].as_f64().unwrap(),
            "{id}: first coordinate is the longitude"
        );
        assert_eq!(
            p[1],
            loc["lat"].as_f64().unwrap(),
            "{id}: second coordinate is the latitude"
        );
        assert_eq!(
            f.property("url").unwrap(),
            &format!("https://tsunagu.example.jp/resources/{id}/")
        );
    }
    let aed = fc
        .features
        .iter()
        .find(|f| f.property("id").unwrap() == "city-hall-aed")
        .unwrap();
    assert_eq!(aed.property("approximate").unwrap(), true);
    // Category files hold the category and its descendants.
    let medical: geojson::FeatureCollection = read(&out, "data/categories/medical.geojson")
        .parse::<geojson::GeoJson>()
        .unwrap()
        .try_into()
        .unwrap();
    let ids: BTreeSet<&str> = medical
        .features
        .iter()
        .map(|f| f.property("id").unwrap().as_str().unwrap())
        .collect();
    assert_eq!(ids, BTreeSet::from(["sakae-pharmacy", "toyoake-clinic"]));
}

#[test]
fn suspended_is_marked_and_raw_html_is_escaped() {
    let (_dir, out) = build_fixture("site-basic");
    let html = read(&out, "resources/odaka-salon-suspended/index.html");
    assert!(html.contains("休止中"), "suspended banner");
    let html = read(&out, "resources/no-location-taxi/index.html");
    assert!(
        !html.contains("<script>alert"),
        "raw HTML in a description must not pass through"
    );
    assert!(html.contains("&lt;script>alert") || html.contains("&lt;script&gt;alert"));
    // Accessibility: unknown is shown as 不明, distinct from なし.
    let html = read(&out, "resources/maehata-taiso/index.html");
    assert!(
        html.contains("<th scope=row>駐車場</th><td>なし</td>"),
        "parking: no"
    );
    assert!(
        html.contains("<th scope=row>車椅子</th><td>不明</td>"),
        "wheelchair: unknown"
    );
}

#[test]
fn nearby_lists_other_categories_with_walking_minutes() {
    let (_dir, out) = build_fixture("site-basic");
    let html = read(&out, "resources/toyoake-clinic/index.html");
    let nearby = &html[html.find("id=h-nearby").expect("nearby section")..];
    let nearby = &nearby[..nearby.find("</section>").unwrap()];
    // The AED sits 36 m away: listed first; the suspended salon is never recommended.
    let first = nearby.find("city-hall-aed").expect("AED listed");
    let pharmacy = nearby.find("sakae-pharmacy").expect("pharmacy listed");
    assert!(first < pharmacy, "{nearby}");
    assert!(nearby.contains("徒歩約1分"), "{nearby}");
    assert!(!nearby.contains("odaka-salon-suspended"), "{nearby}");
    assert!(!nearby.contains("toyoake-clinic"), "never itself");
}

#[test]
fn every_resource_is_reachable_without_javascript() {
    let (_dir, out) = build_fixture("site-basic");
    // Category pages (through the root categories linked from the top page) list them all.
    let top = read(&out, "index.html");
    let mut linked = String::new();
    for cat in ["kayoinoba", "medical", "disaster", "aed"] {
        assert!(
            top.contains(&format!("/categories/{cat}/")),
            "tile for {cat}"
        );
        linked.push_str(&read(&out, &format!("categories/{cat}/index.html")));
    }
    for id in published_ids() {
        assert!(
            linked.contains(&format!("/resources/{id}/")),
            "{id} not reachable from category pages"
        );
    }
    let area = read(&out, "areas/新田町/index.html");
    assert!(
        area.contains("/resources/toyoake-clinic/") && area.contains("/resources/sakae-pharmacy/")
    );
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("site-basic"), &site);
    let out = dir.path().join("public");
    build_site(&site, &out).unwrap();
    let before = snapshot_tree(&out);

    // 1. Invalid content: refused at load, before anything is written.
    std::fs::write(
        site.join("content/resources/bad.yaml"),
        "id: bad\nname: x\ncategories: [nope]\n",
    )
    .unwrap();
    assert!(matches!(
        build_site(&site, &out),
        Err(tsunagu::build::BuildError::Invalid(_))
    ));
    assert_eq!(snapshot_tree(&out), before);
    std::fs::remove_file(site.join("content/resources/bad.yaml")).unwrap();

    // 2. A template that fails half-way through rendering, after many pages were staged.
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(site.join("templates/resource.html"), "{% extends \"base.html\" %}{% block content %}{{ r.no_such_field.x }}{% endblock content %}").unwrap();
    let err = build_site(&site, &out).unwrap_err();
    assert!(err.to_string().contains("resource.html"), "{err}");
    assert_eq!(snapshot_tree(&out), before, "previous public/ unchanged");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        2,
        "no staging directory left behind: {leftovers:?}"
    );
}

#[test]
fn site_templates_override_the_theme() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("site-basic"), &site);
    std::fs::create_dir_all(site.join("templates")).unwrap();
    std::fs::write(
        site.join("templates/404.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>豊明市の独自404</h1>{% endblock content %}",
    )
    .unwrap();
    let out = dir.path().join("public");
    build_site(&site, &out).unwrap();
    assert!(read(&out, "404.html").contains("豊明市の独自404"));
    assert!(
        read(&out, "404.html").contains("lang=ja"),
        "still extends the theme's base.html"
    );
}

/// The footer is rendered once per build and inserted into every page: a site's own
/// footer partial must still reach every page, and still see `site`.
#[test]
fn a_site_footer_override_reaches_every_page() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("site-basic"), &site);
    std::fs::create_dir_all(site.join("templates/partials")).unwrap();
    std::fs::write(
        site.join("templates/partials/site_footer.html"),
        "<footer class=\"site-footer\" role=\"contentinfo\"><p>{{ site.name }}独自のフッター</p></footer>",
    )
    .unwrap();
    let out = dir.path().join("public");
    build_site(&site, &out).unwrap();
    for page in [
        "index.html",
        "404.html",
        "resources/sakae-pharmacy/index.html",
    ] {
        let html = read(&out, page);
        assert!(html.contains("豊明市独自のフッター"), "{page}");
        assert_eq!(
            html.matches("<footer class=site-footer").count(),
            1,
            "{page}"
        );
    }
}

#[test]
fn rebuild_reuses_unchanged_files_and_matches_a_fresh_build() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&fixture("site-basic"), &site);
    let out = dir.path().join("public");
    build_site(&site, &out).unwrap();
    // Change one record: its page changes, the others are reused.
    let path = site.join("content/resources/sakae-pharmacy.yaml");
    let yaml = std::fs::read_to_string(&path)
        .unwrap()
        .replace("さかえ薬局", "さかえ調剤薬局");
    std::fs::write(&path, yaml).unwrap();
    let report = build_site(&site, &out).unwrap();
    assert!(report.reused > 0, "unchanged pages reused");
    assert!(report.reused < report.files, "changed pages rewritten");
    assert!(read(&out, "resources/sakae-pharmacy/index.html").contains("さかえ調剤薬局"));

    let fresh = dir.path().join("fresh");
    build_site(&site, &fresh).unwrap();
    assert_eq!(
        snapshot_tree(&out),
        snapshot_tree(&fresh),
        "reuse never changes what is served"
    );
}
