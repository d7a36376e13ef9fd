//! Import → build → exports: every imported record of the 豊明市 sample appears in the
//! GeoJSON, the CSV and the HSDS output with the same id, name and coordinates; the HSDS
//! output validates against the official HSDS 3.0 schemas; ids are stable across builds;
//! the data catalogue page lists every file.

mod import_support;

use std::collections::HashMap;
use std::path::Path;

use import_support::*;
use serde_json::Value;

/// (id, name, (lat, lon)) of one imported record.
type Record = (String, String, Option<(f64, f64)>);

struct Built {
    _content: tempfile::TempDir,
    out: tempfile::TempDir,
    imported: Vec<Record>,
}

fn build_toyoake() -> Built {
    build_into(tempfile::tempdir().unwrap())
}

/// One build shared by the tests that only read its output (a debug build of the sample
/// takes seconds).
fn shared() -> &'static Built {
    static BUILT: std::sync::OnceLock<Built> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("export_roundtrip");
        // A previous run's output: replaced whole.
        if dir.exists() {
            std::fs::remove_dir_all(&dir).unwrap();
        }
        std::fs::create_dir_all(&dir).unwrap();
        build_into(tempfile::tempdir_in(&dir).unwrap())
    })
}

fn build_into(out: tempfile::TempDir) -> Built {
    let c = content_dir();
    run(&args(
        c.path(),
        &[
            fixture("gsi-emergency-232297.json"),
            fixture("gsi-evacuation-232297.json"),
        ],
    ));
    let mut a = args(
        c.path(),
        &[fixture("mhlw-kaigo-140.csv"), fixture("mhlw-kaigo-520.csv")],
    );
    a.city = Some("豊明市".into());
    run(&a);
    let mut a = args(c.path(), &[fixture("medical-codes.csv")]);
    a.city = Some("豊明市".into());
    run(&a);
    // A hand-written record whose name a spreadsheet would run as a formula.
    std::fs::write(
        c.path().join("resources/formula-test.yaml"),
        "id: formula-test\nname: \"=HYPERLINK(\\\"http://example.invalid\\\",\\\"x\\\")\"\ncategories: [salon]\n",
    )
    .unwrap();
    let content = load(c.path());
    let imported = content
        .resources
        .iter()
        .filter(|r| r.source.is_some())
        .map(|r| {
            (
                r.id.clone(),
                r.name.clone(),
                r.location.map(|l| (l.lat, l.lon)),
            )
        })
        .collect();
    let mut opts = tsunagu::build::BuildOptions::new(
        c.path(),
        repo().join("themes"),
        out.path().join("public"),
    );
    opts.today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22);
    tsunagu::build::build(&opts, &tsunagu::build::Silent)
        .unwrap_or_else(|e| panic!("build failed: {e}"));
    Built {
        _content: c,
        out,
        imported,
    }
}

fn public(b: &Built) -> std::path::PathBuf {
    b.out.path().join("public")
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(
        &std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap()
}

fn csv_rows(path: &Path) -> Vec<HashMap<String, String>> {
    let bytes = std::fs::read(path).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "CSV starts with a BOM for Excel"
    );
    let mut r = csv::Reader::from_reader(&bytes[3..]);
    let headers: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .cloned()
                .zip(rec.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn every_imported_record_is_in_geojson_csv_and_hsds_with_the_same_id_name_and_point() {
    let b = shared();
    assert_eq!(
        b.imported.len(),
        65 + 59 + 5 + 36,
        "GSI, 介護 (140: 3, 520: 2) and 医療機関 of 豊明市"
    );
    let p = public(b);

    let geo = json(&p.join("data/resources.geojson"));
    let features: HashMap<String, &Value> = geo["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["properties"]["id"].as_str().unwrap().to_string(), f))
        .collect();
    let csv: HashMap<String, HashMap<String, String>> = csv_rows(&p.join("data/resources.csv"))
        .into_iter()
        .map(|r| (r["ID"].clone(), r))
        .collect();
    let hsds = json(&p.join("data/hsds/services.json"));
    let services: HashMap<String, &Value> = hsds
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["service_at_locations"][0]["location"]["external_identifier"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                s,
            )
        })
        .collect();

    for (id, name, point) in &b.imported {
        let (lat, lon) = point.unwrap_or_else(|| panic!("{id}: every 豊明市 record has a point"));
        let f = features
            .get(id)
            .unwrap_or_else(|| panic!("{id} missing from GeoJSON"));
        assert_eq!(
            f["properties"]["name"].as_str(),
            Some(name.as_str()),
            "{id}"
        );
        assert_eq!(
            f["geometry"]["coordinates"],
            serde_json::json!([lon, lat]),
            "{id}"
        );

        let row = csv
            .get(id)
            .unwrap_or_else(|| panic!("{id} missing from CSV"));
        assert_eq!(&row["名称"], name, "{id}");
        assert_eq!(row["緯度"].parse::<f64>().unwrap(), lat, "{id}");
        assert_eq!(row["経度"].parse::<f64>().unwrap(), lon, "{id}");
        assert_eq!(row["全国地方公共団体コード"], "232297");

        let s = services
            .get(id)
            .unwrap_or_else(|| panic!("{id} missing from HSDS"));
        assert_eq!(
            s["id"].as_str().unwrap(),
            tsunagu::export::hsds::uuid("https://tsunagu.example.jp", "service", id)
        );
        assert_eq!(s["name"].as_str(), Some(name.as_str()), "{id}");
        let loc = &s["service_at_locations"][0]["location"];
        assert_eq!(
            (loc["latitude"].as_f64(), loc["longitude"].as_f64()),
            (Some(lat), Some(lon)),
            "{id}"
        );
    }

    // Approximate points say so in every format.
    let clinic = "medical-234800166";
    assert_eq!(
        features[clinic]["properties"]["approximate"],
        Value::Bool(true)
    );
    assert_eq!(csv[clinic]["位置の精度"], "町字の代表点");
    assert!(
        services[clinic]["service_at_locations"][0]["location"]["description"]
            .as_str()
            .unwrap()
            .contains("代表点")
    );
    // Category CSVs hold the category and its children.
    let medical: Vec<_> = csv_rows(&p.join("data/categories/medical.csv"))
        .into_iter()
        .map(|r| r["ID"].clone())
        .collect();
    assert!(
        medical.contains(&clinic.to_string()) && medical.contains(&"medical-234800539".to_string())
    );
    assert!(!medical.iter().any(|id| id.starts_with("gsi-")));
}

#[test]
fn csv_cells_that_spreadsheets_would_evaluate_are_defanged() {
    let b = shared();
    let rows = csv_rows(&public(b).join("data/resources.csv"));
    let row = rows.iter().find(|r| r["ID"] == "formula-test").unwrap();
    assert!(row["名称"].starts_with("'=HYPERLINK("), "{}", row["名称"]);
    // The export is UTF-8 with CRLF line ends.
    let bytes = std::fs::read(public(b).join("data/resources.csv")).unwrap();
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));
}

fn validator(name: &str) -> jsonschema::Validator {
    let schema: Value = json(&repo().join("tests/fixtures/hsds-3.0-schema").join(name));
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn hsds_output_validates_against_the_official_schemas() {
    let b = shared();
    let p = public(b);
    let service = validator("service.json");
    let services = json(&p.join("data/hsds/services.json"));
    let services = services.as_array().unwrap();
    assert!(services.len() >= 165);
    for s in services {
        let errors: Vec<String> = service
            .iter_errors(s)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", s["name"]);
    }
    let organization = validator("organization.json");
    let orgs = json(&p.join("data/hsds/organizations.json"));
    for o in orgs.as_array().unwrap() {
        let errors: Vec<String> = organization.iter_errors(o).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", o["name"]);
    }
    // The schema check is real: a service without a status is rejected.
    let mut broken = services[0].clone();
    broken.as_object_mut().unwrap().remove("status");
    assert!(!service.is_valid(&broken));
    let mut bad_id = services[0].clone();
    bad_id["id"] = "not-a-uuid".into();
    assert!(!service.is_valid(&bad_id), "format validation is on");
}

#[test]
fn hsds_ids_are_the_same_in_every_build() {
    let a = shared();
    let b = build_toyoake();
    let ids = |b: &Built| -> Vec<String> {
        let v = json(&public(b).join("data/hsds/services.json"));
        let mut out = Vec::new();
        for s in v.as_array().unwrap() {
            out.push(s["id"].as_str().unwrap().to_string());
            out.push(
                s["service_at_locations"][0]["location"]["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
            out.push(s["organization"]["id"].as_str().unwrap().to_string());
        }
        out
    };
    assert_eq!(ids(a), ids(&b));
    assert_eq!(
        std::fs::read(public(a).join("data/hsds/services.json")).unwrap(),
        std::fs::read(public(&b).join("data/hsds/services.json")).unwrap()
    );
}

#[test]
fn the_catalogue_page_lists_every_data_file_with_count_size_and_license() {
    let b = shared();
    let p = public(b);
    let html = std::fs::read_to_string(p.join("data/index.html")).unwrap();
    let mut files = Vec::new();
    for dir in ["data", "data/categories", "data/hsds"] {
        for e in std::fs::read_dir(p.join(dir)).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            if e.file_type().unwrap().is_file() && name != "index.html" {
                files.push(format!("/{dir}/{name}"));
            }
        }
    }
    assert!(files.len() > 40, "{files:?}");
    for f in &files {
        assert!(
            html.contains(&format!("href={f}")) || html.contains(&format!("href=\"{f}\"")),
            "{f} not on /data/"
        );
    }
    let csv_count = csv_rows(&p.join("data/resources.csv")).len();
    assert!(
        html.contains(&format!("{csv_count} 件")),
        "record count of resources.csv shown"
    );
    assert!(html.contains("CC BY 4.0") && html.contains("HSDS 3.0 JSON") && html.contains("KB"));
}

#[test]
fn the_whole_sample_site_exports_valid_hsds_with_schedules_and_accessibility() {
    // content/ holds hand-written records (weekly and 第n rules, accessibility answers)
    // next to the imported ones.
    let content = load(&repo().join("content"));
    let files = tsunagu::export::files(&content);
    let services: Value = serde_json::from_slice(
        &files
            .iter()
            .find(|f| f.path == "data/hsds/services.json")
            .unwrap()
            .bytes,
    )
    .unwrap();
    let service = validator("service.json");
    let mut with_rules = 0;
    let mut with_access = 0;
    for s in services.as_array().unwrap() {
        let errors: Vec<String> = service
            .iter_errors(s)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", s["name"]);
        if s["schedules"]
            .as_array()
            .is_some_and(|v| v.iter().any(|x| x.get("freq").is_some()))
        {
            with_rules += 1;
        }
        if s["service_at_locations"][0]["location"]
            .get("accessibility")
            .is_some()
        {
            with_access += 1;
        }
    }
    assert!(
        with_rules > 10 && with_access > 10,
        "rules {with_rules}, accessibility {with_access}"
    );
    let published = content
        .resources
        .iter()
        .filter(|r| r.status != tsunagu::model::Status::Closed)
        .count();
    assert_eq!(services.as_array().unwrap().len(), published);
}

/// Benchmark, not a check: time and size of the exports of a large content directory.
///   TSUNAGU_SCALE_CONTENT=/path/to/content cargo test --release -p tsunagu --test export_roundtrip -- --ignored --nocapture
#[test]
#[ignore = "benchmark: needs TSUNAGU_SCALE_CONTENT (e.g. the national GSI import of tests/opendata/scale.sh)"]
fn bench_exports_of_a_large_site() {
    let Some(dir) = std::env::var_os("TSUNAGU_SCALE_CONTENT") else {
        panic!("set TSUNAGU_SCALE_CONTENT to a content directory");
    };
    let content = load(Path::new(&dir));
    let started = std::time::Instant::now();
    let files = tsunagu::export::files(&content);
    let elapsed = started.elapsed();
    let bytes: usize = files.iter().map(|f| f.bytes.len()).sum();
    println!(
        "export::files: {} resources → {} files, {:.1} MB in {:.2} s",
        content.resources.len(),
        files.len(),
        bytes as f64 / 1e6,
        elapsed.as_secs_f64()
    );
    let started = std::time::Instant::now();
    let entries = tsunagu::export::catalogue(
        &content,
        files
            .iter()
            .map(|f| tsunagu::export::stat(&f.path, &f.bytes)),
    );
    println!(
        "catalogue entries: {} in {:.2} s",
        entries.len(),
        started.elapsed().as_secs_f64()
    );
}
