//! Turning command-line paths into input files: directories are walked,
//! `-` is stdin, and every problem becomes an input error naming the path.

use crate::finding::InputError;
use crate::source::Position;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One input to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// How the path is shown in reports.
    pub display: String,
    /// `None` for stdin.
    pub path: Option<PathBuf>,
    /// Found by walking a directory (not named by the user): a file that is
    /// valid but not an input of ours is skipped rather than an error.
    pub walked: bool,
}

#[derive(Debug, Default)]
pub struct Discovered {
    pub targets: Vec<Target>,
    pub errors: Vec<InputError>,
}

/// What to pick up while walking a directory.
pub struct WalkFilter<'a> {
    /// File extensions (lower case, no dot).
    pub extensions: &'a [&'a str],
    /// Returns true for paths the configuration excludes.
    pub excluded: &'a dyn Fn(&Path) -> bool,
}

fn err(path: &str, msg: impl Into<String>) -> InputError {
    InputError { location: Position::file_only(path), message: msg.into() }
}

pub fn discover(args: &[String], stdin_name: &str, filter: &WalkFilter<'_>) -> Discovered {
    let mut out = Discovered::default();
    let mut seen = std::collections::HashSet::new();
    let mut stdin_taken = false;
    for arg in args {
        if arg == "-" {
            if !stdin_taken {
                stdin_taken = true;
                out.targets.push(Target { display: stdin_name.to_string(), path: None, walked: false });
            }
            continue;
        }
        let path = Path::new(arg);
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                let msg = match e.kind() {
                    std::io::ErrorKind::NotFound if path.symlink_metadata().is_ok() => {
                        "broken symbolic link (its target does not exist)".to_string()
                    }
                    std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                    _ if e.raw_os_error() == Some(40) => "symbolic link loop".to_string(),
                    _ => format!("cannot read: {e}"),
                };
                out.errors.push(err(arg, msg));
                continue;
            }
        };
        if meta.is_dir() {
            walk(arg, path, filter, &mut out, &mut seen);
        } else {
            let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
            if seen.insert(key) {
                out.targets.push(Target { display: arg.clone(), path: Some(path.to_path_buf()), walked: false });
            }
        }
    }
    out
}

fn walk(
    arg: &str,
    root: &Path,
    filter: &WalkFilter<'_>,
    out: &mut Discovered,
    seen: &mut std::collections::HashSet<PathBuf>,
) {
    let before = out.targets.len();
    let mut errors_here = 0;
    let walker = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_skipped_dir_or_hidden(e));
    for entry in walker {
        match entry {
            Ok(e) => {
                if e.file_type().is_dir() || (filter.excluded)(e.path()) {
                    continue;
                }
                let ext = e.path().extension().and_then(|x| x.to_str()).map(str::to_ascii_lowercase);
                if !ext.is_some_and(|x| filter.extensions.contains(&x.as_str())) {
                    continue;
                }
                let key = std::fs::canonicalize(e.path()).unwrap_or_else(|_| e.path().to_path_buf());
                if seen.insert(key) {
                    out.targets.push(Target {
                        display: e.path().display().to_string(),
                        path: Some(e.path().to_path_buf()),
                        walked: true,
                    });
                }
            }
            Err(e) => {
                errors_here += 1;
                let at = e.path().map_or_else(|| arg.to_string(), |p| p.display().to_string());
                let msg = if let Some(anc) = e.loop_ancestor() {
                    format!("symbolic link loop: it leads back to `{}`; skipped", anc.display())
                } else if let Some(io) = e.io_error() {
                    format!("cannot read: {io}")
                } else {
                    format!("cannot read: {e}")
                };
                out.errors.push(err(&at, msg));
            }
        }
    }
    if out.targets.len() == before && errors_here == 0 {
        let exts = filter.extensions.iter().map(|x| format!("*.{x}")).collect::<Vec<_>>().join(", ");
        out.errors.push(err(arg, format!("directory holds no input files ({exts})")));
    }
}

fn is_skipped_dir_or_hidden(e: &walkdir::DirEntry) -> bool {
    let name = e.file_name().to_string_lossy();
    name.starts_with('.') || (e.file_type().is_dir() && name == "node_modules")
}

/// Reads a target as UTF-8 text of at most `max_bytes`.
pub fn read(target: &Target, max_bytes: u64) -> Result<String, InputError> {
    let too_big = || {
        err(
            &target.display,
            format!(
                "file is larger than {} MiB; ECS inputs are far smaller (raise the limit with --max-file-size)",
                max_bytes / (1024 * 1024)
            ),
        )
    };
    let mut bytes = Vec::new();
    let result = match &target.path {
        None => std::io::stdin().lock().take(max_bytes + 1).read_to_end(&mut bytes),
        Some(p) => {
            let f = std::fs::File::open(p).map_err(|e| err(&target.display, format!("cannot read: {e}")))?;
            let len = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
            if len.is_some_and(|l| l > max_bytes) {
                return Err(too_big());
            }
            // Sized to the file, so the text kept for reporting holds no slack.
            bytes.reserve_exact(len.unwrap_or(0) as usize + 1);
            f.take(max_bytes + 1).read_to_end(&mut bytes)
        }
    };
    result.map_err(|e| err(&target.display, format!("cannot read: {e}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big());
    }
    bytes.shrink_to_fit();
    decode(&target.display, bytes)
}

/// UTF-8 check with a position for the first bad byte.
pub fn decode(display: &str, bytes: Vec<u8>) -> Result<String, InputError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(err(display, "file is UTF-16 encoded; save it as UTF-8"));
    }
    String::from_utf8(bytes).map_err(|e| {
        let bytes = e.as_bytes();
        let at = e.utf8_error().valid_up_to();
        let line_start = bytes[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let line = bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let column = std::str::from_utf8(&bytes[line_start..at]).map_or(0, |s| s.chars().count()) as u32 + 1;
        InputError {
            location: Position { file: display.to_string(), line: Some(line), column: Some(column), pointer: None },
            message: format!("file is not valid UTF-8 (byte 0x{:02X} at offset {at})", bytes[at]),
        }
    })
}
