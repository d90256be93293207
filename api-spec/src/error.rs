//! Located spec problems: every one names the file, the JSON pointer and line:column.

use std::fmt;
use std::path::PathBuf;

pub use crate::locate::Position;

/// One problem in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec file, as the caller named it.
    pub file: String,
    /// The JSON pointer (RFC 6901) of the value at fault; empty for the whole document.
    pub pointer: String,
    /// Where that value starts in the file.
    pub position: Position,
    /// What is wrong, lowercase, naming the thing at fault.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(
            f,
            "spec {}:{}: {}: {}",
            self.file, self.position, pointer, self.message
        )
    }
}

/// Why a spec could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The file could not be read.
    #[error("spec {}: cannot read the file: {source}", path.display())]
    Io {
        /// The path that was tried.
        path: PathBuf,
        /// The operating system's reason.
        #[source]
        source: std::io::Error,
    },
    /// The file was read but has problems; all of them are listed.
    #[error("{}", render(.0))]
    Invalid(Vec<Diagnostic>),
}

impl SpecError {
    /// The located problems (empty for an I/O error).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            SpecError::Io { .. } => &[],
            SpecError::Invalid(diagnostics) => diagnostics,
        }
    }
}

fn render(diagnostics: &[Diagnostic]) -> String {
    if let [only] = diagnostics {
        return only.to_string();
    }
    let count = diagnostics.len();
    let mut out = format!(
        "{count} problem{} in the spec",
        if count == 1 { "" } else { "s" }
    );
    for diagnostic in diagnostics {
        out.push_str("\n  ");
        out.push_str(&diagnostic.to_string());
    }
    out
}
