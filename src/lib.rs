//! aiclear: checks generative-AI declarations in screenplays and VFX metadata
//! against a studio's GenAI guidelines and git history.
#![warn(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::allow_attributes_without_reason
)]

pub mod approvals;
pub mod cache;
pub mod cli;
pub mod config;
pub mod declaration;
pub mod diagnostic;
pub mod digest;
pub mod embedded;
pub mod engine;
pub mod git;
pub mod kind;
pub mod localtime;
pub mod lsp;
pub mod names;
pub mod policy;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod signing;
pub mod source;
pub mod text;
pub mod write;
pub mod yaml;
