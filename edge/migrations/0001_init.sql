-- tsunagu workspace schema. Applied by `wrangler d1 migrations apply` (D1) and by the
-- native runner (edge/src/store/migrate.rs) in the same `d1_migrations` table.
-- Times are Unix seconds (INTEGER); dates a person gives are ISO 'YYYY-MM-DD' (TEXT).

-- Key/value settings. `environment` = 'production' makes the demo seed refuse to run.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE orgs (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('office', 'municipality', 'operator')),
    created_at INTEGER NOT NULL
);

CREATE TABLE users (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    login                TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    org_id               INTEGER NOT NULL REFERENCES orgs(id),
    role                 TEXT NOT NULL CHECK (role IN ('system_admin', 'municipal_staff', 'professional')),
    profession           TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 1,
    totp_secret          TEXT,
    totp_enabled         INTEGER NOT NULL DEFAULT 0,
    -- Last accepted TOTP time step: a code is accepted once (RFC 6238 §5.2).
    totp_last_step       INTEGER NOT NULL DEFAULT 0,
    disabled             INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    password_changed_at  INTEGER NOT NULL
);

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at   INTEGER
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id);

-- Only the SHA-256 of a session id is stored: a leaked table does not hand out sessions.
-- stage: 'mfa' = password accepted, second factor pending; 'enrol' = password accepted,
-- TOTP not yet set up; 'full' = signed in.
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    stage        TEXT NOT NULL CHECK (stage IN ('mfa', 'enrol', 'full')),
    csrf_token   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    ip           TEXT NOT NULL,
    user_agent   TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

-- Failed sign-ins, for lock-out (per account and client) and rate limits (per client).
CREATE TABLE auth_failures (
    id    INTEGER PRIMARY KEY AUTOINCREMENT,
    login TEXT NOT NULL,
    ip    TEXT NOT NULL,
    at    INTEGER NOT NULL
);
CREATE INDEX auth_failures_login ON auth_failures(login, at);
CREATE INDEX auth_failures_ip ON auth_failures(ip, at);

-- 支援対象者
CREATE TABLE people (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    external_id TEXT UNIQUE,
    name        TEXT NOT NULL,
    kana        TEXT NOT NULL,
    birth_date  TEXT NOT NULL,
    address     TEXT NOT NULL,
    lat         REAL CHECK (lat IS NULL OR (lat BETWEEN -90 AND 90)),
    lon         REAL CHECK (lon IS NULL OR (lon BETWEEN -180 AND 180)),
    care_level  TEXT NOT NULL,
    contacts    TEXT NOT NULL DEFAULT '',
    created_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX people_kana ON people(kana);

-- A person's consent to information sharing by the care team. Consent stands while a row
-- with withdrawn_at IS NULL exists.
CREATE TABLE consents (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    obtained_on  TEXT NOT NULL,
    method       TEXT NOT NULL,
    scope        TEXT NOT NULL,
    recorded_by  INTEGER NOT NULL REFERENCES users(id),
    recorded_at  INTEGER NOT NULL,
    withdrawn_at INTEGER,
    withdrawn_by INTEGER REFERENCES users(id)
);
CREATE INDEX consents_person ON consents(person_id);

CREATE TABLE care_team (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    added_by   INTEGER NOT NULL REFERENCES users(id),
    added_at   INTEGER NOT NULL,
    removed_at INTEGER,
    removed_by INTEGER REFERENCES users(id)
);
CREATE UNIQUE INDEX care_team_active ON care_team(person_id, user_id) WHERE removed_at IS NULL;
CREATE INDEX care_team_user ON care_team(user_id) WHERE removed_at IS NULL;

CREATE TABLE posts (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    author_id  INTEGER NOT NULL REFERENCES users(id),
    category   TEXT NOT NULL CHECK (category IN ('連絡', '報告', '相談', '申し送り')),
    body_md    TEXT NOT NULL,
    body_html  TEXT NOT NULL,
    temp_c     REAL,
    bp_sys     INTEGER,
    bp_dia     INTEGER,
    pulse      INTEGER,
    spo2       INTEGER,
    weight_kg  REAL,
    meal       TEXT,
    excretion  TEXT,
    created_at INTEGER NOT NULL
);
-- Keyset pagination: newest first by (created_at, id).
CREATE INDEX posts_person_time ON posts(person_id, created_at DESC, id DESC);

CREATE TABLE post_mentions (
    post_id INTEGER NOT NULL REFERENCES posts(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (post_id, user_id)
);

CREATE TABLE post_reads (
    post_id INTEGER NOT NULL REFERENCES posts(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    read_at INTEGER NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    post_id      INTEGER NOT NULL REFERENCES posts(id),
    blob_key     TEXT NOT NULL UNIQUE,
    filename     TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX attachments_post ON attachments(post_id);

-- Append-only audit log (安全管理ガイドライン: アクセスログ). The app has no UPDATE or
-- DELETE path for it, and these triggers refuse one from anywhere else too.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor_id    INTEGER,
    actor_login TEXT NOT NULL,
    org_id      INTEGER,
    action      TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id   TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
    ip          TEXT NOT NULL,
    request_id  TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor_id, at);
CREATE INDEX audit_log_target ON audit_log(target_type, target_id, at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
