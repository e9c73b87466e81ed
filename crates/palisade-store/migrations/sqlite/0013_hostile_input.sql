-- Hostile input: an authorization code is kept (spent) after its use, with the token it
-- gave, so that a replayed code revokes that token (RFC 6749 section 4.1.2).

ALTER TABLE oauth_codes ADD COLUMN used_at BIGINT;
ALTER TABLE oauth_codes ADD COLUMN token_id BIGINT;
