//! Arguments and dispatch. Every flag is defined once here; its doc comment is its help.
//! Each command turns its arguments into plain values, calls the library, and prints.

mod approve;
mod check;
mod daemon;
mod publish;
mod report;
mod scaffold;
mod site;
mod sop;
mod status;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand, ValueEnum};

use siaran::content::Decision;
use siaran::source::time;

/// siaran: your office's social-media SOP as software. Posts live in git; each approval in
/// the SOP's chain is a signed sign-off; `siaran check` proves the chain before anything
/// is published.
#[derive(Debug, Parser)]
#[command(name = "siaran", version, about, long_about = None, max_term_width = 100)]
pub struct Args {
    /// The repository's root folder (holding siaran.yaml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Fix "now", e.g. 2026-11-21T09:00:00+07:00 or "2026-11-21 09:00 WIB" (for tests and previews).
    #[arg(long, global = true, value_name = "TIME", value_parser = parse_clock)]
    pub clock: Option<DateTime<FixedOffset>>,
    /// Print more detail (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,
    /// Print only problems.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// When to use colour.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// When to colour output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When printing to a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a complete working repository for one SOP preset.
    ///
    /// Writes siaran.yaml (the preset, example people), example publish targets, the
    /// pull-request gate workflow and one sample post. The folder must be new or empty.
    Init {
        /// The folder to create.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The built-in SOP to start from (see `siaran sop list`).
        #[arg(long, value_name = "PRESET")]
        preset: String,
    },
    /// Create a post bundle content/YYYY/MM/slug/index.md with a commented template.
    New {
        /// The post's title; the folder name is made from it.
        title: String,
        /// The kind of content.
        #[arg(long, value_enum, default_value_t = KindArg::Berita)]
        kind: KindArg,
    },
    /// Check every post, chain and setting; report every problem found.
    ///
    /// Exit status: 0 when the data is valid, 1 when problems were found, 2 when
    /// siaran.yaml or a publish target is unusable.
    Check {
        /// Only report on these files or folders (everything is still loaded).
        paths: Vec<PathBuf>,
        /// Also fail when a post's approval chain is incomplete (the pull-request gate).
        #[arg(long)]
        gate: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
    },
    /// Show where each post stands: state, the step awaited, who may sign, what is overdue.
    Status {
        /// Output format.
        #[arg(long, value_enum, default_value_t = StatusFormat::Table)]
        format: StatusFormat,
    },
    /// Sign the next step of a post with your SSH key (approve, or reject with a note).
    ///
    /// Finds the step awaited, checks that PERSON may sign it, computes the content
    /// digest, signs the sign-off message (SSHSIG, namespace `siaran`) and appends the
    /// sign-off to the post's front matter, changing nothing else in the file. To sign
    /// with `ssh-keygen` instead: `--print-message > pesan.txt`, then
    /// `ssh-keygen -Y sign -n siaran -f KEY pesan.txt`, then `--signature pesan.txt.sig`
    /// (give the same `--at` both times). A passphrase-protected key is asked for its
    /// passphrase, or reads it from SIARAN_KEY_PASSPHRASE.
    Approve {
        /// The post: its id (2026/11/slug), its folder or its index.md.
        post: String,
        /// Who signs (a person id from siaran.yaml).
        #[arg(long = "as", value_name = "PERSON")]
        person: String,
        /// The signer's OpenSSH private key file.
        #[arg(long, value_name = "KEYFILE", conflicts_with = "signature")]
        key: Option<PathBuf>,
        /// Send the content back to the first step instead of approving (needs --note).
        #[arg(long)]
        reject: bool,
        /// The written note (required with --reject: what must be corrected).
        #[arg(long, value_name = "TEXT")]
        note: Option<String>,
        /// The time of the sign-off (default: now), e.g. 2026-11-20T09:30:00+07:00.
        #[arg(long, value_name = "TIME", value_parser = parse_clock)]
        at: Option<DateTime<FixedOffset>>,
        /// Print the exact bytes to sign and stop (for `ssh-keygen -Y sign -n siaran`).
        #[arg(long, conflicts_with_all = ["key", "signature"])]
        print_message: bool,
        /// Use a signature made by `ssh-keygen -Y sign -n siaran` over --print-message.
        #[arg(long, value_name = "SIGFILE")]
        signature: Option<PathBuf>,
    },
    /// Build the public archive site from the approved, published posts.
    ///
    /// A post is public when its chain is complete and it went out (the ledger records
    /// it on at least one target, or it is site-only and its time has come). The build is
    /// incremental: unchanged pages are not rendered again, and files the site no longer
    /// has are removed from the output folder.
    Build {
        /// The output folder; a relative one is read from the repository root (default: public).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Also show posts that are not public, marked "DRAF" and hidden from search
        /// engines (default output: .siaran/pratinjau/; never public/).
        #[arg(long)]
        drafts: bool,
        /// Skip the search index.
        #[arg(long)]
        no_search: bool,
    },
    /// Preview the archive site on 127.0.0.1, rebuilding and reloading on every change.
    ///
    /// Watches content/, templates/, siaran.yaml, publish-targets/ and ledger/. Problems
    /// found while loading are shown at the top of every page.
    Serve {
        /// The port (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Also show posts that are not public, marked "DRAF".
        #[arg(long)]
        drafts: bool,
    },
    /// Publish what is due now to its targets, once, recording every attempt in the ledger.
    ///
    /// A post is due when its chain is complete and valid and its publish_at has come.
    /// A post later than publish.max_delay is recorded as missed and left for a person.
    /// An attempt whose outcome is unknown is checked with the platform before anything is
    /// sent again. Exit status 1 when a target failed or its outcome is unknown.
    Publish {
        /// Show exactly what each target would receive; send and record nothing.
        #[arg(long)]
        dry_run: bool,
        /// Only this post (its id); sends it even when late or after a failure.
        #[arg(long, value_name = "POST")]
        only: Option<String>,
        /// Only this target (a file in publish-targets/).
        #[arg(long, value_name = "TARGET")]
        target: Option<String>,
        /// Record what you saw after an attempt of unknown outcome (a platform that cannot be
        /// asked, like Telegram): give this post, --target, and --url or --not-sent.
        #[arg(long, value_name = "POST", requires = "target", conflicts_with_all = ["dry_run", "only"])]
        confirm: Option<String>,
        /// With --confirm: the post is live at this address.
        #[arg(long, value_name = "URL", requires = "confirm", conflicts_with = "not_sent")]
        url: Option<String>,
        /// With --confirm: the post is not on the account; the next run sends it.
        #[arg(long, requires = "confirm")]
        not_sent: bool,
    },
    /// Run the office's schedule until stopped: publish on time, rebuild the archive.
    ///
    /// Runs the `schedule:` jobs of siaran.yaml (publish, build, report) in the site's time
    /// zone, and publishes each post within a second of its publish_at. On start it publishes
    /// what fell due while it was down and rebuilds the site. Holds the publish lock: a
    /// second daemon or a `siaran publish` refuses while it runs. SIGTERM or Ctrl-C finishes
    /// the attempt under way and stops. With --clock, time starts there and runs on.
    Daemon {
        /// Where the archive site is built.
        #[arg(long, value_name = "DIR", default_value = "public")]
        out: PathBuf,
    },
    /// Verify the approvals of a built site offline, with nothing but the site.
    ///
    /// Checks every post's published approval data: content hashes against the signed
    /// manifest, and every signature against the site's allowed_signers.
    Verify {
        /// The built site's folder.
        #[arg(long, value_name = "DIR")]
        site: PathBuf,
        /// Only this post (its id, e.g. 2026/11/slug).
        post: Option<String>,
    },
    /// The recap of a month or the report of a quarter, from the posts and the ledger.
    ///
    /// One row per post (date, title, kind, workflow, each account with its address or
    /// what went wrong, who approved each step and when), totals per account and per kind,
    /// failed, missed and unsettled publications with their reasons, each SOP step's time
    /// against its budget, and every rejection with its written response. Times are in the
    /// office's time zone.
    Report {
        /// The month, e.g. 2026-11.
        #[arg(long, value_name = "YYYY-MM", conflicts_with = "quarter", required_unless_present = "quarter")]
        month: Option<String>,
        /// The quarter ("triwulan"), e.g. 2026Q4.
        #[arg(long, value_name = "YYYYQn")]
        quarter: Option<String>,
        /// Output format (csv holds the per-post table; the others hold every table).
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Write to this file instead of standard output (xlsx needs a file unless piped).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// List, show or draw SOP workflows.
    Sop {
        /// What to do with presets.
        #[command(subcommand)]
        command: SopCommand,
    },
}

/// Formats of `report`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Markdown.
    Md,
    /// CSV (UTF-8 with a byte-order mark, for spreadsheets).
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// A web page with charts, ready to print.
    Html,
}

/// `siaran sop` subcommands.
#[derive(Debug, Subcommand)]
pub enum SopCommand {
    /// List the built-in presets.
    List,
    /// Show one preset: its source SOP, roles, steps and time budgets.
    Show {
        /// The preset id, e.g. jateng-2021.
        id: String,
    },
    /// Draw a workflow as a swimlane flowchart (SVG): a lane per role, a row per step.
    ///
    /// ID is a workflow of this repository's siaran.yaml (its revision in force now), or a
    /// built-in preset.
    Render {
        /// The workflow or preset id.
        id: String,
        /// The SVG file to write (default: standard output).
        #[arg(long, value_name = "FILE.svg")]
        out: Option<PathBuf>,
    },
}

/// Formats of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// For people: each problem with its source line.
    Human,
    /// GitHub Actions annotations.
    Github,
    /// The stable JSON document.
    Json,
}

/// Formats of `status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// A table for the terminal.
    Table,
    /// The stable JSON document.
    Json,
    /// A Markdown table (for a CI job summary).
    Markdown,
}

/// Kinds of content, as `--kind` accepts them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// News of an activity.
    Berita,
    /// Information about an activity.
    InformasiKegiatan,
    /// An infographic.
    Infografis,
    /// An announcement.
    Pengumuman,
    /// A light-hearted image.
    Meme,
    /// General public information.
    Publikasi,
    /// A video.
    Video,
}

impl From<KindArg> for siaran::content::Kind {
    fn from(kind: KindArg) -> Self {
        use siaran::content::Kind;
        match kind {
            KindArg::Berita => Kind::Berita,
            KindArg::InformasiKegiatan => Kind::InformasiKegiatan,
            KindArg::Infografis => Kind::Infografis,
            KindArg::Pengumuman => Kind::Pengumuman,
            KindArg::Meme => Kind::Meme,
            KindArg::Publikasi => Kind::Publikasi,
            KindArg::Video => Kind::Video,
        }
    }
}

fn parse_clock(text: &str) -> Result<DateTime<FixedOffset>, String> {
    time::parse_instant(text).map_err(|error| error.to_string())
}

/// What a finished command tells the shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// All well.
    Success,
    /// Problems were found in the data.
    ProblemsFound,
    /// The configuration is unusable.
    ConfigurationError,
}

impl Outcome {
    /// The process exit code.
    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(match self {
            Outcome::Success => 0,
            Outcome::ProblemsFound => 1,
            Outcome::ConfigurationError => 2,
        })
    }
}

/// An error that stops a command.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Scaffolding failed.
    #[error(transparent)]
    Scaffold(#[from] siaran::content::scaffold::ScaffoldError),
    /// Output could not be written.
    #[error("cannot write output: {0}")]
    Output(#[from] std::io::Error),
    /// A name given on the command line is not known.
    #[error("{0}")]
    Usage(String),
    /// A report could not be drawn.
    #[error(transparent)]
    Report(#[from] siaran::report::ReportError),
}

/// Prints an error and its causes.
pub fn print_error(error: &CliError) {
    eprintln!("error: {error}");
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        eprintln!("  caused by: {cause}");
        source = cause.source();
    }
}

/// Options every command shares.
pub struct Context {
    /// The repository root.
    pub root: PathBuf,
    /// "Now".
    pub now: DateTime<FixedOffset>,
    /// Whether to colour output.
    pub color: bool,
    /// Whether to print only problems.
    pub quiet: bool,
    /// How much detail to add (`-v`, `-vv`).
    pub verbose: u8,
}

/// Runs the parsed command.
pub fn run(args: Args) -> Result<Outcome, CliError> {
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let args_clock = args.clock;
    let now = args.clock.unwrap_or_else(|| chrono::Utc::now().fixed_offset());
    let context = Context { root: args.root, now, color, quiet: args.quiet, verbose: args.verbose };
    match args.command {
        Command::Init { dir, preset } => scaffold::init(&context, &dir, &preset),
        Command::New { title, kind } => scaffold::new(&context, &title, kind.into()),
        Command::Check { paths, gate, format } => check::run(&context, &paths, gate, format),
        Command::Status { format } => status::run(&context, format),
        Command::Approve { post, person, key, reject, note, at, print_message, signature } => {
            let request = approve::Request {
                post,
                person,
                decision: if reject { Decision::Reject } else { Decision::Approve },
                note: note.unwrap_or_default(),
                at,
                how: match (print_message, key, signature) {
                    (true, _, _) => approve::How::PrintMessage,
                    (false, Some(key), _) => approve::How::Key(key),
                    (false, None, Some(signature)) => approve::How::Signature(signature),
                    (false, None, None) => {
                        return Err(CliError::Usage(
                            "give --key KEYFILE, or --print-message then --signature SIGFILE".to_string(),
                        ));
                    }
                },
            };
            approve::run(&context, request)
        }
        Command::Build { out, drafts, no_search } => site::build(&context, out, drafts, !no_search),
        Command::Serve { port, drafts } => site::serve(&context, args_clock, port, drafts),
        Command::Publish { confirm: Some(post), target, url, not_sent, .. } => {
            publish::confirm(&context, &post, target.as_deref().unwrap_or_default(), url, not_sent)
        }
        Command::Publish { dry_run, only, target, .. } => publish::run(&context, dry_run, only, target),
        Command::Daemon { out } => daemon::run(&context, args_clock, out),
        Command::Verify { site, post } => site::verify(&context, &site, post.as_deref()),
        Command::Sop { command: SopCommand::List } => sop::list(),
        Command::Sop { command: SopCommand::Show { id } } => sop::show(&id),
        Command::Sop { command: SopCommand::Render { id, out } } => sop::render(&context, &id, out.as_deref()),
        Command::Report { month, quarter, format, out } => report::run(&context, month, quarter, format, out),
    }
}

/// Loads the repository, or prints why it cannot be used (configuration error).
pub(crate) fn load_repository(context: &Context) -> Result<siaran::check::Repository, Outcome> {
    let loaded = siaran::check::load(&context.root, context.now);
    if loaded.has_config_errors() {
        return Err(print_config_errors(context, &loaded));
    }
    loaded.repository.ok_or(Outcome::ConfigurationError)
}

/// Prints why the configuration cannot be used.
pub(crate) fn print_config_errors(context: &Context, loaded: &siaran::check::Loaded) -> Outcome {
    let diagnostics: Vec<_> = loaded
        .diagnostics
        .iter()
        .filter(|d| siaran::config::is_config_diagnostic(d) || loaded.repository.is_none())
        .collect();
    let summary = loaded.summary(|_| true);
    eprint!("{}", siaran::check::format::human(&context.root, &diagnostics, &summary, context.color));
    Outcome::ConfigurationError
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn argument_definitions_are_consistent() {
        super::Args::command().debug_assert();
    }
}
