//! `palisade admin seed mastodonpy`: what Mastodon.py 2.3.3's tests assume of a server
//! (its tests/setup.sql and run_mastodon_for_tests.sh, re-expressed through our services):
//! an owner `admin` (created first), `admin2`, a locked `mastodonpy_test`, an unlocked
//! discoverable `mastodonpy_test_2`, the test app, and three fixed tokens. Idempotent.

use palisade_core::Core;
use palisade_core::accounts::{NewUser, ProfileChanges};

const CLIENT_ID: &str = "__MASTODON_PY_TEST_CLIENT_ID";
const CLIENT_SECRET: &str = "__MASTODON_PY_TEST_CLIENT_SECRET";
/// Mastodon.py's tests sign in as mastodonpy_test_2 with this password.
const TEST_PASSWORD: &str = "5fc638e0e53eafd9c4145b6bb852667d";

pub async fn mastodonpy(core: &Core) -> Result<(), String> {
    let err = |e: palisade_core::Error| e.to_string();
    let users = [
        ("admin", "admin@localhost", "owner", false, false),
        ("admin2", "zerocool@example.com", "owner", false, false),
        (
            "mastodonpy_test",
            "mastodonpy_test@localhost",
            "user",
            true,
            false,
        ),
        (
            "mastodonpy_test_2",
            "mastodonpy_test_2@localhost",
            "user",
            false,
            true,
        ),
    ];
    for (username, email, role, locked, discoverable) in users {
        if core.local_user(username).await.is_err() {
            core.create_user(NewUser {
                username: username.into(),
                email: email.into(),
                password: TEST_PASSWORD.into(),
                agreement: true,
                locale: Some("ja".into()),
                reason: None,
                role: role.into(),
                via_api: false,
            })
            .await
            .map_err(err)?;
        }
        let (account, _) = core.local_user(username).await.map_err(err)?;
        core.update_profile(
            &account,
            ProfileChanges {
                locked: Some(locked),
                discoverable: Some(discoverable || !locked),
                indexable: Some(discoverable),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
    }
    let app = core
        .fixture_app(
            "Mastodon.py test suite",
            "read write follow push admin:read admin:write",
            CLIENT_ID,
            CLIENT_SECRET,
        )
        .await
        .map_err(err)?;
    let tokens = [
        (
            "__MASTODON_PY_TEST_ACCESS_TOKEN",
            "mastodonpy_test",
            "read write follow push",
        ),
        (
            "__MASTODON_PY_TEST_ACCESS_TOKEN_2",
            "admin",
            "read write follow push admin:read admin:write",
        ),
        (
            "__MASTODON_PY_TEST_ACCESS_TOKEN_3",
            "mastodonpy_test_2",
            "read write follow push",
        ),
    ];
    for (token, username, scopes) in tokens {
        if core.authenticate(token).await.is_ok() {
            continue;
        }
        let (_, user) = core.local_user(username).await.map_err(err)?;
        core.store_token(Some(app.id), Some(user.id), scopes, token, None)
            .await
            .map_err(err)?;
    }
    println!(
        "seeded Mastodon.py fixtures: users admin, admin2, mastodonpy_test, mastodonpy_test_2; app and 3 tokens"
    );
    Ok(())
}
