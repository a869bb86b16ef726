//! Bearer tokens for the agent's operations endpoint. A token file has one token a line:
//!
//! ```text
//! # role   token                               who
//! operate  3f9c0b1e6a7d4c21b8e5f0a2c4d6e8f1    alice
//! read     0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a    noc-wall
//! ```
//!
//! `read` tokens may look; only `operate` tokens may change anything.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Read,
    Operate,
}

#[derive(Clone, PartialEq, Eq)]
pub struct Token {
    pub role: Role,
    secret: Vec<u8>,
    pub who: String,
}

// a token's secret never reaches a log line or a panic message
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Token({:?}, {:?}, <secret>)", self.role, self.who)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenFileError {
    #[error("token file {file}: {message}")]
    Unreadable { file: String, message: String },
    #[error("token file {file}:{line}: {message}")]
    Bad {
        file: String,
        line: usize,
        message: String,
    },
}

/// Why a request was not let in.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("no bearer token")]
    Missing,
    #[error("the bearer token is not valid")]
    Invalid,
    #[error("token of {0} is read-only")]
    ReadOnly(String),
}

/// The shortest secret accepted: shorter ones can be guessed.
const MIN_SECRET: usize = 16;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tokens(Vec<Token>);

impl Tokens {
    pub fn parse(text: &str, file: &str) -> Result<Tokens, TokenFileError> {
        let mut out = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let bad = |message: String| TokenFileError::Bad {
                file: file.to_string(),
                line: i + 1,
                message,
            };
            let mut words = line.split_whitespace();
            let role = match words.next() {
                Some("read") => Role::Read,
                Some("operate") => Role::Operate,
                Some(other) => {
                    return Err(bad(format!(
                        "role {other:?} is neither `read` nor `operate`"
                    )));
                }
                None => continue,
            };
            let secret = words
                .next()
                .ok_or_else(|| bad("a role needs a token after it".into()))?;
            if secret.len() < MIN_SECRET {
                return Err(bad(format!(
                    "token is {} characters; at least {MIN_SECRET} are needed",
                    secret.len()
                )));
            }
            let who = words.collect::<Vec<_>>().join(" ");
            out.push(Token {
                role,
                secret: secret.as_bytes().to_vec(),
                who: if who.is_empty() {
                    format!("token #{}", i + 1)
                } else {
                    who
                },
            });
        }
        Ok(Tokens(out))
    }

    pub fn load(path: &Path) -> Result<Tokens, TokenFileError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| TokenFileError::Unreadable {
            file: file.clone(),
            message: e.to_string(),
        })?;
        Tokens::parse(&text, &file)
    }

    /// One operate token, for the in-process demo: random, never written anywhere.
    pub fn single_operator(secret: &str, who: &str) -> Tokens {
        Tokens(vec![Token {
            role: Role::Operate,
            secret: secret.as_bytes().to_vec(),
            who: who.to_string(),
        }])
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The token an `Authorization` header carries, compared in constant time against every
    /// token of the file (so the time taken does not tell which one nearly matched).
    pub fn check(&self, authorization: Option<&str>) -> Result<&Token, AuthError> {
        let presented = authorization
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(AuthError::Missing)?;
        let mut found = None;
        for t in &self.0 {
            if constant_time_eq(&t.secret, presented.as_bytes()) {
                found = Some(t);
            }
        }
        found.ok_or(AuthError::Invalid)
    }

    /// Like `check`, and the token must allow operations.
    pub fn check_operate(&self, authorization: Option<&str>) -> Result<&Token, AuthError> {
        let t = self.check(authorization)?;
        match t.role {
            Role::Operate => Ok(t),
            Role::Read => Err(AuthError::ReadOnly(t.who.clone())),
        }
    }
}

/// The operating system's random source failed, so no secret could be made.
#[derive(Debug, thiserror::Error)]
#[error("the operating system's random source failed")]
pub struct RandomError(#[source] getrandom::Error);

/// 32 hex digits (128 bits) from the operating system's random source: the embedded
/// demo's token for one run, and idempotency keys.
pub fn random_secret() -> Result<String, RandomError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(RandomError)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Equal-length inputs take the same time whatever their contents; the length itself is not
/// secret (every token in a file may be a different length).
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str =
        "# tokens\noperate 0123456789abcdef0123 alice smith\nread  fedcba9876543210fedc noc\n\n";

    #[test]
    fn roles_and_names() {
        let t = Tokens::parse(FILE, "t").unwrap_or_else(|e| panic!("{e}"));
        let alice = t.check_operate(Some("Bearer 0123456789abcdef0123"));
        assert_eq!(alice.map(|t| t.who.as_str()), Ok("alice smith"));
        assert_eq!(
            t.check_operate(Some("Bearer fedcba9876543210fedc")).err(),
            Some(AuthError::ReadOnly("noc".into()))
        );
        assert!(t.check(Some("Bearer fedcba9876543210fedc")).is_ok());
        assert_eq!(t.check(None).err(), Some(AuthError::Missing));
        assert_eq!(t.check(Some("Basic abc")).err(), Some(AuthError::Missing));
        assert_eq!(
            t.check(Some("Bearer 0123456789abcdef0124")).err(),
            Some(AuthError::Invalid)
        );
        assert_eq!(
            t.check(Some("Bearer 0123456789abcdef012")).err(),
            Some(AuthError::Invalid),
            "a prefix of a token is not the token"
        );
    }

    #[test]
    fn bad_files_name_the_line() {
        for (text, line, words) in [
            ("operate short", 1, "at least 16"),
            ("\nadmin 0123456789abcdef0123", 2, "neither"),
            ("read", 1, "needs a token"),
        ] {
            match Tokens::parse(text, "tokens.txt") {
                Err(TokenFileError::Bad {
                    file,
                    line: l,
                    message,
                }) => {
                    assert_eq!((file.as_str(), l), ("tokens.txt", line), "{text}");
                    assert!(message.contains(words), "{message}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let t = Tokens::parse(FILE, "t").unwrap_or_else(|e| panic!("{e}"));
        let shown = format!("{t:?}");
        assert!(shown.contains("alice smith"), "{shown}");
        assert!(!shown.contains("0123456789abcdef0123"), "{shown}");
    }

    #[test]
    fn random_secrets_are_long_enough_and_differ() {
        let (a, b) = (random_secret().unwrap(), random_secret().unwrap());
        assert_eq!(a.len(), 32);
        assert!(a.len() >= MIN_SECRET && a.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn constant_time_compare_is_a_compare() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }
}
