//! Integration tests of the local VPC endpoint: the spec-derived action table, the
//! stateful `ResetVpnConnection`, fixtures, the example fallback, every shipped action
//! and the `vpc-mock` binary, through real HTTP on 127.0.0.1.

mod addresses;
mod binary;
mod common;
mod emulator;
mod every_action;
mod fallback;
mod families;
mod fixture;
mod hand_rules;
mod idempotency;
mod nat_gateways;
mod network_interfaces;
mod random_run;
mod reset;
mod route_tables;
mod security_groups;
mod service;
mod spec_table;
mod tasks;
mod untyped;
mod vpn;
