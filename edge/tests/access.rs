//! The access matrix: every private route as every role, on and off the care team, with
//! and without consent, withdrawn consent, a missing person; only the cells documented in
//! docs/workspace.md succeed, and every attempt leaves an audit row.

mod common;

use axum::http::StatusCode;
use common::{H, Req, harness};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Role {
    Admin,
    Municipal,
    Professional,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    View,
    TimelineRead,
    TimelinePost,
    Edit,
    TeamChange,
    ConsentChange,
}

/// Demo people: (id, consent stands, members).
const PEOPLE: &[(i64, bool, &[&str])] = &[
    (
        1,
        true,
        &[
            "dr.tanaka",
            "nurse.sato",
            "cm.suzuki",
            "pharm.kato",
            "helper.watanabe",
        ],
    ),
    (
        2,
        true,
        &["nurse.sato", "cm.suzuki", "houkatsu.ito", "helper.watanabe"],
    ),
    (
        3,
        true,
        &["dr.tanaka", "dentist.kobayashi", "cm.suzuki", "city.yamada"],
    ),
    (4, false, &["cm.suzuki", "houkatsu.ito"]), // never consented
    (5, false, &["nurse.sato", "dr.tanaka"]),   // consent withdrawn
    (999, false, &[]),                          // does not exist
];

const ACTORS: &[(&str, Role)] = &[
    ("admin", Role::Admin),
    ("city.yamada", Role::Municipal),
    ("dr.tanaka", Role::Professional),
    ("cm.suzuki", Role::Professional),
    ("houkatsu.ito", Role::Professional),
];

/// The documented matrix, stated independently of the policy code.
fn expected(role: Role, kind: Kind, exists: bool, on_team: bool, consent: bool) -> StatusCode {
    let reach = exists && on_team && consent;
    let ok_or_404 = |ok: bool| {
        if ok {
            StatusCode::OK
        } else {
            StatusCode::NOT_FOUND
        }
    };
    match (role, kind) {
        (Role::Admin, _) => StatusCode::NOT_FOUND,
        (Role::Municipal, Kind::View | Kind::Edit | Kind::TeamChange | Kind::ConsentChange) => {
            ok_or_404(exists)
        }
        (Role::Municipal, Kind::TimelineRead | Kind::TimelinePost) => ok_or_404(reach),
        (Role::Professional, Kind::View | Kind::TimelineRead | Kind::TimelinePost) => {
            ok_or_404(reach)
        }
        (Role::Professional, Kind::Edit | Kind::TeamChange | Kind::ConsentChange) => {
            if reach {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            }
        }
    }
}

fn routes(pid: i64, csrf: &str) -> Vec<(Kind, Req)> {
    // Someone not yet on this person's team: dentist.kobayashi (8), or helper.watanabe (9)
    // for 前後 ミツ, whose team has the dentist already.
    let newcomer = if pid == 3 { "9" } else { "8" };
    vec![
        (Kind::View, Req::get(format!("/pro/people/{pid}"))),
        (Kind::View, Req::get(format!("/pro/people/{pid}/team"))),
        (Kind::View, Req::get(format!("/pro/people/{pid}/consent"))),
        (
            Kind::TimelineRead,
            Req::get(format!("/api/people/{pid}/timeline")),
        ),
        (
            Kind::TimelinePost,
            Req::multipart(
                format!("/pro/people/{pid}/posts"),
                &[
                    ("csrf", csrf),
                    ("category", "報告"),
                    ("body", "matrix"),
                    ("temp_c", "36.5"),
                ],
                None,
            ),
        ),
        (Kind::Edit, Req::get(format!("/pro/people/{pid}/edit"))),
        (
            Kind::Edit,
            Req::post(
                format!("/pro/people/{pid}/edit"),
                &[
                    ("csrf", csrf),
                    ("name", "改名 テスト"),
                    ("kana", "カイメイ テスト"),
                    ("birth_date", "1940-01-01"),
                    ("address", "豊明市沓掛町1"),
                    ("care_level", "要介護3"),
                ],
            ),
        ),
        (
            Kind::TeamChange,
            Req::post(
                format!("/pro/people/{pid}/team"),
                &[("csrf", csrf), ("user_id", newcomer)],
            ),
        ),
        (
            Kind::TeamChange,
            Req::post(
                format!("/pro/people/{pid}/team/remove"),
                &[("csrf", csrf), ("user_id", newcomer)],
            ),
        ),
        // Last, since it changes the consent facts for later cells of this actor.
        (
            Kind::ConsentChange,
            Req::post(
                format!("/pro/people/{pid}/consent"),
                &[
                    ("csrf", csrf),
                    ("obtained_on", "2026-12-01"),
                    ("method", "その他"),
                    ("scope", "共有"),
                ],
            ),
        ),
    ]
}

fn success(status: StatusCode) -> StatusCode {
    // Pages answer 200, changes redirect (303) on success.
    if status == StatusCode::SEE_OTHER {
        StatusCode::OK
    } else {
        status
    }
}

async fn check(h: &H, who: &str, what: &str, req: Req, want: StatusCode, cells: &mut Vec<String>) {
    let before = h.audit_count();
    let denied_before = h.scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'");
    let r = h.send(req).await;
    let got = success(r.status);
    if got != want {
        cells.push(format!("{who} {what}: got {} want {want}", r.status));
    }
    if h.audit_count() <= before {
        cells.push(format!("{who} {what}: not audited"));
    }
    let denied_after = h.scalar("SELECT COUNT(*) FROM audit_log WHERE outcome = 'denied'");
    if (want == StatusCode::NOT_FOUND || want == StatusCode::FORBIDDEN)
        && denied_after != denied_before + 1
    {
        cells.push(format!("{who} {what}: denial not audited as denied"));
    }
}

#[tokio::test]
async fn every_route_every_role() {
    let mut wrong = Vec::new();
    let mut cells = 0;
    for (login, role) in ACTORS {
        // A fresh database per actor, so one actor's changes do not move another's cells.
        let h = harness().await;
        let c = h.sign_in(login).await;
        let csrf = h.csrf(&c).await;
        for (pid, consent, team) in PEOPLE {
            for (kind, req) in routes(*pid, &csrf) {
                let what = format!("{} {}", req.method, req.path);
                // Consent recorded by the municipal actor earlier in this loop would stand now,
                // but ConsentChange is the last route per person, so `consent` is still exact.
                let want = expected(*role, kind, *pid != 999, team.contains(login), *consent);
                check(&h, login, &what, req.cookie(&c), want, &mut wrong).await;
                cells += 1;
            }
        }
        let global: &[(&str, bool)] = &[
            ("/pro/people", *role != Role::Admin),
            ("/pro/people/new", *role == Role::Municipal),
            ("/pro/people/import", *role == Role::Municipal),
            ("/pro/admin/users", *role == Role::Admin),
            ("/pro/audit", *role != Role::Professional),
            ("/pro/audit.csv", *role != Role::Professional),
            ("/api/me", true),
        ];
        for (path, allowed) in global {
            let want = if *allowed {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            check(
                &h,
                login,
                path,
                Req::get(*path).cookie(&c),
                want,
                &mut wrong,
            )
            .await;
            cells += 1;
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert!(cells > 250, "{cells}");
}

#[tokio::test]
async fn leaving_the_team_or_withdrawing_consent_cuts_access_at_once() {
    let h = harness().await;
    let dr = h.sign_in("dr.tanaka").await;
    let nurse = h.sign_in("nurse.sato").await;
    let city = h.sign_in("city.yamada").await;
    let csrf = h.csrf(&city).await;
    assert_eq!(
        h.send(Req::get("/pro/people/1").cookie(&dr)).await.status,
        StatusCode::OK
    );
    let list = h.send(Req::get("/pro/people").cookie(&dr)).await.body;
    assert!(list.contains("豊明 花子") && list.contains("前後 ミツ"));
    assert!(!list.contains("間米 トメ"), "withdrawn consent: not listed");
    assert!(!list.contains("沓掛 次郎"), "not on the team: not listed");

    // dr.tanaka (user 4) leaves 豊明 花子's team.
    let r = h
        .send(
            Req::post(
                "/pro/people/1/team/remove",
                &[("csrf", &csrf), ("user_id", "4")],
            )
            .cookie(&city),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.send(Req::get("/pro/people/1").cookie(&dr)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.send(Req::get("/api/people/1/timeline").cookie(&dr))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !h.send(Req::get("/pro/people").cookie(&dr))
            .await
            .body
            .contains("豊明 花子")
    );
    // The history still shows who was on the team.
    assert!(
        h.send(Req::get("/pro/people/1/team").cookie(&city))
            .await
            .body
            .contains("離脱")
    );

    // Consent for 沓掛 次郎 withdrawn: the nurse on the team loses access.
    assert_eq!(
        h.send(Req::get("/pro/people/2").cookie(&nurse))
            .await
            .status,
        StatusCode::OK
    );
    let r = h
        .send(Req::post("/pro/people/2/consent/withdraw", &[("csrf", &csrf)]).cookie(&city))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        h.send(Req::get("/pro/people/2").cookie(&nurse))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Municipal staff still see the record (to manage consent), not the timeline.
    let page = h.send(Req::get("/pro/people/2").cookie(&city)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("同意なし"));
    assert!(page.body.contains("タイムラインは、ケアチームのメンバーが"));
}

#[tokio::test]
async fn swapping_ids_reaches_nothing() {
    let h = harness().await;
    let nurse = h.sign_in("nurse.sato").await;
    let csrf = h.csrf(&nurse).await;
    let png = b"\x89PNG\r\n\x1a\nnot really a picture";
    let r = h
        .send(
            Req::multipart(
                "/pro/people/1/posts",
                &[
                    ("csrf", &csrf),
                    ("category", "報告"),
                    ("body", "創部の写真です"),
                ],
                Some(("wound.png", "image/png", png)),
            )
            .cookie(&nurse),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // An HTML file labelled as a PNG is refused.
    let fake = h
        .send(
            Req::multipart(
                "/pro/people/1/posts",
                &[("csrf", &csrf), ("category", "報告"), ("body", "偽装")],
                Some(("x.png", "image/png", b"<html><script>alert(1)</script>")),
            )
            .cookie(&nurse),
        )
        .await;
    assert_eq!(fake.status, StatusCode::BAD_REQUEST);
    assert!(fake.body.contains("JPEG・PNG・PDFのみ"));
    let fid = h.scalar("SELECT MAX(id) FROM attachments");
    // On 豊明 花子's team: the file opens.
    let dr = h.sign_in("dr.tanaka").await;
    let r = h
        .send(Req::get(format!("/pro/people/1/files/{fid}")).cookie(&dr))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("not really a picture"));
    assert_eq!(
        r.headers
            .get("content-disposition")
            .unwrap()
            .to_str()
            .unwrap(),
        "attachment; filename=\"wound.png\""
    );
    // dr.tanaka is on 前後 ミツ's team too, but the file is not hers: 404.
    assert_eq!(
        h.send(Req::get(format!("/pro/people/3/files/{fid}")).cookie(&dr))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Someone on no team of 豊明 花子, through a person they can reach: 404.
    let dentist = h.sign_in("dentist.kobayashi").await;
    assert_eq!(
        h.send(Req::get(format!("/pro/people/3/files/{fid}")).cookie(&dentist))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        h.send(Req::get(format!("/pro/people/1/files/{fid}")).cookie(&dentist))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A person id that exists and one that does not answer alike (no probing).
    let a = h.send(Req::get("/pro/people/2").cookie(&dentist)).await;
    let b = h
        .send(Req::get("/pro/people/424242").cookie(&dentist))
        .await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(a.body, b.body);
    // Posting into someone else's timeline by changing the id in the form's URL.
    let csrf = h.csrf(&dentist).await;
    let r = h
        .send(
            Req::multipart(
                "/pro/people/1/posts",
                &[("csrf", &csrf), ("category", "報告"), ("body", "x")],
                None,
            )
            .cookie(&dentist),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        h.scalar("SELECT COUNT(*) FROM posts WHERE body_md = 'x'"),
        0
    );
}
