//! Mastodon-style pagination: `max_id` (older than), `since_id` (newer than, newest first),
//! `min_id` (newer than, oldest first, i.e. the page right after `min_id`), `limit`.

use crate::db::Arg;

#[derive(Clone, Copy, Debug, Default)]
pub struct PageQuery {
    pub max_id: Option<i64>,
    pub since_id: Option<i64>,
    pub min_id: Option<i64>,
    pub limit: i64,
}

/// One page of rows keyed by `key` (the paginated column), newest first.
#[derive(Clone, Debug)]
pub struct Page<T> {
    pub items: Vec<(i64, T)>,
}

impl<T> Page<T> {
    pub fn keys(&self) -> Vec<i64> {
        self.items.iter().map(|(k, _)| *k).collect()
    }
}

impl PageQuery {
    /// SQL that narrows and orders by `col`: ` AND col < $n … ORDER BY col DESC LIMIT $m`,
    /// with its arguments. Placeholders start at `$next`.
    pub fn clause(&self, col: &str, next: usize) -> (String, Vec<Arg>) {
        let mut sql = String::new();
        let mut args = Vec::new();
        let mut n = next;
        if let Some(max) = self.max_id {
            sql.push_str(&format!(" AND {col} < ${n}"));
            args.push(Arg::I64(Some(max)));
            n += 1;
        }
        if let Some(since) = self.since_id.filter(|_| self.min_id.is_none()) {
            sql.push_str(&format!(" AND {col} > ${n}"));
            args.push(Arg::I64(Some(since)));
            n += 1;
        }
        if let Some(min) = self.min_id {
            sql.push_str(&format!(" AND {col} > ${n}"));
            args.push(Arg::I64(Some(min)));
            n += 1;
        }
        let dir = if self.ascending() { "ASC" } else { "DESC" };
        sql.push_str(&format!(" ORDER BY {col} {dir} LIMIT ${n}"));
        args.push(Arg::I64(Some(self.limit.max(1))));
        (sql, args)
    }

    /// With `min_id` rows are read oldest first, then reversed (`min_id` wins over
    /// `since_id`, as in Mastodon).
    pub fn ascending(&self) -> bool {
        self.min_id.is_some()
    }

    /// Puts rows read by [`PageQuery::clause`] back into newest-first order.
    pub fn finish<T>(&self, mut items: Vec<(i64, T)>) -> Page<T> {
        if self.ascending() {
            items.reverse();
        }
        Page { items }
    }
}
