//! Every route is registered with the access it declares, so that the list of routes and
//! their access rules can be enumerated (`crate::route_table`) and enforced in one place
//! (`access::middleware`). The only way to add a route to the application is
//! `Routes::route` with an `Endpoint` built by `get`/`post`/`put`/`patch`/`delete` below,
//! each of which takes an `Access`: a route cannot be added without saying who may call it.

pub mod access;
pub mod scopes;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;

use crate::AppState;

pub use access::{
    Access, Kind, admins, moderators, optional, public, public_stream, session, session_admin,
    session_moderator, signed, stream, token,
};

/// One method of one path, and who may call it.
#[derive(Clone, Debug)]
pub struct Rule {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
}

/// The methods of one path, each with its access.
pub struct Endpoint {
    router: MethodRouter<AppState>,
    rules: Vec<(Method, Access)>,
}

macro_rules! methods {
    ($($name:ident => $method:ident),* $(,)?) => {
        $(
            #[doc = concat!("A `", stringify!($method), "` handler with its access.")]
            pub fn $name<H, T>(access: Access, handler: H) -> Endpoint
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                Endpoint {
                    router: axum::routing::$name(handler),
                    rules: vec![(Method::$method, access)],
                }
            }
        )*

        impl Endpoint {
            $(
                #[doc = concat!("Adds a `", stringify!($method), "` handler with its access.")]
                pub fn $name<H, T>(mut self, access: Access, handler: H) -> Endpoint
                where
                    H: Handler<T, AppState>,
                    T: 'static,
                {
                    self.router = self.router.$name(handler);
                    self.rules.push((Method::$method, access));
                    self
                }
            )*
        }
    };
}

methods!(get => GET, post => POST, put => PUT, patch => PATCH, delete => DELETE);

impl Endpoint {
    /// A body limit for the methods added so far (uploads).
    pub fn body_limit(mut self, bytes: usize) -> Endpoint {
        self.router = self.router.layer(DefaultBodyLimit::max(bytes));
        self
    }
}

/// A router and the access table of its routes, built together.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    table: Vec<Rule>,
}

impl Routes {
    pub fn new() -> Routes {
        Routes::default()
    }

    pub fn route(mut self, path: &'static str, endpoint: Endpoint) -> Routes {
        self.router = self.router.route(path, endpoint.router);
        self.table.extend(
            endpoint
                .rules
                .into_iter()
                .map(|(method, access)| Rule { method, path, access }),
        );
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.table.extend(other.table);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<Rule>) {
        (self.router, self.table)
    }
}
