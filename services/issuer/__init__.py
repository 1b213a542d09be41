"""The development OIDC issuer: what `make up` signs people and service accounts in with, so that
development takes the same path as production (discovery, JWKS, RS256 tokens, the code flow with
PKCE, client credentials). It refuses to start unless OMSORG_ENV is dev or test."""
