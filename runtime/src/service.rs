//! What a generated service crate tells the runtime about itself.
//!
//! The runtime never names a service. Each generated crate (`volcengine-rtc`, …) has one
//! [`Service`] (its name, its `User-Agent`, the table of its Actions) and a `Client` of its own,
//! a thin wrapper of the runtime's [`Client`] that adds one `async fn` per Action; implementing
//! [`ServiceClient`] for it lets the runtime's builder, blocking client and mock server hand out
//! that type.

use crate::dynamic::ActionEntry;
use crate::Client;

/// A service crate's description of itself.
#[derive(Debug)]
pub struct Service {
    /// The service's name in its documentation folder and signatures, e.g. `rtc`.
    pub name: &'static str,
    /// The `User-Agent` of its requests, e.g. `volcengine-rtc-rust/0.1.0`.
    pub user_agent: &'static str,
    /// Every Action and Version the crate was generated with, sorted by Action, then Version.
    pub actions: &'static [ActionEntry],
}

impl Service {
    /// No service: a [`Client`] built without one calls any [`Operation`](crate::Operation)
    /// through [`Client::send`].
    pub const NONE: Service = Service {
        name: "",
        user_agent: concat!("volcengine-runtime-rust/", env!("CARGO_PKG_VERSION")),
        actions: &[],
    };

    /// The regions the service's Actions know a host for (see
    /// [`Operation::endpoints`](crate::Operation::endpoints)), sorted, without repeats.
    pub fn regions(&self) -> Vec<&'static str> {
        let mut regions: Vec<&'static str> = self
            .actions
            .iter()
            .flat_map(|entry| {
                entry
                    .operation()
                    .endpoints
                    .iter()
                    .map(|(region, _)| *region)
            })
            .collect();
        regions.sort_unstable();
        regions.dedup();
        regions
    }
}

/// A service crate's `Client`: a runtime [`Client`] for one [`Service`].
pub trait ServiceClient: From<Client> + AsRef<Client> + Clone + Send + Sync + 'static {
    /// The service it calls.
    const SERVICE: &'static Service;
}

impl ServiceClient for Client {
    const SERVICE: &'static Service = &Service::NONE;
}

impl AsRef<Client> for Client {
    fn as_ref(&self) -> &Client {
        self
    }
}
