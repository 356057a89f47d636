//! Inputs: reading files, directories and stdin into [`SourceFile`]s, and
//! turning byte offsets back into line, column and JSON pointer.

pub mod discover;
pub mod json;

use std::sync::OnceLock;

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
    /// The path as the user gave it (or found by walking), `-` for stdin
    /// unless `--stdin-filename` names it.
    pub path: String,
    pub text: String,
    line_starts: OnceLock<Vec<u32>>,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> Self {
        SourceFile { path, text, line_starts: OnceLock::new() }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| line_starts(self.text.as_bytes()))
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, off: u32) -> (u32, u32) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= off).max(1);
        let start = starts[line - 1] as usize;
        let end = (off as usize).min(self.text.len());
        let col = self.text.get(start..end).map_or(end - start, |s| s.chars().count());
        (line as u32, col as u32 + 1)
    }

    /// The JSON pointer of the key or value at `off`. Parses the file again:
    /// only called for the few offsets that end up in a report.
    pub fn pointer(&self, off: u32) -> Option<String> {
        let root = json::parse(&self.text).ok()?;
        json::pointer_at(&root, off)
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

    pub fn position(&self, loc: Loc, with_pointer: bool) -> Position {
        let f = self.get(loc.file);
        let (line, column) = f.line_col(loc.off);
        Position {
            file: f.path.clone(),
            line: Some(line),
            column: Some(column),
            pointer: if with_pointer { f.pointer(loc.off) } else { None },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_count_characters() {
        let f = SourceFile::new("x".into(), "{\n  \"é\": 1,\n  \"b\": 2}".into());
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(4), (2, 3));
        let b = f.text.find("\"b\"").unwrap() as u32;
        assert_eq!(f.line_col(b), (3, 3));
        let one = f.text.find('1').unwrap() as u32;
        assert_eq!(f.line_col(one), (2, 8));
    }
}
