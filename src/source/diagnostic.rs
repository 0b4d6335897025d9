//! A *diagnostic* is one problem in the user's repository: a stable [`Code`] that tools
//! and tests match on, a severity, where it is (file, line, column, and the post it
//! belongs to), a message saying what is wrong and a hint saying what to do.
//!
//! Layers that work on a parsed value rather than on text report a [`Finding`]: the
//! same thing, located by a [`YamlPath`] instead of a line. The layer that holds the
//! text turns findings into diagnostics with [`YamlText::diagnostic`].

use serde::Serialize;

use super::yaml::YamlPath;

/// How bad a problem is. Errors fail `siaran check`; warnings are reported only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The data is invalid: nothing built from it may be published.
    Error,
    /// Worth a look (an SOP time budget overrun, say) but not invalid.
    Warning,
}

macro_rules! codes {
    ($($(#[doc = $doc:literal])* $variant:ident => $text:literal,)*) => {
        /// Every diagnostic code siaran emits. The strings are a stable contract
        /// (`check --format json`, CI annotations, tests); `docs/diagnostics.md` explains each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[doc = $doc])* $variant,)*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable text of the code, e.g. `chain.role`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }
        }
    };
}

codes! {
    /// A file is larger than siaran accepts.
    FileTooLarge => "file.too-large",
    /// A file is not UTF-8 text.
    FileNotUtf8 => "file.not-utf8",
    /// A file or folder could not be read.
    FileUnreadable => "file.unreadable",
    /// A file name is not valid UTF-8.
    FileNameNotUtf8 => "file.name-not-utf8",
    /// A post file is empty.
    FileEmpty => "file.empty",
    /// YAML that does not parse.
    YamlSyntax => "yaml.syntax",
    /// YAML whose aliases or nesting expand beyond safe limits ("billion laughs").
    YamlTooComplex => "yaml.too-complex",
    /// A key that siaran does not know (usually a typo).
    FieldUnknown => "field.unknown",
    /// A required key is absent.
    FieldMissing => "field.missing",
    /// A key has a value of the wrong type or form.
    FieldInvalid => "field.invalid",
    /// A post file does not start with `---` front matter.
    FrontMatterMissing => "front-matter.missing",
    /// Front matter opened with `---` is never closed.
    FrontMatterUnclosed => "front-matter.unclosed",
    /// The repository has no `siaran.yaml`.
    ConfigMissing => "config.missing",
    /// `site.timezone` is not an IANA time zone name.
    ConfigTimezone => "config.timezone",
    /// A workflow names a preset that does not exist.
    ConfigUnknownPreset => "config.unknown-preset",
    /// A workflow definition is unusable (no steps, publish not last, duplicate ids, ...).
    ConfigWorkflow => "config.workflow",
    /// A workflow step's role is held by nobody.
    ConfigRoleUnheld => "config.role-unheld",
    /// `default_workflow` names a workflow that is not defined.
    ConfigUnknownWorkflow => "config.unknown-workflow",
    /// A schedule entry is not a valid cron expression.
    ConfigSchedule => "config.schedule",
    /// A person's public key in `siaran.yaml` cannot be used.
    ConfigKey => "config.key",
    /// A publish target names a platform siaran does not know.
    TargetPlatform => "target.unknown-platform",
    /// A publish target holds what looks like a secret instead of an environment variable name.
    TargetSecretInFile => "target.secret-in-file",
    /// A post names a workflow that is not defined.
    PostUnknownWorkflow => "post.unknown-workflow",
    /// A post names a publish target that has no file in `publish-targets/`.
    PostUnknownTarget => "post.unknown-target",
    /// Two posts would have the same id (and the same public address).
    PostDuplicateId => "post.duplicate-id",
    /// A `publish_at` or `expires_at` without a UTC offset or time zone.
    TimeNoZone => "time.no-zone",
    /// `expires_at` is not after `publish_at`.
    TimeExpiresBeforePublish => "time.expires-before-publish",
    /// A media or attachment path leaves the post's bundle folder.
    BundlePathEscape => "bundle.path-escape",
    /// A media file named in the front matter does not exist.
    MediaMissing => "media.missing",
    /// A media item has no alt text.
    MediaMissingAlt => "media.missing-alt",
    /// A media file's type is unknown or its bytes do not match its extension.
    MediaFormat => "media.format",
    /// An attachment named in the front matter does not exist.
    AttachmentMissing => "attachment.missing",
    /// A sign-off names a person not in `siaran.yaml`.
    ChainUnknownPerson => "chain.unknown-person",
    /// A sign-off names a step the workflow does not have.
    ChainUnknownStep => "chain.unknown-step",
    /// A sign-off by a person who does not hold the step's role.
    ChainRole => "chain.role",
    /// Sign-offs out of the workflow's step order.
    ChainOrder => "chain.order",
    /// One person signed two approval steps of one round (maker-checker).
    ChainSameSigner => "chain.same-signer",
    /// A reject without the SOP's written response.
    ChainRejectWithoutNote => "chain.reject-without-note",
    /// A reject on a step that makes no decision (only review and approve steps may reject).
    ChainRejectStep => "chain.reject-step",
    /// A hand-written sign-off on the publish step, which only `siaran publish` records.
    ChainPublishSigned => "chain.publish-signed",
    /// A sign-off in the current round approved content that has changed since.
    ChainStale => "chain.stale",
    /// A sign-off has no digest or no signature.
    SignatureMissing => "signature.missing",
    /// A signature block or digest that cannot be read (truncated, garbage).
    SignatureMalformed => "signature.malformed",
    /// A signature made for another purpose (namespace other than `siaran`).
    SignatureNamespace => "signature.namespace",
    /// A signature by a key that is not one of the signer's keys.
    SignatureKey => "signature.key",
    /// A signature by a revoked key.
    SignatureRevoked => "signature.revoked",
    /// A signature by a retired key, on a sign-off dated after its retirement.
    SignatureRetired => "signature.retired",
    /// A signature that does not verify over the sign-off as written.
    SignatureInvalid => "signature.invalid",
    /// A signature that verifies only with another predecessor: sign-offs moved or dropped.
    SignatureChain => "signature.chain",
    /// A sign-off dated before the one it follows, or after now.
    ChainTime => "chain.time",
    /// No revision of the workflow was in force at the post's first sign-off.
    ChainNoRevision => "chain.no-revision",
    /// The chain is not complete yet (reported by `check --gate`).
    ChainIncomplete => "chain.incomplete",
    /// A step took longer than the SOP's time budget (`within`).
    ChainOverBudget => "chain.over-budget",
    /// Fewer photos than the SOP step needs.
    NeedsPhotos => "needs.photos",
    /// The SOP step needs a narrative (the Markdown body) and there is none.
    NeedsNarrative => "needs.narrative",
    /// The SOP step needs a caption and there is none.
    NeedsCaption => "needs.caption",
    /// The SOP step needs an internal attachment with a given label.
    NeedsAttachment => "needs.attachment",
    /// A line of the publish ledger that cannot be read.
    LedgerInvalid => "ledger.invalid",
    /// A caption, title or description longer than the platform accepts.
    LimitTextLength => "limit.text-length",
    /// More or fewer media than the platform accepts in one post.
    LimitMediaCount => "limit.media-count",
    /// A media type the platform does not accept.
    LimitMediaFormat => "limit.media-format",
    /// A media file larger than the platform accepts.
    LimitMediaSize => "limit.media-size",
    /// More hashtags or mentions than the platform accepts.
    LimitTags => "limit.tags",
}

impl std::fmt::Display for Code {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One located problem in the repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// Path relative to the repository root, with `/` separators.
    pub file: String,
    /// 1-based line; 0 when the problem is about the file as a whole.
    pub line: usize,
    /// 1-based column (in characters); 0 when unknown.
    pub column: usize,
    /// The post id, when the problem belongs to a post.
    pub post: Option<String>,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `file:line:column`.
    pub fn error(code: Code, file: impl Into<String>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            file: file.into(),
            line,
            column,
            post: None,
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Marks the diagnostic as belonging to a post.
    pub fn for_post(mut self, post: impl Into<String>) -> Self {
        self.post = Some(post.into());
        self
    }

    /// Turns it into a warning.
    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A problem found in parsed data, located by its path in the YAML it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// Stable code.
    pub code: Code,
    /// Error or warning.
    pub severity: Severity,
    /// Where in the YAML document the problem is.
    pub path: YamlPath,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub hint: Option<String>,
}

impl Finding {
    /// An error at `path`.
    pub fn error(code: Code, path: YamlPath, message: impl Into<String>) -> Self {
        Finding { code, severity: Severity::Error, path, message: message.into(), hint: None }
    }

    /// A warning at `path`.
    pub fn warning(code: Code, path: YamlPath, message: impl Into<String>) -> Self {
        Finding { code, severity: Severity::Warning, path, message: message.into(), hint: None }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// All diagnostics of one run.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Adds one diagnostic.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.items.push(diagnostic);
    }

    /// Sorts by file, line, column, code and message, so output is deterministic.
    pub fn sort(&mut self) {
        self.items.sort_by(|a, b| {
            (&a.file, a.line, a.column, a.code, &a.message).cmp(&(&b.file, b.line, b.column, b.code, &b.message))
        });
        self.items.dedup();
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.items.iter().filter(|d| d.is_error()).count()
    }

    /// Number of warnings.
    pub fn warning_count(&self) -> usize {
        self.items.len() - self.error_count()
    }

    /// The diagnostics, in their current order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.items.iter()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<I: IntoIterator<Item = Diagnostic>>(&mut self, iter: I) {
        self.items.extend(iter);
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_dotted() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate code {code}");
            assert!(code.as_str().contains('.'), "code {code} has no area");
        }
    }
}
