//! Listing: every page of a paged action, as a [`Stream`] of answers or of items.
//!
//! A paged action takes `Offset` and `Limit` and answers one page of a list, usually
//! with the total count (see `api_spec::paging` for which actions are paged). For each
//! one, the generated code has a method `x_pages(request)` that returns [`Pages`]: a
//! [`Stream`] of the action's answers, one ordinary call per page. [`Pages::items`]
//! flattens it into a stream of the list's items.
//!
//! ```no_run
//! # async fn list(client: &vpc_client::Client) -> Result<(), vpc_client::Error<vpc_client::vpc::DescribeVpcsError>> {
//! use vpc_client::vpc::DescribeVpcsRequest;
//!
//! let mut vpcs = client.describe_vpcs_pages(DescribeVpcsRequest::new()).items();
//! while let Some(vpc) = vpcs.next().await {
//!     println!("{:?}", vpc?.vpc_id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # How a listing goes
//!
//! - **Where it starts.** At the request's own `Offset` (0 when it has none).
//! - **Page size.** The request's own `Limit`; when it has none, the largest the action's
//!   document states ([`Paginated::MAX_LIMIT`], 100 for most VPC actions), so a listing
//!   takes as few calls as it can; when the document states none either, the server's
//!   default.
//! - **Each page is one call** through [`Client::call`], with its retries, its rate
//!   limiter and its deadline: a long listing is paced to the action's rate like any
//!   other run of calls, and a page that fails after its retries fails the stream.
//! - **The next page** starts where the items received so far end: `Offset` plus the
//!   number of items in the page, not plus `Limit`, so a server that answers fewer
//!   items than asked for loses none.
//! - **When it ends.** At an empty page, always. Where answers carry a count: once the
//!   items received reach the count of the latest answer (so a count that shrinks
//!   between pages ends the listing cleanly). Where they carry none: at a short page
//!   (fewer items than the page size, when the page size is known). A short page while
//!   the count says more is followed by one more request, whose empty answer ends the
//!   listing: a count larger than what the server has ends at the first empty page and
//!   never makes the stream spin.
//! - **Errors.** A page that fails is the stream's last element: [`Items`] yields every
//!   item of the pages already received before it. An `Offset` or `Limit` the request
//!   carries as text that is not a number (`"ten"`) fails the first element with
//!   [`Error::Request`], before anything is sent.
//! - **Every answer is yielded**, the empty one that ends a listing included, so the
//!   count and the RequestId of each page are there for whoever wants them.
//!
//! # Items added or removed during a listing
//!
//! Tencent's offsets are positions in a list the server computes anew for every call;
//! there is no snapshot. A listing therefore sees every item that exists from its
//! start to its end and keeps its position, exactly once. An item added or removed
//! while the listing runs, at a position *before* the next page's offset, shifts the
//! later items: a removal makes the first item of the next page be skipped, an
//! insertion makes the last item of the previous page appear twice. Items added after
//! the current position are listed (if the listing gets that far); the count of the
//! latest answer decides where it ends. Where exactness matters, list by a filter that
//! the changes do not touch, or remove duplicates by ID.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::action::Action;
use crate::client::Client;
use crate::error::Error;

/// A request type of a paged action. Implemented by generated code: it says where the
/// request's `Offset` and `Limit` are and where an answer's items and count are.
pub trait Paginated: Action + Send + 'static {
    /// The element type of the answer's list member (`Vpc` for `DescribeVpcs`).
    type Item: Send + 'static;
    /// The largest `Limit` the action's document states, used when the request has
    /// none; `None` where the document states no maximum.
    const MAX_LIMIT: Option<u64>;
    /// The request's `Offset`, if it has one.
    ///
    /// # Errors
    ///
    /// An offset sent as text that is not a non-negative integer, or a negative one.
    fn offset(&self) -> Result<Option<u64>, String>;
    /// Sets the request's `Offset`.
    ///
    /// # Errors
    ///
    /// When the offset does not fit the member's type.
    fn set_offset(&mut self, offset: u64) -> Result<(), String>;
    /// The request's `Limit`, if it has one.
    ///
    /// # Errors
    ///
    /// As for [`offset`](Self::offset).
    fn limit(&self) -> Result<Option<u64>, String>;
    /// Sets the request's `Limit`.
    ///
    /// # Errors
    ///
    /// When the limit does not fit the member's type.
    fn set_limit(&mut self, limit: u64) -> Result<(), String>;
    /// The total number of items an answer reports, if the action's answers carry one
    /// and this one does (a negative count reads as none).
    fn total_count(response: &Self::Response) -> Option<u64>;
    /// The number of items in an answer's page.
    fn page_len(response: &Self::Response) -> usize;
    /// The items of an answer's page.
    fn into_items(response: Self::Response) -> Vec<Self::Item>;
}

/// A request member that pages: `Offset` or `Limit`, sent as an integer or as text.
/// Generated [`Paginated`] impls read and write their members through it.
pub trait PageParam {
    /// The value as a count, `None` where the member is unset.
    ///
    /// # Errors
    ///
    /// Text that is not a non-negative integer, or a negative integer.
    fn page_value(&self) -> Result<Option<u64>, String>;
    /// Sets the value.
    ///
    /// # Errors
    ///
    /// When `value` does not fit the member's type.
    fn set_page_value(&mut self, value: u64) -> Result<(), String>;
}

impl PageParam for u64 {
    fn page_value(&self) -> Result<Option<u64>, String> {
        Ok(Some(*self))
    }
    fn set_page_value(&mut self, value: u64) -> Result<(), String> {
        *self = value;
        Ok(())
    }
}

impl PageParam for i64 {
    fn page_value(&self) -> Result<Option<u64>, String> {
        u64::try_from(*self)
            .map(Some)
            .map_err(|_| format!("{self} is negative"))
    }
    fn set_page_value(&mut self, value: u64) -> Result<(), String> {
        *self = i64::try_from(value).map_err(|_| format!("{value} does not fit an int64"))?;
        Ok(())
    }
}

impl PageParam for String {
    fn page_value(&self) -> Result<Option<u64>, String> {
        self.trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("`{self}` is not a non-negative integer"))
    }
    fn set_page_value(&mut self, value: u64) -> Result<(), String> {
        *self = value.to_string();
        Ok(())
    }
}

impl<T: PageParam + Default> PageParam for Option<T> {
    fn page_value(&self) -> Result<Option<u64>, String> {
        match self {
            Some(value) => value.page_value(),
            None => Ok(None),
        }
    }
    fn set_page_value(&mut self, value: u64) -> Result<(), String> {
        self.get_or_insert_with(T::default).set_page_value(value)
    }
}

/// An answer's count member, as a count: generated [`Paginated`] impls read it through
/// this trait.
pub trait PageCount {
    /// The count, `None` where it is absent or negative.
    fn page_count(&self) -> Option<u64>;
}

impl PageCount for u64 {
    fn page_count(&self) -> Option<u64> {
        Some(*self)
    }
}

impl PageCount for i64 {
    fn page_count(&self) -> Option<u64> {
        u64::try_from(*self).ok()
    }
}

impl<T: PageCount> PageCount for Option<T> {
    fn page_count(&self) -> Option<u64> {
        self.as_ref().and_then(PageCount::page_count)
    }
}

/// An answer's list member: generated [`Paginated`] impls read it through this trait.
pub trait PageItems {
    /// The element type.
    type Item;
    /// How many items the page holds.
    fn page_len(&self) -> usize;
    /// The items.
    fn into_page_items(self) -> Vec<Self::Item>;
}

impl<T> PageItems for Vec<T> {
    type Item = T;
    fn page_len(&self) -> usize {
        self.len()
    }
    fn into_page_items(self) -> Vec<T> {
        self
    }
}

impl<T> PageItems for Option<Vec<T>> {
    type Item = T;
    fn page_len(&self) -> usize {
        self.as_ref().map_or(0, Vec::len)
    }
    fn into_page_items(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}

type PageResult<A> = Result<<A as Action>::Response, Error<<A as Action>::Error>>;
type PageFuture<A> = Pin<Box<dyn Future<Output = (A, PageResult<A>)> + Send>>;

enum State<A: Paginated> {
    /// The next page is to be asked for, starting at `offset`.
    Next { request: A, offset: u64 },
    /// A page is on its way.
    Waiting { future: PageFuture<A>, offset: u64 },
    /// The request could not be paged; the error is the stream's one element.
    Invalid(Error<A::Error>),
    /// The listing is over.
    Done,
}

/// Every page of a paged action's answers, one call per page: a [`Stream`] of
/// `Result<Response, Error<ActionError>>`, from `client.x_pages(request)`.
///
/// Poll it with `futures::StreamExt` or with the inherent [`next`](Self::next); turn it
/// into a stream of items with [`items`](Self::items). The module documentation says
/// exactly where a listing starts and ends.
#[must_use = "a listing does nothing until it is polled"]
pub struct Pages<A: Paginated> {
    client: Client,
    /// The page size, when known (the request's or the documented maximum).
    limit: Option<u64>,
    state: State<A>,
    pages: u64,
}

// No field is ever pinned: the page's future is boxed, and the request is moved in
// and out of it by value.
impl<A: Paginated> Unpin for Pages<A> {}

impl<A: Paginated> fmt::Debug for Pages<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match &self.state {
            State::Next { offset, .. } => format!("next page at offset {offset}"),
            State::Waiting { offset, .. } => format!("waiting for the page at offset {offset}"),
            State::Invalid(_) => "invalid request".to_owned(),
            State::Done => "done".to_owned(),
        };
        f.debug_struct("Pages")
            .field("action", &A::NAME)
            .field("limit", &self.limit)
            .field("pages_received", &self.pages)
            .field("state", &state)
            .finish_non_exhaustive()
    }
}

impl<A: Paginated> Pages<A> {
    /// A listing of `request`'s pages through `client`; what generated `x_pages`
    /// methods return (see [`Client::pages`]).
    pub fn new(client: Client, mut request: A) -> Self {
        let invalid = |client, what: &str, message: String| Self {
            client,
            limit: None,
            state: State::Invalid(Error::Request(format!(
                "cannot page {}: its {what} {message}",
                A::NAME
            ))),
            pages: 0,
        };
        let offset = match request.offset() {
            Ok(offset) => offset.unwrap_or(0),
            Err(message) => return invalid(client, "Offset", message),
        };
        let limit = match request.limit() {
            Ok(Some(limit)) => Some(limit),
            Ok(None) => match A::MAX_LIMIT {
                Some(max) => match request.set_limit(max) {
                    Ok(()) => Some(max),
                    Err(message) => return invalid(client, "Limit", message),
                },
                None => None,
            },
            Err(message) => return invalid(client, "Limit", message),
        };
        Self {
            client,
            limit,
            state: State::Next { request, offset },
            pages: 0,
        }
    }

    /// The stream of the pages' items, in order: every item of every page, then the
    /// error that ended the listing, if one did.
    pub fn items(self) -> Items<A> {
        Items {
            pages: self,
            buffer: Vec::new().into_iter(),
        }
    }

    /// How many answers the listing has received so far.
    pub fn pages_received(&self) -> u64 {
        self.pages
    }

    /// The next answer, or `None` when the listing is over: the same as
    /// `futures::StreamExt::next`, without needing that trait.
    pub async fn next(&mut self) -> Option<PageResult<A>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Whether an answer of `received` items, reporting `count`, ends a listing whose
    /// items received now reach `next_offset`.
    fn ends(&self, received: u64, count: Option<u64>, next_offset: u64) -> bool {
        received == 0
            || match count {
                Some(count) => next_offset >= count,
                None => self.limit.is_some_and(|limit| received < limit),
            }
    }
}

impl<A: Paginated> Stream for Pages<A> {
    type Item = PageResult<A>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Invalid(error) => return Poll::Ready(Some(Err(error))),
                State::Next {
                    mut request,
                    offset,
                } => {
                    if let Err(message) = request.set_offset(offset) {
                        return Poll::Ready(Some(Err(Error::Request(format!(
                            "cannot page {} past offset {offset}: {message}",
                            A::NAME
                        )))));
                    }
                    let client = this.client.clone();
                    let future: PageFuture<A> = Box::pin(async move {
                        let result = client.call(&request).await;
                        (request, result)
                    });
                    this.state = State::Waiting { future, offset };
                }
                State::Waiting { mut future, offset } => {
                    let (request, result) = match future.as_mut().poll(cx) {
                        Poll::Pending => {
                            this.state = State::Waiting { future, offset };
                            return Poll::Pending;
                        }
                        Poll::Ready(done) => done,
                    };
                    this.pages += 1;
                    let response = match result {
                        Ok(response) => response,
                        Err(error) => return Poll::Ready(Some(Err(error))),
                    };
                    let received = u64::try_from(A::page_len(&response)).unwrap_or(u64::MAX);
                    let next_offset = offset.saturating_add(received);
                    if !this.ends(received, A::total_count(&response), next_offset) {
                        this.state = State::Next {
                            request,
                            offset: next_offset,
                        };
                    }
                    return Poll::Ready(Some(Ok(response)));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.state {
            State::Done => (0, Some(0)),
            State::Invalid(_) => (1, Some(1)),
            _ => (1, None),
        }
    }
}

/// The items of every page of a paged action, in order: a [`Stream`] of
/// `Result<Item, Error<ActionError>>`, from [`Pages::items`].
///
/// A page that fails ends the stream with its error, after every item of the pages
/// received before it.
#[must_use = "a listing does nothing until it is polled"]
pub struct Items<A: Paginated> {
    pages: Pages<A>,
    buffer: std::vec::IntoIter<A::Item>,
}

impl<A: Paginated> Unpin for Items<A> {}

impl<A: Paginated> fmt::Debug for Items<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish()
    }
}

impl<A: Paginated> Items<A> {
    /// The next item, or `None` when the listing is over: the same as
    /// `futures::StreamExt::next`, without needing that trait.
    pub async fn next(&mut self) -> Option<Result<A::Item, Error<A::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// How many answers the listing has received so far.
    pub fn pages_received(&self) -> u64 {
        self.pages.pages_received()
    }
}

impl<A: Paginated> Stream for Items<A> {
    type Item = Result<A::Item, Error<A::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(response))) => {
                    this.buffer = A::into_items(response).into_iter();
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let buffered = self.buffer.len();
        match self.pages.size_hint() {
            (_, Some(0)) => (buffered, Some(buffered)),
            _ => (buffered, None),
        }
    }
}

impl Client {
    /// Every page of `request`'s answers, one call per page (see [`Pages`]). Generated
    /// `x_pages` methods call this; it is public so that code generated in other crates
    /// (by `vpc-macros`) can use it too.
    pub fn pages<A: Paginated>(&self, request: A) -> Pages<A> {
        Pages::new(self.clone(), request)
    }
}
