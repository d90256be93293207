//! A typed, signed client for the Tencent Cloud VPC API (version 2017-03-12).

pub mod credentials;
pub mod signing;
