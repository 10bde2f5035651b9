"""Identity: who acts is proven. Passwords (argon2id), sessions and bearer tokens (stored as
SHA-256 of the secret), the sign-in throttle, deactivation, and the sessions this machine holds."""
