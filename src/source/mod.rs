//! Inputs: reading files, directories and stdin into [`SourceFile`]s, and
//! turning byte offsets back into line, column and JSON pointer.

pub mod discover;
pub mod json;
pub mod yaml;

/// Index of a file in [`Sources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FileId(pub u32);

/// A place in an input: a byte offset in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Loc {
    pub file: FileId,
    pub off: u32,
}

/// A resolved position, as reporters print it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub file: String,
    /// 1-based; absent when the error concerns the whole file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based, in Unicode code points.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// RFC 6901 pointer to the key or value inside the document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pointer: Option<String>,
}

impl Position {
    pub fn file_only(file: impl Into<String>) -> Self {
        Position { file: file.into(), line: None, column: None, pointer: None }
    }
}

pub struct SourceFile {
    /// The path as the user gave it (or found by walking), `<stdin>` for
    /// stdin unless `--stdin-filename` names it.
    pub path: String,
    /// The text, kept only where it is needed later and cannot be read again
    /// (stdin, in-memory input) or where columns need it (non-ASCII text).
    /// Every file's model is held at once, so dropping the text of the rest
    /// keeps peak memory near the size of the model.
    text: Option<String>,
    /// Where to read the text again (for JSON pointers), and its length then.
    disk: Option<(std::path::PathBuf, usize)>,
    line_starts: Vec<u32>,
    /// A CloudFormation template: findings spell fields its way.
    pub template: bool,
}

impl SourceFile {
    /// A file whose text stays in memory.
    pub fn new(path: String, text: String) -> Self {
        let line_starts = line_starts(text.as_bytes());
        SourceFile { path, text: Some(text), disk: None, line_starts, template: false }
    }

    /// A file read from `disk`: its text is dropped when it is ASCII, and
    /// read again if a JSON pointer is asked for.
    pub fn from_disk(path: String, text: String, disk: std::path::PathBuf) -> Self {
        let line_starts = line_starts(text.as_bytes());
        let len = text.len();
        let text = if text.is_ascii() { None } else { Some(text) };
        SourceFile { path, text, disk: Some((disk, len)), line_starts, template: false }
    }

    /// The text, from memory or read again; `None` when the file changed
    /// since it was linted or cannot be read.
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        if let Some(t) = &self.text {
            return Some(std::borrow::Cow::Borrowed(t));
        }
        let (path, len) = self.disk.as_ref()?;
        let t = std::fs::read_to_string(path).ok()?;
        (t.len() == *len).then_some(std::borrow::Cow::Owned(t))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, off: u32) -> (u32, u32) {
        let starts = &self.line_starts;
        let line = starts.partition_point(|&s| s <= off).max(1);
        let start = starts[line - 1] as usize;
        let end = off as usize;
        let col = match &self.text {
            // Kept text: count characters. Dropped text was ASCII.
            Some(t) => t.get(start..end.min(t.len())).map_or(end.saturating_sub(start), |s| s.chars().count()),
            None => end.saturating_sub(start),
        };
        (line as u32, col as u32 + 1)
    }

    /// The JSON pointers of the keys or values at `offs`, parsing the file
    /// once. Only called for offsets that end up in a report.
    pub fn pointers(&self, offs: &[u32]) -> Vec<Option<String>> {
        let text = self.text();
        let root = text.as_deref().and_then(|t| json::parse(t).ok());
        offs.iter().map(|&off| root.as_ref().and_then(|r| json::pointer_at(r, off))).collect()
    }
}

pub fn line_starts(bytes: &[u8]) -> Vec<u32> {
    let mut v = vec![0u32];
    v.extend(bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').map(|(i, _)| i as u32 + 1));
    v
}

/// Every file read in one run; `FileId` indexes into it.
#[derive(Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    pub fn reserve(&mut self, n: usize) {
        self.files.reserve_exact(n);
    }

    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() as u32 - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    /// The position of one location, without a pointer.
    pub fn position(&self, loc: Loc) -> Position {
        let f = self.get(loc.file);
        let (line, column) = f.line_col(loc.off);
        Position { file: f.path.clone(), line: Some(line), column: Some(column), pointer: None }
    }

    /// Positions of many locations, with JSON pointers when asked: each file
    /// is parsed once for all its locations.
    pub fn positions(&self, locs: &[Loc], with_pointers: bool) -> Vec<Position> {
        use rayon::prelude::*;
        let mut out: Vec<Position> = locs.iter().map(|&l| self.position(l)).collect();
        if with_pointers {
            let mut by_file: std::collections::BTreeMap<FileId, Vec<usize>> = std::collections::BTreeMap::new();
            for (i, l) in locs.iter().enumerate() {
                by_file.entry(l.file).or_default().push(i);
            }
            let groups: Vec<(FileId, Vec<usize>)> = by_file.into_iter().collect();
            let found: Vec<(usize, Option<String>)> = groups
                .par_iter()
                .flat_map_iter(|(file, idx)| {
                    let offs: Vec<u32> = idx.iter().map(|&i| locs[i].off).collect();
                    idx.iter().copied().zip(self.get(*file).pointers(&offs)).collect::<Vec<_>>()
                })
                .collect();
            for (i, p) in found {
                out[i].pointer = p;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("x".into(), "{\n  \"é\": 1,\n  \"b\": 2}".into());
        let text = f.text().unwrap().to_string();
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 3));
        let b = text.find("\"b\"").unwrap() as u32;
        assert_eq!(f.line_col(b), (3, 3));
        let one = text.find('1').unwrap() as u32;
        assert_eq!(f.line_col(one), (2, 8));
    }
}
