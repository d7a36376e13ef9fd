//! THE access policy. Every handler asks [`decide`] before touching a person's data or an
//! administrative function, and nothing else grants access. The matrix (docs/workspace.md):
//!
//! | action                      | system_admin | municipal_staff          | professional              |
//! |-----------------------------|--------------|--------------------------|---------------------------|
//! | people list                 | 403          | all people               | own teams, consent stands |
//! | register / CSV import       | 403          | yes                      | 403                       |
//! | person record, team, consent view | 404    | yes                      | on team + consent         |
//! | timeline read / post / files| 404          | on team + consent        | on team + consent         |
//! | edit record, team / consent change | 404          | yes                      | 404 if unreachable, else 403 |
//! | audit search / CSV          | yes          | yes                      | 403                       |
//! | users / invite / suspend    | yes          | 403                      | 403                       |
//!
//! Person-scoped actions answer 404 (not 403) when the person is out of reach, so a user
//! cannot learn which ids exist by trying them.

use crate::accounts::{Role, User};
use crate::params;
use crate::store::{Db, DbError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    PeopleList,
    PersonCreate,
    PeopleImport,
    PersonView,
    TimelineRead,
    TimelinePost,
    PersonEdit,
    TeamManage,
    ConsentManage,
    AuditView,
    UsersManage,
}

impl Action {
    /// The name written to the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::PeopleList => "people.list",
            Action::PersonCreate => "person.create",
            Action::PeopleImport => "people.import",
            Action::PersonView => "person.view",
            Action::TimelineRead => "timeline.read",
            Action::TimelinePost => "timeline.post",
            Action::PersonEdit => "person.edit",
            Action::TeamManage => "team.change",
            Action::ConsentManage => "consent.change",
            Action::AuditView => "audit.view",
            Action::UsersManage => "users.manage",
        }
    }

    pub fn person_scoped(self) -> bool {
        matches!(
            self,
            Action::PersonView
                | Action::TimelineRead
                | Action::TimelinePost
                | Action::PersonEdit
                | Action::TeamManage
                | Action::ConsentManage
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// 403: the role never may.
    Forbidden,
    /// 404: the person does not exist or is out of this user's reach.
    NotFound,
}

/// Facts about one person relative to one user.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    pub exists: bool,
    pub on_team: bool,
    pub consent: bool,
}

/// The pure rule: role × action × facts → decision.
pub fn rule(role: Role, action: Action, f: Facts) -> Decision {
    use Action::*;
    use Decision::*;
    use Role::*;
    let team_ok = f.exists && f.on_team && f.consent;
    match (role, action) {
        (SystemAdmin, UsersManage | AuditView) => Allow,
        (SystemAdmin, PeopleList | PersonCreate | PeopleImport) => Forbidden,
        (SystemAdmin, _) => NotFound,

        (MunicipalStaff, PeopleList | PersonCreate | PeopleImport | AuditView) => Allow,
        (MunicipalStaff, UsersManage) => Forbidden,
        (MunicipalStaff, PersonView | PersonEdit | TeamManage | ConsentManage) => {
            if f.exists {
                Allow
            } else {
                NotFound
            }
        }
        (MunicipalStaff, TimelineRead | TimelinePost) => {
            if team_ok {
                Allow
            } else {
                NotFound
            }
        }

        (Professional, PeopleList) => Allow,
        (Professional, PersonCreate | PeopleImport | AuditView | UsersManage) => Forbidden,
        (Professional, PersonView | TimelineRead | TimelinePost) => {
            if team_ok {
                Allow
            } else {
                NotFound
            }
        }
        (Professional, PersonEdit | TeamManage | ConsentManage) => {
            if team_ok {
                Forbidden
            } else {
                NotFound
            }
        }
    }
}

/// Looks up the facts (one query) and applies [`rule`].
pub async fn decide(
    db: &dyn Db,
    user: &User,
    action: Action,
    person_id: Option<i64>,
) -> Result<Decision, DbError> {
    if user.disabled {
        return Ok(Decision::Forbidden);
    }
    let facts = match person_id {
        Some(pid) => facts(db, user.id, pid).await?,
        None => Facts::default(),
    };
    Ok(rule(user.role, action, facts))
}

/// Several actions on one person from a single facts query: a page that shows or hides
/// links for several actions would otherwise pay one D1 round trip per action.
pub async fn decide_each<const N: usize>(
    db: &dyn Db,
    user: &User,
    actions: [Action; N],
    person_id: i64,
) -> Result<[Decision; N], DbError> {
    if user.disabled {
        return Ok([Decision::Forbidden; N]);
    }
    let f = facts(db, user.id, person_id).await?;
    Ok(actions.map(|a| rule(user.role, a, f)))
}

pub async fn facts(db: &dyn Db, user_id: i64, person_id: i64) -> Result<Facts, DbError> {
    let rows = db
        .query(
            "SELECT
               EXISTS(SELECT 1 FROM people WHERE id = ?1) AS e,
               EXISTS(SELECT 1 FROM care_team WHERE person_id = ?1 AND user_id = ?2 AND removed_at IS NULL) AS t,
               EXISTS(SELECT 1 FROM consents WHERE person_id = ?1 AND withdrawn_at IS NULL) AS c",
            params![person_id, user_id],
        )
        .await?;
    let r = &rows[0];
    Ok(Facts {
        exists: r.bool("e")?,
        on_team: r.bool("t")?,
        consent: r.bool("c")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn professional_needs_team_and_consent() {
        let all = Facts {
            exists: true,
            on_team: true,
            consent: true,
        };
        assert_eq!(
            rule(Role::Professional, Action::TimelineRead, all),
            Decision::Allow
        );
        assert_eq!(
            rule(
                Role::Professional,
                Action::TimelineRead,
                Facts {
                    consent: false,
                    ..all
                }
            ),
            Decision::NotFound
        );
        assert_eq!(
            rule(
                Role::Professional,
                Action::TimelineRead,
                Facts {
                    on_team: false,
                    ..all
                }
            ),
            Decision::NotFound
        );
        assert_eq!(
            rule(Role::SystemAdmin, Action::PersonView, all),
            Decision::NotFound
        );
    }
}
