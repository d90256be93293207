//! Integration tests of the mock endpoint over real TCP connections on 127.0.0.1.

mod auth;
mod common;
mod faults;
mod lifecycle;
mod protocol;
mod standard_client;
mod sts;
