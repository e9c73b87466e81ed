//! `/api/v1/admin/…`: admins only, with the admin scopes.

mod audit;
mod domain_allows;
mod domain_blocks;
mod instances;
mod reports;

use palisade_core::Error;
use palisade_core::auth::Viewer;

use crate::error::{ApiError, ApiResult};
use crate::extract::Auth;
use crate::routes::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .merge(domain_blocks::routes())
        .merge(domain_allows::routes())
        .merge(instances::routes())
        .merge(audit::routes())
        .merge(reports::routes())
}

/// The caller, if an admin (or moderator, for reads) with one of `scopes`.
pub fn admin(auth: Auth, scopes: &[&str], write: bool) -> ApiResult<Viewer> {
    let viewer = auth.scoped(scopes)?;
    let allowed = if write {
        viewer.is_admin()
    } else {
        viewer.is_moderator()
    };
    if !allowed {
        return Err(ApiError(Error::Forbidden("This action is not allowed".into())));
    }
    Ok(viewer)
}
