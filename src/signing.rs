//! Signed sign-off: SSH signatures (OpenSSH's SSHSIG format, namespace
//! `verbatim`) over a canonical message describing a review, made with the
//! reviewer's git `user.signingkey`, and verified against a git-style
//! allowed-signers file. `docs/SIGNING.md` says what this proves and what
//! not; `docs/FORMAT.md` gives the exact bytes signed.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sha2::Digest;
use ssh_key::{HashAlg, LineEnding, PrivateKey, PublicKey, Signature, SshSig};

use crate::quote::{Quote, Review, Verdict};

/// The SSHSIG namespace of every verbatim signature: a signature made for
/// git commits or files can never pass as a review, nor the reverse.
pub const NAMESPACE: &str = "verbatim";

/// First line of the signed message: names the format, so a later version
/// can change the message without a signature meaning two things.
pub const MESSAGE_MAGIC: &str = "verbatim-review-signature-v1";

/// The exact bytes a review's signature covers (docs/FORMAT.md): one
/// `key value` line per field, LF-terminated, in this order. Returns `None`
/// when a field holds a line break, which no honest review has (such a
/// review can't be signed, and its signature never verifies).
pub fn message(quote_name: &str, review: &Review) -> Option<Vec<u8>> {
    let comment = match &review.comment {
        Some(c) => {
            let hash = sha2::Sha256::digest(c.as_bytes());
            let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
            format!("sha256:{hex}")
        }
        None => "none".to_string(),
    };
    let fields = [
        ("quote", quote_name.to_string()),
        ("revision", review.revision.to_string()),
        ("digest", review.digest.clone()),
        ("verdict", review.verdict.as_str().to_string()),
        ("reviewer", review.reviewer.to_string()),
        ("at", review.at.clone()),
        ("comment", comment),
    ];
    let mut out = format!("{MESSAGE_MAGIC}\n");
    for (key, value) in fields {
        if value.contains(['\n', '\r']) {
            return None;
        }
        out.push_str(key);
        out.push(' ');
        out.push_str(&value);
        out.push('\n');
    }
    Some(out.into_bytes())
}

/// Why a review could not be signed.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct SigningError {
    /// What went wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

fn fail(message: impl Into<String>, hint: Option<&str>) -> SigningError {
    SigningError {
        message: message.into(),
        hint: hint.map(str::to_string),
    }
}

/// The reviewer's signing key, as git's `user.signingkey` names it.
pub enum Signer {
    /// A private key file (unencrypted).
    Key(Box<PrivateKey>),
    /// A public key whose private half is held by ssh-agent.
    Agent {
        /// `SSH_AUTH_SOCK`.
        socket: PathBuf,
        /// The key to ask the agent to sign with.
        public: PublicKey,
    },
}

const SIGNINGKEY_HINT: &str = "set `git config user.signingkey ~/.ssh/id_ed25519` (a private key file, or a public key whose private half is in ssh-agent)";

impl Signer {
    /// Finds the signing key git's config names in `user.signingkey`: a
    /// private key file, a public key file, or a literal public key
    /// (`key::ssh-ed25519 AAAA…` or `ssh-ed25519 AAAA…`) whose private half
    /// ssh-agent holds (`SSH_AUTH_SOCK`).
    pub fn from_git_config(config: &git2::Config) -> Result<Signer, SigningError> {
        let value = config
            .get_string("user.signingkey")
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                fail(
                    "signed reviews need an SSH key, and git's `user.signingkey` is not set",
                    Some(SIGNINGKEY_HINT),
                )
            })?;
        let literal = value.strip_prefix("key::").unwrap_or(&value);
        if looks_like_public_key(literal) {
            return Signer::agent_for(literal, "user.signingkey");
        }
        let path = expand_home(&value);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            fail(
                format!(
                    "cannot read the signing key {} (git's user.signingkey): {e}",
                    path.display()
                ),
                Some(SIGNINGKEY_HINT),
            )
        })?;
        if text.contains("PRIVATE KEY-----") {
            let key = PrivateKey::from_openssh(&text).map_err(|e| {
                fail(
                    format!(
                        "{} is not an OpenSSH private key verbatim can use: {e}",
                        path.display()
                    ),
                    Some("verbatim reads OpenSSH-format ed25519 and RSA keys (`ssh-keygen -t ed25519`)"),
                )
            })?;
            if key.is_encrypted() {
                return Err(fail(
                    format!("{} is protected by a passphrase", path.display()),
                    Some(
                        "add it to ssh-agent (`ssh-add`) and set user.signingkey to its public key file (the .pub)",
                    ),
                ));
            }
            return Ok(Signer::Key(Box::new(key)));
        }
        let line = text
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim();
        Signer::agent_for(line, &path.display().to_string())
    }

    fn agent_for(public: &str, what: &str) -> Result<Signer, SigningError> {
        let public = PublicKey::from_openssh(public).map_err(|e| {
            fail(
                format!("{what} is not an SSH public key: {e}"),
                Some(SIGNINGKEY_HINT),
            )
        })?;
        let socket = std::env::var_os("SSH_AUTH_SOCK")
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                fail(
                    "git's user.signingkey names a public key, whose private half must be in ssh-agent, but SSH_AUTH_SOCK is not set",
                    Some("start ssh-agent and `ssh-add` the key, or set user.signingkey to the private key file"),
                )
            })?;
        Ok(Signer::Agent {
            socket: PathBuf::from(socket),
            public,
        })
    }

    /// The public key that signs.
    pub fn public_key(&self) -> PublicKey {
        match self {
            Signer::Key(k) => k.public_key().clone(),
            Signer::Agent { public, .. } => public.clone(),
        }
    }

    /// Signs `msg` in namespace [`NAMESPACE`]; returns the armored SSHSIG
    /// (`-----BEGIN SSH SIGNATURE-----`, LF line ends, no final newline).
    pub fn sign(&self, msg: &[u8]) -> Result<String, SigningError> {
        let sig = match self {
            Signer::Key(key) => key
                .sign(NAMESPACE, HashAlg::Sha512, msg)
                .map_err(|e| fail(format!("signing failed: {e}"), None))?,
            Signer::Agent { socket, public } => agent_sign(socket, public, msg)?,
        };
        // Never store a signature that does not verify (a misbehaving agent).
        self.public_key()
            .verify(NAMESPACE, msg, &sig)
            .map_err(|e| fail(format!("the new signature does not verify: {e}"), None))?;
        let pem = sig
            .to_pem(LineEnding::LF)
            .map_err(|e| fail(format!("cannot encode the signature: {e}"), None))?;
        Ok(pem.trim_end().to_string())
    }

    /// Signs the review in place: sets its `signature`.
    pub fn sign_review(&self, quote_name: &str, review: &mut Review) -> Result<(), SigningError> {
        let msg = message(quote_name, review).ok_or_else(|| {
            fail(
                "this review can't be signed: a field holds a line break",
                None,
            )
        })?;
        review.signature = Some(self.sign(&msg)?);
        Ok(())
    }
}

fn looks_like_public_key(s: &str) -> bool {
    ["ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-"]
        .iter()
        .any(|p| s.starts_with(p))
        && s.contains(' ')
}

fn expand_home(value: &str) -> PathBuf {
    if let Some(rest) = value.strip_prefix("~/")
        && let Some(home) = std::env::var_os("HOME")
    {
        return Path::new(&home).join(rest);
    }
    PathBuf::from(value)
}

/// The ssh-agent protocol (draft-miller-ssh-agent), just the one exchange
/// signing needs: SSH_AGENTC_SIGN_REQUEST → SSH_AGENT_SIGN_RESPONSE.
fn agent_sign(socket: &Path, public: &PublicKey, msg: &[u8]) -> Result<SshSig, SigningError> {
    const SIGN_REQUEST: u8 = 13;
    const SIGN_RESPONSE: u8 = 14;
    const FAILURE: u8 = 5;
    const RSA_SHA2_512: u32 = 4;
    let agent_error = |e: std::io::Error| {
        fail(
            format!("cannot talk to ssh-agent at {}: {e}", socket.display()),
            Some("is ssh-agent running, and SSH_AUTH_SOCK its socket?"),
        )
    };
    let data = SshSig::signed_data(NAMESPACE, HashAlg::Sha512, msg)
        .map_err(|e| fail(format!("signing failed: {e}"), None))?;
    let blob = public
        .to_bytes()
        .map_err(|e| fail(format!("cannot encode the public key: {e}"), None))?;
    let flags = if matches!(public.algorithm(), ssh_key::Algorithm::Rsa { .. }) {
        RSA_SHA2_512
    } else {
        0
    };
    let mut body = vec![SIGN_REQUEST];
    put_string(&mut body, &blob);
    put_string(&mut body, &data);
    body.extend_from_slice(&flags.to_be_bytes());
    let mut frame = (body.len() as u32).to_be_bytes().to_vec();
    frame.extend_from_slice(&body);
    let mut stream = std::os::unix::net::UnixStream::connect(socket).map_err(agent_error)?;
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(60)));
    stream.write_all(&frame).map_err(agent_error)?;
    let mut len = [0u8; 4];
    stream.read_exact(&mut len).map_err(agent_error)?;
    let len = u32::from_be_bytes(len) as usize;
    if len == 0 || len > 256 * 1024 {
        return Err(fail("ssh-agent sent a malformed reply", None));
    }
    let mut reply = vec![0u8; len];
    stream.read_exact(&mut reply).map_err(agent_error)?;
    match reply[0] {
        SIGN_RESPONSE => {
            let mut rest = &reply[1..];
            let sig_blob = get_string(&mut rest)
                .ok_or_else(|| fail("ssh-agent sent a malformed signature", None))?;
            let signature = Signature::try_from(sig_blob)
                .map_err(|e| fail(format!("ssh-agent sent a bad signature: {e}"), None))?;
            SshSig::new(
                public.key_data().clone(),
                NAMESPACE,
                HashAlg::Sha512,
                signature,
            )
            .map_err(|e| fail(format!("signing failed: {e}"), None))
        }
        FAILURE => Err(fail(
            format!(
                "ssh-agent refused to sign with {} ({})",
                public.fingerprint(HashAlg::Sha256),
                public.algorithm().as_str()
            ),
            Some("add the key to the agent with `ssh-add`"),
        )),
        other => Err(fail(
            format!("ssh-agent answered with unexpected message {other}"),
            None,
        )),
    }
}

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

fn get_string<'a>(input: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = u32::from_be_bytes(input.get(..4)?.try_into().ok()?) as usize;
    let s = input.get(4..4 + len)?;
    *input = &input[4 + len..];
    Some(s)
}

/// One line of an allowed-signers file.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowedSigner {
    /// 1-based line in the file.
    pub line: usize,
    /// Principal patterns (`*` and `?` wildcards, `!` negation).
    pub principals: Vec<String>,
    /// `namespaces="…"`: if set, the namespaces this key may sign in.
    pub namespaces: Option<Vec<String>>,
    /// `valid-after="…"`, as 14 digits `YYYYMMDDHHMMSS` (UTC).
    pub valid_after: Option<String>,
    /// `valid-before="…"`, as 14 digits `YYYYMMDDHHMMSS` (UTC).
    pub valid_before: Option<String>,
    /// The key.
    pub key: PublicKey,
}

/// An allowed-signers file, in the format git and `ssh-keygen -Y verify`
/// use: `principals [options] keytype base64 [comment]` per line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AllowedSigners {
    /// The file (relative to the repository root), for messages.
    pub path: String,
    /// Its keys, in file order (certificate authorities are skipped).
    pub signers: Vec<AllowedSigner>,
}

/// A line of an allowed-signers file that can't be read.
#[derive(Debug, thiserror::Error)]
#[error("{line}: {message}")]
pub struct AllowedSignersError {
    /// 1-based line.
    pub line: usize,
    /// Why.
    pub message: String,
}

impl AllowedSigners {
    /// Parses the file's text.
    pub fn parse(path: &str, text: &str) -> Result<AllowedSigners, AllowedSignersError> {
        let mut signers = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| AllowedSignersError { line, message };
            let rest = raw.trim();
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            let (principals, rest) = take_field(rest);
            let principals: Vec<String> = unquote(principals)
                .split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            if principals.is_empty() {
                return Err(err("no principal (e-mail address) before the key".into()));
            }
            let rest = rest.trim_start();
            let (options, rest) = if looks_like_public_key(rest) {
                ("", rest)
            } else {
                take_field(rest)
            };
            let mut entry = AllowedSigner {
                line,
                principals,
                namespaces: None,
                valid_after: None,
                valid_before: None,
                key: PublicKey::from_openssh(rest.trim()).map_err(|e| {
                    err(format!(
                        "not a public key (`keytype base64 [comment]`): {e}"
                    ))
                })?,
            };
            let mut authority = false;
            for option in split_options(options) {
                let (name, value) = match option.split_once('=') {
                    Some((n, v)) => (n.trim().to_ascii_lowercase(), Some(unquote(v))),
                    None => (option.trim().to_ascii_lowercase(), None),
                };
                match (name.as_str(), value) {
                    ("cert-authority", None) => authority = true,
                    ("namespaces", Some(v)) => {
                        entry.namespaces =
                            Some(v.split(',').map(|s| s.trim().to_string()).collect())
                    }
                    ("valid-after", Some(v)) => {
                        entry.valid_after = Some(
                            timestamp(&v).ok_or_else(|| err(format!("bad valid-after `{v}`")))?,
                        )
                    }
                    ("valid-before", Some(v)) => {
                        entry.valid_before = Some(
                            timestamp(&v).ok_or_else(|| err(format!("bad valid-before `{v}`")))?,
                        )
                    }
                    _ => return Err(err(format!("unknown option `{option}`"))),
                }
            }
            // Certificates are not supported: a CA line vouches for no key
            // by itself, so it is left out rather than trusted.
            if !authority {
                signers.push(entry);
            }
        }
        Ok(AllowedSigners {
            path: path.to_string(),
            signers,
        })
    }

    /// The entries allowing `key` to sign as `email` in [`NAMESPACE`] at
    /// `at` (the review's RFC 3339 time).
    pub fn allows(&self, email: &str, key: &PublicKey, at: &str) -> Option<&AllowedSigner> {
        let when = timestamp_of_rfc3339(at);
        self.signers.iter().find(|s| {
            s.key.key_data() == key.key_data()
                && principal_matches(&s.principals, email)
                && s.namespaces
                    .as_ref()
                    .is_none_or(|ns| ns.iter().any(|n| glob(n, NAMESPACE)))
                && s.valid_after
                    .as_ref()
                    .is_none_or(|a| when.as_ref().is_some_and(|w| w >= a))
                && s.valid_before
                    .as_ref()
                    .is_none_or(|b| when.as_ref().is_some_and(|w| w < b))
        })
    }
}

/// The first whitespace-separated field, honouring double quotes.
fn take_field(s: &str) -> (&str, &str) {
    let mut quoted = false;
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => return (&s[..i], &s[i..]),
            _ => {}
        }
    }
    (s, "")
}

fn split_options(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ',' if !quoted => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.into_iter().filter(|o| !o.trim().is_empty()).collect()
}

fn unquote(v: &str) -> String {
    let v = v.trim();
    v.strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v)
        .to_string()
}

/// `YYYYMMDD[HHMM[SS]][Z]` → 14 digits. Times are read as UTC.
fn timestamp(v: &str) -> Option<String> {
    let digits = v.strip_suffix(['Z', 'z']).unwrap_or(v);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    match digits.len() {
        8 => Some(format!("{digits}000000")),
        12 => Some(format!("{digits}00")),
        14 => Some(digits.to_string()),
        _ => None,
    }
}

fn timestamp_of_rfc3339(at: &str) -> Option<String> {
    let t = time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339)
        .ok()?
        .to_offset(time::UtcOffset::UTC);
    Some(format!(
        "{:04}{:02}{:02}{:02}{:02}{:02}",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    ))
}

/// OpenSSH's pattern lists: a negated match (`!pat`) refuses, otherwise
/// any positive match accepts.
fn principal_matches(patterns: &[String], name: &str) -> bool {
    let mut matched = false;
    for p in patterns {
        if let Some(neg) = p.strip_prefix('!') {
            if glob(neg, name) {
                return false;
            }
        } else if glob(p, name) {
            matched = true;
        }
    }
    matched
}

/// `*` and `?` wildcards, case-sensitive, as OpenSSH matches principals.
fn glob(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// What verification found for one review.
#[derive(Debug, Clone, PartialEq)]
pub enum SignatureCheck {
    /// Signed by a key the allowed-signers file lists for the reviewer.
    Valid {
        /// The key's SHA-256 fingerprint.
        fingerprint: String,
    },
    /// No signature.
    Unsigned,
    /// The signature is malformed, in another namespace, or does not match
    /// the review's fields.
    Bad(String),
    /// A valid signature by a key not allowed for the reviewer's e-mail.
    UnknownSigner(String),
    /// The signing key is also allowed for the author of the revision
    /// reviewed: the author could have made this approval.
    SelfApproval(String),
}

impl SignatureCheck {
    /// The finding code for a failure; `None` when valid.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            SignatureCheck::Valid { .. } => None,
            SignatureCheck::Unsigned => Some("unsigned-review"),
            SignatureCheck::Bad(_) => Some("bad-signature"),
            SignatureCheck::UnknownSigner(_) => Some("unknown-signer"),
            SignatureCheck::SelfApproval(_) => Some("self-approval"),
        }
    }
}

/// The key that made a signature, if the signature can be decoded.
pub fn signing_key(armored: &str) -> Option<PublicKey> {
    let sig = SshSig::from_pem(armored.trim()).ok()?;
    Some(PublicKey::from(sig.public_key().clone()))
}

/// One line naming the key of a signature, for people: `signed with
/// ssh-ed25519 SHA256:…`. It says who signed, not whether the signature is
/// valid (`check` says that).
pub fn describe_signature(armored: &str) -> String {
    match signing_key(armored) {
        Some(key) => format!(
            "signed with {} {}",
            key.algorithm().as_str(),
            key.fingerprint(HashAlg::Sha256)
        ),
        None => "signature unreadable".to_string(),
    }
}

/// Verifies one review of the quote named `quote_name` (`SLUG/ID`).
pub fn verify_review(
    quote_name: &str,
    quote: &Quote,
    review: &Review,
    allowed: &AllowedSigners,
) -> SignatureCheck {
    let Some(armored) = &review.signature else {
        return SignatureCheck::Unsigned;
    };
    let sig = match SshSig::from_pem(armored.trim()) {
        Ok(s) => s,
        Err(e) => return SignatureCheck::Bad(format!("the signature can't be read: {e}")),
    };
    if sig.namespace() != NAMESPACE {
        return SignatureCheck::Bad(format!(
            "the signature is for namespace `{}`, not `{NAMESPACE}`",
            sig.namespace()
        ));
    }
    let key = PublicKey::from(sig.public_key().clone());
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    let Some(msg) = message(quote_name, review) else {
        return SignatureCheck::Bad("a field of the review holds a line break".into());
    };
    if key.verify(NAMESPACE, &msg, &sig).is_err() {
        return SignatureCheck::Bad(format!(
            "the signature by {fingerprint} does not match this review of {quote_name} (its quote, revision, digest, verdict, reviewer, time or comment were changed, or it was copied from another review)"
        ));
    }
    if allowed
        .allows(&review.reviewer.email, &key, &review.at)
        .is_none()
    {
        return SignatureCheck::UnknownSigner(format!(
            "{fingerprint} is not listed in {} for {}",
            allowed.path, review.reviewer.email
        ));
    }
    if review.verdict == Verdict::Approved
        && let Some(rev) = quote.revision(review.revision)
        && allowed
            .allows(&rev.author.email, &key, &review.at)
            .is_some()
    {
        return SignatureCheck::SelfApproval(format!(
            "{fingerprint} is also the key of {}, who wrote revision {}",
            rev.author.email, rev.number
        ));
    }
    SignatureCheck::Valid { fingerprint }
}

/// The quote as the state derivation should see it when signed reviews
/// are required: approvals whose signature fails verification are left
/// out. Failed requests for changes stay (they can only hold a quote back,
/// never let one through).
pub fn counted_reviews(quote_name: &str, quote: &Quote, allowed: &AllowedSigners) -> Quote {
    let mut q = quote.clone();
    q.reviews.retain(|r| {
        r.verdict != Verdict::Approved
            || matches!(
                verify_review(quote_name, quote, r, allowed),
                SignatureCheck::Valid { .. }
            )
    });
    q
}

/// The quote as the policy's state derivation sees it: unchanged unless
/// the policy requires signed reviews, in which case only approvals with a
/// valid signature by an allowed signer count ([`counted_reviews`]).
pub fn under_policy<'q>(
    policy: &crate::policy::Policy,
    quote_ref: &crate::store::QuoteRef,
    quote: &'q Quote,
) -> std::borrow::Cow<'q, Quote> {
    if !policy.require_signed_reviews {
        return std::borrow::Cow::Borrowed(quote);
    }
    let none = AllowedSigners::default();
    let allowed = policy.signers.as_ref().unwrap_or(&none);
    std::borrow::Cow::Owned(counted_reviews(&quote_ref.to_string(), quote, allowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_like_openssh() {
        assert!(glob("*@example.org", "eva@example.org"));
        assert!(!glob("*@example.org", "eva@example.com"));
        assert!(glob("ev?@example.org", "eva@example.org"));
        assert!(principal_matches(&["*@x.org".into()], "a@x.org"));
        assert!(!principal_matches(
            &["*@x.org".into(), "!b@x.org".into()],
            "b@x.org"
        ));
    }

    #[test]
    fn parses_allowed_signers_lines() {
        let text = "# newsroom keys\n\neva@x.org,luis@x.org namespaces=\"git,verbatim\",valid-after=\"20260101\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEHw49nKL0Mc5Mxq2bwBZgjJ2WwNEMLtH0fF0llHDSZ eva\n*@ca.org cert-authority ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEHw49nKL0Mc5Mxq2bwBZgjJ2WwNEMLtH0fF0llHDSZ\n";
        let a = AllowedSigners::parse("allowed_signers", text).unwrap();
        assert_eq!(a.signers.len(), 1);
        let s = &a.signers[0];
        assert_eq!(s.line, 3);
        assert_eq!(s.principals, ["eva@x.org", "luis@x.org"]);
        assert_eq!(
            s.namespaces.as_deref(),
            Some(&["git".to_string(), "verbatim".to_string()][..])
        );
        assert_eq!(s.valid_after.as_deref(), Some("20260101000000"));
        assert!(
            a.allows("luis@x.org", &s.key, "2026-02-01T00:00:00Z")
                .is_some()
        );
        assert!(
            a.allows("luis@x.org", &s.key, "2025-12-31T23:59:59Z")
                .is_none()
        );
        assert!(
            a.allows("ana@x.org", &s.key, "2026-02-01T00:00:00Z")
                .is_none()
        );
        let e = AllowedSigners::parse("f", "eva@x.org bogus=1 ssh-ed25519 AAAA\n").unwrap_err();
        assert_eq!(e.line, 1);
    }
}
