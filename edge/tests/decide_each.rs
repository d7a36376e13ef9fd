//! The person page asks the policy for several actions from one facts query
//! (`access::decide_each`); every answer must equal the one-at-a-time `decide`, for every
//! demo account and person (on or off the team, with or without consent, missing).

mod common;

use common::harness;
use tsunagu_edge::access::{self, Action};
use tsunagu_edge::accounts;
use tsunagu_edge::store::Db;

#[tokio::test]
async fn decide_each_agrees_with_decide_for_every_account_and_person() {
    let h = harness().await;
    let db: &dyn Db = &h.db;
    let actions = [
        Action::PersonView,
        Action::TimelineRead,
        Action::TimelinePost,
        Action::PersonEdit,
        Action::TeamManage,
        Action::ConsentManage,
    ];
    let users = accounts::list(db).await.unwrap();
    assert!(users.len() >= 5);
    let max = h.scalar("SELECT MAX(id) FROM people");
    let mut allowed = 0;
    for u in &users {
        for pid in 1..=max + 1 {
            let each = access::decide_each(db, u, actions, pid).await.unwrap();
            for (a, d) in actions.iter().zip(each) {
                let one = access::decide(db, u, *a, Some(pid)).await.unwrap();
                assert_eq!(d, one, "{} {a:?} person {pid}", u.login);
                allowed += usize::from(d == access::Decision::Allow);
            }
        }
    }
    // Not vacuous: some cells allow, some do not.
    assert!(allowed > 0 && allowed < users.len() * (max as usize + 1) * actions.len());
}
