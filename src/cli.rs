//! The command line: flags are declared once here; help text is generated
//! from these declarations.

use crate::config::{self, Config, FailOn};
use crate::engine::{self, Options};
use crate::finding::InputError;
use crate::report::{self, ColorChoice, Format};
use crate::rules::meta;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

const ABOUT: &str = "Tells Amazon ECS users why their tasks stop, and catches the same failures before they deploy.";

const LINT_EXAMPLES: &str = "\
Examples:
  ecs-triage lint taskdef.json service.json           table on a terminal
  ecs-triage lint deploy/ --format sarif -o out.sarif directories are walked for *.json
  ecs-triage lint - < taskdef.json                    read stdin
  ecs-triage lint deploy/ --select ECS1,ECS4 --ignore ECS401
  ecs-triage lint deploy/ --fail-on warning           fail the build on warnings too
  ecs-triage lint taskdef.json service.json --live    with the account as context: do the roles,
                                                      log groups, secrets, image, subnets exist?

Inputs are recognised by shape: task definitions (register-task-definition input or
describe-task-definition output), services (create-service / update-service input or
describe-services output), run-task inputs, and bare container-definition lists.

Exit status: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage or input error (the other inputs are still linted and reported).";

const EXPLAIN_EXAMPLES: &str = "\
Examples:
  ecs-triage explain \"CannotPullContainerError: ... i/o timeout\"   one reason
  ecs-triage explain --file tasks.json            `aws ecs describe-tasks` output: every stopped task
  ecs-triage explain --file services.json         `aws ecs describe-services` output: the events
  aws ecs describe-tasks --cluster c --tasks t | ecs-triage explain -
  ecs-triage explain --lines reasons.txt          one reason per line; repeats are counted
  ecs-triage explain --file tasks.json --task-definition taskdef.json --format json
  ecs-triage explain --task arn:aws:ecs:eu-west-1:123456789012:task/prod/0f3c...   read it live,
                                                  with its cluster: which causes the account confirms
  ecs-triage explain --cluster prod --recent     every task the cluster lists as stopped (~1 hour)
  ecs-triage explain --schedule 'cron(0 3 ? * MON-FRI *)'   is it valid, when does it fire
  ecs-triage explain --schedule 'cron(0 9 * * ? *)' --scheduler --timezone Europe/Berlin

Each input gets the stage that failed, the likely causes ranked (with the checks that confirm
them and the fix), and the evidence the input holds. With a task definition (in the same file
or given with --task-definition) the lint rules run on it and confirm causes.

Exit status: 0 every input explained, 1 at least one input not recognised, 2 input error.
With --schedule: 0 the expression is valid, 1 it is not.";

const AUDIT_EXAMPLES: &str = "\
Examples:
  ecs-triage audit                                   default profile and region: every cluster
  ecs-triage audit --cluster prod --service api      narrow it
  ecs-triage audit --profile ops --region eu-west-1 --stats
  ecs-triage audit --regions eu-west-1,us-east-1     each Region on its own
  ecs-triage audit --endpoint-url http://127.0.0.1:5000   LocalStack, moto
  ecs-triage snapshot --cluster prod -o prod.json    save what was read
  ecs-triage audit --snapshot prod.json              replay it offline: the same findings

It reads, and only reads: ECS clusters, services, the task definitions in use, running
and recently stopped tasks, the CloudWatch log groups and the IAM task and execution
roles (with their policies) the task definitions name, and the network around the tasks
(subnets, route tables, gateways, VPC endpoints, security groups, network ACLs), the
EventBridge rules that target the clusters, the services' target groups, load balancers
and listeners, and whether the secrets, parameters and private ECR images they reference
exist (never the values of secrets). Tasks stopped in the last hour are explained as SR…
findings, with the causes the other findings confirm or rule out.
docs/iam-policy.json lists every action. The lint rules run on what it read, with the
account as context: a log group that is not there does not exist. A read that is denied
becomes a \"not checked\" note and the audit goes on.

Credentials and region come from aws-config's default chain (environment, profile, SSO,
web identity, instance and container roles).

Exit status: 0 no finding at or above --fail-on, 1 findings at or above it, 2 usage error,
or nothing could be read from the account.";

const EXEC_CHECK_EXAMPLES: &str = "\
Examples:
  ecs-triage exec-check --cluster prod --task 0f3c1a2b3c4d5e6f7a8b9c0d1e2f3a4b
  ecs-triage exec-check --task arn:aws:ecs:eu-west-1:123456789012:task/prod/0f3c... --profile ops

It reads the cluster as `audit` does and reports, for the task, its service and its task
definition only, what stands between `execute-command` and a shell: exec off or enabled after the
task started (ECS601, ECS608), the agent not running (ECS609), the task role missing or without
`ssmmessages` (ECS602, ECS606), no path to the `ssmmessages` endpoint (ECS3xx), a read-only root
file system (ECS603), an old platform version (ECS604), and, on this machine, no
`session-manager-plugin` on PATH (ECS610).

Exit status: 0 nothing in the way, 1 findings at or above --fail-on, 2 usage error or nothing
could be read.";

#[derive(Parser, Debug)]
#[command(name = "ecs-triage", version, about = ABOUT, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Check task definitions, services and run-task inputs before they deploy
    #[command(after_help = LINT_EXAMPLES)]
    Lint(LintArgs),
    /// Explain why a task stopped: a stopped reason, `describe-tasks` or `describe-services` output
    #[command(after_help = EXPLAIN_EXAMPLES)]
    Explain(ExplainArgs),
    /// Lint what runs in an AWS account (read-only), or a saved snapshot of it
    #[command(after_help = AUDIT_EXAMPLES)]
    Audit(AuditArgs),
    /// Save what `audit` reads of an account to a file, to audit offline later
    #[command(after_help = AUDIT_EXAMPLES)]
    Snapshot(SnapshotArgs),
    /// Check that `aws ecs execute-command` can work on a task: the exec rules, on it alone
    #[command(after_help = EXEC_CHECK_EXAMPLES)]
    ExecCheck(ExecCheckArgs),
    /// List every rule, or print one rule's full explanation
    #[command(
        after_help = "Examples:\n  ecs-triage rules\n  ecs-triage rules --explain ECS102\n  ecs-triage rules --explain fargate-requires-awsvpc\n  ecs-triage rules --format json"
    )]
    Rules(RulesArgs),
}

/// How findings are reported, and which rules run (`lint` and `audit`).
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// Output format
    #[arg(short, long, value_enum, default_value_t = Format::Table, env = "ECS_TRIAGE_FORMAT")]
    pub format: Format,

    /// Write the report to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when a finding is at or above this severity [default: error]
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Run only these rules: ids, names or prefixes such as ECS6 (comma-separated;
    /// replaces `select` in the configuration file)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Option<Vec<String>>,

    /// Skip these rules: ids, names or prefixes (comma-separated; replaces `ignore`
    /// in the configuration file)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Option<Vec<String>>,

    /// Configuration file [default: .ecs-triage.toml in the working directory or a parent]
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any configuration file
    #[arg(long)]
    pub no_config: bool,

    /// When to use colours; `auto` honours NO_COLOR
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Args, Debug)]
pub struct LintArgs {
    /// Files or directories to lint; `-` reads stdin
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<String>,

    #[command(flatten)]
    pub report: ReportArgs,

    /// The file name reported for input read from stdin
    #[arg(long, default_value = "<stdin>", value_name = "NAME")]
    pub stdin_filename: String,

    /// Refuse input files larger than this many MiB
    #[arg(long, default_value_t = 16, value_name = "MIB")]
    pub max_file_size: u64,

    /// A CloudFormation parameter value, overriding its `Default` (repeatable)
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_key_value)]
    pub parameters: Vec<(String, String)>,

    /// The Region: what `AWS::Region` stands for in templates [default: us-east-1], and the
    /// Region `--live` reads [default: aws-config's chain: AWS_REGION, then the profile's]
    #[arg(long, value_name = "REGION", env = "AWS_REGION")]
    pub region: Option<String>,

    #[command(flatten)]
    pub live: LintLive,
}

/// `lint --live`: the account as context for the inputs.
#[derive(Args, Debug, Clone, Default)]
pub struct LintLive {
    /// Read the account around the inputs (their roles, log groups, subnets,
    /// security groups, secrets, images, target groups) and lint them with it
    #[arg(long)]
    pub live: bool,

    /// With --live: the AWS profile [default: aws-config's chain]
    #[arg(long, value_name = "NAME", requires = "live")]
    pub profile: Option<String>,

    /// With --live: send every call to this endpoint (LocalStack, moto)
    #[arg(long, value_name = "URL", requires = "live")]
    pub endpoint_url: Option<String>,

    /// With --live: calls in flight at once
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,

    /// With --live: give up on a call (with its retries) after this many seconds
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,

    /// With --live: print the number of calls per API operation to stderr
    #[arg(long, requires = "live")]
    pub stats: bool,
}

/// Which account, and which part of it.
#[derive(Args, Debug, Clone)]
pub struct LiveArgs {
    /// Only these clusters: names or ARNs (comma-separated or repeated) [default: every cluster]
    #[arg(long = "cluster", value_delimiter = ',', value_name = "CLUSTER")]
    pub clusters: Vec<String>,

    /// Only these services of the clusters: names or ARNs (needs --cluster)
    #[arg(long = "service", value_delimiter = ',', value_name = "SERVICE", requires = "clusters")]
    pub services: Vec<String>,

    /// The AWS profile [default: aws-config's chain: AWS_PROFILE, then `default`]
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// The AWS Region [default: aws-config's chain: AWS_REGION, then the profile's]
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Send every call to this endpoint (LocalStack, moto) instead of AWS
    #[arg(long, value_name = "URL", env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,

    /// Calls in flight at once
    #[arg(long, default_value_t = 8, value_name = "N")]
    pub concurrency: usize,

    /// Give up on a call (with its retries) after this many seconds
    #[arg(long, default_value_t = 30, value_name = "SECONDS")]
    pub timeout: u64,

    /// Print the number of calls per API operation to stderr
    #[arg(long)]
    pub stats: bool,
}

#[derive(Args, Debug)]
pub struct AuditArgs {
    #[command(flatten)]
    pub live: LiveArgs,

    /// Audit this snapshot (from `ecs-triage snapshot`) instead of the account
    #[arg(long, value_name = "FILE", conflicts_with_all = ["clusters", "services", "profile", "endpoint_url", "regions"])]
    pub snapshot: Option<PathBuf>,

    /// Audit these Regions one after the other (comma-separated), instead of --region
    #[arg(long, value_delimiter = ',', value_name = "REGIONS", conflicts_with = "region")]
    pub regions: Vec<String>,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args, Debug)]
pub struct ExecCheckArgs {
    /// The task: an ARN (which names its cluster), or an id with --cluster
    #[arg(long, value_name = "TASK", required = true)]
    pub task: String,

    #[command(flatten)]
    pub live: LiveArgs,

    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(Args, Debug)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub live: LiveArgs,

    /// Write the snapshot to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

fn parse_key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("`{s}` is not KEY=VALUE")),
    }
}

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Stopped reasons or event messages to explain; `-` reads stdin (JSON, or one reason per line)
    #[arg(value_name = "REASON")]
    pub reasons: Vec<String>,

    /// `describe-tasks` or `describe-services` output (JSON); `-` for stdin
    #[arg(long = "file", value_name = "FILE")]
    pub files: Vec<String>,

    /// A text file with one reason per line; `-` for stdin
    #[arg(long = "lines", value_name = "FILE")]
    pub lines: Vec<String>,

    /// Task definitions (JSON) to lint for evidence; matched to tasks by family and revision
    #[arg(long = "task-definition", value_name = "FILE")]
    pub task_definitions: Vec<String>,

    /// More catalog records (`*.toml`), added to the built-in ones (same id replaces)
    #[arg(long = "rules-dir", value_name = "DIR")]
    pub rules_dirs: Vec<PathBuf>,

    /// Output format
    #[arg(short, long, value_enum, default_value_t = ExplainFormat::Table)]
    pub format: ExplainFormat,

    /// Write the report to FILE instead of stdout
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// When to use colours; `auto` honours NO_COLOR
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Refuse input files larger than this many MiB
    #[arg(long, default_value_t = 64, value_name = "MIB")]
    pub max_file_size: u64,

    /// Check an EventBridge schedule expression (`cron(...)`, `rate(...)`) and show its next 3 fire
    /// times in UTC; exit 1 when it is not valid
    #[arg(long, value_name = "EXPR", conflicts_with_all = ["reasons", "files", "lines", "task_definitions"])]
    pub schedule: Option<String>,

    /// With --schedule: also show the times in this IANA time zone (with --scheduler, the schedule's
    /// ScheduleExpressionTimezone)
    #[arg(long, value_name = "TZ", requires = "schedule")]
    pub timezone: Option<String>,

    /// With --schedule: read the expression as EventBridge Scheduler does (`at(...)`, time zones)
    #[arg(long, requires = "schedule")]
    pub scheduler: bool,

    /// Explain these tasks, read from the account: ARNs (which name their cluster) or ids with
    /// --cluster (repeatable)
    #[arg(long = "task", value_name = "ARN", conflicts_with = "schedule")]
    pub tasks: Vec<String>,

    /// Explain every task the clusters (--cluster, or all) list as stopped: about the last hour
    #[arg(long, conflicts_with = "schedule")]
    pub recent: bool,

    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    /// One block per input, for people
    Table,
    /// The versioned JSON document described in docs/json-format.md
    Json,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Print the full explanation of one rule (id or name) or catalog record (SR…)
    #[arg(long, value_name = "RULE")]
    pub explain: Option<String>,

    /// List the stopped-reason catalog that `explain` uses instead of the lint rules
    #[arg(long)]
    pub catalog: bool,

    /// Output format
    #[arg(short, long, value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
    /// The rules table of the README
    Markdown,
}

/// Runs the command line; returns the exit status.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match cli.command {
        Command::Lint(args) => lint(args),
        Command::Explain(args) => explain(args),
        Command::Audit(args) => audit(args),
        Command::Snapshot(args) => snapshot(args),
        Command::ExecCheck(args) => exec_check(args),
        Command::Rules(args) => rules(args),
    }
}

fn print_error(color: bool, e: &InputError) {
    let label = if color { "\x1b[1;31merror\x1b[0m" } else { "error" };
    eprintln!("{label}: {}: {}", e.location.short(), e.message);
}

fn write_out(path: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match path {
        Some(p) => std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                Err(e) => Err(format!("cannot write output: {e}")),
            }
        }
    }
}

fn load_config(args: &LintArgs) -> Result<Config, InputError> {
    let mut cfg = if args.report.no_config {
        Config::default()
    } else if let Some(p) = &args.report.config {
        config::load(p)?
    } else {
        match std::env::current_dir().ok().and_then(|d| config::find(&d)) {
            Some(p) => config::load(&p)?,
            None => Config::default(),
        }
    };
    let check_flag = |list: &Vec<String>, flag: &str| -> Result<(), InputError> {
        for s in list {
            if !config::is_valid_selector(s) {
                return Err(InputError {
                    location: crate::source::Position::file_only(format!("--{flag}")),
                    message: format!("unknown rule id, name or prefix `{s}` (see `ecs-triage rules`)"),
                });
            }
        }
        Ok(())
    };
    if let Some(sel) = &args.report.select {
        check_flag(sel, "select")?;
        cfg.select = Some(sel.clone());
    }
    if let Some(ign) = &args.report.ignore {
        check_flag(ign, "ignore")?;
        cfg.ignore = ign.clone();
    }
    Ok(cfg)
}

fn lint(args: LintArgs) -> i32 {
    with_options(&args, |cfg, opts| {
        let excluded = |p: &std::path::Path| cfg.exclude.is_excluded(p);
        let filter = crate::source::discover::WalkFilter {
            extensions: &["json", "yaml", "yml", "template"],
            excluded: &excluded,
        };
        let found = crate::source::discover::discover(&args.paths, &args.stdin_filename, &filter);
        if !args.live.live {
            return engine::lint(&found.targets, found.errors, opts);
        }
        let texts: Vec<Result<String, crate::finding::InputError>> =
            found.targets.iter().map(|t| crate::source::discover::read(t, opts.max_file_bytes)).collect();
        // The account is read around the JSON ECS inputs and linted with
        // them alone: a template's context is its own (what it declares,
        // and what it does not is unknown, not missing).
        let parsed: Vec<Option<serde_json::Value>> = texts.iter().map(|t| live_input(t.as_ref().ok()?)).collect();
        let (with, without): (Vec<usize>, Vec<usize>) = (0..texts.len()).partition(|&i| parsed[i].is_some());
        let (tds, launchers) = live_inputs(parsed.iter().flatten());
        let pick =
            |idx: &[usize]| -> (Vec<crate::source::discover::Target>, Vec<Result<String, crate::finding::InputError>>) {
                (
                    idx.iter().map(|&i| found.targets[i].clone()).collect(),
                    idx.iter().map(|&i| texts[i].clone()).collect(),
                )
            };
        let (live_targets, live_texts) = pick(&with);
        let (other_targets, other_texts) = pick(&without);
        let mut report = engine::lint_with_context(&other_targets, &other_texts, found.errors, &[], opts);
        if tds.is_empty() && launchers.is_empty() {
            eprintln!(
                "note: --live: no task definition, service or run-task input in JSON among the inputs; linted without the account"
            );
            return report;
        }
        let live = match read_context_live(&args, &tds, &launchers) {
            Ok(snap) => {
                let account = snap.get("account").and_then(|a| a.as_str()).unwrap_or("account").to_string();
                let region = snap.get("region").and_then(|a| a.as_str()).unwrap_or("region").to_string();
                let mut text = serde_json::to_string_pretty(&snap).expect("a JSON value serializes");
                text.push('\n');
                let context = [(format!("live-context-{account}-{region}.json"), text)];
                engine::lint_with_context(&live_targets, &live_texts, Vec::new(), &context, opts)
            }
            Err(e) => {
                let mut r = engine::lint_with_context(&live_targets, &live_texts, Vec::new(), &[], opts);
                r.errors.push(crate::finding::InputError {
                    location: crate::source::Position::file_only("--live"),
                    message: e,
                });
                r
            }
        };
        report.findings.extend(live.findings);
        report.errors.extend(live.errors);
        report.errors.sort();
        report.skipped.extend(live.skipped);
        report.files += live.files;
        report.rules = live.rules;
        report
    })
}

/// A JSON input `lint --live` reads the account around: a task definition,
/// a service or a run-task input (or a list or `describe-*` output of them),
/// not a template. A byte-order mark is allowed, as the loader allows it.
fn live_input(text: &str) -> Option<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text)).ok()?;
    let is_template =
        |v: &serde_json::Value| v.get("Resources").is_some() || v.get("AWSTemplateFormatVersion").is_some();
    if is_template(&v) {
        return None;
    }
    let (tds, launchers) = live_inputs(std::iter::once(&v));
    (!tds.is_empty() || !launchers.is_empty()).then_some(v)
}

/// The task definitions (describe shape) and launchers (services and
/// run-task inputs, for their networks and load balancers) of JSON inputs.
fn live_inputs<'v>(
    docs: impl Iterator<Item = &'v serde_json::Value>,
) -> (Vec<serde_json::Value>, Vec<serde_json::Value>) {
    use serde_json::Value;
    let (mut tds, mut launchers) = (Vec::new(), Vec::new());
    fn visit(v: &Value, tds: &mut Vec<Value>, launchers: &mut Vec<Value>) {
        match v {
            Value::Array(items) => items.iter().for_each(|i| visit(i, tds, launchers)),
            Value::Object(o) => {
                if o.contains_key("containerDefinitions") {
                    tds.push(v.clone());
                } else if let Some(td) = o.get("taskDefinition").filter(|t| t.is_object()) {
                    tds.push(td.clone());
                } else if let Some(services) = o.get("services").and_then(Value::as_array) {
                    launchers.extend(services.iter().cloned());
                } else if o.contains_key("networkConfiguration") || o.contains_key("loadBalancers") {
                    launchers.push(v.clone());
                }
            }
            _ => {}
        }
    }
    for v in docs {
        visit(v, &mut tds, &mut launchers);
    }
    (tds, launchers)
}

/// `lint --live`: the account around the inputs, as a snapshot.
fn read_context_live(
    args: &LintArgs,
    tds: &[serde_json::Value],
    launchers: &[serde_json::Value],
) -> Result<serde_json::Value, String> {
    let live = LiveArgs {
        clusters: Vec::new(),
        services: Vec::new(),
        profile: args.live.profile.clone(),
        region: args.region.clone(),
        endpoint_url: args.live.endpoint_url.clone(),
        concurrency: args.live.concurrency,
        timeout: args.live.timeout,
        stats: args.live.stats,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let taken = runtime.block_on(async {
        let aws = connect(&live).await;
        let scope = crate::live::Scope {
            clusters: Vec::new(),
            services: Vec::new(),
            concurrency: live.concurrency,
            region: aws.region.clone(),
            progress: std::io::stderr().is_terminal(),
        };
        crate::live::context_for(&aws, &scope, tds, launchers).await
    });
    if live.stats {
        print_stats(&taken.stats);
    }
    match taken.fatal {
        Some(e) => Err(format!("the account could not be read: {e}")),
        None => Ok(taken.snapshot),
    }
}

/// Loads the configuration, builds the engine options from the flags, runs
/// `run` and reports what it returns: the frame `lint` and `audit` share.
fn with_options(args: &LintArgs, run: impl FnOnce(&Config, &Options<'_>) -> engine::Report) -> i32 {
    let err_color = ColorChoice::enabled(args.report.color, std::io::stderr().is_terminal());
    let cfg = match load_config(args) {
        Ok(c) => c,
        Err(e) => {
            print_error(err_color, &e);
            return 2;
        }
    };
    let env = crate::cfn::resolve::Env {
        region: args.region.clone().unwrap_or_else(|| "us-east-1".into()),
        parameters: args.parameters.iter().cloned().collect(),
        ..Default::default()
    };
    let opts = Options {
        config: &cfg,
        env: &env,
        max_file_bytes: args.max_file_size.saturating_mul(1024 * 1024),
        pointers: matches!(args.report.format, Format::Json | Format::Sarif),
    };
    let report = run(&cfg, &opts);
    finish(args, &cfg, report)
}

/// `lint` on snapshots already in memory (read live, or a saved one), with
/// their stopped tasks explained.
fn lint_texts(args: LintArgs, texts: Vec<(String, String)>) -> i32 {
    lint_texts_filtered(args, texts, &|_| true, true)
}

/// `lint_texts`, reporting only the findings `keep` keeps; `stopped`
/// explains the snapshots' stopped tasks as findings of their own.
fn lint_texts_filtered(
    args: LintArgs,
    texts: Vec<(String, String)>,
    keep: &dyn Fn(&crate::finding::Reported) -> bool,
    stopped: bool,
) -> i32 {
    let catalog = if stopped {
        match crate::explain::catalog::Catalog::builtin() {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    } else {
        None
    };
    with_options(&args, |cfg, opts| {
        // Each snapshot on its own: one account and Region's context must
        // not answer for another's.
        let mut report = engine::Report::default();
        let (mut benign, mut total) = (0, 0);
        for t in &texts {
            let r = engine::lint_texts(std::slice::from_ref(t), opts);
            let explained =
                catalog.as_ref().map(|c| crate::explain::audit::stopped_tasks(c, &t.0, &t.1, &r.findings, &r.rules));
            report.findings.extend(r.findings.into_iter().filter(|f| keep(f)));
            if let Some(x) = explained {
                report.findings.extend(x.findings.into_iter().filter(|f| cfg.is_enabled(&f.rule) && keep(f)));
                benign += x.benign;
                total += x.total;
            }
            report.errors.extend(r.errors);
            report.skipped.extend(r.skipped);
            report.files += r.files;
            report.rules = r.rules;
        }
        if benign > 0 {
            eprintln!(
                "note: {benign} of {total} stopped task{} stopped normally (deployments, scale-in, user stops) and {} not reported",
                if total == 1 { "" } else { "s" },
                if benign == 1 { "is" } else { "are" }
            );
        }
        report
    })
}

/// Reports, and the exit status.
fn finish(args: &LintArgs, cfg: &Config, report: engine::Report) -> i32 {
    let err_color = ColorChoice::enabled(args.report.color, std::io::stderr().is_terminal());
    let out_color =
        args.report.output.is_none() && ColorChoice::enabled(args.report.color, std::io::stdout().is_terminal());
    let width = std::env::var("COLUMNS").ok().and_then(|w| w.parse().ok());
    let text = report::render(args.report.format, &report, report::Style { color: out_color, width });
    // Input errors always reach stderr, whatever the format.
    for e in &report.errors {
        print_error(err_color, e);
    }
    if !report.skipped.is_empty() {
        let names: Vec<&str> = report.skipped.iter().take(5).map(|s| s.location.file.as_str()).collect();
        let more = report.skipped.len().saturating_sub(names.len());
        eprintln!(
            "note: skipped {} JSON file{} that {} not ECS inputs: {}{}",
            report.skipped.len(),
            if report.skipped.len() == 1 { "" } else { "s" },
            if report.skipped.len() == 1 { "is" } else { "are" },
            names.join(", "),
            if more > 0 { format!(" and {more} more") } else { String::new() }
        );
    }
    if let Err(e) = write_out(args.report.output.as_ref(), &text) {
        eprintln!("error: {e}");
        return 2;
    }
    let fail_on = args.report.fail_on.or(cfg.fail_on).unwrap_or(FailOn::Error);
    report::exit_code(&report, fail_on)
}

/// Reads the account into a snapshot; prints `--stats`. `Err` when nothing
/// could be read.
fn take_snapshot(live: &LiveArgs) -> Result<serde_json::Value, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let taken = runtime.block_on(async {
        let aws = connect(live).await;
        let scope = crate::live::Scope {
            clusters: live.clusters.clone(),
            services: live.services.clone(),
            concurrency: live.concurrency,
            region: aws.region.clone(),
            progress: std::io::stderr().is_terminal(),
        };
        crate::live::take(&aws, &scope).await
    });
    if live.stats {
        print_stats(&taken.stats);
    }
    match taken.fatal {
        Some(e) => Err(format!("nothing could be read from the account: {e}")),
        None => Ok(taken.snapshot),
    }
}

/// What `explain --task`/`--recent` read from the account.
enum Live {
    /// The stopped tasks explained with the account as context, and notes.
    Explained(Vec<crate::explain::Explanation>, Vec<String>),
    /// The tasks alone (as a `describe-tasks` document), and why the
    /// account around them could not be read.
    WithoutContext(crate::explain::run::Source, String),
}

/// `explain --task`/`--recent`: reads the tasks, then their cluster as
/// `audit` does (only their services, when every task is a service's), lints
/// that, and explains each stopped task with the findings about its task
/// definition, service and itself as evidence, and which rules confirmed,
/// ruled out or could not check each cause.
fn explain_tasks_live(
    live: &LiveArgs,
    tasks: &[String],
    recent: bool,
    cat: &crate::explain::catalog::Catalog,
) -> Result<Live, String> {
    use serde_json::Value;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    let (doc, snapshot, stats, region) = runtime.block_on(async {
        let aws = connect(live).await;
        let mut scope = crate::live::Scope {
            clusters: live.clusters.clone(),
            services: Vec::new(),
            concurrency: live.concurrency,
            region: aws.region.clone(),
            progress: std::io::stderr().is_terminal(),
        };
        let (mut doc, mut stats) = crate::live::tasks_to_explain(&aws, &scope, tasks, recent)
            .await
            .map_err(|e| format!("cannot read the tasks: {e}"))?;
        let described: Vec<Value> = doc[0]["tasks"].as_array().cloned().unwrap_or_default();
        let mut clusters: Vec<String> =
            described.iter().filter_map(|t| t["clusterArn"].as_str().map(String::from)).collect();
        clusters.sort();
        clusters.dedup();
        let groups: Vec<Option<&str>> = described.iter().map(|t| t["group"].as_str()).collect();
        let mut services: Vec<String> =
            groups.iter().filter_map(|g| g.and_then(|g| g.strip_prefix("service:")).map(String::from)).collect();
        if clusters.is_empty() {
            return Ok((doc, None, stats, aws.region.clone()));
        }
        scope.clusters = clusters;
        // Only the tasks' services when every task is a service's.
        if !recent && services.len() == groups.len() {
            services.sort();
            services.dedup();
            scope.services = services;
        }
        let taken = crate::live::take(&aws, &scope).await;
        stats.add(taken.stats);
        let snapshot = match taken.fatal {
            // The tasks alone, then, with their task definitions as evidence.
            Some(e) => {
                stats.add(crate::live::add_task_definitions(&aws, &scope, &mut doc).await);
                Err(e.to_string())
            }
            None => Ok(taken.snapshot),
        };
        Ok::<_, String>((doc, Some(snapshot), stats, aws.region.clone()))
    })?;
    if live.stats {
        print_stats(&stats);
    }
    let mut doc_text = serde_json::to_string_pretty(&doc).expect("a JSON value serializes");
    doc_text.push('\n');
    let doc_name = format!("live-tasks-{}.json", region.as_deref().unwrap_or("region"));
    let described: Vec<Value> = doc[0]["tasks"].as_array().cloned().unwrap_or_default();
    let mut notes: Vec<String> = doc[0]["failures"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| format!("{}: {}", f["arn"].as_str().unwrap_or("?"), f["reason"].as_str().unwrap_or("not found")))
        .collect();
    let mut snap = match snapshot {
        None => {
            notes.push("no task to explain was found".to_string());
            return Ok(Live::Explained(Vec::new(), notes));
        }
        Some(Err(why)) => {
            return Ok(Live::WithoutContext(crate::explain::run::Source::Document(doc_name, doc_text), why));
        }
        Some(Ok(s)) => s,
    };
    // A task ECS describes but no longer lists joins the snapshot when its
    // task definition is there (the account around it was read).
    let td_known = |snap: &Value, td: &str| {
        snap["ecs"]["taskDefinitions"].as_array().is_some_and(|l| l.iter().any(|x| x["taskDefinitionArn"] == td))
    };
    let mut without_context = Vec::new();
    for t in &described {
        let arn = t["taskArn"].as_str().unwrap_or_default();
        let listed = snap["ecs"]["tasks"].as_array().is_some_and(|l| l.iter().any(|x| x["taskArn"] == arn));
        if listed {
            continue;
        }
        if td_known(&snap, t["taskDefinitionArn"].as_str().unwrap_or_default()) {
            if let Some(list) = snap["ecs"]["tasks"].as_array_mut() {
                list.push(t.clone());
            }
        } else {
            without_context.push(t.clone());
        }
    }
    let mut text = serde_json::to_string_pretty(&snap).expect("a JSON value serializes");
    text.push('\n');
    let cfg = Config::default();
    let env = crate::cfn::resolve::Env::default();
    let opts = Options { config: &cfg, env: &env, max_file_bytes: u64::MAX, pointers: false };
    let report = engine::lint_texts(&[("live.json".to_string(), text.clone())], &opts);
    let wanted: Vec<&str> = described.iter().filter_map(|t| t["taskArn"].as_str()).collect();
    let mut list = crate::explain::audit::explain_snapshot_tasks(cat, &text, &report.findings, &report.rules, &|arn| {
        wanted.contains(&arn)
    });
    if !without_context.is_empty() {
        let doc = serde_json::json!([{"tasks": without_context}]);
        let source = crate::explain::run::Source::Document(doc_name, doc.to_string());
        let outcome = crate::explain::run::run(cat, &[source], &[], u64::MAX);
        notes.push(format!(
            "{} task{} explained without the account around {} (its task definition is no longer in use)",
            outcome.explanations.len(),
            if outcome.explanations.len() == 1 { "" } else { "s" },
            if outcome.explanations.len() == 1 { "it" } else { "them" }
        ));
        list.extend(outcome.explanations);
    }
    let running = described.iter().filter(|t| t["lastStatus"] != "STOPPED").count();
    if running > 0 {
        notes.push(format!("{running} task{} not stopped, not explained", if running == 1 { " is" } else { "s are" }));
    }
    Ok(Live::Explained(list, notes))
}

async fn connect(live: &LiveArgs) -> crate::live::aws::Aws {
    crate::live::aws::Aws::connect(&crate::live::aws::Connect {
        profile: live.profile.clone(),
        region: live.region.clone(),
        endpoint_url: live.endpoint_url.clone(),
        timeout_secs: live.timeout,
    })
    .await
}

fn print_stats(stats: &crate::live::Stats) {
    let total: usize = stats.calls.values().sum();
    eprintln!("API calls: {total}");
    for (op, n) in &stats.calls {
        match stats.failed.get(op).copied().unwrap_or(0) {
            0 => eprintln!("  {op:<32} {n:>6}"),
            failed => eprintln!("  {op:<32} {n:>6}  ({failed} failed)"),
        }
    }
}

/// Whether `name` is an executable file in a directory of PATH.
fn on_path(name: &str) -> bool {
    let Some(path) = std::env::var_os("PATH") else { return false };
    std::env::split_paths(&path).any(|dir| {
        let p = dir.join(name);
        std::fs::metadata(&p).is_ok_and(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.is_file() && m.permissions().mode() & 0o111 != 0
        })
    })
}

fn exec_check(mut args: ExecCheckArgs) -> i32 {
    let id = args.task.rsplit('/').next().unwrap_or(&args.task).to_string();
    // An ARN names its cluster: arn:...:task/<cluster>/<id>.
    if let Some((_, rest)) = args.task.split_once(":task/")
        && let Some((cluster, _)) = rest.rsplit_once('/')
    {
        args.live.clusters = vec![cluster.to_string()];
    }
    if args.live.clusters.len() != 1 {
        eprintln!("error: name the task's cluster: give the task ARN, or --cluster with the task id");
        return 2;
    }
    let mut snap = match take_snapshot(&args.live) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let tasks = snap.pointer("/ecs/tasks").and_then(|t| t.as_array()).cloned().unwrap_or_default();
    let Some(task) = tasks
        .iter()
        .find(|t| t.get("taskArn").and_then(|a| a.as_str()).is_some_and(|a| a.ends_with(&format!("/{id}"))))
    else {
        eprintln!(
            "error: task `{id}` is not among the running or recently stopped tasks of cluster `{}`",
            args.live.clusters[0]
        );
        return 2;
    };
    let service = task.get("group").and_then(|g| g.as_str()).and_then(|g| g.strip_prefix("service:")).map(String::from);
    let td = task.get("taskDefinitionArn").and_then(|t| t.as_str()).unwrap_or_default().to_string();
    snap["local"] = serde_json::json!({ "sessionManagerPlugin": on_path("session-manager-plugin") });
    let mut text = serde_json::to_string_pretty(&snap).expect("a JSON value serializes");
    text.push('\n');
    let mut report_args = args.report;
    if report_args.select.is_none() {
        report_args.select = Some(["ECS3", "ECS501", "ECS506", "ECS6"].map(String::from).to_vec());
    }
    let lint_args = LintArgs {
        paths: vec![format!("exec-check-{id}.json")],
        report: report_args,
        stdin_filename: "<stdin>".into(),
        max_file_size: 1024,
        parameters: Vec::new(),
        region: args.live.region.clone(),
        live: LintLive::default(),
    };
    // The findings about this task, its service and its task definition.
    let td_name = td.rsplit('/').next().unwrap_or(&td).to_string();
    let keep = move |r: &crate::finding::Reported| match r.resource.kind {
        "task" => r.resource.name == id,
        "machine" => true,
        "service" => service.as_deref() == Some(r.resource.name.as_str()),
        "task-definition" => r.resource.name == td_name,
        "container" => r.resource.name.starts_with(&format!("{td_name}/")),
        _ => false,
    };
    lint_texts_filtered(
        lint_args,
        vec![(format!("exec-check-{}.json", args.task.rsplit('/').next().unwrap_or("task")), text)],
        &keep,
        false,
    )
}

fn snapshot(args: SnapshotArgs) -> i32 {
    let snap = match take_snapshot(&args.live) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut text = serde_json::to_string_pretty(&snap).expect("a JSON value serializes");
    text.push('\n');
    if let Err(e) = write_out(args.output.as_ref(), &text) {
        eprintln!("error: {e}");
        return 2;
    }
    0
}

fn audit(args: AuditArgs) -> i32 {
    let mut texts = Vec::new();
    if let Some(path) = &args.snapshot {
        match std::fs::read_to_string(path) {
            Ok(t) => texts.push((path.display().to_string(), t)),
            Err(e) => {
                eprintln!("error: {}: cannot read the snapshot: {e}", path.display());
                return 2;
            }
        }
    } else {
        let regions: Vec<Option<String>> = if args.regions.is_empty() {
            vec![args.live.region.clone()]
        } else {
            args.regions.iter().cloned().map(Some).collect()
        };
        for region in regions {
            let live = LiveArgs { region, ..args.live.clone() };
            match take_snapshot(&live) {
                Ok(s) => {
                    let mut text = serde_json::to_string_pretty(&s).expect("a JSON value serializes");
                    text.push('\n');
                    let account = s.get("account").and_then(|a| a.as_str()).unwrap_or("account");
                    let region = s.get("region").and_then(|a| a.as_str()).unwrap_or("region");
                    // Findings point into the snapshot `ecs-triage snapshot` would write.
                    texts.push((format!("live-{account}-{region}.json"), text));
                }
                // With several Regions, one with nothing to read (the
                // cluster lives elsewhere) is a note; all of them, an error.
                Err(e) if args.regions.len() > 1 => {
                    eprintln!("note: {}: {e}", live.region.as_deref().unwrap_or("default Region"));
                }
                Err(e) => {
                    eprintln!("error: {}: {e}", live.region.as_deref().unwrap_or("default Region"));
                    return 2;
                }
            }
        }
        if texts.is_empty() {
            eprintln!("error: nothing could be read in any of the Regions");
            return 2;
        }
    }
    let name = texts[0].0.clone();
    let lint_args = LintArgs {
        paths: vec![name.clone()],
        report: args.report,
        stdin_filename: "<stdin>".into(),
        max_file_size: 1024,
        parameters: Vec::new(),
        region: args.live.region,
        live: LintLive::default(),
    };
    lint_texts(lint_args, texts)
}

fn explain(args: ExplainArgs) -> i32 {
    use crate::explain::{catalog::Catalog, report, run};
    if let Some(expr) = &args.schedule {
        let json = args.format == ExplainFormat::Json;
        let (text, code) = crate::explain::schedule::run(expr, args.timezone.as_deref(), args.scheduler, json);
        if let Err(e) = write_out(args.output.as_ref(), &text) {
            eprintln!("error: {e}");
            return 2;
        }
        return code;
    }
    let err_color = ColorChoice::enabled(args.color, std::io::stderr().is_terminal());
    let dirs: Vec<&std::path::Path> = args.rules_dirs.iter().map(PathBuf::as_path).collect();
    let cat = match Catalog::with_dirs(&dirs) {
        Ok(c) => c,
        Err(e) => {
            let label = if err_color { "\x1b[1;31merror\x1b[0m" } else { "error" };
            eprintln!("{label}: {e}");
            return 2;
        }
    };
    let mut sources: Vec<run::Source> = Vec::new();
    for r in &args.reasons {
        sources.push(if r == "-" { run::Source::Stdin } else { run::Source::Text(r.clone()) });
    }
    sources.extend(args.files.iter().map(|f| run::Source::File(f.clone())));
    sources.extend(args.lines.iter().map(|f| run::Source::Lines(f.clone())));
    let mut live_explained = Vec::new();
    let mut live_notes = Vec::new();
    if !args.tasks.is_empty() || args.recent {
        match explain_tasks_live(&args.live, &args.tasks, args.recent, &cat) {
            Ok(Live::Explained(list, notes)) => {
                live_explained = list;
                live_notes = notes;
            }
            Ok(Live::WithoutContext(doc, why)) => {
                live_notes
                    .push(format!("the account around the tasks could not be read ({why}); explained without it"));
                sources.push(doc);
            }
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        }
    }
    if sources.is_empty() && live_explained.is_empty() && live_notes.is_empty() {
        eprintln!(
            "error: nothing to explain: give a reason, --file, --lines, --task, --recent or `-` for stdin (see `ecs-triage explain --help`)"
        );
        return 2;
    }
    let mut outcome = run::run(&cat, &sources, &args.task_definitions, args.max_file_size.saturating_mul(1024 * 1024));
    outcome.explanations.extend(live_explained);
    outcome.notes.extend(live_notes);
    for e in &outcome.errors {
        print_error(err_color, e);
    }
    for n in &outcome.notes {
        eprintln!("note: {n}");
    }
    let out_color = args.output.is_none() && ColorChoice::enabled(args.color, std::io::stdout().is_terminal());
    let width = std::env::var("COLUMNS").ok().and_then(|w| w.parse().ok()).unwrap_or(100usize).max(40);
    let text = match args.format {
        ExplainFormat::Table => report::render_text(&outcome.explanations, out_color, width),
        ExplainFormat::Json => report::render_json(&outcome.explanations, &outcome.errors, &outcome.notes),
    };
    if let Err(e) = write_out(args.output.as_ref(), &text) {
        eprintln!("error: {e}");
        return 2;
    }
    if !outcome.errors.is_empty() {
        2
    } else if outcome.explanations.iter().any(|e| e.is_unknown()) {
        1
    } else {
        0
    }
}

fn catalog_record_text(r: &crate::explain::catalog::Record) -> String {
    let mut s = format!("{} {} ({}, stage {})\n\n", r.id, r.title, r.category, r.stage);
    s.push_str("## Matches\n\n");
    for p in &r.patterns {
        s.push_str(&format!("- `{p}`\n"));
    }
    if !r.exit_codes.is_empty() {
        s.push_str(&format!("- with a container exit code of {:?}\n", r.exit_codes));
    }
    s.push_str("\n## Causes, most likely first\n\n");
    for (i, c) in r.causes.iter().enumerate() {
        s.push_str(&format!("{}. [{}] {}\n", i + 1, c.category, c.summary));
        for ch in c.checks.iter() {
            s.push_str(&format!("   - check: {ch}\n"));
        }
        s.push_str(&format!("   - fix: {}\n", c.fix));
    }
    s.push_str(&format!("\nDocumentation: {}\n", r.doc));
    s
}

fn rules(args: RulesArgs) -> i32 {
    if args.catalog || args.explain.as_deref().is_some_and(|q| q.to_ascii_uppercase().starts_with("SR")) {
        let cat = match crate::explain::catalog::Catalog::builtin() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return 2;
            }
        };
        if let Some(q) = &args.explain {
            let Some(r) = cat.records.iter().find(|r| r.id.eq_ignore_ascii_case(q)) else {
                eprintln!("error: no catalog record `{q}` (run `ecs-triage rules --catalog` for the list)");
                return 2;
            };
            return if write_out(None, &catalog_record_text(r)).is_ok() { 0 } else { 2 };
        }
        let text: String = match args.format {
            RulesFormat::Json => {
                let list: Vec<serde_json::Value> = cat
                    .records
                    .iter()
                    .map(|r| {
                        serde_json::json!({"id": r.id, "title": r.title, "category": r.category, "stage": r.stage,
                            "patterns": r.patterns, "causes": r.causes, "doc": r.doc})
                    })
                    .collect();
                serde_json::to_string_pretty(&list).expect("serialisable") + "\n"
            }
            _ => cat
                .records
                .iter()
                .map(|r| format!("{}  {:<18} {:<11} {}\n", r.id, r.category.as_str(), r.stage.as_str(), r.title))
                .collect(),
        };
        return if write_out(None, &text).is_ok() { 0 } else { 2 };
    }
    let all = meta::rules();
    if let Some(q) = &args.explain {
        let Some(r) = all.iter().find(|r| r.id.eq_ignore_ascii_case(q) || r.name == *q) else {
            let close: Vec<&str> =
                all.iter().filter(|r| r.id.starts_with(&q.to_ascii_uppercase())).map(|r| r.id.as_str()).collect();
            eprintln!(
                "error: no rule `{q}`{}",
                if close.is_empty() {
                    " (run `ecs-triage rules` for the list)".to_string()
                } else {
                    format!("; did you mean {}?", close.join(", "))
                }
            );
            return 2;
        };
        let text = match args.format {
            RulesFormat::Json => serde_json::to_string_pretty(&rule_json(r)).expect("serialisable") + "\n",
            _ => r.explanation(),
        };
        return if write_out(None, &text).is_ok() { 0 } else { 2 };
    }
    let text = match args.format {
        RulesFormat::Text => {
            let w = all.iter().map(|r| r.name.len()).max().unwrap_or(0);
            all.iter()
                .map(|r| format!("{}  {:<7}  {:<w$}  {}\n", r.id, r.severity.as_str(), r.name, r.summary))
                .collect()
        }
        RulesFormat::Json => {
            serde_json::to_string_pretty(&all.iter().map(rule_json).collect::<Vec<_>>()).expect("serialisable") + "\n"
        }
        RulesFormat::Markdown => markdown_table(),
    };
    if write_out(None, &text).is_ok() { 0 } else { 2 }
}

fn rule_json(r: &meta::RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "id": r.id, "name": r.name, "severity": r.severity, "category": r.category,
        "summary": r.summary, "what": r.what.trim(), "why": r.why.trim(), "example": r.example.trim_end(),
        "fix": r.fix.trim(), "doc": r.doc,
    })
}

/// The README's rules table, generated from the records.
pub fn markdown_table() -> String {
    let mut s = String::from("| id | name | severity | summary |\n|---|---|---|---|\n");
    for r in meta::rules() {
        s.push_str(&format!(
            "| [{}]({}) | `{}` | {} | {} |\n",
            r.id,
            r.doc,
            r.name,
            r.severity,
            r.summary.replace('|', "\\|")
        ));
    }
    s
}
