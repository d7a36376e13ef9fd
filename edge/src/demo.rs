//! Demo seed: organisations, one account per role and 職種 with fixed passwords and TOTP
//! secrets, people with consent and care teams (one without consent, one whose consent
//! was withdrawn), and timeline posts. Refuses to run on a database marked production.

use crate::accounts::{self, OrgKind, Role, profession_label};
use crate::auth::AuthError;
use crate::config::Config;
use crate::params;
use crate::people::{self, ConsentInput, PersonInput};
use crate::store::{Db, DbError};
use crate::timeline::{self, PostInput};

/// Every demo account signs in with this password (demo data only).
pub const DEMO_PASSWORD: &str = "tsunagu-demo-2026";

#[derive(Debug, Clone, serde::Serialize)]
pub struct DemoAccount {
    pub login: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    pub profession: &'static str,
    pub password: &'static str,
    /// Base32 TOTP secret to type into an authenticator app.
    pub totp_secret: String,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error(
        "このデータベースは本番用（settings.environment = production）のため、デモデータは投入しません。"
    )]
    Production,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("demo data invalid: {0}")]
    Invalid(String),
}

const ORGS: &[(&str, OrgKind)] = &[
    ("豊明市 健康福祉部 高齢者福祉課", OrgKind::Municipality),
    ("豊明市地域包括支援センター", OrgKind::Municipality),
    ("さくら内科クリニック", OrgKind::Office),
    ("訪問看護ステーションあおい", OrgKind::Office),
    ("居宅介護支援事業所ひまわり", OrgKind::Office),
    ("なかよし薬局", OrgKind::Office),
    ("こばやし歯科", OrgKind::Office),
    ("ヘルパーステーションみどり", OrgKind::Office),
    ("つなぐ運用チーム", OrgKind::Operator),
];

/// (login, name, role, profession, org index)
const USERS: &[(&str, &str, Role, &str, usize)] = &[
    ("admin", "運用 管理者", Role::SystemAdmin, "it_admin", 8),
    (
        "city.yamada",
        "山田 市子",
        Role::MunicipalStaff,
        "municipal",
        0,
    ),
    (
        "houkatsu.ito",
        "伊藤 結衣",
        Role::Professional,
        "houkatsu",
        1,
    ),
    ("dr.tanaka", "田中 一郎", Role::Professional, "doctor", 2),
    ("nurse.sato", "佐藤 花", Role::Professional, "nurse", 3),
    (
        "cm.suzuki",
        "鈴木 恵",
        Role::Professional,
        "care_manager",
        4,
    ),
    ("pharm.kato", "加藤 薫", Role::Professional, "pharmacist", 5),
    (
        "dentist.kobayashi",
        "小林 歩",
        Role::Professional,
        "dentist",
        6,
    ),
    (
        "helper.watanabe",
        "渡辺 勇",
        Role::Professional,
        "care_worker",
        7,
    ),
];

/// The demo TOTP secret of a login: derived, so it is the same on every machine.
pub fn demo_totp_secret(login: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("tsunagu-demo-totp:{login}").as_bytes());
    match totp_rs::Secret::Raw(d[..20].to_vec()).to_encoded() {
        totp_rs::Secret::Encoded(s) => s,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// The demo accounts and how to sign in as each (to print at start-up).
pub fn accounts() -> Vec<DemoAccount> {
    USERS
        .iter()
        .map(|(login, name, role, prof, _)| DemoAccount {
            login,
            display_name: name,
            role: role.label(),
            profession: profession_label(prof),
            password: DEMO_PASSWORD,
            totp_secret: demo_totp_secret(login),
        })
        .collect()
}

pub async fn is_production(db: &dyn Db) -> Result<bool, DbError> {
    let rows = db
        .query(
            "SELECT value FROM settings WHERE key = 'environment'",
            params![],
        )
        .await?;
    Ok(rows
        .first()
        .map(|r| r.str("value").map(|v| v == "production"))
        .transpose()?
        .unwrap_or(false))
}

/// Marks the database as production: the demo seed will refuse it from then on.
pub async fn mark_production(db: &dyn Db) -> Result<(), DbError> {
    db.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('environment', 'production')",
        params![],
    )
    .await?;
    Ok(())
}

/// Seeds the demo data once (a database that already has accounts is left alone).
/// Returns whether anything was written.
pub async fn seed(db: &dyn Db, cfg: &Config, now: i64) -> Result<bool, DemoError> {
    if is_production(db).await? {
        return Err(DemoError::Production);
    }
    let existing = db
        .query("SELECT COUNT(*) AS n FROM users", params![])
        .await?;
    if existing[0].i64("n")? > 0 {
        return Ok(false);
    }
    db.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('environment', 'demo')",
        params![],
    )
    .await?;
    let mut org_ids = Vec::new();
    for (name, kind) in ORGS {
        org_ids.push(accounts::create_org(db, name, *kind, now).await?);
    }
    // One hash for all demo accounts: they share the demo password, and argon2id is slow
    // on purpose.
    let hash = crate::auth::password::hash(DEMO_PASSWORD, cfg)?;
    let mut uid = std::collections::HashMap::new();
    for (login, name, role, prof, org) in USERS {
        let r = db
            .execute(
                "INSERT INTO users (login, display_name, org_id, role, profession, password_hash, must_change_password,
                                    totp_secret, totp_enabled, created_at, password_changed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, 1, ?8, ?8)",
                params![*login, *name, org_ids[*org], role.as_str(), *prof, hash.clone(), demo_totp_secret(login), now],
            )
            .await?;
        uid.insert(*login, r.last_insert_id);
    }
    let city = uid["city.yamada"];
    let today = crate::time::today_jst(now);
    struct P {
        name: &'static str,
        kana: &'static str,
        birth: &'static str,
        address: &'static str,
        lat: &'static str,
        lon: &'static str,
        level: &'static str,
        contacts: &'static str,
        consent: Option<(&'static str, &'static str)>,
        withdrawn: bool,
        team: &'static [&'static str],
    }
    let people = [
        P {
            name: "豊明 花子",
            kana: "トヨアケ ハナコ",
            birth: "1938-05-12",
            address: "豊明市沓掛町勅使1-1",
            lat: "35.0590",
            lon: "137.0310",
            level: "要介護2",
            contacts: "長女 豊明 恵子（名古屋市在住）",
            consent: Some(("2026-04-10", "介護認定申請時")),
            withdrawn: false,
            team: &[
                "dr.tanaka",
                "nurse.sato",
                "cm.suzuki",
                "pharm.kato",
                "helper.watanabe",
            ],
        },
        P {
            name: "沓掛 次郎",
            kana: "クツカケ ジロウ",
            birth: "1942-11-03",
            address: "豊明市沓掛町石畑2-3",
            lat: "35.0620",
            lon: "137.0250",
            level: "要介護1",
            contacts: "妻 沓掛 好子（同居）",
            consent: Some(("2026-06-01", "サービス担当者会議")),
            withdrawn: false,
            team: &["nurse.sato", "cm.suzuki", "houkatsu.ito", "helper.watanabe"],
        },
        P {
            name: "前後 ミツ",
            kana: "ゼンゴ ミツ",
            birth: "1935-02-20",
            address: "豊明市前後町善江5-8",
            lat: "35.0480",
            lon: "137.0120",
            level: "要介護3",
            contacts: "次男 前後 誠（刈谷市在住）",
            consent: Some(("2026-03-15", "訪問時に書面で")),
            withdrawn: false,
            team: &["dr.tanaka", "dentist.kobayashi", "cm.suzuki", "city.yamada"],
        },
        P {
            name: "二村 正",
            kana: "フタムラ タダシ",
            birth: "1945-08-30",
            address: "豊明市二村台3-4",
            lat: "35.0450",
            lon: "137.0200",
            level: "要支援2",
            contacts: "",
            consent: None,
            withdrawn: false,
            team: &["cm.suzuki", "houkatsu.ito"],
        },
        P {
            name: "間米 トメ",
            kana: "マゴメ トメ",
            birth: "1933-12-01",
            address: "豊明市間米町敷田7-2",
            lat: "35.0400",
            lon: "137.0050",
            level: "要介護4",
            contacts: "長男 間米 実（同居）",
            consent: Some(("2025-10-01", "介護認定申請時")),
            withdrawn: true,
            team: &["nurse.sato", "dr.tanaka"],
        },
    ];
    let mut pids = Vec::new();
    for p in &people {
        let input = PersonInput {
            external_id: String::new(),
            name: p.name.into(),
            kana: p.kana.into(),
            birth_date: p.birth.into(),
            address: p.address.into(),
            lat: p.lat.into(),
            lon: p.lon.into(),
            care_level: p.level.into(),
            contacts: p.contacts.into(),
        };
        let np = input
            .validate(today)
            .map_err(|e| DemoError::Invalid(format!("{}: {e:?}", p.name)))?;
        let pid = people::create(db, &np, city, now - 30 * 86_400).await?;
        if let Some((date, method)) = p.consent {
            let c = ConsentInput {
                obtained_on: date.into(),
                method: method.into(),
                scope: "ケアチーム内での心身の状況・サービス利用状況の共有".into(),
            }
            .validate(today)
            .map_err(|e| DemoError::Invalid(format!("{}: {e:?}", p.name)))?;
            people::record_consent(db, pid, &c, city, now - 30 * 86_400).await?;
            if p.withdrawn {
                people::withdraw_consent(db, pid, city, now - 2 * 86_400).await?;
            }
        }
        for m in p.team {
            people::add_member(db, pid, uid[m], city, now - 29 * 86_400).await?;
        }
        pids.push(pid);
    }
    // (person index, author, days ago, category, body, [体温, 上, 下, 脈拍, SpO2, 体重, 食事, 排泄])
    type DemoPost<'a> = (usize, &'a str, i64, &'a str, &'a str, [&'a str; 8]);
    let posts: &[DemoPost<'_>] = &[
        (
            0,
            "nurse.sato",
            3,
            "報告",
            "訪問しました。表情よく、昼食も**全量**召し上がりました。",
            [
                "36.6",
                "128",
                "76",
                "72",
                "97",
                "",
                "全量",
                "排尿・排便あり",
            ],
        ),
        (
            0,
            "dr.tanaka",
            2,
            "連絡",
            "降圧薬を朝1錠に減量しました。ふらつきがあれば @nurse.sato さんご連絡ください。",
            ["", "", "", "", "", "", "", ""],
        ),
        (
            0,
            "pharm.kato",
            1,
            "報告",
            "お薬カレンダーを新しい処方に合わせてセットしました。",
            ["", "", "", "", "", "", "", ""],
        ),
        (
            0,
            "cm.suzuki",
            0,
            "相談",
            "来月からデイサービスを週2回に増やす案について、ご意見ください。\n\n- 本人: 前向き\n- ご家族: 送迎時間が心配",
            ["", "", "", "", "", "", "", ""],
        ),
        (
            1,
            "helper.watanabe",
            2,
            "申し送り",
            "入浴介助時、右足首に軽い腫れがありました。",
            ["36.9", "", "", "80", "", "", "7〜8割", "排尿のみ"],
        ),
        (
            1,
            "nurse.sato",
            1,
            "報告",
            "右足首の腫れは軽快傾向。経過観察とします。",
            ["36.5", "134", "82", "76", "96", "58.2", "", ""],
        ),
        (
            2,
            "dentist.kobayashi",
            1,
            "報告",
            "義歯を調整しました。食事形態は現状維持で問題ありません。",
            ["", "", "", "", "", "", "", ""],
        ),
    ];
    for (pi, login, days_ago, cat, body, v) in posts {
        let input = PostInput {
            category: (*cat).into(),
            body: (*body).into(),
            temp_c: v[0].into(),
            bp_sys: v[1].into(),
            bp_dia: v[2].into(),
            pulse: v[3].into(),
            spo2: v[4].into(),
            weight_kg: v[5].into(),
            meal: v[6].into(),
            excretion: v[7].into(),
        };
        let np = input
            .validate()
            .map_err(|e| DemoError::Invalid(format!("post: {e:?}")))?;
        timeline::create(
            db,
            pids[*pi],
            uid[login],
            &np,
            &[],
            now - days_ago * 86_400 - 3600,
        )
        .await?;
    }
    Ok(true)
}

/// [`mark_production`] for native tools outside an async runtime.
#[cfg(not(target_arch = "wasm32"))]
pub fn mark_production_blocking(db: &crate::store::sqlite::SqliteDb) -> Result<(), DbError> {
    db.with_conn(|c| {
        c.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES ('environment', 'production')",
            [],
        )
        .map(drop)
        .map_err(|e| DbError::Backend(e.to_string()))
    })
}
