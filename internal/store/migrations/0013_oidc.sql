-- 0013: single sign-on through an OpenID Connect provider (docs/SSO.md).

-- Logins in flight between the redirect to the provider and its return.
-- state is the random value the browser also holds in a cookie (login
-- CSRF); nonce goes into the ID token; verifier is the PKCE secret whose
-- S256 hash the provider saw. A row is deleted when used and ignored
-- (then swept) after ten minutes.
CREATE TABLE oidc_logins (
    state      TEXT    PRIMARY KEY,
    nonce      TEXT    NOT NULL,
    verifier   TEXT    NOT NULL,
    next       TEXT    NOT NULL DEFAULT '/',
    created_at INTEGER NOT NULL
);

-- Which provider account belongs to which forum account. The subject is
-- stable at the provider, unlike the email address, so it is the key.
CREATE TABLE oidc_identities (
    issuer     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX oidc_identities_user ON oidc_identities(user_id);

-- A provider account whose verified email matches an existing local
-- account waits here until the owner confirms with the local password.
-- Only the hash of the token (held in the browser's cookie) is stored;
-- claims is the mapped profile (JSON) applied once the link is made.
CREATE TABLE oidc_pending_links (
    token_hash TEXT    PRIMARY KEY,
    issuer     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    claims     TEXT    NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL
);

-- Deleting an account anonymises the users row rather than removing it,
-- so ON DELETE CASCADE does not fire: drop the links here, or the person
-- would land on the anonymised, disabled account at the next SSO login
-- instead of getting a fresh one.
CREATE TRIGGER oidc_identities_end_on_account_delete AFTER UPDATE OF deleted_at ON users
WHEN NEW.deleted_at IS NOT NULL
BEGIN
    DELETE FROM oidc_identities WHERE user_id = NEW.id;
    DELETE FROM oidc_pending_links WHERE user_id = NEW.id;
END;
