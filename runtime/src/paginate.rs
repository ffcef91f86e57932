//! Paginators: the pages of a paged Action, and their items, as [`Stream`]s.
//!
//! A generated request type whose Action pages its results implements [`Paginated`]: it says
//! which page it asks for and builds the request for the page after a `Result`.
//! [`Client::paginate`] then sends one request per page, in order, and stops when
//!
//! - the `Result` says there is no more (`HasMore = false`, no next cursor, the `Total` reached,
//!   a short or empty page of a numbered or offset Action),
//! - the next request would ask for a page already fetched (a repeated cursor), or
//! - a call fails: the error is the stream's last item.
//!
//! ```no_run
//! # async fn pages<R: volcengine_runtime::paginate::Paginated + Clone>(
//! #     client: volcengine_runtime::Client, request: R,
//! # ) -> Result<(), volcengine_runtime::Error> {
//! use std::future::poll_fn;
//! use std::pin::Pin;
//! use volcengine_runtime::paginate::Stream;
//!
//! let mut items = client.paginate(request).items();
//! while let Some(item) = poll_fn(|cx| Pin::new(&mut items).poll_next(cx)).await {
//!     let _item = item?;
//! }
//! # Ok(()) }
//! ```
//!
//! With the `futures` crate, `StreamExt::next` and `TryStreamExt::try_collect` do the polling.

use crate::client::Client;
use crate::error::Error;
use crate::operation::ActionRequest;
use crate::output::Output;
pub use futures_core::Stream;
use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A request of a paged Action (generated).
pub trait Paginated: ActionRequest + Clone {
    /// One item of a page.
    type Item: Send + 'static;
    /// Which page this request asks for (its cursor, page number or offset), as text: a
    /// paginator stops rather than ask for one position twice.
    fn position(&self) -> String;
    /// The request for the page after `result`, or `None` when `result` is the last page.
    fn next_page(&self, result: &Self::Result) -> Option<Self>;
    /// A page's items.
    fn into_items(result: Self::Result) -> Vec<Self::Item>;
}

impl Client {
    /// The pages of a paged Action, starting at the page `request` asks for.
    pub fn paginate<R: Paginated>(&self, request: R) -> Pages<R> {
        Pages {
            client: self.clone(),
            next: Some(request),
            seen: HashSet::new(),
            in_flight: None,
        }
    }
}

type PageResult<R> = Result<Output<<R as ActionRequest>::Result>, Error>;
type PageFuture<R> = Pin<Box<dyn Future<Output = (R, PageResult<R>)> + Send>>;

/// The pages of a paged Action: a [`Stream`] of each page's `Result`, with its response
/// metadata (see the [module](self)).
#[must_use = "a paginator does nothing until polled"]
pub struct Pages<R: Paginated> {
    client: Client,
    /// The request for the next page, while there is one.
    next: Option<R>,
    /// The positions already asked for.
    seen: HashSet<String>,
    in_flight: Option<PageFuture<R>>,
}

impl<R: Paginated> Pages<R> {
    /// The items of every page, in order.
    pub fn items(self) -> Items<R> {
        Items {
            pages: self,
            page: Vec::new().into_iter(),
        }
    }
}

impl<R: Paginated> Unpin for Pages<R> {}

impl<R: Paginated> Stream for Pages<R> {
    type Item = PageResult<R>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.in_flight.is_none() {
            let Some(request) = this.next.take() else {
                return Poll::Ready(None);
            };
            if !this.seen.insert(request.position()) {
                tracing::warn!(
                    action = R::OPERATION.action,
                    position = %request.position(),
                    "paginator stopped: the service returned a position it had already returned"
                );
                return Poll::Ready(None);
            }
            let client = this.client.clone();
            this.in_flight = Some(Box::pin(async move {
                let result = client.request(&request).await;
                (request, result)
            }));
        }
        let Some(in_flight) = this.in_flight.as_mut() else {
            return Poll::Ready(None);
        };
        let (request, result) = match in_flight.as_mut().poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(done) => done,
        };
        this.in_flight = None;
        if let Ok(page) = &result {
            this.next = request.next_page(page);
        }
        Poll::Ready(Some(result))
    }
}

/// The items of every page of a paged Action: a [`Stream`] (see the [module](self)).
#[must_use = "a paginator does nothing until polled"]
pub struct Items<R: Paginated> {
    pages: Pages<R>,
    page: std::vec::IntoIter<R::Item>,
}

impl<R: Paginated> Unpin for Items<R> {}

impl<R: Paginated> Stream for Items<R> {
    type Item = Result<R::Item, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(item) = self.page.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut self.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(page))) => {
                    self.page = R::into_items(page.into_inner()).into_iter()
                }
            }
        }
    }
}

/// Cursor paging: the cursor of the next page, unless `has_more` is `false` or there is none
/// (an empty string cursor is none).
pub fn next_cursor<C: Cursor>(has_more: Option<bool>, next: Option<&C>) -> Option<C> {
    if has_more == Some(false) {
        return None;
    }
    next.filter(|c| !c.is_none()).cloned()
}

/// A cursor's type: integer or string.
pub trait Cursor: Clone {
    /// Whether this value means "no next page".
    fn is_none(&self) -> bool;
}

impl Cursor for String {
    fn is_none(&self) -> bool {
        self.is_empty()
    }
}

impl Cursor for i32 {
    fn is_none(&self) -> bool {
        false
    }
}

impl Cursor for i64 {
    fn is_none(&self) -> bool {
        false
    }
}

/// A page's item count, unless the page was empty or shorter than `size` (then it was the last).
fn full_page(size: Option<i64>, items: usize) -> Option<i64> {
    let items = i64::try_from(items).ok()?;
    (items > 0 && size.is_none_or(|size| items >= size)).then_some(items)
}

/// Page-number paging (counted from 1): the number of the page after `page`, unless this page
/// was empty or short, or `page × size` reaches `total`.
pub fn next_page_number(
    page: i64,
    size: Option<i64>,
    total: Option<i64>,
    items: usize,
) -> Option<i64> {
    let items = full_page(size, items)?;
    let size = size.unwrap_or(items);
    if total.is_some_and(|total| page.saturating_mul(size) >= total) {
        return None;
    }
    page.checked_add(1)
}

/// Offset paging: the offset after this page's items, unless this page was empty or short, or
/// the offset reaches `total`.
pub fn next_offset(
    offset: i64,
    size: Option<i64>,
    total: Option<i64>,
    items: usize,
) -> Option<i64> {
    let items = full_page(size, items)?;
    let next = offset.checked_add(items)?;
    if total.is_some_and(|total| next >= total) {
        return None;
    }
    Some(next)
}

/// An integer paging field's value, widened.
pub fn as_i64<T: Copy + Into<i64>>(value: Option<&T>) -> Option<i64> {
    value.map(|v| (*v).into())
}

/// A computed position in a paging field's type; `None` when it does not fit.
pub fn narrow<T: TryFrom<i64>>(value: i64) -> Option<T> {
    T::try_from(value).ok()
}

/// A request field's value as a paginator position.
pub fn position<T: std::fmt::Display>(value: Option<&T>) -> String {
    value.map(ToString::to_string).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors() {
        assert_eq!(next_cursor(Some(true), Some(&5)), Some(5));
        assert_eq!(next_cursor(None, Some(&5)), Some(5));
        assert_eq!(next_cursor(Some(false), Some(&5)), None);
        assert_eq!(next_cursor::<i64>(Some(true), None), None);
        assert_eq!(next_cursor(None, Some(&String::new())), None);
        assert_eq!(
            next_cursor(None, Some(&"t2".to_owned())),
            Some("t2".to_owned())
        );
    }

    #[test]
    fn page_numbers() {
        assert_eq!(next_page_number(1, Some(10), Some(25), 10), Some(2));
        assert_eq!(next_page_number(3, Some(10), Some(25), 5), None);
        assert_eq!(next_page_number(2, Some(10), Some(20), 10), None);
        assert_eq!(next_page_number(1, Some(10), None, 0), None);
        assert_eq!(next_page_number(1, None, None, 3), Some(2));
        assert_eq!(next_page_number(i64::MAX, None, None, 3), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(next_offset(0, Some(10), Some(25), 10), Some(10));
        assert_eq!(next_offset(20, Some(10), Some(25), 5), None);
        assert_eq!(next_offset(10, Some(10), Some(20), 10), None);
        assert_eq!(next_offset(0, Some(10), None, 0), None);
    }
}
