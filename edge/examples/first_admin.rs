//! Creates the first system administrator of a new database (demo data is refused on
//! production databases, so this is how a real deployment starts).
//! `cargo run -p tsunagu-edge --example first_admin -- LOGIN 氏名 [SQLITE_PATH]`
//! Without a path it prints SQL for `wrangler d1 execute DB --remote --file=…`; the
//! initial password goes to stderr, shown once.

use tsunagu_edge::accounts::first_admin_sql;
use tsunagu_edge::clock::{Clock, SystemClock};
use tsunagu_edge::config::Config;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(login), Some(name)) = (args.first(), args.get(1)) else {
        eprintln!("使い方: first_admin ログインID 氏名 [SQLiteファイル]");
        std::process::exit(2);
    };
    let (sql, pw) = first_admin_sql(
        login,
        name,
        "システム運用",
        SystemClock.now(),
        &Config::default(),
    )?;
    match args.get(2) {
        Some(path) => {
            let db = tsunagu_edge::store::sqlite::SqliteDb::open(std::path::Path::new(path))?;
            tsunagu_edge::store::migrate::migrate(&db)?;
            db.with_conn(|c| {
                c.execute_batch(&sql)
                    .map_err(|e| tsunagu_edge::store::DbError::Backend(e.to_string()))
            })?;
            tsunagu_edge::demo::mark_production_blocking(&db)?;
            eprintln!("{path}: {login} を作成し、本番用として記録しました。");
        }
        None => {
            println!(
                "{sql}INSERT OR REPLACE INTO settings (key, value) VALUES ('environment', 'production');"
            );
        }
    }
    eprintln!("初期パスワード（初回ログインで変更が必要）: {pw}");
    Ok(())
}
