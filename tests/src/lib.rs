//! Test support shared by volcgen's golden tests.

pub mod server;
