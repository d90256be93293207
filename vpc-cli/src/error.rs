//! The tool's one error type and its exit codes, as tccli's: 252 for a usage error
//! (what argparse reports), 255 for everything else (a service error, a configuration
//! or transport failure).

use std::fmt;

/// Exit code of a usage error (bad arguments, bad input), as tccli's argparse.
pub const EXIT_USAGE: u8 = 252;
/// Exit code of any other failure (a service error, configuration, transport), as tccli.
pub const EXIT_FAILURE: u8 = 255;

/// Why a command failed. Its text never holds a secret.
#[derive(Debug)]
pub enum CliError {
    /// The command line or the input is wrong (exit 252).
    Usage(String),
    /// A configuration file or variable is wrong (exit 255).
    Config(String),
    /// The service answered with an error code (exit 255).
    Service {
        /// The dotted code.
        code: String,
        /// The service's message.
        message: String,
        /// The RequestId, if the answer had one.
        request_id: Option<String>,
    },
    /// The call failed without an answer from the service, or a waiter failed (exit 255).
    Failed(String),
}

impl CliError {
    /// The process exit code for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => EXIT_USAGE,
            _ => EXIT_FAILURE,
        }
    }

    /// A usage error with this message.
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) => write!(f, "tcvpc: error: {message}"),
            CliError::Config(message) | CliError::Failed(message) => f.write_str(message),
            // tccli prints the SDK exception's text: scripts grep for it.
            CliError::Service {
                code,
                message,
                request_id,
            } => write!(
                f,
                "[TencentCloudSDKException] code:{code} message:{message} requestId:{}",
                request_id.as_deref().unwrap_or("None")
            ),
        }
    }
}

impl std::error::Error for CliError {}
